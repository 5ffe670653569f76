//! The lost update: `COUNT += 1` is a load, an add and a store. The timer
//! interrupt can land between the load and the store.

use core::sync::atomic::{AtomicU32, Ordering};

pub static mut COUNT: u32 = 0;
pub static TICKS: AtomicU32 = AtomicU32::new(0);

pub fn foreground() {
    unsafe { COUNT += 1 } // load, add, store
}

pub fn on_timer() {
    TICKS.fetch_add(1, Ordering::Relaxed);
    unsafe { COUNT += 1 }
}
