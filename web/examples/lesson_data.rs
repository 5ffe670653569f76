//! Puts the lesson data file next to the page's wasm: trunk's post-build
//! hook (web/Trunk.toml) runs this, and it writes the build's file under its
//! content-hashed name into `$TRUNK_STAGING_DIR` (or the folder given as
//! the first argument). Usage: lesson_data [DIR]

use irqlab_web::catalog::{BUILT, DATA_FILE};

fn main() {
    let dir = std::env::args().nth(1).or_else(|| std::env::var("TRUNK_STAGING_DIR").ok());
    let Some(dir) = dir else {
        eprintln!("lesson_data: give the output folder, or run it as trunk's hook (TRUNK_STAGING_DIR)");
        std::process::exit(2);
    };
    let path = std::path::Path::new(&dir).join(DATA_FILE);
    if let Err(e) = std::fs::write(&path, BUILT) {
        eprintln!("lesson_data: cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
    println!("lesson data: {} ({} bytes)", path.display(), BUILT.len());
}
