//! An event log shared by main and the button handler, written as a small
//! type so that neither of them needs `static mut` or `unsafe`: both call
//! `LOG.record(code)`. The log keeps two numbers, how many events there were
//! and the sum of their codes (a cheap checksum), so it cannot be one atomic.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// The code main records for each of its passes, and the button's code.
pub const TICK: u32 = 1;
pub const PRESS: u32 = 100;

/// How many events were recorded, and the sum of their codes.
pub struct EventLog {
    entries: UnsafeCell<(u32, u32)>,
}

// SAFETY: the log is two `u32`s, and the core reads or writes each of them
// in one instruction, so nobody ever sees half a number.
unsafe impl Sync for EventLog {}

impl EventLog {
    pub const fn new() -> Self {
        EventLog { entries: UnsafeCell::new((0, 0)) }
    }

    /// Records one event.
    pub fn record(&self, code: u32) {
        // SAFETY: see `unsafe impl Sync` above.
        unsafe {
            let (count, sum) = *self.entries.get();
            *self.entries.get() = (count + 1, sum + code);
        }
    }

    /// `(events, sum of their codes)` so far.
    pub fn totals(&self) -> (u32, u32) {
        // SAFETY: see `unsafe impl Sync` above.
        unsafe { *self.entries.get() }
    }
}

/// A plain `static`: `Sync` is what lets main and the handler share it.
pub static LOG: EventLog = EventLog::new();
/// The button driver's own count of presses, to check the log against.
pub static PRESSES: AtomicU32 = AtomicU32::new(0);

/// The LED display, as its driver hands it out: whoever owns the one
/// `Display` may change what it shows. Its field is private, so `take` is the
/// only way to get one.
pub struct Display {
    _private: (),
}

/// What the display shows (a stand-in for its registers).
static SHOWN: AtomicU32 = AtomicU32::new(0);
/// Whether the one `Display` has been handed out. Crate-visible so that the
/// firmware harness can put it back before each run.
pub(crate) static TAKEN: AtomicBool = AtomicBool::new(false);

impl Display {
    /// The display the first time, `None` ever after. The swap sets the flag
    /// and reads its old value in one step: of two callers at the same
    /// moment, only one finds it clear.
    pub fn take() -> Option<Display> {
        if TAKEN.swap(true, Ordering::Relaxed) { None } else { Some(Display { _private: () }) }
    }

    /// Shows a number.
    pub fn show(&mut self, number: u32) {
        SHOWN.store(number, Ordering::Relaxed);
    }
}

/// Thread mode: main's loop, three passes. It owns the display and shows
/// how many events the log holds.
pub fn main_loop() {
    let mut display = Display::take().unwrap();
    for _ in 0..3 {
        LOG.record(TICK);
        display.show(LOG.totals().0);
    }
}

/// GPIOTE (priority 1): button A was pressed.
pub fn on_button() {
    board::clear_event(Interrupt::GPIOTE); // acknowledge the event, first thing
    PRESSES.fetch_add(1, Ordering::Relaxed);
    LOG.record(PRESS);
}

/// The log's totals. Only the lesson's properties call it, so the firmware
/// build would call it dead code.
#[allow(dead_code)]
pub fn logged() -> (u32, u32) {
    LOG.totals()
}
