//! A wrong fix: the solution, with main ending in a sleep loop. Main never
//! returns, so whatever comes after it never runs.

use crate::board::{self, Interrupt};

/// Timer events main has handled.
pub static mut SEEN: u32 = 0;
/// Display rows drawn so far.
pub static mut ROWS_DRAWN: u32 = 0;

/// Poll the timer and handle its event.
fn poll_timer() {
    if board::event_pending(Interrupt::TIMER0) {
        board::clear_event(Interrupt::TIMER0);
        unsafe { SEEN += 1 };
    }
}

/// One pass of the superloop.
pub fn superloop_pass() {
    for _row in 0..5 {
        poll_timer();
        board::busy(60); // drive one row of LEDs
        unsafe { ROWS_DRAWN += 1 };
    }
    loop {
        cortex_m::asm::wfi(); // sleep until the next interrupt, as firmware does
    }
}
