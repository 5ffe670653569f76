//! A panic or a HardFault ends the run with failure.
//!
//! In QEMU they print `irqlab panic ...` or `irqlab hardfault ...` on
//! semihosting and exit 1, so QEMU never hangs on a broken firmware
//! (TOOLCHAIN.md) and CI sees the message.
//!
//! On a real board panic-probe is the panic handler: it prints the panic
//! message as a defmt error and raises a HardFault (`udf`), on which
//! `probe-rs run` (which catches HardFault by default) stops, prints the
//! backtrace and exits with an error. The HardFault handler runs when no
//! debugger caught the fault: it logs `irqlab hardfault pc=.. lr=..` as a
//! defmt frame and ends through `board::exit(false)` (a semihosting exit
//! when a debugger is attached, else the LEDs show the failure).

use cortex_m_rt::{ExceptionFrame, exception};

use crate::board;

#[cfg(feature = "defmt")]
use panic_probe as _;

#[cfg(not(feature = "defmt"))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    use core::fmt::Write;
    cortex_m::interrupt::disable();
    let mut line = crate::Line::new();
    let _ = write!(line, "irqlab panic {}", info.message());
    if let Some(at) = info.location() {
        let _ = write!(line, " at {}:{}", at.file(), at.line());
    }
    line.say();
    board::exit(false)
}

#[cfg(not(feature = "defmt"))]
#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    crate::say!("irqlab hardfault pc={:#010x} lr={:#010x}", frame.pc(), frame.lr());
    board::exit(false)
}

#[cfg(feature = "defmt")]
#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    // `board::exit`'s semihosting call with no debugger to answer it: the
    // run is over, show its result.
    if board::semihosting_exit_at(frame.pc()) {
        board::idle();
    }
    defmt::println!("irqlab hardfault pc={=u32:#010x} lr={=u32:#010x}", frame.pc(), frame.lr());
    board::exit(false)
}
