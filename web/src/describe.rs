//! A step in words, for the step readout, the marks' accessible names and the
//! table view. It only names what the trace recorded.
//!
//! Steps are numbered as the simulator numbers them (`StepRecord::index`,
//! from 0): the number `NAME@N` in a schedule means, the one `irqlab run`
//! prints and `irqlab check` puts in a counterexample. It is not the count
//! of steps drawn: when every core idles, the machine skips ahead to the
//! next arrival and the numbers jump.

use irqlab_sim::{ContextId, Event, Program, SourceId, StepKind, StepRecord};

use crate::run::Run;

pub fn context_name(program: &Program, id: ContextId) -> &str {
    program.contexts.get(id.0 as usize).map_or("?", |c| c.name.as_str())
}

pub fn source_name(program: &Program, id: SourceId) -> &str {
    program.sources.get(id.0 as usize).map_or("?", |s| s.name.as_str())
}

fn value(program: &Program, location: irqlab_sim::Location, bits: u64) -> String {
    program.locations.get(location.0 as usize).map_or_else(|| bits.to_string(), |l| l.ty.display(bits))
}

fn location_name(program: &Program, location: irqlab_sim::Location) -> &str {
    program.locations.get(location.0 as usize).map_or("?", |l| l.name.as_str())
}

/// What kind of step it was, in a few words.
pub fn kind(program: &Program, record: &StepRecord) -> String {
    let who = context_name(program, record.context);
    match &record.kind {
        StepKind::Instr { .. } => match &record.span {
            Some(span) => format!("{who} runs line {}", span.line),
            None => format!("{who} runs"),
        },
        StepKind::Stacking { .. } => format!("the core stacks registers to enter {who} ({} cycles)", record.cycles),
        StepKind::Return { tail_chain: true } => format!("{who} returns and tail-chains ({} cycles)", record.cycles),
        StepKind::Return { tail_chain: false } => format!("{who} returns ({} cycles)", record.cycles),
        StepKind::Sleep => "the core sleeps, waiting for an interrupt".to_string(),
        StepKind::Spin => format!("{who} spins, waiting"),
    }
}

/// One event in words.
pub fn event(program: &Program, event: &Event) -> Option<String> {
    let ctx = |c: &ContextId| context_name(program, *c).to_string();
    Some(match event {
        Event::Arrival { source, merged: false } => format!("{} event arrives", source_name(program, *source)),
        Event::Arrival { source, merged: true } => {
            format!("{} event arrives but merges with the one already pending", source_name(program, *source))
        }
        Event::DmaStarted { source, buffer, len } => format!(
            "{}'s DMA now owns {} ({len} bytes) until its last byte is in",
            source_name(program, *source),
            program.locations.get(buffer.0 as usize).map_or("?", |l| l.static_name.as_str())
        ),
        Event::DmaWrote { source, location, value: v, last } => format!(
            "{}'s DMA writes {} ← {}{}",
            source_name(program, *source),
            location_name(program, *location),
            value(program, *location, *v),
            if *last { ": the buffer is full, the transfer ends and raises its event" } else { "" }
        ),
        Event::Pended { context } => format!("{} becomes pending", ctx(context)),
        Event::Unpended { context } => format!("{} is no longer pending", ctx(context)),
        // A late arrival is said first: `preempted` is set on every entry
        // over a running context, so matching it first hid every late arrival.
        Event::Entered { context, late_arrival_over: Some(o), preempted } => {
            let over = preempted.map(|p| format!(", preempting {}", ctx(&p))).unwrap_or_default();
            format!("{} is entered instead of {} (late arrival){over}", ctx(context), ctx(o))
        }
        Event::Entered { context, preempted: Some(p), .. } => format!("{} preempts {}", ctx(context), ctx(p)),
        Event::Entered { context, .. } => format!("{} is entered", ctx(context)),
        Event::Exited { context, to: Some(to) } => format!("{} returns to {}", ctx(context), ctx(to)),
        Event::Exited { context, to: None } => format!("{} returns", ctx(context)),
        Event::TailChain { from, to } => format!("{} tail-chains into {}", ctx(from), ctx(to)),
        Event::Primask { core, set: true } => format!("interrupts disabled on core {core} (PRIMASK = 1)"),
        Event::Primask { core, set: false } => format!("interrupts enabled on core {core} (PRIMASK = 0)"),
        Event::Basepri { core, value: 0 } => format!("BASEPRI cleared on core {core}: no priority masked"),
        Event::Basepri { core, value } => format!("BASEPRI = {value:#04x} on core {core}"),
        Event::NvicEnabled { context, enabled } => {
            format!("{} {} in the NVIC", ctx(context), if *enabled { "unmasked" } else { "masked" })
        }
        Event::NvicPriority { context, priority } => format!("{} gets priority {priority}", ctx(context)),
        Event::Flag { source, set } => {
            format!("{} event flag {}", source_name(program, *source), if *set { "set" } else { "cleared" })
        }
        Event::Spinlock { lock, held_by: Some(c) } => format!("{} takes spinlock {lock}", ctx(c)),
        Event::Spinlock { lock, held_by: None } => format!("spinlock {lock} released"),
        Event::Reordered { moved, over } => {
            format!("the compiler moved line {} before line {}", moved.line, over.line)
        }
        Event::ThreadDone { context } => format!("{} has finished its calls", ctx(context)),
        Event::Wfe { core, event_was_set: true, .. } => {
            format!("WFE on core {core} finds the event register set: it clears it and goes on without sleeping")
        }
        Event::Wfe { core, returned_early: true, .. } => {
            format!("WFE on core {core} returns at once with no event: the architecture lets WFE complete at any time")
        }
        Event::Wfe { core, .. } => format!("core {core} sleeps in WFE until an event"),
        Event::Sev { core } => format!("SEV on core {core} sets every core's event register"),
        Event::Outcome(o) => o.explain(program),
    })
}

/// The memory a step touched, in words: "reads COUNT = 0; writes COUNT 0 → 1".
pub fn memory(program: &Program, record: &StepRecord) -> Vec<String> {
    let reads = record
        .reads
        .iter()
        .map(|r| format!("reads {} = {}", location_name(program, r.location), value(program, r.location, r.value)));
    let writes = record.writes.iter().map(|w| {
        format!(
            "writes {} {} → {}",
            location_name(program, w.location),
            value(program, w.location, w.old),
            value(program, w.location, w.new)
        )
    });
    reads.chain(writes).collect()
}

/// The whole step as one sentence: "Step 4 (cycle 20): main runs line 10; reads COUNT = 0."
pub fn step(program: &Program, record: &StepRecord) -> String {
    let mut parts = vec![kind(program, record)];
    parts.extend(memory(program, record));
    parts.extend(record.events.iter().filter_map(|e| event(program, e)));
    // Outcome explanations end with their own full stop.
    format!("Step {} (cycle {}): {}.", record.index, record.cycle, parts.join("; ").trim_end_matches('.'))
}

/// The readout with the cursor after `position` steps of the run: the last
/// step taken, and how many of the run's steps that is.
pub fn cursor(run: &Run, position: usize) -> String {
    let len = run.len();
    match position.checked_sub(1).and_then(|last| run.trace.get(last)) {
        Some(record) => format!("{} ({position} of {len} steps taken)", step(&run.program, record)),
        None => format!(
            "Before step {}: reset, nothing has run yet (0 of {len} steps taken). Step forward with → or the Step button.",
            run.step_index_at(0)
        ),
    }
}

#[cfg(test)]
mod tests {
    use irqlab_sim::build::ProgramBuilder;
    use irqlab_sim::{Bounds, Schedule, Session, Target, Trigger};

    use super::*;

    /// A late arrival: LOW's event starts the stacking, URGENT's arrives
    /// during it and is entered instead. The words and the timeline mark say
    /// so (they used to say "preempts", the first arm that matched).
    #[test]
    fn a_late_arrival_is_named_in_words_and_on_the_timeline() {
        let mut b = ProgramBuilder::new(Target::Armv7em, 1);
        let main = b.function("main_loop", 0, |f| {
            for _ in 0..4 {
                f.op(irqlab_sim::Op::Nop { what: "nop".into() });
            }
            f.ret();
        });
        b.thread("main", 0, &[(main, 1)]);
        for (irq, name, priority) in [(0u16, "URGENT", 0u8), (1, "LOW", 2)] {
            let body = b.function(&format!("on_{name}"), 0, |f| {
                f.ret();
            });
            let h = b.handler(name, irq, priority, body);
            b.source(name, Some(h), Trigger::Edge, 1);
        }
        let program = b.build();
        let schedule = Schedule::parse("LOW@1,URGENT@2", &program).expect("schedule");
        let mut session = Session::new(program.clone(), schedule, Bounds::default()).expect("valid");
        session.run_to_end();
        let words: Vec<String> =
            session.trace().iter().flat_map(|r| r.events.iter()).filter_map(|e| event(&program, e)).collect();
        assert!(
            words.iter().any(|w| w == "URGENT is entered instead of LOW (late arrival), preempting main"),
            "{words:?}"
        );
        let run = crate::run::Run::new(std::rc::Rc::new(program), session.schedule().clone()).expect("runs");
        let model = crate::timeline_model::TimelineModel::new(&run);
        assert!(
            model.marks.iter().any(|m| m.kind == crate::timeline_model::MarkKind::LateArrival),
            "no late-arrival mark"
        );
    }
}
