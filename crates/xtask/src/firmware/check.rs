//! The rules a QEMU run must pass. Every run must finish, exit 0 and report
//! its totals. Then, by variant:
//! - a solution never breaks a property, in the free run or at any arrival
//!   point of the sweep (strict);
//! - a scenario whose lesson says it breaks must break at some arrival point
//!   of the sweep, and replaying that point alone must break the same way
//!   (strict); in the free run its failures are reported as a count;
//! - a scenario that should hold (the superloop) is held to that;
//! - a deadlock ends the firmware: a sweep goes on from the next offset in
//!   a new QEMU, a free run reports the round it deadlocked in;
//! - a panic ends the firmware too (no unwinding): it is the break of a
//!   scenario that promises one when it comes from the scenario's own code;
//! - a sweep places one event of each source: a scenario whose break needs
//!   more (a compiler reordering, a second event) is held to the simulator's
//!   word for one event, since the explorer checks the rest.
//!
//! Where the `irqlab` CLI is available, `predict` adds the simulator's word.

use super::build::Built;
use super::predict::Predictor;
use super::qemu;
use super::report::{self, Report};

#[derive(Debug)]
pub struct Verdict {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

pub fn bin(built: &Built, predictor: &mut Predictor) -> Vec<Verdict> {
    let name = format!("{} {} {} on {}", built.bin, built.variant.file(), built.variant.mode(), built.board.feature);
    let verdict = |result: Result<String, String>| match result {
        Ok(detail) => Verdict { name: name.clone(), passed: true, detail },
        Err(detail) => Verdict { name: name.clone(), passed: false, detail },
    };
    let report = match whole_run(built) {
        Ok(report) => report,
        Err(e) => return vec![verdict(Err(e))],
    };
    if let Some(panic) = expected_panic(&report) {
        // No outcomes to judge, replay or compare: the panic ended the firmware.
        return vec![verdict(Ok(format!("panicked, as the lesson's scenario can: {panic}")))];
    }
    if let Some(why) = &report.skip {
        return vec![verdict(if report.boards.iter().any(|b| b == built.board.feature) {
            Err(format!("lesson.toml promises {}, but the firmware skips it: {why}", built.board.feature))
        } else {
            Ok(format!("skipped, as lesson.toml does not promise this board: {why}"))
        })];
    }
    let judged = match judge(&report) {
        Err(_) if unplaceable_break(&report) && predictor.one_event_breaks(built, &report) == Some(false) => {
            Ok(format!(
                "no arrival point of {} broke it, nor does one event in the simulator: its break needs what a sweep \
             does not place (a compiler reordering, a second event), which `irqlab check` explores",
                report.runs
            ))
        }
        judged => judged,
    };
    let mut verdicts = vec![verdict(judged)];
    if report.mode == "sweep" && report.counterexample.is_some() {
        verdicts.push(Verdict { name: format!("{name} replay"), ..verdict(replay(built, &report)) });
    }
    if let Some(predicted) = predictor.compare(built, &report) {
        verdicts.push(Verdict { name: format!("{name} vs simulator"), ..verdict(predicted) });
    }
    verdicts
}

/// The whole report of a bin: a sweep that a deadlock ended at offset N
/// goes on from N + 1 in a new QEMU (nothing can make a deadlocked handler
/// return), until the arrival reaches the start of main.
fn whole_run(built: &Built) -> Result<Report, String> {
    let mut report = run(built, None)?;
    if report.cores == 2 && report.skip.is_none() {
        // Under -icount QEMU runs one core at a time: the two cores never
        // interleave inside a round. Run it again with both on real threads.
        return run_on_threads(built);
    }
    while let (true, Some(at)) = (built.variant.replay, report.deadlock_at) {
        let next = run_with(built, &[format!("from={}", at + 1)], built.variant.mode())?;
        report.merge(next);
    }
    Ok(report)
}

/// Runs the ELF (at one arrival offset for a replay) and reads its report;
/// an Err says why the run itself failed.
fn run(built: &Built, replay_at: Option<u64>) -> Result<Report, String> {
    match replay_at {
        Some(at) => run_with(built, &[format!("at={at}")], "replay"),
        None => run_with(built, &[], built.variant.mode()),
    }
}

fn run_on_threads(built: &Built) -> Result<Report, String> {
    check_run(built, qemu::run(built.board, &built.elf, &[], false)?, "free")
}

fn run_with(built: &Built, arguments: &[String], expected_mode: &str) -> Result<Report, String> {
    check_run(built, qemu::run(built.board, &built.elf, arguments, true)?, expected_mode)
}

fn check_run(built: &Built, run: qemu::Run, expected_mode: &str) -> Result<Report, String> {
    let tail = || {
        let out: Vec<&str> = run.stdout.lines().rev().take(5).collect();
        format!("last output: {:?}; stderr: {:?}", out.into_iter().rev().collect::<Vec<_>>(), run.stderr)
    };
    if run.timed_out {
        return Err(format!("hung: killed after {} s; {}", qemu::TIMEOUT.as_secs(), tail()));
    }
    let report = report::parse(&run.stdout);
    if expected_panic(&report).is_some() && report.bin == built.bin && report.variant == built.variant.file() {
        return Ok(report);
    }
    if let Some(problem) = report.problems.first() {
        return Err(format!("{problem}; {}", tail()));
    }
    if run.exit != Some(0) || !report.ended {
        return Err(format!("ended with exit {:?} before `irqlab end`; {}", run.exit, tail()));
    }
    // A two-core lesson has only the free run, in the replay build too.
    let expected_mode = if report.cores == 2 { "free" } else { expected_mode };
    if report.mode != expected_mode || report.variant != built.variant.file() || report.bin != built.bin {
        return Err(format!(
            "reported bin={} variant={} mode={}, expected {} {} {expected_mode}",
            report.bin,
            report.variant,
            report.mode,
            built.bin,
            built.variant.file()
        ));
    }
    Ok(report)
}

/// A panic halts the core: nothing unwinds on these targets. For a scenario
/// that promises to break, a panic in its own code (a `RefCell` borrowed
/// twice, `unwrap` on a `None`: lessons/CURRICULUM.md T9, T11) is that break; a
/// panic anywhere else, or in a solution, is a failure.
fn expected_panic(report: &Report) -> Option<&str> {
    let [problem] = report.problems.as_slice() else { return None };
    let scenario = format!("lessons/{}/scenario.rs:", report.lesson);
    let ours = problem.starts_with("irqlab panic") && problem.contains(&scenario);
    (report.expect == "broken" && report.variant == "scenario" && ours).then_some(problem.as_str())
}

/// A sweep of a scenario that promises a break and found none.
fn unplaceable_break(report: &Report) -> bool {
    report.mode == "sweep" && report.expect == "broken" && report.violations == 0
}

fn judge(report: &Report) -> Result<String, String> {
    if !report.totals || report.runs == 0 {
        return Err("no `irqlab total` line with runs".to_string());
    }
    let outcomes = report.outcomes.len();
    let broken = report.violations;
    let runs = report.runs;
    let sweep = report.mode == "sweep";
    let what = if sweep { "arrival points" } else { "rounds" };
    if let (false, Some(round)) = (sweep, report.deadlock_at) {
        return match report.expect.as_str() {
            "broken" => Ok(format!("deadlocked in round {round}, where the free run stops (a count, not a promise)")),
            _ => Err(format!("deadlocked in round {round}: {}", first_broken(report))),
        };
    }
    match (report.expect.as_str(), sweep) {
        ("held", _) if broken == 0 => Ok(format!("every property held in {runs} {what} ({outcomes} outcomes)")),
        ("held", _) => Err(format!("{broken} of {runs} {what} broke a property: {}", first_broken(report))),
        ("broken", false) => Ok(format!("{broken} of {runs} {what} broke a property (a count, not a promise)")),
        ("broken", true) if broken > 0 && report.counterexample.is_some() => Ok(format!(
            "{broken} of {runs} {what} broke a property, first at offset {}: {}",
            report.counterexample.unwrap_or_default(),
            first_broken(report)
        )),
        ("broken", true) => Err(format!("no arrival point of {runs} broke a property, but the lesson says one does")),
        (other, _) => Err(format!("the firmware expects `{other}`; expected `held` or `broken`")),
    }
}

fn first_broken(report: &Report) -> String {
    report.outcomes.iter().find(|o| o.broken()).map(|o| format!("{} ({})", o.state(), o.arrival)).unwrap_or_default()
}

/// The sweep's first breaking offset, run alone, must break the same way.
fn replay(built: &Built, sweep: &Report) -> Result<String, String> {
    let at = sweep.counterexample.ok_or("no counterexample to replay")?;
    let expected = sweep.outcomes.iter().find(|o| o.first == at).ok_or(format!("no outcome first seen at {at}"))?;
    let replayed = run(built, Some(at))?;
    let [outcome] = replayed.outcomes.as_slice() else {
        return Err(format!("replay at {at} reported {} outcomes, expected 1", replayed.outcomes.len()));
    };
    if outcome.state() != expected.state() || outcome.holds != expected.holds {
        return Err(format!(
            "replay at {at} ended in {} (holds={}), the sweep saw {} (holds={})",
            outcome.state(),
            outcome.holds,
            expected.state(),
            expected.holds
        ));
    }
    Ok(format!("offset {at} alone breaks it again: {} ({})", outcome.state(), outcome.arrival))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_the_scenario_is_the_break_only_of_a_scenario_that_promises_one() {
        let text = |variant: &str, expect: &str, at: &str| {
            format!(
                "irqlab start bin=shared_peripheral lesson=07-shared-peripheral variant={variant} expect={expect} \
                 mode=sweep\nirqlab panic RefCell already borrowed at src/bin/../../../lessons/{at}:36\n"
            )
        };
        let ours = "07-shared-peripheral/scenario.rs";
        assert!(expected_panic(&report::parse(&text("scenario", "broken", ours))).is_some());
        assert_eq!(expected_panic(&report::parse(&text("scenario", "held", ours))), None);
        assert_eq!(expected_panic(&report::parse(&text("solution", "held", ours))), None);
        assert_eq!(expected_panic(&report::parse(&text("scenario", "broken", "01-superloop/scenario.rs"))), None);
    }
}
