//! The instructions: operands, places, memory orderings and `Op`, each one
//! indivisible action of the machine with the span it came from.

use serde::{Deserialize, Serialize};

use super::{ContextId, FuncId, Local, Location, SourceId, Span};
use crate::value::{BinOp, Ty, UnOp};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operand {
    Local(Local),
    /// A canonical bit pattern (see `Ty::wrap`).
    Const(u64),
}

/// An array element: `base + index * stride`, panicking like Rust when
/// `index >= len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Index {
    pub index: Operand,
    pub len: u32,
    pub stride: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Place {
    pub base: Location,
    pub index: Option<Index>,
}

impl Place {
    pub fn at(base: Location) -> Place {
        Place { base, index: None }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Plain,
    /// `core::ptr::read_volatile` / `write_volatile`: never elided or reordered
    /// with other volatile accesses, but not synchronization.
    Volatile,
}

/// `core::sync::atomic::Ordering`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Ordering {
    Relaxed,
    Release,
    Acquire,
    AcqRel,
    SeqCst,
}

impl Ordering {
    pub fn is_release(self) -> bool {
        matches!(self, Ordering::Release | Ordering::AcqRel | Ordering::SeqCst)
    }
    pub fn is_acquire(self) -> bool {
        matches!(self, Ordering::Acquire | Ordering::AcqRel | Ordering::SeqCst)
    }
    pub fn from_name(name: &str) -> Option<Ordering> {
        Some(match name {
            "Relaxed" => Ordering::Relaxed,
            "Release" => Ordering::Release,
            "Acquire" => Ordering::Acquire,
            "AcqRel" => Ordering::AcqRel,
            "SeqCst" => Ordering::SeqCst,
            _ => return None,
        })
    }
}

/// Read-modify-write operations of core atomics (`fetch_*`, `swap`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RmwOp {
    Add,
    Sub,
    And,
    Or,
    Xor,
    Max,
    Min,
    Swap,
}

impl RmwOp {
    pub fn method(self) -> &'static str {
        match self {
            RmwOp::Add => "fetch_add",
            RmwOp::Sub => "fetch_sub",
            RmwOp::And => "fetch_and",
            RmwOp::Or => "fetch_or",
            RmwOp::Xor => "fetch_xor",
            RmwOp::Max => "fetch_max",
            RmwOp::Min => "fetch_min",
            RmwOp::Swap => "swap",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NvicOp {
    /// `NVIC::unmask` (ISER).
    Enable,
    /// `NVIC::mask` (ICER).
    Disable,
    /// `NVIC::pend` (ISPR).
    Pend,
    /// `NVIC::unpend` (ICPR).
    Unpend,
}

/// A counter of a source's events, for properties.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventCount {
    /// Events that arrived.
    Arrivals,
    /// Entries into the source's handler.
    Handled,
    /// Events that added no handler run (merged into a set pending bit or
    /// event flag).
    Lost,
    /// The longest time, in cycles, from an event's arrival to the entry of
    /// its handler (the end of stacking).
    MaxLatency,
    /// Whether the source's interrupt is enabled in the NVIC now (a `bool`:
    /// masked with `NVIC::mask`, it is not). False for a polled source.
    Enabled,
    /// Whether the source's DMA transfer is running now (a `bool`; false
    /// for a source that does not receive by DMA).
    Receiving,
}

impl EventCount {
    /// The property function's name.
    pub fn name(self) -> &'static str {
        match self {
            EventCount::Arrivals => "arrivals",
            EventCount::Handled => "handled",
            EventCount::Lost => "lost",
            EventCount::MaxLatency => "max_latency",
            EventCount::Enabled => "enabled",
            EventCount::Receiving => "receiving",
        }
    }

    pub fn from_name(name: &str) -> Option<EventCount> {
        [
            EventCount::Arrivals,
            EventCount::Handled,
            EventCount::Lost,
            EventCount::MaxLatency,
            EventCount::Enabled,
            EventCount::Receiving,
        ]
        .into_iter()
        .find(|c| c.name() == name)
    }
}

/// Why a `Check` panics, so the outcome can explain it in the learner's words.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// `assert!`, `assert_eq!`, `debug_assert!`.
    Assert,
    /// `Option::unwrap`/`expect` on a static `Option` that is still `None`.
    UnwrapNone { static_name: String },
    /// `unreachable!()`/`panic!()`: the condition is a constant false.
    Explicit,
}

/// One indivisible action of the machine.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Move {
        dst: Local,
        src: Operand,
    },
    Unary {
        op: UnOp,
        ty: Ty,
        dst: Local,
        src: Operand,
    },
    /// `ty` is the operand type; comparisons write a bool.
    Binary {
        op: BinOp,
        ty: Ty,
        dst: Local,
        lhs: Operand,
        rhs: Operand,
    },
    Load {
        dst: Local,
        place: Place,
        access: Access,
    },
    Store {
        place: Place,
        src: Operand,
        access: Access,
    },
    AtomicLoad {
        dst: Local,
        place: Place,
        ordering: Ordering,
    },
    AtomicStore {
        place: Place,
        src: Operand,
        ordering: Ordering,
    },
    AtomicRmw {
        op: RmwOp,
        dst: Local,
        place: Place,
        src: Operand,
        ordering: Ordering,
    },
    /// Writes the previous value to `dst_prev` and whether it matched to
    /// `dst_ok`. A `weak` exchange may fail spuriously on real hardware; the
    /// model never fails it spuriously (a single core with no other
    /// exclusive monitor traffic), and says so in the lesson text.
    CompareExchange {
        dst_prev: Local,
        dst_ok: Local,
        place: Place,
        current: Operand,
        new: Operand,
        success: Ordering,
        failure: Ordering,
        weak: bool,
    },
    /// `fence` (compiler_only = false) or `compiler_fence`.
    Fence {
        ordering: Ordering,
        compiler_only: bool,
    },
    /// `MRS PRIMASK`: 1 when interrupts are disabled.
    ReadPrimask {
        dst: Local,
    },
    /// `CPSID i`: also a compiler fence (cortex-m's `interrupt::disable`).
    DisableInterrupts,
    /// `CPSIE i`: also a compiler fence.
    EnableInterrupts,
    /// Restore a PRIMASK value read by `ReadPrimask`: re-enable only if it was 0.
    RestorePrimask {
        saved: Operand,
    },
    /// `MSR BASEPRI` (or `BASEPRI_MAX`, which only raises) with a raw 8-bit value.
    WriteBasepri {
        value: Operand,
        max: bool,
    },
    ReadBasepri {
        dst: Local,
    },
    Nvic {
        op: NvicOp,
        irq: ContextId,
    },
    /// `NVIC::set_priority` with a raw 8-bit value.
    NvicSetPriority {
        irq: ContextId,
        priority: Operand,
    },
    /// Clear a peripheral's event flag (write 0 to EVENTS_x / ICR).
    ClearEvent {
        source: SourceId,
    },
    /// Read a peripheral's event flag.
    ReadEvent {
        dst: Local,
        source: SourceId,
    },
    /// `board::uarte_receive(&raw mut BUF)`: starts a DMA transfer of `len`
    /// bytes into `buffer..buffer + len` (nRF52833 UARTE EasyDMA: RXD.PTR,
    /// RXD.MAXCNT, then TASKS_STARTRX). To the compiler it is a volatile
    /// write (of TASKS_STARTRX); from then on `source`'s events write the
    /// buffer until the last byte ends the transfer (docs/SEMANTICS.md §1
    /// "DMA").
    DmaStart {
        source: SourceId,
        buffer: Location,
        len: u32,
    },
    /// Take hardware spinlock `lock` (RP2040 SIO), spinning while another
    /// context holds it. `token` gets 1 if it was taken here, 0 if this core
    /// already held it (a nested critical section).
    SpinlockAcquire {
        lock: u8,
        token: Local,
    },
    /// Release the lock if `token` is 1.
    SpinlockRelease {
        lock: u8,
        token: Operand,
    },
    Jump {
        target: u32,
    },
    Branch {
        cond: Operand,
        then_target: u32,
        else_target: u32,
    },
    Call {
        func: FuncId,
        args: Vec<Operand>,
        ret: Option<Local>,
    },
    Return {
        value: Option<Operand>,
    },
    /// Panics with `message` when `cond` is false.
    Check {
        cond: Operand,
        kind: CheckKind,
        message: String,
    },
    /// `RefCell::borrow`/`borrow_mut` (or `borrow_ref_mut` of a Mutex):
    /// panics when the flag forbids it.
    BorrowRefCell {
        flag: Place,
        mutable: bool,
    },
    /// The borrow guard is dropped.
    ReleaseRefCell {
        flag: Place,
        mutable: bool,
    },
    /// `cortex_m::asm::wfi`.
    Wfi,
    /// `cortex_m::asm::wfe`: wait for an event (ARMv7-M B1.5.18).
    Wfe,
    /// `cortex_m::asm::sev`: signal an event to every core.
    Sev,
    /// What happened to a source's events so far (properties only:
    /// `arrivals("X")`, `handled("X")`, `lost("X")`, `max_latency("X")`).
    EventCount {
        dst: Local,
        source: SourceId,
        count: EventCount,
    },
    /// The bytes of main stack in use (properties only: `stack_bytes()`):
    /// on the core with the deepest stack, every exception frame and every
    /// context's frame (`Machine::stack_bytes`).
    StackBytes {
        dst: Local,
    },
    /// Work that takes `cycles` and touches no shared state.
    Busy {
        cycles: u32,
    },
    /// `nop`, `dsb`, `isb`: one step, no effect on the model's state.
    Nop {
        what: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Instr {
    pub op: Op,
    pub span: Span,
}

impl Op {
    /// Whether the instruction only reads statics and computes (what a
    /// property may do); a call is pure when its callee is.
    pub fn is_pure(&self) -> bool {
        matches!(
            self,
            Op::Move { .. }
                | Op::Unary { .. }
                | Op::Binary { .. }
                | Op::Load { .. }
                | Op::AtomicLoad { .. }
                | Op::Jump { .. }
                | Op::Branch { .. }
                | Op::Call { .. }
                | Op::Return { .. }
                | Op::Nop { .. }
                | Op::EventCount { .. }
                | Op::StackBytes { .. }
        )
    }
}

impl Op {
    /// What a property may run: pure instructions, and the critical section
    /// a `critical_section::Mutex` read needs (save PRIMASK, disable,
    /// restore). A property is evaluated between two steps, indivisibly, so
    /// a critical section inside it leaves the machine as it was.
    pub fn is_property_safe(&self) -> bool {
        self.is_pure() || matches!(self, Op::ReadPrimask { .. } | Op::DisableInterrupts | Op::RestorePrimask { .. })
    }
}

/// How an instruction uses a local (`Op::for_each_local`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalUse {
    Read,
    Write,
}

/// The one walk over the locals an instruction names, written once for
/// shared and mutable access (`$m` is `mut` or nothing). Reads of an array
/// index and of operands come before the writes of results.
macro_rules! walk_locals {
    ($op:expr, $f:expr, $($m:ident)?) => {{
        let f = $f;
        macro_rules! operand {
            ($o:expr) => {
                if let Operand::Local(l) = $o {
                    f(l, LocalUse::Read);
                }
            };
        }
        macro_rules! place {
            ($p:expr) => {
                if let Some(ix) = & $($m)? $p.index
                    && let Operand::Local(l) = & $($m)? ix.index
                {
                    f(l, LocalUse::Read);
                }
            };
        }
        match $op {
            Op::Move { dst, src } | Op::Unary { dst, src, .. } => {
                operand!(src);
                f(dst, LocalUse::Write);
            }
            Op::Binary { dst, lhs, rhs, .. } => {
                operand!(lhs);
                operand!(rhs);
                f(dst, LocalUse::Write);
            }
            Op::Load { dst, place: p, .. } | Op::AtomicLoad { dst, place: p, .. } => {
                place!(p);
                f(dst, LocalUse::Write);
            }
            Op::Store { place: p, src, .. } | Op::AtomicStore { place: p, src, .. } => {
                place!(p);
                operand!(src);
            }
            Op::AtomicRmw { dst, place: p, src, .. } => {
                place!(p);
                operand!(src);
                f(dst, LocalUse::Write);
            }
            Op::CompareExchange { dst_prev, dst_ok, place: p, current, new, .. } => {
                place!(p);
                operand!(current);
                operand!(new);
                f(dst_prev, LocalUse::Write);
                f(dst_ok, LocalUse::Write);
            }
            Op::ReadPrimask { dst } | Op::ReadBasepri { dst } | Op::SpinlockAcquire { token: dst, .. } => {
                f(dst, LocalUse::Write)
            }
            Op::ReadEvent { dst, .. } | Op::EventCount { dst, .. } | Op::StackBytes { dst } => {
                f(dst, LocalUse::Write)
            }
            Op::RestorePrimask { saved: o }
            | Op::WriteBasepri { value: o, .. }
            | Op::NvicSetPriority { priority: o, .. }
            | Op::SpinlockRelease { token: o, .. }
            | Op::Branch { cond: o, .. }
            | Op::Check { cond: o, .. } => operand!(o),
            Op::Call { args, ret, .. } => {
                for a in args {
                    operand!(a);
                }
                if let Some(r) = ret {
                    f(r, LocalUse::Write);
                }
            }
            Op::Return { value } => {
                if let Some(Operand::Local(l)) = value {
                    f(l, LocalUse::Read);
                }
            }
            Op::BorrowRefCell { flag, .. } | Op::ReleaseRefCell { flag, .. } => place!(flag),
            Op::Fence { .. }
            | Op::DisableInterrupts
            | Op::EnableInterrupts
            | Op::Nvic { .. }
            | Op::ClearEvent { .. }
            | Op::DmaStart { .. }
            | Op::Jump { .. }
            | Op::Wfi
            | Op::Wfe
            | Op::Sev
            | Op::Busy { .. }
            | Op::Nop { .. } => {}
        }
    }};
}

impl Op {
    /// Every local the instruction names, with how it uses it: the one walk
    /// behind the reordering window's dependencies (`reorder::locals_of`),
    /// validation and renumbering when inlining (`map_locals`).
    pub fn for_each_local(&self, mut f: impl FnMut(&Local, LocalUse)) {
        walk_locals!(self, &mut f,)
    }

    /// Every local the instruction names, to rename (inlining).
    pub fn map_locals(&mut self, mut f: impl FnMut(&mut Local)) {
        walk_locals!(self, &mut |l: &mut Local, _: LocalUse| f(l), mut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::ProgramBuilder;
    use crate::program::{Index, LocationKind, Place, Target};
    use crate::value::Ty;

    /// The walk names every local of an instruction once, reads first;
    /// renaming reaches the same ones; and validation, which uses it,
    /// rejects each slot kind out of range (a condition, a returned value,
    /// an array index, a call's result).
    #[test]
    fn one_walk_names_every_local_for_dependencies_renaming_and_validation() {
        let op = Op::CompareExchange {
            dst_prev: Local(4),
            dst_ok: Local(5),
            place: Place {
                base: Location(0),
                index: Some(Index { index: Operand::Local(Local(1)), len: 2, stride: 1 }),
            },
            current: Operand::Local(Local(2)),
            new: Operand::Local(Local(3)),
            success: Ordering::SeqCst,
            failure: Ordering::SeqCst,
            weak: false,
        };
        let mut seen = Vec::new();
        op.for_each_local(|l, used| seen.push((l.0, used)));
        use LocalUse::*;
        assert_eq!(seen, [(1, Read), (2, Read), (3, Read), (4, Write), (5, Write)]);
        let mut renamed = op.clone();
        renamed.map_locals(|l| l.0 += 10);
        let mut after = Vec::new();
        renamed.for_each_local(|l, _| after.push(l.0));
        assert_eq!(after, [11, 12, 13, 14, 15]);

        let bad_ops = [
            Op::Check { cond: Operand::Local(Local(9)), kind: CheckKind::Assert, message: "m".into() },
            Op::Return { value: Some(Operand::Local(Local(9))) },
            Op::Store {
                place: Place {
                    base: Location(0),
                    index: Some(Index { index: Operand::Local(Local(9)), len: 2, stride: 1 }),
                },
                src: Operand::Const(0),
                access: Access::Plain,
            },
        ];
        for bad in bad_ops {
            let mut b = ProgramBuilder::new(Target::Armv7em, 1);
            b.array("A", Ty::U32, LocationKind::Plain, &[0, 0]);
            let f = b.function("main", 0, |f| {
                f.local();
                f.op(bad.clone()).ret();
            });
            b.thread("main", 0, &[(f, 1)]);
            let err = b.build().validate().expect_err("local #9 does not exist");
            assert!(err.to_string().contains("local #9"), "{bad:?}: {err}");
        }
    }
}
