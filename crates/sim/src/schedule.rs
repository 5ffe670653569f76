//! Schedules as data: every external choice of a run (when an event arrives,
//! where the compiler reordered two accesses, which core stepped), so that any
//! run can be printed, shared in a link and replayed exactly.
//!
//! Text syntax, items separated by commas:
//! - `TIMER0@12`: source TIMER0's event arrives just before global step 12;
//! - `TIMER0@c400`: it arrives before the first step that starts at cycle >= 400;
//! - `reorder@5:2`: at step 5 the stepping context runs the second of the
//!   accesses the compiler may run early instead of its next instruction
//!   (`reorder@5` is `reorder@5:1`; see `reorder.rs` and SEMANTICS.md);
//! - `core1@7`: core 1 takes step 7 (two-core programs);
//! - `wfe@9`: at step 9 a WFE returns at once though no event is registered
//!   (WFE may complete at any time, ARMv7-M B1.5.18; SEMANTICS.md).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::program::{Program, SourceId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "at")]
pub enum ArrivalPoint {
    /// Before global step n (0-based).
    Step(u64),
    /// Before the first step that starts at or after this cycle.
    Cycle(u64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Arrival {
    pub source: SourceId,
    pub at: ArrivalPoint,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ScheduleItem {
    Arrival(Arrival),
    /// At `step`, the stepping context runs the `pick`-th access the
    /// compiler may run early (1 = the first, `Machine::reorder_options`).
    Reorder {
        step: u64,
        #[serde(default = "first_pick")]
        pick: u16,
    },
    Core {
        step: u64,
        core: u8,
    },
    /// At `step`, the stepping context's WFE returns at once instead of
    /// sleeping (`Choice::wfe_returns`).
    WfeReturns {
        step: u64,
    },
}

impl ScheduleItem {
    fn sort_key(&self) -> (u64, u8) {
        match self {
            ScheduleItem::Arrival(Arrival { at: ArrivalPoint::Step(s), .. }) => (*s, 0),
            ScheduleItem::Arrival(Arrival { at: ArrivalPoint::Cycle(c), .. }) => (*c, 1),
            ScheduleItem::Core { step, .. } => (*step, 2),
            ScheduleItem::Reorder { step, .. } => (*step, 3),
            ScheduleItem::WfeReturns { step } => (*step, 4),
        }
    }
}

fn first_pick() -> u16 {
    1
}

/// The external choices of one run. Same program + same schedule = same trace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Schedule {
    pub items: Vec<ScheduleItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum ScheduleError {
    #[error(
        "schedule item {index} `{item}`: expected NAME@STEP, NAME@cCYCLE, reorder@STEP[:K], coreN@STEP or wfe@STEP"
    )]
    Syntax { index: usize, item: String },
    #[error("schedule item {index} `{item}`: there is no event source `{name}` (this lesson has: {known})")]
    UnknownSource { index: usize, item: String, name: String, known: String },
    #[error("schedule item {index} `{item}`: the program has {cores} core(s)")]
    NoSuchCore { index: usize, item: String, cores: u8 },
    #[error("the schedule has {count} items; at most {max} are allowed")]
    TooLong { count: usize, max: usize },
    #[error("schedule item {index} `{item}`: {what} {number} is too large; at most {max} is allowed")]
    TooLarge { index: usize, item: String, what: String, number: String, max: u64 },
}

impl Schedule {
    /// A bound on schedule length, so a pasted link cannot ask for unbounded work.
    pub const MAX_ITEMS: usize = 4096;

    /// A bound on the step or cycle an item names (far beyond any run's
    /// bounds), so that no arithmetic on it can overflow.
    pub const MAX_AT: u64 = 1_000_000_000_000;

    pub fn new(mut items: Vec<ScheduleItem>) -> Schedule {
        items.sort_by_key(ScheduleItem::sort_key);
        Schedule { items }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn push(&mut self, item: ScheduleItem) {
        self.items.push(item);
        self.items.sort_by_key(ScheduleItem::sort_key);
    }

    /// Removes an item if present; returns whether it was.
    pub fn remove(&mut self, item: &ScheduleItem) -> bool {
        if let Some(i) = self.items.iter().position(|x| x == item) {
            self.items.remove(i);
            true
        } else {
            false
        }
    }

    pub fn arrivals(&self) -> impl Iterator<Item = &Arrival> {
        self.items.iter().filter_map(|i| match i {
            ScheduleItem::Arrival(a) => Some(a),
            _ => None,
        })
    }

    pub fn parse(text: &str, program: &Program) -> Result<Schedule, ScheduleError> {
        let parts: Vec<&str> = text.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        if parts.len() > Self::MAX_ITEMS {
            return Err(ScheduleError::TooLong { count: parts.len(), max: Self::MAX_ITEMS });
        }
        let mut items = Vec::with_capacity(parts.len());
        for (index, part) in parts.iter().enumerate() {
            let syntax = || ScheduleError::Syntax { index: index + 1, item: part.to_string() };
            let (name, at) = part.split_once('@').ok_or_else(syntax)?;
            let (name, at) = (name.trim(), at.trim());
            let number_of = |what: &str, s: &str| {
                // A number of any length is a number: too large, not bad syntax.
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(syntax());
                }
                match s.parse::<u64>() {
                    Ok(n) if n <= Self::MAX_AT => Ok(n),
                    _ => Err(ScheduleError::TooLarge {
                        index: index + 1,
                        item: part.to_string(),
                        what: what.to_string(),
                        number: s.to_string(),
                        max: Self::MAX_AT,
                    }),
                }
            };
            let number = |s: &str| number_of("step", s);
            if name == "reorder" {
                let (step, pick) = match at.split_once(':') {
                    Some((step, pick)) => (step, pick.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(syntax)?),
                    None => (at, 1),
                };
                items.push(ScheduleItem::Reorder { step: number(step)?, pick });
            } else if name == "wfe" {
                items.push(ScheduleItem::WfeReturns { step: number(at)? });
            } else if let Some(core) = name.strip_prefix("core").and_then(|c| c.parse::<u8>().ok()) {
                if core >= program.cores {
                    return Err(ScheduleError::NoSuchCore {
                        index: index + 1,
                        item: part.to_string(),
                        cores: program.cores,
                    });
                }
                items.push(ScheduleItem::Core { step: number(at)?, core });
            } else {
                let source = program.source_named(name).ok_or_else(|| ScheduleError::UnknownSource {
                    index: index + 1,
                    item: part.to_string(),
                    name: name.to_string(),
                    known: program.sources.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "),
                })?;
                let at = match at.strip_prefix('c') {
                    Some(cycle) => ArrivalPoint::Cycle(number_of("cycle", cycle)?),
                    None => ArrivalPoint::Step(number(at)?),
                };
                items.push(ScheduleItem::Arrival(Arrival { source, at }));
            }
        }
        Ok(Schedule::new(items))
    }

    /// The canonical text form, which `parse` reads back to an equal schedule.
    pub fn to_text(&self, program: &Program) -> String {
        self.items
            .iter()
            .map(|item| match item {
                ScheduleItem::Arrival(a) => {
                    let name = program.sources.get(a.source.0 as usize).map_or("?", |s| s.name.as_str());
                    match a.at {
                        ArrivalPoint::Step(s) => format!("{name}@{s}"),
                        ArrivalPoint::Cycle(c) => format!("{name}@c{c}"),
                    }
                }
                ScheduleItem::Reorder { step, pick: 1 } => format!("reorder@{step}"),
                ScheduleItem::Reorder { step, pick } => format!("reorder@{step}:{pick}"),
                ScheduleItem::Core { step, core } => format!("core{core}@{step}"),
                ScheduleItem::WfeReturns { step } => format!("wfe@{step}"),
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}
