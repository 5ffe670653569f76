//! The explorer worker: runs the explorer ("try every arrival point") off
//! the page's thread, so stepping, scrolling and typing stay smooth while it
//! searches. Messages are `[run, program]` (postcard bytes, through `codec`)
//! to start a search, which replaces any search under way, and
//! `[run, "cancel"]`; it answers with `explorer::Said` (postcard): progress
//! after each slice of `WORKER_SLICE_MS`, then the report. Started on the
//! first "Try every arrival point".

use std::cell::RefCell;

use gloo::timers::callback::Timeout;
use irqlab_sim::Program;
use irqlab_web::explorer::{Said, Says, Search, WORKER_SLICE_MS};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// The search under way: its run number, the search, the timer of its next slice.
struct Job {
    run: u32,
    search: Search,
    _next: Option<Timeout>,
}

thread_local! {
    static JOB: RefCell<Option<Job>> = const { RefCell::new(None) };
}

fn say(run: u32, what: Says) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let bytes = irqlab_web::codec::encode(&Said { run, what }).unwrap_or_default();
    let _ = scope.post_message(&Uint8Array::from(bytes.as_slice()));
}

/// One slice of the search; the next is a timer away, so messages (a
/// cancel, a newer search) are heard in between.
fn slice() {
    let said = JOB.with(|job| {
        let mut job = job.borrow_mut();
        let current = job.as_mut()?;
        let progress = current.search.slice(js_sys::Date::now, WORKER_SLICE_MS);
        let run = current.run;
        if progress.done {
            let report = current.search.report();
            *job = None;
            return Some((run, Says::Done { report: (&report).into(), cancelled: false }));
        }
        current._next = Some(Timeout::new(0, slice));
        Some((run, Says::Progress { states: progress.states, schedules: progress.schedules }))
    });
    if let Some((run, what)) = said {
        say(run, what);
    }
}

fn on_message(event: MessageEvent) {
    let message: Array = event.data().unchecked_into();
    let run = message.get(0).as_f64().unwrap_or(0.0) as u32;
    let body = message.get(1);
    if body.as_string().as_deref() == Some("cancel") {
        // The learner cancelled: the verdicts that are not violations become unknown.
        if let Some(mut job) = JOB.with(|job| job.borrow_mut().take()) {
            job.search.cancel();
            say(job.run, Says::Done { report: (&job.search.report()).into(), cancelled: true });
        }
        return;
    }
    if body.as_string().as_deref() == Some("bench") {
        return bench(&message);
    }
    let Ok(bytes) = body.dyn_into::<Uint8Array>() else {
        return say(run, Says::Failed("the program did not arrive".into()));
    };
    let search = irqlab_web::codec::decode::<Program>(&bytes.to_vec()).and_then(Search::new);
    match search {
        Ok(search) => {
            let next = Some(Timeout::new(0, slice));
            JOB.with(|job| *job.borrow_mut() = Some(Job { run, search, _next: next }));
        }
        Err(e) => {
            JOB.with(|job| job.borrow_mut().take());
            say(run, Says::Failed(e));
        }
    }
}

/// For the budgets script: `[run, "bench", program, min_total_ms]` answers
/// with the mean time in ms of one whole search of the program
/// (`explorer::mean_search_ms`), a number; -1 when it cannot be explored.
fn bench(message: &Array) {
    let program =
        message.get(2).dyn_into::<Uint8Array>().ok().map(|b| irqlab_web::codec::decode::<Program>(&b.to_vec()));
    let min_total_ms = message.get(3).as_f64().unwrap_or(300.0);
    let mean = match program {
        Some(Ok(program)) => irqlab_web::explorer::mean_search_ms(&program, min_total_ms, now),
        _ => -1.0,
    };
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message(&mean.into());
}

/// The worker's clock, in ms (`performance.now()`; the date when there is none).
fn now() -> f64 {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    scope.performance().map_or_else(js_sys::Date::now, |p| p.now())
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let handler = Closure::<dyn Fn(MessageEvent)>::new(on_message);
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    handler.forget();
    let _ = scope.post_message(&"ready".into());
}
