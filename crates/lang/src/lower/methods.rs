//! Method calls: atomics (every `Ordering`), `Mutex`/`RefCell`/`Cell`,
//! `Option` and `Result`, integer methods, raw pointers.
//!
//! A method on a `static mut` that takes `&self`/`&mut self` creates a
//! reference to it: the edition 2024 `static_mut_refs` error.

use irqlab_sim::{BinOp, CheckKind, Op, Operand, Ordering, RmwOp, Span, Ty, UnOp};

use super::{FnBuilder, MemPlace, Perm, Place, R, Val};
use crate::diagnostic::Diagnostic;
use crate::errors;
use crate::lower::calls::Section;
use crate::types::{LTy, atomic_name};

/// A method call being lowered: its name, arguments, the whole call's
/// span and the method name's span.
#[derive(Clone, Copy)]
struct MethodArgs<'m> {
    method: &'m str,
    args: &'m [&'m syn::Expr],
    span: &'m Span,
    ms: &'m Span,
}

const UNWRAP_NONE: &str = "called `Option::unwrap()` on a `None` value";

impl FnBuilder<'_, '_> {
    pub fn method_call(&mut self, m: &syn::ExprMethodCall, span: &Span) -> R<Val> {
        let method = m.method.to_string();
        let ms = self.span_of(&m.method);
        let args: Vec<&syn::Expr> = m.args.iter().collect();
        // `x.as_mut().unwrap()`: the payload of an Option, as a place.
        if matches!(method.as_str(), "unwrap" | "expect")
            && let syn::Expr::MethodCall(inner) = super::expr::strip(&m.receiver)
            && (inner.method == "as_mut" || inner.method == "as_ref")
            && inner.args.is_empty()
        {
            let rs = self.span_of(&inner.receiver);
            let recv = self.expr(&inner.receiver, None)?;
            let place = self.as_place(recv, &rs)?;
            let Place::Mem(p) = place else {
                return Err(self.err(errors::unsupported("`as_mut()` on a local variable", rs)));
            };
            self.autoref_check(&p, &inner.method.to_string(), span)?;
            let LTy::Option(inner_ty) = p.ty.clone() else {
                let ts = self.span_of(&inner.method);
                return Err(self.err(errors::no_method(&inner.method.to_string(), &p.ty.name(&self.cx.structs), ts)));
            };
            let tag = self.temp(Ty::Bool);
            self.emit(Op::Load { dst: tag, place: p.sim_place(), access: irqlab_sim::Access::Plain }, span);
            let message = self.unwrap_message(&method, &args);
            let static_name = self.cx.statics[p.static_idx].name.clone();
            self.emit(
                Op::Check { cond: Operand::Local(tag), kind: CheckKind::UnwrapNone { static_name }, message },
                span,
            );
            let path = format!("{}.0", p.path);
            return Ok(Val::Place(Place::Mem(p.with(1, *inner_ty, path))));
        }
        let rs = self.span_of(&m.receiver);
        let recv = self.expr(&m.receiver, None)?;
        let call = MethodArgs { method: &method, args: &args, span, ms: &ms };
        self.method_on(recv, &call, &rs)
    }

    fn method_on(&mut self, recv: Val, call: &MethodArgs, rs: &Span) -> R<Val> {
        let MethodArgs { method, span, ms, .. } = *call;
        match recv {
            Val::Guard(g) => {
                let place = self.deref(Val::Guard(g), rs)?;
                self.method_on(Val::Place(place), call, rs)
            }
            Val::Place(Place::Mem(p)) => {
                if p.ty.is_copy(&self.cx.structs) && p.ty.scalar().is_some() {
                    // Integer methods take `self` by value: a copy, no reference.
                    let (ops, ty) = self.load(&p, rs)?;
                    return self.value_method(ops, ty, call);
                }
                self.autoref_check(&p, method, span)?;
                match p.ty.clone() {
                    LTy::Atomic { ty, portable } => self.atomic_method(&p, ty, portable, call),
                    LTy::Mutex(inner) => self.mutex_method(&p, &inner, call),
                    LTy::RefCell(inner) => self.refcell_method(&p, &inner, call),
                    LTy::Cell(inner) => self.cell_method(&p, &inner, call),
                    LTy::Option(inner) => self.option_place_method(&p, &inner, call),
                    _ => {
                        let (ops, ty) = self.load(&p, rs)?;
                        self.value_method(ops, ty, call)
                    }
                }
            }
            Val::Place(Place::Local(lp)) => {
                if method == "take" && matches!(lp.ty, LTy::Option(_)) {
                    if !lp.mutable {
                        return Err(self.err(
                            Diagnostic::error(
                                format!("cannot borrow `{}` as mutable, as it is not declared as mutable", lp.name),
                                rs.clone(),
                            )
                            .code("E0596")
                            .label("cannot borrow as mutable"),
                        ));
                    }
                    // Copy out, then mark the variable None.
                    let mut copies = Vec::new();
                    for (l, leaf) in lp.slots.iter().zip(self.leaves_of(&lp.ty)) {
                        let c = self.temp(leaf.ty());
                        self.emit(Op::Move { dst: c, src: Operand::Local(*l) }, span);
                        copies.push(Operand::Local(c));
                    }
                    self.emit(Op::Move { dst: lp.slots[0], src: Operand::Const(0) }, span);
                    return Ok(Val::Value(copies, lp.ty.clone()));
                }
                let ops = lp.slots.iter().map(|l| Operand::Local(*l)).collect();
                self.value_method(ops, lp.ty.clone(), call)
            }
            Val::Value(ops, ty) => self.value_method(ops, ty, call),
            Val::RawPtr(p, mutable) => self.pointer_method(p, mutable, call),
            _ => Err(self.err(errors::no_method(method, "this value", ms.clone()))),
        }
    }

    /// A method through auto-ref on a `static mut` creates a reference to it.
    fn autoref_check(&mut self, p: &MemPlace, method: &str, span: &Span) -> R<()> {
        if p.perm == Perm::StaticMut {
            let mutable = matches!(
                method,
                "take"
                    | "replace"
                    | "as_mut"
                    | "insert"
                    | "get_or_insert"
                    | "fill"
                    | "swap"
                    | "set"
                    | "iter_mut"
                    | "borrow_mut"
                    | "copy_from_slice"
                    | "push"
                    | "get_mut"
                    | "store"
                    | "fetch_add"
                    | "fetch_sub"
            );
            return Err(self.err(errors::method_on_static_mut(mutable, span.clone())));
        }
        Ok(())
    }

    fn unwrap_message(&self, method: &str, args: &[&syn::Expr]) -> String {
        if method == "expect"
            && let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) =
                args.first().map(|e| super::expr::strip(e))
        {
            return s.value();
        }
        UNWRAP_NONE.to_string()
    }

    fn argc(&mut self, args: &[&syn::Expr], n: usize, method: &str, span: &Span) -> R<()> {
        if args.len() != n {
            return Err(self.err(
                Diagnostic::error(
                    format!(
                        "this method takes {n} argument{} but {} {} supplied",
                        if n == 1 { "" } else { "s" },
                        args.len(),
                        if args.len() == 1 { "argument was" } else { "arguments were" }
                    ),
                    span.clone(),
                )
                .code("E0061")
                .note(format!("method `{method}`")),
            ));
        }
        Ok(())
    }

    fn atomic_method(&mut self, p: &MemPlace, ty: Ty, portable: bool, call: &MethodArgs) -> R<Val> {
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
                self.argc(args, 2, method, span)?;
                let src = self.scalar_of(args[0], ty)?;
                let ordering = self.ordering_arg(args[1])?;
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
            _ => Err(self.err(errors::no_method(method, atomic_name(ty), ms.clone()))),
        }
    }

    /// `fetch_update(set, fetch, |x| ..)`: load, compute, and
    /// `compare_exchange_weak`, again until no other context wrote in
    /// between; `None` from the closure stops with `Err(current)`.
    fn fetch_update(&mut self, p: &MemPlace, ty: Ty, args: &[&syn::Expr], span: &Span) -> R<Val> {
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
        let body = self.closure_body(&cl.body, binds, end);
        self.place_label(end);
        let (ops, rty) = body?;
        let want = LTy::Option(Box::new(LTy::Scalar(ty)));
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

    fn check_load_ordering(&mut self, o: Ordering, span: &Span) -> R<()> {
        if matches!(o, Ordering::Release | Ordering::AcqRel) {
            return Err(self.err(
                Diagnostic::error("atomic loads cannot have `Release` or `AcqRel` ordering", span.clone())
                    .help("consider using ordering modes `Acquire`, `SeqCst` or `Relaxed`"),
            ));
        }
        Ok(())
    }

    fn check_store_ordering(&mut self, o: Ordering, span: &Span) -> R<()> {
        if matches!(o, Ordering::Acquire | Ordering::AcqRel) {
            return Err(self.err(
                Diagnostic::error("atomic stores cannot have `Acquire` or `AcqRel` ordering", span.clone())
                    .help("consider using ordering modes `Release`, `SeqCst` or `Relaxed`"),
            ));
        }
        Ok(())
    }

    fn check_failure_ordering(&mut self, method: &str, o: Ordering, span: &Span) -> R<()> {
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
    fn emulated_atomic(&mut self, p: &MemPlace, ty: Ty, rmw: Option<RmwOp>, call: &MethodArgs) -> R<Val> {
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
                self.argc(args, 2, method, span)?;
                let src = self.scalar_of(args[0], ty)?;
                self.ordering_arg(args[1])?;
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
            _ => Err(self.err(errors::no_method(method, atomic_name(ty), ms.clone()))),
        }
    }

    fn cs_arg(&mut self, args: &[&syn::Expr], method: &str, span: &Span) -> R<()> {
        self.argc(args, 1, method, span)?;
        let s = self.span_of(args[0]);
        let v = self.expr(args[0], None)?;
        match v {
            Val::Cs => Ok(()),
            Val::Place(_) | Val::Value(..) => Err(self.err(
                errors::mismatched("&CriticalSection<'_>", "another value", s)
                    .note("a `Mutex` is borrowed with the token of a critical section: `critical_section::with(|cs| X.borrow(cs))`"),
            )),
            _ => Err(self.err(errors::mismatched("&CriticalSection<'_>", "another value", s))),
        }
    }

    fn mutex_method(&mut self, p: &MemPlace, inner: &LTy, call: &MethodArgs) -> R<Val> {
        let MethodArgs { method, args, span, ms } = *call;
        match method {
            "borrow" => {
                self.cs_arg(args, method, span)?;
                let mut q = p.with(0, inner.clone(), p.path.clone());
                q.perm = Perm::Shared;
                Ok(Val::Place(Place::Mem(q)))
            }
            "borrow_ref_mut" | "borrow_ref" => {
                self.cs_arg(args, method, span)?;
                let LTy::RefCell(t) = inner else {
                    return Err(self.err(errors::no_method(method, &p.ty.name(&self.cx.structs), ms.clone())));
                };
                let mutable = method == "borrow_ref_mut";
                let target = p.with(1, (**t).clone(), p.path.clone());
                let g = self.new_guard(p.sim_place(), mutable, target, span);
                Ok(Val::Guard(g))
            }
            _ => Err(self.err(errors::no_method(method, &p.ty.name(&self.cx.structs), ms.clone()))),
        }
    }

    fn refcell_method(&mut self, p: &MemPlace, inner: &LTy, call: &MethodArgs) -> R<Val> {
        let MethodArgs { method, args, span, ms } = *call;
        let flag = p.sim_place();
        let target = p.with(1, inner.clone(), p.path.clone());
        match method {
            "borrow" | "borrow_mut" => {
                self.argc(args, 0, method, span)?;
                let g = self.new_guard(flag, method == "borrow_mut", target, span);
                Ok(Val::Guard(g))
            }
            "replace" | "take" => {
                let new = self.new_value(inner, method, args, span)?;
                self.emit(Op::BorrowRefCell { flag, mutable: true }, span);
                let (old, ty) = self.load(&target, span)?;
                self.store(&target, &new, span);
                self.emit(Op::ReleaseRefCell { flag, mutable: true }, span);
                Ok(Val::Value(old, ty))
            }
            _ => Err(self.err(errors::no_method(method, &p.ty.name(&self.cx.structs), ms.clone()))),
        }
    }

    fn cell_method(&mut self, p: &MemPlace, inner: &LTy, call: &MethodArgs) -> R<Val> {
        let MethodArgs { method, args, span, ms } = *call;
        let target = p.with(0, inner.clone(), p.path.clone());
        match method {
            "get" => {
                self.argc(args, 0, method, span)?;
                let (ops, ty) = self.load(&target, span)?;
                Ok(Val::Value(ops, ty))
            }
            "set" => {
                self.argc(args, 1, method, span)?;
                let ops = self.typed(args[0], inner)?;
                self.store(&target, &ops, span);
                Ok(Val::unit())
            }
            "replace" | "take" => {
                let new = self.new_value(inner, method, args, span)?;
                let (old, ty) = self.load(&target, span)?;
                self.store(&target, &new, span);
                Ok(Val::Value(old, ty))
            }
            _ => Err(self.err(errors::no_method(method, &p.ty.name(&self.cx.structs), ms.clone()))),
        }
    }

    /// The value `replace(v)` puts in, or the default `take()` leaves.
    fn new_value(&mut self, inner: &LTy, method: &str, args: &[&syn::Expr], span: &Span) -> R<Vec<Operand>> {
        if method == "replace" {
            self.argc(args, 1, method, span)?;
            let ops = self.typed(args[0], inner)?;
            return Ok(ops);
        }
        self.argc(args, 0, method, span)?;
        match inner {
            // `Default`: None, 0, false.
            LTy::Option(_) | LTy::Scalar(_) => Ok(vec![Operand::Const(0); inner.slots(&self.cx.structs) as usize]),
            _ => {
                Err(self
                    .err(errors::unsupported(&format!("`take()` of `{}`", inner.name(&self.cx.structs)), span.clone())))
            }
        }
    }

    fn option_place_method(&mut self, p: &MemPlace, inner: &LTy, call: &MethodArgs) -> R<Val> {
        let MethodArgs { method, args, span, .. } = *call;
        let tag_place = p.sim_place();
        match method {
            "is_some" | "is_none" => {
                self.argc(args, 0, method, span)?;
                let tag = self.temp(Ty::Bool);
                self.emit(Op::Load { dst: tag, place: tag_place, access: irqlab_sim::Access::Plain }, span);
                if method == "is_some" {
                    return Ok(Val::Value(vec![Operand::Local(tag)], LTy::Scalar(Ty::Bool)));
                }
                let dst = self.temp(Ty::Bool);
                self.emit(Op::Unary { op: UnOp::Not, ty: Ty::Bool, dst, src: Operand::Local(tag) }, span);
                Ok(Val::Value(vec![Operand::Local(dst)], LTy::Scalar(Ty::Bool)))
            }
            "take" | "replace" => {
                self.check_writable(&Place::Mem(p.clone()), span)?;
                let new = if method == "take" {
                    self.argc(args, 0, method, span)?;
                    vec![Operand::Const(0)]
                } else {
                    self.argc(args, 1, method, span)?;
                    let ops = self.typed(args[0], inner)?;
                    let mut all = vec![Operand::Const(1)];
                    all.extend(ops);
                    all
                };
                let (old, ty) = self.load(p, span)?;
                self.store(p, &new, span);
                Ok(Val::Value(old, ty))
            }
            "unwrap" | "expect" => {
                let message = self.unwrap_message(method, args);
                let tag = self.temp(Ty::Bool);
                self.emit(Op::Load { dst: tag, place: tag_place, access: irqlab_sim::Access::Plain }, span);
                let static_name = self.cx.statics[p.static_idx].name.clone();
                self.emit(
                    Op::Check { cond: Operand::Local(tag), kind: CheckKind::UnwrapNone { static_name }, message },
                    span,
                );
                let payload = p.with(1, inner.clone(), format!("{}.0", p.path));
                let (ops, ty) = self.load(&payload, span)?;
                Ok(Val::Value(ops, ty))
            }
            _ => {
                let (ops, ty) = self.load(p, span)?;
                self.value_method(ops, ty, call)
            }
        }
    }

    fn value_method(&mut self, ops: Vec<Operand>, ty: LTy, call: &MethodArgs) -> R<Val> {
        let MethodArgs { method, args, span, ms } = *call;
        match (&ty, method) {
            (LTy::Scalar(t), "wrapping_add" | "wrapping_sub" | "wrapping_mul") if *t != Ty::Bool => {
                self.argc(args, 1, method, span)?;
                let rhs = self.scalar_of(args[0], *t)?;
                let op = match method {
                    "wrapping_add" => BinOp::Add,
                    "wrapping_sub" => BinOp::Sub,
                    _ => BinOp::Mul,
                };
                self.binary_op(op, ops[0], *t, rhs, *t, span)
            }
            (LTy::Option(_) | LTy::Result(_), "is_some" | "is_ok") => {
                self.argc(args, 0, method, span)?;
                Ok(Val::Value(vec![ops[0]], LTy::Scalar(Ty::Bool)))
            }
            (LTy::Option(_) | LTy::Result(_), "is_none" | "is_err") => {
                self.argc(args, 0, method, span)?;
                let dst = self.temp(Ty::Bool);
                self.emit(Op::Unary { op: UnOp::Not, ty: Ty::Bool, dst, src: ops[0] }, span);
                Ok(Val::Value(vec![Operand::Local(dst)], LTy::Scalar(Ty::Bool)))
            }
            (LTy::Option(inner), "unwrap" | "expect") => {
                let message = self.unwrap_message(method, args);
                self.emit(Op::Check { cond: ops[0], kind: CheckKind::Assert, message }, span);
                Ok(Val::Value(ops[1..].to_vec(), (**inner).clone()))
            }
            (LTy::Result(inner), "unwrap" | "expect") => {
                let message = if method == "expect" {
                    self.unwrap_message(method, args)
                } else {
                    "called `Result::unwrap()` on an `Err` value".to_string()
                };
                self.emit(Op::Check { cond: ops[0], kind: CheckKind::Assert, message }, span);
                Ok(Val::Value(ops[1..].to_vec(), (**inner).clone()))
            }
            (LTy::Option(inner), "unwrap_or") => {
                self.argc(args, 1, method, span)?;
                let s = self.span_of(args[0]);
                let v = self.expr(args[0], Some(inner))?;
                let (default, dty) = self.rvalue(v, &s)?;
                if dty != **inner {
                    return Err(self.err(errors::mismatched(
                        &inner.name(&self.cx.structs),
                        &dty.name(&self.cx.structs),
                        s,
                    )));
                }
                let mut result = Vec::new();
                for (d, leaf) in default.iter().zip(self.leaves_of(inner)) {
                    let r = self.local("_result", leaf.ty());
                    self.emit(Op::Move { dst: r, src: *d }, span);
                    result.push(r);
                }
                let some = self.new_label();
                let done = self.new_label();
                self.branch(ops[0], some, done, span);
                self.place_label(some);
                for (r, v) in result.iter().zip(&ops[1..]) {
                    self.emit(Op::Move { dst: *r, src: *v }, span);
                }
                self.place_label(done);
                Ok(Val::Value(result.into_iter().map(Operand::Local).collect(), (**inner).clone()))
            }
            _ => Err(self.err(errors::no_method(method, &ty.name(&self.cx.structs), ms.clone()))),
        }
    }

    fn pointer_method(&mut self, mut p: MemPlace, mutable: bool, call: &MethodArgs) -> R<Val> {
        let MethodArgs { method, args, span, ms } = *call;
        match method {
            "read_volatile" | "read" => {
                if !self.in_unsafe() {
                    self.cx.error(errors::unsafe_call(
                        &format!("core::ptr::const_ptr::<impl *const T>::{method}"),
                        span.clone(),
                    ));
                }
                p.volatile = method == "read_volatile";
                let (ops, ty) = self.load(&p, span)?;
                Ok(Val::Value(ops, ty))
            }
            "write_volatile" | "write" if mutable => {
                if !self.in_unsafe() {
                    self.cx.error(errors::unsafe_call(
                        &format!("core::ptr::mut_ptr::<impl *mut T>::{method}"),
                        span.clone(),
                    ));
                }
                self.argc(args, 1, method, span)?;
                p.volatile = method == "write_volatile";
                let ops = self.typed(args[0], &p.ty)?;
                self.store(&p, &ops, span);
                Ok(Val::unit())
            }
            _ => {
                let kind = if mutable { "*mut" } else { "*const" };
                Err(self.err(errors::no_method(method, &format!("{kind} {}", p.ty.name(&self.cx.structs)), ms.clone())))
            }
        }
    }
}
