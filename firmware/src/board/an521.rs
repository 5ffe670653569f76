//! QEMU `mps2-an521`: Arm's SSE-200 subsystem with two Cortex-M33 cores, in
//! Secure state. Built for thumbv7m (Armv8-M Mainline runs Armv7-M code).
//! TIMER0 is the CMSDK APB timer 0; the other lesson interrupts are lines no
//! enabled peripheral drives, raised only by the arrival generator.

pub const BOARD: &str = "qemu-an521";

/// TIMER0 -> timer 0, TIMER1 -> timer 1, RTC0 -> S32K timer, GPIOTE -> GPIO 0,
/// SWI0_EGU0 and SWI1_EGU1 -> two reserved lines, UARTE0_UART0 -> UART 0 RX,
/// SAADC -> a reserved line.
pub const IRQ: [u16; 8] = [3, 4, 2, 68, 14, 30, 32, 90];

/// Entries in the device part of the vector table.
pub const VECTORS: usize = 96;

/// Timer ticks (25 MHz) between two TIMER0 events in the free run.
pub const TIMER_PERIOD: u32 = 13;
/// SysTick ticks between two software-raised events in the free run.
pub const GENERATOR_PERIOD: u32 = 9;

/// CMSDK APB timer 0, Secure alias.
const TIMER: usize = 0x5000_0000;
const CTRL: usize = 0x000;
const RELOAD: usize = 0x008;
const VALUE: usize = 0x004;
const INTSTATUS: usize = 0x00c;
const ENABLE: u32 = 1 << 0;
const INTERRUPT_ENABLE: u32 = 1 << 3;

use super::mmio::{read, write};

pub fn init() {}

pub fn start_timer(period: u32) {
    write(TIMER + CTRL, 0);
    write(TIMER + RELOAD, period);
    write(TIMER + VALUE, period);
    write(TIMER + INTSTATUS, 1);
    write(TIMER + CTRL, ENABLE | INTERRUPT_ENABLE);
}

pub fn stop_timer() {
    write(TIMER + CTRL, 0);
    write(TIMER + INTSTATUS, 1);
}

pub fn timer_event() -> bool {
    read(TIMER + INTSTATUS) & 1 != 0
}

pub fn clear_timer_event() {
    write(TIMER + INTSTATUS, 1);
}
