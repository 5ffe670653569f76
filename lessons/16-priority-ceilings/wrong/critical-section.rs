//! A wrong fix: one critical section for everything, instead of a lock per
//! resource. No update is torn, but every interrupt waits for the whole
//! report, the send handler included, which shares nothing with A.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// Resource A, the ADC's running sum: millivolts and how many samples.
pub static mut SUM_MV: u32 = 0;
pub static mut SAMPLES: u32 = 0;
/// Resource B, the transmit queue: messages waiting to be sent (main's
/// reports and the ADC's live readings), and the samples the reports carry.
pub static mut QUEUED: u32 = 0;
pub static mut QUEUED_SAMPLES: u32 = 0;
/// What the radio has sent (only the send handler touches these).
pub static mut SENT: u32 = 0;
pub static mut SENT_SAMPLES: u32 = 0;
/// The last sum main took, for the display (only main touches it).
pub static mut LAST_SUM_MV: u32 = 0;
/// Conversions that happened, to check the books.
pub static CONVERSIONS: AtomicU32 = AtomicU32::new(0);

/// Thread mode: move the running sum into the transmit queue.
pub fn report() {
    critical_section::with(|_| {
        let mv = unsafe { SUM_MV };
        let n = unsafe { SAMPLES };
        board::busy(20); // check the samples, every interrupt masked
        unsafe {
            SUM_MV = 0;
            SAMPLES = 0;
            LAST_SUM_MV = mv;
            QUEUED += 1; // one report
        QUEUED_SAMPLES += n;
        }
    });
}

/// SAADC (priority 2): a conversion is done; add it to the running sum, and
/// queue a live reading for the radio. The most urgent user of A: nothing
/// that touches A can preempt it, no lock for A.
pub fn on_conversion() {
    board::clear_event(Interrupt::SAADC); // acknowledge the event, first thing
    CONVERSIONS.fetch_add(1, Ordering::Relaxed);
    unsafe {
        SUM_MV += 250;
        SAMPLES += 1;
    }
    critical_section::with(|_| unsafe { QUEUED += 1 });
}

/// TIMER0 (priority 1): the radio's send slot; send everything queued.
/// The most urgent user of B: no lock.
pub fn on_send_slot() {
    board::clear_event(Interrupt::TIMER0); // acknowledge the event, first thing
    unsafe {
        SENT += QUEUED;
        SENT_SAMPLES += QUEUED_SAMPLES;
        QUEUED = 0;
        QUEUED_SAMPLES = 0;
    }
}
