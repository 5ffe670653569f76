//! The companion firmware of a lesson: the bin's source (embedded at build
//! time from firmware/) and the exact commands to flash it or run it in QEMU.

include!(concat!(env!("OUT_DIR"), "/firmware_bins.rs"));

/// The source of a firmware bin, if the build found it.
pub fn source(bin: &str) -> Option<&'static str> {
    BINS.iter().find(|(name, _)| *name == bin).map(|(_, src)| *src)
}

/// How to run a lesson's bin on one board: what it is and the command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardCommand {
    pub board: String,
    pub what: &'static str,
    pub command: String,
}

/// The commands for each board a lesson lists (run from firmware/).
pub fn commands(bin: &str, boards: &[String]) -> Vec<BoardCommand> {
    boards
        .iter()
        .map(|board| {
            let (what, command) = match board.as_str() {
                "microbit-v2" => (
                    "BBC micro:bit v2 over USB, flashed by probe-rs (the runner in firmware/.cargo/config.toml)",
                    format!("cargo run --release --bin {bin}"),
                ),
                "pico" | "rp-pico" => (
                    "Raspberry Pi Pico through a debug probe, flashed by probe-rs",
                    format!("cargo run --release --bin {bin} --target thumbv6m-none-eabi --features pico"),
                ),
                b if b.starts_with("qemu-") => (
                    "QEMU, no board needed (deterministic with -icount shift=0)",
                    qemu_command(bin, b.trim_start_matches("qemu-")),
                ),
                _ => ("see firmware/README.md", format!("cargo run --release --bin {bin}")),
            };
            BoardCommand { board: board.clone(), what, command }
        })
        .collect()
}

fn qemu_command(bin: &str, machine: &str) -> String {
    let (cpu, target) = match machine {
        "microbit" => ("cortex-m0", "thumbv6m-none-eabi"),
        "mps2-an521" => ("cortex-m33", "thumbv8m.main-none-eabi"),
        _ => ("cortex-m3", "thumbv7m-none-eabi"),
    };
    format!(
        "cargo build --release --bin {bin} --target {target} --features qemu-{machine} && qemu-system-arm -cpu {cpu} -machine {machine} -nographic -semihosting-config enable=on,target=native -icount shift=0 -kernel target/{target}/release/{bin}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_board_gets_a_command_naming_the_bin() {
        let boards = ["microbit-v2".to_string(), "qemu-lm3s6965evb".to_string()];
        let cmds = commands("lost_update", &boards);
        assert_eq!(cmds[0].command, "cargo run --release --bin lost_update");
        assert!(cmds[1].command.contains("-machine lm3s6965evb"), "{}", cmds[1].command);
        assert!(cmds[1].command.contains("-kernel target/thumbv7m-none-eabi/release/lost_update"));
    }
}
