//! A wrong fix: a shorter pass by drawing fewer rows. The timer is answered
//! sooner, but the display is missing rows.

use crate::board::{self, Interrupt};

/// Timer events main has handled.
pub static mut SEEN: u32 = 0;
/// Display rows drawn so far.
pub static mut ROWS_DRAWN: u32 = 0;

/// One pass of the superloop: poll the timer, then draw one row.
pub fn superloop_pass() {
    if board::event_pending(Interrupt::TIMER0) {
        board::clear_event(Interrupt::TIMER0);
        unsafe { SEEN += 1 };
    }
    board::busy(60); // drive one row of LEDs
    unsafe { ROWS_DRAWN += 1 };
}
