//! A wrong fix: the handler tries the lock once and gives up if main holds
//! it. No deadlock, and the sample is dropped.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// The lock: true while a context is inside.
pub static LOCKED: AtomicBool = AtomicBool::new(false);
/// The sum of the recorded samples, in millivolts.
pub static mut SUM_MV: u32 = 0;
/// How many samples SUM_MV holds: changes together with it.
pub static mut SAMPLES: u32 = 0;
/// Conversions the ADC finished, to check the books.
pub static CONVERSIONS: AtomicU32 = AtomicU32::new(0);

/// Spins until the lock is free, then holds it.
fn lock() {
    while LOCKED.swap(true, Ordering::Acquire) {}
}

fn unlock() {
    LOCKED.store(false, Ordering::Release);
}

/// Thread mode: record a sample of main's own.
pub fn record_sample() {
    lock();
    unsafe {
        SUM_MV += 100;
        SAMPLES += 1;
    }
    unlock();
}

/// SAADC (priority 1): a conversion is done; record it.
pub fn on_conversion() {
    board::clear_event(Interrupt::SAADC); // acknowledge the event, first thing
    CONVERSIONS.fetch_add(1, Ordering::Relaxed);
    if LOCKED.swap(true, Ordering::Acquire) {
        return; // main holds the lock: do not wait for it
    }
    unsafe {
        SUM_MV += 250;
        SAMPLES += 1;
    }
    unlock();
}
