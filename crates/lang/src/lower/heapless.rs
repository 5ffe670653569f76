//! heapless 0.8's single-producer single-consumer queue
//! (`heapless::spsc::{Queue, Producer, Consumer}`), lowered as the crate
//! implements it: heapless 0.8.0, src/spsc.rs, `inner_enqueue`,
//! `inner_dequeue`, `len`, `is_empty`, `is_full`, `split` (the same
//! algorithm in 0.9). Two `AtomicUsize` indices, `head` (the consumer's)
//! and `tail` (the producer's), and N slots, one of which always stays
//! empty: the capacity is N - 1. Each index has one writer, so the queue
//! needs no read-modify-write and no critical section; the slot is written
//! before the `Release` store of `tail` publishes it, and read before the
//! `Release` store of `head` frees it. The explorer checks exactly these
//! orderings.
//!
//! `split()` returns a `Producer` and a `Consumer` that point at the queue;
//! irqlab gives them no cells and resolves them to the crate's one static
//! `Queue<T, N>` of their type.

use irqlab_sim::{BinOp, Index, Op, Operand, Ordering, Span, Ty};

use super::methods::MethodArgs;
use super::{FnBuilder, MemPlace, Perm, R, Val};
use crate::errors;
use crate::types::LTy;

/// Offsets in a queue's cells.
const HEAD: u32 = 0;
const TAIL: u32 = 1;
const BUFFER: u32 = 2;

impl FnBuilder<'_, '_> {
    /// A method of the queue itself (through `&raw mut Q`).
    pub(super) fn spsc_queue_method(&mut self, q: &MemPlace, elem: &LTy, n: u32, call: &MethodArgs) -> R<Val> {
        let MethodArgs { method, args, span, .. } = *call;
        match method {
            "split" => {
                self.argc(args, 0, method, span)?;
                self.check_writable(&super::Place::Mem(q.clone()), span)?;
                Ok(Val::Value(Vec::new(), LTy::SpscPair(Box::new(elem.clone()), n)))
            }
            "enqueue" | "dequeue" | "len" | "is_empty" | "is_full" | "capacity" => {
                if matches!(method, "enqueue" | "dequeue") {
                    self.check_writable(&super::Place::Mem(q.clone()), span)?;
                }
                self.spsc_op(q, elem, n, call)
            }
            _ => Err(self.no_method(method, &q.ty.clone(), false, call.ms)),
        }
    }

    /// A method of a `Producer` or a `Consumer`.
    pub(super) fn spsc_end_method(&mut self, producer: bool, elem: &LTy, n: u32, call: &MethodArgs) -> R<Val> {
        let MethodArgs { method, span, ms, .. } = *call;
        let allowed = if producer {
            matches!(method, "enqueue" | "ready" | "len" | "is_empty" | "capacity")
        } else {
            matches!(method, "dequeue" | "ready" | "len" | "is_empty" | "capacity")
        };
        let ty = LTy::SpscEnd { producer, elem: Box::new(elem.clone()), n };
        if !allowed {
            return Err(self.no_method(method, &ty, false, ms));
        }
        let want = LTy::SpscQueue(Box::new(elem.clone()), n);
        let found: Vec<usize> = (0..self.cx.statics.len()).filter(|i| self.cx.statics[*i].ty == want).collect();
        let [i] = found[..] else {
            return Err(self.err(errors::unsupported_with(
                &format!("a `{}` here", ty.name(&self.cx.structs)),
                span.clone(),
                &format!(
                    "irqlab resolves a producer or consumer to the one `static mut` of type `{}`; this crate has {}",
                    want.name(&self.cx.structs),
                    found.len()
                ),
            )));
        };
        let s = self.cx.statics[i].clone();
        let q = MemPlace {
            base: s.first,
            index: None,
            ty: want,
            perm: Perm::RawMut,
            static_idx: i,
            path: s.name.clone(),
            volatile: false,
            borrowed: false,
        };
        if method == "ready" {
            self.argc(call.args, 0, method, span)?;
            let r = if producer { self.spsc_is_full(&q, n, span)? } else { self.spsc_is_empty(&q, span) };
            let dst = self.temp(Ty::Bool);
            self.emit(Op::Unary { op: irqlab_sim::UnOp::Not, ty: Ty::Bool, dst, src: r }, span);
            return Ok(Val::Value(vec![Operand::Local(dst)], LTy::Scalar(Ty::Bool)));
        }
        self.spsc_op(&q, elem, n, call)
    }

    fn index_load(&mut self, q: &MemPlace, which: u32, ordering: Ordering, span: &Span) -> Operand {
        let dst = self.temp(Ty::Usize);
        self.emit(Op::AtomicLoad { dst, place: q.at(which), ordering }, span);
        Operand::Local(dst)
    }

    /// `a op b` on `usize` indices.
    fn usize_op(&mut self, op: BinOp, a: Operand, b: Operand, span: &Span) -> R<Operand> {
        match self.binary_op(op, a, Ty::Usize, b, Ty::Usize, span)? {
            Val::Value(v, _) => Ok(v[0]),
            _ => Err(super::Stop),
        }
    }

    /// `(i + 1) % N`: heapless's `increment`.
    fn increment(&mut self, i: Operand, n: u32, span: &Span) -> R<Operand> {
        let next = self.usize_op(BinOp::Add, i, Operand::Const(1), span)?;
        self.usize_op(BinOp::Rem, next, Operand::Const(u64::from(n)), span)
    }

    /// The slot at `i` (a variable index into the queue's buffer).
    fn slot(q: &MemPlace, elem: &LTy, n: u32, i: Operand) -> MemPlace {
        let mut p = q.with(BUFFER, elem.clone(), format!("{}.buffer[_]", q.path));
        p.perm = Perm::RawMut;
        p.index = Some(Index { index: i, len: n, stride: 1 });
        p
    }

    /// `is_empty`: `head.load(Relaxed) == tail.load(Relaxed)`.
    fn spsc_is_empty(&mut self, q: &MemPlace, span: &Span) -> Operand {
        let h = self.index_load(q, HEAD, Ordering::Relaxed, span);
        let t = self.index_load(q, TAIL, Ordering::Relaxed, span);
        let dst = self.temp(Ty::Bool);
        self.emit(Op::Binary { op: BinOp::Eq, ty: Ty::Usize, dst, lhs: h, rhs: t }, span);
        Operand::Local(dst)
    }

    /// `is_full`: `increment(tail.load(Relaxed)) == head.load(Relaxed)`.
    fn spsc_is_full(&mut self, q: &MemPlace, n: u32, span: &Span) -> R<Operand> {
        let t = self.index_load(q, TAIL, Ordering::Relaxed, span);
        let next = self.increment(t, n, span)?;
        let h = self.index_load(q, HEAD, Ordering::Relaxed, span);
        let dst = self.temp(Ty::Bool);
        self.emit(Op::Binary { op: BinOp::Eq, ty: Ty::Usize, dst, lhs: next, rhs: h }, span);
        Ok(Operand::Local(dst))
    }

    fn spsc_op(&mut self, q: &MemPlace, elem: &LTy, n: u32, call: &MethodArgs) -> R<Val> {
        let MethodArgs { method, args, span, .. } = *call;
        let ety = elem.scalar().unwrap_or(Ty::U32);
        match method {
            "capacity" => {
                self.argc(args, 0, method, span)?;
                Ok(Val::Value(vec![Operand::Const(u64::from(n - 1))], LTy::Scalar(Ty::Usize)))
            }
            "is_empty" => {
                self.argc(args, 0, method, span)?;
                let r = self.spsc_is_empty(q, span);
                Ok(Val::Value(vec![r], LTy::Scalar(Ty::Bool)))
            }
            "is_full" => {
                self.argc(args, 0, method, span)?;
                let r = self.spsc_is_full(q, n, span)?;
                Ok(Val::Value(vec![r], LTy::Scalar(Ty::Bool)))
            }
            "len" => {
                // `tail.wrapping_sub(head).wrapping_add(N) % N`, both Relaxed;
                // with both below N, `(tail + N - head) % N` is the same.
                self.argc(args, 0, method, span)?;
                let h = self.index_load(q, HEAD, Ordering::Relaxed, span);
                let t = self.index_load(q, TAIL, Ordering::Relaxed, span);
                let a = self.usize_op(BinOp::Add, t, Operand::Const(u64::from(n)), span)?;
                let b = self.usize_op(BinOp::Sub, a, h, span)?;
                let len = self.usize_op(BinOp::Rem, b, Operand::Const(u64::from(n)), span)?;
                Ok(Val::Value(vec![len], LTy::Scalar(Ty::Usize)))
            }
            "enqueue" => {
                // inner_enqueue: tail Relaxed, head Acquire; write the slot,
                // then publish it with a Release store of tail.
                self.argc(args, 1, method, span)?;
                let v = self.scalar_of(args[0], ety)?;
                let tag = self.local("_enqueued", Ty::Bool);
                let item = self.local("_item", ety);
                self.emit(Op::Move { dst: item, src: v }, span);
                let t = self.index_load(q, TAIL, Ordering::Relaxed, span);
                let next = self.increment(t, n, span)?;
                let h = self.index_load(q, HEAD, Ordering::Acquire, span);
                let room = self.temp(Ty::Bool);
                self.emit(Op::Binary { op: BinOp::Ne, ty: Ty::Usize, dst: room, lhs: next, rhs: h }, span);
                let (ok, full, done) = (self.new_label(), self.new_label(), self.new_label());
                self.branch(Operand::Local(room), ok, full, span);
                self.place_label(ok);
                let slot = Self::slot(q, elem, n, t);
                self.store(&slot, &[Operand::Local(item)], span);
                self.emit(Op::AtomicStore { place: q.at(TAIL), src: next, ordering: Ordering::Release }, span);
                self.emit(Op::Move { dst: tag, src: Operand::Const(1) }, span);
                self.jump(done, span);
                self.place_label(full);
                // Full: `Err(item)`, the item handed back.
                self.emit(Op::Move { dst: tag, src: Operand::Const(0) }, span);
                self.place_label(done);
                Ok(Val::Value(vec![Operand::Local(tag), Operand::Local(item)], LTy::Result(Box::new(elem.clone()))))
            }
            "dequeue" => {
                // inner_dequeue: head Relaxed, tail Acquire; read the slot,
                // then free it with a Release store of head.
                self.argc(args, 0, method, span)?;
                let tag = self.local("_dequeued", Ty::Bool);
                let item = self.local("_item", ety);
                self.emit(Op::Move { dst: tag, src: Operand::Const(0) }, span);
                self.emit(Op::Move { dst: item, src: Operand::Const(0) }, span);
                let h = self.index_load(q, HEAD, Ordering::Relaxed, span);
                let t = self.index_load(q, TAIL, Ordering::Acquire, span);
                let some = self.temp(Ty::Bool);
                self.emit(Op::Binary { op: BinOp::Ne, ty: Ty::Usize, dst: some, lhs: h, rhs: t }, span);
                let (take, done) = (self.new_label(), self.new_label());
                self.branch(Operand::Local(some), take, done, span);
                self.place_label(take);
                let slot = Self::slot(q, elem, n, h);
                let (v, _) = self.load(&slot, span)?;
                self.emit(Op::Move { dst: item, src: v[0] }, span);
                let next = self.increment(h, n, span)?;
                self.emit(Op::AtomicStore { place: q.at(HEAD), src: next, ordering: Ordering::Release }, span);
                self.emit(Op::Move { dst: tag, src: Operand::Const(1) }, span);
                self.place_label(done);
                Ok(Val::Value(vec![Operand::Local(tag), Operand::Local(item)], LTy::Option(Box::new(elem.clone()))))
            }
            _ => Err(self.no_method(method, &q.ty.clone(), false, call.ms)),
        }
    }
}
