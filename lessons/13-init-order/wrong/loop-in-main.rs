//! A wrong fix: the solution, with main ending in a sleep loop. Main never
//! returns, so whatever comes after it never runs.

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
    loop {
        cortex_m::asm::wfi(); // sleep until the next interrupt, as firmware does
    }
}

/// TIMER0: time to sample.
pub fn on_tick() {
    board::clear_event(Interrupt::TIMER0);
    critical_section::with(|cs| {
        let mut accel = ACCEL.borrow_ref_mut(cs);
        accel.as_mut().unwrap().samples += 1; // main promised it is there
    });
    SAMPLED.fetch_add(1, Ordering::Relaxed);
}
