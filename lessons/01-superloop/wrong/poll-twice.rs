//! A wrong fix: poll the timer twice at the top of the pass. An event that
//! comes just after the second poll still waits for all five rows.

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

/// One pass of the superloop: two polls, then the five rows.
pub fn superloop_pass() {
    poll_timer();
    poll_timer();
    for _row in 0..5 {
        board::busy(60); // drive one row of LEDs
        unsafe { ROWS_DRAWN += 1 };
    }
}
