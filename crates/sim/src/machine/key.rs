//! The explorer's identity of a state: everything that decides the future
//! of the run, exactly, and nothing that only measures it (the step number,
//! cycle counts, the bounds, and where a past access was for a race report).
//!
//! `Machine::state_key` destructures every state struct without `..`, so a
//! field added to `Machine`, `Core`, `Activation` or `Frame` does not compile
//! until it is placed here: in the key, or named as a meter.

use crate::program::{ContextKind, Location, MAX_CONTEXTS, NvicOp, Op, Program, Trigger};
use crate::race::{AccessRef, VectorClock};

use super::{Activation, Bounds, Core, Frame, Machine};

/// What the explorer knows that lets a state key leave out what can no
/// longer change any verdict (docs/SEMANTICS.md §5, "What the key leaves
/// out"). `KeyHints::default()` leaves out nothing: the key is exact.
#[derive(Clone, Debug, Default)]
pub struct KeyHints {
    starvation_steps: u64,
    /// Per core: the most steps one activation of each handler can take
    /// (indexed by context), when the core's handler work is bounded:
    /// every handler on it is loop-free, pends nothing, and every source
    /// that pends one is edge-triggered. None otherwise.
    activation_steps: Vec<Option<Vec<u64>>>,
    /// Per source: its handler (a context index) and `max_arrivals`.
    sources: Vec<(Option<usize>, u32)>,
    /// Per source: the core whose cycle count times its latency.
    source_cores: Vec<usize>,
    /// Per location: a race on it has been reported somewhere in the
    /// search, so its access history can change no verdict.
    settled: Vec<bool>,
    /// Locations that can race and are not settled: at 0 the vector clocks
    /// can change no verdict either.
    unsettled: usize,
}

impl KeyHints {
    pub fn new(program: &Program, bounds: &Bounds) -> KeyHints {
        let activation_steps = Self::activation_steps(program);
        let racy = Machine::racy_locations(program);
        KeyHints {
            starvation_steps: bounds.starvation_steps,
            activation_steps,
            sources: program.sources.iter().map(|s| (s.handler.map(|h| h.0 as usize), s.max_arrivals)).collect(),
            source_cores: program
                .sources
                .iter()
                .map(|s| s.handler.map_or(0, |h| usize::from(program.context(h).core)))
                .collect(),
            unsettled: racy.iter().filter(|r| **r).count(),
            settled: vec![false; racy.len()],
        }
    }

    /// Per core: the most steps one activation of each handler can take,
    /// or None when the core's handler work is unbounded (`activation_steps`).
    fn activation_steps(program: &Program) -> Vec<Option<Vec<u64>>> {
        let cores = usize::from(program.cores.max(1));
        let mut activation_steps: Vec<Option<Vec<u64>>> = vec![Some(vec![0; program.contexts.len()]); cores];
        for (i, ctx) in program.contexts.iter().enumerate() {
            let ContextKind::Handler { func, .. } = ctx.kind else { continue };
            let Some(Some(steps)) = activation_steps.get_mut(usize::from(ctx.core)) else { continue };
            let body = &program.function(func).body;
            let bounded = body.iter().enumerate().all(|(pc, instr)| match &instr.op {
                Op::Jump { target } => *target as usize > pc,
                Op::Branch { then_target, else_target, .. } => *then_target as usize > pc && *else_target as usize > pc,
                // A call left after inlining is recursion; a spinlock and
                // WFI can wait; a software pend starts more handler work.
                Op::Call { .. }
                | Op::SpinlockAcquire { .. }
                | Op::Wfi
                | Op::Wfe
                | Op::Nvic { op: NvicOp::Pend, .. } => false,
                _ => true,
            });
            if bounded {
                // Each instruction at most twice (a 64-bit access is two
                // steps; a speculated load is read, then used), plus
                // stacking, return and a tail-chain.
                steps[i] = 2 * body.len() as u64 + 3;
            } else {
                activation_steps[usize::from(ctx.core)] = None;
            }
        }
        for s in &program.sources {
            if let Some(h) = s.handler
                && s.trigger != Trigger::Edge
                && let Some(core) = activation_steps.get_mut(usize::from(program.context(h).core))
            {
                // A level source pends again while its flag stays set.
                *core = None;
            }
        }
        activation_steps
    }

    /// Per core: whether its handler work is unbounded (see
    /// `activation_steps`).
    pub(crate) fn unbounded_cores(program: &Program) -> Vec<bool> {
        Self::activation_steps(program).iter().map(Option::is_none).collect()
    }

    /// A race on `loc` was reported: its history leaves the key.
    pub fn settle(&mut self, loc: Location) {
        if let Some(s) = self.settled.get_mut(loc.0 as usize)
            && !*s
        {
            *s = true;
            self.unsettled = self.unsettled.saturating_sub(1);
        }
    }

    fn clocks_matter(&self) -> bool {
        self.settled.is_empty() || self.unsettled > 0
    }

    fn history_matters(&self, loc: usize) -> bool {
        !self.settled.get(loc).copied().unwrap_or(false)
    }

    /// Whether core `ci`'s count of steps since its thread ran can still
    /// reach the starvation bound: false when the handler work that can
    /// still run before the thread runs again is too short.
    pub(crate) fn starvation_possible(&self, m: &Machine, ci: usize) -> bool {
        let Some(Some(steps)) = self.activation_steps.get(ci) else { return true };
        let core = &m.cores[ci];
        let mut left = core.steps_since_thread_ran;
        for act in &core.stack[1..] {
            // Its frame may be gone already: the exception return (and a
            // tail-chain) still take steps.
            let body =
                act.frames.last().map_or(3, |f| steps[act.context.0 as usize].saturating_sub(2 * u64::from(f.pc)));
            left += body;
        }
        if let Some(entering) = &core.entering {
            left += steps[entering.candidate.0 as usize];
        }
        for (i, x) in m.exceptions.iter().enumerate() {
            if x.pending {
                left += steps.get(i).copied().unwrap_or(0);
            }
        }
        for ((handler, max), arrived) in self.sources.iter().zip(&m.arrivals) {
            if let Some(h) = handler {
                left += u64::from(max.saturating_sub(*arrived)) * steps.get(*h).copied().unwrap_or(0);
            }
        }
        left >= self.starvation_steps
    }
}

/// The whole state, encoded: two states are one iff their keys are equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StateKey(Box<[u32]>);

impl std::borrow::Borrow<[u32]> for StateKey {
    fn borrow(&self) -> &[u32] {
        &self.0
    }
}

impl From<&[u32]> for StateKey {
    fn from(words: &[u32]) -> StateKey {
        StateKey(words.into())
    }
}

impl StateKey {
    /// The encoded state.
    pub fn words(&self) -> &[u32] {
        &self.0
    }

    /// Bytes the key holds, to measure the visited set.
    pub fn size(&self) -> usize {
        self.0.len() * 4
    }
}

struct Encoder<'a>(&'a mut Vec<u32>);

impl Encoder<'_> {
    fn u(&mut self, v: u32) {
        self.0.push(v);
    }
    fn wide(&mut self, v: u64) {
        self.0.push(v as u32);
        self.0.push((v >> 32) as u32);
    }
    fn flag(&mut self, b: bool) {
        self.0.push(u32::from(b));
    }
    fn len(&mut self, n: usize) {
        self.0.push(n as u32);
    }
}

impl Machine {
    /// The state's identity for the explorer's visited set (see the module).
    pub fn state_key(&self) -> StateKey {
        let mut words = Vec::new();
        self.encode_state(&mut words, &KeyHints::default());
        StateKey(words.into_boxed_slice())
    }

    /// Writes the state key's words into `words` (cleared first), so the
    /// explorer can look a state up without allocating.
    pub fn encode_state(&self, words: &mut Vec<u32>, hints: &KeyHints) {
        self.encode(words, hints, true);
    }

    /// The exact state (`KeyHints::default()`), with or without each core's
    /// count of steps its thread has waited (`check_livelock` compares
    /// states without it).
    pub(super) fn encode_exact(&self, words: &mut Vec<u32>, waited: bool) {
        self.encode(words, &KeyHints::default(), waited);
    }

    fn encode(&self, words: &mut Vec<u32>, hints: &KeyHints, waited: bool) {
        words.clear();
        let Machine {
            cores,
            memory,
            last_writer,
            exceptions,
            flags,
            locks,
            lock_clocks,
            clocks,
            histories,
            atomic_clocks,
            arrivals,
            dma,
            events,
            status,
            // Meters and constants of the run, not state. `reported_races`
            // only keeps a second race on a location from being reported
            // again: once one is, "no undefined behavior" is violated
            // whatever follows, so merging on it changes no verdict.
            reported_races: _,
            step: _,
            track_events: _,
            bounds: _,
            contended: _,
            may_livelock: _,
        } = self;
        let clocks_matter = hints.clocks_matter();
        let epochs = if clocks_matter { EpochRanks::of(self) } else { EpochRanks::None };
        let mut e = Encoder(words);
        let clock = |vc: &VectorClock, e: &mut Encoder| {
            if clocks_matter {
                for c in 0..clocks.len() {
                    e.u(epochs.rank(c, vc.0[c]));
                }
            }
        };
        e.len(cores.len());
        for (ci, core) in cores.iter().enumerate() {
            let Core {
                stack,
                primask,
                basepri,
                entering,
                asleep,
                in_wfe,
                event,
                spinning,
                call,
                iterations,
                thread_done,
                steps_since_thread_ran,
                released,
                cycles: _,
                // Where the search for a repeated state stands: it only
                // ends a run that would starve anyway, sooner
                // (`check_livelock`), so merging on it changes no verdict.
                entries: _,
                lasso: _,
            } = core;
            e.len(stack.len());
            for Activation { context, frames } in stack {
                e.u(u32::from(context.0));
                e.len(frames.len());
                for frame in frames {
                    let Frame {
                        func,
                        pc,
                        locals,
                        ret,
                        ahead,
                        speculated,
                        half,
                        spin_sig,
                        changed_since_backedge,
                        reads_since_backedge,
                    } = frame;
                    e.u(func.0);
                    e.u(*pc);
                    e.len(locals.len());
                    locals.iter().for_each(|l| e.wide(*l));
                    e.u(ret.map_or(u32::MAX, |l| u32::from(l.0)));
                    e.len(ahead.len());
                    ahead.iter().for_each(|p| e.u(*p));
                    e.len(speculated.len());
                    for s in speculated {
                        e.u(s.branch);
                        e.u(s.target);
                        e.u(s.pc);
                        e.wide(s.value);
                        e.flag(s.armed);
                    }
                    e.flag(half.is_some());
                    e.wide(half.unwrap_or(0));
                    e.flag(spin_sig.is_some());
                    e.wide(spin_sig.unwrap_or(0));
                    e.flag(*changed_since_backedge);
                    e.len(reads_since_backedge.len());
                    for (l, v) in reads_since_backedge {
                        e.u(l.0);
                        e.wide(*v);
                    }
                }
            }
            e.flag(*primask);
            e.u(u32::from(*basepri));
            e.u(entering.map_or(u32::MAX, |x| u32::from(x.candidate.0)));
            e.flag(*asleep);
            e.flag(*in_wfe);
            e.flag(*event);
            // Whether it is known to be stuck decides if the run may end here.
            e.flag(*spinning);
            e.u(u32::from(*call));
            e.u(*iterations);
            e.flag(*thread_done);
            // How long the thread has waited: a handler that loops forever
            // makes new states until the starvation window ends it. Left
            // out when the handler work still to come cannot reach the
            // window (the count then decides nothing).
            if waited && hints.starvation_possible(self, ci) {
                e.flag(true);
                e.wide(*steps_since_thread_ran);
            } else {
                e.flag(false);
            }
            clock(released, &mut e);
        }
        memory.iter().for_each(|v| e.wide(*v));
        last_writer.iter().for_each(|w| e.u(w.map_or(u32::MAX, |c| u32::from(c.0))));
        for x in exceptions {
            e.u(u32::from(x.enabled)
                | u32::from(x.pending) << 1
                | u32::from(x.active) << 2
                | u32::from(x.priority) << 8);
        }
        flags.iter().for_each(|f| e.flag(*f));
        e.len(locks.len());
        for (lock, holder) in locks {
            e.u(u32::from(*lock));
            e.u(u32::from(holder.0));
        }
        e.len(lock_clocks.len());
        for (lock, vc) in lock_clocks {
            e.u(u32::from(*lock));
            clock(vc, &mut e);
        }
        for vc in clocks.iter().chain(atomic_clocks) {
            clock(vc, &mut e);
        }
        let access = |a: &AccessRef, e: &mut Encoder| {
            // Where the access was (func, pc, step) only words a race report.
            e.u(u32::from(a.context.0));
            e.u(epochs.rank(a.context.0 as usize, a.epoch));
        };
        for (loc, hist) in histories.iter().enumerate() {
            if !clocks_matter || !hints.history_matters(loc) {
                continue;
            }
            match &hist.last_write {
                Some(w) => access(w, &mut e),
                None => e.u(u32::MAX),
            }
            e.len(hist.reads.len());
            for r in &hist.reads {
                access(r, &mut e);
            }
        }
        arrivals.iter().for_each(|a| e.u(*a));
        for t in dma {
            match t {
                // The instruction that started it only words a race report.
                Some(super::Transfer { buffer, len, pos, func: _, pc: _ }) => {
                    e.u(buffer.0);
                    e.u(*len);
                    e.u(*pos);
                }
                None => e.u(u32::MAX),
            }
        }
        for (i, c) in events.iter().enumerate() {
            e.u(c.handled);
            e.u(c.lost);
            e.wide(c.max_latency);
            // A waiting event's latency so far decides the latency it will
            // have: its age on its core's clock, not the absolute cycle
            // (the cycle count is a meter, not in the key). Without the
            // program (`KeyHints::default`), the absolute time and every
            // core's clock, which is exact too.
            match (c.pending_since, hints.source_cores.get(i)) {
                (None, _) => e.flag(false),
                (Some(since), Some(&core)) => {
                    e.flag(true);
                    e.wide(cores[core].cycles.saturating_sub(since));
                }
                (Some(since), None) => {
                    e.flag(true);
                    e.wide(since);
                    cores.iter().for_each(|c| e.wide(c.cycles));
                }
            }
        }
        e.u(*status as u32);
    }

    /// Calls `f(context, epoch)` for every epoch value the state holds.
    fn for_each_epoch(&self, mut f: impl FnMut(usize, u32)) {
        let n = self.clocks.len();
        let clocks = self
            .clocks
            .iter()
            .chain(&self.atomic_clocks)
            .chain(self.cores.iter().map(|c| &c.released))
            .chain(self.lock_clocks.iter().map(|(_, vc)| vc));
        for vc in clocks {
            for (c, v) in vc.0[..n].iter().enumerate() {
                f(c, *v);
            }
        }
        for hist in &self.histories {
            for a in hist.last_write.iter().chain(&hist.reads) {
                f(a.context.0 as usize, a.epoch);
            }
        }
    }
}

/// The rank of each epoch among the distinct values of its context in one
/// state. Hashing ranks instead of values keeps every comparison the race
/// detector makes (joins are maxima, a release adds a new maximum), so two
/// runs that differ only in how many release points they passed hash alike.
/// Values of a context usually lie within 64 of each other: then a bit set
/// above the minimum gives ranks by popcount; otherwise a sorted list does.
enum EpochRanks {
    /// Not computed: the clocks are not in the key.
    None,
    Bits {
        min: [u32; MAX_CONTEXTS],
        bits: [u64; MAX_CONTEXTS],
    },
    Sorted {
        values: Vec<(u16, u32)>,
        starts: Vec<usize>,
    },
}

impl EpochRanks {
    fn of(m: &Machine) -> EpochRanks {
        // One pass: the bits lie above the smallest value seen so far and
        // move up when a smaller one turns up; a value 64 or more above the
        // minimum, now or once the minimum drops, makes the set wide (as a
        // pass for the minimum and then one for the bits would find).
        let mut min = [u32::MAX; MAX_CONTEXTS];
        let mut bits = [0u64; MAX_CONTEXTS];
        let mut wide = false;
        m.for_each_epoch(|c, v| {
            if v < min[c] {
                if bits[c] != 0 {
                    let shift = min[c] - v;
                    if shift >= 64 || bits[c].leading_zeros() < shift {
                        wide = true;
                    }
                    bits[c] = bits[c].checked_shl(shift).unwrap_or(0);
                }
                min[c] = v;
            }
            let d = v - min[c];
            if d < 64 {
                bits[c] |= 1 << d;
            } else {
                wide = true;
            }
        });
        if !wide {
            return EpochRanks::Bits { min, bits };
        }
        let mut values = Vec::new();
        m.for_each_epoch(|c, v| values.push((c as u16, v)));
        values.sort_unstable();
        values.dedup();
        let starts = (0..=MAX_CONTEXTS).map(|c| values.partition_point(|e| (e.0 as usize) < c)).collect();
        EpochRanks::Sorted { values, starts }
    }

    fn rank(&self, c: usize, v: u32) -> u32 {
        match self {
            EpochRanks::Bits { min, bits } => {
                let d = v.saturating_sub(min[c]).min(63);
                (bits[c] & ((1u64 << d) - 1)).count_ones()
            }
            EpochRanks::None => 0,
            EpochRanks::Sorted { values, starts } => {
                (values.partition_point(|e| *e < (c as u16, v)) - starts[c]) as u32
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KeyHints;
    use crate::build::ProgramBuilder;
    use crate::machine::{Bounds, Machine};
    use crate::program::{EventCount, Op, Operand, Program, PropertyWhen, SourceId, Target, Trigger};

    /// One handler, one source, and a latency budget (so events are tracked).
    fn program() -> Program {
        let mut b = ProgramBuilder::new(Target::Armv7em, 1);
        let main = b.function("main", 0, |f| {
            f.ret();
        });
        b.thread("main", 0, &[(main, 1)]);
        let body = b.function("on_irq", 0, |f| {
            f.ret();
        });
        let h = b.handler("IRQ0", 0, 1, body);
        b.source("IRQ0", Some(h), Trigger::Edge, 1);
        b.property("fast", PropertyWhen::End, |f| {
            let (l, ok) = (f.local(), f.local());
            f.op(Op::EventCount { dst: l, source: SourceId(0), count: EventCount::MaxLatency });
            f.op(Op::Binary {
                op: crate::program::BinOp::Le,
                ty: crate::value::Ty::U32,
                dst: ok,
                lhs: Operand::Local(l),
                rhs: Operand::Const(20),
            });
            f.op(Op::Return { value: Some(Operand::Local(ok)) });
        });
        b.build()
    }

    fn key(m: &Machine, hints: &KeyHints) -> Vec<u32> {
        let mut words = Vec::new();
        m.encode_state(&mut words, hints);
        words
    }

    /// The latency an event will have is decided by how long it has waited,
    /// not by the absolute cycle it was pended at: the cycle count is a
    /// meter outside the key, so an absolute time merged an event that had
    /// waited 50 cycles with one that had waited 70.
    #[test]
    fn a_waiting_event_is_keyed_by_its_age() {
        let p = program();
        let hints = KeyHints::new(&p, &Bounds::default());
        let waiting = |since: u64, now: u64| {
            let mut m = Machine::new(&p, Bounds::default());
            m.events[0].pending_since = Some(since);
            m.cores[0].cycles = now;
            m
        };
        assert_ne!(key(&waiting(100, 150), &hints), key(&waiting(100, 170), &hints), "waited 50 vs 70 cycles");
        assert_eq!(key(&waiting(100, 150), &hints), key(&waiting(120, 170), &hints), "both waited 50 cycles");
        // Without the program's hints the key stays exact.
        let exact = KeyHints::default();
        assert_ne!(key(&waiting(100, 150), &exact), key(&waiting(100, 170), &exact));
    }

    /// Main and a handler both write plain `P`, so a race on it is possible:
    /// what each context has synchronized with (its vector clock) and who
    /// touched `P` last (its history) decide whether a later access races,
    /// so they stay in the key until a race on `P` is reported, and leave it
    /// then. (The oracle compares verdicts, which rarely hinge on one merged
    /// state: this checks the rule itself.)
    #[test]
    fn clocks_and_histories_separate_states_until_the_location_is_settled() {
        use crate::program::{LocationKind, MAX_CONTEXTS};
        use crate::race::{AccessRef, VectorClock};
        use crate::value::Ty;
        let mut b = ProgramBuilder::new(Target::Armv7em, 1);
        let p_loc = b.scalar("P", Ty::U32, LocationKind::Plain, 0);
        let main = b.function("main", 0, |f| {
            f.store(p_loc, Operand::Const(1)).ret();
        });
        b.thread("main", 0, &[(main, 1)]);
        let body = b.function("on_irq", 0, |f| {
            f.store(p_loc, Operand::Const(2)).ret();
        });
        let h = b.handler("IRQ0", 0, 1, body);
        b.source("IRQ0", Some(h), Trigger::Edge, 1);
        let p = b.build();
        let mut hints = KeyHints::new(&p, &Bounds::default());
        let base = Machine::new(&p, Bounds::default());
        let mut synced = base.clone();
        synced.clocks[0] = VectorClock([3; MAX_CONTEXTS]);
        let mut written = base.clone();
        written.histories[p_loc.0 as usize].last_write =
            Some(AccessRef { context: h, epoch: 1, func: 1, pc: 0, step: 4 });
        assert_ne!(key(&base, &hints), key(&synced, &hints), "a clock decides later races");
        assert_ne!(key(&base, &hints), key(&written, &hints), "so does the last write");
        hints.settle(p_loc);
        assert_eq!(key(&base, &hints), key(&synced, &hints), "settled: no race left to find");
        assert_eq!(key(&base, &hints), key(&written, &hints));
    }
}
