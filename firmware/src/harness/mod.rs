//! Runs a lesson the way its `lesson.toml` says: thread mode calls the main
//! function `times` times, the handlers run on their interrupts at their
//! priorities, and at the end the lesson's properties are evaluated over its
//! statics. A run is repeated many times from the same initial statics, each
//! time with the interrupt arriving somewhere else, and the distinct outcomes
//! are reported (see `free` and `sweep`).

mod core1;
pub mod forever;
#[cfg(feature = "microbit-v2")]
mod interactive;
mod lesson;
pub mod mutant;
#[cfg(feature = "nvic-fuzz")]
pub mod nvic;
mod snapshot;
mod tally;

pub mod free;
pub mod sweep;

use core::cell::RefCell;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, Ordering};

pub use lesson::{Call, Handler, Lesson, Main, Property, Scalar, Source, Tick, Trigger, Value, Watch};
pub use snapshot::Snapshot;
pub use tally::{Outcome, Tally, say_outcome};

use cortex_m::peripheral::NVIC;
use critical_section::Mutex;

use crate::board::{self, Interrupt};
use crate::line::say_parts;
use crate::put;

static LESSON: AtomicPtr<Lesson> = AtomicPtr::new(ptr::null_mut());

/// Where thread mode is: before the first call, in call k (1-based), or done.
pub static PHASE: AtomicU32 = AtomicU32::new(PHASE_BEFORE);
pub const PHASE_BEFORE: u32 = 0;
pub const PHASE_DONE: u32 = u32::MAX - 1;
pub const PHASE_NONE: u32 = u32::MAX;

/// Calls of main completed since boot: the watchdog's sign of progress.
pub static PROGRESS: AtomicU32 = AtomicU32::new(0);

/// Bit k set: property k (`at = "always"`) was broken at an arrival this run.
static BROKEN_AT_ARRIVAL: AtomicU32 = AtomicU32::new(0);

/// Whether the watchdog had to mask the lesson's interrupts in this run.
static STARVED: AtomicBool = AtomicBool::new(false);

/// Whether the board's hardware timer drives TIMER0 (the free run of a lesson
/// with a TIMER0 handler); it stops once TIMER0's budget is spent.
pub static TIMER0_IN_HARDWARE: AtomicBool = AtomicBool::new(false);

/// The outcomes so far. Touched only with interrupts masked, or by the
/// watchdog on its way out, so a borrow never meets another.
static TALLY: Mutex<RefCell<Tally>> = Mutex::new(RefCell::new(Tally::new()));

/// The current run's index (the round, or the sweep's offset), and whether
/// its outcome counts (the sweep's calibration runs do not).
static RUN: AtomicU32 = AtomicU32::new(0);
static COUNTED: AtomicBool = AtomicBool::new(false);

/// Runs of the lesson's handlers in the current run: one per interrupt, then
/// the lesson's SysTick handler (`SYSTICK_RUNS`).
static RUNS: [AtomicU32; 9] = [const { AtomicU32::new(0) }; 9];
const SYSTICK_RUNS: usize = 8;
/// Events that arrived in the current run (raised by the arrival generator,
/// or TIMER0 events of the hardware timer within their budget): what the
/// report's `arrivals=` adds up. Not handler runs: a polled source has none.
static EVENTS: AtomicU32 = AtomicU32::new(0);
/// Per interrupt: its level-triggered event was still set when its handler
/// returned, so the next run of the handler is the same event, not a new one.
static STILL_ASSERTED: [AtomicBool; 8] = [const { AtomicBool::new(false) }; 8];

/// Runs `lesson` in the mode the build selects, reports, and exits.
pub fn run(lesson: &'static Lesson) -> ! {
    board::init();
    mutant::select();
    if let Err(problem) = lesson.validate() {
        crate::say!("irqlab error {}", problem);
        board::exit(false);
    }
    LESSON.store(ptr::from_ref(lesson).cast_mut(), Ordering::Release);
    for handler in lesson.handlers {
        if let Err(most) = board::set_priority(handler.interrupt, handler.priority) {
            crate::say!(
                "irqlab error {} has priority {}: this board has levels 0 to {} below its arrival generator",
                handler.interrupt.name(),
                handler.priority,
                most
            );
            board::exit(false);
        }
    }
    if let Some(main) = &lesson.core1
        && let Err(problem) = core1::start(main)
    {
        // A two-core lesson built for a one-core board: nothing to run.
        header(lesson, "free");
        crate::say!("irqlab skip {}", problem);
        crate::say!("irqlab end");
        board::exit(true);
    }
    #[cfg(feature = "microbit-v2")]
    if board::interactive() {
        if interactive::available(lesson) {
            interactive::run(lesson);
        }
        crate::say!("irqlab note button B held at reset: interactive mode needs a GPIOTE edge source (lesson 07)");
    }
    if lesson.main.forever {
        // Main never returns: the supervisor ends each run (forever.rs).
        forever::run(lesson);
    }
    // Two cores interleave on their own: no arrival point to sweep.
    let sweep = cfg!(feature = "replay") && lesson.core1.is_none();
    let ok = if sweep { sweep::run(lesson) } else { free::run(lesson) };
    board::show(ok);
    crate::say!("irqlab end");
    board::exit(true)
}

/// A SysTick event of the lesson, raised by the arrival generator (which is
/// SysTick): runs the lesson's SysTick handler right there.
pub fn systick_event() {
    // SAFETY: the pointer is null or the `&'static Lesson` stored by `run`.
    if let Some(tick) = unsafe { LESSON.load(Ordering::Acquire).as_ref() }.and_then(|l| l.systick.as_ref()) {
        count(&RUNS[SYSTICK_RUNS]);
        (core::hint::black_box(tick.runs))();
    }
}

/// What every lesson interrupt's vector calls.
pub fn dispatch(interrupt: Interrupt) {
    #[cfg(feature = "nvic-fuzz")]
    if nvic::dispatch(interrupt) {
        return;
    }
    // SAFETY: the pointer is null or the `&'static Lesson` stored by `run`.
    let Some(lesson) = (unsafe { LESSON.load(Ordering::Acquire).as_ref() }) else {
        return;
    };
    let trigger = lesson.source(interrupt).map_or(Trigger::Edge, |s| s.trigger);
    if trigger == Trigger::Edge {
        // An edge is a pulse: taking the interrupt consumes it.
        board::clear_event(interrupt);
    }
    // A handler run again because its level-triggered event is still set is
    // the same arrival (the simulator counts arrivals, not handler runs).
    // Load and store, not swap: ARMv6-M has no atomic read-modify-write, and
    // only this interrupt's own handler touches its flag.
    let same_event = STILL_ASSERTED[interrupt as usize].load(Ordering::SeqCst);
    STILL_ASSERTED[interrupt as usize].store(false, Ordering::SeqCst);
    if interrupt == Interrupt::TIMER0
        && TIMER0_IN_HARDWARE.load(Ordering::SeqCst)
        && !same_event
        && !crate::arrival::spend(interrupt)
    {
        // Past max_arrivals: the explorer never sees this event, nor do we.
        board::stop_timer();
        return;
    }
    if interrupt == Interrupt::TIMER0 && TIMER0_IN_HARDWARE.load(Ordering::SeqCst) && !same_event {
        arrived();
    }
    if let Some(handler) = lesson.handler(interrupt)
        && !mutant::is(mutant::NO_HANDLER)
    {
        count(&RUNS[interrupt as usize]);
        // Called through an opaque pointer, as the vector table would.
        (core::hint::black_box(handler.runs))();
    }
    if trigger == Trigger::Level && board::event_pending(interrupt) {
        // A level-triggered line stays asserted: the handler runs again at once.
        STILL_ASSERTED[interrupt as usize].store(true, Ordering::SeqCst);
        board::pend(interrupt);
    }
}

/// Adds one to a counter that only one context at a time writes (load and
/// store: ARMv6-M has no read-modify-write atomics).
fn count(counter: &AtomicU32) {
    counter.store(counter.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
}

/// An event arrived (from the arrival generator, or the hardware timer).
pub fn arrived() {
    count(&EVENTS);
}

/// Events that arrived in this run.
pub fn arrivals() -> u32 {
    EVENTS.load(Ordering::Relaxed)
}

/// Runs of each lesson handler in this run: per interrupt, then SysTick.
pub fn handler_runs() -> [u32; 9] {
    core::array::from_fn(|k| RUNS[k].load(Ordering::Relaxed))
}

/// Starts a run's books: no handler runs, no broken property, full budgets.
fn reset_runs(lesson: &Lesson) {
    for r in &RUNS {
        r.store(0, Ordering::Relaxed);
    }
    EVENTS.store(0, Ordering::Relaxed);
    for a in &STILL_ASSERTED {
        a.store(false, Ordering::SeqCst);
    }
    BROKEN_AT_ARRIVAL.store(0, Ordering::SeqCst);
    crate::arrival::refill(lesson);
    STARVED.store(false, Ordering::SeqCst);
    // Also undoes a mask by the watchdog, or an unmask by the lesson's code.
    unmask_handlers(lesson);
}

/// Starts run `index`; its outcome is tallied when `counted`.
fn begin_run(lesson: &Lesson, index: u32, counted: bool) {
    RUN.store(index, Ordering::SeqCst);
    COUNTED.store(counted, Ordering::SeqCst);
    reset_runs(lesson);
    PHASE.store(PHASE_BEFORE, Ordering::SeqCst);
}

/// Tallies the lesson's state now as the end of the current run.
fn end_run(lesson: &Lesson, arrived: u32) {
    if COUNTED.load(Ordering::SeqCst) {
        let index = RUN.load(Ordering::SeqCst);
        critical_section::with(|cs| TALLY.borrow_ref_mut(cs).record(lesson, index, arrived, false));
    }
}

fn with_tally<R>(f: impl FnOnce(&mut Tally) -> R) -> R {
    critical_section::with(|cs| f(&mut TALLY.borrow_ref_mut(cs)))
}

/// Called by the watchdog when even masking the lesson's interrupts did not
/// let main go on: a handler waits for a context it preempted. Nothing can
/// make that handler return, so the firmware tallies the run as a deadlock,
/// reports everything so far, says at which run it stopped (the sweep can
/// go on from the next offset: `from=N`), and ends.
pub fn deadlocked() -> ! {
    // SAFETY: as in `dispatch`.
    if let Some(lesson) = unsafe { LESSON.load(Ordering::Acquire).as_ref() } {
        let index = RUN.load(Ordering::SeqCst);
        let arrived = crate::arrival::ARRIVED.load(Ordering::SeqCst);
        with_tally(|tally| {
            tally.record(lesson, index, arrived, true);
            tally.report(lesson);
        });
        crate::say!("irqlab deadlock at={} phase={}", index, PHASE.load(Ordering::SeqCst));
    }
    board::show(false);
    crate::say!("irqlab end");
    board::exit(true)
}

/// Called by the watchdog when main has stalled: masks the lesson's
/// interrupts so main can go on. False if they were masked already.
pub fn starve() -> bool {
    if STARVED.load(Ordering::SeqCst) {
        return false;
    }
    STARVED.store(true, Ordering::SeqCst);
    // SAFETY: as in `dispatch`.
    if let Some(lesson) = unsafe { LESSON.load(Ordering::Acquire).as_ref() } {
        for handler in lesson.handlers {
            NVIC::mask(handler.interrupt);
        }
    }
    true
}

/// Whether main starved in this run.
pub fn starved() -> bool {
    STARVED.load(Ordering::SeqCst)
}

/// Checks the `at = "always"` properties at an arrival (from SysTick).
pub fn check_always() {
    // SAFETY: as in `dispatch`.
    let Some(lesson) = (unsafe { LESSON.load(Ordering::Acquire).as_ref() }) else {
        return;
    };
    for (k, property) in lesson.properties.iter().enumerate() {
        if property.always && !(property.holds)() {
            BROKEN_AT_ARRIVAL.store(BROKEN_AT_ARRIVAL.load(Ordering::SeqCst) | 1 << k, Ordering::SeqCst);
        }
    }
}

/// Properties broken at some arrival of this run (bit k: property k).
pub fn broken_at_arrival() -> u32 {
    BROKEN_AT_ARRIVAL.load(Ordering::SeqCst)
}

/// Thread mode's part of one run: the main function, `times` times.
fn call_main(lesson: &Lesson) {
    let mut phase = 0;
    for call in lesson.main.calls {
        for _ in 0..call.times {
            phase += 1;
            PHASE.store(phase, Ordering::SeqCst);
            // An opaque call: the compiler may not merge the calls into one.
            (core::hint::black_box(call.runs))();
            PROGRESS.store(PROGRESS.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        }
    }
    PHASE.store(PHASE_DONE, Ordering::SeqCst);
}

/// The first lines of every report: what runs, how, and its properties.
fn header(lesson: &Lesson, mode: &str) {
    crate::say!(
        "irqlab start bin={} lesson={} variant={} expect={} board={} mode={} cores={} times={}",
        lesson.bin,
        lesson.lesson,
        lesson.variant(),
        lesson.expected(),
        board::BOARD,
        mode,
        if lesson.core1.is_some() { 2 } else { 1 },
        lesson.main.total()
    );
    say_parts(|out| {
        put!(out, "irqlab boards");
        for board in lesson.boards {
            put!(out, " {}", board);
        }
    });
    say_parts(|out| {
        put!(out, "irqlab sources");
        for source in lesson.sources {
            put!(out, " {}:{}", source.interrupt.name(), source.max_arrivals);
        }
        if let Some(tick) = &lesson.systick {
            put!(out, " SysTick:{}", tick.max_arrivals);
        }
    });
    for (index, property) in lesson.properties.iter().enumerate() {
        // `stringify!` may break a long expression over lines: one line here.
        say_parts(|out| {
            put!(out, "irqlab property {}", index);
            for word in property.text.split_whitespace() {
                put!(out, " {}", word);
            }
        });
    }
}

/// The NVIC as a run starts: the handlers lesson.toml enables are unmasked,
/// the others masked until the lesson's own code unmasks them.
fn unmask_handlers(lesson: &Lesson) {
    for handler in lesson.handlers {
        if handler.enabled {
            board::unmask(handler.interrupt);
        } else {
            NVIC::mask(handler.interrupt);
        }
    }
}
