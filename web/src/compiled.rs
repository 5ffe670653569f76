//! What checking a lesson's code gives, in a form that crosses boundaries:
//! build.rs precompiles the built-in lessons into it, the compiler worker
//! sends it to the page, both through `codec` (postcard).

use irqlab_sim::Program;
use serde::{Deserialize, Serialize};

/// One diagnostic of the front end, placed in the code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// The program (when the code compiles) and the diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Checked {
    pub program: Option<Program>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A compiler worker's answer: the lesson, the code it checked, the result.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Answer {
    pub lesson: String,
    pub code: String,
    pub checked: Checked,
}

/// The file name diagnostics and spans use for the edited code.
pub const SCENARIO_FILE: &str = "scenario.rs";

/// Checks `code` as the scenario of a lesson with this setup (its
/// lesson.toml's, `Lesson::setup`). Needs the front end: used by build.rs
/// and the compiler worker, never by the page itself.
pub fn check(setup: &irqlab_lang::Setup, code: &str) -> Checked {
    let compiled = irqlab_lang::compile(setup, code, SCENARIO_FILE);
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
    Checked { program: compiled.program, diagnostics }
}
