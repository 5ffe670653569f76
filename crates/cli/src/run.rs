//! `irqlab run LESSON`: compile the lesson's code (or `--file`), run it under
//! a schedule, print the timeline, the final statics and each outcome.

use irqlab_sim::{Bounds, Schedule, Session};

use std::fmt::Write as _;

use crate::{InputError, Verdict, emit, lesson, timeline};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A built-in lesson (`04-lost-update` or `lost-update`) or a lesson directory.
    lesson: String,
    /// The code to run instead of the lesson's scenario.rs (a path, or
    /// `solution.rs` for the lesson's solution).
    #[arg(long)]
    file: Option<String>,
    /// When events arrive, such as "TIMER0@12,TIMER0@c400" (`NAME@STEP`: before
    /// that step; `NAME@cCYCLE`: at that cycle).
    #[arg(long, default_value = "")]
    schedule: String,
    /// Print the run as JSON (trace, final state, outcomes) instead of text.
    #[arg(long)]
    json: bool,
    /// Check only the properties the firmware checks on the board (leave out
    /// the `sim_only` ones).
    #[arg(long)]
    board_properties: bool,
    /// Stop after this many steps (at most 1000000: the run keeps a record of
    /// every step for the timeline, a few hundred bytes each).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_STEPS))]
    max_steps: Option<u64>,
}

/// The most step records `--json` prints (the first ones; `trace_omitted`
/// counts the rest), some megabytes of JSON: the JSON of a million records
/// took 3.3 GB to build.
pub const MAX_JSON_TRACE: usize = 20_000;

/// The most steps `--max-steps` may ask for, so that the trace a run keeps
/// stays within a few hundred megabytes.
pub const MAX_STEPS: u64 = 1_000_000;

pub fn main(args: &Args) -> Result<Verdict, InputError> {
    let found = lesson::find(&args.lesson)?;
    let (code, name) = lesson::code(&found, args.file.as_deref())?;
    let (mut program, compiled) = lesson::compile(&found, &code, &name)?;
    if args.board_properties {
        lesson::keep_board_properties(&found, &mut program);
    }
    let warnings: Vec<_> = compiled.diagnostics.iter().filter(|d| !d.is_error()).cloned().collect();
    let warnings = irqlab_lang::rendered_or_counted(&warnings, |d| found.lesson.source_of(d, &code));
    eprint!("{}", irqlab_lang::terminal_safe(&warnings));
    let schedule =
        Schedule::parse(&args.schedule, &program).map_err(|e| InputError(format!("error: bad --schedule: {e}")))?;
    let mut bounds = Bounds::default();
    if let Some(n) = args.max_steps {
        bounds.max_steps = n;
    }
    let mut session = Session::new(program.clone(), schedule.clone(), bounds)
        .map_err(|e| InputError(format!("error: the program cannot run: {e}")))?;
    let summary = session.run_to_end();
    if let Some((item, why)) = session.not_applied().first() {
        let item = Schedule::new(vec![*item]).to_text(&program);
        return Err(InputError(format!("error: bad --schedule: `{item}` does not apply: {why}")));
    }
    let failed = summary.outcomes.iter().any(timeline::is_failure);
    let state = timeline::final_state(&program, session.machine().memory());
    let mut out = String::new();
    if args.json {
        let outcomes: Vec<_> = summary
            .outcomes
            .iter()
            .map(|o| serde_json::json!({ "label": o.label(), "severity": o.severity(), "board_failure": o.board_sees(), "explanation": o.explain(&program), "outcome": o }))
            .collect();
        let state: Vec<_> = state.iter().map(|(n, v)| serde_json::json!({ "name": n, "value": v })).collect();
        let trace = session.trace();
        let kept = trace.len().min(MAX_JSON_TRACE);
        let report = serde_json::json!({
            "lesson": found.lesson.id,
            "file": name,
            "schedule": schedule.to_text(&program),
            "status": summary.status,
            "steps": summary.steps,
            "cycles": summary.cycles,
            "failed": failed,
            "final_state": state,
            "outcomes": outcomes,
            "contexts": program.contexts.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
            "trace": &trace[..kept],
            "trace_omitted": trace.len() - kept,
        });
        out = serde_json::to_string_pretty(&report).map_err(|e| InputError(e.to_string()))? + "\n";
    } else {
        let shown = if schedule.is_empty() { "no events".to_string() } else { schedule.to_text(&program) };
        let _ = writeln!(out, "{} ({name}), schedule: {shown}\n", found.lesson.id);
        out.push_str(&timeline::render(&program, session.trace(), &code));
        let _ = writeln!(out, "\n{} steps, {} cycles.\n\nFinal state:", summary.steps, summary.cycles);
        let width = state.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0);
        for (n, v) in &state {
            let _ = writeln!(out, "  {n:<width$} = {v}");
        }
        out.push('\n');
        if summary.outcomes.is_empty() {
            let _ = writeln!(out, "Every property holds on this schedule.");
        } else {
            let _ = writeln!(out, "Outcomes:");
            for o in &summary.outcomes {
                let _ = writeln!(out, "  [{}] {}", o.label(), o.explain(&program));
            }
        }
    }
    emit(&out);
    Ok(if failed { Verdict::Failed } else { Verdict::Clean })
}
