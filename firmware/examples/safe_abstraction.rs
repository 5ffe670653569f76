//! Lesson 24, "A safe abstraction", as a whole program for the BBC micro:bit v2 (nRF52833).
//!
//! unsafe impl Sync is a promise the type's author keeps: methods that take a
//! CriticalSection token make it true.
//!
//! `main` sets up the peripherals that raise the lesson's events, gives each
//! handler its priority, unmasks the interrupts and runs what the lesson's
//! thread mode runs; each handler below calls the lesson's function; `board`
//! is the lesson's `crate::board` on the chip's real registers. The bin
//! src/bin/safe_abstraction.rs runs the same lesson code under a test harness instead,
//! which makes the events arrive at chosen moments (firmware/README.md).
//!
//! From the repository's firmware/ folder, with the board plugged in:
//!
//! ```text
//! cargo run --release --example safe_abstraction                      # scenario.rs
//! cargo run --release --example safe_abstraction --features solution  # solution.rs
//! ```
//!
//! Written by `cargo xtask companions` from lessons/24-safe-abstraction/lesson.toml:
//! edit the lesson, not this file (`cargo test -p xtask` fails when the two
//! disagree).
#![no_std]
#![no_main]

// The lesson's own code, the file the playground runs: scenario.rs, or
// solution.rs with `--features solution`. It reaches the hardware through
// `crate::board` (below) and `cortex_m`.
#[cfg_attr(not(feature = "solution"), path = "../../lessons/24-safe-abstraction/scenario.rs")]
#[cfg_attr(feature = "solution", path = "../../lessons/24-safe-abstraction/solution.rs")]
#[allow(dead_code)] // a static one of the two files keeps and the other does not use
mod lesson;

use cortex_m::peripheral::NVIC;
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

    // ---- GPIOTE, an event source in lesson.toml
    // GPIOTE channel 0 watches button A, P0.14 (the board pulls it up; a
    // press pulls it low): event mode, on the high-to-low edge.
    p.GPIOTE.config[0].write(|w| unsafe { w.mode().event().psel().bits(14).port().clear_bit().polarity().hi_to_lo() });
    // INTENSET: channel 0's IN event asserts GPIOTE's interrupt line.
    p.GPIOTE.intenset.write(|w| w.in0().set());

    // ---- Priorities, lesson.toml's levels (0 most urgent) in the bits the
    // nRF52833 implements: 3, the top three of each priority byte
    // (`pac::NVIC_PRIO_BITS`; nRF52833 Product Specification, "Interrupts":
    // eight levels), so level n is written as n << 5.
    // SAFETY: set before the interrupt is unmasked, so no priority-based
    // critical section is in progress.
    unsafe { core.NVIC.set_priority(Interrupt::GPIOTE, board::nvic_priority(1)) };

    // ---- Unmask, last: each handler's state and peripheral are ready.
    // SAFETY: its handler below is defined, and its data needs no set-up.
    unsafe { NVIC::unmask(Interrupt::GPIOTE) };

    // ---- Thread mode: what lesson.toml's `main` context runs.
    lesson::main_loop();
    report();

    // Nothing more to do: sleep, waking for each interrupt.
    loop {
        cortex_m::asm::wfi();
    }
}

/// GPIOTE (priority 1, raised by the peripheral set up in `main`): the lesson's `on_button`.
#[interrupt]
fn GPIOTE() {
    lesson::on_button();
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

        let holds: bool = logged().0 == 3 + PRESSES.load(Ordering::Relaxed)
            && logged().1 == 3 * TICK + PRESS * PRESSES.load(Ordering::Relaxed);
        defmt::info!("{=str}: {=bool}", "every event is in the log", holds);
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
        if interrupt == Interrupt::GPIOTE {
            // SAFETY: single writes and reads of GPIOTE's event registers.
            let peripheral = unsafe { &*pac::GPIOTE::ptr() };
            // channel 0's IN event (button A pressed)
            peripheral.events_in[0].write(|w| unsafe { w.bits(0) });
            let _ = peripheral.events_in[0].read();
        }
    }

    /// Reads the peripheral's event register behind `interrupt`.
    pub fn event_pending(interrupt: Interrupt) -> bool {
        // SAFETY: a read of an event register.
        interrupt == Interrupt::GPIOTE && unsafe { &*pac::GPIOTE::ptr() }.events_in[0].read().bits() != 0
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
