//! One interrupt scenario: what it is, how it is generated from a seed, the
//! byte code the firmware runs, and what the simulator does with it.

use std::fmt;

use irqlab_sim::build::{FnBuilder, ProgramBuilder};
use irqlab_sim::program::{ContextId, NvicOp, Op as SimOp, Operand, Target};
use irqlab_sim::{Bounds, Event, Schedule, Session};

/// The lm3s6965evb's interrupt numbers for the firmware's interrupts 0 to 7
/// (firmware/src/board/lm3s6965.rs, `IRQ`): the simulator must see the same
/// numbers, since two pending handlers of equal priority are taken lowest
/// exception number first (ARMv7-M ARM B1.5.4).
const IRQ: [u16; 8] = [19, 21, 43, 0, 30, 31, 5, 14];

/// Priority bits the simulator gives ARMv7-M (the LM3S6965 implements 3):
/// a BASEPRI of level `b` is `b << (8 - 3)` there; the firmware writes the
/// same level in its own bits (`board::basepri`).
const PRIORITY_BITS: u8 = 3;

/// The most urgent priority a scenario uses is 0, the least 6 (the
/// firmware keeps level 0 for its own SysTick).
const LEAST_URGENT: u8 = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `NVIC::pend` of interrupt k (then DSB and ISB on the board).
    Pend(u8),
    /// `CPSID i`.
    Disable,
    /// `CPSIE i`.
    Enable,
    /// BASEPRI masking priority `b` and every less urgent one (1 to 6).
    Basepri(u8),
    /// BASEPRI 0: no masking.
    BasepriOff,
}

impl Op {
    /// The firmware's byte code (firmware/src/harness/nvic.rs).
    fn byte(self) -> u8 {
        match self {
            Op::Pend(k) => 0x10 | k,
            Op::Disable => 0x20,
            Op::Enable => 0x21,
            Op::Basepri(b) => 0x30 | b,
            Op::BasepriOff => 0x40,
        }
    }

    fn emit(self, f: &mut FnBuilder) {
        let op = match self {
            Op::Pend(k) => SimOp::Nvic { op: NvicOp::Pend, irq: handler(k) },
            Op::Disable => SimOp::DisableInterrupts,
            Op::Enable => SimOp::EnableInterrupts,
            Op::Basepri(b) => {
                SimOp::WriteBasepri { value: Operand::Const(u64::from(b) << (8 - PRIORITY_BITS)), max: false }
            }
            Op::BasepriOff => SimOp::WriteBasepri { value: Operand::Const(0), max: false },
        };
        f.op(op);
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Pend(k) => write!(f, "pend {k}"),
            Op::Disable => write!(f, "cpsid"),
            Op::Enable => write!(f, "cpsie"),
            Op::Basepri(b) => write!(f, "basepri {b}"),
            Op::BasepriOff => write!(f, "basepri off"),
        }
    }
}

/// The simulator's context of interrupt k: the thread is context 0, the
/// handlers follow in order (`simulate` checks it).
fn handler(k: u8) -> ContextId {
    ContextId(1 + u16::from(k))
}

/// xorshift64*: seeded, no dependency, the same sequence everywhere.
#[derive(Debug)]
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Random {
        Random(seed ^ 0x9e37_79b9_7f4a_7c15 | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `low..=high`.
    fn range(&mut self, low: u8, high: u8) -> u8 {
        low + (self.next() >> 32) as u8 % (high - low + 1)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Interrupt k's priority, 0 most urgent.
    pub priorities: Vec<u8>,
    pub main: Vec<Op>,
    /// Interrupt k's handler: pends of interrupts after k only, so every
    /// scenario ends, alone or in PRIMASK or BASEPRI windows.
    pub handlers: Vec<Vec<Op>>,
}

/// A handler entry (`true`) or exit of interrupt k, in order.
pub type Trace = Vec<(bool, u8)>;

impl Scenario {
    pub fn generate(random: &mut Random) -> Scenario {
        let n = random.range(2, 5);
        let priorities = (0..n).map(|_| random.range(0, LEAST_URGENT)).collect();
        let mut main = Vec::new();
        for _ in 0..random.range(1, 4) {
            segment(random, &mut main, 0, n - 1);
        }
        let handlers = (0..n)
            .map(|k| {
                let mut ops = Vec::new();
                if k + 1 < n {
                    for _ in 0..random.range(0, 2) {
                        segment(random, &mut ops, k + 1, n - 1);
                    }
                }
                ops
            })
            .collect();
        Scenario { priorities, main, handlers }
    }

    /// `n`, the priorities, main's ops, then each handler's: each list
    /// preceded by its length.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = vec![self.priorities.len() as u8];
        bytes.extend(&self.priorities);
        for ops in std::iter::once(&self.main).chain(&self.handlers) {
            bytes.push(ops.len() as u8);
            bytes.extend(ops.iter().map(|op| op.byte()));
        }
        bytes
    }

    /// The handler entries and exits of one run in the simulator (one
    /// schedule: no external event, the pends are the program's own).
    pub fn simulate(&self) -> Result<Trace, String> {
        let mut builder = ProgramBuilder::new(Target::Armv7m, 1);
        let functions: Vec<_> = self
            .handlers
            .iter()
            .enumerate()
            .map(|(k, ops)| builder.function(&format!("h{k}"), 0, |f| body(f, ops)))
            .collect();
        let main = builder.function("main", 0, |f| body(f, &self.main));
        if builder.thread("main", 0, &[(main, 1)]) != ContextId(0) {
            return Err("the thread is not context 0".into());
        }
        for (k, (function, priority)) in functions.into_iter().zip(&self.priorities).enumerate() {
            if builder.handler(&format!("H{k}"), IRQ[k], *priority, function) != handler(k as u8) {
                return Err(format!("handler {k} is not context {}", k + 1));
            }
        }
        let mut session = Session::new(builder.build(), Schedule::new(Vec::new()), Bounds::default())
            .map_err(|e| format!("the simulator refused the program: {e:?}"))?;
        session.run_to_end();
        let mut trace = Trace::new();
        for step in session.trace() {
            for event in &step.events {
                match event {
                    Event::Entered { context, .. } => trace.push((true, (context.0 - 1) as u8)),
                    Event::Exited { context, .. } => trace.push((false, (context.0 - 1) as u8)),
                    _ => {}
                }
            }
        }
        Ok(trace)
    }
}

/// Appends a pend of one of the interrupts `low..=high` alone, or one to
/// three inside a PRIMASK (CPSID ... CPSIE) or BASEPRI window. In a handler,
/// its BASEPRI window ends with BASEPRI 0 whatever main had set: BASEPRI is
/// not stacked on exception entry (ARMv7-M ARM B1.5.6), and both sides must
/// agree on that too.
fn segment(random: &mut Random, ops: &mut Vec<Op>, low: u8, high: u8) {
    let (open, close) = match random.range(0, 2) {
        0 => (None, None),
        1 => (Some(Op::Disable), Some(Op::Enable)),
        _ => (Some(Op::Basepri(random.range(1, LEAST_URGENT))), Some(Op::BasepriOff)),
    };
    ops.extend(open);
    for _ in 0..if open.is_some() { random.range(1, 3) } else { 1 } {
        ops.push(Op::Pend(random.range(low, high)));
    }
    ops.extend(close);
}

/// A function that runs `ops` and returns.
fn body(f: &mut FnBuilder, ops: &[Op]) {
    for op in ops {
        op.emit(f);
    }
    f.ret();
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "priorities {:?}; main:", self.priorities)?;
        for op in &self.main {
            write!(f, " {op},")?;
        }
        for (k, ops) in self.handlers.iter().enumerate() {
            write!(f, " handler {k}:")?;
            for op in ops {
                write!(f, " {op},")?;
            }
        }
        Ok(())
    }
}

/// `E0.E2.X2.X0`, or `-` when no handler ran: the firmware prints the same.
pub fn show(trace: &Trace) -> String {
    if trace.is_empty() {
        return "-".to_string();
    }
    let words: Vec<String> = trace.iter().map(|(entry, k)| format!("{}{k}", if *entry { 'E' } else { 'X' })).collect();
    words.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(priorities: &[u8], main: &[Op], handlers: &[&[Op]]) -> Scenario {
        Scenario {
            priorities: priorities.to_vec(),
            main: main.to_vec(),
            handlers: handlers.iter().map(|h| h.to_vec()).collect(),
        }
    }

    #[test]
    fn a_more_urgent_pend_from_a_handler_preempts_it_a_less_urgent_one_waits() {
        let preempts = scenario(&[3, 1], &[Op::Pend(0)], &[&[Op::Pend(1)], &[]]);
        assert_eq!(show(&preempts.simulate().expect("runs")), "E0.E1.X1.X0");
        let waits = scenario(&[1, 3], &[Op::Pend(0)], &[&[Op::Pend(1)], &[]]);
        assert_eq!(show(&waits.simulate().expect("runs")), "E0.X0.E1.X1");
    }

    #[test]
    fn pends_inside_primask_are_taken_by_priority_when_it_ends() {
        let masked = scenario(&[4, 2], &[Op::Disable, Op::Pend(0), Op::Pend(1), Op::Enable], &[&[], &[]]);
        assert_eq!(show(&masked.simulate().expect("runs")), "E1.X1.E0.X0");
    }

    #[test]
    fn a_pend_inside_a_handlers_primask_window_preempts_it_when_the_window_ends() {
        let window = [Op::Disable, Op::Pend(1), Op::Enable];
        let inside = scenario(&[3, 1], &[Op::Pend(0)], &[&window, &[]]);
        assert_eq!(show(&inside.simulate().expect("runs")), "E0.E1.X1.X0");
    }

    #[test]
    fn the_same_seed_gives_the_same_scenarios_and_bytes() {
        let (mut a, mut b) = (Random::new(7), Random::new(7));
        for _ in 0..50 {
            let (x, y) = (Scenario::generate(&mut a), Scenario::generate(&mut b));
            assert_eq!(x.encode(), y.encode());
            assert!((2..=5).contains(&x.priorities.len()));
            // A handler pends only interrupts after its own: every scenario ends.
            let later = |k: usize, op: &Op| !matches!(op, Op::Pend(j) if usize::from(*j) <= k);
            assert!(x.handlers.iter().enumerate().all(|(k, ops)| ops.iter().all(|op| later(k, op))));
        }
    }
}
