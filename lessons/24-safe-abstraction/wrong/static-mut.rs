//! A wrong fix: no type, no `unsafe impl Sync` to get wrong. The count and
//! the sum are two `static mut`s, and one function records an event in a
//! critical section; main and the handler call it.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// The code main records for each of its passes, and the button's code.
pub const TICK: u32 = 1;
pub const PRESS: u32 = 100;

/// How many events were recorded, and the sum of their codes.
static mut COUNT: u32 = 0;
static mut SUM: u32 = 0;

/// The button driver's own count of presses, to check the log against.
pub static PRESSES: AtomicU32 = AtomicU32::new(0);

/// Records one event.
fn record(code: u32) {
    // SAFETY: interrupts are masked while the log changes.
    critical_section::with(|_| unsafe {
        COUNT += 1;
        SUM += code;
    });
}

/// Thread mode: one pass of the main loop.
pub fn main_pass() {
    record(TICK);
}

/// GPIOTE (priority 1): button A was pressed.
pub fn on_button() {
    board::clear_event(Interrupt::GPIOTE); // acknowledge the event, first thing
    PRESSES.fetch_add(1, Ordering::Relaxed);
    record(PRESS);
}

/// The log's totals. Only the lesson's properties call it, so the firmware
/// build would call it dead code.
#[allow(dead_code)]
pub fn logged() -> (u32, u32) {
    // SAFETY: read with interrupts masked.
    critical_section::with(|_| unsafe { (COUNT, SUM) })
}
