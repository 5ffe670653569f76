//! Names: what a path means (a variable, a const, a static, a lesson
//! function, or a known item of `core`, `critical_section`, `cortex_m` or the
//! `board`), and the value of a path expression.

use irqlab_sim::{Operand, Span, Ty};

use super::expr::Resolved;
use super::{Binding, FnBuilder, MemPlace, Perm, Place, R, Stop, Val};
use crate::diagnostic::Diagnostic;
use crate::errors;
use crate::types::LTy;

impl FnBuilder<'_, '_> {
    /// Finds what a path names: a variable, a const, a static, a lesson
    /// function, or a known item of a crate.
    pub fn resolve(&self, path: &syn::Path) -> Resolved {
        if self.cx.imports.is_poisoned(path)
            && (path.segments.len() > 1 || self.lookup(&path.segments[0].ident.to_string()).is_none())
        {
            return Resolved::Binding(Binding::Poison);
        }
        if path.segments.len() == 1 && path.leading_colon.is_none() {
            let name = path.segments[0].ident.to_string();
            if let Some(b) = self.lookup(&name) {
                return Resolved::Binding(b);
            }
            if let Some(c) = self.cx.consts.get(&name) {
                return Resolved::Const(c.values.clone(), c.ty.clone());
            }
            if let Some(i) = self.cx.static_named(&name) {
                return Resolved::Static(i);
            }
            if let Some(i) = self.cx.fn_index.get(&name) {
                return Resolved::LessonFn(*i);
            }
            if let Some(i) = self.cx.inline_index.get(&name) {
                return Resolved::InlineFn(*i);
            }
            if self.cx.poisoned.contains(&name) {
                return Resolved::Binding(Binding::Poison);
            }
            if self.cx.imports.is_imported(&name) {
                return Resolved::Known(self.cx.imports.canonical(path));
            }
            for candidate in self.cx.imports.glob_candidates(&name) {
                if crate::known::is_known(&candidate) {
                    return Resolved::Known(candidate);
                }
            }
            return match crate::known::prelude(&name) {
                Some(p) => Resolved::Known(p.to_string()),
                None => Resolved::Unknown,
            };
        }
        if self.undeclared_type(path) {
            return Resolved::Unknown;
        }
        Resolved::Known(self.cx.imports.canonical(path))
    }

    /// `Type::item` where `Type` (a capitalised first segment) is neither
    /// imported, nor a type of the file, nor in the prelude: rustc's E0433.
    fn undeclared_type(&self, path: &syn::Path) -> bool {
        let Some(first) = path.segments.first().filter(|_| path.segments.len() > 1 && path.leading_colon.is_none())
        else {
            return false;
        };
        let name = first.ident.to_string();
        name.starts_with(|c: char| c.is_ascii_uppercase())
            && name != "Self"
            && !self.cx.imports.is_imported(&name)
            && !self.cx.struct_index.contains_key(&name)
            && !self.cx.poisoned.contains(&name)
            && crate::known::prelude(&name).is_none()
            && self.cx.imports.glob_candidates(&name).iter().all(|c| !crate::known::is_known(c))
    }

    /// E0433 on the first segment of a path `undeclared_type` refused.
    pub(super) fn undeclared_type_error(&mut self, path: &syn::Path) -> Stop {
        let first = &path.segments[0].ident;
        let span = self.span_of(first);
        self.err(errors::undeclared_type(&first.to_string(), span))
    }

    /// `raw`: the path is the operand of `&raw const`/`&raw mut`, which is
    /// safe on a `static mut` (no reference is created).
    pub fn path_expr(&mut self, path: &syn::Path, expect: Option<&LTy>, span: &Span, raw: bool) -> R<Val> {
        match self.resolve(path) {
            Resolved::Binding(Binding::Poison) => Err(Stop),
            Resolved::Binding(Binding::Value { slots, ty }) => Ok(Val::Value(slots, ty)),
            Resolved::Binding(Binding::Local(lp)) => Ok(Val::Place(Place::Local(lp))),
            Resolved::Binding(Binding::Val(v)) => Ok(v),
            Resolved::Const(values, ty) => Ok(Val::Value(values.into_iter().map(Operand::Const).collect(), ty)),
            Resolved::Static(i) => {
                let s = self.cx.statics[i].clone();
                if s.mutable && !raw && !self.in_unsafe() {
                    self.cx.error(errors::static_mut_needs_unsafe(span.clone()));
                }
                Ok(Val::Place(Place::Mem(MemPlace {
                    base: s.first,
                    index: None,
                    ty: s.ty.clone(),
                    perm: if s.mutable { Perm::StaticMut } else { Perm::Static },
                    static_idx: i,
                    path: s.name.clone(),
                    volatile: false,
                    borrowed: false,
                })))
            }
            Resolved::LessonFn(_) | Resolved::InlineFn(_) => Err(self.err(errors::unsupported_with(
                "functions as values",
                span.clone(),
                "call the function: `name()`",
            ))),
            Resolved::Known(canonical) => {
                // rustc points at the last segment of a path it cannot resolve.
                let last = path.segments.last().map_or_else(|| span.clone(), |s| self.span_of(&s.ident));
                self.known_value(&canonical, expect, span, &last)
            }
            Resolved::Unknown if path.segments.len() > 1 => Err(self.undeclared_type_error(path)),
            Resolved::Unknown => {
                let name = path.segments[0].ident.to_string();
                let mut d = errors::not_found("value", &name, span.clone(), self.typo_candidates());
                // A `let` of that name whose scope has ended (a loop's body):
                // rustc points at it instead (fixtures/e0425_torn_u64_lo.rs).
                if d.suggestion.is_none()
                    && let Some((_, at)) = self.lets.iter().rev().find(|(n, _)| *n == name)
                {
                    d.label = None;
                    let message =
                        format!("the binding `{name}` is available in a different scope in the same function");
                    d = d.child_help(message, at.clone());
                }
                Err(self.err(d))
            }
        }
    }

    pub(super) fn known_value(&mut self, canonical: &str, expect: Option<&LTy>, span: &Span, last: &Span) -> R<Val> {
        let (module, name) = canonical.rsplit_once("::").unwrap_or(("", canonical));
        match module {
            "core::sync::atomic::Ordering" | "portable_atomic::Ordering" => {
                if let Some(o) = irqlab_sim::Ordering::from_name(name) {
                    return Ok(Val::Ordering(o));
                }
                return Err(self.err(errors::no_ordering_variant(name, last.clone())));
            }
            "board::Interrupt" => {
                if crate::board::is_interrupt(name) {
                    return Ok(Val::Interrupt(name.to_string()));
                }
                return Err(self.err(errors::no_interrupt_variant(name, last.clone(), self.cx.names_cortex_m)));
            }
            "core::option::Option" if name == "None" => {
                return match expect {
                    Some(t @ LTy::Option(inner)) => {
                        let n = inner.slots(&self.cx.structs) as usize;
                        let mut ops = vec![Operand::Const(0)];
                        ops.extend(std::iter::repeat_n(Operand::Const(0), n));
                        Ok(Val::Value(ops, t.clone()))
                    }
                    _ => Err(self.err(
                        Diagnostic::error("type annotations needed for `Option<_>`", span.clone())
                            .code("E0282")
                            .advise("give the variable a type: `let x: Option<u32> = None;`"),
                    )),
                };
            }
            _ => {}
        }
        if let Some(t) = Ty::from_name(module.rsplit("::").next().unwrap_or(module))
            && (name == "MAX" || name == "MIN")
        {
            let v = if name == "MAX" { t.max() } else { t.min() };
            return Ok(Val::Value(vec![Operand::Const(t.wrap(v))], LTy::Scalar(t)));
        }
        if canonical.starts_with("std::") {
            return Err(self.err(errors::no_std(canonical, span.clone())));
        }
        let last = name.to_string();
        Err(self.err(errors::not_found("value", &last, span.clone(), Vec::new())))
    }
}
