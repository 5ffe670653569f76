//! Exceptions and the NVIC: arrivals and pending bits, level lines,
//! selection and execution priority, exception return and tail-chaining,
//! WFI wake-up, and the register snapshot a view shows (ARMv7-M B1.5, B3.4).

use crate::nvic::{self, Candidate};
use crate::outcome::{LostReason, Outcome};
use crate::program::{ContextId, ContextKind, EventCount, Program, SourceId, Trigger};
use crate::trace::{CoreRegisters, Event, Registers, StepKind};

use super::{Entering, Machine, Rec};

impl Machine {
    /// The registers a view shows (`StepRecord::registers`).
    pub fn registers(&self, program: &Program) -> Registers {
        let bits = program.target.priority_bits();
        let cores = (0..self.cores.len() as u8)
            .map(|core| {
                let c = &self.cores[core as usize];
                CoreRegisters {
                    primask: c.primask,
                    basepri: c.basepri,
                    basepri_level: nvic::basepri_level(c.basepri, bits),
                    execution_priority: self.execution_priority(program, core),
                    stack: c.stack.iter().map(|a| a.context).collect(),
                    stack_bytes: self.stack_bytes(program, core),
                }
            })
            .collect();
        Registers { cores, exceptions: self.exceptions.clone() }
    }

    /// The machine's execution priority on `core` (ARMv7-M B1.5.4).
    pub fn execution_priority(&self, program: &Program, core: u8) -> i16 {
        let c = &self.cores[core as usize];
        nvic::execution_priority(
            c.stack[1..].iter().map(|a| self.exceptions[a.context.0 as usize].priority),
            c.primask,
            nvic::basepri_level(c.basepri, program.target.priority_bits()),
        )
    }

    /// A source's counter (`Op::EventCount`), or whether its interrupt is
    /// enabled in the NVIC (`EventCount::Enabled`; false for a polled source).
    pub fn event_count(&self, program: &Program, source: SourceId, count: EventCount) -> u64 {
        let e = &self.events[source.0 as usize];
        match count {
            EventCount::Arrivals => u64::from(self.arrivals[source.0 as usize]),
            EventCount::Handled => u64::from(e.handled),
            EventCount::Lost => u64::from(e.lost),
            // A u32 in the property, like the other counters.
            EventCount::MaxLatency => e.max_latency.min(u64::from(u32::MAX)),
            EventCount::Enabled => {
                let handler = program.sources[source.0 as usize].handler;
                u64::from(handler.is_some_and(|h| self.exceptions[h.0 as usize].enabled))
            }
            EventCount::Receiving => u64::from(self.dma_running(source)),
        }
    }

    /// What `compute` asks of the machine for a property.
    pub(super) fn probe(&self, program: &Program, probe: super::interpret::Probe) -> u64 {
        match probe {
            super::interpret::Probe::Event(source, count) => self.event_count(program, source, count),
            super::interpret::Probe::StackBytes => u64::from(self.deepest_stack(program)),
        }
    }

    /// `stack_bytes` of the core whose stack is deepest (each core has its
    /// own MSP): what `stack_bytes()` in a property reads.
    pub fn deepest_stack(&self, program: &Program) -> u32 {
        (0..self.cores.len() as u8).map(|core| self.stack_bytes(program, core)).max().unwrap_or(0)
    }

    /// The bytes of main stack (MSP) in use on `core`: thread mode and
    /// every handler it is running share one stack (ARMv7-M B1.4.1: the
    /// handlers always use SP_main, and cortex-m-rt runs thread mode on it
    /// too). Counted as docs/SEMANTICS.md §1 "Stack" says:
    /// - each exception entry pushes a basic frame of 8 words, and 4 bytes
    ///   of padding when SP was not 8-byte aligned (B1.5.6 PushStack, B1.5.7:
    ///   CCR.STKALIGN is 1 at reset on the Cortex-M4, and ARMv6-M always
    ///   aligns). Where SP stands inside a function is the compiler's
    ///   choice, so the padding is counted: this is the worst case. No
    ///   lesson code uses the FPU, so CONTROL.FPCA stays 0 and no frame is
    ///   the 26-word extended one;
    /// - each function frame keeps the registers it may save (at most the
    ///   AAPCS callee-saved r4-r11 and LR: 36 bytes, 40 with SP kept 8-byte
    ///   aligned at calls) and its local arrays (`Function::frame_bytes`),
    ///   rounded up to 8 bytes. Scalars are counted in those registers.
    ///
    /// So the count is an upper bound of what the compiled code pushes, for
    /// functions whose scalars fit in registers: an optimizing compiler
    /// saves fewer registers, and may keep a small array it only indexes
    /// with constants in registers too.
    pub fn stack_bytes(&self, program: &Program, core: u8) -> u32 {
        const EXCEPTION_FRAME: u32 = 8 * 4 + 4;
        const SAVED_REGISTERS: u32 = 40;
        let c = &self.cores[core as usize];
        c.stack
            .iter()
            .enumerate()
            .map(|(i, activation)| {
                let frame = if i == 0 { 0 } else { EXCEPTION_FRAME };
                let functions = activation
                    .frames
                    .iter()
                    .map(|f| SAVED_REGISTERS + program.function(f.func).frame_bytes.next_multiple_of(8))
                    .sum::<u32>();
                frame + functions
            })
            .sum()
    }

    /// An event of `source` pended its handler now (latency starts).
    pub(super) fn note_pended(&mut self, program: &Program, source: usize) {
        if self.track_events {
            let core = program.sources[source].handler.map_or(0, |h| program.context(h).core);
            let now = self.cores.get(core as usize).map_or(0, |c| c.cycles);
            self.events[source].pending_since.get_or_insert(now);
        }
    }

    /// The exception the NVIC would take now on `core`, if any preempts.
    pub(super) fn next_exception(&self, program: &Program, core: u8) -> Option<ContextId> {
        if !self.exceptions.iter().any(|e| e.pending) {
            return None;
        }
        let exec = self.execution_priority(program, core);
        self.best_pending(program, core).filter(|c| nvic::preempts(c.priority, exec)).map(|c| ContextId(c.index as u16))
    }

    pub(super) fn best_pending(&self, program: &Program, core: u8) -> Option<Candidate> {
        nvic::select(program.contexts.iter().enumerate().filter_map(|(i, ctx)| {
            let ContextKind::Handler { exception, .. } = ctx.kind else {
                return None;
            };
            let e = self.exceptions[i];
            (ctx.core == core && e.enabled && e.pending && !e.active).then_some(Candidate {
                index: i,
                priority: e.priority,
                exception,
            })
        }))
    }

    /// An external event (ARMv7-M B3.4: the NVIC latches an interrupt as
    /// pending; a pending bit is one bit, so a second event merges).
    pub(super) fn arrive(&mut self, program: &Program, s: SourceId, rec: &mut Rec) {
        let src = &program.sources[s.0 as usize];
        if let Some(dma) = &src.dma {
            // One byte by DMA. The explorer and `Session` place one only
            // while a transfer runs (`can_arrive`).
            let Some(mut t) = self.dma[s.0 as usize] else { return };
            let k = self.arrivals[s.0 as usize] as usize;
            self.arrivals[s.0 as usize] += 1;
            let loc = crate::program::Location(t.buffer.0 + t.pos);
            let value = u64::from(dma.bytes[k % dma.bytes.len()]);
            // Told as the DMA's own event, not as a write of the context
            // whose step it lands before.
            self.memory[loc.0 as usize] = value;
            let last = t.pos + 1 == t.len;
            rec.event(|| Event::DmaWrote { source: s, location: loc, value, last });
            if let Some(ctx) = program.dma_context(s) {
                self.race_access(program, 0, ctx, t.func, t.pc, loc, true, rec);
            }
            if !last {
                t.pos += 1;
                self.dma[s.0 as usize] = Some(t);
                return;
            }
            // The last byte is in RAM: the transfer ends and the
            // peripheral raises its END event (nRF52833 PS, UARTE: ENDRX
            // "generated when the last received byte has been transferred
            // to RAM"). Its writes are published to the core that takes the
            // interrupt: whatever acquires there next (the handler's entry,
            // a fence after polling the event) sees them; the DMA's next
            // transfer is a new epoch.
            self.dma[s.0 as usize] = None;
            if let Some(ctx) = program.dma_context(s) {
                let core = src.handler.map_or(0, |h| program.context(h).core);
                let clock = self.clocks[ctx.0 as usize];
                self.cores[core as usize].released.join(&clock);
                self.clocks[ctx.0 as usize].0[ctx.0 as usize] += 1;
            }
        } else {
            self.arrivals[s.0 as usize] += 1;
        }
        match (src.trigger, src.handler) {
            (Trigger::Edge, Some(handler)) => {
                let h = handler.0 as usize;
                let merged = self.exceptions[h].pending;
                rec.event(|| Event::Arrival { source: s, merged });
                if merged {
                    rec.outcome(Outcome::EventLost { source: s, step: self.step, reason: LostReason::Merged });
                    if self.track_events {
                        self.events[s.0 as usize].lost += 1;
                    }
                } else {
                    self.exceptions[h].pending = true;
                    self.note_pended(program, s.0 as usize);
                    rec.event(|| Event::Pended { context: handler });
                }
            }
            (Trigger::Level, _) | (Trigger::Edge, None) => {
                let merged = self.flags[s.0 as usize];
                rec.event(|| Event::Arrival { source: s, merged });
                if merged {
                    let active = src.handler.is_some_and(|h| self.exceptions[h.0 as usize].active);
                    let reason = if active { LostReason::ClearedLate } else { LostReason::Merged };
                    rec.outcome(Outcome::EventLost { source: s, step: self.step, reason });
                    if self.track_events {
                        self.events[s.0 as usize].lost += 1;
                    }
                } else {
                    self.flags[s.0 as usize] = true;
                    self.note_pended(program, s.0 as usize);
                    rec.event(|| Event::Flag { source: s, set: true });
                }
            }
        }
    }

    /// A level-sensitive interrupt stays pending while its peripheral holds
    /// the line high, and is pended again on exception return if still
    /// asserted (ARMv7-M B3.4.1, "level-sensitive interrupts").
    pub(super) fn update_level_lines(&mut self, program: &Program, rec: &mut Rec) {
        if !self.flags.iter().any(|f| *f) {
            return;
        }
        for (i, src) in program.sources.iter().enumerate() {
            if let (Trigger::Level, Some(h)) = (src.trigger, src.handler)
                && self.flags[i]
            {
                let e = &mut self.exceptions[h.0 as usize];
                if !e.pending && !e.active {
                    e.pending = true;
                    rec.event(|| Event::Pended { context: h });
                }
            }
        }
    }

    /// Exception return (ARMv7-M B1.5.8), or a tail-chain.
    pub(super) fn exception_return(&mut self, program: &Program, core: u8, rec: &mut Rec) {
        let ci = core as usize;
        let costs = program.target.exception_costs();
        let c = &mut self.cores[ci];
        let ctx = c.stack[c.stack.len() - 1].context;
        rec.with(|r| r.context = ctx);
        c.stack.pop();
        // Exception return sets the event register (ARMv7-M B1.5.18): a
        // WFE after it does not sleep.
        c.event = true;
        self.exceptions[ctx.0 as usize].active = false;
        // Exception return is a release point of the handler.
        let clock = self.clocks[ctx.0 as usize];
        self.cores[ci].released.join(&clock);
        self.clocks[ctx.0 as usize].0[ctx.0 as usize] += 1;
        self.update_level_lines(program, rec);
        // Tail-chaining (ARMv7-M B1.5.12 / Cortex-M3 TRM 5.5.2): when a
        // pending exception would preempt the context being returned to,
        // it is entered without unstacking.
        let chained = self.next_exception(program, core);
        let c = &mut self.cores[ci];
        let to = c.stack.last().map(|a| a.context);
        if let Some(next) = chained {
            c.entering = Some(Entering { candidate: next });
            c.cycles += u64::from(costs.tail_chain);
            rec.event(|| Event::TailChain { from: ctx, to: next });
        } else {
            c.cycles += u64::from(costs.exit);
        }
        rec.event(|| Event::Exited { context: ctx, to: if chained.is_some() { chained } else { to } });
        rec.with(|r| r.kind = StepKind::Return { tail_chain: chained.is_some() });
        c.steps_since_thread_ran += 1;
    }

    /// Whether a core asleep now would wake at its next step: WFI by
    /// `would_wake`; WFE on a wake-up event (B1.5.18), that is its event
    /// register set (an SEV) or an exception that preempts now (PRIMASK
    /// and BASEPRI count: SEVONPEND, which would wake it on any pending
    /// interrupt, is clear at reset and irqlab programs cannot set it).
    pub(super) fn sleeper_wakes(&self, program: &Program, core: u8) -> bool {
        let c = &self.cores[core as usize];
        if c.in_wfe { c.event || self.next_exception(program, core).is_some() } else { self.would_wake(program, core) }
    }

    pub(super) fn would_wake(&self, program: &Program, core: u8) -> bool {
        let c = &self.cores[core as usize];
        let exec = nvic::execution_priority(
            c.stack[1..].iter().map(|a| self.exceptions[a.context.0 as usize].priority),
            false,
            nvic::basepri_level(c.basepri, program.target.priority_bits()),
        );
        self.best_pending(program, core).is_some_and(|b| nvic::preempts(b.priority, exec))
    }
}
