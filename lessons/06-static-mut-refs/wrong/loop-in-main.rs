//! A wrong fix: the solution, with main ending in a sleep loop. Main never
//! returns, so whatever comes after it never runs.

use core::cell::UnsafeCell;

use critical_section::CriticalSection;

use crate::board::{self, Interrupt};

/// The latest reading, `(millivolts, sequence number)`: reading number `seq`
/// is `seq * 100` millivolts, so a matching pair can be checked.
pub struct Reading {
    pair: UnsafeCell<(u32, u32)>,
}

// SAFETY: the pair is only reached through `post_next` and `get`, and both
// take a `CriticalSection` token: on this single core no other context runs
// while one of them does, so no two accesses to the pair ever overlap.
unsafe impl Sync for Reading {}

impl Reading {
    const fn new() -> Self {
        Reading { pair: UnsafeCell::new((0, 0)) }
    }

    /// Posts the reading after the last one, whole.
    fn post_next(&self, _cs: CriticalSection) {
        // SAFETY: the token says interrupts are off (see `unsafe impl Sync`).
        unsafe {
            let (_, seq) = *self.pair.get();
            *self.pair.get() = ((seq + 1) * 100, seq + 1);
        }
    }

    /// The latest reading, whole.
    fn get(&self, _cs: CriticalSection) -> (u32, u32) {
        // SAFETY: as in `post_next`.
        unsafe { *self.pair.get() }
    }
}

/// A plain `static`, not `static mut`: `Sync` is what lets it be shared.
/// (`pub` only for the firmware bin, which restores it before each run; the
/// pair inside stays private to `Reading`'s methods.)
pub static READING: Reading = Reading::new();

/// Main's copy of the reading (only main touches these).
pub static mut SEEN_MV: u32 = 0;
pub static mut SEEN_SEQ: u32 = 0;

/// Keeps main's copy of a reading.
fn keep(reading: (u32, u32)) {
    // SAFETY: only main, never a handler, touches SEEN_MV and SEEN_SEQ.
    unsafe {
        SEEN_MV = reading.0;
        SEEN_SEQ = reading.1;
    }
}

/// SAADC (priority 1): post the next reading.
pub fn on_conversion() {
    board::clear_event(Interrupt::SAADC); // acknowledge the event, first thing
    critical_section::with(|cs| READING.post_next(cs));
}

/// Thread mode: copy the latest reading.
pub fn copy_reading() {
    keep(critical_section::with(|cs| READING.get(cs)));
    loop {
        cortex_m::asm::wfi(); // sleep until the next interrupt, as firmware does
    }
}

/// How many readings have been posted. Only the lesson's property calls it,
/// in the simulator, so the firmware build would call it dead code.
#[allow(dead_code)]
pub fn posted() -> u32 {
    critical_section::with(|cs| READING.get(cs).1)
}
