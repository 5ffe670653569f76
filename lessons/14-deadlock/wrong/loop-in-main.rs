//! A wrong fix: the solution, with main ending in a sleep loop. Main never
//! returns, so whatever comes after it never runs.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// The lock of the scenario, no longer taken: kept so both files have the
/// same statics.
pub static LOCKED: AtomicBool = AtomicBool::new(false);
/// The sum of the recorded samples, in millivolts.
pub static mut SUM_MV: u32 = 0;
/// How many samples SUM_MV holds: changes together with it.
pub static mut SAMPLES: u32 = 0;
/// Conversions the ADC finished, to check the books.
pub static CONVERSIONS: AtomicU32 = AtomicU32::new(0);

/// Thread mode: record a sample of main's own, with interrupts off for the
/// two stores (a few cycles: T25).
pub fn record_sample() {
    critical_section::with(|_| unsafe {
        SUM_MV += 100;
        SAMPLES += 1;
    });
    loop {
        cortex_m::asm::wfi(); // sleep until the next interrupt, as firmware does
    }
}

/// SAADC (priority 1): a conversion is done; record it. Main cannot preempt
/// a handler, and this is the only handler that touches the pair, so it runs
/// its update whole. Give a second handler of another priority access to the
/// pair, and this one needs a critical section too (lesson 03).
pub fn on_conversion() {
    board::clear_event(Interrupt::SAADC); // acknowledge the event, first thing
    CONVERSIONS.fetch_add(1, Ordering::Relaxed);
    unsafe {
        SUM_MV += 250;
        SAMPLES += 1;
    }
}
