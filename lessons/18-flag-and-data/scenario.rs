//! A flag that announces data. The TIMER0 handler takes a sample, stores it
//! in SAMPLE_MV, then raises SAMPLE_READY; main polls the flag and sends the
//! sample. Every access is `Relaxed`.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// The latest sample, in millivolts (0: none yet).
pub static SAMPLE_MV: AtomicU32 = AtomicU32::new(0);
/// True while SAMPLE_MV holds a sample main has not sent.
pub static SAMPLE_READY: AtomicBool = AtomicBool::new(false);
/// Samples main sent, and their sum (only main writes them).
pub static mut SENT: u32 = 0;
pub static mut SENT_MV: u32 = 0;

/// TIMER0, the sampling tick: measure (the ADC always reads 1800 mV here),
/// then publish.
pub fn on_sample_tick() {
    board::clear_event(Interrupt::TIMER0);
    board::busy(8);
    SAMPLE_MV.store(1800, Ordering::Relaxed);
    SAMPLE_READY.store(true, Ordering::Relaxed);
}

/// Thread mode, one pass of main's loop: send the sample if a new one is
/// ready.
pub fn poll() {
    if SAMPLE_READY.swap(false, Ordering::Relaxed) {
        let mv = SAMPLE_MV.load(Ordering::Relaxed);
        unsafe {
            SENT += 1;
            SENT_MV += mv;
        }
    }
}
