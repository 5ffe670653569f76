//! T36: `Sync` is an unsafe trait: the compiler cannot check the promise, so
//! `impl Sync` must say `unsafe` (lesson 24's `EventLog`).
//! on thumbv7em-none-eabihf: error[E0200]
#![no_std]

use core::cell::UnsafeCell;

pub struct EventLog {
    entries: UnsafeCell<(u32, u32)>,
}

impl Sync for EventLog {}

pub static LOG: EventLog = EventLog { entries: UnsafeCell::new((0, 0)) };

pub fn totals() -> (u32, u32) {
    unsafe { *LOG.entries.get() }
}
