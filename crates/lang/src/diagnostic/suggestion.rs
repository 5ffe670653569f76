//! A suggestion's `help:` block, in the two ways rustc 1.95 draws a
//! one-line change: a pure insertion as the changed line with `+` under what
//! is added; a change that removes or replaces text as the old line (`-`)
//! and the new one (`+`). rustc calls a replacement an insertion when the new
//! text is the old text with something added inside it (`TIMER` to
//! `TIMER0`, `TIMR0` to `TIMER0`), and underlines only what is added. A
//! replacement that reaches into the next lines is shown joined, its new
//! text underlined with `~`.

use super::Suggestion;

/// `original` is the suggestion's line as shown (tabs expanded); `start` and
/// `end` are the char offsets of the replaced text in it; `rest` is what
/// follows a replacement that ends on a later line, on that line.
pub fn render(s: &Suggestion, original: &str, start: usize, end: usize, rest: Option<&str>, width: usize) -> String {
    let pad = " ".repeat(width);
    let line = s.span.line;
    let chars: Vec<char> = original.chars().collect();
    let end = end.clamp(start, chars.len());
    let old: String = chars[start..end].iter().collect();
    let before: String = chars[..start].iter().collect();
    let after: String = chars[end..].iter().collect();
    let mut out = format!("help: {}{}\n{pad} |\n", s.message, notice(&old, &s.replacement));
    if let Some(rest) = rest {
        out.push_str(&format!("{line:>width$} | {before}{}{rest}\n", s.replacement));
        out.push_str(&format!(
            "{pad} | {}{}\n",
            " ".repeat(start),
            "~".repeat(s.replacement.trim_end().chars().count())
        ));
        return out;
    }
    match insertion(old.trim(), s.replacement.trim()) {
        Some((offset, added)) => {
            let at = start + leading_spaces(&old) + offset;
            out.push_str(&format!("{line:>width$} | {before}{}{after}\n", s.replacement));
            out.push_str(&format!("{pad} | {}{}\n", " ".repeat(at), "+".repeat(added.trim_end().chars().count())));
        }
        None => {
            out.push_str(&format!("{line:>width$} - {original}\n"));
            out.push_str(&format!("{line:>width$} + {before}{}{after}\n", s.replacement));
            out.push_str(&format!("{pad} |\n"));
        }
    }
    out
}

/// rustc's remark when a same-length replacement differs only in letters
/// whose capitals look alike (`i`/`I`, `o`/`O`...) or in a digit that looks
/// like a letter (`0`/`O`...).
fn notice(old: &str, new: &str) -> &'static str {
    const CASE_ALIKE: &[char] = &['c', 'f', 'i', 'k', 'o', 's', 'u', 'v', 'w', 'x', 'y', 'z'];
    const DIGIT_LETTER: &[(char, char)] = &[('0', 'O'), ('1', 'l'), ('5', 'S'), ('8', 'B'), ('9', 'g')];
    if old.chars().count() != new.chars().count() {
        return "";
    }
    let (mut case, mut digit, mut other) = (false, false, false);
    for (a, b) in old.chars().zip(new.chars()).filter(|(a, b)| a != b) {
        if a.eq_ignore_ascii_case(&b) {
            let alike = CASE_ALIKE.contains(&a.to_ascii_lowercase());
            case |= alike;
            other |= !alike;
        } else if DIGIT_LETTER.contains(&(a, b)) || DIGIT_LETTER.contains(&(b, a)) {
            digit = true;
        } else {
            other = true;
        }
    }
    match (case && !other, digit && !other) {
        (true, true) => " (notice the capitalization and digit/letter confusion)",
        (true, false) => " (notice the capitalization)",
        (false, true) => " (notice the digit/letter confusion)",
        (false, false) => "",
    }
}

/// When `new` is `old` with text added at one place: that place (chars
/// into `old`) and the added text.
fn insertion<'a>(old: &str, new: &'a str) -> Option<(usize, &'a str)> {
    let common = old.chars().zip(new.chars()).take_while(|(a, b)| a == b).count();
    let old_rest: String = old.chars().skip(common).collect();
    let new_rest_at = new.char_indices().nth(common).map_or(new.len(), |(i, _)| i);
    let new_rest = &new[new_rest_at..];
    let added = new_rest.strip_suffix(old_rest.as_str())?;
    Some((common, added))
}

fn leading_spaces(text: &str) -> usize {
    text.chars().take_while(|c| c.is_whitespace()).count()
}

#[cfg(test)]
mod tests {
    use super::{insertion, notice};

    #[test]
    fn look_alike_letters_and_digits_are_noticed_and_nothing_else() {
        assert_eq!(notice("TIMERO", "TIMER0"), " (notice the digit/letter confusion)");
        assert_eq!(notice("SWi0", "SWI0"), " (notice the capitalization)");
        assert_eq!(notice("SWiO", "SWI0"), " (notice the capitalization and digit/letter confusion)");
        assert_eq!(notice("Timer0", "TIMER0"), "");
        assert_eq!(notice("TIMER9", "TIMER0"), "");
    }

    #[test]
    fn added_text_is_found_where_it_goes() {
        assert_eq!(insertion("TIMER", "TIMER0"), Some((5, "0")));
        assert_eq!(insertion("TIMR0", "TIMER0"), Some((3, "E")));
        assert_eq!(insertion("", "raw const"), Some((0, "raw const")));
    }

    #[test]
    fn removed_or_changed_text_is_not_an_insertion() {
        assert_eq!(insertion("GPIOTE0", "GPIOTE"), None);
        assert_eq!(insertion("TIMER9", "TIMER0"), None);
    }
}
