//! The `irqlab` command, run as a learner would run it.

use std::path::PathBuf;
use std::process::{Command, Output};

fn irqlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_irqlab")).args(args).current_dir(repo()).output().expect("the irqlab binary runs")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The index of the first timeline row containing `needle`.
fn row(out: &str, needle: &str) -> usize {
    out.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no row with `{needle}` in:\n{out}"))
}

/// A scratch file (or directory) that is removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, text: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("irqlab-cli-{}-{name}", std::process::id()));
        std::fs::write(&path, text).expect("temp dir is writable");
        TempFile(path)
    }
    fn path(&self) -> &str {
        self.0.to_str().expect("temp paths are UTF-8")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0).or_else(|_| std::fs::remove_dir_all(&self.0));
    }
}

#[test]
fn a_timer_between_load_and_store_loses_an_update() {
    // Step 0 is main's load of COUNT; the timer arrives before step 1.
    let o = irqlab(&["run", "lessons/04-lost-update", "--schedule", "TIMER0@1"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    let load = row(&out, "12│ load COUNT → 0");
    let enter = row(&out, "▶ enter");
    let handler_store = row(&out, "18│ store COUNT ← 1");
    let main_store = row(&out, "12│ store COUNT ← 1");
    assert!(load < enter && enter < handler_store && handler_store < main_store, "{out}");
    assert!(out.contains("⇣ preempted"), "{out}");
    assert!(out.contains("COUNT = 3"), "{out}");
    assert!(out.contains("[property-violated] Property \"no count is lost\" is false"), "{out}");
}

#[test]
fn the_solution_loses_nothing_on_the_same_schedule() {
    let o = irqlab(&["run", "lessons/04-lost-update", "--schedule", "TIMER0@1", "--file", "solution.rs"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("COUNT = 4"), "{out}");
    assert!(out.contains("PRIMASK"), "the critical section shows in the mask column:\n{out}");
    assert!(out.contains("Every property holds on this schedule."), "{out}");
}

#[test]
fn a_timer_inside_the_critical_section_waits_pending() {
    // Step 2 is the load inside the critical section: the event pends.
    let o = irqlab(&["run", "lost-update", "--file", "solution.rs", "--schedule", "TIMER0@2"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    let pending = row(&out, "pending");
    let restore = row(&out, "restore PRIMASK");
    let enter = row(&out, "▶ enter");
    assert!(pending < restore && restore < enter, "{out}");
}

#[test]
fn an_edge_between_load_and_store_is_wiped_out() {
    let o = irqlab(&["run", "07-edge-counter", "--schedule", "GPIOTE@1"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let o = irqlab(&["run", "07-edge-counter", "--schedule", "GPIOTE@1", "--file", "solution.rs"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("swap EDGES 1 → 0"), "{}", stdout(&o));
}

#[test]
fn the_superloop_polls_the_flag() {
    let o = irqlab(&["run", "superloop", "--schedule", "TIMER0@0"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("TIMER0 flag set") && out.contains("TIMER0 flag cleared"), "{out}");
    assert!(out.lines().any(|l| l.trim_start().starts_with("SEEN ") && l.ends_with("= 1")), "{out}");
}

#[test]
fn json_output_has_the_trace_and_the_verdict() {
    let o = irqlab(&["run", "04-lost-update", "--schedule", "TIMER0@1", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["failed"], true);
    assert_eq!(v["schedule"], "TIMER0@1");
    assert_eq!(v["trace"].as_array().map(Vec::len), v["steps"].as_u64().map(|n| n as usize));
    let labels: Vec<&str> =
        v["outcomes"].as_array().into_iter().flatten().filter_map(|o| o["label"].as_str()).collect();
    assert!(labels.contains(&"property-violated"), "{labels:?}");
    assert_eq!(v["final_state"][0]["name"], "COUNT");
    assert_eq!(v["final_state"][0]["value"], "3");
}

#[test]
fn max_steps_stops_the_run_and_says_so() {
    let o = irqlab(&["run", "04-lost-update", "--max-steps", "5"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("[bound-hit]"), "{out}");
    assert!(out.contains("5 steps"), "{out}");
}

#[test]
fn bad_input_exits_2_with_the_error_on_stderr() {
    let o = irqlab(&["run", "04-lost-update", "--schedule", "TIMER9@1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("there is no event source `TIMER9`"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());

    let o = irqlab(&["run", "no-such-lesson"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no lesson `no-such-lesson`"), "{}", stderr(&o));

    let o = irqlab(&["run", "04-lost-update", "--file", "missing.rs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no file `missing.rs`"), "{}", stderr(&o));

    let o = irqlab(&["run"]);
    assert_eq!(o.status.code(), Some(2), "clap's usage errors are bad input too");
}

#[test]
fn code_that_does_not_compile_gets_rustc_style_diagnostics() {
    let code = "pub static mut COUNT: u32 = 0;\npub static TICKS: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);\n\npub fn foreground() {\n    COUNT += 1;\n}\n\npub fn on_timer() {}\n";
    let file = TempFile::new("unsafe.rs", code);
    let o = irqlab(&["run", "04-lost-update", "--file", file.path()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("error[E0133]: use of mutable static is unsafe and requires unsafe block"), "{err}");
    assert!(err.contains(&format!(" --> {}:5:5", file.path())), "{err}");
    assert!(err.contains("5 |     COUNT += 1;"), "{err}");
}

#[test]
fn a_fix_that_indexes_a_static_mut_array_by_reference_is_checked_not_refused() {
    // rustc 1.95 accepts `&mut SLOTS[i]` and `n.clone()`; the check runs the
    // code on every schedule, and `NVIC::is_pending` in the same place is
    // refused as not modelled, at its line, never as a missing function.
    let fix = "use core::sync::atomic::{AtomicU32, Ordering};\n\npub static mut COUNT: u32 = 0;\npub static mut SLOTS: [u32; 2] = [0; 2];\npub static TICKS: AtomicU32 = AtomicU32::new(0);\n\npub fn foreground() {\n    critical_section::with(|_| {\n        let slot = unsafe { &mut SLOTS[1] };\n        *slot += 1;\n        let n = *slot;\n        unsafe { COUNT = n.clone() + TICKS.load(Ordering::Relaxed) };\n    });\n}\n\npub fn on_timer() {\n    TICKS.fetch_add(1, Ordering::Relaxed);\n    critical_section::with(|_| unsafe { COUNT += 1 });\n}\n";
    let file = TempFile::new("slots.rs", fix);
    let o = irqlab(&["check", "04-lost-update", "--file", file.path()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("holds"), "{out}");

    let polled = fix.replace(
        "*slot += 1;",
        "*slot += 1;\n        if cortex_m::peripheral::NVIC::is_pending(crate::board::Interrupt::TIMER0) {}",
    );
    let file = TempFile::new("polled.rs", &polled);
    let o = irqlab(&["check", "04-lost-update", "--file", file.path()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("error: irqlab does not model `NVIC::is_pending` yet"), "{err}");
    assert!(err.contains(&format!(" --> {}:11:12", file.path())), "{err}");
    assert!(!err.contains("E0425"), "{err}");
}

#[test]
fn list_shows_every_builtin_lesson() {
    let o = irqlab(&["list"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for id in ["01-superloop", "04-lost-update", "07-edge-counter"] {
        assert!(out.contains(id), "{out}");
    }
    let o = irqlab(&["list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v[3]["id"], "04-lost-update");
    assert_eq!(v[3]["covers"], serde_json::json!(["T4", "T5"]));
}

#[test]
fn explain_prints_the_narrative_and_numbered_code() {
    let o = irqlab(&["explain", "lessons/04-lost-update", "--solution"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.starts_with("The lost update (04-lost-update)"), "{out}");
    assert!(out.contains("TIMER0: handler of TIMER0, priority 1, runs on_timer()"), "{out}");
    assert!(out.contains("main: thread mode on core 0, runs foreground() x3"), "{out}");
    assert!(out.contains("12 |     unsafe { COUNT += 1 } // load, add, store"), "{out}");
    assert!(out.contains("--- solution.rs"), "{out}");
    assert!(out.contains("# The lost update"), "{out}");
    assert!(out.contains("## Why the fix works"), "{out}");
}

#[test]
fn explain_keeps_the_solution_and_the_hints_back_until_asked() {
    let o = irqlab(&["explain", "04-lost-update"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("# The lost update"), "{out}");
    assert!(!out.contains("## Why the fix works") && !out.contains("--- solution.rs"), "{out}");
    assert!(!out.contains("Hint 1:"), "{out}");
    assert!(out.contains("irqlab explain 04-lost-update --hint 1"), "{out}");
    let o = irqlab(&["explain", "04-lost-update", "--hint", "1"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("Hint 1 of "), "{}", stdout(&o));
    let o = irqlab(&["explain", "04-lost-update", "--hint", "99"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("hint(s), not 99"), "{}", stderr(&o));
}

#[test]
fn a_broken_lesson_directory_reports_file_and_line() {
    let dir = std::env::temp_dir().join(format!("irqlab-cli-{}-broken", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let src = repo().join("lessons/04-lost-update");
    for f in ["README.md", "scenario.rs", "solution.rs"] {
        std::fs::copy(src.join(f), dir.join(f)).expect("copy lesson file");
    }
    let toml = std::fs::read_to_string(src.join("lesson.toml")).expect("lesson.toml");
    std::fs::write(dir.join("lesson.toml"), toml.replace("runs = \"foreground\"", "runs = \"forground\""))
        .expect("write lesson.toml");
    let o = irqlab(&["run", dir.to_str().expect("utf-8")]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("lesson.toml:10:8: cannot find function `forground` in scenario.rs"), "{err}");
    assert!(err.contains("did you mean") || err.contains("similar name exists: `foreground`"), "{err}");
}

#[test]
fn two_handlers_show_pending_and_tail_chaining() {
    let dir = std::env::temp_dir().join(format!("irqlab-cli-{}-chain", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let code = "use core::sync::atomic::{AtomicU32, Ordering};\n\npub static A: AtomicU32 = AtomicU32::new(0);\n\npub fn main_loop() {\n    crate::board::busy(5);\n}\n\npub fn on_timer0() {\n    A.fetch_add(1, Ordering::Relaxed);\n}\n\npub fn on_timer1() {\n    A.fetch_add(10, Ordering::Relaxed);\n}\n";
    let toml = "title = \"Chain\"\nsummary = \"Two handlers.\"\ncovers = [\"T16\"]\ntarget = \"thumbv7em-none-eabihf\"\n\n[[context]]\nname = \"main\"\nruns = \"main_loop\"\n\n[[context]]\nname = \"T0\"\ninterrupt = \"TIMER0\"\npriority = 1\nruns = \"on_timer0\"\n\n[[context]]\nname = \"T1\"\ninterrupt = \"TIMER1\"\npriority = 1\nruns = \"on_timer1\"\n\n[[source]]\ninterrupt = \"TIMER0\"\nmax_arrivals = 1\n\n[[source]]\ninterrupt = \"TIMER1\"\nmax_arrivals = 1\n\n[challenge]\nscenario_expect = \"holds\"\n\n[firmware]\nbin = \"chain\"\nboards = [\"qemu-lm3s6965\"]\n";
    for (name, text) in
        [("lesson.toml", toml), ("README.md", "# Chain\n"), ("scenario.rs", code), ("solution.rs", code)]
    {
        std::fs::write(dir.join(name), text).expect("write lesson file");
    }
    let o = irqlab(&["run", dir.to_str().expect("utf-8"), "--schedule", "TIMER0@0,TIMER1@0"]);
    let _ = std::fs::remove_dir_all(&dir);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    // Equal priorities: TIMER0 (lower IRQ number) first, TIMER1 waits pending, then is chained into.
    let first = row(&out, "fetch_add A 0 → 1");
    let chain = row(&out, "↪ tail-chain to T1");
    let second = row(&out, "fetch_add A 1 → 11");
    assert!(first < chain && chain < second, "{out}");
    assert!(out.lines().nth(first).is_some_and(|l| l.contains("pending")), "T1 waits pending while T0 runs:\n{out}");
    assert!(out.contains("A = 11"), "{out}");
}

#[test]
fn a_reader_that_stops_early_is_not_a_crash() {
    // `irqlab .. | head -1`: the pipe closes before irqlab writes. Every
    // command that prints ends as it would have, quietly.
    use std::process::Stdio;
    let commands: &[&[&str]] = &[
        &["run", "04-lost-update", "--schedule", "TIMER0@1"],
        &["run", "--json", "04-lost-update", "--schedule", "TIMER0@1"],
        &["explain", "04-lost-update"],
        &["list"],
        &["list", "--json"],
        &["check", "04-lost-update"],
        &["check", "--json", "04-lost-update"],
    ];
    for args in commands {
        let read = irqlab(args);
        let mut child = Command::new(env!("CARGO_BIN_EXE_irqlab"))
            .args(*args)
            .current_dir(repo())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("irqlab starts");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("irqlab ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), read.status.code(), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

/// A reordering the memory model does not offer at its step is an error
/// that says why (it used to be ignored silently), and so is a second one at
/// the same step.
#[test]
fn a_reorder_that_does_not_apply_is_an_error() {
    let out = irqlab(&["run", "lost-update", "--schedule", "reorder@0:7"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`reorder@0:7` does not apply"), "{err}");
}

// Hostile input: each must end in a located message on stderr and exit
// status 2, never a panic, an abort, a hang or a blow-up.

/// Runs `args`, expects bad input (status 2, no panic) with `needle` in stderr.
fn refused(args: &[&str], needle: &str) {
    let o = irqlab(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: {err}");
}

/// Runs `args` and expects exit status `code`.
fn exits(args: &[&str], code: i32) {
    let o = irqlab(args);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
}

#[test]
fn a_schedule_number_beyond_the_limit_is_bad_input() {
    let run = |schedule: &str, needle: &str| refused(&["run", "04-lost-update", "--schedule", schedule], needle);
    run(
        "TIMER0@18446744073709551615",
        "schedule item 1 `TIMER0@18446744073709551615`: step 18446744073709551615 is too large; \
         at most 1000000000000 is allowed",
    );
    run("TIMER0@1,TIMER0@c18446744073709551615", "schedule item 2 `TIMER0@c18446744073709551615`: cycle 1844");
    run("reorder@99999999999999999999999", "step 99999999999999999999999 is too large");
    // The limit itself is accepted.
    exits(&["run", "04-lost-update", "--schedule", "TIMER0@1000000000000"], 0);
}

#[test]
fn step_and_state_limits_beyond_their_maxima_are_bad_input() {
    let max = "18446744073709551615";
    refused(
        &["run", "04-lost-update", "--max-steps", max],
        "--max-steps <N>': 18446744073709551615 is not in 1..=1000000",
    );
    refused(&["run", "04-lost-update", "--max-steps", "0"], "0 is not in 1..=1000000");
    refused(
        &["check", "04-lost-update", "--max-states", max],
        "--max-states <N>': 18446744073709551615 is not in 1..=10000000",
    );
    refused(
        &["check", "04-lost-update", "--time-limit-ms", max],
        "--time-limit-ms <MS>': 18446744073709551615 is not in 1..=3600000",
    );
    // The maxima themselves are accepted.
    exits(&["run", "04-lost-update", "--max-steps", "1000000"], 0);
    exits(&["check", "04-lost-update", "--max-states", "10000000", "--time-limit-ms", "3600000"], 1);
}

/// A copy of lesson 04 in a scratch directory, with `edit` applied to
/// (file name, text) of each of its files; removed when dropped.
fn lesson_copy(name: &str, edit: impl Fn(&str, String) -> String) -> TempFile {
    let dir = std::env::temp_dir().join(format!("irqlab-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for f in ["README.md", "scenario.rs", "solution.rs", "lesson.toml"] {
        let text = std::fs::read_to_string(repo().join("lessons/04-lost-update").join(f)).expect("lesson file");
        std::fs::write(dir.join(f), edit(f, text)).expect("write lesson file");
    }
    // The wrong fixes lesson.toml names.
    std::fs::create_dir_all(dir.join("wrong")).expect("temp dir");
    for entry in std::fs::read_dir(repo().join("lessons/04-lost-update/wrong")).expect("wrong/").flatten() {
        std::fs::copy(entry.path(), dir.join("wrong").join(entry.file_name())).expect("copy a wrong fix");
    }
    TempFile(dir)
}

#[test]
fn nesting_without_brackets_is_refused_in_check_run_explain_and_properties() {
    let nots = "!".repeat(5000);
    let deep = format!("pub static mut SEEN: u32 = 0;\npub fn foreground() {{\n    let _x = {nots}true;\n}}\n");
    let file = TempFile::new("deep.rs", &deep);
    for command in ["check", "run"] {
        refused(&[command, "04-lost-update", "--file", file.path()], "error: expression nested too deeply (limit 128)");
        refused(&[command, "04-lost-update", "--file", file.path()], &format!("--> {}:3:134", file.path()));
    }
    let code = lesson_copy("deep-code", |f, text| {
        if f == "scenario.rs" {
            text.replace("pub fn foreground() {", &format!("pub fn foreground() {{ !{nots}true;"))
        } else {
            text
        }
    });
    refused(&["explain", code.path()], "scenario.rs:11:146: expression nested too deeply (limit 128)");
    let property = lesson_copy("deep-property", |f, text| {
        if f == "lesson.toml" { text.replace("holds = \"3 + ", &format!("holds = \"{nots}true || 3 + ")) } else { text }
    });
    refused(&["explain", property.path()], "lesson.toml:27:138: expression nested too deeply (limit 128)");
    refused(&["check", property.path()], "lesson.toml:27:138: expression nested too deeply (limit 128)");
}

#[test]
fn a_lesson_file_that_is_not_utf8_is_reported_at_its_first_bad_byte() {
    let lesson = lesson_copy("not-utf8", |_, text| text);
    std::fs::write(lesson.0.join("lesson.toml"), b"title = \"x\"\nsum\xffmary = 1\n").expect("write");
    let not_utf8 = "lesson.toml:2:4: the file is not UTF-8 text: byte 15 is 0xff, which is not UTF-8 here";
    refused(&["explain", lesson.path()], not_utf8);
    // A binary file, and a --file that is not UTF-8.
    std::fs::write(lesson.0.join("lesson.toml"), [0u8, 159, 146, 150, 1, 2]).expect("write");
    refused(&["check", lesson.path()], "lesson.toml:1:2: the file is not UTF-8 text: byte 1 is 0x9f");
    let code = TempFile::new("latin1.rs", "");
    std::fs::write(&code.0, b"pub fn f() {}\n// caf\xe9\n").expect("write");
    refused(&["run", "04-lost-update", "--file", code.path()], "latin1.rs:2:7: the file is not UTF-8 text: byte 20");
}

#[test]
fn control_bytes_and_megabyte_lines_do_not_reach_the_terminal_raw() {
    let megabyte = "a".repeat(1 << 20);
    let code = format!(
        "pub static mut COUNT: u32 = 0;\npub fn foreground() {{\n    let _x = missing; // \u{7}\u{1b}[2J\n    let _y = \"{megabyte}\"; let _z = missing;\n}}\npub fn on_timer() {{}}\n"
    );
    let file = TempFile::new("hostile.rs", &code);
    let o = irqlab(&["check", "04-lost-update", "--file", file.path()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", &err[..err.len().min(2000)]);
    assert!(err.len() < 4000, "{}", &err[..4000]);
    assert!(!err.contains(['\u{7}', '\u{1b}']), "{err}");
    assert!(err.contains("3 |     let _x = missing; // ␇␛[2J\n"), "{err}");
    assert!(err.lines().any(|l| l.starts_with("4 | ...aaa") && l.ends_with("aaa\"; let _z = missing;")), "{err}");
}

#[test]
fn a_long_run_prints_at_most_20000_step_records_as_json_and_counts_the_rest() {
    let code = "pub static mut SEEN: u32 = 0;\npub static mut ROWS_DRAWN: u32 = 0;\npub fn superloop_pass() {\n    let mut i: u32 = 0;\n    while i < 4000000000 {\n        i += 1;\n    }\n}\n";
    let file = TempFile::new("long-loop.rs", code);
    let o = irqlab(&["run", "01-superloop", "--file", file.path(), "--max-steps", "25000", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["steps"], 25000);
    assert_eq!(v["trace"].as_array().map(Vec::len), Some(20000));
    assert_eq!(v["trace"][19999]["index"], 19999);
    assert_eq!(v["trace_omitted"], 5000);
}

#[test]
fn explain_and_the_timeline_show_control_bytes_of_the_code_as_pictures() {
    let lesson = lesson_copy("control-bytes", |f, text| {
        if f == "scenario.rs" {
            text.replace("// load, add, store", "// \u{1b}[2J\u{7} load, add, store")
        } else {
            text
        }
    });
    let o = irqlab(&["explain", lesson.path()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!out.contains(['\u{1b}', '\u{7}']), "{out}");
    assert!(out.contains("COUNT += 1 } // ␛[2J␇ load, add, store"), "{out}");
    let o = irqlab(&["run", lesson.path(), "--schedule", "TIMER0@1"]);
    assert!(!stdout(&o).contains(['\u{1b}', '\u{7}']), "{}", stdout(&o));
}

#[test]
fn a_report_shows_the_first_500_diagnostics_and_counts_them_all() {
    // 600 errors, 598 on one line (each snippet costs the whole line) and
    // two properties of lesson.toml that name statics this code lacks.
    let code = format!("pub fn foreground() {{ {} }}\npub fn on_timer() {{}}\n", "x;".repeat(598));
    let file = TempFile::new("many-errors.rs", &code);
    let o = irqlab(&["run", "04-lost-update", "--file", file.path()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err.matches("error[E0425]: cannot find value `x` in this scope").count(), 500, "{err}");
    assert!(err.contains("note: 100 more diagnostics not shown (irqlab shows the first 500)\n"), "{err}");
    assert!(err.ends_with("does not compile for irqlab (600 errors)\n"), "{err}");
}

/// `--board-properties` leaves out what the firmware cannot check (the
/// `sim_only` properties), so the QEMU comparison predicts what the board sees.
#[test]
fn board_properties_leave_out_the_simulator_only_ones() {
    let sim_only = "the timer handler stores its average";
    let all = irqlab(&["check", "handler-preempts-main", "--file", "solution.rs", "--json"]);
    assert!(stdout(&all).contains(sim_only), "{}", stdout(&all));
    let board = irqlab(&["check", "handler-preempts-main", "--file", "solution.rs", "--json", "--board-properties"]);
    assert_eq!(board.status.code(), Some(0), "{}", stderr(&board));
    assert!(!stdout(&board).contains(sim_only), "{}", stdout(&board));
}

/// Ctrl-C during a long `check` stops the search and prints what it found
/// so far, marked as stopped, instead of killing the process silently.
#[test]
fn ctrl_c_during_check_prints_what_was_found_so_far() {
    let lesson = lesson_copy("ctrl-c", |f, text| {
        if f == "lesson.toml" {
            // A search of minutes: a thousand passes, eight timer events.
            text.replace("times = 3", "times = 1000").replace("max_arrivals = 1", "max_arrivals = 8")
        } else {
            text
        }
    });
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_irqlab"))
        .args(["check", lesson.path(), "--max-states", "10000000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("irqlab starts");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let kill = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(kill.success());
    let o = child.wait_with_output().expect("irqlab ends");
    let out = stdout(&o);
    assert!(o.status.code().is_some(), "ended by the signal, not by its handler: {:?}", o.status);
    assert!(out.contains("stopped by Ctrl-C after"), "{out}{}", stderr(&o));
    assert!(out.contains("no count is lost"), "the properties are reported: {out}");
}

/// A lesson file over 8 MiB is refused before it is read, with its size.
#[test]
fn a_file_over_the_size_limit_is_refused_with_its_size() {
    let big = format!("pub fn foreground() {{}}\n{}", "// padding\n".repeat(800_000));
    let file = TempFile::new("big.rs", &big);
    for command in ["check", "run"] {
        refused(
            &[command, "04-lost-update", "--file", file.path()],
            &format!("is {} bytes; irqlab reads lesson files up to 8388608 bytes (8 MiB)", big.len()),
        );
    }
}
