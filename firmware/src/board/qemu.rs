//! What the three QEMU machines share: semihosting for the log, the exit
//! code and the replay offset, and a vector table built from the board's
//! interrupt map (they have no device crate).

use cortex_m_semihosting::{debug, hio, nr};

use super::Interrupt;
pub use super::chip::{BOARD, GENERATOR_PERIOD, TIMER_PERIOD, init, start_timer, stop_timer};
#[cfg(feature = "qemu-an521")]
pub use super::chip::{CORES, start_core1};
use super::chip::{IRQ, VECTORS, clear_timer_event, timer_event};

#[unsafe(link_section = ".vector_table.interrupts")]
#[unsafe(no_mangle)]
static __INTERRUPTS: [Vector; VECTORS] = vectors(&IRQ);

/// On the QEMU machines only TIMER0 has a peripheral behind it.
pub fn hardware_event(interrupt: Interrupt) -> bool {
    interrupt == Interrupt::TIMER0 && timer_event()
}

pub fn clear_hardware_event(interrupt: Interrupt) {
    if interrupt == Interrupt::TIMER0 {
        clear_timer_event();
    }
}

pub fn log(line: &str) {
    if let Ok(mut out) = hio::hstdout() {
        let _ = out.write_all(line.as_bytes());
        let _ = out.write_all(b"\n");
    }
}

/// Ends QEMU with the given status (semihosting SYS_EXIT).
pub fn exit(ok: bool) -> ! {
    debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}

/// QEMU has no LEDs: the report is the output.
pub fn show(_ok: bool) {}

/// `KEY=N` among the semihosting arguments, as in
/// `-semihosting-config enable=on,target=native,arg=firmware,arg=at=N`.
pub fn argument(key: &str) -> Option<u32> {
    let mut buffer = [0u8; 96];
    let mut block = [buffer.as_mut_ptr() as usize, buffer.len()];
    let at = block.as_mut_ptr();
    // SAFETY: SYS_GET_CMDLINE writes at most `block[1]` bytes into `buffer`
    // and the length it wrote back into `block[1]`; both outlive the call.
    let failed = unsafe { cortex_m_semihosting::syscall1(nr::GET_CMDLINE, at as usize) } != 0;
    // SAFETY: `at` still points to `block`, which the host may have written.
    let written = unsafe { at.add(1).read_volatile() };
    if failed {
        return None;
    }
    let text = core::str::from_utf8(&buffer[..written.min(buffer.len())]).ok()?;
    text.split(' ').find_map(|word| word.trim_end_matches('\0').strip_prefix(key)?.strip_prefix('=')?.parse().ok())
}

/// One entry of the device part of the vector table.
#[derive(Clone, Copy)]
union Vector {
    handler: unsafe extern "C" fn(),
    reserved: usize,
}

unsafe extern "C" {
    fn DefaultHandler();
}

/// Every vector is cortex-m-rt's `DefaultHandler` except the lesson
/// interrupts, which go to the harness's dispatch.
const fn vectors<const N: usize>(irq: &[u16; 8]) -> [Vector; N] {
    let mut table = [Vector { handler: DefaultHandler }; N];
    let mut i = 0;
    while i < irq.len() {
        table[irq[i] as usize] = Vector { handler: TRAMPOLINES[i] };
        i += 1;
    }
    table
}

macro_rules! trampolines {
    ($($name:ident),*) => {
        const TRAMPOLINES: [unsafe extern "C" fn(); 8] = [$({
            unsafe extern "C" fn trampoline() {
                crate::harness::dispatch(Interrupt::$name)
            }
            trampoline
        }),*];
    };
}
trampolines!(TIMER0, TIMER1, RTC0, GPIOTE, SWI0_EGU0, SWI1_EGU1, UARTE0_UART0, SAADC);

// `reserved` only documents the ABI: unused vectors may hold 0.
const _: Vector = Vector { reserved: 0 };
