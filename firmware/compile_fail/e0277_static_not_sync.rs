//! T36: a plain `static` is shared by every context, so its type must be
//! `Sync`; a struct that holds an `UnsafeCell` is not, until its author
//! promises it (lesson 24's `EventLog` without its `unsafe impl Sync`).
//! on thumbv7em-none-eabihf: error[E0277]
#![no_std]

use core::cell::UnsafeCell;

pub struct EventLog {
    entries: UnsafeCell<(u32, u32)>,
}

pub static LOG: EventLog = EventLog { entries: UnsafeCell::new((0, 0)) };

pub fn totals() -> (u32, u32) {
    unsafe { *LOG.entries.get() }
}
