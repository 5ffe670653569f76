//! Writes the lesson data file (see src/data.rs), so the page needs neither
//! the Rust front end nor a markdown parser, and carries no lesson in its
//! wasm: every built-in lesson's card, its narrative (markdown parsed here
//! into a safe tree), its code, its scenario compiled here, and the source
//! of its firmware bin (firmware/**/src/bin/*.rs) and of its companion
//! program (firmware/examples/<bin>.rs), and its setup, which the page sends
//! the compiler worker with each edit.
//!
//! Out: `$OUT_DIR/lessons.bin` (the file), `$OUT_DIR/lesson_data.rs` (its
//! content-hashed name, which the page fetches). Trunk's post-build hook
//! (examples/lesson_data.rs) puts the file next to the wasm.
//!
//! The build fails, naming the lesson, when a compiled scenario or solution
//! does not come back exactly through the codec: the page would run
//! another program than the one checked here.

// build.rs uses part of each; the page and the worker use the rest.
#[allow(dead_code)]
#[path = "src/codec.rs"]
mod codec;
#[allow(dead_code)]
#[path = "src/compiled.rs"]
mod compiled;
#[allow(dead_code)]
#[path = "src/data.rs"]
mod data;
#[path = "src/markdown_tree.rs"]
mod markdown_tree;

use std::path::{Path, PathBuf};

fn firmware_bins(dir: &Path, out: &mut Vec<(String, PathBuf)>, depth: u32) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') && depth < 6 {
                firmware_bins(&path, out, depth + 1);
            }
        } else if dir.ends_with("src/bin") && name.ends_with(".rs") {
            out.push((name.trim_end_matches(".rs").to_string(), path));
        } else if name == "main.rs" && dir.parent().is_some_and(|p| p.ends_with("src/bin")) {
            let bin = dir.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
            out.push((bin, path));
        }
    }
}

/// Checks `code` as `which` of `lesson` and insists that it round-trips.
fn checked(lesson: &irqlab_lessons::Lesson, code: &str, which: &str) -> compiled::Checked {
    let checked = compiled::check(&lesson.setup, code);
    if let Err(why) = codec::round_trips(&checked) {
        panic!(
            "lesson `{}`: its compiled {which} does not round-trip through the page's codec (postcard): {why}. \
             The page would run another program than the one checked; make irqlab_sim's types postcard-safe \
             (externally tagged enums, no skipped fields).",
            lesson.id
        );
    }
    checked
}

fn cards(firmware: &[(String, PathBuf)], firmware_dir: &Path) -> Vec<data::LessonCard> {
    irqlab_lessons::builtin()
        .iter()
        .map(|lesson| {
            let scenario = checked(lesson, &lesson.scenario, "scenario");
            // Not carried (the compiler worker checks the solution when it is
            // shown), but the same promise holds for it.
            checked(lesson, &lesson.solution, "solution");
            let firmware_source = firmware
                .iter()
                .find(|(name, _)| *name == lesson.firmware.bin)
                .and_then(|(_, path)| std::fs::read_to_string(path).ok());
            let companion = firmware_dir.join("examples").join(format!("{}.rs", lesson.firmware.bin));
            println!("cargo:rerun-if-changed={}", companion.display());
            let companion_source = std::fs::read_to_string(companion).ok();
            let setup = codec::encode(&lesson.setup)
                .unwrap_or_else(|e| panic!("lesson `{}`: its setup does not encode: {e}", lesson.id));
            match codec::decode::<irqlab_lang::Setup>(&setup) {
                Ok(back) if back == lesson.setup => {}
                Ok(_) => panic!("lesson `{}`: its setup decodes to another setup (postcard)", lesson.id),
                Err(e) => panic!(
                    "lesson `{}`: its setup does not decode from postcard ({e}); the compiler worker could not \
                     check edits (make irqlab_lang::Setup's enums externally tagged)",
                    lesson.id
                ),
            }
            data::LessonCard {
                id: lesson.id.clone(),
                title: lesson.title.clone(),
                summary: lesson.summary.clone(),
                covers: lesson.covers.clone(),
                scenario: lesson.scenario.clone(),
                solution: lesson.solution.clone(),
                hints: lesson.hints.clone(),
                break_it: lesson.challenge.break_it.clone().unwrap_or_default(),
                fix_it: lesson.challenge.fix_it.clone().unwrap_or_default(),
                find_first: lesson.challenge.find_first,
                firmware_bin: lesson.firmware.bin.clone(),
                boards: lesson.firmware.boards.clone(),
                narrative: markdown_tree::parse(lesson.story()),
                why_it_works: lesson.why_the_fix_works().map(markdown_tree::parse).unwrap_or_default(),
                checked: scenario,
                setup,
                firmware_source,
                companion_source,
            }
        })
        .collect()
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed={}", manifest.join("../lessons").display());
    for file in ["codec.rs", "compiled.rs", "data.rs", "markdown_tree.rs"] {
        println!("cargo:rerun-if-changed=src/{file}");
    }
    let firmware = manifest.join("../firmware");
    println!("cargo:rerun-if-changed={}", firmware.display());
    let mut found = Vec::new();
    firmware_bins(&firmware, &mut found, 0);
    for (_, path) in &found {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let cards = cards(&found, &firmware);
    let bytes = data::encode(&cards).unwrap_or_else(|e| panic!("the lesson data does not encode: {e}"));
    match data::decode(&bytes) {
        Ok(back) if back == cards => {}
        Ok(_) => panic!("the lesson data decodes to other lessons than were encoded"),
        Err(e) => panic!("the lesson data does not decode: {e}"),
    }
    let name = data::file_name(&bytes);
    std::fs::write(out_dir.join("lessons.bin"), &bytes).expect("OUT_DIR is writable");
    let code = format!(
        "/// The lesson data file's name, next to the page's wasm (its content's hash in it).\n\
         pub const DATA_FILE: &str = {name:?};\n"
    );
    std::fs::write(out_dir.join("lesson_data.rs"), code).expect("OUT_DIR is writable");
}
