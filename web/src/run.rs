//! One run of a program under a schedule, stepped to its end once, so the
//! timeline can show the whole run and the cursor can move anywhere in it.
//!
//! Everything here is read from `irqlab_sim` (the session, its trace and the
//! machine after each step): the web crate never reimplements semantics.

use std::rc::Rc;

use irqlab_sim::{Bound, Bounds, ContextId, Location, Machine, Outcome, Program, Schedule, Session, StepRecord};

/// What the machine looked like after a number of steps, beyond the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The source line each context on a stack is at next.
    pub positions: Vec<(ContextId, u32)>,
    /// Contexts whose pending bit is set, one bit per context.
    pub pending: u32,
    /// Contexts on a core's stack (active, running or preempted), one bit per context.
    pub active: u32,
    /// PRIMASK per core.
    pub primask: Vec<bool>,
    /// Raw BASEPRI per core (0 = masks nothing).
    pub basepri: Vec<u8>,
}

impl Frame {
    fn of(machine: &Machine, program: &Program) -> Frame {
        let mut pending = 0;
        let mut active = 0;
        for (i, _) in program.contexts.iter().enumerate() {
            let state = machine.exception(ContextId(i as u16));
            if state.pending {
                pending |= 1 << i;
            }
        }
        for core in 0..program.cores {
            for c in machine.stack(core) {
                active |= 1 << c.0;
            }
        }
        Frame {
            positions: machine.positions(program).into_iter().map(|(c, span)| (c, span.line)).collect(),
            pending,
            active,
            primask: (0..program.cores).map(|c| machine.primask(c)).collect(),
            basepri: (0..program.cores).map(|c| machine.basepri(c)).collect(),
        }
    }

    pub fn is_pending(&self, context: ContextId) -> bool {
        self.pending & (1 << context.0) != 0
    }

    pub fn is_active(&self, context: ContextId) -> bool {
        self.active & (1 << context.0) != 0
    }

    /// What masks interrupts on `core`, as the machine's registers say:
    /// "PRIMASK", "BASEPRI 0x40", or `None` (BASEPRI 0 masks nothing).
    pub fn mask_label(&self, core: u8) -> Option<String> {
        if self.primask.get(core as usize) == Some(&true) {
            return Some("PRIMASK".to_string());
        }
        match self.basepri.get(core as usize) {
            Some(&b) if b != 0 => Some(format!("BASEPRI {b:#04x}")),
            _ => None,
        }
    }
}

/// A run from reset to its end (or the bound that stopped it).
#[derive(Debug)]
pub struct Run {
    pub program: Rc<Program>,
    pub schedule: Schedule,
    pub trace: Vec<StepRecord>,
    /// `frames[n]` is the machine after `n` steps; there is one more frame than steps.
    pub frames: Vec<Frame>,
    /// Per location: the positions where its value changed, with the new value,
    /// starting with the value at reset.
    pub memory: Vec<Vec<(usize, u64)>>,
    /// Everything the run found, in order, including the checks at the end.
    pub outcomes: Vec<Outcome>,
    pub bound_hit: Option<Bound>,
}

/// Runs are compared by identity: a new run is a new `Rc`.
impl PartialEq for Run {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Run {
    pub fn new(program: Rc<Program>, schedule: Schedule) -> Result<Run, String> {
        let mut session =
            Session::new((*program).clone(), schedule.clone(), Bounds::default()).map_err(|e| e.to_string())?;
        let locations = program.locations.len();
        let mut frames = vec![Frame::of(session.machine(), &program)];
        let mut memory: Vec<Vec<(usize, u64)>> =
            (0..locations).map(|l| vec![(0, session.machine().value(Location(l as u32)))]).collect();
        while session.step() {
            let position = session.trace().len();
            if position < frames.len() {
                // The step left no record (nothing to draw).
                continue;
            }
            frames.push(Frame::of(session.machine(), &program));
            for (l, changes) in memory.iter_mut().enumerate() {
                let value = session.machine().value(Location(l as u32));
                if changes.last().is_some_and(|&(_, v)| v != value) {
                    changes.push((position, value));
                }
            }
        }
        let trace = session.trace().clone();
        let outcomes = session.outcomes().to_vec();
        let bound_hit = session.bound_hit();
        Ok(Run { program, schedule, trace, frames, memory, outcomes, bound_hit })
    }

    /// The number of steps of the whole run.
    pub fn len(&self) -> usize {
        self.trace.len()
    }

    pub fn is_empty(&self) -> bool {
        self.trace.is_empty()
    }

    /// The frame after `position` steps (clamped to the end).
    pub fn frame(&self, position: usize) -> &Frame {
        &self.frames[position.min(self.frames.len() - 1)]
    }

    /// The value of a location after `position` steps.
    pub fn value_at(&self, location: usize, position: usize) -> u64 {
        let changes = &self.memory[location];
        let i = changes.partition_point(|&(p, _)| p <= position);
        changes[i.saturating_sub(1)].1
    }

    /// The global step index (as a schedule names it) of the step taken at
    /// `position`: an arrival `NAME@index` lands just before it.
    pub fn step_index_at(&self, position: usize) -> u64 {
        match self.trace.get(position) {
            Some(record) => record.index,
            None => self.trace.last().map_or(0, |r| r.index + 1),
        }
    }

    /// The position (steps taken) just before the step with global `index`.
    pub fn position_of_index(&self, index: u64) -> usize {
        self.trace.partition_point(|r| r.index < index)
    }

    /// The cycle at which the step at `position` starts (the end cycle for the end).
    pub fn cycle_at(&self, position: usize) -> u64 {
        match self.trace.get(position) {
            Some(record) => record.cycle,
            None => self.trace.last().map_or(0, |r| r.cycle + u64::from(r.cycles)),
        }
    }

    /// Outcomes recorded on or before the step at `position` (the final checks
    /// count once the cursor is at the end).
    pub fn outcomes_until(&self, position: usize) -> Vec<&Outcome> {
        if position >= self.len() {
            return self.outcomes.iter().collect();
        }
        self.trace[..position]
            .iter()
            .flat_map(|r| &r.events)
            .filter_map(|e| match e {
                irqlab_sim::Event::Outcome(o) => Some(o),
                _ => None,
            })
            .collect()
    }
}
