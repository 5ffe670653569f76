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
    /// A side-effecting inline `asm!` with `nomem`: cortex-m's `wfi`, `wfe`
    /// and `sev` (`asm!("wfi", options(nomem, nostack, preserves_flags))`,
    /// cortex-m 0.7.5-0.7.7 `asm/inline.rs` with the `inline-asm` feature,
    /// and `src/asm.rs` of 0.8). Not `pure`, so rustc gives it
    /// `memory(inaccessiblemem: readwrite)` and no `willreturn`
    /// (rustc_codegen_llvm `asm.rs`): it touches no memory the program can
    /// name, but has effects LLVM must keep, and may not return.
    Asm,
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

/// Whether the compiler may emit `later` before `earlier` (program order),
/// where neither depends on the other through locals (the caller checks
/// that) and `fences` are the fences between them. The rules, from LLVM's
/// LangRef ("Memory Model for Concurrent Operations", "volatile") and
/// Atomics.rst ("Atomic orderings"), which is what rustc's atomics compile to:
///
/// - Accesses to the same location keep their order (coherence).
/// - Two volatile accesses keep their order ("the optimizers must not change
///   the order of volatile operations relative to other volatile
///   operations"); volatile and non-volatile accesses may be reordered.
/// - Nothing later moves before an acquiring read: an Acquire, AcqRel or
///   SeqCst load or read-modify-write.
/// - Nothing earlier moves after a releasing write: a Release, AcqRel or
///   SeqCst store or read-modify-write. A SeqCst store is a release, not an
///   acquire: later accesses may move before it (Atomics.rst: SeqCst "is
///   like Release for stores and Acquire for loads", plus one total order of
///   all SeqCst operations, so two SeqCst operations keep their order).
/// - A fence between them (`fence` or `compiler_fence`): an acquiring fence
///   keeps an earlier read before everything after it; a releasing fence
///   keeps everything earlier before a later write; a SeqCst fence keeps
///   everything in order.
/// - Across a side-effecting `nomem` asm (`AccessKind::Asm`: WFI, WFE,
///   SEV) only a load moves up, and only a plain or non-acquiring atomic
///   one: the asm touches no memory the program can name (LangRef, the
///   `memory` attribute: `inaccessiblemem` is memory the module cannot
///   access), and a load from dereferenceable memory may be run early
///   (LangRef, "Memory Model for Concurrent Operations"; Rust's statics are
///   dereferenceable). A store or read-modify-write does not: the asm is
///   not `willreturn`, so the write would happen on a path where the core
///   never wakes. A volatile access does not: "any volatile operation can
///   read and/or modify state which is not accessible via a regular load
///   or store in this module" (LangRef, "Volatile Memory Accesses"), the
///   inaccessible memory the asm writes. An acquiring load does not
///   (`docs/SEMANTICS.md` §2). The asm itself is never emitted earlier:
///   the model does not sink an earlier access below it. For the fences
///   between, the asm counts as a read and a write.
pub fn may_move_before(earlier: &MemAccess, later: &MemAccess, fences: impl IntoIterator<Item = Ordering>) -> bool {
    if earlier.location == later.location || later.kind == AccessKind::Asm {
        return false;
    }
    if earlier.kind == AccessKind::Asm {
        let load = later.reads && !later.writes;
        let unordered = match later.kind {
            AccessKind::Plain => true,
            AccessKind::Atomic(o) => !o.is_acquire(),
            AccessKind::Volatile | AccessKind::Asm => false,
        };
        if !load || !unordered {
            return false;
        }
    }
    if earlier.kind == AccessKind::Volatile && later.kind == AccessKind::Volatile {
        return false;
    }
    let ordering = |a: &MemAccess| match a.kind {
        AccessKind::Atomic(o) => Some(o),
        _ => None,
    };
    if earlier.reads && ordering(earlier).is_some_and(Ordering::is_acquire) {
        return false;
    }
    if later.writes && ordering(later).is_some_and(Ordering::is_release) {
        return false;
    }
    if ordering(earlier) == Some(Ordering::SeqCst) && ordering(later) == Some(Ordering::SeqCst) {
        return false;
    }
    for f in fences {
        if f == Ordering::SeqCst || (f.is_acquire() && earlier.reads) || (f.is_release() && later.writes) {
            return false;
        }
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
        assert!(!may_move_before(&data, &flag_release, []));
        assert!(may_move_before(&data, &flag_relaxed, []));
    }

    /// An Acquire load keeps every later access after it.
    #[test]
    fn acquire_load_keeps_later_data_load_after_it() {
        let flag_acquire = access(1, false, AccessKind::Atomic(Ordering::Acquire));
        let flag_relaxed = access(1, false, AccessKind::Atomic(Ordering::Relaxed));
        let data = access(0, false, AccessKind::Plain);
        assert!(!may_move_before(&flag_acquire, &data, []));
        assert!(may_move_before(&flag_relaxed, &data, []));
    }

    #[test]
    fn volatile_to_volatile_order_is_kept() {
        let a = access(0, true, AccessKind::Volatile);
        let b = access(1, true, AccessKind::Volatile);
        assert!(!may_move_before(&a, &b, []));
        assert!(may_move_before(&a, &access(1, true, AccessKind::Plain), []));
    }

    #[test]
    fn same_location_order_is_kept() {
        let a = access(0, true, AccessKind::Plain);
        let b = access(0, false, AccessKind::Plain);
        assert!(!may_move_before(&a, &b, []));
    }

    /// Atomics.rst: a SeqCst store is a Release store as far as other
    /// accesses go (a later access may move before it), and SeqCst
    /// operations keep their order among themselves (the store-buffering
    /// litmus test: `X.store(1, SeqCst); Y.load(Relaxed)` may read Y first).
    #[test]
    fn seqcst_store_is_a_release_not_an_acquire() {
        let x_store = access(1, true, AccessKind::Atomic(Ordering::SeqCst));
        let y_relaxed = access(2, false, AccessKind::Atomic(Ordering::Relaxed));
        let y_seqcst = access(2, false, AccessKind::Atomic(Ordering::SeqCst));
        let d = access(0, true, AccessKind::Plain);
        assert!(!may_move_before(&d, &x_store, []), "nothing earlier moves after it");
        assert!(may_move_before(&x_store, &y_relaxed, []), "a later relaxed load may move before it");
        assert!(!may_move_before(&x_store, &y_seqcst, []), "SeqCst keeps SeqCst order");
    }

    /// A SeqCst load is an Acquire load: an earlier store may move after it.
    #[test]
    fn seqcst_load_is_an_acquire_not_a_release() {
        let d = access(0, true, AccessKind::Plain);
        let x_load = access(1, false, AccessKind::Atomic(Ordering::SeqCst));
        assert!(may_move_before(&d, &x_load, []));
        assert!(!may_move_before(&x_load, &d, []));
    }

    /// A side-effecting `nomem` asm (WFI, WFE, SEV): a later plain or
    /// Relaxed load may be emitted before it; a store, read-modify-write,
    /// volatile access or acquiring load may not; an acquire or SeqCst
    /// fence between keeps the load after it; the asm never moves up.
    #[test]
    fn only_a_non_acquiring_load_moves_above_a_nomem_asm() {
        let wfi = MemAccess { location: Location(9), reads: true, writes: true, kind: AccessKind::Asm };
        let rmw =
            MemAccess { location: Location(1), reads: true, writes: true, kind: AccessKind::Atomic(Ordering::Relaxed) };
        assert!(may_move_before(&wfi, &access(0, false, AccessKind::Plain), []));
        assert!(may_move_before(&wfi, &access(0, false, AccessKind::Atomic(Ordering::Relaxed)), []));
        assert!(may_move_before(&wfi, &access(0, false, AccessKind::Atomic(Ordering::Relaxed)), [Ordering::Release]));
        assert!(!may_move_before(&wfi, &access(0, false, AccessKind::Atomic(Ordering::Acquire)), []));
        assert!(!may_move_before(&wfi, &access(0, false, AccessKind::Atomic(Ordering::SeqCst)), []));
        assert!(!may_move_before(&wfi, &access(0, false, AccessKind::Volatile), []));
        assert!(!may_move_before(&wfi, &access(0, true, AccessKind::Plain), []));
        assert!(!may_move_before(&wfi, &access(0, true, AccessKind::Atomic(Ordering::Relaxed)), []));
        assert!(!may_move_before(&wfi, &rmw, []));
        assert!(!may_move_before(&wfi, &access(0, false, AccessKind::Plain), [Ordering::SeqCst]));
        assert!(!may_move_before(&wfi, &access(0, false, AccessKind::Plain), [Ordering::Acquire]));
        assert!(!may_move_before(&access(0, false, AccessKind::Plain), &wfi, []), "the asm is never emitted earlier");
    }

    /// Fences: release keeps earlier accesses before a later write, acquire
    /// keeps an earlier read before later accesses, SeqCst keeps all.
    #[test]
    fn fences_order_what_they_promise() {
        let store_a = access(0, true, AccessKind::Plain);
        let load_a = access(0, false, AccessKind::Plain);
        let store_b = access(1, true, AccessKind::Atomic(Ordering::Relaxed));
        let load_b = access(1, false, AccessKind::Atomic(Ordering::Relaxed));
        assert!(!may_move_before(&store_a, &store_b, [Ordering::Release]));
        assert!(may_move_before(&store_a, &load_b, [Ordering::Release]), "a later load may rise over a release fence");
        assert!(!may_move_before(&load_a, &store_b, [Ordering::Acquire]));
        assert!(
            may_move_before(&store_a, &load_b, [Ordering::Acquire]),
            "an earlier store may sink under an acquire fence"
        );
        assert!(!may_move_before(&store_a, &load_b, [Ordering::SeqCst]));
    }
}
