//! Every lesson in lessons/ loads, both of its files compile, its scenario
//! breaks as lesson.toml says, and its solution holds on every schedule.

use std::path::PathBuf;

use irqlab_lessons::{Expect, Lesson, builtin, builtin_results, load_dir};
use irqlab_sim::{
    Arrival, ArrivalPoint, Bounds, ContextKind, Outcome, Program, Schedule, ScheduleItem, Session, SourceId,
};

fn lessons_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons")
}

#[test]
fn every_lesson_directory_is_built_in_and_loads() {
    let mut dirs: Vec<String> = std::fs::read_dir(lessons_dir())
        .expect("lessons/")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("lesson.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 3, "{dirs:?}");
    for r in builtin_results() {
        if let Err((id, errors)) = r {
            let shown: Vec<String> =
                errors.iter().map(|e| format!("{e}\n{}", e.rendered.clone().unwrap_or_default())).collect();
            panic!("lesson {id} does not load:\n{}", shown.join("\n"));
        }
    }
    let ids: Vec<String> = builtin().iter().map(|l| l.id.clone()).collect();
    assert_eq!(ids, dirs, "builtin() is every directory, sorted by id");
    for id in &dirs {
        let from_disk = load_dir(&lessons_dir().join(id)).unwrap_or_else(|e| panic!("{id}: {e:?}"));
        let embedded = builtin().into_iter().find(|l| &l.id == id).expect("embedded");
        assert_eq!(from_disk.scenario, embedded.scenario, "{id}: the embedded copy is stale");
        assert_eq!(from_disk.manifest, embedded.manifest);
    }
}

/// Every schedule of one or two arrivals, each at a step in `0..steps`, as
/// far as each source's `max_arrivals` allows (the explorer's space, without
/// its pruning), every single arrival with one compiler reordering before it
/// (a `Relaxed` flag seen before its data needs one), and with three sources
/// or more, three events of three sources early in the run.
fn schedules(program: &Program, steps: u64) -> Vec<Schedule> {
    let arrival = |(source, at): (SourceId, u64)| ScheduleItem::Arrival(Arrival { source, at: ArrivalPoint::Step(at) });
    let points: Vec<(SourceId, u64)> =
        (0..program.sources.len()).flat_map(|i| (0..steps).map(move |at| (SourceId(i as u16), at))).collect();
    let mut out = vec![Schedule::default()];
    for (i, a) in points.iter().enumerate() {
        out.push(Schedule::new(vec![arrival(*a)]));
        out.extend((0..a.1).map(|step| Schedule::new(vec![ScheduleItem::Reorder { step, pick: 1 }, arrival(*a)])));
        for b in &points[i..] {
            if a.0 != b.0 || program.sources[a.0.0 as usize].max_arrivals >= 2 {
                out.push(Schedule::new(vec![arrival(*a), arrival(*b)]));
            }
        }
    }
    // A source that receives by DMA: a message's bytes all at one early
    // step, then the next message's bytes at every pair of later steps
    // (lesson 28's break needs a byte of the second message to land inside
    // the handler of the first).
    for dma in program.dma_sources() {
        for k in 0..steps.min(8) {
            for i in k..steps {
                for j in i..steps {
                    out.push(Schedule::new(vec![
                        arrival((dma, k)),
                        arrival((dma, k)),
                        arrival((dma, i)),
                        arrival((dma, j)),
                    ]));
                }
            }
        }
    }
    // Three sources, one event each, in every order at three early steps:
    // lesson 26's break needs all three handlers nested.
    if program.sources.len() >= 3 {
        let early = steps.min(24);
        let n = program.sources.len() as u16;
        for (x, y, z) in (0..n).flat_map(|x| (0..n).flat_map(move |y| (0..n).map(move |z| (x, y, z)))) {
            if x == y || y == z || x == z {
                continue;
            }
            for i in 0..early {
                for j in i + 1..early {
                    for k in j + 1..early {
                        out.push(Schedule::new(vec![
                            arrival((SourceId(x), i)),
                            arrival((SourceId(y), j)),
                            arrival((SourceId(z), k)),
                        ]));
                    }
                }
            }
        }
    }
    out
}

fn violations(lesson: &Lesson, code: &str, name: &str) -> (usize, Vec<(Schedule, Vec<Outcome>)>) {
    let compiled = lesson.compile(code, name);
    let program = compiled.program.unwrap_or_else(|| panic!("{} {name} compiles", lesson.id));
    let mut quiet = Session::new(program.clone(), Schedule::default(), Bounds::default()).expect("valid program");
    let steps = quiet.run_to_end().steps + 16;
    let all = schedules(&program, steps);
    // A main that loops forever by design waits for the events a schedule
    // does not send: a note (docs/SEMANTICS.md section 4), not a failure.
    let forever = program.contexts.iter().any(|c| matches!(c.kind, ContextKind::Thread { forever: true, .. }));
    let mut bad = Vec::new();
    for schedule in &all {
        let mut s = Session::new(program.clone(), schedule.clone(), Bounds::default()).expect("valid program");
        let summary = s.run_to_end();
        let failures: Vec<Outcome> = summary
            .outcomes
            .into_iter()
            .filter(|o| !matches!(o, Outcome::EventLost { .. } | Outcome::BoundHit { .. }))
            .filter(|o| !(forever && matches!(o, Outcome::Hang { .. })))
            .collect();
        if !failures.is_empty() {
            bad.push((schedule.clone(), failures));
        }
    }
    (all.len(), bad)
}

#[test]
fn each_scenario_breaks_as_its_lesson_says_and_each_solution_holds() {
    for lesson in builtin() {
        let (tried, broken) = violations(&lesson, &lesson.scenario, "scenario.rs");
        assert!(tried > 10, "{}: only {tried} schedules", lesson.id);
        // A false property, or an outcome the lesson teaches that stops the
        // run before its end properties are checked (a deadlock, a panic).
        let property_broken =
            broken.iter().any(|(_, o)| o.iter().any(|o| matches!(o, Outcome::PropertyViolated { .. }) || o.halts()));
        match lesson.challenge.scenario_expect {
            Expect::Violated => assert!(property_broken, "{}: no schedule of {tried} breaks the scenario", lesson.id),
            Expect::Holds => {
                assert!(broken.is_empty(), "{}: the scenario should hold but {:?}", lesson.id, broken.first())
            }
        }
        let (tried, broken) = violations(&lesson, &lesson.solution, "solution.rs");
        assert!(
            broken.is_empty(),
            "{}: the solution fails on {} of {tried} schedules, first: {:?}",
            lesson.id,
            broken.len(),
            broken.first()
        );
    }
}

#[test]
fn the_lost_update_needs_the_timer_between_load_and_store() {
    let lesson = builtin().into_iter().find(|l| l.id == "04-lost-update").expect("lesson 04");
    let program = lesson.compile(&lesson.scenario, "scenario.rs").program.expect("compiles");
    let at = |step: u64| {
        let schedule = Schedule::parse(&format!("TIMER0@{step}"), &program).expect("schedule");
        let mut s = Session::new(program.clone(), schedule, Bounds::default()).expect("valid");
        s.run_to_end().outcomes.iter().any(|o| matches!(o, Outcome::PropertyViolated { .. }))
    };
    // Steps 0, 1, 2 are main's load, add, store of its first `COUNT += 1`.
    assert!(!at(0), "before the load nothing is lost");
    assert!(at(1) && at(2), "between the load and the store an update is lost");
    assert!(!at(3), "after the store nothing is lost");
}

/// Renumbering never breaks a link: every lesson id of the first numbering
/// (`V1_IDS`) still names one lesson, with the same slug, and no two lessons
/// share a slug (the name permalinks of version 2 and progress use).
#[test]
fn every_first_numbering_id_still_opens_its_lesson() {
    let lessons = builtin();
    for old in irqlab_lessons::V1_IDS {
        let slug = irqlab_lessons::slug_of_link(1, old).expect("a v1 id");
        let found: Vec<&str> = lessons.iter().filter(|l| l.slug() == slug).map(|l| l.id.as_str()).collect();
        assert_eq!(found.len(), 1, "v1 `{old}` names lesson(s) {found:?}");
    }
    assert_eq!(irqlab_lessons::slug_of_link(1, "04-lost-update"), None, "not an id of the first numbering");
    assert_eq!(irqlab_lessons::slug_of_link(2, "lost-update"), Some("lost-update"));
    let mut slugs: Vec<&str> = lessons.iter().map(|l| l.slug()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), lessons.len(), "two lessons share a slug");
    // The map file the README points to lists every old id with its lesson now.
    let doc = std::fs::read_to_string(lessons_dir().join("PERMALINKS.md")).expect("lessons/PERMALINKS.md");
    for old in irqlab_lessons::V1_IDS {
        let now = lessons.iter().find(|l| l.slug() == irqlab_lessons::slug(old)).expect("lesson");
        let row = format!("| `{old}` | `{}` |", now.id);
        assert!(doc.contains(&row), "lessons/PERMALINKS.md lacks the row {row}");
    }
}
