//! The explorer's identity of a state: everything that decides the future
//! of the run, exactly, and nothing that only measures it (the step number,
//! cycle counts, the bounds, and where a past access was for a race report).
//!
//! `Machine::state_key` destructures every state struct without `..`, so a
//! field added to `Machine`, `Core`, `Activation` or `Frame` does not compile
//! until it is placed here: in the key, or named as a meter.

use crate::program::MAX_CONTEXTS;
use crate::race::{AccessRef, VectorClock};

use super::{Activation, Core, Frame, Machine};

/// The whole state, encoded: two states are one iff their keys are equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StateKey(Box<[u32]>);

impl std::borrow::Borrow<[u32]> for StateKey {
    fn borrow(&self) -> &[u32] {
        &self.0
    }
}

impl From<&[u32]> for StateKey {
    fn from(words: &[u32]) -> StateKey {
        StateKey(words.into())
    }
}

impl StateKey {
    /// Bytes the key holds, to measure the visited set.
    pub fn size(&self) -> usize {
        self.0.len() * 4
    }
}

struct Encoder<'a>(&'a mut Vec<u32>);

impl Encoder<'_> {
    fn u(&mut self, v: u32) {
        self.0.push(v);
    }
    fn wide(&mut self, v: u64) {
        self.0.push(v as u32);
        self.0.push((v >> 32) as u32);
    }
    fn flag(&mut self, b: bool) {
        self.0.push(u32::from(b));
    }
    fn len(&mut self, n: usize) {
        self.0.push(n as u32);
    }
}

impl Machine {
    /// The state's identity for the explorer's visited set (see the module).
    pub fn state_key(&self) -> StateKey {
        let mut words = Vec::new();
        self.encode_state(&mut words);
        StateKey(words.into_boxed_slice())
    }

    /// Writes the state key's words into `words` (cleared first), so the
    /// explorer can look a state up without allocating.
    pub fn encode_state(&self, words: &mut Vec<u32>) {
        words.clear();
        let Machine {
            cores,
            memory,
            last_writer,
            exceptions,
            flags,
            locks,
            lock_clocks,
            clocks,
            histories,
            atomic_clocks,
            arrivals,
            events,
            status,
            // Meters and constants of the run, not state. `reported_races`
            // only keeps a second race on a location from being reported
            // again: once one is, "no undefined behavior" is violated
            // whatever follows, so merging on it changes no verdict.
            reported_races: _,
            step: _,
            track_events: _,
            bounds: _,
            contended: _,
        } = self;
        let epochs = EpochRanks::of(self);
        let mut e = Encoder(words);
        let clock = |vc: &VectorClock, e: &mut Encoder| {
            for c in 0..clocks.len() {
                e.u(epochs.rank(c, vc.0[c]));
            }
        };
        e.len(cores.len());
        for core in cores {
            let Core {
                stack,
                primask,
                basepri,
                entering,
                asleep,
                spinning,
                call,
                iterations,
                thread_done,
                steps_since_thread_ran,
                released,
                cycles: _,
            } = core;
            e.len(stack.len());
            for Activation { context, frames } in stack {
                e.u(u32::from(context.0));
                e.len(frames.len());
                for frame in frames {
                    let Frame {
                        func,
                        pc,
                        locals,
                        ret,
                        ahead,
                        speculated,
                        half,
                        spin_sig,
                        changed_since_backedge,
                        reads_since_backedge,
                    } = frame;
                    e.u(func.0);
                    e.u(*pc);
                    e.len(locals.len());
                    locals.iter().for_each(|l| e.wide(*l));
                    e.u(ret.map_or(u32::MAX, |l| u32::from(l.0)));
                    e.len(ahead.len());
                    ahead.iter().for_each(|p| e.u(*p));
                    e.len(speculated.len());
                    for s in speculated {
                        e.u(s.branch);
                        e.u(s.target);
                        e.u(s.pc);
                        e.wide(s.value);
                        e.flag(s.armed);
                    }
                    e.flag(half.is_some());
                    e.wide(half.unwrap_or(0));
                    e.flag(spin_sig.is_some());
                    e.wide(spin_sig.unwrap_or(0));
                    e.flag(*changed_since_backedge);
                    e.len(reads_since_backedge.len());
                    reads_since_backedge.iter().for_each(|l| e.u(l.0));
                }
            }
            e.flag(*primask);
            e.u(u32::from(*basepri));
            e.u(entering.map_or(u32::MAX, |x| u32::from(x.candidate.0)));
            e.flag(*asleep);
            // Whether it is known to be stuck decides if the run may end here.
            e.flag(*spinning);
            e.u(u32::from(*call));
            e.u(*iterations);
            e.flag(*thread_done);
            // How long the thread has waited: a handler that loops forever
            // makes new states until the starvation window ends it.
            e.wide(*steps_since_thread_ran);
            clock(released, &mut e);
        }
        memory.iter().for_each(|v| e.wide(*v));
        last_writer.iter().for_each(|w| e.u(w.map_or(u32::MAX, |c| u32::from(c.0))));
        for x in exceptions {
            e.u(u32::from(x.enabled)
                | u32::from(x.pending) << 1
                | u32::from(x.active) << 2
                | u32::from(x.priority) << 8);
        }
        flags.iter().for_each(|f| e.flag(*f));
        e.len(locks.len());
        for (lock, holder) in locks {
            e.u(u32::from(*lock));
            e.u(u32::from(holder.0));
        }
        e.len(lock_clocks.len());
        for (lock, vc) in lock_clocks {
            e.u(u32::from(*lock));
            clock(vc, &mut e);
        }
        for vc in clocks.iter().chain(atomic_clocks) {
            clock(vc, &mut e);
        }
        let access = |a: &AccessRef, e: &mut Encoder| {
            // Where the access was (func, pc, step) only words a race report.
            e.u(u32::from(a.context.0));
            e.u(epochs.rank(a.context.0 as usize, a.epoch));
        };
        for hist in histories {
            match &hist.last_write {
                Some(w) => access(w, &mut e),
                None => e.u(u32::MAX),
            }
            e.len(hist.reads.len());
            for r in &hist.reads {
                access(r, &mut e);
            }
        }
        arrivals.iter().for_each(|a| e.u(*a));
        for c in events {
            e.u(c.handled);
            e.u(c.lost);
            e.flag(c.pending_since.is_some());
            e.wide(c.pending_since.unwrap_or(0));
            e.wide(c.max_latency);
        }
        e.u(*status as u32);
    }

    /// Calls `f(context, epoch)` for every epoch value the state holds.
    fn for_each_epoch(&self, mut f: impl FnMut(usize, u32)) {
        let n = self.clocks.len();
        let clocks = self
            .clocks
            .iter()
            .chain(&self.atomic_clocks)
            .chain(self.cores.iter().map(|c| &c.released))
            .chain(self.lock_clocks.iter().map(|(_, vc)| vc));
        for vc in clocks {
            for (c, v) in vc.0[..n].iter().enumerate() {
                f(c, *v);
            }
        }
        for hist in &self.histories {
            for a in hist.last_write.iter().chain(&hist.reads) {
                f(a.context.0 as usize, a.epoch);
            }
        }
    }
}

/// The rank of each epoch among the distinct values of its context in one
/// state. Hashing ranks instead of values keeps every comparison the race
/// detector makes (joins are maxima, a release adds a new maximum), so two
/// runs that differ only in how many release points they passed hash alike.
/// Values of a context usually lie within 64 of each other: then a bit set
/// above the minimum gives ranks by popcount; otherwise a sorted list does.
enum EpochRanks {
    Bits { min: [u32; MAX_CONTEXTS], bits: [u64; MAX_CONTEXTS] },
    Sorted { values: Vec<(u16, u32)>, starts: Vec<usize> },
}

impl EpochRanks {
    fn of(m: &Machine) -> EpochRanks {
        let mut min = [u32::MAX; MAX_CONTEXTS];
        m.for_each_epoch(|c, v| min[c] = min[c].min(v));
        let mut bits = [0u64; MAX_CONTEXTS];
        let mut wide = false;
        m.for_each_epoch(|c, v| {
            let d = v - min[c];
            if d < 64 {
                bits[c] |= 1 << d;
            } else {
                wide = true;
            }
        });
        if !wide {
            return EpochRanks::Bits { min, bits };
        }
        let mut values = Vec::new();
        m.for_each_epoch(|c, v| values.push((c as u16, v)));
        values.sort_unstable();
        values.dedup();
        let starts = (0..=MAX_CONTEXTS).map(|c| values.partition_point(|e| (e.0 as usize) < c)).collect();
        EpochRanks::Sorted { values, starts }
    }

    fn rank(&self, c: usize, v: u32) -> u32 {
        match self {
            EpochRanks::Bits { min, bits } => {
                let d = v.saturating_sub(min[c]).min(63);
                (bits[c] & ((1u64 << d) - 1)).count_ones()
            }
            EpochRanks::Sorted { values, starts } => {
                (values.partition_point(|e| *e < (c as u16, v)) - starts[c]) as u32
            }
        }
    }
}
