//! Patterns (`if let`, `while let`, `match`): each test is a compare and a
//! branch to the next arm, and bindings name the matched cells (or, for
//! `Some(p)` of `as_mut()`, the payload's place).

use irqlab_sim::{BinOp, Op, Operand, Span, Ty};

use super::{Binding, FnBuilder, LocalPlace, MemPlace, Perm, Place, R, Stop, Val};
use crate::errors;
use crate::types::LTy;

/// What a pattern is tested against.
pub enum Scrutinee {
    Values(Vec<Operand>, LTy),
    OptionRef { tag: Operand, payload: MemPlace },
}

impl FnBuilder<'_, '_> {
    pub(super) fn exhaustive(&self, m: &syn::ExprMatch, ty: &LTy) -> bool {
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
    pub(super) fn scrutinee(&mut self, e: &syn::Expr) -> R<Scrutinee> {
        // `unsafe { (*(&raw mut X)).as_mut() }`: the same, inside `unsafe`.
        if let syn::Expr::Unsafe(u) = super::expr::strip(e)
            && let [syn::Stmt::Expr(inner, None)] = &u.block.stmts[..]
            && let syn::Expr::MethodCall(m) = super::expr::strip(inner)
            && (m.method == "as_mut" || m.method == "as_ref")
        {
            self.unsafe_depth += 1;
            let r = self.scrutinee(inner);
            self.unsafe_depth -= 1;
            return r;
        }
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
                self.autoref_check(&p, &m.method.to_string(), &span)?;
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

    pub(super) fn test(
        &mut self,
        pat: &syn::Pat,
        scrutinee: &Scrutinee,
        fail: u32,
        span: &Span,
    ) -> R<Vec<(String, Binding)>> {
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
            syn::Pat::Tuple(t) => {
                let LTy::Tuple(tys) = ty else {
                    let ps = self.span_of(t);
                    return Err(self.err(errors::mismatched(&ty.name(&self.cx.structs), "a tuple", ps)));
                };
                if t.elems.len() != tys.len() || t.elems.iter().any(|p| matches!(p, syn::Pat::Rest(_))) {
                    let ps = self.span_of(t);
                    let (want, got) = (tys.len(), t.elems.len());
                    let blanks = vec!["_"; got].join(", ");
                    return Err(self.err(
                        crate::diagnostic::Diagnostic::error("mismatched types", ps)
                            .code("E0308")
                            .label(format!("expected a tuple with {want} elements, found one with {got} elements"))
                            .note(format!(
                                "expected tuple `{}`\n   found tuple `({blanks})`",
                                ty.name(&self.cx.structs)
                            )),
                    ));
                }
                let mut binds = Vec::new();
                let mut start = 0;
                for (p, elem) in t.elems.iter().zip(tys) {
                    let n = elem.slots(&self.cx.structs) as usize;
                    binds.extend(self.pattern(p, &ops[start..start + n], elem, fail, span)?);
                    start += n;
                }
                Ok(binds)
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

    pub(super) fn const_of(&mut self, e: &syn::Expr, t: Ty) -> R<Operand> {
        let op = self.scalar_of(e, t)?;
        if !matches!(op, Operand::Const(_)) {
            let s = self.span_of(e);
            return Err(self.err(errors::unsupported("non-constant patterns", s)));
        }
        Ok(op)
    }

    pub(super) fn test_tag(&mut self, ops: &[Operand], some: bool, fail: u32, span: &Span) {
        let tag = ops.first().copied().unwrap_or(Operand::Const(0));
        let ok = self.new_label();
        if some {
            self.branch(tag, ok, fail, span);
        } else {
            self.branch(tag, fail, ok, span);
        }
        self.place_label(ok);
    }

    pub(super) fn compare(&mut self, op: Operand, t: Ty, cmp: BinOp, with: Operand, fail: u32, span: &Span) -> R<()> {
        let v = self.binary_op(cmp, op, t, with, t, span)?;
        let Val::Value(r, _) = v else { return Err(Stop) };
        let ok = self.new_label();
        self.branch(r[0], ok, fail, span);
        self.place_label(ok);
        Ok(())
    }

    pub(super) fn compare_const(&mut self, ops: &[Operand], ty: &LTy, values: &[u64], fail: u32, span: &Span) -> R<()> {
        let Some(t) = ty.scalar() else {
            return Err(self.err(errors::unsupported("constant patterns on this type", span.clone())));
        };
        let (Some(op), Some(v)) = (ops.first(), values.first()) else { return Err(Stop) };
        self.compare(*op, t, BinOp::Eq, Operand::Const(*v), fail, span)
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
