//! The distinct outcomes of many runs, each with how often it happened and
//! the first run (or arrival offset) that produced it: the firmware's answer
//! to the explorer's outcome histogram.

use super::lesson::{Lesson, MAX_PROPERTIES, MAX_STATICS, Value};
use crate::line::say_parts;
use crate::put;

#[derive(Clone, Copy)]
pub struct Outcome {
    pub values: [Option<Value>; MAX_STATICS],
    pub holds: [bool; MAX_PROPERTIES],
    /// How many runs ended this way.
    pub runs: u32,
    /// The first run (or arrival offset) that ended this way.
    pub first: u32,
    /// Where thread mode was when the first such run's event arrived.
    pub phase: u32,
    /// Main stopped making progress until the watchdog masked the lesson's
    /// interrupts (a retrigger storm): a failure of its own.
    pub starved: bool,
    /// The run never ended: a handler waits for a context it preempted.
    pub deadlock: bool,
}

impl Outcome {
    pub fn holds(&self, properties: usize) -> bool {
        !self.starved && !self.deadlock && self.holds[..properties].iter().all(|h| *h)
    }
}

const CAPACITY: usize = 24;

pub struct Tally {
    outcomes: [Option<Outcome>; CAPACITY],
    /// Runs whose outcome did not fit in the table (reported, never hidden).
    pub untallied: u32,
    pub runs: u32,
    pub violations: u32,
    /// Events that arrived, over every run.
    pub arrivals: u32,
    /// Runs of each lesson handler over every run (`super::handler_runs`).
    pub handled: [u32; 9],
}

impl Tally {
    pub const fn new() -> Tally {
        Tally { outcomes: [None; CAPACITY], untallied: 0, runs: 0, violations: 0, arrivals: 0, handled: [0; 9] }
    }

    /// Records the state the lesson is in now as the end of run `index`
    /// (`deadlock`: where it stopped for good).
    pub fn record(&mut self, lesson: &Lesson, index: u32, phase: u32, deadlock: bool) -> Outcome {
        let (values, holds) = lesson.observe();
        // A deadlock starves main too; it is the deadlock that tells.
        let starved = !deadlock && super::starved();
        let outcome = Outcome { values, holds, runs: 1, first: index, phase, starved, deadlock };
        self.runs += 1;
        self.arrivals += super::arrivals();
        for (total, runs) in self.handled.iter_mut().zip(super::handler_runs()) {
            *total += runs;
        }
        if !outcome.holds(lesson.properties.len()) {
            self.violations += 1;
        }
        let same = |o: &&mut Option<Outcome>| {
            o.is_some_and(|o| o.values == values && o.holds == holds && o.starved == starved && o.deadlock == deadlock)
        };
        // The mutant keeps one outcome only (harness/mutant.rs).
        let capacity = if super::mutant::is(super::mutant::ONE_OUTCOME) { 1 } else { CAPACITY };
        if let Some(Some(known)) = self.outcomes.iter_mut().find(same) {
            known.runs += 1;
        } else if let Some(free) = self.outcomes[..capacity].iter_mut().find(|o| o.is_none()) {
            *free = Some(outcome);
        } else {
            self.untallied += 1;
        }
        outcome
    }

    pub fn outcomes(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().flatten()
    }

    /// The first offset whose run broke a property, if any.
    pub fn first_violation(&self, lesson: &Lesson) -> Option<u32> {
        self.outcomes().filter(|o| !o.holds(lesson.properties.len())).map(|o| o.first).min()
    }

    /// `irqlab outcome ...` lines, each handler's runs, then the totals.
    pub fn report(&self, lesson: &Lesson) {
        for outcome in self.outcomes() {
            say_outcome(lesson, outcome);
        }
        say_parts(|out| {
            put!(out, "irqlab handled");
            for handler in lesson.handlers {
                put!(out, " {}={}", handler.interrupt.name(), self.handled[handler.interrupt as usize]);
            }
            if lesson.systick.is_some() {
                put!(out, " SysTick={}", self.handled[super::SYSTICK_RUNS]);
            }
        });
        crate::say!(
            "irqlab total runs={} violations={} arrivals={} outcomes={} untallied={}",
            self.runs,
            self.violations,
            self.arrivals,
            self.outcomes().count(),
            self.untallied
        );
    }
}

impl Default for Tally {
    fn default() -> Tally {
        Tally::new()
    }
}

/// Says `irqlab outcome COUNT=4 TICKS=1 holds=y runs=57 first=0 arrival=after`.
pub fn say_outcome(lesson: &Lesson, outcome: &Outcome) {
    say_parts(|out| {
        put!(out, "irqlab outcome");
        let reported = lesson.statics.iter().filter(|w| w.read.is_some());
        for (watch, value) in reported.zip(outcome.values.iter().flatten()) {
            put!(out, " {}={}", watch.name, value);
        }
        put!(out, " holds=");
        for holds in &outcome.holds[..lesson.properties.len()] {
            put!(out, "{}", if *holds { "y" } else { "n" });
        }
        if outcome.starved {
            put!(out, " starved=y");
        }
        if outcome.deadlock {
            put!(out, " deadlock=y");
        }
        put!(out, " runs={} first={} arrival=", outcome.runs, outcome.first);
        match outcome.phase {
            super::PHASE_BEFORE => put!(out, "before"),
            super::PHASE_DONE => put!(out, "after"),
            super::PHASE_NONE => put!(out, "none"),
            call => put!(out, "call{}", call),
        }
    });
}
