//! The built-in lessons, as the page shows them, and checking a lesson's code.
//! The only module that talks to crates/lessons and crates/lang.

use std::cell::OnceCell;
use std::rc::Rc;

use irqlab_lessons::Lesson;
use irqlab_sim::Program;

/// A lesson as the page needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonCard {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub covers: Vec<String>,
    /// The narrative, in markdown.
    pub readme: String,
    pub scenario: String,
    pub solution: String,
    pub hints: Vec<String>,
    pub break_it: String,
    pub fix_it: String,
    pub firmware_bin: String,
    pub boards: Vec<String>,
}

/// One diagnostic of the front end, placed in the code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub error: bool,
    pub code: Option<String>,
    pub message: String,
    pub line: u32,
    pub col_start: u32,
    pub col_end: u32,
    /// The rustc-style text: code, message, source line, caret, help.
    pub rendered: String,
}

/// What checking a piece of code gave.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    pub program: Option<Rc<Program>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The file name diagnostics and spans use for the edited code.
pub const SCENARIO_FILE: &str = "scenario.rs";

thread_local! {
    /// Loading checks every lesson's code: do it once per page.
    static BUILTIN: OnceCell<Rc<Vec<Lesson>>> = const { OnceCell::new() };
}

fn builtin() -> Rc<Vec<Lesson>> {
    BUILTIN.with(|cell| cell.get_or_init(|| Rc::new(irqlab_lessons::builtin())).clone())
}

pub fn lessons() -> Vec<LessonCard> {
    builtin()
        .iter()
        .map(|l| LessonCard {
            id: l.id.clone(),
            title: l.title.clone(),
            summary: l.summary.clone(),
            covers: l.covers.clone(),
            readme: l.readme.clone(),
            scenario: l.scenario.clone(),
            solution: l.solution.clone(),
            hints: l.hints.clone(),
            break_it: l.challenge.break_it.clone().unwrap_or_default(),
            fix_it: l.challenge.fix_it.clone().unwrap_or_default(),
            firmware_bin: l.firmware.bin.clone(),
            boards: l.firmware.boards.clone(),
        })
        .collect()
}

/// Compiles `code` as the scenario of the lesson `id`.
pub fn check(id: &str, code: &str) -> Checked {
    let lessons = builtin();
    let Some(lesson) = lessons.iter().find(|l| l.id == id) else {
        return Checked::default();
    };
    let compiled = lesson.compile(code, SCENARIO_FILE);
    let diagnostics = compiled
        .diagnostics
        .iter()
        .map(|d| Diagnostic {
            error: d.is_error(),
            code: d.code.clone(),
            message: d.message.clone(),
            line: d.span.line,
            col_start: d.span.col_start,
            col_end: d.span.col_end,
            rendered: d.render(code),
        })
        .collect();
    Checked { program: compiled.program.map(Rc::new), diagnostics }
}
