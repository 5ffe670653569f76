//! How lesson code becomes machine steps: one test per rule, the listing
//! written inline (update with `UPDATE_EXPECT=1 cargo test`).

mod support;

use expect_test::{Expect, expect};
use irqlab_lang::compile;
use support::{listing, program, setup};

fn check(code: &str, func: &str, expected: Expect) {
    expected.assert_eq(&listing(&program(code), func));
}

#[test]
fn plus_equals_on_a_static_mut_is_load_add_store() {
    check(
        "pub static mut COUNT: u32 = 0;\npub fn main_loop() {\n    unsafe { COUNT += 1 }\n}\n",
        "main_loop",
        expect![[r#"
            0: load COUNT Plain @3
            1: + u32 @3
            2: store COUNT Plain @3
            3: return @4
        "#]],
    );
}

#[test]
fn a_critical_section_saves_disables_and_restores() {
    check(
        "pub static mut COUNT: u32 = 0;\npub fn main_loop() {\n    critical_section::with(|_cs| {\n        unsafe { COUNT += 1 };\n    });\n}\n",
        "main_loop",
        expect![[r#"
            0: ReadPrimask { dst: Local(0) } @3
            1: DisableInterrupts @3
            2: load COUNT Plain @4
            3: + u32 @4
            4: store COUNT Plain @4
            5: RestorePrimask { saved: Local(Local(0)) } @5
            6: return @6
        "#]],
    );
}

#[test]
fn on_two_cores_critical_section_takes_the_spinlock_but_interrupt_free_does_not() {
    let code = "pub static mut COUNT: u32 = 0;\npub fn main_loop() {\n    critical_section::with(|_| unsafe { COUNT += 1 });\n}\npub fn core1_loop() {\n    cortex_m::interrupt::free(|_| unsafe { COUNT += 1 });\n}\n";
    let compiled = compile(&setup("thumbv6m-none-eabi", 2, code), code, "lesson.rs");
    let p = compiled.program.expect("compiles");
    expect![[r#"
        0: ReadPrimask { dst: Local(0) } @3
        1: DisableInterrupts @3
        2: SpinlockAcquire { lock: 31, token: Local(1) } @3
        3: load COUNT Plain @3
        4: + u32 @3
        5: store COUNT Plain @3
        6: SpinlockRelease { lock: 31, token: Local(Local(1)) } @3
        7: RestorePrimask { saved: Local(Local(0)) } @3
        8: return @4
        --
        0: ReadPrimask { dst: Local(0) } @6
        1: DisableInterrupts @6
        2: load COUNT Plain @6
        3: + u32 @6
        4: store COUNT Plain @6
        5: RestorePrimask { saved: Local(Local(0)) } @6
        6: return @7
    "#]]
    .assert_eq(&(listing(&p, "main_loop") + "--\n" + &listing(&p, "core1_loop")));
}

#[test]
fn a_refcell_guard_is_released_at_the_end_of_its_statement() {
    check(
        "use core::cell::RefCell;\nuse critical_section::Mutex;\npub static SHARED: Mutex<RefCell<u32>> = Mutex::new(RefCell::new(0));\npub fn main_loop() {\n    critical_section::with(|cs| {\n        *SHARED.borrow_ref_mut(cs) += 1;\n        let n = *SHARED.borrow(cs).borrow();\n        assert!(n == 1);\n    });\n}\n",
        "main_loop",
        expect![[r#"
            0: ReadPrimask { dst: Local(0) } @5
            1: DisableInterrupts @5
            2: borrow_mut SHARED (borrow flag) @6
            3: load SHARED Plain @6
            4: + u32 @6
            5: store SHARED Plain @6
            6: release SHARED (borrow flag) @6
            7: borrow SHARED (borrow flag) @7
            8: load SHARED Plain @7
            9: release SHARED (borrow flag) @7
            10: == u32 @8
            11: check "assertion failed: n == 1" @8
            12: RestorePrimask { saved: Local(Local(0)) } @9
            13: return @10
        "#]],
    );
}

#[test]
fn a_bound_guard_lives_to_the_end_of_its_block() {
    check(
        "use core::cell::RefCell;\nuse critical_section::Mutex;\npub static SHARED: Mutex<RefCell<u32>> = Mutex::new(RefCell::new(0));\npub fn main_loop() {\n    critical_section::with(|cs| {\n        let mut g = SHARED.borrow(cs).borrow_mut();\n        *g += 1;\n        *g += 1;\n    });\n}\n",
        "main_loop",
        expect![[r#"
            0: ReadPrimask { dst: Local(0) } @5
            1: DisableInterrupts @5
            2: borrow_mut SHARED (borrow flag) @6
            3: load SHARED Plain @7
            4: + u32 @7
            5: store SHARED Plain @7
            6: load SHARED Plain @8
            7: + u32 @8
            8: store SHARED Plain @8
            9: release SHARED (borrow flag) @9
            10: RestorePrimask { saved: Local(Local(0)) } @9
            11: return @10
        "#]],
    );
}

#[test]
fn unwrap_of_a_static_option_checks_its_tag() {
    check(
        "use core::cell::RefCell;\nuse critical_section::Mutex;\npub static LED: Mutex<RefCell<Option<u8>>> = Mutex::new(RefCell::new(None));\npub fn main_loop() {\n    critical_section::with(|cs| {\n        let mut led = LED.borrow_ref_mut(cs);\n        *led.as_mut().unwrap() ^= 1;\n    });\n}\n",
        "main_loop",
        expect![[r#"
            0: ReadPrimask { dst: Local(0) } @5
            1: DisableInterrupts @5
            2: borrow_mut LED (borrow flag) @6
            3: load LED Plain @7
            4: check "called `Option::unwrap()` on a `None` value" @7
            5: load LED.0 Plain @7
            6: ^ u8 @7
            7: store LED.0 Plain @7
            8: release LED (borrow flag) @8
            9: RestorePrimask { saved: Local(Local(0)) } @8
            10: return @9
        "#]],
    );
}

#[test]
fn a_u64_static_is_one_location_and_one_load() {
    let code = "pub static mut TICKS: u64 = 0;\npub fn main_loop() {\n    let t = unsafe { TICKS };\n    assert!(t == 0);\n}\n";
    let p = program(code);
    assert_eq!(p.locations.len(), 1);
    expect![[r#"
        0: load TICKS Plain @3
        1: == u64 @4
        2: check "assertion failed: t == 0" @4
        3: return @5
    "#]]
    .assert_eq(&listing(&p, "main_loop"));
}

#[test]
fn portable_atomic_on_thumbv6m_takes_a_critical_section() {
    let code = "use portable_atomic::{AtomicU32, Ordering};\npub static TICKS: AtomicU32 = AtomicU32::new(0);\npub fn main_loop() {\n    TICKS.fetch_add(1, Ordering::Relaxed);\n}\n";
    let compiled = compile(&setup("thumbv6m-none-eabi", 1, code), code, "lesson.rs");
    expect![[r#"
        0: ReadPrimask { dst: Local(0) } @4
        1: DisableInterrupts @4
        2: load TICKS Plain @4
        3: + u32 @4
        4: store TICKS Plain @4
        5: RestorePrimask { saved: Local(Local(0)) } @4
        6: return @5
    "#]]
    .assert_eq(&listing(&compiled.program.expect("compiles"), "main_loop"));
}

#[test]
fn loops_and_matches_are_compare_and_branch() {
    check(
        "pub static mut SUM: u32 = 0;\npub fn main_loop() {\n    for i in 0..3 {\n        match i {\n            0 => {}\n            1 | 2 => unsafe { SUM += i },\n            _ => unreachable!(),\n        }\n    }\n}\n",
        "main_loop",
        expect![[r#"
            0: move @3
            1: < u32 @3
            2: branch 3 21 @3
            3: == u32 @5
            4: branch 5 6 @5
            5: jump 19 @5
            6: == u32 @6
            7: branch 8 9 @6
            8: jump 12 @6
            9: == u32 @6
            10: branch 11 16 @6
            11: jump 12 @6
            12: load SUM Plain @6
            13: + u32 @6
            14: store SUM Plain @6
            15: jump 19 @6
            16: check "internal error: entered unreachable code" @7
            17: jump 19 @7
            18: check "internal error: entered unreachable code" @4
            19: + u32 @3
            20: jump 1 @3
            21: return @10
        "#]],
    );
}

#[test]
fn fetch_not_is_fetch_xor_with_every_bit_set() {
    // core's `AtomicBool::fetch_not` (stable since Rust 1.81) and
    // portable-atomic's on every type.
    check(
        "use core::sync::atomic::{AtomicBool, Ordering};\npub static FLAG: AtomicBool = AtomicBool::new(false);\npub static N: portable_atomic::AtomicU8 = portable_atomic::AtomicU8::new(0);\npub fn main_loop() {\n    FLAG.fetch_not(Ordering::AcqRel);\n    N.fetch_not(Ordering::Relaxed);\n}\n",
        "main_loop",
        expect![[r#"
            0: fetch_xor FLAG AcqRel @5
            1: fetch_xor N Relaxed @6
            2: return @7
        "#]],
    );
}

#[test]
fn wfe_and_sev_are_the_machine_s_event_register_steps() {
    check(
        "pub fn main_loop() {\n    cortex_m::asm::sev();\n    cortex_m::asm::wfe();\n}\n",
        "main_loop",
        expect![[r#"
            0: Sev @2
            1: Wfe @3
            2: return @4
        "#]],
    );
}

/// The support setup with its `on_timer` handler as the PendSV exception
/// (no event source: only the code pends it).
fn pendsv_setup(code: &str) -> irqlab_lang::Setup {
    let mut s = setup("thumbv7em-none-eabihf", 1, code);
    for c in &mut s.contexts {
        if let irqlab_lang::ContextSetupKind::Handler { interrupt, .. } = &mut c.kind {
            interrupt.name = "PendSV".to_string();
        }
    }
    s.sources.clear();
    s
}

#[test]
fn set_pendsv_pends_the_pendsv_handler() {
    let code = "use core::sync::atomic::{AtomicU32, Ordering};\nuse cortex_m::peripheral::SCB;\npub static RUNS: AtomicU32 = AtomicU32::new(0);\npub fn main_loop() {\n    SCB::set_pendsv();\n    SCB::set_pendsv();\n    SCB::clear_pendsv();\n}\npub fn on_timer() {\n    RUNS.fetch_add(1, Ordering::Relaxed);\n}\n";
    let compiled = compile(&pendsv_setup(code), code, "lesson.rs");
    let p = compiled.program.expect("compiles");
    expect![[r#"
        0: Nvic { op: Pend, irq: ContextId(1) } @5
        1: Nvic { op: Pend, irq: ContextId(1) } @6
        2: Nvic { op: Unpend, irq: ContextId(1) } @7
        3: return @8
    "#]]
    .assert_eq(&listing(&p, "main_loop"));
    let schedule = irqlab_sim::Schedule::parse("", &p).expect("schedule");
    let mut session = irqlab_sim::Session::new(p, schedule, irqlab_sim::Bounds::default()).expect("valid");
    let summary = session.run_to_end();
    assert!(summary.outcomes.is_empty(), "{:?}", summary.outcomes);
    // PendSV (priority 1) preempts thread mode as soon as it is pended.
    assert_eq!(session.machine().memory(), &[2]);
}

#[test]
fn set_pendsv_without_a_pendsv_context_says_which_context_is_missing() {
    let code = "pub fn main_loop() {\n    cortex_m::peripheral::SCB::set_pendsv();\n}\n";
    let compiled = compile(&setup("thumbv7em-none-eabihf", 1, code), code, "lesson.rs");
    expect![[r#"
        error: no context handles `PendSV` in this lesson
         --> lesson.rs:2:5
          |
        2 |     cortex_m::peripheral::SCB::set_pendsv();
          |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ no handler for this interrupt
          |
          = help: add a [[context]] with interrupt = "PendSV" to lesson.toml

    "#]]
    .assert_eq(&support::diagnostics(&compiled, code));
}
