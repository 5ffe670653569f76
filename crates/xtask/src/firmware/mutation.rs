//! The mutation test: each check that says a firmware run is hollow must be
//! able to fail. One build of lesson 04's solution with the `mutants`
//! feature (firmware/src/harness/mutant.rs) runs once per mutant, chosen on
//! the semihosting command line, and goes through the same checks as every
//! other run. A mutant passes this test when the checker reports its run as
//! failing for the reason the mutant was made for; the run with no mutant
//! must pass, so that it is the mutation the checker catches, not the build.

use std::path::Path;

use super::boards::{BOARDS, Variant};
use super::build::{self, Built};
use super::check::{self, Verdict};
use super::predict::Predictor;

pub const BIN: &str = "lost_update";
pub const BOARD: &str = "qemu-lm3s6965";

/// (mutant number, what it does, what the checker must say about it).
const MUTANTS: &[(u32, &str, &str)] = &[
    (1, "the hardware timer never starts (CTL stays 0)", "no event arrived"),
    (2, "the tally keeps one outcome", "untallied"),
    (3, "events arrive, the handler is never called", "handler never ran"),
];

pub fn check_all(firmware: &Path, predictor: &mut Predictor) -> Result<Vec<Verdict>, String> {
    let board = BOARDS.iter().find(|b| b.feature == BOARD).ok_or(format!("no board {BOARD}"))?;
    let variant = Variant { solution: true, replay: false };
    let features = format!("{},mutants", variant.features(board));
    let built = build::build(firmware, board, &features, &[BIN.to_string()], "mutants")?;
    let [(bin, elf)] = &built[..] else { return Err(format!("the mutants build of {BIN} made {} bins", built.len())) };
    let mut run = |mutant: u32| {
        let built =
            Built { board, variant, bin: bin.clone(), elf: elf.clone(), arguments: vec![format!("mutant={mutant}")] };
        check::bin(&built, predictor)
    };
    let name = |what: &str| format!("mutation test: {BIN} solution free on {BOARD}, {what}");
    let mut verdicts = Vec::new();
    let control = run(0);
    let failed: Vec<&Verdict> = control.iter().filter(|v| !v.passed).collect();
    verdicts.push(Verdict::of(
        name("no mutant"),
        match failed.first() {
            None => Ok("the mutants build passes every check when no mutant runs".to_string()),
            Some(v) => {
                Err(format!("the mutants build fails with no mutant, so a caught mutant proves nothing: {}", v.detail))
            }
        },
    ));
    for &(mutant, what, expected) in MUTANTS {
        let verdicts_of_mutant = run(mutant);
        let caught = verdicts_of_mutant.iter().find(|v| !v.passed && v.detail.contains(expected));
        let said = || verdicts_of_mutant.iter().map(|v| v.detail.as_str()).collect::<Vec<_>>().join("; ");
        verdicts.push(Verdict::of(
            name(&format!("mutant {mutant} ({what})")),
            match caught {
                Some(v) => Ok(format!("caught, as it must be: {}", v.detail)),
                None => Err(format!("NOT CAUGHT: the checker did not report `{expected}`; it said: {}", said())),
            },
        ));
    }
    Ok(verdicts)
}
