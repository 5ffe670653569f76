//! One test per Cortex-M rule of docs/SEMANTICS.md "The core", each named after
//! the rule and quoting the architecture text it checks.

mod support;

use irqlab_sim::build::{FnBuilder, ProgramBuilder};
use irqlab_sim::explore::{ExploreConfig, Explorer, Report, Verdict};
use irqlab_sim::nvic;
use irqlab_sim::*;
use support::*;

/// Handlers A (IRQ 0), B (IRQ 1), C (IRQ 2) with the given priorities, each
/// doing `work` busy steps; main runs `idle` (a few nops) 3 times.
fn three_handlers(prios: [u8; 3], work: u32) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    add_three_handlers(&mut b, prios, work, 2);
    b.build()
}

/// `three_handlers`' main and handlers, each source with `arrivals` events.
fn add_three_handlers(b: &mut ProgramBuilder, prios: [u8; 3], work: u32, arrivals: u32) {
    let idle = b.function("idle", 0, |f| {
        for _ in 0..4 {
            f.op(Op::Nop { what: "nop".into() });
        }
        f.ret();
    });
    b.thread("main", 0, &[(idle, 3)]);
    for (i, name) in ["A", "B", "C"].iter().enumerate() {
        let body = b.function(&format!("on_{name}"), 0, |f| {
            for _ in 0..work {
                f.op(Op::Busy { cycles: 10 });
            }
            f.ret();
        });
        let h = b.handler(name, i as u16, prios[i], body);
        b.source(name, Some(h), Trigger::Edge, arrivals);
    }
}

// ARMv7-M B1.5.4: "the lower the priority value, the higher the priority";
// execution priority is the highest of active exceptions, BASEPRI, PRIMASK.
#[test]
fn execution_priority_is_the_most_urgent_of_active_basepri_and_primask() {
    assert_eq!(nvic::execution_priority([3u8, 1, 2].into_iter(), false, None), 1);
    assert_eq!(nvic::execution_priority([3u8].into_iter(), false, Some(2)), 2);
    assert_eq!(nvic::execution_priority([3u8].into_iter(), true, Some(2)), 0);
    assert_eq!(nvic::execution_priority(std::iter::empty(), false, None), nvic::THREAD_PRIORITY);
}

// ARMv7-M B1.5.4: a pending exception preempts only if its priority is
// higher (lower number) than the current execution priority.
#[test]
fn more_urgent_handler_preempts_less_urgent() {
    let p = three_handlers([2, 1, 3], 3);
    // A (prio 2) starts, then B (prio 1) arrives while A runs.
    let a_busy = |p: &Program, r: &StepRecord| is_instr(p, r, "A", 1);
    let s = run(&p, "A@0");
    let at = s.trace().iter().find(|r| a_busy(&p, r)).expect("A runs").index;
    let s = run(&p, &format!("A@0,B@{at}"));
    let stack_when_b_runs = s
        .trace()
        .iter()
        .find(|r| r.context == context(&p, "B") && matches!(r.kind, StepKind::Instr { .. }))
        .map(|r| r.stack.clone())
        .expect("B runs");
    assert_eq!(stack_when_b_runs, vec![context(&p, "main"), context(&p, "A"), context(&p, "B")]);
}

// ARMv7-M B1.5.4: "equal priority ... does not preempt".
#[test]
fn equal_priority_never_preempts() {
    let p = three_handlers([1, 1, 3], 3);
    let at = step_where(&p, "A@0", |p, r| is_instr(p, r, "A", 1));
    let s = run(&p, &format!("A@0,B@{at}"));
    // B waits for A to return: it never runs with A on the stack.
    assert!(s.trace().iter().all(|r| !(r.stack.contains(&context(&p, "A")) && r.stack.contains(&context(&p, "B")))));
    assert_eq!(entered(&s), vec!["A", "B"]);
}

// ARMv7-M B1.5.4: "if multiple pending exceptions have the same priority,
// the pending exception with the lowest exception number takes precedence".
#[test]
fn equal_priority_pending_exceptions_are_taken_in_exception_number_order() {
    let p = three_handlers([1, 1, 1], 1);
    let s = run(&p, "C@0,B@0,A@0");
    assert_eq!(entered(&s), vec!["A", "B", "C"]);
}

// ARMv7-M B1.5.2: an exception is "pending": one bit; two events while it is
// pending give one handler run (the second event is lost).
#[test]
fn pending_bit_is_a_single_bit_so_two_events_merge() {
    let p = three_handlers([1, 2, 3], 1);
    let s = run(&p, "A@0,A@0");
    assert_eq!(entered(&s), vec!["A"]);
    assert!(s.outcomes().iter().any(|o| matches!(o, Outcome::EventLost { .. })));
    assert!(s.outcomes().iter().any(|o| o.explain(&p).contains("pending bit was already set")));
}

// ARMv7-M B1.5.2: "active and pending": the exception is being serviced and
// there is a pending exception of the same source; it runs again after
// return, without re-entering while active.
#[test]
fn active_handler_pended_again_runs_again_after_it_returns() {
    let p = three_handlers([1, 2, 3], 3);
    let during = step_where(&p, "A@0", |p, r| is_instr(p, r, "A", 1));
    let s = run(&p, &format!("A@0,A@{during}"));
    assert_eq!(entered(&s), vec!["A", "A"]);
    // Never two activations of A on the stack.
    assert!(s.trace().iter().all(|r| r.stack.iter().filter(|c| **c == context(&p, "A")).count() <= 1));
    assert!(!has_outcome(&s, "event-lost"));
}

// Cortex-M3/M4 TRM "tail-chaining": on return, a pending exception that
// would preempt the context returned to is entered without unstacking,
// in 6 cycles instead of 12 + 10.
#[test]
fn tail_chaining_enters_the_next_handler_without_unstacking() {
    let p = three_handlers([1, 1, 3], 2);
    let s = run(&p, "A@0,B@0");
    let ret = s
        .trace()
        .iter()
        .find(|r| r.kind == StepKind::Return { tail_chain: true })
        .expect("A's return tail-chains into B");
    assert_eq!(ret.cycles, 6);
    assert!(ret.events.iter().any(|e| matches!(e, Event::TailChain { .. })));
    // Only one stacking for two handlers.
    let stackings = s.trace().iter().filter(|r| matches!(r.kind, StepKind::Stacking { .. })).count();
    assert_eq!(stackings, 1);
    let entry = s.trace().iter().find(|r| matches!(r.kind, StepKind::Stacking { .. })).expect("entry");
    assert_eq!(entry.cycles, 12);
}

// Cortex-M3 TRM "late-arriving": a higher-priority exception that arrives
// during the stacking of a lower-priority one is taken first, using the
// stacking already done; the lower one stays pending.
#[test]
fn late_arrival_takes_the_more_urgent_exception_during_stacking() {
    let p = three_handlers([2, 1, 3], 1);
    let stacking = {
        let s = run(&p, "A@0");
        s.trace().iter().find(|r| matches!(r.kind, StepKind::Stacking { .. })).expect("stacks").index
    };
    let s = run(&p, &format!("A@0,B@{}", stacking + 1));
    let late = s.trace().iter().flat_map(|r| &r.events).find_map(|e| match e {
        Event::Entered { context, late_arrival_over: Some(over), .. } => Some((*context, *over)),
        _ => None,
    });
    assert_eq!(late, Some((context(&p, "B"), context(&p, "A"))));
    assert_eq!(entered(&s), vec!["B", "A"]);
}

/// A level-triggered TIMER0 whose handler clears its flag (or not).
fn level_timer(clear: bool, clear_first: bool) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let count = b.scalar("HANDLED", Ty::U32, LocationKind::Atomic, 0);
    let work = b.scalar("MAIN_WORK", Ty::U32, LocationKind::Atomic, 0);
    let main = b.function("main_loop", 0, |f| {
        f.atomic_add(work, 1, Ordering::Relaxed).ret();
    });
    let body = |f: &mut FnBuilder| {
        if clear && clear_first {
            f.op(Op::ClearEvent { source: SourceId(0) });
        }
        f.atomic_add(count, 1, Ordering::Relaxed);
        f.op(Op::Busy { cycles: 50 });
        if clear && !clear_first {
            f.op(Op::ClearEvent { source: SourceId(0) });
        }
        f.ret();
    };
    let h = b.function("on_timer", 0, body);
    b.thread("main", 0, &[(main, 5)]);
    let t = b.handler("TIMER0", 8, 1, h);
    b.source("TIMER0", Some(t), Trigger::Level, 2);
    b.build()
}

// ARMv7-M B3.4.1: a level-sensitive interrupt is pended again on exception
// return while the peripheral still asserts it: a handler that never clears
// its flag runs forever and main starves.
#[test]
fn level_triggered_flag_not_cleared_retriggers_and_starves_main() {
    let p = level_timer(false, false);
    let s = run(&p, "TIMER0@1");
    let starved = s.outcomes().iter().find(|o| matches!(o, Outcome::Starvation { .. })).expect("starvation");
    assert!(starved.explain(&p).contains("main made no progress"));
    assert!(value(&s, "HANDLED") > 100);
}

/// A level-triggered handler that never clears its flag and changes
/// nothing else (it stores a constant): after two runs the whole state
/// repeats at each entry, so main can never run again.
fn level_timer_storing_a_constant() -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let flag = b.scalar("TICK", Ty::Bool, LocationKind::Atomic, 0);
    let work = b.scalar("MAIN_WORK", Ty::U32, LocationKind::Atomic, 0);
    let main = b.function("main_loop", 0, |f| {
        f.atomic_add(work, 1, Ordering::Relaxed).ret();
    });
    let h = b.function("on_timer", 0, |f| {
        f.op(Op::AtomicStore { place: Place::at(flag), src: Operand::Const(1), ordering: Ordering::Relaxed }).ret();
    });
    b.thread("main", 0, &[(main, 5)]);
    let t = b.handler("TIMER0", 8, 1, h);
    b.source("TIMER0", Some(t), Trigger::Level, 2);
    b.build()
}

fn starvation(s: &Session) -> (u64, u64) {
    s.outcomes()
        .iter()
        .find_map(|o| match o {
            Outcome::Starvation { steps, period, .. } => Some((*steps, *period)),
            _ => None,
        })
        .expect("starvation")
}

// A state that repeats while the thread waits can repeat for ever: nothing
// returns the core to thread mode while an exception is pending above it
// (ARMv7-M B1.5.4, B1.5.12). The run ends there, long before the window.
#[test]
fn a_state_that_repeats_while_main_waits_is_starvation_at_once() {
    let p = level_timer_storing_a_constant();
    let s = run(&p, "TIMER0@1");
    let (steps, period) = starvation(&s);
    assert!(period > 0, "the repeat is named");
    assert!(
        steps < 40,
        "found at the repeat, not at the {}-step window: {steps}",
        s.machine().bounds().starvation_steps
    );
    let o = s.outcomes().iter().find(|o| matches!(o, Outcome::Starvation { .. })).expect("starvation");
    assert!(
        o.explain(&p).contains(&format!("every {period} steps the core is back in the same state")),
        "{}",
        o.explain(&p)
    );
    assert_eq!(s.machine().status(), Status::Halted);
}

// Tail-chaining (ARMv7-M B1.5.12) is told as what it is: the handler
// returns and the core goes straight into the pending one, not "returns to
// TIMER0". The explorer's counterexample ends at the repeat too.
#[test]
fn a_handler_that_never_clears_its_level_source_is_told_as_a_tail_chain() {
    let p = level_timer_storing_a_constant();
    let s = run(&p, "TIMER0@1");
    let story = story::tell(&p, s.trace(), &[]);
    let text: Vec<&str> = story.iter().map(|l| l.text.as_str()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("TIMER0 is pending again, so the core goes straight back into it (tail-chaining)")),
        "{text:#?}"
    );
    assert!(!text.iter().any(|t| t.contains("returns to TIMER0")), "{text:#?}");
    let report = explore::Explorer::new(p.clone(), explore::ExploreConfig::default()).expect("valid").run();
    let hang = report.properties.iter().find(|r| r.name == "no deadlock or starvation").expect("built in");
    let cx = hang.counterexample.as_ref().expect("main starves");
    assert!(cx.steps < 40, "the search's run ends at the repeat: {} steps", cx.steps);
    assert!(cx.explanation.contains("the core is back in the same state"), "{}", cx.explanation);
}

// The schedule still has an arrival to come: the run goes on to it (it may
// change the course of the run); after it, the repeat ends the run.
#[test]
fn a_repeat_does_not_end_a_run_whose_schedule_has_more_to_come() {
    let p = level_timer_storing_a_constant();
    let s = run(&p, "TIMER0@1,TIMER0@300");
    let (steps, period) = starvation(&s);
    assert!(period > 0);
    assert!(s.machine().step_index() > 300, "the run reached the second arrival: {}", s.machine().step_index());
    assert!(steps < s.machine().bounds().starvation_steps, "{steps}");
}

// A handler that counts its runs never repeats a state: only the window
// ends the run (no false repeat).
#[test]
fn a_handler_that_changes_the_state_each_time_is_ended_by_the_window() {
    let p = level_timer(false, false);
    let s = run(&p, "TIMER0@1");
    let (steps, period) = starvation(&s);
    assert_eq!(period, 0);
    assert_eq!(steps, s.machine().bounds().starvation_steps);
}

#[test]
fn level_triggered_flag_cleared_runs_the_handler_once() {
    let p = level_timer(true, true);
    let s = run(&p, "TIMER0@1");
    assert_eq!(value(&s, "HANDLED"), 1);
    assert_eq!(value(&s, "MAIN_WORK"), 5);
    assert_eq!(s.machine().status(), Status::Finished);
}

// T13: clearing the flag at the end of the handler wipes an event that
// arrived meanwhile; clearing it first keeps it.
#[test]
fn clearing_the_flag_too_late_loses_the_event_that_arrived_before_the_clear() {
    let late = level_timer(true, false);
    let during = {
        let s = run(&late, "TIMER0@1");
        s.trace().iter().find(|r| is_instr(&late, r, "TIMER0", 1)).expect("busy step").index
    };
    let s = run(&late, &format!("TIMER0@1,TIMER0@{during}"));
    assert_eq!(value(&s, "HANDLED"), 1);
    assert!(s.outcomes().iter().any(|o| o.explain(&late).contains("cleared the event flag")));

    let early = level_timer(true, true);
    let s = run(&early, &format!("TIMER0@1,TIMER0@{during}"));
    assert_eq!(value(&s, "HANDLED"), 2);
    assert!(!has_outcome(&s, "event-lost"));
}

/// main: critical section around `inner` nops, optionally nested.
fn masked_main(nested: bool, basepri: Option<u8>) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let main = b.function("main_loop", 0, |f| {
        if let Some(raw) = basepri {
            f.op(Op::WriteBasepri { value: Operand::Const(u64::from(raw)), max: false });
            for _ in 0..4 {
                f.op(Op::Nop { what: "nop".into() });
            }
            f.op(Op::WriteBasepri { value: Operand::Const(0), max: false });
        } else {
            f.critical_section(|f| {
                f.op(Op::Nop { what: "outer".into() });
                if nested {
                    f.critical_section(|f| {
                        f.op(Op::Nop { what: "inner".into() });
                    });
                }
                f.op(Op::Nop { what: "after inner".into() });
                f.op(Op::Nop { what: "after inner".into() });
            });
        }
        f.ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    for (i, name, prio) in [(0u16, "URGENT", 0u8), (1, "LOW", 3)] {
        let body = b.function(&format!("on_{name}"), 0, |f| {
            f.ret();
        });
        let h = b.handler(name, i, prio, body);
        b.source(name, Some(h), Trigger::Edge, 1);
    }
    b.build()
}

fn first_entry_step(s: &Session, name: &str) -> u64 {
    let c = context(s.program(), name);
    s.trace()
        .iter()
        .find(|r| r.events.iter().any(|e| matches!(e, Event::Entered { context, .. } if *context == c)))
        .map(|r| r.index)
        .expect("handler entered")
}

// ARMv7-M B1.4.3: PRIMASK set "prevents the activation of all exceptions
// with configurable priority": even priority 0 waits until it is cleared.
#[test]
fn primask_masks_every_configurable_priority_exception() {
    let p = masked_main(false, None);
    let s = run(&p, "URGENT@2");
    let restore = s
        .trace()
        .iter()
        .find(|r| r.events.iter().any(|e| matches!(e, Event::Primask { set: false, .. })))
        .expect("PRIMASK cleared")
        .index;
    assert!(first_entry_step(&s, "URGENT") > restore);
}

// ARMv7-M B1.4.3: critical_section::with saves PRIMASK and restores it, so
// nested sections keep interrupts masked until the outermost one ends.
#[test]
fn critical_sections_nest_and_only_the_outermost_unmasks() {
    let p = masked_main(true, None);
    let s = run(&p, "URGENT@3");
    let clears: Vec<u64> = s
        .trace()
        .iter()
        .filter(|r| r.events.iter().any(|e| matches!(e, Event::Primask { set: false, .. })))
        .map(|r| r.index)
        .collect();
    assert_eq!(clears.len(), 1, "only the outer restore re-enables");
    let last_main_nop = s
        .trace()
        .iter()
        .filter(|r| matches!(&r.kind, StepKind::Instr { .. }) && r.context == context(&p, "main"))
        .filter(|r| r.index < clears[0])
        .count();
    assert!(last_main_nop > 5);
    assert!(first_entry_step(&s, "URGENT") > clears[0]);
}

// ARMv7-M B1.4.3: BASEPRI "changes the priority level required for
// exception preemption": only exceptions more urgent than it are taken.
#[test]
fn basepri_masks_only_priorities_at_or_below_its_level() {
    // Raw 0x40 with 3 priority bits is level 2: URGENT (0) runs, LOW (3) waits.
    let p = masked_main(false, Some(0x40));
    let s = run(&p, "URGENT@2,LOW@2");
    let cleared = s
        .trace()
        .iter()
        .find(|r| r.events.iter().any(|e| matches!(e, Event::Basepri { value: 0, .. })))
        .expect("BASEPRI cleared")
        .index;
    assert!(first_entry_step(&s, "URGENT") < cleared);
    assert!(first_entry_step(&s, "LOW") > cleared);
}

// ARMv7-M B5.2.3: BASEPRI_MAX "only changes BASEPRI if the new value
// increases the priority level" (is non-zero and lower than the current).
#[test]
fn basepri_max_only_raises_the_masking_level() {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let out = b.scalar("SEEN", Ty::U32, LocationKind::Plain, 0);
    let main = b.function("main_loop", 0, |f| {
        let t = f.local();
        f.op(Op::WriteBasepri { value: Operand::Const(0x40), max: true });
        f.op(Op::WriteBasepri { value: Operand::Const(0x80), max: true });
        f.op(Op::ReadBasepri { dst: t });
        f.store(out, Operand::Local(t)).ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    let s = run(&b.build(), "");
    assert_eq!(value(&s, "SEEN"), 0x40);
}

// ARMv7-M B1.4.3: unimplemented low-order BASEPRI bits read as zero and
// ignore writes. With 3 priority bits (nRF52833), 0x10 is stored as 0: it
// masks nothing, and it reads back as 0; 0x30 reads back as 0x20 (level 1).
#[test]
fn basepri_keeps_only_the_implemented_priority_bits() {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let out = b.scalar("SEEN", Ty::U32, LocationKind::Plain, 9);
    let out2 = b.scalar("SEEN2", Ty::U32, LocationKind::Plain, 9);
    let main = b.function("main_loop", 0, |f| {
        let t = f.local();
        f.op(Op::WriteBasepri { value: Operand::Const(0x10), max: false });
        f.op(Op::ReadBasepri { dst: t });
        f.store(out, Operand::Local(t));
        f.op(Op::WriteBasepri { value: Operand::Const(0x30), max: false });
        f.op(Op::ReadBasepri { dst: t });
        f.store(out2, Operand::Local(t));
        f.op(Op::WriteBasepri { value: Operand::Const(0), max: false });
        f.ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    let s = run(&b.build(), "");
    assert_eq!(value(&s, "SEEN"), 0);
    assert_eq!(value(&s, "SEEN2"), 0x20);
    // 0x10 masks nothing: LOW (level 3) is taken at once.
    let p = masked_main(false, Some(0x10));
    let s = run(&p, "LOW@2");
    assert!(first_entry_step(&s, "LOW") <= 4, "taken while BASEPRI = 0x10, which the chip stores as 0");
}

// ARMv6-M has no LDREX/STREX: `fetch_add` does not exist on thumbv6m.
#[test]
fn armv6m_has_atomic_load_and_store_but_no_read_modify_write() {
    let mut b = ProgramBuilder::new(Target::Armv6m, 1);
    let x = b.scalar("X", Ty::U32, LocationKind::Atomic, 0);
    let f = b.function("f", 0, |f| {
        f.atomic_add(x, 1, Ordering::Relaxed).ret();
    });
    b.thread("main", 0, &[(f, 1)]);
    let err = b.build().validate().expect_err("armv6m lacks fetch_add");
    assert!(matches!(err, ProgramError::NoAtomicRmw { method: "fetch_add", .. }), "{err}");
    assert!(err.to_string().contains("portable-atomic"));
    // The same program is fine on armv7m.
    let mut b = ProgramBuilder::new(Target::Armv7m, 1);
    let x = b.scalar("X", Ty::U32, LocationKind::Atomic, 0);
    let f = b.function("f", 0, |f| {
        f.atomic_add(x, 1, Ordering::Relaxed).ret();
    });
    b.thread("main", 0, &[(f, 1)]);
    assert_eq!(b.build().validate(), Ok(()));
}

// ARMv7-M A3.5.3: only byte, halfword and word accesses are single-copy
// atomic; a u64 read is two loads and can see half of a concurrent write.
#[test]
fn u64_read_is_two_loads_and_can_tear() {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let ticks = b.scalar("TICKS64", Ty::U64, LocationKind::Plain, 0xFFFF_FFFF);
    let seen = b.scalar("SEEN", Ty::U64, LocationKind::Plain, 0);
    let main = b.function("read_ticks", 0, |f| {
        let t = f.local();
        f.load(t, ticks).store(seen, Operand::Local(t)).ret();
    });
    let tick = b.function("on_tick", 0, |f| {
        let t = f.local();
        f.load(t, ticks).add(Ty::U64, t, Operand::Local(t), Operand::Const(1)).store(ticks, Operand::Local(t)).ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    let h = b.handler("SysTick", 0, 0, tick);
    b.source("SysTick", Some(h), Trigger::Edge, 1);
    let p = b.build();
    // Between the two halves of main's load (step 0 low, step 1 high).
    let s = run(&p, "SysTick@1");
    // Low half read before the carry (0xFFFF_FFFF), high half after (1).
    assert_eq!(value(&s, "SEEN"), 0x1_FFFF_FFFF);
    assert_eq!(value(&s, "TICKS64"), 0x1_0000_0000);
    let halves = s.trace().iter().filter(|r| r.context == context(&p, "main") && !r.reads.is_empty()).count();
    assert_eq!(halves, 2);
}

// `x += 1` on a plain static is load, add, store: three steps, and an
// interrupt between the load and the store loses the handler's update.
#[test]
fn plain_increment_is_three_preemptible_steps() {
    let p = lost_update(Target::Armv7em, 3);
    let after_load = first_step(&p, |p, r| is_instr(p, r, "main", 0)) + 1;
    let s = run(&p, &format!("TIMER0@{after_load}"));
    assert_eq!(value(&s, "COUNT"), 3);
    assert_eq!(value(&s, "TICKS"), 1);
    assert!(has_outcome(&s, "property-violated"));
    // Arriving before the load instead loses nothing.
    let s = run(&p, "TIMER0@0");
    assert_eq!(value(&s, "COUNT"), 4);
    assert!(!has_outcome(&s, "property-violated"));
}

// A critical section that only sets PRIMASK masks this core's interrupts,
// not the other core (docs/SEMANTICS.md; RP2040 datasheet 2.3.1: each core has its
// own NVIC and PRIMASK).
#[test]
fn two_cores_interrupt_masking_does_not_exclude_the_other_core() {
    let p = two_core_counter(false, 1, false);
    // core0 loads at step 0..; interleave core1 in between: core0 runs
    // read-primask, cpsid, load; then core1 does the same and stores.
    let s = run(&p, "core0@0,core0@1,core0@2,core1@3,core1@4,core1@5,core1@6,core1@7");
    assert_eq!(value(&s, "COUNT"), 1, "one update lost");
    assert!(has_outcome(&s, "data-race"));
    // Per-core PRIMASK: core0's cpsid left core1's PRIMASK alone until its own.
    assert!(s.machine().primask(0) || !s.machine().primask(1));
}

// RP2040 datasheet 2.3.1.3: a hardware spinlock is held by one core at a
// time; the other core's claim reads 0 and retries.
#[test]
fn hardware_spinlock_excludes_the_other_core() {
    let p = two_core_counter(true, 2, false);
    let interleavings = [
        "",
        "core0@0,core0@1,core0@2,core0@3,core1@4,core1@5,core1@6,core1@7,core1@8",
        "core1@0,core1@1,core1@2,core0@3,core0@4,core0@5,core0@6",
    ];
    for sched in interleavings {
        let s = run(&p, sched);
        assert_eq!(value(&s, "COUNT"), 4, "schedule {sched:?}");
        assert!(!has_outcome(&s, "data-race"), "schedule {sched:?}: {:?}", s.outcomes());
    }
    let s = run(&p, interleavings[1]);
    assert!(s.trace().iter().any(|r| r.kind == StepKind::Spin), "core1 spun on the lock");
}

// ARMv7-M B1.5.19: WFI wakes on an exception that would preempt if PRIMASK
// were clear, even while PRIMASK is set (the exception is then taken when
// PRIMASK is cleared).
#[test]
fn wfi_wakes_on_a_pending_interrupt_even_with_primask_set() {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let woke = b.scalar("WOKE", Ty::U32, LocationKind::Plain, 0);
    let main = b.function("sleep", 0, |f| {
        f.op(Op::DisableInterrupts);
        f.op(Op::Wfi);
        f.store(woke, Operand::Const(1));
        f.op(Op::EnableInterrupts);
        f.ret();
    });
    let tick = b.function("on_tick", 0, |f| {
        f.ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    let h = b.handler("TIMER0", 8, 1, tick);
    b.source("TIMER0", Some(h), Trigger::Edge, 1);
    let p = b.build();
    let s = run(&p, "TIMER0@6");
    assert_eq!(value(&s, "WOKE"), 1);
    // main stays in WFI until the event at step 6 (idle steps are skipped).
    let woke_at = s.trace().iter().find(|r| !r.writes.is_empty()).expect("store").index;
    assert_eq!(woke_at, 6);
    assert!(first_entry_step(&s, "TIMER0") > woke_at, "taken only after PRIMASK is cleared");
    // Without an interrupt main sleeps forever: a hang, not a silent end.
    let s = run(&p, "");
    assert!(has_outcome(&s, "hang"));
}

// NVIC_IPR: priorities are the top bits of an 8-bit field; NVIC::set_priority
// takes the raw value, so 0x20 is level 1 with 3 implemented bits.
#[test]
fn nvic_set_priority_takes_the_raw_register_value() {
    assert_eq!(nvic::logical_priority(0x20, 3), 1);
    assert_eq!(nvic::logical_priority(0x40, 2), 1);
    assert_eq!(nvic::raw_priority(3, 2), 0xC0);
    assert_eq!(nvic::basepri_level(0, 3), None);
}

// NVIC_ICER / NVIC_ISER: a disabled interrupt stays pending and is taken
// once it is enabled again.
#[test]
fn disabled_interrupt_stays_pending_until_enabled() {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let main = b.function("main_loop", 0, |f| {
        f.op(Op::Nvic { op: NvicOp::Disable, irq: ContextId(1) });
        f.op(Op::Nop { what: "nop".into() });
        f.op(Op::Nop { what: "nop".into() });
        f.op(Op::Nvic { op: NvicOp::Enable, irq: ContextId(1) });
        f.op(Op::Nop { what: "nop".into() });
        f.ret();
    });
    let tick = b.function("on_tick", 0, |f| {
        f.ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    let h = b.handler("TIMER0", 8, 1, tick);
    b.source("TIMER0", Some(h), Trigger::Edge, 1);
    let p = b.build();
    let s = run(&p, "TIMER0@1");
    assert_eq!(first_entry_step(&s, "TIMER0"), 5);
}

// A core that spun on a lock is not stuck for good: once the other core
// releases the lock (and even finishes), the spinning handler claims it on
// its next step, and the run goes on instead of ending as starvation.
#[test]
fn a_spin_on_the_other_cores_lock_ends_when_it_is_released() {
    let p = two_core_counter(true, 1, true);
    // TIMER0 enters on core 0 and disables interrupts; core 1 claims the
    // lock; core 0 spins once; then core 1 runs its whole section and ends.
    let core1: Vec<String> = (7..=13).map(|s| format!("core1@{s}")).collect();
    let schedule = format!("TIMER0@0,core0@1,core0@2,core1@3,core1@4,core1@5,core0@6,{}", core1.join(","));
    let s = run(&p, &schedule);
    assert!(!has_outcome(&s, "starvation"), "{:?}", s.outcomes());
    assert_eq!(value(&s, "COUNT"), 3);
}

// Every step carries the registers a view shows (ARMv7-M B1.5.4): after
// `MSR BASEPRI, 0x40` on a 3-bit device the level is 2, the execution
// priority is 2, and a pended LOW shows as pending until it is taken.
#[test]
fn each_step_carries_its_register_snapshot() {
    let p = masked_main(false, Some(0x40));
    let s = run(&p, "LOW@2");
    let after_write = &s.trace()[0];
    let core = &after_write.registers.cores[0];
    assert_eq!((core.basepri, core.basepri_level, core.execution_priority), (0x40, Some(2), 2));
    let low = context(&p, "LOW").0 as usize;
    let pended = s.trace().iter().find(|r| r.registers.exceptions[low].pending).expect("LOW pending");
    assert!(pended.index >= 2);
    let entered = s.trace().iter().find(|r| r.registers.cores[0].stack.len() == 2).expect("LOW entered");
    assert_eq!(entered.registers.cores[0].execution_priority, 3, "LOW's own priority");
    assert!(!entered.registers.exceptions[low].pending && entered.registers.exceptions[low].active);
}

// RP2040 datasheet 2.3.2: each core has its own NVIC. `NVIC::pend` on core 1
// does not pend a handler that core 0 runs; on core 0 it does.
#[test]
fn an_nvic_write_reaches_only_its_own_core() {
    for (pending_core, taken) in [(1u8, false), (0, true)] {
        let mut b = ProgramBuilder::new(Target::Armv6m, 2);
        let ran = b.scalar("RAN", Ty::U32, LocationKind::Atomic, 0);
        let body = b.function("on_swi", 0, |f| {
            f.op(Op::AtomicStore { place: Place::at(ran), src: Operand::Const(1), ordering: Ordering::Relaxed });
            f.ret();
        });
        let idle = b.function("idle", 0, |f| {
            f.op(Op::Nop { what: "nop".into() });
            f.ret();
        });
        // Declared first so the pend below can name it.
        let h = b.handler_on("SWI", 0, 16, 1, body, true);
        let pend = b.function("pend", 0, |f| {
            f.op(Op::Nvic { op: NvicOp::Pend, irq: h });
            f.op(Op::Nop { what: "nop".into() });
            f.ret();
        });
        let (c0, c1) = if pending_core == 1 { (idle, pend) } else { (pend, idle) };
        b.thread("core0", 0, &[(c0, 1)]);
        b.thread("core1", 1, &[(c1, 1)]);
        let s = run(&b.build(), "");
        assert_eq!(value(&s, "RAN") == 1, taken, "pend from core {pending_core}");
    }
}

/// Builds `b` with `main` as the thread (run once) and `tick` as TIMER0's
/// handler (IRQ 8, priority 1, one edge event).
fn main_and_timer0(mut b: ProgramBuilder, main: FuncId, tick: FuncId) -> Program {
    b.thread("main", 0, &[(main, 1)]);
    let h = b.handler("TIMER0", 8, 1, tick);
    b.source("TIMER0", Some(h), Trigger::Edge, 1);
    b.build()
}

/// Main reads FLAG, and sleeps with `sleep` (WFI or WFE) when it is 0, then
/// sets WOKE; TIMER0's handler sets FLAG. Main runs `before` first.
fn check_then_sleep(sleep: Op, before: &[Op]) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let flag = b.scalar("FLAG", Ty::U32, LocationKind::Plain, 0);
    let woke = b.scalar("WOKE", Ty::U32, LocationKind::Plain, 0);
    let main = b.function("main_loop", 0, |f| {
        for op in before {
            f.op(op.clone());
        }
        let r = f.local();
        f.load(r, flag);
        let at = f.here();
        f.op(Op::Branch { cond: Operand::Local(r), then_target: at + 2, else_target: at + 1 });
        f.op(sleep);
        f.store(woke, Operand::Const(1));
        f.ret();
    });
    let tick = b.function("on_tick", 0, |f| {
        f.store(flag, Operand::Const(1));
        f.ret();
    });
    main_and_timer0(b, main, tick)
}

fn sleeps_forever(s: &Session) -> bool {
    s.outcomes().iter().any(|o| matches!(o, Outcome::Hang { .. } | Outcome::NeverFinishes { .. }))
}

fn wfe_events(s: &Session) -> Vec<(bool, bool)> {
    s.trace()
        .iter()
        .flat_map(|r| r.events.iter())
        .filter_map(|e| match e {
            Event::Wfe { event_was_set, returned_early, .. } => Some((*event_was_set, *returned_early)),
            _ => None,
        })
        .collect()
}

// ARMv7-M B1.5.18: "Any WFE wake-up event, or the execution of an exception
// return instruction, sets the Event Register", and a WFE that finds it set
// clears it and does not sleep. An interrupt between main's check and its
// WFE leaves the event register set: the WFE returns and main goes on. The
// same gap before a WFI sleeps through the event (the lost wake-up).
#[test]
fn exception_return_sets_the_event_register_so_a_wfe_after_it_does_not_sleep() {
    let s = run(&check_then_sleep(Op::Wfe, &[]), "TIMER0@1");
    assert_eq!(value(&s, "FLAG"), 1);
    assert_eq!(value(&s, "WOKE"), 1);
    assert!(!sleeps_forever(&s), "{:?}", s.outcomes());
    assert_eq!(wfe_events(&s), vec![(true, false)], "the WFE found the event register set");
    let s = run(&check_then_sleep(Op::Wfi, &[]), "TIMER0@1");
    assert_eq!(value(&s, "WOKE"), 0);
    assert!(sleeps_forever(&s), "WFI sleeps through it: {:?}", s.outcomes());
}

// B1.5.18: a WFE with the event register clear sleeps until a wake-up event;
// an exception that preempts is one: the handler runs, main goes on.
#[test]
fn wfe_sleeps_until_an_interrupt_is_taken() {
    let p = check_then_sleep(Op::Wfe, &[]);
    let s = run(&p, "TIMER0@5");
    assert_eq!(value(&s, "WOKE"), 1);
    assert_eq!(wfe_events(&s), vec![(false, false)], "the WFE slept");
    assert!(first_entry_step(&s, "TIMER0") >= 5);
    // With no event at all, main sleeps for ever: a hang.
    let s = run(&p, "");
    assert_eq!(value(&s, "WOKE"), 0);
    assert!(sleeps_forever(&s), "{:?}", s.outcomes());
    assert!(
        s.outcomes().iter().any(|o| o.explain(&p).contains("an event (WFE)")),
        "{:?}",
        s.outcomes().iter().map(|o| o.explain(&p)).collect::<Vec<_>>()
    );
}

// Unlike WFI (B1.5.19), WFE is not woken by an interrupt that PRIMASK
// masks: only an exception that preempts is a wake-up event (B1.5.18; with
// SCR.SEVONPEND clear, its reset value).
#[test]
fn wfe_with_primask_set_is_not_woken_by_the_masked_interrupt() {
    let p = check_then_sleep(Op::Wfe, &[Op::DisableInterrupts]);
    let s = run(&p, "TIMER0@5");
    assert_eq!(value(&s, "WOKE"), 0);
    assert!(sleeps_forever(&s), "{:?}", s.outcomes());
    let p = check_then_sleep(Op::Wfi, &[Op::DisableInterrupts]);
    let s = run(&p, "TIMER0@5");
    assert_eq!(value(&s, "WOKE"), 1, "WFI wakes on it");
}

// B1.5.18: SEV is a wake-up event for every processor, the one that runs it
// included: the event register is set and the next WFE does not sleep.
#[test]
fn sev_sets_the_event_register_so_the_next_wfe_does_not_sleep() {
    let s = run(&check_then_sleep(Op::Wfe, &[Op::Sev]), "");
    assert_eq!(value(&s, "WOKE"), 1);
    assert_eq!(wfe_events(&s), vec![(true, false)]);
    let s = run(&check_then_sleep(Op::Wfe, &[Op::Nop { what: "nop".into() }]), "");
    assert!(sleeps_forever(&s), "without the SEV it sleeps: {:?}", s.outcomes());
}

/// Core 1 sleeps in WFE, then sets WOKE; core 0 runs `signal` after a few
/// nops.
fn wfe_on_core1(signal: Op) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv6m, 2);
    let woke = b.scalar("WOKE", Ty::U32, LocationKind::Plain, 0);
    let sleeper = b.function("sleeper", 0, |f| {
        f.op(Op::Wfe);
        f.store(woke, Operand::Const(1));
        f.ret();
    });
    let waker = b.function("waker", 0, |f| {
        f.op(Op::Nop { what: "nop".into() });
        f.op(signal);
        f.ret();
    });
    b.thread("core0", 0, &[(waker, 1)]);
    b.thread("core1", 1, &[(sleeper, 1)]);
    b.build()
}

// B1.5.18: "the execution of an SEV instruction on any processor in the
// multiprocessor system" wakes a WFE on another core.
#[test]
fn sev_on_one_core_wakes_a_wfe_on_the_other() {
    let s = run(&wfe_on_core1(Op::Sev), "core1@0,core0@1,core0@2");
    assert_eq!(value(&s, "WOKE"), 1, "{:?}", s.outcomes());
    assert_eq!(wfe_events(&s), vec![(false, false)], "core 1 slept first");
    let s = run(&wfe_on_core1(Op::Nop { what: "nop".into() }), "core1@0,core0@1,core0@2");
    assert_eq!(value(&s, "WOKE"), 0);
    assert!(sleeps_forever(&s), "{:?}", s.outcomes());
}

// WFE is a hint: "software must assume WFE might behave as a NOP" (ARMv6-M
// and ARMv7-M, B1.5.18 / the Cortex-M generic user guides). A schedule says
// where one returns at once (`wfe@STEP`), the explorer tries it at every
// WFE that would sleep, and a `wfe@STEP` where no WFE would sleep is
// reported, not dropped.
#[test]
fn a_wfe_may_return_at_once_and_the_explorer_tries_it() {
    let p = check_then_sleep(Op::Wfe, &[]);
    let s = run(&p, "wfe@2");
    assert_eq!(value(&s, "WOKE"), 1, "main went on with no event");
    assert_eq!(value(&s, "FLAG"), 0);
    assert_eq!(wfe_events(&s), vec![(false, true)]);
    assert!(s.not_applied().is_empty(), "{:?}", s.not_applied());
    let s = run(&p, "wfe@1");
    assert_eq!(s.not_applied().len(), 1, "step 1 is the branch, not a WFE");
    let report = explore::Explorer::new(p.clone(), explore::ExploreConfig::default()).expect("valid").run();
    assert!(report.complete);
    let woke_without_event = report
        .outcomes
        .iter()
        .any(|o| o.finals.contains(&("WOKE".into(), "1".into())) && o.finals.contains(&("FLAG".into(), "0".into())));
    assert!(woke_without_event, "{:#?}", report.outcomes);
    let text = Schedule::parse("wfe@2", &p).expect("parses").to_text(&p);
    assert_eq!(text, "wfe@2");
}

// Sleep is modelled in thread mode only (SEMANTICS.md §1): a WFI or WFE in
// a handler goes on at once, and the thread it returns to is not asleep.
#[test]
fn a_wfi_or_wfe_in_a_handler_leaves_the_thread_awake() {
    for sleep in [Op::Wfi, Op::Wfe] {
        let mut b = ProgramBuilder::new(Target::Armv7em, 1);
        let done = b.scalar("DONE", Ty::U32, LocationKind::Plain, 0);
        let main = b.function("main_loop", 0, |f| {
            for _ in 0..3 {
                f.op(Op::Nop { what: "nop".into() });
            }
            f.store(done, Operand::Const(1));
            f.ret();
        });
        let tick = b.function("on_tick", 0, |f| {
            f.op(sleep.clone());
            f.ret();
        });
        b.thread("main", 0, &[(main, 1)]);
        let h = b.handler("TIMER0", 8, 1, tick);
        b.source("TIMER0", Some(h), Trigger::Edge, 1);
        let s = run(&b.build(), "TIMER0@1");
        assert_eq!(value(&s, "DONE"), 1, "{sleep:?}: {:?}", s.outcomes());
        assert!(!sleeps_forever(&s), "{sleep:?}: {:?}", s.outcomes());
    }
}

// A loop is only stuck if its next iteration must do what this one did: an
// iteration whose read a handler has changed since (it ran after the read)
// is no spin, and the loop goes round to see the new value. (Found with a
// WFE that returns at once: the run ended as if main waited for ever.)
#[test]
fn a_loop_whose_read_was_changed_after_it_is_not_a_spin() {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let x = b.scalar("X", Ty::U32, LocationKind::Atomic, 0);
    let done = b.scalar("DONE", Ty::U32, LocationKind::Plain, 0);
    let main = b.function("main_loop", 0, |f| {
        let r = f.local();
        f.op(Op::AtomicLoad { dst: r, place: Place::at(x), ordering: Ordering::Relaxed }); // 0
        f.op(Op::Branch { cond: Operand::Local(r), then_target: 4, else_target: 2 }); // 1
        f.op(Op::Nop { what: "nop".into() }); // 2
        f.op(Op::Jump { target: 0 }); // 3
        f.store(done, Operand::Const(1)); // 4
        f.ret();
    });
    let tick = b.function("on_tick", 0, |f| {
        f.op(Op::AtomicStore { place: Place::at(x), src: Operand::Const(1), ordering: Ordering::Relaxed });
        f.ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    let h = b.handler("TIMER0", 8, 1, tick);
    b.source("TIMER0", Some(h), Trigger::Edge, 1);
    let p = b.build();
    // The second iteration reads X at step 4; TIMER0 sets it just after.
    let s = run(&p, "TIMER0@5");
    assert_eq!(value(&s, "DONE"), 1, "{:?}", s.outcomes());
    assert!(!sleeps_forever(&s), "{:?}", s.outcomes());
    let report = explore::Explorer::new(p, explore::ExploreConfig::default()).expect("valid").run();
    // Every run in which the handler ran ends with main done (a run with
    // no event ends with main waiting on X, as it should).
    let handled = |o: &&explore::OutcomeCount| o.finals.contains(&("X".into(), "1".into()));
    assert!(report.outcomes.iter().filter(handled).count() > 0);
    assert!(
        report.outcomes.iter().filter(handled).all(|o| o.finals.contains(&("DONE".into(), "1".into()))),
        "{:#?}",
        report.outcomes
    );
}

// The stack (docs/SEMANTICS.md §1 "Stack"). ARMv7-M B1.5.6 PushStack: an
// exception entry pushes 8 words, and (B1.5.7, CCR.STKALIGN) 4 bytes of
// padding when SP was not 8-byte aligned, which the model always counts;
// each function frame counts its saved registers (40 bytes) and its arrays.
const EXCEPTION_FRAME: u32 = 8 * 4 + 4;
const FUNCTION_FRAME: u32 = 40;

/// The `always` property "the stack fits": `stack_bytes() <= limit`.
fn stack_fits(b: &mut ProgramBuilder, limit: u64) {
    b.property("the stack fits", PropertyWhen::Always, |f| {
        let (bytes, ok) = (f.local(), f.local());
        f.op(Op::StackBytes { dst: bytes });
        f.op(Op::Binary {
            op: BinOp::Le,
            ty: Ty::U32,
            dst: ok,
            lhs: Operand::Local(bytes),
            rhs: Operand::Const(limit),
        });
        f.op(Op::Return { value: Some(Operand::Local(ok)) });
    });
}

/// `three_handlers` with A's function keeping a 13-byte array (16 with
/// alignment) and an `always` property `stack_bytes() <= limit`.
fn nesting_handlers(limit: u64) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    add_three_handlers(&mut b, [3, 2, 1], 3, 1);
    stack_fits(&mut b, limit);
    let mut p = b.build();
    let on_a = p.functions.iter().position(|f| f.name == "on_A").expect("A's function");
    p.functions[on_a].frame_bytes = 13;
    p
}

/// The schedule that nests A, B and C: each arrives once the one below runs.
fn nested_schedule(p: &Program) -> String {
    let s = run(p, "A@0");
    let a = s.trace().iter().find(|r| is_instr(p, r, "A", 1)).expect("A runs").index;
    let s = run(p, &format!("A@0,B@{a}"));
    let b = s.trace().iter().find(|r| is_instr(p, r, "B", 1)).expect("B runs").index;
    format!("A@0,B@{a},C@{b}")
}

#[test]
fn stack_counts_each_exception_frame_and_each_function_frame() {
    let p = nesting_handlers(1_000);
    let s = run(&p, &nested_schedule(&p));
    let bytes = |r: &StepRecord| r.registers.cores[0].stack_bytes;
    // Main alone: its frame.
    let first_main = s.trace().iter().find(|r| r.stack.len() == 1).expect("main runs");
    assert_eq!(bytes(first_main), FUNCTION_FRAME);
    let deepest = s.trace().iter().map(bytes).max().expect("steps");
    let a = EXCEPTION_FRAME + FUNCTION_FRAME + 16;
    let b_or_c = EXCEPTION_FRAME + FUNCTION_FRAME;
    assert_eq!(deepest, FUNCTION_FRAME + a + 2 * b_or_c);
    // When C runs, all three are stacked over main.
    let c_runs = s.trace().iter().find(|r| is_instr(&p, r, "C", 1)).expect("C runs");
    assert_eq!(c_runs.stack.len(), 4);
    assert_eq!(bytes(c_runs), deepest);
    // Once every handler has returned, main's frame alone again.
    let main_again = s.trace()[c_runs.index as usize..]
        .iter()
        .find(|r| r.stack.len() == 1 && matches!(r.kind, StepKind::Instr { pc: 1.., .. }));
    assert_eq!(main_again.map(bytes), Some(FUNCTION_FRAME));
    // And none once main has returned from its last call.
    assert_eq!(s.trace().last().map(bytes), Some(0));
}

#[test]
fn stack_the_explorer_finds_the_worst_nesting_and_a_property_bounds_it() {
    let worst = FUNCTION_FRAME + (EXCEPTION_FRAME + FUNCTION_FRAME + 16) + 2 * (EXCEPTION_FRAME + FUNCTION_FRAME);
    let tight = Explorer::new(nesting_handlers(u64::from(worst) - 1), ExploreConfig::default()).expect("valid").run();
    assert!(tight.complete);
    assert_eq!(tight.max_stack_bytes, Some(worst));
    let fits = |r: &Report| r.properties.iter().find(|p| p.name == "the stack fits").map(|p| p.verdict);
    assert_eq!(fits(&tight), Some(Verdict::Violated));
    let roomy = Explorer::new(nesting_handlers(u64::from(worst)), ExploreConfig::default()).expect("valid").run();
    assert_eq!(fits(&roomy), Some(Verdict::Holds));
    assert_eq!(roomy.max_stack_bytes, Some(worst));
    // With C unable to nest over B (the same priority), one frame less.
    let mut p = nesting_handlers(u64::from(worst));
    for c in &mut p.contexts {
        if let ContextKind::Handler { priority, .. } = &mut c.kind
            && c.name == "C"
        {
            *priority = 2;
        }
    }
    let flat = Explorer::new(p, ExploreConfig::default()).expect("valid").run();
    assert_eq!(flat.max_stack_bytes, Some(worst - (EXCEPTION_FRAME + FUNCTION_FRAME)));
    // A program that reads no stack depth reports none.
    let plain = Explorer::new(three_handlers([3, 2, 1], 1), ExploreConfig::default()).expect("valid").run();
    assert_eq!(plain.max_stack_bytes, None);
}

#[test]
fn stack_an_inlined_callee_brings_its_arrays_into_the_caller_frame() {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let fill = b.function("fill", 0, |f| {
        f.op(Op::Nop { what: "nop".into() });
        f.ret();
    });
    let main = b.function("main_loop", 0, |f| {
        f.op(Op::Call { func: fill, args: Vec::new(), ret: None });
        f.op(Op::Call { func: fill, args: Vec::new(), ret: None });
        f.ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    let mut p = b.build();
    p.functions[fill.0 as usize].frame_bytes = 8;
    p.functions[main.0 as usize].frame_bytes = 4;
    assert!(p.inline_calls().is_empty());
    // One copy of the callee's array per call site, as for its locals.
    assert_eq!(p.functions[main.0 as usize].frame_bytes, 4 + 8 + 8);
    let s = run(&p, "");
    assert_eq!(s.trace()[0].registers.cores[0].stack_bytes, FUNCTION_FRAME + 24);
}

/// Main with a masked region (PRIMASK) between local steps, then `times`
/// calls; handlers A < B < C in urgency with frames of 8, 16 and 0 array
/// bytes, each a few local steps; `always stack_bytes() <= limit`.
fn masked_nesting(limit: u64) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let work = b.function("work", 0, |f| {
        f.op(Op::Nop { what: "nop".into() });
        f.op(Op::DisableInterrupts);
        f.op(Op::Busy { cycles: 4 });
        f.op(Op::Busy { cycles: 4 });
        f.op(Op::EnableInterrupts);
        f.op(Op::Nop { what: "nop".into() });
        f.ret();
    });
    b.thread("main", 0, &[(work, 2)]);
    for (i, (name, priority)) in [("A", 3), ("B", 2), ("C", 1)].into_iter().enumerate() {
        let body = b.function(&format!("on_{name}"), 0, |f| {
            f.op(Op::Busy { cycles: 2 });
            f.op(Op::Busy { cycles: 2 });
            f.ret();
        });
        let h = b.handler(name, i as u16, priority, body);
        b.source(name, Some(h), Trigger::Edge, 1);
    }
    stack_fits(&mut b, limit);
    let mut p = b.build();
    for (name, bytes) in [("on_A", 8), ("on_B", 16), ("work", 24)] {
        let f = p.functions.iter().position(|f| f.name == name).expect("function");
        p.functions[f].frame_bytes = bytes;
    }
    p
}

/// The deepest stack of every machine reachable by any sequence of moves
/// (`Machine::enabled_moves`, no merging, no reduction).
fn deepest_by_enumeration(p: &Program, m: Machine, deepest: &mut u32) {
    *deepest = (*deepest).max(m.deepest_stack(p));
    if m.status() != Status::Running {
        return;
    }
    for mv in m.enabled_moves(p, |_, _| true) {
        let mut child = m.clone();
        match mv {
            Move::Arrive(s) => {
                child.arrive_now(p, s);
            }
            Move::Finish => {
                child.finish(p);
            }
            Move::Step { core, reorder } => {
                let choice = Choice { core, reorder, ..Choice::default() };
                child.step(p, &choice, false).expect("a valid step");
            }
            Move::WfeReturns { core } => {
                let choice = Choice { core, wfe_returns: true, ..Choice::default() };
                child.step(p, &choice, false).expect("a valid step");
            }
        }
        deepest_by_enumeration(p, child, deepest);
    }
}

// The explorer's reductions keep the worst-case stack exact (SEMANTICS.md
// §5, rules 2 and 4): its deepest stack equals plain enumeration's, and the
// property's verdict flips exactly there.
#[test]
fn stack_the_explorers_worst_case_equals_plain_enumeration() {
    let p = masked_nesting(1_000);
    let mut deepest = 0;
    deepest_by_enumeration(&p, Machine::new(&p, Bounds::default()), &mut deepest);
    let nested = FUNCTION_FRAME + 24 + (EXCEPTION_FRAME + FUNCTION_FRAME + 8) + (EXCEPTION_FRAME + FUNCTION_FRAME + 16);
    assert_eq!(deepest, nested + EXCEPTION_FRAME + FUNCTION_FRAME, "all three nest over main's frame");
    for limit in [deepest - 1, deepest] {
        let r = Explorer::new(masked_nesting(u64::from(limit)), ExploreConfig::default()).expect("valid").run();
        assert!(r.complete);
        assert_eq!(r.max_stack_bytes, Some(deepest));
        let verdict = r.properties.iter().find(|p| p.name == "the stack fits").map(|p| p.verdict);
        assert_eq!(verdict, Some(if limit < deepest { Verdict::Violated } else { Verdict::Holds }));
    }
}

// ---- DMA (docs/SEMANTICS.md §1 "DMA") ----

/// main runs `prologue`, starts a two-byte transfer into BUF, then runs
/// `epilogue`; the transfer's end pends UARTE (priority 1), whose handler
/// reads both bytes into SEEN0 and SEEN1. BUF receives 5, 6.
fn dma_program(
    prologue: impl FnOnce(&mut FnBuilder, Location),
    epilogue: impl FnOnce(&mut FnBuilder, Location, Location),
) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let buf = b.array("BUF", Ty::U8, LocationKind::Plain, &[0, 0]);
    let seen = b.array("SEEN", Ty::U8, LocationKind::Plain, &[0, 0]);
    let main_saw = b.scalar("MAIN_SAW", Ty::U8, LocationKind::Plain, 9);
    let handler = b.function("on_end", 0, |f| {
        for i in 0..2 {
            let t = f.local();
            f.load(t, Location(buf.0 + i));
            f.store(Location(seen.0 + i), Operand::Local(t));
        }
        f.ret();
    });
    let h = b.handler("UARTE", 2, 1, handler);
    let source = b.dma_source("UARTE", Some(h), &[5, 6], 2);
    let main = b.function("main_fn", 0, |f| {
        prologue(f, buf);
        f.op(Op::DmaStart { source, buffer: buf, len: 2 });
        epilogue(f, buf, main_saw);
        f.ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    b.build()
}

// nRF52833 PS, UARTE "EasyDMA": the peripheral writes the bytes it receives
// into RXD.PTR, up to RXD.MAXCNT, and ENDRX comes when the last is in RAM.
// The model: a byte arrives only while a transfer runs, each writes the next
// location, and the last ends the transfer and pends the handler.
#[test]
fn dma_bytes_fill_the_buffer_in_order_and_the_last_raises_the_event() {
    let p = dma_program(|_, _| {}, |_, _, _| {});
    let s = run(&p, "UARTE@0,UARTE@1,UARTE@2");
    let not_applied: Vec<&String> = s.not_applied().iter().map(|(_, why)| why).collect();
    assert_eq!(not_applied.len(), 1, "the byte before the start has no transfer to go to: {not_applied:?}");
    assert!(not_applied[0].contains("no DMA transfer of UARTE runs"), "{not_applied:?}");
    assert_eq!((value(&s, "BUF[0]"), value(&s, "BUF[1]")), (5, 6));
    assert_eq!((value(&s, "SEEN[0]"), value(&s, "SEEN[1]")), (5, 6), "the handler ran after the last byte");
    assert_eq!(entered(&s), ["UARTE"]);
    assert!(!s.machine().dma_running(SourceId(0)), "the last byte ended the transfer");
    // One byte in: the transfer still runs and nothing is pended.
    let s = run(&p, "UARTE@1");
    assert!(s.machine().dma_running(SourceId(0)));
    assert_eq!(s.machine().dma_bytes_left(SourceId(0)), 1);
    assert!(entered(&s).is_empty());
}

// The Rust reference ("Behavior considered undefined": data races): a byte
// the DMA writes and a plain access by the code race unless something
// orders them. The handler entered at the transfer's end is ordered after
// every byte; main reading the buffer while the transfer runs is not.
#[test]
fn dma_a_read_while_the_transfer_runs_races_and_the_handler_at_its_end_does_not() {
    let read_back = |f: &mut FnBuilder, buf: Location, saw: Location| {
        let t = f.local();
        f.load(t, buf);
        f.store(saw, Operand::Local(t));
    };
    let p = dma_program(|_, _| {}, read_back);
    // Both bytes before main's read: main has acquired nothing since.
    let s = run(&p, "UARTE@1,UARTE@1");
    assert!(has_outcome(&s, "data-race"), "{:?}", s.outcomes());
    let race = s.outcomes().iter().find(|o| o.label() == "data-race").expect("a race");
    assert!(race.explain(&p).contains("the DMA of UARTE wrote it"), "{}", race.explain(&p));
    // Only the handler reads: no race, whatever the arrival points.
    let p = dma_program(|_, _| {}, |_, _, _| {});
    let report = Explorer::new(p, ExploreConfig::default()).expect("valid").run();
    assert!(report.complete);
    assert!(report.properties.iter().all(|r| r.verdict == Verdict::Holds), "{:?}", report.properties);
}

// Polling the end instead: `board::event_pending` is a volatile read, and a
// plain load after it may be emitted before it (LangRef: volatile orders
// only against volatile) and is not ordered after the bytes either. A
// `compiler_fence(Acquire)` after the poll is the acquire point that the
// transfer's end published its bytes to, and keeps the load after the poll.
#[test]
fn dma_a_polled_end_needs_an_acquire_fence_before_the_reads() {
    let poll_then_read = |fence: bool| {
        move |f: &mut FnBuilder, buf: Location, saw: Location| {
            let (done, t) = (f.local(), f.local());
            // Wait for the end: spin on the event flag.
            let top = f.here();
            f.op(Op::ReadEvent { dst: done, source: SourceId(0) });
            f.op(Op::Branch { cond: Operand::Local(done), then_target: top + 2, else_target: top });
            if fence {
                f.op(Op::Fence { ordering: Ordering::Acquire, compiler_only: true });
            }
            f.load(t, buf);
            f.store(saw, Operand::Local(t));
        }
    };
    let verdict = |fence: bool| {
        let mut b = dma_program(|_, _| {}, poll_then_read(fence));
        // Polled: the handler never runs (its source still ends the transfer).
        b.contexts.retain(|c| c.is_thread());
        b.sources[0].handler = None;
        let report = Explorer::new(b, ExploreConfig::default()).expect("valid").run();
        assert!(report.complete);
        report.properties.iter().find(|r| r.name == "no undefined behavior").map(|r| r.verdict)
    };
    assert_eq!(verdict(false), Some(Verdict::Violated), "without the fence the read races with the bytes");
    assert_eq!(verdict(true), Some(Verdict::Holds), "the fence orders the read after the transfer's end");
}

// The start is a volatile write (TASKS_STARTRX): a plain store before it may
// be emitted after it, into a buffer the peripheral already owns, unless a
// `compiler_fence(Release)` keeps it before the start (the Embedonomicon's
// DMA chapter; LangRef "volatile").
#[test]
fn dma_a_store_before_the_start_may_sink_past_it_without_a_release_fence() {
    let verdict = |fence: bool| {
        let p = dma_program(
            |f, buf| {
                f.store(Location(buf.0 + 1), Operand::Const(1));
                if fence {
                    f.op(Op::Fence { ordering: Ordering::Release, compiler_only: true });
                }
            },
            |_, _, _| {},
        );
        let report = Explorer::new(p, ExploreConfig::default()).expect("valid").run();
        assert!(report.complete);
        report.properties.iter().find(|r| r.name == "no undefined behavior").map(|r| r.verdict)
    };
    assert_eq!(verdict(false), Some(Verdict::Violated));
    assert_eq!(verdict(true), Some(Verdict::Holds));
}

// One transfer at a time: a start while one runs is reported, and the run
// goes on with the new transfer (nothing halts the core).
#[test]
fn dma_a_start_while_one_runs_is_reported_and_the_run_goes_on() {
    let p = dma_program(|_, _| {}, |_, _, _| {});
    let mut again = p.clone();
    let main = again.functions.iter().position(|f| f.name == "main_fn").expect("main");
    let start = again.functions[main].body.iter().position(|i| matches!(i.op, Op::DmaStart { .. })).expect("a start");
    let op = again.functions[main].body[start].clone();
    again.functions[main].body.insert(start, op);
    let s = run(&again, "UARTE@1,UARTE@2,UARTE@2");
    assert!(has_outcome(&s, "dma-busy"), "{:?}", s.outcomes());
    assert_eq!(entered(&s), ["UARTE"], "the second transfer received both bytes");
    assert_eq!(s.machine().status(), Status::Finished);
}

// Compiler reordering across a sleep (docs/SEMANTICS.md §2): cortex-m's
// `wfi`, `wfe` and `sev` are `asm!` with `nomem`, which orders no memory
// access, and a load may be run early (LangRef: loads from dereferenceable
// memory may be speculated). So a Relaxed load after the sleep may be read
// before it, and the value used after waking is stale. A store is not run
// early (the asm is not `willreturn`), and an Acquire load or a
// `compiler_fence(SeqCst)` after the sleep keeps the read after it.

/// Main sleeps with `sleep`, runs `after`, reads FLAG with `read` into
/// SEEN; TIMER0's handler (one event) sets FLAG. In program order a WFI
/// sleeps until TIMER0 has run, so every run that finishes reads 1.
fn sleep_then_read(sleep: Op, after: &[Op], read: Ordering) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let flag = b.scalar("FLAG", Ty::U32, LocationKind::Atomic, 0);
    let seen = b.scalar("SEEN", Ty::U32, LocationKind::Plain, 9);
    let main = b.function("main_loop", 0, |f| {
        f.op(sleep); // 0
        for op in after {
            f.op(op.clone());
        }
        let r = f.local();
        f.op(Op::AtomicLoad { dst: r, place: Place::at(flag), ordering: read });
        f.store(seen, Operand::Local(r));
        f.ret();
    });
    let tick = b.function("on_tick", 0, |f| {
        f.op(Op::AtomicStore { place: Place::at(flag), src: Operand::Const(1), ordering: Ordering::Relaxed });
        f.ret();
    });
    main_and_timer0(b, main, tick)
}

/// Whether the explorer finds a run that finishes (no hang) with SEEN 0:
/// a stale FLAG used after waking.
fn stale_read_found(p: &Program) -> bool {
    let report = explore::Explorer::new(p.clone(), explore::ExploreConfig::default()).expect("valid").run();
    assert!(report.complete);
    report.outcomes.iter().any(|o| {
        o.labels.iter().all(|l| l != "hang" && l != "never-finishes")
            && o.finals.contains(&("SEEN".into(), "0".into()))
            && o.finals.contains(&("FLAG".into(), "1".into()))
    })
}

#[test]
fn a_relaxed_load_after_wfi_may_be_read_before_the_sleep() {
    let p = sleep_then_read(Op::Wfi, &[], Ordering::Relaxed);
    assert!(stale_read_found(&p), "the explorer finds the stale read");
    // reorder@0 reads FLAG (pc 1) before the WFI at step 0; the WFI sleeps;
    // TIMER0 sets FLAG and wakes main, which stores the 0 it read.
    let s = run(&p, "reorder@0,TIMER0@2");
    assert!(s.not_applied().is_empty(), "{:?}", s.not_applied());
    assert_eq!(value(&s, "FLAG"), 1);
    assert_eq!(value(&s, "SEEN"), 0, "the value read before the sleep is used after it");
    assert!(!sleeps_forever(&s), "{:?}", s.outcomes());
    assert_eq!(entered(&s), vec!["TIMER0"]);
    // In program order the same arrival is read after waking.
    let s = run(&p, "TIMER0@2");
    assert_eq!(value(&s, "SEEN"), 1);
}

#[test]
fn a_fence_or_an_acquire_load_after_wfi_keeps_the_read_after_the_sleep() {
    let fence = Op::Fence { ordering: Ordering::SeqCst, compiler_only: true };
    for (after, read) in [(vec![fence], Ordering::Relaxed), (vec![], Ordering::Acquire), (vec![], Ordering::SeqCst)] {
        let p = sleep_then_read(Op::Wfi, &after, read);
        assert!(!stale_read_found(&p), "{after:?} {read:?}");
        let s = run(&p, "reorder@0,TIMER0@2");
        assert_eq!(s.not_applied().len(), 1, "{after:?} {read:?}: nothing may run before the WFI");
    }
}

/// Main sleeps with `sleep`, then sets DONE (Relaxed); TIMER0's handler
/// copies DONE into OBSERVED. In program order the handler that wakes main
/// runs before the store.
fn sleep_then_store(sleep: Op) -> Program {
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let done = b.scalar("DONE", Ty::U32, LocationKind::Atomic, 0);
    let observed = b.scalar("OBSERVED", Ty::U32, LocationKind::Atomic, 9);
    let main = b.function("main_loop", 0, |f| {
        f.op(sleep);
        f.op(Op::AtomicStore { place: Place::at(done), src: Operand::Const(1), ordering: Ordering::Relaxed });
        f.ret();
    });
    let tick = b.function("on_tick", 0, |f| {
        let d = f.local();
        f.op(Op::AtomicLoad { dst: d, place: Place::at(done), ordering: Ordering::Relaxed });
        f.op(Op::AtomicStore { place: Place::at(observed), src: Operand::Local(d), ordering: Ordering::Relaxed });
        f.ret();
    });
    main_and_timer0(b, main, tick)
}

#[test]
fn a_store_after_a_sleep_is_never_run_before_it() {
    for sleep in [Op::Wfi, Op::Wfe] {
        let p = sleep_then_store(sleep.clone());
        let s = run(&p, "reorder@0");
        assert_eq!(s.not_applied().len(), 1, "{sleep:?}: the store is not offered early");
        let report = explore::Explorer::new(p.clone(), explore::ExploreConfig::default()).expect("valid").run();
        assert!(report.complete);
        let woken = |o: &&explore::OutcomeCount| {
            o.labels.iter().all(|l| l != "hang" && l != "never-finishes")
                && !o.finals.contains(&("OBSERVED".into(), "9".into()))
        };
        assert!(report.outcomes.iter().filter(woken).count() > 0, "{sleep:?}: {:#?}", report.outcomes);
        // Only a WFE that returns at once lets the handler run after the store.
        let store_seen =
            report.outcomes.iter().filter(woken).any(|o| o.finals.contains(&("OBSERVED".into(), "1".into())));
        assert_eq!(store_seen, sleep == Op::Wfe, "{sleep:?}: {:#?}", report.outcomes);
        let s = run(&p, "reorder@0,TIMER0@2");
        assert_eq!(value(&s, "OBSERVED"), 0, "{sleep:?}: the handler that wakes main runs before the store");
    }
}

// WFE: the same load may be read before it. (On one core a WFE that
// returns at once, `wfe@STEP`, reaches the same memories, so the replay
// shows that this WFE really slept while the stale value waited.)
#[test]
fn a_relaxed_load_after_wfe_may_be_read_before_the_sleep() {
    let p = sleep_then_read(Op::Wfe, &[], Ordering::Relaxed);
    let s = run(&p, "reorder@0,TIMER0@2");
    assert!(s.not_applied().is_empty(), "{:?}", s.not_applied());
    assert_eq!(wfe_events(&s), vec![(false, false)], "the WFE slept");
    assert_eq!(value(&s, "FLAG"), 1);
    assert_eq!(value(&s, "SEEN"), 0, "the value read before the sleep is used after it");
    assert!(stale_read_found(&p));
    let fence = Op::Fence { ordering: Ordering::SeqCst, compiler_only: true };
    for (after, read) in [(vec![fence], Ordering::Relaxed), (vec![], Ordering::Acquire)] {
        let p = sleep_then_read(Op::Wfe, &after, read);
        let s = run(&p, "reorder@0,TIMER0@2");
        assert_eq!(s.not_applied().len(), 1, "{after:?} {read:?}: nothing may run before the WFE");
        assert_eq!(value(&s, "SEEN"), 1, "{after:?} {read:?}");
    }
}
