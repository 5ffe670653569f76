//! Each rule of docs/SEMANTICS.md that a "holds" depends on, as a small
//! lesson a learner could write: the explorer must find the failure a real
//! compiler or core allows, and prove the version the rule says is right.

use irqlab_lessons::Lesson;
use irqlab_sim::explore::{ExploreConfig, Explorer, Report, Verdict};

const TOML_HEAD: &str = r#"
title = "t"
summary = "t"
covers = ["T1"]
target = "thumbv7em-none-eabihf"
cores = 1

[[context]]
name = "main"
runs = "main_fn"
times = 1

[[context]]
name = "TIMER0"
interrupt = "TIMER0"
priority = 1
runs = "handler"

[[source]]
interrupt = "TIMER0"
max_arrivals = 1

[challenge]
scenario_expect = "violated"
break = "b"
fix = "f"

[firmware]
bin = "t"
boards = ["qemu-lm3s6965"]
"#;

/// Explores `code` under one end property, `holds`.
fn explore(code: &str, holds: &str) -> Report {
    explore_arrivals(code, holds, 1)
}

/// Like `explore`, with TIMER0 arriving up to `arrivals` times.
fn explore_arrivals(code: &str, holds: &str, arrivals: u32) -> Report {
    let head = TOML_HEAD.replace("max_arrivals = 1", &format!("max_arrivals = {arrivals}"));
    let toml = format!("{head}\n[[property]]\nname = \"p\"\nat = \"end\"\nholds = '{holds}'\n");
    let lesson = Lesson::from_files("00-t", Some(&toml), Some("r"), Some(code), Some(code), &[])
        .unwrap_or_else(|e| panic!("the test lesson compiles: {e:?}"));
    let compiled = lesson.compile(code, "scenario.rs");
    let program =
        compiled.program.clone().unwrap_or_else(|| panic!("compiles: {:?}", compiled.errors().collect::<Vec<_>>()));
    Explorer::new(program, ExploreConfig::default()).expect("valid").run()
}

fn verdict(report: &Report, name: &str) -> Verdict {
    report.properties.iter().find(|p| p.name == name).map(|p| p.verdict).expect("property exists")
}

fn counterexample(report: &Report) -> String {
    report.properties[0].counterexample.as_ref().map(|c| format!("{:?}", c.schedule)).unwrap_or_default()
}

/// SEMANTICS.md "Compiler reordering", the window: an access may move over
/// a computation and over a store it does not depend on, not only over its
/// neighbour. The READY store may be emitted before the DATA store.
#[test]
fn a_store_moves_over_a_computation_and_an_unrelated_store() {
    let code = r#"
use core::sync::atomic::{AtomicU32, AtomicBool, Ordering};
pub static SRC: AtomicU32 = AtomicU32::new(7);
pub static DATA: AtomicU32 = AtomicU32::new(0);
pub static READY: AtomicBool = AtomicBool::new(false);
pub static SEEN: AtomicU32 = AtomicU32::new(99);
pub fn main_fn() {
    let n = SRC.load(Ordering::Relaxed);
    DATA.store(n, Ordering::Relaxed);
    let ready = n != 0;
    READY.store(ready, ORDERING);
}
pub fn handler() {
    if READY.load(Ordering::Acquire) {
        SEEN.store(DATA.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}
"#;
    let holds = "SEEN.load(Ordering::Relaxed) != 0";
    let relaxed = explore(&code.replace("ORDERING", "Ordering::Relaxed"), holds);
    assert_eq!(verdict(&relaxed, "p"), Verdict::Violated, "READY may be stored first");
    assert!(counterexample(&relaxed).contains("Reorder"), "{}", counterexample(&relaxed));
    let release = explore(&code.replace("ORDERING", "Ordering::Release"), holds);
    assert_eq!(verdict(&release, "p"), Verdict::Holds);
}

/// The window reaches past two stores: READY may be emitted before DATA1.
#[test]
fn a_store_moves_over_two_earlier_stores() {
    let code = r#"
use core::sync::atomic::{AtomicU32, AtomicBool, Ordering};
pub static DATA1: AtomicU32 = AtomicU32::new(0);
pub static DATA2: AtomicU32 = AtomicU32::new(0);
pub static READY: AtomicBool = AtomicBool::new(false);
pub static SEEN: AtomicU32 = AtomicU32::new(99);
pub fn main_fn() {
    DATA1.store(1, Ordering::Relaxed);
    DATA2.store(2, Ordering::Relaxed);
    READY.store(true, ORDERING);
}
pub fn handler() {
    if READY.load(Ordering::Acquire) {
        SEEN.store(DATA1.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}
"#;
    let holds = "SEEN.load(Ordering::Relaxed) != 0";
    assert_eq!(verdict(&explore(&code.replace("ORDERING", "Ordering::Relaxed"), holds), "p"), Verdict::Violated);
    assert_eq!(verdict(&explore(&code.replace("ORDERING", "Ordering::Release"), holds), "p"), Verdict::Holds);
}

/// Atomics.rst: a SeqCst store is a release, not an acquire, so a later
/// Relaxed load may be emitted before it (store buffering): both loads can
/// read 0. With SeqCst on both sides of both contexts, they cannot.
#[test]
fn a_seqcst_store_does_not_keep_a_later_relaxed_load_after_it() {
    let code = r#"
use core::sync::atomic::{AtomicU32, Ordering};
pub static X: AtomicU32 = AtomicU32::new(0);
pub static Y: AtomicU32 = AtomicU32::new(0);
pub static R1: AtomicU32 = AtomicU32::new(9);
pub static R2: AtomicU32 = AtomicU32::new(9);
pub fn main_fn() {
    X.store(1, Ordering::SeqCst);
    let r1 = Y.load(LOAD);
    R1.store(r1, Ordering::Relaxed);
}
pub fn handler() {
    Y.store(1, Ordering::SeqCst);
    let r2 = X.load(Ordering::SeqCst);
    R2.store(r2, Ordering::Relaxed);
}
"#;
    // With no arrival the handler never runs and R2 stays 9: only a run
    // where both ran counts.
    let holds = "R2.load(Ordering::Relaxed) == 9 || R1.load(Ordering::Relaxed) + R2.load(Ordering::Relaxed) != 0";
    let relaxed = explore(&code.replace("LOAD", "Ordering::Relaxed"), holds);
    assert_eq!(verdict(&relaxed, "p"), Verdict::Violated, "r1 = r2 = 0 is allowed");
    let seqcst = explore(&code.replace("LOAD", "Ordering::SeqCst"), holds);
    assert_eq!(verdict(&seqcst, "p"), Verdict::Holds);
}

/// The textbook pattern with the reader side Relaxed: the compiler may read
/// SAMPLE_MV before the swap (a load speculated above the branch), the
/// handler runs in between, and main sees the flag with a stale sample.
/// Acquire on the swap forbids it.
#[test]
fn a_relaxed_reader_may_read_the_data_before_the_flag() {
    let code = r#"
use core::sync::atomic::{AtomicU32, AtomicBool, Ordering};
pub static SAMPLE_MV: AtomicU32 = AtomicU32::new(0);
pub static SAMPLE_READY: AtomicBool = AtomicBool::new(false);
pub static GOT: AtomicU32 = AtomicU32::new(1800);
pub fn main_fn() {
    if SAMPLE_READY.swap(false, ORDERING) {
        GOT.store(SAMPLE_MV.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}
pub fn handler() {
    SAMPLE_MV.store(1800, Ordering::Relaxed);
    SAMPLE_READY.store(true, Ordering::Release);
}
"#;
    let holds = "GOT.load(Ordering::Relaxed) == 1800";
    let relaxed = explore(&code.replace("ORDERING", "Ordering::Relaxed"), holds);
    assert_eq!(verdict(&relaxed, "p"), Verdict::Violated, "the sample may be read before the flag");
    let acquire = explore(&code.replace("ORDERING", "Ordering::Acquire"), holds);
    assert_eq!(verdict(&acquire, "p"), Verdict::Holds);
}

/// As-if rule: with no other context, no reordering the window offers
/// changes what one context computes. Every schedule ends alike.
#[test]
fn reorderings_never_change_a_single_context_result() {
    let code = r#"
use core::sync::atomic::{AtomicU32, Ordering};
pub static A: AtomicU32 = AtomicU32::new(1);
pub static B: AtomicU32 = AtomicU32::new(2);
pub static mut C: u32 = 3;
pub static OUT: AtomicU32 = AtomicU32::new(0);
pub fn main_fn() {
    let a = A.load(Ordering::Relaxed);
    B.store(a + 5, Ordering::Relaxed);
    let b = B.load(Ordering::Relaxed);
    unsafe { C = C + b; }
    A.store(b * 2, Ordering::Relaxed);
    let c = unsafe { C };
    if c > 4 {
        OUT.store(A.load(Ordering::Relaxed) + c, Ordering::Relaxed);
    }
}
pub fn handler() {}
"#;
    let report = explore(code, "OUT.load(Ordering::Relaxed) == 21");
    assert_eq!(verdict(&report, "p"), Verdict::Holds);
    let finals: Vec<_> = report.outcomes.iter().map(|o| o.finals.clone()).collect();
    assert!(finals.windows(2).all(|w| w[0] == w[1]), "{finals:?}");
}

/// A main that never finishes its calls fails, as `run` says: once every
/// event has arrived nothing can end its loop.
#[test]
fn a_main_that_loops_forever_fails() {
    let code = r#"
use core::sync::atomic::{AtomicU32, Ordering};
pub static X: AtomicU32 = AtomicU32::new(0);
pub fn main_fn() {
    loop {
        cortex_m::asm::nop();
    }
}
pub fn handler() {
    X.store(1, Ordering::Relaxed);
}
"#;
    let report = explore(code, "true");
    assert_eq!(verdict(&report, "no deadlock or starvation"), Verdict::Violated);
    let why = report.properties.iter().find_map(|p| p.counterexample.as_ref()).expect("a counterexample");
    assert!(why.explanation.contains("never finishes"), "{}", why.explanation);
}

/// ARMv7-M B1.5.19: WFI wakes on an interrupt that PRIMASK alone masks.
/// The explorer must follow main after the wake (DONE = 1 happens), so a
/// property that says it does not is violated, and one that says it does holds.
#[test]
fn the_explorer_follows_main_after_a_wfi_with_primask_set() {
    let code = r#"
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
pub static READY: AtomicBool = AtomicBool::new(false);
pub static DONE: AtomicU32 = AtomicU32::new(0);
pub fn main_fn() {
    cortex_m::interrupt::free(|_| {
        if !READY.load(Ordering::Relaxed) {
            cortex_m::asm::wfi();
        }
    });
    DONE.store(1, Ordering::Relaxed);
}
pub fn handler() {
    READY.store(true, Ordering::Relaxed);
}
"#;
    assert_eq!(verdict(&explore(code, "DONE.load(Ordering::Relaxed) == 0"), "p"), Verdict::Violated);
    let report = explore(code, "DONE.load(Ordering::Relaxed) == 1");
    assert_eq!(verdict(&report, "p"), Verdict::Holds);
    assert_eq!(verdict(&report, "no deadlock or starvation"), Verdict::Holds);
}

/// A property that is true but takes 20,000 steps holds; one that never
/// ends is unknown, never false.
#[test]
fn a_long_property_holds_and_an_endless_one_is_unknown() {
    let code = r#"
use core::sync::atomic::{AtomicU32, Ordering};
pub static X: AtomicU32 = AtomicU32::new(0);
pub fn main_fn() {
    X.store(1, Ordering::Relaxed);
}
pub fn handler() {}
"#;
    let long = "{ let mut i = 0u32; while i < 20000 { i += 1; } i == 20000 }";
    assert_eq!(verdict(&explore(code, long), "p"), Verdict::Holds);
    let endless = "{ let mut i = 0u32; while X.load(Ordering::Relaxed) == 1 { i += 1; } i == 0 }";
    assert_eq!(verdict(&explore(code, endless), "p"), Verdict::Unknown);
}

/// Properties over events: two arrivals while the handler is pending merge
/// (one is lost); every event is either handled or lost.
#[test]
fn properties_count_arrivals_handled_and_lost_events() {
    let code = r#"
use core::sync::atomic::{AtomicU32, Ordering};
pub static RUNS: AtomicU32 = AtomicU32::new(0);
pub fn main_fn() {
    cortex_m::interrupt::free(|_| {
        RUNS.load(Ordering::Relaxed);
    });
}
pub fn handler() {
    RUNS.fetch_add(1, Ordering::Relaxed);
}
"#;
    assert_eq!(verdict(&explore_arrivals(code, "lost(\"TIMER0\") == 0", 2), "p"), Verdict::Violated);
    let balance = "handled(\"TIMER0\") + lost(\"TIMER0\") == arrivals(\"TIMER0\")";
    assert_eq!(verdict(&explore_arrivals(code, balance, 2), "p"), Verdict::Holds);
    let counted = "RUNS.load(Ordering::Relaxed) == handled(\"TIMER0\")";
    assert_eq!(verdict(&explore_arrivals(code, counted, 2), "p"), Verdict::Holds);
}

/// A latency budget: a critical section of 200 cycles delays TIMER0's
/// handler past 100 cycles; without it the entry takes about 12.
#[test]
fn a_latency_budget_fails_behind_a_long_critical_section() {
    let code = r#"
pub fn main_fn() {
    cortex_m::interrupt::free(|_| {
        cortex_m::asm::delay(200);
    });
}
pub fn handler() {}
"#;
    let budget = "max_latency(\"TIMER0\") <= 100";
    assert_eq!(verdict(&explore(code, budget), "p"), Verdict::Violated);
    let free = code.replace(
        "cortex_m::interrupt::free(|_| {\n        cortex_m::asm::delay(200);\n    });",
        "cortex_m::asm::delay(200);",
    );
    assert_eq!(verdict(&explore(&free, budget), "p"), Verdict::Holds);
}

/// SEMANTICS.md §2 "Calls": LLVM may inline a helper, and then reorder its
/// accesses with the caller's. A `publish()` helper that stores READY
/// (Relaxed) after the caller stored DATA does not keep them in order; the
/// reader's helper does not keep its loads in order either.
#[test]
fn reorderings_cross_calls_the_compiler_may_inline() {
    let code = r#"
use core::sync::atomic::{AtomicU32, AtomicBool, Ordering};
pub static DATA: AtomicU32 = AtomicU32::new(0);
pub static READY: AtomicBool = AtomicBool::new(false);
pub static SEEN: AtomicU32 = AtomicU32::new(99);
fn publish(flag: bool) {
    READY.store(flag, ORDERING);
}
fn ready() -> bool {
    READY.load(Ordering::Acquire)
}
pub fn main_fn() {
    DATA.store(1, Ordering::Relaxed);
    publish(true);
}
pub fn handler() {
    if ready() {
        SEEN.store(DATA.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}
"#;
    let holds = "SEEN.load(Ordering::Relaxed) != 0";
    let relaxed = explore(&code.replace("ORDERING", "Ordering::Relaxed"), holds);
    assert_eq!(verdict(&relaxed, "p"), Verdict::Violated, "READY may be stored first, helper or not");
    assert!(counterexample(&relaxed).contains("Reorder"), "{}", counterexample(&relaxed));
    let release = explore(&code.replace("ORDERING", "Ordering::Release"), holds);
    assert_eq!(verdict(&release, "p"), Verdict::Holds);
}

/// A recursive call cannot be inlined: it stays a call (and a barrier), and
/// still computes what it computes.
#[test]
fn a_recursive_call_stays_a_call_and_computes_the_same() {
    let code = r#"
use core::sync::atomic::{AtomicU32, Ordering};
pub static OUT: AtomicU32 = AtomicU32::new(0);
fn sum(n: u32) -> u32 {
    if n == 0 { 0 } else { n + sum(n - 1) }
}
fn twice(n: u32) -> u32 {
    let a = sum(n);
    a + a
}
pub fn main_fn() {
    OUT.store(twice(4), Ordering::Relaxed);
}
pub fn handler() {}
"#;
    let report = explore(code, "OUT.load(Ordering::Relaxed) == 20");
    assert_eq!(verdict(&report, "p"), Verdict::Holds);
    let wrong = explore(code, "OUT.load(Ordering::Relaxed) == 21");
    assert_eq!(verdict(&wrong, "p"), Verdict::Violated);
    // The learner is told where the window ends: at each call of the
    // recursive `sum` (lines 5 and 8), and only there (`twice` is inlined).
    let toml = format!("{TOML_HEAD}\n[[property]]\nname = \"p\"\nat = \"end\"\nholds = 'true'\n");
    let lesson = Lesson::from_files("00-t", Some(&toml), Some("r"), Some(code), Some(code), &[]).expect("a lesson");
    let compiled = lesson.compile(code, "scenario.rs");
    let kept: Vec<_> = compiled.diagnostics.iter().filter(|d| d.message.contains("as a call")).collect();
    let lines: Vec<u32> = kept.iter().map(|d| d.span.line).collect();
    assert_eq!(lines, [5, 8], "{:?}", compiled.diagnostics);
    assert!(!kept[0].is_error(), "a warning: the program still runs");
    assert!(kept[0].render(code).contains("`sum` is recursive"), "{}", kept[0].render(code));
}

/// SEMANTICS.md §4: a main that loops forever fails ("never finishes")
/// unless the lesson says `forever = true`; then the run ends when every
/// event has arrived and main waits, and the end properties are judged
/// there: the lost wake-up (an event between the check and the WFI) is
/// found, and a true property holds.
#[test]
fn a_main_that_loops_forever_by_design_is_judged_where_it_waits() {
    let code = r#"
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
pub static SEEN: AtomicBool = AtomicBool::new(false);
pub static TAKEN: AtomicU32 = AtomicU32::new(0);
pub fn main_fn() {
    loop {
        if SEEN.swap(false, Ordering::Relaxed) {
            TAKEN.fetch_add(1, Ordering::Relaxed);
        }
        cortex_m::asm::wfi();
    }
}
pub fn handler() {
    SEEN.store(true, Ordering::Relaxed);
}
"#;
    let hang = "no deadlock or starvation";
    let looping = explore(code, "TAKEN.load(Ordering::Relaxed) <= 1");
    assert_eq!(verdict(&looping, hang), Verdict::Violated, "without `forever`, main never finishes");
    let forever = |holds: &str| {
        let head = TOML_HEAD.replace("times = 1", "forever = true");
        let toml = format!("{head}\n[[property]]\nname = \"p\"\nat = \"end\"\nholds = '{holds}'\n");
        let lesson = Lesson::from_files("00-t", Some(&toml), Some("r"), Some(code), Some(code), &[])
            .unwrap_or_else(|e| panic!("the test lesson loads: {e:?}"));
        let program = lesson.compile(code, "scenario.rs").program.expect("compiles");
        Explorer::new(program, ExploreConfig::default()).expect("valid").run()
    };
    let fine = forever("TAKEN.load(Ordering::Relaxed) <= 1");
    assert_eq!(verdict(&fine, hang), Verdict::Holds);
    assert_eq!(verdict(&fine, "p"), Verdict::Holds);
    let lost = forever("TAKEN.load(Ordering::Relaxed) == arrivals(\"TIMER0\")");
    assert_eq!(verdict(&lost, "p"), Verdict::Violated, "the event between the swap and the WFI is never taken");
}

/// SEMANTICS.md §4, event counters: a polled source's event is handled when
/// the superloop clears its flag, and `max_latency` is the superloop's
/// reaction time. Before, both stayed 0 for a source without a handler, so
/// any reaction-time budget held.
#[test]
fn a_polled_event_is_handled_when_its_flag_is_cleared() {
    let code = r#"
use crate::board::{self, Interrupt};
pub static mut SEEN: u32 = 0;
pub fn main_fn() {
    for _ in 0..4 {
        if board::event_pending(Interrupt::TIMER0) {
            board::clear_event(Interrupt::TIMER0);
            unsafe { SEEN += 1 };
        }
        board::busy(200);
    }
}
pub fn handler() {}
"#;
    let polled = |holds: &str| {
        let head = TOML_HEAD.replace(
            "times = 1",
            "times = 1\n\n[[source]]\ninterrupt = \"RTC0\"\nmax_arrivals = 1\ntrigger = \"edge\"",
        );
        let toml = format!("{head}\n[[property]]\nname = \"p\"\nat = \"end\"\nholds = '{holds}'\n");
        let code = code.replace("TIMER0", "RTC0");
        let lesson = Lesson::from_files("00-t", Some(&toml), Some("r"), Some(&code), Some(&code), &[])
            .unwrap_or_else(|e| panic!("the test lesson compiles: {e:?}"));
        let program = lesson.compile(&code, "scenario.rs").program.expect("compiles");
        Explorer::new(program, ExploreConfig::default()).expect("valid").run()
    };
    // An event that arrives just after a poll waits a whole pass.
    assert_eq!(verdict(&polled(r#"max_latency("RTC0") <= 100"#), "p"), Verdict::Violated);
    assert_eq!(verdict(&polled(r#"max_latency("RTC0") <= 260"#), "p"), Verdict::Holds);
    assert_eq!(verdict(&polled(r#"handled("RTC0") == unsafe { SEEN }"#), "p"), Verdict::Holds);
}

/// SEMANTICS.md §2, fences: `compiler_fence(SeqCst)` between a plain store
/// and the NVIC unmask that lets a handler read it keeps the store before
/// the unmask, and the fence publishes it. Before, the unmask could run
/// early past the fence alone (no access pending before it), which moved
/// the fence's release point after the handler's entry and reported a race
/// the compiled code cannot have. Without the fence, the compiler may sink
/// the plain store past the unmask (a volatile write): a real race.
#[test]
fn a_compiler_fence_keeps_a_store_before_the_unmask_that_publishes_it() {
    let code = |fence: &str| {
        format!(
            r#"
use core::sync::atomic::{{compiler_fence, Ordering}};
use cortex_m::peripheral::NVIC;
use crate::board::Interrupt;
pub static mut DATA: u32 = 0;
pub static mut SEEN: u32 = 0;
pub fn main_fn() {{
    unsafe {{ DATA = 7 }};
    {fence}
    unsafe {{ NVIC::unmask(Interrupt::TIMER0) }};
}}
pub fn handler() {{
    unsafe {{ SEEN = DATA }};
}}
"#
        )
    };
    let run = |code: &str| {
        let head = TOML_HEAD.replace("runs = \"handler\"", "runs = \"handler\"\nenabled = false");
        let toml = format!("{head}\n[[property]]\nname = \"p\"\nat = \"end\"\nholds = 'true'\n");
        let lesson = Lesson::from_files("00-t", Some(&toml), Some("r"), Some(code), Some(code), &[])
            .unwrap_or_else(|e| panic!("the test lesson compiles: {e:?}"));
        let program = lesson.compile(code, "scenario.rs").program.expect("compiles");
        Explorer::new(program, ExploreConfig::default()).expect("valid").run()
    };
    let fenced = run(&code("compiler_fence(Ordering::SeqCst);"));
    assert_eq!(verdict(&fenced, "no undefined behavior"), Verdict::Holds, "{:?}", fenced.properties);
    let bare = run(&code(""));
    assert_eq!(verdict(&bare, "no undefined behavior"), Verdict::Violated);
}

/// SEMANTICS.md §2, WFI, WFE and SEV: cortex-m's `wfi` is `asm!` with
/// `nomem`, so a Relaxed load after it may be read before the sleep and the
/// stale value used after waking. An Acquire load, or a
/// `compiler_fence(SeqCst)` after the sleep, keeps the read after it.
#[test]
fn a_relaxed_load_after_wfi_may_be_read_before_the_sleep() {
    let code = r#"
use core::sync::atomic::{compiler_fence, AtomicU32, Ordering};
pub static FLAG: AtomicU32 = AtomicU32::new(0);
pub static SEEN: AtomicU32 = AtomicU32::new(9);
pub fn main_fn() {
    cortex_m::asm::wfi();
    FENCE
    let v = FLAG.load(LOAD);
    SEEN.store(v, Ordering::Relaxed);
}
pub fn handler() {
    FLAG.store(1, Ordering::Relaxed);
}
"#;
    // 9: main never woke; 0: it woke and used a FLAG read before the sleep.
    let holds = "SEEN.load(Ordering::Relaxed) != 0";
    let fence = "compiler_fence(Ordering::SeqCst);";
    let stale = explore(&code.replace("FENCE", "").replace("LOAD", "Ordering::Relaxed"), holds);
    assert_eq!(verdict(&stale, "p"), Verdict::Violated);
    assert!(counterexample(&stale).contains("Reorder"), "{}", counterexample(&stale));
    let fenced = explore(&code.replace("FENCE", fence).replace("LOAD", "Ordering::Relaxed"), holds);
    assert_eq!(verdict(&fenced, "p"), Verdict::Holds);
    let acquire = explore(&code.replace("FENCE", "").replace("LOAD", "Ordering::Acquire"), holds);
    assert_eq!(verdict(&acquire, "p"), Verdict::Holds);
}
