//! Masking only what must be masked. Main drains the ADC's running sum with
//! BASEPRI raised to the sum's ceiling instead of disabling every interrupt,
//! so the urgent UART handler, which shares nothing with it, still runs. The
//! ceiling is a constant in the code; the handlers' priorities are set in
//! lesson.toml.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::register::{basepri, basepri_max};

use crate::board::{self, Interrupt};

/// The ceiling of SUM_MV and SAMPLES: the most urgent priority of the
/// contexts that touch them.
const CEILING: u8 = 3;

/// The ADC's running sum, in millivolts, and how many samples it holds:
/// changed together by the ADC handler and by main.
pub static mut SUM_MV: u32 = 0;
pub static mut SAMPLES: u32 = 0;
/// What main has drained so far (only main touches these).
pub static mut DRAINED_MV: u32 = 0;
pub static mut DRAINED: u32 = 0;
/// Conversions the ADC finished, to check the books.
pub static CONVERSIONS: AtomicU32 = AtomicU32::new(0);
/// Bytes the UART handler received.
pub static BYTES: AtomicU32 = AtomicU32::new(0);

/// Thread mode: take the running sum and start a new one.
pub fn drain() {
    let old = basepri::read();
    basepri_max::write(board::basepri(CEILING)); // mask up to the ceiling
    unsafe {
        DRAINED_MV += SUM_MV;
        DRAINED += SAMPLES;
        board::busy(20); // compute the average, still masked
        SUM_MV = 0;
        SAMPLES = 0;
    }
    unsafe { basepri::write(old) };
}

/// SAADC (priority 2): a conversion is done; add it to the running sum.
pub fn on_conversion() {
    board::clear_event(Interrupt::SAADC); // acknowledge the event, first thing
    CONVERSIONS.fetch_add(1, Ordering::Relaxed);
    unsafe {
        SUM_MV += 250;
        SAMPLES += 1;
    }
}

/// UARTE0_UART0 (priority 1): a byte arrived. Urgent, and shares nothing
/// with main's drain: it should never wait for it.
pub fn on_byte() {
    board::clear_event(Interrupt::UARTE0_UART0); // acknowledge the event, first thing
    BYTES.fetch_add(1, Ordering::Relaxed);
}
