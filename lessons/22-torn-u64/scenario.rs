//! A 64-bit tick counter. No Cortex-M target has 64-bit atomics (there is no
//! AtomicU64 on thumbv7em), so the RTC0 tick keeps the count in two 32-bit
//! halves. Main reads the high half, then the low half, and puts the two
//! together.

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

/// Thread mode: read the time as two halves.
pub fn read_time() {
    let hi = TICKS_HI.load(Ordering::Relaxed);
    let lo = TICKS_LO.load(Ordering::Relaxed);
    unsafe { SEEN = (hi as u64) << 32 | lo as u64 };
}
