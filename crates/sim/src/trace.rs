//! What happened, step by step: enough to draw a timeline and to explain each
//! step in words. Serializable, so the CLI can print it as JSON and the web
//! page can draw it.

use serde::{Deserialize, Serialize};

use crate::nvic::ExceptionState;
use crate::outcome::Outcome;
use crate::program::{ContextId, Location, SourceId, Span};

/// What kind of step the machine took.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum StepKind {
    /// One instruction of the context on top of the core's stack.
    /// `func` is an id into `Program::functions` (its name is there).
    Instr { func: crate::program::FuncId, pc: u32 },
    /// Exception entry: stacking the context (`cycles` of the entry latency).
    /// The vector is fetched at the end of stacking, so a more urgent
    /// exception arriving now is taken instead (late arrival).
    Stacking { exception: u16 },
    /// The handler returned; `tail_chain` says whether it chained straight
    /// into another pending handler instead of unstacking.
    Return { tail_chain: bool },
    /// The core sleeps in WFI, waiting for an interrupt.
    Sleep,
    /// The context spins: the same loop iteration with nothing changed.
    Spin,
}

/// A change the step caused, beyond memory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Event {
    /// An external event arrived; `merged` when its pending bit or flag was
    /// already set, so it adds no handler run.
    Arrival {
        source: SourceId,
        merged: bool,
    },
    /// A DMA transfer began (`board::uarte_receive`): the peripheral owns
    /// `len` bytes from `buffer` until its last byte is in.
    DmaStarted {
        source: SourceId,
        buffer: Location,
        len: u32,
    },
    /// The peripheral wrote one byte by DMA; `last` when it filled the
    /// buffer, which ended the transfer and raised its event.
    DmaWrote {
        source: SourceId,
        location: Location,
        value: u64,
        last: bool,
    },
    /// The handler's pending bit was set (by an arrival, NVIC::pend, or a
    /// level-triggered flag still set).
    Pended {
        context: ContextId,
    },
    Unpended {
        context: ContextId,
    },
    /// The handler became active. `over` names the less urgent handler whose
    /// stacking it took over (late arrival).
    Entered {
        context: ContextId,
        preempted: Option<ContextId>,
        late_arrival_over: Option<ContextId>,
    },
    /// The handler returned to `to` (or chained into the next one).
    Exited {
        context: ContextId,
        to: Option<ContextId>,
    },
    TailChain {
        from: ContextId,
        to: ContextId,
    },
    Primask {
        core: u8,
        set: bool,
    },
    Basepri {
        core: u8,
        value: u8,
    },
    NvicEnabled {
        context: ContextId,
        enabled: bool,
    },
    NvicPriority {
        context: ContextId,
        priority: u8,
    },
    Flag {
        source: SourceId,
        set: bool,
    },
    Spinlock {
        lock: u8,
        held_by: Option<ContextId>,
    },
    /// The compiler's reordering was taken: the instruction at `moved` ran
    /// before the one at `over`.
    Reordered {
        moved: Span,
        over: Span,
    },
    /// A WFE ran: it found the event register set (cleared it, no sleep),
    /// returned at once without an event (`Choice::wfe_returns`), or put
    /// the core to sleep.
    Wfe {
        core: u8,
        event_was_set: bool,
        returned_early: bool,
    },
    /// An SEV set the event register of every core.
    Sev {
        core: u8,
    },
    /// The thread context finished its calls.
    ThreadDone {
        context: ContextId,
    },
    Outcome(Outcome),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Read {
    pub location: Location,
    pub value: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Write {
    pub location: Location,
    pub old: u64,
    pub new: u64,
}

/// One step of the machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    pub index: u64,
    pub core: u8,
    pub context: ContextId,
    /// The contexts on this core's stack after the step, bottom first.
    pub stack: Vec<ContextId>,
    pub kind: StepKind,
    pub span: Option<Span>,
    pub cycle: u64,
    pub cycles: u32,
    pub reads: Vec<Read>,
    pub writes: Vec<Write>,
    pub events: Vec<Event>,
    /// The core's registers after the step: what a view shows of the NVIC,
    /// the masks and the exception stack, read here instead of rebuilt.
    pub registers: Registers,
}

/// The registers a learner inspects, after a step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registers {
    /// Per core, in core order.
    pub cores: Vec<CoreRegisters>,
    /// Per context (a thread's entry is unused): the NVIC's enabled,
    /// pending and active bits and the logical priority.
    pub exceptions: Vec<ExceptionState>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreRegisters {
    pub primask: bool,
    /// BASEPRI as the register reads (unimplemented bits are zero).
    pub basepri: u8,
    /// The priority level BASEPRI masks at, `None` when it masks nothing.
    pub basepri_level: Option<u8>,
    /// ARMv7-M B1.5.4; 256 is thread mode with nothing boosting it.
    pub execution_priority: i16,
    /// The contexts on the core's stack, thread mode first (the frames of
    /// the exceptions it is handling, innermost last).
    pub stack: Vec<ContextId>,
    /// Bytes of main stack in use (`Machine::stack_bytes`).
    #[serde(default)]
    pub stack_bytes: u32,
}

/// The steps of a run, in order.
pub type Trace = Vec<StepRecord>;
