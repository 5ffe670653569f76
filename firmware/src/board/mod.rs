//! `crate::board`: the vocabulary lesson code may use (lessons/BOARD.md), the
//! same on every board, plus the few calls the harness needs (start a periodic
//! timer, pend, raise an event, log, exit).
//!
//! Every lesson interrupt has an event flag. Where the board has the real
//! peripheral (TIMER0 is a hardware timer on every board) the flag is the
//! peripheral's own; every source can also be raised by software (the arrival
//! generator of `crate::arrival`), which sets a flag here and pends the IRQ.

use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU8, AtomicUsize, Ordering};

use cortex_m::interrupt::InterruptNumber;
use cortex_m::peripheral::NVIC;

#[cfg(any(feature = "microbit-v2", feature = "pico"))]
mod probe;
#[cfg(any(feature = "qemu-lm3s6965", feature = "qemu-microbit", feature = "qemu-an521"))]
mod qemu;

mod mmio;
#[cfg(any(feature = "qemu-microbit", feature = "microbit-v2"))]
mod nrf_timer;

#[cfg(feature = "qemu-lm3s6965")]
#[path = "lm3s6965.rs"]
mod chip;
#[cfg(feature = "qemu-microbit")]
#[path = "nrf51.rs"]
mod chip;
#[cfg(feature = "qemu-an521")]
#[path = "an521.rs"]
mod chip;
#[cfg(feature = "microbit-v2")]
#[path = "nrf52833.rs"]
mod chip;
#[cfg(feature = "pico")]
#[path = "rp2040.rs"]
mod chip;

// What the harness calls: the QEMU machines share semihosting and a vector
// table (`qemu`), the real boards have theirs in the chip module.
#[cfg(any(feature = "microbit-v2", feature = "pico"))]
use chip as target;
#[cfg(any(feature = "qemu-lm3s6965", feature = "qemu-microbit", feature = "qemu-an521"))]
use qemu as target;

pub use target::{BOARD, GENERATOR_PERIOD, TIMER_PERIOD, argument, exit, init, show};

/// A line of text on semihosting (`crate::Line::say`): the QEMU machines'
/// log. The real boards log defmt frames (`crate::say!`, probe.rs).
#[cfg(any(feature = "qemu-lm3s6965", feature = "qemu-microbit", feature = "qemu-an521"))]
pub use qemu::log;

/// The real boards' end of a run: a semihosting exit that `probe-rs run`
/// ends on, or, with no debugger, a HardFault that leads to `idle`.
#[cfg(any(feature = "microbit-v2", feature = "pico"))]
pub use probe::{idle, semihosting_exit_at};

/// Button B held at reset, and one row of the LED matrix (interactive mode).
#[cfg(feature = "microbit-v2")]
pub use chip::{interactive, light_row};

/// Cores, and starting the second one (two-core lessons).
#[cfg(any(feature = "qemu-an521", feature = "pico"))]
pub use target::{CORES, start_core1};

#[cfg(not(any(feature = "qemu-an521", feature = "pico")))]
pub const CORES: u8 = 1;

#[cfg(not(any(feature = "qemu-an521", feature = "pico")))]
pub fn start_core1(_: fn() -> !) -> Result<(), &'static str> {
    Err("this board has one core; a two-core lesson runs on the Pico or qemu-an521")
}

/// The interrupts a lesson can name: those of the BBC micro:bit v2 (nRF52833).
/// Each board maps them to an interrupt of its own chip (see `IRQ` in the
/// board's module and firmware/README.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum Interrupt {
    TIMER0 = 0,
    TIMER1 = 1,
    RTC0 = 2,
    GPIOTE = 3,
    SWI0_EGU0 = 4,
    SWI1_EGU1 = 5,
    UARTE0_UART0 = 6,
    SAADC = 7,
}

impl Interrupt {
    pub const ALL: [Interrupt; 8] = [
        Interrupt::TIMER0,
        Interrupt::TIMER1,
        Interrupt::RTC0,
        Interrupt::GPIOTE,
        Interrupt::SWI0_EGU0,
        Interrupt::SWI1_EGU1,
        Interrupt::UARTE0_UART0,
        Interrupt::SAADC,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Interrupt::TIMER0 => "TIMER0",
            Interrupt::TIMER1 => "TIMER1",
            Interrupt::RTC0 => "RTC0",
            Interrupt::GPIOTE => "GPIOTE",
            Interrupt::SWI0_EGU0 => "SWI0_EGU0",
            Interrupt::SWI1_EGU1 => "SWI1_EGU1",
            Interrupt::UARTE0_UART0 => "UARTE0_UART0",
            Interrupt::SAADC => "SAADC",
        }
    }
}

// SAFETY: `chip::IRQ` holds one valid device interrupt number per name.
unsafe impl InterruptNumber for Interrupt {
    fn number(self) -> u16 {
        chip::IRQ[self as usize]
    }
}

static TIMER_RUNNING: AtomicBool = AtomicBool::new(false);

/// Starts the board's periodic hardware timer behind TIMER0.
pub fn start_timer(period: u32) {
    TIMER_RUNNING.store(true, Ordering::SeqCst);
    if crate::harness::mutant::is(crate::harness::mutant::TIMER_OFF) {
        return;
    }
    target::start_timer(period);
}

pub fn stop_timer() {
    target::stop_timer();
    TIMER_RUNNING.store(false, Ordering::SeqCst);
}

pub fn timer_running() -> bool {
    TIMER_RUNNING.load(Ordering::SeqCst)
}

/// Events raised by software, one flag per interrupt (plain loads and stores:
/// thumbv6m has no read-modify-write atomics).
static RAISED: [AtomicBool; 8] = [const { AtomicBool::new(false) }; 8];

/// Acknowledges the peripheral event behind `interrupt` (lessons/BOARD.md).
pub fn clear_event(interrupt: Interrupt) {
    target::clear_hardware_event(interrupt);
    RAISED[interrupt as usize].store(false, Ordering::SeqCst);
}

/// Reads the peripheral's event flag (lessons/BOARD.md).
pub fn event_pending(interrupt: Interrupt) -> bool {
    RAISED[interrupt as usize].load(Ordering::SeqCst) || target::hardware_event(interrupt)
}

/// Work that touches no shared state (lessons/BOARD.md).
pub fn busy(cycles: u32) {
    cortex_m::asm::delay(cycles);
}

/// Pends `interrupt` in the NVIC, then waits for the pend to take effect:
/// without DSB and ISB a few more instructions run before the handler.
pub fn pend(interrupt: Interrupt) {
    NVIC::pend(interrupt);
    cortex_m::asm::dsb();
    cortex_m::asm::isb();
}

/// Makes `interrupt`'s event happen: sets its flag and pends it.
pub fn raise(interrupt: Interrupt) {
    RAISED[interrupt as usize].store(true, Ordering::SeqCst);
    pend(interrupt);
}

/// The UART's EasyDMA reception, played by the arrival generator on every
/// board (lessons/BOARD.md): where the running reception writes, how many
/// bytes it takes, how many it has, and the bytes the UART receives.
static DMA_BUFFER: AtomicPtr<u8> = AtomicPtr::new(core::ptr::null_mut());
static DMA_LEN: AtomicUsize = AtomicUsize::new(0);
static DMA_POS: AtomicUsize = AtomicUsize::new(0);
static DMA_RUNNING: AtomicBool = AtomicBool::new(false);
static DMA_BYTES: AtomicPtr<u8> = AtomicPtr::new(core::ptr::null_mut());
static DMA_BYTES_LEN: AtomicUsize = AtomicUsize::new(0);
/// Bytes received so far in this run.
static DMA_RECEIVED: AtomicUsize = AtomicUsize::new(0);

/// UARTE0 receives `N` bytes into `buffer` by EasyDMA (lessons/BOARD.md):
/// on the nRF52833 `RXD.PTR = buffer`, `RXD.MAXCNT = N`, then
/// `TASKS_STARTRX = 1`. ENDRX, UARTE0_UART0's event, comes when the N-th
/// byte is in RAM.
///
/// # Safety
///
/// `buffer` must stay valid for writes until ENDRX, and nothing may read or
/// write it before then: the peripheral writes it behind the compiler's back.
pub unsafe fn uarte_receive<const N: usize>(buffer: *mut [u8; N]) {
    DMA_BUFFER.store(buffer.cast(), Ordering::SeqCst);
    DMA_LEN.store(N, Ordering::SeqCst);
    DMA_POS.store(0, Ordering::SeqCst);
    DMA_RUNNING.store(true, Ordering::SeqCst);
}

/// A new run: no reception runs, nothing is received yet, and the UART will
/// receive `bytes` (none for a lesson without a DMA source).
pub fn dma_reset(bytes: &'static [u8]) {
    DMA_RUNNING.store(false, Ordering::SeqCst);
    DMA_RECEIVED.store(0, Ordering::SeqCst);
    DMA_BYTES.store(bytes.as_ptr().cast_mut(), Ordering::SeqCst);
    DMA_BYTES_LEN.store(bytes.len(), Ordering::SeqCst);
}

/// Whether a reception runs: the UART's next byte can come only then (the
/// sender waits otherwise, as the simulator assumes).
pub fn dma_running() -> bool {
    DMA_RUNNING.load(Ordering::SeqCst)
}

/// The UART receives its next byte: EasyDMA writes it at the next position
/// of the running reception, and the last byte of the buffer ends the
/// reception and raises ENDRX. Called from the arrival generator, which
/// preempts the lesson's code wherever it is, as the DMA's bus writes do.
pub fn dma_byte(interrupt: Interrupt) {
    if !dma_running() {
        return;
    }
    let received = DMA_RECEIVED.load(Ordering::SeqCst);
    let count = DMA_BYTES_LEN.load(Ordering::SeqCst);
    let bytes = DMA_BYTES.load(Ordering::SeqCst);
    let pos = DMA_POS.load(Ordering::SeqCst);
    if count == 0 || bytes.is_null() {
        return;
    }
    // SAFETY: `bytes` is the lesson's `&'static [u8]` of `count` bytes
    // (`dma_reset`), and `received % count` is in it. `buffer` is the
    // buffer `uarte_receive`'s caller handed over until ENDRX, and `pos` is
    // below its length.
    unsafe {
        let byte = *bytes.add(received % count);
        let buffer = DMA_BUFFER.load(Ordering::SeqCst);
        core::ptr::write_volatile(buffer.add(pos), byte);
    }
    DMA_RECEIVED.store(received + 1, Ordering::SeqCst);
    DMA_POS.store(pos + 1, Ordering::SeqCst);
    if pos + 1 == DMA_LEN.load(Ordering::SeqCst) {
        DMA_RUNNING.store(false, Ordering::SeqCst);
        raise(interrupt);
    }
}

/// Forgets every raised event and pending interrupt (between two runs).
pub fn settle() {
    for interrupt in Interrupt::ALL {
        clear_event(interrupt);
        // Read the event flag back before unpending: the write that cleared it
        // can still be buffered on its way to the peripheral, behind a bus
        // bridge a DSB does not wait for (ARM AN321, "ARM Cortex-M Programming
        // Guide to Memory Barrier Instructions"; Nordic's product specs ask
        // for the same read-back after clearing an EVENTS register). A read of
        // the same peripheral completes only after the write; an event still
        // set then would pend the interrupt again after the unpend.
        let _ = target::hardware_event(interrupt);
        NVIC::unpend(interrupt);
    }
}

/// Sets a lesson priority (0 most urgent) one level below SysTick, the
/// arrival generator, in the priority bits the chip implements (2 on
/// Cortex-M0/M0+, 3 on the nRF52 and the LM3S6965; QEMU may implement 8).
/// Err when the chip has too few levels for it.
pub fn set_priority(interrupt: Interrupt, priority: u8) -> Result<(), u8> {
    // SAFETY: the harness sets priorities before it unmasks the interrupts,
    // so no priority-based critical section is in progress.
    let mut nvic = unsafe { cortex_m::Peripherals::steal().NVIC };
    // Unimplemented low bits read back as zero (ARMv7-M B1.5.4).
    unsafe { nvic.set_priority(interrupt, 0xff) };
    let bits = NVIC::get_priority(interrupt).count_ones() as u8;
    // With PRIGROUP 0, bit 0 is a subpriority, which never preempts: keep
    // every level in a group priority of its own.
    let usable = bits.min(7);
    PRIORITY_BITS.store(usable, Ordering::Relaxed);
    let level = u16::from(priority) + 1;
    if level >= 1 << usable {
        return Err((1 << usable) - 2);
    }
    unsafe { nvic.set_priority(interrupt, (level as u8) << (8 - usable)) };
    Ok(())
}

/// The priority bits `set_priority` uses, found when it first ran.
static PRIORITY_BITS: AtomicU8 = AtomicU8::new(0);

/// The BASEPRI value that masks lesson priority `priority` and every less
/// urgent one (lessons/BOARD.md): the level `set_priority` gives it, in the
/// same bits, so a lesson's ceiling masks on every board what it masks in
/// the simulator. The harness sets the lesson's priorities before it runs
/// lesson code.
pub fn basepri(priority: u8) -> u8 {
    let usable = PRIORITY_BITS.load(Ordering::Relaxed);
    (priority + 1) << (8 - usable)
}

/// Lets `interrupt` through the NVIC.
pub fn unmask(interrupt: Interrupt) {
    // SAFETY: the harness unmasks only interrupts whose handler it registered.
    unsafe { NVIC::unmask(interrupt) };
}
