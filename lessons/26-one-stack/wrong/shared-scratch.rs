//! Wrong fix: one static scratch buffer for both handlers that need one,
//! out of the stack and only 16 bytes of RAM. But the timer's handler can
//! preempt the UART's in the middle of a line and write its samples over
//! the digits.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// The temperature in whole degrees Celsius (TIMER0 writes it).
pub static CELSIUS: AtomicU32 = AtomicU32::new(21);
/// Lines sent on the UART, and the sum of the last line's bytes (what the
/// UART was handed).
pub static LINES: AtomicU32 = AtomicU32::new(0);
pub static LINE_SUM: AtomicU32 = AtomicU32::new(0);
/// Presses of the button.
pub static PRESSES: AtomicU32 = AtomicU32::new(0);
/// The last two samples of the temperature sensor (only TIMER0 reads them).
pub static mut RAW: [u8; 2] = [20, 22];
/// Scratch space for the handlers, out of the stack.
static mut SCRATCH: [u8; 16] = [0; 16];

/// UARTE0_UART0 (priority 3, the least urgent): the UART can take a line.
/// Writes the temperature as text into a line buffer and sends it.
pub fn on_uart() {
    board::clear_event(Interrupt::UARTE0_UART0);
    let celsius = CELSIUS.load(Ordering::Relaxed);
    // SAFETY (claimed): the handlers use SCRATCH one at a time.
    let sum = unsafe {
        SCRATCH[0] = b'0' + (celsius / 10 % 10) as u8;
        SCRATCH[1] = b'0' + (celsius % 10) as u8;
        SCRATCH[2] = b'\r';
        SCRATCH[3] = b'\n';
        // Hand SCRATCH[..4] to the UART (here, the sum of its bytes).
        SCRATCH[0] as u32 + SCRATCH[1] as u32 + SCRATCH[2] as u32 + SCRATCH[3] as u32
    };
    LINE_SUM.store(sum, Ordering::Relaxed);
    LINES.fetch_add(1, Ordering::Relaxed);
}

/// TIMER0 (priority 2): time to take a reading. Copies the sensor's samples
/// out before a new conversion overwrites them, and averages them.
pub fn on_timer() {
    board::clear_event(Interrupt::TIMER0);
    let total = unsafe {
        SCRATCH[0] = RAW[0];
        SCRATCH[1] = RAW[1];
        SCRATCH[0] as u32 + SCRATCH[1] as u32
    };
    CELSIUS.store(total / 2, Ordering::Relaxed);
}

/// GPIOTE (priority 1, the most urgent): the button was pressed.
pub fn on_button() {
    board::clear_event(Interrupt::GPIOTE);
    PRESSES.fetch_add(1, Ordering::Relaxed);
}

/// Thread mode: main's loop, with little to do.
pub fn idle() {
    board::busy(20);
}
