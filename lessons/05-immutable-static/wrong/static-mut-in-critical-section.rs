//! A wrong fix: WAITING stays a `static mut`, and every access to it goes in
//! a critical section. No command is lost, but nothing stops the next edit
//! from touching WAITING outside one: the compiler no longer guards it.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// Commands received and not yet taken by main.
pub static mut WAITING: u32 = 0;
/// Commands main has executed (only main touches it).
pub static mut EXECUTED: u32 = 0;
/// Every command the UART handler received, to check the books.
pub static RECEIVED: AtomicU32 = AtomicU32::new(0);

/// Commands waiting right now (main's status line reads it, and so does the
/// lesson's property).
pub fn waiting() -> u32 {
    unsafe { WAITING }
}

/// UARTE0_UART0 (priority 1): a command arrived.
pub fn on_command() {
    board::clear_event(Interrupt::UARTE0_UART0); // acknowledge the event, first thing
    RECEIVED.fetch_add(1, Ordering::Relaxed);
    critical_section::with(|_| unsafe { WAITING += 1 });
}

/// Thread mode: take every waiting command and execute it.
pub fn take_commands() {
    let n = critical_section::with(|_| unsafe {
        let n = WAITING;
        WAITING = 0;
        n
    });
    unsafe { EXECUTED += n };
}
