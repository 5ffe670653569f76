//! The fix: the handler takes the byte out and ends its borrow before it
//! calls `send`. Each borrow lives inside one short critical section and no
//! function that borrows again is called while it is alive.

use core::cell::RefCell;
use core::sync::atomic::{AtomicU32, Ordering};

use critical_section::Mutex;

use crate::board::{self, Interrupt};

/// The UART as the HAL hands it out once configured: whoever holds it may
/// use it (a stand-in: the byte last received, the byte last sent, a count).
pub struct Uart {
    pub rx: u8,
    pub tx: u8,
    pub sent: u32,
}

/// Empty until main has set the UART up and moved it in.
pub static UART: Mutex<RefCell<Option<Uart>>> = Mutex::new(RefCell::new(None));
/// Bytes the handler took from the UART, and bytes it echoed back.
pub static RECEIVED: AtomicU32 = AtomicU32::new(0);
pub static ECHOED: AtomicU32 = AtomicU32::new(0);

/// Thread mode, once: configure the UART, then move it into the Mutex.
pub fn init() {
    let uart = Uart { rx: 0x41, tx: 0, sent: 0 };
    critical_section::with(|cs| UART.borrow(cs).replace(Some(uart)));
}

/// Sends one byte on the shared UART.
fn send(byte: u8) {
    critical_section::with(|cs| {
        if let Some(uart) = UART.borrow_ref_mut(cs).as_mut() {
            uart.tx = byte;
            uart.sent += 1;
        }
    });
}

/// Thread mode: main's own traffic, a status byte.
pub fn send_status() {
    send(0x53);
}

/// UARTE0_UART0: a byte arrived; echo it back.
pub fn on_receive() {
    board::clear_event(Interrupt::UARTE0_UART0);
    // Take the byte out: the borrow ends with the section, before `send`.
    let mut byte: Option<u8> = None;
    critical_section::with(|cs| {
        if let Some(uart) = UART.borrow_ref_mut(cs).as_mut() {
            byte = Some(uart.rx);
        }
    });
    if let Some(byte) = byte {
        RECEIVED.fetch_add(1, Ordering::Relaxed);
        send(byte);
        ECHOED.fetch_add(1, Ordering::Relaxed);
    }
}
