//! Functions the front end lowers into each caller: the methods and
//! associated functions of a lesson struct's `impl` block (`READING.get(cs)`,
//! `Reading::new()`), and functions that take or return several cells (a
//! tuple, a struct) or a `CriticalSection` token. The machine's calls pass
//! one scalar each way, so these are inlined here, as `Program::inline_calls`
//! inlines every other call (LLVM may): arguments are bound to the
//! parameters, `self` to the receiver's place, `return` leaves the body as
//! it leaves a closure's. Recursion through them is refused.

use irqlab_sim::{Op, Span};

use super::methods::MethodArgs;
use super::{Binding, FnBuilder, MemPlace, Perm, Place, R, Val};
use crate::diagnostic::Diagnostic;
use crate::errors;
use crate::types::LTy;

impl FnBuilder<'_, '_> {
    /// `Type::name(args)` or `Self::name(args)`, if `path` names one.
    pub(super) fn associated_call(&mut self, path: &syn::Path, args: &[&syn::Expr], span: &Span) -> Option<R<Val>> {
        let [ty, f] = [path.segments.first()?, path.segments.get(1)?];
        if path.segments.len() != 2 || path.leading_colon.is_some() {
            return None;
        }
        let ty_name = ty.ident.to_string();
        let si = match ty_name.as_str() {
            "Self" => self.cx.self_ty?,
            name => *self.cx.struct_index.get(name)?,
        };
        let struct_name = self.cx.structs[si].name.clone();
        let key = format!("{struct_name}::{}", f.ident);
        let Some(&i) = self.cx.inline_index.get(&key) else {
            let fs = self.span_of(&f.ident);
            return Some(Err(self.err(
                Diagnostic::error(
                    format!(
                        "no function or associated item named `{}` found for struct `{struct_name}` in the current scope",
                        f.ident
                    ),
                    fs,
                )
                .code("E0599")
                .label(format!("function or associated item not found in `{struct_name}`")),
            )));
        };
        if self.cx.inline_fns[i].receiver.is_some() {
            // `Type::method(&x)`: irqlab takes methods with `x.method()`.
            return Some(Err(self.err(errors::unsupported_with(
                "calling a method as an associated function",
                span.clone(),
                "call it on its receiver: `x.method(..)`",
            ))));
        }
        Some(self.inline_call(i, None, args, span))
    }

    /// `recv.method(args)` on a lesson struct, if its `impl` has one.
    pub(super) fn struct_method(&mut self, recv: &Val, call: &MethodArgs, rs: &Span) -> Option<R<Val>> {
        let ty = match recv {
            Val::Place(Place::Mem(m)) => &m.ty,
            Val::Place(Place::Local(l)) => &l.ty,
            Val::Value(_, ty) => ty,
            _ => return None,
        };
        let LTy::Struct(si) = ty else { return None };
        let key = format!("{}::{}", self.cx.structs[*si].name, call.method);
        let i = *self.cx.inline_index.get(&key)?;
        if self.cx.inline_fns[i].receiver.is_none() {
            let name = self.cx.structs[*si].name.clone();
            return Some(Err(self.err(
                Diagnostic::error(
                    format!("no method named `{}` found for struct `{name}` in the current scope", call.method),
                    call.ms.clone(),
                )
                .code("E0599")
                .label("this is an associated function, not a method")
                .note(format!("found the following associated functions; to be used as methods, functions must have a `self` parameter: `{key}`")),
            )));
        }
        Some(self.inline_call(i, Some((recv.clone(), rs.clone())), call.args, call.span))
    }

    /// Lowers the body of `inline_fns[i]` here, its parameters bound to
    /// `args` and `self` to `recv`.
    pub(super) fn inline_call(
        &mut self,
        i: usize,
        recv: Option<(Val, Span)>,
        args: &[&syn::Expr],
        span: &Span,
    ) -> R<Val> {
        let f = self.cx.inline_fns[i].clone();
        if self.inlining.contains(&i) {
            return Err(self.err(errors::unsupported_with(
                "recursion through this function",
                span.clone(),
                "irqlab lowers a method, or a function that takes or returns a tuple, a struct or a `CriticalSection`, into each caller",
            )));
        }
        if f.is_unsafe && !self.in_unsafe() {
            self.cx.error(errors::unsafe_call(&f.name, span.clone()));
        }
        if args.len() != f.params.len() {
            return Err(self.err(errors::argument_count(f.params.len(), args.len(), span.clone())));
        }
        let mut binds = Vec::new();
        if let (Some((recv, rs)), Some(mutable)) = (recv, f.receiver) {
            binds.push(("self".to_string(), self.receiver(recv, mutable, &rs)?));
        }
        for (a, (name, ty, mutable)) in args.iter().zip(&f.params) {
            let b = if *ty == LTy::CsToken {
                self.cs_arg(std::slice::from_ref(a), &f.name, span)?;
                Binding::Val(Val::Cs)
            } else {
                let ops = self.typed(a, ty)?;
                if *mutable {
                    let mut leaves = Vec::new();
                    ty.leaves(&self.cx.structs, name, &mut leaves);
                    let mut slots = Vec::new();
                    for (op, (lname, leaf)) in ops.iter().zip(&leaves) {
                        let l = self.local(lname, leaf.ty());
                        self.emit(Op::Move { dst: l, src: *op }, span);
                        self.mutable_locals.push(l);
                        slots.push(l);
                    }
                    Binding::Local(super::LocalPlace { name: name.clone(), slots, ty: ty.clone(), mutable: true })
                } else {
                    Binding::Value { slots: ops, ty: ty.clone() }
                }
            };
            binds.push((name.clone(), b));
        }
        let body = syn::Expr::Block(syn::ExprBlock { attrs: Vec::new(), label: None, block: (*f.item.block).clone() });
        let saved_unsafe = std::mem::replace(&mut self.unsafe_depth, u32::from(f.is_unsafe));
        let saved_self = std::mem::replace(&mut self.cx.self_ty, f.self_ty);
        self.inlining.push(i);
        let end = self.new_label();
        let result = self.closure_body(&body, binds, end, Some(f.ret.clone()), None);
        self.place_label(end);
        self.inlining.pop();
        self.cx.self_ty = saved_self;
        self.unsafe_depth = saved_unsafe;
        let (ops, ty) = result?;
        if ty.is_never() {
            return Ok(Val::Never);
        }
        if ty != f.ret {
            let close = self.close_of(&f.item.block);
            let tail = f.item.block.stmts.last().map_or(close, |s| self.span_of(s));
            return Err(self.err(errors::mismatched(&f.ret.name(&self.cx.structs), &ty.name(&self.cx.structs), tail)));
        }
        Ok(Val::Value(ops, ty))
    }

    /// What `self` is in a method: the receiver's place, through `&` or
    /// `&mut`.
    fn receiver(&mut self, recv: Val, mutable: bool, span: &Span) -> R<Binding> {
        match recv {
            Val::Place(Place::Mem(m)) => {
                self.autoref_check(&m, if mutable { "get_mut" } else { "get" }, span)?;
                if mutable && !matches!(m.perm, Perm::StaticMutElement | Perm::GuardMut | Perm::RawMut) {
                    let d = self.cannot_borrow_mut(&m, span);
                    return Err(self.err(d));
                }
                let mut m = MemPlace { borrowed: true, ..m };
                if !mutable {
                    m.perm = Perm::Shared;
                }
                Ok(Binding::Val(Val::Place(Place::Mem(m))))
            }
            Val::Place(Place::Local(mut l)) => {
                if mutable && !l.mutable {
                    return Err(self.err(
                        Diagnostic::error(
                            format!("cannot borrow `{}` as mutable, as it is not declared as mutable", l.name),
                            span.clone(),
                        )
                        .code("E0596")
                        .label("cannot borrow as mutable")
                        .advise(format!("declare it with `let mut {}`", l.name)),
                    ));
                }
                l.mutable = mutable;
                Ok(Binding::Local(l))
            }
            Val::Value(slots, ty) => Ok(Binding::Value { slots, ty }),
            _ => Err(self.err(errors::unsupported("this receiver", span.clone()))),
        }
    }

    /// E0596 for `&mut self` on a place the code may not borrow mutably.
    fn cannot_borrow_mut(&self, m: &MemPlace, span: &Span) -> Diagnostic {
        if m.perm == Perm::Static {
            let s = &self.cx.statics[m.static_idx];
            return Diagnostic::error(
                format!("cannot borrow immutable static item `{}` as mutable", s.name),
                span.clone(),
            )
            .code("E0596")
            .label("cannot borrow as mutable")
            .secondary(s.decl_span.clone(), "this `static` cannot be borrowed as mutable");
        }
        Diagnostic::error(
            format!("cannot borrow `{}` as mutable, as it is behind a `&` reference", m.path),
            span.clone(),
        )
        .code("E0596")
        .label("cannot borrow as mutable")
    }

    /// `UnsafeCell::get()` (a `*mut T` to its value: plain accesses through
    /// it, inside `unsafe`) and `get_mut()` is not modelled.
    pub(super) fn unsafe_cell_method(&mut self, p: &MemPlace, inner: &LTy, call: &MethodArgs) -> R<Val> {
        let MethodArgs { method, args, span, ms } = *call;
        match method {
            "get" => {
                self.argc(args, 0, method, span)?;
                let mut q = p.with(0, inner.clone(), p.path.clone());
                q.perm = Perm::RawMut;
                Ok(Val::RawPtr(q, true))
            }
            _ => Err(self.no_method(method, &p.ty, p.borrowed, ms)),
        }
    }
}
