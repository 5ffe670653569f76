//! Differential NVIC testing, the simulator's half: `irqlab-nvic-diff FIRST N
//! SEED DIR` generates scenarios FIRST to FIRST + N - 1 of the seeded stream of
//! interrupt scenarios (2 to 5 interrupts at random
//! priorities; pends from main and from handlers; PRIMASK and BASEPRI
//! windows in main), runs each in the simulator (crates/sim, through its
//! public `ProgramBuilder` and `Session`), and writes to DIR:
//!
//! - `scenarios.bin`, the scenarios in the byte code the firmware's
//!   interpreter runs (firmware/src/harness/nvic.rs, which documents it);
//! - `expected.txt`, one line per scenario, `nvic I TRACE` (I counts from 0
//!   in this file, as the firmware counts): the order in
//!   which the simulator entered (`E2`) and left (`X2`) the handlers;
//! - `scenarios.txt`, each scenario in words, for a failure message.
//!
//! `cargo xtask fuzz-nvic N` then runs the firmware on QEMU's lm3s6965evb
//! under `-icount` and compares its traces with these.

mod scenario;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [first, n, seed, dir] = &args[..] else {
        eprintln!("usage: irqlab-nvic-diff FIRST N SEED DIR");
        return ExitCode::from(2);
    };
    let (Ok(first), Ok(n), Ok(seed)) = (first.parse::<u32>(), n.parse::<u32>(), seed.parse::<u64>()) else {
        eprintln!("irqlab-nvic-diff: FIRST, N and SEED are numbers");
        return ExitCode::from(2);
    };
    match write(first, n, seed, &PathBuf::from(dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("irqlab-nvic-diff: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Handler entries and exits per scenario at most: `E4.` is three bytes of
/// the firmware's 160-byte line, after `irqlab nvic 65535 `.
const MAX_EVENTS: usize = 40;

fn write(first: u32, n: u32, seed: u64, dir: &std::path::Path) -> Result<(), String> {
    let mut random = scenario::Random::new(seed);
    let mut bytes = u16::try_from(n).map_err(|_| "at most 65,535 scenarios per run")?.to_le_bytes().to_vec();
    let (mut expected, mut words) = (String::new(), String::new());
    for index in 0..first + n {
        // A scenario whose trace would not fit on one report line of the
        // firmware (160 bytes) is drawn again: the seed still decides all.
        let (scenario, trace) = loop {
            let scenario = scenario::Scenario::generate(&mut random);
            let trace = scenario.simulate().map_err(|e| format!("scenario {index} ({scenario}): {e}"))?;
            if trace.len() <= MAX_EVENTS {
                break (scenario, trace);
            }
        };
        let Some(index) = index.checked_sub(first) else { continue };
        bytes.extend(scenario.encode());
        let _ = writeln!(expected, "nvic {index} {}", scenario::show(&trace));
        let _ = writeln!(words, "{index}: {scenario}");
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (name, text) in [("scenarios.bin", bytes), ("expected.txt", expected.into()), ("scenarios.txt", words.into())] {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
