//! The free run: what a real board does all day. The board's hardware timer
//! raises TIMER0 periodically and SysTick raises the other sources; thread
//! mode runs the lesson `ROUNDS` times from the same initial statics. Where
//! each arrival lands is up to the clocks, so a scenario's failure shows up
//! as a count of broken rounds, not at a chosen point (that is `sweep`).
//! Each round starts a few instructions later than the one before, so that
//! the arrivals do not lock in phase with the rounds.

use core::sync::atomic::Ordering;

use cortex_m::peripheral::SCB;

use super::{
    PHASE_NONE, Snapshot, TIMER0_IN_HARDWARE, begin_run, call_main, core1, end_run, unmask_handlers, with_tally,
};
use crate::arrival;
use crate::board::{self, Interrupt};
use crate::harness::Lesson;

pub const ROUNDS: u32 = 2000;

pub fn run(lesson: &'static Lesson) -> bool {
    let snapshot = Snapshot::take(lesson.statics);
    // The hardware timer drives TIMER0 when it has a handler to count its
    // events; a polled TIMER0 (the superloop) and every other source are
    // raised by SysTick, within their budgets.
    let hardware = lesson.source(Interrupt::TIMER0).is_some() && lesson.handler(Interrupt::TIMER0).is_some();
    let software =
        arrival::mask_of(lesson.sources.iter().map(|s| s.interrupt).filter(|i| !(hardware && *i == Interrupt::TIMER0)));
    TIMER0_IN_HARDWARE.store(hardware, Ordering::SeqCst);
    super::header(lesson, "free");
    arrival::init();
    if lesson.core1.is_some() {
        arrival::watch_two_cores();
    }
    unmask_handlers(lesson);
    let software = software | arrival::systick_of(lesson);
    cortex_m::interrupt::free(|_| arrival::periodic(board::GENERATOR_PERIOD, software));
    for round in 0..ROUNDS {
        cortex_m::interrupt::free(|_| {
            snapshot.restore(lesson.statics);
            // Each round starts with no event pending, as each of the
            // explorer's runs does: one left from the last round is dropped.
            board::settle();
            // A SysTick that came during this masked stretch would otherwise
            // raise its event the moment it ends, always before main: drop it.
            SCB::clear_pendst();
            begin_run(lesson, round, true);
            if hardware && !board::timer_running() {
                // Stopped when the last round spent TIMER0's budget.
                board::start_timer(board::TIMER_PERIOD);
            }
        });
        // Periodic arrivals and rounds of a fixed length would lock in phase
        // under -icount: shift each round's start so arrivals land all over.
        arrival::padding(round * 7 % 601);
        if lesson.core1.is_some() {
            core1::go(round);
        }
        call_main(lesson);
        if lesson.core1.is_some() {
            core1::wait(round);
        }
        // Masked, so that an arrival now counts in the next round.
        cortex_m::interrupt::free(|_| end_run(lesson, PHASE_NONE));
    }
    cortex_m::interrupt::free(|_| {
        board::stop_timer();
        arrival::stop();
    });
    with_tally(|tally| {
        tally.report(lesson);
        tally.violations == 0
    })
}
