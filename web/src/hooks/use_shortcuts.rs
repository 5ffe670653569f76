//! Keyboard shortcuts for the whole page. Keys are ignored while a text field
//! has focus or a modifier (Ctrl, Alt, Meta) is held, so typing and the
//! browser's own shortcuts keep working.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::state::{Action, State};

/// The shortcuts, for the help dialog: `(keys, what they do)`.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("→ or l", "step forward"),
    ("← or h", "step back"),
    ("Space", "run / pause"),
    ("End", "run to the end"),
    ("Home", "reset to step 0"),
    ("i", "place or remove an interrupt arrival at the current step"),
    ("e", "explore: try every arrival point"),
    ("r", "replay the explorer's first counterexample"),
    ("+ / −", "zoom the timeline in / out"),
    ("p", "presenter mode on / off (large type, no story)"),
    ("?", "show this help"),
    ("Esc", "close this help"),
];

/// The action for a key, given the focused element's tag (upper case) and
/// whether a modifier is held. Pure, so it is tested without a browser.
pub fn shortcut(key: &str, target_tag: &str, editable: bool, modifier: bool) -> Option<Action> {
    if modifier || editable || matches!(target_tag, "INPUT" | "TEXTAREA" | "SELECT") {
        return None;
    }
    // A focused button or link handles its own Space and Enter.
    let activates = matches!(target_tag, "BUTTON" | "A" | "SUMMARY");
    Some(match key {
        "ArrowRight" | "l" => Action::Step,
        "ArrowLeft" | "h" => Action::Back,
        " " | "Spacebar" if !activates => Action::TogglePlay,
        "End" => Action::ToEnd,
        "Home" => Action::Reset,
        "i" => Action::ToggleArrivalHere,
        "p" | "P" => Action::TogglePresent,
        "+" | "=" => Action::Zoom(1),
        "-" => Action::Zoom(-1),
        "?" => Action::Help(true),
        "Escape" => Action::Help(false),
        _ => return None,
    })
}

/// The button a key presses (its `data-testid`), for the explorer's
/// actions, which live in its panel rather than in the page's state: `e`
/// runs the explorer, `r` replays its first counterexample. Same rules as
/// [`shortcut`].
pub fn button_for(key: &str, target_tag: &str, editable: bool, modifier: bool) -> Option<&'static str> {
    if modifier || editable || matches!(target_tag, "INPUT" | "TEXTAREA" | "SELECT") {
        return None;
    }
    match key {
        "e" | "E" => Some("explore"),
        "r" | "R" => Some("replay"),
        _ => None,
    }
}

#[hook]
pub fn use_shortcuts(dispatcher: UseReducerDispatcher<State>) {
    use_effect_with((), move |_| {
        let document = gloo::utils::document();
        // Not passive: a handled key must not also scroll the page.
        let options = EventListenerOptions::enable_prevent_default();
        let listener = EventListener::new_with_options(&document, "keydown", options, move |event| {
            let Some(event) = event.dyn_ref::<KeyboardEvent>() else { return };
            // A mark or a lane of the timeline already handled it.
            if event.default_prevented() {
                return;
            }
            let target = event.target().and_then(|t| t.dyn_into::<HtmlElement>().ok());
            let tag = target.as_ref().map(|t| t.tag_name()).unwrap_or_default();
            let editable = target.as_ref().is_some_and(|t| t.is_content_editable());
            let modifier = event.ctrl_key() || event.alt_key() || event.meta_key();
            if let Some(action) = shortcut(&event.key(), &tag, editable, modifier) {
                event.prevent_default();
                dispatcher.dispatch(action);
            } else if let Some(id) = button_for(&event.key(), &tag, editable, modifier) {
                let selector = format!("[data-testid={id}]");
                let button = gloo::utils::document().query_selector(&selector).ok().flatten();
                // A disabled button (the explorer waiting for a compile) stays so.
                if let Some(button) = button.and_then(|b| b.dyn_into::<HtmlElement>().ok()) {
                    event.prevent_default();
                    button.click();
                }
            }
        });
        move || drop(listener)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is(action: Option<Action>, expected: &str) -> bool {
        format!("{action:?}") == expected
    }

    #[test]
    fn arrows_step_on_the_page_but_not_in_fields_or_with_modifiers() {
        assert!(is(shortcut("ArrowRight", "BODY", false, false), "Some(Step)"));
        assert!(is(shortcut("ArrowLeft", "svg", false, false), "Some(Back)"));
        assert!(is(shortcut("ArrowRight", "TEXTAREA", false, false), "None"));
        assert!(is(shortcut("ArrowRight", "INPUT", false, false), "None"));
        assert!(is(shortcut("ArrowRight", "DIV", true, false), "None"));
        assert!(is(shortcut("ArrowRight", "BODY", false, true), "None"));
    }

    #[test]
    fn space_plays_unless_a_button_has_focus() {
        assert!(is(shortcut(" ", "BODY", false, false), "Some(TogglePlay)"));
        assert!(is(shortcut(" ", "BUTTON", false, false), "None"));
        assert!(is(shortcut("?", "BUTTON", false, false), "Some(Help(true))"));
        assert!(is(shortcut("q", "BODY", false, false), "None"));
    }

    #[test]
    fn p_toggles_presenter_mode_and_e_r_press_the_explorer_buttons() {
        assert!(is(shortcut("p", "BODY", false, false), "Some(TogglePresent)"));
        assert_eq!(button_for("e", "BODY", false, false), Some("explore"));
        assert_eq!(button_for("R", "svg", false, false), Some("replay"));
        assert_eq!(button_for("e", "TEXTAREA", false, false), None);
        assert_eq!(button_for("r", "BODY", false, true), None);
    }
}
