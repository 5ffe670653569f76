//! The fix: `average` keeps its sum in a local. A local lives in the stack
//! frame of the call, and a handler's frames go on the stack above the
//! frames of the call it interrupted: when a handler calls `average` in the
//! middle of main's call, the two sums are two different places, and main
//! finds its own untouched when it resumes.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// Main's averages, added up pass after pass.
pub static mut MAIN_TOTAL: u32 = 0;
/// The handlers' averages.
pub static TICK_MV: AtomicU32 = AtomicU32::new(0);
pub static TIMER_MV: AtomicU32 = AtomicU32::new(0);

/// The mean of two readings, with its working sum on the caller's stack.
fn average(a: u32, b: u32) -> u32 {
    let mut sum = a;
    sum += b;
    sum / 2
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
