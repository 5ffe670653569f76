//! QEMU `mps2-an521`: Arm's SSE-200 subsystem with two Cortex-M33 cores, in
//! Secure state. Built for thumbv7m (Armv8-M Mainline runs Armv7-M code).
//! TIMER0 is the CMSDK APB timer 0; the other lesson interrupts are lines no
//! enabled peripheral drives, raised only by the arrival generator.

pub const BOARD: &str = "qemu-an521";

/// TIMER0 -> timer 0, TIMER1 -> timer 1, RTC0 -> S32K timer, GPIOTE -> GPIO 0,
/// SWI0_EGU0 and SWI1_EGU1 -> two reserved lines, UARTE0_UART0 -> UART 0 RX,
/// SAADC -> a reserved line.
pub const IRQ: [u16; 8] = [3, 4, 2, 68, 14, 30, 32, 90];

/// Entries in the device part of the vector table.
pub const VECTORS: usize = 96;

/// Timer ticks (25 MHz) between two TIMER0 events in the free run.
pub const TIMER_PERIOD: u32 = 13;
/// SysTick ticks between two software-raised events in the free run.
pub const GENERATOR_PERIOD: u32 = 9;

/// CMSDK APB timer 0, Secure alias.
const TIMER: usize = 0x5000_0000;
const CTRL: usize = 0x000;
const RELOAD: usize = 0x008;
const VALUE: usize = 0x004;
const INTSTATUS: usize = 0x00c;
const ENABLE: u32 = 1 << 0;
const INTERRUPT_ENABLE: u32 = 1 << 3;

use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use super::mmio::{read, write};

pub fn init() {}

pub fn start_timer(period: u32) {
    write(TIMER + CTRL, 0);
    write(TIMER + RELOAD, period);
    write(TIMER + VALUE, period);
    write(TIMER + INTSTATUS, 1);
    write(TIMER + CTRL, ENABLE | INTERRUPT_ENABLE);
}

pub fn stop_timer() {
    write(TIMER + CTRL, 0);
    write(TIMER + INTSTATUS, 1);
}

pub fn timer_event() -> bool {
    read(TIMER + INTSTATUS) & 1 != 0
}

pub fn clear_timer_event() {
    write(TIMER + INTSTATUS, 1);
}

/// Two Cortex-M33 cores: core 1 waits at reset until core 0 lets it go.
pub const CORES: u8 = 2;

/// SSE-200 system control: core 1's vector table, and the cores held at reset.
const INITSVTOR1: usize = 0x5002_1114;
const CPUWAIT: usize = 0x5002_1118;
/// SSE-200 CPU identity: 0 on core 0, 1 on core 1.
const CPUID: usize = 0x4001_f000;

#[repr(C, align(128))]
struct Vectors([usize; 16]);
#[repr(C, align(8))]
struct Stack([u8; 8192]);

static mut CORE1_VECTORS: Vectors = Vectors([0; 16]);
static mut CORE1_STACK: Stack = Stack([0; 8192]);
static CORE1_ENTRY: AtomicUsize = AtomicUsize::new(0);

/// Gives core 1 a vector table of its own (its stack, `entry` as its reset
/// handler, a fault handler for the rest) and lets it run.
pub fn start_core1(entry: fn() -> !) -> Result<(), &'static str> {
    CORE1_ENTRY.store(entry as usize, Ordering::SeqCst);
    let vectors = &raw mut CORE1_VECTORS;
    let top = (&raw mut CORE1_STACK) as usize + size_of::<Stack>();
    // SAFETY: core 1 is held at reset, so nothing reads the table yet.
    unsafe {
        (*vectors).0 = [core1_fault as *const () as usize; 16];
        (*vectors).0[0] = top;
        (*vectors).0[1] = core1_reset as *const () as usize;
    }
    cortex_m::asm::dsb();
    write(INITSVTOR1, vectors as u32);
    write(CPUWAIT, 0);
    Ok(())
}

extern "C" fn core1_reset() -> ! {
    // SAFETY: `start_core1` stored a `fn() -> !` before it let core 1 run.
    let entry: fn() -> ! = unsafe { core::mem::transmute(CORE1_ENTRY.load(Ordering::SeqCst)) };
    entry()
}

extern "C" fn core1_fault() -> ! {
    crate::say!("irqlab hardfault on core 1");
    super::qemu::exit(false)
}

/// `critical_section::with` on two cores, as on the RP2040 (lessons/README.md,
/// `cores = 2`): interrupts off on this core, and a lock the other core
/// must wait for. A nested section on the core that holds it goes through.
struct TwoCoreSection;
critical_section::set_impl!(TwoCoreSection);

/// The core (plus one) inside a critical section, 0 when none is.
static OWNER: AtomicU32 = AtomicU32::new(0);
/// Restore state: bit 0 is PRIMASK as it was; this section took the lock.
const PRIMASK: u8 = 1;
const TOOK_LOCK: u8 = 2;

// SAFETY: acquire masks this core's interrupts and takes OWNER, which only
// one core can hold; release undoes what its acquire did, in reverse.
unsafe impl critical_section::Impl for TwoCoreSection {
    unsafe fn acquire() -> u8 {
        let primask = (cortex_m::register::primask::read_raw() & 1) as u8;
        cortex_m::interrupt::disable();
        let me = read(CPUID) + 1;
        if OWNER.load(Ordering::Relaxed) == me {
            // Nested on the core that holds the lock.
            return primask;
        }
        while OWNER.compare_exchange_weak(0, me, Ordering::Acquire, Ordering::Relaxed).is_err() {
            core::hint::spin_loop();
        }
        primask | TOOK_LOCK
    }

    unsafe fn release(state: u8) {
        if state & TOOK_LOCK != 0 {
            OWNER.store(0, Ordering::Release);
        }
        // SAFETY: puts PRIMASK back as the matching acquire found it.
        unsafe { cortex_m::register::primask::write_raw(u32::from(state & PRIMASK)) };
    }
}
