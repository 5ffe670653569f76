//! A wrong fix: COUNT read into a local first, then written back. It is
//! still a load, an add and a store, just spelled in two lines.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

pub static mut COUNT: u32 = 0;
pub static TICKS: AtomicU32 = AtomicU32::new(0);

pub fn foreground() {
    let count = unsafe { COUNT };
    unsafe { COUNT = count + 1 };
}

pub fn on_timer() {
    board::clear_event(Interrupt::TIMER0); // acknowledge the event, first thing
    TICKS.fetch_add(1, Ordering::Relaxed);
    unsafe { COUNT += 1 }
}
