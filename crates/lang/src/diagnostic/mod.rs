//! Diagnostics, rendered in rustc's own text format so that what the browser
//! shows is what `cargo build` prints for the same code.
//!
//! The layout rules below follow rustc's human emitter (rustc 1.95): a header,
//! ` --> file:line:col`, the annotated lines with a gutter as wide as the
//! largest line number, `^` under the primary span and `-` under secondary
//! ones, `...` between annotated lines more than two apart (the one line in
//! between is shown when they are exactly two apart), then `= note:` and
//! `= help:` lines, then suggestions as `help:` with the changed line.

mod snippet;
mod suggestion;

use irqlab_sim::Span;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

impl Level {
    fn word(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// A further span the message points at (rustc draws it with `-`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpanLabel {
    pub span: Span,
    pub label: Option<String>,
}

/// A `note:` with its own snippet, after the diagnostic's (rustc's
/// `note: function defined here` under E0061): `span` is underlined with `^`,
/// each of `secondary` with `-`, none labelled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Child {
    /// `help:` rather than `note:`.
    pub help: bool,
    pub message: String,
    pub span: Span,
    pub secondary: Vec<Span>,
}

/// A code change rustc would suggest: `replacement` in place of the text
/// under `span` (an empty span inserts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub message: String,
    pub span: Span,
    pub replacement: String,
    /// Where the replaced text ends (line, column) when it reaches past
    /// `span`'s line; `span` then runs to the end of its first line.
    pub ends_at: Option<(u32, u32)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    /// rustc's error code, such as `E0594`; `None` for lints and irqlab's own errors.
    pub code: Option<String>,
    pub message: String,
    pub span: Span,
    /// The text under the primary span's carets.
    pub label: Option<String>,
    /// rustc's `= help:` line.
    pub help: Option<String>,
    /// rustc's `= note:` lines.
    pub notes: Vec<String>,
    /// Other places the message points at.
    pub secondary: Vec<SpanLabel>,
    /// Where the primary span ends (line, column one past its last char)
    /// when it covers several lines; `span` then holds its first line.
    pub ends_at: Option<(u32, u32)>,
    pub suggestion: Option<Suggestion>,
    /// `note:`s with their own snippet, in the diagnostic's file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Child>,
    /// irqlab's own advice for a learner, beyond what rustc prints (for
    /// example "use portable-atomic" under E0599 on thumbv6m). Rendered as
    /// further `= help:` lines; `render_rustc` leaves them out.
    pub advice: Vec<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            level: Level::Error,
            code: None,
            message: message.into(),
            span,
            label: None,
            help: None,
            notes: Vec::new(),
            secondary: Vec::new(),
            ends_at: None,
            suggestion: None,
            children: Vec::new(),
            advice: Vec::new(),
        }
    }

    pub fn warning(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic { level: Level::Warning, ..Diagnostic::error(message, span) }
    }

    pub fn code(mut self, code: &str) -> Self {
        self.code = Some(code.to_string());
        self
    }
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
    pub fn secondary(mut self, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push(SpanLabel { span, label: Some(label.into()) });
        self
    }
    pub fn suggest(mut self, message: impl Into<String>, span: Span, replacement: impl Into<String>) -> Self {
        self.suggestion =
            Some(Suggestion { message: message.into(), span, replacement: replacement.into(), ends_at: None });
        self
    }
    pub fn suggestion_ends_at(mut self, line: u32, col: u32) -> Self {
        if let Some(s) = &mut self.suggestion {
            s.ends_at = Some((line, col));
        }
        self
    }
    pub fn child(mut self, message: impl Into<String>, span: Span, secondary: Vec<Span>) -> Self {
        self.children.push(Child { help: false, message: message.into(), span, secondary });
        self
    }
    pub fn child_help(mut self, message: impl Into<String>, span: Span) -> Self {
        self.children.push(Child { help: true, message: message.into(), span, secondary: Vec::new() });
        self
    }
    pub fn advise(mut self, advice: impl Into<String>) -> Self {
        self.advice.push(advice.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// The diagnostic as rustc prints it, followed by irqlab's advice as
    /// `= help:` lines. `source` is the text of the file the span is in.
    pub fn render(&self, source: &str) -> String {
        self.render_with(&self.lines_of(source), true)
    }

    /// Exactly what rustc prints for this diagnostic (without irqlab's advice).
    pub fn render_rustc(&self, source: &str) -> String {
        self.render_with(&self.lines_of(source), false)
    }

    /// The lines of `source` this diagnostic shows, from `lines_shown().0`.
    fn lines_of<'s>(&self, source: &'s str) -> Vec<&'s str> {
        let (first, last) = self.lines_shown();
        source.lines().skip(first as usize - 1).take((last - first) as usize + 1).collect()
    }

    /// The first and last line of `source` this diagnostic shows.
    fn lines_shown(&self) -> (u32, u32) {
        let mut lines = vec![self.span.line];
        lines.extend(self.ends_at.map(|(line, _)| line));
        lines.extend(self.secondary.iter().filter(|s| s.span.file == self.span.file).map(|s| s.span.line));
        if let Some(s) = &self.suggestion {
            lines.push(s.span.line);
            lines.extend(s.ends_at.map(|(line, _)| line));
        }
        for c in self.children.iter().filter(|c| c.span.file == self.span.file) {
            lines.push(c.span.line);
            lines.extend(c.secondary.iter().map(|s| s.line));
        }
        let first = lines.iter().copied().min().unwrap_or(1).max(1);
        (first, lines.iter().copied().max().unwrap_or(1).max(first))
    }

    /// Renders with `shown`, the lines from `lines_shown().0` on. Only the
    /// lines shown are prepared as rustc shows them: a report of thousands
    /// of diagnostics must not prepare the whole file for each.
    fn render_with<'a>(&'a self, shown: &[&str], with_advice: bool) -> String {
        let (first, _) = self.lines_shown();
        let raw = |line: u32| shown.get((line as usize).wrapping_sub(first as usize)).copied().unwrap_or("");
        let lines: Vec<String> = shown.iter().map(|l| expand_tabs(l)).collect();
        let text = |line: u32| lines.get((line as usize).wrapping_sub(first as usize)).map_or("", String::as_str);
        // Columns count chars; rustc shows a tab as four spaces.
        let column = |line: u32, col: u32| -> u32 {
            let before = raw(line).chars().take(col.saturating_sub(1) as usize);
            1 + before.map(|c| if c == '\t' { 4 } else { 1 }).sum::<u32>()
        };
        let mut out = String::new();
        match &self.code {
            Some(code) => out.push_str(&format!("{}[{code}]: {}\n", self.level.word(), self.message)),
            None => out.push_str(&format!("{}: {}\n", self.level.word(), self.message)),
        }
        let display = |line: u32, col: u32| {
            let len = text(line).chars().count() as u32;
            column(line, col.max(1)).min(len + 1)
        };
        let mark = |span: &Span, label: Option<&'a String>, primary: bool| {
            let start = display(span.line, span.col_start);
            snippet::Mark {
                line: span.line,
                start,
                end: display(span.line, span.col_end).max(start + 1),
                label: label.map(String::as_str),
                primary,
            }
        };
        let block = match self.ends_at {
            Some((last, end)) if last > self.span.line => Some(snippet::Block {
                first: self.span.line,
                start: display(self.span.line, self.span.col_start),
                last,
                end: display(last, end),
                label: self.label.as_deref(),
            }),
            _ => None,
        };
        // Every annotation in this file, primary first.
        let mut marks = Vec::new();
        if block.is_none() {
            marks.push(mark(&self.span, self.label.as_ref(), true));
        }
        for s in self.secondary.iter().filter(|s| s.span.file == self.span.file) {
            marks.push(mark(&s.span, s.label.as_ref(), false));
        }
        marks.sort_by_key(|m| (m.line, m.start));
        let max_line = snippet::last_line(&marks, block.as_ref());
        let children: Vec<&Child> = self.children.iter().filter(|c| c.span.file == self.span.file).collect();
        let child_lines =
            children.iter().flat_map(|c| std::iter::once(c.span.line).chain(c.secondary.iter().map(|s| s.line)));
        let width = max_line
            .max(self.suggestion.as_ref().map_or(0, |s| s.span.line))
            .max(child_lines.max().unwrap_or(0))
            .to_string()
            .len();
        let pad = " ".repeat(width);
        out.push_str(&format!("{pad}--> {}:{}:{}\n", self.span.file, self.span.line, self.span.col_start));
        out.push_str(&format!("{pad} |\n"));
        out.push_str(&snippet::render(&text, &marks, block.as_ref(), width));
        let advice: &[String] = if with_advice { &self.advice } else { &[] };
        let more = !self.notes.is_empty() || self.help.is_some() || !advice.is_empty() || !children.is_empty();
        if more || self.suggestion.is_some() {
            out.push_str(&format!("{pad} |\n"));
        }
        for c in &children {
            let s = &c.span;
            let word = if c.help { "help" } else { "note" };
            out.push_str(&format!("{word}: {}\n{pad}--> {}:{}:{}\n{pad} |\n", c.message, s.file, s.line, s.col_start));
            let mut child_marks = vec![mark(s, None, true)];
            child_marks.extend(c.secondary.iter().map(|s| mark(s, None, false)));
            child_marks.sort_by_key(|m| (m.line, m.start));
            out.push_str(&snippet::render(&text, &child_marks, None, width));
        }
        for note in &self.notes {
            // A note's further lines line up under its first (rustc's
            // "expected tuple ..\n   found tuple ..").
            let note = note.replace('\n', &format!("\n{pad}         "));
            out.push_str(&format!("{pad} = note: {note}\n"));
        }
        for help in self.help.iter().chain(advice) {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
        if let Some(s) = &self.suggestion {
            let original = text(s.span.line);
            let at = |col: u32| (column(s.span.line, col.max(1)) as usize - 1).min(original.chars().count());
            // The rest of the last line a replacement across lines reaches.
            let rest = s.ends_at.filter(|(line, _)| *line > s.span.line).map(|(line, col)| {
                let from = (column(line, col.max(1)) as usize - 1).min(text(line).chars().count());
                text(line).chars().skip(from).collect::<String>()
            });
            let (start, end) = (at(s.span.col_start), at(s.span.col_end));
            out.push_str(&suggestion::render(s, original, start, end, rest.as_deref(), width));
        }
        out.push('\n');
        out
    }
}

/// A line as rustc shows it: a tab as four spaces, a control character as
/// its picture (see `picture_of`). Each other char stays one column.
fn expand_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\t' => out.push_str("    "),
            c => out.push(picture_of(c).unwrap_or(c)),
        }
    }
    out
}

/// What rustc shows for a control character, so that no byte of a source
/// reaches the terminal as a control sequence: U+0000 to U+001F and U+007F
/// as their Unicode pictures (U+0007 as `␇`), text direction controls as
/// `�`; C1 controls (U+0080 to U+009F, which rustc prints raw) as `�` too.
fn picture_of(c: char) -> Option<char> {
    match c {
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32),
        '\x7f' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    }
}

/// `text` (code, or a message quoting it) safe to print on a terminal:
/// lines and tabs kept, every other control character shown as
/// `picture_of` shows it.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let shown = |c: char| if c == '\n' || c == '\t' { None } else { picture_of(c) };
    if !text.contains(|c| shown(c).is_some()) {
        return text.into();
    }
    text.chars().map(|c| shown(c).unwrap_or(c)).collect::<String>().into()
}

/// The most diagnostics a report shows in full: each snippet costs the
/// length of its lines, and a file of one long line can hold hundreds of
/// thousands of errors. The rest are counted (`rendered_or_counted`).
pub const MAX_RENDERED: usize = 500;

/// The first `MAX_RENDERED` of `diagnostics` rendered with `render_all`,
/// then a line counting the ones left out.
pub fn rendered_or_counted<'s>(diagnostics: &[Diagnostic], source_of: impl Fn(&Diagnostic) -> &'s str) -> String {
    let shown = diagnostics.len().min(MAX_RENDERED);
    let mut out = render_all(&diagnostics[..shown], source_of, true).concat();
    if shown < diagnostics.len() {
        let more = diagnostics.len() - shown;
        out.push_str(&format!("note: {more} more diagnostics not shown (irqlab shows the first {MAX_RENDERED})\n\n"));
    }
    out
}

/// Each diagnostic as `Diagnostic::render` (or, without `with_advice`,
/// `render_rustc`) renders it, `source_of` giving the text it points into.
/// Each text is split into lines once for all, so that the time grows with
/// the number of diagnostics and the length of the text, not their product.
pub fn render_all<'s>(
    diagnostics: &[Diagnostic],
    source_of: impl Fn(&Diagnostic) -> &'s str,
    with_advice: bool,
) -> Vec<String> {
    // The texts seen, by address: each borrowed for the whole call.
    let mut split: Vec<(&'s str, Vec<&'s str>)> = Vec::new();
    diagnostics
        .iter()
        .map(|d| {
            let source = source_of(d);
            let i = match split.iter().position(|(s, _)| std::ptr::eq(*s, source)) {
                Some(i) => i,
                None => {
                    split.push((source, source.lines().collect()));
                    split.len() - 1
                }
            };
            let lines = &split[i].1;
            let (first, last) = d.lines_shown();
            let from = (first as usize - 1).min(lines.len());
            d.render_with(&lines[from..(last as usize).clamp(from, lines.len())], with_advice)
        })
        .collect()
}

/// What rustc prints for a whole compilation: every diagnostic, then the
/// summary lines (`aborting due to ...`, `For more information ...`).
/// `source_of` gives the text of a file named in a span.
pub fn render_report<'a>(diagnostics: &[Diagnostic], source_of: impl Fn(&str) -> &'a str) -> String {
    let mut out = render_all(diagnostics, |d| source_of(&d.span.file), false).concat();
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        let noun = if errors == 1 { "error" } else { "errors" };
        let also = match warnings {
            0 => String::new(),
            1 => "; 1 warning emitted".to_string(),
            n => format!("; {n} warnings emitted"),
        };
        out.push_str(&format!("error: aborting due to {errors} previous {noun}{also}\n\n"));
        let mut codes: Vec<&str> = diagnostics.iter().filter_map(|d| d.code.as_deref()).collect();
        codes.sort_unstable();
        codes.dedup();
        match codes.as_slice() {
            [] => {}
            [one] => out.push_str(&format!("For more information about this error, try `rustc --explain {one}`.\n")),
            many => {
                out.push_str(&format!("Some errors have detailed explanations: {}.\n", many.join(", ")));
                out.push_str(&format!("For more information about an error, try `rustc --explain {}`.\n", many[0]));
            }
        }
    } else if warnings > 0 {
        let noun = if warnings == 1 { "warning" } else { "warnings" };
        out.push_str(&format!("warning: {warnings} {noun} emitted\n\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tab_is_shown_as_four_spaces_and_the_carets_follow() {
        let d = Diagnostic::error("bad", Span::new("f.rs", 1, 3, 4)).label("here");
        assert_eq!(
            d.render("\t\tX = 1;\n"),
            "error: bad\n --> f.rs:1:3\n  |\n1 |         X = 1;\n  |         ^ here\n\n"
        );
    }

    #[test]
    fn a_span_outside_the_text_renders_without_panicking() {
        let d = Diagnostic::error("bad", Span::default()).secondary(Span::new("", 99, 50, 40), "far");
        let text = d.render("one line\n");
        assert!(text.starts_with("error: bad\n  --> :0:0\n"), "{text}");
    }

    #[test]
    fn the_summary_names_every_code_like_rustc() {
        let a = Diagnostic::error("a", Span::new("f.rs", 1, 1, 2)).code("E0599");
        let b = Diagnostic::error("b", Span::new("f.rs", 1, 1, 2)).code("E0133");
        let text = render_report(&[a, b], |_| "x\n");
        assert!(text.ends_with("error: aborting due to 2 previous errors\n\nSome errors have detailed explanations: E0133, E0599.\nFor more information about an error, try `rustc --explain E0133`.\n"), "{text}");
    }
}
