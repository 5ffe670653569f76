//! A wrong fix: the solution, with main ending in a sleep loop. Main never
//! returns, so whatever comes after it never runs.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

pub static mut COUNT: u32 = 0;
pub static TICKS: AtomicU32 = AtomicU32::new(0);

pub fn foreground() {
    critical_section::with(|_| unsafe { COUNT += 1 });
    loop {
        cortex_m::asm::wfi(); // sleep until the next interrupt, as firmware does
    }
}

pub fn on_timer() {
    board::clear_event(Interrupt::TIMER0); // acknowledge the event, first thing
    TICKS.fetch_add(1, Ordering::Relaxed);
    unsafe { COUNT += 1 }
}
