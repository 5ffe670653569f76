//! The fix: main checks for work and goes to sleep with interrupts masked.
//! No handler can run between the check and the WFI, and a masked interrupt
//! still wakes the WFI; its handler runs as soon as main unmasks.

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
        // Check and sleep as one: with PRIMASK set no handler runs in
        // between, and WFI still wakes on the interrupt PRIMASK holds off
        // (ARMv7-M ARM B1.5.19).
        cortex_m::interrupt::disable();
        if PENDING.load(Ordering::Relaxed) == 0 {
            cortex_m::asm::wfi();
        }
        // The interrupt that woke main runs its handler right here.
        unsafe { cortex_m::interrupt::enable() };
        if PENDING.load(Ordering::Acquire) > 0 {
            PENDING.fetch_sub(1, Ordering::Relaxed);
            board::busy(10); // filter the sample, with interrupts on
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
