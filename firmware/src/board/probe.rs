//! What the real boards share: the log is defmt over RTT (read by
//! `probe-rs run`; `crate::say!` writes defmt frames here), a replay offset
//! can only come in at build time, and the end of a run is a semihosting exit
//! that `probe-rs run` ends on.

use core::sync::atomic::{AtomicBool, Ordering};

use cortex_m::peripheral::scb::{Exception, VectActive};
use cortex_m::peripheral::{DCB, SCB};
use cortex_m_semihosting::debug;
use defmt_rtt as _;

/// A real board has no command line: `at` and `from` come in at build time,
/// `IRQLAB_REPLAY_AT=N cargo run --release --features replay --bin NAME`.
pub fn argument(key: &str) -> Option<u32> {
    let value = match key {
        "at" => option_env!("IRQLAB_REPLAY_AT"),
        "from" => option_env!("IRQLAB_SWEEP_FROM"),
        _ => None,
    };
    value?.trim().parse().ok()
}

/// Set by `exit`: its semihosting call is under way, and whether the run ended well.
static EXITING: AtomicBool = AtomicBool::new(false);
static OK: AtomicBool = AtomicBool::new(false);

/// Ends the run where QEMU exits: a semihosting SYS_EXIT (`bkpt 0xab`,
/// `ok` as ADP_Stopped_ApplicationExit, otherwise RunTimeErrorUnknown).
/// `probe-rs run` handles it: the log ends and the command returns, 0 or
/// not, without Ctrl-C. With no debugger attached the `bkpt` is a HardFault
/// instead, which `fault.rs` sends to [`idle`] (see `semihosting_exit_at`):
/// the board then shows the result, as it did before it could exit.
pub fn exit(ok: bool) -> ! {
    cortex_m::interrupt::disable();
    OK.store(ok, Ordering::SeqCst);
    EXITING.store(true, Ordering::SeqCst);
    // Wait until the host has read the log (at once when no host set the
    // RTT channel to blocking), so the halt cuts no line off.
    defmt::flush();
    // Inside HardFault, a `bkpt` no debugger halts on would lock the core up:
    // there only when a debugger is known to be attached. DHCSR says so on
    // ARMv7-M (on ARMv6-M software access to it is IMPLEMENTATION DEFINED),
    // and `probe-rs run` sets the RTT channel to blocking when it attaches.
    let in_hard_fault = SCB::vect_active() == VectActive::Exception(Exception::HardFault);
    if !in_hard_fault || DCB::is_debugger_attached() || defmt_rtt::in_blocking_mode() {
        debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    }
    idle()
}

/// Whether a HardFault came from `exit`'s semihosting call with no debugger
/// to answer it: the instruction at `pc` is `bkpt 0xab` (0xbeab).
pub fn semihosting_exit_at(pc: u32) -> bool {
    // SAFETY: `pc` is the stacked address of the instruction that faulted,
    // in flash, halfword aligned (Thumb).
    EXITING.load(Ordering::SeqCst) && unsafe { (pc as *const u16).read_volatile() } == 0xbeab
}

/// Shows the result for good (the LED matrix, or the Pico's LED).
pub fn idle() -> ! {
    super::chip::idle(OK.load(Ordering::SeqCst))
}
