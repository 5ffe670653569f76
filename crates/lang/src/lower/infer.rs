//! Integer literals without a suffix take the type of how their variable is
//! used later, as rustc infers it: in `for i in 0..3 { SUM += i }` the
//! counter is a `u32` because `SUM` is. Only the first telling use counts;
//! with none, the literal is an `i32` (rustc's default).

use irqlab_sim::Ty;
use syn::visit::{self, Visit};

use super::expr::{Resolved, strip};
use super::{Binding, FnBuilder, Val};
use crate::types::LTy;

impl FnBuilder<'_, '_> {
    /// The integer type variable `name` gets from its uses in `stmts`.
    pub fn infer_int(&self, name: &str, stmts: &[syn::Stmt]) -> Option<Ty> {
        let mut finder = Finder { name, builder: self, found: None };
        for s in stmts {
            finder.visit_stmt(s);
            if finder.found.is_some() {
                break;
            }
        }
        finder.found.filter(|t| *t != Ty::Bool)
    }

    /// The scalar type an expression obviously has, without lowering it.
    pub(super) fn hint(&self, e: &syn::Expr) -> Option<Ty> {
        match strip(e) {
            syn::Expr::Lit(l) => match &l.lit {
                syn::Lit::Int(i) => Ty::from_name(i.suffix()),
                syn::Lit::Byte(_) => Some(Ty::U8),
                _ => None,
            },
            syn::Expr::Cast(c) => match &*c.ty {
                syn::Type::Path(p) => p.path.get_ident().and_then(|i| Ty::from_name(&i.to_string())),
                _ => None,
            },
            syn::Expr::Unsafe(u) => match u.block.stmts.as_slice() {
                [syn::Stmt::Expr(e, None)] => self.hint(e),
                _ => None,
            },
            syn::Expr::Binary(b) => self.hint(&b.left).or_else(|| self.hint(&b.right)),
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => self.hint(&u.expr),
            syn::Expr::Path(_) | syn::Expr::Field(_) | syn::Expr::Index(_) => {
                self.place_hint(e).and_then(|t| t.scalar())
            }
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => match self.place_hint(&u.expr) {
                Some(LTy::Scalar(t)) => Some(t),
                _ => None,
            },
            syn::Expr::MethodCall(m) => match (self.place_hint(&m.receiver), m.method.to_string().as_str()) {
                (
                    Some(LTy::Atomic { ty, .. }),
                    "load" | "swap" | "fetch_add" | "fetch_sub" | "fetch_and" | "fetch_or",
                )
                | (Some(LTy::Atomic { ty, .. }), "fetch_xor" | "fetch_max" | "fetch_min") => Some(ty),
                (Some(LTy::Scalar(t)), "wrapping_add" | "wrapping_sub" | "wrapping_mul") => Some(t),
                _ => None,
            },
            _ => None,
        }
    }

    /// The type of a place expression over statics and variables.
    pub(super) fn place_hint(&self, e: &syn::Expr) -> Option<LTy> {
        match strip(e) {
            syn::Expr::Path(p) => match self.resolve(&p.path) {
                Resolved::Static(i) => Some(self.cx.statics[i].ty.clone()),
                Resolved::Const(_, ty) => Some(ty),
                Resolved::Binding(Binding::Value { ty, .. }) => Some(ty),
                Resolved::Binding(Binding::Local(l)) => Some(l.ty),
                Resolved::Binding(Binding::Val(Val::Guard(g))) => Some(g.target.ty),
                _ => None,
            },
            syn::Expr::Field(f) => {
                let LTy::Struct(i) = self.place_hint(&f.base)? else { return None };
                let syn::Member::Named(name) = &f.member else { return None };
                self.cx.structs.get(i)?.fields.iter().find(|(n, _)| name == n).map(|(_, t)| t.clone())
            }
            syn::Expr::Index(ix) => match self.place_hint(&ix.expr)? {
                LTy::Array(t, _) => Some(*t),
                _ => None,
            },
            _ => None,
        }
    }
}

struct Finder<'b, 'c, 'a> {
    name: &'b str,
    builder: &'b FnBuilder<'c, 'a>,
    found: Option<Ty>,
}

impl Finder<'_, '_, '_> {
    pub(super) fn is_var(&self, e: &syn::Expr) -> bool {
        matches!(strip(e), syn::Expr::Path(p) if p.path.is_ident(self.name))
    }

    pub(super) fn found(&mut self, t: Option<Ty>) {
        if self.found.is_none() {
            self.found = t;
        }
    }
}

impl<'ast> Visit<'ast> for Finder<'_, '_, '_> {
    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        let shift = matches!(
            b.op,
            syn::BinOp::Shl(_) | syn::BinOp::Shr(_) | syn::BinOp::ShlAssign(_) | syn::BinOp::ShrAssign(_)
        );
        if self.is_var(&b.left) && !shift {
            self.found(self.builder.hint(&b.right));
        } else if self.is_var(&b.right) && !shift {
            self.found(self.builder.hint(&b.left));
        }
        visit::visit_expr_binary(self, b);
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        if self.is_var(&a.right) {
            self.found(self.builder.hint(&a.left));
        } else if self.is_var(&a.left) {
            self.found(self.builder.hint(&a.right));
        }
        visit::visit_expr_assign(self, a);
    }

    fn visit_expr_index(&mut self, ix: &'ast syn::ExprIndex) {
        if self.is_var(&ix.index) {
            self.found(Some(Ty::Usize));
        }
        visit::visit_expr_index(self, ix);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = strip(&c.func)
            && let Resolved::LessonFn(i) = self.builder.resolve(&p.path)
        {
            for (arg, (_, ty, _)) in c.args.iter().zip(&self.builder.cx.fns[i].params) {
                if self.is_var(arg) {
                    self.found(ty.scalar());
                }
            }
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if let Some(LTy::Atomic { ty, .. }) = self.builder.place_hint(&m.receiver)
            && m.args.first().is_some_and(|a| self.is_var(a))
        {
            self.found(Some(ty));
        }
        visit::visit_expr_method_call(self, m);
    }
}
