//! Tuples, `impl` blocks and `UnsafeCell` with `unsafe impl Sync`: the
//! pieces of a small safe abstraction (lesson 06's fix), lowered to the
//! machine's locals and plain accesses, and their errors in rustc's words.

mod support;

use expect_test::{Expect, expect};
use irqlab_lang::{Setup, compile};
use support::{listing, program, run, run_with};

fn state(code: &str) -> String {
    let (state, outcomes) = run(code);
    assert!(outcomes.is_empty(), "{outcomes:?}");
    state
}

fn errors(code: &str, expected: Expect) {
    let setup = Setup::library("thumbv7em-none-eabihf").expect("target");
    let compiled = compile(&setup, code, "lesson.rs");
    assert!(compiled.program.is_none(), "compiled");
    expected.assert_eq(&support::diagnostics(&compiled, code));
}

/// Lesson 06's abstraction; `main_loop` and `on_timer` are appended.
const READING: &str = r#"use core::cell::UnsafeCell;
use critical_section::CriticalSection;

struct Reading {
    pair: UnsafeCell<(u32, u32)>,
}

unsafe impl Sync for Reading {}

impl Reading {
    const fn new() -> Self {
        Reading { pair: UnsafeCell::new((0, 7)) }
    }

    fn post(&self, _cs: CriticalSection, mv: u32, seq: u32) {
        unsafe { *self.pair.get() = (mv, seq) }
    }

    fn get(&self, _cs: CriticalSection) -> (u32, u32) {
        unsafe { *self.pair.get() }
    }
}

static READING: Reading = Reading::new();
pub static mut MV: u32 = 0;
pub static mut SEQ: u32 = 0;
"#;

#[test]
fn tuples_are_built_returned_destructured_and_indexed() {
    let code = r#"
pub static mut HI: u32 = 0;
pub static mut LO: u32 = 0;
pub static mut SUM: u32 = 0;
fn split(v: u32) -> (u32, u32) {
    if v == 0 {
        return (0, 0);
    }
    (v >> 16, v & 0xffff)
}
pub fn main_loop() {
    let (hi, lo) = split(0x0003_0004);
    let pair: (u32, u32) = critical_section::with(|_| (lo, hi));
    let t = (1u8, (2u16, true));
    let (mut a, _) = split(0);
    a += (t.1).0 as u32 + t.0 as u32;
    unsafe {
        HI = hi;
        LO = pair.0;
        SUM = if (t.1).1 { a + pair.1 } else { 0 };
    }
}
"#;
    assert_eq!(state(code), "HI=3 LO=4 SUM=6");
}

#[test]
fn a_tuple_is_one_local_per_element_and_a_tuple_static_one_location_per_element() {
    let code = "pub static mut P: (u8, u32) = (1, 2);\npub fn main_loop() {\n    let (a, b) = unsafe { P };\n    unsafe { P = (b as u8, a as u32) };\n}\n";
    expect![[r#"
        0: load P.0 Plain @3
        1: load P.1 Plain @3
        2: & u8 @4
        3: store P.0 Plain @4
        4: store P.1 Plain @4
        5: return @5
    "#]]
    .assert_eq(&listing(&program(code), "main_loop"));
    assert_eq!(state(code), "P.0=2 P.1=1");
}

#[test]
fn methods_and_associated_functions_of_an_impl_block_run_inline() {
    let code = r#"
pub struct Acc {
    total: u32,
    count: u32,
}
impl Acc {
    const fn new() -> Self {
        Acc { total: 0, count: 0 }
    }
    fn add(&mut self, v: u32) {
        self.total += v;
        self.count += 1;
    }
    fn mean(&self) -> u32 {
        if self.count == 0 {
            return 0;
        }
        self.total / self.count
    }
    fn both(&self) -> (u32, u32) {
        (self.total, Self::twice(self.count) / 2)
    }
    fn twice(n: u32) -> u32 {
        n * 2
    }
}
pub static mut MEAN: u32 = 0;
pub static mut N: u32 = 0;
pub static mut EMPTY: u32 = 1;
pub fn main_loop() {
    let mut acc = Acc::new();
    unsafe { EMPTY = acc.mean() };
    acc.add(4);
    acc.add(8);
    let (_, n) = acc.both();
    unsafe {
        MEAN = acc.mean();
        N = n;
    }
}
"#;
    assert_eq!(state(code), "MEAN=6 N=2 EMPTY=0");
    // Inlined: main_loop is the program's only function besides none.
    let p = program(code);
    assert_eq!(p.functions.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["main_loop"]);
}

#[test]
fn a_const_fn_new_initializes_a_static_and_unsafe_cell_get_is_a_plain_access() {
    let code = format!(
        "{READING}pub fn main_loop() {{\n    let (mv, seq) = critical_section::with(|cs| READING.get(cs));\n    unsafe {{\n        MV = mv;\n        SEQ = seq;\n    }}\n}}\n"
    );
    assert_eq!(state(&code), "READING.pair.0=0 READING.pair.1=7 MV=0 SEQ=7");
    expect![[r#"
        0: ReadPrimask { dst: Local(0) } @28
        1: DisableInterrupts @28
        2: load READING.pair.0 Plain @20
        3: load READING.pair.1 Plain @20
        4: RestorePrimask { saved: Local(Local(0)) } @28
        5: store MV Plain @30
        6: store SEQ Plain @31
        7: return @33
    "#]]
    .assert_eq(&listing(&program(&code), "main_loop"));
}

#[test]
fn the_abstraction_s_methods_keep_the_pair_whole_and_a_bypass_races() {
    let safe = format!(
        "{READING}pub fn main_loop() {{\n    let (mv, seq) = critical_section::with(|cs| READING.get(cs));\n    unsafe {{\n        MV = mv;\n        SEQ = seq;\n    }}\n}}\npub fn on_timer() {{\n    critical_section::with(|cs| READING.post(cs, 100, 1));\n}}\n"
    );
    for at in 0..8 {
        let (_, outcomes) = run_with(&safe, &format!("TIMER0@{at}"));
        assert!(outcomes.is_empty(), "TIMER0@{at}: {outcomes:?}");
    }
    // Through `get()` without the token's critical section: plain loads
    // that the handler's plain stores race with.
    let bypass = format!(
        "{READING}pub fn main_loop() {{\n    let (mv, seq) = unsafe {{ *READING.pair.get() }};\n    unsafe {{\n        MV = mv;\n        SEQ = seq;\n    }}\n}}\npub fn on_timer() {{\n    critical_section::with(|cs| READING.post(cs, 100, 1));\n}}\n"
    );
    let (state, outcomes) = run_with(&bypass, "TIMER0@1");
    assert_eq!(state, "READING.pair.0=100 READING.pair.1=1 MV=0 SEQ=1");
    assert!(outcomes[0].starts_with("data-race: Undefined behavior: data race on `READING.pair.0`"), "{outcomes:?}");
}

#[test]
fn a_static_that_is_not_sync_is_rustc_s_e0277() {
    errors(
        "use core::cell::UnsafeCell;\n\npub struct Reading {\n    pair: UnsafeCell<(u32, u32)>,\n}\n\npub static READING: Reading = Reading { pair: UnsafeCell::new((0, 0)) };\npub static RAW: UnsafeCell<u32> = UnsafeCell::new(0);\n",
        expect![[r#"
            error[E0277]: `UnsafeCell<(u32, u32)>` cannot be shared between threads safely
             --> lesson.rs:7:21
              |
            7 | pub static READING: Reading = Reading { pair: UnsafeCell::new((0, 0)) };
              |                     ^^^^^^^ `UnsafeCell<(u32, u32)>` cannot be shared between threads safely
              |
              = note: required because it appears within the type `Reading`
              = note: shared static variables must have a type that implements `Sync`
              = help: within `Reading`, the trait `Sync` is not implemented for `UnsafeCell<(u32, u32)>`

            error[E0277]: `UnsafeCell<u32>` cannot be shared between threads safely
             --> lesson.rs:8:17
              |
            8 | pub static RAW: UnsafeCell<u32> = UnsafeCell::new(0);
              |                 ^^^^^^^^^^^^^^^ `UnsafeCell<u32>` cannot be shared between threads safely
              |
              = note: shared static variables must have a type that implements `Sync`
              = help: the trait `Sync` is not implemented for `UnsafeCell<u32>`

        "#]],
    );
}

#[test]
fn sync_must_be_promised_with_unsafe_impl() {
    errors(
        "use core::cell::UnsafeCell;\n\npub struct Reading {\n    pair: UnsafeCell<u32>,\n}\n\nimpl Sync for Reading {}\n\npub static READING: Reading = Reading { pair: UnsafeCell::new(0) };\n",
        expect![[r#"
            error[E0200]: the trait `Sync` requires an `unsafe impl` declaration
             --> lesson.rs:7:1
              |
            7 | impl Sync for Reading {}
              | ^^^^^^^^^^^^^^^^^^^^^
              |
              = note: the trait `Sync` enforces invariants that the compiler can't check. Review the trait documentation and make sure this implementation upholds those invariants before adding the `unsafe` keyword
            help: add `unsafe` to this trait implementation
              |
            7 | unsafe impl Sync for Reading {}
              | ++++++

        "#]],
    );
}

#[test]
fn tuple_and_method_mistakes_are_located_errors() {
    errors(
        "pub struct Acc {\n    n: u32,\n}\nimpl Acc {\n    fn get(&self) -> (u32, u32) {\n        (self.n, 0)\n    }\n    fn add(&mut self) {\n        self.n += 1;\n    }\n    fn forever(&self) -> u32 {\n        self.forever()\n    }\n}\npub static ACC: Acc = Acc { n: 0 };\npub fn main_loop() {\n    let (a, b, c) = ACC.get();\n    let p = ACC.get();\n    let x = p.2;\n    ACC.reset();\n    let y = Acc::zero();\n    ACC.add();\n    let z = ACC.forever();\n}\n",
        expect![[r#"
            error[E0308]: mismatched types
              --> lesson.rs:17:9
               |
            17 |     let (a, b, c) = ACC.get();
               |         ^^^^^^^^^ expected a tuple with 2 elements, found one with 3 elements
               |
               = note: expected tuple `(u32, u32)`
                          found tuple `(_, _, _)`

            error[E0609]: no field `2` on type `(u32, u32)`
              --> lesson.rs:19:15
               |
            19 |     let x = p.2;
               |               ^ unknown field
               |
               = note: available fields are: `0`, `1`

            error[E0599]: no method named `reset` found for struct `Acc` in the current scope
              --> lesson.rs:20:9
               |
            20 |     ACC.reset();
               |         ^^^^^ method not found in `Acc`

            error[E0599]: no function or associated item named `zero` found for struct `Acc` in the current scope
              --> lesson.rs:21:18
               |
            21 |     let y = Acc::zero();
               |                  ^^^^ function or associated item not found in `Acc`

            error[E0596]: cannot borrow immutable static item `ACC` as mutable
              --> lesson.rs:22:5
               |
            15 | pub static ACC: Acc = Acc { n: 0 };
               | ------------------- this `static` cannot be borrowed as mutable
            ...
            22 |     ACC.add();
               |     ^^^ cannot borrow as mutable

            error: irqlab does not model recursion through this function yet
              --> lesson.rs:12:9
               |
            12 |         self.forever()
               |         ^^^^^^^^^^^^^^ not modelled by irqlab
               |
               = help: irqlab lowers a method, or a function that takes or returns a tuple, a struct or a `CriticalSection`, into each caller

        "#]],
    );
}

#[test]
fn the_pointer_from_unsafe_cell_get_is_dereferenced_inside_unsafe_only() {
    errors(
        "use core::cell::UnsafeCell;\n\npub struct Slot {\n    v: UnsafeCell<u32>,\n}\nunsafe impl Sync for Slot {}\nstatic SLOT: Slot = Slot { v: UnsafeCell::new(0) };\nfn read_it() -> u32 {\n    *SLOT.v.get()\n}\npub fn main_loop() {\n    let _ = read_it();\n}\n",
        expect![[r#"
            error[E0133]: dereference of raw pointer is unsafe and requires unsafe block
             --> lesson.rs:9:5
              |
            9 |     *SLOT.v.get()
              |     ^^^^^^^^^^^^^ dereference of raw pointer
              |
              = note: raw pointers may be null, dangling or unaligned; they can violate aliasing rules and cause data races: all of these are undefined behavior

        "#]],
    );
}

#[test]
fn a_static_initializer_calls_only_a_const_fn() {
    errors(
        "pub struct P {\n    a: u32,\n}\nimpl P {\n    fn new() -> Self {\n        P { a: 1 }\n    }\n}\npub static X: P = P::new();\npub fn main_loop() {}\n",
        expect![[r#"
            error[E0015]: cannot call non-const associated function `P::new` in statics
             --> lesson.rs:9:19
              |
            9 | pub static X: P = P::new();
              |                   ^^^^^^^^
              |
              = note: calls in statics are limited to constant functions, tuple structs and tuple variants
              = note: consider wrapping this expression in `std::sync::LazyLock::new(|| ...)`
              = help: declare it `const fn new`

        "#]],
    );
}
