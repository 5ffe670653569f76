//! What a lexing failure means, in rustc's words. proc_macro2 reports every
//! lexing failure as "cannot parse string into token stream" at the place
//! where it stopped; the text there says which failure it was: an unclosed
//! or unexpected delimiter, an unterminated string, comment or character,
//! or a character that starts no Rust token.

use proc_macro2::LineColumn;

use crate::diagnostic::Diagnostic;
use crate::source_map::SourceMap;

/// The diagnostic for a lexing failure that stopped at `at`.
pub fn diagnostic(code: &str, at: LineColumn, map: &SourceMap) -> Diagnostic {
    let rest: String = code.lines().nth(at.line.saturating_sub(1)).unwrap_or("").chars().skip(at.column).collect();
    let one = |at: LineColumn| map.span(at, LineColumn { line: at.line, column: at.column + 1 });
    let mut chars = rest.chars();
    let first = chars.next();
    match first {
        Some(open @ ('(' | '[' | '{')) => Diagnostic::error("this file contains an unclosed delimiter", one(at))
            .label("unclosed delimiter")
            .help(format!("add the `{}` that closes it", closer_of(open))),
        Some(close @ (')' | ']' | '}')) => match open_delimiters(code, at).last() {
            Some((open, open_at)) => Diagnostic::error(format!("mismatched closing delimiter: `{close}`"), one(at))
                .label("mismatched closing delimiter")
                .secondary(one(*open_at), "unclosed delimiter")
                .help(format!("close the `{open}` with `{}` first", closer_of(*open))),
            None => Diagnostic::error(format!("unexpected closing delimiter: `{close}`"), one(at))
                .label("unexpected closing delimiter"),
        },
        Some('"') => Diagnostic::error("unterminated double quote string", one(at)).code("E0765"),
        Some('/') if chars.next() == Some('*') => {
            Diagnostic::error("unterminated block comment", one(at)).code("E0758").help("end it with `*/`")
        }
        Some('\'') => Diagnostic::error("unterminated character literal", one(at)).code("E0762"),
        Some(c) => {
            let shown = if c.is_ascii_graphic() { c.to_string() } else { c.escape_unicode().to_string() };
            Diagnostic::error(format!("unknown start of token: {shown}"), one(at))
        }
        None => Diagnostic::error("this file cannot be split into Rust tokens here", one(at)),
    }
}

fn closer_of(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// The delimiters still open just before `until`, with where each opened.
fn open_delimiters(code: &str, until: LineColumn) -> Vec<(char, LineColumn)> {
    walk_delimiters(code, Some(until), |_, _, _| true)
}

/// Walks the brackets of `code` outside strings, character literals and
/// comments, up to `until` (or the end), and returns those still open. For
/// each bracket `visit` gets it, where it is, and the brackets open before
/// it; the walk stops early when `visit` returns false. Before a lexing
/// failure everything lexed, so strings and comments there are well formed;
/// elsewhere an unterminated one runs to the end.
pub fn walk_delimiters(
    code: &str,
    until: Option<LineColumn>,
    mut visit: impl FnMut(char, LineColumn, &[(char, LineColumn)]) -> bool,
) -> Vec<(char, LineColumn)> {
    let mut open: Vec<(char, LineColumn)> = Vec::new();
    let mut at = Cursor { chars: code.chars().peekable(), line: 1, column: 0 };
    loop {
        let here = LineColumn { line: at.line, column: at.column };
        if until.is_some_and(|u| (at.line, at.column) >= (u.line, u.column)) {
            return open;
        }
        let Some((c, peek)) = at.next() else { return open };
        match (c, peek) {
            ('(' | '[' | '{' | ')' | ']' | '}', _) => {
                if !visit(c, here, &open) {
                    return open;
                }
                if matches!(c, '(' | '[' | '{') {
                    open.push((c, here));
                } else {
                    open.pop();
                }
            }
            ('/', Some('/')) => {
                while let Some((c, _)) = at.next() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                at.next();
                let (mut depth, mut last) = (1usize, '\0');
                while let Some((c, _)) = at.next() {
                    match (last, c) {
                        ('/', '*') => (depth, last) = (depth + 1, '\0'),
                        ('*', '/') => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            last = '\0';
                        }
                        _ => last = c,
                    }
                }
            }
            ('"', _) => {
                while let Some((c, _)) = at.next() {
                    match c {
                        '\\' => {
                            at.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            // A character literal ('x', '\n'); a lifetime ('a) has no closing quote.
            ('\'', Some('\\')) => {
                at.next();
                while let Some((c, _)) = at.next() {
                    if c == '\'' {
                        break;
                    }
                }
            }
            // 'x': the char after the next is the closing quote (looked at
            // without moving).
            ('\'', Some(_)) if at.chars.clone().nth(1) == Some('\'') => {
                at.next();
                at.next();
            }
            _ => {}
        }
    }
}

/// A place in the text being walked: the chars still to come, and the
/// line (1-based) and column (0-based, in chars) of the next one.
struct Cursor<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
    column: usize,
}

impl Cursor<'_> {
    /// The next char, and the one after it.
    fn next(&mut self) -> Option<(char, Option<char>)> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.column = 0;
        } else {
            self.column += 1;
        }
        Some((c, self.chars.peek().copied()))
    }
}
