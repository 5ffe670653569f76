//! Control flow: `if`/`if let`, `match`, `loop`/`while`/`for`, `break`,
//! `continue`, `return`, `&&`/`||`, and pattern tests. A branch is a step
//! of its own, as a compare-and-branch is on the core.

use irqlab_sim::{CheckKind, Local, Op, Operand, Span, Ty};

use super::patterns::Scrutinee;
use super::{Binding, FnBuilder, R, Val};
use crate::diagnostic::Diagnostic;
use crate::errors;
use crate::types::LTy;

/// Where the value of a branching expression is gathered.
struct Gather {
    slots: Option<(Vec<Local>, LTy)>,
}

impl FnBuilder<'_, '_> {
    /// rustc's E0317 for an `if` without `else` whose block has a value: the
    /// whole `if` expected the block's type, the block's value "found here"
    /// (fixtures/e0308_if_without_else.stderr). An unsuffixed literal is
    /// rustc's "integer".
    fn missing_else(&self, i: &syn::ExprIf, ty: &LTy) -> crate::diagnostic::Diagnostic {
        let tail = match i.then_branch.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => Some(e),
            _ => None,
        };
        let expected = match tail.map(super::expr::strip) {
            Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. })) if n.suffix().is_empty() => {
                "integer".to_string()
            }
            _ => format!("`{}`", ty.name(&self.cx.structs)),
        };
        let mut d = crate::diagnostic::Diagnostic::error("`if` may be missing an `else` clause", self.span_of(i))
            .code("E0317")
            .label(format!("expected {expected}, found `()`"))
            .note("`if` expressions without `else` evaluate to `()`")
            .help("consider adding an `else` block that evaluates to the expected type");
        if let Some(e) = tail {
            d = d.secondary(self.span_of(e), "found here");
        }
        d
    }

    /// Puts one branch's value in the shared result slots.
    fn gather(&mut self, g: &mut Gather, v: Val, span: &Span) -> R<()> {
        let (ops, ty) = self.rvalue(v, span)?;
        if ty.is_never() {
            return Ok(());
        }
        match &g.slots {
            None => {
                let mut leaves = Vec::new();
                ty.leaves(&self.cx.structs, "_", &mut leaves);
                let slots: Vec<Local> = leaves.iter().map(|(_, l)| self.local("_result", l.ty())).collect();
                for (slot, op) in slots.iter().zip(&ops) {
                    self.retarget(*op, *slot, span);
                }
                g.slots = Some((slots, ty));
            }
            Some((slots, want)) => {
                if *want != ty {
                    let (w, t) = (want.name(&self.cx.structs), ty.name(&self.cx.structs));
                    return Err(self.err(
                        errors::mismatched(&w, &t, span.clone()).note("`if` and `match` arms have incompatible types"),
                    ));
                }
                for (slot, op) in slots.clone().iter().zip(&ops) {
                    self.retarget(*op, *slot, span);
                }
            }
        }
        Ok(())
    }

    fn gathered(g: Gather, all_diverge: bool) -> Val {
        match g.slots {
            Some((slots, ty)) => Val::Value(slots.into_iter().map(Operand::Local).collect(), ty),
            None if all_diverge => Val::Never,
            None => Val::unit(),
        }
    }

    /// A condition: a bool expression, or `let PAT = EXPR` (bindings are
    /// returned). Jumps to `fail` when false.
    ///
    /// A `let` scrutinee's temporaries (a `RefCell` guard) stay alive: the
    /// caller releases them at the end of the body and on the way out. A bool
    /// condition drops its own before branching.
    pub(super) fn condition(&mut self, cond: &syn::Expr, fail: u32) -> R<Vec<(String, Binding)>> {
        let span = self.span_of(cond);
        match cond {
            syn::Expr::Let(l) => {
                let scrutinee = self.scrutinee(&l.expr)?;
                self.test(&l.pat, &scrutinee, fail, &span)
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) && has_let(cond) => {
                let mut binds = self.condition(&b.left, fail)?;
                self.push_scope();
                for (n, bd) in binds.clone() {
                    self.bind(&n, bd);
                }
                let more = self.condition(&b.right, fail);
                self.scopes.pop();
                binds.extend(more?);
                Ok(binds)
            }
            _ => {
                let mark = self.temps_mark();
                let op = self.scalar_of(cond, Ty::Bool)?;
                self.flush_temps_from(mark);
                let ok = self.new_label();
                self.branch(op, ok, fail, &span);
                self.place_label(ok);
                Ok(Vec::new())
            }
        }
    }

    pub fn if_expr(&mut self, i: &syn::ExprIf, expect: Option<&LTy>) -> R<Val> {
        let else_label = self.new_label();
        let end = self.new_label();
        let mark = self.temps_mark();
        let binds = self.condition(&i.cond, else_label)?;
        let mut g = Gather { slots: None };
        self.push_scope();
        for (n, b) in binds {
            self.bind(&n, b);
        }
        let then_span = self.span_of(&i.then_branch);
        let then_v = self.block_value(&i.then_branch, expect);
        let close = self.close_of(&i.then_branch);
        self.pop_scope(&close);
        let then_v = match then_v {
            // Read the value before the scrutinee's guard goes.
            Ok(Val::Place(p)) => {
                let (ops, ty) = self.rvalue(Val::Place(p), &then_span)?;
                Ok(Val::Value(ops, ty))
            }
            other => other,
        };
        // Edition 2024: an `if let` scrutinee's temporaries die at the end
        // of the `then` block, and before the `else` block.
        let held = self.temp_releases(mark);
        self.flush_temps_from(mark);
        let release_on_else = |this: &mut Self| {
            for op in &held {
                this.emit(op.clone(), &close);
            }
        };
        let then_v = then_v?;
        let then_never = matches!(then_v, Val::Never);
        if i.else_branch.is_none() {
            if let Val::Value(ops, ty) = &then_v
                && *ty != LTy::Unit
                && !ty.is_never()
            {
                let _ = ops;
                return Err(self.err(self.missing_else(i, ty)));
            }
            self.gather(&mut g, then_v, &then_span)?;
            self.jump(end, &close);
            self.place_label(else_label);
            release_on_else(self);
            self.place_label(end);
            return Ok(Self::gathered(g, false));
        }
        self.gather(&mut g, then_v, &then_span)?;
        self.jump(end, &close);
        self.place_label(else_label);
        release_on_else(self);
        let mut else_never = false;
        if let Some((_, e)) = &i.else_branch {
            let es = self.span_of(e);
            let want = g.slots.as_ref().map(|(_, t)| t.clone());
            let v = self.expr(e, want.as_ref().or(expect))?;
            else_never = matches!(v, Val::Never);
            self.gather(&mut g, v, &es)?;
        }
        self.place_label(end);
        Ok(Self::gathered(g, then_never && else_never))
    }

    pub(super) fn close_of(&self, block: &syn::Block) -> Span {
        self.cx.map.last_line_span(block.brace_token.span.close().start(), block.brace_token.span.close().end())
    }

    pub fn match_expr(&mut self, m: &syn::ExprMatch, expect: Option<&LTy>, span: &Span) -> R<Val> {
        let ss = self.span_of(&m.expr);
        let scrutinee = self.scrutinee(&m.expr)?;
        let ty = match &scrutinee {
            Scrutinee::Values(_, ty) => ty.clone(),
            Scrutinee::OptionRef { payload, .. } => LTy::Option(Box::new(payload.ty.clone())),
        };
        let end = self.new_label();
        let mut g = Gather { slots: None };
        let mut all_never = true;
        for arm in &m.arms {
            let next = self.new_label();
            let ps = self.span_of(&arm.pat);
            let binds = self.test(&arm.pat, &scrutinee, next, &ps)?;
            self.push_scope();
            for (n, b) in binds {
                self.bind(&n, b);
            }
            if let Some((_, guard)) = &arm.guard {
                let gs = self.span_of(guard);
                let c = self.scalar_of(guard, Ty::Bool)?;
                let ok = self.new_label();
                self.branch(c, ok, next, &gs);
                self.place_label(ok);
            }
            let bs = self.span_of(&arm.body);
            let want = g.slots.as_ref().map(|(_, t)| t.clone());
            let body = self.expr(&arm.body, want.as_ref().or(expect));
            self.pop_scope(&bs);
            let body = body?;
            if !matches!(body, Val::Never) {
                all_never = false;
            }
            self.gather(&mut g, body, &bs)?;
            self.jump(end, &bs);
            self.place_label(next);
        }
        if !self.exhaustive(m, &ty) {
            return Err(self.err(
                Diagnostic::error("non-exhaustive patterns", ss)
                    .code("E0004")
                    .label("patterns not covered")
                    .help("ensure that all possible cases are being handled by adding a match arm with a wildcard pattern: `_ => {}`"),
            ));
        }
        // Unreachable when the match is exhaustive; keeps the body well formed.
        self.emit(
            Op::Check {
                cond: Operand::Const(0),
                kind: CheckKind::Explicit,
                message: "internal error: entered unreachable code".into(),
            },
            span,
        );
        self.place_label(end);
        Ok(Self::gathered(g, all_never && !m.arms.is_empty()))
    }

    pub fn short_circuit(&mut self, b: &syn::ExprBinary, span: &Span) -> R<Val> {
        let and = matches!(b.op, syn::BinOp::And(_));
        let l = self.scalar_of(&b.left, Ty::Bool)?;
        let r = self.local("_", Ty::Bool);
        self.retarget(l, r, span);
        let rhs = self.new_label();
        let end = self.new_label();
        if and {
            self.branch(Operand::Local(r), rhs, end, span);
        } else {
            self.branch(Operand::Local(r), end, rhs, span);
        }
        self.place_label(rhs);
        let v = self.scalar_of(&b.right, Ty::Bool)?;
        self.retarget(v, r, span);
        self.place_label(end);
        Ok(Val::Value(vec![Operand::Local(r)], LTy::Scalar(Ty::Bool)))
    }
}

fn has_let(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Let(_) => true,
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => has_let(&b.left) || has_let(&b.right),
        _ => false,
    }
}
