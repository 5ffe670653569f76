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
}

impl EventCount {
    /// The property function's name.
    pub fn name(self) -> &'static str {
        match self {
            EventCount::Arrivals => "arrivals",
            EventCount::Handled => "handled",
            EventCount::Lost => "lost",
            EventCount::MaxLatency => "max_latency",
        }
    }

    pub fn from_name(name: &str) -> Option<EventCount> {
        [EventCount::Arrivals, EventCount::Handled, EventCount::Lost, EventCount::MaxLatency]
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
    /// What happened to a source's events so far (properties only:
    /// `arrivals("X")`, `handled("X")`, `lost("X")`, `max_latency("X")`).
    EventCount {
        dst: Local,
        source: SourceId,
        count: EventCount,
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
        )
    }
}
