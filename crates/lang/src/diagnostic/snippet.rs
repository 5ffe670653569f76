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
    // rustc's code column: the line number, ` | `, and the gutter of a block.
    let cut = Margin::new(&rows, marks, block, text, width + 3 + if block.is_some() { 2 } else { 0 });
    let source = |line: u32| {
        let shown = if text(line).is_empty() {
            gutter(line).trim_end().to_string()
        } else {
            format!("{}{}", gutter(line), cut.shown(text(line)))
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
            // A mark inside another: the underlines in one row (the inner
            // drawn over the outer), then each label on a row of its own
            // below, the rightmost first, hung from its mark by `|`:
            //    ^^^^^^^^--^^
            //    |       |
            //    |       found here
            //    expected integer, found `()`
            Row::Marks(ms) if ms.windows(2).any(|w| w[0].end > w[1].start) => {
                let start = |m: &Mark| cut.column(m.start) - 1;
                let mut under: Vec<char> = Vec::new();
                let mut order: Vec<&&Mark> = ms.iter().collect();
                order.sort_by_key(|m| !m.primary);
                for m in order {
                    let width_of = ((m.end.max(m.start + 1) - m.start) as usize).max(1);
                    let from = start(m);
                    if under.len() < from + width_of {
                        under.resize(from + width_of, ' ');
                    }
                    under[from..from + width_of].fill(if m.primary { '^' } else { '-' });
                }
                out.push_str(&format!("{pad} | {margin}{}\n", under.iter().collect::<String>()));
                let labelled: Vec<&&Mark> = ms.iter().filter(|m| m.label.is_some()).collect();
                let bars = |upto: usize| {
                    let mut row: Vec<char> = Vec::new();
                    for m in &labelled[..upto] {
                        if row.len() <= start(m) {
                            row.resize(start(m) + 1, ' ');
                        }
                        row[start(m)] = '|';
                    }
                    row.into_iter().collect::<String>()
                };
                out.push_str(&format!("{pad} | {margin}{}\n", bars(labelled.len())));
                for (i, m) in labelled.iter().enumerate().rev() {
                    let left = bars(i);
                    let gap = " ".repeat(start(m).saturating_sub(left.chars().count()));
                    out.push_str(&format!("{pad} | {margin}{left}{gap}{}\n", m.label.unwrap_or_default()));
                }
            }
            // Marks side by side, only the last labelled: one row, as rustc
            // draws `^^^^^^^------ label`.
            Row::Marks(ms)
                if ms.len() > 1
                    && ms.windows(2).all(|w| w[0].end <= w[1].start)
                    && ms[..ms.len() - 1].iter().all(|m| m.label.is_none()) =>
            {
                let mut l = format!("{pad} | {margin}");
                let mut at = 0;
                for m in ms {
                    let before = cut.column(m.start) - 1;
                    let width_of =
                        ((m.end.max(m.start + 1) - m.start) as usize).min(cut.width.saturating_sub(before)).max(1);
                    l.push_str(&" ".repeat(before.saturating_sub(at)));
                    l.push_str(&(if m.primary { "^" } else { "-" }).repeat(width_of));
                    at = before.max(at) + width_of;
                }
                if let Some(label) = ms.last().and_then(|m| m.label) {
                    l.push(' ');
                    l.push_str(label);
                }
                out.push_str(&l);
                out.push('\n');
            }
            Row::Marks(ms) => {
                for m in ms {
                    let mark = if m.primary { "^" } else { "-" };
                    let before = cut.column(m.start) - 1;
                    // Within the code shown (a span may be wider).
                    let width_of =
                        ((m.end.max(m.start + 1) - m.start) as usize).min(cut.width.saturating_sub(before)).max(1);
                    let mut l = format!("{pad} | {margin}{}{}", " ".repeat(before), mark.repeat(width_of));
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
                out.push_str(&format!("{pad} |  {}^\n", "_".repeat(cut.column(b.start))));
            }
            Row::BlockEnd => {
                let b = block.expect("a block row comes from a block");
                let mut l = format!("{pad} | |{}^", "_".repeat((cut.column(b.end) - 1).max(1)));
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

/// rustc's `Margin`: the columns of the code shown when a line is longer
/// than the 140 columns rustc assumes when not writing to a terminal. Only
/// the part around the spans and labels is shown, `...` standing for what
/// is cut; leading whitespace beyond 20 columns is cut as well. Where rustc
/// gives up (a span wider than the window) it shows the whole span, however
/// long; irqlab shows the window from the span's start. Columns here are
/// 0-based.
struct Margin {
    /// The first column shown.
    left: usize,
    /// One past the last column shown, when cut.
    right: usize,
    span_right: usize,
    label_right: usize,
    /// The columns the code may take.
    width: usize,
}

/// The width rustc gives a snippet when not writing to a terminal.
const TERMINAL_WIDTH: usize = 140;

impl Margin {
    fn new<'t>(
        rows: &[(u32, Row)],
        marks: &[Mark],
        block: Option<&Block>,
        text: &impl Fn(u32) -> &'t str,
        code_offset: usize,
    ) -> Margin {
        let width = TERMINAL_WIDTH.saturating_sub(code_offset);
        let lines = rows.iter().map(|(l, _)| text(*l));
        let whitespace = lines
            .clone()
            .filter(|t| t.chars().any(|c| !c.is_whitespace()))
            .map(|t| t.chars().take_while(|c| c.is_whitespace()).count())
            .min()
            .unwrap_or(0);
        let max_line_len = lines.map(|t| t.chars().count()).max().unwrap_or(0);
        // Each annotation: its columns (0-based) and its label.
        let mut spans: Vec<(usize, usize, Option<&str>)> =
            marks.iter().map(|m| (m.start as usize - 1, m.end as usize - 1, m.label)).collect();
        if let Some(b) = block {
            spans.push((b.start as usize - 1, b.start as usize - 1, None));
            spans.push((b.end.saturating_sub(1) as usize, b.end.saturating_sub(1) as usize, b.label));
        }
        let span_left = spans.iter().map(|(s, e, _)| *s.min(e)).min().unwrap_or(0).saturating_sub(6);
        let span_right = spans.iter().map(|(s, e, _)| *s.max(e)).max().unwrap_or(0) + 6;
        let label_right = spans.iter().map(|(_, e, l)| e + l.map_or(0, |l| l.len() + 1)).max().unwrap_or(0) + 6;
        let whitespace = whitespace.saturating_sub(6);
        let mut left = if whitespace > 20 { whitespace - 16 } else { 0 };
        let mut right = max_line_len.max(left);
        if right - left > width {
            // Fit the whitespace-trimmed code, else the spans and labels,
            // else the spans, else show the spans alone.
            left = if label_right.saturating_sub(whitespace) <= width {
                whitespace
            } else if label_right.saturating_sub(span_left) <= width {
                span_left.saturating_sub((width - (label_right - span_left)) / 2)
            } else if span_right.saturating_sub(span_left) <= width {
                span_left.saturating_sub((width - (span_right - span_left)) / 5 * 2)
            } else {
                span_left
            };
            right = left + width;
        }
        Margin { left, right, span_right, label_right, width }
    }

    /// Where 1-based column `column` of a line is drawn (1-based).
    fn column(&self, column: u32) -> usize {
        (column as usize).saturating_sub(self.left).max(1)
    }

    /// The part of `line` shown, `...` where it is cut.
    fn shown(&self, line: &str) -> String {
        let len = line.chars().count();
        let left = self.left.min(len);
        let right = if len.saturating_sub(self.left) <= self.width { len } else { len.min(self.right) };
        let mut code: Vec<char> = line.chars().skip(left).take(right.saturating_sub(left)).collect();
        let taken = code.len();
        let put = |code: &mut Vec<char>, at: usize| {
            code.resize(code.len().max(at + 3), ' ');
            code[at..at + 3].fill('.');
        };
        if self.left > 0 {
            put(&mut code, 0);
        }
        // rustc leaves the padding it gave the spans out of the comparison.
        let shown_right =
            if self.right == self.span_right || self.right == self.label_right { self.right - 6 } else { self.right };
        if shown_right < len && self.left + self.width < len {
            put(&mut code, taken.saturating_sub(3));
        }
        code.into_iter().collect()
    }
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
