//! `irqlab check LESSON`: try every arrival point (and every allowed compiler
//! reordering) with the explorer; print each property's verdict, the shortest
//! counterexample as a schedule `irqlab run --schedule` replays, and the
//! histogram of final outcomes, and the lesson's challenge rules
//! (`[[forbid]]`, `[[require]]`) with the place and message of each broken
//! one. `irqlab check --all` checks every lesson: its scenario must fail as
//! its challenge promises, its solution must hold on every schedule and keep
//! every rule, and each wrong fix (`wrong/*.rs`) must fail as its `[[wrong]]`
//! entry says: a wrong fix that is proven is a problem.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use irqlab_lessons::{Expect, Lesson, RuleFailure, RuleKind, judge_wrong};
use irqlab_sim::explore::{ExploreConfig, Explorer, Report, Verdict as PropertyVerdict};
use irqlab_sim::{Bound, Program};
use serde::Serialize;

use crate::{InputError, Verdict, emit, lesson};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A built-in lesson (`04-lost-update` or `lost-update`) or a lesson directory.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    lesson: Option<String>,
    /// Check every lesson: each scenario must fail as its challenge says, each
    /// solution must hold on every schedule and keep the rules, each wrong fix
    /// must fail as its [[wrong]] entry says.
    #[arg(long)]
    all: bool,
    /// The code to check instead of the lesson's scenario.rs (a path, or
    /// `solution.rs` for the lesson's solution).
    #[arg(long, conflicts_with = "all")]
    file: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Check only the properties the firmware checks on the board (leave out
    /// the `sim_only` ones): what a QEMU run of the lesson's bin is compared with.
    #[arg(long, conflicts_with = "all")]
    board_properties: bool,
    /// Stop after this many distinct states (the verdicts are then unknown);
    /// at most 10000000.
    #[arg(long, value_name = "N", default_value_t = ExploreConfig::default().max_states,
          value_parser = clap::value_parser!(u64).range(1..=MAX_STATES))]
    max_states: u64,
    /// Stop after this many milliseconds (the verdicts are then unknown); at
    /// most 3600000 (an hour).
    #[arg(long, value_name = "MS", default_value_t = 60_000,
          value_parser = clap::value_parser!(u64).range(1..=MAX_TIME_LIMIT_MS))]
    time_limit_ms: u64,
}

/// The most distinct states `--max-states` may ask for: the explorer keeps
/// each one's hash (about 40 bytes with its table slot), so memory stays
/// below half a gigabyte.
pub const MAX_STATES: u64 = 10_000_000;

/// The longest `--time-limit-ms`: an hour.
pub const MAX_TIME_LIMIT_MS: u64 = 3_600_000;

/// The JSON shape of one check.
#[derive(Serialize)]
struct Json<'a> {
    lesson: &'a str,
    file: &'a str,
    complete: bool,
    cut_by: Option<&'static str>,
    schedules: u64,
    states: u64,
    naive_schedules: f64,
    pruning_ratio: f64,
    elapsed_ms: f64,
    properties: Vec<JsonProperty>,
    /// The challenge rules broken (`[[forbid]]`, `[[require]]`).
    rules_broken: &'a [RuleFailure],
    outcomes: Vec<JsonOutcome>,
}

#[derive(Serialize)]
struct JsonProperty {
    name: String,
    source: String,
    verdict: &'static str,
    counterexample: Option<JsonCounterexample>,
}

#[derive(Serialize)]
struct JsonCounterexample {
    schedule: String,
    steps: u64,
    explanation: String,
    story: Vec<irqlab_sim::story::StoryLine>,
}

#[derive(Serialize)]
struct JsonOutcome {
    #[serde(rename = "final")]
    finals: serde_json::Map<String, serde_json::Value>,
    detected: Vec<String>,
    /// The worst severity of what was detected (`Outcome::severity`).
    severity: irqlab_sim::outcome::Severity,
    /// Whether a board run would show these runs as failed.
    board_failure: bool,
    count: u64,
}

pub fn main(args: &Args) -> Result<Verdict, InputError> {
    if args.all {
        return check_all(args);
    }
    let found = lesson::find(args.lesson.as_deref().unwrap_or_default())?;
    let (code, name) = lesson::code(&found, args.file.as_deref())?;
    let (mut program, _) = lesson::compile(&found, &code, &name)?;
    if args.board_properties {
        lesson::keep_board_properties(&found, &mut program);
    }
    let (report, elapsed_ms) = explore(&program, args)?;
    let broken = found.lesson.check_rules(&code, &name);
    if args.json {
        emit(&format!("{}\n", json(&found.lesson, &name, &program, &report, &broken, elapsed_ms)));
    } else {
        let mut out = text(&found.lesson, &name, &program, &report, elapsed_ms);
        out.push_str(&rules_text(&found.lesson, &broken));
        emit(&out);
    }
    Ok(if report.violated() || !broken.is_empty() { Verdict::Failed } else { Verdict::Clean })
}

/// Runs the explorer in slices, stopping at the time limit.
fn explore(program: &Program, args: &Args) -> Result<(Report, f64), InputError> {
    let config = ExploreConfig { max_states: args.max_states, ..ExploreConfig::default() };
    let mut explorer = Explorer::new(program.clone(), config)
        .map_err(|e| InputError(format!("error: the program cannot run: {e}")))?;
    let start = Instant::now();
    let interrupted = interrupt_flag();
    while !explorer.run_for(4096).done {
        if start.elapsed().as_millis() as u64 >= args.time_limit_ms {
            explorer.stop(Bound::Time);
        }
        // Ctrl-C stops the search, and what it found so far is reported
        // (the verdicts it could not finish are "unknown").
        if interrupted.load(std::sync::atomic::Ordering::Relaxed) {
            explorer.stop(Bound::Interrupted);
        }
    }
    Ok((explorer.report(), start.elapsed().as_secs_f64() * 1e3))
}

/// Set by Ctrl-C (SIGINT) while `check` explores. Without a handler (one
/// could not be installed), Ctrl-C ends the process as usual.
fn interrupt_flag() -> &'static std::sync::atomic::AtomicBool {
    static FLAG: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let _ = ctrlc::set_handler(|| FLAG.store(true, std::sync::atomic::Ordering::Relaxed));
    });
    &FLAG
}

fn verdict_word(v: PropertyVerdict) -> &'static str {
    match v {
        PropertyVerdict::Holds => "holds",
        PropertyVerdict::Violated => "violated",
        PropertyVerdict::Unknown => "unknown",
    }
}

fn text(lesson: &Lesson, file: &str, program: &Program, r: &Report, elapsed_ms: f64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}): {file}", lesson.title, lesson.id);
    let _ = writeln!(
        out,
        "explored {} schedules, {} distinct states in {elapsed_ms:.1} ms; plain enumeration: {:.0} schedules ({:.1}x fewer)",
        r.schedules,
        r.states,
        r.naive_schedules,
        r.pruning_ratio()
    );
    match r.cut_by {
        None => {
            let _ = writeln!(out, "the search was complete: every arrival point was tried");
        }
        Some(Bound::Interrupted) => {
            let _ = writeln!(
                out,
                "stopped by Ctrl-C after {} states: the verdicts below cover only the schedules tried so far",
                r.states
            );
        }
        Some(bound) => {
            let _ = writeln!(
                out,
                "unknown: the {} bound was hit after {} states; the verdicts below cover only the schedules tried",
                bound.name(),
                r.states
            );
        }
    }
    if let Some(bytes) = r.max_stack_bytes {
        let what = if r.complete { "worst case" } else { "deepest so far" };
        let _ = writeln!(
            out,
            "stack: {what} {bytes} bytes (every exception frame and function frame on it, in the model of docs/SEMANTICS.md)"
        );
    }
    let _ = writeln!(out, "\nproperties:");
    for p in &r.properties {
        let mark = match p.verdict {
            PropertyVerdict::Holds => "ok  ",
            PropertyVerdict::Violated => "FAIL",
            PropertyVerdict::Unknown => "??  ",
        };
        let _ = writeln!(out, "  {mark} {}: {}  ({})", p.name, verdict_word(p.verdict), p.source);
        if let Some(cx) = &p.counterexample {
            let schedule = cx.schedule.to_text(program);
            let shown = match (schedule.is_empty(), program.cores) {
                (true, 1) => "(no event at all)".to_string(),
                // Without `coreN@STEP` items the cores take turns by their
                // cycle counts (`Choice::core`).
                (true, _) => "(no event at all; the cores take turns, the one behind in cycles first)".to_string(),
                (false, _) => schedule.clone(),
            };
            let _ = writeln!(out, "       counterexample: {shown}, {} steps", cx.steps);
            let _ = writeln!(out, "       {}", cx.explanation);
            if !cx.story.is_empty() {
                let _ = writeln!(out, "       how it goes:");
                for l in &cx.story {
                    let at = l.line.map_or(String::new(), |n| format!(" (line {n})"));
                    let step = if l.who.is_empty() { String::new() } else { format!("step {:>4}  ", l.step) };
                    let who = if l.who.is_empty() { String::new() } else { format!("{}: ", l.who) };
                    let _ = writeln!(out, "         {step}{who}{}{at}", l.text);
                }
            }
            let _ =
                writeln!(out, "       replay: irqlab run {} --schedule \"{schedule}\"", replay_target(lesson, file));
        }
    }
    let _ = writeln!(out, "\noutcomes (final values of the statics, by schedules explored):");
    let total: u64 = r.outcomes.iter().map(|o| o.count).sum();
    for o in r.outcomes.iter().take(12) {
        let values: Vec<String> = o.finals.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let detected = if o.labels.is_empty() { String::new() } else { format!("  [{}]", o.labels.join(", ")) };
        let _ = writeln!(out, "  {:>6}  {}{detected}", o.count, values.join(" "));
    }
    if r.outcomes.len() > 12 {
        let _ = writeln!(out, "  ... {} more outcomes ({total} schedules in all)", r.outcomes.len() - 12);
    }
    out
}

/// The challenge rules: each with ok or FAIL, and where it is broken.
fn rules_text(lesson: &Lesson, broken: &[RuleFailure]) -> String {
    let mut out = String::new();
    if lesson.manifest.rules.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\nrules:");
    for rule in &lesson.manifest.rules {
        let kind = match rule.kind {
            RuleKind::Forbid => "forbid",
            RuleKind::Require => "require",
        };
        let within = rule_place(rule);
        let mine: Vec<&RuleFailure> = broken.iter().filter(|b| b.rule == rule.name).collect();
        let mark = if mine.is_empty() { "ok  " } else { "FAIL" };
        let _ = writeln!(out, "  {mark} {}: {kind} {}{within}", rule.name, rule.construct);
        if let Some(first) = mine.first() {
            let _ = writeln!(out, "       {}", first.message);
        }
        for b in &mine {
            if let Some(s) = &b.span {
                let _ = writeln!(out, "       at {}:{}:{}", s.file, s.line, s.col_start);
            }
        }
    }
    out
}

/// Where a rule looks (`in`, `first`), as words after its construct.
pub fn rule_place(rule: &irqlab_lessons::RuleEntry) -> String {
    match (&rule.within, rule.first) {
        (Some(f), true) => format!(" as the first statement of `{f}`"),
        (Some(f), false) => format!(" in `{f}`"),
        (None, true) => " as the first statement of a function".to_string(),
        (None, false) => String::new(),
    }
}

fn replay_target(lesson: &Lesson, file: &str) -> String {
    if file.ends_with("/scenario.rs") { lesson.id.clone() } else { format!("{} --file {file}", lesson.id) }
}

fn json(
    lesson: &Lesson,
    file: &str,
    program: &Program,
    r: &Report,
    rules_broken: &[RuleFailure],
    elapsed_ms: f64,
) -> String {
    let value = Json {
        lesson: &lesson.id,
        file,
        complete: r.complete,
        cut_by: r.cut_by.map(Bound::name),
        schedules: r.schedules,
        states: r.states,
        naive_schedules: r.naive_schedules,
        pruning_ratio: r.pruning_ratio(),
        elapsed_ms,
        properties: r
            .properties
            .iter()
            .map(|p| JsonProperty {
                name: p.name.clone(),
                source: p.source.clone(),
                verdict: verdict_word(p.verdict),
                counterexample: p.counterexample.as_ref().map(|c| JsonCounterexample {
                    schedule: c.schedule.to_text(program),
                    steps: c.steps,
                    explanation: c.explanation.clone(),
                    story: c.story.clone(),
                }),
            })
            .collect(),
        rules_broken,
        outcomes: r
            .outcomes
            .iter()
            .map(|o| JsonOutcome {
                finals: o.finals.iter().map(|(k, v)| (k.clone(), json_value(v))).collect(),
                detected: o.labels.clone(),
                severity: o.severity,
                board_failure: o.board_failure,
                count: o.count,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Numbers and booleans as JSON numbers and booleans.
fn json_value(v: &str) -> serde_json::Value {
    serde_json::from_str::<serde_json::Value>(v)
        .ok()
        .filter(|j| j.is_number() || j.is_boolean())
        .unwrap_or_else(|| serde_json::Value::String(v.to_string()))
}

/// The lessons to check: those in ./lessons when run from the repository
/// (so edits are checked), else the built-in ones.
fn all_lessons() -> Result<Vec<Lesson>, InputError> {
    let dir = Path::new("lessons");
    if !dir.is_dir() {
        return Ok(irqlab_lessons::builtin());
    }
    let mut dirs: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| InputError(format!("error: cannot read lessons/: {e}")))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("lesson.toml").is_file())
        .collect();
    dirs.sort();
    let mut lessons = Vec::new();
    let mut problems = String::new();
    for d in dirs {
        match irqlab_lessons::load_dir(&d) {
            Ok(l) => lessons.push(l),
            Err(errors) => {
                for e in errors {
                    let _ = writeln!(problems, "{e}");
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(InputError(format!("error: some lessons do not load:\n{problems}")));
    }
    Ok(lessons)
}

fn check_all(args: &Args) -> Result<Verdict, InputError> {
    let lessons = all_lessons()?;
    let mut failures = Vec::new();
    let mut rows = Vec::new();
    let mut out = String::new();
    for lesson in &lessons {
        let lesson_files = [
            ("scenario.rs", &lesson.scenario, Some(lesson.challenge.scenario_expect)),
            ("solution.rs", &lesson.solution, Some(Expect::Holds)),
        ];
        let wrong_files = lesson.wrong.iter().map(|w| (w.file.as_str(), &w.code, None));
        for (index, (file, code, expect)) in lesson_files.into_iter().chain(wrong_files).enumerate() {
            let name = format!("lessons/{}/{file}", lesson.id);
            let compiled = lesson.compile(code, &name);
            let Some(program) = compiled.program else {
                let rendered = irqlab_lang::rendered_or_counted(&compiled.diagnostics, |d| lesson.source_of(d, code));
                failures.push(format!("{name} does not compile for irqlab:\n{rendered}"));
                continue;
            };
            let (report, ms) = explore(&program, args)?;
            let broken = lesson.check_rules(code, &name);
            let violated: Vec<&str> = report
                .properties
                .iter()
                .filter(|p| p.verdict == PropertyVerdict::Violated)
                .map(|p| p.name.as_str())
                .collect();
            let (ok, expected, found) = match expect {
                Some(expect) => {
                    let ok = match expect {
                        Expect::Violated => !violated.is_empty(),
                        Expect::Holds => report.complete && violated.is_empty() && broken.is_empty(),
                    };
                    let mut found = if violated.is_empty() {
                        if report.complete {
                            "every property holds".to_string()
                        } else {
                            "unknown (bound hit)".to_string()
                        }
                    } else {
                        format!("violated: {}", violated.join(", "))
                    };
                    for b in &broken {
                        let _ = write!(found, "; {b}");
                    }
                    let expected = match expect {
                        Expect::Violated => "a failure".to_string(),
                        Expect::Holds => "holds".to_string(),
                    };
                    (ok, expected, found)
                }
                None => {
                    // A wrong fix (index 2.. of the files).
                    let w = &lesson.wrong[index - 2];
                    let expected = format!("wrong fix failing on \"{}\"", w.because);
                    match judge_wrong(w, &violated, &broken) {
                        Ok(found) => (true, expected, found),
                        Err(problem) => (false, expected, problem),
                    }
                }
            };
            let _ = writeln!(
                out,
                "{} {name}: expected {expected}, {found} ({} states, {ms:.1} ms)",
                if ok { "ok  " } else { "FAIL" },
                report.states
            );
            if !ok {
                failures.push(format!("{name}: expected {expected}, found {found}"));
            }
            rows.push(serde_json::json!({
                "lesson": lesson.id, "file": name, "ok": ok, "expected": expected, "found": found,
                "complete": report.complete, "states": report.states, "schedules": report.schedules,
                "naive_schedules": report.naive_schedules, "elapsed_ms": ms,
                "rules_broken": broken,
            }));
        }
    }
    if args.json {
        emit(&format!("{}\n", serde_json::Value::Array(rows)));
    } else {
        let _ = writeln!(out, "\n{} lessons checked, {} problem(s)", lessons.len(), failures.len());
        emit(&out);
    }
    if failures.is_empty() {
        Ok(Verdict::Clean)
    } else {
        for f in &failures {
            eprintln!("error: {f}");
        }
        Ok(Verdict::Failed)
    }
}
