//! The compiler's freedom, as choices: which of a context's next accesses
//! may run before the ones ahead of it in program order (docs/SEMANTICS.md,
//! "Compiler reordering").
//!
//! The model is a window over the context's upcoming path: from its program
//! counter, straight-line code, through unconditional jumps and through
//! branches whose condition is already computed, up to `WINDOW` instructions,
//! ending at a barrier (a call or return, a critical-section boundary, a
//! fence of the cortex-m `asm` functions, an assertion, a spinlock). WFI,
//! WFE and SEV are in the window as `nomem` asm (`AccessKind::Asm`): a
//! plain or non-acquiring load after one may run before it, keeping its
//! value over the sleep; nothing else passes it.
//! Any access in the window whose move past every pending access before it
//! the memory model allows (`memory_model::may_move_before`) may run now,
//! together with the local computations it needs; a load just past the
//! first unresolved branch may be read early too (a speculated load,
//! LangRef: loads from dereferenceable memory may be hoisted), and its value
//! is used if execution goes that way. Every order the pairwise rules allow
//! is reachable this way (a linear extension is built by repeatedly running
//! a minimal element), so within the window the search is complete.

use smallvec::SmallVec;

use crate::memory_model::{self, AccessKind, MemAccess};
use crate::program::{Function, Local, LocalUse, Location, Op, Operand, Place, Program};

/// How many instructions ahead the compiler's reorderings are tried.
pub const WINDOW: usize = 8;

/// One way to run an instruction early: an access, or a local computation
/// that an access the compiler may run early needs first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EarlyAccess {
    /// The instruction that runs now.
    pub pc: u32,
    /// A speculated load: the branch it is hoisted over and the target of
    /// that branch on whose path it lies. Its value is kept until execution
    /// reaches it, and dropped if the branch goes the other way.
    pub over_branch: Option<(u32, u32)>,
    /// The first pending instruction it overtakes (for the trace).
    pub over: u32,
    /// The location of the access that moves (for a computation run as a
    /// stepping stone, of the access that needs it).
    pub moves: Location,
    /// The locations of the accesses it overtakes, and whether it moves
    /// over a fence: what decides whether another context can tell.
    pub overtaken: Vec<Location>,
    pub over_fence: bool,
    /// Whether running it early can let any later access move further: it
    /// holds later accesses back (an acquiring or SeqCst read, SeqCst,
    /// volatile), or it is a speculated load.
    pub unblocks: bool,
    /// The locations of the later accesses in the window that depend on
    /// what it computes (through locals, transitively): running it early
    /// lets them move further too. For a computation run as a stepping
    /// stone, those of the access that needs it.
    pub feeds: Vec<Location>,
    /// The buffers (first location, length) of the DMA transfers started
    /// by instructions it overtakes, or by itself: a DMA may write them
    /// before the accesses involved would run in program order.
    pub dma_buffers: SmallVec<[(Location, u32); 1]>,
}

/// A load read early across a branch, waiting to be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Speculated {
    pub branch: u32,
    pub target: u32,
    pub pc: u32,
    pub value: u64,
    /// Set when the branch went toward `target`: the value is used when `pc`
    /// is reached, and dropped at the next control transfer.
    pub armed: bool,
}

/// The few locals one instruction reads or writes (kept inline: the window
/// is rebuilt at every step the explorer takes).
type Locals = SmallVec<[Local; 4]>;

/// The window's items, at most `WINDOW` of them plus a speculated block.
type Path<T> = SmallVec<[T; WINDOW + 1]>;

#[derive(Clone, Debug)]
struct Pending {
    pc: u32,
    /// The access, when the instruction touches memory (or memory-mapped I/O).
    access: Option<MemAccess>,
    /// A fence between accesses: its ordering constrains pairs across it.
    fence: Option<crate::program::Ordering>,
    /// Pure computation on locals that cannot panic.
    pure: bool,
    writes: Locals,
    reads: Locals,
    /// A load already read early across a branch (speculated): it does not
    /// move again, but it still holds back what may not pass it, since a
    /// dropped speculation runs again in program order.
    speculated: bool,
    /// A DMA start: the buffer it hands to the peripheral.
    dma: Option<(Location, u32)>,
}

/// What an instruction is to the reordering window.
enum Class {
    /// Ends the window: nothing moves across it.
    Barrier,
    Jump(u32),
    Branch {
        cond: Operand,
        then_target: u32,
        else_target: u32,
    },
    Item,
}

fn classify_instr(program: &Program, op: &Op) -> Class {
    match op {
        Op::Jump { target } => Class::Jump(*target),
        Op::Branch { cond, then_target, else_target } => {
            Class::Branch { cond: *cond, then_target: *then_target, else_target: *else_target }
        }
        Op::Load { place, .. } | Op::Store { place, .. } if program.location(place.base).ty.is_wide() => {
            // A 64-bit access is two word accesses (ARMv7-M A3.5.3); the
            // model runs it in order.
            Class::Barrier
        }
        Op::Move { .. }
        | Op::Unary { .. }
        | Op::Binary { .. }
        | Op::Load { .. }
        | Op::Store { .. }
        | Op::AtomicLoad { .. }
        | Op::AtomicStore { .. }
        | Op::AtomicRmw { .. }
        | Op::CompareExchange { .. }
        | Op::Fence { .. }
        | Op::Nvic { .. }
        | Op::NvicSetPriority { .. }
        | Op::ClearEvent { .. }
        | Op::ReadEvent { .. }
        | Op::DmaStart { .. }
        | Op::Busy { .. } => Class::Item,
        // cortex-m's wfi, wfe and sev are `asm!` with `nomem`: a later load
        // may be emitted before them (`memory_model::may_move_before`,
        // AccessKind::Asm; docs/SEMANTICS.md §2).
        Op::Wfi | Op::Wfe | Op::Sev => Class::Item,
        // cortex_m::asm::nop is `asm!` with `nomem`: not a barrier; dsb, dmb
        // and isb are wrapped in compiler_fence(SeqCst) by the cortex-m crate.
        Op::Nop { what } => {
            if matches!(what.as_str(), "dsb" | "dmb" | "isb") {
                Class::Barrier
            } else {
                Class::Item
            }
        }
        // interrupt::disable/enable, PRIMASK and BASEPRI accesses are `asm!`
        // without `nomem` plus compiler_fence(SeqCst) in cortex-m: barriers.
        // Calls and returns end the window: the front end has inlined every
        // call it can (program/inline.rs); what is left is recursion. Assertions and RefCell borrows can panic, and
        // a panic is observable, so nothing moves over them.
        _ => Class::Barrier,
    }
}

/// Memory-mapped I/O (NVIC, peripheral events) as volatile accesses to
/// pseudo-locations past the program's statics, so that volatile-to-volatile
/// order is kept and same-register order is kept.
fn mmio(program: &Program, key: u32, reads: bool, writes: bool) -> MemAccess {
    let location = Location(program.locations.len() as u32 + key);
    MemAccess { location, reads, writes, kind: AccessKind::Volatile }
}

fn resolve_now(place: &Place, locals: &[u64]) -> Option<Location> {
    match place.index {
        None => Some(place.base),
        Some(ix) => {
            let i = match ix.index {
                Operand::Const(v) => v,
                Operand::Local(l) => *locals.get(l.0 as usize)?,
            };
            (i < u64::from(ix.len)).then(|| Location(place.base.0 + i as u32 * ix.stride))
        }
    }
}

fn pending_of(program: &Program, func: &Function, pc: u32, locals: &[u64]) -> Option<Pending> {
    let op = &func.body.get(pc as usize)?.op;
    let (writes, reads) = locals_of(op);
    let mut p = Pending { pc, access: None, fence: None, pure: false, writes, reads, speculated: false, dma: None };
    let place_access = |place: &Place| resolve_now(place, locals).and_then(|loc| memory_model::classify(op, loc));
    match op {
        Op::Move { .. } | Op::Unary { .. } => p.pure = true,
        Op::Binary { op, .. } => p.pure = !matches!(op, crate::value::BinOp::Div | crate::value::BinOp::Rem),
        Op::Load { place, .. }
        | Op::Store { place, .. }
        | Op::AtomicLoad { place, .. }
        | Op::AtomicStore { place, .. }
        | Op::AtomicRmw { place, .. }
        | Op::CompareExchange { place, .. } => {
            // An index out of bounds panics: such an access stays in order.
            p.access = Some(place_access(place)?);
        }
        Op::Fence { ordering, .. } => p.fence = Some(*ordering),
        Op::Nvic { irq, .. } | Op::NvicSetPriority { irq, .. } => {
            p.access = Some(mmio(program, u32::from(irq.0), true, true));
        }
        Op::ClearEvent { source } => {
            p.access = Some(mmio(program, 0x1_0000 + u32::from(source.0), false, true));
        }
        Op::ReadEvent { source, .. } => {
            p.access = Some(mmio(program, 0x1_0000 + u32::from(source.0), true, false));
        }
        // Starting a DMA transfer is a volatile write (TASKS_STARTRX): a
        // plain access may move over it, which is why embedded code puts a
        // `compiler_fence(Release)` before it (docs/SEMANTICS.md §1 "DMA").
        Op::DmaStart { source, buffer, len } => {
            p.access = Some(mmio(program, 0x3_0000 + u32::from(source.0), false, true));
            p.dma = Some((*buffer, *len));
        }
        // The sleep (or SEV) as the inaccessible memory its asm writes.
        Op::Wfi | Op::Wfe | Op::Sev => {
            let location = Location(program.locations.len() as u32 + 0x2_0000);
            p.access = Some(MemAccess { location, reads: true, writes: true, kind: AccessKind::Asm });
        }
        _ => {}
    }
    Some(p)
}

/// The buffers of the DMA starts the window from `pc` could ever reach, on
/// any path (branches not known yet included), within the most items a
/// window holds: a start there may later run early, before an access
/// pending now, and its DMA then write before that access. Jumps and
/// branches take no room in a window; a barrier ends it.
pub fn dma_starts_ahead(program: &Program, func: &Function, pc: u32) -> SmallVec<[(Location, u32); 2]> {
    let mut out = SmallVec::new();
    // (pc, items on the path so far), depth first; `best` keeps the fewest
    // items a pc was reached with, so each is walked again only with room.
    let mut best: Vec<u32> = vec![u32::MAX; func.body.len()];
    let mut work = vec![(pc, 0u32)];
    while let Some((at, used)) = work.pop() {
        let Some(instr) = func.body.get(at as usize) else { continue };
        if used > WINDOW as u32 || best[at as usize] <= used {
            continue;
        }
        best[at as usize] = used;
        match classify_instr(program, &instr.op) {
            Class::Barrier => {}
            Class::Jump(target) => work.push((target, used)),
            Class::Branch { then_target, else_target, .. } => {
                work.push((then_target, used));
                work.push((else_target, used));
            }
            Class::Item => {
                if let Op::DmaStart { buffer, len, .. } = instr.op
                    && !out.contains(&(buffer, len))
                {
                    out.push((buffer, len));
                }
                work.push((at + 1, used + 1));
            }
        }
    }
    out
}

/// The window of a frame: pending instructions on the path in program order,
/// and the first branch whose condition is not known yet.
fn window(
    program: &Program,
    func: &Function,
    start: u32,
    locals: &[u64],
    ahead: &[u32],
    speculated: &[u32],
) -> (Path<Pending>, Option<(u32, [u32; 2])>) {
    let mut path: Path<Pending> = Path::new();
    let mut seen: SmallVec<[u32; 2 * WINDOW]> = SmallVec::new();
    let mut pc = start;
    while path.len() < WINDOW && !seen.contains(&pc) {
        seen.push(pc);
        let Some(instr) = func.body.get(pc as usize) else { break };
        if ahead.contains(&pc) {
            pc += 1;
            continue;
        }
        if speculated.contains(&pc) {
            // Already read; only its result is still to be written. Its
            // access stays: if the branch goes the other way the value is
            // dropped and the load runs again here, so what may not pass a
            // load (a store to the same location) may not pass it now
            // (found by tests/oracle.rs: a store moved past a speculated
            // load of its location, and the load, run again, read it).
            let Some(mut p) = pending_of(program, func, pc, locals) else { break };
            p.speculated = true;
            path.push(p);
            pc += 1;
            continue;
        }
        match classify_instr(program, &instr.op) {
            Class::Barrier => break,
            Class::Jump(target) => pc = target,
            Class::Branch { cond, then_target, else_target } => {
                let known = match cond {
                    Operand::Const(v) => Some(v),
                    Operand::Local(l) => (!path.iter().any(|p| p.writes.contains(&l))).then(|| locals[l.0 as usize]),
                };
                match known {
                    Some(v) => pc = if v != 0 { then_target } else { else_target },
                    None => return (path, Some((pc, [then_target, else_target]))),
                }
            }
            Class::Item => {
                // An access whose place cannot be resolved now (its index
                // is computed by a pending instruction) ends the window.
                let Some(p) = pending_of(program, func, pc, locals) else { break };
                if p.access.is_none()
                    && !p.pure
                    && p.fence.is_none()
                    && !matches!(instr.op, Op::Busy { .. } | Op::Nop { .. })
                {
                    break;
                }
                let index_pending = index_local(&instr.op).is_some_and(|l| path.iter().any(|q| q.writes.contains(&l)));
                if index_pending {
                    break;
                }
                path.push(p);
                pc += 1;
            }
        }
    }
    (path, None)
}

fn index_local(op: &Op) -> Option<Local> {
    let place = match op {
        Op::Load { place, .. }
        | Op::Store { place, .. }
        | Op::AtomicLoad { place, .. }
        | Op::AtomicStore { place, .. }
        | Op::AtomicRmw { place, .. }
        | Op::CompareExchange { place, .. } => place,
        _ => return None,
    };
    match place.index?.index {
        Operand::Local(l) => Some(l),
        Operand::Const(_) => None,
    }
}

/// Whether `later` may run before every pending item of `before` (program
/// order), given the fences among them.
fn may_pass_all(before: &[&Pending], later: &MemAccess) -> bool {
    for (k, j) in before.iter().enumerate() {
        let Some(a) = &j.access else { continue };
        let fences = before[k + 1..].iter().filter_map(|f| f.fence);
        if !memory_model::may_move_before(a, later, fences) {
            return false;
        }
    }
    true
}

/// The accesses the compiler may run now instead of the next one in
/// program order, for a frame at `pc` with `locals`, having already run the
/// pcs in `ahead` early and read the loads at `speculated` early.
pub fn early_accesses(
    program: &Program,
    func: &Function,
    pc: u32,
    locals: &[u64],
    ahead: &[u32],
    speculated: &[u32],
) -> Vec<EarlyAccess> {
    let (path, branch) = window(program, func, pc, locals, ahead, speculated);
    let mut out = Vec::new();
    for i in 1..path.len() {
        let target = &path[i];
        let Some(access) = &target.access else { continue };
        // A speculated load is read already; WFI, WFE and SEV never run early.
        if target.speculated || access.kind == AccessKind::Asm {
            continue;
        }
        // The pure computations it needs, transitively (they run with it).
        let mut needs: Path<usize> = Path::new();
        let mut wanted: SmallVec<[Local; 16]> = SmallVec::from_slice(&target.reads);
        let mut ok = true;
        for j in (0..i).rev() {
            let p = &path[j];
            if p.writes.iter().any(|w| wanted.contains(w)) {
                if !p.pure {
                    ok = false;
                    break;
                }
                needs.push(j);
                wanted.extend(p.reads.iter().copied());
            }
        }
        if !ok {
            continue;
        }
        needs.reverse();
        // Everything it overtakes: pending items before it, not needed by it.
        let moving: Path<usize> = needs.iter().copied().chain([i]).collect();
        let stays: Path<&Pending> = (0..i).filter(|j| !needs.contains(j)).map(|j| &path[j]).collect();
        // Overtaking only local work, busy cycles or fences changes nothing
        // another context could see: the in-order run reaches the same
        // states. (A fence orders accesses against each other; with no
        // pending access before it, running the access after it is the same
        // run. Passing it would only move its release or acquire point past
        // the access, which the race rule would misread: an NVIC unmask
        // run before the `compiler_fence` that publishes the stores before
        // it, or a load before the `fence(Acquire)` that orders it.)
        if !stays.iter().any(|s| s.access.is_some()) {
            continue;
        }
        let clash = moving.iter().any(|&m| {
            (0..m).filter(|s| !moving.contains(s)).any(|s| {
                let (early, late) = (&path[s], &path[m]);
                late.reads.iter().any(|r| early.writes.contains(r))
                    || late.writes.iter().any(|w| early.writes.contains(w) || early.reads.contains(w))
            })
        });
        if clash || !may_pass_all(&stays, access) {
            continue;
        }
        // One instruction a step: an access that needs computations first
        // offers the earliest of them (the others follow in later steps).
        let first = needs.first().map_or(i, |&j| j);
        // Its first need is the next instruction anyway: the in-order step.
        if first == 0 || out.iter().any(|e: &EarlyAccess| e.pc == path[first].pc) {
            continue;
        }
        let over = (0..first).find(|j| !needs.contains(j)).map_or(stays[0].pc, |j| path[j].pc);
        let unblocks = holds_back(access);
        let feeds = dependents(&path, i);
        out.push(EarlyAccess {
            pc: path[first].pc,
            over_branch: None,
            over,
            moves: access.location,
            overtaken: stays.iter().filter_map(|s| s.access.map(|a| a.location)).collect(),
            over_fence: stays.iter().any(|s| s.fence.is_some()),
            unblocks,
            feeds,
            // Its own, when it is a DMA start: the bytes come before the
            // accesses it overtakes run.
            dma_buffers: stays.iter().map(|s| s.dma).chain([path[i].dma]).flatten().collect(),
        });
    }
    // Loads just past the first unresolved branch, read early.
    if let Some((branch_pc, targets)) = branch {
        let all: Path<&Pending> = path.iter().collect();
        for target in targets {
            let mut block: Path<Pending> = Path::new();
            let mut at = target;
            while all.len() + block.len() < WINDOW + 1 {
                let Some(instr) = func.body.get(at as usize) else { break };
                if !matches!(classify_instr(program, &instr.op), Class::Item) {
                    break;
                }
                let Some(p) = pending_of(program, func, at, locals) else { break };
                let is_load = matches!(instr.op, Op::Load { .. } | Op::AtomicLoad { .. });
                let before: SmallVec<[&Pending; 2 * WINDOW + 2]> = all.iter().copied().chain(block.iter()).collect();
                let index_written =
                    index_local(&instr.op).is_some_and(|l| before.iter().any(|q| q.writes.contains(&l)));
                let fresh = is_load && !index_written && !speculated.contains(&at);
                if fresh
                    && let Some(access) = p.access
                    && before.iter().any(|q| q.access.is_some())
                    && may_pass_all(&before, &access)
                {
                    out.push(EarlyAccess {
                        pc: at,
                        over_branch: Some((branch_pc, target)),
                        over: before[0].pc,
                        moves: access.location,
                        overtaken: before.iter().filter_map(|s| s.access.map(|a| a.location)).collect(),
                        over_fence: before.iter().any(|s| s.fence.is_some()),
                        unblocks: true,
                        feeds: Vec::new(),
                        dma_buffers: before.iter().filter_map(|s| s.dma).collect(),
                    });
                }
                drop(before);
                block.push(p);
                at += 1;
            }
        }
    }
    out
}

/// The locations of the later accesses of `path` (after `i`) that must
/// stay after `path[i]`, transitively: through locals (they use what it
/// computes, or write a local it reads or writes) or through the memory
/// model (`may_move_before` keeps them after it, e.g. the same location).
/// Running `path[i]` early is what lets them move further.
fn dependents(path: &[Pending], i: usize) -> Vec<Location> {
    let mut held: Path<usize> = SmallVec::from_slice(&[i]);
    let mut out = Vec::new();
    for j in i + 1..path.len() {
        let q = &path[j];
        let kept = held.iter().any(|&k| {
            let p = &path[k];
            let through_locals = q.reads.iter().any(|l| p.writes.contains(l))
                || q.writes.iter().any(|l| p.writes.contains(l) || p.reads.contains(l));
            let through_memory = match (&p.access, &q.access) {
                // A WFI, WFE or SEV never runs early: running `path[i]`
                // early cannot let it move.
                (Some(_), Some(b)) if b.kind == AccessKind::Asm => false,
                (Some(a), Some(b)) => {
                    let fences = path[k + 1..j].iter().filter_map(|f| f.fence);
                    !memory_model::may_move_before(a, b, fences)
                }
                _ => false,
            };
            through_locals || through_memory
        });
        if kept {
            held.push(j);
            if let Some(a) = &q.access {
                out.push(a.location);
            }
        }
    }
    out
}

/// Whether an access keeps some later accesses after it (`may_move_before`).
fn holds_back(a: &MemAccess) -> bool {
    match a.kind {
        AccessKind::Volatile | AccessKind::Asm => true,
        AccessKind::Atomic(o) => o == crate::program::Ordering::SeqCst || (a.reads && o.is_acquire()),
        AccessKind::Plain => false,
    }
}

/// (locals written, locals read) by an instruction, for dependence checks.
fn locals_of(op: &Op) -> (Locals, Locals) {
    let (mut writes, mut reads) = (Locals::new(), Locals::new());
    op.for_each_local(|l, used| match used {
        LocalUse::Read => reads.push(*l),
        LocalUse::Write => writes.push(*l),
    });
    (writes, reads)
}
