//! The explorer's speed and pruning: scaling cases built by hand (a shared
//! counter with 1..6 handlers at mixed priorities and 1..4 arrivals each; an
//! SPSC ring buffer with 2..16 slots) and every lesson of the curriculum.
//! `cargo bench -p irqlab-sim --bench explore`. Each case also prints one line of figures (states per
//! CPU-second, pruning ratio) for BENCHMARKS.md.

use cpu_time::ThreadTime;

#[path = "support/cpu.rs"]
mod cpu;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use irqlab_sim::build::ProgramBuilder;
use irqlab_sim::explore::{ExploreConfig, Explorer, Report};
use irqlab_sim::*;

/// main increments COUNT twice inside a critical section; handler i (of n)
/// increments it without one, at priority 1 + i % 3, so the less urgent
/// handlers can lose updates to the more urgent ones.
fn counter(handlers: u16, arrivals: u32) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let count = b.scalar("COUNT", Ty::U32, LocationKind::Plain, 0);
    let fg = b.function("foreground", 0, |f| {
        f.critical_section(|f| {
            f.increment(count, Ty::U32);
        });
        f.ret();
    });
    b.thread("main", 0, &[(fg, 2)]);
    for i in 0..handlers {
        let name = format!("IRQ{i}");
        let body = b.function(&format!("on_irq{i}"), 0, |f| {
            f.increment(count, Ty::U32).ret();
        });
        let h = b.handler(&name, i, 1 + (i % 3) as u8, body);
        b.source(&name, Some(h), Trigger::Edge, arrivals);
    }
    b.build()
}

/// An SPSC ring buffer: the ADC handler produces, main consumes and checks
/// that it reads what was written.
fn ring_buffer(slots: u32) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let init: Vec<i128> = vec![0; slots as usize];
    let buf = b.array("BUF", Ty::U32, LocationKind::Plain, &init);
    let head = b.scalar("HEAD", Ty::U32, LocationKind::Atomic, 0);
    let tail = b.scalar("TAIL", Ty::U32, LocationKind::Atomic, 0);
    let dropped = b.scalar("DROPPED", Ty::U32, LocationKind::Atomic, 0);
    let n = u64::from(slots);
    let slot = |i: Local| Place { base: buf, index: Some(Index { index: Operand::Local(i), len: slots, stride: 1 }) };
    let produce = b.function("on_sample", 0, |f| {
        let (h, t, used, full, i) = (f.local(), f.local(), f.local(), f.local(), f.local());
        f.op(Op::AtomicLoad { dst: h, place: Place::at(head), ordering: Ordering::Relaxed });
        f.op(Op::AtomicLoad { dst: t, place: Place::at(tail), ordering: Ordering::Acquire });
        f.op(Op::Binary { op: BinOp::Sub, ty: Ty::U32, dst: used, lhs: Operand::Local(h), rhs: Operand::Local(t) });
        f.op(Op::Binary { op: BinOp::Eq, ty: Ty::U32, dst: full, lhs: Operand::Local(used), rhs: Operand::Const(n) });
        let branch = f.here();
        f.op(Op::Nop { what: "branch".into() });
        // Not full: write the slot, then publish it.
        f.op(Op::Binary { op: BinOp::Rem, ty: Ty::U32, dst: i, lhs: Operand::Local(h), rhs: Operand::Const(n) });
        f.op(Op::Store { place: slot(i), src: Operand::Local(h), access: Access::Plain });
        f.add(Ty::U32, h, Operand::Local(h), Operand::Const(1));
        f.op(Op::AtomicStore { place: Place::at(head), src: Operand::Local(h), ordering: Ordering::Release });
        f.ret();
        let full_at = f.here();
        f.atomic_add(dropped, 1, Ordering::Relaxed).ret();
        f.patch(branch, Op::Branch { cond: Operand::Local(full), then_target: full_at, else_target: branch + 1 });
    });
    let consume = b.function("consume", 0, |f| {
        let (t, h, empty, i, v, ok) = (f.local(), f.local(), f.local(), f.local(), f.local(), f.local());
        f.op(Op::AtomicLoad { dst: t, place: Place::at(tail), ordering: Ordering::Relaxed });
        f.op(Op::AtomicLoad { dst: h, place: Place::at(head), ordering: Ordering::Acquire });
        f.op(Op::Binary { op: BinOp::Eq, ty: Ty::U32, dst: empty, lhs: Operand::Local(t), rhs: Operand::Local(h) });
        let branch = f.here();
        f.op(Op::Nop { what: "branch".into() });
        f.op(Op::Binary { op: BinOp::Rem, ty: Ty::U32, dst: i, lhs: Operand::Local(t), rhs: Operand::Const(n) });
        f.op(Op::Load { dst: v, place: slot(i), access: Access::Plain });
        f.op(Op::Binary { op: BinOp::Eq, ty: Ty::U32, dst: ok, lhs: Operand::Local(v), rhs: Operand::Local(t) });
        f.op(Op::Check {
            cond: Operand::Local(ok),
            kind: CheckKind::Assert,
            message: "assertion failed: v == t".into(),
        });
        f.add(Ty::U32, t, Operand::Local(t), Operand::Const(1));
        f.op(Op::AtomicStore { place: Place::at(tail), src: Operand::Local(t), ordering: Ordering::Release });
        let end = f.here();
        f.ret();
        f.patch(branch, Op::Branch { cond: Operand::Local(empty), then_target: end, else_target: branch + 1 });
    });
    b.thread("main", 0, &[(consume, slots + 2)]);
    let h = b.handler("SAADC", 7, 1, produce);
    b.source("SAADC", Some(h), Trigger::Edge, slots + 1);
    b.build()
}

/// The bench's state bound: large enough for every lesson and the smaller
/// scaling cases, small enough that the largest ones stop (and say so) in
/// seconds.
const MAX_STATES: u64 = 500_000;

fn check(p: &Program) -> Report {
    Explorer::new(p.clone(), ExploreConfig { max_states: MAX_STATES, ..ExploreConfig::default() }).expect("valid").run()
}

/// One line of figures per case, measured outside criterion: the median CPU
/// time of this thread over up to 5 runs (as many as fit in about a second,
/// at least one), so another process's load does not count.
fn figures(name: &str, p: &Program) {
    let mut times = Vec::new();
    let mut report = None;
    while times.len() < 5 && (times.is_empty() || times.iter().sum::<f64>() < 1.0) {
        let start = ThreadTime::now();
        report = Some(check(p));
        times.push(start.elapsed().as_secs_f64());
    }
    let r = report.expect("measured at least once");
    times.sort_by(f64::total_cmp);
    let secs = times[times.len() / 2];
    println!(
        "FIGURES {name}: {} states ({} revisited), {} schedules, naive {:.3e}, pruning {:.1}x, {:.2} ms, {:.2} M states/s, complete {}, median of {}",
        r.states,
        r.revisited,
        r.schedules,
        r.naive_schedules,
        r.pruning_ratio(),
        secs * 1e3,
        r.states as f64 / secs / 1e6,
        r.complete,
        times.len()
    );
}

/// Every built-in lesson's scenario and solution, compiled by the front end.
fn lessons() -> Vec<(String, Program)> {
    let mut out = Vec::new();
    for lesson in irqlab_lessons::builtin() {
        for (file, code) in [("scenario", &lesson.scenario), ("solution", &lesson.solution)] {
            if let Some(p) = lesson.compile(code, &format!("{file}.rs")).program {
                out.push((format!("{}/{file}", lesson.id), p));
            }
        }
    }
    out
}

fn bench(c: &mut Criterion<cpu::ThreadCpu>) {
    let mut g = c.benchmark_group("explore");
    g.sample_size(10);
    let lessons = lessons();
    let start = ThreadTime::now();
    let states: u64 = lessons.iter().map(|(_, p)| check(p).states).sum();
    println!(
        "FIGURES curriculum: {} programs, {states} states, {:.2} ms CPU for all",
        lessons.len(),
        start.elapsed().as_secs_f64() * 1e3
    );
    g.bench_function("curriculum", |b| b.iter(|| lessons.iter().map(|(_, p)| check(p).states).sum::<u64>()));
    for (name, p) in &lessons {
        figures(&format!("lesson/{name}"), p);
        g.bench_with_input(BenchmarkId::new("lesson", name), p, |b, p| b.iter(|| check(p)));
    }
    // Scaling: FIGURES for each; criterion medians for the
    // cases small enough to repeat.
    for handlers in 1..=6u16 {
        for arrivals in 1..=4u32 {
            let p = counter(handlers, arrivals);
            figures(&format!("counter/{handlers}h_{arrivals}a"), &p);
            if u32::from(handlers) * arrivals <= 4 {
                g.bench_with_input(BenchmarkId::new("counter", format!("{handlers}h_{arrivals}a")), &p, |b, p| {
                    b.iter(|| check(p))
                });
            }
        }
    }
    for slots in [2u32, 4, 8, 16] {
        let p = ring_buffer(slots);
        figures(&format!("ring_buffer/{slots}"), &p);
        if slots <= 4 {
            g.bench_with_input(BenchmarkId::new("ring_buffer", slots), &p, |b, p| b.iter(|| check(p)));
        }
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(cpu::ThreadCpu);
    targets = bench
}
criterion_main!(benches);
