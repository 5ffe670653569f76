//! The sweep and the replay: the explorer's "every arrival point", on the
//! board. Each run arms a one-shot arrival a fixed number of ticks ahead,
//! then delays the start of main by `offset` instructions, so the arrival
//! lands one instruction earlier in main's run for each step of `offset`.
//! Under QEMU's `-icount` the clock is the instruction count, so the runs
//! are exact and repeatable: offset 0 lands after main is done, the last
//! offset lands before main starts, and every instruction boundary in
//! between is tried once.
//!
//! Replay runs one offset only: the one given on the semihosting command
//! line (`at=N`) or at build time (`IRQLAB_REPLAY_AT=N`).

use core::sync::atomic::Ordering;

use super::{
    PHASE_BEFORE, PHASE_DONE, PHASE_NONE, Snapshot, begin_run, call_main, end_run, unmask_handlers, with_tally,
};
use crate::arrival::{self, ARRIVED};
use crate::board;
use crate::harness::{Lesson, say_outcome};

/// The most offsets one sweep tries (a bound, reported when hit).
const MAX_OFFSETS: u32 = 20_000;

pub fn run(lesson: &'static Lesson) -> bool {
    let snapshot = Snapshot::take(lesson.statics);
    arrival::init();
    unmask_handlers(lesson);
    let replay_at = board::argument("at");
    super::header(lesson, if replay_at.is_some() { "replay" } else { "sweep" });

    // How long one run takes, then a one-shot far enough ahead that at
    // offset 0 it lands after main is done.
    let length = one_run(lesson, &snapshot, None, 0, false);
    let mut ahead = length + 2;
    while one_run(lesson, &snapshot, Some(ahead), 0, false) != PHASE_DONE {
        ahead *= 2;
    }
    crate::say!("irqlab sweep ticks={} length={}", ahead, length);

    if let Some(offset) = replay_at {
        let phase = one_run(lesson, &snapshot, Some(ahead), offset, true);
        return with_tally(|tally| {
            if let Some(outcome) = tally.outcomes().next() {
                say_outcome(lesson, outcome);
            }
            crate::say!("irqlab replay at={} arrival_phase={}", offset, phase);
            tally.violations == 0
        });
    }
    // `from=N` goes on with a sweep that a deadlock ended at offset N - 1.
    let mut offset = board::argument("from").unwrap_or(0);
    loop {
        let phase = one_run(lesson, &snapshot, Some(ahead), offset, true);
        if phase == PHASE_BEFORE || phase == PHASE_NONE {
            break;
        }
        offset += 1;
        if offset == MAX_OFFSETS {
            crate::say!("irqlab bound offsets={} hit before the arrival reached the start of main", MAX_OFFSETS);
            break;
        }
    }
    with_tally(|tally| {
        tally.report(lesson);
        if let Some(first) = tally.first_violation(lesson) {
            crate::say!("irqlab counterexample at={}", first);
        }
        tally.violations == 0
    })
}

/// One run from the initial statics, the arrival `ahead` ticks after arming
/// with main delayed by `offset` instructions, tallied when `counted`.
/// Returns where thread mode was when the event arrived; with no arrival
/// (`ahead` None), the ticks from arming to the end of main instead.
fn one_run(lesson: &Lesson, snapshot: &Snapshot, ahead: Option<u32>, offset: u32, counted: bool) -> u32 {
    cortex_m::interrupt::free(|_| {
        snapshot.restore(lesson.statics);
        board::settle();
        begin_run(lesson, offset, counted);
        match ahead {
            Some(ticks) => arrival::one_shot(
                ticks,
                arrival::mask_of(lesson.sources.iter().map(|s| s.interrupt)) | arrival::systick_of(lesson),
            ),
            None => {
                ARRIVED.store(PHASE_NONE, Ordering::SeqCst);
                arrival::start_stopwatch();
            }
        }
    });
    arrival::padding(offset);
    call_main(lesson);
    if ahead.is_none() {
        let ticks = arrival::stopwatch();
        arrival::stop();
        return ticks;
    }
    // Wait for an arrival that lands after main is done.
    while ARRIVED.load(Ordering::SeqCst) == PHASE_NONE {}
    let phase = ARRIVED.load(Ordering::SeqCst);
    cortex_m::interrupt::free(|_| {
        arrival::stop();
        end_run(lesson, phase);
    });
    phase
}
