//! A panic or a HardFault ends the run with failure, so QEMU never hangs on a
//! broken firmware (TOOLCHAIN.md) and CI sees the message.

use core::fmt::Write;
use core::panic::PanicInfo;

use cortex_m_rt::{ExceptionFrame, exception};

use crate::{Line, board};

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    cortex_m::interrupt::disable();
    let mut line = Line::new();
    let _ = write!(line, "irqlab panic {}", info.message());
    if let Some(at) = info.location() {
        let _ = write!(line, " at {}:{}", at.file(), at.line());
    }
    line.say();
    board::exit(false)
}

#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    crate::say!("irqlab hardfault pc={:#010x} lr={:#010x}", frame.pc(), frame.lr());
    board::exit(false)
}
