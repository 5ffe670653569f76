//! A wrong fix: the solution, with the GPIOTE handler emptied.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// Edges counted by the handler and not yet collected by main.
pub static EDGES: AtomicU32 = AtomicU32::new(0);
/// Every edge the handler saw, to check the books.
pub static SEEN: AtomicU32 = AtomicU32::new(0);
/// Edges main has collected.
pub static mut TOTAL: u32 = 0;

pub fn on_edge() {
    // Nothing to do here: main does the work.
}

pub fn collect() {
    let n = EDGES.swap(0, Ordering::Relaxed);
    unsafe { TOTAL += n };
}
