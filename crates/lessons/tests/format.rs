//! Malformed lessons: every problem is reported with its file and line.

use expect_test::{Expect, expect};
use irqlab_lessons::Lesson;

const TOML: &str = include_str!("../../../lessons/04-lost-update/lesson.toml");
const README: &str = include_str!("../../../lessons/04-lost-update/README.md");
const SCENARIO: &str = include_str!("../../../lessons/04-lost-update/scenario.rs");
const SOLUTION: &str = include_str!("../../../lessons/04-lost-update/solution.rs");
const WRONG: &[(&str, &str)] = &[
    ("wrong/empty-handler.rs", include_str!("../../../lessons/04-lost-update/wrong/empty-handler.rs")),
    ("wrong/load-then-store.rs", include_str!("../../../lessons/04-lost-update/wrong/load-then-store.rs")),
    ("wrong/loop-in-main.rs", include_str!("../../../lessons/04-lost-update/wrong/loop-in-main.rs")),
];

/// Loads lesson 04 with lesson.toml and scenario.rs changed.
fn problems(toml: &str, scenario: &str) -> String {
    match Lesson::from_files("04-lost-update", Some(toml), Some(README), Some(scenario), Some(SOLUTION), WRONG) {
        Ok(_) => "loads".to_string(),
        Err(errors) => errors.iter().map(|e| format!("{e}\n")).collect(),
    }
}

fn check(toml_edit: (&str, &str), expected: Expect) {
    assert!(TOML.contains(toml_edit.0), "the edit must apply: {}", toml_edit.0);
    expected.assert_eq(&problems(&TOML.replacen(toml_edit.0, toml_edit.1, 1), SCENARIO));
}

#[test]
fn the_lesson_as_written_loads() {
    assert_eq!(problems(TOML, SCENARIO), "loads");
}

#[test]
fn toml_syntax_and_unknown_fields() {
    check(
        ("cores = 1", "cores = "),
        expect![[r#"
        lesson.toml:5:9: invalid string
        expected `"`, `'`
    "#]],
    );
    check(
        ("times = 3", "time = 3"),
        expect![[r#"
            lesson.toml:11:1: unknown field `time`, expected one of `name`, `runs`, `times`, `calls`, `interrupt`, `priority`, `enabled`, `core`, `forever`
        "#]],
    );
}

#[test]
fn values_out_of_their_range() {
    check(
        ("covers = [\"T4\", \"T5\"]", "covers = [\"T4\", \"T55\"]"),
        expect![[r#"
        lesson.toml:3:17: `T55` is not a curriculum topic: use T1 to T38 (lessons/CURRICULUM.md)
    "#]],
    );
    check(
        ("target = \"thumbv7em-none-eabihf\"", "target = \"riscv32imac\""),
        expect![[r#"
        lesson.toml:4:10: unknown target `riscv32imac`: use one of thumbv6m-none-eabi, thumbv7m-none-eabi, thumbv7em-none-eabi, thumbv7em-none-eabihf
    "#]],
    );
    check(
        ("at = \"end\"", "at = \"later\""),
        expect![[r#"
        lesson.toml:26:6: `at = "later"`: use "end" (checked once the program finished) or "always" (after every step)
    "#]],
    );
    check(
        ("max_arrivals = 1", "max_arrivals = 1\nends_before = \"TIMER1\""),
        expect![[r#"
            lesson.toml:23:15: `ends_before = "TIMER1"`: expected another `[[source]]` of this lesson, whose first event ends the burst of `TIMER0`
        "#]],
    );
    check(
        ("max_arrivals = 1", "max_arrivals = 1\ndma_bytes = [1, 2]"),
        expect![[r#"
            lesson.toml:23:13: `dma_bytes` on `TIMER0`: only UARTE0_UART0 receives by DMA in the board vocabulary (`board::uarte_receive`, lessons/BOARD.md), with the default `trigger = "edge"`
        "#]],
    );
    check(
        ("max_arrivals = 1", "max_arrivals = 1\ndma_bytes = []"),
        expect![[r#"
            lesson.toml:23:13: `dma_bytes = []`: list the bytes the peripheral receives, in order
            lesson.toml:23:13: `dma_bytes` on `TIMER0`: only UARTE0_UART0 receives by DMA in the board vocabulary (`board::uarte_receive`, lessons/BOARD.md), with the default `trigger = "edge"`
        "#]],
    );
    check(
        ("max_arrivals = 1", "max_arrivals = 0"),
        expect![[r#"
        lesson.toml:22:16: `max_arrivals = 0`: use 1 to 8 (the explorer tries every arrival point of each)
    "#]],
    );
}

#[test]
fn find_first_asks_for_a_few_tries_of_a_scenario_that_fails() {
    check(("scenario_expect = \"violated\"", "scenario_expect = \"violated\"\nfind_first = 3"), expect!["loads"]);
    check(
        ("scenario_expect = \"violated\"", "scenario_expect = \"violated\"\nfind_first = 0"),
        expect![[r#"
            lesson.toml:38:14: `find_first = 0`: use 1 to 10 (the schedules a learner runs before the counterexample is shown), or leave it out
        "#]],
    );
    check(
        ("scenario_expect = \"violated\"", "scenario_expect = \"holds\"\nfind_first = 2"),
        expect![[r#"
            lesson.toml:38:14: `find_first` asks the learner to find a failing arrival, but `scenario_expect = "holds"`: there is none to find
        "#]],
    );
}

#[test]
fn forever_is_for_a_main_whose_last_call_runs_once() {
    check(
        ("times = 3", "times = 3\nforever = true"),
        expect![[r#"
        lesson.toml:9:8: context `main` loops forever in its last call: that call runs once (drop its `times`)
    "#]],
    );
    check(
        ("priority = 1", "priority = 1\nforever = true"),
        expect![[r#"
        lesson.toml:14:8: handler `TIMER0` cannot loop forever: `forever` is for thread mode (main's `loop {}`)
    "#]],
    );
}

#[test]
fn names_that_the_code_or_the_board_does_not_have() {
    check(
        ("runs = \"on_timer\"", "runs = \"on_tick\""),
        expect![[r#"
        lesson.toml:17:8: cannot find function `on_tick` in scenario.rs
    "#]],
    );
    check(
        ("interrupt = \"TIMER0\"\npriority", "interrupt = \"TIMERO\"\npriority"),
        expect![[r#"
        lesson.toml:15:13: `TIMERO` is not an interrupt of the micro:bit v2 (nRF52833)
    "#]],
    );
    check(
        ("priority = 1", "priority = 9"),
        expect![[r#"
        lesson.toml:14:8: priority 9 does not exist on thumbv7em-none-eabihf: it implements 8 levels, 0 (most urgent) to 7
    "#]],
    );
}

#[test]
fn a_property_is_checked_like_code_at_its_place_in_lesson_toml() {
    check(
        ("unsafe { COUNT }\"", "COUNTS\""),
        expect![[r#"
        lesson.toml:27:47: cannot find value `COUNTS` in this scope
    "#]],
    );
    check(
        ("unsafe { COUNT }\"", "COUNT\""),
        expect![[r#"
        lesson.toml:27:47: use of mutable static is unsafe and requires unsafe block
    "#]],
    );
    check(
        ("3 + TICKS.load(Ordering::Relaxed)", "TICKS.load(Ordering::Relaxed) + true"),
        expect![[r#"
        lesson.toml:27:10: mismatched types
    "#]],
    );
}

#[test]
fn a_property_that_changes_state_is_reported_at_its_place_in_lesson_toml() {
    check(
        ("3 + TICKS.load(Ordering::Relaxed)", "3 + TICKS.fetch_add(1, Ordering::Relaxed)"),
        expect![[r#"
            lesson.toml:27:14: property `no count is lost` changes the machine
        "#]],
    );
    // A lesson function that changes state, called from a property.
    check(
        ("holds = \"3 + ", "holds = \"{ on_timer(); true } && 3 + "),
        expect![[r#"
            lesson.toml:27:12: property `no count is lost` changes the machine
        "#]],
    );
}

#[test]
fn code_errors_point_into_the_code_file() {
    let broken = SCENARIO.replace("unsafe { COUNT += 1 } // load", "COUNT += 1; // load");
    expect![[r#"
        scenario.rs:12:5: use of mutable static is unsafe and requires unsafe block
    "#]]
    .assert_eq(&problems(TOML, &broken));
}

#[test]
fn missing_files_are_named() {
    let errors = Lesson::from_files("x", Some(TOML), None, Some(SCENARIO), None, &[]).expect_err("files are missing");
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["README.md:1:1: the lesson has no README.md", "solution.rs:1:1: the lesson has no solution.rs"]);
}

#[test]
fn a_property_diagnostic_underlines_the_expression_inside_the_toml_string() {
    let toml = TOML.replacen("unsafe { COUNT }\"", "COUNTS\"", 1);
    let errors = Lesson::from_files("02", Some(&toml), Some(README), Some(SCENARIO), Some(SOLUTION), WRONG)
        .expect_err("bad property");
    let rendered = errors[0].rendered.clone().expect("a code diagnostic is rendered");
    expect![[r#"
        error[E0425]: cannot find value `COUNTS` in this scope
          --> lesson.toml:27:47
           |
        27 | holds = "3 + TICKS.load(Ordering::Relaxed) == COUNTS"
           |                                               ^^^^^^
           |
        help: a static with a similar name exists
           |
        27 - holds = "3 + TICKS.load(Ordering::Relaxed) == COUNTS"
        27 + holds = "3 + TICKS.load(Ordering::Relaxed) == COUNT"
           |

    "#]]
    .assert_eq(&rendered);
}

#[test]
fn thousands_of_duplicate_contexts_are_each_reported_at_their_line() {
    // 2,000 copies of the handler's context (19-31 s when every place was
    // found by counting lines from the start of the file).
    let handler = "[[context]]\nname = \"TIMER0\"\ninterrupt = \"TIMER0\"\npriority = 1\nruns = \"on_timer\"\n\n";
    assert!(TOML.contains(handler));
    let shown = problems(&TOML.replacen(handler, &handler.repeat(2000), 1), SCENARIO);
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 2 * 1999, "{}", &shown[..2000]);
    // Copy n (1-based) is 6 lines below copy n - 1; the second is the first reported.
    assert_eq!(lines[0], "lesson.toml:20:8: two contexts are named `TIMER0`");
    assert_eq!(lines[1], "lesson.toml:21:13: `TIMER0` already has a handler: context `TIMER0`");
    assert_eq!(lines[3997], "lesson.toml:12009:13: `TIMER0` already has a handler: context `TIMER0`");
}

#[test]
fn rules_and_wrong_fixes_are_checked_at_their_place() {
    let errors = Lesson::from_files("02", Some(TOML), Some(README), Some(SCENARIO), Some(SOLUTION), &WRONG[..2])
        .expect_err("a wrong fix is missing");
    let line = TOML.lines().position(|l| l == "file = \"wrong/loop-in-main.rs\"").expect("the entry") + 1;
    let expected =
        format!("lesson.toml:{line}:8: [[wrong]] names `wrong/loop-in-main.rs`, which the lesson does not have");
    assert_eq!(errors[0].to_string(), expected);
    check(
        (
            "[firmware]",
            "[[forbid]]\nname = \"r\"\nconstruct = \"critical\"\nmessage = \"\"\n\n\
             [[wrong]]\nfile = \"wrong/missing.rs\"\nexpect = \"violated\"\nbecause = \"no such property\"\n\n\
             [[wrong]]\nfile = \"../solution.rs\"\nexpect = \"rule\"\nbecause = \"no such rule\"\n\n[firmware]",
        ),
        expect![[r#"
            lesson.toml:63:13: unknown construct `critical`: use one of "critical-section", "critical_section::with", "interrupt::free", "interrupt::disable", "basepri::write", "static mut", "static mut NAME", "unsafe", "NVIC::mask", "board::clear_event", "sleep", "asm::wfi", "asm::wfe", ".METHOD()" (e.g. ".swap()"), "Ordering::NAME" (e.g. "Ordering::Relaxed")
            lesson.toml:64:11: `message` is empty: say why the rule is there
            lesson.toml:69:11: `because = "no such property"` names no property: use a [[property]] name or one of "no undefined behavior", "no panic", "no deadlock or starvation"
            lesson.toml:72:8: `file = "../solution.rs"`: a wrong fix is a file `wrong/NAME.rs`
            lesson.toml:74:11: `because = "no such rule"` names no [[forbid]] or [[require]] rule
        "#]],
    );
}
