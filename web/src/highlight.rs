//! Syntax colouring for the code view: a small lexer that splits Rust source
//! into coloured pieces. It only decides colours; crates/lang parses.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    Keyword,
    /// A type or trait name: `AtomicU32`, `Ordering`.
    Type,
    /// An ALL_CAPS name: statics and constants.
    Constant,
    Number,
    Str,
    Comment,
    /// `name!` and `#[attr]`.
    Macro,
    Lifetime,
    Plain,
}

impl Token {
    pub fn class(self) -> Option<&'static str> {
        Some(match self {
            Token::Keyword => "tok-kw",
            Token::Type => "tok-ty",
            Token::Constant => "tok-const",
            Token::Number => "tok-num",
            Token::Str => "tok-str",
            Token::Comment => "tok-comment",
            Token::Macro => "tok-macro",
            Token::Lifetime => "tok-life",
            Token::Plain => return None,
        })
    }
}

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "false", "fn", "for", "if", "impl", "in", "let",
    "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "dyn",
];

/// A coloured piece: `(token, byte range)` into one line.
pub type Piece = (Token, std::ops::Range<usize>);

/// Splits one line into pieces. `in_comment` carries a `/* */` comment across
/// lines; the pieces cover the whole line, in order.
pub fn line(text: &str, in_comment: &mut bool) -> Vec<Piece> {
    let bytes = text.as_bytes();
    let mut out: Vec<Piece> = Vec::new();
    let mut push = |token: Token, range: std::ops::Range<usize>| match out.last_mut() {
        Some((t, r)) if *t == token && r.end == range.start => r.end = range.end,
        _ => out.push((token, range)),
    };
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if *in_comment {
            match text[i..].find("*/") {
                Some(end) => {
                    i += end + 2;
                    *in_comment = false;
                }
                None => i = bytes.len(),
            }
            push(Token::Comment, start..i);
            continue;
        }
        let c = bytes[i];
        let rest = &text[i..];
        let token = if rest.starts_with("//") {
            i = bytes.len();
            Token::Comment
        } else if rest.starts_with("/*") {
            *in_comment = true;
            i += 2;
            push(Token::Comment, start..i);
            continue;
        } else if c == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(bytes.len());
            Token::Str
        } else if c == b'\'' {
            // A char literal `'x'` / `'\n'`, or a lifetime `'a`.
            let close = rest[1..].char_indices().take(3).find(|&(_, ch)| ch == '\'').map(|(j, _)| j + 1);
            match close {
                Some(j) if j > 1 || rest[1..].starts_with('\\') => {
                    i += j + 1;
                    Token::Str
                }
                _ => {
                    i += 1;
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                        i += 1;
                    }
                    Token::Lifetime
                }
            }
        } else if c == b'#' && rest[1..].trim_start_matches('!').starts_with('[') {
            i += rest.find(']').map_or(rest.len(), |j| j + 1);
            Token::Macro
        } else if c.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            Token::Number
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let word = &text[start..i];
            if bytes.get(i) == Some(&b'!') {
                i += 1;
                Token::Macro
            } else if KEYWORDS.contains(&word) {
                Token::Keyword
            } else if word.len() > 1 && word.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            {
                Token::Constant
            } else if word.as_bytes()[0].is_ascii_uppercase() {
                Token::Type
            } else {
                Token::Plain
            }
        } else {
            // One character (which may be several bytes).
            i += rest.chars().next().map_or(1, char::len_utf8);
            Token::Plain
        };
        push(token, start..i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[(&str, Token)]) {
        let mut in_comment = false;
        let pieces = line(text, &mut in_comment);
        let got: Vec<(&str, Token)> =
            pieces.iter().filter(|(t, _)| *t != Token::Plain).map(|(t, r)| (&text[r.clone()], *t)).collect();
        assert_eq!(got, expected, "{text}");
        let covered: usize = pieces.iter().map(|(_, r)| r.len()).sum();
        assert_eq!(covered, text.len(), "pieces cover the line");
    }

    #[test]
    fn colours_the_lesson_vocabulary() {
        check(
            "pub static TICKS: AtomicU32 = AtomicU32::new(0); // count",
            &[
                ("pub", Token::Keyword),
                ("static", Token::Keyword),
                ("TICKS", Token::Constant),
                ("AtomicU32", Token::Type),
                ("AtomicU32", Token::Type),
                ("0", Token::Number),
                ("// count", Token::Comment),
            ],
        );
        check(
            "    unsafe { COUNT += 1 } assert!(x == 'a', \"é\\\"\");",
            &[
                ("unsafe", Token::Keyword),
                ("COUNT", Token::Constant),
                ("1", Token::Number),
                ("assert!", Token::Macro),
                ("'a'", Token::Str),
                ("\"é\\\"\"", Token::Str),
            ],
        );
        check(
            "#[interrupt] fn f<'a>()",
            &[("#[interrupt]", Token::Macro), ("fn", Token::Keyword), ("'a", Token::Lifetime)],
        );
    }

    #[test]
    fn block_comments_span_lines() {
        let mut in_comment = false;
        let first = line("let x = 1; /* starts", &mut in_comment);
        assert!(in_comment);
        assert_eq!(first.last().map(|(t, _)| *t), Some(Token::Comment));
        let second = line("ends */ x", &mut in_comment);
        assert!(!in_comment);
        assert_eq!(second[0], (Token::Comment, 0..7));
    }
}
