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

impl Verdict {
    /// Passed with its detail when Ok, failed with the reason when Err.
    pub fn of(name: String, result: Result<String, String>) -> Verdict {
        Verdict { name, passed: result.is_ok(), detail: result.unwrap_or_else(|e| e) }
    }
}

pub fn bin(built: &Built, predictor: &mut Predictor) -> Vec<Verdict> {
    let name = format!("{} {} {} on {}", built.bin, built.variant.file(), built.variant.mode(), built.board.feature);
    let verdict = |result: Result<String, String>| Verdict::of(name.clone(), result);
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
    check_run(built, qemu::run(built.board, &built.elf, &built.arguments, false)?, "free")
}

fn run_with(built: &Built, arguments: &[String], expected_mode: &str) -> Result<Report, String> {
    let arguments = [&built.arguments[..], arguments].concat();
    check_run(built, qemu::run(built.board, &built.elf, &arguments, true)?, expected_mode)
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
    something_happened(report)?;
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

/// A run in which nothing happened passes every property vacuously: "no
/// event arrived" is always among the simulator's outcomes. So every run of
/// a lesson with sources must see events arrive, every run's outcome must be
/// in the firmware's table (an untallied run was never compared), and in the
/// free run every handler of the lesson must have run in some round.
fn something_happened(report: &Report) -> Result<(), String> {
    let runs = report.runs;
    if report.untallied > 0 {
        return Err(format!(
            "{} of {runs} runs ended in an outcome the firmware's table had no room for (untallied): their final \
             states were never checked",
            report.untallied
        ));
    }
    let sources: Vec<&str> = report.sources.iter().filter(|(_, max)| *max > 0).map(|(name, _)| name.as_str()).collect();
    if !sources.is_empty() && report.arrivals == 0 {
        return Err(format!(
            "no event arrived in {runs} runs, though the lesson has sources ({}): its properties held vacuously",
            sources.join(", ")
        ));
    }
    if report.mode == "free"
        && let Some((handler, _)) = report.handled.iter().find(|(_, ran)| *ran == 0)
    {
        return Err(format!(
            "the {handler} handler never ran in {runs} rounds ({} events arrived): no round reached a state where it \
             ran",
            report.arrivals
        ));
    }
    Ok(())
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

    const FREE: &str = "irqlab start bin=lost_update lesson=04-lost-update variant=solution expect=held mode=free\n\
        irqlab sources TIMER0:1\nirqlab outcome COUNT=4 TICKS=1 holds=y runs=2000 first=0 arrival=none\n";

    #[test]
    fn a_free_run_where_everything_happened_passes() {
        let report =
            report::parse(&format!("{FREE}irqlab handled TIMER0=2000\nirqlab total runs=2000 arrivals=2000\n"));
        assert!(judge(&report).expect("a run with events").contains("every property held in 2000 rounds"));
    }

    #[test]
    fn a_free_run_where_no_event_arrived_fails() {
        let report = report::parse(&format!("{FREE}irqlab handled TIMER0=0\nirqlab total runs=2000 arrivals=0\n"));
        assert!(judge(&report).unwrap_err().contains("no event arrived in 2000 runs"));
    }

    #[test]
    fn a_free_run_whose_handler_never_ran_fails() {
        let report = report::parse(&format!("{FREE}irqlab handled TIMER0=0\nirqlab total runs=2000 arrivals=2000\n"));
        assert!(judge(&report).unwrap_err().contains("the TIMER0 handler never ran"));
    }

    #[test]
    fn a_run_with_untallied_outcomes_fails() {
        let totals = "irqlab handled TIMER0=2000\nirqlab total runs=2000 arrivals=2000 untallied=5\n";
        assert!(judge(&report::parse(&format!("{FREE}{totals}"))).unwrap_err().contains("5 of 2000 runs"));
    }

    #[test]
    fn a_panic_in_the_scenario_is_the_break_only_of_a_scenario_that_promises_one() {
        let text = |variant: &str, expect: &str, at: &str| {
            format!(
                "irqlab start bin=shared_peripheral lesson=12-shared-peripheral variant={variant} expect={expect} \
                 mode=sweep\nirqlab panic RefCell already borrowed at src/bin/../../../lessons/{at}:36\n"
            )
        };
        let ours = "12-shared-peripheral/scenario.rs";
        assert!(expected_panic(&report::parse(&text("scenario", "broken", ours))).is_some());
        assert_eq!(expected_panic(&report::parse(&text("scenario", "held", ours))), None);
        assert_eq!(expected_panic(&report::parse(&text("solution", "held", ours))), None);
        assert_eq!(expected_panic(&report::parse(&text("scenario", "broken", "01-superloop/scenario.rs"))), None);
    }
}
