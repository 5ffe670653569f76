//! Which compiler reorderings the Rust memory model allows on one core.
//!
//! The hardware of a single Cortex-M core is sequentially consistent for its
//! own accesses (ARMv7-M A3.5.3: normal memory accesses appear in program
//! order to the issuing processor, and an exception is taken between
//! instructions). What a handler can observe out of order comes from the
//! compiler, which may move plain and `Relaxed` accesses to different
//! locations past each other unless an ordering forbids it (the C++20 / Rust
//! model, [atomics.order] and [intro.races]; `core::sync::atomic` docs).

use crate::program::{Access, Location, Op, Ordering};

/// How an instruction touches memory, with its location resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemAccess {
    pub location: Location,
    pub reads: bool,
    pub writes: bool,
    pub kind: AccessKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessKind {
    Plain,
    Volatile,
    Atomic(Ordering),
}

/// Describes `op`'s memory access (if any) at a resolved location.
pub fn classify(op: &Op, location: Location) -> Option<MemAccess> {
    let kind = |access: &Access| match access {
        Access::Plain => AccessKind::Plain,
        Access::Volatile => AccessKind::Volatile,
    };
    Some(match op {
        Op::Load { access, .. } => MemAccess { location, reads: true, writes: false, kind: kind(access) },
        Op::Store { access, .. } => MemAccess { location, reads: false, writes: true, kind: kind(access) },
        Op::AtomicLoad { ordering, .. } => {
            MemAccess { location, reads: true, writes: false, kind: AccessKind::Atomic(*ordering) }
        }
        Op::AtomicStore { ordering, .. } => {
            MemAccess { location, reads: false, writes: true, kind: AccessKind::Atomic(*ordering) }
        }
        Op::AtomicRmw { ordering, .. } => {
            MemAccess { location, reads: true, writes: true, kind: AccessKind::Atomic(*ordering) }
        }
        _ => return None,
    })
}

/// Whether the compiler may emit `second` before `first`, where `first`
/// comes first in program order and neither depends on the other through
/// locals (the caller checks that).
///
/// - Accesses to the same location keep their order (coherence).
/// - Two volatile accesses keep their order (`core::ptr::read_volatile`:
///   "the compiler shouldn't change the relative order ... of volatile
///   operations").
/// - Nothing later moves before an Acquire access ("subsequent reads and
///   writes cannot be reordered before it").
/// - Nothing earlier moves after a Release access ("all previous writes
///   become visible ... cannot be reordered after it").
/// - SeqCst is both.
pub fn may_swap(first: &MemAccess, second: &MemAccess) -> bool {
    if first.location == second.location {
        return false;
    }
    if first.kind == AccessKind::Volatile && second.kind == AccessKind::Volatile {
        return false;
    }
    if let AccessKind::Atomic(o) = first.kind
        && o.is_acquire()
    {
        return false;
    }
    if let AccessKind::Atomic(o) = second.kind
        && o.is_release()
    {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(loc: u32, writes: bool, kind: AccessKind) -> MemAccess {
        MemAccess { location: Location(loc), reads: !writes, writes, kind }
    }

    /// A Release store keeps every earlier access before it.
    #[test]
    fn release_store_keeps_earlier_data_store_before_it() {
        let data = access(0, true, AccessKind::Plain);
        let flag_release = access(1, true, AccessKind::Atomic(Ordering::Release));
        let flag_relaxed = access(1, true, AccessKind::Atomic(Ordering::Relaxed));
        assert!(!may_swap(&data, &flag_release));
        assert!(may_swap(&data, &flag_relaxed));
    }

    /// An Acquire load keeps every later access after it.
    #[test]
    fn acquire_load_keeps_later_data_load_after_it() {
        let flag_acquire = access(1, false, AccessKind::Atomic(Ordering::Acquire));
        let flag_relaxed = access(1, false, AccessKind::Atomic(Ordering::Relaxed));
        let data = access(0, false, AccessKind::Plain);
        assert!(!may_swap(&flag_acquire, &data));
        assert!(may_swap(&flag_relaxed, &data));
    }

    #[test]
    fn volatile_to_volatile_order_is_kept() {
        let a = access(0, true, AccessKind::Volatile);
        let b = access(1, true, AccessKind::Volatile);
        assert!(!may_swap(&a, &b));
        assert!(may_swap(&a, &access(1, true, AccessKind::Plain)));
    }

    #[test]
    fn same_location_order_is_kept() {
        let a = access(0, true, AccessKind::Plain);
        let b = access(0, false, AccessKind::Plain);
        assert!(!may_swap(&a, &b));
    }

    #[test]
    fn seqcst_is_both_acquire_and_release() {
        let s = access(1, true, AccessKind::Atomic(Ordering::SeqCst));
        let d = access(0, true, AccessKind::Plain);
        assert!(!may_swap(&s, &d));
        assert!(!may_swap(&d, &s));
    }
}
