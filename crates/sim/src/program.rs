//! What the code is: statics laid out as locations, functions made of
//! instructions that each carry a source span, and the execution contexts
//! (thread mode per core, handlers) with the event sources that drive them.
//!
//! A front end (crates/lang) builds a `Program`; `Program::validate` turns every
//! way it could be unrunnable into a typed `ProgramError` before the machine
//! sees it.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::value::Ty;
pub use crate::value::{BinOp, UnOp};

/// A place in a source file: 1-based line, 1-based columns, end exclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub file: String,
    pub line: u32,
    pub col_start: u32,
    pub col_end: u32,
}

impl Span {
    pub fn new(file: impl Into<String>, line: u32, col_start: u32, col_end: u32) -> Span {
        Span { file: file.into(), line, col_start, col_end }
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col_start)
    }
}

/// The architecture profile: what the core can do atomically, how many
/// priority bits the NVIC implements, what exception entry costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// Cortex-M0/M0+ (thumbv6m-none-eabi).
    Armv6m,
    /// Cortex-M3 (thumbv7m-none-eabi).
    Armv7m,
    /// Cortex-M4/M7 (thumbv7em-none-eabi[hf]).
    Armv7em,
}

/// Cycle costs of exception handling, shown on the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionCosts {
    pub entry: u32,
    pub tail_chain: u32,
    pub exit: u32,
}

impl Target {
    pub fn from_triple(triple: &str) -> Option<Target> {
        match triple {
            "thumbv6m-none-eabi" => Some(Target::Armv6m),
            "thumbv7m-none-eabi" => Some(Target::Armv7m),
            "thumbv7em-none-eabi" | "thumbv7em-none-eabihf" => Some(Target::Armv7em),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Target::Armv6m => "armv6m",
            Target::Armv7m => "armv7m",
            Target::Armv7em => "armv7em",
        }
    }

    /// ARMv6-M has no LDREX/STREX, so core atomics have load and store only
    /// (ARMv6-M ARM A3.5: no exclusive access instructions); ARMv7-M has them
    /// (ARMv7-M ARM A3.4, LDREX/STREX).
    pub fn has_atomic_rmw(self) -> bool {
        !matches!(self, Target::Armv6m)
    }

    /// BASEPRI exists only in ARMv7-M (ARMv7-M ARM B1.4.3); ARMv6-M has PRIMASK only.
    pub fn has_basepri(self) -> bool {
        !matches!(self, Target::Armv6m)
    }

    /// Implemented priority bits: ARMv6-M has exactly 2 (ARMv6-M ARM B3.4.1,
    /// 4 levels); the nRF52833 and the LM3S6965 implement 3 of ARMv7-M's 8.
    pub fn priority_bits(self) -> u8 {
        match self {
            Target::Armv6m => 2,
            Target::Armv7m | Target::Armv7em => 3,
        }
    }

    /// Number of priority levels: logical priorities are `0..levels()`.
    pub fn priority_levels(self) -> u8 {
        1 << self.priority_bits()
    }

    /// Cortex-M3/M4 TRM: 12 cycles from the IRQ to the first handler
    /// instruction, 6 for a tail-chain, about 10 to return. The Cortex-M0+
    /// TRM gives 15 cycles of entry latency; its tail-chain and return are not
    /// published and are taken as those of the M3.
    pub fn exception_costs(self) -> ExceptionCosts {
        match self {
            Target::Armv6m => ExceptionCosts { entry: 15, tail_chain: 6, exit: 10 },
            Target::Armv7m | Target::Armv7em => ExceptionCosts { entry: 12, tail_chain: 6, exit: 10 },
        }
    }
}

/// Index into `Program::locations`: one scalar cell of shared memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location(pub u32);
/// Index into `Program::functions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FuncId(pub u32);
/// Index into `Program::contexts`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ContextId(pub u16);
/// Index into `Program::sources`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceId(pub u16);
/// A local slot in the current function's frame (parameters first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Local(pub u16);

/// How a location was declared, which decides what accesses to it mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    /// A `static mut` or a field of plain data (also the payload of a Mutex).
    Plain,
    /// An `Atomic*` from core or portable-atomic.
    Atomic,
    /// The borrow flag of a `RefCell` (0 free, n > 0 shared borrows, -1 mutable).
    BorrowFlag,
    /// The discriminant of an `Option` (0 = None).
    OptionTag,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationDecl {
    /// How the learner names it: `COUNT`, `BUF[2]`, `STATE.head`.
    pub name: String,
    /// The static it belongs to.
    pub static_name: String,
    pub ty: Ty,
    pub kind: LocationKind,
    pub init: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticDecl {
    pub name: String,
    /// Rust type as written, for display.
    pub rust_type: String,
    pub first: Location,
    pub len: u32,
    pub span: Span,
}

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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub name: String,
    pub params: u16,
    /// Total local slots, parameters included.
    pub locals: u16,
    /// Types of the locals, for display.
    pub local_names: Vec<String>,
    pub body: Vec<Instr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadCall {
    pub func: FuncId,
    pub times: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContextKind {
    /// Thread mode on its core: calls each function `times` times, in order.
    Thread { calls: Vec<ThreadCall> },
    /// An exception handler (IRQ or system exception such as SysTick).
    Handler {
        /// ARMv7-M B1.5.2: exception number; external interrupt n is 16 + n,
        /// SysTick is 15, PendSV 14.
        exception: u16,
        /// Logical priority, `0..target.priority_levels()`, lower = more urgent.
        priority: u8,
        func: FuncId,
        /// Enabled in the NVIC when the program starts.
        enabled: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextDecl {
    pub name: String,
    pub core: u8,
    pub kind: ContextKind,
}

impl ContextDecl {
    pub fn is_thread(&self) -> bool {
        matches!(self.kind, ContextKind::Thread { .. })
    }
}

/// How a peripheral signals its interrupt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// The event pends the IRQ once.
    Edge,
    /// The event sets a flag that keeps the IRQ pending until the handler
    /// clears it.
    Level,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDecl {
    pub name: String,
    /// The handler context this source's IRQ line goes to; `None` for a
    /// peripheral that main polls (its event only sets the flag).
    pub handler: Option<ContextId>,
    pub trigger: Trigger,
    /// The explorer tries every schedule with at most this many arrivals.
    pub max_arrivals: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PropertyWhen {
    /// Checked once the program has finished.
    End,
    /// Checked after every step.
    Always,
}

/// A boolean function over the statics, checked by the machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyDecl {
    pub name: String,
    pub func: FuncId,
    pub when: PropertyWhen,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program {
    pub target: Target,
    pub cores: u8,
    pub statics: Vec<StaticDecl>,
    pub locations: Vec<LocationDecl>,
    pub functions: Vec<Function>,
    pub contexts: Vec<ContextDecl>,
    pub sources: Vec<SourceDecl>,
    pub properties: Vec<PropertyDecl>,
}

/// Contexts are tracked in fixed-size vector clocks.
pub const MAX_CONTEXTS: usize = 16;
/// RP2040 SIO has 32 hardware spinlocks.
pub const SPINLOCKS: u8 = 32;

/// Why a program cannot run. Each carries enough to point at the code.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum ProgramError {
    #[error("the program has {0} cores; irqlab models 1 or 2")]
    Cores(u8),
    #[error("core {core} has no thread-mode context")]
    NoThread { core: u8 },
    #[error("core {core} has more than one thread-mode context")]
    TwoThreads { core: u8 },
    #[error("context `{context}` is on core {core}, but the program has {cores} core(s)")]
    NoSuchCore { context: String, core: u8, cores: u8 },
    #[error("{0} contexts: irqlab models at most 16")]
    TooManyContexts(usize),
    #[error("handler `{context}` has priority {priority}, but {target} implements {levels} levels (0..={max})", max = levels - 1)]
    PriorityOutOfRange { context: String, priority: u8, target: &'static str, levels: u8 },
    #[error("handler `{context}` and `{other}` both use exception number {exception}")]
    DuplicateException { context: String, other: String, exception: u16 },
    #[error(
        "handler `{context}` has exception number {exception}; configurable exceptions are 11 (SVCall), 14 (PendSV), 15 (SysTick) and 16 and up (IRQs)"
    )]
    BadException { context: String, exception: u16 },
    #[error("`{context}` runs function #{func}, which does not exist")]
    NoSuchFunction { context: String, func: u32 },
    #[error("handler `{context}` runs `{func}`, which has no body")]
    EmptyHandler { context: String, func: String },
    #[error("handler `{context}` runs `{func}`, which takes {params} parameter(s); a handler takes none")]
    HandlerWithParams { context: String, func: String, params: u16 },
    #[error("{at}: in `{func}`, {problem}")]
    BadInstr { func: String, at: Span, problem: String },
    #[error("{at}: `{method}` does not exist on {target}: it has atomic load and store only (use portable-atomic)")]
    NoAtomicRmw { at: Span, method: &'static str, target: &'static str },
    #[error("{at}: {target} has no BASEPRI register")]
    NoBasepri { at: Span, target: &'static str },
    #[error("{at}: `{location}` is 64 bits wide, and no Cortex-M target has 64-bit atomics")]
    WideAtomic { at: Span, location: String },
    #[error("source `{source_name}` goes to context #{handler}, which is not an interrupt handler")]
    SourceNotHandler { source_name: String, handler: u16 },
    #[error("property `{property}`: {problem}")]
    BadProperty { property: String, problem: String },
    #[error("static `{static_name}` covers locations {first}..{end}, but the program has {count} locations")]
    BadStatic { static_name: String, first: u32, end: u32, count: u32 },
}

impl Program {
    pub fn function(&self, id: FuncId) -> &Function {
        &self.functions[id.0 as usize]
    }

    pub fn context(&self, id: ContextId) -> &ContextDecl {
        &self.contexts[id.0 as usize]
    }

    pub fn location(&self, loc: Location) -> &LocationDecl {
        &self.locations[loc.0 as usize]
    }

    pub fn context_named(&self, name: &str) -> Option<ContextId> {
        self.contexts.iter().position(|c| c.name == name).map(|i| ContextId(i as u16))
    }

    pub fn source_named(&self, name: &str) -> Option<SourceId> {
        self.sources.iter().position(|s| s.name == name).map(|i| SourceId(i as u16))
    }

    pub fn location_named(&self, name: &str) -> Option<Location> {
        self.locations.iter().position(|l| l.name == name).map(|i| Location(i as u32))
    }

    pub fn thread_of(&self, core: u8) -> Option<ContextId> {
        self.contexts.iter().position(|c| c.core == core && c.is_thread()).map(|i| ContextId(i as u16))
    }

    /// For each location, the contexts (a bit per `ContextId`) whose code,
    /// including what it calls, can touch it.
    pub fn accessors(&self) -> Vec<u16> {
        let mut users = vec![0u16; self.locations.len()];
        for (i, ctx) in self.contexts.iter().enumerate().take(16) {
            let bit = 1u16 << i;
            let mut work: Vec<FuncId> = match &ctx.kind {
                ContextKind::Thread { calls } => calls.iter().map(|c| c.func).collect(),
                ContextKind::Handler { func, .. } => vec![*func],
            };
            let mut seen = vec![false; self.functions.len()];
            let mut mark = |p: &Place| {
                let len = p.index.map_or(1, |ix| ix.len);
                let stride = p.index.map_or(1, |ix| ix.stride);
                for k in 0..len {
                    if let Some(u) = users.get_mut((p.base.0 + k * stride) as usize) {
                        *u |= bit;
                    }
                }
            };
            while let Some(f) = work.pop() {
                let Some(done) = seen.get_mut(f.0 as usize) else { continue };
                if std::mem::replace(done, true) {
                    continue;
                }
                for instr in &self.functions[f.0 as usize].body {
                    match &instr.op {
                        Op::Load { place, .. }
                        | Op::Store { place, .. }
                        | Op::AtomicLoad { place, .. }
                        | Op::AtomicStore { place, .. }
                        | Op::AtomicRmw { place, .. }
                        | Op::CompareExchange { place, .. } => mark(place),
                        Op::BorrowRefCell { flag, .. } | Op::ReleaseRefCell { flag, .. } => mark(flag),
                        Op::Call { func, .. } => work.push(*func),
                        _ => {}
                    }
                }
            }
        }
        users
    }

    /// Checks everything the machine relies on, so that stepping a validated
    /// program cannot index out of bounds or meet an instruction its target
    /// lacks.
    pub fn validate(&self) -> Result<(), ProgramError> {
        if !(1..=2).contains(&self.cores) {
            return Err(ProgramError::Cores(self.cores));
        }
        if self.contexts.len() > MAX_CONTEXTS {
            return Err(ProgramError::TooManyContexts(self.contexts.len()));
        }
        let n_locations = self.locations.len() as u32;
        for s in &self.statics {
            let end = s.first.0.saturating_add(s.len);
            if end > n_locations {
                return Err(ProgramError::BadStatic {
                    static_name: s.name.clone(),
                    first: s.first.0,
                    end,
                    count: n_locations,
                });
            }
        }
        for core in 0..self.cores {
            let threads = self.contexts.iter().filter(|c| c.core == core && c.is_thread()).count();
            match threads {
                0 => return Err(ProgramError::NoThread { core }),
                1 => {}
                _ => return Err(ProgramError::TwoThreads { core }),
            }
        }
        let levels = self.target.priority_levels();
        for (i, ctx) in self.contexts.iter().enumerate() {
            if ctx.core >= self.cores {
                return Err(ProgramError::NoSuchCore { context: ctx.name.clone(), core: ctx.core, cores: self.cores });
            }
            match &ctx.kind {
                ContextKind::Thread { calls } => {
                    for call in calls {
                        self.check_func_id(&ctx.name, call.func)?;
                    }
                }
                ContextKind::Handler { exception, priority, func, .. } => {
                    self.check_func_id(&ctx.name, *func)?;
                    let f = self.function(*func);
                    if f.body.is_empty() {
                        return Err(ProgramError::EmptyHandler { context: ctx.name.clone(), func: f.name.clone() });
                    }
                    if f.params != 0 {
                        return Err(ProgramError::HandlerWithParams {
                            context: ctx.name.clone(),
                            func: f.name.clone(),
                            params: f.params,
                        });
                    }
                    if *priority >= levels {
                        return Err(ProgramError::PriorityOutOfRange {
                            context: ctx.name.clone(),
                            priority: *priority,
                            target: self.target.name(),
                            levels,
                        });
                    }
                    if !matches!(exception, 11 | 14 | 15 | 16..) {
                        return Err(ProgramError::BadException { context: ctx.name.clone(), exception: *exception });
                    }
                    for other in &self.contexts[..i] {
                        if let ContextKind::Handler { exception: e, .. } = other.kind
                            && e == *exception
                            && other.core == ctx.core
                        {
                            return Err(ProgramError::DuplicateException {
                                context: ctx.name.clone(),
                                other: other.name.clone(),
                                exception: e,
                            });
                        }
                    }
                }
            }
        }
        for src in &self.sources {
            if let Some(h) = src.handler {
                let ok = self.contexts.get(h.0 as usize).is_some_and(|c| !c.is_thread());
                if !ok {
                    return Err(ProgramError::SourceNotHandler { source_name: src.name.clone(), handler: h.0 });
                }
            }
        }
        for f in &self.functions {
            for instr in &f.body {
                self.check_instr(f, instr)?;
            }
            if f.body.last().is_some_and(|i| !ends_flow(&i.op)) {
                return Err(ProgramError::BadInstr {
                    func: f.name.clone(),
                    at: f.body.last().map(|i| i.span.clone()).unwrap_or_default(),
                    problem: "the body can run past its last instruction (it must end in a return or a jump)".into(),
                });
            }
        }
        for p in &self.properties {
            if p.func.0 as usize >= self.functions.len() {
                return Err(ProgramError::BadProperty {
                    property: p.name.clone(),
                    problem: format!("function #{} does not exist", p.func.0),
                });
            }
            if let Some(instr) = self.first_change(p.func) {
                return Err(ProgramError::BadProperty {
                    property: p.name.clone(),
                    problem: format!("{}: a property may only read statics, not change the machine", instr.span),
                });
            }
        }
        Ok(())
    }

    fn check_func_id(&self, context: &str, func: FuncId) -> Result<(), ProgramError> {
        if func.0 as usize >= self.functions.len() {
            return Err(ProgramError::NoSuchFunction { context: context.to_string(), func: func.0 });
        }
        Ok(())
    }

    fn check_instr(&self, f: &Function, instr: &Instr) -> Result<(), ProgramError> {
        let bad = |problem: String| ProgramError::BadInstr { func: f.name.clone(), at: instr.span.clone(), problem };
        let local = |l: &Local| -> Result<(), ProgramError> {
            if l.0 >= f.locals {
                return Err(bad(format!("local #{} does not exist (the function has {})", l.0, f.locals)));
            }
            Ok(())
        };
        let operand = |o: &Operand| match o {
            Operand::Local(l) => local(l),
            Operand::Const(_) => Ok(()),
        };
        let place = |p: &Place, atomic: bool| -> Result<(), ProgramError> {
            let last =
                p.base.0 as u64 + p.index.map_or(0, |ix| u64::from(ix.len.saturating_sub(1)) * u64::from(ix.stride));
            if last >= self.locations.len() as u64 {
                return Err(bad(format!("location #{last} is out of bounds")));
            }
            if let Some(ix) = p.index {
                operand(&ix.index)?;
                if ix.len == 0 || ix.stride == 0 {
                    return Err(bad("an array index needs a non-zero length and stride".into()));
                }
            }
            let decl = self.location(p.base);
            if atomic && decl.ty.is_wide() {
                return Err(ProgramError::WideAtomic { at: instr.span.clone(), location: decl.name.clone() });
            }
            Ok(())
        };
        let jump = |t: &u32| {
            if *t as usize >= f.body.len() {
                return Err(bad(format!("jump to instruction {t}, but the body has {}", f.body.len())));
            }
            Ok(())
        };
        let irq = |c: &ContextId| match self.contexts.get(c.0 as usize) {
            Some(ctx) if !ctx.is_thread() => Ok(()),
            _ => Err(bad(format!("context #{} is not an interrupt handler", c.0))),
        };
        let source = |s: &SourceId| {
            if s.0 as usize >= self.sources.len() {
                return Err(bad(format!("event source #{} does not exist", s.0)));
            }
            Ok(())
        };
        let lock = |l: &u8| {
            if *l >= SPINLOCKS {
                return Err(bad(format!("spinlock {l} does not exist (RP2040 has 0..=31)")));
            }
            Ok(())
        };
        match &instr.op {
            Op::Move { dst, src } | Op::Unary { dst, src, .. } => {
                local(dst)?;
                operand(src)
            }
            Op::Binary { dst, lhs, rhs, .. } => {
                local(dst)?;
                operand(lhs)?;
                operand(rhs)
            }
            Op::Load { dst, place: p, .. } => {
                local(dst)?;
                place(p, false)
            }
            Op::Store { place: p, src, .. } => {
                operand(src)?;
                place(p, false)
            }
            Op::AtomicLoad { dst, place: p, .. } => {
                local(dst)?;
                place(p, true)
            }
            Op::AtomicStore { place: p, src, .. } => {
                operand(src)?;
                place(p, true)
            }
            Op::AtomicRmw { op, dst, place: p, src, .. } => {
                if !self.target.has_atomic_rmw() {
                    return Err(ProgramError::NoAtomicRmw {
                        at: instr.span.clone(),
                        method: op.method(),
                        target: self.target.name(),
                    });
                }
                local(dst)?;
                operand(src)?;
                place(p, true)
            }
            Op::CompareExchange { dst_prev, dst_ok, place: p, current, new, weak, .. } => {
                if !self.target.has_atomic_rmw() {
                    return Err(ProgramError::NoAtomicRmw {
                        at: instr.span.clone(),
                        method: if *weak { "compare_exchange_weak" } else { "compare_exchange" },
                        target: self.target.name(),
                    });
                }
                local(dst_prev)?;
                local(dst_ok)?;
                operand(current)?;
                operand(new)?;
                place(p, true)
            }
            Op::EventCount { dst, source: s, .. } => {
                source(s)?;
                local(dst)
            }
            Op::ReadPrimask { dst } | Op::ReadBasepri { dst } | Op::ReadEvent { dst, .. } => {
                if matches!(instr.op, Op::ReadBasepri { .. }) && !self.target.has_basepri() {
                    return Err(ProgramError::NoBasepri { at: instr.span.clone(), target: self.target.name() });
                }
                if let Op::ReadEvent { source: s, .. } = &instr.op {
                    source(s)?;
                }
                local(dst)
            }
            Op::RestorePrimask { saved } => operand(saved),
            Op::WriteBasepri { value, .. } => {
                if !self.target.has_basepri() {
                    return Err(ProgramError::NoBasepri { at: instr.span.clone(), target: self.target.name() });
                }
                operand(value)
            }
            Op::Nvic { irq: c, .. } => irq(c),
            Op::NvicSetPriority { irq: c, priority } => {
                irq(c)?;
                operand(priority)
            }
            Op::ClearEvent { source: s } => source(s),
            Op::SpinlockAcquire { lock: l, token } => {
                lock(l)?;
                local(token)
            }
            Op::SpinlockRelease { lock: l, token } => {
                lock(l)?;
                operand(token)
            }
            Op::Jump { target } => jump(target),
            Op::Branch { cond, then_target, else_target } => {
                operand(cond)?;
                jump(then_target)?;
                jump(else_target)
            }
            Op::Call { func, args, ret } => {
                let Some(callee) = self.functions.get(func.0 as usize) else {
                    return Err(bad(format!("call to function #{}, which does not exist", func.0)));
                };
                if args.len() != callee.params as usize {
                    return Err(bad(format!(
                        "`{}` takes {} argument(s) but {} were given",
                        callee.name,
                        callee.params,
                        args.len()
                    )));
                }
                if callee.body.is_empty() {
                    return Err(bad(format!("`{}` has no body", callee.name)));
                }
                for a in args {
                    operand(a)?;
                }
                if let Some(r) = ret {
                    local(r)?;
                }
                Ok(())
            }
            Op::Return { value } => value.as_ref().map_or(Ok(()), operand),
            Op::Check { cond, .. } => operand(cond),
            Op::BorrowRefCell { flag, .. } | Op::ReleaseRefCell { flag, .. } => place(flag, false),
            Op::Fence { .. }
            | Op::DisableInterrupts
            | Op::EnableInterrupts
            | Op::Wfi
            | Op::Busy { .. }
            | Op::Nop { .. } => Ok(()),
        }
    }
}

impl Program {
    /// The first instruction that changes the machine in `func` or in a
    /// function it calls, if any (a property must not have one). Call ids
    /// must already be checked.
    pub fn first_change(&self, func: FuncId) -> Option<&Instr> {
        let mut seen = vec![false; self.functions.len()];
        let mut todo = vec![func];
        while let Some(f) = todo.pop() {
            if std::mem::replace(&mut seen[f.0 as usize], true) {
                continue;
            }
            for instr in &self.function(f).body {
                match &instr.op {
                    Op::Call { func, .. } => todo.push(*func),
                    op if !op.is_pure() => return Some(instr),
                    _ => {}
                }
            }
        }
        None
    }
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

fn ends_flow(op: &Op) -> bool {
    matches!(op, Op::Return { .. } | Op::Jump { .. } | Op::Branch { .. })
}
