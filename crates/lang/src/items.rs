//! The crate as a whole: `use` items, structs, consts, statics (laid out as
//! locations) and function signatures, collected before any body is lowered.

use std::collections::HashMap;

use irqlab_sim::{Location, LocationDecl, Span, StaticDecl};
use quote::ToTokens;
use syn::spanned::Spanned;

use crate::board;
use crate::consts;
use crate::diagnostic::Diagnostic;
use crate::errors;
use crate::paths::Imports;
use crate::setup::Setup;
use crate::source_map::SourceMap;
use crate::types::{LTy, StructDef, atomic_of};

/// A type as written, in rustc's spacing (`Mutex<RefCell<u32>>`).
fn type_text(ty: &syn::Type) -> String {
    let text = ty.to_token_stream().to_string();
    text.replace(" < ", "<").replace(" > ", ">").replace(" >", ">").replace("< ", "<").replace(" ;", ";")
}

#[derive(Clone, Debug)]
pub struct ConstDef {
    pub ty: LTy,
    pub values: Vec<u64>,
}

#[derive(Clone, Debug)]
pub struct StaticInfo {
    pub name: String,
    pub ty: LTy,
    pub mutable: bool,
    pub first: Location,
    /// From `pub` (or `static`) through the type: what rustc underlines when
    /// it points at the item.
    pub decl_span: Span,
    /// The whole item, `pub` through `;` (its first line when it has several).
    pub item_span: Span,
    /// The type as written.
    pub ty_span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FnAttr {
    Plain,
    Entry,
    Interrupt,
    Exception,
}

#[derive(Clone)]
pub struct FnInfo {
    pub name: String,
    pub params: Vec<(String, LTy, bool)>,
    pub ret: LTy,
    pub span: Span,
    pub is_unsafe: bool,
    pub attr: FnAttr,
    pub item: syn::ItemFn,
    /// `&self` (false) or `&mut self` (true).
    pub receiver: Option<bool>,
    /// The struct of the `impl` block it is in.
    pub self_ty: Option<usize>,
    pub is_const: bool,
}

pub struct Crate<'a> {
    pub setup: &'a Setup,
    pub map: SourceMap,
    pub diags: Vec<Diagnostic>,
    /// The expressions being lowered, outermost first: each one's span (its
    /// first line) and, when it covers several lines, where it ends.
    pub open_exprs: Vec<(Span, Option<(u32, u32)>)>,
    pub imports: Imports,
    pub structs: Vec<StructDef>,
    pub struct_index: HashMap<String, usize>,
    pub consts: HashMap<String, ConstDef>,
    pub statics: Vec<StaticInfo>,
    /// The first static of each name, by name (a file may have thousands).
    static_index: HashMap<String, usize>,
    pub static_decls: Vec<StaticDecl>,
    pub locations: Vec<LocationDecl>,
    pub fns: Vec<FnInfo>,
    pub fn_index: HashMap<String, usize>,
    /// Functions lowered into each caller by the front end: those of `impl`
    /// blocks, by `Type::name`, and those that take or return values of
    /// several cells (a tuple, a struct) or a `CriticalSection`, by name.
    pub inline_fns: Vec<FnInfo>,
    pub inline_index: HashMap<String, usize>,
    /// The struct whose `impl` block is being read or lowered (`Self`).
    pub self_ty: Option<usize>,
    /// Statics and consts whose declaration had an error: their uses
    /// report nothing more.
    pub poisoned: Vec<String>,
    /// The code names the `cortex_m` crate: rustc then loads it, and with
    /// it a second item named `Interrupt` (cortex-m's `VectActive::Interrupt`),
    /// so it names the board's enum by its whole path in messages.
    pub names_cortex_m: bool,
}

impl<'a> Crate<'a> {
    pub fn new(setup: &'a Setup, map: SourceMap) -> Crate<'a> {
        Crate {
            setup,
            map,
            diags: Vec::new(),
            open_exprs: Vec::new(),
            imports: Imports::default(),
            structs: Vec::new(),
            struct_index: HashMap::new(),
            consts: HashMap::new(),
            statics: Vec::new(),
            static_index: HashMap::new(),
            static_decls: Vec::new(),
            locations: Vec::new(),
            fns: Vec::new(),
            fn_index: HashMap::new(),
            inline_fns: Vec::new(),
            inline_index: HashMap::new(),
            self_ty: None,
            poisoned: Vec::new(),
            names_cortex_m: false,
        }
    }

    pub fn span(&self, s: proc_macro2::Span) -> Span {
        self.map.of(s)
    }

    /// Records a diagnostic. One whose span is that of an expression being
    /// lowered (the innermost, when nested ones start alike) gets that
    /// expression's end, to draw every line it covers.
    pub fn error(&mut self, mut d: Diagnostic) {
        if d.ends_at.is_none() {
            d.ends_at = self.open_exprs.iter().rev().find(|(span, _)| *span == d.span).and_then(|(_, end)| *end);
        }
        self.diags.push(d);
    }

    pub fn static_named(&self, name: &str) -> Option<usize> {
        self.static_index.get(name).copied()
    }

    /// Collects every item of the file, in source order per kind.
    pub fn collect(&mut self, file: &syn::File) {
        for item in &file.items {
            if let syn::Item::Use(u) = item {
                let mut bad = Vec::new();
                self.imports.add(&u.tree, &[], &mut bad);
                for b in bad {
                    let span = self.span(b.span);
                    let d = match &b.missing {
                        Some(label) => errors::missing_module(&b.path, label, span),
                        None => errors::unresolved_import(&b.path, &b.root, span),
                    };
                    self.error(d);
                }
            }
        }
        // Struct names first, so fields may name each other.
        for item in &file.items {
            if let syn::Item::Struct(s) = item {
                let name = s.ident.to_string();
                self.struct_index.insert(name.clone(), self.structs.len());
                self.structs.push(StructDef { name, fields: Vec::new(), sync: false });
            }
        }
        for item in &file.items {
            match item {
                syn::Item::Struct(s) => self.collect_struct(s),
                syn::Item::Const(c) => self.collect_const(c),
                _ => {}
            }
        }
        // `impl` blocks before statics: a static's initializer may call a
        // `const fn`, and its type must be `Sync`.
        for item in &file.items {
            if let syn::Item::Impl(i) = item {
                self.collect_impl(i);
            }
        }
        for item in &file.items {
            match item {
                syn::Item::Static(s) => self.collect_static(s),
                syn::Item::Fn(f) => self.collect_fn(f, None),
                syn::Item::Use(_) | syn::Item::Struct(_) | syn::Item::Const(_) | syn::Item::Impl(_) => {}
                other => {
                    let span = self.span(item_head_span(other));
                    self.error(errors::unsupported(item_kind(other), span));
                }
            }
        }
    }

    fn collect_struct(&mut self, s: &syn::ItemStruct) {
        let index = self.struct_index[&s.ident.to_string()];
        let mut fields = Vec::new();
        match &s.fields {
            syn::Fields::Named(named) => {
                for f in &named.named {
                    let Some(ident) = &f.ident else { continue };
                    if let Some(ty) = self.parse_type(&f.ty) {
                        if contains_struct(&ty, index, &self.structs) {
                            let span = self.span(f.ty.span());
                            self.error(
                                Diagnostic::error(format!("recursive type `{}` has infinite size", s.ident), span)
                                    .code("E0072"),
                            );
                            continue;
                        }
                        fields.push((ident.to_string(), ty));
                    }
                }
            }
            syn::Fields::Unit => {}
            syn::Fields::Unnamed(u) => {
                let span = self.span(u.span());
                self.error(errors::unsupported("tuple structs", span));
            }
        }
        self.structs[index].fields = fields;
    }

    fn collect_const(&mut self, c: &syn::ItemConst) {
        let Some(ty) = self.parse_type(&c.ty) else {
            self.poisoned.push(c.ident.to_string());
            return;
        };
        match consts::eval(self, &c.expr, &ty) {
            Ok(values) => {
                self.consts.insert(c.ident.to_string(), ConstDef { ty, values });
            }
            Err(d) => {
                self.poisoned.push(c.ident.to_string());
                self.error(d);
            }
        }
    }

    fn collect_static(&mut self, s: &syn::ItemStatic) {
        let name = s.ident.to_string();
        let mutable = matches!(s.mutability, syn::StaticMutability::Mut(_));
        let Some(ty) = self.parse_type(&s.ty) else {
            self.poisoned.push(name);
            return;
        };
        if !mutable && let Some(d) = self.not_sync(&ty, &s.ty) {
            self.error(d);
        }
        let values = match consts::eval(self, &s.expr, &ty) {
            Ok(v) => v,
            Err(d) => {
                self.poisoned.push(name);
                self.error(d);
                return;
            }
        };
        let mut leaves = Vec::new();
        ty.leaves(&self.structs, &name, &mut leaves);
        let first = Location(self.locations.len() as u32);
        for ((leaf_name, leaf), init) in leaves.iter().zip(values.iter().chain(std::iter::repeat(&0))) {
            self.locations.push(LocationDecl {
                name: leaf_name.clone(),
                static_name: name.clone(),
                ty: leaf.ty(),
                kind: leaf.kind(),
                init: *init,
            });
        }
        let start = s.vis.span();
        let start = if matches!(s.vis, syn::Visibility::Inherited) { s.static_token.span } else { start };
        let decl = self.map.span(start.start(), s.ty.span().end());
        let item_span = self.map.span(start.start(), s.semi_token.span.end());
        let ty_span = self.map.span(s.ty.span().start(), s.ty.span().end());
        let ident_span = self.span(s.ident.span());
        self.static_decls.push(StaticDecl {
            name: name.clone(),
            rust_type: type_text(&s.ty),
            first,
            len: leaves.len() as u32,
            span: ident_span,
        });
        self.static_index.entry(name.clone()).or_insert(self.statics.len());
        self.statics.push(StaticInfo { name, ty, mutable, first, decl_span: decl, item_span, ty_span });
    }

    /// An `impl` block: `unsafe impl Sync for T {}` marks the struct `Sync`;
    /// an inherent `impl T { .. }` adds its functions, lowered into each
    /// caller (`Type::name`).
    fn collect_impl(&mut self, i: &syn::ItemImpl) {
        let target = match &*i.self_ty {
            syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                self.struct_index.get(&p.path.segments[0].ident.to_string()).copied()
            }
            _ => None,
        };
        let Some(target) = target else {
            let s = self.span(i.self_ty.span());
            self.error(errors::unsupported_with(
                "`impl` blocks for this type",
                s,
                "an `impl` block is for a `struct` of the lesson",
            ));
            return;
        };
        if let Some(g) = i.generics.params.first() {
            let s = self.span(g.span());
            self.error(errors::unsupported("generic `impl` blocks", s));
            return;
        }
        if let Some((_, path, _)) = &i.trait_ {
            let name = path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            let canonical = self.imports.canonical(path);
            let is_sync = name == "Sync" && matches!(canonical.as_str(), "Sync" | "core::marker::Sync");
            if !is_sync {
                let s = self.span(path.span());
                self.error(errors::unsupported_with(
                    "trait implementations",
                    s,
                    "irqlab models `unsafe impl Sync for T {}` and inherent `impl T { .. }` blocks",
                ));
                return;
            }
            if i.unsafety.is_none() {
                let start = i.impl_token.span.start();
                let whole = self.map.span(start, i.self_ty.span().end());
                let d = Diagnostic::error("the trait `Sync` requires an `unsafe impl` declaration", whole)
                    .code("E0200")
                    .note("the trait `Sync` enforces invariants that the compiler can't check. Review the trait documentation and make sure this implementation upholds those invariants before adding the `unsafe` keyword")
                    .suggest("add `unsafe` to this trait implementation", self.map.span(start, start), "unsafe ");
                self.error(d);
                // rustc still takes the impl as written: the type is `Sync`,
                // and a `static` of it gets no E0277 besides the E0200.
                self.structs[target].sync = true;
                return;
            }
            if let Some(item) = i.items.first() {
                let s = self.span(item.span());
                self.error(errors::unsupported("items in `unsafe impl Sync`", s));
            }
            self.structs[target].sync = true;
            return;
        }
        if let Some(u) = &i.unsafety {
            let s = self.span(u.span);
            self.error(
                Diagnostic::error("inherent impls cannot be unsafe", s).code("E0197").label("unsafe because of this"),
            );
            return;
        }
        for item in &i.items {
            match item {
                syn::ImplItem::Fn(f) => {
                    let item = syn::ItemFn {
                        attrs: f.attrs.clone(),
                        vis: f.vis.clone(),
                        sig: f.sig.clone(),
                        block: Box::new(f.block.clone()),
                    };
                    self.self_ty = Some(target);
                    self.collect_fn(&item, Some(target));
                    self.self_ty = None;
                }
                other => {
                    let s = self.span(other.span());
                    self.error(errors::unsupported("this item in an `impl` block", s));
                }
            }
        }
    }

    fn collect_fn(&mut self, f: &syn::ItemFn, self_ty: Option<usize>) {
        let name = f.sig.ident.to_string();
        let span = self.span(f.sig.ident.span());
        let mut attr = FnAttr::Plain;
        for a in &f.attrs {
            let last = a.path().segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            match last.as_str() {
                "entry" => attr = FnAttr::Entry,
                "interrupt" => {
                    attr = FnAttr::Interrupt;
                    if !board::is_interrupt(&name) {
                        self.error(errors::unknown_interrupt(&name, span.clone()));
                    }
                }
                "exception" => {
                    attr = FnAttr::Exception;
                    if board::system_exception(&name).is_none() {
                        self.error(errors::unknown_exception(&name, span.clone()));
                    }
                }
                _ => {}
            }
        }
        if let Some(g) = f.sig.generics.params.first() {
            let s = self.span(g.span());
            self.error(errors::unsupported("generic functions", s));
        }
        if f.sig.asyncness.is_some() {
            let s = self.span(f.sig.asyncness.span());
            self.error(errors::unsupported("`async fn`", s));
        }
        let mut params = Vec::new();
        let mut receiver = None;
        let mut inline = self_ty.is_some();
        for input in &f.sig.inputs {
            match input {
                syn::FnArg::Typed(pt) => {
                    let (pname, mutable) = match &*pt.pat {
                        syn::Pat::Ident(pi) => (pi.ident.to_string(), pi.mutability.is_some()),
                        syn::Pat::Wild(_) => ("_".to_string(), false),
                        other => {
                            let s = self.span(other.span());
                            self.error(errors::unsupported("patterns in parameters", s));
                            continue;
                        }
                    };
                    let Some(ty) = self.parse_type(&pt.ty) else { continue };
                    if ty.scalar().is_none() {
                        if ty == LTy::CsToken || (ty.is_copy(&self.structs) && !matches!(ty, LTy::Unit | LTy::Never)) {
                            inline = true;
                        } else {
                            let s = self.span(pt.ty.span());
                            self.error(errors::unsupported_with(
                                "parameters of this type",
                                s,
                                "a lesson function's parameters are plain data (integers, `bool`, tuples, structs) or a `CriticalSection`; pass other data through a static",
                            ));
                            continue;
                        }
                    }
                    params.push((pname, ty, mutable));
                }
                syn::FnArg::Receiver(r) if self_ty.is_some() && r.reference.is_some() && r.colon_token.is_none() => {
                    receiver = Some(r.mutability.is_some());
                }
                syn::FnArg::Receiver(r) => {
                    let s = self.span(r.span());
                    let what = if self_ty.is_some() {
                        "methods taking `self` by value"
                    } else {
                        "methods (`self` parameters)"
                    };
                    self.error(errors::unsupported(what, s));
                }
            }
        }
        let ret = match &f.sig.output {
            syn::ReturnType::Default => LTy::Unit,
            syn::ReturnType::Type(_, ty) => match self.parse_type(ty) {
                Some(t @ (LTy::Scalar(_) | LTy::Unit | LTy::Never)) => t,
                // A struct with cells of its own, for `const fn new() -> Self`.
                Some(t) if t.is_copy(&self.structs) || matches!(t, LTy::Struct(_) | LTy::Tuple(_)) => {
                    inline = true;
                    t
                }
                Some(_) => {
                    let s = self.span(ty.span());
                    self.error(errors::unsupported_with(
                        "return values of this type",
                        s,
                        "a lesson function returns plain data (an integer, a `bool`, a tuple, a struct) or nothing",
                    ));
                    LTy::Unit
                }
                None => LTy::Unit,
            },
        };
        let key = match self_ty {
            Some(t) => format!("{}::{name}", self.structs[t].name),
            None => name.clone(),
        };
        if self.fn_index.contains_key(&key) || self.inline_index.contains_key(&key) {
            let d = match self_ty {
                Some(_) => Diagnostic::error(format!("duplicate definitions with name `{name}`"), span.clone())
                    .code("E0592")
                    .label(format!("duplicate definitions for `{name}`")),
                None => Diagnostic::error(format!("the name `{name}` is defined multiple times"), span.clone())
                    .code("E0428")
                    .label(format!("`{name}` redefined here")),
            };
            self.error(d);
            return;
        }
        let info = FnInfo {
            name: key.clone(),
            params,
            ret,
            span,
            is_unsafe: f.sig.unsafety.is_some(),
            attr,
            item: f.clone(),
            receiver,
            self_ty,
            is_const: f.sig.constness.is_some(),
        };
        if inline {
            self.inline_index.insert(key, self.inline_fns.len());
            self.inline_fns.push(info);
        } else {
            self.fn_index.insert(key, self.fns.len());
            self.fns.push(info);
        }
    }

    /// rustc's E0277 for a `static` whose type is not `Sync`: an
    /// `UnsafeCell`, `Cell` or `RefCell` outside a `Mutex`, unless a struct
    /// around it promises `unsafe impl Sync`.
    fn not_sync(&self, ty: &LTy, written: &syn::Type) -> Option<Diagnostic> {
        let mut within = Vec::new();
        let culprit = ty.not_sync(&self.structs, &mut within)?;
        let c = culprit.name(&self.structs);
        let span = self.span(written.span());
        let mut d = Diagnostic::error(format!("`{c}` cannot be shared between threads safely"), span)
            .code("E0277")
            .label(format!("`{c}` cannot be shared between threads safely"));
        d = match within.last() {
            Some(outer) => {
                d.help(format!("within `{}`, the trait `Sync` is not implemented for `{c}`", outer.name(&self.structs)))
            }
            None => d.help(format!("the trait `Sync` is not implemented for `{c}`")),
        };
        match &culprit {
            LTy::Cell(inner) => {
                let atomic = match inner.scalar() {
                    Some(t) => format!(" or `std::sync::atomic::{}`", crate::types::atomic_name(t)),
                    None => String::new(),
                };
                d = d.note(format!(
                    "if you want to do aliasing and mutation between multiple threads, use `std::sync::RwLock`{atomic} instead"
                ));
            }
            LTy::RefCell(_) => {
                d = d.note(
                    "if you want to do aliasing and mutation between multiple threads, use `std::sync::RwLock` instead",
                );
            }
            _ => {}
        }
        for t in &within {
            d = d.note(format!("required because it appears within the type `{}`", t.name(&self.structs)));
        }
        Some(d.note("shared static variables must have a type that implements `Sync`"))
    }

    /// The subset's type for a type as written, or a diagnostic.
    pub fn parse_type(&mut self, ty: &syn::Type) -> Option<LTy> {
        if let syn::Type::Path(p) = ty
            && self.imports.is_poisoned(&p.path)
        {
            return None;
        }
        match self.try_type(ty) {
            Ok(t) => Some(t),
            Err(d) => {
                self.error(d);
                None
            }
        }
    }

    fn try_type(&mut self, ty: &syn::Type) -> Result<LTy, Diagnostic> {
        let span = self.span(ty.span());
        match ty {
            syn::Type::Paren(p) => self.try_type(&p.elem),
            syn::Type::Group(g) => self.try_type(&g.elem),
            syn::Type::Never(_) => Ok(LTy::Never),
            syn::Type::Tuple(t) if t.elems.is_empty() => Ok(LTy::Unit),
            syn::Type::Tuple(t) => {
                let elems = t.elems.iter().map(|e| self.try_type(e)).collect::<Result<Vec<_>, _>>()?;
                Ok(LTy::Tuple(elems))
            }
            syn::Type::Array(a) => {
                let elem = self.try_type(&a.elem)?;
                let len = consts::eval(self, &a.len, &LTy::Scalar(irqlab_sim::Ty::Usize))?;
                let n = len.first().copied().unwrap_or(0);
                if n > 256 {
                    return Err(errors::unsupported_with(
                        "arrays this long",
                        span,
                        "irqlab models arrays of at most 256 elements",
                    ));
                }
                Ok(LTy::Array(Box::new(elem), n as u32))
            }
            syn::Type::Path(p) if p.qself.is_none() => {
                let path = &p.path;
                let canonical = self.imports.canonical(path);
                let last = path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
                let generic = |cx: &mut Self| -> Result<LTy, Diagnostic> {
                    let seg = path.segments.last().ok_or_else(|| errors::unsupported("this type", span.clone()))?;
                    if let syn::PathArguments::AngleBracketed(args) = &seg.arguments {
                        for a in &args.args {
                            if let syn::GenericArgument::Type(t) = a {
                                return cx.try_type(t);
                            }
                        }
                    }
                    Err(Diagnostic::error(format!("missing generics for `{last}`"), span.clone()).code("E0107"))
                };
                if path.segments.len() == 1 {
                    if let Some(t) = irqlab_sim::Ty::from_name(&last) {
                        return Ok(LTy::Scalar(t));
                    }
                    if let Some(i) = self.struct_index.get(&last) {
                        return Ok(LTy::Struct(*i));
                    }
                    if last == "Self"
                        && let Some(i) = self.self_ty
                    {
                        return Ok(LTy::Struct(i));
                    }
                    if last == "Option" && !self.imports.is_imported("Option") {
                        return Ok(LTy::Option(Box::new(generic(self)?)));
                    }
                }
                let (module, name) = canonical.rsplit_once("::").unwrap_or(("", canonical.as_str()));
                match (module, name) {
                    ("core::sync::atomic" | "portable_atomic", _) if atomic_of(name).is_some() => {
                        let ty = atomic_of(name).unwrap_or(irqlab_sim::Ty::U32);
                        let portable = module == "portable_atomic";
                        if ty.is_wide() && !portable {
                            return Err(errors::no_atomic64(name, span));
                        }
                        Ok(LTy::Atomic { ty, portable })
                    }
                    ("core::option", "Option") => Ok(LTy::Option(Box::new(generic(self)?))),
                    ("core::cell", "RefCell") => Ok(LTy::RefCell(Box::new(generic(self)?))),
                    ("core::cell", "Cell") => Ok(LTy::Cell(Box::new(generic(self)?))),
                    ("core::cell", "UnsafeCell") => Ok(LTy::UnsafeCell(Box::new(generic(self)?))),
                    ("critical_section", "CriticalSection") | ("cortex_m::interrupt", "CriticalSection") => {
                        Ok(LTy::CsToken)
                    }
                    ("critical_section" | "cortex_m::interrupt", "Mutex") => Ok(LTy::Mutex(Box::new(generic(self)?))),
                    ("heapless::spsc", "Queue" | "Producer" | "Consumer") => self.spsc_type(name, path, span),
                    _ if canonical.starts_with("heapless::") => Err(errors::heapless(&canonical, span)),
                    _ if canonical.starts_with("std::") => Err(errors::no_std(&canonical, span)),
                    _ => Err(Diagnostic::error(format!("cannot find type `{last}` in this scope"), span)
                        .code("E0412")
                        .label("not found in this scope")),
                }
            }
            syn::Type::Reference(_) | syn::Type::Ptr(_) => {
                Err(errors::unsupported_with("references and pointers in types", span, "share data through statics"))
            }
            _ => Err(errors::unsupported("this type", span)),
        }
    }
}

impl Crate<'_> {
    /// heapless 0.8's `Queue<T, N>`, `Producer<'_, T, N>`, `Consumer<'_, T, N>`:
    /// the item type (an integer) and the const N (a literal or a `const`).
    fn spsc_type(&mut self, name: &str, path: &syn::Path, span: irqlab_sim::Span) -> Result<LTy, Diagnostic> {
        let missing = || Diagnostic::error(format!("missing generics for `{name}`"), span.clone()).code("E0107");
        let seg = path.segments.last().ok_or_else(missing)?;
        let syn::PathArguments::AngleBracketed(args) = &seg.arguments else { return Err(missing()) };
        let mut elem = None;
        let mut n = None;
        for a in &args.args {
            match a {
                syn::GenericArgument::Lifetime(_) => {}
                syn::GenericArgument::Type(t) if elem.is_none() => elem = Some(self.try_type(t)?),
                // `Queue<u8, SIZE>`: syn reads a lone path as a type.
                syn::GenericArgument::Type(syn::Type::Path(p)) => {
                    let e = syn::Expr::Path(syn::ExprPath { attrs: Vec::new(), qself: None, path: p.path.clone() });
                    n = consts::eval(self, &e, &LTy::Scalar(irqlab_sim::Ty::Usize))?.first().copied();
                }
                syn::GenericArgument::Const(e) => {
                    n = consts::eval(self, e, &LTy::Scalar(irqlab_sim::Ty::Usize))?.first().copied();
                }
                _ => return Err(errors::unsupported("this generic argument", span)),
            }
        }
        let (Some(elem), Some(n)) = (elem, n) else { return Err(missing()) };
        if elem.scalar().is_none() {
            return Err(errors::unsupported_with(
                &format!("a `{name}` of `{}`", elem.name(&self.structs)),
                span,
                "irqlab models heapless queues of integers",
            ));
        }
        if !(2..=64).contains(&n) {
            return Err(errors::unsupported_with(
                &format!("a `{name}` with N = {n}"),
                span,
                "heapless needs N > 1 (one slot stays empty); irqlab models N up to 64",
            ));
        }
        let n = n as u32;
        Ok(match name {
            "Queue" => LTy::SpscQueue(Box::new(elem), n),
            _ => LTy::SpscEnd { producer: name == "Producer", elem: Box::new(elem), n },
        })
    }
}

fn contains_struct(ty: &LTy, index: usize, structs: &[StructDef]) -> bool {
    match ty {
        LTy::Struct(i) => {
            *i == index
                || structs.get(*i).is_some_and(|s| s.fields.iter().any(|(_, t)| contains_struct(t, index, structs)))
        }
        LTy::Array(t, _)
        | LTy::Option(t)
        | LTy::Result(t)
        | LTy::RefCell(t)
        | LTy::Cell(t)
        | LTy::Mutex(t)
        | LTy::UnsafeCell(t)
        | LTy::SpscQueue(t, _) => contains_struct(t, index, structs),
        LTy::Tuple(ts) => ts.iter().any(|t| contains_struct(t, index, structs)),
        _ => false,
    }
}

fn item_kind(item: &syn::Item) -> &'static str {
    match item {
        syn::Item::Impl(_) => "`impl` blocks",
        syn::Item::Trait(_) => "traits",
        syn::Item::Enum(_) => "enums",
        syn::Item::Mod(_) => "modules",
        syn::Item::Macro(_) => "macro definitions",
        syn::Item::Type(_) => "type aliases",
        syn::Item::Union(_) => "unions",
        syn::Item::ExternCrate(_) => "`extern crate`",
        syn::Item::ForeignMod(_) => "`extern` blocks",
        _ => "this item",
    }
}

fn item_head_span(item: &syn::Item) -> proc_macro2::Span {
    match item {
        syn::Item::Impl(i) => i.impl_token.span,
        syn::Item::Trait(t) => t.trait_token.span,
        syn::Item::Enum(e) => e.enum_token.span,
        syn::Item::Mod(m) => m.mod_token.span,
        syn::Item::Type(t) => t.type_token.span,
        syn::Item::Union(u) => u.union_token.span,
        other => other.span(),
    }
}
