//! The fix: `critical_section::with`. On the RP2040 its implementation
//! (rp2040-hal) disables interrupts on this core *and* takes hardware
//! spinlock 31, which only one core can hold at a time: the other core's
//! section waits at the lock.

use crate::board::{self, Interrupt};

/// Packets counted by either core.
pub static mut PACKETS: u32 = 0;
/// Timer ticks on core 0 (only the handler touches it).
pub static mut TICKS: u32 = 0;

/// Thread mode, on both cores: count one packet.
pub fn count_packet() {
    critical_section::with(|_| unsafe { PACKETS += 1 }); // interrupts off here, spinlock 31 against the other core
}

/// TIMER0 on core 0 (priority 1): a tick. It shares nothing with the cores'
/// count, and it runs on core 0 only: core 1 never notices it.
pub fn on_timer() {
    board::clear_event(Interrupt::TIMER0);
    unsafe { TICKS += 1 };
}
