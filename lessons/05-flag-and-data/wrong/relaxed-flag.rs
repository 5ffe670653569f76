//! A wrong fix: the flag stored `Relaxed`. Nothing keeps the compiler from
//! storing the flag before the sample.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// The latest sample, in millivolts (0: none yet).
pub static SAMPLE_MV: AtomicU32 = AtomicU32::new(0);
/// True while SAMPLE_MV holds a sample the handler has not sent.
pub static SAMPLE_READY: AtomicBool = AtomicBool::new(false);
/// Samples the handler sent, and their sum (only the handler writes them).
pub static mut SENT: u32 = 0;
pub static mut SENT_MV: u32 = 0;

/// Thread mode: measure (the ADC always reads 1800 mV here), then publish.
pub fn publish_sample() {
    board::busy(8);
    SAMPLE_MV.store(1800, Ordering::Relaxed);
    SAMPLE_READY.store(true, Ordering::Relaxed);
}

/// TIMER0, the periodic report: send the sample if a new one is ready.
pub fn on_report_tick() {
    board::clear_event(Interrupt::TIMER0);
    if SAMPLE_READY.swap(false, Ordering::Acquire) {
        let mv = SAMPLE_MV.load(Ordering::Relaxed); // stays after the swap
        unsafe {
            SENT += 1;
            SENT_MV += mv;
        }
    }
}
