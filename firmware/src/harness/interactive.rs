//! Interactive mode, on the micro:bit v2 only: button B held at reset makes a
//! lesson with a GPIOTE edge source (lesson 07, the edge counter) wait for
//! presses of button A instead of running the free run or the sweep. Thread
//! mode calls the lesson's main function over and over; each press is a real
//! GPIOTE edge (and a bouncing button gives a few), landing wherever main is.
//! After each round in which the handler ran, the properties are checked,
//! the outcome is logged over RTT and the LED matrix shows a tick while every
//! press so far held, a cross from the first one that broke. No arrival
//! generator and no watchdog run (SysTick stays off). Not built for the other
//! boards, so the QEMU runs are the same as without it.

use super::{PHASE_NONE, Snapshot, begin_run, call_main, handler_runs, say_outcome, unmask_handlers, with_tally};
use crate::board::{self, Interrupt};
use crate::harness::{Lesson, Trigger};

/// Whether the lesson can take presses: a GPIOTE edge source and handler.
pub fn available(lesson: &Lesson) -> bool {
    lesson.source(Interrupt::GPIOTE).is_some_and(|s| s.trigger == Trigger::Edge)
        && lesson.handler(Interrupt::GPIOTE).is_some()
}

/// Rounds between two rows of the LED matrix: the scan costs a few
/// peripheral writes, kept out of most rounds so that main's own
/// instructions are most of the loop (where a press can land).
const ROUNDS_PER_ROW: u32 = 256;

pub fn run(lesson: &'static Lesson) -> ! {
    let snapshot = Snapshot::take(lesson.statics);
    super::header(lesson, "interactive");
    crate::say!("irqlab interactive press button A: each press is a GPIOTE edge wherever main is (reset to leave)");
    cortex_m::interrupt::free(|_| board::settle());
    unmask_handlers(lesson);
    let properties = lesson.properties.len();
    let (mut presses, mut broken, mut round, mut row) = (0u32, 0u32, 0u32, 0usize);
    begin_run(lesson, presses, false);
    loop {
        call_main(lesson);
        let edges = handler_runs()[Interrupt::GPIOTE as usize];
        if edges > 0 {
            cortex_m::interrupt::free(|_| {
                for _ in 0..edges {
                    super::arrived();
                }
                let outcome = with_tally(|tally| tally.record(lesson, presses, PHASE_NONE, false));
                if !outcome.holds(properties) {
                    broken += 1;
                }
                presses += 1;
                say_outcome(lesson, &outcome);
                crate::say!("irqlab press n={} edges={} broken={} of {}", presses, edges, broken, presses);
                // The next press is judged on its own: from the boot values.
                snapshot.restore(lesson.statics);
                begin_run(lesson, presses, false);
            });
        }
        round = round.wrapping_add(1);
        if round % ROUNDS_PER_ROW == 0 {
            row = (row + 1) % 5;
            board::light_row(row, broken == 0);
        }
    }
}
