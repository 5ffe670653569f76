//! Checks edited code in the compiler worker (the Rust front end lives
//! there, loaded on the first edit), and hands each answer to the reducer.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};
use yew::prelude::*;

use crate::compiled::Answer;
use crate::data::LessonCard;
use crate::state::{Action, State};

/// The worker's loader, next to index.html (trunk's loader shim).
pub const WORKER_URL: &str = "irqlab-compiler_loader.js";

/// The worker, and the request that waits until it says "ready" (messages
/// sent before its wasm has started would be lost).
struct Compiler {
    worker: Worker,
    ready: bool,
    waiting: Option<Array>,
    _listeners: Vec<EventListener>,
}

type Slot = Rc<RefCell<Option<Compiler>>>;

fn start(slot: &Slot, dispatcher: UseReducerDispatcher<State>) -> Result<(), String> {
    let worker = Worker::new(WORKER_URL).map_err(|e| format!("{e:?}"))?;
    let on_message = {
        let dispatcher = dispatcher.clone();
        let slot = slot.clone();
        EventListener::new(&worker, "message", move |event| {
            let Some(event) = event.dyn_ref::<MessageEvent>() else { return };
            let data = event.data();
            if data.as_string().as_deref() == Some("ready") {
                if let Some(c) = slot.borrow_mut().as_mut() {
                    c.ready = true;
                    if let Some(message) = c.waiting.take() {
                        let _ = c.worker.post_message(&message);
                    }
                }
                return;
            }
            let Ok(bytes) = data.dyn_into::<Uint8Array>() else { return };
            match crate::codec::decode::<Answer>(&bytes.to_vec()) {
                Ok(answer) => dispatcher.dispatch(Action::Checked(Rc::new(answer))),
                Err(e) => dispatcher.dispatch(Action::CompilerFailed(format!("unreadable answer ({e})"))),
            }
        })
    };
    let on_error = EventListener::new(&worker, "error", move |_| {
        dispatcher.dispatch(Action::CompilerFailed(format!("the worker `{WORKER_URL}` failed to load or crashed")));
    });
    *slot.borrow_mut() = Some(Compiler { worker, ready: false, waiting: None, _listeners: vec![on_message, on_error] });
    Ok(())
}

/// How long typing must pause before the code goes to the worker.
pub const PAUSE_MS: u32 = 250;

/// What to check: the open lesson (its id, and its setup, which goes to the
/// worker with the code) and the code.
#[derive(Clone, Debug)]
pub struct CompileRequest {
    pub card: Rc<LessonCard>,
    pub code: Rc<String>,
}

impl PartialEq for CompileRequest {
    fn eq(&self, other: &Self) -> bool {
        self.card.id == other.card.id && self.code == other.code
    }
}

/// Posts the latest request to the worker (starting it on the first edit).
fn post(slot: &Slot, dispatcher: &UseReducerDispatcher<State>, request: &CompileRequest) {
    if slot.borrow().is_none()
        && let Err(e) = start(slot, dispatcher.clone())
    {
        return dispatcher.dispatch(Action::CompilerFailed(e));
    }
    let card = &request.card;
    let setup = Uint8Array::from(card.setup.as_slice());
    let message = Array::of3(&card.id.as_str().into(), &request.code.as_str().into(), &setup);
    let mut guard = slot.borrow_mut();
    let Some(c) = guard.as_mut() else { return };
    if !c.ready {
        // Only the latest edit matters.
        c.waiting = Some(message);
    } else if let Err(e) = c.worker.post_message(&message) {
        drop(guard);
        dispatcher.dispatch(Action::CompilerFailed(format!("{e:?}")));
    }
}

/// `request` is the lesson and code to check, when the editor's code has no
/// check yet. It goes to the worker after a pause of `PAUSE_MS` (a newer
/// request replaces it), or at once for a link's code (the first request).
#[hook]
pub fn use_compiler(request: Option<CompileRequest>, dispatcher: UseReducerDispatcher<State>) {
    let slot: Slot = use_mut_ref(|| None);
    let pause = use_mut_ref(|| None::<Timeout>);
    use_effect_with(request, move |request| {
        pause.borrow_mut().take();
        let Some(request) = request.clone() else { return };
        if slot.borrow().is_none() {
            return post(&slot, &dispatcher, &request);
        }
        *pause.borrow_mut() = Some(Timeout::new(PAUSE_MS, move || post(&slot, &dispatcher, &request)));
    });
}
