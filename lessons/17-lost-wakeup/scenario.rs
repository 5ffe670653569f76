//! The lost wake-up. The ADC handler counts each finished conversion as work
//! for main; main's loop processes the work that is waiting and otherwise
//! sleeps until the next interrupt, as low-power firmware does.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// Samples the ADC handler has put aside and main has not processed yet.
pub static PENDING: AtomicU32 = AtomicU32::new(0);
/// Conversions the ADC handler took, to check the books.
pub static SAMPLES: AtomicU32 = AtomicU32::new(0);
/// Samples main has processed (only main writes it).
pub static mut PROCESSED: u32 = 0;

/// Thread mode: the main loop, which never returns.
pub fn main_loop() {
    loop {
        if PENDING.load(Ordering::Acquire) == 0 {
            cortex_m::asm::wfi(); // nothing to do: sleep until an interrupt
        } else {
            PENDING.fetch_sub(1, Ordering::Relaxed);
            board::busy(10); // filter the sample
            unsafe { PROCESSED += 1 };
        }
    }
}

/// SAADC (priority 1): a conversion is done; hand it to main.
pub fn on_conversion() {
    board::clear_event(Interrupt::SAADC); // acknowledge the event, first thing
    SAMPLES.fetch_add(1, Ordering::Relaxed);
    PENDING.fetch_add(1, Ordering::Release);
}
