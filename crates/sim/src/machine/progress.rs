//! Progress: the end of a run (finished, waiting, never finishing), the
//! properties checked there or at every step, spin and deadlock detection at
//! loop back edges, starvation, and halting.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use crate::outcome::Outcome;
use crate::program::{ContextId, ContextKind, FuncId, Local, Op, Operand, Program, PropertyWhen, SourceId, Span};
use crate::trace::StepKind;

use super::interpret::{Computed, compute};
use super::{Activation, Machine, Rec, Status, index_message, resolve};

impl Machine {
    /// Ends a run that is idle with no more events to come: a finished
    /// program is checked against its `at = "end"` properties; a thread still
    /// waiting is reported as a hang.
    pub fn finish(&mut self, program: &Program) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        if self.status != Status::Running {
            return outcomes;
        }
        for core in &self.cores {
            if !core.thread_done {
                let top = core.stack.last().expect("a core always has its thread activation");
                let span = top
                    .frames
                    .last()
                    .and_then(|f| program.function(f.func).body.get(f.pc.saturating_sub(1) as usize))
                    .map(|i| i.span.clone())
                    .unwrap_or_default();
                if top.context != core.stack[0].context {
                    // A handler spins with nothing left to release it: the
                    // thread below it never runs again.
                    let (context, by) = (core.stack[0].context, top.context);
                    outcomes.push(Outcome::Starvation { context, by, steps: core.steps_since_thread_ran, period: 0 });
                    self.status = Status::Halted;
                    return outcomes;
                }
                let waiting_on = if core.asleep && core.in_wfe {
                    "an event (WFE)".to_string()
                } else if core.asleep {
                    "an interrupt (WFI)".to_string()
                } else {
                    self.spin_target(program, top).unwrap_or_else(|| "a change".to_string())
                };
                self.status = Status::Halted;
                let events_left = (0..program.sources.len()).any(|s| self.can_arrive(program, SourceId(s as u16)));
                if events_left {
                    // An event that may still come would wake it.
                    outcomes.push(Outcome::Hang { context: top.context, span, waiting_on });
                    return outcomes;
                }
                // Every event has arrived. A main that loops forever by
                // design (`forever`) and waits in its last call is at its
                // end: its end properties are checked here. Any other main
                // never finishes its calls: a failure, with the end
                // properties checked too and the reason shown.
                if let ContextKind::Thread { calls, forever: true } = &program.context(core.stack[0].context).kind
                    && usize::from(core.call) + 1 >= calls.len()
                {
                    continue;
                }
                outcomes.push(Outcome::NeverFinishes { context: top.context, span, waiting_on });
                self.check_end_properties(program, &mut outcomes);
                return outcomes;
            }
        }
        self.status = Status::Finished;
        self.check_end_properties(program, &mut outcomes);
        outcomes
    }

    pub(super) fn check_end_properties(&self, program: &Program, outcomes: &mut Vec<Outcome>) {
        for p in &program.properties {
            if p.when == PropertyWhen::End || p.when == PropertyWhen::Always {
                self.check_property(program, p, outcomes);
            }
        }
    }

    pub(super) fn check_property(&self, program: &Program, p: &crate::program::PropertyDecl, out: &mut Vec<Outcome>) {
        match self.evaluate(program, p.func) {
            Ok(true) => {}
            Ok(false) => {
                out.push(Outcome::PropertyViolated { name: p.name.clone(), source: p.source.clone(), step: self.step })
            }
            // A property that cannot be evaluated is unknown, never false.
            Err(reason) => {
                out.push(Outcome::PropertyUnknown { name: p.name.clone(), source: p.source.clone(), reason })
            }
        }
    }

    /// Evaluates a pure function (a property) over the current memory,
    /// within `Bounds::max_property_steps`.
    pub fn evaluate(&self, program: &Program, func: FuncId) -> Result<bool, String> {
        let limit = self.bounds.max_property_steps;
        let mut frames = vec![(func, 0u32, vec![0u64; program.function(func).locals as usize], None::<Local>)];
        let mut budget = limit;
        loop {
            budget = budget.checked_sub(1).ok_or_else(|| format!("it took more than {limit} steps"))?;
            let (f, pc, locals, _) = frames.last_mut().ok_or("empty evaluation stack")?;
            let Some(instr) = program.function(*f).body.get(*pc as usize) else {
                return Err("ran past the end of the property".into());
            };
            let get = |o: &Operand, locals: &[u64]| match o {
                Operand::Const(v) => *v,
                Operand::Local(l) => locals[l.0 as usize],
            };
            *pc += 1;
            // The machine's own definition of computing and branching.
            match compute(&instr.op, locals, |p| self.probe(program, p)) {
                Computed::Set(dst, v) => {
                    locals[dst.0 as usize] = v;
                    continue;
                }
                Computed::Goto(target) => {
                    *pc = target;
                    continue;
                }
                Computed::Next => continue,
                Computed::Fail(message) => return Err(message.to_string()),
                Computed::Effect => {}
            }
            match &instr.op {
                // A property reads memory as it is at this point of the run.
                Op::Load { dst, place, .. } | Op::AtomicLoad { dst, place, .. } => {
                    let loc = resolve(place, locals).map_err(|(i, n)| index_message(i, n))?;
                    locals[dst.0 as usize] = self.memory[loc.0 as usize];
                }
                Op::Call { func, args, ret } => {
                    let callee = program.function(*func);
                    let mut new_locals = vec![0u64; callee.locals as usize];
                    for (slot, a) in new_locals.iter_mut().zip(args) {
                        *slot = get(a, locals);
                    }
                    frames.push((*func, 0, new_locals, *ret));
                }
                Op::Return { value } => {
                    let v = value.map(|v| get(&v, locals)).unwrap_or(0);
                    let (_, _, _, ret) = frames.pop().ok_or("empty evaluation stack")?;
                    match frames.last_mut() {
                        None => return Ok(v != 0),
                        Some((_, _, caller, _)) => {
                            if let Some(r) = ret {
                                caller[r.0 as usize] = v;
                            }
                        }
                    }
                }
                // A critical section around the reads (a `Mutex<Cell<_>>`
                // read through its token, as the firmware reads it): a
                // property is evaluated between two steps, indivisibly, so
                // masking changes nothing there (`Op::is_property_safe`).
                Op::ReadPrimask { dst } => locals[dst.0 as usize] = 1,
                Op::DisableInterrupts | Op::RestorePrimask { .. } => {}
                _ => return Err(format!("{}: a property can only read statics", instr.span)),
            }
        }
    }

    pub(super) fn halt(&mut self, o: Outcome, rec: &mut Rec) {
        self.status = Status::Halted;
        rec.outcome(o);
    }

    pub(super) fn check_starvation(&mut self, _program: &Program, rec: &mut Rec) {
        for core in 0..self.cores.len() {
            let c = &self.cores[core];
            if c.thread_done || c.asleep {
                continue;
            }
            if c.steps_since_thread_ran >= self.bounds.starvation_steps {
                let thread = c.stack[0].context;
                let by = c.stack.last().map_or(thread, |a| a.context);
                let steps = c.steps_since_thread_ran;
                self.halt(Outcome::Starvation { context: thread, by, steps, period: 0 }, rec);
                return;
            }
        }
    }

    /// A handler was just entered on `core` while its thread waits: if the
    /// whole state (all but the count of steps the thread has waited) is one
    /// the core was in at an earlier entry since the thread last ran, the
    /// same steps can repeat for ever and the thread never runs again
    /// (nothing returns a core to thread mode while an exception is pending
    /// above it, ARMv7-M B1.5.4 and B1.5.12; the same holds with two cores,
    /// the other core's state being part of it). That is starvation, known
    /// now rather than when the window runs out. Every outcome a run from
    /// the repeated state can reach, the run from the first one could too,
    /// a period of steps earlier: nothing is lost by stopping. The state is
    /// saved at entries 2, 4, 8, … (Brent's cycle detection), so a cycle is
    /// found within about twice its start plus its length, at the cost of
    /// one key per entry.
    ///
    /// With `later` (the caller's schedule still has choices to make) the
    /// states are saved and compared all the same, so a run replayed from
    /// a schedule stops where the explorer's did, but a repeat does not end it.
    pub(super) fn check_livelock(&mut self, core: u8, later: bool, rec: &mut Rec) {
        let ci = usize::from(core);
        // Bounded handler work (KeyHints: loop-free handlers that pend
        // nothing, edge-triggered sources) ends before any state repeats.
        if self.may_livelock & (1 << ci) == 0 {
            return;
        }
        let c = &mut self.cores[ci];
        if c.thread_done || c.asleep || c.steps_since_thread_ran == 0 {
            return;
        }
        c.entries += 1;
        if c.entries < 2 {
            return;
        }
        let mut words = Vec::new();
        self.encode_exact(&mut words, false);
        let c = &mut self.cores[ci];
        if let Some(lasso) = &c.lasso
            && !later
            && *lasso.key == *words
        {
            let period = self.step - lasso.step;
            let (context, by) = (c.stack[0].context, c.stack.last().map_or(c.stack[0].context, |a| a.context));
            let steps = c.steps_since_thread_ran;
            self.halt(Outcome::Starvation { context, by, steps, period }, rec);
            return;
        }
        if c.entries.is_power_of_two() {
            c.lasso = Some(super::Lasso { key: words.into(), step: self.step });
        }
    }

    /// A loop's back edge: if this iteration changed nothing and read the same
    /// values as the last one, the context is spinning. Returns true when the
    /// spin is a deadlock (and the run halts).
    pub(super) fn backedge(&mut self, program: &Program, core: u8, ctx: ContextId, pc: u32, rec: &mut Rec) -> bool {
        let ci = core as usize;
        let frame = self.frame(core);
        let mut h = FxHasher::default();
        pc.hash(&mut h);
        frame.locals.hash(&mut h);
        let sig = h.finish();
        let same = frame.spin_sig == Some(sig) && !frame.changed_since_backedge;
        frame.spin_sig = Some(sig);
        frame.changed_since_backedge = false;
        let reads = std::mem::take(&mut frame.reads_since_backedge);
        // An iteration that read a value another context has changed since
        // (a handler that ran after the read) is no spin: the next one can
        // see the new value and leave the loop.
        let spinning = same && reads.iter().all(|(l, v)| self.memory[l.0 as usize] == *v);
        self.cores[ci].spinning = spinning;
        if !spinning {
            return false;
        }
        rec.with(|r| r.kind = StepKind::Spin);
        // Who could end the spin? The last writer of what the loop reads. If
        // it is a context this one preempted on the same core, it cannot run
        // until this one returns: a deadlock (T15).
        let below: Vec<ContextId> = {
            let stack = &self.cores[ci].stack;
            stack[..stack.len() - 1].iter().map(|a| a.context).collect()
        };
        for (loc, _) in &reads {
            if let Some(holder) = self.last_writer[loc.0 as usize]
                && holder != ctx
                && below.contains(&holder)
            {
                let span = program.function(self.frame(core).func).body[pc as usize].span.clone();
                let waiting_on = format!("`{}`", program.location(*loc).name);
                self.halt(Outcome::Deadlock { context: ctx, span, waiting_on, holder }, rec);
                return true;
            }
        }
        self.frame(core).reads_since_backedge = reads;
        false
    }

    pub(super) fn spin_target(&self, program: &Program, act: &Activation) -> Option<String> {
        let f = act.frames.last()?;
        let (loc, _) = f.reads_since_backedge.first()?;
        Some(format!("`{}`", program.location(*loc).name))
    }

    pub(super) fn panic(&mut self, ctx: ContextId, span: Span, message: String, uninit: Option<String>, rec: &mut Rec) {
        self.halt(Outcome::Panic { context: ctx, span, message, uninit_static: uninit }, rec);
    }
}
