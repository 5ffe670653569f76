//! QEMU `microbit`: the BBC micro:bit v1, nRF51822, Cortex-M0 (thumbv6m).
//! Same interrupt numbers and event registers as the nRF52833 of the
//! micro:bit v2: TIMER0 is the real TIMER0 (compare event 0, cleared by a
//! short); the others are raised by the arrival generator.

pub const BOARD: &str = "qemu-microbit";

/// Identical on nRF51 and nRF52: TIMER0 8, TIMER1 9, RTC0 11, GPIOTE 6,
/// SWI0 20, SWI1 21, UART0 2, ADC 7.
pub const IRQ: [u16; 8] = [8, 9, 11, 6, 20, 21, 2, 7];

/// Entries in the device part of the vector table.
pub const VECTORS: usize = 32;

/// 16 MHz timer ticks between two TIMER0 events in the free run.
pub const TIMER_PERIOD: u32 = 7;
/// SysTick ticks between two software-raised events in the free run.
pub const GENERATOR_PERIOD: u32 = 5;

pub fn init() {}

pub fn start_timer(period: u32) {
    super::nrf_timer::start(super::nrf_timer::TIMER0, period);
}

pub fn stop_timer() {
    super::nrf_timer::stop(super::nrf_timer::TIMER0);
}

pub fn timer_event() -> bool {
    super::nrf_timer::event(super::nrf_timer::TIMER0)
}

pub fn clear_timer_event() {
    super::nrf_timer::clear_event(super::nrf_timer::TIMER0);
}
