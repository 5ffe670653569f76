//! A wrong fix: mask interrupts around the check and sleep (lesson 17's fix)
//! but sleep with WFE. A masked interrupt wakes WFI, not WFE.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// The sampler task's waker flag: set by whoever wants the task polled.
pub static WOKEN: AtomicBool = AtomicBool::new(false);
/// Samples handed to the task and not taken yet.
pub static READY: AtomicU32 = AtomicU32::new(0);
/// Conversions the ADC handler took, to check the books.
pub static SAMPLES: AtomicU32 = AtomicU32::new(0);
/// Samples the task has processed (only the task writes it).
pub static mut PROCESSED: u32 = 0;

/// The sampler task, one poll: it takes every sample that is ready, then
/// returns (`Poll::Pending` in async Rust: it waits to be woken again).
fn poll_sampler() {
    while READY.load(Ordering::Acquire) > 0 {
        READY.fetch_sub(1, Ordering::Relaxed);
        board::busy(10); // filter the sample
        unsafe { PROCESSED += 1 };
    }
}

/// Thread mode: the executor, which never returns.
pub fn run_executor() {
    loop {
        // Check and sleep with interrupts masked, as lesson 17 does, but
        // with WFE.
        cortex_m::interrupt::disable();
        let woken = WOKEN.swap(false, Ordering::Acquire);
        if !woken {
            cortex_m::asm::wfe(); // no task woken: sleep until an event
        }
        unsafe { cortex_m::interrupt::enable() };
        if woken {
            poll_sampler();
        }
    }
}

/// SAADC (priority 1): a conversion is done; hand it to the task and wake it.
pub fn on_conversion() {
    board::clear_event(Interrupt::SAADC); // acknowledge the event, first thing
    SAMPLES.fetch_add(1, Ordering::Relaxed);
    READY.fetch_add(1, Ordering::Release);
    WOKEN.store(true, Ordering::Release); // wake the sampler task
    cortex_m::asm::sev(); // and signal the executor (Embassy's pender does this)
}
