//! A UART receives two-byte messages, a number and its complement, by
//! EasyDMA: the peripheral writes each byte it receives straight into RAM,
//! into the buffer `uarte_receive` gave it, and raises ENDRX when the buffer
//! is full. The handler starts the next reception first, so that the sender
//! never waits, then checks the message.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// Where EasyDMA writes the message being received.
static mut RX: [u8; 2] = [0; 2];

/// Messages that arrived whole, and torn ones (bytes of two messages).
pub static GOOD: AtomicU32 = AtomicU32::new(0);
pub static TORN: AtomicU32 = AtomicU32::new(0);

/// Thread mode, once at reset: start receiving the first message.
pub fn start() {
    // SAFETY: RX is a static, so it outlives the transfer, and nothing
    // touches it until ENDRX.
    unsafe { board::uarte_receive(&raw mut RX) };
}

/// UARTE0_UART0 (priority 1): ENDRX, a message is in RX.
pub fn on_endrx() {
    board::clear_event(Interrupt::UARTE0_UART0);
    // Receive the next message at once, so that the sender never waits.
    // SAFETY: RX is a static, so it outlives the transfer.
    unsafe { board::uarte_receive(&raw mut RX) };
    let (number, check) = unsafe { (RX[0], RX[1]) };
    if check == !number {
        GOOD.fetch_add(1, Ordering::Relaxed);
    } else {
        TORN.fetch_add(1, Ordering::Relaxed);
    }
}

/// Thread mode: main's loop, with little to do while the messages come.
pub fn idle() {
    board::busy(5000);
}
