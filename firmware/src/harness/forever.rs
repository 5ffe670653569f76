//! A main that never returns (lesson.toml `forever = true`): the firmware's
//! `loop { .. wfi() .. }`. Its run cannot end when main returns, so the
//! supervisor, SysTick, ends it: once every event of the run has arrived and
//! `QUIET_TICKS` of its ticks in a row found nothing pending and main waiting
//! at the same place (asleep on its WFI, or taking each tick right after its
//! `cpsie`), the run's statics and properties are tallied there (the
//! simulator judges such a main where it waits once every event has arrived,
//! docs/SEMANTICS.md section 4), and the supervisor returns from its exception
//! into `round_over` instead of into main: a fresh stack, the next run.
//!
//! The supervisor must not wake main itself, or it would hide the lost
//! wake-up: a main asleep in `wfi` with work waiting would wake on the next
//! supervisor tick, find the work and look fine. So a tick that preempted
//! thread mode right after a WFI (the stacked return address follows a `wfi`
//! instruction), raised no event and left no lesson interrupt pending, steps
//! the return address back onto the `wfi`: main goes back to sleep as if the
//! tick had never come. A lesson interrupt wakes it as on the chip, and so does
//! a tick that raises a lesson event. A main asleep with PRIMASK set (the fix
//! of the lost wake-up) wakes on the pending tick, as WFI does (ARMv7-M
//! B1.5.19), and takes it after `cpsie`, not at the `wfi`: that spurious
//! wake-up is harmless to a correct loop, which checks again and sleeps.
//!
//! Both the free run (periodic arrivals, `ROUNDS` runs) and the sweep (one
//! event of each source at each arrival point, from offset 0 until the event
//! lands before main starts) and the replay of one offset work this way.

use core::cell::RefCell;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use cortex_m::peripheral::{NVIC, SCB};
use critical_section::Mutex;

use super::{
    LESSON, PHASE, PHASE_BEFORE, PHASE_NONE, PROGRESS, Snapshot, TIMER0_IN_HARDWARE, begin_run, end_run, say_outcome,
    unmask_handlers, with_tally,
};
use crate::arrival::{self, ARRIVED};
use crate::board::{self, Interrupt};
use crate::harness::Lesson;

/// Supervisor ticks in a row with every event in, nothing pending and
/// thread mode found in main at the same place each time, that end a run.
pub const QUIET_TICKS: u32 = 8;
/// Supervisor ticks with every event in and nothing pending that end a run
/// wherever main is (a main that polls instead of sleeping).
pub const IDLE_TICKS: u32 = 256;
/// Runs of the free run.
const ROUNDS: u32 = 2000;
/// The most offsets one sweep tries (a bound, reported when hit).
const MAX_OFFSETS: u32 = 20_000;
/// The Thumb encoding of WFI.
const WFI: u16 = 0xbf30;

/// A run of the forever main is under way: SysTick supervises it.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static QUIET: AtomicU32 = AtomicU32::new(0);
static IDLE: AtomicU32 = AtomicU32::new(0);
/// Where the last supervisor tick found thread mode (its return address).
static LAST_PC: AtomicU32 = AtomicU32::new(0);
/// The current run: the round (free run) or the offset (sweep, replay).
static INDEX: AtomicU32 = AtomicU32::new(0);
/// Set by the supervisor when the run it ended was the last one.
static FINISHED: AtomicBool = AtomicBool::new(false);
static SWEEP: AtomicBool = AtomicBool::new(false);
static REPLAY: AtomicBool = AtomicBool::new(false);
/// Where the event of the last sweep or replay run landed (its `PHASE`).
static LAST_PHASE: AtomicU32 = AtomicU32::new(PHASE_NONE);
/// The one-shot's distance from arming, in SysTick ticks (sweep, replay).
static AHEAD: AtomicU32 = AtomicU32::new(0);
/// The raise mask of the free run's periodic arrivals, or the sweep's one shot.
static RAISES: AtomicU32 = AtomicU32::new(0);
/// Whether TIMER0 comes from the board's hardware timer (free run).
static HARDWARE: AtomicBool = AtomicBool::new(false);
/// The main stack pointer every run starts from (`round_over` resets it).
#[unsafe(no_mangle)]
static IRQLAB_FOREVER_SP: AtomicU32 = AtomicU32::new(0);
/// Runs in which main slept through an event: asleep in WFI, stepped back
/// onto it by the supervisor, while a lesson event had been handled.
static SLEPT: AtomicU32 = AtomicU32::new(0);
static SLEPT_THIS_RUN: AtomicBool = AtomicBool::new(false);

static SNAPSHOT: Mutex<RefCell<Snapshot>> = Mutex::new(RefCell::new(Snapshot::empty()));

fn lesson() -> Option<&'static Lesson> {
    // SAFETY: the pointer is null or the `&'static Lesson` stored by `run`.
    unsafe { LESSON.load(Ordering::Acquire).as_ref() }
}

/// Runs a lesson whose main never returns, in the mode the build selects.
pub fn run(lesson: &'static Lesson) -> ! {
    critical_section::with(|cs| *SNAPSHOT.borrow_ref_mut(cs) = Snapshot::take(lesson.statics));
    arrival::init();
    unmask_handlers(lesson);
    let sweep = cfg!(feature = "replay");
    let replay_at = if sweep { board::argument("at") } else { None };
    SWEEP.store(sweep, Ordering::SeqCst);
    REPLAY.store(replay_at.is_some(), Ordering::SeqCst);
    let all = arrival::mask_of(lesson.sources.iter().map(|s| s.interrupt)) | arrival::systick_of(lesson);
    if sweep {
        super::header(lesson, if replay_at.is_some() { "replay" } else { "sweep" });
        // Far enough ahead that at offset 0 the event lands once main sleeps.
        let ahead = 2 * board::GENERATOR_PERIOD;
        AHEAD.store(ahead, Ordering::SeqCst);
        RAISES.store(all, Ordering::SeqCst);
        crate::say!("irqlab sweep ticks={} length=0", ahead);
        INDEX.store(replay_at.or_else(|| board::argument("from")).unwrap_or(0), Ordering::SeqCst);
    } else {
        super::header(lesson, "free");
        let hardware = lesson.source(Interrupt::TIMER0).is_some() && lesson.handler(Interrupt::TIMER0).is_some();
        HARDWARE.store(hardware, Ordering::SeqCst);
        TIMER0_IN_HARDWARE.store(hardware, Ordering::SeqCst);
        let software = arrival::mask_of(
            lesson.sources.iter().map(|s| s.interrupt).filter(|i| !(hardware && *i == Interrupt::TIMER0)),
        ) | arrival::systick_of(lesson);
        RAISES.store(software, Ordering::SeqCst);
        cortex_m::interrupt::free(|_| arrival::periodic(board::GENERATOR_PERIOD, software));
    }
    // Every run starts on the stack as it is here, 8-byte aligned; nothing
    // of this frame is needed again (the lesson is in LESSON).
    IRQLAB_FOREVER_SP.store(cortex_m::register::msp::read() & !7, Ordering::SeqCst);
    next_run()
}

/// Starts the next run, or reports and ends once the last one is done.
/// Entered from `run`, and from `round_over` on a fresh stack.
#[unsafe(no_mangle)]
extern "C" fn irqlab_forever_next() -> ! {
    next_run()
}

fn next_run() -> ! {
    let Some(lesson) = lesson() else { board::exit(false) };
    if FINISHED.load(Ordering::SeqCst) {
        finish(lesson);
    }
    let index = INDEX.load(Ordering::SeqCst);
    let sweep = SWEEP.load(Ordering::SeqCst);
    cortex_m::interrupt::free(|_| {
        critical_section::with(|cs| SNAPSHOT.borrow_ref(cs).restore(lesson.statics));
        board::settle();
        SCB::clear_pendst();
        begin_run(lesson, index, true);
        QUIET.store(0, Ordering::SeqCst);
        IDLE.store(0, Ordering::SeqCst);
        LAST_PC.store(0, Ordering::SeqCst);
        SLEPT_THIS_RUN.store(false, Ordering::SeqCst);
        if sweep {
            arrival::one_shot(AHEAD.load(Ordering::SeqCst), RAISES.load(Ordering::SeqCst));
        } else if HARDWARE.load(Ordering::SeqCst) && !board::timer_running() {
            board::start_timer(board::TIMER_PERIOD);
        }
        ACTIVE.store(true, Ordering::SeqCst);
    });
    arrival::padding(if sweep { index } else { index * 7 % 601 });
    let mut phase = 0;
    for call in lesson.main.calls {
        for _ in 0..call.times {
            phase += 1;
            PHASE.store(phase, Ordering::SeqCst);
            (core::hint::black_box(call.runs))();
        }
    }
    // A main that returns after all: wait for the supervisor to end the run.
    loop {
        cortex_m::asm::wfi();
    }
}

/// The supervisor's return address at the end of a run: resets the main
/// stack and starts the next run. Thumb-1 only, for every board.
#[unsafe(naked)]
unsafe extern "C" fn round_over() -> ! {
    core::arch::naked_asm!(
        "ldr r0, 1f",
        "ldr r0, [r0]",
        "mov sp, r0",
        "ldr r1, 2f",
        "bx r1",
        ".p2align 2",
        "1:",
        ".word {sp}",
        "2:",
        ".word {next}",
        sp = sym IRQLAB_FOREVER_SP,
        next = sym irqlab_forever_next,
    );
}

/// From SysTick, about to return to thread mode: thread mode is not starved.
pub fn thread_ran() {
    if ACTIVE.load(Ordering::SeqCst) {
        PROGRESS.store(PROGRESS.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
    }
}

/// From SysTick, about to return to thread mode, whose exception frame is
/// at `frame`; `raised` says whether this tick raised a lesson event.
///
/// # Safety
///
/// `frame` must be the exception frame SysTick stacked for thread mode, and
/// the exception must return right after this call.
pub unsafe fn supervise(frame: *mut u32, raised: bool) {
    if !ACTIVE.load(Ordering::SeqCst) {
        return;
    }
    let Some(lesson) = lesson() else { return };
    // SAFETY: `frame` is the basic exception frame on the main stack: R0-R3,
    // R12, LR, the return address, xPSR (ARMv7-M B1.5.6), live until return.
    let pc = unsafe { frame.add(6).read_volatile() };
    let pending = lesson.handlers.iter().any(|h| NVIC::is_pending(h.interrupt));
    // SAFETY: the return address points into the code in flash; the halfword
    // before it is the end of the instruction that thread mode last ran.
    let asleep = pc >= 2 && unsafe { ((pc - 2) as *const u16).read_volatile() } == WFI;
    let mut at = pc;
    if asleep && !raised && !pending {
        // This tick is not a wake-up for the lesson: back onto the WFI.
        at = pc - 2;
        // SAFETY: as above; the return address moves back by the 2-byte WFI.
        unsafe { frame.add(6).write_volatile(at) };
        if super::handler_runs().iter().any(|&n| n > 0) {
            SLEPT_THIS_RUN.store(true, Ordering::SeqCst);
        }
    }
    // Main waits when the ticks keep finding it at the same place: asleep on
    // its WFI, or (asleep with PRIMASK set) right after the `cpsie` where it
    // takes each tick; work in progress moves between ticks.
    // Load and store: ARMv6-M has no atomic swap, and only SysTick writes it.
    let same_place = LAST_PC.load(Ordering::SeqCst) == at;
    LAST_PC.store(at, Ordering::SeqCst);
    let sweep = SWEEP.load(Ordering::SeqCst);
    let all_in = if sweep { ARRIVED.load(Ordering::SeqCst) != PHASE_NONE } else { arrival::spent() };
    let in_main = PHASE.load(Ordering::SeqCst) != PHASE_BEFORE;
    if raised || pending || !all_in || !in_main {
        QUIET.store(0, Ordering::SeqCst);
        IDLE.store(0, Ordering::SeqCst);
        return;
    }
    // A main that spins instead of sleeping is never found twice at the
    // same place: it is judged after `IDLE_TICKS` quiet ticks instead.
    let idle = IDLE.load(Ordering::SeqCst) + 1;
    IDLE.store(idle, Ordering::SeqCst);
    let quiet = if same_place { QUIET.load(Ordering::SeqCst) + 1 } else { 0 };
    QUIET.store(quiet, Ordering::SeqCst);
    if quiet < QUIET_TICKS && idle < IDLE_TICKS {
        return;
    }
    // The run is over: judge it where main is, as the simulator does.
    ACTIVE.store(false, Ordering::SeqCst);
    let phase = if sweep { ARRIVED.load(Ordering::SeqCst) } else { PHASE_NONE };
    if sweep {
        arrival::stop();
    }
    end_run(lesson, phase);
    let (_, holds) = lesson.observe();
    if SLEPT_THIS_RUN.load(Ordering::SeqCst) && holds.iter().take(lesson.properties.len()).any(|h| !h) {
        SLEPT.store(SLEPT.load(Ordering::SeqCst) + 1, Ordering::SeqCst);
    }
    LAST_PHASE.store(phase, Ordering::SeqCst);
    let index = INDEX.load(Ordering::SeqCst) + 1;
    INDEX.store(index, Ordering::SeqCst);
    let last = if REPLAY.load(Ordering::SeqCst) {
        true
    } else if sweep {
        phase == PHASE_BEFORE || phase == PHASE_NONE || index == MAX_OFFSETS
    } else {
        index == ROUNDS
    };
    FINISHED.store(last, Ordering::SeqCst);
    // Return into `round_over`, in Thumb state, instead of into main.
    // SAFETY: as above; xPSR keeps only its stack-alignment bit 9.
    unsafe {
        frame.add(6).write_volatile(round_over as *const () as u32 & !1);
        let xpsr = frame.add(7).read_volatile();
        frame.add(7).write_volatile((xpsr & (1 << 9)) | (1 << 24));
    }
}

/// Reports every run and ends the firmware.
fn finish(lesson: &Lesson) -> ! {
    cortex_m::interrupt::free(|_| {
        arrival::stop();
        board::stop_timer();
    });
    let slept = SLEPT.load(Ordering::SeqCst);
    let ok = with_tally(|tally| {
        if REPLAY.load(Ordering::SeqCst) {
            if let Some(outcome) = tally.outcomes().next() {
                say_outcome(lesson, outcome);
            }
            crate::say!(
                "irqlab replay at={} arrival_phase={}",
                INDEX.load(Ordering::SeqCst).saturating_sub(1),
                LAST_PHASE.load(Ordering::SeqCst)
            );
        } else {
            tally.report(lesson);
            if SWEEP.load(Ordering::SeqCst) {
                if INDEX.load(Ordering::SeqCst) == MAX_OFFSETS {
                    crate::say!(
                        "irqlab bound offsets={} hit before the arrival reached the start of main",
                        MAX_OFFSETS
                    );
                }
                if let Some(first) = tally.first_violation(lesson) {
                    crate::say!("irqlab counterexample at={}", first);
                }
            }
        }
        tally.violations == 0
    });
    if slept > 0 {
        crate::say!("irqlab note main slept through an event in {} run(s): asleep in WFI with its work waiting", slept);
    }
    board::show(ok);
    crate::say!("irqlab end");
    board::exit(true)
}
