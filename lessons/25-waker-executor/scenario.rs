//! A tiny executor. One task, the sampler, waits for ADC samples; the
//! SAADC handler is its waker: it hands over the sample and wakes the task.
//! Main is the executor: it polls the task when it has been woken, and
//! sleeps when no task has anything to do, as low-power firmware does.

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
        if WOKEN.swap(false, Ordering::Acquire) {
            poll_sampler();
        } else {
            cortex_m::asm::wfi(); // no task woken: sleep until an interrupt
        }
    }
}

/// SAADC (priority 1): a conversion is done; hand it to the task and wake it.
pub fn on_conversion() {
    board::clear_event(Interrupt::SAADC); // acknowledge the event, first thing
    SAMPLES.fetch_add(1, Ordering::Relaxed);
    READY.fetch_add(1, Ordering::Release);
    WOKEN.store(true, Ordering::Release); // wake the sampler task
}
