//! Fuzzing the front end: random token streams and mutated lesson sources
//! must never panic, and every diagnostic must point inside its text. (The
//! machine also runs whatever compiles, briefly, to prove the lowering
//! produced a valid program.)

mod support;

use irqlab_lang::compile;
use irqlab_sim::{Bounds, Schedule, Session, Span};
use proptest::prelude::*;

const SOURCES: &[&str] = &[
    include_str!("../../../lessons/01-superloop/scenario.rs"),
    include_str!("../../../lessons/01-superloop/solution.rs"),
    include_str!("../../../lessons/04-lost-update/scenario.rs"),
    include_str!("../../../lessons/04-lost-update/solution.rs"),
    include_str!("../../../lessons/07-edge-counter/scenario.rs"),
    include_str!("../../../lessons/07-edge-counter/solution.rs"),
    include_str!("../../../lessons/02-handler-preempts-main/scenario.rs"),
    include_str!("../../../lessons/02-handler-preempts-main/solution.rs"),
    include_str!("../../../lessons/18-flag-and-data/scenario.rs"),
    include_str!("../../../lessons/18-flag-and-data/solution.rs"),
    include_str!("../../../lessons/11-struct-critical-section/scenario.rs"),
    include_str!("../../../lessons/11-struct-critical-section/solution.rs"),
    include_str!("../../../lessons/12-shared-peripheral/scenario.rs"),
    include_str!("../../../lessons/12-shared-peripheral/solution.rs"),
    include_str!("../../../lessons/19-ring-buffer/scenario.rs"),
    include_str!("../../../lessons/19-ring-buffer/solution.rs"),
    include_str!("../../../lessons/13-init-order/scenario.rs"),
    include_str!("../../../lessons/13-init-order/solution.rs"),
    include_str!("../../../lessons/10-long-handler/scenario.rs"),
    include_str!("../../../lessons/10-long-handler/solution.rs"),
    include_str!("../../../lessons/09-retrigger/scenario.rs"),
    include_str!("../../../lessons/09-retrigger/solution.rs"),
    include_str!("../../../lessons/08-merged-pending/scenario.rs"),
    include_str!("../../../lessons/08-merged-pending/solution.rs"),
    include_str!("../../../lessons/14-deadlock/scenario.rs"),
    include_str!("../../../lessons/14-deadlock/solution.rs"),
    include_str!("../../../lessons/03-priorities/scenario.rs"),
    include_str!("../../../lessons/03-priorities/solution.rs"),
    include_str!("../../../lessons/15-basepri-ceiling/scenario.rs"),
    include_str!("../../../lessons/15-basepri-ceiling/solution.rs"),
    include_str!("../../../lessons/21-cortex-m0-atomics/scenario.rs"),
    include_str!("../../../lessons/21-cortex-m0-atomics/solution.rs"),
    include_str!("../../../lessons/22-torn-u64/scenario.rs"),
    include_str!("../../../lessons/22-torn-u64/solution.rs"),
    include_str!("../../../lessons/23-dual-core/scenario.rs"),
    include_str!("../../../lessons/23-dual-core/solution.rs"),
    include_str!("../../../lessons/05-immutable-static/scenario.rs"),
    include_str!("../../../lessons/05-immutable-static/solution.rs"),
    include_str!("../../../lessons/06-static-mut-refs/scenario.rs"),
    include_str!("../../../lessons/06-static-mut-refs/solution.rs"),
    include_str!("../../../lessons/24-safe-abstraction/scenario.rs"),
    include_str!("../../../lessons/24-safe-abstraction/solution.rs"),
    "use core::cell::RefCell;\nuse critical_section::Mutex;\npub static X: Mutex<RefCell<Option<u32>>> = Mutex::new(RefCell::new(None));\npub fn main_loop() {\n    critical_section::with(|cs| {\n        let mut g = X.borrow_ref_mut(cs);\n        if let Some(v) = g.as_mut() { *v += 1; }\n        match *g { Some(0) => {} _ => {} }\n    });\n    for i in 0..3 { while i > 4 { break; } }\n}\npub fn on_timer() { let x: u8 = 3; let _ = x as u32; }\n",
    // `as_mut().map` and calls written across lines (multi-line spans).
    "use core::cell::RefCell;\nuse critical_section::Mutex;\npub struct Uart { pub tx: u8 }\npub static U: Mutex<RefCell<Option<Uart>>> = Mutex::new(RefCell::new(None));\npub static mut S: u32 = 0;\npub fn main_loop() {\n    critical_section::with(|cs| {\n        U.borrow_ref_mut(cs).as_mut().map(|u| u.tx = 1);\n        let t = U.borrow(cs).borrow().as_ref().map(|u: &Uart| u.tx);\n    });\n    let v = core::ptr::read_volatile(\n        &raw const S,\n    );\n}\n",
];

const TOKENS: &[&str] = &[
    "pub",
    "fn",
    "static",
    "mut",
    "let",
    "unsafe",
    "if",
    "else",
    "match",
    "loop",
    "while",
    "for",
    "in",
    "return",
    "break",
    "continue",
    "struct",
    "const",
    "use",
    "as",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ";",
    ",",
    ":",
    "::",
    "=",
    "==",
    "+=",
    "-",
    "+",
    "*",
    "/",
    "%",
    "&",
    "&&",
    "|",
    "||",
    "!",
    "<",
    ">",
    "..",
    "..=",
    "=>",
    "->",
    ".",
    "#",
    "'a",
    "_",
    "COUNT",
    "TICKS",
    "x",
    "main_loop",
    "on_timer",
    "u8",
    "u32",
    "u64",
    "bool",
    "AtomicU32",
    "Ordering",
    "Relaxed",
    "critical_section",
    "with",
    "cs",
    "|cs|",
    "Mutex",
    "RefCell",
    "Option",
    "Some",
    "None",
    "borrow",
    "fetch_add",
    "load",
    "store",
    "0",
    "1",
    "255",
    "70000u32",
    "true",
    "\"s\"",
    "'c'",
    "1.5",
    "assert!",
    "panic!",
    "\n",
    "//c\n",
    "#[interrupt]",
    "NVIC",
    "Interrupt",
    "TIMER0",
    "&raw",
    "const",
    "impl",
    "trait",
    "enum",
    "async",
    "?",
];

fn exercise(code: &str) -> Result<(), String> {
    let setup = support::setup("thumbv7em-none-eabihf", 1, code);
    let compiled = compile(&setup, code, "lesson.rs");
    compiled.check_spans(code, "lesson.rs")?;
    if let Some(p) = compiled.program {
        let schedule = Schedule::parse("TIMER0@3", &p).unwrap_or_default();
        let bounds = Bounds { max_steps: 2_000, ..Bounds::default() };
        let mut session = Session::new(p, schedule, bounds).map_err(|e| format!("validated program fails: {e}"))?;
        session.run_to_end();
    }
    Ok(())
}

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, &'static str),
    Duplicate(usize, usize),
}

fn apply(code: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    for e in edits {
        let n = chars.len().max(1);
        match *e {
            Edit::Delete(at, len) => {
                let at = at % n;
                let end = (at + len % 12).min(chars.len());
                chars.drain(at.min(chars.len())..end);
            }
            Edit::Insert(at, tok) => {
                let at = (at % n).min(chars.len());
                chars.splice(at..at, format!(" {tok} ").chars());
            }
            Edit::Duplicate(at, len) => {
                let at = (at % n).min(chars.len());
                let end = (at + len % 40).min(chars.len());
                let copy: Vec<char> = chars[at..end].to_vec();
                chars.splice(end..end, copy);
            }
        }
    }
    chars.into_iter().collect()
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Edit::Delete(a, l)),
        (any::<usize>(), prop::sample::select(TOKENS)).prop_map(|(a, t)| Edit::Insert(a, t)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Edit::Duplicate(a, l)),
    ]
}

proptest! {
    // 256 cases each by default; set PROPTEST_CASES for a longer hunt.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_span_renders_without_panicking(
        source in prop::sample::select(SOURCES),
        (line, col_start, col_end) in (0u32..90, 0u32..120, 0u32..120),
        end in prop::option::of((0u32..95, 0u32..120)),
        secondary in prop::option::of((0u32..90, 0u32..120, 0u32..120)),
        suggestion in prop::option::of((0u32..90, 0u32..120, 0u32..120, "[a-z &]{0,6}")),
    ) {
        let mut d = irqlab_lang::Diagnostic::error("bad", Span::new("f.rs", line, col_start, col_end)).label("here");
        d.ends_at = end;
        if let Some((l, a, b)) = secondary {
            d = d.secondary(Span::new("f.rs", l, a, b), "there");
        }
        if let Some((l, a, b, text)) = suggestion {
            d = d.suggest("try", Span::new("f.rs", l, a, b), text);
        }
        let shown = d.render(source);
        prop_assert!(shown.starts_with("error: bad\n"), "{}", shown);
    }

    #[test]
    fn random_token_streams_never_panic(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..80)) {
        let code = tokens.join(" ");
        prop_assert_eq!(exercise(&code), Ok(()));
    }

    #[test]
    fn mutated_lessons_never_panic(source in prop::sample::select(SOURCES), edits in prop::collection::vec(edit(), 1..6)) {
        let code = apply(source, &edits);
        prop_assert_eq!(exercise(&code), Ok(()));
    }

    #[test]
    fn a_function_of_random_statements_never_panics(stmts in prop::collection::vec(prop::collection::vec(prop::sample::select(TOKENS), 1..10), 0..12)) {
        let body: Vec<String> = stmts.iter().map(|s| format!("    {};", s.join(" "))).collect();
        let code = format!("pub static mut COUNT: u32 = 0;\npub fn main_loop() {{\n{}\n}}\n", body.join("\n"));
        prop_assert_eq!(exercise(&code), Ok(()));
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let code = format!("pub fn main_loop() {{ let x = {}1{}; }}", "(".repeat(5000), ")".repeat(5000));
    let compiled = compile(&support::setup("thumbv7em-none-eabihf", 1, &code), &code, "lesson.rs");
    assert!(compiled.program.is_none());
    assert!(compiled.diagnostics[0].message.contains("nested this deeply"), "{:?}", compiled.diagnostics[0]);
    assert_eq!(compiled.check_spans(&code, "lesson.rs"), Ok(()));
}

#[test]
fn brackets_in_comments_do_not_count_as_nesting() {
    // 200 brackets in a comment: the code itself nests two deep.
    let code = format!("pub fn main_loop() {{\n    // {}\n    let _x = (1);\n}}\n", "(".repeat(200));
    let compiled = compile(&support::setup("thumbv7em-none-eabihf", 1, &code), &code, "lesson.rs");
    assert!(
        !compiled.diagnostics.iter().any(|d| d.message.contains("nested this deeply")),
        "{:?}",
        compiled.diagnostics
    );
}

#[test]
fn nesting_without_brackets_is_refused_at_its_place_not_overflowed() {
    // Each shape 5000 deep aborted the process on a stack overflow (in syn's
    // parser, the lowering or the drop of the tree).
    // Each line is `before$nest$after`.
    let shapes = "let _x = $!$true;
        let _x = $- $1;
        let _x = 1$ as u32$;
        let _x = 1$+1$;
        let _x = 1u32$.wrapping_add(1)$;
        let _x = if true { 1 }$ else if true { 1 }$ else { 2 };
        $return $;
        let _x = $*&$1;
        let _x = $&&$1;
        let _x = $|a, b| $1;
        let _x: $&$u32 = 1;
        let $&$x = 1;";
    for shape in shapes.lines() {
        let [before, nest, after] = shape.trim().splitn(3, '$').collect::<Vec<_>>()[..] else { panic!("{shape}") };
        let code = format!("pub fn main_loop() {{\n    {before}{}{after}\n}}\n", nest.repeat(5000));
        let compiled = compile(&support::setup("thumbv7em-none-eabihf", 1, &code), &code, "lesson.rs");
        assert!(compiled.program.is_none(), "{nest:?}");
        let [d] = compiled.diagnostics.as_slice() else { panic!("{nest:?}: {:?}", compiled.diagnostics) };
        assert_eq!(d.message, "expression nested too deeply (limit 128)", "{nest:?}");
        assert_eq!(d.span.line, 2, "{nest:?}");
        assert!(d.span.col_start > 100, "{nest:?}: the level past the limit, {:?}", d.span);
        assert_eq!(compiled.check_spans(&code, "lesson.rs"), Ok(()));
    }
}

#[test]
fn a_property_nested_too_deeply_is_refused_in_lesson_toml() {
    let code = "pub static mut COUNT: u32 = 0;\npub fn main_loop() {}\n";
    let mut setup = support::setup("thumbv7em-none-eabihf", 1, code);
    setup.properties.push(irqlab_lang::PropertySetup {
        name: "deep".into(),
        when: irqlab_sim::PropertyWhen::Always,
        holds: format!("{}true", "!".repeat(5000)),
        span: Span::new("lesson.toml", 9, 10, 5015),
    });
    let compiled = compile(&setup, code, "lesson.rs");
    assert!(compiled.program.is_none());
    let d = compiled.errors().next().expect("an error");
    assert_eq!(d.message, "expression nested too deeply (limit 128)");
    assert_eq!((d.span.file.as_str(), d.span.line), ("lesson.toml", 9));
}

#[test]
fn brackets_in_thousands_of_character_literals_are_not_delimiters() {
    // Each quote made the bracket walk count chars from the start of the
    // file again (50,000 literals: 34 s).
    let code = format!("pub fn main_loop() {{\n{}}}\n", "    let _c = '(';\n".repeat(5000));
    let compiled = compile(&support::setup("thumbv7em-none-eabihf", 1, &code), &code, "lesson.rs");
    assert_eq!(compiled.diagnostics.len(), 5000);
    assert!(compiled.diagnostics.iter().all(|d| d.message == "irqlab does not model this kind of literal yet"));
    assert_eq!(compiled.check_spans(&code, "lesson.rs"), Ok(()));
}

/// Found by `cargo xtask fuzz front_end` (fuzz/regressions/front_end/): a
/// bare `return` in a method that returns a tuple left the caller a tuple
/// of no values, and taking a field of it panicked in the lowering.
#[test]
fn a_bare_return_in_a_method_returning_a_value_is_a_type_error() {
    let code = "pub struct R { pub a: u32 }\nimpl R {\n    fn get(&self) -> (u32, u32) {\n        return\n    }\n}\npub static X: R = R { a: 0 };\npub fn main_loop() {\n    let _v = X.get().1;\n}\n";
    let compiled = support::compile_v7(code);
    assert!(compiled.program.is_none());
    let d = compiled.errors().next().expect("an error");
    assert_eq!(d.message, "mismatched types", "{d:?}");
    assert_eq!((d.span.line, d.span.col_start), (4, 9), "{d:?}");
    assert_eq!(compiled.check_spans(code, "lesson.rs"), Ok(()));
}
