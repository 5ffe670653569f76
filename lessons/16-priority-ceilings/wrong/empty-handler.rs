//! A wrong fix: the solution, with the SAADC handler emptied.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::register::{basepri, basepri_max};

use crate::board::{self, Interrupt};

/// The ceiling of resource A (SUM_MV, SAMPLES): the most urgent priority of
/// the contexts that touch it, main and SAADC (priority 2).
const CEILING_A: u8 = 2;
/// The ceiling of resource B (QUEUED, QUEUED_SAMPLES): main, SAADC
/// (priority 2) and TIMER0 (priority 1). Change a priority in
/// lesson.toml, and change the ceilings of what that context touches.
const CEILING_B: u8 = 1;

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

/// Locks A: raises BASEPRI to A's ceiling (never lowers it) and returns
/// the mask to restore.
fn lock_a() -> u8 {
    let old = basepri::read();
    basepri_max::write(board::basepri(CEILING_A));
    old
}

/// Locks B: raises BASEPRI to B's ceiling (never lowers it) and returns
/// the mask to restore.
fn lock_b() -> u8 {
    let old = basepri::read();
    basepri_max::write(board::basepri(CEILING_B));
    old
}

/// Unlocks: restores the mask `lock` returned.
fn unlock(old: u8) {
    unsafe { basepri::write(old) };
}

/// Thread mode: move the running sum into the transmit queue.
pub fn report() {
    let a = lock_a();
    let mv = unsafe { SUM_MV };
    let n = unsafe { SAMPLES };
    board::busy(20); // check the samples, A still locked
    unsafe {
        SUM_MV = 0;
        SAMPLES = 0;
        LAST_SUM_MV = mv;
    }
    let b = lock_b(); // nested: BASEPRI only goes up
    unsafe {
        QUEUED += 1; // one report
        QUEUED_SAMPLES += n;
    }
    unlock(b);
    unlock(a);
}

/// SAADC (priority 2): a conversion is done; add it to the running sum, and
/// queue a live reading for the radio. The most urgent user of A: nothing
/// that touches A can preempt it, no lock for A.
pub fn on_conversion() {
    board::clear_event(Interrupt::SAADC); // acknowledge the event, first thing
    // Nothing to do here: main does the work.
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
