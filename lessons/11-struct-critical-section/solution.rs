//! The fix: STATS lives in a `critical_section::Mutex<Cell<..>>`. Main copies
//! it with interrupts masked, so no conversion lands between the two loads;
//! the handler updates it in a section too, as the Mutex requires. Both
//! sections are a few instructions long.

use core::cell::Cell;

use critical_section::Mutex;

use crate::board::{self, Interrupt};

/// The conversions so far: how many, and their sum in millivolts.
#[derive(Clone, Copy)]
pub struct Stats {
    pub samples: u16,
    pub sum_mv: u32,
}

pub static STATS: Mutex<Cell<Stats>> = Mutex::new(Cell::new(Stats { samples: 1, sum_mv: 1800 }));
/// The last copy main reported (only main writes them).
pub static mut SEEN_SAMPLES: u16 = 0;
pub static mut SEEN_SUM_MV: u32 = 0;

/// SAADC: a conversion is done (the ADC always reads 1800 mV here).
pub fn on_conversion() {
    board::clear_event(Interrupt::SAADC); // acknowledge the event, first thing
    critical_section::with(|cs| {
        let cell = STATS.borrow(cs);
        let mut stats = cell.get();
        stats.samples += 1;
        stats.sum_mv += 1800;
        cell.set(stats);
    });
}

/// Thread mode: copy the statistics and report them.
pub fn report() {
    let stats = critical_section::with(|cs| STATS.borrow(cs).get()); // short: just the copy
    unsafe {
        SEEN_SAMPLES = stats.samples;
        SEEN_SUM_MV = stats.sum_mv;
    }
}
