//! The simulator's prediction for the same code, from the `irqlab` CLI
//! (crates/cli), for a lesson and a file:
//! - `irqlab check --json`: the explorer's outcomes, every final state of
//!   every schedule it tries (up to `max_arrivals` events, both cores'
//!   interleavings, the allowed reorderings);
//! - `irqlab run --json` with each source's event before step 0, 1, ... or
//!   after the last step: the states of the single-event schedules, the case
//!   the sweep places on the board.
//!
//! Every outcome the board reaches must be among them (the sweep's among the
//! single-event ones, the free run's among the explorer's): a state the board
//! reaches and the simulator cannot is a disagreement between the two. And
//! the sweep must break a property exactly when a single event can.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use super::build::Built;
use super::json::{self, Json};
use super::report::Report;
use crate::setup::{self, root};

/// A final state, the statics the firmware reports in its order, and
/// whether the run broke (a property, a deadlock, a starved main).
type Seen = (Vec<(String, String)>, bool);
type Reachable = BTreeSet<Seen>;

#[derive(Debug, Default)]
struct Prediction {
    /// With exactly one event of each source, all before the same step.
    single: Reachable,
    /// Every outcome of the explorer; None when a bound cut its search.
    explored: Option<Reachable>,
    schedules: u64,
}

pub struct Predictor {
    cli: Option<PathBuf>,
    cache: BTreeMap<(String, String), Result<Prediction, String>>,
}

impl Predictor {
    pub fn new() -> Predictor {
        let cli = build_cli();
        if let Err(why) = &cli {
            println!("firmware: no simulator prediction ({why}): checking against the lessons' expectations only");
        }
        Predictor { cli: cli.ok(), cache: BTreeMap::new() }
    }

    /// None when there is nothing to compare with.
    pub fn compare(&mut self, built: &Built, report: &Report) -> Option<Result<String, String>> {
        match self.prediction(built, report)? {
            Ok(prediction) => agree(prediction, report),
            Err(e) => Some(Err(e.clone())),
        }
    }

    /// Whether one event of each source, before some step, breaks the lesson
    /// in the simulator: what the sweep places. None without a prediction.
    pub fn one_event_breaks(&mut self, built: &Built, report: &Report) -> Option<bool> {
        let prediction = self.prediction(built, report)?.as_ref().ok()?;
        Some(prediction.single.iter().any(|(_, broken)| *broken))
    }

    fn prediction(&mut self, built: &Built, report: &Report) -> Option<&Result<Prediction, String>> {
        let cli = self.cli.clone()?;
        let names: Vec<String> = report.outcomes.first()?.values.iter().map(|(k, _)| k.clone()).collect();
        let key = (report.lesson.clone(), built.variant.file().to_string());
        Some(self.cache.entry(key).or_insert_with(|| predict(&cli, report, built.variant.file(), &names)))
    }
}

fn build_cli() -> Result<PathBuf, String> {
    if !root().join("crates/cli/Cargo.toml").is_file() {
        return Err("the workspace has no crates/cli yet".to_string());
    }
    setup::run(&["cargo", "build", "--quiet", "--locked", "-p", "irqlab-cli"])?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root().join("target"), PathBuf::from);
    let cli = target.join("debug/irqlab");
    if cli.is_file() { Ok(cli) } else { Err(format!("{} is missing after the build", cli.display())) }
}

fn irqlab(cli: &PathBuf, args: &[&str]) -> Result<Json, String> {
    let output = Command::new(cli).args(args).output().map_err(|e| format!("could not start irqlab: {e}"))?;
    // Exit 1 means a property broke: still a prediction.
    if !matches!(output.status.code(), Some(0 | 1)) {
        return Err(format!("irqlab {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()));
    }
    json::parse(&String::from_utf8_lossy(&output.stdout))
}

/// Where main starves, the simulator stops the run, while the firmware's
/// watchdog masks the lesson's interrupts and lets main finish: their final
/// states differ by design, so a starved run is compared only as starved.
fn starved() -> Seen {
    (vec![("starved".to_string(), "y".to_string())], true)
}

/// The state and verdict of one simulated run, from its outcome labels and
/// whether the simulator says a board sees it fail (`board_failure`, from
/// `Outcome::board_sees`: the one verdict, narrowed to what a board observes).
fn seen(state: Vec<(String, String)>, labels: &[Json], board_failure: bool) -> Seen {
    if labels.iter().filter_map(Json::text).any(|label| label == "starvation") {
        return starved();
    }
    (state, board_failure)
}

fn board_failure(outcome: &Json) -> bool {
    outcome.get("board_failure") == Some(&Json::Bool(true))
}

fn predict(cli: &PathBuf, report: &Report, file: &str, names: &[String]) -> Result<Prediction, String> {
    let lesson = root().join("lessons").join(&report.lesson).display().to_string();
    let file = format!("{file}.rs");
    let keep = |lookup: &dyn Fn(&str) -> Option<String>| -> Vec<(String, String)> {
        names.iter().map(|n| (n.clone(), lookup(n).unwrap_or_default())).collect()
    };
    let mut prediction = Prediction::default();

    // The board checks only the properties it can compile: so does the prediction.
    let checked = irqlab(cli, &["check", &lesson, "--file", &file, "--json", "--board-properties"])?;
    if checked.get("complete") == Some(&Json::Bool(true)) {
        let mut explored = Reachable::new();
        for outcome in checked.get("outcomes").map(Json::items).unwrap_or_default() {
            let state = keep(&|name| outcome.get("final")?.get(name)?.text());
            let labels = outcome.get("detected").map(Json::items).unwrap_or_default();
            explored.insert(seen(state, labels, board_failure(outcome)));
        }
        prediction.explored = Some(explored);
    }
    prediction.schedules = checked.get("schedules").and_then(Json::text).and_then(|s| s.parse().ok()).unwrap_or(0);

    let run = |schedule: &str| -> Result<(Seen, u64), String> {
        let json =
            irqlab(cli, &["run", &lesson, "--file", &file, "--schedule", schedule, "--json", "--board-properties"])?;
        let state = json.get("final_state").map(Json::items).unwrap_or_default();
        let value = |name: &str| {
            state.iter().find(|s| s.get("name").and_then(Json::text).as_deref() == Some(name))?.get("value")?.text()
        };
        let outcomes = json.get("outcomes").map(Json::items).unwrap_or_default();
        let labels: Vec<Json> = outcomes.iter().filter_map(|o| o.get("label").cloned()).collect();
        let broken = outcomes.iter().any(board_failure);
        let steps = json.get("steps").and_then(Json::text).and_then(|s| s.parse().ok()).unwrap_or(0);
        Ok((seen(keep(&value), &labels, broken), steps))
    };
    if report.cores != 2 {
        let (quiet, steps) = run("")?;
        for step in 0..=steps {
            let schedule: Vec<String> = report.sources.iter().map(|(name, _)| format!("{name}@{step}")).collect();
            match run(&schedule.join(",")) {
                Ok((seen, _)) => {
                    prediction.single.insert(seen);
                }
                // An event that cannot come at that step (a DMA byte while no
                // reception runs: the sender waits) leaves the run as if none
                // came; the board's generator holds it back the same way.
                Err(e) if e.contains("does not apply") && report.sources.len() == 1 => {
                    prediction.single.insert(quiet.clone());
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(prediction)
}

fn show((state, broken): &Seen) -> String {
    let state: Vec<String> = state.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{}{}", state.join(" "), if *broken { " (broken)" } else { "" })
}

/// None when the simulator has nothing to say for this run (a free run
/// whose exploration a bound cut, a two-core sweep).
fn agree(prediction: &Prediction, report: &Report) -> Option<Result<String, String>> {
    let sweep = report.mode == "sweep";
    let (reachable, what) = if sweep {
        (&prediction.single, "final states of single-event schedules")
    } else {
        (prediction.explored.as_ref()?, "final states the explorer found")
    };
    if reachable.is_empty() {
        return None;
    }
    for outcome in &report.outcomes {
        let seen = if outcome.starved { starved() } else { (outcome.values.clone(), outcome.broken()) };
        if !reachable.contains(&seen) {
            let predicted: Vec<String> = reachable.iter().map(show).collect();
            return Some(Err(format!(
                "the board reached {} ({} runs, arrival {}), which is not among the simulator's {what}: {}",
                show(&seen),
                outcome.runs,
                outcome.arrival,
                predicted.join(", ")
            )));
        }
    }
    let sim_breaks = reachable.iter().any(|(_, broken)| *broken);
    if sweep && sim_breaks != (report.violations > 0) {
        return Some(Err(format!(
            "the simulator says a single event {} a property; the sweep {}",
            if sim_breaks { "can break" } else { "never breaks" },
            if report.violations > 0 { "broke one" } else { "broke none" }
        )));
    }
    Some(Ok(format!(
        "all {} outcomes are among the simulator's {} {what} ({} schedules explored)",
        report.outcomes.len(),
        reachable.len(),
        prediction.schedules
    )))
}

#[cfg(test)]
mod tests {
    use super::super::report;
    use super::*;

    #[test]
    fn a_starved_run_agrees_with_a_simulated_starvation_whatever_its_final_state() {
        let mut prediction = Prediction::default();
        prediction.single.insert(starved());
        let board = |starved: &str| {
            report::parse(&format!(
                "irqlab start mode=sweep\nirqlab outcome PASSES=3 holds=y starved={starved} runs=1 first=0 \
                 arrival=call1\nirqlab total runs=1 violations=1\n"
            ))
        };
        assert!(matches!(agree(&prediction, &board("y")), Some(Ok(_))));
        let unreached =
            agree(&prediction, &board("n")).and_then(Result::err).expect("PASSES=3 unstarved is not predicted");
        assert!(unreached.contains("PASSES=3"), "{unreached}");
    }
}
