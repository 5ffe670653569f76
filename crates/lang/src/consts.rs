//! Constant evaluation of initializers (`static`, `const`, array lengths):
//! the value of each cell of the layout, in `LTy::leaves` order.

use irqlab_sim::Ty;
use syn::spanned::Spanned;

use crate::diagnostic::Diagnostic;
use crate::errors;
use crate::items::Crate;
use crate::types::LTy;

pub fn eval(cx: &Crate, expr: &syn::Expr, ty: &LTy) -> Result<Vec<u64>, Diagnostic> {
    let span = cx.span(expr.span());
    let expr = strip(expr);
    if let syn::Expr::Path(p) = expr
        && p.path.segments.len() == 1
        && let Some(c) = cx.consts.get(&p.path.segments[0].ident.to_string())
    {
        if &c.ty != ty {
            return Err(errors::mismatched(&ty.name(&cx.structs), &c.ty.name(&cx.structs), span));
        }
        return Ok(c.values.clone());
    }
    if let Some(body) = const_fn_body(cx, expr, ty, &span)? {
        return eval(cx, body, ty);
    }
    match ty {
        LTy::Scalar(t) => {
            let v = int(cx, expr, Some(*t))?;
            if *t != Ty::Bool && (v < t.min() || v > t.max()) {
                return Err(Diagnostic::error(format!("literal out of range for `{}`", t.name()), span)
                    .note(format!("the literal `{v}` does not fit into the type `{}`", t.name())));
            }
            Ok(vec![t.wrap(v)])
        }
        LTy::Unit => Ok(Vec::new()),
        LTy::Atomic { ty: t, .. } => {
            let arg = constructor(cx, expr, "new", span.clone())?;
            eval(cx, arg, &LTy::Scalar(*t))
        }
        LTy::RefCell(inner) => {
            let arg = constructor(cx, expr, "new", span)?;
            let mut v = vec![0];
            v.extend(eval(cx, arg, inner)?);
            Ok(v)
        }
        LTy::Tuple(elems) => match expr {
            syn::Expr::Tuple(t) if t.elems.len() == elems.len() => {
                let mut v = Vec::new();
                for (e, t) in t.elems.iter().zip(elems) {
                    v.extend(eval(cx, e, t)?);
                }
                Ok(v)
            }
            syn::Expr::Tuple(t) => Err(errors::mismatched(
                &ty.name(&cx.structs),
                &format!("a tuple with {} elements", t.elems.len()),
                span,
            )),
            _ => Err(not_const(span)),
        },
        LTy::Cell(inner) | LTy::Mutex(inner) | LTy::UnsafeCell(inner) => {
            let arg = constructor(cx, expr, "new", span)?;
            eval(cx, arg, inner)
        }
        LTy::Option(inner) => match expr {
            syn::Expr::Path(p) if last(&p.path) == "None" => {
                let mut v = vec![0];
                v.resize(1 + inner.slots(&cx.structs) as usize, 0);
                Ok(v)
            }
            syn::Expr::Call(c) if path_last(&c.func) == "Some" && c.args.len() == 1 => {
                let mut v = vec![1];
                v.extend(eval(cx, &c.args[0], inner)?);
                Ok(v)
            }
            _ => Err(not_const(span)),
        },
        LTy::Array(elem, n) => match expr {
            syn::Expr::Repeat(r) => {
                let count = eval(cx, &r.len, &LTy::Scalar(Ty::Usize))?;
                if count.first().copied() != Some(u64::from(*n)) {
                    return Err(errors::mismatched(
                        &ty.name(&cx.structs),
                        &format!("[{}; {}]", elem.name(&cx.structs), count.first().copied().unwrap_or(0)),
                        span,
                    ));
                }
                let one = eval(cx, &r.expr, elem)?;
                Ok(one.iter().copied().cycle().take(one.len() * *n as usize).collect())
            }
            syn::Expr::Array(a) => {
                if a.elems.len() != *n as usize {
                    return Err(errors::mismatched(
                        &ty.name(&cx.structs),
                        &format!("[{}; {}]", elem.name(&cx.structs), a.elems.len()),
                        span,
                    ));
                }
                let mut v = Vec::new();
                for e in &a.elems {
                    v.extend(eval(cx, e, elem)?);
                }
                Ok(v)
            }
            _ => Err(not_const(span)),
        },
        LTy::Struct(i) => {
            let def = cx.structs.get(*i).cloned().ok_or_else(|| not_const(span.clone()))?;
            let syn::Expr::Struct(s) = expr else { return Err(not_const(span)) };
            let mut v = Vec::new();
            for (fname, fty) in &def.fields {
                let field = s.fields.iter().find(|f| matches!(&f.member, syn::Member::Named(n) if n == fname));
                match field {
                    Some(f) => v.extend(eval(cx, &f.expr, fty)?),
                    None => {
                        return Err(Diagnostic::error(
                            format!("missing field `{fname}` in initializer of `{}`", def.name),
                            span,
                        )
                        .code("E0063")
                        .label(format!("missing `{fname}`")));
                    }
                }
            }
            Ok(v)
        }
        // `Queue::new()`: both indices 0, the slots uninitialized (0 here).
        LTy::SpscQueue(..) => match expr {
            syn::Expr::Call(c) if path_last(&c.func) == "new" && c.args.is_empty() => {
                Ok(vec![0; ty.slots(&cx.structs) as usize])
            }
            _ => Err(not_const(span)),
        },
        LTy::Never | LTy::Result(_) | LTy::SpscEnd { .. } | LTy::SpscPair(..) | LTy::CsToken => Err(not_const(span)),
    }
}

/// `Type::new()` calling a `const fn` of the lesson without parameters
/// whose body is one expression: that expression (evaluated in its place).
fn const_fn_body<'c>(
    cx: &'c Crate,
    expr: &syn::Expr,
    ty: &LTy,
    span: &irqlab_sim::Span,
) -> Result<Option<&'c syn::Expr>, Diagnostic> {
    let syn::Expr::Call(c) = expr else { return Ok(None) };
    let syn::Expr::Path(p) = strip(&c.func) else { return Ok(None) };
    let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    let key = match segs.as_slice() {
        [ty_name, f] if ty_name == "Self" => match cx.self_ty.and_then(|i| cx.structs.get(i)) {
            Some(s) => format!("{}::{f}", s.name),
            None => return Ok(None),
        },
        [ty_name, f] if cx.struct_index.contains_key(ty_name) => format!("{ty_name}::{f}"),
        [f] => f.clone(),
        _ => return Ok(None),
    };
    let Some(f) = cx.inline_index.get(&key).and_then(|i| cx.inline_fns.get(*i)) else { return Ok(None) };
    if !f.is_const {
        let kind = if f.self_ty.is_some() { "associated function" } else { "function" };
        return Err(Diagnostic::error(format!("cannot call non-const {kind} `{key}` in statics"), span.clone())
            .code("E0015")
            .note("calls in statics are limited to constant functions, tuple structs and tuple variants")
            .note("consider wrapping this expression in `std::sync::LazyLock::new(|| ...)`")
            .advise(format!("declare it `const fn {}`", f.item.sig.ident)));
    }
    if &f.ret != ty {
        return Err(errors::mismatched(&ty.name(&cx.structs), &f.ret.name(&cx.structs), span.clone()));
    }
    match (f.params.is_empty() && f.receiver.is_none() && c.args.is_empty(), f.item.block.stmts.as_slice()) {
        // One level only: a `const fn` whose body calls another is not
        // evaluated (and so cannot recurse).
        (true, [syn::Stmt::Expr(body, None)]) if !matches!(strip(body), syn::Expr::Call(_)) => Ok(Some(body)),
        _ => Err(errors::unsupported_with(
            "this `const fn` in an initializer",
            span.clone(),
            "irqlab evaluates a `const fn` without parameters whose body is one expression, such as `Self { .. }`",
        )),
    }
}

/// The argument of `Type::new(arg)` (any path ending in `new`).
fn constructor<'e>(
    cx: &Crate,
    expr: &'e syn::Expr,
    method: &str,
    span: irqlab_sim::Span,
) -> Result<&'e syn::Expr, Diagnostic> {
    let _ = cx;
    match expr {
        syn::Expr::Call(c) if path_last(&c.func) == method && c.args.len() == 1 => Ok(strip(&c.args[0])),
        _ => Err(Diagnostic::error(format!("expected a call to `{method}(...)` here"), span)
            .label(format!("irqlab needs `Type::{method}(value)` as this static's initializer"))),
    }
}

fn not_const(span: irqlab_sim::Span) -> Diagnostic {
    errors::unsupported_with(
        "this initializer",
        span,
        "initialize statics with literals, consts, `Type::new(..)`, `None`/`Some(..)`, `[x; N]` or a struct literal",
    )
}

fn strip(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Paren(p) => strip(&p.expr),
        syn::Expr::Group(g) => strip(&g.expr),
        _ => e,
    }
}

fn last(p: &syn::Path) -> String {
    p.segments.last().map(|s| s.ident.to_string()).unwrap_or_default()
}

fn path_last(e: &syn::Expr) -> String {
    match strip(e) {
        syn::Expr::Path(p) => last(&p.path),
        _ => String::new(),
    }
}

/// The value of a constant integer or bool expression.
pub fn int(cx: &Crate, expr: &syn::Expr, ty: Option<Ty>) -> Result<i128, Diagnostic> {
    let span = cx.span(expr.span());
    match strip(expr) {
        syn::Expr::Lit(l) => match &l.lit {
            syn::Lit::Int(i) => i.base10_parse::<i128>().map_err(|_| not_const(span)),
            syn::Lit::Bool(b) => Ok(i128::from(b.value)),
            syn::Lit::Byte(b) => Ok(i128::from(b.value())),
            _ => Err(not_const(span)),
        },
        syn::Expr::Unary(u) => {
            let v = int(cx, &u.expr, ty)?;
            match u.op {
                syn::UnOp::Neg(_) => Ok(-v),
                syn::UnOp::Not(_) => match ty {
                    Some(Ty::Bool) => Ok(i128::from(v == 0)),
                    Some(t) => Ok(t.value(t.wrap(!v))),
                    None => Ok(!v),
                },
                _ => Err(not_const(span)),
            }
        }
        syn::Expr::Binary(b) => {
            let (x, y) = (int(cx, &b.left, ty)?, int(cx, &b.right, ty)?);
            let overflow = || Diagnostic::error("this arithmetic operation will overflow", span.clone());
            Ok(match b.op {
                syn::BinOp::Add(_) => x + y,
                syn::BinOp::Sub(_) => x - y,
                syn::BinOp::Mul(_) => x.checked_mul(y).ok_or_else(overflow)?,
                syn::BinOp::Div(_) => x.checked_div(y).ok_or_else(overflow)?,
                syn::BinOp::Rem(_) => x.checked_rem(y).ok_or_else(overflow)?,
                syn::BinOp::Shl(_) if (0..64).contains(&y) => x << y,
                syn::BinOp::Shr(_) if (0..64).contains(&y) => x >> y,
                syn::BinOp::BitAnd(_) => x & y,
                syn::BinOp::BitOr(_) => x | y,
                syn::BinOp::BitXor(_) => x ^ y,
                _ => return Err(not_const(span)),
            })
        }
        syn::Expr::Cast(c) => {
            let v = int(cx, &c.expr, None)?;
            match &*c.ty {
                syn::Type::Path(p) => match Ty::from_name(&last(&p.path)) {
                    Some(t) => Ok(t.value(t.wrap(v))),
                    None => Err(not_const(span)),
                },
                _ => Err(not_const(span)),
            }
        }
        syn::Expr::Path(p) => {
            let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
            match segs.as_slice() {
                [name] => match cx.consts.get(name) {
                    Some(c) => match (&c.ty, c.values.first()) {
                        (LTy::Scalar(t), Some(v)) => Ok(t.value(*v)),
                        _ => Err(not_const(span)),
                    },
                    None => Err(Diagnostic::error(format!("cannot find value `{name}` in this scope"), span)
                        .code("E0425")
                        .label("not found in this scope")),
                },
                [.., t, c] if Ty::from_name(t).is_some() && (c == "MAX" || c == "MIN") => {
                    let t = Ty::from_name(t).unwrap_or(Ty::U32);
                    Ok(if c == "MAX" { t.max() } else { t.min() })
                }
                _ => Err(not_const(span)),
            }
        }
        _ => Err(not_const(span)),
    }
}
