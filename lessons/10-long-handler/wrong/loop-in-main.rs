//! A wrong fix: the solution, with main ending in a sleep loop. Main never
//! returns, so whatever comes after it never runs.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::NVIC;

use crate::board::{self, Interrupt};

/// Presses the handler captured and main has not handled yet.
pub static PRESSES: AtomicU32 = AtomicU32::new(0);
/// Lines handed to the UART, and lines it sent.
pub static LINES_LOGGED: AtomicU32 = AtomicU32::new(0);
pub static LINES_SENT: AtomicU32 = AtomicU32::new(0);

/// Hands one line to the UART: the UART handler sends one line per run.
fn log_line() {
    LINES_LOGGED.fetch_add(1, Ordering::Relaxed);
    NVIC::pend(Interrupt::UARTE0_UART0);
}

/// GPIOTE (priority 1): the button was pressed. Acknowledge, capture, return.
pub fn on_button() {
    board::clear_event(Interrupt::GPIOTE);
    PRESSES.fetch_add(1, Ordering::Relaxed);
}

/// UARTE0_UART0 (priority 1): send the next line.
pub fn on_uart() {
    board::busy(50); // hand the line to the UART's DMA
    LINES_SENT.fetch_add(1, Ordering::Relaxed);
}

/// Thread mode: handle the presses the handler captured.
pub fn idle() {
    if PRESSES.swap(0, Ordering::Relaxed) > 0 {
        board::busy(400); // debounce: wait for the contacts to settle
        log_line(); // "button pressed"
        board::busy(200); // format the press count
        log_line(); // "presses: 1"
    }
    board::busy(20);
    loop {
        cortex_m::asm::wfi(); // sleep until the next interrupt, as firmware does
    }
}
