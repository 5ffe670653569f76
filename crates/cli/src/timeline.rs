//! The text timeline: one row per step, one lane per context. The lane of
//! the context that steps says what it did; the others show whether they are
//! preempted (`┆`), pending (`pending`), or not running. Marks: `▶ enter` for
//! exception entry (with `⇣ preempted` in the lane it interrupts), `◀ return`,
//! `↪ tail-chain`, and a mask column while PRIMASK or BASEPRI is set.

use irqlab_sim::{Event, NvicOp, Op, Outcome, Program, StepKind, StepRecord};

const LANE: usize = 30;

pub fn render(program: &Program, trace: &[StepRecord], code: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = String::new();
    let mut header = format!("{:>6} {:>7}  {:<8} ", "step", "cycle", "mask");
    for c in &program.contexts {
        header.push_str(&cell(&c.name));
    }
    header.push_str("code / events");
    out.push_str(header.trim_end());
    out.push('\n');
    // A long run shows its start and its end.
    let hidden = trace.len().saturating_sub(2 * SHOWN_EACH_END);
    for (i, rec) in trace.iter().enumerate() {
        if hidden == 0 || i < SHOWN_EACH_END || i >= trace.len() - SHOWN_EACH_END {
            out.push_str(&row(program, rec, &lines));
            out.push('\n');
        } else if i == SHOWN_EACH_END {
            out.push_str(&format!(
                "{:>6}  ⋮ {hidden} more steps (--json prints the first {})\n",
                "",
                crate::run::MAX_JSON_TRACE
            ));
        }
    }
    out
}

/// Rows shown at each end of a long run.
const SHOWN_EACH_END: usize = 500;

/// One step's row. The masks and pending bits are the step's register
/// snapshot (`StepRecord::registers`): the CLI only formats them.
fn row(program: &Program, rec: &StepRecord, lines: &[&str]) -> String {
    let mut notes = Vec::new();
    let mut tail_to = None;
    for e in &rec.events {
        match e {
            Event::Arrival { source, merged } => {
                let name = program.sources.get(source.0 as usize).map_or("?", |s| s.name.as_str());
                notes.push(if *merged {
                    format!("{name} event arrives (already pending: merged)")
                } else {
                    format!("{name} event arrives")
                });
            }
            Event::DmaStarted { source, buffer, len } => {
                let name = program.sources.get(source.0 as usize).map_or("?", |s| s.name.as_str());
                let buf = program.locations.get(buffer.0 as usize).map_or("?", |l| l.static_name.as_str());
                notes.push(format!("{name} DMA owns {buf} ({len} bytes)"));
            }
            Event::DmaWrote { source, location, value, last } => {
                let name = program.sources.get(source.0 as usize).map_or("?", |s| s.name.as_str());
                notes.push(format!(
                    "{name} DMA writes {} ← {value}{}",
                    loc_name(program, *location),
                    if *last { ": transfer done, event raised" } else { "" }
                ));
            }
            Event::Pended { .. } | Event::Unpended { .. } | Event::Primask { .. } | Event::Basepri { .. } => {}
            Event::Entered { context, late_arrival_over, .. } => {
                if let Some(over) = late_arrival_over {
                    notes.push(format!(
                        "late arrival: {} taken over {}",
                        name(program, context.0),
                        name(program, over.0)
                    ));
                }
            }
            Event::TailChain { to, .. } => tail_to = Some(to.0),
            Event::Flag { source, set: on } => {
                let name = program.sources.get(source.0 as usize).map_or("?", |s| s.name.as_str());
                notes.push(format!("{name} flag {}", if *on { "set" } else { "cleared" }));
            }
            Event::Outcome(o) => notes.push(format!("!! {}", o.label())),
            Event::Reordered { moved, over } => {
                notes.push(format!("compiler reordering: line {} runs before line {}", moved.line, over.line))
            }
            Event::NvicEnabled { context, enabled } => {
                notes.push(format!("{} {}", name(program, context.0), if *enabled { "unmasked" } else { "masked" }))
            }
            Event::NvicPriority { context, priority } => {
                notes.push(format!("{} priority {priority}", name(program, context.0)))
            }
            Event::Spinlock { lock, held_by } => notes.push(match held_by {
                Some(c) => format!("spinlock {lock} taken by {}", name(program, c.0)),
                None => format!("spinlock {lock} released"),
            }),
            Event::ThreadDone { context } => notes.push(format!("{} finished", name(program, context.0))),
            Event::Wfe { event_was_set: true, .. } => notes.push("WFE: event register was set, no sleep".into()),
            Event::Wfe { returned_early: true, .. } => notes.push("WFE returns at once (no event)".into()),
            Event::Wfe { .. } => notes.push("WFE: sleeps until an event".into()),
            Event::Sev { .. } => notes.push("SEV: event registers set".into()),
            Event::Exited { .. } => {}
        }
    }
    let registers = rec.registers.cores.get(rec.core as usize);
    let mask = match registers {
        Some(r) if r.primask => "PRIMASK".to_string(),
        Some(r) if r.basepri > 0 => format!("BASEPRI={}", r.basepri),
        _ => String::new(),
    };
    let mut text = format!("{:>6} {:>7}  {:<8} ", rec.index, rec.cycle, mask);
    let preempted = match rec.kind {
        StepKind::Stacking { .. } => rec.stack.last().copied(),
        _ => None,
    };
    for (i, c) in program.contexts.iter().enumerate() {
        let id = irqlab_sim::ContextId(i as u16);
        let content = if id == rec.context && c.core == rec.core {
            action(program, rec, tail_to)
        } else if Some(id) == preempted {
            "⇣ preempted".to_string()
        } else if rec.stack.contains(&id) && c.core == rec.core {
            "┆".to_string()
        } else if rec.registers.exceptions.get(i).is_some_and(|e| e.pending) {
            "pending".to_string()
        } else {
            String::new()
        };
        text.push_str(&cell(&content));
    }
    if let (StepKind::Instr { .. }, Some(span)) = (&rec.kind, &rec.span)
        && let Some(line) = lines.get(span.line as usize - 1)
    {
        let snippet: String = line
            .chars()
            .skip(span.col_start as usize - 1)
            .take(span.col_end.saturating_sub(span.col_start) as usize)
            .collect();
        notes.insert(0, snippet.trim().to_string());
    }
    text.push_str(&notes.join("; "));
    text.trim_end().to_string()
}

fn name(program: &Program, context: u16) -> String {
    program.contexts.get(context as usize).map_or_else(|| format!("#{context}"), |c| c.name.clone())
}

/// A lane cell: padded, or cut with an ellipsis.
fn cell(text: &str) -> String {
    let n = text.chars().count();
    if n < LANE {
        format!("{text}{}", " ".repeat(LANE - n))
    } else {
        let cut: String = text.chars().take(LANE - 2).collect();
        format!("{cut}… ")
    }
}

/// What the stepping context did, in a few words.
fn action(program: &Program, rec: &StepRecord, tail_to: Option<u16>) -> String {
    match &rec.kind {
        StepKind::Stacking { .. } => format!("▶ enter ({} cycles)", rec.cycles),
        StepKind::Return { tail_chain: true } => {
            format!("↪ tail-chain to {}", tail_to.map_or_else(|| "?".to_string(), |c| name(program, c)))
        }
        StepKind::Return { tail_chain: false } => format!("◀ return ({} cycles)", rec.cycles),
        StepKind::Sleep => "zz sleep".to_string(),
        StepKind::Spin => {
            let line = rec.span.as_ref().map_or(String::new(), |s| format!("{:>3}│ ", s.line));
            format!("{line}↻ spin")
        }
        StepKind::Instr { func, pc } => {
            let op = program.functions.get(func.0 as usize).and_then(|f| f.body.get(*pc as usize));
            let line = rec.span.as_ref().map_or(0, |s| s.line);
            let what = op.map_or_else(String::new, |i| describe(program, &i.op, rec));
            format!("{line:>3}│ {what}")
        }
    }
}

fn loc_name(program: &Program, loc: irqlab_sim::Location) -> &str {
    program.locations.get(loc.0 as usize).map_or("?", |l| l.name.as_str())
}

fn value(program: &Program, loc: irqlab_sim::Location, v: u64) -> String {
    program.locations.get(loc.0 as usize).map_or_else(|| v.to_string(), |l| l.ty.display(v))
}

fn describe(program: &Program, op: &Op, rec: &StepRecord) -> String {
    let read = rec
        .reads
        .first()
        .map(|r| format!("{} → {}", loc_name(program, r.location), value(program, r.location, r.value)));
    let write = rec
        .writes
        .first()
        .map(|w| format!("{} ← {}", loc_name(program, w.location), value(program, w.location, w.new)));
    let source =
        |s: &irqlab_sim::SourceId| program.sources.get(s.0 as usize).map_or("?", |x| x.name.as_str()).to_string();
    match op {
        Op::Load { .. } | Op::AtomicLoad { .. } => format!("load {}", read.unwrap_or_default()),
        Op::Store { .. } | Op::AtomicStore { .. } => format!("store {}", write.unwrap_or_default()),
        Op::AtomicRmw { op, .. } => match (rec.reads.first(), rec.writes.first()) {
            (Some(r), Some(w)) => format!(
                "{} {} {} → {}",
                op.method(),
                loc_name(program, r.location),
                value(program, r.location, r.value),
                value(program, w.location, w.new)
            ),
            _ => op.method().to_string(),
        },
        Op::CompareExchange { .. } => match rec.writes.first() {
            Some(w) => format!("cas {} ok, ← {}", loc_name(program, w.location), value(program, w.location, w.new)),
            None => format!("cas failed ({})", read.unwrap_or_default()),
        },
        Op::Binary { op, .. } => format!("compute {}", op.symbol()),
        Op::Unary { .. } | Op::Move { .. } => "compute".to_string(),
        Op::Branch { .. } => "branch".to_string(),
        Op::Jump { .. } => "jump".to_string(),
        Op::Call { func, .. } => {
            format!("call {}()", program.functions.get(func.0 as usize).map_or("?", |f| f.name.as_str()))
        }
        Op::Return { .. } => "return".to_string(),
        Op::Check { .. } => "check".to_string(),
        Op::ReadPrimask { .. } => "save PRIMASK".to_string(),
        Op::DisableInterrupts => "disable interrupts".to_string(),
        Op::EnableInterrupts => "enable interrupts".to_string(),
        Op::RestorePrimask { .. } => "restore PRIMASK".to_string(),
        Op::WriteBasepri { .. } => "write BASEPRI".to_string(),
        Op::ReadBasepri { .. } => "read BASEPRI".to_string(),
        Op::Nvic { op, irq } => {
            let what = match op {
                NvicOp::Enable => "unmask",
                NvicOp::Disable => "mask",
                NvicOp::Pend => "pend",
                NvicOp::Unpend => "unpend",
            };
            format!("NVIC {what} {}", name(program, irq.0))
        }
        Op::NvicSetPriority { irq, .. } => format!("NVIC priority of {}", name(program, irq.0)),
        Op::ClearEvent { source: s } => format!("clear {} event", source(s)),
        Op::ReadEvent { source: s, .. } => format!("read {} event flag", source(s)),
        Op::DmaStart { source: s, buffer, len } => {
            let buf = program.locations.get(buffer.0 as usize).map_or("?", |l| l.static_name.as_str());
            format!("start {} DMA into {buf} ({len} bytes)", source(s))
        }
        Op::SpinlockAcquire { lock, .. } => format!("take spinlock {lock}"),
        Op::SpinlockRelease { lock, .. } => format!("release spinlock {lock}"),
        Op::BorrowRefCell { flag, mutable } => {
            let what = if *mutable { "borrow_mut" } else { "borrow" };
            let name = program.locations.get(flag.base.0 as usize).map_or("?", |l| l.static_name.as_str());
            format!("{what} {name}")
        }
        Op::ReleaseRefCell { flag, .. } => {
            let name = program.locations.get(flag.base.0 as usize).map_or("?", |l| l.static_name.as_str());
            format!("drop {name} borrow")
        }
        Op::Fence { ordering, compiler_only } => {
            format!("{}({ordering:?})", if *compiler_only { "compiler_fence" } else { "fence" })
        }
        Op::Wfi => "wfi".to_string(),
        Op::Wfe => "wfe".to_string(),
        Op::Sev => "sev".to_string(),
        Op::EventCount { count, .. } => format!("read {}", count.name()),
        Op::StackBytes { .. } => "read the stack depth".to_string(),
        Op::Busy { cycles } => format!("busy ({cycles} cycles)"),
        Op::Nop { what } => what.clone(),
    }
}

/// The statics after the run, one a line.
pub fn final_state(program: &Program, memory: &[u64]) -> Vec<(String, String)> {
    program
        .locations
        .iter()
        .zip(memory)
        .map(|(l, v)| {
            let shown = match l.kind {
                irqlab_sim::LocationKind::OptionTag => if *v == 0 { "None" } else { "Some" }.to_string(),
                irqlab_sim::LocationKind::BorrowFlag => match l.ty.value(*v) {
                    0 => "not borrowed".to_string(),
                    -1 => "borrowed mutably".to_string(),
                    n => format!("borrowed {n} times"),
                },
                _ => l.ty.display(*v),
            };
            (l.name.clone(), shown)
        })
        .collect()
}

/// Whether an outcome means the code did something wrong (sim's one
/// definition, `Outcome::severity`).
pub fn is_failure(o: &Outcome) -> bool {
    o.severity() == irqlab_sim::outcome::Severity::Failure
}
