//! A wrong fix: a critical section around each access, written out where it
//! is needed. The pair is whole, but every context that touches it still
//! needs `unsafe` and must remember the critical section: nothing guards it.

use core::ptr::{read_volatile, write_volatile};

use crate::board::{self, Interrupt};

/// The latest reading: reading number `seq` is `seq * 100` millivolts, so a
/// matching pair can be checked.
pub static mut READING_MV: u32 = 0;
pub static mut READING_SEQ: u32 = 0;
/// Main's copy of the reading (only main touches these).
pub static mut SEEN_MV: u32 = 0;
pub static mut SEEN_SEQ: u32 = 0;

/// SAADC (priority 1): post the next reading.
pub fn on_conversion() {
    board::clear_event(Interrupt::SAADC); // acknowledge the event, first thing
    critical_section::with(|_| unsafe {
        let seq = read_volatile(&raw const READING_SEQ) + 1;
        write_volatile(&raw mut READING_MV, seq * 100);
        write_volatile(&raw mut READING_SEQ, seq);
    });
}

/// Thread mode: copy the latest reading.
pub fn copy_reading() {
    critical_section::with(|_| unsafe {
        let mv = read_volatile(&raw const READING_MV);
        let seq = read_volatile(&raw const READING_SEQ);
        SEEN_MV = mv;
        SEEN_SEQ = seq;
    });
}

/// How many readings have been posted. Only the lesson's property calls it,
/// in the simulator, so the firmware build would call it dead code.
#[allow(dead_code)]
pub fn posted() -> u32 {
    unsafe { read_volatile(&raw const READING_SEQ) }
}
