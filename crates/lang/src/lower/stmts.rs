//! Blocks and statements: `let` bindings (a guard bound by `let` lives to
//! the end of its block; other temporaries die with their statement), and
//! expression statements.

use irqlab_sim::{Op, Operand, Span};

use super::{Binding, FnBuilder, LocalPlace, Place, R, Stop, Val, expr};
use crate::types::LTy;

impl FnBuilder<'_, '_> {
    /// A block's value (its tail expression, or `()`).
    pub fn block_value(&mut self, block: &syn::Block, expect: Option<&LTy>) -> R<Val> {
        self.push_scope();
        let mark = self.temps_mark();
        let n = block.stmts.len();
        let mut value = Val::unit();
        let mut poisoned = false;
        let mut diverged = false;
        for (i, stmt) in block.stmts.iter().enumerate() {
            let is_tail = i + 1 == n && matches!(stmt, syn::Stmt::Expr(_, None));
            if is_tail {
                if let syn::Stmt::Expr(e, None) = stmt {
                    match self.expr(e, expect) {
                        Ok(v) => {
                            // Edition 2024: temporaries of a block's tail are
                            // dropped before the block's locals. A guard read
                            // as the value must be read first.
                            let span = self.span_of(e);
                            value = match v {
                                Val::Place(Place::Mem(m)) if !m.borrowed => {
                                    let (ops, ty) = self.rvalue(Val::Place(Place::Mem(m)), &span)?;
                                    Val::Value(ops, ty)
                                }
                                other => other,
                            };
                            if !matches!(value, Val::Guard(_)) {
                                self.flush_temps_from(mark);
                            }
                        }
                        Err(Stop) => {
                            // The tail's error was reported; the block has
                            // no type to check against.
                            self.temps.truncate(mark);
                            poisoned = true;
                        }
                    }
                }
            } else if self.stmt(stmt, &block.stmts[i + 1..]) {
                diverged = true;
            }
        }
        let close =
            self.cx.map.last_line_span(block.brace_token.span.close().start(), block.brace_token.span.close().end());
        if diverged && matches!(&value, Val::Value(v, LTy::Unit) if v.is_empty()) {
            value = Val::Never;
        }
        self.pop_scope(&close);
        if poisoned {
            return Err(Stop);
        }
        Ok(value)
    }

    /// Lowers a statement (`rest`: the statements after it in its block);
    /// returns true if it always diverges.
    pub(super) fn stmt(&mut self, stmt: &syn::Stmt, rest: &[syn::Stmt]) -> bool {
        let mark = self.temps_mark();
        let diverges = match stmt {
            syn::Stmt::Local(local) => self.let_stmt(local, rest).unwrap_or(false),
            syn::Stmt::Expr(e, _) => match self.expr(e, None) {
                Ok(Val::Never) => true,
                Ok(Val::Value(_, LTy::Never)) => true,
                Ok(v) => {
                    if let (Val::Value(_, ty), syn::Stmt::Expr(_, None)) = (&v, stmt)
                        && *ty != LTy::Unit
                        && !matches!(e, syn::Expr::If(_) | syn::Expr::Match(_) | syn::Expr::Block(_))
                    {
                        let s = self.span_of(e);
                        self.cx.error(crate::errors::mismatched("()", &ty.name(&self.cx.structs), s));
                    }
                    false
                }
                Err(Stop) => false,
            },
            syn::Stmt::Macro(m) => {
                let s = self.span_of(&m.mac);
                matches!(self.macro_call(&m.mac, &s), Ok(Val::Never))
            }
            syn::Stmt::Item(item) => {
                let s = self.span_of(item);
                self.cx.error(crate::errors::unsupported("items inside functions", s));
                false
            }
        };
        self.flush_temps_from(mark);
        diverges
    }

    pub(super) fn let_stmt(&mut self, local: &syn::Local, rest: &[syn::Stmt]) -> R<bool> {
        let (pat, ty) = match &local.pat {
            syn::Pat::Type(pt) => (&*pt.pat, Some(&*pt.ty)),
            p => (p, None),
        };
        let declared = match ty {
            Some(t) => Some(self.cx.parse_type(t).ok_or(Stop)?),
            None => None,
        };
        let span = self.span_of(local);
        if let syn::Pat::Ident(pi) = pat {
            let at = self.span_of(&pi.ident);
            self.lets.push((pi.ident.to_string(), at));
        }
        if let syn::Pat::Ident(pi) = pat
            && pi.mutability.is_none()
            && pi.by_ref.is_none()
        {
            let at = self.span_of(&pi.ident);
            self.immutable_lets.push((pi.ident.to_string(), at));
        }
        let Some(init) = &local.init else {
            return Err(self.err(crate::errors::unsupported_with(
                "`let` without a value",
                span,
                "give the variable its first value where it is declared",
            )));
        };
        if let Some((_, diverge)) = &init.diverge {
            let s = self.span_of(diverge);
            return Err(self.err(crate::errors::unsupported("`let ... else`", s)));
        }
        // `let mut n = 0;` takes its type from how `n` is used later.
        let inferred = match (&declared, pat) {
            (None, syn::Pat::Ident(pi)) if expr::is_literal(&init.expr) => {
                self.infer_int(&pi.ident.to_string(), rest).map(LTy::Scalar)
            }
            _ => None,
        };
        let v = match self.expr(&init.expr, declared.as_ref().or(inferred.as_ref())) {
            Ok(v) => v,
            Err(Stop) => {
                self.poison(pat);
                return Err(Stop);
            }
        };
        if matches!(v, Val::Never) {
            // Nothing after this runs; its uses of the variable report
            // nothing (rustc accepts `let b: bool = loop {};`).
            self.poison(pat);
            return Ok(true);
        }
        match pat {
            // `let _ = guard;` binds nothing: the guard is a temporary and
            // dies at the end of this statement, like any other.
            syn::Pat::Wild(_) => Ok(false),
            syn::Pat::Ident(pi) if pi.subpat.is_none() => {
                let name = pi.ident.to_string();
                let mutable = pi.mutability.is_some();
                let init_span = self.span_of(&init.expr);
                if self.bind_value(&name, mutable, v, declared.as_ref(), &init_span).is_err() {
                    self.bind(&name, Binding::Poison);
                    return Err(Stop);
                }
                Ok(false)
            }
            // `let (producer, consumer) = queue.split();`
            syn::Pat::Tuple(t) if matches!(&v, Val::Value(_, LTy::SpscPair(..))) && t.elems.len() == 2 => {
                let Val::Value(_, LTy::SpscPair(elem, n)) = v else { return Err(Stop) };
                for (i, p) in t.elems.iter().enumerate() {
                    let end = LTy::SpscEnd { producer: i == 0, elem: elem.clone(), n };
                    match p {
                        syn::Pat::Ident(pi) if pi.subpat.is_none() && pi.by_ref.is_none() => {
                            self.bind(&pi.ident.to_string(), Binding::Value { slots: Vec::new(), ty: end });
                        }
                        syn::Pat::Wild(_) => {}
                        other => {
                            let s = self.span_of(other);
                            return Err(self.err(crate::errors::unsupported("this pattern in `let`", s)));
                        }
                    }
                }
                Ok(false)
            }
            // `let (hi, lo) = pair;`: each element its own variable.
            syn::Pat::Tuple(t) => {
                let s = self.span_of(t);
                let bound = self.let_tuple(pat, v, declared.as_ref(), &s);
                if bound.is_err() {
                    self.poison(pat);
                }
                bound.map(|()| false)
            }
            other => {
                let s = self.span_of(other);
                Err(self.err(crate::errors::unsupported("this pattern in `let`", s)))
            }
        }
    }

    fn let_tuple(&mut self, pat: &syn::Pat, v: Val, declared: Option<&LTy>, s: &Span) -> R<()> {
        let (ops, ty) = self.rvalue(v, s)?;
        if let Some(d) = declared
            && *d != ty
        {
            let (d, ty) = (d.name(&self.cx.structs), ty.name(&self.cx.structs));
            return Err(self.err(crate::errors::mismatched(&d, &ty, s.clone())));
        }
        if self.refutable(pat) {
            return Err(self.err(
                crate::diagnostic::Diagnostic::error("refutable pattern in local binding", s.clone())
                    .code("E0005")
                    .label("pattern not covered"),
            ));
        }
        let fail = self.new_label();
        let binds = self.pattern(pat, &ops, &ty, fail, s)?;
        self.place_label(fail);
        for (name, b) in binds {
            self.bind(&name, b);
        }
        Ok(())
    }

    /// Binds every name of a `let` pattern whose value had an error (its
    /// uses report nothing more).
    fn poison(&mut self, pat: &syn::Pat) {
        match pat {
            syn::Pat::Ident(pi) => self.bind(&pi.ident.to_string(), Binding::Poison),
            syn::Pat::Tuple(t) => t.elems.iter().for_each(|p| self.poison(p)),
            syn::Pat::Paren(p) => self.poison(&p.pat),
            _ => {}
        }
    }

    /// Whether a `let` pattern can fail to match (anything but names,
    /// `_` and tuples of them).
    fn refutable(&self, pat: &syn::Pat) -> bool {
        match pat {
            syn::Pat::Wild(_) => false,
            syn::Pat::Ident(pi) => pi.subpat.is_some() || self.cx.consts.contains_key(&pi.ident.to_string()),
            syn::Pat::Tuple(t) => t.elems.iter().any(|p| self.refutable(p)),
            syn::Pat::Paren(p) => self.refutable(&p.pat),
            _ => true,
        }
    }

    /// Binds a `let` variable to a value.
    pub(super) fn bind_value(
        &mut self,
        name: &str,
        mutable: bool,
        v: Val,
        declared: Option<&LTy>,
        span: &Span,
    ) -> R<()> {
        match v {
            Val::Guard(g) => {
                // The guard lives until the end of the enclosing block.
                if let Some(i) = self.temps.iter().position(|d| d.guard == g.id) {
                    let d = self.temps.remove(i);
                    if let Some(scope) = self.scopes.last_mut() {
                        scope.drops.push(d);
                    }
                }
                self.bind(name, Binding::Val(Val::Guard(g)));
                Ok(())
            }
            Val::Cs | Val::Ordering(_) | Val::Interrupt(_) | Val::RawPtr(..) => {
                self.bind(name, Binding::Val(v));
                Ok(())
            }
            Val::Place(Place::Mem(p)) if !p.ty.is_copy(&self.cx.structs) || p.borrowed => {
                // A reference to a RefCell/Cell/atomic/Mutex: `let c = X.borrow(cs);`
                self.bind(name, Binding::Val(Val::Place(Place::Mem(p))));
                Ok(())
            }
            other => {
                let (ops, ty) = self.rvalue(other, span)?;
                if let Some(d) = declared
                    && *d != ty
                    && !ty.is_never()
                {
                    return Err(self.err(crate::errors::mismatched(
                        &d.name(&self.cx.structs),
                        &ty.name(&self.cx.structs),
                        span.clone(),
                    )));
                }
                if ty.contains_array(&self.cx.structs) {
                    // An array (or a struct, tuple or option holding one) lives
                    // in the frame, not in registers: it counts towards the
                    // stack (`stack_bytes()`).
                    self.frame_bytes = self.frame_bytes.saturating_add(ty.bytes(&self.cx.structs));
                }
                let aliased = ops.iter().any(|o| matches!(o, Operand::Local(l) if self.mutable_locals.contains(l)));
                if mutable || aliased {
                    let mut slots = Vec::new();
                    let mut leaves = Vec::new();
                    ty.leaves(&self.cx.structs, name, &mut leaves);
                    for (op, (lname, leaf)) in ops.iter().zip(leaves.iter()) {
                        let l = self.local(lname, leaf.ty());
                        self.emit(Op::Move { dst: l, src: *op }, span);
                        if mutable {
                            self.mutable_locals.push(l);
                        }
                        slots.push(l);
                    }
                    self.bind(name, Binding::Local(LocalPlace { name: name.to_string(), slots, ty, mutable }));
                } else {
                    self.name_locals(&ops, name);
                    self.bind(name, Binding::Value { slots: ops, ty });
                }
                Ok(())
            }
        }
    }
}
