//! The outcomes the machine detects, each explained in one sentence; the
//! memory-ordering choice; determinism, stepping back, bounds and bad input.

mod support;

use irqlab_sim::build::ProgramBuilder;
use irqlab_sim::*;
use support::*;

#[test]
fn failed_assertion_halts_and_names_the_line() {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let x = b.scalar("X", Ty::U32, LocationKind::Plain, 7);
    let main = b.function("check", 0, |f| {
        let (t, ok) = (f.local(), f.local());
        f.load(t, x);
        f.op(Op::Binary { op: BinOp::Eq, ty: Ty::U32, dst: ok, lhs: Operand::Local(t), rhs: Operand::Const(8) });
        f.op(Op::Check {
            cond: Operand::Local(ok),
            kind: CheckKind::Assert,
            message: "assertion failed: X == 8".into(),
        });
        f.ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    let p = b.build();
    let s = run(&p, "");
    assert_eq!(s.machine().status(), Status::Halted);
    let o = s.outcomes().last().expect("an outcome");
    assert_eq!(o.explain(&p), "main panicked at line 5: assertion failed: X == 8.");
}

#[test]
fn data_race_names_both_accesses_like_miri() {
    let p = lost_update(Target::Armv7em, 1);
    let after_load = first_step(&p, |p, r| is_instr(p, r, "main", 0)) + 1;
    let s = run(&p, &format!("TIMER0@{after_load}"));
    let race = s.outcomes().iter().find(|o| o.label() == "data-race").expect("a race");
    let text = race.explain(&p);
    assert!(text.starts_with("Undefined behavior: data race on `COUNT`: main read it at line"), "{text}");
    assert!(text.contains("TIMER0 wrote it at line"), "{text}");
}

#[test]
fn critical_section_orders_the_accesses_so_there_is_no_race() {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let count = b.scalar("COUNT", Ty::U32, LocationKind::Plain, 0);
    let fg = b.function("foreground", 0, |f| {
        f.critical_section(|f| {
            f.increment(count, Ty::U32);
        });
        f.ret();
    });
    let on_timer = b.function("on_timer", 0, |f| {
        f.increment(count, Ty::U32).ret();
    });
    b.thread("main", 0, &[(fg, 2)]);
    let h = b.handler("TIMER0", 8, 1, on_timer);
    b.source("TIMER0", Some(h), Trigger::Edge, 1);
    let p = b.build();
    for at in 0..14 {
        let s = run(&p, &format!("TIMER0@{at}"));
        assert_eq!(value(&s, "COUNT"), 3, "arrival at {at}");
        assert!(!has_outcome(&s, "data-race"), "arrival at {at}: {:?}", s.outcomes());
    }
}

/// main holds a spin lock (an AtomicBool taken with swap) around its work;
/// the handler takes the same lock.
fn spin_lock_program() -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let lock = b.scalar("LOCK", Ty::Bool, LocationKind::Atomic, 0);
    let take = |f: &mut irqlab_sim::build::FnBuilder| {
        let was = f.local();
        let top = f.here();
        f.op(Op::AtomicRmw {
            op: RmwOp::Swap,
            dst: was,
            place: Place::at(lock),
            src: Operand::Const(1),
            ordering: Ordering::Acquire,
        });
        let next = f.here() + 1;
        f.op(Op::Branch { cond: Operand::Local(was), then_target: top, else_target: next });
    };
    let release = |f: &mut irqlab_sim::build::FnBuilder| {
        f.op(Op::AtomicStore { place: Place::at(lock), src: Operand::Const(0), ordering: Ordering::Release });
    };
    let main = b.function("main_work", 0, |f| {
        take(f);
        f.op(Op::Busy { cycles: 100 });
        release(f);
        f.ret();
    });
    let h = b.function("on_timer", 0, |f| {
        take(f);
        release(f);
        f.ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    let t = b.handler("TIMER0", 8, 1, h);
    b.source("TIMER0", Some(t), Trigger::Edge, 1);
    b.build()
}

#[test]
fn handler_spinning_on_a_lock_held_by_preempted_main_is_a_deadlock() {
    let p = spin_lock_program();
    // main has taken the lock after its swap (step 0) and branch (step 1).
    let s = run(&p, "TIMER0@2");
    let o = s.outcomes().iter().find(|o| o.label() == "deadlock").expect("deadlock");
    let text = o.explain(&p);
    assert!(text.starts_with("Deadlock: TIMER0 spins at line"), "{text}");
    assert!(text.contains("waiting for `LOCK`, which main holds"), "{text}");
    assert_eq!(s.machine().status(), Status::Halted);
    // Before main takes the lock, or after it releases it, all is well.
    for at in [0, 5] {
        let s = run(&p, &format!("TIMER0@{at}"));
        assert_eq!(s.machine().status(), Status::Finished, "arrival at {at}: {:?}", s.outcomes());
    }
}

/// A `Mutex<RefCell<Option<u32>>>`-like static: a borrow flag, a tag and a
/// payload. main borrows it mutably across a few steps without a critical
/// section (as unsafe code could); the handler borrows it too.
fn refcell_program(init_tag: i128) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let flag = b.scalar("SHARED", Ty::I32, LocationKind::BorrowFlag, 0);
    let tag = b.scalar("SHARED.tag", Ty::U8, LocationKind::OptionTag, init_tag);
    let payload = b.scalar("SHARED.value", Ty::U32, LocationKind::Plain, 0);
    let main = b.function("main_work", 0, |f| {
        f.op(Op::BorrowRefCell { flag: Place::at(flag), mutable: true });
        f.store(tag, Operand::Const(1));
        f.store(payload, Operand::Const(42));
        f.op(Op::ReleaseRefCell { flag: Place::at(flag), mutable: true });
        f.ret();
    });
    let h = b.function("on_timer", 0, |f| {
        let t = f.local();
        f.op(Op::BorrowRefCell { flag: Place::at(flag), mutable: true });
        f.load(t, tag);
        f.op(Op::Check {
            cond: Operand::Local(t),
            kind: CheckKind::UnwrapNone { static_name: "SHARED".into() },
            message: "called `Option::unwrap()` on a `None` value".into(),
        });
        f.op(Op::ReleaseRefCell { flag: Place::at(flag), mutable: true });
        f.ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    let t = b.handler("TIMER0", 8, 1, h);
    b.source("TIMER0", Some(t), Trigger::Edge, 1);
    b.build()
}

#[test]
fn refcell_borrowed_twice_panics() {
    let p = refcell_program(1);
    let s = run(&p, "TIMER0@1");
    let o = s.outcomes().iter().find(|o| o.label() == "double-borrow").expect("double borrow");
    assert!(o.explain(&p).contains("`SHARED` is already borrowed"), "{}", o.explain(&p));
}

#[test]
fn handler_reading_an_uninitialized_option_panics_with_an_explanation() {
    let p = refcell_program(0);
    let s = run(&p, "TIMER0@0");
    let o = s.outcomes().iter().find(|o| o.label() == "uninitialized").expect("unwrap on None");
    assert!(o.explain(&p).contains("before it was initialized"), "{}", o.explain(&p));
    // After main's initialization the handler finds a value.
    let s = run(&p, "TIMER0@5");
    assert_eq!(s.machine().status(), Status::Finished, "{:?}", s.outcomes());
}

/// main publishes DATA then sets READY (Relaxed or Release); the handler
/// reads READY then DATA and records what it saw.
fn flag_and_data(flag_ordering: Ordering) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let data = b.scalar("SAMPLE_MV", Ty::U32, LocationKind::Plain, 0);
    let ready = b.scalar("SAMPLE_READY", Ty::Bool, LocationKind::Atomic, 0);
    let seen = b.scalar("SEEN_MV", Ty::U32, LocationKind::Atomic, 99);
    let main = b.function("publish", 0, |f| {
        f.store(data, Operand::Const(1200));
        f.op(Op::AtomicStore { place: Place::at(ready), src: Operand::Const(1), ordering: flag_ordering });
        f.ret();
    });
    let h = b.function("on_timer", 0, |f| {
        let (r, d) = (f.local(), f.local());
        f.op(Op::AtomicLoad { dst: r, place: Place::at(ready), ordering: Ordering::Acquire });
        let branch = f.here();
        f.op(Op::Nop { what: "placeholder".into() });
        f.load(d, data);
        f.op(Op::AtomicStore { place: Place::at(seen), src: Operand::Local(d), ordering: Ordering::Relaxed });
        let end = f.here();
        f.ret();
        f.patch(branch, Op::Branch { cond: Operand::Local(r), then_target: branch + 1, else_target: end });
    });
    b.thread("main", 0, &[(main, 1)]);
    let t = b.handler("TIMER0", 8, 1, h);
    b.source("TIMER0", Some(t), Trigger::Edge, 1);
    b.build()
}

// The Rust memory model lets the compiler move a Relaxed store before an
// earlier plain store to another location; a Release store forbids it.
#[test]
fn relaxed_flag_can_be_seen_before_its_data_but_release_cannot() {
    let relaxed = flag_and_data(Ordering::Relaxed);
    let s = session(&relaxed, "");
    assert!(s.machine().reorder_options(&relaxed, None) > 0);
    // Reorder at step 0 (flag first), then the timer lands before the data.
    let s = run(&relaxed, "reorder@0,TIMER0@1");
    assert_eq!(value(&s, "SEEN_MV"), 0, "the handler saw the flag but stale data");
    assert!(s.trace()[0].events.iter().any(|e| matches!(e, Event::Reordered { .. })));

    let release = flag_and_data(Ordering::Release);
    let s = session(&release, "");
    assert_eq!(s.machine().reorder_options(&release, None), 0);
    let s = run(&release, "reorder@0,TIMER0@1");
    assert_ne!(value(&s, "SEEN_MV"), 0);
}

#[test]
fn same_program_and_schedule_give_the_same_trace() {
    let p = lost_update(Target::Armv7em, 3);
    let a = run(&p, "TIMER0@1");
    let b = run(&p, "TIMER0@1");
    let ja = serde_json::to_string(a.trace()).expect("trace serializes");
    let jb = serde_json::to_string(b.trace()).expect("trace serializes");
    assert_eq!(ja, jb);
    assert!(ja.contains("\"kind\":\"stacking\""));
}

#[test]
fn stepping_back_returns_to_exactly_the_same_state() {
    let p = lost_update(Target::Armv7em, 400);
    let mut s = session(&p, "TIMER0@70");
    for _ in 0..150 {
        assert!(s.step());
    }
    let at_150 = (s.machine().state_key(), s.trace().clone());
    for _ in 0..90 {
        assert!(s.step());
    }
    for _ in 0..90 {
        assert!(s.back());
    }
    assert_eq!(s.position(), 150);
    assert_eq!((s.machine().state_key(), s.trace().clone()), at_150);
    s.goto(0);
    assert!(!s.back());
    assert_eq!(s.position(), 0);
}

#[test]
fn run_to_end_then_back_from_a_finished_run() {
    let p = lost_update(Target::Armv7em, 3);
    let mut s = session(&p, "TIMER0@1");
    let end = s.run_to_end();
    assert_eq!(end.status, Status::Finished);
    let steps = s.position();
    assert!(s.back());
    assert_eq!(s.position(), steps - 1);
    assert_eq!(s.machine().status(), Status::Running);
}

#[test]
fn step_bound_is_reported_when_hit() {
    let p = lost_update(Target::Armv7em, 1000);
    let schedule = Schedule::default();
    let bounds = Bounds { max_steps: 50, ..Bounds::default() };
    let mut s = Session::new(p.clone(), schedule, bounds).expect("valid");
    let summary = s.run_to_end();
    assert_eq!(summary.status, Status::Halted);
    assert_eq!(s.bound_hit(), Some(Bound::Steps));
    assert_eq!(
        summary.outcomes.last().map(|o| o.explain(&p)),
        Some("The run stopped at the steps bound (50) before the program finished.".to_string())
    );
}

#[test]
fn unrunnable_programs_are_typed_errors() {
    // A priority out of range for the target's priority bits.
    let mut b = ProgramBuilder::new(Target::Armv6m, 1);
    let f = b.function("f", 0, |f| {
        f.ret();
    });
    b.thread("main", 0, &[(f, 1)]);
    b.handler("TIMER0", 8, 4, f);
    let err = b.build().validate().expect_err("priority 4 on armv6m");
    assert_eq!(err.to_string(), "handler `TIMER0` has priority 4, but armv6m implements 4 levels (0..=3)");

    // A handler with no body.
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let f = b.function("f", 0, |f| {
        f.ret();
    });
    let empty = b.function("on_timer", 0, |_| {});
    b.thread("main", 0, &[(f, 1)]);
    b.handler("TIMER0", 8, 1, empty);
    assert!(matches!(b.build().validate(), Err(ProgramError::EmptyHandler { .. })));

    // A jump out of bounds.
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let f = b.function("f", 0, |f| {
        f.op(Op::Jump { target: 9 });
    });
    b.thread("main", 0, &[(f, 1)]);
    let err = b.build().validate().expect_err("jump out of bounds");
    assert!(err.to_string().contains("jump to instruction 9, but the body has 1"), "{err}");

    // BASEPRI on armv6m.
    let mut b = ProgramBuilder::new(Target::Armv6m, 1);
    let f = b.function("f", 0, |f| {
        f.op(Op::WriteBasepri { value: Operand::Const(0x40), max: false }).ret();
    });
    b.thread("main", 0, &[(f, 1)]);
    assert!(matches!(b.build().validate(), Err(ProgramError::NoBasepri { .. })));

    // Three cores.
    let mut b = ProgramBuilder::new(Target::Armv6m, 3);
    let f = b.function("f", 0, |f| {
        f.ret();
    });
    b.thread("main", 0, &[(f, 1)]);
    assert_eq!(b.build().validate(), Err(ProgramError::Cores(3)));

    // A property that changes the machine through a function it calls.
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let count = b.scalar("COUNT", Ty::U32, LocationKind::Plain, 0);
    let bump = b.function("bump", 0, |f| {
        f.increment(count, Ty::U32).ret();
    });
    b.thread("main", 0, &[(bump, 1)]);
    b.property("sneaky", PropertyWhen::End, |f| {
        f.op(Op::Call { func: bump, args: Vec::new(), ret: None });
        f.op(Op::Return { value: Some(Operand::Const(1)) });
    });
    let err = b.build().validate().expect_err("a property that stores");
    assert!(matches!(&err, ProgramError::BadProperty { property, .. } if property == "sneaky"), "{err}");
}

#[test]
fn bad_schedules_are_typed_errors() {
    let p = lost_update(Target::Armv7em, 1);
    let e = Schedule::parse("TIMER1@3", &p).expect_err("no such source");
    assert_eq!(
        e.to_string(),
        "schedule item 1 `TIMER1@3`: there is no event source `TIMER1` (this lesson has: TIMER0)"
    );
    assert!(matches!(Schedule::parse("TIMER0@x", &p), Err(ScheduleError::Syntax { .. })));
    assert!(matches!(Schedule::parse("core1@2", &p), Err(ScheduleError::NoSuchCore { .. })));
    let s = Schedule::parse(" TIMER0@c40, reorder@3 ,TIMER0@2", &p).expect("valid");
    assert_eq!(s.to_text(&p), "TIMER0@2,reorder@3,TIMER0@c40");
    assert_eq!(Schedule::parse(&s.to_text(&p), &p), Ok(s));
}

#[test]
fn division_by_zero_panics_like_rust() {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let x = b.scalar("DIVISOR", Ty::U32, LocationKind::Plain, 0);
    let f = b.function("f", 0, |f| {
        let t = f.local();
        f.load(t, x);
        f.op(Op::Binary { op: BinOp::Div, ty: Ty::U32, dst: t, lhs: Operand::Const(10), rhs: Operand::Local(t) });
        f.ret();
    });
    b.thread("main", 0, &[(f, 1)]);
    let p = b.build();
    let s = run(&p, "");
    assert!(s.outcomes().iter().any(|o| o.explain(&p).contains("attempt to divide by zero")));
}

/// A property may read a `critical_section::Mutex` through its token: the
/// critical section around the read leaves the machine as it was (a
/// property runs between two steps, indivisibly), so it is accepted and
/// evaluates the read. A write inside the section is still refused.
#[test]
fn a_property_may_read_inside_a_critical_section_but_not_write() {
    let build = |write: bool| {
        let mut b = ProgramBuilder::new(Target::Armv7em, 1);
        let count = b.scalar("COUNT", Ty::U32, LocationKind::Plain, 0);
        let bump = b.function("bump", 0, |f| {
            f.increment(count, Ty::U32).ret();
        });
        b.thread("main", 0, &[(bump, 2)]);
        b.property("counted twice", PropertyWhen::End, |f| {
            let (v, ok) = (f.local(), f.local());
            f.critical_section(|f| {
                f.load(v, count);
                if write {
                    f.store(count, Operand::Const(7));
                }
            });
            f.op(Op::Binary { op: BinOp::Eq, ty: Ty::U32, dst: ok, lhs: Operand::Local(v), rhs: Operand::Const(2) });
            f.op(Op::Return { value: Some(Operand::Local(ok)) });
        });
        b.build()
    };
    let reads = build(false);
    reads.validate().expect("a critical section around a read is allowed");
    let report = irqlab_sim::explore::Explorer::new(reads, Default::default()).expect("valid").run();
    let p = report.properties.iter().find(|p| p.name == "counted twice").expect("reported");
    assert_eq!(p.verdict, irqlab_sim::explore::Verdict::Holds, "{report:?}");
    let err = build(true).validate().expect_err("a property that stores");
    assert!(matches!(&err, ProgramError::BadProperty { property, .. } if property == "counted twice"), "{err}");
}
