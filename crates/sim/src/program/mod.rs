//! What the code is: statics laid out as locations, functions made of
//! instructions that each carry a source span, and the execution contexts
//! (thread mode per core, handlers) with the event sources that drive them.
//!
//! A front end (crates/lang) builds a `Program`; `Program::validate` turns every
//! way it could be unrunnable into a typed `ProgramError` before the machine
//! sees it.

use serde::{Deserialize, Serialize};

use crate::value::Ty;
pub use crate::value::{BinOp, UnOp};

mod inline;
mod ops;
mod validate;

pub use inline::{KeptCall, MAX_INLINED_BODY};
pub use ops::*;
pub use validate::ProgramError;

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
    /// Bytes of its frame the compiler must keep in memory: its local
    /// arrays (indexed at run time, so not kept in registers), those of
    /// the callees inlined into it included (`inline_calls`). The machine
    /// adds the saved registers (`machine::stack_bytes`, docs/SEMANTICS.md
    /// §1 "Stack").
    #[serde(default)]
    pub frame_bytes: u32,
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
    Thread {
        calls: Vec<ThreadCall>,
        /// Its last call is meant to loop forever (firmware's `loop {}`
        /// main): once every source has delivered its events and it waits
        /// (WFI or a spin), the run has reached its end, not a failure to
        /// finish (docs/SEMANTICS.md §4).
        #[serde(default)]
        forever: bool,
    },
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
    /// A burst (a bouncing contact): this source's events all come before
    /// the first event of that source (a debounce timer longer than any
    /// bounce). Once it has arrived, no more of these do.
    #[serde(default)]
    pub ends_before: Option<SourceId>,
    /// The peripheral receives by DMA (nRF52833 EasyDMA): each event is
    /// one byte the peripheral writes into the buffer of the transfer
    /// running (`Op::DmaStart`), and only while one runs; the byte that
    /// fills the buffer ends the transfer and raises the source's event
    /// (docs/SEMANTICS.md §1 "DMA").
    #[serde(default)]
    pub dma: Option<DmaDecl>,
}

/// What a DMA source receives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DmaDecl {
    /// The bytes the peripheral receives, in order: its k-th event writes
    /// `bytes[k % bytes.len()]`.
    pub bytes: Vec<u8>,
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

    /// The DMA sources, in order: each has a pseudo-context after the
    /// program's contexts (`dma_context`) for the race detector's clocks.
    pub fn dma_sources(&self) -> impl Iterator<Item = SourceId> + '_ {
        self.sources.iter().enumerate().filter(|(_, s)| s.dma.is_some()).map(|(i, _)| SourceId(i as u16))
    }

    /// The pseudo-context whose accesses are `source`'s DMA writes: its
    /// index follows the program's contexts, so it has a slot in every
    /// vector clock (`Program::validate` keeps the total within
    /// `MAX_CONTEXTS`).
    pub fn dma_context(&self, source: SourceId) -> Option<ContextId> {
        let rank = self.dma_sources().position(|s| s == source)?;
        Some(ContextId((self.contexts.len() + rank) as u16))
    }

    /// Contexts and DMA pseudo-contexts: the vector clocks' slots in use.
    pub fn clock_slots(&self) -> usize {
        self.contexts.len() + self.dma_sources().count()
    }

    /// How a context is named in messages; a DMA pseudo-context (see
    /// `dma_context`) is "the DMA of SOURCE".
    pub fn context_name(&self, id: ContextId) -> String {
        match self.contexts.get(id.0 as usize) {
            Some(c) => c.name.clone(),
            None => self.dma_sources().nth(id.0 as usize - self.contexts.len()).map_or_else(
                || format!("context {}", id.0),
                |s| format!("the DMA of {}", self.sources[s.0 as usize].name),
            ),
        }
    }

    pub fn thread_of(&self, core: u8) -> Option<ContextId> {
        self.contexts.iter().position(|c| c.core == core && c.is_thread()).map(|i| ContextId(i as u16))
    }

    /// Calls `f` with every instruction of `ctx`'s code and of what it
    /// calls, each function once.
    pub fn for_each_reachable_instr(&self, ctx: &ContextDecl, mut f: impl FnMut(&Op)) {
        let mut work: Vec<FuncId> = match &ctx.kind {
            ContextKind::Thread { calls, .. } => calls.iter().map(|c| c.func).collect(),
            ContextKind::Handler { func, .. } => vec![*func],
        };
        let mut seen = vec![false; self.functions.len()];
        while let Some(func) = work.pop() {
            let Some(done) = seen.get_mut(func.0 as usize) else { continue };
            if std::mem::replace(done, true) {
                continue;
            }
            for instr in &self.functions[func.0 as usize].body {
                if let Op::Call { func, .. } = instr.op {
                    work.push(func);
                }
                f(&instr.op);
            }
        }
    }

    /// For each location, the contexts (a bit per `ContextId`) whose code,
    /// including what it calls, can touch it.
    pub fn accessors(&self) -> Vec<u16> {
        let mut users = vec![0u16; self.locations.len()];
        for (i, ctx) in self.contexts.iter().enumerate().take(16) {
            let bit = 1u16 << i;
            let mut mark = |p: &Place| {
                let len = p.index.map_or(1, |ix| ix.len);
                let stride = p.index.map_or(1, |ix| ix.stride);
                for k in 0..len {
                    if let Some(u) = users.get_mut((p.base.0 + k * stride) as usize) {
                        *u |= bit;
                    }
                }
            };
            self.for_each_reachable_instr(ctx, |op| match op {
                Op::Load { place, .. }
                | Op::Store { place, .. }
                | Op::AtomicLoad { place, .. }
                | Op::AtomicStore { place, .. }
                | Op::AtomicRmw { place, .. }
                | Op::CompareExchange { place, .. } => mark(place),
                Op::BorrowRefCell { flag, .. } | Op::ReleaseRefCell { flag, .. } => mark(flag),
                _ => {}
            });
        }
        // A transfer's buffer is written by its DMA pseudo-context.
        for f in &self.functions {
            for instr in &f.body {
                if let Op::DmaStart { source, buffer, len } = instr.op
                    && let Some(dma) = self.dma_context(source).filter(|c| (c.0 as usize) < MAX_CONTEXTS)
                {
                    for k in 0..len {
                        if let Some(u) = users.get_mut((buffer.0 + k) as usize) {
                            *u |= 1 << dma.0;
                        }
                    }
                }
            }
        }
        users
    }
}
