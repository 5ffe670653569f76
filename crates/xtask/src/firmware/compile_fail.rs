//! The compiler errors the lessons teach (lessons/CURRICULUM.md T19, T22, T23, T36): each
//! snippet in firmware/compile_fail/ says, on `//! on TARGET: EXPECTED` lines,
//! what rustc 1.95 must answer when it compiles the snippet for TARGET:
//! `ok`, or text its diagnostics must contain (`error[E0599]`).

use std::path::Path;
use std::process::Command;

use super::check::Verdict;

/// One `//! on TARGET: EXPECTED` line.
#[derive(Debug, PartialEq, Eq)]
pub struct Expectation {
    pub target: String,
    pub expected: String,
}

pub fn expectations(source: &str) -> Vec<Expectation> {
    source
        .lines()
        .filter_map(|line| line.strip_prefix("//! on "))
        .filter_map(|rest| rest.split_once(':'))
        .map(|(target, expected)| Expectation {
            target: target.trim().to_string(),
            expected: expected.trim().to_string(),
        })
        .collect()
}

/// What rustc's answer means against what the snippet expects.
pub fn judge(expected: &str, compiled: bool, diagnostics: &str) -> Result<String, String> {
    match (expected, compiled) {
        ("ok", true) => Ok("compiles".to_string()),
        ("ok", false) => Err(format!("expected to compile, rustc said: {}", first_error(diagnostics))),
        (_, true) => Err(format!("expected `{expected}`, but it compiled")),
        (_, false) if diagnostics.contains(expected) => Ok(format!("rejected: {}", first_error(diagnostics))),
        (_, false) => Err(format!("expected `{expected}`, rustc said: {}", first_error(diagnostics))),
    }
}

fn first_error(diagnostics: &str) -> &str {
    diagnostics.lines().find(|l| l.starts_with("error")).unwrap_or("(nothing)")
}

pub fn check_all(firmware: &Path) -> Result<Vec<Verdict>, String> {
    let dir = firmware.join("compile_fail");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let out = firmware.join("target/compile_fail");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut verdicts = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let name = file.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let expectations = expectations(&source);
        if expectations.is_empty() {
            return Err(format!("{}: no `//! on TARGET: EXPECTED` line", file.display()));
        }
        for expectation in expectations {
            let output = Command::new("rustc")
                .args(["--edition", "2024", "--crate-type", "lib", "--emit", "metadata", "--target"])
                .arg(&expectation.target)
                .arg("--out-dir")
                .arg(&out)
                .arg(&file)
                .output()
                .map_err(|e| format!("could not start rustc: {e}"))?;
            let diagnostics = String::from_utf8_lossy(&output.stderr);
            let result = judge(&expectation.expected, output.status.success(), &diagnostics);
            verdicts.push(Verdict::of(format!("compile_fail/{name} on {}", expectation.target), result));
        }
    }
    Ok(verdicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_expectation_per_target_line() {
        let source = "//! T19\n//! on thumbv6m-none-eabi: error[E0599]\n//! on thumbv7em-none-eabihf: ok\n#![no_std]\n";
        let found = expectations(source);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0], Expectation { target: "thumbv6m-none-eabi".into(), expected: "error[E0599]".into() });
        assert_eq!(found[1].expected, "ok");
    }

    #[test]
    fn an_expected_error_must_be_the_one_rustc_gives() {
        let e0599 = "error[E0599]: no method named `fetch_add` found for struct `AtomicU32`";
        assert!(judge("error[E0599]", false, e0599).is_ok());
        assert!(judge("error[E0594]", false, e0599).unwrap_err().contains("E0599"));
        assert!(judge("error[E0599]", true, "").unwrap_err().contains("it compiled"));
        assert!(judge("ok", false, e0599).is_err());
        assert_eq!(judge("ok", true, ""), Ok("compiles".to_string()));
    }
}
