//! The explorer: every arrival point of every event, every compiler
//! reordering the memory model allows, every core interleaving; a verdict for
//! each property and the shortest counterexample `Schedule` for each failure.
//!
//! It is a breadth-first search over machine states, in order of steps taken,
//! with three kinds of move: an event arrives now (between steps, so it costs
//! no step), a core takes a step (optionally with the compiler's reordering of
//! its next two instructions), or, when nothing can run without a new event,
//! the run ends. Moves that take no step are expanded at once, in the same
//! layer, so every state is expanded once, at the fewest steps that reach it,
//! and the counterexample kept for each failure is a shortest one; among
//! equally short ones, the one with the fewest arrivals and, of those, the
//! earliest (arrivals are tried first).
//! States are deduplicated on the whole machine state (`Machine::state_key`,
//! exact, not a hash), which includes the arrivals so far. An arrival just before a step that touches
//! nothing a handler touches is not tried (arriving just after it reaches the
//! same state).
//!
//! The search is resumable: `run_for` does a bounded amount of work and
//! returns, so a web page can run it in slices or a worker with progress and
//! cancel. It has no clock: the caller measures time and calls `stop`.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::machine::{Bounds, Choice, KeyHints, Machine, Move, Status};
use crate::outcome::{Bound, Outcome, Severity};
use crate::program::{Program, ProgramError};
use crate::schedule::{Arrival, ArrivalPoint, Schedule, ScheduleItem};
use crate::session::Session;

/// Limits of one exploration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExploreConfig {
    /// Distinct states kept in the visited set (memory stays bounded by it).
    pub max_states: u64,
    /// Bounds of each run (steps along one path, starvation window).
    pub bounds: Bounds,
}

impl Default for ExploreConfig {
    fn default() -> Self {
        ExploreConfig {
            max_states: 2_000_000,
            bounds: Bounds { max_steps: 20_000, starvation_steps: 500, ..Bounds::default() },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// True on every schedule (the search was complete).
    Holds,
    /// False on the counterexample.
    Violated,
    /// Not violated on the schedules tried, but a bound cut the search.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counterexample {
    pub schedule: Schedule,
    /// Steps from reset to the failure.
    pub steps: u64,
    /// What went wrong, in one sentence.
    pub explanation: String,
    /// The steps that decide it, in order (`story::tell`).
    #[serde(default)]
    pub story: Vec<crate::story::StoryLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyReport {
    pub name: String,
    /// The Rust expression, or a description for the built-in properties.
    pub source: String,
    pub verdict: Verdict,
    pub counterexample: Option<Counterexample>,
}

/// How many explored schedules ended with these values and outcomes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCount {
    /// (location name, value) for every location.
    pub finals: Vec<(String, String)>,
    /// Labels of what was detected on the way (`data-race`, `panic`...).
    pub labels: Vec<String>,
    /// The worst of their severities (`Outcome::severity`): whether these
    /// runs failed.
    pub severity: Severity,
    /// Whether a board run would show them as failed (`Outcome::board_sees`).
    pub board_failure: bool,
    pub count: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub complete: bool,
    pub cut_by: Option<Bound>,
    /// Runs followed to their end (a finish, a halt or a bound).
    pub schedules: u64,
    /// Distinct machine states.
    pub states: u64,
    /// States reached again and not explored twice.
    pub merged: u64,
    /// States explored again because they were reached in fewer steps.
    pub revisited: u64,
    /// What plain enumeration would run: see `naive_schedules`.
    pub naive_schedules: f64,
    pub properties: Vec<PropertyReport>,
    pub outcomes: Vec<OutcomeCount>,
    /// The deepest main stack of any state reached, in bytes
    /// (`Machine::stack_bytes`), when a property reads `stack_bytes()`: the
    /// search then tries every step as an arrival point, so on a complete
    /// search it is the worst case.
    #[serde(default)]
    pub max_stack_bytes: Option<u32>,
}

impl Report {
    /// naive / explored: how much state hashing and the local-step rule saved.
    pub fn pruning_ratio(&self) -> f64 {
        if self.schedules == 0 { 0.0 } else { self.naive_schedules / self.schedules as f64 }
    }

    pub fn violated(&self) -> bool {
        self.properties.iter().any(|p| p.verdict == Verdict::Violated)
    }
}

/// One run the explorer followed to its end: how to replay it, and what it
/// ended with (for the replay check, `Explorer::record_ends`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct End {
    pub schedule: Schedule,
    pub memory: Vec<u64>,
    /// The labels of every outcome on the way (`Outcome::label`, with a
    /// hang as `waiting`), sorted.
    pub labels: Vec<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub done: bool,
    pub states: u64,
    pub schedules: u64,
}

/// The visited set: each state's key with its hash, computed once. A
/// lookup and the insert after it share one hash, and growing the table
/// never hashes a key again (it was a tenth of the search's time).
#[derive(Debug, Default)]
struct Visited {
    /// Per state: its hash, where its key lies in `words` (start, length)
    /// and its index into `best_steps`.
    table: hashbrown::HashTable<(u64, usize, u32, u32)>,
    /// Every key, one after another: one allocation for the whole set
    /// instead of one per state.
    words: Vec<u32>,
}

impl Visited {
    fn hash(words: &[u32]) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(words)
    }

    fn len(&self) -> usize {
        self.table.len()
    }

    /// The index of the state with this key, if it was seen.
    fn get(&self, hash: u64, words: &[u32]) -> Option<u32> {
        let all = &self.words;
        self.table
            .find(hash, |&(h, start, len, _)| h == hash && &all[start..start + len as usize] == words)
            .map(|&(_, _, _, i)| i)
    }

    fn insert(&mut self, hash: u64, words: &[u32], index: u32) {
        let start = self.words.len();
        self.words.extend_from_slice(words);
        self.table.insert_unique(hash, (hash, start, words.len() as u32, index), |&(h, ..)| h);
    }
}

#[derive(Debug)]
struct Node {
    machine: Machine,
    /// Its entry in `best_steps` (its state key is in `visited`).
    state: u32,
    steps: u64,
    /// Index into the trail arena: how this state was reached.
    trail: u32,
    /// What was detected on the way (bits of `LABELS`).
    labels: u16,
}

/// One link of a path: the schedule item of the move that made it (if the
/// move needs one to replay) and the link before it.
#[derive(Clone, Copy, Debug)]
struct Trail {
    parent: u32,
    item: Option<ScheduleItem>,
}

const LABELS: [&str; 12] = [
    "uninitialized",
    "panic",
    "double-borrow",
    "data-race",
    "deadlock",
    "waiting",
    "starvation",
    "event-lost",
    "property-violated",
    "bound-hit",
    "never-finishes",
    "property-unknown",
];

/// The label names of a label set, in `LABELS` order.
pub fn label_names(labels: u16) -> Vec<&'static str> {
    LABELS.iter().enumerate().filter(|(i, _)| labels & (1 << i) != 0).map(|(_, l)| *l).collect()
}

/// The label of an outcome as the explorer counts it (a bit of `LABELS`).
pub fn label_bit(o: &Outcome) -> u16 {
    let label = match o {
        Outcome::Hang { .. } => "waiting",
        other => other.label(),
    };
    LABELS.iter().position(|l| *l == label).map_or(0, |i| 1 << i)
}

/// The built-in properties every program is checked against.
const NO_UB: &str = "no undefined behavior";
const NO_PANIC: &str = "no panic";
const NO_HANG: &str = "no deadlock or starvation";

#[derive(Debug)]
pub struct Explorer {
    program: Program,
    config: ExploreConfig,
    /// Locations some handler can touch (for the local-step rule).
    shared: Vec<bool>,
    reduce: bool,
    /// The local-step rule (SEMANTICS.md §5, rule 2), also on where `reduce`
    /// is off for the stack depth.
    reduce_local: bool,
    /// The rule for arrivals that must wait (SEMANTICS.md §5, rule 4), also
    /// on where `reduce` is off for the stack depth.
    reduce_wait: bool,
    /// The fewest steps each state was reached in.
    /// Every distinct state, with its index into `best_steps`.
    visited: Visited,
    /// The fewest steps each state was reached in.
    best_steps: Vec<u64>,
    /// The key of the state being looked up, reused.
    scratch: Vec<u32>,
    /// What the state key may leave out (`KeyHints`, SEMANTICS.md §5).
    hints: KeyHints,
    queue: VecDeque<Node>,
    trails: Vec<Trail>,
    schedules: u64,
    merged: u64,
    revisited: u64,
    cut_by: Option<Bound>,
    done: bool,
    naive: f64,
    properties: Vec<PropertyReport>,
    /// The deepest stack seen, when a property reads it.
    max_stack_bytes: Option<u32>,
    histogram: FxHashMap<(Vec<u64>, u16), u64>,
    /// Per bit of `LABELS`: the severity of the outcomes with that label and
    /// whether a board sees them (the same for every outcome of one label).
    label_verdicts: [(Severity, bool); LABELS.len()],
    /// Properties that could not be evaluated on some run.
    unknown: Vec<bool>,
    /// Per location, the contexts that access it (bits of context indices),
    /// DMA pseudo-contexts included (`Program::dma_context`).
    accessors: Vec<u16>,
    /// The bits of the DMA pseudo-contexts.
    dma_bits: u16,
    /// Per location, the contexts whose code can start a DMA transfer into
    /// it.
    dma_starters: Vec<u16>,
    /// Per context, the contexts that can run while it is part-way through
    /// its code: more urgent handlers of its core, and every context of
    /// another core.
    interleavers: Vec<u16>,
    /// The program sets priorities at run time (not a barrier of the
    /// window): who can interleave is then decided statically only.
    dynamic_priorities: bool,
    /// Whether reorderings no other context can tell apart are skipped.
    reduce_reorders: bool,
    /// The runs followed to their end, kept up to `end_limit`.
    ends: Vec<End>,
    end_limit: usize,
}

impl Explorer {
    pub fn new(program: Program, config: ExploreConfig) -> Result<Explorer, ProgramError> {
        program.validate()?;
        let shared = shared_locations(&program);
        // The local-step rule moves an arrival over a step that touches
        // nothing shared, which changes no state but the time: not sound for
        // `always` properties nor for latency budgets.
        let timed = program.functions.iter().flat_map(|f| &f.body).any(|i| {
            matches!(i.op, crate::program::Op::EventCount { count: crate::program::EventCount::MaxLatency, .. })
        });
        // The same for the stack depth, which a handler's entry adds to at
        // whatever depth the thread has reached.
        let stack_aware = program
            .functions
            .iter()
            .flat_map(|f| &f.body)
            .any(|i| matches!(i.op, crate::program::Op::StackBytes { .. }));
        let always = program.properties.iter().any(|p| p.when == crate::program::PropertyWhen::Always);
        let reduce = !timed && !stack_aware && !always;
        // Rule 2 alone (an arrival is not tried before a local step) keeps
        // every value a property can read, stack depth included, in the same
        // order up to repetition (SEMANTICS.md §5, rule 2), so a program that
        // reads the stack depth keeps it.
        let reduce_local = reduce || (stack_aware && !timed);
        // Rule 4 (an arrival that must wait is tried after the step) keeps
        // them too, except an arrival counter, which it moves: not when an
        // `always` property reads one (SEMANTICS.md §5, rule 4).
        let always_counts = program.properties.iter().any(|p| {
            p.when == crate::program::PropertyWhen::Always
                && program.function(p.func).body.iter().any(|i| matches!(i.op, crate::program::Op::EventCount { .. }))
        });
        let reduce_wait = reduce || (stack_aware && !timed && !always_counts);
        let naive = naive_schedules(&program, config.bounds);
        let mut properties: Vec<PropertyReport> = program
            .properties
            .iter()
            .map(|p| PropertyReport {
                name: p.name.clone(),
                source: p.source.clone(),
                verdict: Verdict::Holds,
                counterexample: None,
            })
            .collect();
        for (name, source) in [
            (NO_UB, "no data race on a non-atomic static"),
            (NO_PANIC, "no assertion, unwrap, RefCell borrow or arithmetic panic"),
            (NO_HANG, "every thread finishes its calls once every event has arrived; nothing starves or deadlocks"),
        ] {
            properties.push(PropertyReport {
                name: name.into(),
                source: source.into(),
                verdict: Verdict::Holds,
                counterexample: None,
            });
        }
        let machine = Machine::new(&program, config.bounds);
        let max_stack_bytes = stack_aware.then(|| machine.deepest_stack(&program));
        let properties_len = properties.len();
        let mut explorer = Explorer {
            shared,
            reduce,
            reduce_local,
            reduce_wait,
            visited: Visited::default(),
            best_steps: vec![0],
            scratch: Vec::new(),
            hints: KeyHints::new(&program, &config.bounds),
            queue: VecDeque::new(),
            trails: vec![Trail { parent: 0, item: None }],
            schedules: 0,
            merged: 0,
            revisited: 0,
            cut_by: None,
            done: false,
            naive,
            properties,
            max_stack_bytes,
            histogram: FxHashMap::default(),
            label_verdicts: [(Severity::Note, false); LABELS.len()],
            unknown: vec![false; properties_len],
            accessors: program.accessors(),
            dma_bits: dma_contexts(&program),
            dma_starters: dma_starters(&program),
            interleavers: interleavers(&program),
            dynamic_priorities: dynamic_priorities(&program),
            reduce_reorders: true,
            ends: Vec::new(),
            end_limit: 0,
            program,
            config,
        };
        machine.encode_state(&mut explorer.scratch, &explorer.hints);
        let hash = Visited::hash(&explorer.scratch);
        explorer.visited.insert(hash, &explorer.scratch, 0);
        explorer.queue.push_back(Node { machine, state: 0, steps: 0, trail: 0, labels: 0 });
        Ok(explorer)
    }

    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Keeps up to `limit` of the runs followed to their end (`ends`), so
    /// each can be replayed through `Session` and compared.
    pub fn record_ends(mut self, limit: usize) -> Explorer {
        self.end_limit = limit;
        self
    }

    /// The runs kept by `record_ends`.
    pub fn ends(&self) -> &[End] {
        &self.ends
    }

    /// Ends the search early: the verdicts that are not violations become unknown.
    pub fn stop(&mut self, bound: Bound) {
        if !self.done {
            self.done = true;
            self.cut_by = Some(bound);
        }
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    pub fn progress(&self) -> Progress {
        Progress { done: self.done, states: self.visited.len() as u64, schedules: self.schedules }
    }

    /// Runs until `work` states have been expanded or the search ends.
    pub fn run_for(&mut self, work: u64) -> Progress {
        let mut budget = work;
        while budget > 0 && !self.done {
            budget -= 1;
            match self.queue.pop_front() {
                Some(node) => self.expand(node),
                None => {
                    self.done = true;
                    self.shrink_counterexamples();
                }
            }
        }
        self.progress()
    }

    /// Makes each counterexample as short to read as it can be: a schedule
    /// item whose removal still breaks the same property is removed (the
    /// search keeps the shortest run in steps, which on two cores spells
    /// out a core for nearly every step). Each candidate is replayed
    /// through `Session`, so what is kept is a run the replay shows.
    fn shrink_counterexamples(&mut self) {
        for index in 0..self.properties.len() {
            let Some(mut best) = self.properties[index].counterexample.clone() else { continue };
            let name = self.properties[index].name.clone();
            let mut i = best.schedule.items.len();
            // From the last item back: a late item often exists only for an
            // earlier one, which goes first.
            while i > 0 {
                i -= 1;
                let mut candidate = best.schedule.clone();
                candidate.items.remove(i);
                if let Some(shorter) = self.replay_breaks(&candidate, &name) {
                    best = shorter;
                    i = i.min(best.schedule.items.len());
                }
            }
            if best.story.is_empty()
                && let Some(told) = self.replay_breaks(&best.schedule, &name)
            {
                best = told;
            }
            self.properties[index].counterexample = Some(best);
        }
    }

    /// Replays `schedule`; the counterexample it is if it breaks `property`
    /// (and every item in it applies).
    fn replay_breaks(&self, schedule: &Schedule, property: &str) -> Option<Counterexample> {
        let mut session = Session::new(self.program.clone(), schedule.clone(), self.config.bounds).ok()?;
        let found = |s: &Session| s.outcomes().iter().find(|o| broken_property(o) == Some(property)).cloned();
        let broken = loop {
            if let Some(o) = found(&session) {
                break o;
            }
            if !session.step() {
                break found(&session)?;
            }
        };
        if !session.not_applied().is_empty() {
            return None;
        }
        let explanation = broken.explain(&self.program);
        let story = crate::story::tell(&self.program, session.trace(), &crate::story::focus(&self.program, &broken));
        Some(Counterexample { schedule: schedule.clone(), steps: session.position(), explanation, story })
    }

    /// Runs to the end (bounded by `max_states`).
    pub fn run(&mut self) -> Report {
        while !self.done {
            self.run_for(1 << 16);
        }
        self.report()
    }

    /// The moves the search tries: the machine's own `enabled_moves`, less
    /// what the reductions leave out (SEMANTICS.md §5, rules 2-5).
    fn moves(&self, m: &Machine) -> Vec<Move> {
        let p = &self.program;
        let mut moves = m.enabled_moves(p, |core, early| self.reorder_visible(m, core, early));
        // Arrivals come first in it: among runs of equal length that reach
        // the same state, the search then keeps the earliest arrival.
        if m.status() != Status::Running || m.is_idle(p) {
            return moves;
        }
        let all_local =
            self.reduce_local && m.steppable_cores(p).iter().all(|&c| m.next_step_is_local(p, c, &self.shared));
        // An arrival whose handler must wait anyway, before a step that does
        // not touch what decides when it runs, is tried after it; before a
        // step that touches nothing shared, none is tried.
        let mut quiet = None;
        moves.retain(|mv| match mv {
            Move::Arrive(s) => !(all_local || (self.reduce_wait && m.arrival_can_wait(p, *s, &mut quiet))),
            _ => true,
        });
        moves
    }

    /// Whether the early access `early` of `core` changes what another
    /// context can see (SEMANTICS.md, "The explorer's reductions"), where
    /// "seen" means a context able to run in between touches its location.
    /// A reordering that moves nothing seen, or moves something seen over
    /// nothing seen, reaches only what program order reaches at other
    /// arrival points.
    fn reorder_visible(&self, m: &Machine, core: u8, early: &crate::reorder::EarlyAccess) -> bool {
        if !self.reduce_reorders {
            return true;
        }
        let p = &self.program;
        let (top, depth) = m.top_of_stack(core);
        let Some(ctx) = top else { return true };
        // Who can run in between now: a masked handler cannot until the
        // mask changes, which ends the window (SEMANTICS.md §5, rule 3).
        let now = if self.dynamic_priorities { u16::MAX } else { m.could_interleave(p, core) };
        let others = self.interleavers[ctx.0 as usize] & now;
        // A DMA sees a location only while it may write it before an
        // access pending now runs: it is in what is left of a running
        // transfer, in the buffer of a transfer started by an instruction
        // the access overtakes, in one this context may start within a
        // window's reach (a start there may later run early too), or in one
        // a context that can run in between may start (SEMANTICS.md §5,
        // rule 3).
        let ahead = if self.dma_bits != 0 { m.dma_starts_ahead(p, core) } else { Default::default() };
        let dma_sees = |loc: crate::program::Location| {
            let covers = |&(b, n): &(crate::program::Location, u32)| (b.0..b.0 + n).contains(&loc.0);
            m.dma_may_write(loc)
                || early.dma_buffers.iter().any(covers)
                || ahead.iter().any(covers)
                || self.dma_starters.get(loc.0 as usize).is_some_and(|s| s & others != 0)
        };
        let visible = |loc: crate::program::Location| {
            self.accessors.get(loc.0 as usize).is_none_or(|users| {
                users & others & !self.dma_bits != 0 || (users & others & self.dma_bits != 0 && dma_sees(loc))
            })
        };
        // It must overtake something another context sees (or a fence);
        // and either it is seen itself, or running it early can let a
        // later, seen access pass what it overtook (an Acquire load holds
        // back what follows it until it runs; found by tests/oracle.rs).
        let seen = (early.over_fence || early.overtaken.iter().any(|l| visible(*l)))
            && (visible(early.moves) || early.unblocks || early.feeds.iter().any(|l| visible(*l)));
        // A speculated load takes a step and two cycles more than program
        // order, wasted if the branch goes the other way: where time can
        // decide a verdict (a latency budget, or a starvation window the
        // running handler's work could still reach), it is tried even
        // unseen (found by tests/oracle.rs with short windows).
        let timing = early.over_branch.is_some()
            && (!self.reduce || (depth > 1 && self.hints.starvation_possible(m, usize::from(core))));
        seen || timing
    }

    fn expand(&mut self, node: Node) {
        if self.best_steps[node.state as usize] < node.steps {
            // Reached again in fewer steps since it was queued.
            self.revisited += 1;
            return;
        }
        let moves = self.moves(&node.machine);
        let count = moves.len();
        let mut parent = Some(node.machine);
        for (i, mv) in moves.into_iter().enumerate() {
            // The last move takes the parent's state instead of copying it.
            let mut child = if i + 1 == count {
                parent.take().expect("the parent state is kept for its last move")
            } else {
                parent.as_ref().expect("the parent state is kept for its last move").clone()
            };
            let step_index = child.step_index();
            let mut item = None;
            let mut steps = node.steps;
            let outcomes = match mv {
                Move::Arrive(source) => {
                    item = Some(ScheduleItem::Arrival(Arrival { source, at: ArrivalPoint::Step(step_index) }));
                    child.arrive_now(&self.program, source)
                }
                Move::Step { core, reorder } => {
                    if reorder > 0 {
                        item = Some(ScheduleItem::Reorder { step: step_index, pick: reorder });
                    } else if let Some(c) = core
                        && c != child.next_core(&self.program)
                    {
                        item = Some(ScheduleItem::Core { step: step_index, core: c });
                    }
                    steps += 1;
                    let choice = Choice { arrivals: Vec::new(), core, reorder, later: false, wfe_returns: false };
                    child.step(&self.program, &choice, false).map(|s| s.outcomes).unwrap_or_default()
                }
                Move::WfeReturns { core } => {
                    item = Some(ScheduleItem::WfeReturns { step: step_index });
                    steps += 1;
                    let choice = Choice { arrivals: Vec::new(), core, reorder: 0, later: false, wfe_returns: true };
                    child.step(&self.program, &choice, false).map(|s| s.outcomes).unwrap_or_default()
                }
                Move::Finish => child.finish(&self.program),
            };
            // A reordering or an early WFE return on two cores also needs
            // its core pick to replay.
            let mut trail = node.trail;
            if let (Move::Step { core: Some(c), reorder: 1.. } | Move::WfeReturns { core: Some(c) }, true) =
                (mv, self.program.cores > 1)
            {
                trail = self.link(trail, Some(ScheduleItem::Core { step: step_index, core: c }));
            }
            if item.is_some() {
                trail = self.link(trail, item);
            }
            if let Some(deepest) = &mut self.max_stack_bytes {
                *deepest = (*deepest).max(child.deepest_stack(&self.program));
            }
            let mut labels = node.labels;
            for o in &outcomes {
                let bit = label_bit(o);
                labels |= bit;
                if bit != 0 {
                    self.label_verdicts[bit.trailing_zeros() as usize] = (o.severity(), o.board_sees());
                }
                self.note_outcome(o, steps, trail);
            }
            if child.status() != Status::Running {
                self.schedules += 1;
                if self.ends.len() < self.end_limit {
                    let labels = label_names(labels);
                    self.ends.push(End { schedule: self.schedule_of(trail), memory: child.memory().to_vec(), labels });
                }
                *self.histogram.entry((child.memory().to_vec(), labels)).or_insert(0) += 1;
                continue;
            }
            for &loc in child.reported_races() {
                self.hints.settle(loc);
            }
            child.encode_state(&mut self.scratch, &self.hints);
            let hash = Visited::hash(&self.scratch);
            let state = match self.visited.get(hash, &self.scratch) {
                Some(i) if self.best_steps[i as usize] <= steps => {
                    self.merged += 1;
                    continue;
                }
                Some(i) => {
                    self.best_steps[i as usize] = steps;
                    i
                }
                None => {
                    if self.visited.len() as u64 >= self.config.max_states {
                        self.stop(Bound::States);
                        return;
                    }
                    let i = self.best_steps.len() as u32;
                    self.best_steps.push(steps);
                    self.visited.insert(hash, &self.scratch, i);
                    i
                }
            };
            let next = Node { machine: child, state, steps, trail, labels };
            if steps == node.steps {
                // A move that takes no step stays in the current layer: expand
                // it now, so its next steps queue before this node's own step
                // (the earliest arrival comes first among equally short runs).
                self.expand(next);
            } else {
                self.queue.push_back(next);
            }
        }
    }

    /// The worst severity of a label set, and whether a board sees it fail.
    fn label_verdicts_of(&self, labels: u16) -> (Severity, bool) {
        (0..LABELS.len())
            .filter(|i| labels & (1 << i) != 0)
            .map(|i| self.label_verdicts[i])
            .fold((Severity::Note, false), |(worst, board), (severity, sees)| (worst.max(severity), board || sees))
    }

    fn link(&mut self, parent: u32, item: Option<ScheduleItem>) -> u32 {
        self.trails.push(Trail { parent, item });
        (self.trails.len() - 1) as u32
    }

    /// The schedule of the path that ends at `trail`.
    fn schedule_of(&self, mut trail: u32) -> Schedule {
        let mut items = Vec::new();
        while trail != 0 {
            let t = self.trails[trail as usize];
            items.extend(t.item);
            trail = t.parent;
        }
        items.reverse();
        Schedule::new(items)
    }

    fn note_outcome(&mut self, o: &Outcome, steps: u64, trail: u32) {
        match o {
            Outcome::PropertyUnknown { name, .. } => {
                if let Some(p) = self.properties.iter().position(|p| &p.name == name) {
                    self.unknown[p] = true;
                }
            }
            // A run cut short: what lies past it is unknown.
            Outcome::BoundHit { bound, .. } if self.cut_by.is_none() => self.cut_by = Some(*bound),
            // Waiting for an event that never comes is the environment's
            // choice, and merged events are how the NVIC works: both are
            // reported in the histogram, not as failures.
            _ => {}
        }
        let Some(property) = broken_property(o) else { return };
        let Some(index) = self.properties.iter().position(|p| p.name == property) else { return };
        if let Some(c) = &self.properties[index].counterexample {
            // The simplest counterexample: the fewest compiler reorderings
            // (a run in program order is easier to follow, and an early
            // access can take its computations with it in one step), then
            // the fewest steps (the search goes in order of steps, so the
            // first one found is a shortest), then the fewest schedule items
            // (the search tries arrivals first, so a second arrival merged
            // into a pending one would otherwise be kept; it changes nothing).
            let key = |s: &Schedule, steps: u64| {
                let reorders = s.items.iter().filter(|i| matches!(i, ScheduleItem::Reorder { .. })).count();
                (reorders, steps, s.items.len())
            };
            if key(&c.schedule, c.steps) <= key(&self.schedule_of(trail), steps) {
                return;
            }
        }
        let explanation = o.explain(&self.program);
        let schedule = self.schedule_of(trail);
        let report = &mut self.properties[index];
        report.verdict = Verdict::Violated;
        // The story is told once the counterexample is final (`shrink_counterexamples`).
        report.counterexample = Some(Counterexample { schedule, steps, explanation, story: Vec::new() });
    }

    /// The findings so far (partial until `is_done`).
    pub fn report(&self) -> Report {
        let complete = self.done && self.cut_by.is_none();
        let properties = self
            .properties
            .iter()
            .zip(&self.unknown)
            .map(|(p, unknown)| {
                let mut p = p.clone();
                if p.verdict == Verdict::Holds && (!complete || *unknown) {
                    p.verdict = Verdict::Unknown;
                }
                p
            })
            .collect();
        let mut outcomes: Vec<OutcomeCount> = self
            .histogram
            .iter()
            .map(|((memory, labels), count)| OutcomeCount {
                finals: self
                    .program
                    .locations
                    .iter()
                    .zip(memory)
                    .map(|(l, v)| (l.name.clone(), l.ty.display(*v)))
                    .collect(),
                labels: label_names(*labels).into_iter().map(str::to_string).collect(),
                severity: self.label_verdicts_of(*labels).0,
                board_failure: self.label_verdicts_of(*labels).1,
                count: *count,
            })
            .collect();
        outcomes.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.finals.cmp(&b.finals)));
        Report {
            complete,
            cut_by: self.cut_by,
            schedules: self.schedules,
            states: self.visited.len() as u64,
            merged: self.merged,
            revisited: self.revisited,
            naive_schedules: self.naive,
            properties,
            outcomes,
            max_stack_bytes: self.max_stack_bytes,
        }
    }
}

/// Whether the program changes a priority at run time.
fn dynamic_priorities(program: &Program) -> bool {
    program.functions.iter().flat_map(|f| &f.body).any(|i| matches!(i.op, crate::program::Op::NvicSetPriority { .. }))
}

/// Per context, the contexts that can run between two of its steps. On one
/// core a handler is preempted only by a more urgent one (ARMv7-M B1.5.4);
/// when the program changes priorities at run time, by any handler of its
/// core. Thread mode is preempted by every handler of its core.
fn interleavers(program: &Program) -> Vec<u16> {
    let dynamic = dynamic_priorities(program);
    let priority = |c: &crate::program::ContextDecl| match c.kind {
        crate::program::ContextKind::Handler { priority, .. } => Some(priority),
        crate::program::ContextKind::Thread { .. } => None,
    };
    program
        .contexts
        .iter()
        .enumerate()
        .map(|(i, me)| {
            let mut mask = 0u16;
            for (j, other) in program.contexts.iter().enumerate().take(16) {
                let can = if i == j {
                    false
                } else if other.core != me.core {
                    true
                } else {
                    match (priority(me), priority(other)) {
                        (_, None) => false,
                        (None, Some(_)) => true,
                        (Some(mine), Some(theirs)) => dynamic || theirs < mine,
                    }
                };
                if can {
                    mask |= 1 << j;
                }
            }
            // A DMA writes between any two steps of anything: no priority
            // or mask holds it back.
            mask | dma_contexts(program)
        })
        .collect()
}

/// Per location, the contexts (bits) whose code, or what it calls, starts
/// a DMA transfer whose buffer covers it.
fn dma_starters(program: &Program) -> Vec<u16> {
    let mut out = vec![0u16; program.locations.len()];
    for (i, ctx) in program.contexts.iter().enumerate().take(16) {
        program.for_each_reachable_instr(ctx, |op| {
            if let crate::program::Op::DmaStart { buffer, len, .. } = *op {
                for l in buffer.0..buffer.0 + len {
                    if let Some(o) = out.get_mut(l as usize) {
                        *o |= 1 << i;
                    }
                }
            }
        });
    }
    out
}

/// The bits of the DMA pseudo-contexts (`Program::dma_context`).
fn dma_contexts(program: &Program) -> u16 {
    program.dma_sources().filter_map(|s| program.dma_context(s)).filter(|c| c.0 < 16).fold(0, |m, c| m | 1 << c.0)
}

/// Locations that some handler's code (including what it calls) or a DMA
/// can touch; with two cores, every location (the other thread is as concurrent).
fn shared_locations(program: &Program) -> Vec<bool> {
    let handlers: u16 = program
        .contexts
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_thread())
        .fold(dma_contexts(program), |mask, (i, _)| mask | (1u16 << i));
    program.accessors().into_iter().map(|users| program.cores > 1 || users & handlers != 0).collect()
}

/// What plain enumeration of arrival points would run, by formula: over the
/// L steps of the run with no arrivals there are L + 1 arrival points; a
/// source with at most N arrivals can place them in C(L + 1 + N, N) ways
/// (multisets of up to N points); sources multiply, and each of the R
/// early accesses offered along that run adds a choice (counted as a doubling). For two cores, each of the
/// C(L0 + L1, L0) interleavings of the two threads multiplies again.
pub fn naive_schedules(program: &Program, bounds: Bounds) -> f64 {
    let Ok(mut s) = Session::new(program.clone(), Schedule::default(), bounds) else { return 0.0 };
    let mut reorderable = 0i32;
    let mut per_core = vec![0u64; program.cores as usize];
    loop {
        reorderable += s.machine().reorder_options(program, None) as i32;
        if !s.step() {
            break;
        }
        if let Some(r) = s.trace().last() {
            per_core[r.core as usize] += 1;
        }
    }
    let l = s.position() as f64;
    let mut total = 1.0f64;
    for src in &program.sources {
        total *= binomial(l + 1.0 + f64::from(src.max_arrivals), f64::from(src.max_arrivals));
    }
    total *= 2f64.powi(reorderable.min(1000));
    if program.cores > 1 {
        total *= binomial((per_core[0] + per_core[1]) as f64, per_core[0] as f64);
    }
    total
}

fn binomial(n: f64, k: f64) -> f64 {
    let mut r = 1.0;
    let mut i = 0.0;
    while i < k {
        r = r * (n - i) / (i + 1.0);
        i += 1.0;
    }
    r
}

/// The property an outcome breaks, as the explorer counts them (the
/// built-in ones by their names).
pub fn broken_property(o: &Outcome) -> Option<&str> {
    Some(match o {
        Outcome::PropertyViolated { name, .. } => name.as_str(),
        Outcome::DataRace { .. } | Outcome::DmaBusy { .. } => NO_UB,
        Outcome::Panic { .. } | Outcome::DoubleBorrow { .. } => NO_PANIC,
        Outcome::Deadlock { .. } | Outcome::Starvation { .. } | Outcome::NeverFinishes { .. } => NO_HANG,
        _ => return None,
    })
}
