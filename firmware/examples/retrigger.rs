//! Lesson 09, "Clear the reason", as a whole program for the BBC micro:bit v2 (nRF52833).
//!
//! A level-triggered interrupt stays pending until its flag is cleared: never
//! clear it and main starves.
//!
//! `main` sets up the peripherals that raise the lesson's events, gives each
//! handler its priority, unmasks the interrupts and runs what the lesson's
//! thread mode runs; each handler below calls the lesson's function; `board`
//! is the lesson's `crate::board` on the chip's real registers. The bin
//! src/bin/retrigger.rs runs the same lesson code under a test harness instead,
//! which makes the events arrive at chosen moments (firmware/README.md).
//!
//! From the repository's firmware/ folder, with the board plugged in:
//!
//! ```text
//! cargo run --release --example retrigger                      # scenario.rs
//! cargo run --release --example retrigger --features solution  # solution.rs
//! ```
//!
//! Written by `cargo xtask companions` from lessons/09-retrigger/lesson.toml:
//! edit the lesson, not this file (`cargo test -p xtask` fails when the two
//! disagree).
#![no_std]
#![no_main]

// The lesson's own code, the file the playground runs: scenario.rs, or
// solution.rs with `--features solution`. It reaches the hardware through
// `crate::board` (below) and `cortex_m`.
#[cfg_attr(not(feature = "solution"), path = "../../lessons/09-retrigger/scenario.rs")]
#[cfg_attr(feature = "solution", path = "../../lessons/09-retrigger/solution.rs")]
#[allow(dead_code)] // a static one of the two files keeps and the other does not use
mod lesson;

use cortex_m_rt::entry;
use defmt_rtt as _; // the log: defmt frames over RTT, which `probe-rs run` prints
use nrf52833_pac::{self as pac, Interrupt, interrupt};
use panic_probe as _; // a panic: its message in the log, then a HardFault

#[entry]
fn main() -> ! {
    // APPROTECT.DISABLE (0x4000_0558) = SwDisable: on the nRF52833's newer
    // revisions the debug port locks at every reset unless the program
    // opens it, and a locked board cannot be flashed again.
    // SAFETY: a register of the nRF52833's APPROTECT peripheral.
    unsafe { (0x4000_0558 as *mut u32).write_volatile(0x5A) };

    let p = pac::Peripherals::take().unwrap();
    let mut core = cortex_m::Peripherals::take().unwrap();

    // ---- RTC0, an event source in lesson.toml
    // (`trigger = "level"`: the line stays asserted for as long as the
    // event register is set, so a handler that does not clear it runs again.)
    // RTC0 counts the 32.768 kHz low-frequency clock, which must run first
    // (its internal RC oscillator: no crystal needed).
    p.CLOCK.lfclksrc.write(|w| w.src().rc());
    p.CLOCK.tasks_lfclkstart.write(|w| w.tasks_lfclkstart().trigger());
    while p.CLOCK.events_lfclkstarted.read().events_lfclkstarted().is_not_generated() {}
    // PRESCALER 32: the counter, and its TICK event, advance at
    // 32,768 / (32 + 1) = 993 Hz. INTENSET: TICK asserts RTC0's line.
    p.RTC0.prescaler.write(|w| unsafe { w.prescaler().bits(32) });
    p.RTC0.intenset.write(|w| w.tick().set());
    p.RTC0.tasks_start.write(|w| w.tasks_start().trigger());

    // ---- Priorities, lesson.toml's levels (0 most urgent) in the bits the
    // nRF52833 implements: 3, the top three of each priority byte
    // (`pac::NVIC_PRIO_BITS`; nRF52833 Product Specification, "Interrupts":
    // eight levels), so level n is written as n << 5.
    // SAFETY: set before the interrupt is unmasked, so no priority-based
    // critical section is in progress.
    unsafe { core.NVIC.set_priority(Interrupt::RTC0, board::nvic_priority(1)) };

    // ---- Unmask, last: each handler's state and peripheral are ready.
    // RTC0 stays masked (`enabled = false`): the lesson unmasks it itself.

    // ---- Thread mode: what lesson.toml's `main` context runs.
    lesson::start();
    for _ in 0..3 {
        lesson::main_pass();
    }
    lesson::stop();
    report();

    // Nothing more to do: sleep, waking for each interrupt.
    loop {
        cortex_m::asm::wfi();
    }
}

/// RTC0 (priority 1, raised by the peripheral set up in `main`): the lesson's `on_tick`.
#[interrupt]
fn RTC0() {
    lesson::on_tick();
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

        let holds: bool = unsafe { PASSES } == 3;
        defmt::info!("{=str}: {=bool}", "main finishes its passes", holds);
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
        if interrupt == Interrupt::RTC0 {
            // SAFETY: single writes and reads of RTC0's event registers.
            let peripheral = unsafe { &*pac::RTC0::ptr() };
            // the RTC's TICK event
            peripheral.events_tick.write(|w| unsafe { w.bits(0) });
            let _ = peripheral.events_tick.read();
        }
    }

    /// Reads the peripheral's event register behind `interrupt`.
    pub fn event_pending(interrupt: Interrupt) -> bool {
        // SAFETY: a read of an event register.
        interrupt == Interrupt::RTC0 && unsafe { &*pac::RTC0::ptr() }.events_tick.read().bits() != 0
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
