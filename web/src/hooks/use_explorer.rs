//! The explorer panel's engine: the explorer worker (src/explorer_worker.rs,
//! started on the first search and kept), which searches the current
//! program off the page's thread, reports progress and can be cancelled.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use irqlab_sim::Program;
use irqlab_sim::explore::Report;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};
use yew::prelude::*;

use crate::explorer::{Said, Says};

/// The worker's loader, next to index.html (trunk's loader shim).
pub const EXPLORER_URL: &str = "irqlab-explorer_loader.js";

#[derive(Clone, Debug, PartialEq)]
pub enum ExplorerStatus {
    Idle,
    Running {
        states: u64,
        schedules: u64,
        elapsed_ms: f64,
    },
    Done {
        report: Rc<Report>,
        elapsed_ms: f64,
        cancelled: bool,
    },
    /// The program cannot be explored (an invalid program), or the worker failed.
    Failed(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExplorerHandle {
    pub status: ExplorerStatus,
    pub start: Callback<()>,
    pub cancel: Callback<()>,
}

/// The worker; the number of the latest run (answers about older runs are
/// ignored), when it started, and the request that waits until the worker
/// says "ready" (messages sent before its wasm has started would be lost).
struct Engine {
    worker: Worker,
    ready: bool,
    waiting: Option<Array>,
    run: u32,
    started: f64,
    _listeners: Vec<EventListener>,
}

impl Engine {
    fn post(&mut self, message: Array) -> Result<(), String> {
        if self.ready {
            self.worker.post_message(&message).map_err(|e| format!("{e:?}"))
        } else {
            // Only the latest request matters.
            self.waiting = Some(message);
            Ok(())
        }
    }
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

type Slot = Rc<RefCell<Option<Engine>>>;

fn start_worker(slot: &Slot, set: UseStateSetter<ExplorerStatus>) -> Result<(), String> {
    let worker = Worker::new(EXPLORER_URL).map_err(|e| format!("{e:?}"))?;
    let on_message = {
        let slot = slot.clone();
        let set = set.clone();
        EventListener::new(&worker, "message", move |event| {
            let Some(event) = event.dyn_ref::<MessageEvent>() else { return };
            let data = event.data();
            if data.as_string().as_deref() == Some("ready") {
                if let Some(engine) = slot.borrow_mut().as_mut() {
                    engine.ready = true;
                    if let Some(message) = engine.waiting.take() {
                        let _ = engine.worker.post_message(&message);
                    }
                }
                return;
            }
            let Ok(bytes) = data.dyn_into::<Uint8Array>() else { return };
            let Some((run, started)) = slot.borrow().as_ref().map(|e| (e.run, e.started)) else { return };
            let elapsed_ms = now() - started;
            let status = match crate::codec::decode::<Said>(&bytes.to_vec()) {
                Ok(said) if said.run != run => return,
                Ok(Said { what: Says::Progress { states, schedules }, .. }) => {
                    ExplorerStatus::Running { states, schedules, elapsed_ms }
                }
                Ok(Said { what: Says::Done { report, cancelled }, .. }) => {
                    ExplorerStatus::Done { report: Rc::new(report.into()), elapsed_ms, cancelled }
                }
                Ok(Said { what: Says::Failed(e), .. }) => ExplorerStatus::Failed(e),
                Err(e) => ExplorerStatus::Failed(format!("an unreadable answer from the explorer worker ({e})")),
            };
            set.set(status);
        })
    };
    let on_error = EventListener::new(&worker, "error", move |_| {
        set.set(ExplorerStatus::Failed(format!("the worker `{EXPLORER_URL}` failed to load or crashed")));
    });
    *slot.borrow_mut() = Some(Engine {
        worker,
        ready: false,
        waiting: None,
        run: 0,
        started: 0.0,
        _listeners: vec![on_message, on_error],
    });
    Ok(())
}

#[hook]
pub fn use_explorer(program: Option<Rc<Program>>) -> ExplorerHandle {
    let status = use_state(|| ExplorerStatus::Idle);
    let slot: Slot = use_mut_ref(|| None);

    // The panel goes away: so does its worker (and the listeners that hold the slot).
    {
        let slot = slot.clone();
        use_effect_with((), move |_| {
            move || {
                if let Some(engine) = slot.borrow_mut().take() {
                    engine.worker.terminate();
                }
            }
        });
    }

    // New code: the old search answers an old question; the worker drops it.
    {
        let slot = slot.clone();
        let set = status.setter();
        let key = program.as_ref().map(|p| Rc::as_ptr(p) as usize);
        use_effect_with(key, move |_| {
            if let Some(engine) = slot.borrow_mut().as_mut() {
                let old = engine.run;
                engine.run += 1;
                let _ = engine.post(Array::of2(&old.into(), &"cancel".into()));
            }
            set.set(ExplorerStatus::Idle);
        });
    }

    let start = {
        let slot = slot.clone();
        let set = status.setter();
        Callback::from(move |()| {
            let Some(program) = program.clone() else { return };
            let bytes = match crate::codec::encode(&*program) {
                Ok(bytes) => bytes,
                Err(e) => return set.set(ExplorerStatus::Failed(e)),
            };
            if slot.borrow().is_none()
                && let Err(e) = start_worker(&slot, set.clone())
            {
                return set.set(ExplorerStatus::Failed(e));
            }
            let posted = slot.borrow_mut().as_mut().map(|engine| {
                engine.run += 1;
                engine.started = now();
                engine.post(Array::of2(&engine.run.into(), &Uint8Array::from(bytes.as_slice())))
            });
            set.set(match posted {
                Some(Err(e)) => ExplorerStatus::Failed(e),
                _ => ExplorerStatus::Running { states: 0, schedules: 0, elapsed_ms: 0.0 },
            });
        })
    };

    let cancel = {
        let slot = slot.clone();
        let set = status.setter();
        Callback::from(move |()| {
            let mut guard = slot.borrow_mut();
            let Some(engine) = guard.as_mut() else { return };
            if engine.ready {
                // The worker answers with the report so far.
                let _ = engine.post(Array::of2(&engine.run.into(), &"cancel".into()));
            } else {
                // Not started yet: nothing to report.
                engine.waiting = None;
                engine.run += 1;
                drop(guard);
                set.set(ExplorerStatus::Idle);
            }
        })
    };

    ExplorerHandle { status: (*status).clone(), start, cancel }
}
