//! Lesson 25, "Interrupt, waker, task", as a whole program for the BBC micro:bit v2 (nRF52833).
//!
//! A tiny executor polls its task when the interrupt wakes it and sleeps
//! otherwise: the lost wake-up returns in async form, and WFE with the event
//! register closes it the way Embassy does.
//!
//! `main` sets up the peripherals that raise the lesson's events, gives each
//! handler its priority, unmasks the interrupts and runs what the lesson's
//! thread mode runs; each handler below calls the lesson's function; `board`
//! is the lesson's `crate::board` on the chip's real registers. The bin
//! src/bin/waker_executor.rs runs the same lesson code under a test harness instead,
//! which makes the events arrive at chosen moments (firmware/README.md).
//!
//! From the repository's firmware/ folder, with the board plugged in:
//!
//! ```text
//! cargo run --release --example waker_executor                      # scenario.rs
//! cargo run --release --example waker_executor --features solution  # solution.rs
//! ```
//!
//! Written by `cargo xtask companions` from lessons/25-waker-executor/lesson.toml:
//! edit the lesson, not this file (`cargo test -p xtask` fails when the two
//! disagree).
#![no_std]
#![no_main]

// The lesson's own code, the file the playground runs: scenario.rs, or
// solution.rs with `--features solution`. It reaches the hardware through
// `crate::board` (below) and `cortex_m`.
#[cfg_attr(not(feature = "solution"), path = "../../lessons/25-waker-executor/scenario.rs")]
#[cfg_attr(feature = "solution", path = "../../lessons/25-waker-executor/solution.rs")]
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

    // ---- SAADC, an event source in lesson.toml
    // The SAADC converts the supply voltage (channel 0, VDD) into
    // `board::SAMPLE`, one sample per buffer.
    p.SAADC.ch[0].pselp.write(|w| w.pselp().vdd());
    p.SAADC.resolution.write(|w| w.val()._12bit());
    p.SAADC.result.ptr.write(|w| unsafe { w.ptr().bits(&raw mut board::SAMPLE as u32) });
    p.SAADC.result.maxcnt.write(|w| unsafe { w.maxcnt().bits(1) });
    p.SAADC.enable.write(|w| w.enable().enabled());
    // INTENSET: END (the buffer is full) asserts SAADC's interrupt line.
    p.SAADC.intenset.write(|w| w.end().set());
    // TIMER1 paces the conversions without the CPU, through two PPI
    // channels: its compare event 0 (every 1 ms) triggers SAMPLE, and each
    // END triggers START, which takes the buffer again for the next one.
    // TIMER1 counts at 1 MHz (16 MHz / 2^4); compare event 0 comes every
    // 1,000 counts (1 ms), and the COMPARE0_CLEAR short restarts the count.
    p.TIMER1.mode.write(|w| w.mode().timer());
    p.TIMER1.bitmode.write(|w| w.bitmode()._32bit());
    p.TIMER1.prescaler.write(|w| unsafe { w.prescaler().bits(4) });
    p.TIMER1.cc[0].write(|w| unsafe { w.cc().bits(1_000) });
    p.TIMER1.shorts.write(|w| w.compare0_clear().enabled());
    p.PPI.ch[0].eep.write(|w| unsafe { w.bits(p.TIMER1.events_compare[0].as_ptr() as u32) });
    p.PPI.ch[0].tep.write(|w| unsafe { w.bits(p.SAADC.tasks_sample.as_ptr() as u32) });
    p.PPI.ch[1].eep.write(|w| unsafe { w.bits(p.SAADC.events_end.as_ptr() as u32) });
    p.PPI.ch[1].tep.write(|w| unsafe { w.bits(p.SAADC.tasks_start.as_ptr() as u32) });
    p.PPI.chenset.write(|w| w.ch0().set().ch1().set());
    p.SAADC.tasks_start.write(|w| w.tasks_start().trigger());
    p.TIMER1.tasks_start.write(|w| w.tasks_start().trigger());

    // ---- Priorities, lesson.toml's levels (0 most urgent) in the bits the
    // nRF52833 implements: 3, the top three of each priority byte
    // (`pac::NVIC_PRIO_BITS`; nRF52833 Product Specification, "Interrupts":
    // eight levels), so level n is written as n << 5.
    // SAFETY: set before the interrupt is unmasked, so no priority-based
    // critical section is in progress.
    unsafe { core.NVIC.set_priority(Interrupt::SAADC, board::nvic_priority(1)) };

    // ---- Unmask, last: each handler's state and peripheral are ready.
    // SAFETY: its handler below is defined, and its data needs no set-up.
    unsafe { NVIC::unmask(Interrupt::SAADC) };

    // ---- Thread mode: what lesson.toml's `main` context runs.
    // Its last call is main's endless loop (`forever = true`).
    loop {
        lesson::run_executor();
    }
}

/// SAADC (priority 1, raised by the peripheral set up in `main`): the lesson's `on_conversion`.
#[interrupt]
fn SAADC() {
    lesson::on_conversion();
}

/// `crate::board`, what lesson code may use beyond `cortex_m`
/// (lessons/BOARD.md), on the nRF52833's own registers.
#[allow(dead_code)] // a lesson uses some of it
mod board {
    use nrf52833_pac as pac;
    // The lesson's interrupt names are the nRF52833's.
    pub use pac::Interrupt;

    /// The SAADC writes each conversion here (EasyDMA).
    pub static mut SAMPLE: i16 = 0;

    /// Acknowledges the peripheral event behind `interrupt`: writes 0 to its
    /// event register, then reads it back. The write can still be on its way
    /// to the peripheral when the handler returns, and an event still set then
    /// would pend the interrupt again; the read completes only after the
    /// write (Nordic's pattern for clearing an event in an ISR).
    pub fn clear_event(interrupt: Interrupt) {
        // The lesson's other interrupts are pended by software: no event.
        if interrupt == Interrupt::SAADC {
            // SAFETY: single writes and reads of SAADC's event registers.
            let peripheral = unsafe { &*pac::SAADC::ptr() };
            // END, a conversion written to RAM
            peripheral.events_end.write(|w| unsafe { w.bits(0) });
            let _ = peripheral.events_end.read();
        }
    }

    /// Reads the peripheral's event register behind `interrupt`.
    pub fn event_pending(interrupt: Interrupt) -> bool {
        // SAFETY: a read of an event register.
        interrupt == Interrupt::SAADC && unsafe { &*pac::SAADC::ptr() }.events_end.read().bits() != 0
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
