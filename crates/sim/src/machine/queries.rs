//! What the explorer and `Session` ask of a state: which cores can step,
//! whether it is idle, which reorderings are offered, and the moves that
//! take no step (an arrival now, skipping ahead while idle).

use crate::outcome::Outcome;
use crate::program::{Op, Operand, Place, Program, SourceId};
use crate::reorder::{self, EarlyAccess};

use super::{Machine, Rec, Status};

impl Machine {
    /// How many accesses the compiler may run now on the core that would
    /// step next, instead of its next instruction in program order
    /// (`reorder::early_accesses`): a `Choice::reorder` of 1..=n picks one.
    pub fn reorder_options(&self, program: &Program, core: Option<u8>) -> usize {
        let core = core.unwrap_or_else(|| self.default_core(program));
        self.early_accesses(program, core).len()
    }

    /// The contexts (bits of context indices below 16) that could run
    /// between two steps of what `core` runs now while its masks stay as
    /// they are: the handlers of this core that would preempt at the
    /// current execution priority (PRIMASK, BASEPRI and the active
    /// handlers, ARMv7-M B1.5.4; enabled or not), and every context of the
    /// other cores. The reordering window ends at every instruction that
    /// changes a mask (SEMANTICS.md §2), so within a window this set is
    /// fixed, unless the program changes priorities at run time.
    pub fn could_interleave(&self, program: &Program, core: u8) -> u16 {
        let exec = self.execution_priority(program, core);
        let mut mask = 0u16;
        for (i, ctx) in program.contexts.iter().enumerate().take(16) {
            let can = if ctx.core != core {
                true
            } else {
                !ctx.is_thread() && crate::nvic::preempts(self.exceptions[i].priority, exec)
            };
            if can {
                mask |= 1 << i;
            }
        }
        // A DMA writes between any two steps: masks do not hold it back.
        for dma in program.dma_sources().filter_map(|s| program.dma_context(s)).filter(|c| c.0 < 16) {
            mask |= 1 << dma.0;
        }
        mask
    }

    /// Whether no core can make progress without a new event: every thread
    /// is done, asleep in WFI or spinning, and no handler can be taken.
    pub fn is_idle(&self, program: &Program) -> bool {
        (0..self.cores.len() as u8).all(|core| {
            let c = &self.cores[core as usize];
            // A core asleep in WFI with PRIMASK set still wakes on an
            // interrupt that PRIMASK alone masks (ARMv7-M B1.5.19): it is not
            // idle while one is pending.
            let waiting = c.stack.len() == 1 && (c.thread_done || (c.asleep && !self.sleeper_wakes(program, core)));
            (waiting || c.spinning) && c.entering.is_none() && self.next_exception(program, core).is_none()
        })
    }

    /// Moves the step counter forward while the machine is idle, so that
    /// the next step is `step` (a schedule's next arrival).
    pub fn skip_to(&mut self, step: u64) {
        self.step = self.step.max(step);
    }

    /// Lets idle cores' clocks run forward to `cycle`.
    pub fn advance_to_cycle(&mut self, cycle: u64) {
        for c in &mut self.cores {
            c.cycles = c.cycles.max(cycle);
        }
    }

    /// Whether an event of `source` may still arrive: it has events left
    /// (`max_arrivals`), and its burst has not ended (`burst_ended_by`).
    /// A DMA source's byte comes only while a transfer runs (the sender
    /// waits otherwise: UART flow control).
    pub fn can_arrive(&self, program: &Program, source: SourceId) -> bool {
        let src = &program.sources[source.0 as usize];
        self.arrivals[source.0 as usize] < src.max_arrivals
            && self.burst_ended_by(program, source).is_none()
            && (src.dma.is_none() || self.dma[source.0 as usize].is_some())
    }

    /// Whether `source`'s DMA transfer is running (`receiving("X")` in a
    /// property).
    pub fn dma_running(&self, source: SourceId) -> bool {
        self.dma.get(source.0 as usize).is_some_and(Option::is_some)
    }

    /// The buffers of the DMA starts the window of `core`'s running code
    /// could reach (`reorder::dma_starts_ahead`).
    pub(crate) fn dma_starts_ahead(
        &self,
        program: &Program,
        core: u8,
    ) -> smallvec::SmallVec<[(crate::program::Location, u32); 2]> {
        let frame = self.cores[core as usize].stack.last().and_then(|a| a.frames.last());
        frame.map_or_else(Default::default, |f| reorder::dma_starts_ahead(program, program.function(f.func), f.pc))
    }

    /// Whether a running DMA transfer has yet to write `loc`.
    pub fn dma_may_write(&self, loc: crate::program::Location) -> bool {
        self.dma.iter().flatten().any(|t| (t.buffer.0 + t.pos..t.buffer.0 + t.len).contains(&loc.0))
    }

    /// Bytes left to come in `source`'s running DMA transfer (0 when none
    /// runs).
    pub fn dma_bytes_left(&self, source: SourceId) -> u32 {
        self.dma.get(source.0 as usize).copied().flatten().map_or(0, |t| t.len - t.pos)
    }

    /// The source whose first event ended `source`'s burst, once it has
    /// arrived (`SourceDecl::ends_before`): no event of `source` comes after.
    pub fn burst_ended_by(&self, program: &Program, source: SourceId) -> Option<SourceId> {
        program.sources[source.0 as usize].ends_before.filter(|end| self.arrivals[end.0 as usize] > 0)
    }

    /// An external event arrives now, between steps (the explorer's way of
    /// placing an arrival; a `Session` passes arrivals in `Choice`).
    pub fn arrive_now(&mut self, program: &Program, source: SourceId) -> Vec<Outcome> {
        let mut rec = Rec::new(false, self.step);
        self.arrive(program, source, &mut rec);
        self.update_level_lines(program, &mut rec);
        rec.outcomes
    }

    /// The core that steps next when no core is chosen.
    pub fn next_core(&self, program: &Program) -> u8 {
        self.default_core(program)
    }

    /// The cores that have something to do now.
    pub fn runnable_cores(&self, program: &Program) -> Vec<u8> {
        (0..self.cores.len() as u8).filter(|c| self.core_can_step(program, *c)).collect()
    }

    /// Whether the next step of `core` would only spin on a hardware
    /// spinlock that a context of another core holds (RP2040 datasheet
    /// 2.3.1.3: a read of SPINLOCKn returns 0 while it is claimed, and
    /// claims nothing). Such a step changes nothing but time, so the
    /// explorer lets the other cores run instead of trying it.
    pub fn blocked_on_lock(&self, program: &Program, core: u8) -> bool {
        let c = &self.cores[core as usize];
        if c.entering.is_some() || self.next_exception(program, core).is_some() {
            return false;
        }
        let Some(act) = c.stack.last() else { return false };
        if c.stack.len() == 1 && (c.asleep || c.thread_done) {
            return false;
        }
        let Some(frame) = act.frames.last() else { return false };
        if frame.half.is_some() {
            return false;
        }
        let Some(instr) = program.function(frame.func).body.get(frame.pc as usize) else { return false };
        let Op::SpinlockAcquire { lock, .. } = &instr.op else { return false };
        self.locks.iter().any(|(l, holder)| l == lock && program.context(*holder).core != core)
    }

    /// Whether the next step of `core` is an instruction that touches no
    /// shared state a handler could touch (locals, nops, busy work, jumps,
    /// or a memory access to a location `shared` marks false). An arrival
    /// just before such a step and one just after it lead to the same
    /// state, so the explorer tries only one of them.
    pub fn next_step_is_local(&self, program: &Program, core: u8, shared: &[bool]) -> bool {
        let c = &self.cores[core as usize];
        if c.entering.is_some() || c.asleep || c.thread_done || self.next_exception(program, core).is_some() {
            return false;
        }
        let Some(act) = c.stack.last() else { return false };
        let Some(frame) = act.frames.last() else { return false };
        if frame.half.is_some() || !frame.speculated.is_empty() {
            return false;
        }
        let Some(instr) = program.function(frame.func).body.get(frame.pc as usize) else { return false };
        let touches_shared = |place: &Place| -> bool {
            match place.index {
                None => shared[place.base.0 as usize],
                Some(ix) => (0..ix.len).any(|i| shared[(place.base.0 + i * ix.stride) as usize]),
            }
        };
        match &instr.op {
            Op::Move { .. }
            | Op::Unary { .. }
            | Op::Nop { .. }
            | Op::Busy { .. }
            | Op::Jump { .. }
            | Op::Branch { .. } => true,
            // A call left after inlining pushes a frame: the stack depth,
            // which a property can read, changes (`Machine::stack_bytes`).
            Op::Call { .. } => false,
            // A division can panic; keep it visible, unless it divides by a
            // constant that cannot make it panic (not 0, and not -1 in a
            // signed type, where MIN / -1 overflows).
            Op::Binary { op, ty, rhs, .. } => match op {
                crate::value::BinOp::Div | crate::value::BinOp::Rem => {
                    matches!(rhs, Operand::Const(c) if *c != 0 && !(ty.is_signed() && ty.wrap(-1) == *c))
                }
                _ => true,
            },
            Op::Load { place, .. } | Op::Store { place, .. } => {
                !touches_shared(place) && !program.location(place.base).ty.is_wide() && place.index.is_none()
            }
            _ => false,
        }
    }

    /// Whether an event of `source` arriving now reaches the same state as
    /// one arriving just after the next step, whichever step is taken: its
    /// handler could not preempt now even if pended, and no step offered
    /// touches what decides that (masks, priorities, the NVIC, event flags)
    /// or sleeps. The explorer then tries the arrival after the step only
    /// (SEMANTICS.md, "The explorer's reductions"). One core only.
    ///
    /// The part that does not depend on the source (whether the steps
    /// offered touch nothing that decides when a handler runs, which needs
    /// `early_accesses`) is kept in `quiet` across the sources of one state;
    /// `quiet` must start as `None` for each state.
    pub(crate) fn arrival_can_wait(&self, program: &Program, source: SourceId, quiet: &mut Option<bool>) -> bool {
        if self.cores.len() != 1 {
            return false;
        }
        // A DMA byte writes memory when it comes: it never waits.
        if program.sources[source.0 as usize].dma.is_some() {
            return false;
        }
        let Some(handler) = program.sources[source.0 as usize].handler else { return false };
        let c = &self.cores[0];
        if c.entering.is_some() || c.asleep || self.next_exception(program, 0).is_some() {
            return false;
        }
        let Some(frame) = c.stack.last().and_then(|a| a.frames.last()) else { return false };
        let e = self.exceptions[handler.0 as usize];
        if e.enabled && !e.active && crate::nvic::preempts(e.priority, self.execution_priority(program, 0)) {
            return false;
        }
        if let Some(q) = *quiet {
            return q;
        }
        let body = &program.function(frame.func).body;
        let early = self.early_accesses(program, 0);
        let q = std::iter::once(frame.pc).chain(early.iter().map(|x| x.pc)).all(|pc| {
            body.get(pc as usize).is_some_and(|i| {
                !matches!(
                    i.op,
                    Op::DisableInterrupts
                        | Op::EnableInterrupts
                        | Op::RestorePrimask { .. }
                        | Op::WriteBasepri { .. }
                        | Op::Nvic { .. }
                        | Op::NvicSetPriority { .. }
                        | Op::ClearEvent { .. }
                        | Op::ReadEvent { .. }
                        | Op::DmaStart { .. }
                        | Op::EventCount { .. }
                        | Op::Wfi
                        | Op::Wfe
                        | Op::Sev
                )
            })
        });
        *quiet = Some(q);
        q
    }

    /// Whether a thread of some core has not finished yet.
    pub fn threads_done(&self) -> bool {
        self.cores.iter().all(|c| c.thread_done)
    }

    pub(super) fn default_core(&self, program: &Program) -> u8 {
        let mut best: Option<(u64, u8)> = None;
        for core in 0..self.cores.len() as u8 {
            if self.core_can_step(program, core) {
                let key = (self.cores[core as usize].cycles, core);
                if best.is_none_or(|b| key < b) {
                    best = Some(key);
                }
            }
        }
        best.map_or(0, |(_, c)| c)
    }

    pub(super) fn core_can_step(&self, program: &Program, core: u8) -> bool {
        let c = &self.cores[core as usize];
        c.entering.is_some()
            || c.stack.len() > 1
            || (!c.thread_done && (!c.asleep || self.sleeper_wakes(program, core)))
            || self.next_exception(program, core).is_some()
    }

    /// The accesses the compiler may run now on `core` instead of its next
    /// instruction (`reorder::early_accesses`), in the order a schedule's
    /// `reorder@STEP:K` counts them.
    pub fn early_accesses(&self, program: &Program, core: u8) -> Vec<EarlyAccess> {
        let c = &self.cores[core as usize];
        if c.entering.is_some() || self.next_exception(program, core).is_some() || c.asleep {
            return Vec::new();
        }
        if c.stack.len() == 1 && c.thread_done {
            return Vec::new();
        }
        if c.stack.len() > 1 && c.stack.last().is_some_and(|a| a.frames.is_empty()) {
            return Vec::new();
        }
        let Some(frame) = c.stack.last().and_then(|a| a.frames.last()) else { return Vec::new() };
        if frame.half.is_some() {
            return Vec::new();
        }
        let spec: Vec<u32> = frame.speculated.iter().map(|s| s.pc).collect();
        reorder::early_accesses(program, program.function(frame.func), frame.pc, &frame.locals, &frame.ahead, &spec)
    }

    /// Everything that can happen next, in one list, in the order the
    /// explorer tries it: an arrival of each source with arrivals left;
    /// then, when nothing can run, finishing the run (`finish`); otherwise
    /// a step of each core that can step (`Move::Step`, with `reorder` 0
    /// for program order and k for each early access the compiler may run,
    /// `reorder_options`). A core that would only spin on a spinlock the
    /// other core holds is left out while another core can step (it only
    /// lets time pass). `keep_reorder(core, early)` filters the early
    /// accesses (the explorer's reduction; plain enumeration keeps all).
    pub fn enabled_moves(
        &self,
        program: &Program,
        mut keep_reorder: impl FnMut(u8, &EarlyAccess) -> bool,
    ) -> Vec<Move> {
        let mut moves = Vec::new();
        if self.status != Status::Running {
            return moves;
        }
        moves.extend(
            program
                .sources
                .iter()
                .enumerate()
                .filter(|(i, _)| self.can_arrive(program, SourceId(*i as u16)))
                .map(|(i, _)| Move::Arrive(SourceId(i as u16))),
        );
        if self.is_idle(program) {
            moves.push(Move::Finish);
            return moves;
        }
        let mut step = |core: u8, pick: Option<u8>, moves: &mut Vec<Move>| {
            moves.push(Move::Step { core: pick, reorder: 0 });
            for (k, early) in self.early_accesses(program, core).iter().enumerate() {
                if keep_reorder(core, early) {
                    moves.push(Move::Step { core: pick, reorder: k as u16 + 1 });
                }
            }
        };
        if program.cores == 1 {
            step(0, None, &mut moves);
        } else {
            for c in self.steppable_cores(program) {
                step(c, Some(c), &mut moves);
            }
        }
        // A WFE that would sleep may return at once instead (B1.5.18).
        let sleepers: Vec<Move> = moves
            .iter()
            .filter_map(|m| match *m {
                Move::Step { core, reorder: 0 } if self.wfe_would_sleep(program, core.unwrap_or(0)) => {
                    Some(Move::WfeReturns { core })
                }
                _ => None,
            })
            .collect();
        moves.extend(sleepers);
        moves
    }

    /// Whether the next step of `core` in program order is a WFE that
    /// finds its event register clear and would put the core to sleep.
    pub fn wfe_would_sleep(&self, program: &Program, core: u8) -> bool {
        let c = &self.cores[core as usize];
        if c.event || c.entering.is_some() || c.asleep || self.next_exception(program, core).is_some() {
            return false;
        }
        if c.stack.len() != 1 || c.thread_done {
            return false;
        }
        let Some(frame) = c.stack.last().and_then(|a| a.frames.last()) else { return false };
        frame.half.is_none()
            && program.function(frame.func).body.get(frame.pc as usize).is_some_and(|i| matches!(i.op, Op::Wfe))
    }

    /// The cores that can step, without one that would only spin on a lock
    /// another core holds while some other core can step.
    pub fn steppable_cores(&self, program: &Program) -> Vec<u8> {
        let mut runnable = self.runnable_cores(program);
        if runnable.iter().any(|&c| !self.blocked_on_lock(program, c)) {
            runnable.retain(|&c| !self.blocked_on_lock(program, c));
        }
        runnable
    }
}

/// One thing that can happen next (`Machine::enabled_moves`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// An event of this source arrives now.
    Arrive(SourceId),
    /// A core steps: `reorder` 0 is program order, k the k-th early access.
    /// `core` is `None` on one core.
    Step { core: Option<u8>, reorder: u16 },
    /// Nothing can run: the run ends (`Machine::finish`).
    Finish,
    /// The core steps a WFE that returns at once instead of sleeping
    /// (`Choice::wfe_returns`). `core` is `None` on one core.
    WfeReturns { core: Option<u8> },
}
