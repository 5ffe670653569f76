//! Presenter mode lives in the address's query (`?present`), beside the
//! permalink's fragment, so a copied link or a reload keeps it. The mode
//! puts `data-present` on the root element, which the style sheet enlarges.

use yew::prelude::*;

/// Whether a query string (`?present`, `?a=1&present=1`) asks for presenter mode.
pub fn asks_present(search: &str) -> bool {
    search.trim_start_matches('?').split('&').any(|part| part.split('=').next() == Some("present"))
}

/// The query with `present` set or removed, other parameters kept.
pub fn with_present(search: &str, on: bool) -> String {
    let mut parts: Vec<&str> =
        search.trim_start_matches('?').split('&').filter(|p| !p.is_empty() && !asks_present(p)).collect();
    if on {
        parts.push("present");
    }
    if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
}

/// Whether the page was opened in presenter mode.
pub fn present_in_address() -> bool {
    asks_present(&gloo::utils::window().location().search().unwrap_or_default())
}

#[hook]
pub fn use_present(present: bool) {
    use_effect_with(present, |&present| {
        let window = gloo::utils::window();
        if let Some(root) = gloo::utils::document().document_element() {
            let _ =
                if present { root.set_attribute("data-present", "") } else { root.remove_attribute("data-present") };
        }
        let location = window.location();
        let search = location.search().unwrap_or_default();
        if asks_present(&search) != present {
            let url = format!(
                "{}{}{}",
                location.pathname().unwrap_or_default(),
                with_present(&search, present),
                location.hash().unwrap_or_default()
            );
            if let Ok(history) = window.history() {
                let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_says_present_and_keeps_other_parameters() {
        assert!(asks_present("?present"));
        assert!(asks_present("?a=1&present=1"));
        assert!(!asks_present(""));
        assert!(!asks_present("?presenter"));
        assert_eq!(with_present("", true), "?present");
        assert_eq!(with_present("?present", false), "");
        assert_eq!(with_present("?a=1&present", false), "?a=1");
        assert_eq!(with_present("?a=1", true), "?a=1&present");
    }
}
