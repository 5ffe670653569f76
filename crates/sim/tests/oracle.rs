//! The explorer against a brute-force oracle (docs/SEMANTICS.md, "The
//! explorer's reductions"): on small generated programs, a plain depth-first
//! enumeration of every choice the machine offers (every arrival point,
//! every early access the compiler may take, no state merging and no
//! local-step rule) must reach the same set of final memories, and give each
//! property the same verdict, as the explorer.

use std::collections::BTreeSet;

use irqlab_sim::build::{FnBuilder, ProgramBuilder};
use irqlab_sim::explore::{ExploreConfig, Explorer, Verdict, broken_property};
use irqlab_sim::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// One generated access of a handler or of main.
#[derive(Clone, Debug)]
enum Act {
    /// Atomic load of location `loc` with `ordering`, stored into the
    /// context's own result slot (so the final memory shows what it read).
    Load {
        loc: usize,
        ordering: Ordering,
    },
    Store {
        loc: usize,
        value: u64,
        ordering: Ordering,
    },
    FetchAdd {
        loc: usize,
        ordering: Ordering,
    },
    /// A plain (non-atomic) read-modify-write of the first plain location.
    PlainIncrement,
    /// A plain read of plain location `loc`, kept in the context's result
    /// slot.
    PlainLoad {
        loc: usize,
    },
    /// A plain write of `value` (0 included: a write that leaves memory as
    /// it was, so states differ only in their race history).
    PlainStore {
        loc: usize,
        value: u64,
    },
    /// `to.store(from.load(Relaxed), ordering)`: a store that depends on a
    /// load. `from` 3 is the context's own result slot, which no other
    /// context touches (an unseen load feeding a seen store).
    Copy {
        from: usize,
        to: usize,
        ordering: Ordering,
    },
    Fence(Ordering),
    /// `cortex_m::asm::wfe` (in thread mode it may sleep, or return at
    /// once: the explorer's `Move::WfeReturns`), `wfi` (it sleeps until an
    /// interrupt) and `sev`. A later load may be read before any of them
    /// (docs/SEMANTICS.md §2).
    Wfe,
    Wfi,
    Sev,
    /// `board::uarte_receive(&raw mut BUF)`: a DMA transfer into buffer
    /// `buf` (two bytes); the DMA source then writes its bytes while it
    /// runs (`SourceDecl::dma`).
    DmaStart {
        buf: usize,
    },
    /// A plain read of byte `idx` of buffer `buf`, kept in the context's
    /// result slot.
    DmaRead {
        buf: usize,
        idx: usize,
    },
    /// A plain write of byte `idx` of buffer `buf`.
    DmaWrite {
        buf: usize,
        idx: usize,
    },
    /// The accesses inside one critical section.
    Critical(Vec<Act>),
    /// `if A.load(ordering) != 0 { then }`: the message-passing shape,
    /// where whether a plain access races depends on what the load
    /// synchronized with.
    IfSet {
        loc: usize,
        ordering: Ordering,
        then: Vec<Act>,
    },
}

#[derive(Clone, Debug)]
struct Case {
    main: Vec<Act>,
    /// (priority, max arrivals, body)
    handlers: Vec<(u8, u32, Vec<Act>)>,
    /// A thread on a second core (none when empty): two threads race where
    /// one core's handlers cannot, so race histories matter in the key.
    second: Vec<Act>,
}

fn ordering() -> impl Strategy<Value = Ordering> {
    prop_oneof![
        4 => Just(Ordering::Relaxed),
        1 => Just(Ordering::Acquire),
        1 => Just(Ordering::Release),
        1 => Just(Ordering::SeqCst),
    ]
}

fn access() -> impl Strategy<Value = Act> {
    let leaf = prop_oneof![
        3 => (0..3usize, ordering()).prop_map(|(loc, o)| {
            Act::Load { loc, ordering: if o == Ordering::Release { Ordering::Relaxed } else { o } }
        }),
        3 => (0..3usize, 1..3u64, ordering()).prop_map(|(loc, value, o)| {
            Act::Store { loc, value, ordering: if o == Ordering::Acquire { Ordering::Relaxed } else { o } }
        }),
        1 => (0..3usize, ordering()).prop_map(|(loc, ordering)| Act::FetchAdd { loc, ordering }),
        1 => Just(Act::PlainIncrement),
        1 => (0..2usize).prop_map(|loc| Act::PlainLoad { loc }),
        1 => (0..2usize, 0..2u64).prop_map(|(loc, value)| Act::PlainStore { loc, value }),
        1 => ordering().prop_map(Act::Fence),
        1 => Just(Act::Wfe),
        1 => Just(Act::Sev),
        1 => Just(Act::Wfi),
        1 => (0..4usize, 0..3usize, ordering()).prop_map(|(from, to, o)| {
            Act::Copy { from, to, ordering: if o == Ordering::Acquire { Ordering::Relaxed } else { o } }
        }),
        1 => (0..2usize).prop_map(|buf| Act::DmaStart { buf }),
        1 => (0..2usize, 0..2usize).prop_map(|(buf, idx)| Act::DmaRead { buf, idx }),
        1 => (0..2usize, 0..2usize).prop_map(|(buf, idx)| Act::DmaWrite { buf, idx }),
    ];
    prop_oneof![
        8 => leaf.clone(),
        1 => prop::collection::vec(leaf.clone(), 1..3).prop_map(Act::Critical),
        1 => (0..3usize, ordering(), prop::collection::vec(leaf, 1..3)).prop_map(|(loc, o, then)| Act::IfSet {
            loc,
            ordering: if o == Ordering::Release { Ordering::Acquire } else { o },
            then,
        }),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(access(), 2..4),
        prop::collection::vec((1..4u8, 1..3u32, prop::collection::vec(access(), 1..4)), 1..3),
        prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec(access(), 1..3)],
    )
        // Plain enumeration grows exponentially with the accesses: at most
        // seven in all keeps it to about a minute for 2,000 programs
        // (larger cases found by `cargo xtask fuzz-explorer` are kept below).
        .prop_filter("small enough to enumerate", |(main, handlers, second)| {
            let one = |x: &Act| if matches!(x, Act::Copy { .. }) { 2 } else { 1 };
            let size = |a: &[Act]| {
                a.iter()
                    .map(|x| match x {
                        Act::Critical(v) => v.iter().map(one).sum(),
                        Act::IfSet { then, .. } => 1 + then.iter().map(one).sum::<usize>(),
                        _ => one(x),
                    })
                    .sum::<usize>()
            };
            // Two cores interleave step by step: five accesses there.
            let limit = if second.is_empty() { 7 } else { 5 };
            size(main) + handlers.iter().map(|h| size(&h.2)).sum::<usize>() + size(second) <= limit
        })
        .prop_map(|(main, mut handlers, second)| {
            // At most two arrivals in all, so plain enumeration stays small;
            // one when a DMA transfer adds its two bytes.
            let all = main.iter().chain(&second).chain(handlers.iter().flat_map(|h| &h.2));
            let mut left = if all.clone().any(uses_dma) { 1 } else { 2 };
            for h in &mut handlers {
                h.1 = h.1.min(left).max(1);
                left = left.saturating_sub(h.1);
            }
            Case { main, handlers, second }
        })
}

/// Whether an access starts a DMA transfer (the program then has a DMA
/// source).
fn uses_dma(a: &Act) -> bool {
    match a {
        Act::DmaStart { .. } => true,
        Act::Critical(v) | Act::IfSet { then: v, .. } => v.iter().any(uses_dma),
        _ => false,
    }
}

struct Locs {
    atomics: [Location; 3],
    plain: [Location; 2],
    /// Two two-byte DMA buffers.
    buffers: [Location; 2],
    /// The DMA source, when the program starts a transfer.
    dma: Option<SourceId>,
    /// Two cores: a critical section also takes the RP2040's spinlock, as
    /// `critical-section`'s implementation there does.
    cores: u8,
}

fn emit(f: &mut FnBuilder, locs: &Locs, result: Location, accesses: &[Act]) {
    for a in accesses {
        match a {
            Act::Load { loc, ordering } => {
                let t = f.local();
                f.op(Op::AtomicLoad { dst: t, place: Place::at(locs.atomics[*loc]), ordering: *ordering });
                f.op(Op::AtomicStore { place: Place::at(result), src: Operand::Local(t), ordering: Ordering::Relaxed });
            }
            Act::Store { loc, value, ordering } => {
                f.op(Op::AtomicStore {
                    place: Place::at(locs.atomics[*loc]),
                    src: Operand::Const(*value),
                    ordering: *ordering,
                });
            }
            Act::FetchAdd { loc, ordering } => {
                f.atomic_add(locs.atomics[*loc], 1, *ordering);
            }
            Act::PlainIncrement => {
                f.increment(locs.plain[0], Ty::U32);
            }
            Act::PlainLoad { loc } => {
                let t = f.local();
                f.load(t, locs.plain[*loc]);
                f.op(Op::AtomicStore { place: Place::at(result), src: Operand::Local(t), ordering: Ordering::Relaxed });
            }
            Act::PlainStore { loc, value } => {
                f.store(locs.plain[*loc], Operand::Const(*value));
            }
            Act::Copy { from, to, ordering } => {
                let source = if *from == 3 { result } else { locs.atomics[*from] };
                let t = f.local();
                f.op(Op::AtomicLoad { dst: t, place: Place::at(source), ordering: Ordering::Relaxed });
                f.op(Op::AtomicStore {
                    place: Place::at(locs.atomics[*to]),
                    src: Operand::Local(t),
                    ordering: *ordering,
                });
            }
            Act::Fence(ordering) => {
                f.op(Op::Fence { ordering: *ordering, compiler_only: true });
            }
            Act::DmaStart { buf } => {
                let source = locs.dma.expect("a program that starts a transfer has a DMA source");
                f.op(Op::DmaStart { source, buffer: locs.buffers[*buf], len: 2 });
            }
            Act::DmaRead { buf, idx } => {
                let t = f.local();
                f.load(t, Location(locs.buffers[*buf].0 + *idx as u32));
                f.op(Op::AtomicStore { place: Place::at(result), src: Operand::Local(t), ordering: Ordering::Relaxed });
            }
            Act::DmaWrite { buf, idx } => {
                f.store(Location(locs.buffers[*buf].0 + *idx as u32), Operand::Const(7));
            }
            Act::Wfe => {
                f.op(Op::Wfe);
            }
            Act::Wfi => {
                f.op(Op::Wfi);
            }
            Act::Sev => {
                f.op(Op::Sev);
            }
            Act::Critical(inner) if locs.cores > 1 => {
                let (saved, token) = (f.local(), f.local());
                f.op(Op::ReadPrimask { dst: saved });
                f.op(Op::DisableInterrupts);
                f.op(Op::SpinlockAcquire { lock: 31, token });
                emit(f, locs, result, inner);
                f.op(Op::SpinlockRelease { lock: 31, token: Operand::Local(token) });
                f.op(Op::RestorePrimask { saved: Operand::Local(saved) });
            }
            Act::Critical(inner) => {
                f.critical_section(|f| emit(f, locs, result, inner));
            }
            Act::IfSet { loc, ordering, then } => {
                let t = f.local();
                f.op(Op::AtomicLoad { dst: t, place: Place::at(locs.atomics[*loc]), ordering: *ordering });
                let at = f.here();
                let branch = |else_target| Op::Branch { cond: Operand::Local(t), then_target: at + 1, else_target };
                f.op(branch(at + 1));
                emit(f, locs, result, then);
                let end = f.here();
                f.patch(at, branch(end));
            }
        }
    }
}

fn program(case: &Case) -> Program {
    let cores = if case.second.is_empty() { 1 } else { 2 };
    let mut b = ProgramBuilder::new(Target::Armv7em, cores);
    let locs = Locs {
        atomics: [
            b.scalar("A", Ty::U32, LocationKind::Atomic, 0),
            b.scalar("B", Ty::U32, LocationKind::Atomic, 0),
            b.scalar("C", Ty::U32, LocationKind::Atomic, 0),
        ],
        plain: [b.scalar("P", Ty::U32, LocationKind::Plain, 0), b.scalar("Q", Ty::U32, LocationKind::Plain, 0)],
        buffers: [
            b.array("D", Ty::U8, LocationKind::Plain, &[0, 0]),
            b.array("E", Ty::U8, LocationKind::Plain, &[0, 0]),
        ],
        dma: None,
        cores,
    };
    let mut locs = locs;
    let all = case.main.iter().chain(&case.second).chain(case.handlers.iter().flat_map(|h| &h.2));
    if all.clone().any(uses_dma) {
        // Polled: its end sets the flag, and publishes the bytes to core 0.
        locs.dma = Some(b.dma_source("DMA", None, &[5, 6], 2));
    }
    let main_result = b.scalar("MAIN_SAW", Ty::U32, LocationKind::Atomic, 9);
    let main = b.function("main_fn", 0, |f| {
        emit(f, &locs, main_result, &case.main);
        f.ret();
    });
    b.thread("main", 0, &[(main, 1)]);
    if cores > 1 {
        let result = b.scalar("CORE1_SAW", Ty::U32, LocationKind::Atomic, 9);
        let func = b.function("core1_fn", 0, |f| {
            emit(f, &locs, result, &case.second);
            f.ret();
        });
        b.thread("core1", 1, &[(func, 1)]);
    }
    for (i, (priority, arrivals, body)) in case.handlers.iter().enumerate() {
        let result = b.scalar(&format!("H{i}_SAW"), Ty::U32, LocationKind::Atomic, 9);
        let func = b.function(&format!("h{i}"), 0, |f| {
            emit(f, &locs, result, body);
            f.ret();
        });
        let name = format!("IRQ{i}");
        let h = b.handler(&name, i as u16, *priority, func);
        b.source(&name, Some(h), Trigger::Edge, *arrivals);
    }
    // A property that some interleavings break: main's last read saw 0 or
    // nothing; its verdict must agree too.
    b.property("main saw no 2", PropertyWhen::End, |f| {
        let (v, e) = (f.local(), f.local());
        f.op(Op::AtomicLoad { dst: v, place: Place::at(main_result), ordering: Ordering::Relaxed });
        f.op(Op::Binary { op: BinOp::Ne, ty: Ty::U32, dst: e, lhs: Operand::Local(v), rhs: Operand::Const(2) });
        f.op(Op::Return { value: Some(Operand::Local(e)) });
    });
    b.build()
}

#[derive(Default)]
struct Enumerated {
    finals: BTreeSet<Vec<u64>>,
    broken: BTreeSet<String>,
    nodes: u64,
}

const NODE_LIMIT: u64 = 200_000;

/// Every choice, depth first, no merging: the oracle.
fn enumerate(program: &Program, m: Machine, reorders: bool, out: &mut Enumerated) -> bool {
    out.nodes += 1;
    if out.nodes > NODE_LIMIT {
        return false;
    }
    if m.status() != Status::Running {
        out.finals.insert(m.memory().to_vec());
        return true;
    }
    // Every move the machine offers (`Machine::enabled_moves`, the one list
    // the explorer filters), with no reduction.
    for mv in m.enabled_moves(program, |_, _| reorders) {
        let mut child = m.clone();
        let outcomes = match mv {
            Move::Arrive(s) => child.arrive_now(program, s),
            Move::Finish => child.finish(program),
            Move::Step { core, reorder } => {
                let choice = Choice { arrivals: Vec::new(), core, reorder, later: false, wfe_returns: false };
                child.step(program, &choice, false).map(|s| s.outcomes).unwrap_or_default()
            }
            Move::WfeReturns { core } => {
                let choice = Choice { arrivals: Vec::new(), core, reorder: 0, later: false, wfe_returns: true };
                child.step(program, &choice, false).map(|s| s.outcomes).unwrap_or_default()
            }
        };
        for o in &outcomes {
            out.broken.extend(broken_property(o).map(str::to_string));
        }
        if !enumerate(program, child, reorders, out) {
            return false;
        }
    }
    true
}

/// Checks one case; `Ok(false)` when the oracle's node limit cut it.
fn check(case: &Case) -> Result<bool, TestCaseError> {
    check_with(case, ExploreConfig::default(), true)
}

/// `finals`: compare final memories too, not only verdicts. (A run halted
/// by starvation stops mid-handler, where the explorer's reductions of
/// unseen reorderings may leave a different part of the handler done: the
/// verdict is the same, the memory at the halt need not be.)
fn check_with(case: &Case, config: ExploreConfig, finals: bool) -> Result<bool, TestCaseError> {
    let program = program(case);
    let report = Explorer::new(program.clone(), config).expect("generated programs are valid").run();
    prop_assert!(report.complete, "the explorer finished: {case:?}");
    let mut oracle = Enumerated::default();
    if !enumerate(&program, Machine::new(&program, config.bounds), true, &mut oracle) {
        return Ok(false);
    }
    let explored: BTreeSet<Vec<u64>> = report
        .outcomes
        .iter()
        .map(|o| {
            o.finals
                .iter()
                .map(|(name, v)| {
                    let loc = program.location_named(name).expect("a location");
                    program.location(loc).ty.wrap(v.parse::<i128>().expect("a number"))
                })
                .collect()
        })
        .collect();
    if finals {
        prop_assert_eq!(&explored, &oracle.finals, "final memories differ for {:?}", case);
    }
    // With a short starvation window, a run the window cuts can be what
    // program order needs in place of an unseen reordering (SEMANTICS.md §5,
    // rule 3): the other properties' verdicts are then exact only where
    // nothing starves. A program that can starve fails whatever they say,
    // and its starvation verdict is compared.
    let starves = oracle.broken.contains("no deadlock or starvation");
    for p in &report.properties {
        if !finals && starves && p.name != "no deadlock or starvation" {
            continue;
        }
        let violated = oracle.broken.contains(&p.name);
        prop_assert_eq!(
            p.verdict == Verdict::Violated,
            violated,
            "property {} for {:?}: explorer {:?}",
            p.name,
            case,
            p.verdict
        );
    }
    Ok(true)
}

/// The number of seeded cases `cargo test` checks (`cargo xtask
/// fuzz-explorer N` runs more).
const CASES: u32 = 2000;

#[test]
fn the_explorer_reaches_what_plain_enumeration_reaches() {
    let cases = std::env::var("IRQLAB_ORACLE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(CASES);
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let checked = std::cell::Cell::new(0u32);
    let cut = std::cell::Cell::new(0u32);
    let result = runner.run(&case(), |c| {
        if check(&c)? {
            checked.set(checked.get() + 1);
        } else {
            cut.set(cut.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        checked.get() >= cases * 9 / 10,
        "only {} of {cases} cases fit the oracle ({} cut)",
        checked.get(),
        cut.get()
    );
}

/// With a starvation window of a few steps, handler work often reaches it:
/// the state key must keep the count of steps since the thread ran wherever
/// the work still to come could reach the window (`KeyHints`), so the
/// explorer finds every starvation plain enumeration finds.
#[test]
fn the_explorer_finds_every_starvation_plain_enumeration_finds() {
    let cases = std::env::var("IRQLAB_ORACLE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(CASES) / 8;
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let starved = std::cell::Cell::new(0u32);
    let result = runner.run(&case(), |c| {
        for window in [6, 12] {
            let mut config = ExploreConfig::default();
            config.bounds.starvation_steps = window;
            check_with(&c, config, false)?;
            let report = Explorer::new(program(&c), config).expect("valid").run();
            let hang = report.properties.iter().find(|p| p.name == "no deadlock or starvation");
            if hang.is_some_and(|p| p.verdict == Verdict::Violated) {
                starved.set(starved.get() + 1);
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The windows are short enough that starvation is common: the
    // comparison covers it.
    assert!(starved.get() >= cases / 4, "only {} runs starved", starved.get());
}

/// Found by the test above: a handler whose frame has returned still takes
/// its exception-return step, which can reach the starvation window; a key
/// that left the count out there merged it with a shorter wait and the
/// starvation was never reported.
#[test]
fn the_exception_return_step_counts_toward_starvation() {
    let store = Act::Store { loc: 0, value: 1, ordering: Ordering::Relaxed };
    let load = Act::Load { loc: 0, ordering: Ordering::Relaxed };
    let case = Case {
        main: vec![load.clone(), load],
        handlers: vec![(1, 2, vec![store.clone(), store.clone(), store])],
        second: Vec::new(),
    };
    let mut config = ExploreConfig::default();
    config.bounds.starvation_steps = 12;
    let report = Explorer::new(program(&case), config).expect("valid").run();
    let hang = report.properties.iter().find(|p| p.name == "no deadlock or starvation").expect("built in");
    assert_eq!(
        hang.verdict,
        Verdict::Violated,
        "two back-to-back activations take 12 steps (stacking, 4 instructions and the return, twice)"
    );
    assert!(matches!(check_with(&case, config, false), Ok(true)), "the oracle agrees");
}

/// The comparison can fail: a search that skips the compiler's reorderings
/// (the mutation this oracle was first run against) misses a final memory
/// of this case, found by proptest: main's `P += 1` then a Relaxed load of C,
/// where the load may run first and see the handler's store of 1 or not.
#[test]
fn a_search_without_reorderings_misses_final_states() {
    let case = Case {
        main: vec![Act::PlainIncrement, Act::Load { loc: 2, ordering: Ordering::Relaxed }],
        handlers: vec![(1, 1, vec![Act::PlainIncrement, Act::Store { loc: 2, value: 1, ordering: Ordering::Relaxed }])],
        second: Vec::new(),
    };
    let program = program(&case);
    let bounds = ExploreConfig::default().bounds;
    let (mut full, mut in_order) = (Enumerated::default(), Enumerated::default());
    assert!(enumerate(&program, Machine::new(&program, bounds), true, &mut full));
    assert!(enumerate(&program, Machine::new(&program, bounds), false, &mut in_order));
    assert!(in_order.finals.is_subset(&full.finals));
    assert_ne!(in_order.finals, full.finals, "reorderings reach a final memory program order cannot");
    check(&case).expect("the explorer agrees with the full enumeration");
}

/// Found by the oracle when the explorer thought a handler could not be
/// preempted part-way by a more urgent one (so it skipped that handler's
/// reorderings): IRQ1 (priority 2) may store C... here A, before its load of
/// A as the compiler allows, while IRQ0 (priority 1) preempts in between.
#[test]
fn a_preempted_handler_s_reorderings_are_explored() {
    use Act::*;
    let case = Case {
        main: vec![FetchAdd { loc: 0, ordering: Ordering::Acquire }, Load { loc: 0, ordering: Ordering::Relaxed }],
        handlers: vec![
            (
                1,
                1,
                vec![
                    Critical(vec![PlainIncrement, Store { loc: 0, value: 1, ordering: Ordering::Relaxed }]),
                    Load { loc: 0, ordering: Ordering::Relaxed },
                ],
            ),
            (
                2,
                1,
                vec![
                    Load { loc: 0, ordering: Ordering::Relaxed },
                    Store { loc: 0, value: 2, ordering: Ordering::Relaxed },
                    PlainIncrement,
                ],
            ),
        ],
        second: Vec::new(),
    };
    assert!(check(&case).expect("the explorer agrees with plain enumeration"));
}

/// Found by the oracle when the explorer offered a reordering only if the
/// access that moves is seen by another context: main's SeqCst load of A
/// (which no one else touches) must still be able to run before its store
/// of B, so that its store of C, held back by that load, can then pass B;
/// the handler then sees C stored and B not.
#[test]
fn an_unseen_access_runs_early_to_let_a_seen_one_pass() {
    use Act::*;
    let case = Case {
        main: vec![
            Store { loc: 1, value: 1, ordering: Ordering::Relaxed },
            Load { loc: 0, ordering: Ordering::SeqCst },
            Store { loc: 2, value: 1, ordering: Ordering::Relaxed },
        ],
        handlers: vec![(
            1,
            1,
            vec![FetchAdd { loc: 2, ordering: Ordering::Relaxed }, Load { loc: 1, ordering: Ordering::Relaxed }],
        )],
        second: Vec::new(),
    };
    assert!(check(&case).expect("the explorer agrees with plain enumeration"));
}

/// Found when the generator learned `Copy`: main's store of A (which the
/// handler never touches) must be able to run before its fetch_add of B,
/// because the load of A that must follow it (same location) feeds the
/// store of C that the handler reads. An unseen access that holds back a
/// seen one through the memory model, not through locals, still unblocks
/// it (`reorder::dependents`).
#[test]
fn an_unseen_store_runs_early_to_let_a_same_location_load_pass() {
    use Act::*;
    let case = Case {
        main: vec![
            FetchAdd { loc: 1, ordering: Ordering::Relaxed },
            Store { loc: 0, value: 1, ordering: Ordering::Relaxed },
            Copy { from: 0, to: 2, ordering: Ordering::Relaxed },
        ],
        handlers: vec![(1, 1, vec![Copy { from: 2, to: 1, ordering: Ordering::Relaxed }])],
        second: Vec::new(),
    };
    assert!(check(&case).expect("the explorer agrees with plain enumeration"));
}

/// Found once the generator learned branches: a plain load inside a branch
/// that is never taken may still be read early (speculated), and the machine
/// checked it for a race when it was read, so plain enumeration reported a
/// race the source program does not have. A discarded speculation is no
/// access: the race check waits until the value is used (SEMANTICS.md §3).
#[test]
fn a_discarded_speculation_is_no_race() {
    use Act::*;
    let case = Case {
        main: vec![FetchAdd { loc: 2, ordering: Ordering::Relaxed }, PlainIncrement],
        handlers: vec![(
            1,
            1,
            vec![
                Load { loc: 0, ordering: Ordering::Relaxed },
                IfSet { loc: 0, ordering: Ordering::Relaxed, then: vec![PlainIncrement] },
            ],
        )],
        second: Vec::new(),
    };
    let report = Explorer::new(program(&case), ExploreConfig::default()).expect("valid").run();
    let ub = report.properties.iter().find(|p| p.name == "no undefined behavior").expect("built in");
    assert_eq!(ub.verdict, Verdict::Holds, "A is never set, so the handler never touches P");
    assert!(matches!(check(&case), Ok(true)), "the oracle agrees");
}

/// Found by `cargo xtask fuzz-explorer 12000` once the generator learned
/// branches: a starvation within a 6- or 12-step window that the explorer
/// missed.
#[test]
fn a_handler_with_a_branch_starves_main_within_the_window() {
    use Act::*;
    let case = Case {
        main: vec![
            Load { loc: 0, ordering: Ordering::Relaxed },
            Store { loc: 2, value: 1, ordering: Ordering::Relaxed },
        ],
        handlers: vec![(
            1,
            1,
            vec![
                PlainIncrement,
                IfSet { loc: 2, ordering: Ordering::Relaxed, then: vec![PlainLoad { loc: 0 }] },
                Store { loc: 0, value: 1, ordering: Ordering::Relaxed },
            ],
        )],
        second: Vec::new(),
    };
    for window in [6, 12] {
        let mut config = ExploreConfig::default();
        config.bounds.starvation_steps = window;
        assert!(matches!(check_with(&case, config, false), Ok(true)), "window {window}");
    }
}

/// Found by `cargo xtask fuzz-explorer 12000`: a store ran early past a load
/// of its location that had been read early across a branch (speculated);
/// the branch went the other way, the speculation was dropped, and the load,
/// run again in program order, read the store it should precede. A
/// speculated load now still holds back what may not pass it.
#[test]
fn a_store_may_not_pass_a_speculated_load_of_its_location() {
    use Act::*;
    let case = Case {
        main: vec![
            IfSet { loc: 0, ordering: Ordering::Relaxed, then: vec![Load { loc: 2, ordering: Ordering::Relaxed }] },
            Load { loc: 1, ordering: Ordering::Relaxed },
            Store { loc: 1, value: 1, ordering: Ordering::Relaxed },
        ],
        handlers: vec![(1, 1, vec![FetchAdd { loc: 0, ordering: Ordering::Relaxed }])],
        second: Vec::new(),
    };
    assert!(matches!(check(&case), Ok(true)), "the explorer and plain enumeration agree");
    // MAIN_SAW is B's value before main's own store: never 1.
    let report = Explorer::new(program(&case), ExploreConfig::default()).expect("valid").run();
    assert!(report.outcomes.iter().all(|o| o.finals.iter().any(|(n, v)| n == "MAIN_SAW" && v == "0")));
}

/// Found by `cargo xtask fuzz-explorer 12000` with a 12-step window: main's
/// `C.fetch_add` may run before its load of B, and so take a step between
/// two activations of the handler, where program order would starve; the
/// other properties' verdicts are compared only where nothing starves
/// (SEMANTICS.md §5, rule 3), and the starvation verdict agrees.
#[test]
fn a_starving_program_is_judged_by_its_starvation() {
    use Act::*;
    let case = Case {
        main: vec![Load { loc: 1, ordering: Ordering::Relaxed }, FetchAdd { loc: 2, ordering: Ordering::Relaxed }],
        handlers: vec![(1, 2, vec![FetchAdd { loc: 1, ordering: Ordering::Relaxed }])],
        second: Vec::new(),
    };
    for window in [6, 12] {
        let mut config = ExploreConfig::default();
        config.bounds.starvation_steps = window;
        let agreed = check_with(&case, config, false);
        assert!(matches!(agreed, Ok(true)), "window {window}: {agreed:?}");
        let report = Explorer::new(program(&case), config).expect("valid").run();
        let hang = report.properties.iter().find(|p| p.name == "no deadlock or starvation").expect("built in");
        // Two back-to-back activations take about ten steps.
        let expected = if window == 6 { Verdict::Violated } else { Verdict::Holds };
        assert_eq!(hang.verdict, expected, "window {window}");
    }
}

/// Found when the generator learned DMA transfers: a DMA start run early,
/// before a read of its own buffer, lets the peripheral write the byte
/// before the read. The unseen-reordering rule first counted as seen by the
/// DMA only the buffers of the starts a moved access overtakes, not the
/// buffer of the start that moves, and missed it (SEMANTICS.md §5, rule 3).
#[test]
fn a_dma_start_run_early_lets_its_bytes_come_before_a_read() {
    use Act::*;
    let case = Case {
        main: vec![DmaRead { buf: 0, idx: 0 }, DmaStart { buf: 0 }],
        handlers: vec![(1, 1, vec![Load { loc: 0, ordering: Ordering::Relaxed }])],
        second: Vec::new(),
    };
    assert!(check(&case).expect("the explorer agrees with plain enumeration"));
}

/// Found with the DMA transfers too: a second start while a transfer runs
/// first halted the run like a panic, so accesses the compiler had run early
/// past the start were done in one run and not in the program-order run the
/// explorer keeps. It is reported (`Outcome::DmaBusy`) and the run goes on.
#[test]
fn a_dma_start_while_one_runs_does_not_halt() {
    use Act::*;
    let case = Case {
        main: vec![DmaStart { buf: 0 }, DmaRead { buf: 0, idx: 0 }],
        handlers: vec![(1, 1, vec![DmaStart { buf: 1 }])],
        second: Vec::new(),
    };
    assert!(check(&case).expect("the explorer agrees with plain enumeration"));
}

/// Found once the generator had both DMA starts and branches: a load run
/// early resolves a branch, which brings a DMA start past the branch into
/// the window, and that start may then run before an earlier read of its
/// buffer. The unseen-reordering rule first counted a buffer as seen by the
/// DMA only from starts already in the window, so the load was not tried
/// early; now also from every start the window could reach
/// (`reorder::dma_starts_ahead`).
#[test]
fn a_load_that_resolves_a_branch_lets_a_dma_start_past_it_run_early() {
    use Act::*;
    let case = Case {
        main: vec![
            DmaRead { buf: 0, idx: 0 },
            IfSet { loc: 0, ordering: Ordering::Relaxed, then: vec![Load { loc: 0, ordering: Ordering::Relaxed }] },
            DmaStart { buf: 0 },
        ],
        handlers: vec![(1, 1, vec![Load { loc: 0, ordering: Ordering::Relaxed }])],
        second: Vec::new(),
    };
    assert!(check(&case).expect("the explorer agrees with plain enumeration"));
}
