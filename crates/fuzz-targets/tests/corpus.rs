//! The fuzz corpus as a regression suite on stable: every file of
//! `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/`, and the seeds
//! made from the lessons (not kept in git: `cargo xtask fuzz` writes them
//! into the corpus), go through its target's function, and none may panic.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use irqlab_fuzz_targets::{TARGETS, Target, seeds};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files of `dir`, sorted (none when it does not exist).
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// The inputs of `target` that panic, with the panic's message.
fn failures(target: Target, inputs: &[PathBuf]) -> Vec<String> {
    inputs
        .iter()
        .filter_map(|path| {
            let data = std::fs::read(path).expect("readable");
            let panicked = catch_unwind(AssertUnwindSafe(|| target(&data))).err()?;
            Some(format!("{}: {}", path.display(), message(&*panicked)))
        })
        .collect()
}

fn message(panicked: &(dyn std::any::Any + Send)) -> String {
    panicked
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panicked.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn every_corpus_and_regression_input_runs_without_panicking() {
    let mut failed = Vec::new();
    for (name, target) in TARGETS {
        let corpus = files(&fuzz_dir().join("corpus").join(name));
        assert!(corpus.len() >= 5, "fuzz/corpus/{name} has {} files (cargo xtask fuzz fills it)", corpus.len());
        let regressions = files(&fuzz_dir().join("regressions").join(name));
        failed.extend(failures(*target, &[corpus, regressions].concat()));
    }
    for (name, file, data) in seeds() {
        let target = TARGETS.iter().find(|(n, _)| *n == name).expect("a seed's target exists").1;
        if let Err(panicked) = catch_unwind(AssertUnwindSafe(|| target(&data))) {
            failed.push(format!("seed {name}/{file}: {}", message(&*panicked)));
        }
    }
    assert!(failed.is_empty(), "{} inputs panic:\n{}", failed.len(), failed.join("\n"));
}

/// The check can fail: a target that panics on some input is caught, with
/// the file named.
#[test]
fn a_panicking_target_is_reported_with_its_input() {
    let inputs = files(&fuzz_dir().join("corpus").join("permalink"));
    let found = failures(|data| assert!(data.len() > 1_000_000, "too short"), &inputs);
    assert_eq!(found.len(), inputs.len());
    assert!(found[0].contains("fuzz/corpus/permalink/") && found[0].ends_with("too short"), "{}", found[0]);
}
