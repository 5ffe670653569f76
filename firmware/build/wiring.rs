//! Writes, for every lesson with a `[firmware]` table, the Rust that wires its
//! bin the way its lesson.toml says: which function thread mode runs and how
//! often, which function each interrupt runs at which priority, the event
//! sources, the properties (their Rust expressions, compiled as written) and
//! what the challenge promises. The bin only names the statics to watch.

use std::fmt::Write;
use std::fs;
use std::path::Path;

use toml::{Table, Value};

/// The lesson names of interrupts (lessons/BOARD.md).
const INTERRUPTS: &[&str] = &["TIMER0", "TIMER1", "RTC0", "GPIOTE", "SWI0_EGU0", "SWI1_EGU1", "UARTE0_UART0", "SAADC"];

/// One generated file per lesson bin: `OUT_DIR/<bin>.rs`.
pub fn generate(lessons: &Path, out: &Path) -> Result<(), String> {
    println!("cargo::rerun-if-changed={}", lessons.display());
    let mut dirs: Vec<_> = fs::read_dir(lessons)
        .map_err(|e| format!("{}: {e}", lessons.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.join("lesson.toml").is_file())
        .collect();
    dirs.sort();
    let mut wired = Vec::new();
    for dir in dirs {
        let file = dir.join("lesson.toml");
        println!("cargo::rerun-if-changed={}", file.display());
        let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let lesson: Table = text.parse().map_err(|e| format!("{}: {e}", file.display()))?;
        let slug = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if let Some((bin, code)) = wiring(&slug, &lesson).map_err(|e| format!("{}: {e}", file.display()))? {
            fs::write(out.join(format!("{bin}.rs")), code).map_err(|e| format!("{bin}.rs: {e}"))?;
            wired.push(bin);
        }
    }
    // Every bin must belong to a lesson: say which, rather than let
    // `include!` fail on a missing file. The one exception is no lesson: the
    // interpreter of `cargo xtask fuzz-nvic` (src/harness/nvic.rs).
    let bins = fs::read_dir("src/bin").map_err(|e| format!("src/bin: {e}"))?;
    for bin in bins.filter_map(|e| e.ok().map(|e| e.path())) {
        let name = bin.file_stem().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if !wired.contains(&name) && name != "nvic_fuzz" {
            return Err(format!("src/bin/{name}.rs: no lessons/*/lesson.toml has `[firmware] bin = \"{name}\"`"));
        }
    }
    Ok(())
}

pub fn text<'a>(table: &'a Table, key: &str) -> Result<&'a str, String> {
    table.get(key).and_then(Value::as_str).ok_or(format!("`{key}` must be a string"))
}

pub fn integer(table: &Table, key: &str, default: i64) -> Result<i64, String> {
    match table.get(key) {
        None => Ok(default),
        Some(value) => value.as_integer().ok_or(format!("`{key}` must be an integer")),
    }
}

pub fn tables<'a>(lesson: &'a Table, key: &str) -> Vec<&'a Table> {
    lesson.get(key).and_then(Value::as_array).map_or(Vec::new(), |a| a.iter().filter_map(Value::as_table).collect())
}

fn interrupt(name: &str) -> Result<String, String> {
    if INTERRUPTS.contains(&name) {
        Ok(format!("Interrupt::{name}"))
    } else if ["PendSV", "SVCall"].contains(&name) {
        Err(format!("`{name}`: system exception handlers other than SysTick are not wired into the firmware yet"))
    } else {
        Err(format!("unknown interrupt `{name}` (lessons/BOARD.md has {})", INTERRUPTS.join(", ")))
    }
}

/// A function of the lesson module: a Rust identifier, nothing else.
fn function(name: &str) -> Result<String, String> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok { Ok(format!("super::lesson::{name}")) } else { Err(format!("`{name}` is not a function name")) }
}

/// Thread mode's calls: `runs` and `times`, or `calls = [{ runs, times }]`.
fn calls(context: &Table) -> Result<String, String> {
    let call = |table: &Table| -> Result<String, String> {
        Ok(format!("Call {{ runs: {}, times: {} }}, ", function(text(table, "runs")?)?, integer(table, "times", 1)?))
    };
    match context.get("calls").and_then(Value::as_array) {
        None => call(context),
        Some(list) => {
            list.iter().map(|c| call(c.as_table().ok_or("`calls` holds `{ runs, times }` tables")?)).collect()
        }
    }
}

fn wiring(slug: &str, lesson: &Table) -> Result<Option<(String, String)>, String> {
    let Some(firmware) = lesson.get("firmware").and_then(Value::as_table) else {
        return Ok(None);
    };
    let bin = text(firmware, "bin")?;
    let boards: Vec<String> = firmware
        .get("boards")
        .and_then(Value::as_array)
        .map_or(Vec::new(), |a| a.iter().filter_map(Value::as_str).map(|b| format!("{b:?}")).collect());

    let mut main = None;
    let mut core1 = "None".to_string();
    let mut handlers = String::new();
    // The lesson's SysTick handler and its events: SysTick is also the
    // board's arrival generator, the most urgent exception (firmware/README.md).
    let mut systick = None;
    let mut systick_events = 0;
    for context in tables(lesson, "context") {
        let core = integer(context, "core", 0)?;
        match context.get("interrupt").and_then(Value::as_str) {
            None if core == 1 => core1 = format!("Some(Main {{ calls: &[{}], forever: false }})", calls(context)?),
            None => {
                let forever = context.get("forever").and_then(Value::as_bool).unwrap_or(false);
                main = Some(format!("Main {{ calls: &[{}], forever: {forever} }}", calls(context)?));
            }
            Some(_) if core != 0 => return Err("handlers on core 1 are not wired into the firmware yet".into()),
            Some("SysTick") => {
                if integer(context, "priority", 1)? != 0 {
                    return Err("SysTick: the firmware runs the lesson's SysTick handler in its arrival generator, \
                                the most urgent exception: give it `priority = 0`"
                        .into());
                }
                systick = Some(function(text(context, "runs")?)?);
            }
            Some(name) => {
                let runs = function(text(context, "runs")?)?;
                let priority = integer(context, "priority", 1)?;
                let enabled = context.get("enabled").and_then(Value::as_bool).unwrap_or(true);
                let _ = write!(
                    handlers,
                    "Handler {{ interrupt: {}, priority: {priority}, runs: {runs}, enabled: {enabled} }}, ",
                    interrupt(name)?
                );
            }
        }
    }
    let main = main.ok_or("no thread-mode `[[context]]` (one without `interrupt`)")?;

    let mut sources = String::new();
    for source in tables(lesson, "source") {
        let trigger = match source.get("trigger").and_then(Value::as_str).unwrap_or("edge") {
            "edge" => "Edge",
            "level" => "Level",
            other => return Err(format!("trigger `{other}`: expected \"edge\" or \"level\"")),
        };
        let max = integer(source, "max_arrivals", 1)?;
        if text(source, "interrupt")? == "SysTick" && trigger == "Edge" {
            systick_events = max;
            continue;
        }
        let name = interrupt(text(source, "interrupt")?)?;
        let ends_before = match source.get("ends_before").and_then(Value::as_str) {
            Some(other) => format!("Some({})", interrupt(other)?),
            None => "None".to_string(),
        };
        // A UART that receives by DMA: the bytes it receives, in order.
        let dma = match source.get("dma_bytes").and_then(Value::as_array) {
            Some(bytes) => {
                let bytes: Vec<String> = bytes
                    .iter()
                    .map(|b| b.as_integer().filter(|v| (0..=255).contains(v)).map(|v| v.to_string()))
                    .collect::<Option<_>>()
                    .ok_or("`dma_bytes`: expected a list of bytes (0 to 255)")?;
                format!("Some(&[{}])", bytes.join(", "))
            }
            None => "None".to_string(),
        };
        let _ = write!(
            sources,
            "Source {{ interrupt: {name}, trigger: Trigger::{trigger}, max_arrivals: {max}, ends_before: {ends_before}, \
             dma: {dma} }}, "
        );
    }

    let mut properties = String::new();
    for property in tables(lesson, "property") {
        // `arrivals("X")`, `handled("X")`, `lost("X")` and `max_latency("X")`
        // exist only in the simulator: such a property says `sim_only`.
        if property.get("sim_only").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let holds = text(property, "holds")?;
        let name = text(property, "name")?;
        let always = property.get("at").and_then(Value::as_str) == Some("always");
        // The expression is compiled as written: rustc checks it against the
        // lesson's own statics, exactly as the simulator evaluates it.
        let _ = write!(
            properties,
            "Property {{ name: {name:?}, text: {holds:?}, always: {always}, holds: {{ \
             fn holds() -> bool {{ #[allow(unused_imports)] use core::sync::atomic::Ordering; \
             #[allow(unused_imports)] use super::lesson::*; let holds: bool = {holds}; holds }} holds }} }}, "
        );
    }
    let breaks = lesson
        .get("challenge")
        .and_then(Value::as_table)
        .and_then(|c| c.get("scenario_expect"))
        .and_then(Value::as_str)
        .map_or(Ok(true), |expect| match expect {
            "violated" => Ok(true),
            "holds" => Ok(false),
            other => Err(format!("scenario_expect `{other}`: expected \"violated\" or \"holds\"")),
        })?;

    let code = format!(
        "// Generated by firmware/build.rs from lessons/{slug}/lesson.toml: edit that file, not this one.\n\
         #[allow(unused_imports)]\n\
         use irqlab_firmware::{{Call, Handler, Lesson, Main, Property, Source, Tick, Trigger, board::Interrupt}};\n\
         pub static LESSON: Lesson = Lesson {{\n\
         bin: {bin:?}, lesson: {slug:?}, boards: &[{boards}],\n\
         main: {main},\n\
         core1: {core1},\n\
         handlers: &[{handlers}],\n\
         sources: &[{sources}],\n\
         systick: {systick},\n\
         statics: super::STATICS,\n\
         properties: &[{properties}],\n\
         scenario_breaks: {breaks},\n\
         }};\n",
        boards = boards.join(", "),
        systick = match systick {
            Some(runs) => format!("Some(Tick {{ runs: {runs}, max_arrivals: {systick_events} }})"),
            None if systick_events > 0 => return Err("a SysTick [[source]] needs a SysTick [[context]]".into()),
            None => "None".to_string(),
        }
    );
    Ok(Some((bin.to_string(), code)))
}
