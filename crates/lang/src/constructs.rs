//! The constructs a lesson's challenge rules talk about (`[[forbid]]` and
//! `[[require]]` in lesson.toml): critical sections, BASEPRI writes,
//! `static mut`, `NVIC::mask`, a given atomic method or `Ordering`. Found
//! with a syn visitor over the code, each path resolved through the file's
//! `use` items, so `use critical_section::with as cs_with; cs_with(..)` is a
//! critical section and a comment that mentions one is not.

use irqlab_sim::Span;
use serde::Serialize;
use syn::visit::Visit;

use crate::paths::Imports;
use crate::source_map::SourceMap;

/// A construct a rule can forbid or require, as lesson.toml spells it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Construct {
    /// `critical-section`: any of the three below (everything that masks
    /// every interrupt).
    AnyCriticalSection,
    /// `critical_section::with`
    CriticalSectionWith,
    /// `interrupt::free` (`cortex_m::interrupt::free`)
    InterruptFree,
    /// `interrupt::disable` (`cortex_m::interrupt::disable`)
    InterruptDisable,
    /// `basepri::write`: `register::basepri::write` or `basepri_max::write`
    BasepriWrite,
    /// `static mut` (any) or `static mut NAME`: an item declared `static mut`
    StaticMut(Option<String>),
    /// `unsafe`: an `unsafe { }` block
    Unsafe,
    /// `NVIC::mask`
    NvicMask,
    /// `board::clear_event`: a peripheral event acknowledged
    ClearEvent,
    /// `sleep`: either of the two below
    AnySleep,
    /// `asm::wfi` (`cortex_m::asm::wfi`)
    Wfi,
    /// `asm::wfe` (`cortex_m::asm::wfe`)
    Wfe,
    /// `.NAME()`: a method call of that name, such as `.swap()`
    Method(String),
    /// `Ordering::NAME`, such as `Ordering::Relaxed`
    Ordering(String),
}

/// The spellings `Construct::parse` accepts, for messages.
pub const CONSTRUCT_SPELLINGS: &str = "\"critical-section\", \"critical_section::with\", \"interrupt::free\", \
     \"interrupt::disable\", \"basepri::write\", \"static mut\", \"static mut NAME\", \"unsafe\", \"NVIC::mask\", \"board::clear_event\", \"sleep\", \"asm::wfi\", \"asm::wfe\", \".METHOD()\" (e.g. \".swap()\"), \
     \"Ordering::NAME\" (e.g. \"Ordering::Relaxed\")";

const ORDERINGS: &[&str] = &["Relaxed", "Acquire", "Release", "AcqRel", "SeqCst"];

impl Construct {
    /// Reads a construct as lesson.toml spells it.
    pub fn parse(text: &str) -> Option<Construct> {
        let t = text.trim();
        Some(match t {
            "critical-section" => Construct::AnyCriticalSection,
            "critical_section::with" => Construct::CriticalSectionWith,
            "interrupt::free" => Construct::InterruptFree,
            "interrupt::disable" => Construct::InterruptDisable,
            "basepri::write" => Construct::BasepriWrite,
            "static mut" => Construct::StaticMut(None),
            "unsafe" => Construct::Unsafe,
            "NVIC::mask" => Construct::NvicMask,
            "board::clear_event" => Construct::ClearEvent,
            "sleep" => Construct::AnySleep,
            "asm::wfi" => Construct::Wfi,
            "asm::wfe" => Construct::Wfe,
            _ => {
                if let Some(name) = t.strip_prefix("static mut ") {
                    return is_ident(name.trim()).then(|| Construct::StaticMut(Some(name.trim().to_string())));
                }
                if let Some(name) = t.strip_prefix("Ordering::") {
                    return ORDERINGS.contains(&name).then(|| Construct::Ordering(name.to_string()));
                }
                let name = t.strip_prefix('.')?.strip_suffix("()")?;
                return is_ident(name).then(|| Construct::Method(name.to_string()));
            }
        })
    }

    /// Whether `found` (a construct seen in code) is an instance of `self`.
    pub fn matches(&self, found: &Construct) -> bool {
        match self {
            Construct::AnyCriticalSection => {
                matches!(found, Construct::CriticalSectionWith | Construct::InterruptFree | Construct::InterruptDisable)
            }
            Construct::StaticMut(None) => matches!(found, Construct::StaticMut(_)),
            Construct::AnySleep => matches!(found, Construct::Wfi | Construct::Wfe),
            other => other == found,
        }
    }
}

fn is_ident(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

impl std::fmt::Display for Construct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Construct::AnyCriticalSection => f.write_str("a critical section"),
            Construct::CriticalSectionWith => f.write_str("`critical_section::with`"),
            Construct::InterruptFree => f.write_str("`interrupt::free`"),
            Construct::InterruptDisable => f.write_str("`interrupt::disable`"),
            Construct::BasepriWrite => f.write_str("a BASEPRI write"),
            Construct::StaticMut(None) => f.write_str("`static mut`"),
            Construct::StaticMut(Some(name)) => write!(f, "`static mut {name}`"),
            Construct::Unsafe => f.write_str("an `unsafe` block"),
            Construct::NvicMask => f.write_str("`NVIC::mask`"),
            Construct::ClearEvent => f.write_str("`board::clear_event`"),
            Construct::AnySleep => f.write_str("a sleep (`wfi` or `wfe`)"),
            Construct::Wfi => f.write_str("`cortex_m::asm::wfi`"),
            Construct::Wfe => f.write_str("`cortex_m::asm::wfe`"),
            Construct::Method(m) => write!(f, "`.{m}()`"),
            Construct::Ordering(o) => write!(f, "`Ordering::{o}`"),
        }
    }
}

/// One construct found in the code: what, where, and in which function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Found {
    pub construct: Construct,
    pub span: Span,
    /// The innermost named function around it (`None` at the top level).
    pub function: Option<String>,
    /// Whether it is in the first statement of that function's body.
    pub in_first_statement: bool,
}

/// Every construct of `Construct` in `code` (the text of `file_name`), in
/// the order they appear. Code that does not parse has none (compiling it
/// reports why).
pub fn find(code: &str, file_name: &str) -> Vec<Found> {
    crate::on_a_known_stack(|| {
        let found = find_in(code, file_name);
        proc_macro2::extra::invalidate_current_thread_spans();
        found
    })
}

fn find_in(code: &str, file_name: &str) -> Vec<Found> {
    let map = SourceMap::new(file_name, code);
    if crate::too_deep(code, &map).is_some() || crate::nesting::too_deep(code).is_some() {
        return Vec::new();
    }
    let Ok(file) = syn::parse_file(code) else { return Vec::new() };
    let mut imports = Imports::default();
    let mut uses = UseCollector { imports: &mut imports };
    uses.visit_file(&file);
    let mut finder = Finder { imports, map, function: None, first_statement: None, found: Vec::new() };
    finder.visit_file(&file);
    finder.found
}

/// Every `use` item, wherever it is.
struct UseCollector<'a> {
    imports: &'a mut Imports,
}

impl<'ast> Visit<'ast> for UseCollector<'_> {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.imports.add(&u.tree, &[], &mut Vec::new());
    }
}

struct Finder {
    imports: Imports,
    map: SourceMap,
    function: Option<String>,
    /// Where the first statement of the current function's body starts and
    /// ends (line, column).
    first_statement: Option<((usize, usize), (usize, usize))>,
    found: Vec<Found>,
}

impl Finder {
    fn push(&mut self, construct: Construct, span: proc_macro2::Span) {
        let at = (span.start().line, span.start().column);
        let in_first_statement = self.first_statement.is_some_and(|(start, end)| start <= at && at < end);
        let found = Found { construct, span: self.map.of(span), function: self.function.clone(), in_first_statement };
        self.found.push(found);
    }

    fn in_function(&mut self, name: String, body: &syn::Block, visit: impl FnOnce(&mut Self)) {
        let first = body.stmts.first().map(|s| {
            let span =
                quote::ToTokens::to_token_stream(s).into_iter().fold(None, |acc: Option<proc_macro2::Span>, t| {
                    Some(acc.map_or(t.span(), |a| a.join(t.span()).unwrap_or(a)))
                });
            span.map_or(((0, 0), (0, 0)), |sp| ((sp.start().line, sp.start().column), (sp.end().line, sp.end().column)))
        });
        let outer = (self.function.replace(name), std::mem::replace(&mut self.first_statement, first));
        visit(self);
        (self.function, self.first_statement) = outer;
    }
}

/// The construct a called path names, by its canonical path.
fn called(canonical: &str) -> Option<Construct> {
    let (module, name) = canonical.rsplit_once("::")?;
    Some(match (module, name) {
        ("critical_section", "with") => Construct::CriticalSectionWith,
        ("cortex_m::interrupt", "free") => Construct::InterruptFree,
        ("cortex_m::interrupt", "disable") => Construct::InterruptDisable,
        ("cortex_m::register::basepri" | "cortex_m::register::basepri_max", "write") => Construct::BasepriWrite,
        (m, "mask") if m == "NVIC" || m.ends_with("::NVIC") => Construct::NvicMask,
        ("board", "clear_event") => Construct::ClearEvent,
        ("cortex_m::asm", "wfi") => Construct::Wfi,
        ("cortex_m::asm", "wfe") => Construct::Wfe,
        _ => return None,
    })
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.in_function(f.sig.ident.to_string(), &f.block, |s| syn::visit::visit_item_fn(s, f));
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.in_function(f.sig.ident.to_string(), &f.block, |s| syn::visit::visit_impl_item_fn(s, f));
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        if let syn::StaticMutability::Mut(m) = &s.mutability {
            let span = m.span.join(s.ident.span()).unwrap_or(s.ident.span());
            self.push(Construct::StaticMut(Some(s.ident.to_string())), span);
        }
        syn::visit::visit_item_static(self, s);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*c.func
            && let Some(construct) = called(&self.imports.canonical(&p.path))
        {
            let first = p.path.segments.first().map(|s| s.ident.span());
            let last = p.path.segments.last().map(|s| s.ident.span());
            let span = match (first, last) {
                (Some(a), Some(b)) => a.join(b).unwrap_or(a),
                _ => proc_macro2::Span::call_site(),
            };
            self.push(construct, span);
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_expr_unsafe(&mut self, u: &'ast syn::ExprUnsafe) {
        self.push(Construct::Unsafe, u.unsafe_token.span);
        syn::visit::visit_expr_unsafe(self, u);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.push(Construct::Method(m.method.to_string()), m.method.span());
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let canonical = self.imports.canonical(p);
        if let Some((module, name)) = canonical.rsplit_once("::")
            && (module == "Ordering" || module.ends_with("::Ordering"))
            && ORDERINGS.contains(&name)
        {
            let span = p.segments.last().map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
            self.push(Construct::Ordering(name.to_string()), span);
        }
        syn::visit::visit_path(self, p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(code: &str) -> Vec<(String, u32, Option<String>)> {
        find(code, "t.rs").into_iter().map(|f| (f.construct.to_string(), f.span.line, f.function)).collect()
    }

    #[test]
    fn paths_are_resolved_through_use_items() {
        let code = "use critical_section::with as cs_with;\nuse cortex_m::register::basepri;\n\
                    use core::sync::atomic::{AtomicU32, Ordering};\nstatic mut X: u32 = 0;\n\
                    // critical_section::with(|_| ()) in a comment is not one\n\
                    pub fn f() {\n    cs_with(|_| ());\n    unsafe { basepri::write(0x40) };\n\
                    A.swap(0, Ordering::AcqRel);\n    cortex_m::interrupt::free(|_| ());\n}\n";
        assert_eq!(
            kinds(code),
            vec![
                ("`static mut X`".to_string(), 4, None),
                ("`critical_section::with`".to_string(), 7, Some("f".to_string())),
                ("an `unsafe` block".to_string(), 8, Some("f".to_string())),
                ("a BASEPRI write".to_string(), 8, Some("f".to_string())),
                ("`.swap()`".to_string(), 9, Some("f".to_string())),
                ("`Ordering::AcqRel`".to_string(), 9, Some("f".to_string())),
                ("`interrupt::free`".to_string(), 10, Some("f".to_string())),
            ]
        );
    }

    #[test]
    fn a_construct_knows_whether_it_is_in_the_first_statement() {
        let code = "use crate::board::{self, Interrupt};\npub fn a() {\n    board::clear_event(Interrupt::RTC0);\n    \
                    board::busy(1);\n}\npub fn b() {\n    board::busy(1);\n    board::clear_event(Interrupt::RTC0);\n}\n";
        let firsts: Vec<(Option<String>, bool)> = find(code, "t.rs")
            .into_iter()
            .filter(|f| f.construct == Construct::ClearEvent)
            .map(|f| (f.function, f.in_first_statement))
            .collect();
        assert_eq!(firsts, vec![(Some("a".to_string()), true), (Some("b".to_string()), false)]);
    }

    #[test]
    fn spellings_parse_and_the_group_matches_each_critical_section() {
        for s in [
            "critical-section",
            "static mut",
            "static mut X",
            "unsafe",
            "NVIC::mask",
            ".fetch_add()",
            "Ordering::Release",
            "sleep",
            "asm::wfe",
        ] {
            assert!(Construct::parse(s).is_some(), "{s}");
        }
        for s in ["critical", ".()", "Ordering::Strong", ".1x()"] {
            assert!(Construct::parse(s).is_none(), "{s}");
        }
        let any = Construct::AnyCriticalSection;
        assert!(any.matches(&Construct::InterruptFree) && any.matches(&Construct::CriticalSectionWith));
        assert!(!any.matches(&Construct::BasepriWrite));
        let sleep = Construct::AnySleep;
        assert!(sleep.matches(&Construct::Wfi) && sleep.matches(&Construct::Wfe));
        assert!(!Construct::Wfi.matches(&Construct::Wfe));
        let found: Vec<String> = find("pub fn f() {\n    cortex_m::asm::wfe();\n}\n", "t.rs")
            .into_iter()
            .map(|f| f.construct.to_string())
            .collect();
        assert_eq!(found, vec!["`cortex_m::asm::wfe`".to_string()]);
        let x = Construct::StaticMut(Some("X".into()));
        assert!(Construct::StaticMut(None).matches(&x) && x.matches(&x));
        assert!(!Construct::StaticMut(Some("Y".into())).matches(&x));
    }
}
