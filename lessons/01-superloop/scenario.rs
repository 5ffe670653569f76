//! The superloop: main owns the timer and polls its event flag. Nothing preempts
//! main, so nothing can interleave with its read-modify-write of SEEN.

use crate::board::{self, Interrupt};

/// Timer events main has handled.
pub static mut SEEN: u32 = 0;

/// One pass of the superloop: poll the timer, handle its event, move on.
pub fn superloop_pass() {
    if board::event_pending(Interrupt::TIMER0) {
        board::clear_event(Interrupt::TIMER0);
        unsafe { SEEN += 1 };
    }
    board::busy(20);
}
