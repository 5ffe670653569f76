//! A wrong fix: WAITING is a plain `static` in a `Mutex`, but main reads it
//! in one critical section and resets it in another. Each section is whole;
//! the pair is not.

use core::cell::Cell;
use core::sync::atomic::{AtomicU32, Ordering};

use critical_section::Mutex;

use crate::board::{self, Interrupt};

/// Commands received and not yet taken by main.
pub static WAITING: Mutex<Cell<u32>> = Mutex::new(Cell::new(0));
/// Commands main has executed (only main touches it).
pub static mut EXECUTED: u32 = 0;
/// Every command the UART handler received, to check the books.
pub static RECEIVED: AtomicU32 = AtomicU32::new(0);

/// Commands waiting right now (main's status line reads it, and so does the
/// lesson's property).
pub fn waiting() -> u32 {
    critical_section::with(|cs| WAITING.borrow(cs).get())
}

/// UARTE0_UART0 (priority 1): a command arrived.
pub fn on_command() {
    board::clear_event(Interrupt::UARTE0_UART0); // acknowledge the event, first thing
    RECEIVED.fetch_add(1, Ordering::Relaxed);
    critical_section::with(|cs| {
        let waiting = WAITING.borrow(cs);
        waiting.set(waiting.get() + 1);
    });
}

/// Thread mode: take every waiting command and execute it.
pub fn take_commands() {
    let n = critical_section::with(|cs| WAITING.borrow(cs).get());
    critical_section::with(|cs| WAITING.borrow(cs).set(0));
    unsafe { EXECUTED += n };
}
