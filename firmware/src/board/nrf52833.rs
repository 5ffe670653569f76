//! BBC micro:bit v2: nRF52833, Cortex-M4F at 64 MHz (thumbv7em-none-eabihf),
//! the primary board. Its interrupt names are the lesson names. TIMER0 is the
//! real TIMER0; GPIOTE is also the real GPIOTE, channel 0 on button A, so a
//! press is an edge; the others are raised by the arrival generator. The 5x5
//! LED matrix shows a tick when every property held, a cross otherwise. Button
//! B held at reset selects interactive mode (harness/interactive.rs).

use core::sync::atomic::{AtomicBool, Ordering};

use nrf52833_pac::interrupt;

use super::Interrupt;
use super::mmio::{read, write};
pub use super::probe::{argument, exit};
use crate::harness::dispatch;

pub const BOARD: &str = "microbit-v2";

/// The nRF52833's own numbers for the lesson names.
pub const IRQ: [u16; 8] = [8, 9, 11, 6, 20, 21, 2, 7];

/// 16 MHz timer ticks between two TIMER0 events in the free run.
pub const TIMER_PERIOD: u32 = 97;
/// SysTick ticks (64 MHz) between two software-raised events in the free run.
pub const GENERATOR_PERIOD: u32 = 389;

const GPIOTE: usize = 0x4000_6000;
const GPIOTE_EVENTS_IN0: usize = GPIOTE + 0x100;
const GPIOTE_INTENSET: usize = GPIOTE + 0x304;
const GPIOTE_CONFIG0: usize = GPIOTE + 0x510;
const BUTTON_A: u32 = 14;
/// Button B (P0.23), read once at reset: held, it selects interactive mode.
const BUTTON_B: u32 = 23;
const P0: usize = 0x5000_0000;
const P1: usize = 0x5000_0300;
const OUTSET: usize = 0x508;
const OUTCLR: usize = 0x50c;
const DIRSET: usize = 0x518;
const IN: usize = 0x510;
const PIN_CNF: usize = 0x700;

/// APPROTECT.DISABLE (nRF52833 Product Specification v1.7, "APPROTECT —
/// Access port protection", register DISABLE at 0x4000_0558): on the
/// revisions with the improved access port protection (Nordic's errata and
/// informational notice for nRF52833 Rev 2 and later; the Nordic blog post
/// "Working with the nRF52 Series' improved APPROTECT"), the debug access
/// port is locked at every reset unless the firmware writes SwDisable (0x5A)
/// here, even when UICR.APPROTECT is HwDisabled. Without it a board flashed
/// once cannot be read or flashed again by probe-rs. embassy-nrf and Tock
/// write it at boot for the same reason.
const APPROTECT_DISABLE: usize = 0x4000_0000 + 0x558;
const APPROTECT_SW_DISABLE: u32 = 0x5A;

pub fn init() {
    // Keep the debug port open (see APPROTECT_DISABLE): the report is read
    // over it, and the next lesson is flashed through it.
    write(APPROTECT_DISABLE, APPROTECT_SW_DISABLE);
    // GPIOTE channel 0: event mode on P0.14 (button A), high-to-low.
    write(GPIOTE_CONFIG0, 1 | BUTTON_A << 8 | 2 << 16);
    write(GPIOTE_EVENTS_IN0, 0);
    write(GPIOTE_INTENSET, 1);
    for (port, pin) in ROWS.iter().chain(COLUMNS.iter()) {
        write(port + DIRSET, 1 << pin);
    }
}

pub fn start_timer(period: u32) {
    super::nrf_timer::start(super::nrf_timer::TIMER0, period);
}

pub fn stop_timer() {
    super::nrf_timer::stop(super::nrf_timer::TIMER0);
}

pub fn hardware_event(interrupt: Interrupt) -> bool {
    match interrupt {
        Interrupt::TIMER0 => super::nrf_timer::event(super::nrf_timer::TIMER0),
        Interrupt::GPIOTE => read(GPIOTE_EVENTS_IN0) != 0,
        _ => false,
    }
}

pub fn clear_hardware_event(interrupt: Interrupt) {
    match interrupt {
        Interrupt::TIMER0 => super::nrf_timer::clear_event(super::nrf_timer::TIMER0),
        Interrupt::GPIOTE => write(GPIOTE_EVENTS_IN0, 0),
        _ => {}
    }
}

macro_rules! handlers {
    ($($name:ident),*) => {$(
        #[interrupt]
        fn $name() {
            dispatch(Interrupt::$name);
        }
    )*};
}
handlers!(TIMER0, TIMER1, RTC0, GPIOTE, SWI0_EGU0, SWI1_EGU1, UARTE0_UART0, SAADC);

/// LED matrix rows (active high) and columns (active low): (port, pin).
const ROWS: [(usize, u32); 5] = [(P0, 21), (P0, 22), (P0, 15), (P0, 24), (P0, 19)];
const COLUMNS: [(usize, u32); 5] = [(P0, 28), (P0, 11), (P0, 31), (P1, 5), (P0, 30)];
const TICK: [u8; 5] = [0b00000, 0b00001, 0b00010, 0b10100, 0b01000];
const CROSS: [u8; 5] = [0b10001, 0b01010, 0b00100, 0b01010, 0b10001];

static HELD: AtomicBool = AtomicBool::new(false);

/// Remembers whether every property held, for `exit` to display.
pub fn show(held: bool) {
    HELD.store(held, Ordering::Relaxed);
}

/// Whether button B is held (active low: the board pulls it up). Connects
/// the pin's input buffer first, which is disconnected at reset.
pub fn interactive() -> bool {
    write(P0 + PIN_CNF + 4 * BUTTON_B as usize, 0);
    cortex_m::asm::delay(640);
    read(P0 + IN) & 1 << BUTTON_B == 0
}

/// Lights row `row` of the tick (`held`) or the cross, and no other: called
/// for each row in turn, faster than the eye, it shows the whole image.
pub fn light_row(row: usize, held: bool) {
    let image = if held { TICK } else { CROSS };
    for (port, pin) in ROWS {
        write(port + OUTCLR, 1 << pin);
    }
    for (column, (cport, cpin)) in COLUMNS.iter().enumerate() {
        let lit = image[row] & (1 << (4 - column)) != 0;
        write(cport + if lit { OUTCLR } else { OUTSET }, 1 << cpin);
    }
    let (port, pin) = ROWS[row];
    write(port + OUTSET, 1 << pin);
}

/// After the run (`probe::exit`, with no debugger to end it): keep the LED
/// matrix lit, a tick, or a cross after a violation or a fault. Interrupts
/// are off.
pub fn idle(ok: bool) -> ! {
    let held = ok && HELD.load(Ordering::Relaxed);
    loop {
        for row in 0..ROWS.len() {
            light_row(row, held);
            cortex_m::asm::delay(64_000);
        }
    }
}
