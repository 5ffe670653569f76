//! Helpers shared by the rule tests.
#![allow(dead_code)]

use irqlab_sim::build::ProgramBuilder;
use irqlab_sim::trace::StepRecord;
use irqlab_sim::*;

pub fn session(program: &Program, schedule: &str) -> Session {
    let schedule = Schedule::parse(schedule, program).expect("test schedules are well-formed");
    Session::new(program.clone(), schedule, Bounds::default()).expect("test programs are valid")
}

pub fn run(program: &Program, schedule: &str) -> Session {
    let mut s = session(program, schedule);
    s.run_to_end();
    s
}

pub fn value(s: &Session, name: &str) -> i128 {
    let p = s.program();
    let loc = p.location_named(name).unwrap_or_else(|| panic!("no location {name}"));
    p.location(loc).ty.value(s.machine().value(loc))
}

/// The index of the first step of a schedule-free run matching `pred`, so a
/// test can place an arrival "just after" it without counting steps by hand.
pub fn first_step(program: &Program, pred: impl Fn(&Program, &StepRecord) -> bool) -> u64 {
    let mut s = session(program, "");
    s.run_to_end();
    s.trace().iter().find(|r| pred(program, r)).map(|r| r.index).expect("the step exists")
}

/// Like `first_step`, under a schedule.
pub fn step_where(program: &Program, schedule: &str, pred: impl Fn(&Program, &StepRecord) -> bool) -> u64 {
    let s = run(program, schedule);
    s.trace().iter().find(|r| pred(program, r)).map(|r| r.index).expect("the step exists")
}

pub fn context(p: &Program, name: &str) -> ContextId {
    p.context_named(name).expect("context exists")
}

/// Whether the step is the instruction of `ctx` at `pc` in its function.
pub fn is_instr(p: &Program, r: &StepRecord, ctx: &str, pc: u32) -> bool {
    r.context == context(p, ctx) && matches!(&r.kind, StepKind::Instr { pc: at, .. } if *at == pc)
}

pub fn entered(s: &Session) -> Vec<String> {
    let p = s.program();
    s.trace()
        .iter()
        .flat_map(|r| r.events.iter())
        .filter_map(|e| match e {
            Event::Entered { context, .. } => Some(p.context(*context).name.clone()),
            _ => None,
        })
        .collect()
}

pub fn has_outcome(s: &Session, label: &str) -> bool {
    s.outcomes().iter().any(|o| o.label() == label)
}

/// main runs `foreground` (COUNT += 1) `times` times; TIMER0 (priority 1)
/// runs `on_timer` (TICKS += 1 atomically, COUNT += 1).
pub fn lost_update(target: Target, times: u32) -> Program {
    let mut b = ProgramBuilder::new(target, 1);
    let count = b.scalar("COUNT", Ty::U32, LocationKind::Plain, 0);
    let ticks = b.scalar("TICKS", Ty::U32, LocationKind::Atomic, 0);
    let fg = b.function("foreground", 0, |f| {
        f.increment(count, Ty::U32).ret();
    });
    let on_timer = b.function("on_timer", 0, |f| {
        let t = f.local();
        f.op(Op::AtomicLoad { dst: t, place: Place::at(ticks), ordering: Ordering::Relaxed });
        f.op(Op::Binary { op: BinOp::Add, ty: Ty::U32, dst: t, lhs: Operand::Local(t), rhs: Operand::Const(1) });
        f.op(Op::AtomicStore { place: Place::at(ticks), src: Operand::Local(t), ordering: Ordering::Relaxed });
        f.increment(count, Ty::U32).ret();
    });
    b.thread("main", 0, &[(fg, times)]);
    let h = b.handler("TIMER0", 8, 1, on_timer);
    b.source("TIMER0", Some(h), Trigger::Edge, 1);
    b.property("no count is lost", PropertyWhen::End, |f| {
        let (c, t, e) = (f.local(), f.local(), f.local());
        f.load(c, count);
        f.op(Op::AtomicLoad { dst: t, place: Place::at(ticks), ordering: Ordering::Relaxed });
        f.add(Ty::U32, t, Operand::Local(t), Operand::Const(u64::from(times)));
        f.op(Op::Binary { op: BinOp::Eq, ty: Ty::U32, dst: e, lhs: Operand::Local(c), rhs: Operand::Local(t) });
        f.op(Op::Return { value: Some(Operand::Local(e)) });
    });
    b.build()
}

/// Two cores each incrementing COUNT `n` times inside a critical section,
/// with or without the RP2040 spinlock; with `timer`, TIMER0 (priority 1,
/// on core 0, one arrival) increments it the same way.
pub fn two_core_counter(spinlock: bool, n: u32, timer: bool) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv6m, 2);
    let count = b.scalar("COUNT", Ty::U32, LocationKind::Plain, 0);
    let inc = b.function("increment", 0, |f| {
        let saved = f.local();
        let token = f.local();
        f.op(Op::ReadPrimask { dst: saved });
        f.op(Op::DisableInterrupts);
        if spinlock {
            f.op(Op::SpinlockAcquire { lock: 31, token });
        }
        f.increment(count, Ty::U32);
        if spinlock {
            f.op(Op::SpinlockRelease { lock: 31, token: Operand::Local(token) });
        }
        f.op(Op::RestorePrimask { saved: Operand::Local(saved) });
        f.ret();
    });
    b.thread("core0", 0, &[(inc, n)]);
    b.thread("core1", 1, &[(inc, n)]);
    if timer {
        let h = b.handler("TIMER0", 8, 1, inc);
        b.source("TIMER0", Some(h), Trigger::Edge, 1);
    }
    b.build()
}
