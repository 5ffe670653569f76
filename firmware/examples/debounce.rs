//! Lesson 27, "Debouncing with a timer", as a whole program for the BBC micro:bit v2 (nRF52833).
//!
//! A bouncy button is a burst of edges: count the first, mask the pin's
//! interrupt, and let a timer listen again once the contact has settled; never
//! wait in the handler.
//!
//! `main` sets up the peripherals that raise the lesson's events, gives each
//! handler its priority, unmasks the interrupts and runs what the lesson's
//! thread mode runs; each handler below calls the lesson's function; `board`
//! is the lesson's `crate::board` on the chip's real registers. The bin
//! src/bin/debounce.rs runs the same lesson code under a test harness instead,
//! which makes the events arrive at chosen moments (firmware/README.md).
//!
//! From the repository's firmware/ folder, with the board plugged in:
//!
//! ```text
//! cargo run --release --example debounce                      # scenario.rs
//! cargo run --release --example debounce --features solution  # solution.rs
//! ```
//!
//! Written by `cargo xtask companions` from lessons/27-debounce/lesson.toml:
//! edit the lesson, not this file (`cargo test -p xtask` fails when the two
//! disagree).
#![no_std]
#![no_main]

// The lesson's own code, the file the playground runs: scenario.rs, or
// solution.rs with `--features solution`. It reaches the hardware through
// `crate::board` (below) and `cortex_m`.
#[cfg_attr(not(feature = "solution"), path = "../../lessons/27-debounce/scenario.rs")]
#[cfg_attr(feature = "solution", path = "../../lessons/27-debounce/solution.rs")]
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

    // ---- UARTE0_UART0, an event source in lesson.toml
    // The UART receives from the USB serial port: the interface chip sends
    // on P1.08 and listens on P0.06 (115,200 baud, 8N1).
    p.UART0.psel.rxd.write(|w| unsafe { w.pin().bits(8).port().set_bit().connect().connected() });
    p.UART0.psel.txd.write(|w| unsafe { w.pin().bits(6).port().clear_bit().connect().connected() });
    p.UART0.baudrate.write(|w| w.baudrate().baud115200());
    p.UART0.enable.write(|w| w.enable().enabled());
    // INTENSET: each byte received (RXDRDY) asserts UARTE0_UART0's line.
    p.UART0.intenset.write(|w| w.rxdrdy().set());
    p.UART0.tasks_startrx.write(|w| w.tasks_startrx().trigger());

    // ---- Priorities, lesson.toml's levels (0 most urgent) in the bits the
    // nRF52833 implements: 3, the top three of each priority byte
    // (`pac::NVIC_PRIO_BITS`; nRF52833 Product Specification, "Interrupts":
    // eight levels), so level n is written as n << 5.
    // SAFETY: set before the interrupt is unmasked, so no priority-based
    // critical section is in progress.
    unsafe { core.NVIC.set_priority(Interrupt::GPIOTE, board::nvic_priority(1)) };
    // SAFETY: set before the interrupt is unmasked, so no priority-based
    // critical section is in progress.
    unsafe { core.NVIC.set_priority(Interrupt::TIMER0, board::nvic_priority(2)) };
    // SAFETY: set before the interrupt is unmasked, so no priority-based
    // critical section is in progress.
    unsafe { core.NVIC.set_priority(Interrupt::UARTE0_UART0, board::nvic_priority(3)) };

    // ---- Unmask, last: each handler's state and peripheral are ready.
    // SAFETY: its handler below is defined, and its data needs no set-up.
    unsafe { NVIC::unmask(Interrupt::GPIOTE) };
    // SAFETY: its handler below is defined, and its data needs no set-up.
    unsafe { NVIC::unmask(Interrupt::TIMER0) };
    // SAFETY: its handler below is defined, and its data needs no set-up.
    unsafe { NVIC::unmask(Interrupt::UARTE0_UART0) };

    // ---- Thread mode: what lesson.toml's `main` context runs.
    lesson::idle();
    report();

    // Nothing more to do: sleep, waking for each interrupt.
    loop {
        cortex_m::asm::wfi();
    }
}

/// GPIOTE (priority 1, raised by the peripheral set up in `main`): the lesson's `on_edge`.
#[interrupt]
fn GPIOTE() {
    lesson::on_edge();
}

/// TIMER0 (priority 2, raised by the peripheral set up in `main`): the lesson's `on_debounce_timer`.
#[interrupt]
fn TIMER0() {
    lesson::on_debounce_timer();
}

/// UARTE0_UART0 (priority 3, raised by the peripheral set up in `main`): the lesson's `on_uart`.
#[interrupt]
fn UARTE0_UART0() {
    lesson::on_uart();
}

/// What lesson.toml promises, in the log (`probe-rs run` prints it). Read
/// with interrupts off, so no handler changes a value between two reads.
/// The harness checks the same expressions after many runs with events at
/// chosen moments; here the events come when the hardware raises them,
/// so a race the lesson is about may take many runs to show.
fn report() {
    defmt::info!("main is done");
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
        match interrupt {
            Interrupt::GPIOTE => {
                // SAFETY: single writes and reads of GPIOTE's event registers.
                let peripheral = unsafe { &*pac::GPIOTE::ptr() };
                // channel 0's IN event (button A pressed)
                peripheral.events_in[0].write(|w| unsafe { w.bits(0) });
                let _ = peripheral.events_in[0].read();
            }
            Interrupt::TIMER0 => {
                // SAFETY: single writes and reads of TIMER0's event registers.
                let peripheral = unsafe { &*pac::TIMER0::ptr() };
                // the timer's compare event 0
                peripheral.events_compare[0].write(|w| unsafe { w.bits(0) });
                let _ = peripheral.events_compare[0].read();
            }
            Interrupt::UARTE0_UART0 => {
                // SAFETY: single writes and reads of UART0's event registers.
                let uart = unsafe { &*pac::UART0::ptr() };
                // RXDRDY, a byte received
                uart.events_rxdrdy.write(|w| unsafe { w.bits(0) });
                // Take the byte out of the receive FIFO (six bytes deep): the
                // event is cleared first, as the Product Specification asks.
                let _byte = uart.rxd.read().rxd().bits();
                let _ = uart.events_rxdrdy.read();
            }
            // The lesson's other interrupts are pended by software: no event.
            _ => {}
        }
    }

    /// Reads the peripheral's event register behind `interrupt`.
    pub fn event_pending(interrupt: Interrupt) -> bool {
        match interrupt {
            // SAFETY: a read of an event register.
            Interrupt::GPIOTE => unsafe { &*pac::GPIOTE::ptr() }.events_in[0].read().bits() != 0,
            // SAFETY: a read of an event register.
            Interrupt::TIMER0 => unsafe { &*pac::TIMER0::ptr() }.events_compare[0].read().bits() != 0,
            // SAFETY: a read of an event register.
            Interrupt::UARTE0_UART0 => unsafe { &*pac::UART0::ptr() }.events_rxdrdy.read().bits() != 0,
            _ => false,
        }
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
