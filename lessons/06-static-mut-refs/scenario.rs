//! References to `static mut` are an error in edition 2024. The reading
//! mailbox below was ported from C: the ADC handler writes a reading and its
//! sequence number with volatile stores, main copies them with volatile
//! loads. `&mut READING_MV` would not compile, so it takes raw pointers with
//! `&raw mut`: that compiles.

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
    unsafe {
        let seq = read_volatile(&raw const READING_SEQ) + 1;
        write_volatile(&raw mut READING_MV, seq * 100);
        write_volatile(&raw mut READING_SEQ, seq);
    }
}

/// Thread mode: copy the latest reading. Volatile keeps both loads in the
/// compiled code; it does not keep the handler out from between them.
pub fn copy_reading() {
    unsafe {
        let mv = read_volatile(&raw const READING_MV);
        let seq = read_volatile(&raw const READING_SEQ);
        SEEN_MV = mv;
        SEEN_SEQ = seq;
    }
}

/// How many readings have been posted. Only the lesson's property calls it,
/// in the simulator, so the firmware build would call it dead code.
#[allow(dead_code)]
pub fn posted() -> u32 {
    unsafe { read_volatile(&raw const READING_SEQ) }
}
