//! A wrong fix: the event cleared at the end of the handler. No storm, but
//! a tick that comes while the handler works is wiped out by the clear.

use core::sync::atomic::{AtomicBool, Ordering};

use cortex_m::peripheral::NVIC;

use crate::board::{self, Interrupt};

/// Set by each tick, taken by main: time to run the software timers.
pub static TICK: AtomicBool = AtomicBool::new(false);
/// Passes of main's loop, and the ticks main took (only main writes them).
pub static mut PASSES: u32 = 0;
pub static mut TICKS_TAKEN: u32 = 0;

/// RTC0: the real-time counter reached its compare value.
pub fn on_tick() {
    board::busy(20); // move the compare value on to the next tick
    TICK.store(true, Ordering::Relaxed);
    board::clear_event(Interrupt::RTC0); // done: acknowledge the hardware
}

/// Thread mode, first: let the RTC's interrupt in.
pub fn start() {
    unsafe { NVIC::unmask(Interrupt::RTC0) };
}

/// Thread mode, last: the measurement is over; keep the RTC's interrupt out.
pub fn stop() {
    NVIC::mask(Interrupt::RTC0);
}

/// Thread mode: one pass of main's loop.
pub fn main_pass() {
    if TICK.swap(false, Ordering::Relaxed) {
        unsafe { TICKS_TAKEN += 1 }; // run the software timers
    }
    board::busy(10);
    unsafe { PASSES += 1 };
}
