//! A wrong fix: the solution, with main ending in a sleep loop. Main never
//! returns, so whatever comes after it never runs.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use critical_section::CriticalSection;

use crate::board::{self, Interrupt};

/// The code main records for each of its passes, and the button's code.
pub const TICK: u32 = 1;
pub const PRESS: u32 = 100;

/// How many events were recorded, and the sum of their codes.
pub struct EventLog {
    entries: UnsafeCell<(u32, u32)>,
}

// SAFETY: the entries are only reached through `record` and `totals`, and
// both take a `CriticalSection` token: on this single core no other context
// runs while one of them does, so no two accesses to the entries overlap.
unsafe impl Sync for EventLog {}

impl EventLog {
    pub const fn new() -> Self {
        EventLog { entries: UnsafeCell::new((0, 0)) }
    }

    /// Records one event.
    pub fn record(&self, _cs: CriticalSection, code: u32) {
        // SAFETY: the token says interrupts are masked (see `unsafe impl Sync`).
        unsafe {
            let (count, sum) = *self.entries.get();
            *self.entries.get() = (count + 1, sum + code);
        }
    }

    /// `(events, sum of their codes)` so far.
    pub fn totals(&self, _cs: CriticalSection) -> (u32, u32) {
        // SAFETY: as in `record`.
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
        let (events, _) = critical_section::with(|cs| {
            LOG.record(cs, TICK);
            LOG.totals(cs)
        });
        display.show(events);
    }
    loop {
        cortex_m::asm::wfi(); // sleep until the next interrupt, as firmware does
    }
}

/// GPIOTE (priority 1): button A was pressed.
pub fn on_button() {
    board::clear_event(Interrupt::GPIOTE); // acknowledge the event, first thing
    PRESSES.fetch_add(1, Ordering::Relaxed);
    critical_section::with(|cs| LOG.record(cs, PRESS));
}

/// The log's totals. Only the lesson's properties call it, so the firmware
/// build would call it dead code.
#[allow(dead_code)]
pub fn logged() -> (u32, u32) {
    critical_section::with(|cs| LOG.totals(cs))
}
