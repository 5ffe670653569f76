//! Which lesson and which code a command means: a built-in lesson by id or
//! slug (`04-lost-update`, `lost-update`), or a lesson directory on disk.

use std::path::{Path, PathBuf};

use irqlab_lang::Compiled;
use irqlab_lessons::Lesson;
use irqlab_sim::Program;

use crate::InputError;

/// A lesson, and the directory it was loaded from (none for a built-in).
pub struct Found {
    pub lesson: Lesson,
    pub dir: Option<PathBuf>,
}

pub fn find(arg: &str) -> Result<Found, InputError> {
    let path = Path::new(arg);
    if path.is_dir() {
        return irqlab_lessons::load_dir(path).map(|lesson| Found { lesson, dir: Some(path.to_path_buf()) }).map_err(
            |errors| {
                let mut message = format!("error: the lesson in `{arg}` does not load:\n");
                for e in errors {
                    match &e.rendered {
                        Some(r) => message.push_str(&format!("{e}\n{r}")),
                        None => message.push_str(&format!("{e}\n")),
                    }
                }
                InputError(message)
            },
        );
    }
    let lessons = irqlab_lessons::builtin();
    let wanted = arg.trim_end_matches('/').rsplit('/').next().unwrap_or(arg);
    if let Some(lesson) = lessons.iter().find(|l| l.id == wanted || l.slug() == wanted) {
        return Ok(Found { lesson: lesson.clone(), dir: None });
    }
    let ids: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
    Err(InputError(format!("error: no lesson `{arg}`: give a lesson directory or one of: {}", ids.join(", "))))
}

/// The code to run: `--file` (a path, or `scenario.rs`/`solution.rs`/
/// `wrong/NAME.rs` of the lesson), else the lesson's scenario. Returns (text, name for messages).
pub fn code(found: &Found, file: Option<&str>) -> Result<(String, String), InputError> {
    let Some(file) = file else {
        let name = display_name(found, "scenario.rs");
        return Ok((found.lesson.scenario.clone(), name));
    };
    let path = Path::new(file);
    let read = |path: &Path| {
        let name = path.display().to_string();
        match irqlab_lessons::read_text(path, &name) {
            Ok(text) => Ok((text.unwrap_or_default(), name)),
            Err(e) => Err(InputError(format!("error: {e}"))),
        }
    };
    if path.is_file() {
        return read(path);
    }
    if let Some(dir) = &found.dir
        && dir.join(path).is_file()
    {
        return read(&dir.join(path));
    }
    match file {
        "scenario.rs" => Ok((found.lesson.scenario.clone(), display_name(found, file))),
        "solution.rs" => Ok((found.lesson.solution.clone(), display_name(found, file))),
        _ => match found.lesson.wrong.iter().find(|w| w.file == file) {
            Some(w) => Ok((w.code.clone(), display_name(found, file))),
            None => Err(InputError(format!(
                "error: no file `{file}` (give a path, or scenario.rs / solution.rs / wrong/NAME.rs of the lesson)"
            ))),
        },
    }
}

fn display_name(found: &Found, file: &str) -> String {
    match &found.dir {
        Some(dir) => dir.join(file).display().to_string(),
        None => format!("lessons/{}/{file}", found.lesson.id),
    }
}

/// Compiles the code, or reports every diagnostic as bad input.
/// Leaves out the properties lesson.toml marks `sim_only` (the firmware's
/// wiring skips them: they read event counters only the simulator keeps).
pub fn keep_board_properties(found: &Found, program: &mut Program) {
    let sim_only: Vec<&str> =
        found.lesson.manifest.properties.iter().filter(|p| p.sim_only).map(|p| p.name.as_str()).collect();
    program.properties.retain(|p| !sim_only.contains(&p.name.as_str()));
}

pub fn compile(found: &Found, code: &str, name: &str) -> Result<(Program, Compiled), InputError> {
    let compiled = found.lesson.compile(code, name);
    match &compiled.program {
        Some(p) => Ok((p.clone(), compiled)),
        None => {
            let mut message =
                irqlab_lang::rendered_or_counted(&compiled.diagnostics, |d| found.lesson.source_of(d, code));
            let errors = compiled.errors().count();
            message.push_str(&format!(
                "error: {name} does not compile for irqlab ({errors} error{})",
                if errors == 1 { "" } else { "s" }
            ));
            Err(InputError(message))
        }
    }
}
