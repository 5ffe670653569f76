//! Every lesson checks its point: it has at least one wrong fix, each wrong
//! fix fails as its `[[wrong]]` entry says (a wrong fix proven is a lesson
//! whose properties and rules miss its point), and each solution keeps the
//! lesson's challenge rules.

use irqlab_lessons::{Lesson, RuleFailure, builtin, judge_wrong};
use irqlab_sim::explore::{ExploreConfig, Explorer, Verdict};

/// The properties the explorer finds violated, and the rules broken.
fn judge(lesson: &Lesson, code: &str, file: &str) -> (Vec<String>, Vec<RuleFailure>) {
    let program = lesson.compile(code, file).program.unwrap_or_else(|| panic!("{} {file} compiles", lesson.id));
    let report = Explorer::new(program, ExploreConfig::default()).expect("a valid program").run();
    assert!(report.complete, "{} {file}: the search was cut", lesson.id);
    let violated =
        report.properties.iter().filter(|p| p.verdict == Verdict::Violated).map(|p| p.name.clone()).collect();
    (violated, lesson.check_rules(code, file))
}

#[test]
fn every_lesson_has_a_wrong_fix_and_each_fails_as_its_entry_says() {
    let mut problems = Vec::new();
    for lesson in builtin() {
        if lesson.wrong.is_empty() {
            problems.push(format!("{}: no wrong fix (add wrong/*.rs and a [[wrong]] entry)", lesson.id));
        }
        for w in &lesson.wrong {
            let (violated, broken) = judge(&lesson, &w.code, &w.file);
            let violated: Vec<&str> = violated.iter().map(String::as_str).collect();
            if let Err(problem) = judge_wrong(w, &violated, &broken) {
                problems.push(format!("{}: {problem}", lesson.id));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_solution_keeps_its_lessons_rules() {
    for lesson in builtin() {
        let broken = lesson.check_rules(&lesson.solution, "solution.rs");
        assert!(broken.is_empty(), "{}: {:?}", lesson.id, broken);
    }
}

#[test]
fn a_wrong_fix_that_is_proven_is_reported() {
    let lesson = builtin().into_iter().find(|l| l.id == "15-basepri-ceiling").expect("lesson 15");
    let mut proven = lesson.wrong[0].clone();
    proven.code = lesson.solution.clone();
    let (violated, broken) = judge(&lesson, &proven.code, "solution.rs");
    let violated: Vec<&str> = violated.iter().map(String::as_str).collect();
    let problem = judge_wrong(&proven, &violated, &broken).expect_err("the solution is no wrong fix");
    assert!(problem.contains("the wrong fix is proven"), "{problem}");
}

#[test]
fn a_rule_names_its_place_and_message() {
    let lesson = builtin().into_iter().find(|l| l.id == "22-torn-u64").expect("lesson 22");
    let wrong = lesson.wrong.iter().find(|w| w.file == "wrong/critical-section.rs").expect("the wrong fix");
    let broken = lesson.check_rules(&wrong.code, &wrong.file);
    assert_eq!(broken.len(), 1, "{broken:?}");
    let shown = broken[0].to_string();
    assert!(shown.starts_with("wrong/critical-section.rs:"), "{shown}");
    assert!(shown.contains("rule `interrupts stay on`: this lesson keeps interrupts on"), "{shown}");
}
