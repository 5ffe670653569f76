//! Installing what the commands need: only what is missing or the wrong version.

use std::path::PathBuf;
use std::process::Command;

/// The workspace root (xtask lives in crates/xtask).
pub fn root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().nth(2).map(PathBuf::from).unwrap_or(here)
}

/// Runs a command in the workspace root, echoing it; fails on a non-zero exit.
pub fn run(args: &[&str]) -> Result<(), String> {
    run_in(&root(), args)
}

pub fn run_in(dir: &std::path::Path, args: &[&str]) -> Result<(), String> {
    println!("$ {}", args.join(" "));
    // No command of xtask reads input: a child (cargo probing a target with
    // `rustc -` reads its stdin) must never see whatever stdin xtask got.
    let status = Command::new(args[0])
        .args(&args[1..])
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("could not start `{}`: {e}", args[0]))?;
    if status.success() { Ok(()) } else { Err(format!("`{}` exited with {status}", args.join(" "))) }
}

/// A named step of `xtask test`.
pub fn step(name: &str, args: &[&str]) -> Result<(), String> {
    println!("\n== {name}");
    run(args).map_err(|e| format!("{name}: {e}"))
}

/// The first line a command prints, if it runs.
pub fn output(args: &[&str]) -> Option<String> {
    let out = Command::new(args[0]).args(&args[1..]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").to_string())
}

pub const TARGETS: &[&str] =
    &["wasm32-unknown-unknown", "thumbv6m-none-eabi", "thumbv7m-none-eabi", "thumbv7em-none-eabihf"];

pub fn rust_targets() -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();
    let missing: Vec<&str> = TARGETS.iter().copied().filter(|t| !installed.lines().any(|l| l == *t)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut args = vec!["rustup", "target", "add"];
    args.extend(missing);
    run(&args)
}

/// Installs a cargo tool unless `binary --version` already reports `version`.
pub fn cargo_tool(krate: &str, binary: &str, version: &str, locked: bool) -> Result<(), String> {
    if let Some(v) = output(&[binary, "--version"])
        && v.split_whitespace().any(|w| w.trim_start_matches('v') == version)
    {
        return Ok(());
    }
    cargo_install(krate, version, locked)
}

/// Installs a cargo tool unless `cargo install --list` lists `krate` at
/// `version`: for a tool that has no `--version` of its own.
pub fn cargo_tool_listed(krate: &str, version: &str, locked: bool) -> Result<(), String> {
    let listed = Command::new("cargo")
        .args(["install", "--list"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();
    if listed_at(&listed, krate, version) {
        return Ok(());
    }
    cargo_install(krate, version, locked)
}

fn cargo_install(krate: &str, version: &str, locked: bool) -> Result<(), String> {
    println!("{krate} {version} is missing or another version: installing (this can take minutes)");
    let mut args = vec!["cargo", "install", krate, "--version", version];
    if locked {
        args.push("--locked");
    }
    run(&args)
}

/// Whether `cargo install --list`'s text has `krate vVERSION:`.
fn listed_at(listed: &str, krate: &str, version: &str) -> bool {
    listed.lines().any(|line| line.trim_end().strip_suffix(':') == Some(&format!("{krate} v{version}")))
}

fn is_root() -> bool {
    output(&["id", "-u"]).is_some_and(|u| u.trim() == "0")
}

/// Ensures Debian packages providing `binaries` are installed: with apt-get
/// when root, otherwise fails with the exact command to run.
pub fn apt(packages: &[(&str, &str)]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .filter(|(_, binary)| output(&["sh", "-c", &format!("command -v {binary}")]).is_none())
        .map(|(package, _)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let command = format!("apt-get install -y {}", missing.join(" "));
    if !is_root() {
        return Err(format!("missing Debian packages; run as root: {command}"));
    }
    run(&["apt-get", "update", "-q"])?;
    let mut args = vec!["apt-get", "install", "-y", "-q"];
    args.extend(&missing);
    run(&args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_version_of_an_installed_tool() {
        let listed = "flip-link v0.1.12:\n    flip-link\ntrunk v0.21.14:\n    trunk\n";
        assert!(listed_at(listed, "flip-link", "0.1.12"));
        assert!(!listed_at(listed, "flip-link", "0.1.11"));
        assert!(!listed_at(listed, "link", "0.1.12"));
    }
}
