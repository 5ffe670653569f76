//! Running the explorer in short slices, so the page never blocks: each
//! slice does work for at most a few milliseconds, measured by the page
//! (irqlab_sim has no clock), and the batch size adapts to the machine.

use irqlab_sim::Program;
use irqlab_sim::explore::{ExploreConfig, Explorer, Progress, Report};

/// The longest a slice may run; the limit is 8 ms.
pub const SLICE_MS: f64 = 6.0;

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

/// The mean time (ms, as measured by `now`) of one complete search of a
/// lesson's scenario: after a few warm-up searches (so the engine has
/// compiled the hot code), searches repeat until `min_total_ms` has passed,
/// which also makes a coarse clock precise. -1 when the lesson is missing.
pub fn mean_search_ms(lesson: &str, min_total_ms: f64, now: impl Fn() -> f64) -> f64 {
    let Some(card) = crate::catalog::lessons().into_iter().find(|l| l.id == lesson) else { return -1.0 };
    let Some(program) = crate::catalog::precompiled(&card, &card.scenario).and_then(|c| c.program) else {
        return -1.0;
    };
    let search = || Explorer::new((*program).clone(), ExploreConfig::default()).map(|mut e| e.run()).is_ok();
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
