//! The fix: two buffers. EasyDMA fills one while the handler reads the
//! other, and each changes hands only at ENDRX: the handler gives the
//! peripheral the buffer it read last time, behind a `compiler_fence`, and
//! then reads the one the peripheral has just filled.

use core::sync::atomic::{AtomicU32, Ordering, compiler_fence};

use crate::board::{self, Interrupt};

/// The two buffers EasyDMA fills in turn.
static mut RX_A: [u8; 2] = [0; 2];
static mut RX_B: [u8; 2] = [0; 2];
/// Which buffer the running reception fills: the handler's, once `start`
/// has handed it over with the first reception.
static mut FILLING_B: bool = false;

/// Messages that arrived whole, and torn ones (bytes of two messages).
pub static GOOD: AtomicU32 = AtomicU32::new(0);
pub static TORN: AtomicU32 = AtomicU32::new(0);

/// Thread mode, once at reset: start receiving the first message into A.
pub fn start() {
    // SAFETY: no reception runs yet, and the handler runs only after the
    // first ENDRX. RX_A is a static, so it outlives the transfer, and
    // nothing touches it until its ENDRX.
    unsafe {
        FILLING_B = false;
        // What is written above is done before EasyDMA starts, so before
        // the handler, which runs after its ENDRX.
        compiler_fence(Ordering::Release);
        board::uarte_receive(&raw mut RX_A);
    }
}

/// UARTE0_UART0 (priority 1): ENDRX, the buffer being filled is full.
pub fn on_endrx() {
    board::clear_event(Interrupt::UARTE0_UART0);
    // SAFETY: FILLING_B is only touched here once `start` has run. The
    // buffer handed to EasyDMA is the one read in the last run of this
    // handler, which is over; the buffer read is the one whose transfer
    // has just ended.
    let full_b = unsafe { FILLING_B };
    unsafe { FILLING_B = !full_b };
    compiler_fence(Ordering::Release);
    if full_b {
        unsafe { board::uarte_receive(&raw mut RX_A) };
    } else {
        unsafe { board::uarte_receive(&raw mut RX_B) };
    }
    let (number, check) = if full_b { unsafe { (RX_B[0], RX_B[1]) } } else { unsafe { (RX_A[0], RX_A[1]) } };
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
