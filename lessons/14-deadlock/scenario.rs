//! A spin lock shared with a handler. Main takes the lock around a two-field
//! update, and so does the SAADC handler. Whoever finds the lock taken spins
//! until it is free: the same lock a pair of threads would share to keep the
//! two fields consistent.

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
    lock();
    unsafe {
        SUM_MV += 250;
        SAMPLES += 1;
    }
    unlock();
}
