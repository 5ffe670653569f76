//! What can go wrong, each explained in one plain sentence.

use serde::{Deserialize, Serialize};

use crate::program::{ContextId, Program, SourceId, Span};

/// A limit of the run that was reached. Runs never go on without one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    Steps,
    Cycles,
    Snapshots,
    States,
    Time,
    /// The user stopped the search (Ctrl-C).
    Interrupted,
}

impl Bound {
    pub fn name(self) -> &'static str {
        match self {
            Bound::Steps => "steps",
            Bound::Cycles => "cycles",
            Bound::Snapshots => "snapshots",
            Bound::States => "states",
            Bound::Time => "time",
            Bound::Interrupted => "Ctrl-C",
        }
    }
}

/// One side of a data race.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RaceAccess {
    pub context: ContextId,
    pub write: bool,
    pub span: Span,
    pub step: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LostReason {
    /// The pending bit (edge) or the event flag (level) was already set.
    Merged,
    /// The handler cleared the flag after the event arrived and before it
    /// looked at it again.
    ClearedLate,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Outcome {
    /// `assert!`, `unwrap` on `None`, an arithmetic or index panic.
    Panic { context: ContextId, span: Span, message: String, uninit_static: Option<String> },
    /// RefCell borrowed twice (a panic).
    DoubleBorrow { context: ContextId, span: Span, static_name: String, mutable: bool },
    /// Conflicting non-atomic accesses with no happens-before between them.
    DataRace { location: String, first: RaceAccess, second: RaceAccess },
    /// A DMA transfer started while the source's transfer still ran: the
    /// peripheral may go on writing the buffer it was given, which the
    /// code now treats as its own (undefined behavior, like a data race).
    /// The run goes on with the new transfer.
    DmaBusy { context: ContextId, span: Span, source: SourceId },
    /// A context spins on a lock or flag that only a context it preempted can release.
    Deadlock { context: ContextId, span: Span, waiting_on: String, holder: ContextId },
    /// A thread waits (WFI or a spin) for an event that may still arrive:
    /// the run stops here because the schedule sends no more. Not a failure.
    Hang { context: ContextId, span: Span, waiting_on: String },
    /// A thread can never finish its calls: every event has arrived (each
    /// source's `max_arrivals`) and it still waits, or it loops forever.
    NeverFinishes { context: ContextId, span: Span, waiting_on: String },
    /// A ready context made no progress within the starvation bound, or
    /// never can: every `period` steps (0 when the bound ended the run)
    /// its core is back in the same state (`Machine::check_livelock`).
    Starvation {
        context: ContextId,
        by: ContextId,
        steps: u64,
        #[serde(default)]
        period: u64,
    },
    /// An event added no handler run.
    EventLost { source: SourceId, step: u64, reason: LostReason },
    /// A lesson property evaluated to false.
    PropertyViolated { name: String, source: String, step: u64 },
    /// A lesson property could not be evaluated (it ran out of its step
    /// bound, or failed): its verdict is unknown, never false.
    PropertyUnknown { name: String, source: String, reason: String },
    /// A bound of the run was reached before it finished.
    BoundHit { bound: Bound, limit: u64 },
}

/// How an outcome weighs on a verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth showing; the run did not fail.
    Note,
    /// The run was cut or a property could not be evaluated: the verdict is
    /// unknown past it.
    Unknown,
    /// The run failed.
    Failure,
}

impl Outcome {
    /// Whether the run stopped because of it (a panic halts the core, like
    /// the firmware's panic handler does).
    pub fn halts(&self) -> bool {
        matches!(
            self,
            Outcome::Panic { .. }
                | Outcome::DoubleBorrow { .. }
                | Outcome::Deadlock { .. }
                | Outcome::Hang { .. }
                | Outcome::NeverFinishes { .. }
                | Outcome::Starvation { .. }
                | Outcome::BoundHit { .. }
        )
    }

    /// What the outcome means for a verdict: the one definition of "the run
    /// failed" that the explorer, the CLI, the web page and xtask share.
    pub fn severity(&self) -> Severity {
        match self {
            Outcome::Panic { .. }
            | Outcome::DoubleBorrow { .. }
            | Outcome::DataRace { .. }
            | Outcome::DmaBusy { .. }
            | Outcome::Deadlock { .. }
            | Outcome::NeverFinishes { .. }
            | Outcome::Starvation { .. }
            | Outcome::PropertyViolated { .. } => Severity::Failure,
            Outcome::BoundHit { .. } | Outcome::PropertyUnknown { .. } => Severity::Unknown,
            // Waiting for an event the schedule does not send is the
            // environment's choice; a merged event is how the NVIC works
            // (a lesson that must not lose events says so in a property).
            Outcome::Hang { .. } | Outcome::EventLost { .. } => Severity::Note,
        }
    }

    /// Whether a run on the board shows it as a failure, so that the QEMU
    /// comparison judges the board by the same verdict (`severity`) narrowed
    /// to what the firmware can observe: a false property it checks, and a
    /// main its watchdog finds stuck (deadlock, starvation). Undefined
    /// behaviour the chip happened to survive (a data race, a double borrow
    /// that the firmware's RefCell turns into a panic it reports apart) and
    /// notes are not seen as a broken run.
    pub fn board_sees(&self) -> bool {
        self.severity() == Severity::Failure
            && matches!(self, Outcome::PropertyViolated { .. } | Outcome::Deadlock { .. } | Outcome::Starvation { .. })
    }

    /// A short stable name, for histograms and JSON.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Panic { uninit_static: Some(_), .. } => "uninitialized",
            Outcome::Panic { .. } => "panic",
            Outcome::DoubleBorrow { .. } => "double-borrow",
            Outcome::DataRace { .. } => "data-race",
            Outcome::DmaBusy { .. } => "dma-busy",
            Outcome::Deadlock { .. } => "deadlock",
            Outcome::Hang { .. } => "hang",
            Outcome::NeverFinishes { .. } => "never-finishes",
            Outcome::PropertyUnknown { .. } => "property-unknown",
            Outcome::Starvation { .. } => "starvation",
            Outcome::EventLost { .. } => "event-lost",
            Outcome::PropertyViolated { .. } => "property-violated",
            Outcome::BoundHit { .. } => "bound-hit",
        }
    }

    /// One plain sentence a learner can act on.
    pub fn explain(&self, program: &Program) -> String {
        let ctx = |c: &ContextId| program.context_name(*c);
        let src = |s: &SourceId| {
            program.sources.get(s.0 as usize).map_or_else(|| format!("source #{}", s.0), |s| s.name.clone())
        };
        match self {
            Outcome::Panic { context, span, message, uninit_static: Some(name) } => format!(
                "{} panicked at line {} ({message}): it read `{name}` before it was initialized, so the handler ran before main put a value in; enable the interrupt only after initialization.",
                ctx(context),
                span.line
            ),
            Outcome::Panic { context, span, message, uninit_static: None } => {
                format!("{} panicked at line {}: {message}.", ctx(context), span.line)
            }
            Outcome::DoubleBorrow { context, span, static_name, mutable } => format!(
                "{} panicked at line {}: `{static_name}` is already {}borrowed (RefCell checks borrows at run time, and a second borrow while the first is alive panics).",
                ctx(context),
                span.line,
                if *mutable { "" } else { "mutably " }
            ),
            Outcome::DataRace { location, first, second } => format!(
                "Undefined behavior: data race on `{location}`: {} {} it at line {} and {} {} it at line {}, with no synchronization between them: the first was not published (a Release store, a fence, the end of a critical section or of the handler) and then acquired by the second (an Acquire load, a fence, the start of a critical section or of the handler).",
                ctx(&first.context),
                if first.write { "wrote" } else { "read" },
                first.span.line,
                ctx(&second.context),
                if second.write { "wrote" } else { "read" },
                second.span.line
            ),
            Outcome::DmaBusy { context, span, source } => format!(
                "Undefined behavior: {} starts a DMA transfer of {} at line {} while the last one still runs: the peripheral may go on writing the buffer it was given, which the code now treats as its own. Start the next transfer once the last has ended (its event), as a HAL's transfer type makes you.",
                ctx(context),
                src(source),
                span.line
            ),
            Outcome::Deadlock { context, span, waiting_on, holder } => format!(
                "Deadlock: {} spins at line {} waiting for {waiting_on}, which {} holds, but {} cannot run again until {} returns.",
                ctx(context),
                span.line,
                ctx(holder),
                ctx(holder),
                ctx(context)
            ),
            Outcome::Hang { context, span, waiting_on } => format!(
                "{} spins forever at line {} waiting for {waiting_on}: nothing left in this run can change it.",
                ctx(context),
                span.line
            ),
            Outcome::Starvation { context, by, steps, period: 0 } => format!(
                "Starvation: {} made no progress for {steps} steps because {} kept running.",
                ctx(context),
                ctx(by)
            ),
            Outcome::Starvation { context, by, steps, period } => format!(
                "Starvation: {} made no progress for {steps} steps because {} kept running, and never will: every {period} steps the core is back in the same state.",
                ctx(context),
                ctx(by)
            ),
            Outcome::EventLost { source, step, reason: LostReason::Merged } => format!(
                "An event of {} at step {step} was lost: its pending bit was already set, so two events gave one handler run.",
                src(source)
            ),
            Outcome::EventLost { source, step, reason: LostReason::ClearedLate } => format!(
                "An event of {} at step {step} was lost: the handler cleared the event flag after the event had arrived again.",
                src(source)
            ),
            Outcome::PropertyViolated { name, source, step } => {
                let steps = if *step == 1 { "step" } else { "steps" };
                format!("Property \"{name}\" is false after {step} {steps}: `{source}`.")
            }
            Outcome::PropertyUnknown { name, source, reason } => {
                format!("Property \"{name}\" could not be evaluated ({reason}): `{source}`.")
            }
            Outcome::NeverFinishes { context, span, waiting_on } => format!(
                "{} never finishes: every event has arrived, and it still waits at line {} for {waiting_on}.",
                ctx(context),
                span.line
            ),
            Outcome::BoundHit { bound, limit } => {
                format!("The run stopped at the {} bound ({limit}) before the program finished.", bound.name())
            }
        }
    }
}
