//! `irqlab check` through the binary: verdicts, the counterexample that
//! `irqlab run --schedule` replays, JSON, bounds and bad input.

use std::process::Command;

fn irqlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_irqlab"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .expect("irqlab runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> (i32, serde_json::Value) {
    let (code, stdout, stderr) = irqlab(args);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}{stderr}"));
    (code, value)
}

fn property<'v>(report: &'v serde_json::Value, name: &str) -> &'v serde_json::Value {
    report["properties"].as_array().expect("properties").iter().find(|p| p["name"] == name).expect("property")
}

#[test]
fn check_finds_the_lost_update_and_run_replays_its_counterexample() {
    let (code, report) = json(&["check", "lessons/04-lost-update", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(report["lesson"], "04-lost-update");
    assert_eq!(report["complete"], true);
    let lost = property(&report, "no count is lost");
    assert_eq!(lost["verdict"], "violated");
    let schedule = lost["counterexample"]["schedule"].as_str().expect("schedule").to_string();
    assert!(schedule.starts_with("TIMER0@"), "{schedule}");
    assert!(report["schedules"].as_u64().expect("schedules") > 0);
    assert!(report["naive_schedules"].as_f64().expect("naive") >= report["schedules"].as_f64().expect("n"));
    let finals: Vec<&serde_json::Value> =
        report["outcomes"].as_array().expect("outcomes").iter().map(|o| &o["final"]["COUNT"]).collect();
    assert!(finals.contains(&&serde_json::json!(3)) && finals.contains(&&serde_json::json!(4)), "{finals:?}");
    // Each outcome carries the one verdict: a lost count or a data race on
    // the way failed; a board sees only the lost count (a false property),
    // not the undefined behaviour the chip survived.
    for o in report["outcomes"].as_array().expect("outcomes") {
        let lost = o["final"]["COUNT"].as_u64() != o["final"]["TICKS"].as_u64().map(|t| 3 + t);
        let raced = o["detected"].as_array().expect("detected").contains(&serde_json::json!("data-race"));
        assert_eq!(o["severity"], if lost || raced { "failure" } else { "note" }, "{o}");
        assert_eq!(o["board_failure"], lost, "{o}");
    }

    let (code, stdout, _) = irqlab(&["run", "lessons/04-lost-update", "--schedule", &schedule]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("no count is lost"), "{stdout}");
}

#[test]
fn check_proves_the_fix_on_every_schedule() {
    let (code, report) = json(&["check", "lost-update", "--file", "solution.rs", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(report["complete"], true);
    for p in report["properties"].as_array().expect("properties") {
        assert_eq!(p["verdict"], "holds", "{p}");
        assert!(p["counterexample"].is_null());
    }
}

#[test]
fn a_state_bound_gives_unknown_never_holds() {
    let (code, report) = json(&["check", "lost-update", "--file", "solution.rs", "--json", "--max-states", "10"]);
    assert_eq!(code, 0);
    assert_eq!(report["complete"], false);
    assert_eq!(report["cut_by"], "states");
    assert!(report["properties"].as_array().expect("p").iter().all(|p| p["verdict"] == "unknown"));
    let (_, text, _) = irqlab(&["check", "lost-update", "--file", "solution.rs", "--max-states", "10"]);
    assert!(text.contains("unknown: the states bound was hit after 10 states"), "{text}");
}

#[test]
fn check_all_passes_for_the_lessons_in_the_repository() {
    let (code, stdout, stderr) = irqlab(&["check", "--all"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("ok   lessons/04-lost-update/scenario.rs: expected a failure"), "{stdout}");
    assert!(stdout.contains("0 problem(s)"), "{stdout}");
    // Every wrong fix too, each failing as its [[wrong]] entry says.
    assert!(
        stdout.contains("ok   lessons/15-basepri-ceiling/wrong/ceiling-1.rs: expected wrong fix failing on"),
        "{stdout}"
    );
    assert!(stdout.contains("breaks rule `interrupts stay on`"), "{stdout}");
}

#[test]
fn bad_input_exits_with_2_and_says_what() {
    let (code, _, stderr) = irqlab(&["check", "no-such-lesson"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no lesson `no-such-lesson`"), "{stderr}");
    let (code, _, stderr) = irqlab(&["check", "lost-update", "--file", "missing.rs"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing.rs"), "{stderr}");
}

#[test]
fn a_broken_rule_fails_the_check_with_its_message_and_place() {
    let wrong = "lessons/22-torn-u64/wrong/critical-section.rs";
    let (code, stdout, _) = irqlab(&["check", "22-torn-u64", "--file", wrong]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("ok   main reads a time the counter held: holds"), "{stdout}");
    assert!(stdout.contains("FAIL interrupts stay on: forbid a critical section"), "{stdout}");
    assert!(stdout.contains("this lesson keeps interrupts on"), "{stdout}");
    assert!(stdout.contains(&format!("at {wrong}:")), "{stdout}");
    let (code, report) = json(&["check", "--json", "22-torn-u64", "--file", wrong]);
    assert_eq!(code, 1);
    assert_eq!(report["rules_broken"][0]["rule"], "interrupts stay on");
    assert_eq!(report["rules_broken"][0]["kind"], "forbid");
    // A built-in lesson's wrong fix by its name in the lesson.
    let (code, stdout, _) = irqlab(&["check", "torn-u64", "--file", "wrong/critical-section.rs"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("at lessons/22-torn-u64/wrong/critical-section.rs:"), "{stdout}");
    let (code, stdout, _) = irqlab(&["check", "22-torn-u64", "--file", "solution.rs"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("ok   interrupts stay on"), "{stdout}");
}

/// Lesson 23's counterexample needs no event, only the two cores taking
/// turns: `check` tells it step by step, in the text and in the JSON, down
/// to the store that wipes out the other core's.
#[test]
fn the_two_core_counterexample_is_told_step_by_step() {
    let (code, out, _) = irqlab(&["check", "lessons/23-dual-core"]);
    assert_eq!(code, 1, "{out}");
    let story = out.split("how it goes:").nth(1).expect("a story under the counterexample");
    let first = story.split("replay:").next().unwrap_or_default();
    assert!(first.contains("core0: reads PACKETS → 0") && first.contains("core1: reads PACKETS → 0"), "{first}");
    assert!(first.contains("core0's store of step") && first.contains("is lost"), "{first}");
    let (_, report) = json(&["check", "lessons/23-dual-core", "--json"]);
    let told = property(&report, "no packet is lost")["counterexample"]["story"].as_array().expect("story").clone();
    assert!(told.iter().any(|l| l["text"].as_str().unwrap_or_default().contains("is lost")), "{told:?}");
    assert!(told.iter().all(|l| l["step"].as_u64().is_some() && l["who"].is_string()), "{told:?}");
}
