//! A long handler. The button handler does the whole job itself: it reads
//! and decodes the key, then logs two lines, ringing the UART
//! handler for each. The UART handler runs at the same priority as the
//! button handler.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::NVIC;

use crate::board::{self, Interrupt};

/// Presses of the button so far.
pub static PRESSES: AtomicU32 = AtomicU32::new(0);
/// Lines handed to the UART, and lines it sent.
pub static LINES_LOGGED: AtomicU32 = AtomicU32::new(0);
pub static LINES_SENT: AtomicU32 = AtomicU32::new(0);

/// Hands one line to the UART: the UART handler sends one line per run.
fn log_line() {
    LINES_LOGGED.fetch_add(1, Ordering::Relaxed);
    NVIC::pend(Interrupt::UARTE0_UART0);
}

/// GPIOTE (priority 1): the button was pressed.
pub fn on_button() {
    board::clear_event(Interrupt::GPIOTE);
    PRESSES.fetch_add(1, Ordering::Relaxed);
    board::busy(400); // read the keypad and decode the key
    log_line(); // "button pressed"
    board::busy(200); // format the press count
    log_line(); // "presses: 1"
}

/// UARTE0_UART0 (priority 1): send the next line.
pub fn on_uart() {
    board::busy(50); // hand the line to the UART's DMA
    LINES_SENT.fetch_add(1, Ordering::Relaxed);
}

/// Thread mode: main's loop, with nothing to do but wait.
pub fn idle() {
    board::busy(20);
}
