//! A wrong fix: the solution, with the TIMER0 handler emptied.

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
    // Nothing to do here: main does the work.
}
