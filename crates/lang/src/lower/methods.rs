//! Method calls: atomics (every `Ordering`), `Mutex`/`RefCell`/`Cell`,
//! `Option` and `Result`, integer methods, raw pointers.
//!
//! A method on a `static mut` that takes `&self`/`&mut self` creates a
//! reference to it: the edition 2024 `static_mut_refs` error.

use irqlab_sim::{BinOp, CheckKind, Op, Operand, Span, Ty, UnOp};

use super::{FnBuilder, MemPlace, Perm, Place, R, Val};
use crate::diagnostic::Diagnostic;
use crate::errors;
use crate::types::LTy;

/// A method call being lowered: its name, arguments, the whole call's
/// span and the method name's span.
#[derive(Clone, Copy)]
pub(super) struct MethodArgs<'m> {
    pub(super) method: &'m str,
    pub(super) args: &'m [&'m syn::Expr],
    pub(super) span: &'m Span,
    pub(super) ms: &'m Span,
}

/// `x.as_mut().map(|u| body)` (or `as_ref`) is `match x.as_mut() {
/// Some(u) => Some(body), None => None }`, which `match` lowers with `u`
/// bound to the payload's place. The added tokens carry the span of `map`,
/// so a step of that match is shown on the `map` call.
pub(super) fn option_map_as_match(m: &syn::ExprMethodCall) -> Option<syn::Expr> {
    if m.method != "map" || m.args.len() != 1 {
        return None;
    }
    let syn::Expr::MethodCall(inner) = super::expr::strip(&m.receiver) else { return None };
    if !(inner.method == "as_mut" || inner.method == "as_ref") || !inner.args.is_empty() {
        return None;
    }
    let syn::Expr::Closure(c) = super::expr::strip(&m.args[0]) else { return None };
    let [param] = c.inputs.iter().collect::<Vec<_>>()[..] else { return None };
    // `|u: &mut Uart|`: the pattern without its type.
    let pat = match param {
        syn::Pat::Type(t) => &*t.pat,
        p => p,
    };
    let (scrutinee, body) = (&m.receiver, &c.body);
    let tokens = quote::quote_spanned! {m.method.span()=>
        match #scrutinee { Some(#pat) => Some(#body), None => None }
    };
    // Not every closure pattern is a valid pattern inside `Some(..)`:
    // those keep the method call, and its diagnostic.
    syn::parse2(tokens).ok()
}

/// Methods of integers and `bool` that take `&self` (a method through
/// auto-ref on a `static mut` creates a shared reference to it).
const BY_REFERENCE: &[&str] = &["clone", "eq", "ne", "lt", "le", "gt", "ge"];

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
                return Err(self.no_method(&inner.method.to_string(), &p.ty, p.borrowed, &ts));
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

    pub(super) fn method_on(&mut self, recv: Val, call: &MethodArgs, rs: &Span) -> R<Val> {
        let MethodArgs { method, span, ms, .. } = *call;
        if let Some(v) = self.struct_method(&recv, call, rs) {
            return v;
        }
        match recv {
            Val::Guard(g) => {
                let place = self.deref(Val::Guard(g), rs)?;
                self.method_on(Val::Place(place), call, rs)
            }
            Val::Place(Place::Mem(p)) => {
                if p.ty.is_copy(&self.cx.structs) && p.ty.scalar().is_some() {
                    if BY_REFERENCE.contains(&method) {
                        // `clone`, `eq`...: `&self`, a shared reference.
                        self.autoref_check(&p, method, span)?;
                    }
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
                    LTy::UnsafeCell(inner) => self.unsafe_cell_method(&p, &inner, call),
                    LTy::Option(inner) => self.option_place_method(&p, &inner, call),
                    LTy::SpscQueue(elem, n) => self.spsc_queue_method(&p, &elem, n, call),
                    LTy::SpscEnd { producer, elem, n } => self.spsc_end_method(producer, &elem, n, call),
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
                if let LTy::SpscEnd { producer, elem, n } = &lp.ty {
                    return self.spsc_end_method(*producer, elem, *n, call);
                }
                let ops = lp.slots.iter().map(|l| Operand::Local(*l)).collect();
                self.value_method(ops, lp.ty.clone(), call)
            }
            Val::Value(_, LTy::SpscEnd { producer, elem, n }) => self.spsc_end_method(producer, &elem, n, call),
            Val::Value(ops, ty) => self.value_method(ops, ty, call),
            Val::RawPtr(p, mutable) => self.pointer_method(p, mutable, call),
            _ => Err(self.err(errors::no_method(method, "this value", "this value", ms.clone()))),
        }
    }

    /// E0599 for `method` on a receiver of type `ty` (`reference`: through `&`).
    pub(super) fn no_method(&mut self, method: &str, ty: &LTy, reference: bool, span: &Span) -> super::Stop {
        let receiver = ty.e0599_receiver(&self.cx.structs, reference);
        let name = ty.name(&self.cx.structs);
        let shown = if reference { format!("&{name}") } else { name };
        self.err(errors::no_method(method, &receiver, &shown, span.clone()))
    }

    /// A method through auto-ref on a `static mut` creates a reference to it.
    pub(super) fn autoref_check(&mut self, p: &MemPlace, method: &str, span: &Span) -> R<()> {
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
                    // Slice methods taking `&mut self` (arrays auto-ref to them).
                    | "as_mut_slice"
                    | "as_mut_ptr"
                    | "reverse"
                    | "sort_unstable"
                    | "sort_unstable_by"
                    | "sort_unstable_by_key"
                    | "rotate_left"
                    | "rotate_right"
                    | "first_mut"
                    | "last_mut"
                    | "split_at_mut"
                    | "split_first_mut"
                    | "split_last_mut"
                    | "chunks_mut"
                    | "fill_with"
                    | "clone_from_slice"
                    | "swap_with_slice"
                    | "copy_within"
                    // heapless's `Queue::split`, `Producer::enqueue`, `Consumer::dequeue`.
                    | "split"
                    | "enqueue"
                    | "dequeue"
            );
            return Err(self.err(errors::method_on_static_mut(mutable, span.clone())));
        }
        Ok(())
    }

    pub(super) fn unwrap_message(&self, method: &str, args: &[&syn::Expr]) -> String {
        if method == "expect"
            && let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) =
                args.first().map(|e| super::expr::strip(e))
        {
            return s.value();
        }
        UNWRAP_NONE.to_string()
    }

    pub(super) fn argc(&mut self, args: &[&syn::Expr], n: usize, method: &str, span: &Span) -> R<()> {
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

    pub(super) fn option_place_method(&mut self, p: &MemPlace, inner: &LTy, call: &MethodArgs) -> R<Val> {
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
            "as_mut" | "as_ref" => Err(self.err(errors::unsupported_with(
                &format!("`{method}()` here"),
                call.ms.clone(),
                &format!(
                    "irqlab models `{method}()` of an `Option` in `if let Some(x) = ..`, `match`, `.unwrap()`, `.expect()` and `.map(|x| ..)`"
                ),
            ))),
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

    pub(super) fn value_method(&mut self, ops: Vec<Operand>, ty: LTy, call: &MethodArgs) -> R<Val> {
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
            (_, "clone") if ty.is_copy(&self.cx.structs) => {
                self.argc(args, 0, method, span)?;
                Ok(Val::Value(ops, ty))
            }
            (LTy::Scalar(t), "eq" | "ne" | "lt" | "le" | "gt" | "ge") => {
                // `x.eq(&0)`: `PartialEq::eq(&x, &0)`, the operand by reference.
                self.argc(args, 1, method, span)?;
                let other = match super::expr::strip(args[0]) {
                    syn::Expr::Reference(r) if r.mutability.is_none() => &*r.expr,
                    e => e,
                };
                let rhs = self.scalar_of(other, *t)?;
                let op = match method {
                    "eq" => BinOp::Eq,
                    "ne" => BinOp::Ne,
                    "lt" => BinOp::Lt,
                    "le" => BinOp::Le,
                    "gt" => BinOp::Gt,
                    _ => BinOp::Ge,
                };
                if matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge) && *t == Ty::Bool {
                    // `bool` is ordered (false < true): as unsigned bits.
                    return self.binary_op(op, ops[0], Ty::U8, rhs, Ty::U8, span);
                }
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
            _ => Err(self.no_method(method, &ty, false, ms)),
        }
    }

    pub(super) fn pointer_method(&mut self, mut p: MemPlace, mutable: bool, call: &MethodArgs) -> R<Val> {
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
                let pointer = format!("{kind} {}", p.ty.name(&self.cx.structs));
                Err(self.err(errors::no_method(method, &format!("raw pointer `{pointer}`"), &pointer, ms.clone())))
            }
        }
    }
}
