//! Names as the compiler sees them: `use` items map a short name to a full
//! path, and every path in the code is turned into one canonical string
//! (`core::sync::atomic::AtomicU32`, `critical_section::with`,
//! `board::Interrupt::TIMER0`) before the front end looks it up.

use std::collections::HashMap;

/// Crates (and `crate::board`) a lesson may use. `nrf52833_pac` is the
/// micro:bit v2's device crate, whose `interrupt` attribute `board` re-exports.
pub const KNOWN_ROOTS: &[&str] =
    &["core", "critical_section", "cortex_m", "cortex_m_rt", "portable_atomic", "board", "nrf52833_pac", "heapless"];

#[derive(Clone, Debug, Default)]
pub struct Imports {
    names: HashMap<String, String>,
    globs: Vec<String>,
    /// Names whose `use` failed: their uses report nothing more.
    poisoned: Vec<String>,
}

/// A `use` that names something irqlab does not know.
#[derive(Clone, Debug)]
pub struct BadImport {
    pub path: String,
    pub root: String,
    pub span: proc_macro2::Span,
    /// rustc's E0432 label when a module on the path does not exist
    /// (`core::atomic`): `path` is then the path up to that module and
    /// `span` its segment.
    pub missing: Option<String>,
}

impl Imports {
    /// Records a `use` tree; returns the imports whose crate is unknown.
    pub fn add(&mut self, tree: &syn::UseTree, prefix: &[String], bad: &mut Vec<BadImport>) {
        match tree {
            syn::UseTree::Path(p) => {
                let mut next = prefix.to_vec();
                next.push(p.ident.to_string());
                if let [root, module] = &next[..]
                    && root == "core"
                    && !CORE_MODULES.contains(&module.as_str())
                {
                    // One error for the whole tree; its names say nothing more.
                    bad.push(BadImport {
                        path: next.join("::"),
                        root: root.clone(),
                        span: p.ident.span(),
                        missing: Some(format!("could not find `{module}` in `core`")),
                    });
                    self.poison_names(&p.tree);
                    return;
                }
                self.add(&p.tree, &next, bad);
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    if let Some(last) = prefix.last() {
                        self.insert(last.clone(), prefix, n.ident.span(), bad);
                    }
                } else {
                    let mut full = prefix.to_vec();
                    full.push(name.clone());
                    self.insert(name, &full, n.ident.span(), bad);
                }
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.to_vec();
                full.push(r.ident.to_string());
                self.insert(r.rename.to_string(), &full, r.ident.span(), bad);
            }
            syn::UseTree::Glob(g) => {
                if let Some(err) = check_root(prefix, g.star_token.span) {
                    bad.push(err);
                } else {
                    self.globs.push(canonical_segments(prefix).join("::"));
                }
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.add(t, prefix, bad);
                }
            }
        }
    }

    /// The names a `use` tree would bring in, marked as failed.
    fn poison_names(&mut self, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => self.poison_names(&p.tree),
            syn::UseTree::Name(n) => self.poisoned.push(n.ident.to_string()),
            syn::UseTree::Rename(r) => self.poisoned.push(r.rename.to_string()),
            syn::UseTree::Glob(_) => {}
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.poison_names(t)),
        }
    }

    fn insert(&mut self, name: String, full: &[String], span: proc_macro2::Span, bad: &mut Vec<BadImport>) {
        if let Some(err) = check_root(full, span) {
            bad.push(err);
            self.poisoned.push(name);
            return;
        }
        self.names.insert(name, canonical_segments(full).join("::"));
    }

    /// The canonical path of a path as written (generic arguments dropped).
    pub fn canonical(&self, path: &syn::Path) -> String {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.canonical_of(&segments)
    }

    pub fn canonical_of(&self, segments: &[String]) -> String {
        let mut segs = segments.to_vec();
        if let Some(first) = segs.first()
            && let Some(full) = self.names.get(first)
        {
            let mut expanded: Vec<String> = full.split("::").map(str::to_string).collect();
            expanded.extend(segs.drain(1..));
            segs = expanded;
        }
        canonical_segments(&segs).join("::")
    }

    /// Canonical paths a glob import could give a single name.
    pub fn glob_candidates(&self, name: &str) -> Vec<String> {
        self.globs.iter().map(|g| format!("{g}::{name}")).collect()
    }

    /// These imports plus what every property may name without a `use`
    /// (the firmware evaluates properties with `use core::sync::atomic::Ordering;`).
    pub fn for_properties(&self) -> Imports {
        let mut imports = self.clone();
        imports.names.entry("Ordering".to_string()).or_insert_with(|| "core::sync::atomic::Ordering".to_string());
        imports
    }

    /// Whether `path` starts with a name whose `use` failed.
    pub fn is_poisoned(&self, path: &syn::Path) -> bool {
        path.segments.first().is_some_and(|s| self.poisoned.iter().any(|p| s.ident == p))
    }

    /// Whether `name` was brought in by a `use`.
    pub fn is_imported(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }
}

/// The modules of `core` (rustc 1.95, unstable ones included: rustc says
/// something else of those). A `use core::X::..` of another X is E0432.
const CORE_MODULES: &[&str] = &[
    "alloc",
    "any",
    "arch",
    "array",
    "ascii",
    "assert_matches",
    "async_iter",
    "autodiff",
    "borrow",
    "bstr",
    "cell",
    "char",
    "clone",
    "cmp",
    "contracts",
    "convert",
    "default",
    "error",
    "f128",
    "f16",
    "f32",
    "f64",
    "ffi",
    "fmt",
    "from",
    "future",
    "hash",
    "hint",
    "i128",
    "i16",
    "i32",
    "i64",
    "i8",
    "intrinsics",
    "io",
    "isize",
    "iter",
    "marker",
    "mem",
    "net",
    "num",
    "ops",
    "option",
    "panic",
    "panicking",
    "pat",
    "pin",
    "prelude",
    "primitive",
    "profiling",
    "ptr",
    "random",
    "range",
    "result",
    "simd",
    "slice",
    "str",
    "sync",
    "task",
    "time",
    "u128",
    "u16",
    "u32",
    "u64",
    "u8",
    "ub_checks",
    "unsafe_binder",
    "usize",
];

/// `crate::board::X` -> `board::X`; `std::` stays (and is refused later).
fn canonical_segments(segments: &[String]) -> Vec<String> {
    let mut s: Vec<String> = segments.to_vec();
    if s.first().is_some_and(|f| f == "crate") {
        s.remove(0);
    }
    s
}

fn check_root(full: &[String], span: proc_macro2::Span) -> Option<BadImport> {
    let segs = canonical_segments(full);
    let root = segs.first().cloned().unwrap_or_default();
    // Of the device crate, lessons use only the attribute (lessons/BOARD.md).
    let device_item = root == "nrf52833_pac" && segs.len() > 1 && segs[1..] != ["interrupt"];
    if KNOWN_ROOTS.contains(&root.as_str()) && !device_item {
        return None;
    }
    Some(BadImport { path: full.join("::"), root, span, missing: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imports(code: &str) -> Imports {
        let file: syn::File = syn::parse_str(code).expect("test code parses");
        let mut imports = Imports::default();
        let mut bad = Vec::new();
        for item in &file.items {
            if let syn::Item::Use(u) = item {
                imports.add(&u.tree, &[], &mut bad);
            }
        }
        assert!(bad.is_empty());
        imports
    }

    #[test]
    fn use_groups_self_and_renames_expand() {
        let i = imports(
            "use core::sync::atomic::{AtomicU32, Ordering as O}; use crate::board::{self, Interrupt}; use critical_section::Mutex;",
        );
        let p: syn::Path = syn::parse_str("O::Relaxed").expect("path");
        assert_eq!(i.canonical(&p), "core::sync::atomic::Ordering::Relaxed");
        let p: syn::Path = syn::parse_str("board::clear_event").expect("path");
        assert_eq!(i.canonical(&p), "board::clear_event");
        let p: syn::Path = syn::parse_str("Interrupt::TIMER0").expect("path");
        assert_eq!(i.canonical(&p), "board::Interrupt::TIMER0");
        let p: syn::Path = syn::parse_str("Mutex::new").expect("path");
        assert_eq!(i.canonical(&p), "critical_section::Mutex::new");
    }
}
