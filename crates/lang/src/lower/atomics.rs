//! Atomics: `load`, `store`, `swap`, `fetch_*`, `compare_exchange(_weak)`
//! and `fetch_update`, each with its `Ordering` (checked like rustc's
//! `invalid_atomic_ordering` lint). On a target without LDREX/STREX
//! (thumbv6m) core atomics have no read-modify-write (E0599), and
//! portable-atomic runs the operation inside a critical section.

use irqlab_sim::{BinOp, Op, Operand, Ordering, RmwOp, Span, Ty};

use super::methods::MethodArgs;
use super::{FnBuilder, MemPlace, R, Val};
use crate::diagnostic::Diagnostic;
use crate::errors;
use crate::lower::calls::Section;
use crate::types::{LTy, atomic_name};

impl FnBuilder<'_, '_> {
    pub(super) fn atomic_method(&mut self, p: &MemPlace, ty: Ty, portable: bool, call: &MethodArgs) -> R<Val> {
        let MethodArgs { method, args, span, ms } = *call;
        let rmw = match method {
            "fetch_add" => Some(RmwOp::Add),
            "fetch_sub" => Some(RmwOp::Sub),
            "fetch_and" => Some(RmwOp::And),
            "fetch_or" => Some(RmwOp::Or),
            "fetch_xor" => Some(RmwOp::Xor),
            "fetch_max" if ty != Ty::Bool => Some(RmwOp::Max),
            "fetch_min" if ty != Ty::Bool => Some(RmwOp::Min),
            "swap" => Some(RmwOp::Swap),
            // `fetch_not` (core's `AtomicBool` since Rust 1.81, every
            // portable-atomic type) is `fetch_xor` with all bits set.
            "fetch_not" if ty == Ty::Bool || portable => Some(RmwOp::Xor),
            _ => None,
        };
        let is_rmw = rmw.is_some() || matches!(method, "compare_exchange" | "compare_exchange_weak" | "fetch_update");
        let emulate = is_rmw && !self.cx.setup.target.has_atomic_rmw();
        if emulate && !portable {
            return Err(self.err(errors::no_atomic_method(
                method,
                atomic_name(ty),
                ms.clone(),
                &self.cx.setup.target_triple,
            )));
        }
        if method == "fetch_update" && (emulate || ty.is_wide()) {
            return Err(self.err(errors::unsupported(
                "`fetch_update` of portable-atomic without hardware compare-and-swap",
                span.clone(),
            )));
        }
        if method == "fetch_update" {
            return self.fetch_update(p, ty, args, span);
        }
        if ty.is_wide() {
            // portable-atomic's 64-bit atomics take a critical section on
            // every Cortex-M: the plain 64-bit access inside it cannot tear.
            return self.emulated_atomic(p, ty, rmw, call);
        }
        if emulate {
            return self.emulated_atomic(p, ty, rmw, call);
        }
        let place = p.sim_place();
        let value = |v: Operand| Val::Value(vec![v], LTy::Scalar(ty));
        match (method, rmw) {
            ("load", _) => {
                self.argc(args, 1, method, span)?;
                let ordering = self.ordering_arg(args[0])?;
                self.check_load_ordering(ordering, span)?;
                let dst = self.temp(ty);
                self.emit(Op::AtomicLoad { dst, place, ordering }, span);
                Ok(value(Operand::Local(dst)))
            }
            ("store", _) => {
                self.argc(args, 2, method, span)?;
                let src = self.scalar_of(args[0], ty)?;
                let ordering = self.ordering_arg(args[1])?;
                self.check_store_ordering(ordering, span)?;
                self.emit(Op::AtomicStore { place, src, ordering }, span);
                Ok(Val::unit())
            }
            (_, Some(op)) => {
                let (src, ordering) = self.rmw_args(ty, call)?;
                let dst = self.temp(ty);
                self.emit(Op::AtomicRmw { op, dst, place, src, ordering }, span);
                Ok(value(Operand::Local(dst)))
            }
            ("compare_exchange" | "compare_exchange_weak", _) => {
                self.argc(args, 4, method, span)?;
                let current = self.scalar_of(args[0], ty)?;
                let new = self.scalar_of(args[1], ty)?;
                let success = self.ordering_arg(args[2])?;
                let failure = self.ordering_arg(args[3])?;
                self.check_failure_ordering(method, failure, span)?;
                let dst_prev = self.temp(ty);
                let dst_ok = self.temp(Ty::Bool);
                self.emit(
                    Op::CompareExchange {
                        dst_prev,
                        dst_ok,
                        place,
                        current,
                        new,
                        success,
                        failure,
                        weak: method.ends_with("weak"),
                    },
                    span,
                );
                Ok(Val::Value(
                    vec![Operand::Local(dst_ok), Operand::Local(dst_prev)],
                    LTy::Result(Box::new(LTy::Scalar(ty))),
                ))
            }
            _ => Err(self.no_method(method, &p.ty, p.borrowed, ms)),
        }
    }

    /// The operand and the ordering of a read-modify-write: `(value,
    /// ordering)`, or for `fetch_not` only the ordering (all bits set).
    fn rmw_args(&mut self, ty: Ty, call: &MethodArgs) -> R<(Operand, Ordering)> {
        let MethodArgs { method, args, span, .. } = *call;
        if method == "fetch_not" {
            self.argc(args, 1, method, span)?;
            let ordering = self.ordering_arg(args[0])?;
            return Ok((Operand::Const(ty.wrap(-1)), ordering));
        }
        self.argc(args, 2, method, span)?;
        let src = self.scalar_of(args[0], ty)?;
        let ordering = self.ordering_arg(args[1])?;
        Ok((src, ordering))
    }

    /// `fetch_update(set, fetch, |x| ..)`: load, compute, and
    /// `compare_exchange_weak`, again until no other context wrote in
    /// between; `None` from the closure stops with `Err(current)`.
    pub(super) fn fetch_update(&mut self, p: &MemPlace, ty: Ty, args: &[&syn::Expr], span: &Span) -> R<Val> {
        self.argc(args, 3, "fetch_update", span)?;
        let set = self.ordering_arg(args[0])?;
        let fetch = self.ordering_arg(args[1])?;
        self.check_load_ordering(fetch, span)?;
        self.check_failure_ordering("fetch_update", fetch, span)?;
        let syn::Expr::Closure(cl) = super::expr::strip(args[2]) else {
            let s = self.span_of(args[2]);
            return Err(self.err(errors::unsupported_with(
                "`fetch_update` without a closure",
                s,
                "write the update inline: `|x| Some(x + 1)`",
            )));
        };
        let prev = self.local("_prev", ty);
        let ok = self.local("_ok", Ty::Bool);
        let binds = match cl.inputs.first() {
            Some(syn::Pat::Ident(pi)) if cl.inputs.len() == 1 => {
                vec![(
                    pi.ident.to_string(),
                    super::Binding::Value { slots: vec![Operand::Local(prev)], ty: LTy::Scalar(ty) },
                )]
            }
            Some(syn::Pat::Wild(_)) if cl.inputs.len() == 1 => Vec::new(),
            _ => {
                let s = self.span_of(&cl.inputs);
                return Err(self.err(errors::unsupported("this closure parameter", s)));
            }
        };
        let place = p.sim_place();
        let top = self.new_label();
        self.place_label(top);
        self.emit(Op::AtomicLoad { dst: prev, place, ordering: fetch }, span);
        let end = self.new_label();
        let want = LTy::Option(Box::new(LTy::Scalar(ty)));
        let body = self.closure_body(&cl.body, binds, end, None, Some(&want));
        self.place_label(end);
        let (ops, rty) = body?;
        if rty != want {
            let s = self.span_of(&cl.body);
            return Err(self.err(errors::mismatched(&want.name(&self.cx.structs), &rty.name(&self.cx.structs), s)));
        }
        let (none, cas, done) = (self.new_label(), self.new_label(), self.new_label());
        self.branch(ops[0], cas, none, span);
        self.place_label(none);
        self.emit(Op::Move { dst: ok, src: Operand::Const(0) }, span);
        self.jump(done, span);
        self.place_label(cas);
        let seen = self.temp(ty);
        self.emit(
            Op::CompareExchange {
                dst_prev: seen,
                dst_ok: ok,
                place,
                current: Operand::Local(prev),
                new: ops[1],
                success: set,
                failure: fetch,
                weak: true,
            },
            span,
        );
        self.branch(Operand::Local(ok), done, top, span);
        self.place_label(done);
        Ok(Val::Value(vec![Operand::Local(ok), Operand::Local(prev)], LTy::Result(Box::new(LTy::Scalar(ty)))))
    }

    pub(super) fn check_load_ordering(&mut self, o: Ordering, span: &Span) -> R<()> {
        if matches!(o, Ordering::Release | Ordering::AcqRel) {
            return Err(self.err(
                Diagnostic::error("atomic loads cannot have `Release` or `AcqRel` ordering", span.clone())
                    .help("consider using ordering modes `Acquire`, `SeqCst` or `Relaxed`"),
            ));
        }
        Ok(())
    }

    pub(super) fn check_store_ordering(&mut self, o: Ordering, span: &Span) -> R<()> {
        if matches!(o, Ordering::Acquire | Ordering::AcqRel) {
            return Err(self.err(
                Diagnostic::error("atomic stores cannot have `Acquire` or `AcqRel` ordering", span.clone())
                    .help("consider using ordering modes `Release`, `SeqCst` or `Relaxed`"),
            ));
        }
        Ok(())
    }

    pub(super) fn check_failure_ordering(&mut self, method: &str, o: Ordering, span: &Span) -> R<()> {
        if matches!(o, Ordering::Release | Ordering::AcqRel) {
            return Err(self.err(
                Diagnostic::error(format!("`{method}`'s failure ordering may not be `Release` or `AcqRel`, since a failed `{method}` does not result in a write"), span.clone())
                    .help("consider using `Acquire` or `Relaxed` failure ordering instead"),
            ));
        }
        Ok(())
    }

    /// portable-atomic without hardware read-modify-write (thumbv6m, or any
    /// 64-bit atomic): the operation runs inside a critical section.
    pub(super) fn emulated_atomic(&mut self, p: &MemPlace, ty: Ty, rmw: Option<RmwOp>, call: &MethodArgs) -> R<Val> {
        let MethodArgs { method, args, span, ms } = *call;
        let place = p.sim_place();
        let plain = irqlab_sim::Access::Plain;
        let value = |v: Operand| Val::Value(vec![v], LTy::Scalar(ty));
        match (method, rmw) {
            ("load", _) => {
                self.argc(args, 1, method, span)?;
                let o = self.ordering_arg(args[0])?;
                self.check_load_ordering(o, span)?;
                let tokens = self.enter_section(Section::CriticalSection, span);
                let dst = self.temp(ty);
                self.emit(Op::Load { dst, place, access: plain }, span);
                self.leave_section(tokens, span);
                Ok(value(Operand::Local(dst)))
            }
            ("store", _) => {
                self.argc(args, 2, method, span)?;
                let src = self.scalar_of(args[0], ty)?;
                let o = self.ordering_arg(args[1])?;
                self.check_store_ordering(o, span)?;
                let tokens = self.enter_section(Section::CriticalSection, span);
                self.emit(Op::Store { place, src, access: plain }, span);
                self.leave_section(tokens, span);
                Ok(Val::unit())
            }
            (_, Some(op)) => {
                let (src, _) = self.rmw_args(ty, call)?;
                let tokens = self.enter_section(Section::CriticalSection, span);
                let old = self.temp(ty);
                self.emit(Op::Load { dst: old, place, access: plain }, span);
                let new = match op {
                    RmwOp::Swap => src,
                    RmwOp::Max | RmwOp::Min => {
                        let cmp = if op == RmwOp::Max { BinOp::Gt } else { BinOp::Lt };
                        let take = self.temp(Ty::Bool);
                        self.emit(Op::Binary { op: cmp, ty, dst: take, lhs: src, rhs: Operand::Local(old) }, span);
                        let result = self.temp(ty);
                        self.emit(Op::Move { dst: result, src: Operand::Local(old) }, span);
                        let set = self.new_label();
                        let done = self.new_label();
                        self.branch(Operand::Local(take), set, done, span);
                        self.place_label(set);
                        self.emit(Op::Move { dst: result, src }, span);
                        self.place_label(done);
                        Operand::Local(result)
                    }
                    _ => {
                        let bin = match op {
                            RmwOp::Add => BinOp::Add,
                            RmwOp::Sub => BinOp::Sub,
                            RmwOp::And => BinOp::And,
                            RmwOp::Or => BinOp::Or,
                            _ => BinOp::Xor,
                        };
                        let dst = self.temp(ty);
                        self.emit(Op::Binary { op: bin, ty, dst, lhs: Operand::Local(old), rhs: src }, span);
                        Operand::Local(dst)
                    }
                };
                self.emit(Op::Store { place, src: new, access: plain }, span);
                self.leave_section(tokens, span);
                Ok(value(Operand::Local(old)))
            }
            ("compare_exchange" | "compare_exchange_weak", _) => {
                self.argc(args, 4, method, span)?;
                let current = self.scalar_of(args[0], ty)?;
                let new = self.scalar_of(args[1], ty)?;
                self.ordering_arg(args[2])?;
                let failure = self.ordering_arg(args[3])?;
                self.check_failure_ordering(method, failure, span)?;
                let tokens = self.enter_section(Section::CriticalSection, span);
                let old = self.temp(ty);
                self.emit(Op::Load { dst: old, place, access: plain }, span);
                let ok = self.temp(Ty::Bool);
                self.emit(Op::Binary { op: BinOp::Eq, ty, dst: ok, lhs: Operand::Local(old), rhs: current }, span);
                let write = self.new_label();
                let done = self.new_label();
                self.branch(Operand::Local(ok), write, done, span);
                self.place_label(write);
                self.emit(Op::Store { place, src: new, access: plain }, span);
                self.place_label(done);
                self.leave_section(tokens, span);
                Ok(Val::Value(vec![Operand::Local(ok), Operand::Local(old)], LTy::Result(Box::new(LTy::Scalar(ty)))))
            }
            _ => Err(self.no_method(method, &p.ty, p.borrowed, ms)),
        }
    }
}
