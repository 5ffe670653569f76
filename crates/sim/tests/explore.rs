//! The explorer: verdicts, shortest counterexamples that replay, pruning,
//! bounds, resumable slices.

mod support;

use irqlab_sim::build::ProgramBuilder;
use irqlab_sim::explore::{ExploreConfig, Explorer, Verdict};
use irqlab_sim::*;
use support::*;

fn explore(p: &Program) -> irqlab_sim::explore::Report {
    Explorer::new(p.clone(), ExploreConfig::default()).expect("valid").run()
}

fn property<'r>(r: &'r irqlab_sim::explore::Report, name: &str) -> &'r irqlab_sim::explore::PropertyReport {
    r.properties.iter().find(|p| p.name == name).expect("property reported")
}

/// The final values of `name` across the explored schedules' outcomes.
fn final_values<'r>(r: &'r irqlab_sim::explore::Report, name: &str) -> Vec<&'r str> {
    r.outcomes.iter().filter_map(|o| o.finals.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())).collect()
}

#[test]
fn lost_update_is_found_and_its_counterexample_replays_to_the_same_failure() {
    let p = lost_update(Target::Armv7em, 3);
    let r = explore(&p);
    assert!(r.complete);
    let lost = property(&r, "no count is lost");
    assert_eq!(lost.verdict, Verdict::Violated);
    let cx = lost.counterexample.as_ref().expect("a counterexample");
    // The earliest: the timer between main's first load (step 0) and store
    // (step 2). An arrival before the add at step 1 is the same point (the
    // add touches only a register), so the explorer only tries step 2.
    assert_eq!(cx.schedule.to_text(&p), "TIMER0@2");
    let replay = run(&p, &cx.schedule.to_text(&p));
    assert!(
        replay
            .outcomes()
            .iter()
            .any(|o| matches!(o, Outcome::PropertyViolated { name, .. } if name == "no count is lost"))
    );
    assert_eq!(property(&r, "no undefined behavior").verdict, Verdict::Violated);
    // Both final values of COUNT appear in the histogram.
    let counts = final_values(&r, "COUNT");
    assert!(counts.contains(&"3") && counts.contains(&"4"), "{counts:?}");
}

#[test]
fn among_equally_short_counterexamples_the_one_with_fewest_arrivals_is_kept() {
    // Two arrivals allowed: a second one at the same point merges into the
    // pending bit (ARMv7-M B1.5.6: one pending bit per exception) and the run
    // fails in the same number of steps. The learner gets the single arrival.
    let mut p = lost_update(Target::Armv7em, 3);
    p.sources[0].max_arrivals = 2;
    let r = explore(&p);
    let cx = property(&r, "no count is lost").counterexample.as_ref().expect("a counterexample");
    assert_eq!(cx.schedule.to_text(&p), "TIMER0@2");
}

#[test]
fn critical_section_fix_holds_on_every_schedule() {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let count = b.scalar("COUNT", Ty::U32, LocationKind::Plain, 0);
    let ticks = b.scalar("TICKS", Ty::U32, LocationKind::Atomic, 0);
    let fg = b.function("foreground", 0, |f| {
        f.critical_section(|f| {
            f.increment(count, Ty::U32);
        });
        f.ret();
    });
    let on_timer = b.function("on_timer", 0, |f| {
        f.atomic_add(ticks, 1, Ordering::Relaxed).increment(count, Ty::U32).ret();
    });
    b.thread("main", 0, &[(fg, 3)]);
    let h = b.handler("TIMER0", 8, 1, on_timer);
    b.source("TIMER0", Some(h), Trigger::Edge, 2);
    b.property("no count is lost", PropertyWhen::End, |f| {
        let (c, t, e) = (f.local(), f.local(), f.local());
        f.load(c, count);
        f.op(Op::AtomicLoad { dst: t, place: Place::at(ticks), ordering: Ordering::Relaxed });
        f.add(Ty::U32, t, Operand::Local(t), Operand::Const(3));
        f.op(Op::Binary { op: BinOp::Eq, ty: Ty::U32, dst: e, lhs: Operand::Local(c), rhs: Operand::Local(t) });
        f.op(Op::Return { value: Some(Operand::Local(e)) });
    });
    let p = b.build();
    let r = explore(&p);
    assert!(r.complete);
    assert!(r.properties.iter().all(|p| p.verdict == Verdict::Holds), "{:?}", r.properties);
    assert!(r.pruning_ratio() > 1.0, "{}", r.pruning_ratio());
}

#[test]
fn a_state_bound_makes_every_unviolated_verdict_unknown() {
    let p = lost_update(Target::Armv7em, 3);
    let config = ExploreConfig { max_states: 5, ..ExploreConfig::default() };
    let r = Explorer::new(p, config).expect("valid").run();
    assert!(!r.complete);
    assert_eq!(r.cut_by, Some(Bound::States));
    assert!(r.properties.iter().all(|p| p.verdict != Verdict::Holds));
}

#[test]
fn slices_give_the_same_report_as_one_run() {
    let p = lost_update(Target::Armv7em, 4);
    let whole = explore(&p);
    let mut e = Explorer::new(p, ExploreConfig::default()).expect("valid");
    let mut slices = 0;
    while !e.run_for(3).done {
        slices += 1;
    }
    assert!(slices > 5);
    let sliced = e.report();
    assert_eq!(sliced.states, whole.states);
    assert_eq!(sliced.schedules, whole.schedules);
    assert_eq!(sliced.properties, whole.properties);
}

#[test]
fn stopping_early_reports_the_time_bound() {
    let p = lost_update(Target::Armv7em, 4);
    let mut e = Explorer::new(p, ExploreConfig::default()).expect("valid");
    e.run_for(2);
    e.stop(Bound::Time);
    let r = e.report();
    assert_eq!(r.cut_by, Some(Bound::Time));
    assert!(!r.complete);
}

#[test]
fn a_handler_that_never_clears_its_level_flag_is_found_to_starve_main() {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let work = b.scalar("WORK", Ty::U32, LocationKind::Atomic, 0);
    let main = b.function("main_loop", 0, |f| {
        f.atomic_add(work, 1, Ordering::Relaxed).ret();
    });
    let h = b.function("on_timer", 0, |f| {
        f.op(Op::Nop { what: "forgot to clear the flag".into() }).ret();
    });
    b.thread("main", 0, &[(main, 3)]);
    let t = b.handler("TIMER0", 8, 1, h);
    b.source("TIMER0", Some(t), Trigger::Level, 1);
    let p = b.build();
    let r = explore(&p);
    let hang = property(&r, "no deadlock or starvation");
    assert_eq!(hang.verdict, Verdict::Violated);
    let cx = hang.counterexample.as_ref().expect("counterexample");
    assert!(cx.explanation.contains("main made no progress"), "{}", cx.explanation);
    let replay = run(&p, &cx.schedule.to_text(&p));
    assert!(has_outcome(&replay, "starvation"));
}

#[test]
fn the_compiler_reordering_of_a_relaxed_flag_is_one_of_the_choices() {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let data = b.scalar("SAMPLE_MV", Ty::U32, LocationKind::Atomic, 0);
    let ready = b.scalar("SAMPLE_READY", Ty::Bool, LocationKind::Atomic, 0);
    let publish = |ordering: Ordering| {
        move |f: &mut irqlab_sim::build::FnBuilder| {
            f.op(Op::AtomicStore { place: Place::at(data), src: Operand::Const(1200), ordering: Ordering::Relaxed });
            f.op(Op::AtomicStore { place: Place::at(ready), src: Operand::Const(1), ordering });
            f.ret();
        }
    };
    let main = b.function("publish", 0, publish(Ordering::Relaxed));
    let h = b.function("on_timer", 0, |f| {
        let (r, d, ok, stale) = (f.local(), f.local(), f.local(), f.local());
        f.op(Op::AtomicLoad { dst: r, place: Place::at(ready), ordering: Ordering::Acquire });
        f.op(Op::AtomicLoad { dst: d, place: Place::at(data), ordering: Ordering::Relaxed });
        // ok = !ready || data == 1200
        f.op(Op::Binary { op: BinOp::Eq, ty: Ty::U32, dst: stale, lhs: Operand::Local(d), rhs: Operand::Const(1200) });
        f.op(Op::Unary { op: UnOp::Not, ty: Ty::Bool, dst: ok, src: Operand::Local(r) });
        f.op(Op::Binary { op: BinOp::Or, ty: Ty::Bool, dst: ok, lhs: Operand::Local(ok), rhs: Operand::Local(stale) });
        f.op(Op::Check { cond: Operand::Local(ok), kind: CheckKind::Assert, message: "stale sample".into() });
        f.ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    let t = b.handler("TIMER0", 8, 1, h);
    b.source("TIMER0", Some(t), Trigger::Edge, 1);
    let p = b.build();
    let r = explore(&p);
    let panic = property(&r, "no panic");
    assert_eq!(panic.verdict, Verdict::Violated);
    let text = panic.counterexample.as_ref().expect("cx").schedule.to_text(&p);
    assert!(text.starts_with("reorder@0,TIMER0@1"), "{text}");
}

#[test]
fn two_cores_without_a_spinlock_lose_updates_and_the_explorer_finds_the_interleaving() {
    let mut b = ProgramBuilder::new(Target::Armv6m, 2);
    let count = b.scalar("COUNT", Ty::U32, LocationKind::Plain, 0);
    let inc = b.function("increment", 0, |f| {
        f.critical_section(|f| {
            f.increment(count, Ty::U32);
        });
        f.ret();
    });
    b.thread("core0", 0, &[(inc, 1)]);
    b.thread("core1", 1, &[(inc, 1)]);
    b.property("both increments count", PropertyWhen::End, |f| {
        let (c, ok) = (f.local(), f.local());
        f.load(c, count);
        f.op(Op::Binary { op: BinOp::Eq, ty: Ty::U32, dst: ok, lhs: Operand::Local(c), rhs: Operand::Const(2) });
        f.op(Op::Return { value: Some(Operand::Local(ok)) });
    });
    let p = b.build();
    let r = explore(&p);
    assert!(r.complete);
    let lost = property(&r, "both increments count");
    assert_eq!(lost.verdict, Verdict::Violated);
    let replay = run(&p, &lost.counterexample.as_ref().expect("cx").schedule.to_text(&p));
    assert_eq!(value(&replay, "COUNT"), 1);
}

// RP2040: core 0's handler claims spinlock 31 while core 1's thread holds it
// and spins until core 1 releases it (RP2040 datasheet 2.3.1.3). The spin is
// waiting, not starvation: core 1 always gets to run on its own core. The
// search must also stay small: spinning while the lock is held changes
// nothing, so the explorer does not try it step by step.
#[test]
fn a_handler_waiting_for_the_other_cores_spinlock_is_not_starved() {
    let p = two_core_counter(true, 2, true);
    let r = explore(&p);
    assert!(r.complete, "the search was cut after {} states", r.states);
    assert_eq!(property(&r, "no deadlock or starvation").verdict, Verdict::Holds);
    assert_eq!(property(&r, "no undefined behavior").verdict, Verdict::Holds);
    let counts = final_values(&r, "COUNT");
    assert!(counts.contains(&"5") && counts.iter().all(|c| *c == "4" || *c == "5"), "{counts:?}");
}

/// The counterexample is told step by step (`story::tell`): the arrival, the
/// handler's entry, both contexts' accesses to COUNT in step order, and the
/// store that wipes out the handler's as a lost update. Without the
/// arrival there is nothing lost to tell.
#[test]
fn a_lost_update_is_told_step_by_step() {
    let p = lost_update(Target::Armv7em, 3);
    let r = explore(&p);
    let cx = property(&r, "no count is lost").counterexample.as_ref().expect("a counterexample");
    let story = &cx.story;
    let steps: Vec<u64> = story.iter().map(|l| l.step).collect();
    assert!(steps.windows(2).all(|w| w[0] <= w[1]), "in step order: {story:#?}");
    let text: Vec<String> = story.iter().map(|l| format!("{} {}: {}", l.step, l.who, l.text)).collect();
    let has = |needle: &str| text.iter().any(|t| t.contains(needle));
    assert!(has("TIMER0's event arrives"), "{text:#?}");
    assert!(has("the TIMER0 handler starts, preempting main"), "{text:#?}");
    let lost: Vec<&String> = text.iter().filter(|t| t.contains("is lost")).collect();
    assert_eq!(lost.len(), 1, "one lost store: {text:#?}");
    assert!(lost[0].contains("main: writes COUNT") && lost[0].contains("TIMER0's store"), "{text:#?}");

    // The same program run without the arrival: no store is lost.
    let mut session = Session::new(p.clone(), Schedule::default(), Bounds::default()).expect("valid");
    while session.step() {}
    let calm = story::tell(&p, session.trace(), &[Location(0)]);
    assert!(!calm.is_empty() && calm.iter().all(|l| !l.text.contains("is lost")), "{calm:#?}");
}

/// A bouncing button (EDGE, up to three events, `ends_before` TIMER) that
/// counts every edge, and the debounce timer.
fn bouncing_button(ends_before: bool) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let edges = b.scalar("EDGES", Ty::U32, LocationKind::Plain, 0);
    let after = b.scalar("AFTER_TIMER", Ty::U32, LocationKind::Plain, 0);
    let timer_done = b.scalar("TIMER_DONE", Ty::U32, LocationKind::Plain, 0);
    let idle = b.function("idle", 0, |f| {
        f.op(Op::Nop { what: "nop".into() });
        f.ret();
    });
    b.thread("main", 0, &[(idle, 2)]);
    let on_edge = b.function("on_edge", 0, |f| {
        let t = f.local();
        f.increment(edges, Ty::U32);
        // An edge handled after the timer's handler ran.
        f.load(t, timer_done);
        f.store(after, Operand::Local(t));
        f.ret();
    });
    let on_timer = b.function("on_timer", 0, |f| {
        f.store(timer_done, Operand::Const(1));
        f.ret();
    });
    let edge = b.handler("EDGE", 0, 1, on_edge);
    let timer = b.handler("TIMER", 1, 2, on_timer);
    let e = b.source("EDGE", Some(edge), Trigger::Edge, 3);
    let t = b.source("TIMER", Some(timer), Trigger::Edge, 1);
    let mut p = b.build();
    if ends_before {
        p.sources[e.0 as usize].ends_before = Some(t);
    }
    p
}

// lesson.toml `ends_before`: a burst's events all come before the first
// event of the source it ends before, in the explorer and in a schedule.
#[test]
fn a_burst_ends_before_the_source_it_names() {
    let free = explore(&bouncing_button(false));
    assert!(final_values(&free, "AFTER_TIMER").contains(&"1"), "without the rule an edge may follow the timer");
    let burst = explore(&bouncing_button(true));
    assert!(burst.complete);
    assert_eq!(final_values(&burst, "AFTER_TIMER").iter().filter(|v| **v == "1").count(), 0, "{:?}", burst.outcomes);
    assert!(final_values(&burst, "EDGES").contains(&"3"), "the whole burst still comes");
    // A schedule that places an edge after the timer is told so; in the
    // same gap they are one instant, and both apply.
    let p = bouncing_button(true);
    let s = run(&p, "TIMER@0,EDGE@3");
    assert_eq!(s.not_applied().len(), 1, "{:?}", s.not_applied());
    assert!(s.not_applied()[0].1.contains("EDGE's events all come before TIMER's"), "{:?}", s.not_applied());
    assert_eq!(value(&s, "EDGES"), 0);
    let s = run(&p, "TIMER@0,EDGE@0");
    assert!(s.not_applied().is_empty(), "{:?}", s.not_applied());
    assert_eq!(value(&s, "EDGES"), 1);
    // A source cannot end its own burst.
    let mut bad = bouncing_button(true);
    bad.sources[0].ends_before = Some(SourceId(0));
    assert!(matches!(bad.validate(), Err(ProgramError::BadBurstEnd { .. })), "{:?}", bad.validate());
}
