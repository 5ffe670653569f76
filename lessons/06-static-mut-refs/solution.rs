//! The fix: a tiny abstraction around the pair. Two small functions are the
//! only code that touches READING_MV and READING_SEQ; each moves the pair
//! whole inside a critical section, through raw pointers that never become
//! references. The handler and main call them and need no `unsafe` for the
//! pair at all.

use core::ptr::{read_volatile, write_volatile};

use crate::board::{self, Interrupt};

/// The latest reading: reading number `seq` is `seq * 100` millivolts, so a
/// matching pair can be checked. Touched only by `post_next_reading` and
/// `copy_reading` below.
pub static mut READING_MV: u32 = 0;
pub static mut READING_SEQ: u32 = 0;
/// Main's copy of the reading (only main touches these).
pub static mut SEEN_MV: u32 = 0;
pub static mut SEEN_SEQ: u32 = 0;

/// Posts the reading after the last one, whole. Safe to call from any
/// context of this core.
fn post_next_reading() {
    critical_section::with(|_| {
        // SAFETY: interrupts are off, so no other context touches the pair
        // until the section ends; `&raw` makes no reference to the statics.
        unsafe {
            let seq = read_volatile(&raw const READING_SEQ) + 1;
            write_volatile(&raw mut READING_MV, seq * 100);
            write_volatile(&raw mut READING_SEQ, seq);
        }
    });
}

/// Copies the latest reading into main's copy, whole.
fn copy_latest() {
    critical_section::with(|_| {
        // SAFETY: as in `post_next_reading`; SEEN_MV and SEEN_SEQ are main's.
        unsafe {
            SEEN_MV = read_volatile(&raw const READING_MV);
            SEEN_SEQ = read_volatile(&raw const READING_SEQ);
        }
    });
}

/// SAADC (priority 1): post the next reading.
pub fn on_conversion() {
    board::clear_event(Interrupt::SAADC); // acknowledge the event, first thing
    post_next_reading();
}

/// Thread mode: copy the latest reading.
pub fn copy_reading() {
    copy_latest();
}
