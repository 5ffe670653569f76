//! A wrong fix: the solution, with the TIMER0 handler emptied.

use core::cell::RefCell;
use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::NVIC;
use critical_section::Mutex;

use crate::board::{self, Interrupt};

/// The accelerometer as the driver hands it out once configured (a stand-in).
pub struct Accel {
    pub samples: u32,
}

/// Empty until main has configured the accelerometer and moved it in.
pub static ACCEL: Mutex<RefCell<Option<Accel>>> = Mutex::new(RefCell::new(None));
/// Ticks the handler sampled on.
pub static SAMPLED: AtomicU32 = AtomicU32::new(0);
/// Passes of main's loop (only main writes it).
pub static mut PASSES: u32 = 0;

/// Thread mode, once at boot.
pub fn init() {
    board::busy(50); // configure the accelerometer over I2C
    let accel = Accel { samples: 0 };
    critical_section::with(|cs| ACCEL.borrow(cs).replace(Some(accel))); // 1. shared state
    board::clear_event(Interrupt::TIMER0); // 2. the peripheral: start from a clean event
    NVIC::unpend(Interrupt::TIMER0);
    unsafe { NVIC::unmask(Interrupt::TIMER0) }; // 3. the NVIC, last
}

/// Thread mode: main's loop, with nothing to do but wait.
pub fn idle() {
    board::busy(20);
    unsafe { PASSES += 1 };
}

/// TIMER0: time to sample.
pub fn on_tick() {
    // Nothing to do here: main does the work.
}
