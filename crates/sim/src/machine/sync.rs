//! Synchronisation for the race detector (`race.rs`, docs/SEMANTICS.md
//! "Data races"): release and acquire points, atomics' clocks, and the
//! check of each non-atomic access.

use crate::outcome::{Outcome, RaceAccess};
use crate::program::{ContextId, FuncId, Location, LocationKind, Ordering, Program};
use crate::race::AccessRef;

use super::{Machine, Rec};

impl Machine {
    /// Publishes everything `ctx` did so far to its core.
    pub(super) fn release_point(&mut self, core: u8, ctx: ContextId) {
        let clock = self.clocks[ctx.0 as usize];
        self.cores[core as usize].released.join(&clock);
        self.clocks[ctx.0 as usize].0[ctx.0 as usize] += 1;
    }

    /// Sees everything published on `ctx`'s core.
    pub(super) fn acquire_point(&mut self, core: u8, ctx: ContextId) {
        let released = self.cores[core as usize].released;
        self.clocks[ctx.0 as usize].join(&released);
    }

    pub(super) fn sync_atomic(&mut self, core: u8, ctx: ContextId, loc: Location, ordering: Ordering, store: bool) {
        if store && ordering.is_release() {
            if !self.atomic_clocks.is_empty() {
                let clock = self.clocks[ctx.0 as usize];
                self.atomic_clocks[loc.0 as usize].join(&clock);
            }
            self.release_point(core, ctx);
        }
        if !store && ordering.is_acquire() {
            if !self.atomic_clocks.is_empty() {
                let clock = self.atomic_clocks[loc.0 as usize];
                self.clocks[ctx.0 as usize].join(&clock);
            }
            self.acquire_point(core, ctx);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn race_access(
        &mut self,
        program: &Program,
        _core: u8,
        ctx: ContextId,
        func: FuncId,
        pc: u32,
        loc: Location,
        write: bool,
        rec: &mut Rec,
    ) {
        if program.location(loc).kind == LocationKind::Atomic || !self.contended[loc.0 as usize] {
            return;
        }
        let clock = self.clocks[ctx.0 as usize];
        let now = AccessRef { context: ctx, epoch: clock.get(ctx), func: func.0, pc, step: self.step };
        let conflict = self.histories[loc.0 as usize].access(now, write, &clock);
        if let Some(c) = conflict
            && !self.reported_races.contains(&loc)
        {
            self.reported_races.push(loc);
            let span = |a: &AccessRef| program.functions[a.func as usize].body[a.pc as usize].span.clone();
            rec.outcome(Outcome::DataRace {
                location: program.location(loc).name.clone(),
                first: RaceAccess {
                    context: c.earlier.context,
                    write: c.earlier_write,
                    span: span(&c.earlier),
                    step: c.earlier.step,
                },
                second: RaceAccess { context: ctx, write, span: span(&now), step: self.step },
            });
        }
    }
}
