//! Interior mutability: `critical_section::Mutex` (`borrow(cs)`,
//! `borrow_ref_mut(cs)`), `RefCell` (a borrow flag checked at run time) and
//! `Cell` (`get`, `set`, `replace`, `take`).

use irqlab_sim::{Op, Operand, Span};

use super::methods::MethodArgs;
use super::{FnBuilder, MemPlace, Perm, Place, R, Val};
use crate::errors;
use crate::types::LTy;

impl FnBuilder<'_, '_> {
    pub(super) fn cs_arg(&mut self, args: &[&syn::Expr], method: &str, span: &Span) -> R<()> {
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

    pub(super) fn mutex_method(&mut self, p: &MemPlace, inner: &LTy, call: &MethodArgs) -> R<Val> {
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
                    return Err(self.no_method(method, &p.ty, p.borrowed, ms));
                };
                let mutable = method == "borrow_ref_mut";
                let target = p.with(1, (**t).clone(), p.path.clone());
                let g = self.new_guard(p.sim_place(), mutable, target, span);
                Ok(Val::Guard(g))
            }
            _ => Err(self.no_method(method, &p.ty, p.borrowed, ms)),
        }
    }

    pub(super) fn refcell_method(&mut self, p: &MemPlace, inner: &LTy, call: &MethodArgs) -> R<Val> {
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
            _ => Err(self.no_method(method, &p.ty, p.borrowed, ms)),
        }
    }

    pub(super) fn cell_method(&mut self, p: &MemPlace, inner: &LTy, call: &MethodArgs) -> R<Val> {
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
            _ => Err(self.no_method(method, &p.ty, p.borrowed, ms)),
        }
    }

    /// The value `replace(v)` puts in, or the default `take()` leaves.
    pub(super) fn new_value(&mut self, inner: &LTy, method: &str, args: &[&syn::Expr], span: &Span) -> R<Vec<Operand>> {
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
}
