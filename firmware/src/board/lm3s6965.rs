//! QEMU `lm3s6965evb`: a TI Stellaris LM3S6965, Cortex-M3 (thumbv7m).
//! TIMER0 is General-Purpose Timer 0, timer A, in periodic mode; the other
//! lesson interrupts are device interrupts the firmware never enables in
//! their peripheral, so only the arrival generator raises them.

use super::mmio::{read, write};

pub const BOARD: &str = "qemu-lm3s6965";

/// TIMER0 -> TIMER0A, TIMER1 -> TIMER1A, RTC0 -> HIB, GPIOTE -> GPIOA,
/// SWI0_EGU0 -> GPIOF, SWI1_EGU1 -> GPIOG, UARTE0_UART0 -> UART0, SAADC -> ADC0SS0.
pub const IRQ: [u16; 8] = [19, 21, 43, 0, 30, 31, 5, 14];

/// Entries in the device part of the vector table.
pub const VECTORS: usize = 44;

/// Timer ticks (system clock) between two TIMER0 events in the free run.
pub const TIMER_PERIOD: u32 = 7;
/// SysTick ticks between two software-raised events in the free run.
pub const GENERATOR_PERIOD: u32 = 5;

const SYSCTL_RCGC1: usize = 0x400f_e104;
const GPTM0: usize = 0x4003_0000;
const CFG: usize = 0x000;
const TAMR: usize = 0x004;
const CTL: usize = 0x00c;
const IMR: usize = 0x018;
const RIS: usize = 0x01c;
const ICR: usize = 0x024;
const TAILR: usize = 0x028;
const TIMEOUT: u32 = 1;

pub fn init() {
    // RCGC1 bit 16 gates General-Purpose Timer 0's clock.
    write(SYSCTL_RCGC1, read(SYSCTL_RCGC1) | 1 << 16);
}

/// TIMER0 every `period` ticks: 32-bit periodic timer A, time-out interrupt.
pub fn start_timer(period: u32) {
    write(GPTM0 + CTL, 0);
    write(GPTM0 + CFG, 0);
    write(GPTM0 + TAMR, 0x2);
    write(GPTM0 + TAILR, period);
    write(GPTM0 + ICR, TIMEOUT);
    write(GPTM0 + IMR, TIMEOUT);
    write(GPTM0 + CTL, 1);
}

pub fn stop_timer() {
    write(GPTM0 + CTL, 0);
    write(GPTM0 + IMR, 0);
    write(GPTM0 + ICR, TIMEOUT);
}

pub fn timer_event() -> bool {
    read(GPTM0 + RIS) & TIMEOUT != 0
}

pub fn clear_timer_event() {
    // Writing 1 to ICR clears the time-out event.
    write(GPTM0 + ICR, TIMEOUT);
}
