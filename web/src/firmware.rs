//! The companion firmware of a lesson: the exact commands to flash its bin
//! or run it in QEMU (the bin's source comes with the lesson data).

/// How to run a lesson's bin on one board: what it is and the command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardCommand {
    pub board: String,
    pub what: &'static str,
    pub command: String,
}

/// The commands for each board a lesson lists, run from firmware/ (its
/// .cargo/config.toml sets the runners: probe-rs for boards, QEMU for `cargo qemu`).
pub fn commands(bin: &str, boards: &[String]) -> Vec<BoardCommand> {
    boards
        .iter()
        .map(|board| {
            let (what, command) = match board.as_str() {
                "microbit-v2" => (
                    "BBC micro:bit v2 on USB, flashed through probe-rs",
                    format!("cargo run --release --bin {bin}"),
                ),
                "pico" => ("Raspberry Pi Pico through a debug probe, flashed by probe-rs", format!("cargo pico --bin {bin}")),
                "qemu-lm3s6965" => (
                    "QEMU's lm3s6965evb (Cortex-M3), no board needed",
                    format!(
                        "cargo qemu --bin {bin}\n# which builds, then runs:\n{}",
                        qemu(bin, "thumbv7m-none-eabi", "-cpu cortex-m3 -machine lm3s6965evb")
                    ),
                ),
                "qemu-microbit" => (
                    "QEMU's microbit (BBC micro:bit v1, Cortex-M0), no board needed",
                    format!(
                        "cargo build --release --bin {bin} --target thumbv6m-none-eabi --no-default-features --features qemu-microbit\n{}",
                        qemu(bin, "thumbv6m-none-eabi", "-machine microbit")
                    ),
                ),
                "qemu-an521" => (
                    "QEMU's mps2-an521 (two Cortex-M33 cores), no board needed",
                    format!(
                        "cargo build --release --bin {bin} --target thumbv7m-none-eabi --no-default-features --features qemu-an521\n{}",
                        qemu(bin, "thumbv7m-none-eabi", "-machine mps2-an521")
                    ),
                ),
                _ => ("see firmware/README.md", format!("cargo run --release --bin {bin}")),
            };
            BoardCommand { board: board.clone(), what, command }
        })
        .collect()
}

/// `-icount shift=0` makes QEMU deterministic: the same run every time.
fn qemu(bin: &str, target: &str, machine: &str) -> String {
    format!(
        "qemu-system-arm {machine} -nographic -icount shift=0 -semihosting-config enable=on,target=native -kernel target/{target}/release/{bin}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_board_gets_a_command_naming_the_bin() {
        let boards = ["microbit-v2".to_string(), "qemu-lm3s6965".to_string()];
        let cmds = commands("lost_update", &boards);
        assert_eq!(cmds[0].command, "cargo run --release --bin lost_update");
        assert!(cmds[1].command.starts_with("cargo qemu --bin lost_update"), "{}", cmds[1].command);
        assert!(cmds[1].command.contains("-machine lm3s6965evb"), "{}", cmds[1].command);
        assert!(cmds[1].command.contains("-kernel target/thumbv7m-none-eabi/release/lost_update"));
    }
}
