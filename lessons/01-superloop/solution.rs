//! The superloop answers the timer between rows: an event waits at most one
//! row (about 60 cycles) instead of a whole pass. Still one context, so
//! still nothing to synchronize.

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

/// One pass of the superloop: the five rows of the display, with a poll of
/// the timer before each.
pub fn superloop_pass() {
    for _row in 0..5 {
        poll_timer();
        board::busy(60); // drive one row of LEDs
        unsafe { ROWS_DRAWN += 1 };
    }
}
