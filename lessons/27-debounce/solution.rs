//! The fix: the first edge is the press. The handler counts it and masks
//! GPIOTE, so the bounces that follow only latch its pending bit; the
//! debounce timer, which fires after the last bounce, drops the latched
//! event and unmasks the pin's interrupt again.

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

/// TIMER0 (priority 2): the debounce timer, 20 ms after the press. The
/// contact stops bouncing within a few milliseconds, so every bounce has
/// come by now. A bounce while GPIOTE was masked left its event and its
/// pending bit set: drop both, then listen again.
pub fn on_debounce_timer() {
    board::clear_event(Interrupt::TIMER0);
    board::clear_event(Interrupt::GPIOTE);
    NVIC::unpend(Interrupt::GPIOTE);
    // SAFETY: GPIOTE's handler shares nothing that a mask-based critical
    // section protects; unmasking it cannot break one.
    unsafe { NVIC::unmask(Interrupt::GPIOTE) };
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
