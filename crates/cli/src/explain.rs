//! `irqlab explain LESSON`: the story, what runs where, the challenge and
//! the scenario with line numbers. No spoilers unless asked: `--hint N`
//! prints one hint, `--solution` adds why the fix works and solution.rs.

use irqlab_lessons::{Expect, Lesson};

use crate::{InputError, Verdict, emit, lesson};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A built-in lesson (`04-lost-update` or `lost-update`) or a lesson directory.
    lesson: String,
    /// Also print why the fix works and solution.rs (the spoiler).
    #[arg(long, conflicts_with = "hint")]
    solution: bool,
    /// Print only hint N (1 is the first).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    hint: Option<u32>,
}

pub fn main(args: &Args) -> Result<Verdict, InputError> {
    let found = lesson::find(&args.lesson)?;
    let l = &found.lesson;
    if let Some(n) = args.hint {
        let Some(hint) = l.hints.get(n as usize - 1) else {
            return Err(InputError(format!("error: {} has {} hint(s), not {n}", l.id, l.hints.len())));
        };
        let next = if (n as usize) < l.hints.len() {
            format!("\n(next: irqlab explain {} --hint {})\n", l.id, n + 1)
        } else {
            format!("\n(that was the last hint; the solution: irqlab explain {} --solution)\n", l.id)
        };
        emit(&format!("Hint {n} of {}: {hint}\n{next}", l.hints.len()));
        return Ok(Verdict::Clean);
    }
    emit(&explain(l, args.solution));
    Ok(Verdict::Clean)
}

pub fn explain(l: &Lesson, with_solution: bool) -> String {
    let m = &l.manifest;
    let mut out = format!("{} ({})\n{}\n\n", l.title, l.id, l.summary);
    out.push_str(&format!("Topics: {}\nTarget: {}, {} core(s)\n\nContexts:\n", l.covers.join(", "), m.target, m.cores));
    for c in &m.contexts {
        let runs: Vec<String> =
            c.calls
                .iter()
                .map(|call| {
                    if call.times == 1 {
                        format!("{}()", call.runs)
                    } else {
                        format!("{}() x{}", call.runs, call.times)
                    }
                })
                .collect();
        match (&c.interrupt, c.priority) {
            (Some(irq), Some(p)) => out.push_str(&format!(
                "  {}: handler of {irq}, priority {p}{}, runs {}\n",
                c.name,
                if c.enabled { "" } else { " (masked at start)" },
                runs.join(", ")
            )),
            _ => {
                out.push_str(&format!("  {}: thread mode on core {}, runs {}\n", c.name, c.core, runs.join(", then ")))
            }
        }
    }
    if !m.sources.is_empty() {
        out.push_str("\nEvents:\n");
        for s in &m.sources {
            let trigger = match s.trigger {
                irqlab_sim::Trigger::Edge => "edge",
                irqlab_sim::Trigger::Level => "level",
            };
            out.push_str(&format!("  {}: {trigger}-triggered, at most {} arrival(s)\n", s.interrupt, s.max_arrivals));
        }
    }
    if !m.properties.is_empty() {
        out.push_str("\nProperties:\n");
        for p in &m.properties {
            let when = match p.at {
                irqlab_sim::PropertyWhen::End => "at the end",
                irqlab_sim::PropertyWhen::Always => "after every step",
            };
            out.push_str(&format!("  \"{}\" ({when}): {}\n", p.name, p.holds));
        }
    }
    out.push_str("\nChallenge:\n");
    let expect = match l.challenge.scenario_expect {
        Expect::Violated => "some schedule breaks a property of scenario.rs",
        Expect::Holds => "no schedule breaks a property of scenario.rs",
    };
    out.push_str(&format!("  ({expect})\n"));
    if let Some(b) = &l.challenge.break_it {
        out.push_str(&format!("  Break it: {b}\n"));
    }
    if let Some(f) = &l.challenge.fix_it {
        out.push_str(&format!("  Fix it: {f}\n"));
    }
    if !l.hints.is_empty() {
        out.push_str(&format!("  {} hint(s), one at a time: irqlab explain {} --hint 1\n", l.hints.len(), l.id));
    }
    if !m.rules.is_empty() {
        out.push_str("\nRules for the fix:\n");
        for r in &m.rules {
            let kind = match r.kind {
                irqlab_lessons::RuleKind::Forbid => "forbidden:",
                irqlab_lessons::RuleKind::Require => "required:",
            };
            let within = crate::check::rule_place(r);
            out.push_str(&format!("  {}: {kind} {}{within}\n", r.name, r.construct));
        }
    }
    let readme = if with_solution { l.readme.as_str() } else { l.story() };
    out.push_str(&format!("\n{}\n", readme.trim_end()));
    out.push_str(&numbered("scenario.rs", &l.scenario));
    if with_solution {
        out.push_str(&numbered("solution.rs", &l.solution));
    } else {
        out.push_str(&format!("\n(why the fix works, and solution.rs: irqlab explain {} --solution)\n", l.id));
    }
    out
}

fn numbered(name: &str, code: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let width = lines.len().to_string().len();
    let mut out = format!("\n--- {name}\n");
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            out.push_str(&format!("{:>width$} |\n", i + 1));
        } else {
            out.push_str(&format!("{:>width$} | {line}\n", i + 1));
        }
    }
    out
}
