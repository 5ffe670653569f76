//! Every diagnostic the curriculum teaches, checked against the exact text
//! rustc 1.95 prints for the same code. The `.stderr` files are rustc's own
//! output, recorded by `fixtures/generate.sh`; the test renders irqlab's
//! diagnostics for each snippet and compares them byte for byte.
//!
//! `e0599_interrupt_name` is compiled against the micro:bit v2's device crate
//! (nrf52833-pac with cortex-m-rt's `#[interrupt]`): nothing in rustc's text
//! for it points into the crate or the macro, so it too is compared whole.

use std::path::PathBuf;

use irqlab_lang::{Setup, compile, render_report};

fn fixtures() -> Vec<(String, String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fixtures dir") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().and_then(|n| n.to_str()).expect("utf-8 name").to_string();
            let code = std::fs::read_to_string(&path).expect("snippet");
            let stderr = std::fs::read_to_string(path.with_extension("stderr")).expect("recorded rustc output");
            out.push((name, code, stderr));
        }
    }
    out.sort();
    out
}

#[test]
fn every_taught_diagnostic_matches_rustc_exactly() {
    let all = fixtures();
    assert!(all.len() >= 6, "the fixtures are missing: {}", all.len());
    for (name, code, rustc) in all {
        let target = code.lines().next().and_then(|l| l.strip_prefix("// target: ")).expect("target line");
        let setup = Setup::library(target).expect("a known target");
        let compiled = compile(&setup, &code, &name);
        let ours = render_report(&compiled.diagnostics, |_| code.as_str());
        assert_eq!(ours, rustc, "{name}: irqlab (left) and rustc (right) differ");
    }
}

#[test]
fn irqlab_adds_advice_after_rustc_s_text() {
    let (name, code, _) =
        fixtures().into_iter().find(|(n, _, _)| n.starts_with("e0599_thumbv6m")).expect("the E0599 atomics fixture");
    let setup = Setup::library("thumbv6m-none-eabi").expect("target");
    let compiled = compile(&setup, &code, &name);
    let d = &compiled.diagnostics[0];
    let with_advice = d.render(&code);
    assert!(with_advice.starts_with(d.render_rustc(&code).trim_end()), "{with_advice}");
    assert!(with_advice.contains("= help: thumbv6m-none-eabi (Cortex-M0/M0+) has atomic load and store but no read-modify-write; use `portable_atomic::AtomicU32`"), "{with_advice}");
}

/// The version of `package` a Cargo.lock pins.
fn locked_version(lock: &str, package: &str) -> Option<String> {
    let entry = lock.split("[[package]]").find(|p| p.lines().any(|l| l == format!("name = \"{package}\"")))?;
    let line = entry.lines().find(|l| l.starts_with("version = "))?;
    Some(line.trim_start_matches("version = ").trim_matches('"').to_string())
}

#[test]
fn the_interrupt_fixture_was_recorded_against_the_firmware_s_device_crates() {
    // rustc's text for `#[interrupt]` comes from these crates: if firmware/
    // moves to another version, record the fixture again (generate.sh).
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = |p: &str| std::fs::read_to_string(root.join(p)).expect("a Cargo.lock");
    let (fixture, firmware) = (read("crates/lang/tests/fixtures/device/Cargo.lock"), read("firmware/Cargo.lock"));
    for package in ["nrf52833-pac", "cortex-m-rt", "cortex-m-rt-macros"] {
        let ours = locked_version(&fixture, package);
        assert!(ours.is_some(), "{package} is not in the fixture's Cargo.lock");
        assert_eq!(ours, locked_version(&firmware, package), "{package}");
    }
}

#[test]
fn interrupt_suggestions_follow_the_firmware_s_variant_order() {
    // rustc suggests the first of equally close variants of `board::Interrupt`
    // in the order the firmware declares them.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let board = std::fs::read_to_string(root.join("firmware/src/board/mod.rs")).expect("the firmware's board module");
    let body = board.split("pub enum Interrupt {").nth(1).and_then(|b| b.split('}').next()).expect("enum Interrupt");
    let declared: Vec<&str> = body.lines().filter_map(|l| l.trim().split_once(" =").map(|(name, _)| name)).collect();
    assert_eq!(declared, irqlab_lang::board::VOCABULARY_ORDER);
    let mut sorted = declared.clone();
    sorted.sort_unstable();
    let mut vocabulary = irqlab_lang::board::interrupt_names();
    vocabulary.sort_unstable();
    assert_eq!(sorted, vocabulary, "the same names as the board vocabulary");
}
