//! The explorer and `Session` are one machine: every run the explorer
//! follows to its end, for every lesson's scenario and solution, replays
//! through `Session` (what the CLI and the web page step) to the same final
//! memory and the same outcomes.

use irqlab_lessons::builtin;
use irqlab_sim::Session;
use irqlab_sim::explore::{ExploreConfig, Explorer, label_bit, label_names};

/// Runs kept per program: enough to cover every lesson's ends several times
/// over (the largest explores a few hundred), bounded so the test stays quick.
const ENDS: usize = 3000;

#[test]
fn every_explored_run_replays_through_session_to_the_same_end() {
    let mut replayed = 0;
    for lesson in builtin() {
        for (file, code) in [("scenario.rs", &lesson.scenario), ("solution.rs", &lesson.solution)] {
            let compiled = lesson.compile(code, file);
            let program = compiled.program.clone().expect("built-in lessons compile");
            let config = ExploreConfig::default();
            let mut explorer = Explorer::new(program.clone(), config).expect("valid").record_ends(ENDS);
            let report = explorer.run();
            assert!(report.complete, "{} {file}: the search completes", lesson.id);
            assert!(!explorer.ends().is_empty(), "{} {file}: some run ends", lesson.id);
            for end in explorer.ends() {
                let mut session = Session::new(program.clone(), end.schedule.clone(), config.bounds).expect("valid");
                let summary = session.run_to_end();
                let text = end.schedule.to_text(&program);
                assert!(session.not_applied().is_empty(), "{} {file} `{text}`: {:?}", lesson.id, session.not_applied());
                assert_eq!(session.machine().memory(), end.memory.as_slice(), "{} {file} `{text}`: memory", lesson.id);
                let labels = label_names(summary.outcomes.iter().fold(0, |bits, o| bits | label_bit(o)));
                assert_eq!(labels, end.labels, "{} {file} `{text}`: outcomes {:?}", lesson.id, summary.outcomes);
                replayed += 1;
            }
        }
    }
    assert!(replayed > 100, "only {replayed} runs replayed");
}

/// The comparison can fail: replayed without its reorderings, some run of
/// lesson 18's scenario ends elsewhere (what the check above catches if the
/// explorer ever forgot to record a choice).
#[test]
fn a_run_replayed_without_its_reorderings_ends_elsewhere() {
    use irqlab_sim::{Schedule, ScheduleItem};
    let lesson = builtin().into_iter().find(|l| l.id == "18-flag-and-data").expect("lesson 18");
    let program = lesson.compile(&lesson.scenario, "scenario.rs").program.expect("compiles");
    let config = ExploreConfig::default();
    let mut explorer = Explorer::new(program.clone(), config).expect("valid").record_ends(ENDS);
    explorer.run();
    let differs = explorer
        .ends()
        .iter()
        .filter(|e| e.schedule.items.iter().any(|i| matches!(i, ScheduleItem::Reorder { .. })))
        .any(|end| {
            let kept =
                end.schedule.items.iter().filter(|i| !matches!(i, ScheduleItem::Reorder { .. })).copied().collect();
            let mut session = Session::new(program.clone(), Schedule::new(kept), config.bounds).expect("valid");
            session.run_to_end();
            session.machine().memory() != end.memory.as_slice()
        });
    assert!(differs, "some reordering changes the end");
}

/// Every counterexample of every lesson (scenario and wrong fixes) is as
/// short to read as it can be: it replays to the failure it names, and
/// without any one of its items the property no longer breaks. (Before the
/// explorer shrank them, lesson 23's lost packet took twelve core picks,
/// each of which could go.)
#[test]
fn every_counterexample_replays_and_needs_each_of_its_items() {
    use irqlab_sim::Schedule;
    use irqlab_sim::explore::broken_property;
    let mut checked = 0;
    for lesson in builtin() {
        let mut files = vec![("scenario.rs".to_string(), lesson.scenario.clone())];
        files.extend(lesson.wrong.iter().map(|w| (w.file.clone(), w.code.clone())));
        for (file, code) in files {
            let Some(program) = lesson.compile(&code, &file).program else { continue };
            let config = ExploreConfig::default();
            let report = Explorer::new(program.clone(), config).expect("valid").run();
            for p in &report.properties {
                let Some(c) = &p.counterexample else { continue };
                let breaks = |schedule: &Schedule| {
                    let mut session = Session::new(program.clone(), schedule.clone(), config.bounds).expect("valid");
                    let summary = session.run_to_end();
                    session.not_applied().is_empty()
                        && summary.outcomes.iter().any(|o| broken_property(o) == Some(p.name.as_str()))
                };
                let text = c.schedule.to_text(&program);
                assert!(breaks(&c.schedule), "{} {file} `{}`: `{text}` replays to the failure", lesson.id, p.name);
                for i in 0..c.schedule.items.len() {
                    let mut shorter = c.schedule.clone();
                    shorter.items.remove(i);
                    assert!(
                        !breaks(&shorter),
                        "{} {file} `{}`: `{text}` fails without item {i} too",
                        lesson.id,
                        p.name
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} counterexamples checked");
}

/// "Boss" lessons: at least three scenarios whose bug needs two or more
/// things to line up (two events, or a reordering and an event). The
/// counterexamples are shrunk (the test above checks every item is needed),
/// so an item count is what the learner has to find.
#[test]
fn at_least_three_lessons_need_two_things_to_line_up() {
    let mut bosses = Vec::new();
    for lesson in builtin() {
        let program = lesson.compile(&lesson.scenario, "scenario.rs").program.expect("built-in lessons compile");
        let report = Explorer::new(program, ExploreConfig::default()).expect("valid").run();
        let most = report
            .properties
            .iter()
            .filter_map(|p| p.counterexample.as_ref())
            .map(|c| c.schedule.items.len())
            .max()
            .unwrap_or(0);
        if most >= 2 {
            bosses.push(lesson.id.clone());
        }
    }
    assert!(bosses.len() >= 3, "only these need two things to line up: {bosses:?}");
}
