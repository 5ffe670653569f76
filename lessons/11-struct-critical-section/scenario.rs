//! Two fields that belong together. The SAADC handler adds each conversion
//! to STATS (a count and a sum); main copies STATS to report the average.
//! Main copies the whole struct, then works from its copy; the handler
//! updates both fields in place.

use crate::board::{self, Interrupt};

/// The conversions so far: how many, and their sum in millivolts.
#[derive(Clone, Copy)]
pub struct Stats {
    pub samples: u16,
    pub sum_mv: u32,
}

pub static mut STATS: Stats = Stats { samples: 1, sum_mv: 1800 };
/// The last copy main reported (only main writes them).
pub static mut SEEN_SAMPLES: u16 = 0;
pub static mut SEEN_SUM_MV: u32 = 0;

/// SAADC: a conversion is done (the ADC always reads 1800 mV here).
pub fn on_conversion() {
    board::clear_event(Interrupt::SAADC); // acknowledge the event, first thing
    unsafe {
        STATS.samples += 1;
        STATS.sum_mv += 1800;
    }
}

/// Thread mode: copy the statistics and report them.
pub fn report() {
    let stats = unsafe { STATS }; // a count and a sum: two loads
    unsafe {
        SEEN_SAMPLES = stats.samples;
        SEEN_SUM_MV = stats.sum_mv;
    }
}
