//! Two cores, one counter. Both cores of an RP2040 count packets in PACKETS.
//! The counting code comes from the single-core version of the product, where
//! `cortex_m::interrupt::free` was the right critical section: it disables
//! interrupts, so core 0's TIMER0 tick waits until the count is done. Core 1
//! counts the packets of its own port with the same code, in the same
//! critical section.

use crate::board::{self, Interrupt};

/// Packets counted by either core.
pub static mut PACKETS: u32 = 0;
/// Timer ticks on core 0 (only the handler touches it).
pub static mut TICKS: u32 = 0;

/// Thread mode, on both cores: count one packet.
pub fn count_packet() {
    cortex_m::interrupt::free(|_| unsafe { PACKETS += 1 }); // interrupts off
}

/// TIMER0 on core 0 (priority 1): a tick. It shares nothing with the cores'
/// count, and it runs on core 0 only: core 1 never notices it.
pub fn on_timer() {
    board::clear_event(Interrupt::TIMER0);
    unsafe { TICKS += 1 };
}
