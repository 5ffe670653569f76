//! A ring buffer from main to the UART's transmit handler. Main formats the
//! message and queues its bytes; the handler sends one byte per "ready for
//! the next byte" event. Main queues a byte by moving HEAD on and writing
//! the slot; the handler sends the byte at TAIL.

use core::sync::atomic::{AtomicUsize, Ordering};

use crate::board::{self, Interrupt};

/// Room for four bytes (a power of two: the indices wrap with `%`).
const SIZE: usize = 4;
pub static mut SLOTS: [u8; SIZE] = [0; SIZE];
/// Bytes queued so far: only main writes HEAD.
pub static HEAD: AtomicUsize = AtomicUsize::new(0);
/// Bytes sent so far: only the handler writes TAIL.
pub static TAIL: AtomicUsize = AtomicUsize::new(0);
/// What the handler sent: how many bytes, and their sum.
pub static mut SENT: u32 = 0;
pub static mut SENT_SUM: u32 = 0;

/// Thread mode: queue the next byte of the message (1, 2, 3, ...).
pub fn queue_byte() {
    let head = HEAD.load(Ordering::Relaxed);
    let tail = TAIL.load(Ordering::Acquire);
    if head - tail == SIZE {
        return; // full: main would try again later
    }
    HEAD.store(head + 1, Ordering::Release); // publish the slot
    unsafe { SLOTS[head % SIZE] = head as u8 + 1 }; // the byte
}

/// UARTE0_UART0: the UART is ready for the next byte. No formatting here:
/// take one byte if there is one, and hand it to the UART.
pub fn on_tx_ready() {
    board::clear_event(Interrupt::UARTE0_UART0);
    let tail = TAIL.load(Ordering::Relaxed);
    let head = HEAD.load(Ordering::Acquire);
    if tail != head {
        let byte = unsafe { SLOTS[tail % SIZE] };
        TAIL.store(tail + 1, Ordering::Release);
        unsafe {
            SENT += 1;
            SENT_SUM += byte as u32;
        }
    }
}
