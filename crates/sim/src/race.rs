//! Happens-before between contexts, and data races on non-atomic locations.
//!
//! The rule and its argument are in docs/SEMANTICS.md ("Data races"): the
//! compiler compiles each context's code as if nothing else ran, so a plain
//! access in main and one in a handler race unless something the compiler
//! must respect orders them (the Rust reference, "Behavior considered
//! undefined": data races). Unlike Miri, which runs handlers as threads, an
//! exception entry on one core is an acquire point: a handler runs to
//! completion over what it preempted. What orders accesses here:
//! - on one core, a *release point* of a context (a fence or compiler_fence,
//!   a critical-section boundary, an atomic access with Release or stronger)
//!   publishes everything the context did so far to its core, and an
//!   *acquire point* (the same kinds of operation, or exception entry, since
//!   a handler is called as an opaque function) sees everything published;
//!   exception return is a release point of the handler (its stores are done
//!   when the function returns);
//! - across cores, only atomics (Release store -> Acquire load of the same
//!   location) and hardware spinlocks order accesses.
//!
//! The detector is a vector-clock one in the style of FastTrack: each access
//! records the context and its epoch; a later conflicting access by another
//! context races when it has not acquired that epoch.

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::program::{ContextId, MAX_CONTEXTS};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VectorClock(pub [u32; MAX_CONTEXTS]);

impl VectorClock {
    pub fn join(&mut self, other: &VectorClock) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a = (*a).max(*b);
        }
    }
    pub fn get(&self, c: ContextId) -> u32 {
        self.0[c.0 as usize]
    }
}

/// Where an access came from, compactly (the span is looked up from the program).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AccessRef {
    pub context: ContextId,
    pub epoch: u32,
    pub func: u32,
    pub pc: u32,
    pub step: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct History {
    pub last_write: Option<AccessRef>,
    /// At most one read per context: the latest. Inline up to two, so
    /// cloning a machine (each explorer successor) allocates nothing for
    /// the usual main-and-one-handler history.
    pub reads: SmallVec<[AccessRef; 2]>,
}

/// A conflicting pair found by `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub earlier: AccessRef,
    pub earlier_write: bool,
}

impl History {
    /// Records an access by `now` (whose context has clock `clock`) and returns
    /// the earlier access it races with, if any.
    pub fn access(&mut self, now: AccessRef, write: bool, clock: &VectorClock) -> Option<Conflict> {
        let unordered = |a: &AccessRef| a.context != now.context && a.epoch > clock.get(a.context);
        let mut conflict = None;
        if let Some(w) = self.last_write
            && unordered(&w)
        {
            conflict = Some(Conflict { earlier: w, earlier_write: true });
        }
        if write {
            if conflict.is_none()
                && let Some(r) = self.reads.iter().find(|r| unordered(r))
            {
                conflict = Some(Conflict { earlier: *r, earlier_write: false });
            }
            self.last_write = Some(now);
            self.reads.clear();
        } else if let Some(r) = self.reads.iter_mut().find(|r| r.context == now.context) {
            *r = now;
        } else {
            self.reads.push(now);
        }
        conflict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(context: u16, epoch: u32) -> AccessRef {
        AccessRef { context: ContextId(context), epoch, func: 0, pc: 0, step: 0 }
    }

    #[test]
    fn unordered_write_after_read_is_a_race() {
        let mut h = History::default();
        let main_clock = VectorClock::default();
        assert!(h.access(at(0, 1), false, &main_clock).is_none());
        let handler_clock = VectorClock::default();
        let c = h.access(at(1, 1), true, &handler_clock).expect("race");
        assert_eq!(c.earlier.context, ContextId(0));
        assert!(!c.earlier_write);
    }

    #[test]
    fn acquired_epoch_orders_the_accesses() {
        let mut h = History::default();
        assert!(h.access(at(0, 1), true, &VectorClock::default()).is_none());
        let mut handler_clock = VectorClock::default();
        handler_clock.0[0] = 1;
        assert!(h.access(at(1, 1), true, &handler_clock).is_none());
    }
}
