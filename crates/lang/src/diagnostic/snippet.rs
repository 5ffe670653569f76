//! The annotated source lines of a diagnostic, drawn as rustc 1.95's human
//! emitter draws them: `^` under the primary span and `-` under secondary
//! ones, and a span over several lines as a block in a gutter left of the
//! code:
//!
//! ```text
//!  8 | /     core::ptr::read_volatile(        starts at the line's first
//!  9 | |         &raw const SAMPLE,            non-blank char: `/`
//! 10 | |     )
//!    | |_____^ label                           `_` up to its last char
//!
//! 21 |       let x = a() + core::ptr::read_volatile(
//!    |  _____________________^                 starts mid-line: `_` up to it
//! 22 | |         &raw const SAMPLE);
//!    | |__________________________^ label
//! ```
//!
//! Of a long block rustc shows the first line, up to three more (not ending
//! on a blank, comment-only or lone-bracket line), the line before the last
//! if it says something, and the last; `...` stands for the lines left out.
//! Every source line moves two columns right to make room for the gutter.

/// One underline on one line; columns are display columns (1-based, end
/// exclusive), tabs already counted as four.
#[derive(Debug)]
pub struct Mark<'a> {
    pub line: u32,
    pub start: u32,
    pub end: u32,
    pub label: Option<&'a str>,
    pub primary: bool,
}

/// The primary span when it covers several lines.
#[derive(Debug)]
pub struct Block<'a> {
    pub first: u32,
    pub start: u32,
    pub last: u32,
    pub end: u32,
    pub label: Option<&'a str>,
}

enum Row<'a> {
    Marks(Vec<&'a Mark<'a>>),
    BlockStart,
    BlockInside,
    BlockEnd,
}

/// The largest line number the snippet shows.
pub fn last_line(marks: &[Mark], block: Option<&Block>) -> u32 {
    marks.iter().map(|m| m.line).chain(block.map(|b| b.last)).max().unwrap_or(1)
}

/// The snippet: `text` gives a line (1-based) as shown, tabs expanded.
pub fn render<'t>(text: &impl Fn(u32) -> &'t str, marks: &[Mark], block: Option<&Block>, width: usize) -> String {
    let pad = " ".repeat(width);
    let mut rows: Vec<(u32, Row)> = Vec::new();
    for m in marks {
        // Underlines inside a block are not drawn: rustc's interleaving of the
        // two is beyond what lessons need.
        if block.is_some_and(|b| (b.first..=b.last).contains(&m.line)) {
            continue;
        }
        match rows.iter_mut().find(|(l, _)| *l == m.line) {
            Some((_, Row::Marks(ms))) => ms.push(m),
            _ => rows.push((m.line, Row::Marks(vec![m]))),
        }
    }
    if let Some(b) = block {
        rows.push((b.first, Row::BlockStart));
        rows.extend(shown_inside(b, text).into_iter().map(|l| (l, Row::BlockInside)));
        rows.push((b.last, Row::BlockEnd));
    }
    rows.sort_by_key(|(l, _)| *l);
    let slash = block.is_some_and(|b| text(b.first).chars().take(b.start as usize - 1).all(char::is_whitespace));
    let gutter = |line: u32| match block {
        Some(b) if line == b.first && slash => "/ ",
        Some(b) if line > b.first && line <= b.last => "| ",
        Some(_) => "  ",
        None => "",
    };
    let source = |line: u32| {
        let shown = if text(line).is_empty() {
            gutter(line).trim_end().to_string()
        } else {
            format!("{}{}", gutter(line), text(line))
        };
        if shown.is_empty() { format!("{line:>width$} |\n") } else { format!("{line:>width$} | {shown}\n") }
    };
    let margin = if block.is_some() { "  " } else { "" };
    let mut out = String::new();
    let mut previous: Option<u32> = None;
    for (line, row) in &rows {
        if let Some(prev) = previous {
            let delta = line.saturating_sub(prev);
            if delta > 2 {
                let inside = block.is_some_and(|b| prev >= b.first && *line <= b.last);
                if inside { out.push_str(&format!("{:<w$}|\n", "...", w = width + 3)) } else { out.push_str("...\n") }
            } else if delta == 2 {
                out.push_str(&source(prev + 1));
            }
        }
        out.push_str(&source(*line));
        match row {
            Row::Marks(ms) => {
                for m in ms {
                    let mark = if m.primary { "^" } else { "-" };
                    let width_of = (m.end.max(m.start + 1) - m.start) as usize;
                    let mut l =
                        format!("{pad} | {margin}{}{}", " ".repeat(m.start as usize - 1), mark.repeat(width_of));
                    if let Some(label) = m.label {
                        l.push(' ');
                        l.push_str(label);
                    }
                    out.push_str(&l);
                    out.push('\n');
                }
            }
            Row::BlockStart if !slash => {
                let b = block.expect("a block row comes from a block");
                out.push_str(&format!("{pad} |  {}^\n", "_".repeat(b.start as usize)));
            }
            Row::BlockEnd => {
                let b = block.expect("a block row comes from a block");
                let mut l = format!("{pad} | |{}^", "_".repeat(b.end.saturating_sub(1).max(1) as usize));
                if let Some(label) = b.label {
                    l.push(' ');
                    l.push_str(label);
                }
                out.push_str(&l);
                out.push('\n');
            }
            _ => {}
        }
        previous = Some(*line);
    }
    out
}

/// The block's lines shown between its first and its last.
fn shown_inside<'t>(b: &Block, text: &impl Fn(u32) -> &'t str) -> Vec<u32> {
    let says_something = |line: u32| {
        let t = text(line).trim();
        let comment = t.starts_with("//") && !t.starts_with("///") && !t.starts_with("//!");
        !comment && !["", "{", "}", "(", ")", "[", "]"].contains(&t)
    };
    let middle = (b.first + 4).min(b.last);
    let until = (b.first + 1..middle).rev().find(|l| says_something(*l)).unwrap_or(b.first);
    let mut shown: Vec<u32> = (b.first + 1..=until).collect();
    let before_last = b.last - 1;
    if middle < before_last && says_something(before_last) {
        shown.push(before_last);
    }
    shown
}
