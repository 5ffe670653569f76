//! Pending bits merge. Main and the timer post requests and ring the worker's
//! doorbell with `NVIC::pend`. The worker serves one request per run. But a
//! doorbell is the worker's pending bit in the NVIC.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::NVIC;

use crate::board::{self, Interrupt};

/// Every request ever posted, by main or by the timer (the books).
pub static POSTED: AtomicU32 = AtomicU32::new(0);
/// Requests posted and not yet served.
pub static BACKLOG: AtomicU32 = AtomicU32::new(0);
/// Requests the worker has served.
pub static SERVED: AtomicU32 = AtomicU32::new(0);

/// Thread mode: post a request with interrupts off, then log it.
pub fn post_request() {
    critical_section::with(|_| {
        POSTED.fetch_add(1, Ordering::Relaxed);
        BACKLOG.fetch_add(1, Ordering::Relaxed);
        NVIC::pend(Interrupt::SWI0_EGU0); // ring the doorbell: the worker runs after this section
        board::busy(10); // fill in the request, interrupts still off
    });
}

/// TIMER0 (priority 1): a periodic request.
pub fn on_timer() {
    board::clear_event(Interrupt::TIMER0); // acknowledge the event, first thing
    POSTED.fetch_add(1, Ordering::Relaxed);
    BACKLOG.fetch_add(1, Ordering::Relaxed);
    NVIC::pend(Interrupt::SWI0_EGU0);
}

/// SWI0_EGU0 (priority 2): the worker. One run, one request: wrong when two
/// rings came while the doorbell was already pending.
pub fn worker() {
    BACKLOG.fetch_sub(1, Ordering::Relaxed);
    SERVED.fetch_add(1, Ordering::Relaxed);
}
