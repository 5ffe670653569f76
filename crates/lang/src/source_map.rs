//! From syn's token positions to `sim::Span`s (1-based line and columns,
//! one line each, always inside the text).

use irqlab_sim::Span;
use proc_macro2::LineColumn;

#[derive(Clone, Debug)]
pub struct SourceMap {
    pub file: String,
    /// Length in chars of each line of the text parsed.
    line_lengths: Vec<u32>,
    /// Where the parsed text starts in its file (1-based line, 1-based column).
    origin: (u32, u32),
    /// Line lengths of the whole file, when the text is embedded in it.
    file_line_lengths: Vec<u32>,
    /// Leading whitespace of each line of the text parsed, in chars.
    indents: Vec<u32>,
}

impl SourceMap {
    pub fn new(file: &str, text: &str) -> SourceMap {
        let lengths: Vec<u32> = text.split('\n').map(|l| l.trim_end_matches('\r').chars().count() as u32).collect();
        let indents = text.split('\n').map(|l| (l.len() - l.trim_start().len()) as u32).collect();
        SourceMap {
            file: file.to_string(),
            line_lengths: lengths.clone(),
            origin: (1, 1),
            file_line_lengths: lengths,
            indents,
        }
    }

    /// A text embedded at `origin` (line, column of its first char) in
    /// another file, such as a property inside a lesson.toml string.
    pub fn embedded(file: &str, text: &str, origin: (u32, u32)) -> SourceMap {
        let mut map = SourceMap::new(file, text);
        map.origin = origin;
        // The file's lines as far as the text reaches: the first line holds
        // what precedes the text (and a closing quote after it).
        let mut lengths = vec![0; origin.0.saturating_sub(1) as usize];
        for (i, len) in map.line_lengths.iter().enumerate() {
            lengths.push(if i == 0 { origin.1 + len } else { *len });
        }
        map.file_line_lengths = lengths;
        map
    }

    fn line_len(&self, line: u32) -> u32 {
        self.line_lengths.get((line as usize).wrapping_sub(1)).copied().unwrap_or(0)
    }

    /// Maps a position in the parsed text to (line, column) in the file.
    fn place(&self, line: u32, col0: u32) -> (u32, u32) {
        if line <= 1 { (self.origin.0, self.origin.1 + col0) } else { (self.origin.0 + line - 1, col0 + 1) }
    }

    /// The span of a token range, cut to its first line and kept inside the file.
    pub fn span(&self, start: LineColumn, end: LineColumn) -> Span {
        let lines = self.line_lengths.len().max(1) as u32;
        let line = (start.line as u32).clamp(1, lines);
        let len = self.line_len(line);
        let col0 = (start.column as u32).min(len);
        let end0 = if end.line as u32 == line && end.line >= start.line {
            (end.column as u32).clamp(col0, len)
        } else {
            // A span over several lines is shown on its first line.
            len.max(col0)
        };
        let (fl, fc) = self.place(line, col0);
        let (_, fe) = self.place(line, end0);
        self.clamp(Span::new(self.file.clone(), fl, fc, fe.max(fc)))
    }

    /// Where a token range that covers several lines ends in the file (line,
    /// column one past its last char); `None` for a range on one line. A sim
    /// `Span` is one line (the web page marks lines with it): only a
    /// diagnostic draws all the lines of its span.
    pub fn end_of(&self, s: proc_macro2::Span) -> Option<(u32, u32)> {
        let (start, end) = (s.start(), s.end());
        if end.line <= start.line {
            return None;
        }
        let last = (end.line as u32).min(self.line_lengths.len().max(1) as u32);
        let (line, col) = self.place(last, (end.column as u32).min(self.line_len(last)));
        (line > self.place(start.line as u32, 0).0).then_some((line, col.max(2)))
    }

    /// The span of the last line of a token range (where a block closes).
    pub fn last_line_span(&self, start: LineColumn, end: LineColumn) -> Span {
        if start.line == end.line {
            return self.span(start, end);
        }
        let line = (end.line as u32).clamp(1, self.line_lengths.len().max(1) as u32);
        let indent = self.indents.get(line as usize - 1).copied().unwrap_or(0);
        self.span(LineColumn { line: line as usize, column: indent as usize }, end)
    }

    pub fn of(&self, span: proc_macro2::Span) -> Span {
        self.span(span.start(), span.end())
    }

    /// Keeps a span inside the file: an existing line, columns within it
    /// (one past the end is allowed, as rustc points at the end of a line).
    pub fn clamp(&self, mut span: Span) -> Span {
        let lines = self.file_line_lengths.len().max(1) as u32;
        span.line = span.line.clamp(1, lines);
        let len = self.file_line_lengths.get(span.line as usize - 1).copied().unwrap_or(0);
        span.col_start = span.col_start.clamp(1, len + 1);
        span.col_end = span.col_end.clamp(span.col_start, len + 1);
        span
    }

    /// The start of the text, for problems with no better place.
    pub fn start(&self) -> Span {
        self.clamp(Span::new(self.file.clone(), self.origin.0, self.origin.1, self.origin.1 + 1))
    }
}
