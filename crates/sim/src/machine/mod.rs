//! The machine: one or two Cortex-M cores stepping a validated `Program`.
//!
//! Every `step` is one indivisible action: an instruction, the stacking of an
//! exception entry, an exception return (or tail-chain), or a sleep/spin step.
//! External events are applied just before a step, so "an arrival point" is
//! the gap between two steps. The machine holds no reference to the program
//! and no trace, so it is cheap to clone and to hash for the explorer.

use std::hash::Hash;

use serde::{Deserialize, Serialize};

use crate::nvic::{self, ExceptionState};
use crate::outcome::{Bound, Outcome};
use crate::program::{
    ContextId, ContextKind, FuncId, Local, Location, Op, Operand, Place, Program, PropertyWhen, RmwOp, SourceId, Span,
};
use crate::race::{History, VectorClock};
use crate::reorder::Speculated;
use crate::trace::{Event, Read, Registers, StepKind, StepRecord};
use crate::value::Ty;

mod exceptions;
mod interpret;
mod key;
mod progress;
mod queries;
mod sync;

pub use key::{KeyHints, StateKey};
pub use queries::Move;

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
    /// The caller has choices of its own for later steps (a `Session`'s
    /// schedule has items left): a state that repeats does not end the
    /// run then, since those choices may still change its course. The
    /// explorer leaves it false: it tries every later choice from the
    /// first time the state was reached (`Machine::check_livelock`).
    pub later: bool,
    /// The stepping core's WFE returns at once although its event register
    /// is clear: WFE is a hint that may complete at any time (ARMv7-M
    /// B1.5.18; "software must assume WFE might behave as a NOP"). Only
    /// applies when the step is a WFE that would otherwise sleep
    /// (`Machine::wfe_would_sleep`).
    pub wfe_returns: bool,
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
    /// What the loop read since its last backward jump, with the value
    /// each held when first read: one that has changed since (another
    /// context wrote it) means the next iteration can go another way.
    reads_since_backedge: Vec<(Location, u64)>,
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
    /// Asleep in WFI or, with `in_wfe`, in WFE.
    asleep: bool,
    in_wfe: bool,
    /// The event register (ARMv7-M B1.5.18): set by SEV on any core, by an
    /// exception entry (a WFE wake-up event) and by exception return;
    /// a WFE that finds it set clears it and does not sleep.
    event: bool,
    spinning: bool,
    /// Thread mode: index of the current call and iterations done of it.
    call: u16,
    iterations: u32,
    thread_done: bool,
    steps_since_thread_ran: u64,
    /// Handler entries since the thread last ran, and the state at the
    /// last power-of-two one: a later entry in that same state means the
    /// thread can never run again (`Machine::check_livelock`).
    entries: u32,
    lasso: Option<Lasso>,
    cycles: u64,
    /// Everything this core's contexts published at release points.
    released: VectorClock,
}

/// A state saved for `Machine::check_livelock`: its exact key (without the
/// count of steps the thread has waited) and the step it was reached at.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Lasso {
    key: std::sync::Arc<[u32]>,
    step: u64,
}

/// A DMA transfer in progress (`Op::DmaStart`): the peripheral owns
/// `buffer..buffer + len` and writes byte `pos` at its next event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Transfer {
    buffer: Location,
    len: u32,
    pos: u32,
    /// The instruction that started it, which race reports name for the
    /// DMA's writes.
    func: FuncId,
    pc: u32,
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
    /// Per source: the DMA transfer running, if any (`SourceDecl::dma`).
    dma: Vec<Option<Transfer>>,
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
    /// Bit `c` set: core `c`'s handler work is unbounded (a handler that
    /// can loop, call, wait or pend, or a level-triggered source), so a
    /// state can repeat while its thread waits (`check_livelock`); with
    /// bounded work it cannot, and the check is skipped. A bit mask, so a
    /// clone of the machine copies it.
    may_livelock: u8,
}

/// What one step produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stepped {
    pub record: Option<Box<StepRecord>>,
    pub outcomes: Vec<Outcome>,
    /// Whether the step ran an instruction early as `Choice::reorder` asked.
    pub reordered: bool,
    /// Whether a WFE returned at once as `Choice::wfe_returns` asked.
    pub wfe_returned: bool,
}

/// Collects what a step did, when a trace is wanted.
struct Rec {
    on: bool,
    record: Option<Box<StepRecord>>,
    outcomes: Vec<Outcome>,
    reordered: bool,
    wfe_returned: bool,
}

impl Rec {
    fn new(on: bool, index: u64) -> Rec {
        Rec {
            on,
            record: on.then(|| Box::new(empty_record(index))),
            outcomes: Vec::new(),
            reordered: false,
            wfe_returned: false,
        }
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
        // One clock per context, and one per DMA source (`Program::dma_context`).
        let mut clocks = vec![VectorClock::default(); program.clock_slots()];
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
            // Empty, so cloning a state allocates nothing, when no source
            // receives by DMA (only a DMA source's index is ever used).
            dma: if program.dma_sources().next().is_some() { vec![None; program.sources.len()] } else { Vec::new() },
            events: vec![EventCounts::default(); program.sources.len()],
            track_events: program.functions.iter().flat_map(|f| &f.body).any(|i| matches!(i.op, Op::EventCount { .. })),
            step: 0,
            status: Status::Running,
            reported_races: Vec::new(),
            bounds,
            contended: program.accessors().iter().map(|u| u.count_ones() >= 2).collect(),
            may_livelock: KeyHints::unbounded_cores(program)
                .iter()
                .enumerate()
                // A valid program has 1 or 2 cores (`Program::validate`).
                .take(8)
                .fold(0, |mask, (core, unbounded)| mask | (u8::from(*unbounded) << core)),
        };
        for core in 0..program.cores {
            let thread = program.thread_of(core).unwrap_or(ContextId(0));
            let mut c = Core {
                stack: vec![Activation { context: thread, frames: Vec::new() }],
                primask: false,
                basepri: 0,
                entering: None,
                asleep: false,
                in_wfe: false,
                event: false,
                spinning: false,
                call: 0,
                iterations: 0,
                thread_done: false,
                steps_since_thread_ran: 0,
                entries: 0,
                lasso: None,
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

    /// The locations this run has reported a data race on.
    pub fn reported_races(&self) -> &[Location] {
        &self.reported_races
    }

    /// Per location: whether it can race (plain, and two or more contexts
    /// touch it), as `sync::race_access` checks.
    pub(crate) fn racy_locations(program: &Program) -> Vec<bool> {
        program
            .accessors()
            .iter()
            .zip(&program.locations)
            .map(|(u, l)| u.count_ones() >= 2 && l.kind != crate::program::LocationKind::Atomic)
            .collect()
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

    /// The context on top of a core's stack and how deep the stack is:
    /// `stack` without building the list (the explorer asks per move).
    pub(crate) fn top_of_stack(&self, core: u8) -> (Option<ContextId>, usize) {
        let stack = &self.cores[core as usize].stack;
        (stack.last().map(|a| a.context), stack.len())
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
        let depth = self.cores[core as usize].stack.len();
        self.step_core(program, core, choice.reorder, choice.wfe_returns, &mut rec);
        let entered = self.cores[core as usize].stack.len() > depth;
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
        if entered && self.status == Status::Running {
            self.check_livelock(core, choice.later, &mut rec);
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
        Some(Stepped {
            record: rec.record,
            outcomes: rec.outcomes,
            reordered: rec.reordered,
            wfe_returned: rec.wfe_returned,
        })
    }

    fn step_core(&mut self, program: &Program, core: u8, reorder: u16, wfe_returns: bool, rec: &mut Rec) {
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
            c.in_wfe = false;
            // An exception that preempts is a WFE wake-up event, and sets
            // the event register (ARMv7-M B1.5.18).
            c.event = true;
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
                // were clear (ARMv7-M B1.5.19, "Wait For Interrupt"); WFE
                // on a wake-up event, which leaves the event register set
                // (B1.5.18): an SEV from the other core.
                if self.sleeper_wakes(program, core) {
                    let c = &mut self.cores[ci];
                    c.asleep = false;
                    c.in_wfe = false;
                } else {
                    rec.with(|r| r.kind = StepKind::Sleep);
                    self.cores[ci].cycles += 1;
                    return;
                }
            }
            let c = &mut self.cores[ci];
            c.steps_since_thread_ran = 0;
            c.entries = 0;
            c.lasso = None;
        } else {
            self.cores[ci].steps_since_thread_ran += 1;
        }
        self.exec(program, core, reorder, wfe_returns, rec);
        if top == 0 && self.cores[ci].thread_done {
            rec.event(|| Event::ThreadDone { context: thread_ctx });
        }
    }

    /// Pushes the frame of the thread's next call, or marks the thread done.
    fn start_next_call(&self, program: &Program, c: &mut Core) {
        let thread = c.stack[0].context;
        let ContextKind::Thread { calls, .. } = &program.context(thread).kind else {
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
        in_wfe: false,
        event: false,
        spinning: false,
        call: 0,
        iterations: 0,
        thread_done: true,
        steps_since_thread_ran: 0,
        entries: 0,
        lasso: None,
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
