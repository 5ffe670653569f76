//! One `cargo build` per board and variant, every bin at once; cargo leaves
//! out the bins whose `required-features` the board lacks (a lesson that
//! needs read-modify-write atomics on thumbv6m). The ELF paths come from
//! cargo's JSON messages.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::boards::{BOARDS, Board, Variant};

#[derive(Debug)]
pub struct Built {
    pub board: &'static Board,
    pub variant: Variant,
    pub bin: String,
    pub elf: PathBuf,
    /// Semihosting arguments every run of it gets (`mutant=N`).
    pub arguments: Vec<String>,
}

/// Which bins and boards to build and check: every one, or those named
/// (`cargo xtask firmware --bin lost_update --board qemu-lm3s6965`).
#[derive(Debug, Default)]
pub struct Only {
    pub bins: Vec<String>,
    pub boards: Vec<String>,
}

impl Only {
    pub fn parse(args: &[String]) -> Result<Only, String> {
        let mut only = Only::default();
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let list = match flag.as_str() {
                "--bin" => &mut only.bins,
                "--board" => &mut only.boards,
                other => return Err(format!("unknown option `{other}` (expected --bin NAME or --board FEATURE)")),
            };
            list.push(args.next().ok_or(format!("{flag} needs a value"))?.clone());
        }
        if let Some(unknown) = only.boards.iter().find(|b| !BOARDS.iter().any(|known| known.feature == *b)) {
            return Err(format!("unknown board `{unknown}`"));
        }
        Ok(only)
    }

    pub fn everything(&self) -> bool {
        self.bins.is_empty() && self.boards.is_empty()
    }

    fn board(&self, board: &Board) -> bool {
        self.boards.is_empty() || self.boards.iter().any(|b| b == board.feature)
    }

    /// Whether `bin` on `board` is among what was asked for.
    pub fn wants(&self, bin: &str, board: &str) -> bool {
        (self.bins.is_empty() || self.bins.iter().any(|b| b == bin))
            && (self.boards.is_empty() || self.boards.iter().any(|b| b == board))
    }
}

pub fn all(firmware: &Path, only: &Only) -> Result<Vec<Built>, String> {
    let mut built = Vec::new();
    for board in BOARDS.iter().filter(|b| only.board(b)) {
        for variant in Variant::ALL {
            let kept = format!("{}-{}", variant.file(), variant.mode());
            for (bin, elf) in build(firmware, board, &variant.features(board), &only.bins, &kept)? {
                built.push(Built { board, variant, bin, elf, arguments: Vec::new() });
            }
        }
    }
    Ok(built)
}

/// Clippy with warnings denied, once per board: each board's own module
/// (nrf52833.rs, rp2040.rs and probe.rs of the real boards, an521.rs) is
/// compiled only for its board, so each one is linted on its own target.
pub fn clippy(firmware: &Path, only: &Only) -> Result<(), String> {
    for board in BOARDS.iter().filter(|b| only.board(b)) {
        let features = format!("{},replay", board.feature);
        let args = ["cargo", "clippy", "--release", "--locked", "--bins", "--target", board.target];
        let args =
            [&args[..], board.cargo, &["--no-default-features", "--features", &features, "--", "-D", "warnings"]]
                .concat();
        crate::setup::run_in(firmware, &args).map_err(|e| format!("firmware clippy on {}: {e}", board.feature))?;
    }
    Ok(())
}

/// One `cargo build` of every bin (`bins` empty) or of each named bin, with
/// `features`; each ELF is copied to target/irqlab/BOARD/KEPT/ (each build
/// overwrites the same paths). A named bin whose `required-features` the
/// board lacks is left out, as `--bins` leaves it out.
pub fn build(
    firmware: &Path,
    board: &'static Board,
    features: &str,
    bins: &[String],
    kept: &str,
) -> Result<Vec<(String, PathBuf)>, String> {
    let selections: Vec<Vec<&str>> =
        if bins.is_empty() { vec![vec!["--bins"]] } else { bins.iter().map(|b| vec!["--bin", b.as_str()]).collect() };
    let mut elfs = Vec::new();
    for selection in selections {
        let args = [
            &["build", "--release", "--locked"][..],
            &selection,
            &["--target", board.target, "--no-default-features", "--features", features],
            board.cargo,
            &["--message-format=json-render-diagnostics"],
        ]
        .concat();
        println!("$ cargo {}", args.join(" "));
        let output = Command::new("cargo")
            .args(&args)
            .current_dir(firmware)
            .output()
            .map_err(|e| format!("could not start cargo: {e}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        for line in stdout.lines().filter(|l| !l.starts_with('{')) {
            println!("{line}");
        }
        if !output.status.success() && selection[0] == "--bin" && stderr.contains("requires the features") {
            println!(
                "  (not built for {}: {})",
                board.feature,
                stderr.lines().find(|l| l.contains("requires the features")).unwrap_or_default().trim()
            );
            continue;
        }
        eprint!("{stderr}");
        if !output.status.success() {
            return Err(format!("firmware build for {} ({features}) failed", board.feature));
        }
        let built: Vec<PathBuf> = stdout.lines().filter_map(executable).collect();
        if built.is_empty() {
            return Err(format!("firmware build for {} ({features}) produced no bin", board.feature));
        }
        elfs.extend(built);
    }
    let dir = firmware.join("target/irqlab").join(board.feature).join(kept);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut kept = Vec::new();
    for elf in elfs {
        let bin = elf.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let copy = dir.join(&bin);
        std::fs::copy(&elf, &copy).map_err(|e| format!("copying {}: {e}", elf.display()))?;
        kept.push((bin, copy));
    }
    Ok(kept)
}

/// The `"executable":"PATH"` of a compiler-artifact message (null for the lib).
pub(super) fn executable(message: &str) -> Option<PathBuf> {
    let start = message.find("\"executable\":\"")? + "\"executable\":\"".len();
    let end = message[start..].find('"')? + start;
    Some(PathBuf::from(&message[start..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_executable_of_an_artifact_message() {
        let bin = r#"{"reason":"compiler-artifact","target":{"name":"lost_update"},"executable":"/f/target/x/release/lost_update","fresh":true}"#;
        assert_eq!(executable(bin), Some(PathBuf::from("/f/target/x/release/lost_update")));
        let lib = r#"{"reason":"compiler-artifact","executable":null,"fresh":true}"#;
        assert_eq!(executable(lib), None);
    }
}
