//! The companion firmware of a lesson: the exact commands to flash its bin
//! or run it in QEMU (the bin's source comes with the lesson data), for the
//! lesson's scenario, its solution and the learner's own code.

/// How to run a lesson's bin on one board: what it is and the command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardCommand {
    pub board: String,
    pub what: &'static str,
    pub command: String,
}

/// The commands for each board a lesson lists, run from firmware/ (its
/// .cargo/config.toml sets the runners: probe-rs for boards, QEMU for the
/// `cargo qemu*` aliases): the scenario, then the solution.
pub fn commands(bin: &str, boards: &[String]) -> Vec<BoardCommand> {
    boards
        .iter()
        .map(|board| {
            let (what, cargo, qemu_run) = match board.as_str() {
                "microbit-v2" => ("BBC micro:bit v2 on USB, flashed through probe-rs", "cargo run --release", None),
                "pico" => ("Raspberry Pi Pico through a debug probe, flashed by probe-rs", "cargo pico", None),
                "qemu-lm3s6965" => (
                    "QEMU's lm3s6965evb (Cortex-M3), no board needed",
                    "cargo qemu",
                    Some(("thumbv7m-none-eabi", "-cpu cortex-m3 -machine lm3s6965evb")),
                ),
                "qemu-microbit" => (
                    "QEMU's microbit (BBC micro:bit v1, Cortex-M0), no board needed",
                    "cargo qemu-microbit",
                    Some(("thumbv6m-none-eabi", "-machine microbit")),
                ),
                "qemu-an521" => (
                    "QEMU's mps2-an521 (two Cortex-M33 cores), no board needed",
                    "cargo qemu-an521",
                    Some(("thumbv7m-none-eabi", "-machine mps2-an521")),
                ),
                _ => ("see firmware/README.md", "cargo run --release", None),
            };
            let mut command = format!(
                "{cargo} --bin {bin}                       # scenario.rs\n{cargo} --features solution --bin {bin}   # solution.rs"
            );
            if let Some((target, machine)) = qemu_run {
                command.push_str(&format!("\n# each builds, then runs:\n{}", qemu(bin, target, machine)));
            }
            BoardCommand { board: board.clone(), what, command }
        })
        .collect()
}

/// The board of a lesson's companion program (firmware/examples/<bin>.rs,
/// written by `cargo xtask companions`): the micro:bit v2, whose interrupt
/// names the lessons use, or the Pico for a lesson that does not run on it
/// (the Cortex-M0+ and two-core lessons).
pub fn companion_board(boards: &[String]) -> &'static str {
    if boards.iter().any(|b| b == "microbit-v2") || !boards.iter().any(|b| b == "pico") {
        "BBC micro:bit v2 (nRF52833)"
    } else {
        "Raspberry Pi Pico (RP2040)"
    }
}

/// The commands, run from firmware/, that build the companion program of
/// `bin` and flash it with probe-rs: the scenario, then the solution, as
/// the companion's own header says.
pub fn companion_command(bin: &str, boards: &[String]) -> String {
    let cargo = if companion_board(boards).starts_with("BBC") { "cargo run --release" } else { "cargo pico" };
    let solution = format!("{cargo} --example {bin} --features solution");
    let width = solution.len();
    format!("{:width$}  # scenario.rs\n{solution:width$}  # solution.rs", format!("{cargo} --example {bin}"))
}

/// `-icount shift=0` makes QEMU deterministic: the same run every time.
fn qemu(bin: &str, target: &str, machine: &str) -> String {
    format!(
        "qemu-system-arm {machine} -nographic -icount shift=0 -semihosting-config enable=on,target=native -kernel target/{target}/release/{bin}"
    )
}

/// The file "Download my code" saves: the lesson's scenario, as edited.
pub const DOWNLOAD_NAME: &str = "scenario.rs";

/// The command, run from the repository's root, that builds the downloaded
/// code into the lesson's bin and runs it on `board` (in QEMU, or flashed
/// with probe-rs) with the result in plain words (firmware/README.md).
pub fn flash_command(lesson: &str, board: &str) -> String {
    format!("cargo xtask flash {lesson} --file ~/Downloads/{DOWNLOAD_NAME} --board {board}")
}

/// A `data:` URL holding `code`, for a download link: no script, no server.
pub fn data_url(code: &str) -> String {
    let mut url = String::from("data:text/plain;charset=utf-8,");
    for byte in code.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_board_gets_the_scenario_and_the_solution_command() {
        let boards = ["microbit-v2".to_string(), "qemu-lm3s6965".to_string(), "pico".to_string()];
        let cmds = commands("lost_update", &boards);
        let lines: Vec<&str> = cmds[0].command.lines().collect();
        assert!(lines[0].starts_with("cargo run --release --bin lost_update "), "{}", cmds[0].command);
        assert!(
            lines[1].starts_with("cargo run --release --features solution --bin lost_update "),
            "{}",
            cmds[0].command
        );
        assert!(cmds[1].command.starts_with("cargo qemu --bin lost_update"), "{}", cmds[1].command);
        assert!(cmds[1].command.contains("cargo qemu --features solution --bin lost_update"), "{}", cmds[1].command);
        assert!(cmds[1].command.contains("-machine lm3s6965evb"), "{}", cmds[1].command);
        assert!(cmds[1].command.contains("-kernel target/thumbv7m-none-eabi/release/lost_update"));
        assert!(cmds[2].command.contains("cargo pico --features solution --bin lost_update"), "{}", cmds[2].command);
    }

    #[test]
    fn the_learners_code_goes_to_xtask_flash() {
        assert_eq!(
            flash_command("07-edge-counter", "qemu-lm3s6965"),
            "cargo xtask flash 07-edge-counter --file ~/Downloads/scenario.rs --board qemu-lm3s6965"
        );
    }

    #[test]
    fn the_download_link_holds_the_code_exactly() {
        let url = data_url("let n = 1; // 100%\n\"é\"");
        assert_eq!(url, "data:text/plain;charset=utf-8,let%20n%20%3D%201%3B%20%2F%2F%20100%25%0A%22%C3%A9%22");
    }
}
