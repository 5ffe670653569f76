//! T19: Cortex-M0/M0+ (thumbv6m) has atomic loads and stores but no
//! read-modify-write, so `fetch_add` does not exist there; the same code
//! compiles for the micro:bit v2's Cortex-M4.
//! on thumbv6m-none-eabi: error[E0599]
//! on thumbv7em-none-eabihf: ok
#![no_std]

use core::sync::atomic::{AtomicU32, Ordering};

pub static TICKS: AtomicU32 = AtomicU32::new(0);

pub fn on_timer() {
    TICKS.fetch_add(1, Ordering::Relaxed);
}
