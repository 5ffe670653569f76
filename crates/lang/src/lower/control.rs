//! Control flow: `if`/`if let`, `match`, `loop`/`while`/`for`, `break`,
//! `continue`, `return`, `&&`/`||`, and pattern tests. A branch is a step
//! of its own, as a compare-and-branch is on the core.

use irqlab_sim::{BinOp, CheckKind, Local, Op, Operand, Span, Ty};

use super::{Binding, ExitFrame, FnBuilder, LocalPlace, LoopFrame, MemPlace, Perm, Place, R, Stop, Val};
use crate::diagnostic::Diagnostic;
use crate::errors;
use crate::types::LTy;

/// What a pattern is tested against.
enum Scrutinee {
    Values(Vec<Operand>, LTy),
    OptionRef { tag: Operand, payload: MemPlace },
}

/// Where the value of a branching expression is gathered.
struct Gather {
    slots: Option<(Vec<Local>, LTy)>,
}

impl FnBuilder<'_, '_> {
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
                    self.put(*op, *slot, span);
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
                    self.put(*op, *slot, span);
                }
            }
        }
        Ok(())
    }

    fn put(&mut self, op: Operand, slot: Local, span: &Span) {
        self.retarget(op, slot, span);
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
    fn condition(&mut self, cond: &syn::Expr, fail: u32) -> R<Vec<(String, Binding)>> {
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
                return Err(self.err(
                    errors::mismatched("()", &ty.name(&self.cx.structs), then_span)
                        .note("`if` expressions without `else` evaluate to `()`"),
                ));
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

    fn close_of(&self, block: &syn::Block) -> Span {
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

    fn exhaustive(&self, m: &syn::ExprMatch, ty: &LTy) -> bool {
        let unguarded = m.arms.iter().filter(|a| a.guard.is_none()).map(|a| &a.pat);
        let mut seen_true = false;
        let mut seen_false = false;
        let mut some = false;
        let mut none = false;
        for p in unguarded {
            if irrefutable(p) {
                return true;
            }
            for alt in alternatives(p) {
                match alt {
                    syn::Pat::Lit(l) => {
                        if let syn::Lit::Bool(b) = &l.lit {
                            if b.value { seen_true = true } else { seen_false = true }
                        }
                    }
                    syn::Pat::TupleStruct(ts) => {
                        let name = ts.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
                        if (name == "Some" || name == "Ok") && ts.elems.iter().all(irrefutable) {
                            some = true;
                        }
                        if name == "Err" && ts.elems.iter().all(irrefutable) {
                            none = true;
                        }
                    }
                    syn::Pat::Path(pp) if pp.path.segments.last().is_some_and(|s| s.ident == "None") => none = true,
                    syn::Pat::Ident(pi) if pi.ident == "None" => none = true,
                    _ => {}
                }
            }
        }
        match ty {
            LTy::Scalar(Ty::Bool) => seen_true && seen_false,
            LTy::Option(_) | LTy::Result(_) => some && none,
            _ => false,
        }
    }

    /// What `if let`/`while let`/`match` look at: a value, or (for
    /// `x.as_mut()`/`x.as_ref()` of an `Option` in memory) its tag and the
    /// place of its payload, so that `Some(p)` binds `p` to that place.
    fn scrutinee(&mut self, e: &syn::Expr) -> R<Scrutinee> {
        if let syn::Expr::MethodCall(m) = super::expr::strip(e)
            && (m.method == "as_mut" || m.method == "as_ref")
            && m.args.is_empty()
        {
            let rs = self.span_of(&m.receiver);
            let span = self.span_of(e);
            let recv = self.expr(&m.receiver, None)?;
            if let Place::Mem(p) = self.as_place(recv, &rs)?
                && let LTy::Option(inner) = p.ty.clone()
            {
                if m.method == "as_mut" {
                    self.check_writable(&Place::Mem(p.clone()), &span)?;
                }
                let tag = self.temp(Ty::Bool);
                self.emit(Op::Load { dst: tag, place: p.sim_place(), access: irqlab_sim::Access::Plain }, &span);
                let mut payload = p.with(1, *inner, format!("{}.0", p.path));
                if m.method == "as_ref" {
                    payload.perm = Perm::Shared;
                }
                return Ok(Scrutinee::OptionRef { tag: Operand::Local(tag), payload });
            }
            let ms = self.span_of(&m.method);
            return Err(self.err(errors::unsupported(&format!("`{}()` on this value", m.method), ms)));
        }
        let vs = self.span_of(e);
        let v = self.expr(e, None)?;
        let (ops, ty) = self.rvalue(v, &vs)?;
        Ok(Scrutinee::Values(ops, ty))
    }

    fn test(&mut self, pat: &syn::Pat, scrutinee: &Scrutinee, fail: u32, span: &Span) -> R<Vec<(String, Binding)>> {
        let (tag, payload) = match scrutinee {
            Scrutinee::Values(ops, ty) => return self.pattern(pat, ops, ty, fail, span),
            Scrutinee::OptionRef { tag, payload } => (*tag, payload),
        };
        match pat {
            syn::Pat::Wild(_) => Ok(Vec::new()),
            syn::Pat::Ident(pi) if pi.ident == "None" => {
                self.test_tag(&[tag], false, fail, span);
                Ok(Vec::new())
            }
            syn::Pat::Path(pp) if pp.path.is_ident("None") => {
                self.test_tag(&[tag], false, fail, span);
                Ok(Vec::new())
            }
            syn::Pat::TupleStruct(ts) if ts.path.is_ident("Some") && ts.elems.len() == 1 => {
                self.test_tag(&[tag], true, fail, span);
                match &ts.elems[0] {
                    syn::Pat::Wild(_) => Ok(Vec::new()),
                    syn::Pat::Ident(pi) if pi.subpat.is_none() => {
                        let place = Val::Place(Place::Mem(payload.clone()));
                        Ok(vec![(pi.ident.to_string(), Binding::Val(place))])
                    }
                    other => {
                        let s = self.span_of(other);
                        Err(self.err(errors::unsupported("this pattern inside `Some` of a reference", s)))
                    }
                }
            }
            other => {
                let s = self.span_of(other);
                Err(self.err(errors::unsupported("this pattern on `as_mut()`/`as_ref()`", s)))
            }
        }
    }

    /// Tests `ops` (of type `ty`) against a pattern, jumping to `fail` when
    /// it does not match; returns the variables it binds.
    pub fn pattern(
        &mut self,
        pat: &syn::Pat,
        ops: &[Operand],
        ty: &LTy,
        fail: u32,
        span: &Span,
    ) -> R<Vec<(String, Binding)>> {
        match pat {
            syn::Pat::Wild(_) | syn::Pat::Rest(_) => Ok(Vec::new()),
            syn::Pat::Paren(p) => self.pattern(&p.pat, ops, ty, fail, span),
            syn::Pat::Reference(r) => self.pattern(&r.pat, ops, ty, fail, span),
            syn::Pat::Ident(pi) if pi.subpat.is_none() => {
                let name = pi.ident.to_string();
                if let Some(c) = self.cx.consts.get(&name).cloned() {
                    self.compare_const(ops, ty, &c.values, fail, span)?;
                    return Ok(Vec::new());
                }
                if name == "None" && matches!(ty, LTy::Option(_)) {
                    self.test_tag(ops, false, fail, span);
                    return Ok(Vec::new());
                }
                if pi.mutability.is_some() {
                    let mut slots = Vec::new();
                    let mut leaves = Vec::new();
                    ty.leaves(&self.cx.structs, &name, &mut leaves);
                    for (op, (lname, leaf)) in ops.iter().zip(&leaves) {
                        let l = self.local(lname, leaf.ty());
                        self.emit(Op::Move { dst: l, src: *op }, span);
                        self.mutable_locals.push(l);
                        slots.push(l);
                    }
                    let lp = LocalPlace { name: name.clone(), slots, ty: ty.clone(), mutable: true };
                    return Ok(vec![(name, Binding::Local(lp))]);
                }
                self.name_locals(ops, &name);
                Ok(vec![(name, Binding::Value { slots: ops.to_vec(), ty: ty.clone() })])
            }
            syn::Pat::Lit(l) => {
                let ps = self.span_of(l);
                let v = self.expr(&syn::Expr::Lit(l.clone()), Some(ty))?;
                let (want, _) = self.rvalue(v, &ps)?;
                let values: Vec<u64> =
                    want.iter().filter_map(|o| if let Operand::Const(c) = o { Some(*c) } else { None }).collect();
                self.compare_const(ops, ty, &values, fail, span)?;
                Ok(Vec::new())
            }
            syn::Pat::Range(r) => {
                let Some(t) = ty.scalar() else {
                    return Err(self.err(errors::unsupported("range patterns on this type", span.clone())));
                };
                let op = ops.first().copied().unwrap_or(Operand::Const(0));
                if let Some(lo) = &r.start {
                    let lo = self.const_of(lo, t)?;
                    self.compare(op, t, BinOp::Ge, lo, fail, span)?;
                }
                if let Some(hi) = &r.end {
                    let hi = self.const_of(hi, t)?;
                    let cmp = if matches!(r.limits, syn::RangeLimits::Closed(_)) { BinOp::Le } else { BinOp::Lt };
                    self.compare(op, t, cmp, hi, fail, span)?;
                }
                Ok(Vec::new())
            }
            syn::Pat::Or(o) => {
                let matched = self.new_label();
                let n = o.cases.len();
                for (i, case) in o.cases.iter().enumerate() {
                    let next = if i + 1 == n { fail } else { self.new_label() };
                    let binds = self.pattern(case, ops, ty, next, span)?;
                    if !binds.is_empty() {
                        return Err(self.err(errors::unsupported("bindings inside `|` patterns", span.clone())));
                    }
                    self.jump(matched, span);
                    if i + 1 < n {
                        self.place_label(next);
                    }
                }
                self.place_label(matched);
                Ok(Vec::new())
            }
            syn::Pat::Path(pp) => {
                let name = pp.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
                if name == "None" && matches!(ty, LTy::Option(_)) {
                    self.test_tag(ops, false, fail, span);
                    return Ok(Vec::new());
                }
                let ps = self.span_of(pp);
                let v = self.path_expr(&pp.path, Some(ty), &ps, false)?;
                let (want, _) = self.rvalue(v, &ps)?;
                let values: Vec<u64> =
                    want.iter().filter_map(|o| if let Operand::Const(c) = o { Some(*c) } else { None }).collect();
                self.compare_const(ops, ty, &values, fail, span)?;
                Ok(Vec::new())
            }
            syn::Pat::TupleStruct(ts) => {
                let name = ts.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
                let inner = match (name.as_str(), ty) {
                    ("Some", LTy::Option(t)) | ("Ok", LTy::Result(t)) | ("Err", LTy::Result(t)) => (**t).clone(),
                    _ => {
                        let ps = self.span_of(ts);
                        return Err(self.err(errors::mismatched(&ty.name(&self.cx.structs), &name, ps)));
                    }
                };
                if ts.elems.len() != 1 {
                    let ps = self.span_of(ts);
                    return Err(self.err(errors::unsupported("this pattern", ps)));
                }
                self.test_tag(ops, name != "Err", fail, span);
                self.pattern(&ts.elems[0], &ops[1..], &inner, fail, span)
            }
            other => {
                let ps = self.span_of(other);
                Err(self.err(errors::unsupported("this pattern", ps)))
            }
        }
    }

    fn const_of(&mut self, e: &syn::Expr, t: Ty) -> R<Operand> {
        let op = self.scalar_of(e, t)?;
        if !matches!(op, Operand::Const(_)) {
            let s = self.span_of(e);
            return Err(self.err(errors::unsupported("non-constant patterns", s)));
        }
        Ok(op)
    }

    fn test_tag(&mut self, ops: &[Operand], some: bool, fail: u32, span: &Span) {
        let tag = ops.first().copied().unwrap_or(Operand::Const(0));
        let ok = self.new_label();
        if some {
            self.branch(tag, ok, fail, span);
        } else {
            self.branch(tag, fail, ok, span);
        }
        self.place_label(ok);
    }

    fn compare(&mut self, op: Operand, t: Ty, cmp: BinOp, with: Operand, fail: u32, span: &Span) -> R<()> {
        let v = self.binary_op(cmp, op, t, with, t, span)?;
        let Val::Value(r, _) = v else { return Err(Stop) };
        let ok = self.new_label();
        self.branch(r[0], ok, fail, span);
        self.place_label(ok);
        Ok(())
    }

    fn compare_const(&mut self, ops: &[Operand], ty: &LTy, values: &[u64], fail: u32, span: &Span) -> R<()> {
        let Some(t) = ty.scalar() else {
            return Err(self.err(errors::unsupported("constant patterns on this type", span.clone())));
        };
        let (Some(op), Some(v)) = (ops.first(), values.first()) else { return Err(Stop) };
        self.compare(*op, t, BinOp::Eq, Operand::Const(*v), fail, span)
    }

    pub fn short_circuit(&mut self, b: &syn::ExprBinary, span: &Span) -> R<Val> {
        let and = matches!(b.op, syn::BinOp::And(_));
        let l = self.scalar_of(&b.left, Ty::Bool)?;
        let r = self.local("_", Ty::Bool);
        self.put(l, r, span);
        let rhs = self.new_label();
        let end = self.new_label();
        if and {
            self.branch(Operand::Local(r), rhs, end, span);
        } else {
            self.branch(Operand::Local(r), end, rhs, span);
        }
        self.place_label(rhs);
        let v = self.scalar_of(&b.right, Ty::Bool)?;
        self.put(v, r, span);
        self.place_label(end);
        Ok(Val::Value(vec![Operand::Local(r)], LTy::Scalar(Ty::Bool)))
    }

    /// Lowers a loop body with its `break`/`continue` targets.
    fn loop_body(
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

    fn find_loop(&mut self, label: &Option<syn::Lifetime>, span: &Span, what: &str) -> R<usize> {
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
                self.put(*op, *slot, span);
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
    pub fn closure_body(
        &mut self,
        body: &syn::Expr,
        binds: Vec<(String, Binding)>,
        end: u32,
    ) -> R<(Vec<Operand>, LTy)> {
        self.exits.push(ExitFrame {
            label: end,
            scope_depth: self.scopes.len(),
            temps_depth: self.temps.len(),
            result: Vec::new(),
            ty: None,
        });
        self.push_scope();
        for (n, b) in binds {
            self.bind(&n, b);
        }
        let bs = self.span_of(body);
        let mark = self.temps_mark();
        let v = self.expr(body, None);
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
                    self.put(*op, *slot, &bs);
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

fn has_let(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Let(_) => true,
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => has_let(&b.left) || has_let(&b.right),
        _ => false,
    }
}

fn irrefutable(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::Wild(_) => true,
        syn::Pat::Ident(pi) => {
            pi.subpat.is_none()
                && pi.ident != "None"
                && !pi.ident.to_string().chars().next().is_some_and(char::is_uppercase)
        }
        syn::Pat::Paren(pp) => irrefutable(&pp.pat),
        syn::Pat::Or(o) => o.cases.iter().any(irrefutable),
        _ => false,
    }
}

fn alternatives(p: &syn::Pat) -> Vec<&syn::Pat> {
    match p {
        syn::Pat::Or(o) => o.cases.iter().collect(),
        syn::Pat::Paren(pp) => alternatives(&pp.pat),
        other => vec![other],
    }
}
