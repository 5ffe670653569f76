//! The simulator's prediction for the same code, from the `irqlab` CLI
//! (crates/cli). For a lesson and a file, every schedule the explorer would
//! try (the sources' events before step 0, 1, ... or after the last step),
//! each run by `irqlab run --json`, gives the set of final states the
//! simulator can reach. The firmware's outcomes must all be in that set: a
//! state the board reaches and the simulator cannot is a disagreement
//! between the two. The sweep places exactly one arrival, so it is held to
//! the single-arrival schedules, and must break a property exactly when the
//! simulator says one of them does; the free run, to every schedule of up to
//! `max_arrivals` events.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use super::build::Built;
use super::json::{self, Json};
use super::report::Report;
use crate::setup::{self, root};

/// A final state (`NAME=value` by name) and whether a property broke.
type State = BTreeMap<String, String>;

type Reachable = BTreeSet<(Vec<(String, String)>, bool)>;

/// The most events a predicted schedule holds (pairs of arrival points are
/// a few hundred runs; triples would be thousands).
const MAX_EVENTS: u32 = 2;

#[derive(Debug, Default)]
struct Prediction {
    /// With exactly one event of each source, all at the same step.
    single: Reachable,
    /// With every number of events from none to `max_arrivals`.
    any: Reachable,
    schedules: usize,
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

    /// None when there is nothing to compare with: no CLI, or more events
    /// than the prediction enumerates.
    pub fn compare(&mut self, built: &Built, report: &Report) -> Option<Result<String, String>> {
        let cli = self.cli.clone()?;
        if report.cores == 2 {
            // Which core steps when is a choice of its own (`core1@N`),
            // beyond these schedules.
            return None;
        }
        let events: u32 = report.sources.iter().map(|(_, max)| max).sum();
        if events > MAX_EVENTS || (report.sources.len() > 1 && events > 1) {
            return None;
        }
        let key = (report.lesson.clone(), built.variant.file().to_string());
        let prediction = self.cache.entry(key).or_insert_with(|| predict(&cli, report, built.variant.file()));
        Some(match prediction {
            Ok(prediction) => agree(prediction, report),
            Err(e) => Err(e.clone()),
        })
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

fn predict(cli: &PathBuf, report: &Report, file: &str) -> Result<Prediction, String> {
    let lesson = root().join("lessons").join(&report.lesson);
    let file = format!("{file}.rs");
    let run = |schedule: &str| -> Result<(State, bool, u64), String> {
        let lesson = lesson.display().to_string();
        let args = ["run", &lesson, "--file", &file, "--schedule", schedule, "--json"];
        let output = Command::new(cli).args(args).output().map_err(|e| format!("could not start irqlab: {e}"))?;
        // Exit 1 means a property broke: still a prediction.
        if !matches!(output.status.code(), Some(0 | 1)) {
            return Err(format!("irqlab {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()));
        }
        let json = json::parse(&String::from_utf8_lossy(&output.stdout))?;
        let state = json
            .get("final_state")
            .map(Json::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| Some((s.get("name")?.text()?, s.get("value")?.text()?)))
            .collect();
        let broken =
            json.get("outcomes").map(Json::items).unwrap_or_default().iter().any(|o| {
                matches!(o.get("label").and_then(Json::text).as_deref(), Some("property-violated" | "deadlock"))
            });
        let steps = json.get("steps").and_then(Json::text).and_then(|s| s.parse().ok()).unwrap_or(0);
        Ok((state, broken, steps))
    };
    let names: Vec<&str> =
        report.outcomes.first().map(|o| o.values.iter().map(|(k, _)| k.as_str()).collect()).unwrap_or_default();
    let keep = |state: State| -> Vec<(String, String)> {
        names.iter().map(|n| (n.to_string(), state.get(*n).cloned().unwrap_or_default())).collect()
    };
    let mut prediction = Prediction::default();
    let (state, broken, steps) = run("")?;
    prediction.any.insert((keep(state), broken));
    // Every source's event before the same step: what the sweep places.
    let at = |step: u64| report.sources.iter().map(|(name, _)| format!("{name}@{step}")).collect::<Vec<_>>();
    // The steps of each single-arrival run: its handler's steps come on top.
    let mut lengths = Vec::new();
    for step in 0..=steps {
        let (state, broken, length) = run(&at(step).join(","))?;
        prediction.single.insert((keep(state.clone()), broken));
        prediction.any.insert((keep(state), broken));
        lengths.push(length);
    }
    prediction.schedules = steps as usize + 2;
    // A second event of a lone source with max_arrivals 2, at or after the
    // first, up to after the last step of the run with the first.
    if let [(name, 2)] = report.sources.as_slice() {
        for (first, length) in (0..=steps).zip(lengths) {
            for second in first..=length {
                let (state, broken, _) = run(&format!("{name}@{first},{name}@{second}"))?;
                prediction.any.insert((keep(state), broken));
                prediction.schedules += 1;
            }
        }
    }
    Ok(prediction)
}

fn agree(prediction: &Prediction, report: &Report) -> Result<String, String> {
    let reachable = if report.mode == "sweep" { &prediction.single } else { &prediction.any };
    let show = |(state, broken): &(Vec<(String, String)>, bool)| {
        let state: Vec<String> = state.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{}{}", state.join(" "), if *broken { " (broken)" } else { "" })
    };
    for outcome in &report.outcomes {
        let seen = (outcome.values.clone(), outcome.broken());
        if !reachable.contains(&seen) {
            let predicted: Vec<String> = reachable.iter().map(show).collect();
            return Err(format!(
                "the board reached {} ({} runs, arrival {}), which no schedule of the simulator reaches; it predicts: {}",
                show(&seen),
                outcome.runs,
                outcome.arrival,
                predicted.join(", ")
            ));
        }
    }
    let sim_breaks = reachable.iter().any(|(_, broken)| *broken);
    let board_breaks = report.violations > 0;
    if report.mode == "sweep" && sim_breaks != board_breaks {
        return Err(format!(
            "the simulator says a single arrival {} a property; the sweep {}",
            if sim_breaks { "can break" } else { "never breaks" },
            if board_breaks { "broke one" } else { "broke none" }
        ));
    }
    Ok(format!(
        "all {} outcomes are among the {} states the simulator reaches in {} schedules",
        report.outcomes.len(),
        reachable.len(),
        prediction.schedules
    ))
}
