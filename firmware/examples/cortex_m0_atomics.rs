//! Lesson 21, "Atomics on a Cortex-M0+", as a whole program for the Raspberry Pi Pico (RP2040).
//!
//! thumbv6m atomics load and store but cannot fetch_add: portable-atomic can.
//!
//! `main` sets up the peripherals that raise the lesson's events, gives each
//! handler its priority, unmasks the interrupts and runs what the lesson's
//! thread mode runs; each handler below calls the lesson's function; `board`
//! is the lesson's `crate::board` on the chip's real registers. The bin
//! src/bin/cortex_m0_atomics.rs runs the same lesson code under a test harness instead,
//! which makes the events arrive at chosen moments (firmware/README.md).
//!
//! From the repository's firmware/ folder, with the board plugged in:
//!
//! ```text
//! cargo pico --example cortex_m0_atomics                      # scenario.rs
//! cargo pico --example cortex_m0_atomics --features solution  # solution.rs
//! ```
//!
//! Written by `cargo xtask companions` from lessons/21-cortex-m0-atomics/lesson.toml:
//! edit the lesson, not this file (`cargo test -p xtask` fails when the two
//! disagree).
#![no_std]
#![no_main]

// The lesson's own code, the file the playground runs: scenario.rs, or
// solution.rs with `--features solution`. It reaches the hardware through
// `crate::board` (below) and `cortex_m`.
#[cfg_attr(not(feature = "solution"), path = "../../lessons/21-cortex-m0-atomics/scenario.rs")]
#[cfg_attr(feature = "solution", path = "../../lessons/21-cortex-m0-atomics/solution.rs")]
#[allow(dead_code)] // a static one of the two files keeps and the other does not use
mod lesson;

use cortex_m::peripheral::NVIC;
use defmt_rtt as _; // the log: defmt frames over RTT, which `probe-rs run` prints
use panic_probe as _; // a panic: its message in the log, then a HardFault
use rp2040_hal::pac::{self, interrupt};
use rp2040_hal::{Watchdog, clocks};

/// The second-stage bootloader the RP2040's boot ROM loads from flash
/// first: it sets up the W25Q080 flash chip of the Pico for execute-in-place.
#[unsafe(link_section = ".boot2")]
#[used]
static BOOT2: [u8; 256] = rp2040_boot2::BOOT_LOADER_W25Q080;

// rp2040-hal's entry: also releases the 32 hardware spinlocks, which a
// debugger's reset leaves as the last program left them (its critical
// section takes spinlock 31).
#[rp2040_hal::entry]
fn main() -> ! {
    let mut p = pac::Peripherals::take().unwrap();
    let mut core = pac::CorePeripherals::take().unwrap();
    // The 12 MHz crystal, the PLLs (125 MHz system clock), and the
    // watchdog's tick, which the microsecond timer counts.
    let mut watchdog = Watchdog::new(p.WATCHDOG);
    let Ok(_clocks) =
        clocks::init_clocks_and_plls(12_000_000, p.XOSC, p.CLOCKS, p.PLL_SYS, p.PLL_USB, &mut p.RESETS, &mut watchdog)
    else {
        panic!("the clocks did not start");
    };

    // ---- TIMER0, an event source in lesson.toml: the RP2040 has one
    // microsecond timer with four one-shot alarms; alarm 0 (TIMER_IRQ_0)
    // stands for the nRF52833's TIMER0, armed 1,000 us ahead, and re-armed
    // by `board::clear_event` each time it fires.
    p.RESETS.reset().modify(|_, w| w.timer().clear_bit());
    while p.RESETS.reset_done().read().timer().bit_is_clear() {}
    p.TIMER.inte().write(|w| w.alarm_0().set_bit());
    board::arm_alarm0();

    // ---- Priorities, lesson.toml's levels (0 most urgent) in the bits the
    // RP2040's Cortex-M0+ implements: 2, the top two of each priority byte
    // (ARMv6-M; RP2040 datasheet, "NVIC": four levels), so level n is
    // written as n << 6.
    // SAFETY: set before the interrupt is unmasked, so no priority-based
    // critical section is in progress.
    unsafe { core.NVIC.set_priority(board::Interrupt::TIMER0, board::nvic_priority(1)) };

    // ---- Unmask, last: each handler's state and peripheral are ready.
    // SAFETY: its handler below is defined, and its data needs no set-up.
    unsafe { NVIC::unmask(board::Interrupt::TIMER0) };

    // ---- Thread mode: what lesson.toml's `main` context runs.
    for _ in 0..3 {
        lesson::do_work();
    }
    report();

    // Nothing more to do: sleep, waking for each interrupt.
    loop {
        cortex_m::asm::wfi();
    }
}

/// TIMER_IRQ_0 (lesson.toml's TIMER0, priority 1): the lesson's `on_timer`.
#[interrupt]
fn TIMER_IRQ_0() {
    lesson::on_timer();
}

/// What lesson.toml promises, in the log (`probe-rs run` prints it). Read
/// with interrupts off, so no handler changes a value between two reads.
/// The harness checks the same expressions after many runs with events at
/// chosen moments; here the events come when the hardware raises them,
/// so a race the lesson is about may take many runs to show.
fn report() {
    critical_section::with(|_| {
        #[allow(unused_imports)]
        use core::sync::atomic::Ordering;

        #[allow(unused_imports)]
        use lesson::*;

        let holds: bool = DONE.load(Ordering::Relaxed) == 3 + TICKS.load(Ordering::Relaxed);
        defmt::info!("{=str}: {=bool}", "every work item is counted", holds);
    });
}

/// `crate::board`, what lesson code may use beyond `cortex_m`
/// (lessons/BOARD.md), on the RP2040.
#[allow(dead_code)] // a lesson uses some of it
mod board {
    use cortex_m::interrupt::InterruptNumber;
    use rp2040_hal::pac;

    /// The lesson's interrupt names (the nRF52833's), each one an RP2040
    /// interrupt (firmware/README.md).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    #[allow(non_camel_case_types, clippy::upper_case_acronyms)] // the nRF52833's names
    pub enum Interrupt {
        /// TIMER_IRQ_0
        TIMER0 = 0,
        /// TIMER_IRQ_1
        TIMER1 = 1,
        /// RTC_IRQ
        RTC0 = 25,
        /// IO_IRQ_BANK0
        GPIOTE = 13,
        /// SW0_IRQ
        SWI0_EGU0 = 26,
        /// SW1_IRQ
        SWI1_EGU1 = 27,
        /// UART0_IRQ
        UARTE0_UART0 = 20,
        /// ADC_IRQ_FIFO
        SAADC = 22,
    }

    // SAFETY: each value is the RP2040's number of that interrupt.
    unsafe impl InterruptNumber for Interrupt {
        fn number(self) -> u16 {
            self as u16
        }
    }

    /// Arms alarm 0 for 1,000 us from now: an alarm fires once, so each
    /// event arms the next.
    pub fn arm_alarm0() {
        // SAFETY: single reads and writes of the timer's registers.
        let timer = unsafe { &*pac::TIMER::ptr() };
        let now = timer.timerawl().read().bits();
        timer.alarm0().write(|w| unsafe { w.bits(now.wrapping_add(1_000)) });
    }

    /// Acknowledges the event behind `interrupt`: for TIMER0, alarm 0's bit
    /// of INTR (write 1 to clear), read back so the write has landed before
    /// the handler returns, then the next alarm.
    pub fn clear_event(interrupt: Interrupt) {
        if interrupt == Interrupt::TIMER0 {
            // SAFETY: single reads and writes of the timer's registers.
            let timer = unsafe { &*pac::TIMER::ptr() };
            timer.intr().write(|w| w.alarm_0().clear_bit_by_one());
            let _ = timer.intr().read();
            arm_alarm0();
        }
    }

    /// Reads the event flag behind `interrupt`.
    pub fn event_pending(interrupt: Interrupt) -> bool {
        // SAFETY: a read of the timer's raw interrupt register.
        interrupt == Interrupt::TIMER0 && unsafe { &*pac::TIMER::ptr() }.intr().read().alarm_0().bit_is_set()
    }

    /// Work that touches no shared state: `cycles` cycles of the 125 MHz core.
    pub fn busy(cycles: u32) {
        cortex_m::asm::delay(cycles);
    }

    /// The priority byte of lesson level `level` (0 most urgent): the
    /// Cortex-M0+ implements the top 2 bits, so level n is n << 6.
    pub fn nvic_priority(level: u8) -> u8 {
        level << 6
    }
}
