//! What lowered code computes, run on the machine: Rust's semantics in a
//! release build (wrapping arithmetic, panics on division by zero and out of
//! bounds indexing, RefCell borrow checks at run time).

mod support;

use support::{run, run_with};

fn state(code: &str) -> String {
    let (state, outcomes) = run(code);
    assert!(outcomes.is_empty(), "{outcomes:?}");
    state
}

#[test]
fn arithmetic_wraps_like_a_release_build() {
    let code = "pub static mut A: u8 = 255;\npub static mut B: i8 = -128;\npub static mut C: u32 = 0;\npub fn main_loop() {\n    unsafe {\n        A += 1;\n        B -= 1;\n        C = C.wrapping_sub(1) >> 28;\n    }\n}\n";
    assert_eq!(state(code), "A=0 B=127 C=15");
}

#[test]
fn casts_truncate_and_extend() {
    let code = "pub static mut A: u8 = 0;\npub static mut B: i32 = 0;\npub static mut C: u32 = 0;\npub fn main_loop() {\n    let big: u32 = 300;\n    let minus: i8 = -1;\n    unsafe {\n        A = big as u8;\n        B = minus as i32;\n        C = minus as u32;\n    }\n}\n";
    assert_eq!(state(code), "A=44 B=-1 C=4294967295");
}

#[test]
fn control_flow_computes_what_rust_computes() {
    let code = r#"
pub static mut SUM: u32 = 0;
pub static mut EVENS: u32 = 0;
pub static mut LAST: u32 = 0;
fn classify(n: u32) -> u32 {
    match n {
        0 => 100,
        1..=3 => 10,
        _ => 1,
    }
}
pub fn main_loop() {
    let mut i = 0;
    while i < 10 {
        i += 1;
        if i % 2 == 0 {
            unsafe { EVENS += 1 };
            continue;
        }
        if i == 9 {
            break;
        }
        unsafe { SUM += classify(i) };
    }
    for k in (0..4).rev() {
        unsafe { LAST = k };
    }
    let found = loop {
        if unsafe { SUM } > 5 { break true; }
        break false;
    };
    assert!(found && !(i != 9) || false);
}
"#;
    // i = 1, 3 -> 10 each; 5, 7 -> 1 each; EVENS for 2, 4, 6, 8.
    assert_eq!(state(code), "SUM=22 EVENS=4 LAST=0");
}

#[test]
fn a_failed_assert_is_a_panic_at_its_line() {
    let (_, outcomes) = run(
        "pub static mut N: u32 = 1;\npub fn main_loop() {\n    let n = unsafe { N };\n    assert_eq!(n, 2, \"n must be two\");\n}\n",
    );
    assert_eq!(outcomes, ["panic: main panicked at line 4: n must be two."]);
}

#[test]
fn division_by_zero_and_bad_indices_panic() {
    let (_, outcomes) = run(
        "pub static mut D: u32 = 0;\npub fn main_loop() {\n    let x = 10 / unsafe { D };\n    assert!(x == 0);\n}\n",
    );
    assert_eq!(outcomes, ["panic: main panicked at line 3: attempt to divide by zero."]);
    let (_, outcomes) = run(
        "pub static mut BUF: [u8; 4] = [0; 4];\npub static mut I: usize = 4;\npub fn main_loop() {\n    unsafe { BUF[I] = 1 };\n}\n",
    );
    assert_eq!(outcomes, ["panic: main panicked at line 4: index out of bounds: the len is 4 but the index is 4."]);
}

#[test]
fn struct_fields_and_array_elements_are_separate_cells() {
    let code = "pub struct Ring { pub head: u8, pub buf: [u8; 3] }\npub static mut RING: Ring = Ring { head: 0, buf: [7; 3] };\npub fn main_loop() {\n    for _ in 0..4 {\n        unsafe {\n            let h = RING.head as usize;\n            RING.buf[h] = RING.head + 10;\n            RING.head = (RING.head + 1) % 3;\n        }\n    }\n}\n";
    // The fourth pass wraps around and overwrites buf[0] with 0 + 10.
    assert_eq!(state(code), "RING.head=1 RING.buf[0]=10 RING.buf[1]=11 RING.buf[2]=12");
}

#[test]
fn a_second_borrow_of_a_refcell_panics() {
    let code = "use core::cell::RefCell;\nuse critical_section::Mutex;\npub static X: Mutex<RefCell<u32>> = Mutex::new(RefCell::new(0));\npub fn main_loop() {\n    critical_section::with(|cs| {\n        let a = X.borrow(cs).borrow_mut();\n        let b = X.borrow(cs).borrow_mut();\n        drop(a);\n        drop(b);\n    });\n}\n";
    let (_, outcomes) = run(code);
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert!(outcomes[0].starts_with("double-borrow: main panicked at line 7: `X` is already"), "{outcomes:?}");
}

#[test]
fn unwrap_before_initialization_names_the_static() {
    let code = "use core::cell::RefCell;\nuse critical_section::Mutex;\npub static LED: Mutex<RefCell<Option<u8>>> = Mutex::new(RefCell::new(None));\npub fn main_loop() {\n    critical_section::with(|cs| {\n        let on = LED.borrow(cs).borrow().unwrap();\n        assert!(on == 1);\n    });\n}\n";
    let (_, outcomes) = run(code);
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert!(outcomes[0].starts_with("uninitialized: main panicked at line 6"), "{outcomes:?}");
}

#[test]
fn cells_options_and_functions_with_values() {
    let code = r#"
use core::cell::{Cell, RefCell};
use critical_section::Mutex;
pub static FLAG: Mutex<Cell<bool>> = Mutex::new(Cell::new(false));
pub static SLOT: Mutex<RefCell<Option<u16>>> = Mutex::new(RefCell::new(None));
pub static mut OUT: u16 = 0;
fn double(x: u16) -> u16 {
    x * 2
}
pub fn main_loop() {
    critical_section::with(|cs| {
        FLAG.borrow(cs).set(true);
        *SLOT.borrow_ref_mut(cs) = Some(double(21));
    });
    let taken = critical_section::with(|cs| SLOT.borrow(cs).take());
    if let Some(v) = taken {
        if critical_section::with(|cs| FLAG.borrow(cs).get()) {
            unsafe { OUT = v };
        }
    }
}
"#;
    // `take()` leaves `None` behind (its payload cell zeroed).
    assert_eq!(state(code), "FLAG=true SLOT (borrow flag)=0 SLOT=false SLOT.0=0 OUT=42");
}

#[test]
fn atomics_compare_exchange_and_swap() {
    let code = r#"
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
pub static OWNER: AtomicU32 = AtomicU32::new(0);
pub static READY: AtomicBool = AtomicBool::new(false);
pub static mut WON: u32 = 0;
pub fn main_loop() {
    if OWNER.compare_exchange(0, 7, Ordering::Acquire, Ordering::Relaxed).is_ok() {
        unsafe { WON += 1 };
    }
    match OWNER.compare_exchange_weak(0, 9, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => unsafe { WON += 10 },
        Err(current) => assert_eq!(current, 7),
    }
    READY.store(true, Ordering::Release);
    let was = READY.swap(false, Ordering::AcqRel);
    assert!(was);
    OWNER.fetch_max(3, Ordering::SeqCst);
}
"#;
    assert_eq!(state(code), "OWNER=7 READY=false WON=1");
}

#[test]
fn a_timer_between_load_and_store_loses_an_update() {
    let code = "pub static mut COUNT: u32 = 0;\npub fn main_loop() {\n    unsafe { COUNT += 1 };\n}\npub fn on_timer() {\n    unsafe { COUNT += 1 };\n}\n";
    let (state, outcomes) = run_with(code, "TIMER0@1");
    assert_eq!(state, "COUNT=1");
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert!(outcomes[0].starts_with("data-race: Undefined behavior: data race on `COUNT`"), "{outcomes:?}");
}

/// Runs `code` with one end property `name` = `holds`; its outcomes explained.
fn explain_property(code: &str, name: &str, holds: &str) -> Vec<String> {
    explain_property_at(code, name, holds, irqlab_sim::PropertyWhen::End)
}

/// `explain_property` for a property checked `when`.
fn explain_property_at(code: &str, name: &str, holds: &str, when: irqlab_sim::PropertyWhen) -> Vec<String> {
    use irqlab_lang::{PropertySetup, compile};
    use irqlab_sim::Span;
    let mut setup = support::setup("thumbv7em-none-eabihf", 1, code);
    setup.properties.push(PropertySetup {
        name: name.into(),
        when,
        holds: holds.into(),
        span: Span::new("lesson.toml", 9, 10, 11),
    });
    let compiled = compile(&setup, code, "lesson.rs");
    let rendered = support::diagnostics(&compiled, code);
    let p = compiled.program.unwrap_or_else(|| panic!("{rendered}"));
    let mut s = irqlab_sim::Session::new(p.clone(), irqlab_sim::Schedule::default(), irqlab_sim::Bounds::default())
        .expect("valid");
    s.run_to_end().outcomes.iter().map(|o| o.explain(&p)).collect()
}

#[test]
fn properties_name_ordering_without_a_use_like_the_firmware_does() {
    let code = "pub static TICKS: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);\npub fn main_loop() {\n    TICKS.fetch_add(2, core::sync::atomic::Ordering::Relaxed);\n}\n";
    let explained = explain_property(code, "two ticks", "TICKS.load(Ordering::Relaxed) == 3");
    assert_eq!(explained, ["Property \"two ticks\" is false after 2 steps: `TICKS.load(Ordering::Relaxed) == 3`."]);
}

#[test]
fn nvic_pend_and_basepri_drive_the_handler() {
    let code = r#"
use core::sync::atomic::{AtomicU32, Ordering};
use cortex_m::peripheral::NVIC;
use crate::board::Interrupt;
pub static RUNS: AtomicU32 = AtomicU32::new(0);
pub static mut SEEN_MASKED: u32 = 99;
pub fn main_loop() {
    // BASEPRI 32 is priority level 1 with 3 priority bits: TIMER0 (1) is masked.
    unsafe { cortex_m::register::basepri::write(32) };
    NVIC::pend(Interrupt::TIMER0);
    cortex_m::asm::dsb();
    unsafe { SEEN_MASKED = RUNS.load(Ordering::Relaxed) };
    unsafe { cortex_m::register::basepri::write(0) };
}
pub fn on_timer() {
    RUNS.fetch_add(1, Ordering::Relaxed);
}
"#;
    assert_eq!(state(code), "RUNS=1 SEEN_MASKED=0");
}

#[test]
fn an_entry_function_that_never_returns_runs_until_the_bound() {
    let code = "use cortex_m_rt::entry;\npub static mut N: u32 = 0;\n#[entry]\nfn main_loop() -> ! {\n    loop {\n        unsafe { N = N.wrapping_add(1) };\n    }\n}\n";
    let (_, outcomes) = run(code);
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert!(outcomes[0].starts_with("bound-hit"), "{outcomes:?}");
}

#[test]
fn let_chains_and_while_let_bind_the_payload() {
    let code = r#"
pub static mut Q: [u8; 3] = [5, 6, 0];
pub static mut SUM: u32 = 0;
fn next(i: usize) -> u8 {
    unsafe { Q[i] }
}
pub fn main_loop() {
    let mut i: usize = 0;
    let mut item: Option<u8> = Some(next(0));
    while let Some(v) = item {
        unsafe { SUM += v as u32 };
        i += 1;
        item = if i < 3 && next(i) != 0 { Some(next(i)) } else { None };
    }
    let last: Option<u8> = Some(7);
    if let Some(x) = last && x > 6 {
        unsafe { SUM += 100 };
    }
}
"#;
    assert_eq!(state(code), "Q[0]=5 Q[1]=6 Q[2]=0 SUM=111");
}

#[test]
fn wfi_sleeps_until_an_event_arrives() {
    let code = "use core::sync::atomic::{AtomicU32, Ordering};\npub static RUNS: AtomicU32 = AtomicU32::new(0);\npub static mut AFTER: u32 = 0;\npub fn main_loop() {\n    cortex_m::asm::wfi();\n    unsafe { AFTER = RUNS.load(Ordering::Relaxed) };\n}\npub fn on_timer() {\n    RUNS.fetch_add(1, Ordering::Relaxed);\n}\n";
    let (state, outcomes) = run_with(code, "TIMER0@40");
    assert!(outcomes.is_empty(), "{outcomes:?}");
    assert_eq!(state, "RUNS=1 AFTER=1");
    let (_, outcomes) = run(code);
    assert_eq!(
        outcomes,
        ["hang: main spins forever at line 5 waiting for an interrupt (WFI): nothing left in this run can change it."]
    );
}

#[test]
fn fetch_update_loops_until_its_exchange_succeeds() {
    let code = r#"
use core::sync::atomic::{AtomicU32, Ordering};
pub static LEVEL: AtomicU32 = AtomicU32::new(5);
pub static mut OLD: u32 = 0;
pub static mut REFUSED: bool = false;
pub fn main_loop() {
    let r = LEVEL.fetch_update(Ordering::AcqRel, Ordering::Acquire, |x| if x < 9 { Some(x * 2) } else { None });
    if let Ok(old) = r {
        unsafe { OLD = old };
    }
    unsafe { REFUSED = LEVEL.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |x| if x < 9 { Some(x) } else { None }).is_err() };
}
"#;
    assert_eq!(state(code), "LEVEL=10 OLD=5 REFUSED=true");
}

#[test]
fn a_closure_s_none_is_typed_by_what_its_caller_expects() {
    // cortex-m's `Peripherals::take()`: the closure of `interrupt::free`
    // returns `None` first, typed by `take`'s return type; the closure of
    // `fetch_update` returns an `Option` of the atomic's type.
    let code = r#"
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
pub struct Led {
    _private: (),
}
static TAKEN: AtomicBool = AtomicBool::new(false);
pub static LEVEL: AtomicU32 = AtomicU32::new(5);
pub static mut GOT: u32 = 0;
impl Led {
    pub fn take() -> Option<Led> {
        cortex_m::interrupt::free(|_| {
            if TAKEN.load(Ordering::Relaxed) {
                None
            } else {
                TAKEN.store(true, Ordering::Relaxed);
                Some(Led { _private: () })
            }
        })
    }
}
pub fn main_loop() {
    if let Some(_led) = Led::take() {
        unsafe { GOT += 1 };
    }
    let again: Option<Led> = critical_section::with(|_| if TAKEN.load(Ordering::Relaxed) { None } else { Led::take() });
    if let Some(_led) = again {
        unsafe { GOT += 10 };
    }
    let _ = LEVEL.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |x| if x >= 9 { None } else { Some(x * 2) });
    let _led = Led::take().unwrap();
}
"#;
    let (state, outcomes) = run(code);
    assert_eq!(state, "TAKEN=true LEVEL=10 GOT=1");
    assert_eq!(outcomes, ["panic: main panicked at line 30: called `Option::unwrap()` on a `None` value."]);
}

#[test]
fn map_of_as_mut_runs_the_closure_on_the_payload_only_when_there_is_one() {
    let code = r#"
use core::cell::RefCell;
use critical_section::Mutex;
pub struct Uart { pub tx: u8, pub sent: u32 }
pub static UART: Mutex<RefCell<Option<Uart>>> = Mutex::new(RefCell::new(None));
pub static mut SEEN: u32 = 0;
pub fn main_loop() {
    for _ in 0..3 {
        critical_section::with(|cs| {
            UART.borrow_ref_mut(cs).as_mut().map(|u| u.sent += 1);
            let tx = UART.borrow(cs).borrow().as_ref().map(|u: &Uart| u.tx);
            if let Some(tx) = tx {
                unsafe { SEEN += tx as u32 };
            }
            if UART.borrow(cs).borrow().is_none() {
                UART.borrow(cs).replace(Some(Uart { tx: 5, sent: 0 }));
            }
        });
    }
}
"#;
    // The first pass finds None: neither closure runs, and it puts the Uart
    // in. The two passes after it find it: each sends once and sees tx 5.
    assert_eq!(state(code), "UART (borrow flag)=0 UART=true UART.0.tx=5 UART.0.sent=2 SEEN=10");
}

#[test]
fn if_let_some_of_as_mut_writes_through_the_guard() {
    let code = r#"
use core::cell::RefCell;
use critical_section::Mutex;
pub struct Timer { pub fired: u32 }
pub static TIMER: Mutex<RefCell<Option<Timer>>> = Mutex::new(RefCell::new(None));
pub static mut MISSED: u32 = 0;
pub fn main_loop() {
    for _ in 0..2 {
        critical_section::with(|cs| {
            if let Some(t) = TIMER.borrow_ref_mut(cs).as_mut() {
                t.fired += 1;
            } else {
                unsafe { MISSED += 1 };
                TIMER.borrow(cs).replace(Some(Timer { fired: 10 }));
            }
        });
    }
    let seen = critical_section::with(|cs| match TIMER.borrow(cs).borrow().as_ref() {
        Some(t) => t.fired,
        None => 0,
    });
    assert_eq!(seen, 11);
}
"#;
    // The else branch borrows TIMER again: the `if let` guard was dropped first.
    assert_eq!(state(code), "TIMER (borrow flag)=0 TIMER=true TIMER.0.fired=11 MISSED=1");
}

#[test]
fn a_guard_held_by_if_let_is_still_borrowed_in_its_body() {
    let code = "use core::cell::RefCell;\nuse critical_section::Mutex;\npub static X: Mutex<RefCell<Option<u8>>> = Mutex::new(RefCell::new(Some(1)));\npub fn main_loop() {\n    critical_section::with(|cs| {\n        if let Some(v) = X.borrow_ref_mut(cs).as_mut() {\n            *v += 1;\n            let again = X.borrow(cs).borrow();\n            drop(again);\n        }\n    });\n}\n";
    let (_, outcomes) = run(code);
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert!(outcomes[0].starts_with("double-borrow: main panicked at line 8"), "{outcomes:?}");
}

#[test]
fn board_basepri_masks_a_priority_and_every_less_urgent_one() {
    let code = |p: u8| {
        format!(
            r#"
use core::sync::atomic::{{AtomicU32, Ordering}};
use cortex_m::peripheral::NVIC;
use crate::board::{{self, Interrupt}};
pub static RUNS: AtomicU32 = AtomicU32::new(0);
pub static mut RAW: u8 = 0;
pub static mut SEEN_MASKED: u32 = 99;
pub fn main_loop() {{
    unsafe {{ RAW = board::basepri({p}) }};
    cortex_m::register::basepri_max::write(board::basepri({p}));
    NVIC::pend(Interrupt::TIMER0);
    unsafe {{ SEEN_MASKED = RUNS.load(Ordering::Relaxed) }};
    unsafe {{ cortex_m::register::basepri::write(0) }};
}}
pub fn on_timer() {{
    RUNS.fetch_add(1, Ordering::Relaxed);
}}
"#
        )
    };
    // TIMER0 runs at priority 1; the target has 3 priority bits.
    assert_eq!(state(&code(1)), "RUNS=1 RAW=32 SEEN_MASKED=0");
    assert_eq!(state(&code(2)), "RUNS=1 RAW=64 SEEN_MASKED=1");
    let zero = code(0);
    let shown = support::diagnostics(&support::compile_v7(&zero), &zero);
    assert!(shown.contains("no BASEPRI value masks priority 0"), "{shown}");
    assert!(shown.contains("BASEPRI 0 masks nothing"), "{shown}");
}

#[test]
fn a_reference_to_an_element_of_a_static_mut_array_writes_that_element() {
    // rustc 1.95 accepts `&mut SLOTS[i]` (its static_mut_refs lint does not
    // look through an index). The reference keeps its element when the
    // index variable changes afterwards.
    let code = "pub static mut SLOTS: [u32; 4] = [0; 4];\npub static mut SEEN: u32 = 0;\npub fn main_loop() {\n    let mut i = 1;\n    let slot = unsafe { &mut SLOTS[i] };\n    i += 1;\n    *slot = 7;\n    let other = unsafe { &SLOTS[i - 1] };\n    unsafe { SLOTS[i] = 9 };\n    unsafe { SEEN = *other + SLOTS[2].clone() };\n}\n";
    assert_eq!(state(code), "SLOTS[0]=0 SLOTS[1]=7 SLOTS[2]=9 SLOTS[3]=0 SEEN=16");
}

#[test]
fn clone_and_comparison_methods_of_integers_compute_like_the_operators() {
    let code = "pub static mut A: bool = false;\npub static mut B: bool = false;\npub static mut C: u32 = 0;\npub fn main_loop() {\n    let n: u32 = 3;\n    let m = n.clone();\n    unsafe {\n        A = m.eq(&3) && n.ne(&4) && n.lt(&4) && n.ge(&3);\n        B = m.gt(&3) || false.lt(&false);\n        C = m.clone() + 1;\n    }\n}\n";
    assert_eq!(state(code), "A=true B=false C=4");
}

#[test]
fn a_property_that_is_loop_forever_compiles_and_is_reported_unknown() {
    // `loop {}` has type `!`, which coerces to `bool`: rustc accepts it as a
    // property's body, and it never finishes.
    let explained = explain_property("pub fn main_loop() {}\n", "never decided", "loop {}");
    assert_eq!(
        explained,
        ["Property \"never decided\" could not be evaluated (it took more than 1000000 steps): `loop {}`."]
    );
}

#[test]
fn a_variable_whose_value_diverges_is_not_reported_missing() {
    let code = "pub static mut X: u32 = 0;\npub fn main_loop() {\n    unsafe { X = 1 };\n}\npub fn stuck() -> bool {\n    let b: bool = loop {};\n    b\n}\n";
    assert_eq!(state(code), "X=1");
}

/// `bool` is `PartialOrd`: `false < true`, as rustc accepts (this was a
/// false E0369), computed at run time and folded for constants; arithmetic on
/// `bool` is still E0369.
#[test]
fn bools_compare_in_order() {
    let code = "pub static mut A: bool = false;\npub static mut B: bool = true;\npub static mut LT: bool = false;\npub static mut GE: bool = true;\npub static mut K: bool = false;\npub fn main_loop() {\n    unsafe {\n        LT = A < B;\n        GE = A >= B;\n        K = true > false;\n    }\n}\n";
    assert_eq!(state(code), "A=false B=true LT=true GE=false K=true");
    let bad = "pub static mut A: bool = false;\npub fn main_loop() {\n    unsafe { A = A + true; }\n}\n";
    let compiled = support::compile_v7(bad);
    assert!(compiled.diagnostics.iter().any(|d| d.code.as_deref() == Some("E0369")), "{:?}", compiled.diagnostics);
}

// docs/SEMANTICS.md §1 "Stack": a local array is in its function's frame
// (`Function::frame_bytes`, at its size in bytes), scalars are not, and a
// byte literal is a `u8`.
#[test]
fn a_local_array_counts_in_the_frame_and_stack_bytes_reads_it() {
    let code = "pub static SUM: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);\npub fn main_loop() {\n    let mut line = [0u8; 13];\n    let mut words = [0u32; 2];\n    words[1] = 0;\n    let n = 7u32;\n    line[0] = b'0' + n as u8;\n    SUM.store(line[0] as u32 + words[1] + n, Ordering::Relaxed);\n}\n";
    let code = &format!("use core::sync::atomic::Ordering;\n{code}");
    let p = support::program(code);
    let main = p.functions.iter().find(|f| f.name == "main_loop").expect("main_loop");
    assert_eq!(main.frame_bytes, 13 + 8, "13 bytes and two words; the scalar is in a register");
    // A struct that holds an array lives in the frame too, all of it.
    let boxed = "pub struct Line {\n    pub len: u8,\n    pub bytes: [u8; 6],\n}\npub fn main_loop() {\n    let mut line = Line { len: 0, bytes: [0u8; 6] };\n    line.len = 1;\n}\n";
    let p = support::program(boxed);
    let main = p.functions.iter().find(|f| f.name == "main_loop").expect("main_loop");
    assert_eq!(main.frame_bytes, 1 + 6);
    // A property reads the stack depth: main's frame, 40 bytes of saved
    // registers and its 21 bytes of arrays rounded up to 24.
    let always = irqlab_sim::PropertyWhen::Always;
    assert_eq!(explain_property_at(code, "fits", "stack_bytes() <= 64", always), Vec::<String>::new());
    let broken = explain_property_at(code, "fits", "stack_bytes() <= 63", always);
    assert_eq!(
        broken.first().map(String::as_str),
        Some("Property \"fits\" is false after 1 step: `stack_bytes() <= 63`.")
    );
    // At the end main has returned: nothing is on the stack.
    assert_eq!(explain_property(code, "empty", "stack_bytes() == 0"), Vec::<String>::new());
    let (state, _) = support::run_with(code, "");
    assert_eq!(state, "SUM=62", "b'0' + 7 is 55, plus 7");
}

// docs/SEMANTICS.md §4: `enabled("X")` in a property reads the NVIC's
// enable bit of X's interrupt, a `bool`.
#[test]
fn enabled_reads_whether_the_interrupt_is_unmasked() {
    let on_timer = "pub fn on_timer() {}\n";
    let masks = &format!(
        "use cortex_m::peripheral::NVIC;\nuse crate::board::Interrupt;\npub fn main_loop() {{\n    NVIC::mask(Interrupt::TIMER0);\n}}\n{on_timer}"
    );
    let leaves = &format!("pub fn main_loop() {{}}\n{on_timer}");
    assert_eq!(explain_property(leaves, "listens", "enabled(\"TIMER0\")"), Vec::<String>::new());
    assert_eq!(
        explain_property(masks, "listens", "enabled(\"TIMER0\")"),
        ["Property \"listens\" is false after 2 steps: `enabled(\"TIMER0\")`."]
    );
    assert_eq!(explain_property(masks, "masked", "!enabled(\"TIMER0\")"), Vec::<String>::new());
}
