//! Helpers shared by the front end's tests: a one-context setup, running a
//! compiled program, and a compact listing of its instructions.

#![allow(dead_code)]

use irqlab_lang::{CallSetup, Compiled, ContextSetup, ContextSetupKind, Named, Setup, SourceSetup, compile};
use irqlab_sim::{Bounds, Op, Outcome, Program, Schedule, Session, Span, Target, Trigger};

fn named(name: &str) -> Named {
    Named::new(name, Span::new("lesson.toml", 1, 1, 2))
}

/// Main runs `main_loop` once; `TIMER0` (priority 1) runs `on_timer` if the
/// code defines it.
pub fn setup(target: &str, cores: u8, code: &str) -> Setup {
    let mut contexts = vec![ContextSetup {
        name: named("main"),
        core: 0,
        kind: ContextSetupKind::Thread {
            calls: vec![CallSetup { func: named("main_loop"), times: 1 }],
            forever: false,
        },
    }];
    if cores == 2 {
        contexts.push(ContextSetup {
            name: named("core1"),
            core: 1,
            kind: ContextSetupKind::Thread {
                calls: vec![CallSetup { func: named("core1_loop"), times: 1 }],
                forever: false,
            },
        });
    }
    let mut sources = Vec::new();
    if code.contains("fn on_timer") {
        contexts.push(ContextSetup {
            name: named("TIMER0"),
            core: 0,
            kind: ContextSetupKind::Handler {
                interrupt: named("TIMER0"),
                priority: 1,
                func: named("on_timer"),
                enabled: true,
            },
        });
        sources.push(SourceSetup {
            interrupt: named("TIMER0"),
            trigger: Trigger::Edge,
            max_arrivals: 1,
            ends_before: None,
            dma_bytes: None,
        });
    }
    Setup {
        target_triple: target.to_string(),
        target: Target::from_triple(target).expect("known target"),
        cores,
        contexts,
        sources,
        properties: Vec::new(),
    }
}

pub fn compile_v7(code: &str) -> Compiled {
    compile(&setup("thumbv7em-none-eabihf", 1, code), code, "lesson.rs")
}

/// Every diagnostic, rendered as rustc would print it (with irqlab's advice).
pub fn diagnostics(compiled: &Compiled, code: &str) -> String {
    compiled.diagnostics.iter().map(|d| d.render(code)).collect()
}

pub fn program(code: &str) -> Program {
    let compiled = compile_v7(code);
    match compiled.program {
        Some(p) => p,
        None => panic!("does not compile:\n{}", diagnostics(&compiled, code)),
    }
}

/// Runs main (and TIMER0 at the given steps); returns `NAME=value` for each
/// static cell and the outcome labels.
pub fn run_with(code: &str, schedule: &str) -> (String, Vec<String>) {
    let p = program(code);
    let schedule = Schedule::parse(schedule, &p).expect("schedule");
    let mut s = Session::new(p.clone(), schedule, Bounds { max_steps: 5_000, ..Bounds::default() }).expect("valid");
    let summary = s.run_to_end();
    let state = p
        .locations
        .iter()
        .zip(s.machine().memory())
        .map(|(l, v)| format!("{}={}", l.name, l.ty.display(*v)))
        .collect::<Vec<_>>()
        .join(" ");
    let outcomes = summary.outcomes.iter().map(|o: &Outcome| format!("{}: {}", o.label(), o.explain(&p))).collect();
    (state, outcomes)
}

pub fn run(code: &str) -> (String, Vec<String>) {
    run_with(code, "")
}

/// One line per instruction of function `name`: what it does, in short.
pub fn listing(p: &Program, name: &str) -> String {
    let f = p.functions.iter().find(|f| f.name == name).expect("function");
    let loc = |l: &irqlab_sim::Place| {
        let base = &p.locations[l.base.0 as usize].name;
        match l.index {
            Some(_) => format!("{base}[i]"),
            None => base.clone(),
        }
    };
    let mut out = String::new();
    for (i, instr) in f.body.iter().enumerate() {
        let text = match &instr.op {
            Op::Load { place, access, .. } => format!("load {} {access:?}", loc(place)),
            Op::Store { place, access, .. } => format!("store {} {access:?}", loc(place)),
            Op::AtomicLoad { place, ordering, .. } => format!("atomic load {} {ordering:?}", loc(place)),
            Op::AtomicStore { place, ordering, .. } => format!("atomic store {} {ordering:?}", loc(place)),
            Op::AtomicRmw { op, place, ordering, .. } => format!("{} {} {ordering:?}", op.method(), loc(place)),
            Op::CompareExchange { place, weak, .. } => {
                format!("compare_exchange{} {}", if *weak { "_weak" } else { "" }, loc(place))
            }
            Op::Binary { op, ty, .. } => format!("{} {}", op.symbol(), ty.name()),
            Op::Unary { op, ty, .. } => format!("{op:?} {}", ty.name()),
            Op::Move { .. } => "move".to_string(),
            Op::Branch { then_target, else_target, .. } => format!("branch {then_target} {else_target}"),
            Op::Jump { target } => format!("jump {target}"),
            Op::Call { func, .. } => format!("call {}", p.functions[func.0 as usize].name),
            Op::Return { value } => format!("return{}", if value.is_some() { " value" } else { "" }),
            Op::Check { message, .. } => format!("check \"{message}\""),
            Op::BorrowRefCell { flag, mutable } => {
                format!("borrow{} {}", if *mutable { "_mut" } else { "" }, loc(flag))
            }
            Op::ReleaseRefCell { flag, .. } => format!("release {}", loc(flag)),
            other => format!("{other:?}"),
        };
        out.push_str(&format!("{i}: {text} @{}\n", instr.span.line));
    }
    out
}
