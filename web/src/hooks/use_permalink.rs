//! The address bar is always a permalink to the current moment: the page
//! opens what the fragment says (on load and on back/forward), and rewrites
//! the fragment in place (no new history entry) as the learner works.

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use yew::prelude::*;

use crate::permalink::{Permalink, is_permalink};
use crate::state::{Action, State};

fn current_fragment() -> String {
    gloo::utils::window().location().hash().unwrap_or_default()
}

/// What a fragment asks for.
pub fn action_for(fragment: &str) -> Action {
    if is_permalink(fragment) { Action::OpenLink(Permalink::decode(fragment)) } else { Action::ShowList }
}

fn replace_fragment(fragment: &str) {
    let window = gloo::utils::window();
    if current_fragment().trim_start_matches('#') == fragment {
        return;
    }
    let url = if fragment.is_empty() {
        let location = window.location();
        format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
    } else {
        format!("#{fragment}")
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

#[hook]
pub fn use_permalink(state: &UseReducerHandle<State>) {
    let dispatcher = state.dispatcher();
    use_effect_with((), move |_| {
        dispatcher.dispatch(action_for(&current_fragment()));
        let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
            dispatcher.dispatch(action_for(&current_fragment()));
        });
        move || drop(listener)
    });

    // Writing is debounced: compressing the code on every step of a fast run
    // is wasted work.
    let pending = use_mut_ref(|| None::<Timeout>);
    let moment = state.open.as_ref().map(|o| o.permalink());
    use_effect_with(moment, move |moment| {
        let fragment = moment.as_ref().map(Permalink::encode).unwrap_or_default();
        *pending.borrow_mut() = Some(Timeout::new(150, move || replace_fragment(&fragment)));
    });
}
