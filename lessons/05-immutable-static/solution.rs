//! The fix the compiler points to: interior mutability. WAITING is a plain
//! `static` of a type that can change through a shared reference: a
//! `critical_section::Mutex<Cell<u32>>`. The `Mutex` hands out the `Cell`
//! only inside a critical section, so the compiler, not our care, keeps
//! every access whole, and no access needs `unsafe`.

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

/// Thread mode: take every waiting command and execute it. `take` reads
/// the count and leaves 0 behind, inside one critical section.
pub fn take_commands() {
    let n = critical_section::with(|cs| WAITING.borrow(cs).take());
    unsafe { EXECUTED += n };
}
