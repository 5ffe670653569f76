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
    let counts: Vec<&str> = r
        .outcomes
        .iter()
        .filter_map(|o| o.finals.iter().find(|(n, _)| n == "COUNT").map(|(_, v)| v.as_str()))
        .collect();
    assert!(counts.contains(&"3") && counts.contains(&"4"), "{counts:?}");
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
