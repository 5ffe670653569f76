//! Differential NVIC testing (`cargo xtask fuzz-nvic N [SEED]`, and 300
//! scenarios in `cargo xtask firmware`): crates/nvic-diff generates seeded
//! interrupt scenarios and runs them in the simulator; the firmware's
//! interpreter (firmware/src/harness/nvic.rs) runs the same byte code on
//! QEMU's lm3s6965evb under `-icount`; the handler entry and exit order of
//! every scenario must be the same. Then the check is shown able to fail:
//! with mutant 4 the firmware swaps the first two interrupts' priorities,
//! and some scenario must then differ.

use std::collections::BTreeSet;
use std::path::Path;

use super::boards::{BOARDS, Board};
use super::build;
use super::check::Verdict;
use super::qemu;
use crate::setup;

/// The scenarios of one `cargo xtask firmware`: a fixed seed, so a failure
/// comes back on the next run.
pub const IN_TEST: u32 = 300;
pub const SEED: u64 = 1;

const BOARD: &str = "qemu-lm3s6965";
const FEATURES: &str = "qemu-lm3s6965,nvic-fuzz,mutants";

/// Scenarios per ELF: they are compiled into its flash (256 KiB on the
/// LM3S6965, about 20 bytes a scenario).
const BATCH: u32 = 5_000;

pub fn fuzz(firmware: &Path, n: u32, seed: u64) -> Result<Vec<Verdict>, String> {
    let board = BOARDS.iter().find(|b| b.feature == BOARD).ok_or(format!("no board {BOARD}"))?;
    let name = format!("NVIC differential test: {n} scenarios of seed {seed} on {BOARD} vs the simulator");
    let (mut different, mut caught) = (Vec::new(), 0);
    for first in (0..n).step_by(BATCH as usize) {
        let batch = Batch::run(firmware, board, first, BATCH.min(n - first), seed)?;
        different.extend(batch.different);
        caught += batch.caught;
    }
    let same = if different.is_empty() {
        Ok("every scenario entered and left its handlers in the simulator's order".to_string())
    } else {
        let shown: Vec<&str> = different.iter().take(3).map(String::as_str).collect();
        Err(format!("{} of {n} scenarios differ: {}", different.len(), shown.join("; ")))
    };
    let swapped = match caught {
        0 => Err("NOT CAUGHT: with the first two priorities swapped every trace still matched".to_string()),
        k => Ok(format!("caught, as it must be: {k} of {n} scenarios differ")),
    };
    Ok(vec![
        Verdict::of(name.clone(), same),
        Verdict::of(format!("{name}, mutant 4 (first two priorities swapped)"), swapped),
    ])
}

/// One ELF's scenarios: the differences, in words, and how many scenarios
/// the mutant changed.
struct Batch {
    different: Vec<String>,
    caught: usize,
}

impl Batch {
    fn run(firmware: &Path, board: &'static Board, first: u32, n: u32, seed: u64) -> Result<Batch, String> {
        let dir = firmware.join("target/nvic-fuzz");
        let args = [first.to_string(), n.to_string(), seed.to_string(), dir.display().to_string()];
        let generate = ["cargo", "run", "--quiet", "--locked", "-p", "irqlab-nvic-diff", "--"];
        setup::run(&[&generate[..], &args.iter().map(String::as_str).collect::<Vec<_>>()].concat())?;
        let bin = "nvic_fuzz";
        let lint = ["cargo", "clippy", "--release", "--locked", "--lib", "--bin", bin, "--target", board.target];
        let lint = [&lint[..], &["--no-default-features", "--features", FEATURES, "--", "-D", "warnings"]].concat();
        setup::run_in(firmware, &lint).map_err(|e| format!("firmware clippy with nvic-fuzz: {e}"))?;
        let built = build::build(firmware, board, FEATURES, &[bin.to_string()], "nvic-fuzz")?;
        let [(_, elf)] = &built[..] else { return Err(format!("the nvic-fuzz build made {} bins", built.len())) };
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()))
        };
        let (expected, scenarios) = (read("expected.txt")?, read("scenarios.txt")?);
        let run = |mutant: u32| -> Result<String, String> {
            let run = qemu::run(board, elf, &[format!("mutant={mutant}")], true)?;
            if run.timed_out || run.exit != Some(0) {
                return Err(format!("the NVIC scenarios did not finish (exit {:?}): {}", run.exit, run.stderr));
            }
            Ok(run.stdout)
        };
        let (same, swapped) = (run(0)?, run(4)?);
        let different = differences(&expected, &same);
        let describe = |i: usize| {
            let line = |text: &str, prefix: String| {
                text.lines().find(|l| l.starts_with(&prefix)).unwrap_or("(no line)").to_string()
            };
            format!(
                "scenario {}: simulator `{}`, board `{}`, {}",
                first as usize + i,
                line(&expected, format!("nvic {i} ")),
                line(&same, format!("irqlab nvic {i} ")),
                line(&scenarios, format!("{i}: "))
            )
        };
        Ok(Batch {
            different: different.into_iter().map(describe).collect(),
            caught: differences(&expected, &swapped).len(),
        })
    }
}

/// The scenarios whose `nvic I TRACE` line the board did not print.
fn differences(expected: &str, board: &str) -> Vec<usize> {
    let printed: BTreeSet<&str> = board.lines().filter_map(|l| l.strip_prefix("irqlab ")).collect();
    expected.lines().enumerate().filter(|(_, line)| !printed.contains(line)).map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_differs_when_the_board_printed_another_trace_or_none() {
        let expected = "nvic 0 E0.X0\nnvic 1 E1.X1.E0.X0\nnvic 2 -\n";
        let board = "irqlab start\nirqlab nvic 0 E0.X0\nirqlab nvic 1 E0.X0.E1.X1\nirqlab end\n";
        assert_eq!(differences(expected, board), [1, 2]);
        assert!(differences(expected, "irqlab nvic 0 E0.X0\nirqlab nvic 1 E1.X1.E0.X0\nirqlab nvic 2 -").is_empty());
    }
}
