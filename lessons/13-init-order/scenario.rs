//! Initialization order. Main sets up the accelerometer and moves it into a
//! `Mutex<RefCell<Option<..>>>` for the TIMER0 handler, which samples it on
//! every tick. Main unmasks TIMER0 during set-up, so that the ticks start as
//! soon as the accelerometer is ready; the handler takes the accelerometer
//! out of the Option with `unwrap`.

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
    unsafe { NVIC::unmask(Interrupt::TIMER0) }; // let the timer in
    board::busy(50); // configure the accelerometer over I2C
    let accel = Accel { samples: 0 };
    critical_section::with(|cs| ACCEL.borrow(cs).replace(Some(accel)));
}

/// Thread mode: main's loop, with nothing to do but wait.
pub fn idle() {
    board::busy(20);
    unsafe { PASSES += 1 };
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
