//! The arrival generator: SysTick, the timer every Cortex-M core has, raises
//! the lesson's events. It runs at the most urgent priority, so it preempts
//! main and the lesson's handlers at the exact instruction where it fires,
//! raises the events (flag + pend + DSB + ISB) and returns; the lesson's
//! handler is then taken right there, by tail-chaining.
//!
//! - one shot: one arrival, a fixed number of ticks after arming (the sweep);
//! - periodic: an arrival every period (the free run), with a watchdog.
//!
//! Under QEMU's `-icount`, time is the instruction count, so a one-shot armed
//! at a fixed point always fires after the same number of instructions.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::scb::SystemHandler;
use cortex_m::peripheral::{SCB, SYST};

use crate::board::{self, Interrupt};
use crate::harness::{PHASE, PHASE_NONE, PROGRESS};

const ENABLE: u32 = 1 << 0;
const TICKINT: u32 = 1 << 1;
/// Count the processor clock (on QEMU: the instruction clock under -icount).
const CPU_CLOCK: u32 = 1 << 2;
const MAX_RELOAD: u32 = 0x00ff_ffff;

const OFF: u32 = 0;
const ONE_SHOT: u32 = 1;
const PERIODIC: u32 = 2;

static MODE: AtomicU32 = AtomicU32::new(OFF);
/// Bit i set: raise `Interrupt::ALL[i]` on each arrival.
static RAISES: AtomicU32 = AtomicU32::new(0);
/// Where thread mode was when the one-shot fired (`PHASE_NONE` until then).
pub static ARRIVED: AtomicU32 = AtomicU32::new(PHASE_NONE);
/// Events each interrupt may still raise in this run (lesson.toml's
/// `max_arrivals`, as the explorer assumes).
static BUDGET: [AtomicU32; 8] = [const { AtomicU32::new(0) }; 8];

/// Periodic ticks since main last made progress, and the progress then seen.
static STALLED: AtomicU32 = AtomicU32::new(0);
static SEEN: AtomicU32 = AtomicU32::new(0);
/// Periods without progress after which the run is declared stuck.
const WATCHDOG_PERIODS: u32 = 64;
/// The same for a two-core run, which QEMU runs on host threads without
/// -icount: virtual time is host time there, and a host that deschedules a
/// core's thread for a few tens of microseconds stalls main for 64 periods
/// (seen on qemu-an521: dual_core's solution "deadlocked" in 3 of 3 runs
/// of 2,000 rounds at 64, in none of 4 at 4,096).
const WATCHDOG_PERIODS_TWO_CORES: u32 = 4096;
static WATCHDOG_LIMIT: AtomicU32 = AtomicU32::new(WATCHDOG_PERIODS);

/// A two-core run: tolerate the host's stalls (see `WATCHDOG_PERIODS_TWO_CORES`).
pub fn watch_two_cores() {
    WATCHDOG_LIMIT.store(WATCHDOG_PERIODS_TWO_CORES, Ordering::Relaxed);
}

fn syst() -> &'static cortex_m::peripheral::syst::RegisterBlock {
    // SAFETY: only this module touches SysTick, from thread mode with
    // interrupts masked or from its own exception handler.
    unsafe { &*SYST::PTR }
}

/// SysTick above every lesson priority, so arrivals preempt everything.
pub fn init() {
    // SAFETY: called once at boot, before interrupts are unmasked.
    unsafe { cortex_m::Peripherals::steal().SCB.set_priority(SystemHandler::SysTick, 0) };
}

pub fn mask_of(interrupts: impl Iterator<Item = Interrupt>) -> u32 {
    interrupts.fold(0, |mask, i| mask | 1 << i as u32)
}

/// In a raise mask, past the interrupts: the lesson's own SysTick events.
const SYSTICK: u32 = 1 << Interrupt::ALL.len();
static SYSTICK_BUDGET: AtomicU32 = AtomicU32::new(0);

/// The raise mask bit of the lesson's SysTick events, if it has any.
pub fn systick_of(lesson: &crate::Lesson) -> u32 {
    if lesson.systick.as_ref().is_some_and(|t| t.max_arrivals > 0) { SYSTICK } else { 0 }
}

fn start(mode: u32, ticks: u32, raises: u32) {
    stop();
    RAISES.store(raises, Ordering::SeqCst);
    MODE.store(mode, Ordering::SeqCst);
    let syst = syst();
    // SAFETY: writing SysTick's documented registers.
    unsafe {
        syst.rvr.write(ticks.clamp(1, MAX_RELOAD));
        syst.cvr.write(0);
        syst.csr.write(ENABLE | TICKINT | CPU_CLOCK);
    }
}

/// One arrival after `ticks` clock ticks.
pub fn one_shot(ticks: u32, raises: u32) {
    ARRIVED.store(PHASE_NONE, Ordering::SeqCst);
    start(ONE_SHOT, ticks, raises);
}

/// An arrival every `ticks` clock ticks, and the watchdog.
pub fn periodic(ticks: u32, raises: u32) {
    STALLED.store(0, Ordering::SeqCst);
    start(PERIODIC, ticks, raises);
}

/// Per interrupt: the interrupts whose bursts its first event ends (bit i:
/// `Interrupt::ALL[i]`, lesson.toml `ends_before`).
static ENDS: [AtomicU32; 8] = [const { AtomicU32::new(0) }; 8];

/// Gives each source its `max_arrivals` for the run about to start.
pub fn refill(lesson: &crate::Lesson) {
    for ends in &ENDS {
        ends.store(0, Ordering::SeqCst);
    }
    for source in lesson.sources {
        BUDGET[source.interrupt as usize].store(source.max_arrivals, Ordering::SeqCst);
        if let Some(end) = source.ends_before {
            // Load and store: thumbv6m has no `fetch_or`, and no arrival
            // runs between runs.
            let ends = &ENDS[end as usize];
            ends.store(ends.load(Ordering::SeqCst) | 1 << source.interrupt as u32, Ordering::SeqCst);
        }
    }
    SYSTICK_BUDGET.store(lesson.systick.as_ref().map_or(0, |t| t.max_arrivals), Ordering::SeqCst);
    let dma = lesson.sources.iter().find_map(|s| s.dma);
    board::dma_reset(dma.unwrap_or(&[]));
    let mut dma_sources = 0;
    for source in lesson.sources.iter().filter(|s| s.dma.is_some()) {
        dma_sources |= 1 << source.interrupt as u32;
    }
    DMA_SOURCES.store(dma_sources, Ordering::SeqCst);
}

/// Bit i set: `Interrupt::ALL[i]` receives by DMA: its events are bytes,
/// which come only while a reception runs (`board::dma_byte`).
static DMA_SOURCES: AtomicU32 = AtomicU32::new(0);

/// Takes one event from `interrupt`'s budget; false when it is spent, or
/// while a burst it ends has events left: the free run raises a bouncing
/// button's every edge before its debounce timer (lesson.toml
/// `ends_before`), one of the runs the explorer tries.
pub fn spend(interrupt: Interrupt) -> bool {
    let ends = ENDS[interrupt as usize].load(Ordering::SeqCst);
    let burst_left =
        Interrupt::ALL.iter().any(|i| ends & (1 << *i as u32) != 0 && BUDGET[*i as usize].load(Ordering::SeqCst) != 0);
    !burst_left && take(&BUDGET[interrupt as usize])
}

fn take(budget: &AtomicU32) -> bool {
    let left = budget.load(Ordering::SeqCst);
    if left == 0 {
        return false;
    }
    budget.store(left - 1, Ordering::SeqCst);
    true
}

pub fn stop() {
    MODE.store(OFF, Ordering::SeqCst);
    // SAFETY: as in `start`.
    unsafe { syst().csr.write(0) };
    // A tick that came while interrupts were masked is still pending: it
    // must not pass for the next run's arrival.
    SCB::clear_pendst();
}

/// Starts SysTick free-running (no exception), to time a stretch of code.
pub fn start_stopwatch() {
    stop();
    let syst = syst();
    // SAFETY: as in `start`.
    unsafe {
        syst.rvr.write(MAX_RELOAD);
        syst.cvr.write(0);
        syst.csr.write(ENABLE | CPU_CLOCK);
    }
}

/// Clock ticks since `start_stopwatch`.
pub fn stopwatch() -> u32 {
    // Writing CVR clears it; the first tick reloads it with MAX_RELOAD.
    let now = syst().cvr.read();
    if now == 0 { 0 } else { MAX_RELOAD - now + 1 }
}

/// Runs exactly `4 + extra` instructions: under `-icount` this moves what
/// follows by `extra` instructions against a one-shot armed before it.
#[inline(always)]
pub fn padding(extra: u32) {
    let loops = extra / 2 + 1;
    let odd = extra % 2;
    // SAFETY: plain register arithmetic and local branches.
    unsafe {
        core::arch::asm!(
            "cmp {odd}, #0",
            "beq 2f",
            "nop",
            "2:",
            "subs {loops}, #1",
            "bne 2b",
            loops = inout(reg) loops => _,
            odd = in(reg) odd,
            options(nomem, nostack),
        );
    }
}

/// SysTick's vector: hands `tick` the exception frame of what it preempted
/// and its EXC_RETURN, so that the supervisor of a main that never returns
/// can see where thread mode is and end its run (harness/forever.rs).
/// A literal and `bx`: a Thumb-1 `b` reaches only 2 KiB on thumbv6m.
///
/// # Safety
///
/// The vector table's entry only: it reads the exception's SP and LR.
#[unsafe(naked)]
#[unsafe(no_mangle)]
unsafe extern "C" fn SysTick() {
    core::arch::naked_asm!(
        "mov r0, sp",
        "mov r1, lr",
        "ldr r2, 1f",
        "bx r2",
        ".p2align 2",
        "1:",
        ".word {tick}",
        tick = sym tick,
    );
}

/// SysTick's work. `frame` is the stacked frame of the preempted context
/// (SysTick uses the main stack, as everything here does), `exc_return`
/// says whether that context is thread mode.
extern "C" fn tick(frame: *mut u32, exc_return: u32) {
    // EXC_RETURN bit 3: back to thread mode; bit 2: on the main stack
    // (ARMv7-M B1.5.8; the same bits on ARMv6-M and ARMv8-M).
    let to_thread = exc_return & 0b1100 == 0b1000;
    if to_thread {
        crate::harness::forever::thread_ran();
    }
    let raised = generate();
    if to_thread {
        // SAFETY: `frame` is the frame the exception stacked, on the main stack.
        unsafe { crate::harness::forever::supervise(frame, raised) };
    }
}

/// Raises this tick's events and runs the watchdog; true when it raised a
/// lesson event.
fn generate() -> bool {
    let mode = MODE.load(Ordering::SeqCst);
    if mode == OFF {
        return false;
    }
    let mut raised = false;
    crate::harness::check_always();
    let raises = RAISES.load(Ordering::SeqCst);
    // Relaxed: only this handler and `refill`, between runs with SysTick
    // stopped, touch it. The tick's own time is the main's time lost on the
    // fastest generator periods (qemu-microbit), so the path for lessons
    // without DMA adds only this load.
    let dma = DMA_SOURCES.load(Ordering::Relaxed);
    for interrupt in Interrupt::ALL {
        let bit = 1 << interrupt as u32;
        // A DMA byte comes only while a reception runs; none is spent
        // meanwhile (the sender waits), as the explorer assumes.
        if raises & bit != 0 && (dma & bit == 0 || board::dma_running()) && (mode == ONE_SHOT || spend(interrupt)) {
            crate::harness::arrived();
            if dma & bit != 0 {
                board::dma_byte(interrupt);
            } else {
                board::raise(interrupt);
            }
            raised = true;
        }
    }
    if raises & SYSTICK != 0 && (mode == ONE_SHOT || take(&SYSTICK_BUDGET)) {
        crate::harness::arrived();
        raised = true;
        // The lesson's SysTick handler runs here, in this exception: before
        // the interrupts just raised, which tail-chain after it.
        crate::harness::systick_event();
    }
    if mode == ONE_SHOT {
        ARRIVED.store(PHASE.load(Ordering::SeqCst), Ordering::SeqCst);
        // The arrival is placed: from now on SysTick only watches main.
        periodic(board::GENERATOR_PERIOD, 0);
    } else {
        watchdog();
    }
    raised
}

/// Whether every source has spent its budget for this run (the free run's
/// periodic arrivals are all in).
pub fn spent() -> bool {
    BUDGET.iter().all(|b| b.load(Ordering::SeqCst) == 0) && SYSTICK_BUDGET.load(Ordering::SeqCst) == 0
}

/// A run in which main stops making progress is never left to hang. First
/// the lesson's interrupts are masked, which ends a retrigger storm (a
/// handler that never clears a level-triggered event): the run is recorded as
/// starved. If main still makes no progress (a handler spinning on a lock
/// main holds, which masking cannot stop), the run is a deadlock: the
/// firmware reports it and everything so far, and ends.
fn watchdog() {
    let progress = PROGRESS.load(Ordering::Relaxed);
    if progress != SEEN.load(Ordering::Relaxed) {
        SEEN.store(progress, Ordering::Relaxed);
        STALLED.store(0, Ordering::Relaxed);
        return;
    }
    let stalled = STALLED.load(Ordering::Relaxed) + 1;
    STALLED.store(stalled, Ordering::Relaxed);
    if stalled < WATCHDOG_LIMIT.load(Ordering::Relaxed) {
        return;
    }
    STALLED.store(0, Ordering::Relaxed);
    if !crate::harness::starve() {
        crate::harness::deadlocked();
    }
}
