//! Trunk's post-build hook (web/Trunk.toml) runs this. It puts the lesson
//! data file next to the page's wasm, under its content-hashed name, then
//! writes the service worker `sw.js` (web/sw.js with its `BUILD` filled in:
//! for a release build the build's version and files, which it caches for
//! offline use; for a debug build null, a worker that caches nothing), all
//! into `$TRUNK_STAGING_DIR` (or the folder given as the first argument).
//! Usage: lesson_data [DIR]

use std::path::Path;

use irqlab_web::catalog::{BUILT, DATA_FILE};

/// The service worker's source, with `const BUILD = null;` to fill in.
const SW: &str = include_str!("../sw.js");
const SW_BUILD: &str = "const BUILD = null;";

fn main() {
    let dir = std::env::args().nth(1).or_else(|| std::env::var("TRUNK_STAGING_DIR").ok());
    let Some(dir) = dir else {
        eprintln!("lesson_data: give the output folder, or run it as trunk's hook (TRUNK_STAGING_DIR)");
        std::process::exit(2);
    };
    let dir = Path::new(&dir);
    let path = dir.join(DATA_FILE);
    if let Err(e) = std::fs::write(&path, BUILT) {
        eprintln!("lesson_data: cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
    println!("lesson data: {} ({} bytes)", path.display(), BUILT.len());
    let release = std::env::var("TRUNK_PROFILE").is_ok_and(|p| p == "release");
    if let Err(e) = service_worker(dir, release) {
        eprintln!("lesson_data: cannot write the service worker: {e}");
        std::process::exit(1);
    }
}

/// Writes `dir/sw.js`: for a release build, the worker that caches the
/// build's files (every file of `dir`, and `./` for the page itself) under a
/// version that is a hash of their names and bytes.
fn service_worker(dir: &Path, release: bool) -> std::io::Result<()> {
    let build = if release {
        let mut files: Vec<String> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| name != "sw.js" && !name.starts_with('.'))
            .collect();
        files.sort();
        // FNV-1a, 64 bits: stable across runs and Rust versions.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for name in &files {
            for byte in name.bytes().chain([0]).chain(std::fs::read(dir.join(name))?) {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        let list: Vec<String> = std::iter::once("./".to_string()).chain(files).map(|f| format!("{f:?}")).collect();
        format!("const BUILD = {{ version: \"{hash:016x}\", files: [{}] }};", list.join(", "))
    } else {
        SW_BUILD.to_string()
    };
    assert!(SW.contains(SW_BUILD), "web/sw.js declares `{SW_BUILD}`");
    std::fs::write(dir.join("sw.js"), SW.replacen(SW_BUILD, &build, 1))?;
    println!(
        "service worker: {} ({})",
        dir.join("sw.js").display(),
        if release { &build[..48] } else { "debug build: caches nothing" }
    );
    Ok(())
}
