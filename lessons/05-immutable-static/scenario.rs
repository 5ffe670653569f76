//! Commands arrive over the UART. Its handler counts the commands waiting,
//! and main takes them all now and then. The count is a `static mut`: it
//! compiles, with `unsafe` at every access. (Remove the `mut` to make the
//! compiler guard it, and it answers error[E0594]: see README.md.)

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
    unsafe { WAITING += 1 }; // main cannot preempt a handler: this is whole
}

/// Thread mode: take every waiting command and execute it.
pub fn take_commands() {
    let n = unsafe { WAITING };
    unsafe { WAITING = 0 };
    unsafe { EXECUTED += n };
}
