//! T36, the way out: with `unsafe impl Sync` the author promises that the
//! type is safe to share, and the plain `static` compiles. Whether the
//! promise holds is the author's to check (lesson 24).
//! on thumbv7em-none-eabihf: ok
#![no_std]

use core::cell::UnsafeCell;

pub struct EventLog {
    entries: UnsafeCell<(u32, u32)>,
}

// SAFETY: not kept by this snippet, which only shows what compiles.
unsafe impl Sync for EventLog {}

pub static LOG: EventLog = EventLog { entries: UnsafeCell::new((0, 0)) };

pub fn totals() -> (u32, u32) {
    unsafe { *LOG.entries.get() }
}
