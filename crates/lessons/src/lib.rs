//! irqlab-lessons: the lesson format. A lesson is a directory of plain files
//! (lessons/README.md describes them): `lesson.toml`, `README.md`,
//! `scenario.rs` and `solution.rs`. Loading checks all of them, the code
//! included (both files must compile), and reports every problem with its
//! file and line. The lessons in `lessons/` are embedded at build time, so
//! the web app gets them with no file system.

mod manifest;
pub mod permalink;
mod rules;

use std::path::Path;

use irqlab_lang::{Compiled, Diagnostic, Setup};
use serde::Serialize;

pub use manifest::{
    BUILTIN_PROPERTIES, CallEntry, Challenge, ContextEntry, Expect, Firmware, Manifest, PropertyEntry, RuleEntry,
    RuleKind, SourceEntry, TOPICS, WrongEntry, WrongExpect,
};
pub use rules::{RuleFailure, WrongFix, judge_wrong};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The files of one lesson directory, as embedded by build.rs.
#[derive(Debug)]
pub struct EmbeddedLesson {
    pub id: &'static str,
    pub toml: Option<&'static str>,
    pub readme: Option<&'static str>,
    pub scenario: Option<&'static str>,
    pub solution: Option<&'static str>,
    /// `wrong/*.rs`: (path relative to the lesson, text).
    pub wrong: &'static [(&'static str, &'static str)],
}

#[derive(Clone, Debug, Serialize)]
pub struct Lesson {
    /// The directory name, such as `04-lost-update`.
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Curriculum topics (`T4`...).
    pub covers: Vec<String>,
    /// The narrative, in Markdown.
    pub readme: String,
    pub scenario: String,
    pub solution: String,
    pub hints: Vec<String>,
    /// The wrong fixes of `wrong/`, each with how it must fail.
    pub wrong: Vec<WrongFix>,
    pub challenge: Challenge,
    pub firmware: Firmware,
    pub manifest: Manifest,
    /// The text of lesson.toml, for showing diagnostics that point into it.
    pub toml: String,
    /// What the front end needs besides the code.
    pub setup: Setup,
}

/// One problem with a lesson, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LessonError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// The rustc-style rendering, for problems in the code.
    pub rendered: Option<String>,
}

impl LessonError {
    pub fn new(file: &str, line: u32, column: u32, message: String) -> LessonError {
        LessonError { file: file.to_string(), line, column, message, rendered: None }
    }

    fn from_diagnostic(d: &Diagnostic, rendered: Option<String>) -> LessonError {
        LessonError {
            file: d.span.file.clone(),
            line: d.span.line,
            column: d.span.col_start,
            message: d.message.clone(),
            rendered,
        }
    }
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

impl Lesson {
    /// Compiles code for this lesson (the scenario, the solution, or the
    /// learner's edit of either).
    pub fn compile(&self, code: &str, file_name: &str) -> Compiled {
        irqlab_lang::compile(&self.setup, code, file_name)
    }

    /// The text a diagnostic's span points into: lesson.toml, or `code`.
    pub fn source_of<'a>(&'a self, d: &Diagnostic, code: &'a str) -> &'a str {
        if d.span.file == manifest::FILE { &self.toml } else { code }
    }

    /// The narrative before the solution: README.md up to its
    /// `## Why the fix works` section (all of it when it has none). Show
    /// the rest only once the learner's code is proven, or on request.
    pub fn story(&self) -> &str {
        self.readme.split_once(WHY_THE_FIX_WORKS).map_or(self.readme.as_str(), |(story, _)| story)
    }

    /// README.md's `## Why the fix works` section and what follows it: the
    /// spoiler.
    pub fn why_the_fix_works(&self) -> Option<&str> {
        self.readme.find(WHY_THE_FIX_WORKS).map(|at| &self.readme[at..])
    }

    /// The id without its number: `lost-update` for `04-lost-update`.
    pub fn slug(&self) -> &str {
        slug(&self.id)
    }

    /// Reads a lesson from the text of its files (`None`: the file is missing).
    pub fn from_files(
        id: &str,
        toml: Option<&str>,
        readme: Option<&str>,
        scenario: Option<&str>,
        solution: Option<&str>,
        wrong: &[(&str, &str)],
    ) -> Result<Lesson, Vec<LessonError>> {
        let mut errors = Vec::new();
        let mut require = |name: &str, text: Option<&str>| -> String {
            match text {
                Some(t) => t.to_string(),
                None => {
                    errors.push(LessonError::new(name, 1, 1, format!("the lesson has no {name}")));
                    String::new()
                }
            }
        };
        let toml_text = require(manifest::FILE, toml);
        let readme = require("README.md", readme);
        let scenario = require("scenario.rs", scenario);
        let solution = require("solution.rs", solution);
        if !errors.is_empty() {
            return Err(errors);
        }
        if readme.trim().is_empty() {
            errors.push(LessonError::new(
                "README.md",
                1,
                1,
                "README.md is empty: it holds the lesson's narrative".into(),
            ));
        }
        let (manifest, setup, hints) = manifest::read(&toml_text)?;
        let wrong_fixes = rules::wrong_fixes(&manifest, wrong, &mut errors);
        let mut seen = std::collections::HashSet::new();
        let code_files = [("scenario.rs", &scenario), ("solution.rs", &solution)].into_iter();
        for (file, code) in code_files.chain(wrong_fixes.iter().map(|w| (w.file.as_str(), &w.code))) {
            let compiled = irqlab_lang::compile(&setup, code, file);
            let found: Vec<Diagnostic> = compiled.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
            let source =
                |d: &Diagnostic| if d.span.file == manifest::FILE { toml_text.as_str() } else { code.as_str() };
            // The first MAX_RENDERED in full, the rest as one line each.
            let shown = found.len().min(irqlab_lang::MAX_RENDERED);
            let rendered = irqlab_lang::render_all(&found[..shown], source, true).into_iter().map(Some);
            for (d, rendered) in found.iter().zip(rendered.chain(std::iter::repeat(None))) {
                // A problem in lesson.toml shows up when compiling either file: report it once.
                if seen.insert((d.span.file.clone(), d.span.line, d.span.col_start)) {
                    errors.push(LessonError::from_diagnostic(d, rendered));
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Lesson {
            id: id.to_string(),
            title: manifest.title.clone(),
            summary: manifest.summary.clone(),
            covers: manifest.covers.clone(),
            readme,
            scenario,
            solution,
            hints,
            wrong: wrong_fixes,
            challenge: manifest.challenge.clone(),
            firmware: manifest.firmware.clone(),
            manifest,
            toml: toml_text,
            setup,
        })
    }
}

/// The heading that starts a README's spoiler.
pub const WHY_THE_FIX_WORKS: &str = "\n## Why the fix works";

/// `lost-update` for `04-lost-update`.
pub fn slug(id: &str) -> &str {
    match id.split_once('-') {
        Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) => rest,
        _ => id,
    }
}

/// The lesson ids of the first numbering (permalinks of version 1, and
/// progress saved by pages of that time), frozen. The lessons were put in
/// a newcomer's order since; a lesson's slug (its id without the number)
/// names it across numberings, and `lessons/PERMALINKS.md` keeps the map.
pub const V1_IDS: [&str; 23] = [
    "01-superloop",
    "02-lost-update",
    "03-edge-counter",
    "04-handler-preempts-main",
    "05-flag-and-data",
    "06-struct-critical-section",
    "07-shared-peripheral",
    "08-ring-buffer",
    "09-init-order",
    "10-long-handler",
    "11-retrigger",
    "12-merged-pending",
    "13-deadlock",
    "14-priorities",
    "15-basepri-ceiling",
    "16-cortex-m0-atomics",
    "17-torn-u64",
    "18-dual-core",
    "19-immutable-static",
    "20-static-mut-refs",
    "21-lost-wakeup",
    "22-priority-ceilings",
    "23-heapless-queue",
];

/// The slug a lesson name of a given permalink version stands for: version
/// 1 named lessons by their numbered id of the time (`V1_IDS`), later
/// versions by slug. `None` for a name that version never had.
pub fn slug_of_link(version: u32, name: &str) -> Option<&str> {
    match version {
        1 => V1_IDS.iter().find(|id| **id == name).map(|id| slug(id)),
        _ => Some(name),
    }
}

/// The lessons of `lessons/`, embedded at build time, sorted by id. A
/// lesson that does not load is left out (a test proves none is).
pub fn builtin() -> Vec<Lesson> {
    builtin_results().into_iter().filter_map(Result::ok).collect()
}

/// Every embedded lesson, loaded or with its problems.
pub fn builtin_results() -> Vec<Result<Lesson, (String, Vec<LessonError>)>> {
    let mut out: Vec<_> = EMBEDDED
        .iter()
        .map(|e| {
            Lesson::from_files(e.id, e.toml, e.readme, e.scenario, e.solution, e.wrong)
                .map_err(|errs| (e.id.to_string(), errs))
        })
        .collect();
    out.sort_by(|a, b| id_of(a).cmp(id_of(b)));
    out
}

fn id_of(r: &Result<Lesson, (String, Vec<LessonError>)>) -> &str {
    match r {
        Ok(l) => &l.id,
        Err((id, _)) => id,
    }
}

/// Loads a lesson directory from disk (for authors and the CLI).
pub fn load_dir(path: &Path) -> Result<Lesson, Vec<LessonError>> {
    let dir = path.display().to_string();
    if !path.is_dir() {
        return Err(vec![LessonError::new(&dir, 1, 1, format!("`{dir}` is not a directory"))]);
    }
    let mut errors = Vec::new();
    let mut read = |name: &str| match read_text(&path.join(name), name) {
        Ok(text) => text,
        Err(e) => {
            errors.push(e);
            Some(String::new())
        }
    };
    let files = [read("lesson.toml"), read("README.md"), read("scenario.rs"), read("solution.rs")];
    let [toml, readme, scenario, solution] = files;
    let mut wrong_paths: Vec<_> = std::fs::read_dir(path.join("wrong"))
        .map(|rd| {
            rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "rs")).collect()
        })
        .unwrap_or_default();
    wrong_paths.sort();
    let mut wrong = Vec::new();
    for p in &wrong_paths {
        let name = format!("wrong/{}", p.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
        let text = read(&name).unwrap_or_default();
        wrong.push((name, text));
    }
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let id = path
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dir.clone());
    let loaded = if errors.is_empty() {
        Lesson::from_files(&id, toml.as_deref(), readme.as_deref(), scenario.as_deref(), solution.as_deref(), &wrong)
    } else {
        Err(errors)
    };
    loaded.map_err(|errs| {
        errs.into_iter()
            .map(|mut e| {
                e.file = path.join(&e.file).display().to_string();
                e
            })
            .collect()
    })
}

/// The largest lesson file irqlab reads (a lesson's files are a few KB, and
/// a megabyte-long line must still get rustc's shortened message; a bigger
/// file is refused before it is read, with its size).
pub const MAX_FILE_BYTES: u64 = 8 << 20;

/// The text of the file at `path`, `None` when there is none; `name` is the
/// file's name in messages. A file that is not UTF-8 is an error at the
/// first byte that is not (rustc reads only UTF-8 source, and so does TOML).
/// A file over `MAX_FILE_BYTES` is an error too.
pub fn read_text(path: &Path, name: &str) -> Result<Option<String>, LessonError> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() > MAX_FILE_BYTES => {
            let message =
                format!("{name} is {} bytes; irqlab reads lesson files up to {MAX_FILE_BYTES} bytes (8 MiB)", m.len());
            return Err(LessonError::new(name, 1, 1, message));
        }
        _ => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(LessonError::new(name, 1, 1, format!("cannot read {name}: {e}"))),
    };
    String::from_utf8(bytes).map(Some).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        // Everything before `at` is UTF-8.
        let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
        let message = format!("the file is not UTF-8 text: byte {at} is 0x{:02x}, which is not UTF-8 here", bytes[at]);
        LessonError::new(name, line as u32, column as u32, message)
    })
}
