//! The instruction interpreter: one instruction of the stepping context, in
//! program order or run early as the compiler may (`reorder.rs`), with its
//! effects on locals, memory, masks and the NVIC.

use crate::nvic::{self};
use crate::outcome::Outcome;
use crate::program::{
    CheckKind, ContextId, EventCount, FuncId, Local, Location, NvicOp, Op, Operand, Program, SourceId,
};
use crate::reorder::{EarlyAccess, Speculated};
use crate::trace::{Event, StepKind, Write};
use crate::value::{self, Ty};

use super::{Flow, Frame, Machine, Rec, Status, index_message, new_frame, placeholder_core, rec_read, resolve, rmw};

impl Machine {
    pub(super) fn exec(&mut self, program: &Program, core: u8, pick: u16, wfe_returns: bool, rec: &mut Rec) {
        let ci = core as usize;
        let early = match pick {
            0 => None,
            k => self.early_accesses(program, core).into_iter().nth(usize::from(k) - 1),
        };
        let c = &mut self.cores[ci];
        let event_set = c.event;
        let act = c.stack.last_mut().expect("a core always has its thread activation");
        let ctx = act.context;
        let Some(frame) = act.frames.last_mut() else {
            return;
        };
        let func = frame.func;
        let body = &program.function(func).body;
        if let Some(early) = early {
            rec.reordered = true;
            let here = frame.pc;
            let (moved, over) = (body[early.pc as usize].span.clone(), body[early.over as usize].span.clone());
            rec.event(|| Event::Reordered { moved, over });
            if rec.on {
                let instr = &body[early.pc as usize];
                rec.with(|r| {
                    r.span = Some(instr.span.clone());
                    r.kind = StepKind::Instr { func, pc: early.pc };
                });
            }
            if early.over_branch.is_some() {
                self.speculate(program, core, (ctx, func), &early, rec);
                return;
            }
            // The program counter stays where program order is.
            let instr = &body[early.pc as usize];
            if let Flow::Halt = self.exec_op(program, core, ctx, func, early.pc, here, &instr.op, rec) {
                self.status = Status::Halted;
                return;
            }
            self.frame(core).ahead.push(early.pc);
            return;
        }
        let pc = frame.pc;
        let instr = &body[pc as usize];
        if rec.on {
            rec.with(|r| {
                r.span = Some(instr.span.clone());
                r.kind = StepKind::Instr { func, pc };
            });
        }
        // A load read early across a branch that went its way: its value is used now.
        if let Some(i) = frame.speculated.iter().position(|s| s.armed && s.pc == pc)
            && let Op::Load { dst, .. } | Op::AtomicLoad { dst, .. } = &instr.op
        {
            let value = frame.speculated.swap_remove(i).value;
            frame.locals[dst.0 as usize] = value;
            // A plain load races where the program has it, and only if it is
            // used: a discarded speculation is no access of the source
            // program (LangRef, "Memory Model for Concurrent Operations": a
            // racing non-atomic load yields undef, not undefined behavior,
            // which is what lets LLVM speculate it). SEMANTICS.md §3.
            if let Op::Load { place, .. } = &instr.op
                && let Ok(loc) = resolve(place, &frame.locals)
            {
                self.race_access(program, core, ctx, func, pc, loc, false, rec);
            }
            self.set_pc(core, pc + 1);
            self.cores[ci].cycles += 1;
            self.skip_done_ahead(core);
            return;
        }
        // A WFE that returns at once though no event is registered
        // (`Choice::wfe_returns`; ARMv7-M B1.5.18: WFE may complete at any
        // time): it only moves on.
        if wfe_returns && !event_set && matches!(instr.op, Op::Wfe) {
            frame.pc = pc + 1;
            let ahead = !frame.ahead.is_empty();
            self.cores[ci].cycles += 1;
            if ahead {
                self.skip_done_ahead(core);
            }
            rec.wfe_returned = true;
            rec.event(|| Event::Wfe { core, event_was_set: false, returned_early: true });
            return;
        }
        // The pure instructions on the frame at hand (most steps): what
        // `exec_op` would do for them, without finding the frame again.
        if matches!(instr.op, Op::Move { .. } | Op::Unary { .. } | Op::Binary { .. } | Op::Nop { .. }) {
            match compute(&instr.op, &frame.locals, |_| 0) {
                Computed::Set(dst, v) => frame.locals[dst.0 as usize] = v,
                Computed::Next => {}
                // An arithmetic panic: `exec_op` reports it.
                _ => return self.exec_slow(program, core, ctx, func, pc, &instr.op, rec),
            }
            frame.pc = pc + 1;
            let ahead = !frame.ahead.is_empty();
            self.cores[ci].cycles += 1;
            if ahead {
                self.skip_done_ahead(core);
            }
            return;
        }
        self.exec_slow(program, core, ctx, func, pc, &instr.op, rec);
    }

    /// An instruction in program order through `exec_op`.
    #[allow(clippy::too_many_arguments)]
    fn exec_slow(
        &mut self,
        program: &Program,
        core: u8,
        ctx: ContextId,
        func: FuncId,
        pc: u32,
        op: &Op,
        rec: &mut Rec,
    ) {
        let instr_op = op;
        match self.exec_op(program, core, ctx, func, pc, pc + 1, instr_op, rec) {
            Flow::Next => {}
            Flow::Halt => {
                self.status = Status::Halted;
                return;
            }
        }
        if matches!(instr_op, Op::Jump { .. } | Op::Branch { .. } | Op::Call { .. } | Op::Return { .. }) {
            self.control_transfer(core, func, pc, instr_op);
        }
        self.skip_done_ahead(core);
    }

    /// A load read now although a branch comes before it in program order
    /// (the compiler hoisted it: LangRef allows loads from dereferenceable
    /// memory to be speculated). Its value waits in the frame.
    pub(super) fn speculate(
        &mut self,
        program: &Program,
        core: u8,
        (ctx, func): (ContextId, FuncId),
        early: &EarlyAccess,
        rec: &mut Rec,
    ) {
        let Some((branch, target)) = early.over_branch else { return };
        let pc = early.pc;
        let (place, ordering) = match &program.function(func).body[pc as usize].op {
            Op::Load { place, .. } => (place, None),
            Op::AtomicLoad { place, ordering, .. } => (place, Some(*ordering)),
            _ => return,
        };
        let Ok(loc) = resolve(place, &self.frame(core).locals) else { return };
        let value = self.memory[loc.0 as usize];
        // A plain load's race check waits until its value is used (`step`).
        rec_read(rec, loc, value);
        self.note_read(core, loc, rec);
        if let Some(o) = ordering {
            self.sync_atomic(core, ctx, loc, o, false);
        }
        self.frame(core).speculated.push(Speculated { branch, target, pc, value, armed: false });
        self.cores[core as usize].cycles += 2;
    }

    /// After a jump, branch, call or return in program order: values read
    /// early for the way this branch went are kept (armed), the others and
    /// any left from an earlier branch dropped.
    pub(super) fn control_transfer(&mut self, core: u8, func: FuncId, pc: u32, op: &Op) {
        let c = &mut self.cores[core as usize];
        let Some(frame) = c.stack.last_mut().and_then(|a| a.frames.iter_mut().rev().find(|f| f.func == func)) else {
            return;
        };
        if frame.speculated.is_empty() {
            return;
        }
        let went = frame.pc;
        let is_branch = matches!(op, Op::Branch { .. });
        frame.speculated.retain_mut(|s| {
            if s.armed {
                return false;
            }
            if is_branch && s.branch == pc {
                s.armed = s.target == went;
                return s.armed;
            }
            true
        });
    }

    /// Moves the program counter over instructions that already ran early.
    pub(super) fn skip_done_ahead(&mut self, core: u8) {
        let Some(frame) = self.cores[core as usize].stack.last_mut().and_then(|a| a.frames.last_mut()) else {
            return;
        };
        while let Some(i) = frame.ahead.iter().position(|&p| p == frame.pc) {
            frame.ahead.swap_remove(i);
            frame.pc += 1;
        }
    }

    pub(super) fn frame(&mut self, core: u8) -> &mut Frame {
        self.cores[core as usize]
            .stack
            .last_mut()
            .and_then(|a| a.frames.last_mut())
            .expect("exec runs only with a frame")
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn exec_op(
        &mut self,
        program: &Program,
        core: u8,
        ctx: ContextId,
        func: FuncId,
        pc: u32,
        next_pc: u32,
        op: &Op,
        rec: &mut Rec,
    ) -> Flow {
        let ci = core as usize;
        let span_of = || program.function(func).body[pc as usize].span.clone();
        let get = |m: &mut Machine, o: &Operand| match o {
            Operand::Const(v) => *v,
            Operand::Local(l) => m.frame(core).locals[l.0 as usize],
        };
        let mut cost: u64 = 1;
        macro_rules! set {
            ($l:expr, $v:expr) => {{
                let v = $v;
                self.frame(core).locals[$l.0 as usize] = v;
            }};
        }
        macro_rules! place {
            ($p:expr) => {{
                let locals = &self.frame(core).locals;
                match resolve($p, locals) {
                    Ok(loc) => loc,
                    Err((i, n)) => {
                        self.panic(ctx, span_of(), index_message(i, n), None, rec);
                        return Flow::Halt;
                    }
                }
            }};
        }
        let mut goto = next_pc;
        let computed = {
            let this = &*self;
            let locals = this.cores[ci].stack.last().and_then(|a| a.frames.last()).map_or(&[][..], |f| &f.locals[..]);
            compute(op, locals, |p| this.probe(program, p))
        };
        match computed {
            Computed::Set(dst, v) => set!(dst, v),
            Computed::Next => {}
            Computed::Fail(msg) => {
                self.panic(ctx, span_of(), msg.to_string(), None, rec);
                return Flow::Halt;
            }
            Computed::Goto(target) => {
                goto = target;
                // A loop's back edge: spin and deadlock detection.
                if target <= pc && self.backedge(program, core, ctx, pc, rec) {
                    return Flow::Halt;
                }
            }
            Computed::Effect => {}
        }
        match op {
            Op::Move { .. }
            | Op::Unary { .. }
            | Op::Binary { .. }
            | Op::EventCount { .. }
            | Op::StackBytes { .. }
            | Op::Jump { .. }
            | Op::Branch { .. }
            | Op::Nop { .. } => {}
            Op::Load { dst, place, .. } => {
                let loc = place!(place);
                let ty = program.location(loc).ty;
                cost = 2;
                let full = self.memory[loc.0 as usize];
                self.race_access(program, core, ctx, func, pc, loc, false, rec);
                self.note_read(core, loc, rec);
                if ty.is_wide() {
                    // ARMv7-M A3.5.3: a 64-bit access is two word accesses,
                    // low word first; an interrupt can land between them.
                    let frame = self.frame(core);
                    match frame.half.take() {
                        None => {
                            frame.half = Some(full & 0xFFFF_FFFF);
                            rec_read(rec, loc, full & 0xFFFF_FFFF);
                            goto = pc;
                        }
                        Some(lo) => {
                            rec_read(rec, loc, full >> 32);
                            set!(dst, (full & !0xFFFF_FFFF) | lo);
                        }
                    }
                } else {
                    rec_read(rec, loc, full);
                    set!(dst, full);
                }
            }
            Op::Store { place, src, .. } => {
                let loc = place!(place);
                let ty = program.location(loc).ty;
                let v = ty.wrap(ty.value(get(self, src)));
                cost = 2;
                self.race_access(program, core, ctx, func, pc, loc, true, rec);
                if ty.is_wide() {
                    let old = self.memory[loc.0 as usize];
                    let frame = self.frame(core);
                    if frame.half.take().is_none() {
                        frame.half = Some(0);
                        self.write(core, ctx, loc, (old & !0xFFFF_FFFF) | (v & 0xFFFF_FFFF), rec);
                        goto = pc;
                    } else {
                        self.write(core, ctx, loc, (v & !0xFFFF_FFFF) | (old & 0xFFFF_FFFF), rec);
                    }
                } else {
                    self.write(core, ctx, loc, v, rec);
                }
            }
            Op::AtomicLoad { dst, place, ordering } => {
                let loc = place!(place);
                cost = 2;
                let v = self.memory[loc.0 as usize];
                rec_read(rec, loc, v);
                self.note_read(core, loc, rec);
                self.sync_atomic(core, ctx, loc, *ordering, false);
                set!(dst, v);
            }
            Op::AtomicStore { place, src, ordering } => {
                let loc = place!(place);
                let ty = program.location(loc).ty;
                let v = ty.wrap(ty.value(get(self, src)));
                cost = 2;
                self.sync_atomic(core, ctx, loc, *ordering, true);
                self.write(core, ctx, loc, v, rec);
            }
            Op::AtomicRmw { op, dst, place, src, ordering } => {
                let loc = place!(place);
                let ty = program.location(loc).ty;
                let old = self.memory[loc.0 as usize];
                let arg = get(self, src);
                let new = rmw(*op, ty, old, arg);
                // LDREX, op, STREX, and the retry branch (ARMv7-M A3.4).
                cost = 5;
                rec_read(rec, loc, old);
                self.note_read(core, loc, rec);
                self.sync_atomic(core, ctx, loc, *ordering, false);
                self.sync_atomic(core, ctx, loc, *ordering, true);
                self.write(core, ctx, loc, new, rec);
                set!(dst, old);
            }
            Op::CompareExchange { dst_prev, dst_ok, place, current, new, success, failure, .. } => {
                let loc = place!(place);
                let ty = program.location(loc).ty;
                let old = self.memory[loc.0 as usize];
                let (cur, new) = (get(self, current), ty.wrap(ty.value(get(self, new))));
                cost = 5;
                rec_read(rec, loc, old);
                self.note_read(core, loc, rec);
                let ok = old == ty.wrap(ty.value(cur));
                if ok {
                    self.sync_atomic(core, ctx, loc, *success, false);
                    self.sync_atomic(core, ctx, loc, *success, true);
                    self.write(core, ctx, loc, new, rec);
                } else {
                    self.sync_atomic(core, ctx, loc, *failure, false);
                }
                set!(dst_prev, old);
                set!(dst_ok, u64::from(ok));
            }
            Op::Fence { ordering, .. } => {
                if ordering.is_acquire() {
                    self.acquire_point(core, ctx);
                }
                if ordering.is_release() {
                    self.release_point(core, ctx);
                }
            }
            Op::ReadPrimask { dst } => {
                let v = u64::from(self.cores[ci].primask);
                set!(dst, v);
            }
            Op::DisableInterrupts => {
                // cortex-m's interrupt::disable: CPSID i plus compiler_fence(SeqCst).
                self.set_primask(core, true, rec);
                self.release_point(core, ctx);
                self.acquire_point(core, ctx);
            }
            Op::EnableInterrupts => {
                self.release_point(core, ctx);
                self.acquire_point(core, ctx);
                self.set_primask(core, false, rec);
            }
            Op::RestorePrimask { saved } => {
                // critical_section::with restores the state it found, so
                // nested sections leave interrupts disabled until the
                // outermost one ends.
                let was_disabled = get(self, saved) != 0;
                self.release_point(core, ctx);
                self.acquire_point(core, ctx);
                if !was_disabled {
                    self.set_primask(core, false, rec);
                }
            }
            Op::WriteBasepri { value, max } => {
                // Unimplemented low-order bits of BASEPRI read as zero and
                // ignore writes (ARMv7-M B1.4.3, B5.2.3): on a device with 3
                // priority bits, writing 0x10 leaves 0, which masks nothing.
                let raw = (get(self, value) & 0xFF) as u8 & nvic::implemented_mask(program.target.priority_bits());
                let c = &mut self.cores[ci];
                // BASEPRI_MAX only raises the masking level (ARMv7-M B5.2.3).
                let write = !*max || (raw != 0 && (c.basepri == 0 || raw < c.basepri));
                if write {
                    c.basepri = raw;
                    rec.event(|| Event::Basepri { core, value: raw });
                }
                self.release_point(core, ctx);
                self.acquire_point(core, ctx);
            }
            Op::ReadBasepri { dst } => {
                let v = u64::from(self.cores[ci].basepri);
                set!(dst, v);
            }
            // Each RP2040 core has its own NVIC (RP2040 datasheet 2.3.2:
            // "each core has its own ... NVIC"): an NVIC write reaches the
            // interrupt on the core that executes it. The model binds a
            // handler to one core, so an operation on another core's handler
            // reaches a line this core does not handle, and changes nothing.
            Op::Nvic { irq, .. } | Op::NvicSetPriority { irq, .. } if program.context(*irq).core != core => {}
            Op::Nvic { op, irq } => {
                let e = &mut self.exceptions[irq.0 as usize];
                match op {
                    NvicOp::Enable => {
                        e.enabled = true;
                        rec.event(|| Event::NvicEnabled { context: *irq, enabled: true });
                    }
                    NvicOp::Disable => {
                        e.enabled = false;
                        rec.event(|| Event::NvicEnabled { context: *irq, enabled: false });
                    }
                    NvicOp::Pend => {
                        if !e.pending {
                            e.pending = true;
                            rec.event(|| Event::Pended { context: *irq });
                        }
                    }
                    NvicOp::Unpend => {
                        if e.pending {
                            e.pending = false;
                            rec.event(|| Event::Unpended { context: *irq });
                        }
                    }
                }
            }
            Op::NvicSetPriority { irq, priority } => {
                let raw = (get(self, priority) & 0xFF) as u8;
                let level = nvic::logical_priority(raw, program.target.priority_bits());
                self.exceptions[irq.0 as usize].priority = level;
                rec.event(|| Event::NvicPriority { context: *irq, priority: level });
            }
            Op::ClearEvent { source } => {
                if self.flags[source.0 as usize] {
                    self.flags[source.0 as usize] = false;
                    rec.event(|| Event::Flag { source: *source, set: false });
                    // A polled source (no handler): its event is handled when
                    // the code that polls it clears the flag, and its latency
                    // runs from the arrival to here (SEMANTICS.md §4).
                    if self.track_events && program.sources[source.0 as usize].handler.is_none() {
                        let now = self.cores[ci].cycles;
                        let e = &mut self.events[source.0 as usize];
                        e.handled += 1;
                        if let Some(since) = e.pending_since.take() {
                            e.max_latency = e.max_latency.max(now.saturating_sub(since));
                        }
                    }
                }
            }
            Op::ReadEvent { dst, source } => {
                let v = u64::from(self.flags[source.0 as usize]);
                set!(dst, v);
            }
            Op::DmaStart { source, buffer, len } => {
                // A volatile write of TASKS_STARTRX after RXD.PTR and
                // RXD.MAXCNT (nRF52833 PS, UARTE "EasyDMA"). The core does
                // its memory accesses in program order (ARMv7-M A3.5.3; the
                // Cortex-M4 and M0+ do not reorder them, docs/SEMANTICS.md §1
                // "DMA"), so what this context did before, as executed,
                // happens before every byte the DMA writes: its clock joins
                // the DMA's. The context's next accesses are a new epoch the
                // DMA has not seen.
                if self.dma[source.0 as usize].is_some() {
                    // Reported, and the run goes on with the new transfer
                    // (nothing halts: accesses the compiler ran early past
                    // this start stay done, as on the chip).
                    rec.outcome(Outcome::DmaBusy { context: ctx, span: span_of(), source: *source });
                }
                if let Some(dma) = program.dma_context(*source) {
                    let clock = self.clocks[ctx.0 as usize];
                    self.clocks[dma.0 as usize].join(&clock);
                    self.clocks[ctx.0 as usize].0[ctx.0 as usize] += 1;
                }
                self.dma[source.0 as usize] = Some(super::Transfer { buffer: *buffer, len: *len, pos: 0, func, pc });
                rec.event(|| Event::DmaStarted { source: *source, buffer: *buffer, len: *len });
            }
            Op::SpinlockAcquire { lock, token } => {
                let holder = self.locks.iter().find(|(l, _)| l == lock).map(|(_, c)| *c);
                match holder {
                    None => {
                        self.locks.push((*lock, ctx));
                        self.locks.sort_unstable();
                        if let Some((_, clock)) = self.lock_clocks.iter().find(|(l, _)| l == lock) {
                            let clock = *clock;
                            self.clocks[ctx.0 as usize].join(&clock);
                        }
                        rec.event(|| Event::Spinlock { lock: *lock, held_by: Some(ctx) });
                        set!(token, 1);
                    }
                    Some(h) if program.context(h).core == core => {
                        // rp2040-hal's critical section records the owning
                        // core and does not take the lock again when nested.
                        set!(token, 0);
                    }
                    Some(_) => {
                        // Spin: read the lock register again next step.
                        cost = 2;
                        goto = pc;
                        rec.with(|r| r.kind = StepKind::Spin);
                        self.cores[ci].spinning = true;
                        self.set_pc(core, goto);
                        self.cores[ci].cycles += cost;
                        return Flow::Next;
                    }
                }
            }
            Op::SpinlockRelease { lock, token } => {
                if get(self, token) == 1 {
                    self.locks.retain(|(l, _)| l != lock);
                    let clock = self.clocks[ctx.0 as usize];
                    match self.lock_clocks.iter_mut().find(|(l, _)| l == lock) {
                        Some((_, c)) => c.join(&clock),
                        None => {
                            self.lock_clocks.push((*lock, clock));
                            self.lock_clocks.sort_unstable_by_key(|(l, _)| *l);
                        }
                    }
                    self.clocks[ctx.0 as usize].0[ctx.0 as usize] += 1;
                    rec.event(|| Event::Spinlock { lock: *lock, held_by: None });
                }
            }
            Op::Call { func: callee, args, ret } => {
                cost = 3;
                let depth = self.cores[ci].stack.last().map_or(0, |a| a.frames.len());
                if depth >= self.bounds.max_call_depth as usize {
                    self.panic(ctx, span_of(), "stack overflow (call depth bound reached)".into(), None, rec);
                    return Flow::Halt;
                }
                let values: Vec<u64> = args.iter().map(|a| get(self, a)).collect();
                self.set_pc(core, next_pc);
                let frame = new_frame(program, *callee, &values, *ret);
                let c = &mut self.cores[ci];
                c.stack.last_mut().expect("activation").frames.push(frame);
                c.cycles += cost;
                return Flow::Next;
            }
            Op::Return { value } => {
                cost = 3;
                let v = value.map(|v| get(self, &v));
                let c = &mut self.cores[ci];
                let is_thread = c.stack.len() == 1;
                let act = c.stack.last_mut().expect("activation");
                let done = act.frames.pop().expect("a frame returns");
                if let Some(caller) = act.frames.last_mut() {
                    if let (Some(r), Some(v)) = (done.ret, v) {
                        caller.locals[r.0 as usize] = v;
                    }
                } else if is_thread {
                    let mut core_state = std::mem::replace(&mut self.cores[ci], placeholder_core());
                    self.start_next_call(program, &mut core_state);
                    self.cores[ci] = core_state;
                }
                self.cores[ci].cycles += cost;
                return Flow::Next;
            }
            Op::Check { cond, kind, message } => {
                if get(self, cond) == 0 {
                    let uninit = match kind {
                        CheckKind::UnwrapNone { static_name } => Some(static_name.clone()),
                        _ => None,
                    };
                    self.panic(ctx, span_of(), message.clone(), uninit, rec);
                    return Flow::Halt;
                }
            }
            Op::BorrowRefCell { flag, mutable } => {
                let loc = place!(flag);
                self.race_access(program, core, ctx, func, pc, loc, true, rec);
                let v = Ty::I32.value(self.memory[loc.0 as usize]);
                rec_read(rec, loc, self.memory[loc.0 as usize]);
                let refused = if *mutable { v != 0 } else { v < 0 };
                if refused {
                    let static_name = program.location(loc).static_name.clone();
                    let o = Outcome::DoubleBorrow { context: ctx, span: span_of(), static_name, mutable: *mutable };
                    self.halt(o, rec);
                    return Flow::Halt;
                }
                let new = if *mutable { -1 } else { v + 1 };
                self.write(core, ctx, loc, Ty::I32.wrap(new), rec);
            }
            Op::ReleaseRefCell { flag, mutable } => {
                let loc = place!(flag);
                self.race_access(program, core, ctx, func, pc, loc, true, rec);
                let v = Ty::I32.value(self.memory[loc.0 as usize]);
                let new = if *mutable { 0 } else { (v - 1).max(0) };
                self.write(core, ctx, loc, Ty::I32.wrap(new), rec);
            }
            // Sleeping is modelled in thread mode only: in a handler, WFI and
            // WFE go on at once (SEMANTICS.md §1: WFE may; for WFI it is a
            // stated limit), and no sleep outlives the handler.
            Op::Wfi => {
                if self.cores[ci].stack.len() == 1 && !self.would_wake(program, core) {
                    self.cores[ci].asleep = true;
                }
            }
            // WFE (ARMv7-M B1.5.18): with the event register set, clear it
            // and go on; otherwise sleep until a wake-up event (`exec`
            // handles a WFE that returns at once, `Choice::wfe_returns`).
            Op::Wfe => {
                let c = &mut self.cores[ci];
                let event_was_set = c.event;
                if event_was_set {
                    c.event = false;
                } else if c.stack.len() == 1 {
                    c.asleep = true;
                    c.in_wfe = true;
                }
                rec.event(|| Event::Wfe { core, event_was_set, returned_early: false });
            }
            // SEV signals an event to every core, itself included (ARMv7-M
            // B1.5.18, "the execution of an SEV instruction on any
            // processor"): each event register is set, and a core asleep in
            // WFE wakes at its next step.
            Op::Sev => {
                for c in &mut self.cores {
                    c.event = true;
                }
                rec.event(|| Event::Sev { core });
            }
            Op::Busy { cycles } => cost = u64::from(*cycles),
        }
        self.set_pc(core, goto);
        self.cores[ci].cycles += cost;
        Flow::Next
    }

    pub(super) fn set_pc(&mut self, core: u8, pc: u32) {
        if let Some(f) = self.cores[core as usize].stack.last_mut().and_then(|a| a.frames.last_mut()) {
            f.pc = pc;
        }
    }

    pub(super) fn note_read(&mut self, core: u8, loc: Location, _rec: &mut Rec) {
        let f = self.frame(core);
        if !f.reads_since_backedge.iter().any(|(l, _)| *l == loc) {
            let value = self.memory[loc.0 as usize];
            self.frame(core).reads_since_backedge.push((loc, value));
        }
    }

    pub(super) fn write(&mut self, core: u8, ctx: ContextId, loc: Location, new: u64, rec: &mut Rec) {
        let old = self.memory[loc.0 as usize];
        self.memory[loc.0 as usize] = new;
        if old != new {
            // "Who holds it" is whoever last changed it: a spinning swap
            // that writes the same value back takes nothing.
            self.last_writer[loc.0 as usize] = Some(ctx);
            self.frame(core).changed_since_backedge = true;
        }
        rec.with(|r| r.writes.push(Write { location: loc, old, new }));
    }

    pub(super) fn set_primask(&mut self, core: u8, set: bool, rec: &mut Rec) {
        let c = &mut self.cores[core as usize];
        if c.primask != set {
            c.primask = set;
            rec.event(|| Event::Primask { core, set });
        }
    }
}

/// What an instruction does when all it does is compute on the frame's
/// locals or choose the next instruction: the one definition of those
/// instructions, shared by the machine (`exec_op`) and property evaluation
/// (`Machine::evaluate`), so a property computes exactly as code does.
pub(super) enum Computed {
    /// Write a local; go on with the next instruction.
    Set(Local, u64),
    /// Go to this instruction.
    Goto(u32),
    /// Nothing happens; go on.
    Next,
    /// It panics (an arithmetic error), with this message.
    Fail(&'static str),
    /// It touches the machine: memory, masks, the NVIC, frames.
    Effect,
}

/// What an instruction may ask of the machine besides its locals (the
/// counters and the stack depth that properties read).
pub(super) enum Probe {
    Event(SourceId, EventCount),
    StackBytes,
}

pub(super) fn compute(op: &Op, locals: &[u64], probe: impl Fn(Probe) -> u64) -> Computed {
    let get = |o: &Operand| match o {
        Operand::Const(v) => *v,
        Operand::Local(l) => locals[l.0 as usize],
    };
    match op {
        Op::Move { dst, src } => Computed::Set(*dst, get(src)),
        Op::Unary { op, ty, dst, src } => Computed::Set(*dst, value::unary(*op, *ty, get(src))),
        Op::Binary { op, ty, dst, lhs, rhs } => match value::binary(*op, *ty, get(lhs), get(rhs)) {
            Ok(v) => Computed::Set(*dst, v),
            Err(message) => Computed::Fail(message),
        },
        Op::EventCount { dst, source, count } => Computed::Set(*dst, probe(Probe::Event(*source, *count))),
        Op::StackBytes { dst } => Computed::Set(*dst, probe(Probe::StackBytes)),
        Op::Jump { target } => Computed::Goto(*target),
        Op::Branch { cond, then_target, else_target } => {
            Computed::Goto(if get(cond) != 0 { *then_target } else { *else_target })
        }
        Op::Nop { .. } => Computed::Next,
        _ => Computed::Effect,
    }
}
