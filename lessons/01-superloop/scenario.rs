//! The superloop: main owns the timer and polls its event flag, then draws
//! the display, one row after another.

use crate::board::{self, Interrupt};

/// Timer events main has handled.
pub static mut SEEN: u32 = 0;
/// Display rows drawn so far.
pub static mut ROWS_DRAWN: u32 = 0;

/// One pass of the superloop: poll the timer, handle its event, then draw
/// the five rows of the display (about 60 cycles each).
pub fn superloop_pass() {
    if board::event_pending(Interrupt::TIMER0) {
        board::clear_event(Interrupt::TIMER0);
        unsafe { SEEN += 1 };
    }
    for _row in 0..5 {
        board::busy(60); // drive one row of LEDs
        unsafe { ROWS_DRAWN += 1 };
    }
}
