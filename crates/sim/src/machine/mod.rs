//! The machine: one or two Cortex-M cores stepping a validated `Program`.
//!
//! Every `step` is one indivisible action: an instruction, the stacking of an
//! exception entry, an exception return (or tail-chain), or a sleep/spin step.
//! External events are applied just before a step, so "an arrival point" is
//! the gap between two steps. The machine holds no reference to the program
//! and no trace, so it is cheap to clone and to hash for the explorer.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;
use serde::{Deserialize, Serialize};

use crate::nvic::{self, Candidate, ExceptionState};
use crate::outcome::{Bound, LostReason, Outcome, RaceAccess};
use crate::program::{
    CheckKind, ContextId, ContextKind, EventCount, FuncId, Local, Location, LocationKind, NvicOp, Op, Operand,
    Ordering, Place, Program, PropertyWhen, RmwOp, SourceId, Span, Trigger,
};
use crate::race::{AccessRef, History, VectorClock};
use crate::reorder::{self, EarlyAccess, Speculated};

mod key;
use crate::trace::{CoreRegisters, Event, Read, Registers, StepKind, StepRecord, Write};
use crate::value::{self, Ty};
pub use key::StateKey;

/// Limits of one run. Each one, when hit, ends the run with `Outcome::BoundHit`
/// or, for the starvation window, `Outcome::Starvation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounds {
    pub max_steps: u64,
    pub max_cycles: u64,
    /// A thread that is not done and does not execute for this many steps
    /// is starved.
    pub starvation_steps: u64,
    /// Nested calls within one context.
    pub max_call_depth: u16,
    /// Steps one evaluation of a property may take; past it the property
    /// is unknown (`Outcome::PropertyUnknown`), never false.
    #[serde(default = "default_property_steps")]
    pub max_property_steps: u64,
}

fn default_property_steps() -> u64 {
    1_000_000
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            max_steps: 100_000,
            max_cycles: 50_000_000,
            starvation_steps: 2_000,
            max_call_depth: 64,
            max_property_steps: default_property_steps(),
        }
    }
}

/// The external choices for one step (the explorer enumerates them; a
/// `Session` derives them from a `Schedule`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Choice {
    /// Sources whose event arrives just before this step.
    pub arrivals: Vec<SourceId>,
    /// Which core steps (two-core programs); `None` takes the core that is
    /// furthest behind in cycles.
    pub core: Option<u8>,
    /// 0: the next instruction in program order. k > 0: the k-th access
    /// the compiler may run early instead (`Machine::reorder_options`).
    pub reorder: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Running,
    /// Every thread finished and nothing is left to run.
    Finished,
    /// A panic, deadlock, starvation or bound stopped the run.
    Halted,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Frame {
    func: FuncId,
    pc: u32,
    locals: Vec<u64>,
    ret: Option<Local>,
    /// Instructions past `pc` that already ran early (compiler reordering,
    /// `reorder.rs`); `pc` skips them when it reaches them.
    ahead: Vec<u32>,
    /// Loads read early across a branch, waiting to be used.
    speculated: Vec<Speculated>,
    /// The low half of a 64-bit access in progress.
    half: Option<u64>,
    /// The signature of the last loop iteration, to notice spinning.
    spin_sig: Option<u64>,
    changed_since_backedge: bool,
    reads_since_backedge: Vec<Location>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Activation {
    context: ContextId,
    frames: Vec<Frame>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Entering {
    /// The exception whose entry started the stacking.
    candidate: ContextId,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Core {
    stack: Vec<Activation>,
    primask: bool,
    basepri: u8,
    entering: Option<Entering>,
    asleep: bool,
    spinning: bool,
    /// Thread mode: index of the current call and iterations done of it.
    call: u16,
    iterations: u32,
    thread_done: bool,
    steps_since_thread_ran: u64,
    cycles: u64,
    /// Everything this core's contexts published at release points.
    released: VectorClock,
}

/// A source's events so far, for the `EventCount` properties.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
struct EventCounts {
    handled: u32,
    lost: u32,
    /// The cycle its pending event arrived, until its handler is entered.
    pending_since: Option<u64>,
    max_latency: u64,
}

/// The full state of the machine. Cloning it is a snapshot.
#[derive(Clone, Debug)]
pub struct Machine {
    cores: Vec<Core>,
    memory: Vec<u64>,
    last_writer: Vec<Option<ContextId>>,
    exceptions: Vec<ExceptionState>,
    flags: Vec<bool>,
    locks: Vec<(u8, ContextId)>,
    lock_clocks: Vec<(u8, VectorClock)>,
    clocks: Vec<VectorClock>,
    histories: Vec<History>,
    /// Release clocks of atomics, for synchronization across cores.
    atomic_clocks: Vec<VectorClock>,
    arrivals: Vec<u32>,
    /// What happened to each source's events, kept only when a property
    /// reads them (`events`), so other programs' states merge as before.
    events: Vec<EventCounts>,
    track_events: bool,
    step: u64,
    status: Status,
    reported_races: Vec<Location>,
    bounds: Bounds,
    /// Locations two or more contexts can touch: only they can race, so
    /// only they carry an access history.
    contended: std::sync::Arc<[bool]>,
}

/// What one step produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stepped {
    pub record: Option<Box<StepRecord>>,
    pub outcomes: Vec<Outcome>,
    /// Whether the step ran an instruction early as `Choice::reorder` asked.
    pub reordered: bool,
}

/// Collects what a step did, when a trace is wanted.
struct Rec {
    on: bool,
    record: Option<Box<StepRecord>>,
    outcomes: Vec<Outcome>,
    reordered: bool,
}

impl Rec {
    fn new(on: bool, index: u64) -> Rec {
        Rec { on, record: on.then(|| Box::new(empty_record(index))), outcomes: Vec::new(), reordered: false }
    }
    /// Fills in the record, when one is kept.
    fn with(&mut self, f: impl FnOnce(&mut StepRecord)) {
        if let Some(r) = self.record.as_deref_mut() {
            f(r);
        }
    }
    fn event(&mut self, e: impl FnOnce() -> Event) {
        if let Some(r) = self.record.as_deref_mut() {
            r.events.push(e());
        }
    }
    fn outcome(&mut self, o: Outcome) {
        if let Some(r) = self.record.as_deref_mut() {
            r.events.push(Event::Outcome(o.clone()));
        }
        self.outcomes.push(o);
    }
}

/// Why executing an instruction stopped the step early.
enum Flow {
    Next,
    Halt,
}

impl Machine {
    /// A machine at reset: statics initialized, thread mode about to call its
    /// first function on every core, handlers enabled as declared. The
    /// program must have passed `Program::validate`.
    pub fn new(program: &Program, bounds: Bounds) -> Machine {
        let exceptions = program
            .contexts
            .iter()
            .map(|c| match c.kind {
                ContextKind::Handler { priority, enabled, .. } => {
                    ExceptionState { enabled, pending: false, active: false, priority }
                }
                ContextKind::Thread { .. } => ExceptionState::default(),
            })
            .collect();
        let mut clocks = vec![VectorClock::default(); program.contexts.len()];
        for (i, c) in clocks.iter_mut().enumerate() {
            c.0[i] = 1;
        }
        let mut m = Machine {
            cores: Vec::new(),
            memory: program.locations.iter().map(|l| l.init).collect(),
            last_writer: vec![None; program.locations.len()],
            exceptions,
            flags: vec![false; program.sources.len()],
            locks: Vec::new(),
            lock_clocks: Vec::new(),
            clocks,
            histories: vec![History::default(); program.locations.len()],
            atomic_clocks: if program.cores > 1 {
                vec![VectorClock::default(); program.locations.len()]
            } else {
                Vec::new()
            },
            arrivals: vec![0; program.sources.len()],
            events: vec![EventCounts::default(); program.sources.len()],
            track_events: program.functions.iter().flat_map(|f| &f.body).any(|i| matches!(i.op, Op::EventCount { .. })),
            step: 0,
            status: Status::Running,
            reported_races: Vec::new(),
            bounds,
            contended: program.accessors().iter().map(|u| u.count_ones() >= 2).collect(),
        };
        for core in 0..program.cores {
            let thread = program.thread_of(core).unwrap_or(ContextId(0));
            let mut c = Core {
                stack: vec![Activation { context: thread, frames: Vec::new() }],
                primask: false,
                basepri: 0,
                entering: None,
                asleep: false,
                spinning: false,
                call: 0,
                iterations: 0,
                thread_done: false,
                steps_since_thread_ran: 0,
                cycles: 0,
                released: VectorClock::default(),
            };
            m.start_next_call(program, &mut c);
            m.cores.push(c);
        }
        m
    }

    pub fn status(&self) -> Status {
        self.status
    }
    pub fn step_index(&self) -> u64 {
        self.step
    }
    pub fn bounds(&self) -> Bounds {
        self.bounds
    }
    pub fn cycles(&self, core: u8) -> u64 {
        self.cores.get(core as usize).map_or(0, |c| c.cycles)
    }
    /// The latest cycle any core has reached.
    pub fn now(&self) -> u64 {
        self.cores.iter().map(|c| c.cycles).max().unwrap_or(0)
    }
    pub fn value(&self, loc: Location) -> u64 {
        self.memory[loc.0 as usize]
    }
    pub fn memory(&self) -> &[u64] {
        &self.memory
    }
    pub fn exception(&self, context: ContextId) -> ExceptionState {
        self.exceptions[context.0 as usize]
    }
    pub fn flag(&self, source: SourceId) -> bool {
        self.flags[source.0 as usize]
    }
    pub fn primask(&self, core: u8) -> bool {
        self.cores[core as usize].primask
    }
    pub fn basepri(&self, core: u8) -> u8 {
        self.cores[core as usize].basepri
    }
    /// How many events of each source have arrived so far.
    pub fn arrivals(&self) -> &[u32] {
        &self.arrivals
    }
    /// The contexts on a core's stack, thread mode first.
    pub fn stack(&self, core: u8) -> Vec<ContextId> {
        self.cores[core as usize].stack.iter().map(|a| a.context).collect()
    }
    /// The source line each context is on (top frame), for the code view.
    pub fn positions(&self, program: &Program) -> Vec<(ContextId, Span)> {
        let mut out = Vec::new();
        for core in &self.cores {
            for act in &core.stack {
                if let Some(f) = act.frames.last()
                    && let Some(i) = program.function(f.func).body.get(f.pc as usize)
                {
                    out.push((act.context, i.span.clone()));
                }
            }
        }
        out
    }

    /// The registers a view shows (`StepRecord::registers`).
    pub fn registers(&self, program: &Program) -> Registers {
        let bits = program.target.priority_bits();
        let cores = (0..self.cores.len() as u8)
            .map(|core| {
                let c = &self.cores[core as usize];
                CoreRegisters {
                    primask: c.primask,
                    basepri: c.basepri,
                    basepri_level: nvic::basepri_level(c.basepri, bits),
                    execution_priority: self.execution_priority(program, core),
                    stack: c.stack.iter().map(|a| a.context).collect(),
                }
            })
            .collect();
        Registers { cores, exceptions: self.exceptions.clone() }
    }

    /// The machine's execution priority on `core` (ARMv7-M B1.5.4).
    pub fn execution_priority(&self, program: &Program, core: u8) -> i16 {
        let c = &self.cores[core as usize];
        nvic::execution_priority(
            c.stack[1..].iter().map(|a| self.exceptions[a.context.0 as usize].priority),
            c.primask,
            nvic::basepri_level(c.basepri, program.target.priority_bits()),
        )
    }

    /// How many accesses the compiler may run now on the core that would
    /// step next, instead of its next instruction in program order
    /// (`reorder::early_accesses`): a `Choice::reorder` of 1..=n picks one.
    pub fn reorder_options(&self, program: &Program, core: Option<u8>) -> usize {
        let core = core.unwrap_or_else(|| self.default_core(program));
        self.early_accesses(program, core).len()
    }

    /// Whether some reordering may be taken now.
    pub fn can_reorder(&self, program: &Program, core: Option<u8>) -> bool {
        self.reorder_options(program, core) > 0
    }

    /// Whether no core can make progress without a new event: every thread
    /// is done, asleep in WFI or spinning, and no handler can be taken.
    pub fn is_idle(&self, program: &Program) -> bool {
        (0..self.cores.len() as u8).all(|core| {
            let c = &self.cores[core as usize];
            // A core asleep in WFI with PRIMASK set still wakes on an
            // interrupt that PRIMASK alone masks (ARMv7-M B1.5.19): it is not
            // idle while one is pending.
            let waiting = c.stack.len() == 1 && (c.thread_done || (c.asleep && !self.would_wake(program, core)));
            (waiting || c.spinning) && c.entering.is_none() && self.next_exception(program, core).is_none()
        })
    }

    /// Moves the step counter forward while the machine is idle, so that
    /// the next step is `step` (a schedule's next arrival).
    pub fn skip_to(&mut self, step: u64) {
        self.step = self.step.max(step);
    }

    /// Lets idle cores' clocks run forward to `cycle`.
    pub fn advance_to_cycle(&mut self, cycle: u64) {
        for c in &mut self.cores {
            c.cycles = c.cycles.max(cycle);
        }
    }

    /// An external event arrives now, between steps (the explorer's way of
    /// placing an arrival; a `Session` passes arrivals in `Choice`).
    pub fn arrive_now(&mut self, program: &Program, source: SourceId) -> Vec<Outcome> {
        let mut rec = Rec::new(false, self.step);
        self.arrive(program, source, &mut rec);
        self.update_level_lines(program, &mut rec);
        rec.outcomes
    }

    /// The core that steps next when no core is chosen.
    pub fn next_core(&self, program: &Program) -> u8 {
        self.default_core(program)
    }

    /// The cores that have something to do now.
    pub fn runnable_cores(&self, program: &Program) -> Vec<u8> {
        (0..self.cores.len() as u8).filter(|c| self.core_can_step(program, *c)).collect()
    }

    /// Whether the next step of `core` would only spin on a hardware
    /// spinlock that a context of another core holds (RP2040 datasheet
    /// 2.3.1.3: a read of SPINLOCKn returns 0 while it is claimed, and
    /// claims nothing). Such a step changes nothing but time, so the
    /// explorer lets the other cores run instead of trying it.
    pub fn blocked_on_lock(&self, program: &Program, core: u8) -> bool {
        let c = &self.cores[core as usize];
        if c.entering.is_some() || self.next_exception(program, core).is_some() {
            return false;
        }
        let Some(act) = c.stack.last() else { return false };
        if c.stack.len() == 1 && (c.asleep || c.thread_done) {
            return false;
        }
        let Some(frame) = act.frames.last() else { return false };
        if frame.half.is_some() {
            return false;
        }
        let Some(instr) = program.function(frame.func).body.get(frame.pc as usize) else { return false };
        let Op::SpinlockAcquire { lock, .. } = &instr.op else { return false };
        self.locks.iter().any(|(l, holder)| l == lock && program.context(*holder).core != core)
    }

    /// Whether the next step of `core` is an instruction that touches no
    /// shared state a handler could touch (locals, nops, busy work, jumps,
    /// or a memory access to a location `shared` marks false). An arrival
    /// just before such a step and one just after it lead to the same
    /// state, so the explorer tries only one of them.
    pub fn next_step_is_local(&self, program: &Program, core: u8, shared: &[bool]) -> bool {
        let c = &self.cores[core as usize];
        if c.entering.is_some() || c.asleep || c.thread_done || self.next_exception(program, core).is_some() {
            return false;
        }
        let Some(act) = c.stack.last() else { return false };
        let Some(frame) = act.frames.last() else { return false };
        if frame.half.is_some() || !frame.speculated.is_empty() {
            return false;
        }
        let Some(instr) = program.function(frame.func).body.get(frame.pc as usize) else { return false };
        let touches_shared = |place: &Place| -> bool {
            match place.index {
                None => shared[place.base.0 as usize],
                Some(ix) => (0..ix.len).any(|i| shared[(place.base.0 + i * ix.stride) as usize]),
            }
        };
        match &instr.op {
            Op::Move { .. }
            | Op::Unary { .. }
            | Op::Nop { .. }
            | Op::Busy { .. }
            | Op::Jump { .. }
            | Op::Branch { .. }
            | Op::Call { .. } => true,
            // A division can panic; keep it visible.
            Op::Binary { op, .. } => !matches!(op, crate::value::BinOp::Div | crate::value::BinOp::Rem),
            Op::Load { place, .. } | Op::Store { place, .. } => {
                !touches_shared(place) && !program.location(place.base).ty.is_wide() && place.index.is_none()
            }
            _ => false,
        }
    }

    /// Whether a thread of some core has not finished yet.
    pub fn threads_done(&self) -> bool {
        self.cores.iter().all(|c| c.thread_done)
    }

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
                    outcomes.push(Outcome::Starvation { context, by, steps: core.steps_since_thread_ran });
                    self.status = Status::Halted;
                    return outcomes;
                }
                let waiting_on = if core.asleep {
                    "an interrupt (WFI)".to_string()
                } else {
                    self.spin_target(program, top).unwrap_or_else(|| "a change".to_string())
                };
                self.status = Status::Halted;
                let events_left = program.sources.iter().zip(&self.arrivals).any(|(s, n)| *n < s.max_arrivals);
                if events_left {
                    // An event that may still come would wake it.
                    outcomes.push(Outcome::Hang { context: top.context, span, waiting_on });
                    return outcomes;
                }
                // Every event has arrived: main never finishes its calls. The
                // end properties are checked here too, with the reason shown.
                outcomes.push(Outcome::NeverFinishes { context: top.context, span, waiting_on });
                self.check_end_properties(program, &mut outcomes);
                return outcomes;
            }
        }
        self.status = Status::Finished;
        self.check_end_properties(program, &mut outcomes);
        outcomes
    }

    fn check_end_properties(&self, program: &Program, outcomes: &mut Vec<Outcome>) {
        for p in &program.properties {
            if p.when == PropertyWhen::End || p.when == PropertyWhen::Always {
                self.check_property(program, p, outcomes);
            }
        }
    }

    fn check_property(&self, program: &Program, p: &crate::program::PropertyDecl, out: &mut Vec<Outcome>) {
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
            match &instr.op {
                Op::Move { dst, src } => locals[dst.0 as usize] = get(src, locals),
                Op::Unary { op, ty, dst, src } => locals[dst.0 as usize] = value::unary(*op, *ty, get(src, locals)),
                Op::Binary { op, ty, dst, lhs, rhs } => {
                    locals[dst.0 as usize] =
                        value::binary(*op, *ty, get(lhs, locals), get(rhs, locals)).map_err(str::to_string)?
                }
                Op::Load { dst, place, .. } | Op::AtomicLoad { dst, place, .. } => {
                    let loc = resolve(place, locals).map_err(|(i, n)| index_message(i, n))?;
                    locals[dst.0 as usize] = self.memory[loc.0 as usize];
                }
                Op::Jump { target } => *pc = *target,
                Op::Branch { cond, then_target, else_target } => {
                    *pc = if get(cond, locals) != 0 { *then_target } else { *else_target }
                }
                Op::EventCount { dst, source, count } => locals[dst.0 as usize] = self.event_count(*source, *count),
                Op::Nop { .. } => {}
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
                _ => return Err(format!("{}: a property can only read statics", instr.span)),
            }
        }
    }

    /// A source's counter (`Op::EventCount`).
    pub fn event_count(&self, source: SourceId, count: EventCount) -> u64 {
        let e = &self.events[source.0 as usize];
        match count {
            EventCount::Arrivals => u64::from(self.arrivals[source.0 as usize]),
            EventCount::Handled => u64::from(e.handled),
            EventCount::Lost => u64::from(e.lost),
            // A u32 in the property, like the other counters.
            EventCount::MaxLatency => e.max_latency.min(u64::from(u32::MAX)),
        }
    }

    /// An event of `source` pended its handler now (latency starts).
    fn note_pended(&mut self, program: &Program, source: usize) {
        if self.track_events {
            let core = program.sources[source].handler.map_or(0, |h| program.context(h).core);
            let now = self.cores.get(core as usize).map_or(0, |c| c.cycles);
            self.events[source].pending_since.get_or_insert(now);
        }
    }

    fn default_core(&self, program: &Program) -> u8 {
        let mut best: Option<(u64, u8)> = None;
        for core in 0..self.cores.len() as u8 {
            if self.core_can_step(program, core) {
                let key = (self.cores[core as usize].cycles, core);
                if best.is_none_or(|b| key < b) {
                    best = Some(key);
                }
            }
        }
        best.map_or(0, |(_, c)| c)
    }

    fn core_can_step(&self, program: &Program, core: u8) -> bool {
        let c = &self.cores[core as usize];
        c.entering.is_some()
            || c.stack.len() > 1
            || (!c.thread_done && (!c.asleep || self.would_wake(program, core)))
            || self.next_exception(program, core).is_some()
    }

    /// The exception the NVIC would take now on `core`, if any preempts.
    fn next_exception(&self, program: &Program, core: u8) -> Option<ContextId> {
        if !self.exceptions.iter().any(|e| e.pending) {
            return None;
        }
        let exec = self.execution_priority(program, core);
        self.best_pending(program, core).filter(|c| nvic::preempts(c.priority, exec)).map(|c| ContextId(c.index as u16))
    }

    fn best_pending(&self, program: &Program, core: u8) -> Option<Candidate> {
        nvic::select(program.contexts.iter().enumerate().filter_map(|(i, ctx)| {
            let ContextKind::Handler { exception, .. } = ctx.kind else {
                return None;
            };
            let e = self.exceptions[i];
            (ctx.core == core && e.enabled && e.pending && !e.active).then_some(Candidate {
                index: i,
                priority: e.priority,
                exception,
            })
        }))
    }

    /// Takes one step. Returns `None` when the run is over.
    pub fn step(&mut self, program: &Program, choice: &Choice, record: bool) -> Option<Stepped> {
        if self.status != Status::Running {
            return None;
        }
        let mut rec = Rec::new(record, self.step);
        for &s in &choice.arrivals {
            self.arrive(program, s, &mut rec);
        }
        self.update_level_lines(program, &mut rec);

        let core = match choice.core {
            _ if self.cores.len() == 1 => 0,
            Some(c) if (c as usize) < self.cores.len() && self.core_can_step(program, c) => c,
            _ => self.default_core(program),
        };
        let cycle_before = self.cores[core as usize].cycles;
        rec.with(|r| {
            r.core = core;
            r.cycle = cycle_before;
        });
        self.step_core(program, core, choice.reorder, &mut rec);
        self.update_level_lines(program, &mut rec);
        if !self.cores[core as usize].spinning && self.cores.len() > 1 {
            // A step that did work may have released what another core spins
            // on (a spinlock, a flag): that core is no longer known to be stuck
            // until its next spin says so again.
            for (i, c) in self.cores.iter_mut().enumerate() {
                if i != core as usize {
                    c.spinning = false;
                }
            }
        }

        // Bookkeeping after the step: starvation, bounds, properties.
        self.step += 1;
        let c = &self.cores[core as usize];
        rec.with(|r| {
            r.cycles = (c.cycles - cycle_before) as u32;
            r.stack = c.stack.iter().map(|a| a.context).collect();
        });
        if self.status == Status::Running {
            self.check_starvation(program, &mut rec);
        }
        if self.status == Status::Running {
            for p in program.properties.iter().filter(|p| p.when == PropertyWhen::Always) {
                let mut out = Vec::new();
                self.check_property(program, p, &mut out);
                for o in out {
                    rec.outcome(o);
                }
            }
        }
        if self.status == Status::Running {
            if self.step >= self.bounds.max_steps {
                self.halt(Outcome::BoundHit { bound: Bound::Steps, limit: self.bounds.max_steps }, &mut rec);
            } else if self.cores[core as usize].cycles >= self.bounds.max_cycles {
                self.halt(Outcome::BoundHit { bound: Bound::Cycles, limit: self.bounds.max_cycles }, &mut rec);
            }
        }
        if rec.on {
            let registers = self.registers(program);
            rec.with(|r| r.registers = registers);
        }
        Some(Stepped { record: rec.record, outcomes: rec.outcomes, reordered: rec.reordered })
    }

    fn halt(&mut self, o: Outcome, rec: &mut Rec) {
        self.status = Status::Halted;
        rec.outcome(o);
    }

    fn check_starvation(&mut self, _program: &Program, rec: &mut Rec) {
        for core in 0..self.cores.len() {
            let c = &self.cores[core];
            if c.thread_done || c.asleep {
                continue;
            }
            if c.steps_since_thread_ran >= self.bounds.starvation_steps {
                let thread = c.stack[0].context;
                let by = c.stack.last().map_or(thread, |a| a.context);
                let steps = c.steps_since_thread_ran;
                self.halt(Outcome::Starvation { context: thread, by, steps }, rec);
                return;
            }
        }
    }

    /// An external event (ARMv7-M B3.4: the NVIC latches an interrupt as
    /// pending; a pending bit is one bit, so a second event merges).
    fn arrive(&mut self, program: &Program, s: SourceId, rec: &mut Rec) {
        let src = &program.sources[s.0 as usize];
        self.arrivals[s.0 as usize] += 1;
        match (src.trigger, src.handler) {
            (Trigger::Edge, Some(handler)) => {
                let h = handler.0 as usize;
                let merged = self.exceptions[h].pending;
                rec.event(|| Event::Arrival { source: s, merged });
                if merged {
                    rec.outcome(Outcome::EventLost { source: s, step: self.step, reason: LostReason::Merged });
                    if self.track_events {
                        self.events[s.0 as usize].lost += 1;
                    }
                } else {
                    self.exceptions[h].pending = true;
                    self.note_pended(program, s.0 as usize);
                    rec.event(|| Event::Pended { context: handler });
                }
            }
            (Trigger::Level, _) | (Trigger::Edge, None) => {
                let merged = self.flags[s.0 as usize];
                rec.event(|| Event::Arrival { source: s, merged });
                if merged {
                    let active = src.handler.is_some_and(|h| self.exceptions[h.0 as usize].active);
                    let reason = if active { LostReason::ClearedLate } else { LostReason::Merged };
                    rec.outcome(Outcome::EventLost { source: s, step: self.step, reason });
                    if self.track_events {
                        self.events[s.0 as usize].lost += 1;
                    }
                } else {
                    self.flags[s.0 as usize] = true;
                    self.note_pended(program, s.0 as usize);
                    rec.event(|| Event::Flag { source: s, set: true });
                }
            }
        }
    }

    /// A level-sensitive interrupt stays pending while its peripheral holds
    /// the line high, and is pended again on exception return if still
    /// asserted (ARMv7-M B3.4.1, "level-sensitive interrupts").
    fn update_level_lines(&mut self, program: &Program, rec: &mut Rec) {
        if !self.flags.iter().any(|f| *f) {
            return;
        }
        for (i, src) in program.sources.iter().enumerate() {
            if let (Trigger::Level, Some(h)) = (src.trigger, src.handler)
                && self.flags[i]
            {
                let e = &mut self.exceptions[h.0 as usize];
                if !e.pending && !e.active {
                    e.pending = true;
                    rec.event(|| Event::Pended { context: h });
                }
            }
        }
    }

    fn step_core(&mut self, program: &Program, core: u8, reorder: u16, rec: &mut Rec) {
        let ci = core as usize;
        let costs = program.target.exception_costs();
        let thread_ctx = self.cores[ci].stack[0].context;

        // A handler whose function returned: exception return, or a
        // tail-chain into the next pending exception. This comes before a
        // new preemption: an exception arriving now is tail-chained.
        {
            let c = &self.cores[ci];
            let top = c.stack.len() - 1;
            if top > 0 && c.stack[top].frames.is_empty() && c.entering.is_none() {
                self.exception_return(program, core, rec);
                return;
            }
        }
        // End of stacking: fetch the vector of the most urgent pending
        // exception now, which may be a later, more urgent arrival (late
        // arrival, ARMv7-M B1.5.6 / Cortex-M3 TRM 5.5.1).
        if let Some(entering) = self.cores[ci].entering.take() {
            let exec = self.execution_priority(program, core);
            let best = self.best_pending(program, core).filter(|c| nvic::preempts(c.priority, exec));
            if let Some(best) = best {
                let ctx = ContextId(best.index as u16);
                let preempted = self.cores[ci].stack.last().map(|a| a.context);
                let e = &mut self.exceptions[best.index];
                e.pending = false;
                e.active = true;
                let ContextKind::Handler { func, .. } = program.contexts[best.index].kind else {
                    unreachable!("best_pending only returns handlers")
                };
                let frame = new_frame(program, func, &[], None);
                self.cores[ci].stack.push(Activation { context: ctx, frames: vec![frame] });
                // Exception entry is an acquire point for the handler.
                let released = self.cores[ci].released;
                self.clocks[best.index].join(&released);
                let late = (entering.candidate != ctx).then_some(entering.candidate);
                rec.event(|| Event::Entered { context: ctx, preempted, late_arrival_over: late });
                if self.track_events {
                    let now = self.cores[ci].cycles;
                    for (i, src) in program.sources.iter().enumerate() {
                        if src.handler == Some(ctx) {
                            let e = &mut self.events[i];
                            e.handled += 1;
                            if let Some(since) = e.pending_since.take() {
                                e.max_latency = e.max_latency.max(now.saturating_sub(since));
                            }
                        }
                    }
                }
            }
        } else if let Some(next) = self.next_exception(program, core) {
            // Preemption: stacking begins; the vector is chosen at its end.
            let c = &mut self.cores[ci];
            c.asleep = false;
            c.spinning = false;
            c.entering = Some(Entering { candidate: next });
            c.cycles += u64::from(costs.entry);
            let exception = match program.context(next).kind {
                ContextKind::Handler { exception, .. } => exception,
                ContextKind::Thread { .. } => 0,
            };
            rec.with(|r| {
                r.context = next;
                r.kind = StepKind::Stacking { exception };
            });
            c.steps_since_thread_ran += 1;
            return;
        }

        let c = &mut self.cores[ci];
        let top = c.stack.len() - 1;
        let ctx = c.stack[top].context;
        rec.with(|r| r.context = ctx);
        c.spinning = false;

        if top == 0 {
            if c.thread_done {
                rec.with(|r| r.kind = StepKind::Sleep);
                c.cycles += 1;
                return;
            }
            if c.asleep {
                // WFI wakes on an exception that would preempt if PRIMASK
                // were clear (ARMv7-M B1.5.19, "Wait For Interrupt").
                if self.would_wake(program, core) {
                    self.cores[ci].asleep = false;
                } else {
                    rec.with(|r| r.kind = StepKind::Sleep);
                    self.cores[ci].cycles += 1;
                    return;
                }
            }
            self.cores[ci].steps_since_thread_ran = 0;
        } else {
            self.cores[ci].steps_since_thread_ran += 1;
        }
        self.exec(program, core, reorder, rec);
        if top == 0 && self.cores[ci].thread_done {
            rec.event(|| Event::ThreadDone { context: thread_ctx });
        }
    }

    /// Exception return (ARMv7-M B1.5.8), or a tail-chain.
    fn exception_return(&mut self, program: &Program, core: u8, rec: &mut Rec) {
        let ci = core as usize;
        let costs = program.target.exception_costs();
        let c = &mut self.cores[ci];
        let ctx = c.stack[c.stack.len() - 1].context;
        rec.with(|r| r.context = ctx);
        c.stack.pop();
        self.exceptions[ctx.0 as usize].active = false;
        // Exception return is a release point of the handler.
        let clock = self.clocks[ctx.0 as usize];
        self.cores[ci].released.join(&clock);
        self.clocks[ctx.0 as usize].0[ctx.0 as usize] += 1;
        self.update_level_lines(program, rec);
        // Tail-chaining (ARMv7-M B1.5.12 / Cortex-M3 TRM 5.5.2): when a
        // pending exception would preempt the context being returned to,
        // it is entered without unstacking.
        let chained = self.next_exception(program, core);
        let c = &mut self.cores[ci];
        let to = c.stack.last().map(|a| a.context);
        if let Some(next) = chained {
            c.entering = Some(Entering { candidate: next });
            c.cycles += u64::from(costs.tail_chain);
            rec.event(|| Event::TailChain { from: ctx, to: next });
        } else {
            c.cycles += u64::from(costs.exit);
        }
        rec.event(|| Event::Exited { context: ctx, to: if chained.is_some() { chained } else { to } });
        rec.with(|r| r.kind = StepKind::Return { tail_chain: chained.is_some() });
        c.steps_since_thread_ran += 1;
    }

    fn would_wake(&self, program: &Program, core: u8) -> bool {
        let c = &self.cores[core as usize];
        let exec = nvic::execution_priority(
            c.stack[1..].iter().map(|a| self.exceptions[a.context.0 as usize].priority),
            false,
            nvic::basepri_level(c.basepri, program.target.priority_bits()),
        );
        self.best_pending(program, core).is_some_and(|b| nvic::preempts(b.priority, exec))
    }

    /// Pushes the frame of the thread's next call, or marks the thread done.
    fn start_next_call(&self, program: &Program, c: &mut Core) {
        let thread = c.stack[0].context;
        let ContextKind::Thread { calls } = &program.context(thread).kind else {
            return;
        };
        while (c.call as usize) < calls.len() {
            let call = &calls[c.call as usize];
            if c.iterations < call.times {
                c.iterations += 1;
                c.stack[0].frames.push(new_frame(program, call.func, &[], None));
                return;
            }
            c.call += 1;
            c.iterations = 0;
        }
        c.thread_done = true;
    }

    /// The accesses the compiler may run now on `core` instead of its next
    /// instruction (`reorder::early_accesses`), in the order a schedule's
    /// `reorder@STEP:K` counts them.
    pub fn early_accesses(&self, program: &Program, core: u8) -> Vec<EarlyAccess> {
        let c = &self.cores[core as usize];
        if c.entering.is_some() || self.next_exception(program, core).is_some() || c.asleep {
            return Vec::new();
        }
        if c.stack.len() == 1 && c.thread_done {
            return Vec::new();
        }
        if c.stack.len() > 1 && c.stack.last().is_some_and(|a| a.frames.is_empty()) {
            return Vec::new();
        }
        let Some(frame) = c.stack.last().and_then(|a| a.frames.last()) else { return Vec::new() };
        if frame.half.is_some() {
            return Vec::new();
        }
        let spec: Vec<u32> = frame.speculated.iter().map(|s| s.pc).collect();
        reorder::early_accesses(program, program.function(frame.func), frame.pc, &frame.locals, &frame.ahead, &spec)
    }

    fn exec(&mut self, program: &Program, core: u8, pick: u16, rec: &mut Rec) {
        let ci = core as usize;
        let early = match pick {
            0 => None,
            k => self.early_accesses(program, core).into_iter().nth(usize::from(k) - 1),
        };
        let c = &mut self.cores[ci];
        let act = c.stack.last_mut().expect("a core always has its thread activation");
        let ctx = act.context;
        let Some(frame) = act.frames.last_mut() else {
            return;
        };
        let func = frame.func;
        let body = &program.function(func).body;
        if let Some(early) = early {
            rec.reordered = true;
            let here = frame.pc;
            let (moved, over) = (body[early.pc as usize].span.clone(), body[early.over as usize].span.clone());
            rec.event(|| Event::Reordered { moved, over });
            if rec.on {
                let instr = &body[early.pc as usize];
                rec.with(|r| {
                    r.span = Some(instr.span.clone());
                    r.kind = StepKind::Instr { func: program.function(func).name.clone(), pc: early.pc };
                });
            }
            if early.over_branch.is_some() {
                self.speculate(program, core, (ctx, func), &early, rec);
                return;
            }
            // The program counter stays where program order is.
            let instr = &body[early.pc as usize];
            if let Flow::Halt = self.exec_op(program, core, ctx, func, early.pc, here, &instr.op, rec) {
                self.status = Status::Halted;
                return;
            }
            self.frame(core).ahead.push(early.pc);
            return;
        }
        let pc = frame.pc;
        let instr = &body[pc as usize];
        if rec.on {
            rec.with(|r| {
                r.span = Some(instr.span.clone());
                r.kind = StepKind::Instr { func: program.function(func).name.clone(), pc };
            });
        }
        // A load read early across a branch that went its way: its value is used now.
        if let Some(i) = frame.speculated.iter().position(|s| s.armed && s.pc == pc)
            && let Op::Load { dst, .. } | Op::AtomicLoad { dst, .. } = &instr.op
        {
            let value = frame.speculated.swap_remove(i).value;
            frame.locals[dst.0 as usize] = value;
            self.set_pc(core, pc + 1);
            self.cores[ci].cycles += 1;
            self.skip_done_ahead(core);
            return;
        }
        match self.exec_op(program, core, ctx, func, pc, pc + 1, &instr.op, rec) {
            Flow::Next => {}
            Flow::Halt => {
                self.status = Status::Halted;
                return;
            }
        }
        if matches!(instr.op, Op::Jump { .. } | Op::Branch { .. } | Op::Call { .. } | Op::Return { .. }) {
            self.control_transfer(core, func, pc, &instr.op);
        }
        self.skip_done_ahead(core);
    }

    /// A load read now although a branch comes before it in program order
    /// (the compiler hoisted it: LangRef allows loads from dereferenceable
    /// memory to be speculated). Its value waits in the frame.
    fn speculate(
        &mut self,
        program: &Program,
        core: u8,
        (ctx, func): (ContextId, FuncId),
        early: &EarlyAccess,
        rec: &mut Rec,
    ) {
        let Some((branch, target)) = early.over_branch else { return };
        let pc = early.pc;
        let (place, ordering) = match &program.function(func).body[pc as usize].op {
            Op::Load { place, .. } => (place, None),
            Op::AtomicLoad { place, ordering, .. } => (place, Some(*ordering)),
            _ => return,
        };
        let Ok(loc) = resolve(place, &self.frame(core).locals) else { return };
        let value = self.memory[loc.0 as usize];
        if ordering.is_none() {
            self.race_access(program, core, ctx, func, pc, loc, false, rec);
        }
        rec_read(rec, loc, value);
        self.note_read(core, loc, rec);
        if let Some(o) = ordering {
            self.sync_atomic(core, ctx, loc, o, false);
        }
        self.frame(core).speculated.push(Speculated { branch, target, pc, value, armed: false });
        self.cores[core as usize].cycles += 2;
    }

    /// After a jump, branch, call or return in program order: values read
    /// early for the way this branch went are kept (armed), the others and
    /// any left from an earlier branch dropped.
    fn control_transfer(&mut self, core: u8, func: FuncId, pc: u32, op: &Op) {
        let c = &mut self.cores[core as usize];
        let Some(frame) = c.stack.last_mut().and_then(|a| a.frames.iter_mut().rev().find(|f| f.func == func)) else {
            return;
        };
        if frame.speculated.is_empty() {
            return;
        }
        let went = frame.pc;
        let is_branch = matches!(op, Op::Branch { .. });
        frame.speculated.retain_mut(|s| {
            if s.armed {
                return false;
            }
            if is_branch && s.branch == pc {
                s.armed = s.target == went;
                return s.armed;
            }
            true
        });
    }

    /// Moves the program counter over instructions that already ran early.
    fn skip_done_ahead(&mut self, core: u8) {
        let Some(frame) = self.cores[core as usize].stack.last_mut().and_then(|a| a.frames.last_mut()) else {
            return;
        };
        while let Some(i) = frame.ahead.iter().position(|&p| p == frame.pc) {
            frame.ahead.swap_remove(i);
            frame.pc += 1;
        }
    }

    fn frame(&mut self, core: u8) -> &mut Frame {
        self.cores[core as usize]
            .stack
            .last_mut()
            .and_then(|a| a.frames.last_mut())
            .expect("exec runs only with a frame")
    }

    #[allow(clippy::too_many_arguments)]
    fn exec_op(
        &mut self,
        program: &Program,
        core: u8,
        ctx: ContextId,
        func: FuncId,
        pc: u32,
        next_pc: u32,
        op: &Op,
        rec: &mut Rec,
    ) -> Flow {
        let ci = core as usize;
        let span_of = || program.function(func).body[pc as usize].span.clone();
        let get = |m: &mut Machine, o: &Operand| match o {
            Operand::Const(v) => *v,
            Operand::Local(l) => m.frame(core).locals[l.0 as usize],
        };
        let mut cost: u64 = 1;
        macro_rules! set {
            ($l:expr, $v:expr) => {{
                let v = $v;
                self.frame(core).locals[$l.0 as usize] = v;
            }};
        }
        macro_rules! place {
            ($p:expr) => {{
                let locals = &self.frame(core).locals;
                match resolve($p, locals) {
                    Ok(loc) => loc,
                    Err((i, n)) => {
                        self.panic(ctx, span_of(), index_message(i, n), None, rec);
                        return Flow::Halt;
                    }
                }
            }};
        }
        let mut goto = next_pc;
        match op {
            Op::Move { dst, src } => {
                let v = get(self, src);
                set!(dst, v);
            }
            Op::Unary { op, ty, dst, src } => {
                let v = value::unary(*op, *ty, get(self, src));
                set!(dst, v);
            }
            Op::Binary { op, ty, dst, lhs, rhs } => {
                let (a, b) = (get(self, lhs), get(self, rhs));
                match value::binary(*op, *ty, a, b) {
                    Ok(v) => set!(dst, v),
                    Err(msg) => {
                        self.panic(ctx, span_of(), msg.to_string(), None, rec);
                        return Flow::Halt;
                    }
                }
            }
            Op::Load { dst, place, .. } => {
                let loc = place!(place);
                let ty = program.location(loc).ty;
                cost = 2;
                let full = self.memory[loc.0 as usize];
                self.race_access(program, core, ctx, func, pc, loc, false, rec);
                self.note_read(core, loc, rec);
                if ty.is_wide() {
                    // ARMv7-M A3.5.3: a 64-bit access is two word accesses,
                    // low word first; an interrupt can land between them.
                    let frame = self.frame(core);
                    match frame.half.take() {
                        None => {
                            frame.half = Some(full & 0xFFFF_FFFF);
                            rec_read(rec, loc, full & 0xFFFF_FFFF);
                            goto = pc;
                        }
                        Some(lo) => {
                            rec_read(rec, loc, full >> 32);
                            set!(dst, (full & !0xFFFF_FFFF) | lo);
                        }
                    }
                } else {
                    rec_read(rec, loc, full);
                    set!(dst, full);
                }
            }
            Op::Store { place, src, .. } => {
                let loc = place!(place);
                let ty = program.location(loc).ty;
                let v = ty.wrap(ty.value(get(self, src)));
                cost = 2;
                self.race_access(program, core, ctx, func, pc, loc, true, rec);
                if ty.is_wide() {
                    let old = self.memory[loc.0 as usize];
                    let frame = self.frame(core);
                    if frame.half.take().is_none() {
                        frame.half = Some(0);
                        self.write(core, ctx, loc, (old & !0xFFFF_FFFF) | (v & 0xFFFF_FFFF), rec);
                        goto = pc;
                    } else {
                        self.write(core, ctx, loc, (v & !0xFFFF_FFFF) | (old & 0xFFFF_FFFF), rec);
                    }
                } else {
                    self.write(core, ctx, loc, v, rec);
                }
            }
            Op::AtomicLoad { dst, place, ordering } => {
                let loc = place!(place);
                cost = 2;
                let v = self.memory[loc.0 as usize];
                rec_read(rec, loc, v);
                self.note_read(core, loc, rec);
                self.sync_atomic(core, ctx, loc, *ordering, false);
                set!(dst, v);
            }
            Op::AtomicStore { place, src, ordering } => {
                let loc = place!(place);
                let ty = program.location(loc).ty;
                let v = ty.wrap(ty.value(get(self, src)));
                cost = 2;
                self.sync_atomic(core, ctx, loc, *ordering, true);
                self.write(core, ctx, loc, v, rec);
            }
            Op::AtomicRmw { op, dst, place, src, ordering } => {
                let loc = place!(place);
                let ty = program.location(loc).ty;
                let old = self.memory[loc.0 as usize];
                let arg = get(self, src);
                let new = rmw(*op, ty, old, arg);
                // LDREX, op, STREX, and the retry branch (ARMv7-M A3.4).
                cost = 5;
                rec_read(rec, loc, old);
                self.note_read(core, loc, rec);
                self.sync_atomic(core, ctx, loc, *ordering, false);
                self.sync_atomic(core, ctx, loc, *ordering, true);
                self.write(core, ctx, loc, new, rec);
                set!(dst, old);
            }
            Op::CompareExchange { dst_prev, dst_ok, place, current, new, success, failure, .. } => {
                let loc = place!(place);
                let ty = program.location(loc).ty;
                let old = self.memory[loc.0 as usize];
                let (cur, new) = (get(self, current), ty.wrap(ty.value(get(self, new))));
                cost = 5;
                rec_read(rec, loc, old);
                self.note_read(core, loc, rec);
                let ok = old == ty.wrap(ty.value(cur));
                if ok {
                    self.sync_atomic(core, ctx, loc, *success, false);
                    self.sync_atomic(core, ctx, loc, *success, true);
                    self.write(core, ctx, loc, new, rec);
                } else {
                    self.sync_atomic(core, ctx, loc, *failure, false);
                }
                set!(dst_prev, old);
                set!(dst_ok, u64::from(ok));
            }
            Op::Fence { ordering, .. } => {
                if ordering.is_acquire() {
                    self.acquire_point(core, ctx);
                }
                if ordering.is_release() {
                    self.release_point(core, ctx);
                }
            }
            Op::ReadPrimask { dst } => {
                let v = u64::from(self.cores[ci].primask);
                set!(dst, v);
            }
            Op::DisableInterrupts => {
                // cortex-m's interrupt::disable: CPSID i plus compiler_fence(SeqCst).
                self.set_primask(core, true, rec);
                self.release_point(core, ctx);
                self.acquire_point(core, ctx);
            }
            Op::EnableInterrupts => {
                self.release_point(core, ctx);
                self.acquire_point(core, ctx);
                self.set_primask(core, false, rec);
            }
            Op::RestorePrimask { saved } => {
                // critical_section::with restores the state it found, so
                // nested sections leave interrupts disabled until the
                // outermost one ends.
                let was_disabled = get(self, saved) != 0;
                self.release_point(core, ctx);
                self.acquire_point(core, ctx);
                if !was_disabled {
                    self.set_primask(core, false, rec);
                }
            }
            Op::WriteBasepri { value, max } => {
                // Unimplemented low-order bits of BASEPRI read as zero and
                // ignore writes (ARMv7-M B1.4.3, B5.2.3): on a device with 3
                // priority bits, writing 0x10 leaves 0, which masks nothing.
                let raw = (get(self, value) & 0xFF) as u8 & nvic::implemented_mask(program.target.priority_bits());
                let c = &mut self.cores[ci];
                // BASEPRI_MAX only raises the masking level (ARMv7-M B5.2.3).
                let write = !*max || (raw != 0 && (c.basepri == 0 || raw < c.basepri));
                if write {
                    c.basepri = raw;
                    rec.event(|| Event::Basepri { core, value: raw });
                }
                self.release_point(core, ctx);
                self.acquire_point(core, ctx);
            }
            Op::ReadBasepri { dst } => {
                let v = u64::from(self.cores[ci].basepri);
                set!(dst, v);
            }
            // Each RP2040 core has its own NVIC (RP2040 datasheet 2.3.2:
            // "each core has its own ... NVIC"): an NVIC write reaches the
            // interrupt on the core that executes it. The model binds a
            // handler to one core, so an operation on another core's handler
            // reaches a line this core does not handle, and changes nothing.
            Op::Nvic { irq, .. } | Op::NvicSetPriority { irq, .. } if program.context(*irq).core != core => {}
            Op::Nvic { op, irq } => {
                let e = &mut self.exceptions[irq.0 as usize];
                match op {
                    NvicOp::Enable => {
                        e.enabled = true;
                        rec.event(|| Event::NvicEnabled { context: *irq, enabled: true });
                    }
                    NvicOp::Disable => {
                        e.enabled = false;
                        rec.event(|| Event::NvicEnabled { context: *irq, enabled: false });
                    }
                    NvicOp::Pend => {
                        if !e.pending {
                            e.pending = true;
                            rec.event(|| Event::Pended { context: *irq });
                        }
                    }
                    NvicOp::Unpend => {
                        if e.pending {
                            e.pending = false;
                            rec.event(|| Event::Unpended { context: *irq });
                        }
                    }
                }
            }
            Op::NvicSetPriority { irq, priority } => {
                let raw = (get(self, priority) & 0xFF) as u8;
                let level = nvic::logical_priority(raw, program.target.priority_bits());
                self.exceptions[irq.0 as usize].priority = level;
                rec.event(|| Event::NvicPriority { context: *irq, priority: level });
            }
            Op::ClearEvent { source } => {
                if self.flags[source.0 as usize] {
                    self.flags[source.0 as usize] = false;
                    rec.event(|| Event::Flag { source: *source, set: false });
                }
            }
            Op::ReadEvent { dst, source } => {
                let v = u64::from(self.flags[source.0 as usize]);
                set!(dst, v);
            }
            Op::SpinlockAcquire { lock, token } => {
                let holder = self.locks.iter().find(|(l, _)| l == lock).map(|(_, c)| *c);
                match holder {
                    None => {
                        self.locks.push((*lock, ctx));
                        self.locks.sort_unstable();
                        if let Some((_, clock)) = self.lock_clocks.iter().find(|(l, _)| l == lock) {
                            let clock = *clock;
                            self.clocks[ctx.0 as usize].join(&clock);
                        }
                        rec.event(|| Event::Spinlock { lock: *lock, held_by: Some(ctx) });
                        set!(token, 1);
                    }
                    Some(h) if program.context(h).core == core => {
                        // rp2040-hal's critical section records the owning
                        // core and does not take the lock again when nested.
                        set!(token, 0);
                    }
                    Some(_) => {
                        // Spin: read the lock register again next step.
                        cost = 2;
                        goto = pc;
                        rec.with(|r| r.kind = StepKind::Spin);
                        self.cores[ci].spinning = true;
                        self.set_pc(core, goto);
                        self.cores[ci].cycles += cost;
                        return Flow::Next;
                    }
                }
            }
            Op::SpinlockRelease { lock, token } => {
                if get(self, token) == 1 {
                    self.locks.retain(|(l, _)| l != lock);
                    let clock = self.clocks[ctx.0 as usize];
                    match self.lock_clocks.iter_mut().find(|(l, _)| l == lock) {
                        Some((_, c)) => c.join(&clock),
                        None => {
                            self.lock_clocks.push((*lock, clock));
                            self.lock_clocks.sort_unstable_by_key(|(l, _)| *l);
                        }
                    }
                    self.clocks[ctx.0 as usize].0[ctx.0 as usize] += 1;
                    rec.event(|| Event::Spinlock { lock: *lock, held_by: None });
                }
            }
            Op::Jump { target } => {
                goto = *target;
                if *target <= pc && self.backedge(program, core, ctx, pc, rec) {
                    return Flow::Halt;
                }
            }
            Op::Branch { cond, then_target, else_target } => {
                goto = if get(self, cond) != 0 { *then_target } else { *else_target };
                if goto <= pc && self.backedge(program, core, ctx, pc, rec) {
                    return Flow::Halt;
                }
            }
            Op::Call { func: callee, args, ret } => {
                cost = 3;
                let depth = self.cores[ci].stack.last().map_or(0, |a| a.frames.len());
                if depth >= self.bounds.max_call_depth as usize {
                    self.panic(ctx, span_of(), "stack overflow (call depth bound reached)".into(), None, rec);
                    return Flow::Halt;
                }
                let values: Vec<u64> = args.iter().map(|a| get(self, a)).collect();
                self.set_pc(core, next_pc);
                let frame = new_frame(program, *callee, &values, *ret);
                let c = &mut self.cores[ci];
                c.stack.last_mut().expect("activation").frames.push(frame);
                c.cycles += cost;
                return Flow::Next;
            }
            Op::Return { value } => {
                cost = 3;
                let v = value.map(|v| get(self, &v));
                let c = &mut self.cores[ci];
                let is_thread = c.stack.len() == 1;
                let act = c.stack.last_mut().expect("activation");
                let done = act.frames.pop().expect("a frame returns");
                if let Some(caller) = act.frames.last_mut() {
                    if let (Some(r), Some(v)) = (done.ret, v) {
                        caller.locals[r.0 as usize] = v;
                    }
                } else if is_thread {
                    let mut core_state = std::mem::replace(&mut self.cores[ci], placeholder_core());
                    self.start_next_call(program, &mut core_state);
                    self.cores[ci] = core_state;
                }
                self.cores[ci].cycles += cost;
                return Flow::Next;
            }
            Op::Check { cond, kind, message } => {
                if get(self, cond) == 0 {
                    let uninit = match kind {
                        CheckKind::UnwrapNone { static_name } => Some(static_name.clone()),
                        _ => None,
                    };
                    self.panic(ctx, span_of(), message.clone(), uninit, rec);
                    return Flow::Halt;
                }
            }
            Op::BorrowRefCell { flag, mutable } => {
                let loc = place!(flag);
                self.race_access(program, core, ctx, func, pc, loc, true, rec);
                let v = Ty::I32.value(self.memory[loc.0 as usize]);
                rec_read(rec, loc, self.memory[loc.0 as usize]);
                let refused = if *mutable { v != 0 } else { v < 0 };
                if refused {
                    let static_name = program.location(loc).static_name.clone();
                    let o = Outcome::DoubleBorrow { context: ctx, span: span_of(), static_name, mutable: *mutable };
                    self.halt(o, rec);
                    return Flow::Halt;
                }
                let new = if *mutable { -1 } else { v + 1 };
                self.write(core, ctx, loc, Ty::I32.wrap(new), rec);
            }
            Op::ReleaseRefCell { flag, mutable } => {
                let loc = place!(flag);
                self.race_access(program, core, ctx, func, pc, loc, true, rec);
                let v = Ty::I32.value(self.memory[loc.0 as usize]);
                let new = if *mutable { 0 } else { (v - 1).max(0) };
                self.write(core, ctx, loc, Ty::I32.wrap(new), rec);
            }
            Op::Wfi => {
                if !self.would_wake(program, core) {
                    self.cores[ci].asleep = true;
                }
            }
            Op::EventCount { dst, source, count } => {
                let v = self.event_count(*source, *count);
                set!(dst, v);
            }
            Op::Busy { cycles } => cost = u64::from(*cycles),
            Op::Nop { .. } => {}
        }
        self.set_pc(core, goto);
        self.cores[ci].cycles += cost;
        Flow::Next
    }

    fn set_pc(&mut self, core: u8, pc: u32) {
        if let Some(f) = self.cores[core as usize].stack.last_mut().and_then(|a| a.frames.last_mut()) {
            f.pc = pc;
        }
    }

    /// A loop's back edge: if this iteration changed nothing and read the same
    /// values as the last one, the context is spinning. Returns true when the
    /// spin is a deadlock (and the run halts).
    fn backedge(&mut self, program: &Program, core: u8, ctx: ContextId, pc: u32, rec: &mut Rec) -> bool {
        let ci = core as usize;
        let frame = self.frame(core);
        let mut h = FxHasher::default();
        pc.hash(&mut h);
        frame.locals.hash(&mut h);
        let sig = h.finish();
        let spinning = frame.spin_sig == Some(sig) && !frame.changed_since_backedge;
        frame.spin_sig = Some(sig);
        frame.changed_since_backedge = false;
        let reads = std::mem::take(&mut frame.reads_since_backedge);
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
        for loc in &reads {
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

    fn spin_target(&self, program: &Program, act: &Activation) -> Option<String> {
        let f = act.frames.last()?;
        let loc = f.reads_since_backedge.first()?;
        Some(format!("`{}`", program.location(*loc).name))
    }

    fn note_read(&mut self, core: u8, loc: Location, _rec: &mut Rec) {
        let f = self.frame(core);
        if !f.reads_since_backedge.contains(&loc) {
            f.reads_since_backedge.push(loc);
        }
    }

    fn write(&mut self, core: u8, ctx: ContextId, loc: Location, new: u64, rec: &mut Rec) {
        let old = self.memory[loc.0 as usize];
        self.memory[loc.0 as usize] = new;
        if old != new {
            // "Who holds it" is whoever last changed it: a spinning swap
            // that writes the same value back takes nothing.
            self.last_writer[loc.0 as usize] = Some(ctx);
            self.frame(core).changed_since_backedge = true;
        }
        rec.with(|r| r.writes.push(Write { location: loc, old, new }));
    }

    fn set_primask(&mut self, core: u8, set: bool, rec: &mut Rec) {
        let c = &mut self.cores[core as usize];
        if c.primask != set {
            c.primask = set;
            rec.event(|| Event::Primask { core, set });
        }
    }

    /// Publishes everything `ctx` did so far to its core.
    fn release_point(&mut self, core: u8, ctx: ContextId) {
        let clock = self.clocks[ctx.0 as usize];
        self.cores[core as usize].released.join(&clock);
        self.clocks[ctx.0 as usize].0[ctx.0 as usize] += 1;
    }

    /// Sees everything published on `ctx`'s core.
    fn acquire_point(&mut self, core: u8, ctx: ContextId) {
        let released = self.cores[core as usize].released;
        self.clocks[ctx.0 as usize].join(&released);
    }

    fn sync_atomic(&mut self, core: u8, ctx: ContextId, loc: Location, ordering: Ordering, store: bool) {
        if store && ordering.is_release() {
            if !self.atomic_clocks.is_empty() {
                let clock = self.clocks[ctx.0 as usize];
                self.atomic_clocks[loc.0 as usize].join(&clock);
            }
            self.release_point(core, ctx);
        }
        if !store && ordering.is_acquire() {
            if !self.atomic_clocks.is_empty() {
                let clock = self.atomic_clocks[loc.0 as usize];
                self.clocks[ctx.0 as usize].join(&clock);
            }
            self.acquire_point(core, ctx);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn race_access(
        &mut self,
        program: &Program,
        _core: u8,
        ctx: ContextId,
        func: FuncId,
        pc: u32,
        loc: Location,
        write: bool,
        rec: &mut Rec,
    ) {
        if program.location(loc).kind == LocationKind::Atomic || !self.contended[loc.0 as usize] {
            return;
        }
        let clock = self.clocks[ctx.0 as usize];
        let now = AccessRef { context: ctx, epoch: clock.get(ctx), func: func.0, pc, step: self.step };
        let conflict = self.histories[loc.0 as usize].access(now, write, &clock);
        if let Some(c) = conflict
            && !self.reported_races.contains(&loc)
        {
            self.reported_races.push(loc);
            let span = |a: &AccessRef| program.functions[a.func as usize].body[a.pc as usize].span.clone();
            rec.outcome(Outcome::DataRace {
                location: program.location(loc).name.clone(),
                first: RaceAccess {
                    context: c.earlier.context,
                    write: c.earlier_write,
                    span: span(&c.earlier),
                    step: c.earlier.step,
                },
                second: RaceAccess { context: ctx, write, span: span(&now), step: self.step },
            });
        }
    }

    fn panic(&mut self, ctx: ContextId, span: Span, message: String, uninit: Option<String>, rec: &mut Rec) {
        self.halt(Outcome::Panic { context: ctx, span, message, uninit_static: uninit }, rec);
    }
}

fn empty_record(index: u64) -> StepRecord {
    StepRecord {
        index,
        core: 0,
        context: ContextId(0),
        stack: Vec::new(),
        kind: StepKind::Sleep,
        span: None,
        cycle: 0,
        cycles: 0,
        reads: Vec::new(),
        writes: Vec::new(),
        events: Vec::new(),
        registers: Registers::default(),
    }
}

fn placeholder_core() -> Core {
    Core {
        stack: Vec::new(),
        primask: false,
        basepri: 0,
        entering: None,
        asleep: false,
        spinning: false,
        call: 0,
        iterations: 0,
        thread_done: true,
        steps_since_thread_ran: 0,
        cycles: 0,
        released: VectorClock::default(),
    }
}

fn rec_read(rec: &mut Rec, location: Location, value: u64) {
    rec.with(|r| r.reads.push(Read { location, value }));
}

fn new_frame(program: &Program, func: FuncId, args: &[u64], ret: Option<Local>) -> Frame {
    let f = program.function(func);
    let mut locals = vec![0u64; f.locals as usize];
    for (slot, a) in locals.iter_mut().zip(args) {
        *slot = *a;
    }
    Frame {
        func,
        pc: 0,
        locals,
        ret,
        ahead: Vec::new(),
        speculated: Vec::new(),
        half: None,
        spin_sig: None,
        changed_since_backedge: false,
        reads_since_backedge: Vec::new(),
    }
}

/// The location a place names, or the (index, len) of a failed bounds check.
fn resolve(place: &Place, locals: &[u64]) -> Result<Location, (u64, u32)> {
    match place.index {
        None => Ok(place.base),
        Some(ix) => {
            let i = match ix.index {
                Operand::Const(v) => v,
                Operand::Local(l) => locals[l.0 as usize],
            };
            if i >= u64::from(ix.len) {
                return Err((i, ix.len));
            }
            Ok(Location(place.base.0 + i as u32 * ix.stride))
        }
    }
}

fn index_message(index: u64, len: u32) -> String {
    format!("index out of bounds: the len is {len} but the index is {index}")
}

fn rmw(op: RmwOp, ty: Ty, old: u64, arg: u64) -> u64 {
    let (a, b) = (ty.value(old), ty.value(arg));
    match op {
        RmwOp::Add => ty.wrap(a + b),
        RmwOp::Sub => ty.wrap(a - b),
        RmwOp::And => ty.wrap(a & b),
        RmwOp::Or => ty.wrap(a | b),
        RmwOp::Xor => ty.wrap(a ^ b),
        RmwOp::Max => ty.wrap(a.max(b)),
        RmwOp::Min => ty.wrap(a.min(b)),
        RmwOp::Swap => ty.wrap(b),
    }
}
