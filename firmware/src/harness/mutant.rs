//! Deliberate breakage, for the mutation test of `cargo xtask firmware`: a
//! build with the `mutants` feature runs one mutant chosen on the
//! semihosting command line (`arg=mutant=N`), and the checker must report
//! that run as failing. Without the feature every mutant is compiled out.
//!
//! - `TIMER_OFF`: the board's hardware timer is never started (on the
//!   lm3s6965 its CTL stays 0), so no TIMER0 event arrives;
//! - `ONE_OUTCOME`: the tally keeps one distinct outcome and counts every
//!   other run as untallied;
//! - `NO_HANDLER`: events arrive, the lesson's handlers are never called;
//! - `SWAPPED_PRIORITIES`: the NVIC scenarios (`nvic`) give their first two
//!   interrupts each other's priority.

use core::sync::atomic::{AtomicU32, Ordering};

pub const TIMER_OFF: u32 = 1;
pub const ONE_OUTCOME: u32 = 2;
pub const NO_HANDLER: u32 = 3;
pub const SWAPPED_PRIORITIES: u32 = 4;

static MUTANT: AtomicU32 = AtomicU32::new(0);

/// Reads which mutant to run (none without the `mutants` feature), and says
/// so in the report.
pub fn select() {
    if cfg!(feature = "mutants") {
        let mutant = crate::board::argument("mutant").unwrap_or(0);
        MUTANT.store(mutant, Ordering::Relaxed);
        crate::say!("irqlab mutant {}", mutant);
    }
}

/// Whether this run is mutant `mutant` (always false without `mutants`).
pub fn is(mutant: u32) -> bool {
    cfg!(feature = "mutants") && MUTANT.load(Ordering::Relaxed) == mutant
}
