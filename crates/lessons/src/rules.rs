//! Challenge rules and wrong fixes: `[[forbid]]`/`[[require]]` checked over
//! the constructs the front end finds in the code (`irqlab_lang::constructs`),
//! and `[[wrong]]` entries with the `wrong/*.rs` files they name.

use irqlab_lang::constructs;
use irqlab_sim::Span;
use serde::Serialize;

use crate::manifest::{self, Manifest, RuleKind, WrongExpect};
use crate::{Lesson, LessonError};

/// A plausible wrong fix: its code, and how it must fail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WrongFix {
    /// `wrong/NAME.rs`.
    pub file: String,
    pub code: String,
    pub expect: WrongExpect,
    /// The property or rule it must break.
    pub because: String,
}

/// A rule the code breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleFailure {
    pub rule: String,
    pub kind: RuleKind,
    pub message: String,
    /// Where the forbidden construct is; `None` for a required construct
    /// that is missing.
    pub span: Option<Span>,
}

impl std::fmt::Display for RuleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.span {
            Some(s) => write!(f, "{}:{}:{}: rule `{}`: {}", s.file, s.line, s.col_start, self.rule, self.message),
            None => write!(f, "rule `{}`: {}", self.rule, self.message),
        }
    }
}

/// The `[[wrong]]` entries with their files' text; a missing file, or a
/// file of `wrong/` that no entry names, is an error.
pub(crate) fn wrong_fixes(m: &Manifest, files: &[(&str, &str)], errors: &mut Vec<LessonError>) -> Vec<WrongFix> {
    let mut out = Vec::new();
    for w in &m.wrong {
        match files.iter().find(|(name, _)| *name == w.file) {
            Some((_, code)) => out.push(WrongFix {
                file: w.file.clone(),
                code: code.to_string(),
                expect: w.expect,
                because: w.because.clone(),
            }),
            None => errors.push(LessonError::new(
                manifest::FILE,
                w.at.0,
                w.at.1,
                format!("[[wrong]] names `{}`, which the lesson does not have", w.file),
            )),
        }
    }
    for (name, _) in files {
        if !m.wrong.iter().any(|w| w.file == *name) {
            errors.push(LessonError::new(
                name,
                1,
                1,
                format!("`{name}` has no [[wrong]] entry in lesson.toml saying how it must fail"),
            ));
        }
    }
    out
}

impl Lesson {
    /// The challenge rules `code` (the text of `file_name`) breaks: every
    /// place of a forbidden construct, every required construct missing.
    pub fn check_rules(&self, code: &str, file_name: &str) -> Vec<RuleFailure> {
        if self.manifest.rules.is_empty() {
            return Vec::new();
        }
        let found = constructs::find(code, file_name);
        let mut out = Vec::new();
        for rule in &self.manifest.rules {
            let hits = found.iter().filter(|f| {
                rule.construct.matches(&f.construct)
                    && rule.within.as_ref().is_none_or(|w| f.function.as_deref() == Some(w.as_str()))
                    && (!rule.first || f.in_first_statement)
            });
            let failure =
                |span| RuleFailure { rule: rule.name.clone(), kind: rule.kind, message: rule.message.clone(), span };
            match rule.kind {
                RuleKind::Forbid => out.extend(hits.map(|f| failure(Some(f.span.clone())))),
                RuleKind::Require => {
                    if hits.count() == 0 {
                        out.push(failure(None));
                    }
                }
            }
        }
        out
    }
}

/// Whether a wrong fix failed as its entry says, given the properties the
/// explorer found violated and the rules broken: `Ok` with how it failed,
/// `Err` with the problem (it was proven, or it failed for another reason).
pub fn judge_wrong(w: &WrongFix, violated: &[&str], broken: &[RuleFailure]) -> Result<String, String> {
    let expected = match w.expect {
        WrongExpect::Violated => violated.contains(&w.because.as_str()),
        WrongExpect::Rule => broken.iter().any(|r| r.rule == w.because),
    };
    let mut found: Vec<String> = violated.iter().map(|p| format!("violates \"{p}\"")).collect();
    let mut rules: Vec<&str> = broken.iter().map(|r| r.rule.as_str()).collect();
    rules.dedup();
    found.extend(rules.iter().map(|r| format!("breaks rule `{r}`")));
    let wanted = match w.expect {
        WrongExpect::Violated => format!("violates \"{}\"", w.because),
        WrongExpect::Rule => format!("breaks rule `{}`", w.because),
    };
    if expected {
        Ok(found.join(", "))
    } else if found.is_empty() {
        Err(format!("{}: the wrong fix is proven (it should fail: {wanted})", w.file))
    } else {
        Err(format!("{}: expected it {wanted}, but it {}", w.file, found.join(", ")))
    }
}
