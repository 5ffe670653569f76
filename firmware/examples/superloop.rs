//! Lesson 01, "The superloop", as a whole program for the BBC micro:bit v2 (nRF52833).
//!
//! Main owns the timer and polls its flag: one context, nothing to interleave,
//! and a reaction time as long as the loop.
//!
//! `main` sets up the peripherals that raise the lesson's events, gives each
//! handler its priority, unmasks the interrupts and runs what the lesson's
//! thread mode runs; each handler below calls the lesson's function; `board`
//! is the lesson's `crate::board` on the chip's real registers. The bin
//! src/bin/superloop.rs runs the same lesson code under a test harness instead,
//! which makes the events arrive at chosen moments (firmware/README.md).
//!
//! From the repository's firmware/ folder, with the board plugged in:
//!
//! ```text
//! cargo run --release --example superloop                      # scenario.rs
//! cargo run --release --example superloop --features solution  # solution.rs
//! ```
//!
//! Written by `cargo xtask companions` from lessons/01-superloop/lesson.toml:
//! edit the lesson, not this file (`cargo test -p xtask` fails when the two
//! disagree).
#![no_std]
#![no_main]

// The lesson's own code, the file the playground runs: scenario.rs, or
// solution.rs with `--features solution`. It reaches the hardware through
// `crate::board` (below) and `cortex_m`.
#[cfg_attr(not(feature = "solution"), path = "../../lessons/01-superloop/scenario.rs")]
#[cfg_attr(feature = "solution", path = "../../lessons/01-superloop/solution.rs")]
#[allow(dead_code)] // a static one of the two files keeps and the other does not use
mod lesson;

use cortex_m_rt::entry;
use defmt_rtt as _; // the log: defmt frames over RTT, which `probe-rs run` prints
use nrf52833_pac as pac;
use panic_probe as _; // a panic: its message in the log, then a HardFault

#[entry]
fn main() -> ! {
    // APPROTECT.DISABLE (0x4000_0558) = SwDisable: on the nRF52833's newer
    // revisions the debug port locks at every reset unless the program
    // opens it, and a locked board cannot be flashed again.
    // SAFETY: a register of the nRF52833's APPROTECT peripheral.
    unsafe { (0x4000_0558 as *mut u32).write_volatile(0x5A) };

    let p = pac::Peripherals::take().unwrap();

    // ---- TIMER0, an event source in lesson.toml
    // TIMER0 counts at 1 MHz (16 MHz / 2^4); compare event 0 comes every
    // 1,000 counts (1 ms), and the COMPARE0_CLEAR short restarts the count.
    p.TIMER0.mode.write(|w| w.mode().timer());
    p.TIMER0.bitmode.write(|w| w.bitmode()._32bit());
    p.TIMER0.prescaler.write(|w| unsafe { w.prescaler().bits(4) });
    p.TIMER0.cc[0].write(|w| unsafe { w.cc().bits(1_000) });
    p.TIMER0.shorts.write(|w| w.compare0_clear().enabled());
    // INTENSET: the compare event asserts TIMER0's interrupt line.
    p.TIMER0.intenset.write(|w| w.compare0().set());
    p.TIMER0.tasks_start.write(|w| w.tasks_start().trigger());

    // ---- Thread mode: what lesson.toml's `main` context runs.
    for _ in 0..2 {
        lesson::superloop_pass();
    }
    report();

    // Nothing more to do: sleep, waking for each interrupt.
    loop {
        cortex_m::asm::wfi();
    }
}

/// What lesson.toml promises, in the log (`probe-rs run` prints it). Read
/// with interrupts off, so no handler changes a value between two reads.
/// The harness checks the same expressions after many runs with events at
/// chosen moments; here the events come when the hardware raises them,
/// so a race the lesson is about may take many runs to show.
fn report() {
    cortex_m::interrupt::free(|_| {
        #[allow(unused_imports)]
        use core::sync::atomic::Ordering;

        #[allow(unused_imports)]
        use lesson::*;

        let holds: bool = unsafe { SEEN } <= 1;
        defmt::info!("{=str}: {=bool}", "each timer event is handled at most once", holds);
        let holds: bool = unsafe { ROWS_DRAWN } == 10;
        defmt::info!("{=str}: {=bool}", "every pass draws all five rows", holds);
    });
}

/// `crate::board`, what lesson code may use beyond `cortex_m`
/// (lessons/BOARD.md), on the nRF52833's own registers.
#[allow(dead_code)] // a lesson uses some of it
mod board {
    use nrf52833_pac as pac;
    // The lesson's interrupt names are the nRF52833's.
    pub use pac::Interrupt;

    /// Acknowledges the peripheral event behind `interrupt`: writes 0 to its
    /// event register, then reads it back. The write can still be on its way
    /// to the peripheral when the handler returns, and an event still set then
    /// would pend the interrupt again; the read completes only after the
    /// write (Nordic's pattern for clearing an event in an ISR).
    pub fn clear_event(interrupt: Interrupt) {
        // The lesson's other interrupts are pended by software: no event.
        if interrupt == Interrupt::TIMER0 {
            // SAFETY: single writes and reads of TIMER0's event registers.
            let peripheral = unsafe { &*pac::TIMER0::ptr() };
            // the timer's compare event 0
            peripheral.events_compare[0].write(|w| unsafe { w.bits(0) });
            let _ = peripheral.events_compare[0].read();
        }
    }

    /// Reads the peripheral's event register behind `interrupt`.
    pub fn event_pending(interrupt: Interrupt) -> bool {
        // SAFETY: a read of an event register.
        interrupt == Interrupt::TIMER0 && unsafe { &*pac::TIMER0::ptr() }.events_compare[0].read().bits() != 0
    }

    /// Work that touches no shared state: `cycles` cycles of the 64 MHz core.
    pub fn busy(cycles: u32) {
        cortex_m::asm::delay(cycles);
    }

    /// The priority byte of lesson level `level` (0 most urgent): the
    /// nRF52833 implements the top 3 bits (`pac::NVIC_PRIO_BITS`), so
    /// level n is n << 5.
    pub fn nvic_priority(level: u8) -> u8 {
        level << (8 - pac::NVIC_PRIO_BITS)
    }

    /// The BASEPRI value that masks lesson level `priority` and every less
    /// urgent one: the same byte, since BASEPRI masks every priority byte at
    /// or above it (and 0 masks nothing).
    pub fn basepri(priority: u8) -> u8 {
        nvic_priority(priority)
    }
}
