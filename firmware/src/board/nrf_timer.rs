//! The Nordic TIMER peripheral, the same on nRF51 and nRF52: a 32-bit timer
//! whose compare event 0 raises the interrupt and, through a short, clears
//! the counter, so it fires every `period` ticks of 16 MHz.

pub const TIMER0: usize = 0x4000_8000;

const TASKS_START: usize = 0x000;
const TASKS_STOP: usize = 0x004;
const TASKS_CLEAR: usize = 0x00c;
const EVENTS_COMPARE0: usize = 0x140;
const SHORTS: usize = 0x200;
const INTENSET: usize = 0x304;
const INTENCLR: usize = 0x308;
const MODE: usize = 0x504;
const BITMODE: usize = 0x508;
const PRESCALER: usize = 0x510;
const CC0: usize = 0x540;
const COMPARE0: u32 = 1 << 16;

use super::mmio::read;

/// `offset` is one of TIMER's registers (nRF51/nRF52 reference manuals).
fn write(timer: usize, offset: usize, value: u32) {
    super::mmio::write(timer + offset, value);
}

pub fn start(timer: usize, period: u32) {
    write(timer, TASKS_STOP, 1);
    write(timer, MODE, 0);
    write(timer, BITMODE, 3);
    write(timer, PRESCALER, 0);
    write(timer, CC0, period);
    write(timer, SHORTS, 1);
    write(timer, EVENTS_COMPARE0, 0);
    write(timer, INTENSET, COMPARE0);
    write(timer, TASKS_CLEAR, 1);
    write(timer, TASKS_START, 1);
}

pub fn stop(timer: usize) {
    write(timer, TASKS_STOP, 1);
    write(timer, INTENCLR, COMPARE0);
    write(timer, EVENTS_COMPARE0, 0);
}

pub fn event(timer: usize) -> bool {
    read(timer + EVENTS_COMPARE0) != 0
}

/// Clears the event, then reads it back: the write can still be in flight on
/// the peripheral bus when the NVIC is unpended, which would pend TIMER0 again
/// (Nordic's pattern for clearing an event before leaving an ISR).
pub fn clear_event(timer: usize) {
    write(timer, EVENTS_COMPARE0, 0);
    let _ = read(timer + EVENTS_COMPARE0);
}
