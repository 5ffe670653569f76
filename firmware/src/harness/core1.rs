//! The second core of a two-core lesson (lesson.toml `cores = 2`, a thread
//! context with `core = 1`). Each round, core 0 restores the statics and
//! lets core 1 go; both run their thread-mode calls at the same time; core 0
//! waits for core 1 before it evaluates the properties. What interleaves is
//! the two cores' instructions, so there is no arrival point to sweep: a
//! two-core lesson has only the free run, whose broken rounds are a count.

use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

use super::{Main, PROGRESS};
use crate::board;

/// The round (plus one) core 1 may run, and the last one it finished.
static GO: AtomicU32 = AtomicU32::new(0);
static DONE: AtomicU32 = AtomicU32::new(0);
static CALLS: AtomicPtr<Main> = AtomicPtr::new(ptr::null_mut());

/// Starts core 1 waiting for its first round.
pub fn start(main: &'static Main) -> Result<(), &'static str> {
    CALLS.store(ptr::from_ref(main).cast_mut(), Ordering::Release);
    board::start_core1(run)
}

fn run() -> ! {
    let mut seen = 0;
    loop {
        let go = GO.load(Ordering::Acquire);
        if go == seen {
            core::hint::spin_loop();
            continue;
        }
        // SAFETY: null or the `&'static Main` stored by `start`.
        if let Some(main) = unsafe { CALLS.load(Ordering::Acquire).as_ref() } {
            for call in main.calls {
                for _ in 0..call.times {
                    (core::hint::black_box(call.runs))();
                }
            }
        }
        DONE.store(go, Ordering::Release);
        seen = go;
    }
}

/// Lets core 1 run round `round`.
pub fn go(round: u32) {
    GO.store(round + 1, Ordering::Release);
}

/// Waits until core 1 has finished round `round`.
pub fn wait(round: u32) {
    while DONE.load(Ordering::Acquire) != round + 1 {
        // Waiting for the other core is progress to the watchdog: a core 1
        // that never finishes is caught by the runner's timeout instead.
        PROGRESS.store(PROGRESS.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
        core::hint::spin_loop();
    }
}
