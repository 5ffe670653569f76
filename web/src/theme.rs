//! Dark and light themes. The page follows the system until the learner
//! picks one; `theme.js` (loaded before the first paint) applies the stored
//! choice so there is no flash, and this module changes it later.

const KEY: &str = "irqlab.theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn from_name(name: &str) -> Theme {
        Theme::ALL.into_iter().find(|t| t.name() == name).unwrap_or(Theme::System)
    }

    pub fn load() -> Theme {
        let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        Theme::from_name(&storage.and_then(|s| s.get_item(KEY).ok().flatten()).unwrap_or_default())
    }

    /// Stores the choice and sets `data-theme` on `<html>` (absent = system).
    pub fn apply(self) {
        let Some(window) = web_sys::window() else { return };
        if let Ok(Some(storage)) = window.local_storage() {
            let _ = match self {
                Theme::System => storage.remove_item(KEY),
                other => storage.set_item(KEY, other.name()),
            };
        }
        if let Some(root) = window.document().and_then(|d| d.document_element()) {
            let _ = match self {
                Theme::System => root.remove_attribute("data-theme"),
                other => root.set_attribute("data-theme", other.name()),
            };
        }
    }
}
