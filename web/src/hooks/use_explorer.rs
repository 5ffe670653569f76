//! The explorer panel's engine: starts a search of the current program,
//! pumps it in slices from timers (never more than `SLICE_MS` at a time),
//! reports progress and can be cancelled.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use irqlab_sim::Program;
use irqlab_sim::explore::Report;
use yew::prelude::*;

use crate::explorer::{SLICE_MS, Search};

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
    /// The program cannot be explored (an invalid program).
    Failed(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExplorerHandle {
    pub status: ExplorerStatus,
    pub start: Callback<()>,
    pub cancel: Callback<()>,
}

struct Job {
    search: Search,
    started: f64,
    timer: Option<Timeout>,
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

type Slot = Rc<RefCell<Option<Job>>>;

fn pump(slot: Slot, set: UseStateSetter<ExplorerStatus>) {
    let mut guard = slot.borrow_mut();
    let Some(job) = guard.as_mut() else { return };
    let progress = job.search.slice(now, SLICE_MS);
    let elapsed_ms = now() - job.started;
    if progress.done {
        set.set(ExplorerStatus::Done { report: Rc::new(job.search.report()), elapsed_ms, cancelled: false });
        *guard = None;
        return;
    }
    set.set(ExplorerStatus::Running { states: progress.states, schedules: progress.schedules, elapsed_ms });
    let next = slot.clone();
    job.timer = Some(Timeout::new(0, move || pump(next, set)));
}

#[hook]
pub fn use_explorer(program: Option<Rc<Program>>) -> ExplorerHandle {
    let status = use_state(|| ExplorerStatus::Idle);
    let slot: Rc<RefCell<Option<Job>>> = use_mut_ref(|| None);

    // New code: the old search answers an old question.
    {
        let slot = slot.clone();
        let set = status.setter();
        let key = program.as_ref().map(|p| Rc::as_ptr(p) as usize);
        use_effect_with(key, move |_| {
            slot.borrow_mut().take();
            set.set(ExplorerStatus::Idle);
        });
    }

    let start = {
        let slot = slot.clone();
        let set = status.setter();
        Callback::from(move |()| {
            let Some(program) = program.clone() else { return };
            let search = match Search::new((*program).clone()) {
                Ok(search) => search,
                Err(e) => return set.set(ExplorerStatus::Failed(e)),
            };
            *slot.borrow_mut() = Some(Job { search, started: now(), timer: None });
            set.set(ExplorerStatus::Running { states: 0, schedules: 0, elapsed_ms: 0.0 });
            let next = slot.clone();
            let set = set.clone();
            if let Some(job) = slot.borrow_mut().as_mut() {
                job.timer = Some(Timeout::new(0, move || pump(next, set)));
            }
        })
    };

    let cancel = {
        let slot = slot.clone();
        let set = status.setter();
        Callback::from(move |()| {
            if let Some(mut job) = slot.borrow_mut().take() {
                job.search.cancel();
                let elapsed_ms = now() - job.started;
                set.set(ExplorerStatus::Done { report: Rc::new(job.search.report()), elapsed_ms, cancelled: true });
            }
        })
    };

    ExplorerHandle { status: (*status).clone(), start, cancel }
}
