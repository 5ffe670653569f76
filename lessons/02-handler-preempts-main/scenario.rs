//! An event stops main between two statements, its handler runs, and main
//! resumes where it stopped. SysTick is an exception of the Cortex-M core
//! itself; TIMER0 is an interrupt of the nRF52833. Both handlers call the
//! same `average` as main, and `average` keeps its working sum in a static.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// `average`'s working sum: one for the whole program, not one per call.
/// An atomic, so each access is indivisible; it is still shared.
pub static WORK: AtomicU32 = AtomicU32::new(0);
/// Main's averages, added up pass after pass.
pub static mut MAIN_TOTAL: u32 = 0;
/// The handlers' averages.
pub static TICK_MV: AtomicU32 = AtomicU32::new(0);
pub static TIMER_MV: AtomicU32 = AtomicU32::new(0);

/// The mean of two readings, with its working sum in a static.
fn average(a: u32, b: u32) -> u32 {
    WORK.store(a, Ordering::Relaxed);
    WORK.fetch_add(b, Ordering::Relaxed);
    WORK.load(Ordering::Relaxed) / 2
}

/// Thread mode: one pass of main's loop.
pub fn main_pass() {
    let mv = average(1000, 3000);
    board::busy(10);
    unsafe { MAIN_TOTAL += mv };
}

/// SysTick, exception 15: the core's own timer, the same on every Cortex-M.
pub fn on_systick() {
    TICK_MV.store(average(10, 30), Ordering::Relaxed);
}

/// TIMER0, exception 24 (IRQ 8): the nRF52833's timer, from Nordic's vector table.
pub fn on_timer0() {
    board::clear_event(Interrupt::TIMER0);
    TIMER_MV.store(average(100, 300), Ordering::Relaxed);
}
