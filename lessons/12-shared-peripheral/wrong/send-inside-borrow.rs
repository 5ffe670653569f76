//! A wrong fix: main sends in place with a `send` helper, and the handler
//! echoes with the same helper, called while its own borrow of UART is
//! still alive.

use core::cell::RefCell;
use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::NVIC;
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
/// Bytes that arrived, and bytes the handler echoed back.
pub static RECEIVED: AtomicU32 = AtomicU32::new(0);
pub static ECHOED: AtomicU32 = AtomicU32::new(0);

/// Thread mode, once: configure the UART, move it into the Mutex, then let
/// its interrupt in.
pub fn init() {
    let uart = Uart { rx: 0x41, tx: 0, sent: 0 };
    critical_section::with(|cs| UART.borrow(cs).replace(Some(uart)));
    unsafe { NVIC::unmask(Interrupt::UARTE0_UART0) };
}

/// Sends one byte with the UART where it is, inside one critical section:
/// no one else can use it meanwhile, and no one finds it missing.
fn send(byte: u8) {
    critical_section::with(|cs| {
        if let Some(uart) = UART.borrow_ref_mut(cs).as_mut() {
            uart.tx = byte;
            board::busy(40); // wait while the byte goes out
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
    RECEIVED.fetch_add(1, Ordering::Relaxed);
    critical_section::with(|cs| {
        if let Some(uart) = UART.borrow_ref_mut(cs).as_mut() {
            send(uart.rx); // echo it, with the same helper as main
            ECHOED.fetch_add(1, Ordering::Relaxed);
        }
    });
}
