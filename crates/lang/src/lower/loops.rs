//! Loops and exits: `loop`, `while`/`while let`, `for i in a..b`, and
//! `break`/`continue`/`return` (which first release the guards of the
//! scopes they leave). A closure body (`critical_section::with`) is inlined,
//! and its `return` jumps to the end of the section.

use irqlab_sim::{BinOp, Local, Op, Operand, Span, Ty};

use super::{Binding, ExitFrame, FnBuilder, LoopFrame, R, Stop, Val};
use crate::diagnostic::Diagnostic;
use crate::errors;
use crate::types::LTy;

impl FnBuilder<'_, '_> {
    /// Lowers a loop body with its `break`/`continue` targets.
    pub(super) fn loop_body(
        &mut self,
        label: &Option<syn::Label>,
        (break_label, continue_label): (u32, u32),
        temps_depth: usize,
        body: &syn::Block,
    ) -> (R<Val>, LoopFrame) {
        self.loops.push(LoopFrame {
            label: label.as_ref().map(|l| l.name.ident.to_string()),
            break_label,
            continue_label,
            scope_depth: self.scopes.len(),
            result: None,
            exits: self.exits.len(),
            broke: false,
            temps_depth,
        });
        let value = self.block_value(body, None);
        let frame = self.loops.pop().expect("pushed above");
        (value, frame)
    }

    pub fn loop_expr(&mut self, l: &syn::ExprLoop) -> R<Val> {
        let top = self.new_label();
        let end = self.new_label();
        self.place_label(top);
        let (body, frame) = self.loop_body(&l.label, (end, top), self.temps.len(), &l.body);
        let close = self.close_of(&l.body);
        self.jump(top, &close);
        self.place_label(end);
        body?;
        Ok(match frame {
            LoopFrame { result: Some((slots, ty)), .. } => {
                Val::Value(slots.into_iter().map(Operand::Local).collect(), ty)
            }
            LoopFrame { broke: true, .. } => Val::unit(),
            _ => Val::Never,
        })
    }

    pub fn while_expr(&mut self, w: &syn::ExprWhile) -> R<Val> {
        let top = self.new_label();
        let done = self.new_label();
        let end = self.new_label();
        self.place_label(top);
        let mark = self.temps_mark();
        let binds = self.condition(&w.cond, done)?;
        self.push_scope();
        for (n, b) in binds {
            self.bind(&n, b);
        }
        let (body, _frame) = self.loop_body(&w.label, (end, top), mark, &w.body);
        let close = self.close_of(&w.body);
        self.pop_scope(&close);
        // A `while let` scrutinee's guard lives through one iteration.
        let held = self.temp_releases(mark);
        self.flush_temps_from(mark);
        self.jump(top, &close);
        self.place_label(done);
        for op in held {
            self.emit(op, &close);
        }
        self.place_label(end);
        body?;
        Ok(Val::unit())
    }

    pub fn for_expr(&mut self, f: &syn::ExprForLoop) -> R<Val> {
        let (range, reverse) = match super::expr::strip(&f.expr) {
            syn::Expr::Range(r) => (r, false),
            syn::Expr::MethodCall(m) if m.method == "rev" && m.args.is_empty() => match super::expr::strip(&m.receiver)
            {
                syn::Expr::Range(r) => (r, true),
                _ => return Err(self.err(not_a_range(self.span_of(&f.expr)))),
            },
            other => {
                let s = self.span_of(other);
                return Err(self.err(not_a_range(s)));
            }
        };
        let (Some(start), Some(end_e)) = (&range.start, &range.end) else {
            let s = self.span_of(range);
            return Err(self.err(errors::unsupported("open ranges in `for`", s)));
        };
        let closed = matches!(range.limits, syn::RangeLimits::Closed(_));
        let var_name = match &*f.pat {
            syn::Pat::Ident(pi) => pi.ident.to_string(),
            _ => String::new(),
        };
        let (lo, hi, t) = if is_untyped_literal(start) && is_untyped_literal(end_e) {
            // `for i in 0..3`: the counter's type comes from its uses.
            let t = self.infer_int(&var_name, &f.body.stmts).unwrap_or(Ty::I32);
            (self.scalar_of(start, t)?, self.scalar_of(end_e, t)?, t)
        } else if is_untyped_literal(start) {
            let (hi, t) = self.scalar(end_e, None)?;
            let lo = self.scalar_of(start, t)?;
            (lo, hi, t)
        } else {
            let (lo, t) = self.scalar(start, None)?;
            let hi = self.scalar_of(end_e, t)?;
            (lo, hi, t)
        };
        if t == Ty::Bool {
            return Err(self.err(errors::mismatched("an integer", "bool", self.span_of(range))));
        }
        let var = match &*f.pat {
            syn::Pat::Ident(pi) => pi.ident.to_string(),
            syn::Pat::Wild(_) => "_".to_string(),
            other => {
                let s = self.span_of(other);
                return Err(self.err(errors::unsupported("this pattern in `for`", s)));
            }
        };
        let rs = self.span_of(range);
        let counter = self.local(&var, t);
        // Counting down runs from the end (exclusive: minus one) to the start.
        let top = self.new_label();
        let body_label = self.new_label();
        let step = self.new_label();
        let end = self.new_label();
        if reverse {
            // `(lo..hi).rev()`: hi-1 down to lo; `(lo..=hi).rev()`: hi down to lo.
            // The counter holds the next value plus one, so 0 never wraps.
            let first = if closed {
                self.binary_op(BinOp::Add, hi, t, Operand::Const(t.wrap(1)), t, &rs)?
            } else {
                Val::Value(vec![hi], LTy::Scalar(t))
            };
            let Val::Value(first, _) = first else { return Err(Stop) };
            self.emit(Op::Move { dst: counter, src: first[0] }, &rs);
            self.place_label(top);
            let cond = self.binary_op(BinOp::Gt, Operand::Local(counter), t, lo, t, &rs)?;
            let Val::Value(c, _) = cond else { return Err(Stop) };
            self.branch(c[0], body_label, end, &rs);
            self.place_label(body_label);
            self.emit(
                Op::Binary {
                    op: BinOp::Sub,
                    ty: t,
                    dst: counter,
                    lhs: Operand::Local(counter),
                    rhs: Operand::Const(t.wrap(1)),
                },
                &rs,
            );
        } else {
            self.emit(Op::Move { dst: counter, src: lo }, &rs);
            self.place_label(top);
            let cmp = if closed { BinOp::Le } else { BinOp::Lt };
            let cond = self.binary_op(cmp, Operand::Local(counter), t, hi, t, &rs)?;
            let Val::Value(c, _) = cond else { return Err(Stop) };
            self.branch(c[0], body_label, end, &rs);
            self.place_label(body_label);
        }
        self.push_scope();
        if var != "_" {
            // The variable is the counter itself: it is immutable in the
            // body, and the body's scope ends before the counter steps.
            self.bind(&var, Binding::Value { slots: vec![Operand::Local(counter)], ty: LTy::Scalar(t) });
        }
        let (body, _frame) = self.loop_body(&f.label, (end, step), self.temps.len(), &f.body);
        let close = self.close_of(&f.body);
        self.pop_scope(&close);
        self.place_label(step);
        if !reverse {
            self.emit(
                Op::Binary {
                    op: BinOp::Add,
                    ty: t,
                    dst: counter,
                    lhs: Operand::Local(counter),
                    rhs: Operand::Const(t.wrap(1)),
                },
                &rs,
            );
        }
        self.jump(top, &rs);
        self.place_label(end);
        body?;
        Ok(Val::unit())
    }

    pub(super) fn find_loop(&mut self, label: &Option<syn::Lifetime>, span: &Span, what: &str) -> R<usize> {
        let want = label.as_ref().map(|l| l.ident.to_string());
        let found = self.loops.iter().rposition(|f| want.is_none() || f.label == want);
        match found {
            Some(i) if self.loops[i].exits == self.exits.len() => Ok(i),
            Some(_) => Err(self.err(
                Diagnostic::error(format!("`{what}` inside of a closure"), span.clone())
                    .code("E0267")
                    .label(format!("cannot `{what}` inside of a closure")),
            )),
            None => Err(self.err(
                Diagnostic::error(format!("`{what}` outside of a loop"), span.clone())
                    .code("E0268")
                    .label(format!("cannot `{what}` outside of a loop")),
            )),
        }
    }

    pub fn break_expr(&mut self, b: &syn::ExprBreak, span: &Span) -> R<Val> {
        let i = self.find_loop(&b.label, span, "break")?;
        if let Some(e) = &b.expr {
            let want = self.loops[i].result.as_ref().map(|(_, t)| t.clone());
            let es = self.span_of(e);
            let v = self.expr(e, want.as_ref())?;
            let (ops, ty) = self.rvalue(v, &es)?;
            if self.loops[i].result.is_none() {
                let mut leaves = Vec::new();
                ty.leaves(&self.cx.structs, "_", &mut leaves);
                let slots: Vec<Local> = leaves.iter().map(|(_, l)| self.local("_result", l.ty())).collect();
                self.loops[i].result = Some((slots, ty.clone()));
            }
            let (slots, want) = self.loops[i].result.clone().unwrap_or_default_pair();
            if want != ty {
                return Err(self.err(errors::mismatched(&want.name(&self.cx.structs), &ty.name(&self.cx.structs), es)));
            }
            for (slot, op) in slots.iter().zip(&ops) {
                self.retarget(*op, *slot, span);
            }
        }
        self.loops[i].broke = true;
        let (depth, temps) = (self.loops[i].scope_depth, self.loops[i].temps_depth);
        let target = self.loops[i].break_label;
        self.drops_to(depth, temps, span);
        self.jump(target, span);
        Ok(Val::Never)
    }

    pub fn continue_expr(&mut self, c: &syn::ExprContinue, span: &Span) -> R<Val> {
        let i = self.find_loop(&c.label, span, "continue")?;
        let (depth, temps) = (self.loops[i].scope_depth, self.loops[i].temps_depth);
        let target = self.loops[i].continue_label;
        self.drops_to(depth, temps, span);
        self.jump(target, span);
        Ok(Val::Never)
    }

    pub fn return_expr(&mut self, r: &syn::ExprReturn, span: &Span) -> R<Val> {
        if let Some(exit) = self.exits.last() {
            // `return` in a closure body leaves the closure.
            let (label, depth, temps, want) = (exit.label, exit.scope_depth, exit.temps_depth, exit.ty.clone());
            let (ops, ty) = match &r.expr {
                Some(e) => {
                    let es = self.span_of(e);
                    let v = self.expr(e, want.as_ref())?;
                    self.rvalue(v, &es)?
                }
                None => (Vec::new(), LTy::Unit),
            };
            // A bare `return` where a value is expected (an inlined method's
            // return type) would leave the caller a value with no slots.
            if let Some(want) = want.filter(|w| *w != ty && !ty.is_never() && r.expr.is_none()) {
                return Err(self.err(errors::mismatched(&want.name(&self.cx.structs), "()", span.clone())));
            }
            let exit = self.exits.last_mut().ok_or(Stop)?;
            if exit.ty.is_none() {
                exit.ty = Some(ty.clone());
            }
            if exit.result.is_empty() && !ops.is_empty() {
                let mut leaves = Vec::new();
                ty.leaves(&self.cx.structs, "_", &mut leaves);
                let slots: Vec<Local> = leaves.iter().map(|(_, l)| self.local("_result", l.ty())).collect();
                if let Some(exit) = self.exits.last_mut() {
                    exit.result = slots;
                }
            }
            let slots = self.exits.last().map(|e| e.result.clone()).unwrap_or_default();
            for (slot, op) in slots.iter().zip(&ops) {
                self.emit(Op::Move { dst: *slot, src: *op }, span);
            }
            self.drops_to(depth, temps, span);
            self.jump(label, span);
            return Ok(Val::Never);
        }
        let ret = self.ret_ty.clone();
        let value = match &r.expr {
            Some(e) => {
                let es = self.span_of(e);
                let v = self.expr(e, Some(&ret))?;
                let (ops, ty) = self.rvalue(v, &es)?;
                if ty != ret && !ty.is_never() {
                    return Err(self.err(errors::mismatched(
                        &ret.name(&self.cx.structs),
                        &ty.name(&self.cx.structs),
                        es,
                    )));
                }
                ops.first().copied()
            }
            None => {
                if ret != LTy::Unit {
                    return Err(self.err(errors::mismatched(&ret.name(&self.cx.structs), "()", span.clone())));
                }
                None
            }
        };
        self.drops_to(0, 0, span);
        self.emit(Op::Return { value }, span);
        Ok(Val::Never)
    }

    /// Runs a closure body as an inline block whose `return` jumps to `end`.
    /// `ty` is the type a `return` in it must have (an inlined method's);
    /// `hint`, where `ty` is not given, the type its caller expects of the
    /// body's value, which types a `None` in it.
    pub fn closure_body(
        &mut self,
        body: &syn::Expr,
        binds: Vec<(String, Binding)>,
        end: u32,
        ty: Option<LTy>,
        hint: Option<&LTy>,
    ) -> R<(Vec<Operand>, LTy)> {
        let expect = ty.clone().or_else(|| hint.cloned());
        self.exits.push(ExitFrame {
            label: end,
            scope_depth: self.scopes.len(),
            temps_depth: self.temps.len(),
            result: Vec::new(),
            ty,
        });
        self.push_scope();
        for (n, b) in binds {
            self.bind(&n, b);
        }
        let bs = self.span_of(body);
        let mark = self.temps_mark();
        let v = self.expr(body, expect.as_ref());
        let v = match v {
            Ok(v) => self.rvalue(v, &bs),
            Err(Stop) => Err(Stop),
        };
        self.flush_temps_from(mark);
        self.pop_scope(&bs);
        let exit = self.exits.pop();
        let (ops, ty) = v?;
        match exit {
            Some(ExitFrame { result, .. }) if !result.is_empty() => {
                for (slot, op) in result.iter().zip(&ops) {
                    self.retarget(*op, *slot, &bs);
                }
                Ok((result.into_iter().map(Operand::Local).collect(), ty))
            }
            Some(ExitFrame { ty: Some(t), .. }) if ty.is_never() => Ok((Vec::new(), t)),
            _ => Ok((ops, ty)),
        }
    }
}

trait PairDefault {
    fn unwrap_or_default_pair(self) -> (Vec<Local>, LTy);
}

impl PairDefault for Option<(Vec<Local>, LTy)> {
    fn unwrap_or_default_pair(self) -> (Vec<Local>, LTy) {
        self.unwrap_or((Vec::new(), LTy::Unit))
    }
}

fn not_a_range(span: Span) -> Diagnostic {
    errors::unsupported_with("`for` over this", span, "loop over a range: `for i in 0..N` or `(0..N).rev()`")
}

fn is_untyped_literal(e: &syn::Expr) -> bool {
    matches!(super::expr::strip(e), syn::Expr::Lit(l) if matches!(&l.lit, syn::Lit::Int(i) if i.suffix().is_empty()))
}
