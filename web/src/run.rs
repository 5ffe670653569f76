//! One run of a program under a schedule, stepped to its end once, so the
//! timeline can show the whole run and the cursor can move anywhere in it.
//!
//! Everything here is read from `irqlab_sim`: the trace and each step's
//! register snapshot (`StepRecord::registers`), and from the machine only
//! where each context's code is: the web crate never reimplements semantics.

use std::rc::Rc;

use irqlab_sim::{
    Bound, Bounds, ContextId, Location, Machine, Outcome, Program, Registers, Schedule, Session, StepRecord,
};

/// Where each context's code is after a number of steps: the one thing a
/// view needs that the step's register snapshot does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The source line each context on a stack is at next.
    pub positions: Vec<(ContextId, u32)>,
}

impl Frame {
    fn of(machine: &Machine, program: &Program) -> Frame {
        Frame { positions: machine.positions(program).into_iter().map(|(c, span)| (c, span.line)).collect() }
    }
}

/// What the views ask of a register snapshot (`StepRecord::registers`, the
/// simulator's one account of the NVIC, the masks and the exception stacks).
pub trait RegisterView {
    /// The context's pending bit.
    fn is_pending(&self, context: ContextId) -> bool;
    /// On a core's stack: running, or preempted, or thread mode below a handler.
    fn is_active(&self, context: ContextId) -> bool;
    /// What masks interrupts on `core`: "PRIMASK", "BASEPRI 0x40", or
    /// `None` (BASEPRI 0 masks nothing).
    fn mask_label(&self, core: u8) -> Option<String>;
}

impl RegisterView for Registers {
    fn is_pending(&self, context: ContextId) -> bool {
        self.exceptions.get(context.0 as usize).is_some_and(|e| e.pending)
    }

    fn is_active(&self, context: ContextId) -> bool {
        self.cores.iter().any(|c| c.stack.contains(&context))
    }

    fn mask_label(&self, core: u8) -> Option<String> {
        let registers = self.cores.get(core as usize)?;
        if registers.primask {
            return Some("PRIMASK".to_string());
        }
        (registers.basepri != 0).then(|| format!("BASEPRI {:#04x}", registers.basepri))
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
    /// The registers at reset; after step `n` they are `trace[n - 1].registers`.
    pub reset: Registers,
    /// Per location: the positions where its value changed, with the new value,
    /// starting with the value at reset.
    pub memory: Vec<Vec<(usize, u64)>>,
    /// Everything the run found, in order, including the checks at the end.
    pub outcomes: Vec<Outcome>,
    /// Schedule items that did not apply, each with why (an edge after the
    /// burst it belongs to ended, a reordering that is not there to take).
    pub not_applied: Vec<String>,
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
        let reset = session.machine().registers(&program);
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
        let not_applied = session
            .not_applied()
            .iter()
            .map(|(item, why)| format!("`{}`: {why}", Schedule::new(vec![*item]).to_text(&program)))
            .collect();
        Ok(Run { program, schedule, trace, frames, reset, memory, outcomes, not_applied, bound_hit })
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

    /// The registers after `position` steps (clamped to the end): the
    /// snapshot the simulator recorded with the last step taken.
    pub fn registers(&self, position: usize) -> &Registers {
        match position.min(self.len()).checked_sub(1) {
            Some(last) => &self.trace[last].registers,
            None => &self.reset,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Lesson 04 with an arrival in the middle of main's increment.
    fn run() -> Run {
        let card = crate::catalog::lessons().into_iter().find(|l| l.id == "04-lost-update").expect("lesson 04");
        let program = crate::catalog::precompiled(&card, &card.scenario).and_then(|c| c.program).expect("compiles");
        let schedule = Schedule::parse("TIMER0@2", &program).expect("a schedule");
        Run::new(program, schedule).expect("runs")
    }

    #[test]
    fn the_registers_after_each_position_are_the_machines_after_that_many_steps() {
        let run = run();
        let mut session = Session::new((*run.program).clone(), run.schedule.clone(), Bounds::default()).expect("valid");
        assert_eq!(*run.registers(0), session.machine().registers(&run.program));
        let mut taken = 0;
        while session.step() {
            if session.trace().len() > taken {
                taken = session.trace().len();
                assert_eq!(*run.registers(taken), session.machine().registers(&run.program), "after {taken} steps");
            }
        }
        assert_eq!(taken, run.len());
        assert_eq!(run.registers(run.len() + 5), run.registers(run.len()), "clamped to the end");
    }

    #[test]
    fn pending_active_and_masks_read_the_snapshot() {
        let run = run();
        let timer = ContextId(run.program.contexts.iter().position(|c| c.name == "TIMER0").expect("TIMER0") as u16);
        let pended = (0..=run.len()).find(|&p| run.registers(p).is_pending(timer)).expect("TIMER0 is pending once");
        let entered = (pended..=run.len()).find(|&p| run.registers(p).is_active(timer)).expect("then it runs");
        assert!(!run.registers(entered).is_pending(timer), "entry clears the pending bit");
        assert!(!run.registers(0).is_active(timer));
        assert!(
            run.registers(0).is_active(ContextId(0)) || run.registers(0).is_active(ContextId(1)),
            "main is on the stack"
        );
        assert_eq!(run.registers(0).mask_label(0), None, "nothing masks at reset");
        let mut masked = run.registers(0).clone();
        masked.cores[0].basepri = 0x40;
        assert_eq!(masked.mask_label(0).as_deref(), Some("BASEPRI 0x40"));
        masked.cores[0].primask = true;
        assert_eq!(masked.mask_label(0).as_deref(), Some("PRIMASK"));
        assert_eq!(masked.mask_label(7), None, "no such core");
    }
}
