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
}

pub fn all(firmware: &Path) -> Result<Vec<Built>, String> {
    let mut built = Vec::new();
    for board in BOARDS {
        for variant in Variant::ALL {
            let elfs = build(firmware, board, variant)?;
            // Each build overwrites the same paths: keep a copy per variant.
            for elf in elfs {
                let bin = elf.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                let kept = firmware.join("target/irqlab").join(board.feature).join(format!(
                    "{}-{}",
                    variant.file(),
                    variant.mode()
                ));
                std::fs::create_dir_all(&kept).map_err(|e| format!("{}: {e}", kept.display()))?;
                let copy = kept.join(&bin);
                std::fs::copy(&elf, &copy).map_err(|e| format!("copying {}: {e}", elf.display()))?;
                built.push(Built { board, variant, bin, elf: copy });
            }
        }
    }
    Ok(built)
}

/// Clippy with warnings denied on the code every board shares, for
/// thumbv7m and thumbv6m. Only the QEMU machines: checking the real boards'
/// device crates would double their build time in CI.
pub fn clippy(firmware: &Path) -> Result<(), String> {
    for board in BOARDS.iter().filter(|b| b.qemu.is_some() && b.feature != "qemu-an521") {
        let features = format!("{},replay", board.feature);
        let args = ["cargo", "clippy", "--release", "--locked", "--bins", "--target", board.target];
        let args = [&args[..], &["--no-default-features", "--features", &features, "--", "-D", "warnings"]].concat();
        crate::setup::run_in(firmware, &args).map_err(|e| format!("firmware clippy: {e}"))?;
    }
    Ok(())
}

fn build(firmware: &Path, board: &Board, variant: Variant) -> Result<Vec<PathBuf>, String> {
    let features = variant.features(board);
    let args = [
        "build",
        "--release",
        "--locked",
        "--bins",
        "--target",
        board.target,
        "--no-default-features",
        "--features",
        &features,
        "--message-format=json-render-diagnostics",
    ];
    println!("$ cargo {}", args.join(" "));
    let output = Command::new("cargo")
        .args(args)
        .current_dir(firmware)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines().filter(|l| !l.starts_with('{')) {
        println!("{line}");
    }
    if !output.status.success() {
        return Err(format!("firmware build for {} ({features}) failed", board.feature));
    }
    let elfs: Vec<PathBuf> = stdout.lines().filter_map(executable).collect();
    if elfs.is_empty() {
        return Err(format!("firmware build for {} ({features}) produced no bin", board.feature));
    }
    Ok(elfs)
}

/// The `"executable":"PATH"` of a compiler-artifact message (null for the lib).
fn executable(message: &str) -> Option<PathBuf> {
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
