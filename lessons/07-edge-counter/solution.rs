//! The fix: `swap(0)` reads the count and resets it in one indivisible step.
//! `Relaxed` is enough: the counter is the whole message, nothing else is
//! published with it.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::board::{self, Interrupt};

/// Edges counted by the handler and not yet collected by main.
pub static EDGES: AtomicU32 = AtomicU32::new(0);
/// Every edge the handler saw, to check the books.
pub static SEEN: AtomicU32 = AtomicU32::new(0);
/// Edges main has collected.
pub static mut TOTAL: u32 = 0;

pub fn on_edge() {
    board::clear_event(Interrupt::GPIOTE);
    EDGES.fetch_add(1, Ordering::Relaxed);
    SEEN.fetch_add(1, Ordering::Relaxed);
}

pub fn collect() {
    let n = EDGES.swap(0, Ordering::Relaxed);
    unsafe { TOTAL += n };
}
