//! Runs one ELF under `qemu-system-arm` with `-icount shift=0` (one
//! instruction per virtual nanosecond: the same run every time), and kills it
//! when it outlives its timeout: a hung firmware is a finding, not a hang.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::boards::Board;

pub const TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    /// stderr without QEMU's known harmless notices.
    pub stderr: String,
    pub exit: Option<i32>,
    pub timed_out: bool,
}

/// QEMU prints this for the Stellaris timers it never starts (TOOLCHAIN.md).
const NOTICES: &[&str] = &["Timer with period zero, disabling"];

/// `arguments` reach the firmware on the semihosting command line
/// (`at=N`: replay offset N; `from=N`: sweep from offset N). Without
/// `icount`, QEMU runs each core on a host thread of its own: two cores
/// really interleave (TOOLCHAIN.md), and no run is the same.
pub fn run(board: &Board, elf: &std::path::Path, arguments: &[String], icount: bool) -> Result<Run, String> {
    let machine = board.qemu.ok_or_else(|| format!("{} is not a QEMU machine", board.feature))?;
    let mut semihosting = "enable=on,target=native,arg=firmware".to_string();
    for argument in arguments {
        semihosting.push_str(&format!(",arg={argument}"));
    }
    let mut child = Command::new("qemu-system-arm")
        .args(machine)
        .args(["-nographic", "-monitor", "none", "-serial", "null"])
        .args(if icount { &["-icount", "shift=0"][..] } else { &[] })
        .args(["-semihosting-config", &semihosting, "-kernel"])
        .arg(elf)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start qemu-system-arm: {e}"))?;
    // Drain both pipes on threads so a chatty firmware cannot block on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let started = Instant::now();
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("waiting for qemu: {e}"))? {
            break (Some(status), false);
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break (None, true);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    let stderr = stderr.lines().filter(|l| !NOTICES.iter().any(|n| l.contains(n))).collect::<Vec<_>>().join("\n");
    Ok(Run { stdout, stderr, exit: status.and_then(|s| s.code()), timed_out })
}
