//! irqlab-lang: the front end for lesson code. A lesson's `.rs` file is
//! ordinary Rust (the firmware compiles the very same text); this crate
//! parses it with `syn`, lowers the subset irqlab models to an
//! `irqlab_sim::Program` whose every instruction carries its source span, and
//! reports everything else as a diagnostic in rustc's own format.
//!
//! It never panics and never stops at the first problem: `compile` returns
//! what it could build plus every diagnostic, each with a span inside the
//! text it points at.
//!
//! Map: `setup` (what lesson.toml says, as input), `nesting` (the bound on
//! nesting of any shape, checked on tokens before syn parses), `paths` (`use` items and
//! canonical paths), `items` (statics laid out as locations, structs,
//! consts, function signatures), `consts` (initializers), `types` (the
//! subset's types and their cell layout), `lower/` (function bodies to
//! instructions, a module per concept), `assemble` (contexts, sources and
//! properties into a `Program`), `errors` (the diagnostics, rustc's wording
//! where rustc has one), `diagnostic` (rustc's text layout: `snippet` for
//! the annotated lines, multi-line spans included, `suggestion` for `help:`
//! code changes), `similar_name` (the name rustc suggests for a typo),
//! `board` (the `board` vocabulary of lessons/BOARD.md and the device's
//! vector table).

// A `Diagnostic` is the error value of the cold path: returning it unboxed
// keeps every `?` readable, and a compile makes few of them.
#![allow(clippy::result_large_err)]

mod assemble;
pub mod board;
pub mod constructs;
mod consts;
mod diagnostic;
mod errors;
mod items;
mod known;
mod lex_error;
mod lower;
mod nesting;
mod paths;
mod setup;
mod similar_name;
mod source_map;
mod types;

use irqlab_sim::Program;
use serde::Serialize;

pub use diagnostic::{
    Child, Diagnostic, Level, MAX_RENDERED, SpanLabel, Suggestion, render_all, render_report, rendered_or_counted,
    terminal_safe,
};
pub use setup::{CallSetup, ContextSetup, ContextSetupKind, Named, PropertySetup, Setup, SourceSetup};

/// The result of compiling lesson code: the program, if there were no
/// errors, and every diagnostic (errors and warnings) in the order found.
#[derive(Clone, Debug, Serialize)]
pub struct Compiled {
    pub program: Option<Program>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// The front end's promise about spans, checked by its tests and the fuzz
    /// targets (crates/fuzz-targets): every span into `file` (diagnostics,
    /// their ends and secondary labels, instructions) lies inside `code`, and
    /// each diagnostic renders against it. The first span outside, if any.
    pub fn check_spans(&self, code: &str, file: &str) -> Result<(), String> {
        let lines: Vec<usize> = code.split('\n').map(|l| l.trim_end_matches('\r').chars().count()).collect();
        let check = |s: &irqlab_sim::Span, what: &str| -> Result<(), String> {
            if s.file != file {
                return Ok(());
            }
            let ok = s.line >= 1
                && (s.line as usize) <= lines.len()
                && s.col_start >= 1
                && s.col_start <= s.col_end
                && s.col_end as usize <= lines[s.line as usize - 1] + 1;
            if ok { Ok(()) } else { Err(format!("{what} span {s:?} is outside the text")) }
        };
        for d in &self.diagnostics {
            check(&d.span, &d.message)?;
            if let Some((line, col)) = d.ends_at {
                check(&irqlab_sim::Span::new(d.span.file.clone(), line, col, col), "end of a multi-line")?;
            }
            for s in &d.secondary {
                check(&s.span, "secondary")?;
            }
            let _ = d.render(code);
        }
        for f in self.program.iter().flat_map(|p| &p.functions) {
            for i in &f.body {
                check(&i.span, &f.name)?;
            }
        }
        Ok(())
    }
}

/// Brackets nested deeper than this are refused before parsing (nesting of
/// every other shape is bounded by `nesting::MAX_DEPTH`), so that no input
/// can exhaust the stack of the parser, the lowering or a syn tree's drop.
const MAX_NESTING: usize = 128;

/// Compiles `code` (the text of `file_name`) for the lesson `setup`.
pub fn compile(setup: &Setup, code: &str, file_name: &str) -> Compiled {
    let compile = || {
        let compiled = compile_text(setup, code, file_name);
        // proc-macro2 keeps every parsed text in a per-thread source map so its
        // spans can name lines; an editor compiles on every change, so free it.
        // No span outlives `compile_text`: all were turned into `sim::Span`s.
        proc_macro2::extra::invalidate_current_thread_spans();
        compiled
    };
    on_a_known_stack(compile)
}

/// The stack `compile` runs on where threads exist: syn's parser, the
/// lowering and the drop of a syn tree recurse once per level of nesting
/// (at most `nesting::MAX_DEPTH`, a few kilobytes a level in a debug build),
/// so the caller's stack (2 MiB in a test thread) is not enough to rely on.
/// Untouched pages of it cost no memory.
#[cfg(not(target_family = "wasm"))]
const STACK: usize = 64 << 20;

/// Runs `f` on a thread with a `STACK`-sized stack (inline when no thread
/// can be started).
#[cfg(not(target_family = "wasm"))]
fn on_a_known_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    let f = std::sync::Mutex::new(Some(f));
    let run = || f.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take().map(|f| f());
    let spawned = std::thread::scope(|s| {
        let worker = std::thread::Builder::new().name("irqlab-lang".into()).stack_size(STACK).spawn_scoped(s, run);
        match worker {
            Ok(worker) => worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => None,
        }
    });
    match spawned {
        Some(result) => result,
        None => run().expect("the closure runs once"),
    }
}

/// The web build has no threads: the nesting limit keeps the recursion
/// within the stack the wasm module is linked with.
#[cfg(target_family = "wasm")]
fn on_a_known_stack<T>(f: impl FnOnce() -> T) -> T {
    f()
}

fn compile_text(setup: &Setup, code: &str, file_name: &str) -> Compiled {
    let map = source_map::SourceMap::new(file_name, code);
    if let Some(span) = too_deep(code, &map) {
        let d = errors::unsupported_with(
            "code nested this deeply",
            span,
            "irqlab accepts at most 128 levels of nested brackets",
        );
        return Compiled { program: None, diagnostics: vec![d] };
    }
    if let Some(at) = nesting::too_deep(code) {
        return Compiled { program: None, diagnostics: vec![errors::nested_too_deeply(map.of(at))] };
    }
    let file = match syn::parse_file(code) {
        Ok(f) => f,
        Err(e) => {
            let diagnostics = e
                .into_iter()
                .map(|e| match e.to_string().as_str() {
                    // proc_macro2's one message for every lexing failure.
                    "cannot parse string into token stream" => lex_error::diagnostic(code, e.span().start(), &map),
                    message => Diagnostic::error(message, map.of(e.span())),
                })
                .collect();
            return Compiled { program: None, diagnostics };
        }
    };
    let mut cx = items::Crate::new(setup, map);
    cx.names_cortex_m = code.contains("cortex_m");
    cx.collect(&file);
    let mut functions = Vec::new();
    for i in 0..cx.fns.len() {
        let f = cx.fns[i].clone();
        let builder = lower::FnBuilder::new(&mut cx, f.ret.clone(), f.is_unsafe);
        functions.push(builder.lower_fn(&f.name, &f.params, &f.item.block, f.span.clone()));
    }
    let program = assemble::program(&mut cx, functions, file_name);
    let mut diagnostics = std::mem::take(&mut cx.diags);
    errors::lints_after_errors(&mut diagnostics);
    errors::lint_notes_once(&mut diagnostics);
    let program = match program {
        Some(mut p) if !diagnostics.iter().any(Diagnostic::is_error) => match p.validate() {
            Ok(()) => {
                // As LLVM may: the reordering window then sees across calls
                // (crates/sim/src/program/inline.rs). Recursive calls stay,
                // and so does a call that would grow its caller past the
                // bound; each ends the window, which the learner is told.
                for kept in p.inline_calls() {
                    diagnostics.push(kept_call_warning(&kept));
                }
                Some(p)
            }
            Err(e) => {
                let fallback = cx.map.start();
                diagnostics.push(assemble::program_error(&e, &setup.properties, fallback));
                None
            }
        },
        _ => None,
    };
    Compiled { program, diagnostics }
}

/// A call irqlab keeps as a call: the compiler's reorderings are explored
/// up to it, not across it (docs/SEMANTICS.md §2, "Limits, stated").
fn kept_call_warning(kept: &irqlab_sim::program::KeptCall) -> Diagnostic {
    let why = if kept.recursive {
        format!("`{}` is recursive, so irqlab does not inline it", kept.callee)
    } else {
        format!(
            "inlining `{}` here would grow its caller past {} instructions, irqlab's bound",
            kept.callee,
            irqlab_sim::program::MAX_INLINED_BODY
        )
    };
    Diagnostic::warning(format!("irqlab keeps this call to `{}` as a call", kept.callee), kept.span.clone())
        .label("the compiler's reorderings are explored up to this call, not across it")
        .note(why)
}

/// The first place where brackets nest deeper than `MAX_NESTING` (brackets
/// in strings and comments do not count).
fn too_deep(code: &str, map: &source_map::SourceMap) -> Option<irqlab_sim::Span> {
    let mut deepest = None;
    lex_error::walk_delimiters(code, None, |c, at, open| {
        if matches!(c, '(' | '[' | '{') && open.len() >= MAX_NESTING {
            deepest = Some(map.span(at, proc_macro2::LineColumn { line: at.line, column: at.column + 1 }));
            return false;
        }
        true
    });
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nesting of every shape, as (before, opening, closing, after).
    const SHAPES: &[(&str, &str, &str, &str)] = &[
        ("let _x = ", "!", "", "true;"),
        ("let _x = ", "- ", "", "1;"),
        ("let _x = 1", " as u32", "", ";"),
        ("let _x = 1", "+1", "", ";"),
        ("let _x = 1u32", ".wrapping_add(1)", "", ";"),
        ("let _x = if true { 1 }", " else if true { 1 }", "", " else { 2 };"),
        ("", "return ", "", ";"),
        ("let _x = ", "*&", "", "1;"),
        ("let _x = ", "&&", "", "1;"),
        ("let _x = ", "|a, b| ", "", "1;"),
        ("let mut a = 0; ", "a = ", "", "1;"),
        ("let _x = ", "(", ")", "1"),
        ("let _x = ", "{", "}", "1"),
        ("let _x = ", "[", "]", "1"),
        ("let _x = ", "if true {", "}", "1"),
        ("let _x = ", "unsafe {", "}", "1"),
        ("let _x = ", "loop { break ", "}", "1"),
        ("let _x = ", "match 1 { _ => ", "}", "1"),
        ("let ", "&", "", "x = 1;"),
        ("let _x: ", "&", "", "u32 = 1;"),
        ("let _x: ", "Option<", ">", "u32"),
        ("let _x: ", "fn() -> ", "", "u32 = f;"),
        ("let _x: ", "<", " as A>::B", "u32"),
        ("let _x = ", "move || ", "", "1;"),
        ("let _x = ", "&mut ", "", "1;"),
        ("loop { ", "break ", "", "1; }"),
        ("let _x = ", "..=", "", "1;"),
        ("let ", "x @ ", "", "1 = 1;"),
        ("let _x = a", ".0", "", ";"),
        ("let _x = ", "-", "", "1;"),
        ("let _x = ", "Some(", ")", "1"),
        ("let _x = ", "if let Some(x) = ", "", "1 {} else {};"),
        ("let _x = ", "async move ", "", "{};"),
    ];

    /// Mixtures of the shapes, thousands deep, brackets closed or not: each
    /// is refused or compiled on a sixteenth of the stack, never overflows.
    #[test]
    fn mixtures_of_shapes_never_overflow_a_sixteenth_of_the_stack() {
        let mut seed = 0x9e37_79b9_u64;
        let mut next = move |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..64 {
            let picks: Vec<_> = (0..1 + next(4)).map(|_| SHAPES[next(SHAPES.len())]).collect();
            let (mut opens, mut closes) = (String::new(), String::new());
            for i in 0..2000 {
                let (_, open, close, _) = picks[i % picks.len()];
                opens.push_str(open);
                closes.insert_str(0, close);
            }
            let (before, _, _, after) = picks[0];
            let code = format!("pub fn f() {{\n    {before}{opens}{after}{closes};\n}}\n");
            let compiled = compile_on_a_sixteenth_of_the_stack(code);
            assert!(!compiled.diagnostics.is_empty());
        }
    }

    /// `compile_text` of `code` (a library) on a sixteenth of `STACK`.
    fn compile_on_a_sixteenth_of_the_stack(code: String) -> Compiled {
        std::thread::Builder::new()
            .stack_size(STACK / 16)
            .spawn(move || {
                let setup = Setup::library("thumbv7em-none-eabihf").expect("a target");
                compile_text(&setup, &code, "lesson.rs")
            })
            .expect("a thread")
            .join()
            .expect("no panic")
    }

    /// A function whose body nests `shape` `n` times.
    fn nested((before, open, close, after): (&str, &str, &str, &str), n: usize) -> String {
        let (after, end) = if close.is_empty() { (after, "") } else { (after, ";") };
        format!("pub fn f() {{\n    {before}{}{after}{}{end}\n}}\n", open.repeat(n), close.repeat(n))
    }

    /// The limit leaves room: each shape nested as deep as it is accepted
    /// compiles (to whatever diagnostics) in a debug build on a sixteenth of
    /// the stack `compile` gives itself.
    #[test]
    fn every_shape_at_the_nesting_limit_fits_in_a_sixteenth_of_the_stack() {
        for &shape in SHAPES {
            let deepest = (1..).take_while(|&n| nesting::too_deep(&nested(shape, n)).is_none()).last();
            let n = deepest.expect("one level is accepted");
            assert!(nesting::too_deep(&nested(shape, n + 1)).is_some(), "{shape:?}");
            let code = nested(shape, n);
            let compiled = compile_on_a_sixteenth_of_the_stack(code);
            assert!(compiled.diagnostics.iter().all(|d| !d.message.contains("nested too deeply")), "{shape:?}");
        }
    }
}
