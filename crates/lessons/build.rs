//! Embeds every lesson of `lessons/` into the crate (`include_str!`), so the
//! web app, built for wasm32, needs no file system.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const FILES: [(&str, &str); 4] =
    [("toml", "lesson.toml"), ("readme", "README.md"), ("scenario", "scenario.rs"), ("solution", "solution.rs")];

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let lessons = manifest_dir.join("../../lessons");
    println!("cargo:rerun-if-changed={}", lessons.display());
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&lessons)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.join("lesson.toml").is_file()).collect())
        .unwrap_or_default();
    dirs.sort();
    let mut out =
        String::from("/// Every lesson directory's files, as text.\npub static EMBEDDED: &[EmbeddedLesson] = &[\n");
    for dir in &dirs {
        let id = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        println!("cargo:rerun-if-changed={}", dir.display());
        let _ = write!(out, "    EmbeddedLesson {{ id: {id:?}");
        for (field, file) in FILES {
            let path = dir.join(file);
            println!("cargo:rerun-if-changed={}", path.display());
            let _ = write!(out, ", {field}: {}", include(&path));
        }
        let wrong_dir = dir.join("wrong");
        println!("cargo:rerun-if-changed={}", wrong_dir.display());
        let mut wrong: Vec<PathBuf> = std::fs::read_dir(&wrong_dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                    .collect()
            })
            .unwrap_or_default();
        wrong.sort();
        out.push_str(", wrong: &[");
        for path in &wrong {
            println!("cargo:rerun-if-changed={}", path.display());
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
            let _ =
                write!(out, "({:?}, include_str!({:?})), ", format!("wrong/{name}"), canonical.display().to_string());
        }
        out.push_str("] },\n");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// `Some(include_str!(..))` for a file that exists, `None` otherwise (the
/// loader reports the missing file).
fn include(path: &Path) -> String {
    if path.is_file() {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        format!("Some(include_str!({:?}))", canonical.display().to_string())
    } else {
        "None".to_string()
    }
}
