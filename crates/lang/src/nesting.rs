//! A bound on nesting of every shape, checked on the tokens before syn
//! parses them. syn's parser, the lowering and the `Drop` of a syn tree all
//! recurse once per level of nesting, and nesting needs no brackets:
//! `!!!!x`, `- - -x`, `x as u32 as u32`, `1 + 1 + 1`, `a.b().c()`,
//! `else if` chains, `return return`, `&&&x`, `|a| |b| x`, `A<B<C>>`.
//!
//! The measure over-approximates the depth of any tree syn can build: every
//! level of a tree consumes at least one token of its own, either a token at
//! the same bracket level or the bracket group it sits in. So each token's
//! depth is the depth of its group plus the tokens before it at its level
//! that it may be nested under, counted back to the last point where nesting
//! cannot continue:
//! - `;` and `=>` (statements, items, match arms are siblings);
//! - `,`, except that a `<` or `|` since the last such point still counts
//!   (generic arguments and closure parameters nest across commas);
//! - a `{ .. }` followed by a word (a new statement or item after a block;
//!   `else`, `as` and `in` continue the expression), a label or an attribute.
//!
//! The walk keeps its own stack, and proc_macro2 lexes without recursion, so
//! the check itself cannot overflow.

use std::str::FromStr;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// The deepest nesting accepted, in the measure above.
pub const MAX_DEPTH: usize = 128;

/// The first token nested deeper than `MAX_DEPTH` in `code`, if any. Text
/// that does not lex has no tokens to nest (syn reports the lexing error).
/// Like `syn::parse_file`, a leading byte order mark is skipped, and so is a
/// first line starting with `#!` that is not an inner attribute; both
/// readings are checked, so the check sees whatever syn will parse.
pub fn too_deep(code: &str) -> Option<proc_macro2::Span> {
    // Replacing chars by spaces keeps every line and column where it was.
    let text = code.replacen('\u{feff}', " ", usize::from(code.starts_with('\u{feff}')));
    let deepest = |text: &str| TokenStream::from_str(text).ok().and_then(|t| first_deeper_than(t, MAX_DEPTH));
    if let Some(at) = deepest(&text) {
        return Some(at);
    }
    if text.trim_start_matches(' ').starts_with("#!") {
        let first_line = text.find('\n').unwrap_or(text.len());
        let blanked: String = text[..first_line].chars().map(|_| ' ').collect::<String>() + &text[first_line..];
        return deepest(&blanked);
    }
    None
}

/// One bracket level of the walk.
struct Level {
    tokens: proc_macro2::token_stream::IntoIter,
    /// The depth of the group this level is inside.
    base: usize,
    /// Tokens at this level a next token may be nested under.
    chain: usize,
    /// `<` and `|` since the last `;`, `=>` or block boundary.
    openers: usize,
    /// The last token was a `{ .. }` group.
    after_block: bool,
    /// The last token was a `=` joined to the next.
    after_eq: bool,
}

impl Level {
    fn new(tokens: TokenStream, base: usize) -> Level {
        Level { tokens: tokens.into_iter(), base, chain: 0, openers: 0, after_block: false, after_eq: false }
    }

    fn reset(&mut self) {
        self.chain = 0;
        self.openers = 0;
    }
}

/// The first token nested deeper than `limit`.
fn first_deeper_than(tokens: TokenStream, limit: usize) -> Option<proc_macro2::Span> {
    let mut stack = vec![Level::new(tokens, 0)];
    while let Some(level) = stack.last_mut() {
        let Some(token) = level.tokens.next() else {
            stack.pop();
            continue;
        };
        if std::mem::take(&mut level.after_block) {
            let continues = match &token {
                TokenTree::Ident(word) => word == "else" || word == "as" || word == "in",
                TokenTree::Punct(p) => !matches!(p.as_char(), '#' | '\''),
                _ => true,
            };
            if !continues {
                level.reset();
            }
        }
        let after_eq = std::mem::take(&mut level.after_eq);
        level.chain += 1;
        let depth = level.base + level.chain;
        if depth > limit {
            return Some(token.span());
        }
        match token {
            TokenTree::Punct(p) => match p.as_char() {
                ';' => level.reset(),
                '>' if after_eq => level.reset(),
                ',' => level.chain = level.openers,
                '<' | '|' => level.openers += 1,
                '=' => level.after_eq = p.spacing() == Spacing::Joint,
                _ => {}
            },
            TokenTree::Group(group) => {
                level.after_block = group.delimiter() == Delimiter::Brace;
                stack.push(Level::new(group.stream(), depth));
            }
            TokenTree::Ident(_) | TokenTree::Literal(_) => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest limit `code` passes.
    fn depth_of(code: &str) -> usize {
        let tokens = || TokenStream::from_str(code).expect("lexes");
        (0..).find(|&limit| first_deeper_than(tokens(), limit).is_none()).expect("some limit passes")
    }

    #[test]
    fn every_lesson_nests_far_below_the_limit() {
        let mut deepest = (0, String::new());
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../lessons")).expect("lessons") {
            let dir = entry.expect("entry").path();
            for file in ["scenario.rs", "solution.rs"] {
                if let Ok(code) = std::fs::read_to_string(dir.join(file)) {
                    let depth = depth_of(&code);
                    if depth > deepest.0 {
                        deepest = (depth, format!("{}/{file}", dir.display()));
                    }
                }
            }
        }
        // A few dozen levels today; a failure names the deepest file.
        assert!(deepest.0 <= MAX_DEPTH / 3, "{deepest:?}");
    }
}
