//! Raw stepping speed: a long straight-line program, and an interrupt-heavy
//! one (a timer every few steps, preempting main's read-modify-writes).
//! `cargo bench -p irqlab-sim --bench step`; results go to BENCHMARKS.md.

#[path = "support/cpu.rs"]
mod cpu;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use irqlab_sim::build::ProgramBuilder;
use irqlab_sim::*;

const STRAIGHT: u32 = 10_000;

fn straight_line() -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let x = b.scalar("X", Ty::U32, LocationKind::Plain, 0);
    let f = b.function("straight", 0, |f| {
        let t = f.local();
        for i in 0..STRAIGHT {
            match i % 4 {
                0 => f.load(t, x),
                3 => f.store(x, Operand::Local(t)),
                _ => f.add(Ty::U32, t, Operand::Local(t), Operand::Const(3)),
            };
        }
        f.ret();
    });
    b.thread("main", 0, &[(f, 1)]);
    b.build()
}

fn interrupt_heavy(arrivals: u32) -> (Program, Vec<Vec<SourceId>>) {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let count = b.scalar("COUNT", Ty::U32, LocationKind::Plain, 0);
    let ticks = b.scalar("TICKS", Ty::U32, LocationKind::Atomic, 0);
    let fg = b.function("foreground", 0, |f| {
        f.critical_section(|f| {
            f.increment(count, Ty::U32);
        });
        f.ret();
    });
    let tick = b.function("on_timer", 0, |f| {
        f.atomic_add(ticks, 1, Ordering::Relaxed).ret();
    });
    b.thread("main", 0, &[(fg, arrivals * 2)]);
    let h = b.handler("TIMER0", 8, 1, tick);
    let s = b.source("TIMER0", Some(h), Trigger::Edge, arrivals);
    // An arrival every 7 steps.
    let plan = (0..arrivals * 14).map(|i| if i % 7 == 0 { vec![s] } else { vec![] }).collect();
    (b.build(), plan)
}

fn run_machine(p: &Program, plan: &[Vec<SourceId>], record: bool) -> u64 {
    let mut m = Machine::new(p, Bounds { max_steps: u64::MAX, ..Bounds::default() });
    let mut steps = 0u64;
    let empty = Choice::default();
    loop {
        let choice = match plan.get(steps as usize) {
            Some(a) if !a.is_empty() => Choice { arrivals: a.clone(), ..Choice::default() },
            _ => empty.clone(),
        };
        if m.step(p, &choice, record).is_none() {
            break;
        }
        steps += 1;
        if m.is_idle(p) {
            m.finish(p);
        }
    }
    steps
}

fn bench(c: &mut Criterion<cpu::ThreadCpu>) {
    let p = straight_line();
    p.validate().expect("valid");
    let steps = run_machine(&p, &[], false);
    let mut g = c.benchmark_group("step");
    g.throughput(Throughput::Elements(steps));
    g.bench_function("straight_line", |b| b.iter(|| run_machine(&p, &[], false)));
    g.bench_function("straight_line_traced", |b| b.iter(|| run_machine(&p, &[], true)));
    let (p, plan) = interrupt_heavy(500);
    p.validate().expect("valid");
    let steps = run_machine(&p, &plan, false);
    g.throughput(Throughput::Elements(steps));
    g.bench_function("interrupt_heavy", |b| b.iter(|| run_machine(&p, &plan, false)));
    g.bench_function("interrupt_heavy_traced", |b| b.iter(|| run_machine(&p, &plan, true)));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(cpu::ThreadCpu);
    targets = bench
}
criterion_main!(benches);
