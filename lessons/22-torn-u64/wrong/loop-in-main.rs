//! A wrong fix: the solution, with main ending in a sleep loop. Main never
//! returns, so whatever comes after it never runs.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// The tick count, low and high 32 bits. One tick before the low half wraps.
pub static TICKS_LO: AtomicU32 = AtomicU32::new(0xFFFF_FFFF);
pub static TICKS_HI: AtomicU32 = AtomicU32::new(0);
/// The time main read (only main writes it).
pub static mut SEEN: u64 = 0;

/// RTC0 (priority 1): one tick. Main cannot preempt a handler, so main sees
/// the two halves both before or both after this update, never half of it.
pub fn on_tick() {
    board::clear_event(Interrupt::RTC0); // acknowledge the event, first thing
    let lo = TICKS_LO.load(Ordering::Relaxed).wrapping_add(1);
    if lo == 0 {
        TICKS_HI.store(TICKS_HI.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }
    TICKS_LO.store(lo, Ordering::Relaxed);
}

/// Thread mode: read the time as high, low, high, until the high half holds
/// still. `Acquire` keeps the compiler from reading the low half before the
/// first high half, or the second high half before the low one.
pub fn read_time() {
    let now = loop {
        let hi = TICKS_HI.load(Ordering::Acquire);
        let lo = TICKS_LO.load(Ordering::Acquire);
        if TICKS_HI.load(Ordering::Relaxed) == hi {
            break (hi as u64) << 32 | lo as u64;
        }
    };
    unsafe { SEEN = now };
    loop {
        cortex_m::asm::wfi(); // sleep until the next interrupt, as firmware does
    }
}
