//! The built-in lessons as the page shows them, prepared at build time
//! (build.rs): cards, narratives and the compiled scenario and solution.

use std::rc::Rc;

use irqlab_sim::Program;

pub use crate::compiled::{Checked, Diagnostic, SCENARIO_FILE};
use crate::markdown::Md;

/// A lesson as the page needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonCard {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub covers: Vec<String>,
    pub scenario: String,
    pub solution: String,
    pub hints: Vec<String>,
    pub break_it: String,
    pub fix_it: String,
    pub firmware_bin: String,
    pub boards: Vec<String>,
}

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

pub fn lessons() -> Vec<LessonCard> {
    builtin_cards()
}

/// A checked piece of code, with the program shared.
#[derive(Clone, Debug, Default)]
pub struct CheckedCode {
    pub program: Option<Rc<Program>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl From<Checked> for CheckedCode {
    fn from(c: Checked) -> CheckedCode {
        CheckedCode { program: c.program.map(Rc::new), diagnostics: c.diagnostics }
    }
}

/// The build's compilation of a lesson's own scenario, when `code` is
/// exactly that; `None` means the compiler worker must check it.
pub fn precompiled(card: &LessonCard, code: &str) -> Option<CheckedCode> {
    if code != card.scenario {
        return None;
    }
    let (_, bytes) = PRECOMPILED.iter().find(|(id, _)| *id == card.id)?;
    crate::codec::decode::<Checked>(bytes).ok().map(CheckedCode::from)
}
