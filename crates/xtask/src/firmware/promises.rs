//! The boards each lesson.toml promises (`[firmware] boards`) against the
//! builds: a lesson builds for every board it lists, and lists the Pico
//! whenever its bin builds for thumbv6m and runs there (a two-core lesson
//! runs on the Pico's two cores; a one-core lesson on core 0).

use std::path::Path;

use super::build::Built;
use super::check::Verdict;

/// What one lesson.toml says about its firmware, read line by line (xtask
/// stays std-only; build.rs reads the same keys with a TOML parser).
#[derive(Debug, Default, PartialEq, Eq)]
struct Promise {
    bin: String,
    boards: Vec<String>,
}

fn read(toml: &str) -> Promise {
    let mut promise = Promise::default();
    let mut section = String::new();
    for line in toml.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.to_string();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let strings = || value.split('"').skip(1).step_by(2).map(str::to_string);
        match (section.as_str(), key.trim()) {
            ("[firmware]", "bin") => promise.bin = strings().next().unwrap_or_default(),
            ("[firmware]", "boards") => promise.boards = strings().collect(),
            _ => {}
        }
    }
    promise
}

fn judge(promise: &Promise, built_for: &dyn Fn(&str) -> bool) -> Result<String, String> {
    if let Some(missing) = promise.boards.iter().find(|b| !built_for(b)) {
        return Err(format!("lists {missing}, but its bin {} is not built for it", promise.bin));
    }
    if built_for("pico") && !promise.boards.iter().any(|b| b == "pico") {
        return Err(format!(
            "its bin {} builds for the Pico (thumbv6m) but boards does not list \"pico\"",
            promise.bin
        ));
    }
    Ok(format!("builds for every board it lists: {}", promise.boards.join(", ")))
}

/// One verdict per lesson with a firmware bin.
pub fn check(builds: &[Built], lessons: &Path) -> Result<Vec<Verdict>, String> {
    let mut dirs: Vec<_> = std::fs::read_dir(lessons)
        .map_err(|e| format!("{}: {e}", lessons.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("lesson.toml").is_file())
        .collect();
    dirs.sort();
    let mut verdicts = Vec::new();
    for dir in dirs {
        let path = dir.join("lesson.toml");
        let promise = read(&std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?);
        if promise.bin.is_empty() {
            continue;
        }
        let result = judge(&promise, &|board| builds.iter().any(|b| b.bin == promise.bin && b.board.feature == board));
        let name = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        verdicts.push(Verdict::of(format!("lessons/{name}/lesson.toml boards"), result));
    }
    Ok(verdicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bin_and_boards_of_the_firmware_section() {
        let toml = "title = \"x\"\nbin = \"not this\"\n[firmware]\nbin = \"superloop\"\nboards = [\"microbit-v2\", \
                    \"pico\"]\n[[property]]\nname = \"n\"\n";
        let promise = read(toml);
        assert_eq!(promise.bin, "superloop");
        assert_eq!(promise.boards, ["microbit-v2", "pico"]);
    }

    #[test]
    fn a_lesson_lists_the_pico_when_it_builds_there_and_builds_where_it_lists() {
        let promise = |boards: &[&str]| Promise {
            bin: "superloop".to_string(),
            boards: boards.iter().map(|b| b.to_string()).collect(),
        };
        let everywhere = |_: &str| true;
        let not_on_pico = |board: &str| board != "pico";
        assert!(judge(&promise(&["microbit-v2", "pico"]), &everywhere).is_ok());
        assert!(judge(&promise(&["microbit-v2"]), &everywhere).unwrap_err().contains("does not list \"pico\""));
        assert!(judge(&promise(&["microbit-v2"]), &not_on_pico).is_ok());
        assert!(judge(&promise(&["pico"]), &not_on_pico).unwrap_err().contains("not built for it"));
    }
}
