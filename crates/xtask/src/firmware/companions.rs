//! `cargo xtask companions`: each lesson as a whole, plain program for a real
//! board, written from its lesson.toml to firmware/examples/<bin>.rs.
//!
//! The bins of firmware/src/bin run a lesson under a harness that makes its
//! events arrive at chosen moments; a learner reading them sees no
//! `#[interrupt]`, no priority set-up and no event register. A companion is
//! the same lesson file (`#[path]`, scenario.rs or, with `--features
//! solution`, solution.rs) in the program one would write by hand: `main`
//! sets up the peripherals behind the lesson's event sources, gives each
//! handler its priority in the chip's implemented bits, unmasks, and runs
//! what lesson.toml's thread mode runs; each `#[interrupt]` handler calls the
//! lesson's function; `board` clears and reads the real event registers.
//!
//! The files are committed so they can be read without building anything;
//! `cargo test -p xtask` fails when one differs from what this writes.

use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

use crate::setup::root;

// lesson.toml's reading helpers, shared with the lesson bins' wiring.
#[allow(dead_code)] // its `generate` is firmware/build.rs's
#[path = "../../../../firmware/build/wiring.rs"]
mod wiring;
use wiring::{integer, tables, text};

/// The folder the companions are written to: cargo builds each as an
/// example of the firmware crate (`cargo run --release --example BIN`).
pub const DIR: &str = "firmware/examples";
const CARGO_TOML: &str = "firmware/Cargo.toml";

/// Where firmware/Cargo.toml's `[[example]]` entries of the companions
/// start; the command writes everything from it to the end of the file.
const ENTRIES: &str = "# The companions: each lesson as a plain program for a real board";

/// firmware/Cargo.toml's entries of the companions: each builds only for
/// its board (`cargo build --examples` on another board leaves it out).
pub fn cargo_entries(companions: &[Companion]) -> String {
    let mut out = format!(
        "{ENTRIES}, written by\n\
         # `cargo xtask companions` from its lesson.toml (firmware/README.md, \"Reading\n\
         # a lesson's program on real hardware\").\n"
    );
    for c in companions {
        let _ = write!(out, "\n[[example]]\nname = \"{}\"\nrequired-features = [\"{}\"]\n", c.bin, c.board.feature);
    }
    out
}

/// `text` (firmware/Cargo.toml) with its companion entries replaced by `entries`.
fn with_entries(text: &str, entries: &str) -> String {
    let kept = text.find(ENTRIES).map_or(text, |at| &text[..at]);
    format!("{}\n\n{entries}", kept.trim_end())
}

/// `cargo xtask companions [--check]`: writes every companion, or with
/// `--check` only says which committed one differs.
pub fn run(args: &[String]) -> Result<(), String> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err("usage: cargo xtask companions [--check]".into()),
    };
    let root = root();
    let companions = generate_all(&root.join("lessons"))?;
    if check {
        let stale = stale(&companions, &root.join(DIR), &root.join(CARGO_TOML));
        if stale.is_empty() {
            println!("companions: all {} in {DIR} are what lesson.toml says", companions.len());
            return Ok(());
        }
        return Err(format!(
            "{DIR} is out of step with lessons/ (run `cargo xtask companions`):\n{}",
            stale.join("\n")
        ));
    }
    let dir = root.join(DIR);
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for companion in &companions {
        let path = dir.join(format!("{}.rs", companion.bin));
        fs::write(&path, &companion.code).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {DIR}/{}.rs ({})", companion.bin, companion.board.name);
    }
    let manifest = root.join(CARGO_TOML);
    let text = fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    fs::write(&manifest, with_entries(&text, &cargo_entries(&companions)))
        .map_err(|e| format!("{}: {e}", manifest.display()))?;
    println!("wrote the [[example]] entries of {CARGO_TOML}");
    Ok(())
}

/// Longest a companion build of one board and variant may take in
/// `cargo xtask firmware`: all of them together take about 15 s once the
/// dependencies are built (firmware/README.md).
const BUDGET: std::time::Duration = std::time::Duration::from_secs(300);

/// The firmware check of the companions (`cargo xtask firmware`, so `cargo
/// xtask test`): they are what lesson.toml says, and each board's build and
/// clippy of them, scenario and solution, pass with warnings denied, each
/// build within [`BUDGET`], its time reported.
pub fn check(firmware: &Path, boards: &[String]) -> Vec<super::check::Verdict> {
    use super::check::Verdict;
    let root = root();
    let mut verdicts = Vec::new();
    let companions = generate_all(&root.join("lessons"));
    verdicts.push(Verdict::of(
        "companions: written from lesson.toml".into(),
        companions.and_then(|companions| {
            let stale = stale(&companions, &root.join(DIR), &root.join(CARGO_TOML));
            if stale.is_empty() {
                Ok(format!("{} companions in {DIR}, as `cargo xtask companions` writes them", companions.len()))
            } else {
                Err(format!("run `cargo xtask companions`: {}", stale.join("; ")))
            }
        }),
    ));
    for chip in [&MICROBIT, &PICO] {
        if !boards.is_empty() && !boards.iter().any(|b| b == chip.feature) {
            continue;
        }
        for solution in [false, true] {
            let features = format!("{}{}", chip.feature, if solution { ",solution" } else { "" });
            let name = format!("companions on {} ({})", chip.feature, if solution { "solution" } else { "scenario" });
            verdicts.push(Verdict::of(name, build(firmware, chip, &features)));
        }
    }
    verdicts
}

/// Clippy, then a build of every companion of `chip` with `features`: Ok
/// with the build's time.
fn build(firmware: &Path, chip: &Chip, features: &str) -> Result<String, String> {
    let linker = format!("target.{}.linker = 'flip-link'", chip.target);
    let common = ["--release", "--locked", "--examples", "--target", chip.target, "--no-default-features"];
    let lint =
        [&["cargo", "clippy"][..], &common, &["--features", features, "--config", &linker, "--", "-D", "warnings"]]
            .concat();
    crate::setup::run_in(firmware, &lint)?;
    let started = std::time::Instant::now();
    let build = [&["cargo", "build"][..], &common, &["--features", features, "--config", &linker]].concat();
    crate::setup::run_in(firmware, &build)?;
    let took = started.elapsed();
    let detail = format!("built in {:.1} s (`{}`)", took.as_secs_f64(), build.join(" "));
    if took > BUDGET { Err(format!("{detail}: over the {} s budget", BUDGET.as_secs())) } else { Ok(detail) }
}

/// One lesson's program.
#[derive(Debug)]
pub struct Companion {
    pub bin: String,
    pub board: &'static Chip,
    pub code: String,
}

/// The companions whose file in `dir` is missing or differs from `expected`,
/// the files in `dir` that no lesson writes, and `manifest` (Cargo.toml)
/// without their entries, one line each.
pub fn stale(expected: &[Companion], dir: &Path, manifest: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    match fs::read_to_string(manifest) {
        Ok(text) if text == with_entries(&text, &cargo_entries(expected)) => {}
        Ok(_) => problems.push(format!("{}: its [[example]] entries are not the companions'", manifest.display())),
        Err(e) => problems.push(format!("{}: cannot read it ({e})", manifest.display())),
    }
    for companion in expected {
        let path = dir.join(format!("{}.rs", companion.bin));
        match fs::read_to_string(&path) {
            Err(e) => problems.push(format!("{}: cannot read it ({e})", path.display())),
            Ok(text) if text != companion.code => {
                let line = text
                    .lines()
                    .zip(companion.code.lines())
                    .position(|(a, b)| a != b)
                    .map_or_else(|| text.lines().count().min(companion.code.lines().count()) + 1, |at| at + 1);
                problems.push(format!("{}: differs from the generator's from line {line}", path.display()));
            }
            Ok(_) => {}
        }
    }
    let known: Vec<String> = expected.iter().map(|c| format!("{}.rs", c.bin)).collect();
    if let Ok(entries) = fs::read_dir(dir) {
        let mut extra: Vec<String> = entries
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
            .filter(|name| name.ends_with(".rs") && !known.contains(name))
            .collect();
        extra.sort();
        problems.extend(extra.into_iter().map(|name| format!("{}: no lesson writes it", dir.join(name).display())));
    }
    problems
}

/// Every lesson with a `[firmware]` table, in lesson order, formatted with
/// the repository's rustfmt.toml as `cargo fmt` would.
pub fn generate_all(lessons: &Path) -> Result<Vec<Companion>, String> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(lessons)
        .map_err(|e| format!("{}: {e}", lessons.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.join("lesson.toml").is_file())
        .collect();
    dirs.sort();
    let mut out = Vec::new();
    for dir in dirs {
        let file = dir.join("lesson.toml");
        let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let lesson: Table = text.parse().map_err(|e| format!("{}: {e}", file.display()))?;
        let slug = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if let Some(companion) = companion(&slug, &lesson).map_err(|e| format!("{}: {e}", file.display()))? {
            let code = rustfmt(&companion.code, &lessons.join("../rustfmt.toml"))
                .map_err(|e| format!("{}: {e}", companion.bin))?;
            out.push(Companion { code, ..companion });
        }
    }
    Ok(out)
}

/// `code` as rustfmt prints it with `config`.
fn rustfmt(code: &str, config: &Path) -> Result<String, String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let config = config.display().to_string();
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--config-path", &config])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start rustfmt: {e}"))?;
    child
        .stdin
        .take()
        .ok_or("rustfmt has no stdin")?
        .write_all(code.as_bytes())
        .map_err(|e| format!("rustfmt: {e}"))?;
    let output = child.wait_with_output().map_err(|e| format!("rustfmt: {e}"))?;
    if !output.status.success() {
        return Err(format!("rustfmt rejected the generated code: {}", String::from_utf8_lossy(&output.stderr)));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("rustfmt: {e}"))
}

/// A chip a companion runs on.
#[derive(Debug)]
pub struct Chip {
    /// The firmware crate's feature for it.
    pub feature: &'static str,
    pub name: &'static str,
    pub target: &'static str,
    /// Priority bits the chip implements (the top bits of each priority byte).
    pub priority_bits: u8,
    /// How to run the companion from firmware/, without `--features solution`.
    pub run: &'static str,
}

pub const MICROBIT: Chip = Chip {
    feature: "microbit-v2",
    name: "BBC micro:bit v2 (nRF52833)",
    target: "thumbv7em-none-eabihf",
    priority_bits: 3,
    run: "cargo run --release --example",
};

pub const PICO: Chip = Chip {
    feature: "pico",
    name: "Raspberry Pi Pico (RP2040)",
    target: "thumbv6m-none-eabi",
    priority_bits: 2,
    run: "cargo pico --example",
};

impl Chip {
    /// The command that builds and flashes `bin` (scenario.rs), from firmware/.
    pub fn command(&self, bin: &str, solution: bool) -> String {
        format!("{} {bin}{}", self.run, if solution { " --features solution" } else { "" })
    }
}

/// A function of the lesson module: a Rust identifier, nothing else.
fn function(name: &str) -> Result<&str, String> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok { Ok(name) } else { Err(format!("`{name}` is not a function name")) }
}

/// Thread mode's calls: `runs` and `times`, or `calls = [{ runs, times }]`.
fn calls(context: &Table) -> Result<Vec<(String, i64)>, String> {
    let call = |table: &Table| -> Result<(String, i64), String> {
        Ok((function(text(table, "runs")?)?.to_string(), integer(table, "times", 1)?))
    };
    match context.get("calls").and_then(Value::as_array) {
        None => Ok(vec![call(context)?]),
        Some(list) => {
            list.iter().map(|c| call(c.as_table().ok_or("`calls` holds `{ runs, times }` tables")?)).collect()
        }
    }
}

/// Thread-mode statements running `calls`, indented for `main`'s body.
fn call_lines(calls: &[(String, i64)], indent: &str) -> String {
    let mut out = String::new();
    for (runs, times) in calls {
        if *times == 1 {
            let _ = writeln!(out, "{indent}lesson::{runs}();");
        } else {
            let _ = writeln!(out, "{indent}for _ in 0..{times} {{\n{indent}    lesson::{runs}();\n{indent}}}");
        }
    }
    out
}

struct Handler {
    interrupt: String,
    priority: i64,
    runs: String,
    enabled: bool,
}

struct Lesson {
    slug: String,
    title: String,
    summary: String,
    bin: String,
    chip: &'static Chip,
    main: Vec<(String, i64)>,
    forever: bool,
    core1: Option<Vec<(String, i64)>>,
    handlers: Vec<Handler>,
    systick: Option<Handler>,
    /// (interrupt, level-triggered)
    sources: Vec<(String, bool)>,
    /// UARTE0_UART0 receives by EasyDMA (lesson.toml `dma_bytes`).
    uarte_dma: bool,
    /// (name, Rust expression)
    properties: Vec<(String, String)>,
}

fn companion(slug: &str, toml: &Table) -> Result<Option<Companion>, String> {
    let Some(firmware) = toml.get("firmware").and_then(Value::as_table) else {
        return Ok(None);
    };
    let bin = text(firmware, "bin")?.to_string();
    let target = toml.get("target").and_then(Value::as_str).unwrap_or(MICROBIT.target);
    let cores = integer(toml, "cores", 1)?;
    // A thumbv6m or two-core lesson runs on the Pico; the others on the
    // micro:bit v2, whose names the lessons use.
    let chip = if target == PICO.target || cores == 2 { &PICO } else { &MICROBIT };
    let mut lesson = Lesson {
        slug: slug.to_string(),
        title: text(toml, "title")?.to_string(),
        summary: text(toml, "summary")?.to_string(),
        bin: bin.clone(),
        chip,
        main: Vec::new(),
        forever: false,
        core1: None,
        handlers: Vec::new(),
        systick: None,
        sources: Vec::new(),
        uarte_dma: false,
        properties: Vec::new(),
    };
    for context in tables(toml, "context") {
        let core = integer(context, "core", 0)?;
        match context.get("interrupt").and_then(Value::as_str) {
            None if core == 1 => lesson.core1 = Some(calls(context)?),
            None => {
                lesson.main = calls(context)?;
                lesson.forever = context.get("forever").and_then(Value::as_bool).unwrap_or(false);
            }
            Some(_) if core != 0 => return Err("a handler on core 1 has no companion yet".into()),
            Some(name) => {
                let handler = Handler {
                    interrupt: name.to_string(),
                    priority: integer(context, "priority", 1)?,
                    runs: function(text(context, "runs")?)?.to_string(),
                    enabled: context.get("enabled").and_then(Value::as_bool).unwrap_or(true),
                };
                if name == "SysTick" {
                    lesson.systick = Some(handler);
                } else if INTERRUPTS.iter().any(|i| i.lesson == name) {
                    lesson.handlers.push(handler);
                } else {
                    return Err(format!("`{name}`: no companion knows this interrupt"));
                }
            }
        }
    }
    if lesson.main.is_empty() {
        return Err("no thread-mode `[[context]]` (one without `interrupt`)".into());
    }
    for source in tables(toml, "source") {
        let name = text(source, "interrupt")?;
        if name == "SysTick" {
            continue;
        }
        let level = source.get("trigger").and_then(Value::as_str) == Some("level");
        lesson.uarte_dma |= name == "UARTE0_UART0" && source.get("dma_bytes").is_some();
        lesson.sources.push((name.to_string(), level));
    }
    for property in tables(toml, "property") {
        // `handled("X")` and the like exist only in the simulator.
        if property.get("sim_only").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        lesson.properties.push((text(property, "name")?.to_string(), text(property, "holds")?.to_string()));
    }
    let code = if std::ptr::eq(chip, &PICO) { pico(&lesson)? } else { microbit(&lesson)? };
    Ok(Some(Companion { bin, board: chip, code }))
}

/// A lesson interrupt on both chips: its number and handler names, and
/// for the micro:bit what raises it.
struct Irq {
    lesson: &'static str,
    /// The RP2040's interrupt the firmware maps it to (firmware/README.md).
    pico: &'static str,
    pico_number: u16,
}

const INTERRUPTS: &[Irq] = &[
    Irq { lesson: "TIMER0", pico: "TIMER_IRQ_0", pico_number: 0 },
    Irq { lesson: "TIMER1", pico: "TIMER_IRQ_1", pico_number: 1 },
    Irq { lesson: "RTC0", pico: "RTC_IRQ", pico_number: 25 },
    Irq { lesson: "GPIOTE", pico: "IO_IRQ_BANK0", pico_number: 13 },
    Irq { lesson: "SWI0_EGU0", pico: "SW0_IRQ", pico_number: 26 },
    Irq { lesson: "SWI1_EGU1", pico: "SW1_IRQ", pico_number: 27 },
    Irq { lesson: "UARTE0_UART0", pico: "UART0_IRQ", pico_number: 20 },
    Irq { lesson: "SAADC", pico: "ADC_IRQ_FIFO", pico_number: 22 },
];

fn header(lesson: &Lesson) -> String {
    let number = lesson.slug.split('-').next().unwrap_or_default();
    let chip = lesson.chip;
    let mut out = String::new();
    let _ = writeln!(out, "//! Lesson {number}, \"{}\", as a whole program for the {}.", lesson.title, chip.name);
    let _ = writeln!(out, "//!");
    for line in wrap(&lesson.summary, 76) {
        let _ = writeln!(out, "//! {line}");
    }
    let _ = writeln!(
        out,
        "//!\n\
         //! `main` sets up the peripherals that raise the lesson's events, gives each\n\
         //! handler its priority, unmasks the interrupts and runs what the lesson's\n\
         //! thread mode runs; each handler below calls the lesson's function; `board`\n\
         //! is the lesson's `crate::board` on the chip's real registers. The bin\n\
         //! src/bin/{bin}.rs runs the same lesson code under a test harness instead,\n\
         //! which makes the events arrive at chosen moments (firmware/README.md).\n\
         //!\n\
         //! From the repository's firmware/ folder, with the board plugged in:\n\
         //!\n\
         //! ```text\n\
         //! {scenario:width$}  # scenario.rs\n\
         //! {solution:width$}  # solution.rs\n\
         //! ```\n\
         //!\n\
         //! Written by `cargo xtask companions` from lessons/{slug}/lesson.toml:\n\
         //! edit the lesson, not this file (`cargo test -p xtask` fails when the two\n\
         //! disagree).\n\
         #![no_std]\n\
         #![no_main]\n\
         \n\
         // The lesson's own code, the file the playground runs: scenario.rs, or\n\
         // solution.rs with `--features solution`. It reaches the hardware through\n\
         // `crate::board` (below) and `cortex_m`.\n\
         #[cfg_attr(not(feature = \"solution\"), path = \"../../lessons/{slug}/scenario.rs\")]\n\
         #[cfg_attr(feature = \"solution\", path = \"../../lessons/{slug}/solution.rs\")]\n\
         #[allow(dead_code)] // a static one of the two files keeps and the other does not use\n\
         mod lesson;\n",
        bin = lesson.bin,
        slug = lesson.slug,
        scenario = chip.command(&lesson.bin, false),
        solution = chip.command(&lesson.bin, true),
        width = chip.command(&lesson.bin, true).len(),
    );
    out
}

/// `text` in lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The end of thread mode: each property lesson.toml promises, in the log.
fn report(lesson: &Lesson, cs: &str) -> String {
    let mut out = String::from(
        "/// What lesson.toml promises, in the log (`probe-rs run` prints it). Read\n\
         /// with interrupts off, so no handler changes a value between two reads.\n\
         /// The harness checks the same expressions after many runs with events at\n\
         /// chosen moments; here the events come when the hardware raises them,\n\
         /// so a race the lesson is about may take many runs to show.\n\
         fn report() {\n",
    );
    if lesson.properties.is_empty() {
        out.push_str("    defmt::info!(\"main is done\");\n}\n");
        return out;
    }
    let _ = writeln!(out, "    {cs}(|_| {{");
    out.push_str("        #[allow(unused_imports)]\n        use core::sync::atomic::Ordering;\n\n        #[allow(unused_imports)]\n        use lesson::*;\n\n");
    for (name, holds) in &lesson.properties {
        let _ = writeln!(out, "        let holds: bool = {holds};");
        let _ = writeln!(out, "        defmt::info!(\"{{=str}}: {{=bool}}\", {name:?}, holds);");
    }
    out.push_str("    });\n}\n");
    out
}

// ---- micro:bit v2 -------------------------------------------------------

/// What sets up a source on the nRF52833, as statements of `main` (`p` is
/// the device's peripherals), and the event register behind it.
struct NrfSource {
    setup: String,
    /// An expression naming the event register, from `pac::X::ptr()`.
    peripheral: &'static str,
    event: &'static str,
    /// Said about the event where it is cleared.
    what: &'static str,
    /// Statements after the clear, before the read-back (the UART's byte).
    after_clear: &'static str,
}

fn nrf_source(interrupt: &str, uarte_dma: bool) -> Result<NrfSource, String> {
    Ok(match interrupt {
        "UARTE0_UART0" if uarte_dma => NrfSource {
            setup: UARTE0_DMA_SETUP.to_string(),
            peripheral: "UARTE0",
            event: "events_endrx",
            what: "ENDRX, the reception's buffer is full",
            after_clear: "",
        },
        "TIMER0" | "TIMER1" => NrfSource {
            setup: timer_setup(interrupt, true),
            peripheral: if interrupt == "TIMER0" { "TIMER0" } else { "TIMER1" },
            event: "events_compare[0]",
            what: "the timer's compare event 0",
            after_clear: "",
        },
        "RTC0" => NrfSource {
            setup: RTC0_SETUP.to_string(),
            peripheral: "RTC0",
            event: "events_tick",
            what: "the RTC's TICK event",
            after_clear: "",
        },
        "GPIOTE" => NrfSource {
            setup: GPIOTE_SETUP.to_string(),
            peripheral: "GPIOTE",
            event: "events_in[0]",
            what: "channel 0's IN event (button A pressed)",
            after_clear: "",
        },
        "UARTE0_UART0" => NrfSource {
            setup: UART0_SETUP.to_string(),
            peripheral: "UART0",
            event: "events_rxdrdy",
            what: "RXDRDY, a byte received",
            after_clear: "// Take the byte out of the receive FIFO (six bytes deep): the\n\
                           // event is cleared first, as the Product Specification asks.\n\
                           let _byte = uart.rxd.read().rxd().bits();\n",
        },
        "SAADC" => NrfSource {
            setup: format!("{SAADC_SETUP}{}{SAADC_START}", timer_setup("TIMER1", false)),
            peripheral: "SAADC",
            event: "events_end",
            what: "END, a conversion written to RAM",
            after_clear: "",
        },
        other => return Err(format!("source `{other}`: no companion knows what raises it on the nRF52833")),
    })
}

/// `main`'s set-up of TIMER0 or TIMER1: compare event 0 every 1 ms, and
/// with `interrupt` its interrupt line.
fn timer_setup(timer: &str, interrupt: bool) -> String {
    let mut out = format!(
        "    // {timer} counts at 1 MHz (16 MHz / 2^4); compare event 0 comes every
    // 1,000 counts (1 ms), and the COMPARE0_CLEAR short restarts the count.
    p.{timer}.mode.write(|w| w.mode().timer());
    p.{timer}.bitmode.write(|w| w.bitmode()._32bit());
    p.{timer}.prescaler.write(|w| unsafe {{ w.prescaler().bits(4) }});
    p.{timer}.cc[0].write(|w| unsafe {{ w.cc().bits(1_000) }});
    p.{timer}.shorts.write(|w| w.compare0_clear().enabled());
"
    );
    if interrupt {
        let _ = write!(
            out,
            "    // INTENSET: the compare event asserts {timer}'s interrupt line.
    p.{timer}.intenset.write(|w| w.compare0().set());
    p.{timer}.tasks_start.write(|w| w.tasks_start().trigger());
"
        );
    }
    out
}

const RTC0_SETUP: &str = "    // RTC0 counts the 32.768 kHz low-frequency clock, which must run first
    // (its internal RC oscillator: no crystal needed).
    p.CLOCK.lfclksrc.write(|w| w.src().rc());
    p.CLOCK.tasks_lfclkstart.write(|w| w.tasks_lfclkstart().trigger());
    while p.CLOCK.events_lfclkstarted.read().events_lfclkstarted().is_not_generated() {}
    // PRESCALER 32: the counter, and its TICK event, advance at
    // 32,768 / (32 + 1) = 993 Hz. INTENSET: TICK asserts RTC0's line.
    p.RTC0.prescaler.write(|w| unsafe { w.prescaler().bits(32) });
    p.RTC0.intenset.write(|w| w.tick().set());
    p.RTC0.tasks_start.write(|w| w.tasks_start().trigger());
";

const GPIOTE_SETUP: &str = "    // GPIOTE channel 0 watches button A, P0.14 (the board pulls it up; a
    // press pulls it low): event mode, on the high-to-low edge.
    p.GPIOTE.config[0].write(|w| unsafe { w.mode().event().psel().bits(14).port().clear_bit().polarity().hi_to_lo() });
    // INTENSET: channel 0's IN event asserts GPIOTE's interrupt line.
    p.GPIOTE.intenset.write(|w| w.in0().set());
";

const UART0_SETUP: &str = "    // The UART receives from the USB serial port: the interface chip sends
    // on P1.08 and listens on P0.06 (115,200 baud, 8N1).
    p.UART0.psel.rxd.write(|w| unsafe { w.pin().bits(8).port().set_bit().connect().connected() });
    p.UART0.psel.txd.write(|w| unsafe { w.pin().bits(6).port().clear_bit().connect().connected() });
    p.UART0.baudrate.write(|w| w.baudrate().baud115200());
    p.UART0.enable.write(|w| w.enable().enabled());
    // INTENSET: each byte received (RXDRDY) asserts UARTE0_UART0's line.
    p.UART0.intenset.write(|w| w.rxdrdy().set());
    p.UART0.tasks_startrx.write(|w| w.tasks_startrx().trigger());
";

const UARTE0_DMA_SETUP: &str = "    // UARTE0 receives from the USB serial port by EasyDMA: the interface
    // chip sends on P1.08 and listens on P0.06 (115,200 baud, 8N1). The
    // lesson starts each reception with `board::uarte_receive`.
    p.UARTE0.psel.rxd.write(|w| unsafe { w.pin().bits(8).port().set_bit().connect().connected() });
    p.UARTE0.psel.txd.write(|w| unsafe { w.pin().bits(6).port().clear_bit().connect().connected() });
    p.UARTE0.baudrate.write(|w| w.baudrate().baud115200());
    p.UARTE0.enable.write(|w| w.enable().enabled());
    // INTENSET: ENDRX (a reception's buffer is full) asserts UARTE0_UART0's line.
    p.UARTE0.intenset.write(|w| w.endrx().set());
";

const SAADC_SETUP: &str = "    // The SAADC converts the supply voltage (channel 0, VDD) into
    // `board::SAMPLE`, one sample per buffer.
    p.SAADC.ch[0].pselp.write(|w| w.pselp().vdd());
    p.SAADC.resolution.write(|w| w.val()._12bit());
    p.SAADC.result.ptr.write(|w| unsafe { w.ptr().bits(&raw mut board::SAMPLE as u32) });
    p.SAADC.result.maxcnt.write(|w| unsafe { w.maxcnt().bits(1) });
    p.SAADC.enable.write(|w| w.enable().enabled());
    // INTENSET: END (the buffer is full) asserts SAADC's interrupt line.
    p.SAADC.intenset.write(|w| w.end().set());
    // TIMER1 paces the conversions without the CPU, through two PPI
    // channels: its compare event 0 (every 1 ms) triggers SAMPLE, and each
    // END triggers START, which takes the buffer again for the next one.
";

const SAADC_START: &str =
    "    p.PPI.ch[0].eep.write(|w| unsafe { w.bits(p.TIMER1.events_compare[0].as_ptr() as u32) });
    p.PPI.ch[0].tep.write(|w| unsafe { w.bits(p.SAADC.tasks_sample.as_ptr() as u32) });
    p.PPI.ch[1].eep.write(|w| unsafe { w.bits(p.SAADC.events_end.as_ptr() as u32) });
    p.PPI.ch[1].tep.write(|w| unsafe { w.bits(p.SAADC.tasks_start.as_ptr() as u32) });
    p.PPI.chenset.write(|w| w.ch0().set().ch1().set());
    p.SAADC.tasks_start.write(|w| w.tasks_start().trigger());
    p.TIMER1.tasks_start.write(|w| w.tasks_start().trigger());
";

fn microbit(lesson: &Lesson) -> Result<String, String> {
    let mut out = header(lesson);
    let unmasked = lesson.handlers.iter().any(|h| h.enabled);
    let handlers = !lesson.handlers.is_empty();
    out.push('\n');
    if unmasked {
        out.push_str("use cortex_m::peripheral::NVIC;\n");
    }
    out.push_str(
        "use cortex_m_rt::entry;\n\
         use defmt_rtt as _; // the log: defmt frames over RTT, which `probe-rs run` prints\n",
    );
    out.push_str(if handlers {
        "use nrf52833_pac::{self as pac, Interrupt, interrupt};\n"
    } else {
        "use nrf52833_pac as pac;\n"
    });
    out.push_str("use panic_probe as _; // a panic: its message in the log, then a HardFault\n");
    if lesson.systick.is_some() {
        out.push_str(
            "use cortex_m::peripheral::scb::SystemHandler;\n\
             use cortex_m::peripheral::syst::SystClkSource;\n\
             use cortex_m_rt::exception;\n",
        );
    }
    out.push_str(
        "\n#[entry]\nfn main() -> ! {\n    \
         // APPROTECT.DISABLE (0x4000_0558) = SwDisable: on the nRF52833's newer\n    \
         // revisions the debug port locks at every reset unless the program\n    \
         // opens it, and a locked board cannot be flashed again.\n    \
         // SAFETY: a register of the nRF52833's APPROTECT peripheral.\n    \
         unsafe { (0x4000_0558 as *mut u32).write_volatile(0x5A) };\n\n    \
         let p = pac::Peripherals::take().unwrap();\n",
    );
    if handlers || lesson.systick.is_some() {
        out.push_str("    let mut core = cortex_m::Peripherals::take().unwrap();\n");
    }
    if lesson.sources.is_empty() && lesson.systick.is_none() {
        out.push_str("    let _ = p;\n");
    }
    // The event sources.
    for (interrupt, level) in &lesson.sources {
        let source = nrf_source(interrupt, lesson.uarte_dma)?;
        let _ = writeln!(out, "\n    // ---- {interrupt}, an event source in lesson.toml");
        if *level {
            let _ = writeln!(
                out,
                "    // (`trigger = \"level\"`: the line stays asserted for as long as the\n    \
                 // event register is set, so a handler that does not clear it runs again.)"
            );
        }
        out.push_str(&source.setup);
    }
    if let Some(systick) = &lesson.systick {
        let _ = write!(
            out,
            "\n    // ---- SysTick, the core's own timer: every 64,000 cycles of the 64 MHz\n    \
             // clock (1 ms). An exception, not an interrupt: its priority is in the SCB.\n    \
             core.SYST.set_clock_source(SystClkSource::Core);\n    \
             core.SYST.set_reload(64_000 - 1);\n    \
             core.SYST.clear_current();\n    \
             core.SYST.enable_interrupt();\n    \
             // SAFETY: set before the counter starts, so no handler is running.\n    \
             unsafe {{ core.SCB.set_priority(SystemHandler::SysTick, board::nvic_priority({})) }};\n    \
             core.SYST.enable_counter();\n",
            systick.priority
        );
    }
    if !lesson.handlers.is_empty() {
        out.push_str(
            "\n    // ---- Priorities, lesson.toml's levels (0 most urgent) in the bits the\n    \
             // nRF52833 implements: 3, the top three of each priority byte\n    \
             // (`pac::NVIC_PRIO_BITS`; nRF52833 Product Specification, \"Interrupts\":\n    \
             // eight levels), so level n is written as n << 5.\n",
        );
        out.push_str(&priorities(lesson, "Interrupt"));
        out.push_str(&unmasks(lesson, "Interrupt"));
    }
    out.push_str(&thread_mode(lesson, "cortex_m::interrupt::free"));
    out.push_str(&handlers_microbit(lesson));
    if !lesson.forever {
        out.push('\n');
        out.push_str(&report(lesson, "cortex_m::interrupt::free"));
    }
    out.push_str(&board_microbit(lesson)?);
    Ok(out)
}

/// `main`'s statements giving each handler its priority (`interrupts`, the
/// path of the lesson's `Interrupt` type).
fn priorities(lesson: &Lesson, interrupts: &str) -> String {
    let mut out = String::new();
    for h in &lesson.handlers {
        let _ = writeln!(
            out,
            "    // SAFETY: set before the interrupt is unmasked, so no priority-based\n    \
             // critical section is in progress.\n    \
             unsafe {{ core.NVIC.set_priority({interrupts}::{}, board::nvic_priority({})) }};",
            h.interrupt, h.priority
        );
    }
    out
}

/// `main`'s statements unmasking each handler lesson.toml enables.
fn unmasks(lesson: &Lesson, interrupts: &str) -> String {
    if lesson.handlers.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n    // ---- Unmask, last: each handler's state and peripheral are ready.\n");
    for h in &lesson.handlers {
        if h.enabled {
            let _ = writeln!(
                out,
                "    // SAFETY: its handler below is defined, and its data needs no set-up.\n    \
                 unsafe {{ NVIC::unmask({interrupts}::{}) }};",
                h.interrupt
            );
        } else {
            let _ =
                writeln!(out, "    // {} stays masked (`enabled = false`): the lesson unmasks it itself.", h.interrupt);
        }
    }
    out
}

fn thread_mode(lesson: &Lesson, _cs: &str) -> String {
    let mut out = String::from("\n    // ---- Thread mode: what lesson.toml's `main` context runs.\n");
    if lesson.forever {
        let (last, before) = lesson.main.split_last().expect("main has a call");
        out.push_str(&call_lines(before, "    "));
        let _ = writeln!(
            out,
            "    // Its last call is main's endless loop (`forever = true`).\n    loop {{\n        lesson::{}();\n    }}\n}}",
            last.0
        );
        return out;
    }
    out.push_str(&call_lines(&lesson.main, "    "));
    if lesson.core1.is_some() {
        out.push_str("    // Wait for core 1's calls, then report.\n    while !CORE1_DONE.load(Ordering::Acquire) {\n        core::hint::spin_loop();\n    }\n");
    }
    out.push_str(
        "    report();\n\n    \
         // Nothing more to do: sleep, waking for each interrupt.\n    \
         loop {\n        cortex_m::asm::wfi();\n    }\n}\n",
    );
    out
}

fn handlers_microbit(lesson: &Lesson) -> String {
    let mut out = String::new();
    if let Some(s) = &lesson.systick {
        let _ = write!(
            out,
            "\n/// SysTick (priority {}): the lesson's `{}`.\n#[exception]\nfn SysTick() {{\n    lesson::{}();\n}}\n",
            s.priority, s.runs, s.runs
        );
    }
    for h in &lesson.handlers {
        let raised = if lesson.sources.iter().any(|(i, _)| *i == h.interrupt) {
            "raised by the peripheral set up in `main`"
        } else {
            "pended by software (`NVIC::pend` in the lesson)"
        };
        let _ = write!(
            out,
            "\n/// {} (priority {}, {raised}): the lesson's `{}`.\n#[interrupt]\nfn {}() {{\n    lesson::{}();\n}}\n",
            h.interrupt, h.priority, h.runs, h.interrupt, h.runs
        );
    }
    out
}

fn board_microbit(lesson: &Lesson) -> Result<String, String> {
    let mut out = String::from(
        "\n/// `crate::board`, what lesson code may use beyond `cortex_m`\n\
         /// (lessons/BOARD.md), on the nRF52833's own registers.\n\
         #[allow(dead_code)] // a lesson uses some of it\n\
         mod board {\n    \
         use nrf52833_pac as pac;\n    \
         // The lesson's interrupt names are the nRF52833's.\n    \
         pub use pac::Interrupt;\n",
    );
    if lesson.sources.iter().any(|(i, _)| i == "SAADC") {
        out.push_str(
            "\n    /// The SAADC writes each conversion here (EasyDMA).\n    pub static mut SAMPLE: i16 = 0;\n",
        );
    }
    out.push_str(
        "\n    /// Acknowledges the peripheral event behind `interrupt`: writes 0 to its\n    \
         /// event register, then reads it back. The write can still be on its way\n    \
         /// to the peripheral when the handler returns, and an event still set then\n    \
         /// would pend the interrupt again; the read completes only after the\n    \
         /// write (Nordic's pattern for clearing an event in an ISR).\n    \
         pub fn clear_event(interrupt: Interrupt) {\n",
    );
    let mut clears = Vec::new();
    let mut reads = Vec::new();
    for (interrupt, _) in &lesson.sources {
        let s = nrf_source(interrupt, lesson.uarte_dma)?;
        let name = if s.peripheral == "UART0" { "uart" } else { "peripheral" };
        clears.push((
            interrupt,
            format!(
                "// SAFETY: single writes and reads of {p}'s event registers.\n\
                 let {name} = unsafe {{ &*pac::{p}::ptr() }};\n\
                 // {what}\n\
                 {name}.{event}.write(|w| unsafe {{ w.bits(0) }});\n\
                 {after}\
                 let _ = {name}.{event}.read();\n",
                p = s.peripheral,
                what = s.what,
                event = s.event,
                after = s.after_clear,
            ),
        ));
        reads.push((interrupt, format!("unsafe {{ &*pac::{}::ptr() }}.{}.read().bits() != 0", s.peripheral, s.event)));
    }
    let other = "// The lesson's other interrupts are pended by software: no event.\n";
    match &clears[..] {
        [] => out.push_str("let _ = interrupt;\n}\n"),
        [(interrupt, body)] => {
            let _ = write!(out, "{other}if interrupt == Interrupt::{interrupt} {{\n{body}}}\n}}\n");
        }
        arms => {
            out.push_str("match interrupt {\n");
            for (interrupt, body) in arms {
                let _ = write!(out, "Interrupt::{interrupt} => {{\n{body}}}\n");
            }
            let _ = write!(out, "{other}_ => {{}}\n}}\n}}\n");
        }
    }
    out.push_str(
        "\n    /// Reads the peripheral's event register behind `interrupt`.\n    \
         pub fn event_pending(interrupt: Interrupt) -> bool {\n",
    );
    match &reads[..] {
        [] => out.push_str("let _ = interrupt;\nfalse\n}\n"),
        [(interrupt, read)] => {
            let _ = write!(
                out,
                "// SAFETY: a read of an event register.\ninterrupt == Interrupt::{interrupt} && {read}\n}}\n"
            );
        }
        arms => {
            out.push_str("match interrupt {\n");
            for (interrupt, read) in arms {
                let _ = write!(out, "// SAFETY: a read of an event register.\nInterrupt::{interrupt} => {read},\n");
            }
            out.push_str("_ => false,\n}\n}\n");
        }
    }
    if lesson.uarte_dma {
        out.push_str(
            "\n    /// UARTE0 receives `N` bytes into `buffer` by EasyDMA: RXD.PTR, RXD.MAXCNT,\n    \
             /// then TASKS_STARTRX. ENDRX, UARTE0_UART0's event, comes once the N-th byte\n    \
             /// is in RAM.\n    \
             ///\n    \
             /// # Safety\n    \
             ///\n    \
             /// `buffer` must stay valid for writes until ENDRX (a `static`: EasyDMA\n    \
             /// reaches only RAM), and nothing may touch it before then.\n    \
             pub unsafe fn uarte_receive<const N: usize>(buffer: *mut [u8; N]) {\n\
             // SAFETY: writes of UARTE0's registers; MAXCNT is 16 bits wide.\n\
             let uarte = unsafe { &*pac::UARTE0::ptr() };\n\
             uarte.rxd.ptr.write(|w| unsafe { w.ptr().bits(buffer as u32) });\n\
             uarte.rxd.maxcnt.write(|w| unsafe { w.maxcnt().bits(N as u16) });\n\
             uarte.tasks_startrx.write(|w| unsafe { w.bits(1) });\n\
             }\n",
        );
    }
    let _ = write!(
        out,
        "\n    /// Work that touches no shared state: `cycles` cycles of the 64 MHz core.\n    \
         pub fn busy(cycles: u32) {{\n        cortex_m::asm::delay(cycles);\n    }}\n\n    \
         /// The priority byte of lesson level `level` (0 most urgent): the\n    \
         /// nRF52833 implements the top {bits} bits (`pac::NVIC_PRIO_BITS`), so\n    \
         /// level n is n << {shift}.\n    \
         pub fn nvic_priority(level: u8) -> u8 {{\n        level << (8 - pac::NVIC_PRIO_BITS)\n    }}\n\n    \
         /// The BASEPRI value that masks lesson level `priority` and every less\n    \
         /// urgent one: the same byte, since BASEPRI masks every priority byte at\n    \
         /// or above it (and 0 masks nothing).\n    \
         pub fn basepri(priority: u8) -> u8 {{\n        nvic_priority(priority)\n    }}\n}}\n",
        bits = MICROBIT.priority_bits,
        shift = 8 - MICROBIT.priority_bits,
    );
    Ok(out)
}

// ---- Raspberry Pi Pico ----------------------------------------------------

fn pico(lesson: &Lesson) -> Result<String, String> {
    for (interrupt, _) in &lesson.sources {
        if interrupt != "TIMER0" {
            return Err(format!("source `{interrupt}`: the Pico companion raises only TIMER0 (an alarm)"));
        }
    }
    let mut out = header(lesson);
    out.push_str(
        "\nuse cortex_m::peripheral::NVIC;\n\
         use defmt_rtt as _; // the log: defmt frames over RTT, which `probe-rs run` prints\n\
         use panic_probe as _; // a panic: its message in the log, then a HardFault\n\
         use rp2040_hal::pac::{self, interrupt};\n\
         use rp2040_hal::{Watchdog, clocks};\n",
    );
    if lesson.core1.is_some() {
        out.push_str(
            "use core::sync::atomic::{AtomicBool, Ordering};\n\
             use rp2040_hal::Sio;\n\
             use rp2040_hal::multicore::{Multicore, Stack};\n",
        );
    }
    out.push_str(
        "\n/// The second-stage bootloader the RP2040's boot ROM loads from flash\n\
         /// first: it sets up the W25Q080 flash chip of the Pico for execute-in-place.\n\
         #[unsafe(link_section = \".boot2\")]\n\
         #[used]\n\
         static BOOT2: [u8; 256] = rp2040_boot2::BOOT_LOADER_W25Q080;\n",
    );
    if lesson.core1.is_some() {
        out.push_str(
            "\n/// Core 1's stack, and whether it has run its calls.\n\
             static CORE1_STACK: Stack<2048> = Stack::new();\n\
             static CORE1_DONE: AtomicBool = AtomicBool::new(false);\n",
        );
    }
    out.push_str(
        "\n// rp2040-hal's entry: also releases the 32 hardware spinlocks, which a\n\
         // debugger's reset leaves as the last program left them (its critical\n\
         // section takes spinlock 31).\n\
         #[rp2040_hal::entry]\n\
         fn main() -> ! {\n    \
         let mut p = pac::Peripherals::take().unwrap();\n    \
         let mut core = pac::CorePeripherals::take().unwrap();\n    \
         // The 12 MHz crystal, the PLLs (125 MHz system clock), and the\n    \
         // watchdog's tick, which the microsecond timer counts.\n    \
         let mut watchdog = Watchdog::new(p.WATCHDOG);\n    \
         let Ok(_clocks) =\n        \
         clocks::init_clocks_and_plls(12_000_000, p.XOSC, p.CLOCKS, p.PLL_SYS, p.PLL_USB, &mut p.RESETS, &mut watchdog)\n    \
         else {\n        panic!(\"the clocks did not start\");\n    };\n",
    );
    if !lesson.sources.is_empty() {
        out.push_str(
            "\n    // ---- TIMER0, an event source in lesson.toml: the RP2040 has one\n    \
             // microsecond timer with four one-shot alarms; alarm 0 (TIMER_IRQ_0)\n    \
             // stands for the nRF52833's TIMER0, armed 1,000 us ahead, and re-armed\n    \
             // by `board::clear_event` each time it fires.\n    \
             p.RESETS.reset().modify(|_, w| w.timer().clear_bit());\n    \
             while p.RESETS.reset_done().read().timer().bit_is_clear() {}\n    \
             p.TIMER.inte().write(|w| w.alarm_0().set_bit());\n    \
             board::arm_alarm0();\n",
        );
    }
    if !lesson.handlers.is_empty() {
        out.push_str(
            "\n    // ---- Priorities, lesson.toml's levels (0 most urgent) in the bits the\n    \
             // RP2040's Cortex-M0+ implements: 2, the top two of each priority byte\n    \
             // (ARMv6-M; RP2040 datasheet, \"NVIC\": four levels), so level n is\n    \
             // written as n << 6.\n",
        );
        out.push_str(&priorities(lesson, "board::Interrupt"));
    }
    if let Some(calls) = &lesson.core1 {
        let _ = write!(
            out,
            "\n    // ---- Core 1: started through the boot ROM's handshake over the SIO\n    \
             // FIFO; it runs what lesson.toml's core-1 context runs. Interrupts are\n    \
             // unmasked in each core's own NVIC: core 1 takes none.\n    \
             let mut sio = Sio::new(p.SIO);\n    \
             let mut multicore = Multicore::new(&mut p.PSM, &mut p.PPB, &mut sio.fifo);\n    \
             let core1 = move || {{\n{}        CORE1_DONE.store(true, Ordering::Release);\n        \
             loop {{\n            cortex_m::asm::wfi();\n        }}\n    }};\n    \
             multicore.cores()[1].spawn(CORE1_STACK.take().unwrap(), core1).unwrap();\n",
            call_lines(calls, "        ")
        );
    }
    out.push_str(&unmasks(lesson, "board::Interrupt"));
    out.push_str(&thread_mode(lesson, "critical_section::with"));
    for h in &lesson.handlers {
        let irq = INTERRUPTS.iter().find(|i| i.lesson == h.interrupt).expect("checked in companion()");
        let _ = write!(
            out,
            "\n/// {} (lesson.toml's {}, priority {}): the lesson's `{}`.\n#[interrupt]\nfn {}() {{\n    lesson::{}();\n}}\n",
            irq.pico, h.interrupt, h.priority, h.runs, irq.pico, h.runs
        );
    }
    if !lesson.forever {
        out.push('\n');
        out.push_str(&report(lesson, "critical_section::with"));
    }
    out.push_str(&board_pico(lesson));
    Ok(out)
}

fn board_pico(lesson: &Lesson) -> String {
    let mut out = String::from(
        "\n/// `crate::board`, what lesson code may use beyond `cortex_m`\n\
         /// (lessons/BOARD.md), on the RP2040.\n\
         #[allow(dead_code)] // a lesson uses some of it\n\
         mod board {\n    \
         use cortex_m::interrupt::InterruptNumber;\n    \
         use rp2040_hal::pac;\n\n    \
         /// The lesson's interrupt names (the nRF52833's), each one an RP2040\n    \
         /// interrupt (firmware/README.md).\n    \
         #[derive(Clone, Copy, Debug, PartialEq, Eq)]\n    \
         #[allow(non_camel_case_types, clippy::upper_case_acronyms)] // the nRF52833's names\n    \
         pub enum Interrupt {\n",
    );
    for irq in INTERRUPTS {
        let _ = writeln!(out, "        /// {}\n        {} = {},", irq.pico, irq.lesson, irq.pico_number);
    }
    out.push_str(
        "    }\n\n    \
         // SAFETY: each value is the RP2040's number of that interrupt.\n    \
         unsafe impl InterruptNumber for Interrupt {\n        \
         fn number(self) -> u16 {\n            self as u16\n        }\n    }\n",
    );
    let timer = lesson.sources.iter().any(|(i, _)| i == "TIMER0");
    if timer {
        out.push_str(
            "\n    /// Arms alarm 0 for 1,000 us from now: an alarm fires once, so each\n    \
             /// event arms the next.\n    \
             pub fn arm_alarm0() {\n        \
             // SAFETY: single reads and writes of the timer's registers.\n        \
             let timer = unsafe { &*pac::TIMER::ptr() };\n        \
             let now = timer.timerawl().read().bits();\n        \
             timer.alarm0().write(|w| unsafe { w.bits(now.wrapping_add(1_000)) });\n    }\n",
        );
    }
    out.push_str(
        "\n    /// Acknowledges the event behind `interrupt`: for TIMER0, alarm 0's bit\n    \
         /// of INTR (write 1 to clear), read back so the write has landed before\n    \
         /// the handler returns, then the next alarm.\n    \
         pub fn clear_event(interrupt: Interrupt) {\n",
    );
    if timer {
        out.push_str(
            "        if interrupt == Interrupt::TIMER0 {\n            \
             // SAFETY: single reads and writes of the timer's registers.\n            \
             let timer = unsafe { &*pac::TIMER::ptr() };\n            \
             timer.intr().write(|w| w.alarm_0().clear_bit_by_one());\n            \
             let _ = timer.intr().read();\n            \
             arm_alarm0();\n        }\n    }\n\n    \
             /// Reads the event flag behind `interrupt`.\n    \
             pub fn event_pending(interrupt: Interrupt) -> bool {\n        \
             // SAFETY: a read of the timer's raw interrupt register.\n        \
             interrupt == Interrupt::TIMER0 && unsafe { &*pac::TIMER::ptr() }.intr().read().alarm_0().bit_is_set()\n    }\n",
        );
    } else {
        out.push_str("        let _ = interrupt;\n    }\n\n    pub fn event_pending(_: Interrupt) -> bool {\n        false\n    }\n");
    }
    let _ = write!(
        out,
        "\n    /// Work that touches no shared state: `cycles` cycles of the 125 MHz core.\n    \
         pub fn busy(cycles: u32) {{\n        cortex_m::asm::delay(cycles);\n    }}\n\n    \
         /// The priority byte of lesson level `level` (0 most urgent): the\n    \
         /// Cortex-M0+ implements the top {bits} bits, so level n is n << {shift}.\n    \
         pub fn nvic_priority(level: u8) -> u8 {{\n        level << {shift}\n    }}\n}}\n",
        bits = PICO.priority_bits,
        shift = 8 - PICO.priority_bits,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn companions() -> Vec<Companion> {
        generate_all(&root().join("lessons")).expect("every lesson has a companion")
    }

    #[test]
    fn the_committed_companions_are_what_lesson_toml_says() {
        let stale = stale(&companions(), &root().join(DIR), &root().join(CARGO_TOML));
        assert!(stale.is_empty(), "run `cargo xtask companions`:\n{}", stale.join("\n"));
    }

    #[test]
    fn an_edited_companion_is_caught_with_its_line() {
        let companions = companions();
        let dir = std::env::temp_dir().join(format!("irqlab-companions-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        for c in &companions {
            fs::write(dir.join(format!("{}.rs", c.bin)), &c.code).unwrap();
        }
        let manifest = dir.join("Cargo.toml");
        fs::write(&manifest, with_entries("[package]\nname = \"f\"\n", &cargo_entries(&companions))).unwrap();
        assert_eq!(stale(&companions, &dir, &manifest), Vec::<String>::new());
        // A learner's fix typed into the generated file instead of the lesson.
        let edited = &companions[3];
        let path = dir.join(format!("{}.rs", edited.bin));
        let text = edited.code.replacen("fn main() -> ! {", "fn main() -> ! {\n    cortex_m::interrupt::disable();", 1);
        let line = edited.code.lines().position(|l| l.starts_with("fn main")).unwrap() + 2;
        fs::write(&path, text).unwrap();
        fs::write(dir.join("stray.rs"), "").unwrap();
        let found = stale(&companions, &dir, &manifest);
        fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            found,
            vec![
                format!("{}: differs from the generator's from line {line}", path.display()),
                format!("{}: no lesson writes it", dir.join("stray.rs").display()),
            ]
        );
    }

    #[test]
    fn each_companion_shows_its_handlers_priorities_and_commands() {
        for c in companions() {
            // Lesson 01's main polls the event: its point is that no handler runs.
            assert_eq!(c.code.contains("#[interrupt]"), c.bin != "superloop", "{}: #[interrupt] handlers", c.bin);
            assert!(c.code.contains(&c.board.command(&c.bin, true)), "{}: no solution command", c.bin);
            assert!(!c.code.contains("lesson_bin!"), "{}: a harness macro", c.bin);
        }
        let lost_update = companions().into_iter().find(|c| c.bin == "lost_update").unwrap();
        assert!(lost_update.code.contains("core.NVIC.set_priority(Interrupt::TIMER0, board::nvic_priority(1))"));
        assert!(lost_update.code.contains("fn TIMER0() {\n    lesson::on_timer();\n}"));
        assert!(lost_update.code.contains("peripheral.events_compare[0].write(|w| unsafe { w.bits(0) });"));
        let dual_core = companions().into_iter().find(|c| c.bin == "dual_core").unwrap();
        assert_eq!(dual_core.board.feature, "pico");
        assert!(dual_core.code.contains("fn TIMER_IRQ_0() {\n    lesson::on_timer();\n}"));
    }
}
