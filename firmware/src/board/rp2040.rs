//! Raspberry Pi Pico: RP2040, two Cortex-M0+ cores at 125 MHz (thumbv6m).
//! For the Cortex-M0+ lessons (no read-modify-write atomics) and the two-core
//! lesson: rp2040-hal's critical section takes hardware spinlock 31, so it
//! holds off the other core too. TIMER0 is the microsecond timer's alarm 0,
//! re-armed on each event (alarms are one-shot); the other lesson interrupts
//! are raised by the arrival generator. The LED (GPIO 25) is on when every
//! property held and blinks otherwise.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use rp2040_hal::multicore::{Multicore, Stack};
use rp2040_hal::pac::{self, interrupt};
use rp2040_hal::{Sio, Watchdog, clocks};

use super::Interrupt;
use super::mmio::{read, write};
pub use super::probe::{argument, exit};
use crate::harness::dispatch;

#[unsafe(link_section = ".boot2")]
#[used]
static BOOT2: [u8; 256] = rp2040_boot2::BOOT_LOADER_W25Q080;

pub const BOARD: &str = "pico";

/// TIMER0 -> TIMER_IRQ_0, TIMER1 -> TIMER_IRQ_1, RTC0 -> RTC_IRQ,
/// GPIOTE -> IO_IRQ_BANK0, SWI0_EGU0 -> SW0_IRQ, SWI1_EGU1 -> SW1_IRQ,
/// UARTE0_UART0 -> UART0_IRQ, SAADC -> ADC_IRQ_FIFO.
pub const IRQ: [u16; 8] = [0, 1, 25, 13, 26, 27, 20, 22];

/// Microseconds between two TIMER0 events in the free run.
pub const TIMER_PERIOD: u32 = 7;
/// SysTick ticks (125 MHz) between two software-raised events in the free run.
pub const GENERATOR_PERIOD: u32 = 757;

const TIMER: usize = 0x4005_4000;
const ALARM0: usize = TIMER + 0x10;
const TIMERAWL: usize = TIMER + 0x28;
const INTR: usize = TIMER + 0x34;
const INTE: usize = TIMER + 0x38;
const ARMED: usize = TIMER + 0x20;
const SIO_OUT_SET: usize = 0xd000_0014;
const SIO_OUT_CLR: usize = 0xd000_0018;
const SIO_OE_SET: usize = 0xd000_0024;
const LED: u32 = 25;
const XOSC_HZ: u32 = 12_000_000;

static PERIOD: AtomicU32 = AtomicU32::new(0);
static HELD: AtomicBool = AtomicBool::new(false);

/// SIO's 32 hardware spinlocks, SPINLOCK0 to SPINLOCK31 at SIO offsets 0x100
/// to 0x17c (RP2040 datasheet, section 2.3.1 "SIO", "Hardware Spinlocks" and
/// its register list): reading one claims it, writing any value releases it.
const SIO_SPINLOCK0: usize = 0xd000_0100;

pub fn init() {
    // The spinlocks are reset only with the whole chip: a debugger's reset of
    // the cores (probe-rs run) leaves locked the ones the last program held,
    // and rp2040-hal's critical section spins on spinlock 31 forever. Release
    // all 32 at start, as rp2040-hal's `#[entry]` does (`spinlock_reset`);
    // this bin starts through cortex-m-rt's entry, which does not.
    for n in 0..32 {
        write(SIO_SPINLOCK0 + 4 * n, 1);
    }
    // SAFETY: the board layer is the only owner of the device peripherals.
    let mut pac = unsafe { pac::Peripherals::steal() };
    let mut watchdog = Watchdog::new(pac.WATCHDOG);
    // Also starts the watchdog tick the microsecond timer counts.
    let Ok(_clocks) = clocks::init_clocks_and_plls(
        XOSC_HZ,
        pac.XOSC,
        pac.CLOCKS,
        pac.PLL_SYS,
        pac.PLL_USB,
        &mut pac.RESETS,
        &mut watchdog,
    ) else {
        panic!("the RP2040 clocks did not start");
    };
    pac.RESETS.reset().modify(|_, w| w.timer().clear_bit().io_bank0().clear_bit().pads_bank0().clear_bit());
    while pac.RESETS.reset_done().read().timer().bit_is_clear() {}
    while pac.RESETS.reset_done().read().io_bank0().bit_is_clear() {}
    // GPIO 25 to SIO (function 5), output.
    pac.IO_BANK0.gpio(LED as usize).gpio_ctrl().write(|w| unsafe { w.funcsel().bits(5) });
    write(SIO_OE_SET, 1 << LED);
}

pub fn start_timer(period: u32) {
    PERIOD.store(period, Ordering::Relaxed);
    write(INTE, 1);
    write(ALARM0, read(TIMERAWL).wrapping_add(period));
}

pub fn stop_timer() {
    write(ARMED, 1);
    write(INTE, 0);
    write(INTR, 1);
}

pub fn hardware_event(interrupt: Interrupt) -> bool {
    interrupt == Interrupt::TIMER0 && read(INTR) & 1 != 0
}

pub fn clear_hardware_event(interrupt: Interrupt) {
    if interrupt == Interrupt::TIMER0 && read(INTR) & 1 != 0 {
        write(INTR, 1);
        // An alarm fires once: arm the next period to make it periodic.
        write(ALARM0, read(TIMERAWL).wrapping_add(PERIOD.load(Ordering::Relaxed)));
    }
}

/// Two Cortex-M0+ cores; core 1 sleeps until core 0 hands it a function.
pub const CORES: u8 = 2;

static CORE1_STACK: Stack<2048> = Stack::new();

/// Starts core 1 on `entry`, through the boot ROM's handshake (rp2040-hal).
pub fn start_core1(entry: fn() -> !) -> Result<(), &'static str> {
    // SAFETY: the board layer owns the device; only core 0 runs this, once.
    let mut pac = unsafe { pac::Peripherals::steal() };
    let mut sio = Sio::new(pac.SIO);
    let mut multicore = Multicore::new(&mut pac.PSM, &mut pac.PPB, &mut sio.fifo);
    let stack = CORE1_STACK.take().ok_or("core 1 is already running")?;
    multicore.cores()[1].spawn(stack, move || entry()).map_err(|_| "core 1 did not start")
}

macro_rules! handlers {
    ($($lesson:ident => $device:ident),*) => {$(
        #[interrupt]
        fn $device() {
            dispatch(Interrupt::$lesson);
        }
    )*};
}
handlers!(
    TIMER0 => TIMER_IRQ_0, TIMER1 => TIMER_IRQ_1, RTC0 => RTC_IRQ, GPIOTE => IO_IRQ_BANK0,
    SWI0_EGU0 => SW0_IRQ, SWI1_EGU1 => SW1_IRQ, UARTE0_UART0 => UART0_IRQ, SAADC => ADC_IRQ_FIFO
);

pub fn show(held: bool) {
    HELD.store(held, Ordering::Relaxed);
}

/// After the run (`probe::exit`, with no debugger to end it): the LED stays
/// on when every property held, and blinks after a violation or a fault.
/// Interrupts are off.
pub fn idle(ok: bool) -> ! {
    let held = ok && HELD.load(Ordering::Relaxed);
    loop {
        write(SIO_OUT_SET, 1 << LED);
        cortex_m::asm::delay(25_000_000);
        if !held {
            write(SIO_OUT_CLR, 1 << LED);
        }
        cortex_m::asm::delay(25_000_000);
    }
}
