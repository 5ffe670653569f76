//! A wrong fix: `cortex_m::interrupt::free` instead of
//! `critical_section::with`. It masks this core's interrupts, nothing more.

use crate::board::{self, Interrupt};

/// Packets counted by either core.
pub static mut PACKETS: u32 = 0;
/// Timer ticks on core 0 (only the handler touches it).
pub static mut TICKS: u32 = 0;

/// Thread mode, on both cores: count one packet.
pub fn count_packet() {
    cortex_m::interrupt::free(|_| unsafe { PACKETS += 1 });
}

/// TIMER0 on core 0 (priority 1): a tick. It shares nothing with the cores'
/// count, and it runs on core 0 only: core 1 never notices it.
pub fn on_timer() {
    board::clear_event(Interrupt::TIMER0);
    unsafe { TICKS += 1 };
}
