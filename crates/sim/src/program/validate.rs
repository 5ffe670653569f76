//! `Program::validate`: every way a program could be unrunnable, as a typed
//! `ProgramError`, before the machine sees it (so the machine cannot panic).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::*;

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
    #[error("source `{source_name}` ends before source #{other}, which is itself or does not exist")]
    BadBurstEnd { source_name: String, other: u16 },
    #[error("property `{property}`: {problem}")]
    BadProperty { property: String, problem: String },
    #[error("source `{source_name}` receives by DMA but lists no bytes to receive")]
    DmaWithoutBytes { source_name: String },
    #[error(
        "{0} contexts and DMA sources: irqlab models at most 16 (a DMA source takes a slot in the race detector's clocks)"
    )]
    TooManyDmaContexts(usize),
    #[error("static `{static_name}` covers locations {first}..{end}, but the program has {count} locations")]
    BadStatic { static_name: String, first: u32, end: u32, count: u32 },
}

impl Program {
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
        if self.clock_slots() > MAX_CONTEXTS {
            return Err(ProgramError::TooManyDmaContexts(self.clock_slots()));
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
                ContextKind::Thread { calls, .. } => {
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
        for (i, src) in self.sources.iter().enumerate() {
            if let Some(end) = src.ends_before
                && (end.0 as usize >= self.sources.len() || end.0 as usize == i)
            {
                return Err(ProgramError::BadBurstEnd { source_name: src.name.clone(), other: end.0 });
            }
            if src.dma.as_ref().is_some_and(|d| d.bytes.is_empty()) {
                return Err(ProgramError::DmaWithoutBytes { source_name: src.name.clone() });
            }
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
        // Every local it names exists (the one walk over an instruction's
        // locals, `Op::for_each_local`).
        let mut missing = None;
        instr.op.for_each_local(|l, _| {
            if l.0 >= f.locals && missing.is_none() {
                missing = Some(l.0);
            }
        });
        if let Some(l) = missing {
            return Err(bad(format!("local #{l} does not exist (the function has {})", f.locals)));
        }
        let place = |p: &Place, atomic: bool| -> Result<(), ProgramError> {
            let last =
                p.base.0 as u64 + p.index.map_or(0, |ix| u64::from(ix.len.saturating_sub(1)) * u64::from(ix.stride));
            if last >= self.locations.len() as u64 {
                return Err(bad(format!("location #{last} is out of bounds")));
            }
            if let Some(ix) = p.index
                && (ix.len == 0 || ix.stride == 0)
            {
                return Err(bad("an array index needs a non-zero length and stride".into()));
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
            Op::Load { place: p, .. } | Op::Store { place: p, .. } => place(p, false),
            Op::AtomicLoad { place: p, .. } | Op::AtomicStore { place: p, .. } => place(p, true),
            Op::AtomicRmw { op, place: p, .. } => {
                if !self.target.has_atomic_rmw() {
                    return Err(ProgramError::NoAtomicRmw {
                        at: instr.span.clone(),
                        method: op.method(),
                        target: self.target.name(),
                    });
                }
                place(p, true)
            }
            Op::CompareExchange { place: p, weak, .. } => {
                if !self.target.has_atomic_rmw() {
                    return Err(ProgramError::NoAtomicRmw {
                        at: instr.span.clone(),
                        method: if *weak { "compare_exchange_weak" } else { "compare_exchange" },
                        target: self.target.name(),
                    });
                }
                place(p, true)
            }
            Op::EventCount { source: s, .. } | Op::ReadEvent { source: s, .. } | Op::ClearEvent { source: s } => {
                source(s)
            }
            Op::ReadBasepri { .. } | Op::WriteBasepri { .. } if !self.target.has_basepri() => {
                Err(ProgramError::NoBasepri { at: instr.span.clone(), target: self.target.name() })
            }
            Op::Nvic { irq: c, .. } | Op::NvicSetPriority { irq: c, .. } => irq(c),
            Op::DmaStart { source: s, buffer, len } => {
                source(s)?;
                if self.sources[s.0 as usize].dma.is_none() {
                    return Err(bad(format!("source `{}` does not receive by DMA", self.sources[s.0 as usize].name)));
                }
                let end = u64::from(buffer.0) + u64::from(*len);
                if *len == 0 || end > self.locations.len() as u64 {
                    return Err(bad(format!("a DMA buffer of {len} bytes at location #{} is out of bounds", buffer.0)));
                }
                let bytes = (buffer.0..buffer.0 + len).all(|l| {
                    let d = self.location(Location(l));
                    d.ty == Ty::U8 && d.kind == LocationKind::Plain
                });
                if !bytes {
                    return Err(bad("a DMA buffer is plain bytes (`[u8; N]`)".into()));
                }
                Ok(())
            }
            Op::SpinlockAcquire { lock: l, .. } | Op::SpinlockRelease { lock: l, .. } => lock(l),
            Op::Jump { target } => jump(target),
            Op::Branch { then_target, else_target, .. } => {
                jump(then_target)?;
                jump(else_target)
            }
            Op::Call { func, args, .. } => {
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
                Ok(())
            }
            Op::BorrowRefCell { flag, .. } | Op::ReleaseRefCell { flag, .. } => place(flag, false),
            // Only locals, checked above.
            Op::Move { .. }
            | Op::Unary { .. }
            | Op::Binary { .. }
            | Op::ReadPrimask { .. }
            | Op::ReadBasepri { .. }
            | Op::WriteBasepri { .. }
            | Op::RestorePrimask { .. }
            | Op::Return { .. }
            | Op::Check { .. }
            | Op::Fence { .. }
            | Op::DisableInterrupts
            | Op::EnableInterrupts
            | Op::Wfi
            | Op::Wfe
            | Op::Sev
            | Op::Busy { .. }
            | Op::StackBytes { .. }
            | Op::Nop { .. } => Ok(()),
        }
    }

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
                    op if !op.is_property_safe() => return Some(instr),
                    _ => {}
                }
            }
        }
        None
    }
}

fn ends_flow(op: &Op) -> bool {
    matches!(op, Op::Return { .. } | Op::Jump { .. } | Op::Branch { .. })
}
