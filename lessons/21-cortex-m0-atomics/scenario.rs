//! Atomics on a Cortex-M0+. Main and the timer handler both count finished
//! work in DONE. On thumbv6m, core's atomics can load and store but have no
//! `fetch_add` (the core has no LDREX/STREX), so the count is a load and a
//! store of one more.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// Work items finished, by main or by the timer handler.
pub static DONE: AtomicU32 = AtomicU32::new(0);
/// Timer ticks, to check the books (only the handler writes it).
pub static TICKS: AtomicU32 = AtomicU32::new(0);

/// `DONE.fetch_add(1, ..)` is error[E0599] on thumbv6m: count by hand.
fn count_one() {
    let n = DONE.load(Ordering::Relaxed);
    DONE.store(n + 1, Ordering::Relaxed);
}

/// Thread mode: finish a work item.
pub fn do_work() {
    count_one();
}

/// TIMER0 (priority 1): the tick finishes a work item too.
pub fn on_timer() {
    board::clear_event(Interrupt::TIMER0); // acknowledge the event, first thing
    // A single writer may count with load and store: nothing else writes TICKS.
    TICKS.store(TICKS.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    count_one();
}
