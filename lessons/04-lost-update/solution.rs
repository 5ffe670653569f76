//! The fix: main does its read-modify-write inside a critical section, so the
//! timer cannot land between the load and the store. The handler needs none:
//! main never preempts it.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

pub static mut COUNT: u32 = 0;
pub static TICKS: AtomicU32 = AtomicU32::new(0);

pub fn foreground() {
    critical_section::with(|_| unsafe { COUNT += 1 });
}

pub fn on_timer() {
    board::clear_event(Interrupt::TIMER0); // acknowledge the event, first thing
    TICKS.fetch_add(1, Ordering::Relaxed);
    unsafe { COUNT += 1 }
}
