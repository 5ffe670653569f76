//! `cargo xtask bench`: runs the benchmarks and writes BENCHMARKS.md with the
//! machine, the date and the medians. Benchmarks, never timed tests: the
//! numbers are recorded, not asserted.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use crate::setup::{self, root};

/// Runs a command in the workspace root and returns its stdout (echoed).
fn capture(args: &[&str]) -> Result<String, String> {
    println!("$ {}", args.join(" "));
    let out = Command::new(args[0])
        .args(&args[1..])
        .current_dir(root())
        .output()
        .map_err(|e| format!("could not start `{}`: {e}", args[0]))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    print!("{stdout}");
    if !out.status.success() {
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        return Err(format!("`{}` exited with {}", args.join(" "), out.status));
    }
    Ok(stdout)
}

/// The median of a criterion benchmark, in nanoseconds, from
/// target/criterion/<id>/new/estimates.json.
fn median_ns(id: &str) -> Option<f64> {
    let path = criterion_dir().join(id).join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let median = &text[text.find("\"median\"")?..];
    let at = median.find("\"point_estimate\":")? + "\"point_estimate\":".len();
    let rest = &median[at..];
    let end = rest.find([',', '}'])?;
    rest[..end].trim().parse().ok()
}

/// Where criterion keeps its results: the target directory's `criterion/`.
fn criterion_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root().join("target"), std::path::PathBuf::from)
        .join("criterion")
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string()))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(String::new(), |kb| format!(", {} GiB", kb / 1024 / 1024));
    let rustc = setup::output(&["rustc", "--version"]).unwrap_or_default();
    let date = setup::output(&["date", "-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default();
    format!("{cpu}, {cores} cores{mem}; {rustc}; {date}")
}

fn lines_with<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.lines().filter_map(|l| l.strip_prefix(prefix)).collect()
}

pub fn run() -> Result<(), String> {
    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Written by `cargo xtask bench` (do not edit by hand). Medians of criterion runs unless noted.\n\
         The machine is shared and noisy: compare numbers measured in the same run.\n\n**Machine:** {}\n",
        machine()
    );

    // Raw stepping speed.
    capture(&["cargo", "bench", "--locked", "-p", "irqlab-sim", "--bench", "step"])?;
    let _ = writeln!(md, "## Stepping (`cargo bench -p irqlab-sim --bench step`)\n");
    let _ = writeln!(md, "Target: at least 20 million steps per second for the straight-line case, untraced.\n");
    let _ = writeln!(md, "| case | steps per run | median time | steps per second |\n| --- | ---: | ---: | ---: |");
    for (id, steps) in [
        ("straight_line", 10_001u64),
        ("straight_line_traced", 10_001),
        ("interrupt_heavy", 0),
        ("interrupt_heavy_traced", 0),
    ] {
        let Some(ns) = median_ns(&format!("step/{id}")) else { continue };
        let steps = if steps == 0 { criterion_throughput(&format!("step/{id}")).unwrap_or(0) } else { steps };
        let _ = writeln!(md, "| {id} | {steps} | {:.3} ms | {:.1} M |", ns / 1e6, steps as f64 / (ns / 1e9) / 1e6);
    }

    // The explorer: scaling cases and lessons.
    let out = capture(&["cargo", "bench", "--locked", "-p", "irqlab-sim", "--bench", "explore"])?;
    let _ = writeln!(md, "\n## Explorer (`cargo bench -p irqlab-sim --bench explore`)\n");
    let _ = writeln!(
        md,
        "Targets: every lesson checked exhaustively in under 50 ms, the whole curriculum in under 1 s, at least \
         1 million states per second, a pruning ratio of at least 10x on the 4-handler counter. \"naive\" is \
         what plain enumeration of arrival points would run (the formula is in `explore::naive_schedules`); \
         the pruning ratio is naive / schedules explored. Each line: the median CPU time of up to 5 runs \
         (fewer when a run takes over a second); the criterion medians (CPU time) follow.\n"
    );
    let _ = writeln!(md, "```");
    for l in lines_with(&out, "FIGURES ") {
        let _ = writeln!(md, "{l}");
    }
    let _ = writeln!(md, "```\n\n| case | median time to verdict |\n| --- | ---: |");
    for l in lines_with(&out, "FIGURES ") {
        let name = l.split(':').next().unwrap_or("");
        if let Some(ns) = median_ns(&format!("explore/{name}")) {
            let _ = writeln!(md, "| {name} | {:.3} ms |", ns / 1e6);
        }
    }

    // Side by side with loom.
    let out = capture(&["cargo", "bench", "--locked", "-p", "irqlab-sim", "--bench", "loom"])?;
    let _ = writeln!(md, "\n## irqlab and loom on the same programs (`cargo bench -p irqlab-sim --bench loom`)\n");
    let _ = writeln!(
        md,
        "The models differ: loom runs threads that interleave freely at every atomic access; irqlab runs main \
         and a handler, where a handler, once entered, runs to completion unless a more urgent handler preempts \
         it, and main never runs in the middle of it. irqlab also models priorities, pending bits and PRIMASK, \
         which loom does not. Both find both bugs. The fetch_add rows are proofs: main and each thread (in irqlab \
         each handler, at its own priority, arriving at most once) add 1 N times, and both tools search every \
         schedule to show the count is the sum.\n"
    );
    let _ = writeln!(md, "| program | irqlab median | loom median | loom / irqlab |\n| --- | ---: | ---: | ---: |");
    // Two bugs to find, then proofs (the whole space searched by both).
    for name in [
        "lost_update",
        "flag_data",
        "fetch_add_4+4",
        "fetch_add_6+6",
        "fetch_add_8+8",
        "fetch_add_2+2+2",
        "fetch_add_3+3+3",
    ] {
        if let (Some(i), Some(l)) =
            (median_ns(&format!("verdict/irqlab_{name}")), median_ns(&format!("verdict/loom_{name}")))
        {
            let _ = writeln!(md, "| {name} | {:.1} µs | {:.1} µs | {:.1}x |", i / 1e3, l / 1e3, l / i);
        }
    }
    let _ = writeln!(md, "\n```");
    for l in lines_with(&out, "VERDICT ") {
        let _ = writeln!(md, "{l}");
    }
    let _ = writeln!(md, "```");

    // Peak memory and time of `irqlab check --all`.
    capture(&["cargo", "build", "--release", "--locked", "-p", "irqlab-cli"])?;
    let out = Command::new("/usr/bin/time")
        .args(["-v", &criterion_dir().with_file_name("release").join("irqlab").display().to_string(), "check", "--all"])
        .current_dir(root())
        .output()
        .map_err(|e| format!("/usr/bin/time: {e} (apt-get install time)"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let field = |name: &str| {
        stderr.lines().find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_string())).unwrap_or_default()
    };
    let _ = writeln!(md, "\n## `irqlab check --all` (release build, every lesson's scenario and solution)\n");
    let _ = writeln!(
        md,
        "| peak memory (max RSS) | wall time |\n| ---: | ---: |\n| {} KiB | {} |",
        field("Maximum resident set size (kbytes):"),
        field("Elapsed (wall clock) time (h:mm:ss or m:ss):")
    );
    let _ = writeln!(md, "\n```\n{}```", String::from_utf8_lossy(&out.stdout));

    // The web app and the firmware write their own sections.
    for (title, file) in [
        ("Web app", "web/BENCHMARKS-web.md"),
        ("Firmware sizes", "firmware/BENCHMARKS-firmware.md"),
        ("Fuzzing", "fuzz/BENCHMARKS-fuzz.md"),
    ] {
        if let Ok(text) = std::fs::read_to_string(root().join(file)) {
            let _ = writeln!(md, "\n## {title} (from `{file}`)\n\n{}", text.trim());
        }
    }
    let path = root().join("BENCHMARKS.md");
    std::fs::write(&path, md).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote {}", Path::new("BENCHMARKS.md").display());
    Ok(())
}

/// The element count criterion recorded for a benchmark's throughput.
fn criterion_throughput(id: &str) -> Option<u64> {
    let path = criterion_dir().join(id).join("new/benchmark.json");
    let text = std::fs::read_to_string(path).ok()?;
    let at = text.find("\"Elements\":")? + "\"Elements\":".len();
    let rest = &text[at..];
    let end = rest.find([',', '}'])?;
    rest[..end].trim().parse().ok()
}
