//! Prepares what the page embeds, so it needs neither the Rust front end nor
//! a markdown parser at start-up:
//! - every built-in lesson's card, its narrative (markdown parsed here into
//!   a safe tree) and its scenario and solution, compiled here (JSON);
//! - the companion firmware's bin sources (firmware/**/src/bin/*.rs).
//!
//! Edited code is compiled in the browser by the compiler worker.

// The page and the worker use all of it; the build only `check` and `Checked`.
#[allow(dead_code)]
#[path = "src/compiled.rs"]
mod compiled;
#[path = "src/markdown_tree.rs"]
mod markdown_tree;

/// Whether postcard carries a compiled program exactly (it cannot when the
/// program's enums are internally tagged); see src/codec.rs.
fn postcard_works(checked: &compiled::Checked) -> bool {
    let Ok(bytes) = postcard::to_allocvec(checked) else { return false };
    postcard::from_bytes::<compiled::Checked>(&bytes).is_ok_and(|back| back.program == checked.program)
}

use std::fmt::Write;
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

fn lessons(out_dir: &Path) -> String {
    let lessons = irqlab_lessons::builtin();
    // Only the scenario: the solution is shown rarely, and the compiler
    // worker checks it then (every blob here is in the page's wasm).
    let checked: Vec<compiled::Checked> = lessons.iter().map(|l| compiled::check(l, &l.scenario)).collect();
    let programs: Vec<&compiled::Checked> = checked.iter().filter(|c| c.program.is_some()).collect();
    let use_postcard = !programs.is_empty() && programs.iter().all(|c| postcard_works(c));
    if use_postcard {
        println!("cargo:rustc-cfg=irqlab_postcard");
    }
    let mut code = String::from("pub fn builtin_cards() -> Vec<LessonCard> {\n    vec![\n");
    let mut blobs = String::from("pub const PRECOMPILED: &[(&str, &[u8])] = &[\n");
    let mut stories = String::from("pub fn narrative(id: &str) -> &'static [Md] {\n    match id {\n");
    for (lesson, checked) in lessons.iter().zip(&checked) {
        let strings = |v: &[String]| v.iter().map(|s| format!("{s:?}.into()")).collect::<Vec<_>>().join(", ");
        let _ = writeln!(
            code,
            "        LessonCard {{ id: {:?}.into(), title: {:?}.into(), summary: {:?}.into(), covers: vec![{}], \
             scenario: {:?}.into(), solution: {:?}.into(), hints: vec![{}], break_it: {:?}.into(), fix_it: {:?}.into(), \
             firmware_bin: {:?}.into(), boards: vec![{}] }},",
            lesson.id,
            lesson.title,
            lesson.summary,
            strings(&lesson.covers),
            lesson.scenario,
            lesson.solution,
            strings(&lesson.hints),
            lesson.challenge.break_it.clone().unwrap_or_default(),
            lesson.challenge.fix_it.clone().unwrap_or_default(),
            lesson.firmware.bin,
            strings(&lesson.firmware.boards),
        );
        let bytes = if use_postcard {
            postcard::to_allocvec(checked).expect("probed above")
        } else {
            serde_json::to_vec(checked).expect("a Checked always serializes")
        };
        let path = out_dir.join(format!("{}-scenario.bin", lesson.id));
        std::fs::write(&path, bytes).expect("OUT_DIR is writable");
        let _ = writeln!(blobs, "    ({:?}, include_bytes!({:?})),", lesson.id, path.display().to_string());
        let tree = markdown_tree::parse(&lesson.readme);
        let _ = writeln!(stories, "        {:?} => {},", lesson.id, markdown_tree::to_code(&tree));
    }
    code.push_str("    ]\n}\n");
    blobs.push_str("];\n");
    stories.push_str("        _ => &[],\n    }\n}\n");
    format!("{code}\n{blobs}\n{stories}")
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo::rustc-check-cfg=cfg(irqlab_postcard)");
    println!("cargo:rerun-if-changed={}", manifest.join("../lessons").display());
    println!("cargo:rerun-if-changed=src/compiled.rs");
    println!("cargo:rerun-if-changed=src/markdown_tree.rs");
    let firmware = manifest.join("../firmware");
    println!("cargo:rerun-if-changed={}", firmware.display());
    let mut found = Vec::new();
    firmware_bins(&firmware, &mut found, 0);
    let mut code =
        String::from("/// `(bin name, source)` of every firmware bin.\npub const BINS: &[(&str, &str)] = &[\n");
    for (name, path) in &found {
        println!("cargo:rerun-if-changed={}", path.display());
        let path = path.canonicalize().unwrap_or_else(|_| path.clone());
        let _ = writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");
    std::fs::write(out_dir.join("firmware_bins.rs"), code).expect("OUT_DIR is writable");
    std::fs::write(out_dir.join("lessons.rs"), lessons(&out_dir)).expect("OUT_DIR is writable");
}
