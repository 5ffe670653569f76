//! `fuzz-seed DIR`: writes the lessons' seed inputs (`irqlab_fuzz_targets::seeds`)
//! into DIR/<target>/ (`cargo xtask fuzz` runs it on fuzz/corpus).

fn main() -> std::process::ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: fuzz-seed DIR");
        return std::process::ExitCode::from(2);
    };
    let mut written = 0;
    for (target, name, bytes) in irqlab_fuzz_targets::seeds() {
        let folder = std::path::Path::new(&dir).join(target);
        if let Err(e) = std::fs::create_dir_all(&folder).and_then(|()| std::fs::write(folder.join(&name), &bytes)) {
            eprintln!("fuzz-seed: {}/{name}: {e}", folder.display());
            return std::process::ExitCode::FAILURE;
        }
        written += 1;
    }
    println!("fuzz-seed: {written} seed inputs in {dir}");
    std::process::ExitCode::SUCCESS
}
