//! What the timeline draws, derived once per run: lanes, bars, pending
//! spans, marks, the PRIMASK/BASEPRI band and memory rows. The component then
//! draws only the visible range, so a long run stays cheap to step through.

use irqlab_sim::{ArrivalPoint, ContextId, ContextKind, Event, Program, ScheduleItem, SourceId, StepKind, StepRecord};

use crate::describe;
use crate::run::{RegisterView, Run};

/// One horizontal lane: a context (thread mode of a core, or a handler), or
/// an event source no handler lane stands for (a flag main polls).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    /// `None` for a source's own lane.
    pub context: Option<ContextId>,
    pub name: String,
    pub core: u8,
    /// `None` for thread mode and a source's lane.
    pub priority: Option<u8>,
    /// The event source a click on this lane places (its IRQ goes to this handler).
    pub source: Option<SourceId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarKind {
    /// Executing instructions.
    Runs,
    /// Exception entry, return or tail-chain: the core's own cycles.
    Overhead,
    /// Active but preempted by a more urgent handler.
    Preempted,
    /// Pending: waiting for the execution priority to allow it.
    Pending,
    Sleeps,
    Spins,
}

impl BarKind {
    pub fn words(self) -> &'static str {
        match self {
            BarKind::Runs => "runs",
            BarKind::Overhead => "entry or return",
            BarKind::Preempted => "preempted",
            BarKind::Pending => "pending",
            BarKind::Sleeps => "sleeps",
            BarKind::Spins => "spins",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            BarKind::Runs => "bar runs",
            BarKind::Overhead => "bar overhead",
            BarKind::Preempted => "bar preempted",
            BarKind::Pending => "bar pending",
            BarKind::Sleeps => "bar sleeps",
            BarKind::Spins => "bar spins",
        }
    }
}

/// Positions `start..end` (steps) of one lane in one state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub lane: usize,
    pub kind: BarKind,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// An arrival the learner placed (removable).
    Arrival {
        merged: bool,
    },
    Preemption,
    TailChain,
    LateArrival,
    Reordered,
    Outcome,
}

impl MarkKind {
    /// A glyph drawn in the mark, so colour is never the only signal.
    pub fn glyph(self) -> &'static str {
        match self {
            MarkKind::Arrival { merged: false } => "↓",
            MarkKind::Arrival { merged: true } => "⇊",
            MarkKind::Preemption => "⤵",
            MarkKind::TailChain => "↷",
            MarkKind::LateArrival => "⇥",
            MarkKind::Reordered => "⇄",
            MarkKind::Outcome => "!",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            MarkKind::Arrival { .. } => "mark arrival",
            MarkKind::Preemption => "mark preemption",
            MarkKind::TailChain => "mark tail-chain",
            MarkKind::LateArrival => "mark late-arrival",
            MarkKind::Reordered => "mark reordered",
            MarkKind::Outcome => "mark outcome",
        }
    }
}

/// A point event at the start of the step at `position`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub lane: usize,
    pub position: usize,
    pub kind: MarkKind,
    /// What happened, in words (the accessible name and the tooltip).
    pub words: String,
    /// For a placed arrival: the schedule item that removes it.
    pub item: Option<ScheduleItem>,
}

/// A span of positions where interrupts are masked on a core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaskSpan {
    pub core: u8,
    pub start: usize,
    pub end: usize,
    /// "PRIMASK" or "BASEPRI 0x40".
    pub label: String,
}

/// One static's value over time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryRow {
    pub name: String,
    /// `(start, end, value)` spans of positions.
    pub spans: Vec<(usize, usize, String)>,
}

#[derive(Clone, Debug)]
pub struct TimelineModel {
    pub lanes: Vec<Lane>,
    pub bars: Vec<Bar>,
    pub marks: Vec<Mark>,
    pub masks: Vec<MaskSpan>,
    pub memory: Vec<MemoryRow>,
    pub cores: u8,
    /// Positions in the run (steps).
    pub len: usize,
}

/// Lanes in reading order: per core, thread mode then handlers from the
/// least to the most urgent, so preemption reads as "going up"; then a lane
/// for each source whose handler lane does not take its arrivals (a polled
/// flag, or a second source of one handler), so every source can be placed.
pub fn lanes(program: &Program) -> Vec<Lane> {
    let mut lanes: Vec<Lane> = program
        .contexts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let id = ContextId(i as u16);
            let priority = match c.kind {
                ContextKind::Handler { priority, .. } => Some(priority),
                ContextKind::Thread { .. } => None,
            };
            let source = program.sources.iter().position(|s| s.handler == Some(id)).map(|s| SourceId(s as u16));
            Lane { context: Some(id), name: c.name.clone(), core: c.core, priority, source }
        })
        .collect();
    // Thread first (None), then larger priority numbers (less urgent) first.
    crate::sort::by_key(&mut lanes, |l| (u64::from(l.core) << 16) | l.priority.map_or(0, |p| 256 - u64::from(p)));
    for (i, source) in program.sources.iter().enumerate() {
        let id = SourceId(i as u16);
        if !lanes.iter().any(|l| l.source == Some(id)) {
            lanes.push(Lane { context: None, name: source.name.clone(), core: 0, priority: None, source: Some(id) });
        }
    }
    lanes
}

fn bar_kind(record: &StepRecord) -> BarKind {
    match record.kind {
        StepKind::Instr { .. } => BarKind::Runs,
        StepKind::Stacking { .. } | StepKind::Return { .. } => BarKind::Overhead,
        StepKind::Sleep => BarKind::Sleeps,
        StepKind::Spin => BarKind::Spins,
    }
}

/// Appends `kind` at `position` to the lane's bars, extending the last bar
/// when it is the same state and adjacent.
fn extend(bars: &mut Vec<Bar>, open: &mut [Option<usize>], lane: usize, kind: BarKind, position: usize) {
    let slot = lane * 8 + kind as usize;
    if let Some(i) = open[slot]
        && bars[i].end == position
    {
        bars[i].end = position + 1;
        return;
    }
    open[slot] = Some(bars.len());
    bars.push(Bar { lane, kind, start: position, end: position + 1 });
}

/// Compared by identity, so the timeline re-renders only for a new run.
impl PartialEq for TimelineModel {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl TimelineModel {
    pub fn new(run: &Run) -> TimelineModel {
        let program = &run.program;
        let lanes = lanes(program);
        let lane_of = |c: ContextId| lanes.iter().position(|l| l.context == Some(c)).unwrap_or(0);
        let mut bars = Vec::new();
        let mut open = vec![None; lanes.len() * 8];
        let mut marks = Vec::new();
        for (position, record) in run.trace.iter().enumerate() {
            let registers = run.registers(position);
            for (lane, l) in lanes.iter().enumerate() {
                let Some(context) = l.context else { continue };
                let kind = if context == record.context {
                    Some(bar_kind(record))
                } else if registers.is_active(context) && l.core == record.core {
                    Some(BarKind::Preempted)
                } else {
                    None
                };
                if let Some(kind) = kind {
                    extend(&mut bars, &mut open, lane, kind, position);
                }
                if registers.is_pending(context) && context != record.context {
                    extend(&mut bars, &mut open, lane, BarKind::Pending, position);
                }
            }
            for event in &record.events {
                let (lane, kind) = match event {
                    // Late arrival first: `preempted` is set on it too.
                    Event::Entered { context, late_arrival_over: Some(_), .. } => {
                        (lane_of(*context), MarkKind::LateArrival)
                    }
                    Event::Entered { context, preempted: Some(_), .. } => (lane_of(*context), MarkKind::Preemption),
                    Event::TailChain { to, .. } => (lane_of(*to), MarkKind::TailChain),
                    Event::Reordered { .. } => (lane_of(record.context), MarkKind::Reordered),
                    Event::Outcome(_) => (lane_of(record.context), MarkKind::Outcome),
                    _ => continue,
                };
                let words = describe::event(program, event).unwrap_or_default();
                let words = format!("Step {}: {words}", record.index);
                marks.push(Mark { lane, position, kind, words, item: None });
            }
        }
        marks.extend(arrival_marks(run, &lanes));
        crate::sort::by_key(&mut marks, |m| m.position as u64);
        TimelineModel {
            masks: masks(run),
            memory: memory(run),
            cores: program.cores,
            len: run.len(),
            lanes,
            bars,
            marks,
        }
    }

    /// Bars that overlap positions `start..end`.
    pub fn bars_in(&self, start: usize, end: usize) -> impl Iterator<Item = &Bar> {
        self.bars.iter().filter(move |b| b.end > start && b.start < end)
    }

    /// Marks at positions `start..=end`, using that marks are sorted.
    pub fn marks_in(&self, start: usize, end: usize) -> &[Mark] {
        let from = self.marks.partition_point(|m| m.position < start);
        let to = self.marks.partition_point(|m| m.position <= end);
        &self.marks[from..to]
    }
}

/// The learner's arrivals, drawn where they land (the start of the step
/// they come before), whether or not the run got that far.
fn arrival_marks(run: &Run, lanes: &[Lane]) -> Vec<Mark> {
    let program = &run.program;
    run.schedule
        .items
        .iter()
        .filter_map(|item| {
            let ScheduleItem::Arrival(arrival) = item else { return None };
            let ArrivalPoint::Step(index) = arrival.at else { return None };
            let position = run.position_of_index(index);
            let lane = lanes.iter().position(|l| l.source == Some(arrival.source)).unwrap_or(0);
            let merged = run.trace.get(position).is_some_and(|r| {
                r.events
                    .iter()
                    .any(|e| matches!(e, Event::Arrival { source, merged: true } if *source == arrival.source))
            });
            let name = describe::source_name(program, arrival.source);
            // Named by its own step number, as the schedule text says it.
            let words = if position >= run.len() {
                format!("{name} arrival at step {index}, after the run ended: it never arrives. Activate to remove it.")
            } else if merged {
                format!(
                    "{name} arrives before step {index}, but merges with the one already pending. Activate to remove it."
                )
            } else {
                format!("{name} arrives before step {index}. Activate to remove it.")
            };
            Some(Mark { lane, position, kind: MarkKind::Arrival { merged }, words, item: Some(*item) })
        })
        .collect()
}

fn masks(run: &Run) -> Vec<MaskSpan> {
    let mut spans: Vec<MaskSpan> = Vec::new();
    for core in 0..run.program.cores {
        for position in 0..run.len() {
            let Some(label) = run.registers(position).mask_label(core) else { continue };
            match spans.last_mut() {
                Some(last) if last.core == core && last.end == position && last.label == label => last.end += 1,
                _ => spans.push(MaskSpan { core, start: position, end: position + 1, label }),
            }
        }
    }
    spans
}

fn memory(run: &Run) -> Vec<MemoryRow> {
    let end = run.len().max(1);
    run.program
        .locations
        .iter()
        .zip(&run.memory)
        .filter(|(decl, _)| matches!(decl.kind, irqlab_sim::LocationKind::Plain | irqlab_sim::LocationKind::Atomic))
        .map(|(decl, changes)| {
            let spans = changes
                .iter()
                .enumerate()
                .map(|(i, &(start, value))| {
                    let stop = changes.get(i + 1).map_or(end, |&(next, _)| next);
                    (start, stop, decl.ty.display(value))
                })
                .collect();
            MemoryRow { name: decl.name.clone(), spans }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use irqlab_sim::Schedule;

    /// Every lesson's lanes: per core, thread mode first, then handlers from
    /// the least urgent (largest priority number) to the most, each in the
    /// program's order among equals; the lanes of sources only main polls
    /// last. And a run's marks in position order (`marks_in` relies on it).
    #[test]
    fn lanes_go_thread_first_then_least_urgent_and_marks_in_position_order() {
        for card in crate::catalog::lessons() {
            let program = crate::catalog::precompiled(&card, &card.scenario).and_then(|c| c.program).expect("compiles");
            let lanes = lanes(&program);
            let contexts: Vec<&Lane> = lanes.iter().filter(|l| l.context.is_some()).collect();
            assert_eq!(contexts.len(), program.contexts.len(), "{}", card.id);
            assert!(lanes.iter().skip(contexts.len()).all(|l| l.context.is_none()), "{}: source lanes last", card.id);
            for w in contexts.windows(2) {
                let key = |l: &Lane| (l.core, l.priority.map_or(0, |p| 256 - i32::from(p)));
                assert!(key(w[0]) <= key(w[1]), "{}: {} before {}", card.id, w[0].name, w[1].name);
                if key(w[0]) == key(w[1]) {
                    assert!(w[0].context < w[1].context, "{}: equals keep the program's order", card.id);
                }
            }
            let arrivals: Vec<String> =
                program.sources.iter().flat_map(|s| [format!("{}@3", s.name), format!("{}@9", s.name)]).collect();
            let Ok(schedule) = Schedule::parse(&arrivals.join(","), &program) else { continue };
            let Ok(run) = Run::new(program, schedule) else { continue };
            let model = TimelineModel::new(&run);
            assert!(model.marks.windows(2).all(|w| w[0].position <= w[1].position), "{}: marks sorted", card.id);
        }
    }
}
