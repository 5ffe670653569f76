//! Macros: `assert!`, `assert_eq!`, `assert_ne!` (a check that panics),
//! `debug_assert!` (compiled out, as in the release build), `panic!` and
//! friends, and `addr_of!`/`addr_of_mut!`.

use irqlab_sim::{BinOp, CheckKind, Op, Operand, Span, Ty};
use syn::punctuated::Punctuated;

use super::expr::strip;
use super::{FnBuilder, R, Stop, Val};
use crate::diagnostic::Diagnostic;
use crate::errors;

impl FnBuilder<'_, '_> {
    pub fn macro_call(&mut self, mac: &syn::Macro, span: &Span) -> R<Val> {
        let name = mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let args: Punctuated<syn::Expr, syn::Token![,]> =
            match mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated) {
                Ok(a) => a,
                Err(e) => {
                    let s = self.cx.span(e.span());
                    return Err(self.err(Diagnostic::error(e.to_string(), s)));
                }
            };
        let args: Vec<&syn::Expr> = args.iter().collect();
        let message = |args: &[&syn::Expr], from: usize, default: String| -> String {
            match args.get(from).map(|e| strip(e)) {
                Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) => s.value(),
                _ => default,
            }
        };
        match name.as_str() {
            "assert" => {
                if args.is_empty() {
                    return Err(
                        self.err(Diagnostic::error("macro requires a boolean expression as an argument", span.clone()))
                    );
                }
                let cond = self.scalar_of(args[0], Ty::Bool)?;
                let text = quote::ToTokens::to_token_stream(args[0]).to_string();
                let message = message(&args, 1, format!("assertion failed: {text}"));
                self.emit(Op::Check { cond, kind: CheckKind::Assert, message }, span);
                Ok(Val::unit())
            }
            "assert_eq" | "assert_ne" => {
                if args.len() < 2 {
                    return Err(
                        self.err(Diagnostic::error(format!("`{name}!` takes two values to compare"), span.clone()))
                    );
                }
                let (l, lt) = self.scalar(args[0], None)?;
                let r = self.scalar_of(args[1], lt)?;
                let (op, sym) = if name == "assert_eq" { (BinOp::Eq, "==") } else { (BinOp::Ne, "!=") };
                let v = self.binary_op(op, l, lt, r, lt, span)?;
                let Val::Value(c, _) = v else { return Err(Stop) };
                let message = message(&args, 2, format!("assertion `left {sym} right` failed"));
                self.emit(Op::Check { cond: c[0], kind: CheckKind::Assert, message }, span);
                Ok(Val::unit())
            }
            "debug_assert" | "debug_assert_eq" | "debug_assert_ne" => {
                // irqlab models release builds, where debug assertions are off.
                self.cx.error(
                    Diagnostic::warning(format!("`{name}!` does nothing here"), span.clone())
                        .label("compiled out in release builds")
                        .note("irqlab models release builds (as the firmware is flashed); use `assert!` for a check that always runs"),
                );
                Ok(Val::unit())
            }
            "panic" | "unreachable" | "todo" | "unimplemented" => {
                let default = match name.as_str() {
                    "unreachable" => "internal error: entered unreachable code",
                    "todo" => "not yet implemented",
                    "unimplemented" => "not implemented",
                    _ => "explicit panic",
                };
                let message = message(&args, 0, default.to_string());
                self.emit(Op::Check { cond: Operand::Const(0), kind: CheckKind::Explicit, message }, span);
                Ok(Val::Never)
            }
            "addr_of" | "addr_of_mut" => {
                self.args_count(&args, 1, &name, span)?;
                let s = self.span_of(args[0]);
                let v = match strip(args[0]) {
                    syn::Expr::Path(p) => self.path_expr(&p.path, None, &s, true)?,
                    other => self.expr(other, None)?,
                };
                match v {
                    Val::Place(super::Place::Mem(m)) => Ok(Val::RawPtr(m, name == "addr_of_mut")),
                    _ => Err(self.err(errors::unsupported("`addr_of!` of this", s))),
                }
            }
            other => Err(self.err(errors::unsupported(&format!("the `{other}!` macro"), span.clone()))),
        }
    }
}
