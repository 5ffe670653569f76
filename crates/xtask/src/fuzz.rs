//! `cargo xtask fuzz [TARGET|all] [--time SECS | --runs N]`: coverage-guided
//! fuzzing with cargo-fuzz (libFuzzer, the nightly toolchain) of the
//! targets in fuzz/ (their bodies: crates/fuzz-targets). Seeds
//! fuzz/corpus/<target>/ from the lessons, runs each target, prints its
//! executions and crashes, and fails on a crash with the input's path.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::setup;

pub const TARGETS: &[&str] = &["front_end", "lesson_toml", "schedule", "permalink", "machine"];

/// The cargo-fuzz this command installs when absent or another version.
const CARGO_FUZZ: &str = "0.13.1";

/// What one target's run did.
#[derive(Debug)]
pub struct Ran {
    pub target: &'static str,
    pub runs: u64,
    pub seconds: f64,
    pub corpus: usize,
    /// The input that crashed it, with how to reproduce it.
    pub crash: Option<String>,
}

/// A run's length: libFuzzer's `-max_total_time` or `-runs`.
#[derive(Clone, Copy, Debug)]
pub enum Budget {
    Seconds(u64),
    Runs(u64),
}

pub fn run(args: &[String]) -> Result<(), String> {
    let usage = "usage: cargo xtask fuzz [TARGET|all] [--time SECS | --runs N]";
    let mut targets: Vec<&'static str> = TARGETS.to_vec();
    let mut budget = Budget::Seconds(60);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut number = |what: &str| -> Result<u64, String> {
            let n = rest.next().ok_or_else(|| format!("{arg} needs {what}; {usage}"))?;
            n.parse().map_err(|_| format!("`{n}` is not {what}; {usage}"))
        };
        match arg.as_str() {
            "--time" => budget = Budget::Seconds(number("a number of seconds")?),
            "--runs" => budget = Budget::Runs(number("a number of runs")?),
            "all" => targets = TARGETS.to_vec(),
            name => match TARGETS.iter().find(|t| **t == name) {
                Some(t) => targets = vec![t],
                None => return Err(format!("unknown fuzz target `{name}` (expected one of {TARGETS:?} or all)")),
            },
        }
    }
    report(&fuzz(&targets, budget, Finds::Corpus)?)
}

/// Where a run puts the new inputs it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finds {
    /// Into fuzz/corpus/<target>/, to be minimized and committed.
    Corpus,
    /// Into fuzz/target/smoke-corpus/<target>/ (ignored by git): the
    /// committed corpus is only read, so `cargo xtask test` leaves the
    /// working tree as it was.
    Scratch,
}

/// Prints each target's counts; fails when one crashed, naming the input.
fn report(ran: &[Ran]) -> Result<(), String> {
    println!("\n{:<12} {:>12} {:>8} {:>9} {:>7}  crashes", "target", "executions", "seconds", "exec/s", "corpus");
    for r in ran {
        let rate = r.runs as f64 / r.seconds.max(1e-9);
        let crashes = u8::from(r.crash.is_some());
        println!("{:<12} {:>12} {:>8.0} {:>9.0} {:>7}  {crashes}", r.target, r.runs, r.seconds, rate, r.corpus);
    }
    println!("total        {:>12}", ran.iter().map(|r| r.runs).sum::<u64>());
    let crashes: Vec<&str> = ran.iter().filter_map(|r| r.crash.as_deref()).collect();
    if crashes.is_empty() { Ok(()) } else { Err(format!("{} crashed:\n{}", crashes.len(), crashes.join("\n"))) }
}

/// The short run of `cargo xtask test`: every target for a few seconds.
pub fn smoke() -> Result<(), String> {
    println!("\n== fuzz smoke run: every target for 10 s (cargo xtask fuzz --time 10)");
    report(&fuzz(TARGETS, Budget::Seconds(10), Finds::Scratch)?)
}

/// Sets up (nightly, cargo-fuzz, the seed corpus), then runs each target.
pub fn fuzz(targets: &[&'static str], budget: Budget, finds: Finds) -> Result<Vec<Ran>, String> {
    if setup::output(&["cargo", "+nightly", "--version"]).is_none() {
        return Err("fuzzing needs the nightly toolchain (libFuzzer): rustup toolchain install nightly".into());
    }
    setup::cargo_tool("cargo-fuzz", "cargo-fuzz", CARGO_FUZZ, true)
        .or_else(|_| setup::cargo_tool("cargo-fuzz", "cargo-fuzz", CARGO_FUZZ, false))?;
    let root = setup::root();
    let corpus = root.join("fuzz/corpus");
    // The debug build: `cargo test` (xtask test's step before) already made it.
    setup::run(&[
        "cargo",
        "run",
        "--quiet",
        "--locked",
        "-p",
        "irqlab-fuzz-targets",
        "--bin",
        "fuzz-seed",
        "--",
        corpus.to_str().ok_or("the project's path is not UTF-8")?,
    ])?;
    // Safe Rust: no sanitizer (a build twice as fast, runs several times
    // faster), but overflow checks and debug assertions on.
    let build = ["cargo", "+nightly", "fuzz", "build", "-s", "none", "--debug-assertions"];
    setup::run_in(&root.join("fuzz"), &build)?;
    targets.iter().map(|t| fuzz_one(&root, t, budget, finds)).collect()
}

fn fuzz_one(root: &Path, target: &'static str, budget: Budget, finds: Finds) -> Result<Ran, String> {
    let limit = match budget {
        Budget::Seconds(s) => format!("-max_total_time={s}"),
        Budget::Runs(n) => format!("-runs={n}"),
    };
    // libFuzzer writes what it finds into the first corpus directory and
    // only reads the others.
    let committed = root.join("fuzz/corpus").join(target);
    let mut dirs = Vec::new();
    if finds == Finds::Scratch {
        let scratch = root.join("fuzz/target/smoke-corpus").join(target);
        std::fs::create_dir_all(&scratch).map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
        dirs.push(scratch);
    }
    dirs.push(committed);
    let dirs: Vec<&str> =
        dirs.iter().map(|d| d.to_str().ok_or("the project's path is not UTF-8")).collect::<Result<_, _>>()?;
    let mut args = vec!["+nightly", "fuzz", "run", "-s", "none", "--debug-assertions", target];
    args.extend(&dirs);
    args.extend(["--", &limit, "-print_final_stats=1"]);
    println!("\n$ cargo {}", args.join(" "));
    let started = Instant::now();
    // libFuzzer reports on stderr: shown as it comes, and kept to read the counts.
    let output = Command::new("cargo")
        .args(args)
        .current_dir(root.join("fuzz"))
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(tee)
        .map_err(|e| format!("could not start cargo fuzz: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let corpus = std::fs::read_dir(root.join("fuzz/corpus").join(target)).map(|d| d.count()).unwrap_or(0);
    let runs = runs_done(&output.1).unwrap_or(0);
    let crash = match (output.0.success(), crash_input(&output.1)) {
        (true, _) if runs > 0 => None,
        (true, _) => return Err(format!("`{target}`: libFuzzer printed no `Done N runs` line")),
        (false, None) => Some(format!("`{target}` failed ({}) and named no input: see its output above", output.0)),
        (false, Some(input)) => Some(format!(
            "`{target}` crashed on {input}\n  reproduce: cd fuzz && cargo +nightly fuzz run -s none --debug-assertions {target} {input}\n  minimize: cd fuzz && cargo +nightly fuzz tmin -s none --debug-assertions {target} {input}"
        )),
    };
    Ok(Ran { target, runs, seconds, corpus, crash })
}

/// Waits for the child, echoing its stderr and keeping it.
fn tee(mut child: std::process::Child) -> std::io::Result<(std::process::ExitStatus, String)> {
    use std::io::{BufRead, BufReader};
    let mut kept = String::new();
    if let Some(err) = child.stderr.take() {
        for (n, line) in BufReader::new(err).lines().enumerate() {
            let line = line?;
            // The NEW / REDUCE / pulse lines are many: show every 64th.
            if !line.starts_with('#') || n % 64 == 0 {
                eprintln!("{line}");
            }
            kept.push_str(&line);
            kept.push('\n');
        }
    }
    Ok((child.wait()?, kept))
}

/// The executions of libFuzzer's final `Done N runs in S second(s)` line.
/// A run cut short by a crash prints no such line, only its final stats.
pub fn runs_done(log: &str) -> Option<u64> {
    log.lines().rev().find_map(|l| {
        let n = l.strip_prefix("Done ").or_else(|| l.strip_prefix("stat::number_of_executed_units:"))?;
        n.split_whitespace().next()?.parse().ok()
    })
}

/// The file libFuzzer wrote the crashing input to.
pub fn crash_input(log: &str) -> Option<String> {
    log.lines().find_map(|l| {
        let at = l.find("Test unit written to ")?;
        Some(l[at + "Test unit written to ".len()..].trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzers_counts_and_crash_path() {
        let log = "#1024\tpulse  cov: 10\nDone 527319 runs in 16 second(s)\nstat::number_of_executed_units: 527319\n";
        assert_eq!(runs_done(log), Some(527319));
        assert_eq!(runs_done("#2 INITED\n"), None);
        assert_eq!(
            runs_done("==1== ERROR: libFuzzer: deadly signal\nstat::number_of_executed_units: 376618\n"),
            Some(376618)
        );
        let crash = "==1== ERROR: libFuzzer: deadly signal\nartifact_prefix='/w/fuzz/artifacts/machine/'; Test unit written to /w/fuzz/artifacts/machine/crash-ab12\n";
        assert_eq!(crash_input(crash).as_deref(), Some("/w/fuzz/artifacts/machine/crash-ab12"));
        assert_eq!(crash_input(log), None);
    }
}
