//! A counterexample told step by step: the steps of a failing run that
//! decide the failure, in order, each with who ran it and what it moved.
//! Kept are the accesses to what the failure is about (the statics the
//! broken property reads, the static of a data race, else every static two
//! contexts share), every arrival, handler entry and return, and every
//! compiler reordering taken. A store that overwrites what another context
//! stored after this one read the location (a lost update) says so.
//! `irqlab check` prints it under each counterexample; the web page shows
//! it beside the replay.

use serde::{Deserialize, Serialize};

use crate::outcome::Outcome;
use crate::program::{ContextId, Location, Op, Program};
use crate::trace::{Event, StepRecord};

/// At most this many lines are told; earlier ones are summed up.
pub const MAX_LINES: usize = 40;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryLine {
    /// The step, in the simulator's numbering (`run --schedule` and the
    /// timeline use it too).
    pub step: u64,
    /// Who ran it: a context, with its core on two-core programs.
    pub who: String,
    /// The source line, when the step ran one.
    pub line: Option<u32>,
    pub text: String,
}

/// The statics a failure is about: those the broken property reads or the
/// raced static, and every static two contexts share.
pub fn focus(program: &Program, outcome: &Outcome) -> Vec<Location> {
    let mut out: Vec<Location> = match outcome {
        Outcome::PropertyViolated { name, .. } => program
            .properties
            .iter()
            .filter(|p| &p.name == name)
            .flat_map(|p| &program.function(p.func).body)
            .flat_map(|i| read_locations(&i.op))
            .collect(),
        Outcome::DataRace { location, .. } => (0..program.locations.len() as u32)
            .map(Location)
            .filter(|l| {
                let decl = program.location(*l);
                &decl.name == location || &decl.static_name == location
            })
            .collect(),
        _ => Vec::new(),
    };
    // What two contexts share is where an interleaving shows (a property
    // often reads only what one context computed from it).
    out.extend(
        program
            .accessors()
            .iter()
            .enumerate()
            .filter(|(_, users)| users.count_ones() >= 2)
            .map(|(i, _)| Location(i as u32)),
    );
    out.sort_unstable_by_key(|l| l.0);
    out.dedup();
    out
}

fn read_locations(op: &Op) -> Vec<Location> {
    let place = match op {
        Op::Load { place, .. } | Op::AtomicLoad { place, .. } => place,
        _ => return Vec::new(),
    };
    match place.index {
        None => vec![place.base],
        Some(ix) => (0..ix.len).map(|i| Location(place.base.0 + i * ix.stride)).collect(),
    }
}

/// The story of `trace` (a run up to its failure) about `focus`.
pub fn tell(program: &Program, trace: &[StepRecord], focus: &[Location]) -> Vec<StoryLine> {
    let mut lines = Vec::new();
    // Per location: the last store (who, step); per (context, location):
    // the step of its last load.
    let mut last_store: Vec<Option<(ContextId, u64)>> = vec![None; program.locations.len()];
    let mut last_load: Vec<(ContextId, Location, u64)> = Vec::new();
    for rec in trace {
        let who = who(program, rec.core, rec.context);
        let line = rec.span.as_ref().map(|s| s.line);
        let step = rec.index;
        let say =
            |lines: &mut Vec<StoryLine>, who: String, text: String| lines.push(StoryLine { step, who, line, text });
        for e in &rec.events {
            match e {
                Event::Arrival { source, merged } => {
                    let name = &program.sources[source.0 as usize].name;
                    let text = if *merged {
                        format!("{name}'s event arrives, but its pending bit is already set: the two merge")
                    } else {
                        format!("{name}'s event arrives")
                    };
                    lines.push(StoryLine { step: rec.index, who: "the board".into(), line: None, text });
                }
                Event::DmaStarted { source, buffer, len } => say(
                    &mut lines,
                    who.clone(),
                    format!(
                        "starts {}'s DMA into {}: the peripheral owns its {len} bytes until the last one is in",
                        program.sources[source.0 as usize].name,
                        program.location(*buffer).static_name
                    ),
                ),
                Event::DmaWrote { source, location, value, last } if focus.contains(location) => {
                    let decl = program.location(*location);
                    let name = &program.sources[source.0 as usize].name;
                    let text = format!(
                        "writes {} ← {}{}",
                        decl.name,
                        decl.ty.display(*value),
                        if *last { ": the buffer is full, the transfer ends and raises its event" } else { "" }
                    );
                    last_store[location.0 as usize] = program.dma_context(*source).map(|c| (c, rec.index));
                    lines.push(StoryLine { step: rec.index, who: format!("{name}'s DMA"), line: None, text });
                }
                Event::Reordered { moved, over } => say(
                    &mut lines,
                    who.clone(),
                    format!(
                        "the compiler runs line {} before line {} (an order the program allows it)",
                        moved.line, over.line
                    ),
                ),
                Event::Entered { context, preempted, .. } => {
                    let name = &program.context(*context).name;
                    let text = match preempted {
                        Some(p) if *p != *context => {
                            format!("the {name} handler starts, preempting {}", program.context(*p).name)
                        }
                        _ => format!("the {name} handler starts"),
                    };
                    say(&mut lines, "NVIC".into(), text);
                }
                Event::Exited { context, to } => {
                    let name = &program.context(*context).name;
                    // Tail-chaining (ARMv7-M B1.5.12): `to` is the pending
                    // handler entered without unstacking, not a return to it.
                    let chained = rec.events.iter().any(|e| matches!(e, Event::TailChain { .. }));
                    let text = match to {
                        Some(t) if chained && t == context => format!(
                            "the {name} handler returns; {name} is pending again, so the core goes straight back into it (tail-chaining)"
                        ),
                        Some(t) if chained => format!(
                            "the {name} handler returns; {} is pending, so the core goes straight into it (tail-chaining)",
                            program.context(*t).name
                        ),
                        Some(t) => format!("the {name} handler returns to {}", program.context(*t).name),
                        None => format!("the {name} handler returns"),
                    };
                    say(&mut lines, "NVIC".into(), text);
                }
                _ => {}
            }
        }
        for r in rec.reads.iter().filter(|r| focus.contains(&r.location)) {
            let decl = program.location(r.location);
            last_load.retain(|(c, l, _)| !(*c == rec.context && *l == r.location));
            last_load.push((rec.context, r.location, rec.index));
            lines.push(StoryLine {
                step: rec.index,
                who: who.clone(),
                line,
                text: format!("reads {} → {}", decl.name, decl.ty.display(r.value)),
            });
        }
        for w in rec.writes.iter().filter(|w| focus.contains(&w.location)) {
            let decl = program.location(w.location);
            let mut text = format!("writes {} ← {}", decl.name, decl.ty.display(w.new));
            let read_at = last_load.iter().find(|(c, l, _)| *c == rec.context && *l == w.location).map(|x| x.2);
            if let (Some(read_at), Some((other, stored_at))) = (read_at, last_store[w.location.0 as usize])
                && other != rec.context
                && stored_at > read_at
            {
                text.push_str(&format!(
                    ": {}'s store of step {stored_at} is lost ({who} read {} at step {read_at}, before it)",
                    who_of(program, other),
                    decl.name
                ));
            }
            last_store[w.location.0 as usize] = Some((rec.context, rec.index));
            lines.push(StoryLine { step: rec.index, who: who.clone(), line, text });
        }
    }
    if lines.len() > MAX_LINES {
        let left_out = lines.len() - (MAX_LINES - 1);
        let first = lines[left_out].step;
        lines.drain(..left_out);
        lines.insert(
            0,
            StoryLine {
                step: 0,
                who: String::new(),
                line: None,
                text: format!("({left_out} earlier lines left out; the story goes on from step {first})"),
            },
        );
    }
    lines
}

fn who_of(program: &Program, context: ContextId) -> String {
    match program.contexts.get(context.0 as usize) {
        Some(ctx) => who(program, ctx.core, context),
        None => program.context_name(context),
    }
}

fn who(program: &Program, core: u8, context: ContextId) -> String {
    let name = &program.context(context).name;
    if program.cores > 1 && !name.contains("core") { format!("core{core} {name}") } else { name.clone() }
}
