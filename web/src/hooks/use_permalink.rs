//! The address bar is always a permalink to the current moment: the page
//! opens what the fragment says (on load and on back/forward), and rewrites
//! the fragment in place (no new history entry) as the learner works.

use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use yew::prelude::*;

use wasm_bindgen::{JsCast, JsValue};

use crate::permalink::{Permalink, code_param, is_permalink};
use crate::state::{Action, State};

fn current_fragment() -> String {
    gloo::utils::window().location().hash().unwrap_or_default()
}

/// What a fragment asks for.
pub fn action_for(fragment: &str) -> Action {
    if is_permalink(fragment) { Action::OpenLink(Permalink::decode(fragment)) } else { Action::ShowList }
}

/// Whether the fragment is the id of an element of the page (an in-page link).
fn names_an_element(fragment: &str) -> bool {
    let id = fragment.trim_start_matches('#');
    !id.is_empty() && gloo::utils::document().get_element_by_id(id).is_some()
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
    // The fragment the page last opened or wrote. The address bar can move
    // on before the page hears of it (a click on a lesson link changes it at
    // once, its `hashchange` comes as a later task); the debounced writer
    // below must not undo such a change.
    let known = use_mut_ref(current_fragment);
    let dispatcher = state.dispatcher();
    {
        let known = known.clone();
        use_effect_with((), move |_| {
            let open = Rc::new(move |force: bool| {
                let fragment = current_fragment();
                if force || fragment != *known.borrow() {
                    // `#main` (the skip link) names a place on the page, not a lesson.
                    if !names_an_element(&fragment) {
                        dispatcher.dispatch(action_for(&fragment));
                    }
                    *known.borrow_mut() = fragment;
                }
            });
            open(true);
            // A fragment link fires `hashchange`; back and forward fire
            // `popstate` (and `hashchange` when the fragment differs): either
            // opens what the address now says, once.
            let window = gloo::utils::window();
            let listeners = ["hashchange", "popstate"].map(|event| {
                let open = open.clone();
                EventListener::new(&window, event, move |_| open(false))
            });
            move || drop(listeners)
        });
    }

    // Writing is debounced: compressing the code on every step of a fast run
    // is wasted work.
    let pending = use_mut_ref(|| None::<Timeout>);
    // Which moment is the latest: a compression still under way for an
    // older one must not write its link over a newer one's.
    let latest = use_mut_ref(|| 0u64);
    let moment = state.open.as_ref().map(|o| o.permalink());
    use_effect_with(moment, move |moment| {
        let moment = moment.clone();
        // What the address said when this moment was reached: if it has
        // moved since (a link followed, back or forward), this moment is
        // gone, even once the page has opened what the address says.
        let then = known.borrow().clone();
        *latest.borrow_mut() += 1;
        let this = *latest.borrow();
        let write = move |fragment: String| {
            let now = current_fragment();
            if this != *latest.borrow() || now != *known.borrow() || now != then {
                // Changed by the learner: its `hashchange` opens (or has
                // opened) it, and the later moment writes its own link.
                return;
            }
            replace_fragment(&fragment);
            *known.borrow_mut() = current_fragment();
        };
        *pending.borrow_mut() = Some(Timeout::new(150, move || {
            let Some(moment) = moment else { return write(String::new()) };
            let Some(code) = moment.code.clone() else { return write(moment.encode_with_code(None)) };
            // The browser deflates the code (the page carries no compressor);
            // a browser that cannot leaves the address as it was.
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(deflated) = deflate_raw(&code).await {
                    write(moment.encode_with_code(Some(&code_param(&deflated))));
                }
            });
        }));
    });
}

/// `text`'s raw deflate stream, by the browser's `CompressionStream`.
async fn deflate_raw(text: &str) -> Result<Vec<u8>, JsValue> {
    let class = js_sys::Reflect::get(&js_sys::global(), &"CompressionStream".into())?;
    let class: js_sys::Function = class.dyn_into()?;
    let compressor = js_sys::Reflect::construct(&class, &js_sys::Array::of1(&"deflate-raw".into()))?;
    let bytes = js_sys::Array::of1(&js_sys::Uint8Array::from(text.as_bytes()));
    let input = web_sys::Blob::new_with_u8_array_sequence(&bytes)?;
    let output = input.stream().pipe_through(compressor.unchecked_ref());
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&output))?;
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer()?).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
