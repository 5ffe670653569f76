//! The companion firmware's commands (firmware/README.md): build every lesson
//! bin for every board, run the QEMU variants and check what they report
//! against what the lesson promises and, where the `irqlab` CLI can say it,
//! against what the simulator predicts for the same code.

mod boards;
mod build;
mod check;
pub mod companions;
mod compile_fail;
mod flash;
mod json;
mod mutation;
mod nvic;
mod predict;
mod promises;
mod qemu;
mod report;
mod sizes;
mod uf2;

use std::path::PathBuf;

pub use flash::flash;

use crate::setup::{self, root};

fn firmware_dir() -> PathBuf {
    root().join("firmware")
}

/// QEMU to run the CI variants, llvm-size to measure the bins, flip-link to
/// link the real boards' bins.
pub fn setup() -> Result<(), String> {
    setup::rust_targets()?;
    setup::apt(&[("qemu-system-arm", "qemu-system-arm"), ("llvm", "llvm-size")])?;
    flip_link()
}

/// flip-link, the real boards' linker (firmware/.cargo/config.toml): it has
/// no `--version` (it runs as a linker), so cargo's list of installed tools
/// says which version is there.
fn flip_link() -> Result<(), String> {
    setup::cargo_tool_listed("flip-link", FLIP_LINK, true)
}

const FLIP_LINK: &str = "0.1.12";

/// Builds every bin for every board and variant, runs each QEMU variant and
/// checks its report; compile-error snippets are rejected with their code;
/// the mutation test shows the checks that a hollow run fails can fail.
/// `--bin NAME` and `--board FEATURE` (each repeatable) narrow it down.
pub fn test(args: &[String]) -> Result<(), String> {
    let only = build::Only::parse(args)?;
    println!("\n== firmware");
    if !only.everything() {
        println!("only bins {:?} on boards {:?} (empty: all)", only.bins, only.boards);
    }
    setup()?;
    setup::run_in(&firmware_dir(), &["cargo", "fmt", "--check"]).map_err(|e| format!("firmware rustfmt: {e}"))?;
    build::clippy(&firmware_dir(), &only)?;
    let mut results = compile_fail::check_all(&firmware_dir())?;
    // The lessons' plain programs (firmware/examples), on their real boards.
    if only.bins.is_empty() {
        results.extend(companions::check(&firmware_dir(), &only.boards));
    }
    let builds = build::all(&firmware_dir(), &only)?;
    if only.everything() {
        results.push(sizes::readme_lists(&builds, &firmware_dir().join("README.md")));
        results.extend(promises::check(&builds, &root().join("lessons"))?);
    }
    results.extend(uf2::check(&builds));
    let mut prediction = predict::Predictor::new();
    for built in builds.iter().filter(|b| b.board.qemu.is_some()) {
        results.extend(check::bin(built, &mut prediction));
    }
    if only.wants(mutation::BIN, mutation::BOARD) {
        results.extend(mutation::check_all(&firmware_dir(), &mut prediction)?);
    }
    if only.wants(flash::CHECKED_BIN, flash::CHECKED_BOARD) {
        results.extend(flash::check_all(&root()));
    }
    if only.everything() {
        results.extend(nvic::fuzz(&firmware_dir(), nvic::IN_TEST, nvic::SEED)?);
    }
    summarize(&results)
}

/// Prints every verdict, and fails when one did.
fn summarize(results: &[check::Verdict]) -> Result<(), String> {
    let failed: Vec<&check::Verdict> = results.iter().filter(|r| !r.passed).collect();
    println!("\nfirmware results:");
    for verdict in results {
        println!("  {} {}: {}", if verdict.passed { "ok  " } else { "FAIL" }, verdict.name, verdict.detail);
    }
    println!("firmware: {} passed, {} failed", results.len() - failed.len(), failed.len());
    if failed.is_empty() { Ok(()) } else { Err(format!("{} firmware checks failed", failed.len())) }
}

/// `cargo xtask fuzz-nvic N [SEED]`: N differential NVIC scenarios (seed 1
/// unless given), the board against the simulator.
pub fn fuzz_nvic(args: &[String]) -> Result<(), String> {
    let number = |text: &str| text.parse::<u64>().map_err(|_| format!("expected a number, found `{text}`"));
    let (n, seed) = match args {
        [n] => (number(n)?, nvic::SEED),
        [n, seed] => (number(n)?, number(seed)?),
        _ => return Err("usage: cargo xtask fuzz-nvic N [SEED]".into()),
    };
    let n = u32::try_from(n).ok().filter(|n| *n <= 65_535).ok_or("at most 65,535 scenarios")?;
    setup()?;
    summarize(&nvic::fuzz(&firmware_dir(), n, seed)?)
}

/// Where firmware/BENCHMARKS-firmware.md's hand-written part starts, which
/// `cargo xtask firmware-sizes` keeps.
const KEPT: &str = "<!-- kept by cargo xtask firmware-sizes -->";

/// Flash and RAM of every bin on every board, as a Markdown table, printed
/// and written to firmware/BENCHMARKS-firmware.md (BENCHMARKS.md includes it),
/// and the free-run scenario builds' table in firmware/README.md.
pub fn sizes(_: &[String]) -> Result<(), String> {
    setup()?;
    let builds = build::all(&firmware_dir(), &build::Only::default())?;
    let table = sizes::table(&builds)?;
    println!("{table}");
    let path = firmware_dir().join("BENCHMARKS-firmware.md");
    // Measurements written by hand below the marker (a change's before and after) stay.
    let kept = std::fs::read_to_string(&path)
        .ok()
        .and_then(|old| old.find(KEPT).map(|at| format!("\n{}", &old[at..])))
        .unwrap_or_default();
    let text = format!(
        "Flash / static RAM in bytes of every bin, board and variant (`llvm-size`), written by \
         `cargo xtask bench`.\n\n{table}\n\nAbout 3.7 KiB of the RAM is the harness's outcome table, 1 KiB the \
         RTT buffer on real boards, and the two-core bin adds 8 KiB for core 1's stack. The QEMU bins format \
         their report with `core::fmt`; the real boards send defmt frames, and link `core::fmt` only for \
         panic-probe's panic message.\n{kept}"
    );
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    sizes::write_readme(&builds, &firmware_dir().join("README.md"))
}
