//! Stepping a program under a schedule, forward and back: what the CLI's
//! `run` and the web page's timeline drive.
//!
//! Step back restores the nearest snapshot and replays forward, which is exact
//! because the machine is deterministic for a given schedule.

use serde::{Deserialize, Serialize};

use crate::machine::{Bounds, Choice, Machine, Status};
use crate::outcome::{Bound, Outcome};
use crate::program::{Program, ProgramError};
use crate::schedule::{Arrival, ArrivalPoint, Schedule, ScheduleItem};
use crate::trace::{StepRecord, Trace};

/// How often a snapshot is kept, in steps, at first.
const SNAPSHOT_EVERY: u64 = 64;

#[derive(Clone, Debug)]
struct Snapshot {
    machine: Machine,
    cycle_cursor: usize,
    outcomes: usize,
    trace_len: u64,
}

/// A summary of a finished or stopped run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    pub status: Status,
    pub steps: u64,
    pub cycles: u64,
    pub outcomes: Vec<Outcome>,
}

/// One program, one schedule, and the run so far.
#[derive(Clone, Debug)]
pub struct Session {
    program: Program,
    schedule: Schedule,
    bounds: Bounds,
    machine: Machine,
    trace: Trace,
    outcomes: Vec<Outcome>,
    /// Cycle-triggered arrivals, sorted by cycle, and how many were applied.
    cycle_arrivals: Vec<(u64, crate::program::SourceId)>,
    cycle_cursor: usize,
    snapshots: Vec<Snapshot>,
    snapshot_every: u64,
    max_snapshots: usize,
    /// Schedule items that could not be applied where they stand, with why.
    not_applied: Vec<(ScheduleItem, String)>,
}

impl Session {
    pub fn new(program: Program, schedule: Schedule, bounds: Bounds) -> Result<Session, ProgramError> {
        program.validate()?;
        let machine = Machine::new(&program, bounds);
        let mut cycle_arrivals: Vec<_> = schedule
            .arrivals()
            .filter_map(|a| match a.at {
                ArrivalPoint::Cycle(c) => Some((c, a.source)),
                ArrivalPoint::Step(_) => None,
            })
            .collect();
        cycle_arrivals.sort();
        let first = Snapshot { machine: machine.clone(), cycle_cursor: 0, outcomes: 0, trace_len: 0 };
        Ok(Session {
            program,
            schedule,
            bounds,
            machine,
            trace: Vec::new(),
            outcomes: Vec::new(),
            cycle_arrivals,
            cycle_cursor: 0,
            snapshots: vec![first],
            snapshot_every: SNAPSHOT_EVERY,
            max_snapshots: 1024,
            not_applied: Vec::new(),
        })
    }

    pub fn program(&self) -> &Program {
        &self.program
    }
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }
    pub fn machine(&self) -> &Machine {
        &self.machine
    }
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
    /// Every outcome so far, in the order they happened.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }
    pub fn position(&self) -> u64 {
        self.trace.len() as u64
    }
    pub fn is_done(&self) -> bool {
        self.machine.status() != Status::Running
    }

    fn choice(&mut self) -> Choice {
        let step = self.machine.step_index();
        let mut choice = Choice::default();
        let mut reorders = Vec::new();
        let mut not_applied = Vec::new();
        for item in &self.schedule.items {
            match *item {
                ScheduleItem::Arrival(a) if a.at == ArrivalPoint::Step(step) => {
                    let earlier = choice.arrivals.iter().filter(|s| **s == a.source).count() as u32;
                    match self.burst_over(a.source).or_else(|| self.no_transfer(a.source, earlier)) {
                        Some(why) => not_applied.push((*item, why)),
                        None => choice.arrivals.push(a.source),
                    }
                }
                ScheduleItem::Reorder { step: s, .. } if s == step => reorders.push(*item),
                ScheduleItem::Core { step: s, core } if s == step => choice.core = Some(core),
                ScheduleItem::WfeReturns { step: s } if s == step => choice.wfe_returns = true,
                _ => {}
            }
        }
        for (item, why) in not_applied {
            self.note_not_applied(item, why);
        }
        // Two reorderings at one step cannot both apply: one step runs one
        // instruction. Whether the one kept applies, the step says.
        for (i, item) in reorders.iter().enumerate() {
            if let ScheduleItem::Reorder { pick, .. } = *item {
                if i == 0 {
                    choice.reorder = pick;
                } else {
                    let why = format!("step {step} already has a reordering: one step runs one instruction");
                    self.note_not_applied(*item, why);
                }
            }
        }
        let now = self.machine.now();
        while let Some(&(cycle, source)) = self.cycle_arrivals.get(self.cycle_cursor) {
            if cycle > now {
                break;
            }
            let earlier = choice.arrivals.iter().filter(|s| **s == source).count() as u32;
            match self.burst_over(source).or_else(|| self.no_transfer(source, earlier)) {
                Some(why) => {
                    let item = ScheduleItem::Arrival(Arrival { source, at: ArrivalPoint::Cycle(cycle) });
                    self.note_not_applied(item, why);
                }
                None => choice.arrivals.push(source),
            }
            self.cycle_cursor += 1;
        }
        // Items for later steps may still change the run's course.
        choice.later = self.cycle_cursor < self.cycle_arrivals.len()
            || self.schedule.items.iter().any(|item| match *item {
                ScheduleItem::Arrival(Arrival { at: ArrivalPoint::Step(s), .. })
                | ScheduleItem::Reorder { step: s, .. }
                | ScheduleItem::Core { step: s, .. }
                | ScheduleItem::WfeReturns { step: s } => s > step,
                ScheduleItem::Arrival(Arrival { at: ArrivalPoint::Cycle(_), .. }) => false,
            });
        choice
    }

    /// Why an event of `source` can no longer come, if it cannot: its burst
    /// ended when the source it ends before arrived, at an earlier step
    /// (`SourceDecl::ends_before`; the same gap is one instant).
    fn burst_over(&self, source: crate::program::SourceId) -> Option<String> {
        let program = &self.program;
        let end = self.machine.burst_ended_by(program, source)?;
        Some(format!(
            "{}'s events all come before {}'s (lesson.toml `ends_before`), which has arrived",
            program.sources[source.0 as usize].name, program.sources[end.0 as usize].name
        ))
    }

    /// Why a DMA source's byte cannot come now, if it cannot: no transfer
    /// runs, or the `earlier` bytes placed at this same point fill it.
    fn no_transfer(&self, source: crate::program::SourceId, earlier: u32) -> Option<String> {
        let program = &self.program;
        program.sources[source.0 as usize].dma.as_ref()?;
        let left = self.machine.dma_bytes_left(source);
        (earlier >= left).then(|| {
            format!(
                "no DMA transfer of {} runs then: its bytes come only while one does (the sender waits)",
                program.sources[source.0 as usize].name
            )
        })
    }

    fn note_not_applied(&mut self, item: ScheduleItem, why: String) {
        if !self.not_applied.iter().any(|(i, _)| *i == item) {
            self.not_applied.push((item, why));
        }
    }

    /// Schedule items that could not be applied at their step, with why
    /// (a reordering the memory model does not allow there, say).
    pub fn not_applied(&self) -> &[(ScheduleItem, String)] {
        &self.not_applied
    }

    /// The next step at which the schedule has something, if any is left.
    fn next_item_step(&self) -> Option<u64> {
        let step = self.machine.step_index();
        self.schedule
            .items
            .iter()
            .filter_map(|i| match *i {
                ScheduleItem::Arrival(a) => match a.at {
                    ArrivalPoint::Step(s) => Some(s),
                    ArrivalPoint::Cycle(_) => None,
                },
                _ => None,
            })
            .filter(|s| *s >= step)
            .min()
    }

    /// Takes one step. Returns false when the run is over.
    pub fn step(&mut self) -> bool {
        if self.is_done() {
            return false;
        }
        if self.machine.is_idle(&self.program) {
            let cycle_left = self.cycle_cursor < self.cycle_arrivals.len();
            match self.next_item_step() {
                // Nothing can happen before the next event: skip ahead to it.
                Some(s) => self.machine.skip_to(s),
                None if cycle_left => {
                    let cycle = self.cycle_arrivals[self.cycle_cursor].0;
                    self.machine.advance_to_cycle(cycle);
                }
                None => {
                    let out = self.machine.finish(&self.program);
                    self.outcomes.extend(out);
                    return false;
                }
            }
        }
        let choice = self.choice();
        let step = self.machine.step_index();
        match self.machine.step(&self.program, &choice, true) {
            Some(stepped) => {
                if choice.reorder > 0 && !stepped.reordered {
                    let item = ScheduleItem::Reorder { step, pick: choice.reorder };
                    let why = format!(
                        "the memory model offers no access #{} to run early at step {step} (see `reorder@STEP:K` in SEMANTICS.md)",
                        choice.reorder
                    );
                    self.note_not_applied(item, why);
                }
                if choice.wfe_returns && !stepped.wfe_returned {
                    let item = ScheduleItem::WfeReturns { step };
                    let why = format!("step {step} is not a WFE that would sleep (see `wfe@STEP` in SEMANTICS.md)");
                    self.note_not_applied(item, why);
                }
                self.outcomes.extend(stepped.outcomes);
                if let Some(r) = stepped.record {
                    self.trace.push(*r);
                }
                self.maybe_snapshot();
                true
            }
            None => false,
        }
    }

    fn maybe_snapshot(&mut self) {
        let pos = self.position();
        if pos.is_multiple_of(self.snapshot_every) {
            self.snapshots.push(Snapshot {
                machine: self.machine.clone(),
                cycle_cursor: self.cycle_cursor,
                outcomes: self.outcomes.len(),
                trace_len: pos,
            });
            if self.snapshots.len() > self.max_snapshots {
                // Keep memory bounded: thin out to every other snapshot.
                let mut i = 0;
                self.snapshots.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                self.snapshot_every *= 2;
            }
        }
    }

    /// Runs until the program finishes or a bound stops it.
    pub fn run_to_end(&mut self) -> RunSummary {
        while self.step() {}
        self.summary()
    }

    /// Runs until `stop` returns true for a step just taken, or the end.
    pub fn run_until(&mut self, mut stop: impl FnMut(&StepRecord) -> bool) -> bool {
        while self.step() {
            if self.trace.last().is_some_and(&mut stop) {
                return true;
            }
        }
        false
    }

    /// Goes back one step. Returns false at step 0.
    pub fn back(&mut self) -> bool {
        let pos = self.position();
        if pos == 0 {
            return false;
        }
        self.goto(pos - 1);
        true
    }

    /// Moves to just after `target` steps (forward or back).
    pub fn goto(&mut self, target: u64) {
        if target < self.position() || self.machine.status() != Status::Running {
            // Restore the latest snapshot at or before target.
            let snap = self
                .snapshots
                .iter()
                .rev()
                .find(|s| s.trace_len <= target && s.trace_len <= self.position())
                .cloned()
                .unwrap_or_else(|| self.snapshots[0].clone());
            self.machine = snap.machine;
            self.cycle_cursor = snap.cycle_cursor;
            self.outcomes.truncate(snap.outcomes);
            self.trace.truncate(snap.trace_len as usize);
        }
        while self.position() < target && self.step() {}
    }

    pub fn summary(&self) -> RunSummary {
        RunSummary {
            status: self.machine.status(),
            steps: self.position(),
            cycles: self.machine.now(),
            outcomes: self.outcomes.clone(),
        }
    }

    /// Whether the run ended because a bound was hit, and which.
    pub fn bound_hit(&self) -> Option<Bound> {
        self.outcomes.iter().find_map(|o| match o {
            Outcome::BoundHit { bound, .. } => Some(*bound),
            _ => None,
        })
    }

    pub fn bounds(&self) -> Bounds {
        self.bounds
    }
}
