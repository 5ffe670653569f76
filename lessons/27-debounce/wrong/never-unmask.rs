//! Wrong fix: mask GPIOTE at the first edge, and leave it masked. One
//! press counts once, and the button never works again.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::NVIC;

use crate::board::{self, Interrupt};

/// Presses of the button counted so far.
pub static PRESSES: AtomicU32 = AtomicU32::new(0);
/// Bytes the UART has sent.
pub static SENT: AtomicU32 = AtomicU32::new(0);

/// GPIOTE (priority 1): an edge on the button's pin. The first edge is the
/// press: count it, and stop listening until the debounce timer fires.
pub fn on_edge() {
    board::clear_event(Interrupt::GPIOTE);
    NVIC::mask(Interrupt::GPIOTE);
    PRESSES.fetch_add(1, Ordering::Relaxed);
}

/// TIMER0 (priority 2): the debounce timer, 20 ms after the press.
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
