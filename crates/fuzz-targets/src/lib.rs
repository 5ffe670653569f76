//! The bodies of irqlab's fuzz targets, as plain functions of the input
//! bytes: `fuzz/` (cargo-fuzz, nightly) runs each under libFuzzer, and this
//! crate's test replays every file of `fuzz/corpus/` and `fuzz/regressions/`
//! through them on stable. Each returns normally on any input; a panic is a
//! bug (a crash of the code under test, or a broken invariant asserted here).
//!
//! Inputs that need a lesson (its setup, its compiled program) pick one with
//! their first byte (`pick`): the rest is the text or the choices.

use std::sync::LazyLock;

use irqlab_lessons::permalink::{self, Permalink};
use irqlab_lessons::{EMBEDDED, Lesson};
use irqlab_sim::explore::{ExploreConfig, Explorer, label_bit, label_names};
use irqlab_sim::{Arrival, ArrivalPoint, Bounds, Program, Schedule, ScheduleItem, Session};

/// A target's body: one input, any bytes.
pub type Target = fn(&[u8]);

/// The targets by name, as `fuzz/fuzz_targets/` and the corpus folders name them.
pub const TARGETS: &[(&str, Target)] = &[
    ("front_end", front_end),
    ("lesson_toml", lesson_toml),
    ("schedule", schedule),
    ("permalink", permalink),
    ("machine", machine),
];

/// Runs are short: an input is one execution of many thousands.
const BOUNDS: Bounds = Bounds {
    max_steps: 600,
    max_cycles: 200_000,
    starvation_steps: 200,
    max_call_depth: 16,
    max_property_steps: 2_000,
};

static LESSONS: LazyLock<Vec<Lesson>> = LazyLock::new(irqlab_lessons::builtin);

/// Every built-in lesson's scenario and solution, compiled.
static PROGRAMS: LazyLock<Vec<Program>> = LazyLock::new(|| {
    LESSONS
        .iter()
        .flat_map(|l| [l.compile(&l.scenario, "scenario.rs"), l.compile(&l.solution, "solution.rs")])
        .map(|c| c.program.expect("built-in lessons compile"))
        .collect()
});

/// The item the first byte picks, and the rest of the input.
fn pick<'a, T>(items: &'a [T], data: &'a [u8]) -> Option<(&'a T, &'a [u8])> {
    let (first, rest) = data.split_first()?;
    Some((items.get(*first as usize % items.len())?, rest))
}

/// Source text: a lesson's code, compiled with that lesson's setup. Every
/// span lies inside the text, every diagnostic renders, and a program that
/// compiles is valid: it runs briefly, and the explorer's runs (a small
/// search) replay through `Session` to the same end.
pub fn front_end(data: &[u8]) {
    let Some((lesson, rest)) = pick(&LESSONS, data) else { return };
    let Ok(code) = std::str::from_utf8(rest) else { return };
    let compiled = lesson.compile(code, "lesson.rs");
    if let Err(e) = compiled.check_spans(code, "lesson.rs") {
        panic!("{e}");
    }
    let shown = compiled.diagnostics.len().min(irqlab_lang::MAX_RENDERED);
    let _ = irqlab_lang::render_all(&compiled.diagnostics[..shown], |d| lesson.source_of(d, code), true);
    assert!(compiled.program.is_none() || compiled.errors().next().is_none(), "a program came with errors");
    let Some(program) = compiled.program else { return };
    let mut session = Session::new(program.clone(), Schedule::default(), BOUNDS).expect("a compiled program is valid");
    session.run_to_end();
    explore_and_replay(&program, 200, 8);
}

/// The explorer's search, bounded to `max_states`, and each of up to `ends`
/// runs it followed replayed through `Session`: the same memory, the same
/// outcomes (what crates/lessons/tests/replay.rs checks for the lessons).
fn explore_and_replay(program: &Program, max_states: u64, ends: usize) {
    let config = ExploreConfig { max_states, bounds: BOUNDS };
    let mut explorer = Explorer::new(program.clone(), config).expect("a compiled program is valid").record_ends(ends);
    explorer.run();
    for end in explorer.ends() {
        let mut session = Session::new(program.clone(), end.schedule.clone(), BOUNDS).expect("valid");
        let summary = session.run_to_end();
        let text = end.schedule.to_text(program);
        assert!(session.not_applied().is_empty(), "`{text}`: {:?}", session.not_applied());
        assert_eq!(session.machine().memory(), end.memory.as_slice(), "`{text}`: memory");
        let labels = label_names(summary.outcomes.iter().fold(0, |bits, o| bits | label_bit(o)));
        assert_eq!(labels, end.labels, "`{text}`: outcomes {:?}", summary.outcomes);
    }
}

/// lesson.toml text, with the other files of the lesson the first byte
/// picks: loading reports problems, never panics, and every problem's
/// line and column lie inside its file.
pub fn lesson_toml(data: &[u8]) {
    let Some((e, rest)) = pick(EMBEDDED, data) else { return };
    let Ok(toml) = std::str::from_utf8(rest) else { return };
    let Err(errors) = Lesson::from_files(e.id, Some(toml), e.readme, e.scenario, e.solution, e.wrong) else {
        return;
    };
    assert!(!errors.is_empty(), "a lesson refused without a reason");
    for error in errors {
        let text = match error.file.as_str() {
            "lesson.toml" => toml,
            "README.md" => e.readme.unwrap_or_default(),
            "scenario.rs" => e.scenario.unwrap_or_default(),
            "solution.rs" => e.solution.unwrap_or_default(),
            wrong => e.wrong.iter().find(|(f, _)| *f == wrong).map_or("", |(_, t)| t),
        };
        let lines = text.split('\n').count() as u32;
        assert!(error.line >= 1 && error.line <= lines.max(1) && error.column >= 1, "{error} is outside its file");
    }
}

/// Schedule text against a lesson's program: what parses prints back to
/// itself (`to_text`, then `parse` again), and runs.
pub fn schedule(data: &[u8]) {
    let Some((program, rest)) = pick(&PROGRAMS, data) else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let Ok(schedule) = Schedule::parse(text, program) else { return };
    let printed = schedule.to_text(program);
    assert_eq!(Schedule::parse(&printed, program).as_ref(), Ok(&schedule), "`{text}` printed as `{printed}`");
    Session::new(program.clone(), schedule, BOUNDS).expect("valid").run_to_end();
}

/// A permalink fragment: decoding refuses or keeps parts, never panics; what
/// it keeps encodes back to a link that decodes to the same moment.
pub fn permalink(data: &[u8]) {
    let Ok(fragment) = std::str::from_utf8(data) else { return };
    let Ok(link) = Permalink::decode(fragment) else { return };
    if let Some(code) = &link.code {
        assert!(code.len() <= permalink::MAX_CODE, "{} bytes of code kept", code.len());
    }
    let kept = Permalink { dropped: Vec::new(), ..link };
    let encoded = kept.encode();
    if encoded.len() > permalink::MAX_LINK {
        // Code that another compressor packed tighter than ours: too long
        // for a link once ours writes it (the page's "copy link" says so).
        return;
    }
    let again = Permalink::decode(&encoded);
    // The lesson of a version 1 link reads back as given (a version 2 name).
    assert_eq!(again.as_ref(), Ok(&kept), "`{fragment}`");
}

/// The machine stepping a lesson's compiled program on a schedule made of
/// the input bytes (three bytes an item: an arrival at a step or a cycle, a
/// reordering, a core pick, a WFE returning at once). The run is deterministic: going back to its
/// middle and on again ends the same, and its schedule's text reads back.
pub fn machine(data: &[u8]) {
    let Some((program, rest)) = pick(&PROGRAMS, data) else { return };
    let schedule = Schedule::new(rest.chunks_exact(3).filter_map(|c| item(program, c[0], c[1], c[2])).collect());
    let text = schedule.to_text(program);
    assert_eq!(Schedule::parse(&text, program).as_ref(), Ok(&schedule), "`{text}`");
    let mut session = Session::new(program.clone(), schedule, BOUNDS).expect("valid");
    let end = session.run_to_end();
    assert!(end.steps <= BOUNDS.max_steps, "`{text}`: {} steps", end.steps);
    let memory = session.machine().memory().to_vec();
    session.goto(end.steps / 2);
    assert_eq!(session.position(), end.steps / 2, "`{text}`: back to the middle");
    assert_eq!(session.run_to_end(), end, "`{text}`: the second time");
    assert_eq!(session.machine().memory(), memory.as_slice(), "`{text}`: memory the second time");
}

/// One schedule item from three bytes (`None`: an arrival in a program
/// without sources).
fn item(program: &Program, kind: u8, lo: u8, hi: u8) -> Option<ScheduleItem> {
    let at = u64::from(u16::from_le_bytes([lo, hi]) % 1024);
    let n = kind >> 2;
    Some(match kind & 3 {
        0 | 1 => {
            let count = program.sources.len();
            let source = irqlab_sim::SourceId((usize::from(n) % count.max(1)) as u16);
            if count == 0 {
                return None;
            }
            let at = if kind & 3 == 0 { ArrivalPoint::Step(at) } else { ArrivalPoint::Cycle(at * 8) };
            ScheduleItem::Arrival(Arrival { source, at })
        }
        2 => ScheduleItem::Reorder { step: at, pick: 1 + u16::from(n % 3) },
        // Kind 3: a core pick (n even) or a WFE returning at once (n odd).
        _ if n & 1 == 1 => ScheduleItem::WfeReturns { step: at },
        _ => ScheduleItem::Core { step: at, core: (n >> 1) % program.cores.max(1) },
    })
}

/// The three bytes `item` reads back to `it` (a step or cycle past 1023, or
/// 8 * 1023, is cut to fit).
fn encode_item(it: &ScheduleItem) -> [u8; 3] {
    let (kind, n, at) = match *it {
        ScheduleItem::Arrival(Arrival { source, at: ArrivalPoint::Step(s) }) => (0, source.0 as u8, s),
        ScheduleItem::Arrival(Arrival { source, at: ArrivalPoint::Cycle(c) }) => (1, source.0 as u8, c / 8),
        ScheduleItem::Reorder { step, pick } => (2, (pick.max(1) - 1) as u8, step),
        ScheduleItem::Core { step, core } => (3, core << 1, step),
        ScheduleItem::WfeReturns { step } => (3, 1, step),
    };
    let [lo, hi] = (at.min(1023) as u16).to_le_bytes();
    [kind | (n << 2), lo, hi]
}

/// Seed inputs from the lessons, `(target, file name, bytes)`: each
/// lesson's code for `front_end`, its lesson.toml for `lesson_toml`, the
/// schedules of a few runs the explorer follows for `schedule` and
/// `machine`, and links to each lesson (both versions, damaged parts too)
/// for `permalink`. `cargo xtask fuzz` writes them into the corpus.
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let with = |index: usize, text: &str| [&[index as u8][..], text.as_bytes()].concat();
    let mut out = Vec::new();
    for (i, lesson) in LESSONS.iter().enumerate() {
        let mut files = vec![("scenario.rs", &lesson.scenario), ("solution.rs", &lesson.solution)];
        files.extend(lesson.wrong.iter().map(|w| (w.file.as_str(), &w.code)));
        for (file, code) in files {
            let name = format!("seed-{}-{}", lesson.id, file.replace('/', "-"));
            out.push(("front_end", name, with(i, code)));
        }
        let slug = lesson.slug();
        let link = Permalink { lesson: slug.into(), code: Some(lesson.scenario.clone()), ..Permalink::default() };
        out.push(("permalink", format!("seed-{slug}-code"), link.encode().into_bytes()));
        out.push(("permalink", format!("seed-{slug}-plain"), format!("#v=2&lesson={slug}").into_bytes()));
    }
    for (i, e) in EMBEDDED.iter().enumerate() {
        out.push(("lesson_toml", format!("seed-{}", e.id), with(i, e.toml.unwrap_or_default())));
    }
    for (i, id) in irqlab_lessons::V1_IDS.iter().enumerate() {
        let link = format!("v=1&lesson={id}&sched=TIMER0@{i},reorder@3:2&step={i}&x=1");
        out.push(("permalink", format!("seed-v1-{id}"), link.into_bytes()));
    }
    for (i, program) in PROGRAMS.iter().enumerate() {
        let config = ExploreConfig { max_states: 5_000, bounds: BOUNDS };
        let mut explorer = Explorer::new(program.clone(), config).expect("valid").record_ends(64);
        explorer.run();
        let mut schedules: Vec<&Schedule> = explorer.ends().iter().map(|e| &e.schedule).collect();
        schedules.sort_by_key(|s| std::cmp::Reverse(s.items.len()));
        for (k, s) in schedules.iter().take(3).enumerate() {
            let text = s.to_text(program);
            out.push(("schedule", format!("seed-{i}-{k}"), with(i, &text)));
            let bytes: Vec<u8> = s.items.iter().flat_map(encode_item).collect();
            out.push(("machine", format!("seed-{i}-{k}"), [&[i as u8][..], &bytes].concat()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_item_reads_back_from_its_three_bytes() {
        let program = &PROGRAMS[0];
        let items = [
            ScheduleItem::Reorder { step: 5, pick: 2 },
            ScheduleItem::Core { step: 1023, core: 0 },
            ScheduleItem::Arrival(Arrival { source: irqlab_sim::SourceId(0), at: ArrivalPoint::Cycle(80) }),
        ];
        for it in items {
            if matches!(it, ScheduleItem::Arrival(_)) && program.sources.is_empty() {
                continue;
            }
            let [a, b, c] = encode_item(&it);
            assert_eq!(item(program, a, b, c), Some(it));
        }
    }

    #[test]
    fn every_target_has_seeds() {
        let seeds = seeds();
        for (name, _) in TARGETS {
            assert!(seeds.iter().filter(|(t, _, _)| t == name).count() >= 5, "{name}");
        }
    }
}
