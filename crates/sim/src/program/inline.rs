//! Inlining: LLVM may inline any call to a function it can see (every
//! lesson function is in the one crate), after which it reorders the
//! callee's accesses with the caller's like any others. The reordering
//! window (`reorder.rs`) ends at a call, so a call left in place would hide
//! those reorderings: a `publish()` helper that stores READY after the
//! caller stored DATA would be "proven" though the compiler may emit READY
//! first. So the front end inlines every call it can before the machine
//! runs (docs/SEMANTICS.md §2, "Calls").
//!
//! A call stays a call only where inlining cannot go: a function that calls
//! itself, directly or through others (a cycle of the call graph), and a
//! body that would grow past `MAX_INLINED_BODY` instructions. Those calls
//! remain barriers to the window; `inline_calls` returns them so the front
//! end can say so.

use super::{FuncId, Function, Instr, Local, Op, Operand, Program, Span};

/// The largest body inlining builds; past it the call is kept.
pub const MAX_INLINED_BODY: usize = 4096;

/// A call that could not be inlined, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptCall {
    pub span: Span,
    pub callee: String,
    pub recursive: bool,
}

impl Program {
    /// Replaces every call to a function outside a call cycle by the
    /// callee's body: arguments become moves into fresh locals of the
    /// caller, `return v` a move into the call's result and a jump past the
    /// inlined body. Spans stay the callee's, so the trace still points at
    /// the line that runs. Callees are inlined before their callers, so
    /// nested calls flatten. Returns the calls kept.
    pub fn inline_calls(&mut self) -> Vec<KeptCall> {
        let recursive = self.recursive_functions();
        let mut kept = Vec::new();
        for f in self.post_order() {
            let body = self.functions[f].body.clone();
            if !body.iter().any(|i| matches!(&i.op, Op::Call { func, .. } if !recursive[func.0 as usize])) {
                kept.extend(self.kept_calls(&body, &recursive));
                continue;
            }
            let mut caller = self.functions[f].clone();
            kept.extend(self.inline_into(&mut caller, &recursive));
            self.functions[f] = caller;
        }
        kept
    }

    fn kept_calls(&self, body: &[Instr], recursive: &[bool]) -> Vec<KeptCall> {
        body.iter()
            .filter_map(|i| match &i.op {
                Op::Call { func, .. } if recursive[func.0 as usize] => {
                    Some(KeptCall { span: i.span.clone(), callee: self.function(*func).name.clone(), recursive: true })
                }
                _ => None,
            })
            .collect()
    }

    /// Rewrites `caller`'s body with its calls inlined (callees already
    /// flattened).
    fn inline_into(&self, caller: &mut Function, recursive: &[bool]) -> Vec<KeptCall> {
        let mut kept = Vec::new();
        // Which calls are inlined, and where each old instruction starts.
        let mut size = 0usize;
        let mut plan: Vec<Option<(FuncId, u16)>> = Vec::with_capacity(caller.body.len());
        let mut locals = caller.locals;
        // An inlined callee's arrays join the caller's frame, one copy per
        // call site, as its locals do.
        let mut frame_bytes = caller.frame_bytes;
        for instr in &caller.body {
            let inlined = match &instr.op {
                Op::Call { func, .. } if !recursive[func.0 as usize] => {
                    let callee = self.function(*func);
                    let grows = callee.params as usize + callee.body.len() * 2;
                    match u16::try_from(usize::from(locals) + usize::from(callee.locals)) {
                        Ok(total) if size + grows <= MAX_INLINED_BODY => {
                            let base = locals;
                            locals = total;
                            size += grows;
                            frame_bytes = frame_bytes.saturating_add(callee.frame_bytes);
                            Some((*func, base))
                        }
                        _ => {
                            kept.push(KeptCall {
                                span: instr.span.clone(),
                                callee: callee.name.clone(),
                                recursive: false,
                            });
                            None
                        }
                    }
                }
                Op::Call { func, .. } => {
                    kept.push(KeptCall {
                        span: instr.span.clone(),
                        callee: self.function(*func).name.clone(),
                        recursive: true,
                    });
                    None
                }
                _ => None,
            };
            size += 1;
            plan.push(inlined);
        }
        caller.frame_bytes = frame_bytes;
        // Pass 1: the new index of every old instruction (a jump to it goes
        // to the first instruction its expansion emits).
        let mut starts = Vec::with_capacity(caller.body.len() + 1);
        let mut at = 0u32;
        for (instr, inlined) in caller.body.iter().zip(&plan) {
            starts.push(at);
            at += match (inlined, &instr.op) {
                (Some((func, _)), Op::Call { args, ret, .. }) => {
                    (args.len() + Expansion::of(self.function(*func), *ret).pieces.len()) as u32
                }
                _ => 1,
            };
        }
        starts.push(at);
        // Pass 2: emit.
        let mut body = Vec::with_capacity(at as usize);
        for (instr, inlined) in caller.body.iter().zip(&plan) {
            let (Some((func, base)), Op::Call { args, ret, .. }) = (*inlined, &instr.op) else {
                let mut instr = instr.clone();
                instr.op.map_targets(&mut |t| *t = starts[*t as usize]);
                body.push(instr);
                continue;
            };
            let callee = self.function(func);
            let expansion = Expansion::of(callee, *ret);
            let first = body.len() as u32 + args.len() as u32;
            let end = first + expansion.pieces.len() as u32;
            for (i, arg) in args.iter().enumerate() {
                body.push(Instr { op: Op::Move { dst: Local(base + i as u16), src: *arg }, span: instr.span.clone() });
            }
            for &(from, piece) in &expansion.pieces {
                let from = &callee.body[from as usize];
                let op = match (piece, &from.op) {
                    (Piece::ReturnValue(dst), Op::Return { value: Some(v) }) => {
                        let mut src = *v;
                        if let Operand::Local(l) = &mut src {
                            l.0 += base;
                        }
                        Op::Move { dst, src }
                    }
                    (Piece::ReturnJump, _) => Op::Jump { target: end },
                    (_, op) => {
                        let mut op = op.clone();
                        op.map_targets(&mut |t| *t = first + expansion.starts[*t as usize]);
                        op.map_locals(|l| l.0 += base);
                        op
                    }
                };
                body.push(Instr { op, span: from.span.clone() });
            }
        }
        caller.body = body;
        caller.locals = locals;
        for (func, _) in plan.iter().flatten() {
            caller.local_names.extend(self.function(*func).local_names.iter().cloned());
        }
        kept
    }

    /// Per function: whether it lies on a cycle of the call graph.
    fn recursive_functions(&self) -> Vec<bool> {
        let n = self.functions.len();
        let calls: Vec<Vec<usize>> = self
            .functions
            .iter()
            .map(|f| {
                f.body
                    .iter()
                    .filter_map(|i| match &i.op {
                        Op::Call { func, .. } => Some(func.0 as usize),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        // f is recursive when f is reachable from one of its callees.
        (0..n)
            .map(|f| {
                let mut seen = vec![false; n];
                let mut stack: Vec<usize> = calls[f].clone();
                while let Some(g) = stack.pop() {
                    if g == f {
                        return true;
                    }
                    if !std::mem::replace(&mut seen[g], true) {
                        stack.extend(calls[g].iter().copied());
                    }
                }
                false
            })
            .collect()
    }

    /// Functions with callees before callers (cycles broken anywhere).
    fn post_order(&self) -> Vec<usize> {
        fn visit(p: &Program, f: usize, state: &mut [u8], out: &mut Vec<usize>) {
            if state[f] != 0 {
                return;
            }
            state[f] = 1;
            for i in &p.functions[f].body {
                if let Op::Call { func, .. } = &i.op {
                    visit(p, func.0 as usize, state, out);
                }
            }
            state[f] = 2;
            out.push(f);
        }
        let mut state = vec![0u8; self.functions.len()];
        let mut out = Vec::new();
        for f in 0..self.functions.len() {
            visit(self, f, &mut state, &mut out);
        }
        out
    }
}

#[derive(Clone, Copy, Debug)]
enum Piece {
    /// The callee's instruction, locals and targets moved.
    Copy,
    /// `return v` into the caller's result local.
    ReturnValue(Local),
    /// A return: the jump past the inlined body.
    ReturnJump,
}

/// What a call's callee expands to (after the moves of its arguments).
struct Expansion {
    /// (callee instruction, what it becomes), in order.
    pieces: Vec<(u32, Piece)>,
    /// Per callee instruction (and one past the end): the index of its first
    /// piece, where a jump to it lands.
    starts: Vec<u32>,
}

impl Expansion {
    /// A return emits a move of its value (when the caller keeps it) and a
    /// jump to the end, the jump left out when the return is the callee's
    /// last instruction.
    fn of(callee: &Function, ret: Option<Local>) -> Expansion {
        let mut pieces = Vec::with_capacity(callee.body.len());
        let mut starts = Vec::with_capacity(callee.body.len() + 1);
        let last = callee.body.len().saturating_sub(1);
        for (pc, instr) in callee.body.iter().enumerate() {
            starts.push(pieces.len() as u32);
            let from = pc as u32;
            match &instr.op {
                Op::Return { value } => {
                    if let (Some(dst), Some(_)) = (ret, value) {
                        pieces.push((from, Piece::ReturnValue(dst)));
                    }
                    if pc != last {
                        pieces.push((from, Piece::ReturnJump));
                    }
                }
                _ => pieces.push((from, Piece::Copy)),
            }
        }
        starts.push(pieces.len() as u32);
        Expansion { pieces, starts }
    }
}

impl Op {
    /// Every instruction index the instruction jumps to.
    pub fn map_targets(&mut self, f: &mut dyn FnMut(&mut u32)) {
        match self {
            Op::Jump { target } => f(target),
            Op::Branch { then_target, else_target, .. } => {
                f(then_target);
                f(else_target);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::build::ProgramBuilder;
    use crate::machine::Bounds;
    use crate::program::{BinOp, Local, LocationKind, Op, Operand, Program, Target};
    use crate::schedule::Schedule;
    use crate::session::Session;
    use crate::value::Ty;

    /// `clamp(x)`: an early return in the middle; `both(a, b)` calls it
    /// twice (nested inlining); `count(n)` calls itself (kept).
    fn program() -> Program {
        let mut b = ProgramBuilder::new(Target::Armv7em, 1);
        let out1 = b.scalar("OUT1", Ty::U32, LocationKind::Atomic, 0);
        let out2 = b.scalar("OUT2", Ty::U32, LocationKind::Atomic, 0);
        let out3 = b.scalar("OUT3", Ty::U32, LocationKind::Atomic, 0);
        let clamp = b.function("clamp", 1, |f| {
            let big = f.local();
            let x = Operand::Local(Local(0));
            f.op(Op::Binary { op: BinOp::Gt, ty: Ty::U32, dst: big, lhs: x, rhs: Operand::Const(5) });
            let at = f.here();
            f.op(Op::Branch { cond: Operand::Local(big), then_target: at + 1, else_target: at + 2 });
            f.op(Op::Return { value: Some(Operand::Const(5)) });
            let twice = f.local();
            f.op(Op::Binary { op: BinOp::Mul, ty: Ty::U32, dst: twice, lhs: x, rhs: Operand::Const(2) });
            f.op(Op::Return { value: Some(Operand::Local(twice)) });
        });
        let both = b.function("both", 2, |f| {
            let (r1, r2, sum) = (f.local(), f.local(), f.local());
            f.op(Op::Call { func: clamp, args: vec![Operand::Local(Local(0))], ret: Some(r1) });
            f.op(Op::Call { func: clamp, args: vec![Operand::Local(Local(1))], ret: Some(r2) });
            f.op(Op::Binary {
                op: BinOp::Add,
                ty: Ty::U32,
                dst: sum,
                lhs: Operand::Local(r1),
                rhs: Operand::Local(r2),
            });
            f.op(Op::Return { value: Some(Operand::Local(sum)) });
        });
        let count = b.function("count", 1, |f| {
            let (zero, less, r) = (f.local(), f.local(), f.local());
            f.op(Op::Binary {
                op: BinOp::Eq,
                ty: Ty::U32,
                dst: zero,
                lhs: Operand::Local(Local(0)),
                rhs: Operand::Const(0),
            });
            let at = f.here();
            f.op(Op::Branch { cond: Operand::Local(zero), then_target: at + 1, else_target: at + 2 });
            f.op(Op::Return { value: Some(Operand::Const(0)) });
            f.op(Op::Binary {
                op: BinOp::Sub,
                ty: Ty::U32,
                dst: less,
                lhs: Operand::Local(Local(0)),
                rhs: Operand::Const(1),
            });
            f.op(Op::Call { func: SELF, args: vec![Operand::Local(less)], ret: Some(r) });
            f.op(Op::Binary { op: BinOp::Add, ty: Ty::U32, dst: r, lhs: Operand::Local(r), rhs: Operand::Const(1) });
            f.op(Op::Return { value: Some(Operand::Local(r)) });
        });
        let main = b.function("main", 0, |f| {
            let (a, c, d) = (f.local(), f.local(), f.local());
            f.op(Op::Call { func: clamp, args: vec![Operand::Const(3)], ret: Some(a) });
            f.op(Op::AtomicStore {
                place: crate::program::Place::at(out1),
                src: Operand::Local(a),
                ordering: crate::program::Ordering::Relaxed,
            });
            f.op(Op::Call { func: both, args: vec![Operand::Const(2), Operand::Const(9)], ret: Some(c) });
            f.op(Op::AtomicStore {
                place: crate::program::Place::at(out2),
                src: Operand::Local(c),
                ordering: crate::program::Ordering::Relaxed,
            });
            f.op(Op::Call { func: count, args: vec![Operand::Const(3)], ret: Some(d) });
            f.op(Op::AtomicStore {
                place: crate::program::Place::at(out3),
                src: Operand::Local(d),
                ordering: crate::program::Ordering::Relaxed,
            });
            f.ret();
        });
        b.thread("main", 0, &[(main, 1)]);
        let mut p = b.build();
        // `count` calls itself: patch the placeholder.
        for i in &mut p.functions[count.0 as usize].body {
            if let Op::Call { func, .. } = &mut i.op {
                *func = count;
            }
        }
        p
    }

    /// A placeholder for a call of the function being built, patched after.
    const SELF: crate::program::FuncId = crate::program::FuncId(u32::MAX);

    fn run(p: Program) -> Vec<u64> {
        let mut s = Session::new(p, Schedule::default(), Bounds::default()).expect("valid");
        while s.step() {}
        s.machine().memory().to_vec()
    }

    #[test]
    fn inlining_computes_what_the_calls_computed() {
        let called = program();
        let mut inlined = called.clone();
        let kept = inlined.inline_calls();
        inlined.validate().expect("the inlined program is valid");
        let main = inlined.functions.iter().find(|f| f.name == "main").expect("main");
        let calls: Vec<&Op> = main.body.iter().map(|i| &i.op).filter(|op| matches!(op, Op::Call { .. })).collect();
        assert_eq!(calls.len(), 1, "only the recursive call stays: {calls:?}");
        assert_eq!(kept.len(), 2, "count's own call and main's call of it: {kept:?}");
        assert!(kept.iter().all(|k| k.recursive && k.callee == "count"), "{kept:?}");
        assert_eq!(run(called.clone()), vec![6, 9, 3], "clamp(3), clamp(2) + clamp(9), count(3)");
        assert_eq!(run(inlined), run(called));
    }
}
