//! irqlab's explorer side by side with loom, on the same two programs:
//! a lost update (load, add, store from two contexts) and a flag that
//! announces data with `Relaxed` instead of `Release`/`Acquire`.
//!
//! The models differ: loom runs *threads* that interleave freely at every
//! atomic or cell access; irqlab runs *main and a handler*, where the
//! handler, once entered, runs to completion unless a more urgent handler
//! preempts it, and main never runs in the middle of it. So irqlab has
//! fewer interleavings to try for the same code, and also knows things loom
//! does not (priorities, pending bits, PRIMASK). Both find both bugs.
//!
//! `cargo bench -p irqlab-sim --bench loom`: prints "VERDICT" lines with the
//! time to verdict of each tool, measured in the same run.

use std::panic;
use std::time::Instant;

#[path = "support/cpu.rs"]
mod cpu;

use criterion::{Criterion, criterion_group, criterion_main};
use irqlab_sim::build::ProgramBuilder;
use irqlab_sim::explore::{ExploreConfig, Explorer};
use irqlab_sim::*;

// ---- irqlab ---------------------------------------------------------------

fn irqlab_lost_update() -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let count = b.scalar("COUNT", Ty::U32, LocationKind::Atomic, 0);
    // COUNT.store(COUNT.load() + 1): atomic, but two steps (no data race).
    let inc = |f: &mut irqlab_sim::build::FnBuilder| {
        let t = f.local();
        f.op(Op::AtomicLoad { dst: t, place: Place::at(count), ordering: Ordering::Relaxed });
        f.add(Ty::U32, t, Operand::Local(t), Operand::Const(1));
        f.op(Op::AtomicStore { place: Place::at(count), src: Operand::Local(t), ordering: Ordering::Relaxed });
    };
    let main = b.function("main_inc", 0, |f| {
        inc(f);
        f.ret();
    });
    let h = b.function("on_timer", 0, |f| {
        inc(f);
        f.ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    let t = b.handler("TIMER0", 8, 1, h);
    b.source("TIMER0", Some(t), Trigger::Edge, 1);
    b.property("two increments count two", PropertyWhen::End, |f| {
        let (c, ok) = (f.local(), f.local());
        f.op(Op::AtomicLoad { dst: c, place: Place::at(count), ordering: Ordering::Relaxed });
        // With no arrival COUNT is 1; with one it must be 2: COUNT >= 1 + arrived.
        f.op(Op::Binary { op: BinOp::Ne, ty: Ty::U32, dst: ok, lhs: Operand::Local(c), rhs: Operand::Const(1) });
        f.op(Op::Return { value: Some(Operand::Local(ok)) });
    });
    b.build()
}

fn irqlab_flag_data() -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let data = b.scalar("DATA", Ty::U32, LocationKind::Plain, 0);
    let ready = b.scalar("READY", Ty::Bool, LocationKind::Atomic, 0);
    let main = b.function("publish", 0, |f| {
        f.store(data, Operand::Const(42));
        f.op(Op::AtomicStore { place: Place::at(ready), src: Operand::Const(1), ordering: Ordering::Relaxed });
        f.ret();
    });
    let h = b.function("on_timer", 0, |f| {
        let (r, d, ok) = (f.local(), f.local(), f.local());
        f.op(Op::AtomicLoad { dst: r, place: Place::at(ready), ordering: Ordering::Relaxed });
        let branch = f.here();
        f.op(Op::Nop { what: "branch".into() });
        f.load(d, data);
        f.op(Op::Binary { op: BinOp::Eq, ty: Ty::U32, dst: ok, lhs: Operand::Local(d), rhs: Operand::Const(42) });
        f.op(Op::Check { cond: Operand::Local(ok), kind: CheckKind::Assert, message: "assertion failed".into() });
        let end = f.here();
        f.ret();
        f.patch(branch, Op::Branch { cond: Operand::Local(r), then_target: branch + 1, else_target: end });
    });
    b.thread("main", 0, &[(main, 1)]);
    let t = b.handler("TIMER0", 8, 1, h);
    b.source("TIMER0", Some(t), Trigger::Edge, 1);
    b.build()
}

/// A proof: main does `n` `fetch_add(1)`s and each of `handlers` handlers
/// (priorities 1, 2, ...) does `n`, each handler arriving at most once; the
/// count is `n` plus `n` per handler run, on every schedule.
fn irqlab_counters(n: u32, handlers: u16) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let count = b.scalar("COUNT", Ty::U32, LocationKind::Atomic, 0);
    let adds = |f: &mut irqlab_sim::build::FnBuilder| {
        for _ in 0..n {
            f.atomic_add(count, 1, Ordering::Relaxed);
        }
        f.ret();
    };
    let main = b.function("main_adds", 0, adds);
    b.thread("main", 0, &[(main, 1)]);
    let mut sources = Vec::new();
    for i in 0..handlers {
        let body = b.function(&format!("on_irq{i}"), 0, adds);
        let name = format!("IRQ{i}");
        let h = b.handler(&name, i, 1 + i as u8, body);
        sources.push(b.source(&name, Some(h), Trigger::Edge, 1));
    }
    b.property("every add counts", PropertyWhen::End, |f| {
        let (c, expect, runs, ok) = (f.local(), f.local(), f.local(), f.local());
        f.op(Op::AtomicLoad { dst: c, place: Place::at(count), ordering: Ordering::Relaxed });
        f.op(Op::Move { dst: expect, src: Operand::Const(u64::from(n)) });
        for s in &sources {
            f.op(Op::EventCount { dst: runs, source: *s, count: EventCount::Handled });
            f.op(Op::Binary {
                op: BinOp::Mul,
                ty: Ty::U32,
                dst: runs,
                lhs: Operand::Local(runs),
                rhs: Operand::Const(u64::from(n)),
            });
            f.add(Ty::U32, expect, Operand::Local(expect), Operand::Local(runs));
        }
        f.op(Op::Binary { op: BinOp::Eq, ty: Ty::U32, dst: ok, lhs: Operand::Local(c), rhs: Operand::Local(expect) });
        f.op(Op::Return { value: Some(Operand::Local(ok)) });
    });
    b.build()
}

fn irqlab_verdict(p: &Program) -> bool {
    Explorer::new(p.clone(), ExploreConfig::default()).expect("valid").run().violated()
}

// ---- loom -----------------------------------------------------------------

fn loom_lost_update() {
    use loom::sync::Arc;
    use loom::sync::atomic::{AtomicU32, Ordering::Relaxed};
    loom::model(|| {
        let count = Arc::new(AtomicU32::new(0));
        let other = count.clone();
        let t = loom::thread::spawn(move || {
            let v = other.load(Relaxed);
            other.store(v + 1, Relaxed);
        });
        let v = count.load(Relaxed);
        count.store(v + 1, Relaxed);
        t.join().expect("thread");
        assert_eq!(count.load(Relaxed), 2);
    });
}

fn loom_flag_data() {
    use loom::sync::Arc;
    use loom::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};
    // The data is an atomic too (loom's UnsafeCell needs unsafe code to
    // read): with Relaxed on both, loom may still show the reader the old
    // value of DATA after it saw READY, which is the same bug.
    loom::model(|| {
        let data = Arc::new(AtomicU32::new(0));
        let ready = Arc::new(AtomicBool::new(false));
        let (d, r) = (data.clone(), ready.clone());
        let t = loom::thread::spawn(move || {
            if r.load(Relaxed) {
                assert_eq!(d.load(Relaxed), 42);
            }
        });
        data.store(42, Relaxed);
        ready.store(true, Relaxed);
        t.join().expect("thread");
    });
}

/// The same proof in loom: `threads` threads of `n` `fetch_add(1)`s each,
/// the count is their sum.
fn loom_counters(n: u32, threads: u32) {
    use loom::sync::Arc;
    use loom::sync::atomic::{AtomicU32, Ordering::Relaxed};
    loom::model(move || {
        let count = Arc::new(AtomicU32::new(0));
        let spawned: Vec<_> = (1..threads)
            .map(|_| {
                let c = count.clone();
                loom::thread::spawn(move || {
                    for _ in 0..n {
                        c.fetch_add(1, Relaxed);
                    }
                })
            })
            .collect();
        for _ in 0..n {
            count.fetch_add(1, Relaxed);
        }
        for t in spawned {
            t.join().expect("thread");
        }
        assert_eq!(count.load(Relaxed), n * threads);
    });
}

/// Whether the loom model finds a failure (it panics).
fn loom_verdict(model: fn()) -> bool {
    loom_verdict_with(model)
}

fn bench(c: &mut Criterion<cpu::ThreadCpu>) {
    let cases: [(&str, Program, fn()); 2] =
        [("lost_update", irqlab_lost_update(), loom_lost_update), ("flag_data", irqlab_flag_data(), loom_flag_data)];
    let mut g = c.benchmark_group("verdict");
    for (name, program, model) in &cases {
        let t = Instant::now();
        let irq = irqlab_verdict(program);
        let irq_time = t.elapsed();
        let t = Instant::now();
        let loom = loom_verdict(*model);
        let loom_time = t.elapsed();
        println!(
            "VERDICT {name}: irqlab violated={irq} in {:.3} ms; loom failed={loom} in {:.3} ms",
            irq_time.as_secs_f64() * 1e3,
            loom_time.as_secs_f64() * 1e3
        );
        g.bench_function(format!("irqlab/{name}"), |b| b.iter(|| irqlab_verdict(program)));
        g.bench_function(format!("loom/{name}"), |b| b.iter(|| loom_verdict(*model)));
    }
    // Proofs (nothing fails): the whole space must be searched by both.
    let proofs: [(u32, u16); 5] = [(4, 1), (6, 1), (8, 1), (2, 2), (3, 2)];
    for (n, handlers) in proofs {
        let name = format!("fetch_add_{}", vec![n.to_string(); usize::from(handlers) + 1].join("+"));
        let program = irqlab_counters(n, handlers);
        let t = Instant::now();
        let report = Explorer::new(program.clone(), ExploreConfig::default()).expect("valid").run();
        let irq_time = t.elapsed();
        assert!(report.complete && !report.violated(), "{name}: irqlab proves it");
        let threads = u32::from(handlers) + 1;
        let t = Instant::now();
        let loom = loom_verdict_with(|| loom_counters(n, threads));
        let loom_time = t.elapsed();
        assert!(!loom, "{name}: loom proves it");
        println!(
            "VERDICT {name}: irqlab proved in {:.3} ms; loom proved in {:.3} ms",
            irq_time.as_secs_f64() * 1e3,
            loom_time.as_secs_f64() * 1e3
        );
        g.bench_function(format!("irqlab/{name}"), |b| b.iter(|| irqlab_verdict(&program)));
        g.bench_function(format!("loom/{name}"), |b| b.iter(|| loom_verdict_with(|| loom_counters(n, threads))));
    }
    g.finish();
}

/// Like `loom_verdict`, for a model that captures its sizes.
fn loom_verdict_with(model: impl Fn() + panic::UnwindSafe) -> bool {
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let failed = panic::catch_unwind(model).is_err();
    panic::set_hook(hook);
    failed
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(cpu::ThreadCpu).sample_size(10);
    targets = bench
}
criterion_main!(benches);
