//! `cargo xtask <command>`: the project's own commands, a plain table.
//!
//! Each command does its own set-up on a fresh machine (rustup targets, cargo
//! tools when absent or the wrong version, Debian packages when run as root),
//! so the README's two commands work from a fresh clone.

mod bench;
mod firmware;
mod fuzz;
mod setup;
mod web;

use std::process::ExitCode;

/// A command's entry point: its arguments after the command name.
type Run = fn(&[String]) -> Result<(), String>;

const COMMANDS: &[(&str, &str, Run)] = &[
    ("serve", "set up everything, then serve the release build of the playground (--dev: the debug build)", web::serve),
    ("test", "set up everything, then run every test of the project", test),
    ("firmware", "build every firmware bin and check it in QEMU against the simulator", firmware::test),
    (
        "flash",
        "LESSON --file my.rs [--board B] [--solution]: your code in the lesson's bin, on a board or in QEMU",
        firmware::flash,
    ),
    ("bench", "run the benchmarks and write BENCHMARKS.md", bench),
    (
        "fuzz-nvic",
        "N [SEED]: N seeded interrupt scenarios, the firmware in QEMU against the simulator",
        firmware::fuzz_nvic,
    ),
    (
        "companions",
        "[--check]: write each lesson's plain program for a real board, firmware/examples/<bin>.rs, from lesson.toml",
        firmware::companions::run,
    ),
    ("firmware-sizes", "build every firmware bin and write its size tables (firmware/README.md)", firmware::sizes),
    (
        "fuzz",
        "[TARGET|all] [--time SECS | --runs N]: libFuzzer on the front end, lesson.toml, schedules, permalinks, the machine",
        fuzz::run,
    ),
    ("fuzz-explorer", "N: check the explorer against plain enumeration on N generated programs", fuzz_explorer),
    ("setup", "install what the other commands need, and nothing else", setup_all),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(name) = args.first() else {
        usage();
        return ExitCode::from(2);
    };
    let Some((_, _, run)) = COMMANDS.iter().find(|(n, _, _)| n == name) else {
        eprintln!("xtask: unknown command `{name}`\n");
        usage();
        return ExitCode::from(2);
    };
    match run(&args[1..]) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask {name}: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage() {
    eprintln!("usage: cargo xtask <command>\n\ncommands:");
    for (name, help, _) in COMMANDS {
        eprintln!("  {name:<10} {help}");
    }
}

fn setup_all(_: &[String]) -> Result<(), String> {
    setup::rust_targets()?;
    web::setup()?;
    firmware::setup()
}

/// Every test of the project, in the order that fails fastest.
fn test(args: &[String]) -> Result<(), String> {
    setup::rust_targets()?;
    setup::step("rustfmt", &["cargo", "fmt", "--all", "--check"])?;
    setup::step("clippy", &["cargo", "clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    setup::step("unit and integration tests", &["cargo", "test", "--workspace", "--locked"])?;
    setup::step(
        "every lesson: scenario fails as promised, solution holds on every schedule",
        &["cargo", "run", "--quiet", "--locked", "-p", "irqlab-cli", "--", "check", "--all"],
    )?;
    setup::step(
        "sim builds for the browser",
        &["cargo", "build", "-p", "irqlab-sim", "--target", "wasm32-unknown-unknown", "--locked"],
    )?;
    fuzz::smoke()?;
    web::test(args)?;
    firmware::test(args)?;
    println!("\nxtask test: everything passed");
    Ok(())
}

/// `cargo xtask fuzz-explorer N`: the oracle test of crates/sim/tests/oracle.rs
/// on N seeded programs (`cargo test` runs 2,000). A failure prints the
/// program proptest shrank it to; add it to oracle.rs as a regression test.
fn fuzz_explorer(args: &[String]) -> Result<(), String> {
    let n: u32 = match args {
        [n] => n.parse().map_err(|_| format!("expected a number of programs, found `{n}`"))?,
        _ => return Err("usage: cargo xtask fuzz-explorer N".into()),
    };
    println!("\n== the explorer against plain enumeration, {n} programs");
    let status = std::process::Command::new("cargo")
        .args(["test", "--release", "--locked", "-p", "irqlab-sim", "--test", "oracle", "--", "--nocapture"])
        .env("IRQLAB_ORACLE_CASES", n.to_string())
        .current_dir(setup::root())
        .status()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("the oracle found a difference ({status})")) }
}

/// `cargo xtask bench [--sim-only | --skip-web]`: `--sim-only` skips the web
/// budgets and the firmware sizes, `--skip-web` the web budgets; a skipped
/// part keeps its last section of the report (web/BENCHMARKS-web.md,
/// firmware/BENCHMARKS-firmware.md).
fn bench(args: &[String]) -> Result<(), String> {
    let has = |flag: &str| args.iter().any(|a| a == flag);
    if let Some(unknown) = args.iter().find(|a| !matches!(a.as_str(), "--sim-only" | "--skip-web")) {
        return Err(format!("unknown option `{unknown}` (expected --sim-only or --skip-web)"));
    }
    // The web budgets and firmware sizes first: the report includes them.
    if !has("--sim-only") {
        if !has("--skip-web") {
            web::bench(args)?;
        }
        firmware::sizes(args)?;
    }
    bench::run()
}
