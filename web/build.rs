//! Embeds the companion firmware's bin sources (firmware/src/bin/*.rs, or
//! firmware/**/src/bin/*.rs in a workspace of board crates), so the firmware
//! tab shows the very code that is flashed. A missing firmware/ embeds none.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn bins(dir: &Path, out: &mut Vec<(String, PathBuf)>, depth: u32) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name == "target" || name.starts_with('.') || depth > 5 {
                continue;
            }
            bins(&path, out, depth + 1);
        } else if dir.ends_with("src/bin") && name.ends_with(".rs") {
            out.push((name.trim_end_matches(".rs").to_string(), path));
        } else if name == "main.rs" && dir.parent().is_some_and(|p| p.ends_with("src/bin")) {
            let bin = dir.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
            out.push((bin, path));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let firmware = manifest.join("../firmware");
    println!("cargo:rerun-if-changed={}", firmware.display());
    let mut found = Vec::new();
    bins(&firmware, &mut found, 0);
    let mut code =
        String::from("/// `(bin name, source)` of every firmware bin.\npub const BINS: &[(&str, &str)] = &[\n");
    for (name, path) in &found {
        println!("cargo:rerun-if-changed={}", path.display());
        let path = path.canonicalize().unwrap_or_else(|_| path.clone());
        let _ = writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("firmware_bins.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
