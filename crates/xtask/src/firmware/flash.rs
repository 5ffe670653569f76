//! `cargo xtask flash LESSON [--file PATH] [--board BOARD] [--solution]
//! [--sweep | --free]`: from the browser to the board. Builds a learner's
//! file (anywhere on disk) into the lesson's bin in place of its scenario.rs
//! (or, with `--solution`, its solution.rs; without `--file`, the lesson's own
//! file), then flashes it with `probe-rs run` on a real board, or runs it in
//! QEMU, and says in plain words which properties held and how many events
//! arrived.
//!
//! The file is copied to firmware/.learner/BIN.rs, which the bin includes
//! with the `learner` feature; rustc's messages and panics name the
//! learner's own path again.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::boards::{BOARDS, Board};
use super::qemu;
use super::report::{self, Report};

/// What `flash` was asked for.
#[derive(Debug)]
pub struct Request {
    pub lesson: String,
    pub file: Option<PathBuf>,
    pub board: &'static Board,
    pub solution: bool,
    /// Write a UF2 file for the Pico's USB drive instead of flashing.
    pub uf2: bool,
    /// The arrival sweep (`replay` feature); None: the board's default
    /// (the sweep in QEMU, where it is exact; the free run on a board).
    pub sweep: Option<bool>,
}

const USAGE: &str = "usage: cargo xtask flash LESSON [--file PATH] [--board microbit-v2|pico|qemu-lm3s6965|qemu-microbit|qemu-an521] [--solution] [--sweep | --free] [--uf2 (Pico)]";

impl Request {
    pub fn parse(args: &[String]) -> Result<Request, String> {
        let mut lesson = None;
        let mut file = None;
        let mut board = "microbit-v2".to_string();
        let mut solution = false;
        let mut sweep = None;
        let mut uf2 = false;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |flag: &str| args.next().cloned().ok_or(format!("{flag} needs a value\n{USAGE}"));
            match arg.as_str() {
                "--file" => file = Some(PathBuf::from(value("--file")?)),
                "--board" => board = value("--board")?,
                "--solution" => solution = true,
                "--sweep" => sweep = Some(true),
                "--free" => sweep = Some(false),
                "--uf2" => uf2 = true,
                flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`\n{USAGE}")),
                name if lesson.is_none() => lesson = Some(name.to_string()),
                extra => return Err(format!("one lesson at a time: `{extra}` is a second one\n{USAGE}")),
            }
        }
        let lesson = lesson
            .ok_or(format!("which lesson? (its number, folder or bin: 03, 07-edge-counter, edge_counter)\n{USAGE}"))?;
        let known: Vec<&str> = BOARDS.iter().map(|b| b.feature).collect();
        let board = BOARDS
            .iter()
            .find(|b| b.feature == board)
            .ok_or(format!("unknown board `{board}`: expected one of {}", known.join(", ")))?;
        if uf2 && board.feature != "pico" {
            return Err(format!("--uf2 is for the Pico's USB drive, not {}", board.feature));
        }
        Ok(Request { lesson, file, board, solution, sweep, uf2 })
    }

    fn sweep(&self) -> bool {
        self.sweep.unwrap_or(self.board.qemu.is_some())
    }
}

/// What flash needs of a lesson.toml, read line by line (xtask is std-only).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Lesson {
    pub dir: PathBuf,
    pub bin: String,
    pub boards: Vec<String>,
    pub cores: u64,
    /// The names of the properties the firmware checks (not `sim_only`), in order.
    pub properties: Vec<String>,
}

fn read_lesson(dir: &Path, toml: &str) -> Lesson {
    let mut lesson = Lesson { dir: dir.to_path_buf(), cores: 1, ..Lesson::default() };
    let mut section = String::new();
    // The current [[property]]: its name, and whether it is sim_only.
    let mut property: Option<(String, bool)> = None;
    let strings = |value: &str| value.split('"').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>();
    for line in toml.lines().map(str::trim) {
        if line.starts_with('[') {
            if let Some((name, false)) = property.take() {
                lesson.properties.push(name);
            }
            section = line.to_string();
            if section == "[[property]]" {
                property = Some((String::new(), false));
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        match (section.as_str(), key.trim()) {
            ("", "cores") => lesson.cores = value.trim().parse().unwrap_or(1),
            ("[firmware]", "bin") => lesson.bin = strings(value).into_iter().next().unwrap_or_default(),
            ("[firmware]", "boards") => lesson.boards = strings(value),
            ("[[property]]", "name") => {
                if let Some(p) = property.as_mut() {
                    p.0 = strings(value).into_iter().next().unwrap_or_default();
                }
            }
            ("[[property]]", "sim_only") => {
                if let Some(p) = property.as_mut() {
                    p.1 = value.trim() == "true";
                }
            }
            _ => {}
        }
    }
    if let Some((name, false)) = property {
        lesson.properties.push(name);
    }
    lesson
}

/// The lesson named by its number (`3`, `03`), folder or bin.
pub fn find_lesson(lessons: &Path, wanted: &str) -> Result<Lesson, String> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(lessons)
        .map_err(|e| format!("{}: {e}", lessons.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("lesson.toml").is_file())
        .collect();
    dirs.sort();
    let number = wanted.parse::<u32>().ok().map(|n| format!("{n:02}-"));
    let mut names = Vec::new();
    for dir in dirs {
        let path = dir.join("lesson.toml");
        let lesson =
            read_lesson(&dir, &std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?);
        let folder = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let matches =
            folder == wanted || lesson.bin == wanted || number.as_ref().is_some_and(|n| folder.starts_with(n));
        if matches {
            if lesson.bin.is_empty() {
                return Err(format!("lessons/{folder} has no firmware bin (no `[firmware] bin` in its lesson.toml)"));
            }
            return Ok(lesson);
        }
        if !lesson.bin.is_empty() {
            names.push(format!("{folder} ({})", lesson.bin));
        }
    }
    Err(format!("no lesson `{wanted}`; the lessons with firmware: {}", names.join(", ")))
}

/// How the learner's file is named in rustc's messages and panics: the
/// bin includes it as `src/bin/../../.learner/BIN.rs`.
fn included_as(bin: &str) -> String {
    format!("src/bin/../../.learner/{bin}.rs")
}

/// `text` with the copy's path replaced by the learner's own.
fn learner_paths(text: &str, bin: &str, file: Option<&Path>) -> String {
    match file {
        Some(file) => text.replace(&included_as(bin), &file.display().to_string()),
        None => text.to_string(),
    }
}

/// A run that reported: what it printed, read back, and its verdict.
#[derive(Debug)]
pub struct Finished {
    pub report: Report,
    pub verdict: Verdict,
}

pub fn flash(args: &[String]) -> Result<(), String> {
    let request = Request::parse(args)?;
    let finished = run(&crate::setup::root(), &request)?;
    match (&finished, request.solution) {
        (Some(done), true) if done.verdict.broken => {
            Err("checked as a solution (--solution), and a property broke: see above".to_string())
        }
        _ => Ok(()),
    }
}

/// Builds and runs or flashes; None when flashed to a board whose log did
/// not come back to the end (probe-rs stopped with Ctrl-C).
pub fn run(root: &Path, request: &Request) -> Result<Option<Finished>, String> {
    let lesson = find_lesson(&root.join("lessons"), &request.lesson)?;
    let firmware = root.join("firmware");
    let file = match &request.file {
        Some(file) => {
            let file = std::path::absolute(file).map_err(|e| format!("{}: {e}", file.display()))?;
            let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let dir = firmware.join(".learner");
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let copy = dir.join(format!("{}.rs", lesson.bin));
            std::fs::write(&copy, text).map_err(|e| format!("cannot write {}: {e}", copy.display()))?;
            Some(file)
        }
        None => None,
    };
    let which = match (&file, request.solution) {
        (Some(file), true) => format!("your file {} as the solution", file.display()),
        (Some(file), false) => format!("your file {}", file.display()),
        (None, true) => format!("lessons/{}/solution.rs", folder(&lesson)),
        (None, false) => format!("lessons/{}/scenario.rs", folder(&lesson)),
    };
    // Two cores interleave on their own: no arrival point to sweep, and no
    // -icount in QEMU (under it QEMU runs one core at a time).
    let sweep = request.sweep() && lesson.cores < 2;
    let mode = match (sweep, lesson.cores) {
        (true, _) => "the sweep: one event at every arrival point",
        (false, 2) => "the free run, both cores at once",
        (false, _) => "the free run: events as they come",
    };
    println!("\n== flash {} ({which}) on {}, {mode}", lesson.bin, request.board.feature);
    if !lesson.boards.iter().any(|b| b == request.board.feature) {
        println!(
            "note: lessons/{}/lesson.toml lists the boards {}; {} is not among them, so it may not build or run there",
            folder(&lesson),
            lesson.boards.join(", "),
            request.board.feature
        );
    }
    let mut features = request.board.feature.to_string();
    for (on, feature) in [(request.solution, "solution"), (sweep, "replay"), (file.is_some(), "learner")] {
        if on {
            features.push(',');
            features.push_str(feature);
        }
    }
    if request.board.qemu.is_none() {
        // A real board's build links with flip-link (firmware/.cargo/config.toml).
        super::flip_link()?;
    }
    let elf = build(&firmware, request.board, &lesson.bin, &features, file.as_deref())?;
    if request.uf2 {
        let (path, blocks) = super::uf2::convert(&elf)?;
        println!(
            "wrote {} ({} blocks). Hold BOOTSEL while plugging the Pico in and copy the file onto the RPI-RP2 \
             drive. Without a probe there is no log: the LED (GPIO 25) stays on when every property held and \
             blinks otherwise.",
            path.display(),
            blocks.len()
        );
        return Ok(None);
    }
    let report = match request.board.qemu {
        Some(_) => {
            let run = qemu::run(request.board, &elf, &[], lesson.cores < 2)?;
            if run.timed_out {
                return Err(format!("QEMU did not finish in {} s: the program hangs", qemu::TIMEOUT.as_secs()));
            }
            let stdout = learner_paths(&run.stdout, &lesson.bin, file.as_deref());
            print!("{stdout}");
            if !run.stderr.trim().is_empty() {
                eprintln!("{}", run.stderr);
            }
            report::parse(&stdout)
        }
        None => match probe(request.board, &elf, &lesson.bin, file.as_deref())? {
            Some(report) => report,
            None => return Ok(None),
        },
    };
    let verdict = judge(&report, &lesson);
    println!("\n{}", verdict.text);
    if report.problems.iter().any(|p| !p.starts_with("irqlab panic")) && !report.ended {
        return Err("the run did not finish: see the lines above".to_string());
    }
    Ok(Some(Finished { report, verdict }))
}

fn folder(lesson: &Lesson) -> String {
    lesson.dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
}

/// `cargo build` of the one bin; rustc's messages go to the terminal as it
/// prints them (with the learner's path). Returns the ELF.
fn build(firmware: &Path, board: &Board, bin: &str, features: &str, file: Option<&Path>) -> Result<PathBuf, String> {
    let args = [
        &["build", "--release", "--locked", "--bin", bin, "--target", board.target][..],
        board.cargo,
        &["--no-default-features", "--features", features, "--message-format=json-render-diagnostics"],
    ]
    .concat();
    println!("$ (in firmware/) cargo {}", args.join(" "));
    let output = Command::new("cargo")
        .args(args)
        .current_dir(firmware)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = learner_paths(&String::from_utf8_lossy(&output.stderr), bin, file);
    eprint!("{stderr}");
    if !output.status.success() {
        if stderr.contains("requires the features") {
            return Err(format!(
                "the bin {bin} is not built for {} ({}): its lesson needs what that chip lacks",
                board.feature, board.target
            ));
        }
        // The first error and where it is, again at the end: the rest is above.
        let first: Vec<&str> = stderr.lines().skip_while(|l| !l.starts_with("error")).take(2).map(str::trim).collect();
        return Err(match file {
            Some(file) => {
                format!("{} does not compile: {} (rustc's messages are above)", file.display(), first.join(" "))
            }
            None => format!(
                "the bin {bin} does not compile for {}: {} (the messages are above)",
                board.feature,
                first.join(" ")
            ),
        });
    }
    stdout
        .lines()
        .filter_map(super::build::executable)
        .next_back()
        .ok_or(format!("cargo built no executable for the bin {bin}"))
}

/// How to install probe-rs (firmware/README.md, "Install").
pub const INSTALL_PROBE_RS: &str = "probe-rs is not installed; it flashes the board and prints its log. Install it with\n\n    \
     cargo install probe-rs-tools --locked\n\n(or the installer at https://probe.rs/docs/getting-started/installation/; \
     on Linux also its udev rules, see firmware/README.md \"Install\"), then run this command again.";

/// The chip `probe-rs run` flashes.
fn chip(board: &Board) -> Option<&'static str> {
    match board.feature {
        "microbit-v2" => Some("nRF52833_xxAA"),
        "pico" => Some("RP2040"),
        _ => None,
    }
}

/// Flashes with `probe-rs run`, echoes the board's log, and reads the report
/// once `irqlab end` arrives (then stops probe-rs: the board idles). None
/// when probe-rs ended first (Ctrl-C, a lost probe).
fn probe(board: &Board, elf: &Path, bin: &str, file: Option<&Path>) -> Result<Option<Report>, String> {
    let chip = chip(board).ok_or(format!("{} is not a board probe-rs flashes", board.feature))?;
    if crate::setup::output(&["probe-rs", "--version"]).is_none() {
        let pico = if board.feature == "pico" {
            "\nWithout a probe, --uf2 writes a file for the Pico's USB drive."
        } else {
            ""
        };
        return Err(format!("{INSTALL_PROBE_RS}{pico}"));
    }
    println!("$ probe-rs run --chip {chip} {}", elf.display());
    let mut child = Command::new("probe-rs")
        .args(["run", "--chip", chip])
        .arg(elf)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start probe-rs: {e}"))?;
    let mut log = BoardLog::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let line = learner_paths(&line, bin, file);
            println!("{line}");
            if log.read(&line) {
                break;
            }
        }
    }
    // The firmware ends `probe-rs run` itself (a semihosting exit after
    // `irqlab end`); stop it anyway, as an older probe-rs may wait on.
    if log.ended {
        let _ = child.kill();
    }
    let status = child.wait().map_err(|e| format!("waiting for probe-rs: {e}"))?;
    if !log.ended && log.text.contains("irqlab panic") {
        // panic-probe's HardFault, on which probe-rs stops with an error.
        return Ok(Some(report::parse(&log.text)));
    }
    let (log, ended) = (log.text, log.ended);
    if !ended {
        if status.success() || status.code().is_none() {
            println!("probe-rs stopped before the report ended: no verdict");
            return Ok(None);
        }
        return Err(format!("probe-rs failed ({status}): see its message above"));
    }
    Ok(Some(report::parse(&log)))
}

/// What `probe-rs run` printed, kept as report lines.
#[derive(Debug, Default)]
struct BoardLog {
    text: String,
    ended: bool,
    /// Where panic-probe said the code panicked; its message is the next line.
    panic_at: Option<String>,
}

impl BoardLog {
    /// Keeps the `irqlab` lines (defmt may put a level or a timestamp before
    /// the text) and panic-probe's `panicked at FILE:LINE:COL:` followed by
    /// the message, as `irqlab panic MESSAGE at FILE:LINE:COL` (what QEMU's
    /// panic handler prints). True at `irqlab end`.
    fn read(&mut self, line: &str) -> bool {
        if let Some(at) = self.panic_at.take() {
            self.text.push_str(&format!("irqlab panic {} at {at}\n", line.trim()));
            return false;
        }
        if let Some(at) = line.find("panicked at ") {
            self.panic_at = Some(line[at + "panicked at ".len()..].trim_end().trim_end_matches(':').to_string());
            return false;
        }
        if let Some(at) = line.find("irqlab ") {
            self.text.push_str(&line[at..]);
            self.text.push('\n');
        }
        self.ended = line.contains("irqlab end");
        self.ended
    }
}

/// The run's result in plain words.
#[derive(Debug)]
pub struct Verdict {
    pub broken: bool,
    pub text: String,
}

pub fn judge(report: &Report, lesson: &Lesson) -> Verdict {
    let mut text = String::new();
    let runs = report.runs;
    let what = if report.mode == "sweep" { "arrival points" } else { "runs" };
    if let Some(panic) = report.problems.iter().find(|p| p.starts_with("irqlab panic")) {
        return Verdict {
            broken: true,
            text: format!("BROKEN: the code panicked, which stops the board: {}", panic.trim_start_matches("irqlab ")),
        };
    }
    if !report.totals {
        let why = report.problems.first().map_or("no `irqlab total` line", String::as_str);
        return Verdict { broken: true, text: format!("BROKEN: the run did not report its totals: {why}") };
    }
    let sources: Vec<String> = report.sources.iter().map(|(name, max)| format!("{name} (up to {max} a run)")).collect();
    text.push_str(&format!(
        "{runs} {what}; {} events arrived from {}",
        report.arrivals,
        if sources.is_empty() { "no source".to_string() } else { sources.join(", ") }
    ));
    for (handler, ran) in &report.handled {
        text.push_str(&format!("; the {handler} handler ran {ran} times"));
    }
    text.push('\n');
    let mut broken = false;
    let properties = report.properties.len().max(lesson.properties.len());
    for k in 0..properties {
        let name = lesson.properties.get(k).cloned().unwrap_or_else(|| format!("property {k}"));
        let failing: Vec<_> =
            report.outcomes.iter().filter(|o| o.holds.as_bytes().get(k).is_some_and(|h| *h == b'n')).collect();
        let count: u64 = failing.iter().map(|o| o.runs).sum();
        match failing.iter().min_by_key(|o| o.first) {
            None => text.push_str(&format!("  held:   \"{name}\", in every one of the {runs} {what}\n")),
            Some(first) => {
                broken = true;
                text.push_str(&format!(
                    "  BROKEN: \"{name}\", in {count} of the {runs} {what}; first at {} {}, ending in {}{}\n",
                    if report.mode == "sweep" { "offset" } else { "run" },
                    first.first,
                    first.state(),
                    arrival(&first.arrival)
                ));
            }
        }
    }
    let starved: u64 = report.outcomes.iter().filter(|o| o.starved).map(|o| o.runs).sum();
    if starved > 0 {
        broken = true;
        text.push_str(&format!("  BROKEN: main starved in {starved} {what}: a handler kept running\n"));
    }
    if let Some(at) = report.deadlock_at {
        broken = true;
        text.push_str(&format!("  BROKEN: deadlock in run {at}: a handler waited for what it had preempted\n"));
    }
    let no_events = report.arrivals == 0 && report.sources.iter().any(|(_, max)| *max > 0);
    text.push_str(&if broken {
        "verdict: BROKEN: some schedule of the interrupts breaks a property".to_string()
    } else if no_events {
        "verdict: UNDECIDED: no event arrived, so the properties held without being tested".to_string()
    } else {
        format!("verdict: HELD: every property held in all {runs} {what}")
    });
    Verdict { broken: broken || no_events, text }
}

/// Where main was when the breaking event came, when the run knows it.
fn arrival(at: &str) -> String {
    let when = match at {
        "before" => "before main's first call".to_string(),
        "after" => "after main's last call".to_string(),
        "none" | "" => return String::new(),
        call => match call.strip_prefix("call") {
            Some(k) => format!("during main's call {k}"),
            None => call.to_string(),
        },
    };
    format!(" (the event came {when})")
}

/// A case of `check_all`: the learner's file name, the lesson file it starts
/// from, the learner's edit, and what `run` must come to.
type Case = (&'static str, &'static str, Box<dyn Fn(String) -> String>, Judge);
type Judge = fn(Result<Option<Finished>, String>) -> Result<String, String>;

/// The lesson and board `cargo xtask firmware` checks `flash` on.
pub const CHECKED_BIN: &str = "edge_counter";
pub const CHECKED_BOARD: &str = "qemu-lm3s6965";

/// `flash` end to end, the way a learner uses it: lesson 07's files copied
/// to a folder outside the repository and edited there, run in QEMU: a
/// correct fix holds, a broken one is called broken, and one that does not
/// compile shows rustc's error (and `flash` exits non-zero).
pub fn check_all(root: &Path) -> Vec<super::check::Verdict> {
    use super::check::Verdict;
    let lesson = root.join("lessons/07-edge-counter");
    let dir = std::env::temp_dir().join(format!("irqlab-flash-check-{}", std::process::id()));
    let name = |what: &str| format!("flash edge_counter --file {what} --board {CHECKED_BOARD}");
    let mut verdicts = Vec::new();
    let cases: [Case; 3] = [
        ("my-fix.rs", "solution.rs", Box::new(|text| text), |result| match result? {
            Some(done) if !done.verdict.broken => {
                Ok(format!("{}, {} events", last_line(&done.verdict.text), done.report.arrivals))
            }
            Some(done) => Err(format!("a correct fix was called broken: {}", done.verdict.text)),
            None => Err("no verdict".to_string()),
        }),
        ("my-try.rs", "wrong/load-then-store.rs", Box::new(|text| text), |result| match result? {
            Some(done) if done.verdict.broken => Ok(last_line(&done.verdict.text)),
            Some(done) => Err(format!("a broken file was called fine: {}", done.verdict.text)),
            None => Err("no verdict".to_string()),
        }),
        (
            "my-typo.rs",
            "solution.rs",
            Box::new(|text| text.replace("EDGES.swap(0, Ordering::Relaxed)", "EDGES.swapp(0)")),
            |result| match result {
                Err(e) if e.contains("does not compile") && e.contains("error[E0599]") && e.contains("my-typo.rs:") => {
                    Ok(format!("refused with rustc's error, naming the learner's file: {e}"))
                }
                Err(e) => Err(format!("failed, but without rustc's error naming the file: {e}")),
                Ok(_) => Err("a file that does not compile was run".to_string()),
            },
        ),
    ];
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return vec![Verdict::of(name("..."), Err(format!("{}: {e}", dir.display())))];
    }
    for (file, from, edit, judge) in cases {
        let path = dir.join(file);
        let written = std::fs::read_to_string(lesson.join(from))
            .map_err(|e| format!("{from}: {e}"))
            .and_then(|text| std::fs::write(&path, edit(text)).map_err(|e| format!("{}: {e}", path.display())));
        let result = written.and_then(|()| {
            let request = Request {
                lesson: "07".to_string(),
                file: Some(path.clone()),
                board: BOARDS.iter().find(|b| b.feature == CHECKED_BOARD).expect("a known board"),
                solution: false,
                sweep: None,
                uf2: false,
            };
            judge(run(root, &request))
        });
        verdicts.push(Verdict::of(name(file), result));
    }
    let _ = std::fs::remove_dir_all(&dir);
    verdicts
}

fn last_line(text: &str) -> String {
    text.lines().last().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = "title = \"x\"\ncores = 1\n[[context]]\nname = \"main\"\n[[property]]\nname = \"counted once\"\n\
        holds = \"a == b\"\n[[property]]\nname = \"seen\"\nholds = \"handled(\\\"X\\\") == 1\"\nsim_only = true\n\
        [[property]]\nname = \"last\"\nholds = \"true\"\n[firmware]\nbin = \"edge_counter\"\nboards = [\"microbit-v2\", \
        \"qemu-lm3s6965\"]\n";

    #[test]
    fn reads_the_bin_boards_and_the_properties_the_firmware_checks() {
        let lesson = read_lesson(Path::new("lessons/07-edge-counter"), TOML);
        assert_eq!(lesson.bin, "edge_counter");
        assert_eq!(lesson.boards, ["microbit-v2", "qemu-lm3s6965"]);
        assert_eq!(lesson.properties, ["counted once", "last"], "sim_only properties are not on the board");
        assert_eq!(lesson.cores, 1);
    }

    #[test]
    fn finds_a_lesson_by_number_folder_or_bin_and_says_which_exist() {
        let lessons = crate::setup::root().join("lessons");
        for name in ["7", "07", "07-edge-counter", "edge_counter"] {
            assert_eq!(find_lesson(&lessons, name).expect(name).bin, "edge_counter");
        }
        let unknown = find_lesson(&lessons, "99").unwrap_err();
        assert!(unknown.contains("no lesson `99`") && unknown.contains("07-edge-counter (edge_counter)"), "{unknown}");
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(Request::parse(&args(&[])).unwrap_err().contains("which lesson?"));
        assert!(Request::parse(&args(&["03", "--board", "stm32"])).unwrap_err().contains("unknown board `stm32`"));
        assert!(Request::parse(&args(&["03", "--file"])).unwrap_err().contains("--file needs a value"));
        assert!(Request::parse(&args(&["03", "--fast"])).unwrap_err().contains("unknown option `--fast`"));
        let ok = Request::parse(&args(&["03", "--file", "my.rs", "--board", "qemu-lm3s6965", "--solution"])).unwrap();
        assert_eq!((ok.lesson.as_str(), ok.board.feature, ok.solution), ("03", "qemu-lm3s6965", true));
        assert!(ok.sweep(), "QEMU sweeps by default");
        let board = Request::parse(&args(&["03"])).unwrap();
        assert!(board.board.feature == "microbit-v2" && !board.sweep(), "a board runs free by default");
    }

    #[test]
    fn rustc_messages_name_the_learners_file() {
        let message = "error[E0599]: no method\n  --> src/bin/../../.learner/edge_counter.rs:23:19\n";
        let named = learner_paths(message, "edge_counter", Some(Path::new("/home/me/fix.rs")));
        assert_eq!(named, "error[E0599]: no method\n  --> /home/me/fix.rs:23:19\n");
    }

    const SWEEP: &str = "irqlab start bin=edge_counter lesson=07-edge-counter variant=scenario expect=broken mode=sweep\n\
        irqlab sources GPIOTE:2\nirqlab property 0 unsafe { TOTAL } + EDGES.load(Ordering::Relaxed) == SEEN.load(Ordering::Relaxed)\n\
        irqlab property 1 true\n";

    /// The verdict on a sweep of 300 arrival points with these outcomes.
    fn verdict_on(outcomes: &str, arrivals: u64) -> Verdict {
        let lesson = read_lesson(Path::new("lessons/07-edge-counter"), TOML);
        let totals =
            format!("irqlab handled GPIOTE={arrivals}\nirqlab total runs=300 arrivals={arrivals}\nirqlab end\n");
        judge(&report::parse(&format!("{SWEEP}{outcomes}{totals}")), &lesson)
    }

    #[test]
    fn the_verdict_names_each_property_and_counts_the_events() {
        let verdict =
            verdict_on("irqlab outcome EDGES=0 SEEN=1 TOTAL=1 holds=yy runs=300 first=0 arrival=after\n", 300);
        assert!(!verdict.broken, "{}", verdict.text);
        assert!(verdict.text.contains("300 events arrived from GPIOTE (up to 2 a run)"), "{}", verdict.text);
        assert!(verdict.text.contains("held:   \"counted once\", in every one of the 300 arrival points"));
        assert!(verdict.text.ends_with("verdict: HELD: every property held in all 300 arrival points"));

        let verdict = verdict_on(
            "irqlab outcome EDGES=0 SEEN=1 TOTAL=1 holds=yy runs=290 first=0 arrival=after\n\
             irqlab outcome EDGES=0 SEEN=1 TOTAL=0 holds=ny runs=10 first=249 arrival=call1\n",
            300,
        );
        assert!(verdict.broken, "{}", verdict.text);
        assert!(
            verdict.text.contains(
                "BROKEN: \"counted once\", in 10 of the 300 arrival points; first at offset 249, ending in EDGES=0 \
                 SEEN=1 TOTAL=0 (the event came during main's call 1)"
            ),
            "{}",
            verdict.text
        );
        assert!(verdict.text.contains("held:   \"last\""), "{}", verdict.text);
        assert!(verdict.text.ends_with("verdict: BROKEN: some schedule of the interrupts breaks a property"));
    }

    #[test]
    fn reads_the_board_log_and_a_panic_of_panic_probe() {
        let mut log = BoardLog::default();
        assert!(!log.read("<lvl> irqlab start bin=edge_counter mode=free"));
        assert!(!log.read("[ERROR] panicked at /home/me/fix.rs:23:5:"));
        assert!(!log.read("attempt to add with overflow"));
        assert_eq!(
            log.text,
            "irqlab start bin=edge_counter mode=free\nirqlab panic attempt to add with overflow at /home/me/fix.rs:23:5\n"
        );
        assert!(log.read("irqlab end"));
        let report = report::parse(&log.text);
        assert!(report.ended && report.problems[0].starts_with("irqlab panic attempt to add"));
    }

    #[test]
    fn no_event_and_a_panic_are_not_a_pass() {
        let verdict = verdict_on("irqlab outcome EDGES=0 SEEN=0 TOTAL=0 holds=yy runs=300 first=0 arrival=none\n", 0);
        assert!(verdict.broken && verdict.text.contains("UNDECIDED: no event arrived"), "{}", verdict.text);
        let lesson = read_lesson(Path::new("lessons/07-edge-counter"), TOML);
        let panic = format!("{SWEEP}irqlab panic attempt to add with overflow at /home/me/fix.rs:23:5\n");
        let verdict = judge(&report::parse(&panic), &lesson);
        assert!(verdict.broken && verdict.text.contains("panicked") && verdict.text.contains("/home/me/fix.rs:23"));
    }
}
