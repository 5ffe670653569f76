//! Wrong fix: the button's handler only acknowledges its event. No bounce
//! counts twice, and no press counts at all.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// Presses of the button counted so far.
pub static PRESSES: AtomicU32 = AtomicU32::new(0);
/// Bytes the UART has sent.
pub static SENT: AtomicU32 = AtomicU32::new(0);

/// GPIOTE (priority 1): an edge on the button's pin.
pub fn on_edge() {
    board::clear_event(Interrupt::GPIOTE);
}

/// TIMER0 (priority 2): the debounce timer, 20 ms after the press. The
/// contact stops bouncing within a few milliseconds, so every bounce has
/// come by now.
pub fn on_debounce_timer() {
    board::clear_event(Interrupt::TIMER0);
}

/// UARTE0_UART0 (priority 3): the UART can take the next byte.
pub fn on_uart() {
    board::clear_event(Interrupt::UARTE0_UART0);
    SENT.fetch_add(1, Ordering::Relaxed);
}

/// Thread mode: main's loop, with little to do.
pub fn idle() {
    board::busy(20);
}
