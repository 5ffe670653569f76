//! A wrong fix: WAITING is an atomic, but main reads it and resets it in two
//! steps. Each step is atomic; the pair is not.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// Commands received and not yet taken by main.
pub static WAITING: AtomicU32 = AtomicU32::new(0);
/// Commands main has executed (only main touches it).
pub static mut EXECUTED: u32 = 0;
/// Every command the UART handler received, to check the books.
pub static RECEIVED: AtomicU32 = AtomicU32::new(0);

/// Commands waiting right now (main's status line reads it, and so does the
/// lesson's property).
pub fn waiting() -> u32 {
    WAITING.load(Ordering::Relaxed)
}

/// UARTE0_UART0 (priority 1): a command arrived.
pub fn on_command() {
    board::clear_event(Interrupt::UARTE0_UART0); // acknowledge the event, first thing
    RECEIVED.fetch_add(1, Ordering::Relaxed);
    WAITING.fetch_add(1, Ordering::Relaxed);
}

/// Thread mode: take every waiting command and execute it.
pub fn take_commands() {
    let n = WAITING.load(Ordering::Relaxed);
    WAITING.store(0, Ordering::Relaxed);
    unsafe { EXECUTED += n };
}
