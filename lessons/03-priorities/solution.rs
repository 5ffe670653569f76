//! The fix: the less urgent of the two contexts that share ACTIVITY protects
//! its read-modify-write with a critical section. The most urgent one needs
//! none, as long as nothing more urgent touches ACTIVITY: that assumption is
//! written down next to the static, where the next person to add a handler
//! will read it.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::NVIC;

use crate::board::{self, Interrupt};

/// Work done by any handler, read by power management to decide when to sleep.
///
/// Priority assumptions (keep them true, or change the code):
/// - written by the filter (SWI0_EGU0, priority 3) inside a critical section,
///   because the UART handler is more urgent and may preempt it;
/// - written by the UART handler (priority 1) without one: it is the most
///   urgent context that touches ACTIVITY, so nothing can land in its update.
///   A new writer more urgent than 1 makes that false.
pub static mut ACTIVITY: u32 = 0;
/// Frames the filter handled, to check the books.
pub static FILTERED: AtomicU32 = AtomicU32::new(0);
/// Frames the logger wrote.
pub static LOGGED: AtomicU32 = AtomicU32::new(0);
/// Bytes the UART handler received, to check the books.
pub static BYTES: AtomicU32 = AtomicU32::new(0);

/// Thread mode: a frame is ready; hand it to the filter.
pub fn hand_off_frame() {
    NVIC::pend(Interrupt::SWI0_EGU0);
}

/// SWI0_EGU0 (priority 3): filter the frame, then hand it to the logger.
pub fn filter() {
    FILTERED.fetch_add(1, Ordering::Relaxed);
    // The UART handler (1) may preempt us: keep it out of the three steps.
    critical_section::with(|_| unsafe { ACTIVITY += 1 });
    // Same priority as this handler: the logger waits until we return, then
    // is entered by tail-chaining.
    NVIC::pend(Interrupt::SWI1_EGU1);
}

/// SWI1_EGU1 (priority 3): log the frame.
pub fn logger() {
    LOGGED.fetch_add(1, Ordering::Relaxed);
}

/// UARTE0_UART0 (priority 1): a byte arrived; more urgent than the filter.
/// No critical section: no context more urgent than this one touches ACTIVITY.
pub fn on_byte() {
    board::clear_event(Interrupt::UARTE0_UART0); // acknowledge the event, first thing
    BYTES.fetch_add(1, Ordering::Relaxed);
    unsafe { ACTIVITY += 1 };
}
