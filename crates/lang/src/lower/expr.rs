//! Expressions: literals, paths, operators, assignment, fields, indexing,
//! casts, references and aggregate literals. Arithmetic follows Rust in a
//! release build: it wraps, and only division by zero panics.

use irqlab_sim::{BinOp, Op, Operand, Span, Ty, UnOp};

use super::{Binding, FnBuilder, LocalPlace, Perm, Place, R, Stop, Val};
use crate::diagnostic::Diagnostic;
use crate::errors;
use crate::types::LTy;

/// What a path names.
pub enum Resolved {
    Binding(Binding),
    Const(Vec<u64>, LTy),
    Static(usize),
    LessonFn(usize),
    /// A function lowered into its callers (`items::Crate::inline_fns`).
    InlineFn(usize),
    /// A known item of `core`, `critical_section`, `cortex_m`, `board`...
    Known(String),
    Unknown,
}

impl FnBuilder<'_, '_> {
    pub fn expr(&mut self, e: &syn::Expr, expect: Option<&LTy>) -> R<Val> {
        let span = self.span_of(e);
        self.enter(&span)?;
        let end = self.cx.map.end_of(syn::spanned::Spanned::span(e));
        self.cx.open_exprs.push((span.clone(), end));
        let r = self.expr_inner(e, expect, &span);
        self.cx.open_exprs.pop();
        self.leave();
        r
    }

    pub(super) fn expr_inner(&mut self, e: &syn::Expr, expect: Option<&LTy>, span: &Span) -> R<Val> {
        match e {
            syn::Expr::Lit(l) => self.literal(&l.lit, expect, span),
            // rustc lowers `(e)` to `e` with the span of `(e)`: what it says
            // of `e` points at the parentheses too.
            syn::Expr::Paren(p) => self.expr_inner(&p.expr, expect, span),
            syn::Expr::Group(g) => self.expr(&g.expr, expect),
            syn::Expr::Path(p) => self.path_expr(&p.path, expect, span, false),
            syn::Expr::Unary(u) => self.unary(u, expect, span),
            syn::Expr::Binary(b) => self.binary(b, expect, span),
            syn::Expr::Assign(a) => self.assign(a, span),
            syn::Expr::Block(b) => {
                if let Some(label) = &b.label {
                    let s = self.span_of(label);
                    return Err(self.err(errors::unsupported("labelled blocks", s)));
                }
                self.block_value(&b.block, expect)
            }
            syn::Expr::Unsafe(u) => {
                self.unsafe_depth += 1;
                let v = self.block_value(&u.block, expect);
                self.unsafe_depth -= 1;
                v
            }
            syn::Expr::If(i) => self.if_expr(i, expect),
            syn::Expr::Match(m) => self.match_expr(m, expect, span),
            syn::Expr::Loop(l) => self.loop_expr(l),
            syn::Expr::While(w) => self.while_expr(w),
            syn::Expr::ForLoop(f) => self.for_expr(f),
            syn::Expr::Break(b) => self.break_expr(b, span),
            syn::Expr::Continue(c) => self.continue_expr(c, span),
            syn::Expr::Return(r) => self.return_expr(r, span),
            syn::Expr::Call(c) => self.call(c, expect, span),
            syn::Expr::MethodCall(m) => match super::methods::option_map_as_match(m) {
                Some(desugared) => self.expr(&desugared, expect),
                None => self.method_call(m, span),
            },
            syn::Expr::Macro(m) => self.macro_call(&m.mac, span),
            syn::Expr::Field(f) => {
                let base = self.expr(&f.base, None)?;
                let name = match &f.member {
                    syn::Member::Named(n) => n.to_string(),
                    syn::Member::Unnamed(i) => i.index.to_string(),
                };
                // rustc points at the field's name.
                let ms = self.span_of(&f.member);
                self.field_of(base, &name, &ms)
            }
            syn::Expr::Index(ix) => {
                let base = self.expr(&ix.expr, None)?;
                let index = self.scalar_of(&ix.index, Ty::Usize)?;
                let place = self.as_place(base, span)?;
                self.index(place, index, span).map(Val::Place)
            }
            syn::Expr::Cast(c) => self.cast(c, span),
            syn::Expr::Reference(r) => self.reference(r, span),
            syn::Expr::RawAddr(r) => {
                let mutable = matches!(r.mutability, syn::PointerMutability::Mut(_));
                self.raw_address(&r.expr, mutable, span)
            }
            syn::Expr::Struct(s) => self.struct_literal(s, span),
            syn::Expr::Array(a) => {
                let elem = match expect {
                    Some(LTy::Array(t, _)) => Some((**t).clone()),
                    _ => None,
                };
                let mut ops = Vec::new();
                let mut ty: Option<LTy> = elem;
                for x in &a.elems {
                    let s = self.span_of(x);
                    let v = self.expr(x, ty.as_ref())?;
                    let (o, t) = self.rvalue(v, &s)?;
                    if let Some(want) = &ty
                        && *want != t
                    {
                        return Err(self.err(errors::mismatched(
                            &want.name(&self.cx.structs),
                            &t.name(&self.cx.structs),
                            s,
                        )));
                    }
                    ty = Some(t);
                    ops.extend(o);
                }
                let n = a.elems.len() as u32;
                Ok(Val::Value(ops, LTy::Array(Box::new(ty.unwrap_or(LTy::Scalar(Ty::I32))), n)))
            }
            syn::Expr::Repeat(r) => {
                let elem = match expect {
                    Some(LTy::Array(t, _)) => Some((**t).clone()),
                    _ => None,
                };
                let s = self.span_of(&r.expr);
                let v = self.expr(&r.expr, elem.as_ref())?;
                let (o, t) = self.rvalue(v, &s)?;
                let n = crate::consts::eval(self.cx, &r.len, &LTy::Scalar(Ty::Usize))
                    .map_err(|d| self.err(d))?
                    .first()
                    .copied()
                    .unwrap_or(0);
                if n > 256 {
                    return Err(self.err(errors::unsupported("arrays this long", span.clone())));
                }
                let ops = o.iter().copied().cycle().take(o.len() * n as usize).collect();
                Ok(Val::Value(ops, LTy::Array(Box::new(t), n as u32)))
            }
            syn::Expr::Tuple(t) if t.elems.is_empty() => Ok(Val::unit()),
            syn::Expr::Closure(_) => Err(self.err(errors::unsupported_with(
                "closures here",
                span.clone(),
                "a closure may be the argument of `critical_section::with` or `interrupt::free`",
            ))),
            syn::Expr::Let(_) => Err(self.err(errors::unsupported_with(
                "`let` in this position",
                span.clone(),
                "use `if let` or `while let`",
            ))),
            syn::Expr::Tuple(t) => self.tuple(t, expect),
            syn::Expr::Range(_) => Err(self.err(errors::unsupported_with(
                "ranges outside `for` loops",
                span.clone(),
                "use a range in `for i in 0..N`",
            ))),
            syn::Expr::Async(_) | syn::Expr::Await(_) => Err(self.err(errors::unsupported("async code", span.clone()))),
            syn::Expr::Try(_) => Err(self.err(errors::unsupported("the `?` operator", span.clone()))),
            _ => Err(self.err(errors::unsupported("this expression", span.clone()))),
        }
    }

    pub(super) fn literal(&mut self, lit: &syn::Lit, expect: Option<&LTy>, span: &Span) -> R<Val> {
        match lit {
            syn::Lit::Bool(b) => Ok(Val::Value(vec![Operand::Const(u64::from(b.value))], LTy::Scalar(Ty::Bool))),
            // `b'0'`: a `u8`.
            syn::Lit::Byte(b) => Ok(Val::Value(vec![Operand::Const(u64::from(b.value()))], LTy::Scalar(Ty::U8))),
            syn::Lit::Int(i) => {
                let ty = match i.suffix() {
                    "" => match expect.and_then(LTy::scalar) {
                        Some(t) if t != Ty::Bool => t,
                        _ => Ty::I32,
                    },
                    s => match Ty::from_name(s) {
                        Some(t) if t != Ty::Bool => t,
                        _ => {
                            return Err(self.err(Diagnostic::error(
                                format!("invalid suffix `{s}` for number literal"),
                                span.clone(),
                            )));
                        }
                    },
                };
                let Ok(v) = i.base10_parse::<u128>() else {
                    return Err(self.err(Diagnostic::error("integer literal is too large", span.clone())));
                };
                if v > ty.max() as u128 && !(ty.is_signed() && v == ty.max() as u128 + 1) {
                    return Err(self.err(
                        Diagnostic::error(format!("literal out of range for `{}`", ty.name()), span.clone()).note(
                            format!(
                                "the literal `{v}` does not fit into the type `{}` whose range is `{}..={}`",
                                ty.name(),
                                ty.min(),
                                ty.max()
                            ),
                        ),
                    ));
                }
                Ok(Val::Value(vec![Operand::Const(ty.wrap(v as i128))], LTy::Scalar(ty)))
            }
            _ => Err(self.err(errors::unsupported_with(
                "this kind of literal",
                span.clone(),
                "lesson code computes with integers, bytes (`b'0'`) and `bool`",
            ))),
        }
    }

    pub(super) fn unary(&mut self, u: &syn::ExprUnary, expect: Option<&LTy>, span: &Span) -> R<Val> {
        match u.op {
            syn::UnOp::Deref(_) => {
                let v = self.expr(&u.expr, None)?;
                self.deref(v, span).map(Val::Place)
            }
            syn::UnOp::Not(_) | syn::UnOp::Neg(_) => {
                let (op, ty) = self.scalar(&u.expr, expect)?;
                let neg = matches!(u.op, syn::UnOp::Neg(_));
                if neg && (ty == Ty::Bool || !ty.is_signed()) {
                    let what = if ty == Ty::Bool { "bool".to_string() } else { ty.name().to_string() };
                    return Err(self.err(
                        Diagnostic::error(format!("cannot apply unary operator `-` to type `{what}`"), span.clone())
                            .code("E0600")
                            .label("cannot apply unary operator `-`"),
                    ));
                }
                let un = if neg { UnOp::Neg } else { UnOp::Not };
                if let Operand::Const(c) = op {
                    return Ok(Val::Value(vec![Operand::Const(irqlab_sim::value::unary(un, ty, c))], LTy::Scalar(ty)));
                }
                let dst = self.temp(ty);
                self.emit(Op::Unary { op: un, ty, dst, src: op }, span);
                Ok(Val::Value(vec![Operand::Local(dst)], LTy::Scalar(ty)))
            }
            _ => Err(self.err(errors::unsupported("this operator", span.clone()))),
        }
    }

    /// `*x`: the place a guard, a reference or a raw pointer points at.
    pub fn deref(&mut self, v: Val, span: &Span) -> R<Place> {
        match v {
            Val::Guard(g) => {
                let mut t = g.target;
                t.perm = if g.mutable { Perm::GuardMut } else { Perm::GuardShared };
                Ok(Place::Mem(t))
            }
            Val::RawPtr(mut p, mutable) => {
                if !self.in_unsafe() {
                    self.cx.error(errors::raw_deref_needs_unsafe(span.clone()));
                }
                p.perm = if mutable { Perm::RawMut } else { Perm::RawConst };
                Ok(Place::Mem(p))
            }
            Val::Place(Place::Mem(mut m)) => {
                m.borrowed = false;
                Ok(Place::Mem(m))
            }
            Val::Place(p) => Ok(p),
            Val::Value(_, ty) => Err(self.err(
                Diagnostic::error(format!("type `{}` cannot be dereferenced", ty.name(&self.cx.structs)), span.clone())
                    .code("E0614"),
            )),
            _ => Err(self.err(errors::unsupported("dereferencing this", span.clone()))),
        }
    }

    /// An expression used as a place (assignment target, `&`, method receiver).
    pub fn as_place(&mut self, v: Val, span: &Span) -> R<Place> {
        match v {
            Val::Place(p) => Ok(p),
            Val::Guard(g) => self.deref(Val::Guard(g), span),
            Val::Value(ops, ty) => Err(self.err(
                Diagnostic::error("invalid left-hand side of assignment", span.clone()).code("E0070").label(format!(
                    "cannot assign to this expression ({} value{})",
                    ty.name(&self.cx.structs),
                    if ops.len() == 1 { "" } else { "s" }
                )),
            )),
            _ => Err(self.err(errors::unsupported("this expression as a place", span.clone()))),
        }
    }

    /// `(a, b)`: the elements' cells in order.
    fn tuple(&mut self, t: &syn::ExprTuple, expect: Option<&LTy>) -> R<Val> {
        let want = match expect {
            Some(LTy::Tuple(ts)) if ts.len() == t.elems.len() => ts.clone(),
            _ => Vec::new(),
        };
        let mut ops = Vec::new();
        let mut tys = Vec::new();
        for (i, x) in t.elems.iter().enumerate() {
            let s = self.span_of(x);
            let v = self.expr(x, want.get(i))?;
            let (o, ty) = self.rvalue(v, &s)?;
            if ty.is_never() {
                return Ok(Val::Never);
            }
            ops.extend(o);
            tys.push(ty);
        }
        Ok(Val::Value(ops, LTy::Tuple(tys)))
    }

    pub(super) fn field_of(&mut self, base: Val, name: &str, span: &Span) -> R<Val> {
        match base {
            Val::Value(ops, LTy::Tuple(tys)) => {
                let slots: Vec<u32> = tys.iter().map(|t| t.slots(&self.cx.structs)).collect();
                match name.parse::<usize>().ok().filter(|i| *i < tys.len()) {
                    Some(i) => {
                        let start = slots[..i].iter().sum::<u32>() as usize;
                        Ok(Val::Value(ops[start..start + slots[i] as usize].to_vec(), tys[i].clone()))
                    }
                    None => {
                        let fields: Vec<String> = (0..tys.len()).map(|i| i.to_string()).collect();
                        let ty = LTy::Tuple(tys).name(&self.cx.structs);
                        Err(self.err(no_field(name, &ty, span).note(available(&fields))))
                    }
                }
            }
            Val::Value(ops, ty) => {
                let LTy::Struct(si) = &ty else {
                    return Err(self.err(
                        Diagnostic::error(
                            format!("no field `{name}` on type `{}`", ty.name(&self.cx.structs)),
                            span.clone(),
                        )
                        .code("E0609"),
                    ));
                };
                let def = self.cx.structs[*si].clone();
                let mut offset = 0usize;
                for (f, fty) in &def.fields {
                    let n = fty.slots(&self.cx.structs) as usize;
                    if f == name {
                        return Ok(Val::Value(ops[offset..offset + n].to_vec(), fty.clone()));
                    }
                    offset += n;
                }
                let names: Vec<String> = def.fields.iter().map(|(n, _)| n.clone()).collect();
                Err(self.err(no_field(name, &def.name, span).note(available(&names))))
            }
            other => {
                let p = self.as_place(other, span)?;
                self.field(p, name, span).map(Val::Place)
            }
        }
    }

    pub(super) fn binary(&mut self, b: &syn::ExprBinary, expect: Option<&LTy>, span: &Span) -> R<Val> {
        use syn::BinOp as B;
        let op = match b.op {
            B::And(_) | B::Or(_) => return self.short_circuit(b, span),
            B::AddAssign(_) => return self.compound(b, BinOp::Add, span),
            B::SubAssign(_) => return self.compound(b, BinOp::Sub, span),
            B::MulAssign(_) => return self.compound(b, BinOp::Mul, span),
            B::DivAssign(_) => return self.compound(b, BinOp::Div, span),
            B::RemAssign(_) => return self.compound(b, BinOp::Rem, span),
            B::BitAndAssign(_) => return self.compound(b, BinOp::And, span),
            B::BitOrAssign(_) => return self.compound(b, BinOp::Or, span),
            B::BitXorAssign(_) => return self.compound(b, BinOp::Xor, span),
            B::ShlAssign(_) => return self.compound(b, BinOp::Shl, span),
            B::ShrAssign(_) => return self.compound(b, BinOp::Shr, span),
            B::Add(_) => BinOp::Add,
            B::Sub(_) => BinOp::Sub,
            B::Mul(_) => BinOp::Mul,
            B::Div(_) => BinOp::Div,
            B::Rem(_) => BinOp::Rem,
            B::BitAnd(_) => BinOp::And,
            B::BitOr(_) => BinOp::Or,
            B::BitXor(_) => BinOp::Xor,
            B::Shl(_) => BinOp::Shl,
            B::Shr(_) => BinOp::Shr,
            B::Eq(_) => BinOp::Eq,
            B::Ne(_) => BinOp::Ne,
            B::Lt(_) => BinOp::Lt,
            B::Le(_) => BinOp::Le,
            B::Gt(_) => BinOp::Gt,
            B::Ge(_) => BinOp::Ge,
            _ => return Err(self.err(errors::unsupported("this operator", span.clone()))),
        };
        let operand_expect = if op.is_comparison() { None } else { expect };
        let shift = matches!(op, BinOp::Shl | BinOp::Shr);
        // An untyped literal takes the other side's type: lower the other
        // side first (a literal emits no instruction, so order is kept).
        let (lhs, lt, rhs, rt) = if is_literal(&b.left) && !is_literal(&b.right) && !shift {
            let (r, rt) = self.scalar(&b.right, operand_expect)?;
            let (l, lt) = self.scalar(&b.left, Some(&LTy::Scalar(rt)))?;
            (l, lt, r, rt)
        } else {
            let (l, lt) = self.scalar(&b.left, operand_expect)?;
            let want = if shift { None } else { Some(LTy::Scalar(lt)) };
            let (r, rt) = self.scalar(&b.right, want.as_ref())?;
            (l, lt, r, rt)
        };
        self.binary_op(op, lhs, lt, rhs, rt, span)
    }

    pub fn binary_op(&mut self, op: BinOp, lhs: Operand, lt: Ty, rhs: Operand, rt: Ty, span: &Span) -> R<Val> {
        let shift = matches!(op, BinOp::Shl | BinOp::Shr);
        if !shift && lt != rt {
            return Err(self.err(errors::mismatched(lt.name(), rt.name(), span.clone())));
        }
        // `bool` is `PartialOrd` (false < true) and has `&`, `|`, `^`; no
        // arithmetic and no shifts.
        let bool_ok = matches!(op, BinOp::And | BinOp::Or | BinOp::Xor) || op.is_comparison();
        if (lt == Ty::Bool && !bool_ok) || (shift && rt == Ty::Bool) {
            return Err(self.err(
                Diagnostic::error(format!("cannot apply `{}` to type `bool`", op.symbol()), span.clone()).code("E0369"),
            ));
        }
        let result = if op.is_comparison() { Ty::Bool } else { lt };
        if let (Operand::Const(a), Operand::Const(c)) = (lhs, rhs) {
            // rustc folds constant arithmetic: no instruction, and a
            // division by zero is a compile-time error.
            return match irqlab_sim::value::binary(op, lt, a, c) {
                Ok(v) => Ok(Val::Value(vec![Operand::Const(v)], LTy::Scalar(result))),
                Err(msg) => Err(self.err(
                    Diagnostic::error("this operation will panic at runtime", span.clone()).label(msg.to_string()),
                )),
            };
        }
        let dst = self.temp(result);
        self.emit(Op::Binary { op, ty: lt, dst, lhs, rhs }, span);
        Ok(Val::Value(vec![Operand::Local(dst)], LTy::Scalar(result)))
    }

    /// `place op= value`: read, compute, write back. On a `static mut`
    /// these are three separate steps.
    /// rustc's error for an assignment to `x` or `x.field` when `x` is a
    /// `let` without `mut` (E0384, E0594): it points at the `let` and
    /// suggests the `mut` (fixtures/e0384_immutable_local.stderr,
    /// e0596_stats_not_mut.stderr). `None` when `left` is something else.
    pub(super) fn assign_to_immutable_let(&mut self, left: &syn::Expr, span: &Span) -> Option<Stop> {
        let mut base = strip(left);
        let mut fields = Vec::new();
        while let syn::Expr::Field(f) = base {
            fields.push(match &f.member {
                syn::Member::Named(n) => n.to_string(),
                syn::Member::Unnamed(i) => i.index.to_string(),
            });
            base = strip(&f.base);
        }
        let syn::Expr::Path(p) = base else { return None };
        let name = p.path.get_ident()?.to_string();
        if !matches!(self.lookup(&name), Some(Binding::Value { .. })) {
            return None;
        }
        let (_, at) = self.immutable_lets.iter().rev().find(|(n, _)| *n == name)?.clone();
        let insert = Span::new(at.file.clone(), at.line, at.col_start, at.col_start);
        let d = if fields.is_empty() {
            Diagnostic::error(format!("cannot assign twice to immutable variable `{name}`"), span.clone())
                .code("E0384")
                .label("cannot assign twice to immutable variable")
                .secondary(at, format!("first assignment to `{name}`"))
                .suggest("consider making this binding mutable", insert, "mut ")
        } else {
            fields.reverse();
            let place = format!("{name}.{}", fields.join("."));
            Diagnostic::error(
                format!("cannot assign to `{place}`, as `{name}` is not declared as mutable"),
                span.clone(),
            )
            .code("E0594")
            .label("cannot assign")
            .suggest("consider changing this to be mutable", insert, "mut ")
        };
        Some(self.err(d))
    }

    pub(super) fn compound(&mut self, b: &syn::ExprBinary, op: BinOp, span: &Span) -> R<Val> {
        if let Some(stop) = self.assign_to_immutable_let(&b.left, span) {
            return Err(stop);
        }
        let target = self.expr(&b.left, None)?;
        let place = self.as_place(target, span)?;
        let ty = match &place {
            Place::Mem(m) => m.ty.clone(),
            Place::Local(l) => l.ty.clone(),
        };
        let Some(t) = ty.scalar() else {
            return Err(self.err(
                Diagnostic::error(
                    format!(
                        "binary assignment operation `{}=` cannot be applied to type `{}`",
                        op.symbol(),
                        ty.name(&self.cx.structs)
                    ),
                    span.clone(),
                )
                .code("E0368"),
            ));
        };
        let shift = matches!(op, BinOp::Shl | BinOp::Shr);
        let (rhs, rt) = self.scalar(&b.right, if shift { None } else { Some(&ty) })?;
        self.check_writable(&place, span)?;
        match place {
            Place::Local(l) => {
                let cur = Operand::Local(l.slots[0]);
                let v = self.binary_op(op, cur, t, rhs, rt, span)?;
                if let Val::Value(ops, _) = v {
                    self.retarget(ops[0], l.slots[0], span);
                }
            }
            Place::Mem(m) => {
                let (cur, _) = self.load(&m, span)?;
                let v = self.binary_op(op, cur[0], t, rhs, rt, span)?;
                if let Val::Value(ops, _) = v {
                    self.store(&m, &ops, span);
                }
            }
        }
        Ok(Val::unit())
    }

    /// Makes the last instruction write `dst` instead of its temporary (so
    /// `x += 1` on a local is one step), or moves the value there.
    pub fn retarget(&mut self, value: Operand, dst: irqlab_sim::Local, span: &Span) {
        let is_temp = |l: &irqlab_sim::Local| self.local_names.get(l.0 as usize).is_some_and(|n| n.starts_with("_:"));
        if let Operand::Local(tmp) = value
            && is_temp(&tmp)
            && let Some(last) = self.body.last_mut()
        {
            let slot = match &mut last.op {
                Op::Binary { dst: d, .. }
                | Op::Unary { dst: d, .. }
                | Op::Load { dst: d, .. }
                | Op::AtomicLoad { dst: d, .. }
                | Op::AtomicRmw { dst: d, .. }
                | Op::Move { dst: d, .. } => Some(d),
                _ => None,
            };
            if let Some(d) = slot
                && *d == tmp
            {
                *d = dst;
                return;
            }
        }
        self.emit(Op::Move { dst, src: value }, span);
    }

    pub(super) fn assign(&mut self, a: &syn::ExprAssign, span: &Span) -> R<Val> {
        if let syn::Expr::Infer(_) = &*a.left {
            // `_ = value;` evaluates and discards.
            let s = self.span_of(&a.right);
            let v = self.expr(&a.right, None)?;
            if let Val::Place(_) = v {
                return Ok(Val::unit());
            }
            let _ = self.rvalue(v, &s);
            return Ok(Val::unit());
        }
        if let Some(stop) = self.assign_to_immutable_let(&a.left, span) {
            return Err(stop);
        }
        let target = match self.expr(&a.left, None)? {
            Val::Value(..) => {
                let name = match &*a.left {
                    syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
                    _ => String::new(),
                };
                let lp = LocalPlace { name, slots: Vec::new(), ty: LTy::Unit, mutable: false };
                self.check_writable(&Place::Local(lp), span)?;
                return Err(Stop);
            }
            v => self.as_place(v, span)?,
        };
        let ty = match &target {
            Place::Mem(m) => m.ty.clone(),
            Place::Local(l) => l.ty.clone(),
        };
        let vs = self.span_of(&a.right);
        let v = self.expr(&a.right, Some(&ty))?;
        let (ops, vt) = self.rvalue(v, &vs)?;
        if vt.is_never() {
            return Ok(Val::Never);
        }
        if vt != ty {
            let mut d = errors::mismatched(&ty.name(&self.cx.structs), &vt.name(&self.cx.structs), vs);
            // `X = value` to a static: rustc points at the type it declares.
            if let syn::Expr::Path(p) = &*a.left
                && let Resolved::Static(i) = self.resolve(&p.path)
            {
                d = d.secondary(self.cx.statics[i].ty_span.clone(), "expected due to this type");
            }
            return Err(self.err(d));
        }
        self.check_writable(&target, span)?;
        match target {
            Place::Local(l) => {
                for (slot, op) in l.slots.iter().zip(ops) {
                    self.retarget(op, *slot, span);
                }
            }
            Place::Mem(m) => {
                if !m.ty.is_copy(&self.cx.structs) && !m.ty.is_spsc_end() {
                    return Err(self.err(errors::unsupported_with(
                        "assigning a whole atomic, cell or mutex",
                        span.clone(),
                        "use its methods (`store`, `set`, `replace`)",
                    )));
                }
                self.store(&m, &ops, span);
            }
        }
        Ok(Val::unit())
    }

    pub(super) fn cast(&mut self, c: &syn::ExprCast, span: &Span) -> R<Val> {
        let to = match self.cx.parse_type(&c.ty) {
            Some(LTy::Scalar(t)) => t,
            Some(other) => {
                return Err(self
                    .err(errors::unsupported(&format!("casts to `{}`", other.name(&self.cx.structs)), span.clone())));
            }
            None => return Err(Stop),
        };
        let (op, from) = self.scalar(&c.expr, None)?;
        if to == Ty::Bool && from != Ty::Bool {
            return Err(self.err(
                Diagnostic::error(format!("cannot cast `{}` as `bool`", from.name()), span.clone())
                    .code("E0054")
                    .help("compare with zero instead: `x != 0`"),
            ));
        }
        if let Operand::Const(v) = op {
            return Ok(Val::Value(vec![Operand::Const(to.wrap(from.value(v)))], LTy::Scalar(to)));
        }
        let same_bits = from == to
            || from == Ty::Bool
            || (!from.is_signed() && to.bits() > from.bits())
            || (from.is_signed() && to.is_signed() && to.bits() >= from.bits())
            || (from.bits() == to.bits() && from.is_signed() == to.is_signed());
        if same_bits {
            return Ok(Val::Value(vec![op], LTy::Scalar(to)));
        }
        // Truncation or a change of sign: one instruction (UXTB, SXTH...).
        let dst = self.temp(to);
        self.emit(Op::Binary { op: BinOp::And, ty: to, dst, lhs: op, rhs: Operand::Const(u64::MAX) }, span);
        Ok(Val::Value(vec![Operand::Local(dst)], LTy::Scalar(to)))
    }

    pub(super) fn reference(&mut self, r: &syn::ExprReference, span: &Span) -> R<Val> {
        let mutable = r.mutability.is_some();
        let v = self.expr(&r.expr, None)?;
        if let Val::Place(Place::Mem(m)) = &v
            && m.perm == Perm::StaticMut
        {
            let operand = self.span_of(&r.expr);
            let at = (operand.line, operand.col_start);
            let amp = self.span_of(&r.and_token).col_start;
            return Err(self.err(errors::reference_to_static_mut(mutable, span.clone(), amp, at)));
        }
        if mutable && let Val::Place(p) = &v {
            self.check_writable(p, span)?;
        }
        match v {
            Val::Place(Place::Mem(mut m)) => {
                if !mutable && m.perm == Perm::StaticMutElement {
                    m.perm = Perm::Shared;
                }
                // The reference keeps pointing at the element it was made
                // for, whatever the index variable holds later.
                if let Some(ix) = &mut m.index
                    && let Operand::Local(l) = ix.index
                    && self.mutable_locals.contains(&l)
                {
                    let copy = self.temp(Ty::Usize);
                    self.emit(Op::Move { dst: copy, src: ix.index }, span);
                    ix.index = Operand::Local(copy);
                }
                m.borrowed = true;
                Ok(Val::Place(Place::Mem(m)))
            }
            other => Ok(other),
        }
    }

    pub(super) fn raw_address(&mut self, e: &syn::Expr, mutable: bool, span: &Span) -> R<Val> {
        let v = match strip(e) {
            syn::Expr::Path(p) => self.path_expr(&p.path, None, span, true)?,
            other => self.expr(other, None)?,
        };
        match v {
            Val::Place(Place::Mem(mut m)) => {
                if mutable && m.perm == Perm::Static && m.ty.is_copy(&self.cx.structs) {
                    let name = self.cx.statics[m.static_idx].name.clone();
                    return Err(self.err(
                        Diagnostic::error(
                            format!("cannot borrow immutable static item `{name}` as mutable"),
                            span.clone(),
                        )
                        .code("E0596")
                        .label("cannot borrow as mutable")
                        .secondary(
                            self.cx.statics[m.static_idx].decl_span.clone(),
                            "this `static` cannot be borrowed as mutable",
                        ),
                    ));
                }
                m.perm = if mutable { Perm::RawMut } else { Perm::RawConst };
                Ok(Val::RawPtr(m, mutable))
            }
            _ => Err(self.err(errors::unsupported_with(
                "raw pointers to this",
                span.clone(),
                "take `&raw const`/`&raw mut` of a static",
            ))),
        }
    }

    pub(super) fn struct_literal(&mut self, s: &syn::ExprStruct, span: &Span) -> R<Val> {
        let name = s.path.segments.last().map(|x| x.ident.to_string()).unwrap_or_default();
        let Some(&si) = self.cx.struct_index.get(&name) else {
            return Err(self.err(
                Diagnostic::error(
                    format!("cannot find struct, variant or union type `{name}` in this scope"),
                    span.clone(),
                )
                .code("E0422")
                .label("not found in this scope"),
            ));
        };
        if let Some(rest) = &s.rest {
            let rs = self.span_of(rest);
            return Err(self.err(errors::unsupported("`..` in struct literals", rs)));
        }
        let def = self.cx.structs[si].clone();
        for f in &s.fields {
            if let syn::Member::Named(n) = &f.member
                && !def.fields.iter().any(|(x, _)| n == x)
            {
                let fs = self.span_of(&f.member);
                return Err(
                    self.err(Diagnostic::error(format!("struct `{name}` has no field named `{n}`"), fs).code("E0560"))
                );
            }
        }
        let mut ops = Vec::new();
        for (fname, fty) in &def.fields {
            let Some(f) = s.fields.iter().find(|f| matches!(&f.member, syn::Member::Named(n) if n == fname)) else {
                return Err(self.err(
                    Diagnostic::error(format!("missing field `{fname}` in initializer of `{name}`"), span.clone())
                        .code("E0063")
                        .label(format!("missing `{fname}`")),
                ));
            };
            let fs = self.span_of(&f.expr);
            let v = self.expr(&f.expr, Some(fty))?;
            let (o, t) = self.rvalue(v, &fs)?;
            if &t != fty {
                return Err(self.err(errors::mismatched(&fty.name(&self.cx.structs), &t.name(&self.cx.structs), fs)));
            }
            ops.extend(o);
        }
        Ok(Val::Value(ops, LTy::Struct(si)))
    }
}

pub fn strip(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Paren(p) => strip(&p.expr),
        syn::Expr::Group(g) => strip(&g.expr),
        _ => e,
    }
}

pub fn is_literal(e: &syn::Expr) -> bool {
    match strip(e) {
        syn::Expr::Lit(l) => matches!(&l.lit, syn::Lit::Int(i) if i.suffix().is_empty()),
        syn::Expr::Unary(u) => matches!(u.op, syn::UnOp::Neg(_)) && is_literal(&u.expr),
        _ => false,
    }
}

/// rustc's note under E0609: `available fields are: `0`, `1``.
pub fn available(fields: &[String]) -> String {
    let names: Vec<String> = fields.iter().map(|n| format!("`{n}`")).collect();
    format!("available fields are: {}", names.join(", "))
}

/// E0609 for a field a type does not have.
pub fn no_field(name: &str, ty: &str, span: &Span) -> Diagnostic {
    Diagnostic::error(format!("no field `{name}` on type `{ty}`"), span.clone()).code("E0609").label("unknown field")
}
