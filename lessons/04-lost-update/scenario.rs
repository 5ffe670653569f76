//! A counter shared by main and the timer handler: main counts its passes
//! in COUNT, and the handler adds each timer tick to the same COUNT.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

pub static mut COUNT: u32 = 0;
pub static TICKS: AtomicU32 = AtomicU32::new(0);

pub fn foreground() {
    unsafe { COUNT += 1 } // load, add, store
}

pub fn on_timer() {
    board::clear_event(Interrupt::TIMER0); // acknowledge the event, first thing
    TICKS.fetch_add(1, Ordering::Relaxed);
    unsafe { COUNT += 1 }
}
