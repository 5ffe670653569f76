//! Running the explorer in slices, in the explorer worker
//! (src/explorer_worker.rs), off the page's thread: each slice does work for
//! at most `WORKER_SLICE_MS`, measured by the worker (irqlab_sim has no
//! clock), and the batch size adapts to the machine. Between slices the
//! worker reports progress and hears a cancel. `Said` is what it tells the
//! page (hooks/use_explorer.rs), postcard through `codec`.

use irqlab_sim::Program;
use irqlab_sim::explore::{
    Counterexample, ExploreConfig, Explorer, OutcomeCount, Progress, PropertyReport, Report, Verdict,
};
use irqlab_sim::story::StoryLine;
use irqlab_sim::{Arrival, ArrivalPoint, Bound, Schedule, ScheduleItem, SourceId};
use serde::{Deserialize, Serialize};

/// How long the worker works between two progress reports (and between
/// two looks at its messages, for a cancel).
pub const WORKER_SLICE_MS: f64 = 50.0;

/// What the explorer worker tells the page about run `run` (the page's
/// number for its request, so a late answer to an older run is ignored).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Said {
    pub run: u32,
    pub what: Says,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Says {
    Progress {
        states: u64,
        schedules: u64,
    },
    Done {
        report: WireReport,
        cancelled: bool,
    },
    /// The program cannot be explored (an invalid program), or did not arrive whole.
    Failed(String),
}

/// A `Report` as postcard can carry it: sim's schedules are internally
/// tagged enums (for their JSON), which postcard cannot decode, so the
/// counterexamples' schedules travel as [`WireItem`]s. Exact both ways.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WireReport {
    complete: bool,
    cut_by: Option<Bound>,
    schedules: u64,
    states: u64,
    merged: u64,
    revisited: u64,
    naive_schedules: f64,
    /// (name, source, verdict, counterexample: schedule, steps, explanation, story).
    properties: Vec<WireProperty>,
    outcomes: Vec<OutcomeCount>,
    max_stack_bytes: Option<u32>,
}

type WireProperty = (String, String, Verdict, Option<(Vec<WireItem>, u64, String, Vec<StoryLine>)>);

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum WireItem {
    ArrivalAtStep(SourceId, u64),
    ArrivalAtCycle(SourceId, u64),
    Reorder { step: u64, pick: u16 },
    Core { step: u64, core: u8 },
    WfeReturns { step: u64 },
}

impl From<&ScheduleItem> for WireItem {
    fn from(item: &ScheduleItem) -> WireItem {
        match *item {
            ScheduleItem::Arrival(Arrival { source, at: ArrivalPoint::Step(n) }) => WireItem::ArrivalAtStep(source, n),
            ScheduleItem::Arrival(Arrival { source, at: ArrivalPoint::Cycle(c) }) => {
                WireItem::ArrivalAtCycle(source, c)
            }
            ScheduleItem::Reorder { step, pick } => WireItem::Reorder { step, pick },
            ScheduleItem::Core { step, core } => WireItem::Core { step, core },
            ScheduleItem::WfeReturns { step } => WireItem::WfeReturns { step },
        }
    }
}

impl From<WireItem> for ScheduleItem {
    fn from(item: WireItem) -> ScheduleItem {
        match item {
            WireItem::ArrivalAtStep(source, n) => ScheduleItem::Arrival(Arrival { source, at: ArrivalPoint::Step(n) }),
            WireItem::ArrivalAtCycle(source, c) => {
                ScheduleItem::Arrival(Arrival { source, at: ArrivalPoint::Cycle(c) })
            }
            WireItem::Reorder { step, pick } => ScheduleItem::Reorder { step, pick },
            WireItem::Core { step, core } => ScheduleItem::Core { step, core },
            WireItem::WfeReturns { step } => ScheduleItem::WfeReturns { step },
        }
    }
}

impl From<&Report> for WireReport {
    fn from(r: &Report) -> WireReport {
        WireReport {
            complete: r.complete,
            cut_by: r.cut_by,
            schedules: r.schedules,
            states: r.states,
            merged: r.merged,
            revisited: r.revisited,
            naive_schedules: r.naive_schedules,
            properties: r
                .properties
                .iter()
                .map(|p| {
                    let counterexample = p.counterexample.as_ref().map(|c| {
                        let items = c.schedule.items.iter().map(WireItem::from).collect();
                        (items, c.steps, c.explanation.clone(), c.story.clone())
                    });
                    (p.name.clone(), p.source.clone(), p.verdict, counterexample)
                })
                .collect(),
            outcomes: r.outcomes.clone(),
            max_stack_bytes: r.max_stack_bytes,
        }
    }
}

impl From<WireReport> for Report {
    fn from(w: WireReport) -> Report {
        Report {
            complete: w.complete,
            cut_by: w.cut_by,
            schedules: w.schedules,
            states: w.states,
            merged: w.merged,
            revisited: w.revisited,
            naive_schedules: w.naive_schedules,
            properties: w
                .properties
                .into_iter()
                .map(|(name, source, verdict, counterexample)| PropertyReport {
                    name,
                    source,
                    verdict,
                    counterexample: counterexample.map(|(items, steps, explanation, story)| Counterexample {
                        schedule: Schedule { items: items.into_iter().map(ScheduleItem::from).collect() },
                        steps,
                        explanation,
                        story,
                    }),
                })
                .collect(),
            outcomes: w.outcomes,
            max_stack_bytes: w.max_stack_bytes,
        }
    }
}

#[derive(Debug)]
pub struct Search {
    explorer: Explorer,
    /// States per `run_for` call, grown or shrunk to fit the slice.
    batch: u64,
    pub last: Progress,
}

impl Search {
    pub fn new(program: Program) -> Result<Search, String> {
        Ok(Search {
            explorer: Explorer::new(program, ExploreConfig::default()).map_err(|e| e.to_string())?,
            batch: 16,
            last: Progress { done: false, states: 0, schedules: 0 },
        })
    }

    /// The learner cancelled: the verdicts that are not violations become unknown.
    pub fn cancel(&mut self) {
        self.explorer.stop(irqlab_sim::Bound::Time);
    }

    /// Works until done or `budget_ms` has passed by `now()`; returns the progress.
    pub fn slice(&mut self, now: impl Fn() -> f64, budget_ms: f64) -> Progress {
        let start = now();
        loop {
            let before = now();
            self.last = self.explorer.run_for(self.batch);
            let took = now() - before;
            if self.last.done {
                break;
            }
            // Aim for calls of about a quarter of the slice.
            if took < budget_ms / 8.0 {
                self.batch = (self.batch * 2).min(1 << 20);
            } else if took > budget_ms / 2.0 {
                self.batch = (self.batch / 2).max(1);
            }
            if now() - start + took > budget_ms {
                break;
            }
        }
        self.last
    }

    pub fn report(&self) -> Report {
        self.explorer.report()
    }
}

/// The mean time (ms, as measured by `now`) of one complete search of
/// `program` (in the explorer worker, for the budgets script): after a few warm-up searches (so the engine has
/// compiled the hot code), searches repeat until `min_total_ms` has passed,
/// which also makes a coarse clock precise. -1 when it cannot be explored.
pub fn mean_search_ms(program: &Program, min_total_ms: f64, now: impl Fn() -> f64) -> f64 {
    let search = || Explorer::new(program.clone(), ExploreConfig::default()).map(|mut e| e.run()).is_ok();
    for _ in 0..3 {
        search();
    }
    let start = now();
    let mut runs = 0u32;
    while runs == 0 || now() - start < min_total_ms {
        if !search() {
            return -1.0;
        }
        runs += 1;
    }
    (now() - start) / f64::from(runs)
}

/// For the budgets script: a lesson's scenario program, postcard-encoded as
/// the page sends it to the explorer worker (which times searches of it,
/// `mean_search_ms`); `None` for an unknown lesson or one without a program.
pub fn scenario_program(lesson: &str) -> Option<Vec<u8>> {
    let card = crate::catalog::lessons().into_iter().find(|l| l.id == lesson)?;
    let program = crate::catalog::precompiled(&card, &card.scenario).and_then(|c| c.program)?;
    crate::codec::encode(&*program).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lessons_report_comes_back_exactly_from_the_worker() {
        for card in crate::catalog::lessons() {
            let Some(program) = crate::catalog::precompiled(&card, &card.scenario).and_then(|c| c.program) else {
                continue;
            };
            let report = Explorer::new((*program).clone(), ExploreConfig::default()).expect("explorable").run();
            let said = Said { run: 7, what: Says::Done { report: (&report).into(), cancelled: false } };
            let back: Said = crate::codec::decode(&crate::codec::encode(&said).expect("encodes")).expect("decodes");
            let Says::Done { report: wire, .. } = back.what else { panic!("not a report") };
            assert_eq!(Report::from(wire), report, "{}", card.id);
        }
    }
}
