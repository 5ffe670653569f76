//! The diagnostics the curriculum teaches, worded exactly as rustc 1.95
//! words them (crates/lang/tests/fixtures holds rustc's own output for each),
//! and irqlab's own ones for what rustc never sees.

use irqlab_sim::Span;

use crate::board;
use crate::diagnostic::Diagnostic;
use crate::similar_name;

const STATIC_MUT_GUIDE: &str =
    "for more information, see <https://doc.rust-lang.org/edition-guide/rust-2024/static-mut-references.html>";
const STATIC_MUT_LINT: &str = "`#[deny(static_mut_refs)]` (part of `#[deny(rust_2024_compatibility)]`) on by default";

/// E0594 on `X = ..` / `X += ..` where `X` is a plain `static`. rustc
/// writes every index as `[_]`, a constant one too (`HISTORY[_]`).
pub fn assign_to_static(place: &str, static_name: &str, assign: Span, decl: Span) -> Diagnostic {
    let place = any_index(place);
    let message = if place == static_name {
        format!("cannot assign to immutable static item `{static_name}`")
    } else {
        format!("cannot assign to `{place}`, as `{static_name}` is an immutable static item")
    };
    Diagnostic::error(message, assign)
        .code("E0594")
        .label("cannot assign")
        .secondary(decl, "this `static` cannot be written to")
        .advise("to change shared state from several contexts, use an atomic (`AtomicU32::fetch_add`) or a `critical_section::Mutex<RefCell<T>>`")
}

/// `A[0].b[1]` -> `A[_].b[_]`.
fn any_index(place: &str) -> String {
    let mut out = String::with_capacity(place.len());
    let mut in_index = false;
    for c in place.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[_");
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// E0594 through a shared reference (a `Ref` guard, `&Cell`, a `*const`).
pub fn assign_through_shared(what: &str, span: Span) -> Diagnostic {
    Diagnostic::error(format!("cannot assign to data in {what}"), span).code("E0594").label("cannot assign")
}

/// E0133 on any use of a `static mut` outside `unsafe`.
pub fn static_mut_needs_unsafe(span: Span) -> Diagnostic {
    Diagnostic::error("use of mutable static is unsafe and requires unsafe block", span)
        .code("E0133")
        .label("use of mutable static")
        .note("mutable statics can be mutated by multiple threads: aliasing violations or data races will cause undefined behavior")
        .advise("`unsafe` only silences the compiler: it cannot stop an interrupt landing between a load and a store")
}

/// E0133 on a call to an `unsafe fn` outside `unsafe`.
pub fn unsafe_call(path: &str, span: Span) -> Diagnostic {
    Diagnostic::error(format!("call to unsafe function `{path}` is unsafe and requires unsafe block"), span)
        .code("E0133")
        .label("call to unsafe function")
        .note("consult the function's documentation for information on how to avoid undefined behavior")
}

/// E0133 on dereferencing a raw pointer outside `unsafe`.
pub fn raw_deref_needs_unsafe(span: Span) -> Diagnostic {
    Diagnostic::error("dereference of raw pointer is unsafe and requires unsafe block", span)
        .code("E0133")
        .label("dereference of raw pointer")
        .note("raw pointers may be null, dangling or unaligned; they can violate aliasing rules and cause data races: all of these are undefined behavior")
}

/// The edition 2024 `static_mut_refs` error on `&X` / `&mut X`. rustc
/// suggests replacing all from `&` (at column `amp` of the span's first
/// line: `span` starts earlier when the reference is in parentheses) to the
/// operand (at `operand`, line and column) with `&raw const ` / `&raw mut `.
pub fn reference_to_static_mut(mutable: bool, span: Span, amp: u32, operand: (u32, u32)) -> Diagnostic {
    let (line, col) = operand;
    let same_line = line == span.line;
    let replaced = Span::new(span.file.clone(), span.line, amp, if same_line { col } else { span.col_end });
    let d = static_mut_ref_base(mutable, span);
    let d = if mutable {
        d.suggest("use `&raw mut` instead to create a raw pointer", replaced, "&raw mut ")
    } else {
        d.suggest("use `&raw const` instead to create a raw pointer", replaced, "&raw const ")
    };
    if same_line { d } else { d.suggestion_ends_at(line, col) }
}

/// The edition 2024 `static_mut_refs` error on a method call that borrows a
/// `static mut` (`BUF.fill(0)`).
pub fn method_on_static_mut(mutable: bool, span: Span) -> Diagnostic {
    static_mut_ref_base(mutable, span)
}

fn static_mut_ref_base(mutable: bool, span: Span) -> Diagnostic {
    let (kind, danger) = if mutable {
        (
            "mutable",
            "mutable references to mutable statics are dangerous; it's undefined behavior if any other pointer to the static is used or if any other reference is created for the static while the mutable reference lives",
        )
    } else {
        (
            "shared",
            "shared references to mutable statics are dangerous; it's undefined behavior if the static is mutated or if a mutable reference is created for it while the shared reference lives",
        )
    };
    Diagnostic::error(format!("creating a {kind} reference to mutable static"), span)
        .label(format!("{kind} reference to mutable static"))
        .note(danger)
        .note(STATIC_MUT_GUIDE)
        .note(STATIC_MUT_LINT)
        .advise("share the data through an atomic or a `critical_section::Mutex`, or use `&raw const`/`&raw mut` inside a small unsafe abstraction")
}

/// E0599: an atomic read-modify-write on a target without one (thumbv6m).
pub fn no_atomic_method(method: &str, type_name: &str, span: Span, target: &str) -> Diagnostic {
    Diagnostic::error(format!("no method named `{method}` found for struct `{type_name}` in the current scope"), span)
        .code("E0599")
        .label(format!("method not found in `{type_name}`"))
        .advise(format!(
            "{target} (Cortex-M0/M0+) has atomic load and store but no read-modify-write; use `portable_atomic::{type_name}`, which provides `{method}` with a critical section"
        ))
}

/// E0599 for any other method the type does not have. `receiver` is how
/// rustc names the type in its message (`LTy::e0599_receiver`: `struct
/// `AtomicU32``, `type `u32``), `type_name` the type in the label.
pub fn no_method(method: &str, receiver: &str, type_name: &str, span: Span) -> Diagnostic {
    Diagnostic::error(format!("no method named `{method}` found for {receiver} in the current scope"), span)
        .code("E0599")
        .label(format!("method not found in `{type_name}`"))
}

/// E0308.
pub fn mismatched(expected: &str, found: &str, span: Span) -> Diagnostic {
    Diagnostic::error("mismatched types", span).code("E0308").label(format!("expected `{expected}`, found `{found}`"))
}

/// E0433 for a path into a crate irqlab does not know.
/// E0432: a `use` through a module that does not exist (`core::atomic`),
/// at that module's segment (fixtures/e0432_atomic_path.stderr).
pub fn missing_module(path: &str, label: &str, span: Span) -> Diagnostic {
    Diagnostic::error(format!("unresolved import `{path}`"), span).code("E0432").label(label)
}

pub fn unresolved_import(path: &str, root: &str, span: Span) -> Diagnostic {
    if root == "std" {
        return no_std(path, span);
    }
    if root == "heapless" {
        return heapless(path, span);
    }
    if root == "nrf52833_pac" {
        return unsupported_with(
            &format!("`{path}`"),
            span,
            "lesson code reaches the board through `crate::board` (lessons/BOARD.md): `board::Interrupt`, `board::interrupt`",
        );
    }
    Diagnostic::error(format!("cannot find module or crate `{root}` in this scope"), span)
        .code("E0433")
        .label(format!("use of unresolved module or unlinked crate `{root}`"))
        .help(format!("you might be missing a crate named `{root}`"))
        .advise("lesson code may use `core`, `critical_section`, `cortex_m`, `portable_atomic` and `crate::board`")
}

/// An item of the `heapless` crate irqlab does not model (it models
/// `heapless::spsc::{Queue, Producer, Consumer}`, lesson 20).
pub fn heapless(path: &str, span: Span) -> Diagnostic {
    unsupported(&format!("`{path}`"), span).advise(
        "irqlab models heapless 0.8's `spsc::Queue` in a `static mut`, split into a `Producer` and a `Consumer` (lesson 20, 20-heapless-queue); lesson 19 (19-ring-buffer) shows the ring buffer it is made of",
    )
}

pub fn no_std(path: &str, span: Span) -> Diagnostic {
    Diagnostic::error(format!("`{path}` is from `std`, which firmware does not have"), span)
        .label("not available in `#![no_std]` code")
        .advise("use the same item from `core` (for example `core::sync::atomic`)")
}

/// AtomicU64 in core: no Cortex-M target has 64-bit atomics.
pub fn no_atomic64(name: &str, span: Span) -> Diagnostic {
    Diagnostic::error(format!("cannot find type `{name}` in module `core::sync::atomic`"), span)
        .code("E0412")
        .label("not found in `core::sync::atomic`")
        .advise(
            "no Cortex-M target has 64-bit atomics; `portable_atomic::AtomicU64` provides one with a critical section",
        )
}

/// A construct outside the subset irqlab models.
/// E0061: a call with the wrong number of arguments.
pub fn argument_count(want: usize, got: usize, span: Span) -> Diagnostic {
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    Diagnostic::error(
        format!(
            "this function takes {want} {} but {got} {} supplied",
            plural(want),
            if got == 1 { "argument was" } else { "arguments were" }
        ),
        span,
    )
    .code("E0061")
}

pub fn unsupported(what: &str, span: Span) -> Diagnostic {
    Diagnostic::error(format!("irqlab does not model {what} yet"), span).label("not modelled by irqlab")
}

/// Code nested deeper than `nesting::MAX_DEPTH`, at the first token too deep.
pub fn nested_too_deeply(span: Span) -> Diagnostic {
    let limit = crate::nesting::MAX_DEPTH;
    Diagnostic::error(format!("expression nested too deeply (limit {limit})"), span)
        .label(format!("more than {limit} levels deep here"))
        .advise(
            "each operator, cast, `.` call, `else if`, `return`, `&` or `!` nests one level, as each bracket does: \
             split the expression with `let`",
        )
}

pub fn unsupported_with(what: &str, span: Span, advice: &str) -> Diagnostic {
    unsupported(what, span).advise(advice)
}

/// `#[interrupt] fn NAME()` with a name the device crate's vector table does
/// not have. On the micro:bit v2 the attribute is cortex-m-rt's, re-exported
/// by nrf52833-pac: it expands to a use of `Interrupt::NAME`, so rustc
/// reports E0599 on the enum and suggests a variant the way `similar_name`
/// picks one (fixtures/e0599_interrupt_name.stderr is rustc's own text).
pub fn unknown_interrupt(name: &str, span: Span) -> Diagnostic {
    if board::DEVICE_INTERRUPTS.contains(&name) {
        // rustc accepts it: the chip has it; irqlab's board vocabulary does not.
        return unsupported(&format!("the interrupt `{name}`"), span)
            .advise(format!("the board vocabulary's interrupts are: {}", board::interrupt_names().join(", ")));
    }
    let mut d = Diagnostic::error(
        format!("no variant or associated item named `{name}` found for enum `Interrupt` in the current scope"),
        span.clone(),
    )
    .code("E0599")
    .label("variant or associated item not found in `Interrupt`");
    if let Some(close) = similar_name::best_match(name, board::DEVICE_INTERRUPTS) {
        d = d.suggest("there is a variant with a similar name", span, close);
    }
    if board::system_exception(name).is_some() {
        return d
            .advise(format!("`{name}` is a system exception of the core: its handler is `#[exception] fn {name}()`"));
    }
    d.advise("`#[interrupt]` checks the handler's name against the chip's vector table at compile time: a misspelled name is an error, not a silent default handler")
        .advise(format!("the board vocabulary's interrupts are: {}", board::interrupt_names().join(", ")))
}

/// `Interrupt::NAME` with a name `board::Interrupt` does not have: rustc's
/// E0599 on the firmware's enum, suggesting a variant in the order
/// firmware/src/board/mod.rs declares them (compared by hand with rustc 1.95
/// on that module: tests/diagnostics.rs). rustc names the enum
/// `irqlab_firmware::board::Interrupt` when the code also names `cortex_m`,
/// whose crate has another item called `Interrupt`
/// (fixtures/e0599_interrupt_swi0.stderr, e0599_interrupt_timer00.stderr).
pub fn no_interrupt_variant(name: &str, span: Span, names_cortex_m: bool) -> Diagnostic {
    let ty = if names_cortex_m { "irqlab_firmware::board::Interrupt" } else { "Interrupt" };
    let mut d = Diagnostic::error(
        format!("no variant or associated item named `{name}` found for enum `{ty}` in the current scope"),
        span.clone(),
    )
    .code("E0599")
    .label(format!("variant or associated item not found in `{ty}`"))
    .advise(format!("the board vocabulary's interrupts are: {}", board::interrupt_names().join(", ")));
    if let Some(close) = similar_name::best_match(name, board::VOCABULARY_ORDER) {
        d = d.suggest("there is a variant with a similar name", span, close);
    }
    d
}

/// `Ordering::NAME` with a name `core::sync::atomic::Ordering` does not
/// have (portable-atomic's is core's). rustc names the enum by its whole
/// path, `core::cmp::Ordering` being in every crate graph, and suggests a
/// variant in the order core declares them
/// (fixtures/e0599_ordering_*.stderr).
pub fn no_ordering_variant(name: &str, span: Span) -> Diagnostic {
    const ENUM: &str = "core::sync::atomic::Ordering";
    const VARIANTS: &[&str] = &["Relaxed", "Release", "Acquire", "AcqRel", "SeqCst"];
    let mut d = Diagnostic::error(
        format!("no variant or associated item named `{name}` found for enum `{ENUM}` in the current scope"),
        span.clone(),
    )
    .code("E0599")
    .label(format!("variant or associated item not found in `{ENUM}`"));
    if let Some(close) = similar_name::best_match(name, VARIANTS) {
        d = d.suggest("there is a variant with a similar name", span, close);
    }
    d
}

pub fn unknown_exception(name: &str, span: Span) -> Diagnostic {
    let names: Vec<&str> = board::EXCEPTIONS.iter().map(|(n, _)| *n).collect();
    let mut d = Diagnostic::error(format!("`{name}` is not a system exception irqlab models"), span)
        .label("not a system exception")
        .note(format!("`#[exception]` handlers irqlab models are: {}", names.join(", ")));
    if let Some(close) = similar_name::best_match(name, &names) {
        d = d.help(format!("did you mean `{close}`?"));
    }
    d
}

/// E0433 for `Type::item` with no `Type` in scope (a `use` forgotten or
/// misspelt): rustc points at the type (fixtures/e0433_nvic_not_imported.stderr).
pub fn undeclared_type(name: &str, span: Span) -> Diagnostic {
    Diagnostic::error(format!("cannot find type `{name}` in this scope"), span)
        .code("E0433")
        .label(format!("use of undeclared type `{name}`"))
}

/// A name in scope that rustc may suggest for a misspelled one.
pub struct Candidate {
    pub name: String,
    /// What rustc calls it: "local variable", "static", "constant", "function".
    pub what: &'static str,
    /// Where an item is defined (rustc points there); `None` for a local.
    pub defined: Option<Span>,
}

/// E0425 for an unknown value or function, with the close name rustc
/// suggests if there is one: rustc sorts the names in scope before it picks
/// (`lookup_typo_candidate`), shows the change as a `help:` and points at
/// the item it names ("similarly named static `X` defined here"); without
/// one, the span says "not found in this scope"
/// (fixtures/e0425_*.stderr).
pub fn not_found(kind: &str, name: &str, span: Span, mut candidates: Vec<Candidate>) -> Diagnostic {
    let d = Diagnostic::error(format!("cannot find {kind} `{name}` in this scope"), span.clone()).code("E0425");
    candidates.sort_by(|a, b| a.name.cmp(&b.name));
    candidates.dedup_by(|a, b| a.name == b.name);
    let names: Vec<&str> = candidates.iter().map(|c| c.name.as_str()).collect();
    let Some(close) = similar_name::best_match(name, &names) else {
        return d.label("not found in this scope");
    };
    let Some(c) = candidates.iter().find(|c| c.name == close) else {
        return d.label("not found in this scope");
    };
    let mut d = d;
    if let Some(at) = &c.defined {
        d = d.secondary(at.clone(), format!("similarly named {} `{close}` defined here", c.what));
    }
    d.suggest(format!("a {} with a similar name exists", c.what), span, close)
}

/// rustc checks lints (`static_mut_refs`) only in code that has no other
/// compile error: with one, it stops before them. irqlab's own "not modelled"
/// errors (no error code) are not rustc's and do not hide them.
pub fn lints_after_errors(diagnostics: &mut Vec<Diagnostic>) {
    if diagnostics.iter().any(|d| d.is_error() && d.code.is_some()) {
        diagnostics.retain(|d| !is_static_mut_refs(d));
    }
}

fn is_static_mut_refs(d: &Diagnostic) -> bool {
    d.code.is_none() && d.message.starts_with("creating a ") && d.message.ends_with(" reference to mutable static")
}

/// rustc says why a lint is an error only the first time it fires.
pub fn lint_notes_once(diagnostics: &mut [Diagnostic]) {
    let mut seen = false;
    for d in diagnostics {
        if let Some(i) = d.notes.iter().position(|n| n == STATIC_MUT_LINT) {
            if seen {
                d.notes.remove(i);
            }
            seen = true;
        }
    }
}
