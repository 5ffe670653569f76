//! Wires each lesson bin from its lesson.toml (`build/wiring.rs`), and picks
//! the memory layout of the board being built: cortex-m-rt's link.x
//! includes `memory.x`, and a `memory.x` in the package root would win over
//! the one written here (TOOLCHAIN.md), so each board keeps `memory/memory_<board>.x`.

use std::{env, fs, path::PathBuf};

#[path = "build/wiring.rs"]
mod wiring;

/// (cargo feature, memory file, the board brings its own vector table).
const BOARDS: &[(&str, &str, bool)] = &[
    ("microbit-v2", "memory_nrf52833.x", false),
    ("pico", "memory_rp2040.x", false),
    ("qemu-lm3s6965", "memory_lm3s6965.x", true),
    ("qemu-microbit", "memory_nrf51.x", true),
    ("qemu-an521", "memory_an521.x", true),
];

fn main() {
    let enabled: Vec<_> = BOARDS
        .iter()
        .filter(|(feature, _, _)| {
            let var = format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"));
            env::var_os(var).is_some()
        })
        .collect();
    let [(board, memory, own_vectors)] = enabled[..] else {
        let names: Vec<_> = BOARDS.iter().map(|(f, _, _)| *f).collect();
        println!("cargo::error=enable exactly one board feature (got {}): {}", enabled.len(), names.join(", "));
        return;
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts"));
    let source = PathBuf::from("memory").join(memory);
    println!("cargo::rerun-if-changed={}", source.display());
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=build");
    println!("cargo::rerun-if-changed=src/bin");
    println!("cargo::rerun-if-changed=examples");
    if let Err(e) = fs::copy(&source, out.join("memory.x")) {
        println!("cargo::error=board {board}: cannot copy {}: {e}", source.display());
        return;
    }
    if *own_vectors {
        // The QEMU boards have no device crate: the board module defines
        // `__INTERRUPTS` itself, so cortex-m-rt's `device.x` has nothing to add.
        let _ = fs::write(out.join("device.x"), "/* vector table defined by the board module */\n");
    }
    println!("cargo::rustc-link-search={}", out.display());
    // The lesson bins, and the companions (examples/, `cargo xtask companions`).
    for kind in ["bins", "examples"] {
        println!("cargo::rustc-link-arg-{kind}=--nmagic");
        println!("cargo::rustc-link-arg-{kind}=-Tlink.x");
        if env::var_os("CARGO_FEATURE_DEFMT").is_some() {
            println!("cargo::rustc-link-arg-{kind}=-Tdefmt.x");
        }
    }
    if let Err(e) = wiring::generate(&PathBuf::from("../lessons"), &out) {
        println!("cargo::error=lesson wiring: {e}");
    }
}
