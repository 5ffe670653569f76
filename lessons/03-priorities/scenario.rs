//! Priorities. Main hands each frame to a filter (SWI0_EGU0, priority 3),
//! which hands it on to a logger of the same priority (SWI1_EGU1). A byte
//! from the UART (priority 1) is more urgent than both and preempts them.
//! The filter and the UART handler both count in ACTIVITY.
//!
//! Who writes ACTIVITY, and at which priority: the filter (3) and the UART
//! handler (1). The filter and the logger share a priority, so neither
//! preempts the other.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::NVIC;

use crate::board::{self, Interrupt};

/// Work done by any handler, read by power management to decide when to sleep.
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
    unsafe { ACTIVITY += 1 };
    // Same priority as this handler: the logger waits until we return, then
    // is entered by tail-chaining.
    NVIC::pend(Interrupt::SWI1_EGU1);
}

/// SWI1_EGU1 (priority 3): log the frame.
pub fn logger() {
    LOGGED.fetch_add(1, Ordering::Relaxed);
}

/// UARTE0_UART0 (priority 1): a byte arrived; more urgent than the filter.
pub fn on_byte() {
    board::clear_event(Interrupt::UARTE0_UART0); // acknowledge the event, first thing
    BYTES.fetch_add(1, Ordering::Relaxed);
    unsafe { ACTIVITY += 1 };
}
