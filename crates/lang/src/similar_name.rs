//! The name rustc suggests for a misspelled one ("there is a variant with a
//! similar name"), chosen the way rustc 1.95 chooses it
//! (`rustc_span::edit_distance::find_best_match_for_name`), so that irqlab's
//! suggestion is the one `cargo build` prints:
//!
//! 1. a candidate equal to the name but for letter case;
//! 2. else the first candidate, in declaration order, at the smallest edit
//!    distance (optimal string alignment, case-sensitive) no larger than a
//!    third of the name's length (at least 1);
//! 3. else the last candidate made of the same `_`-separated words in
//!    another order.

pub fn best_match<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    // A file may have thousands of names and thousands of misspellings: each
    // test below first rules candidates out by length, without allocating.
    let same_but_case = |c: &str| match name.is_ascii() && c.is_ascii() {
        true => c.eq_ignore_ascii_case(name),
        false => c.chars().flat_map(char::to_uppercase).eq(name.chars().flat_map(char::to_uppercase)),
    };
    if let Some(same) = candidates.iter().find(|c| same_but_case(c)) {
        return Some(same);
    }
    let length = name.chars().count();
    let mut limit = length.max(3) / 3;
    let mut best = None;
    for candidate in candidates {
        // The distance is at least the difference in length (a char is 1 to
        // 4 bytes, so bytes give a quick lower bound first).
        if candidate.len().abs_diff(name.len()) > 4 * limit || candidate.chars().count().abs_diff(length) > limit {
            continue;
        }
        let distance = strsim::osa_distance(name, candidate);
        if distance == 0 {
            return Some(candidate);
        }
        if distance <= limit {
            best = Some(*candidate);
            // A later candidate must be strictly closer to replace this one.
            limit = distance - 1;
        }
    }
    best.or_else(|| {
        // The same words in another order have the same length.
        let words = sorted_words(name);
        candidates.iter().rev().find(|c| c.len() == name.len() && sorted_words(c) == words).copied()
    })
}

fn sorted_words(name: &str) -> Vec<&str> {
    let mut words: Vec<&str> = name.split('_').collect();
    words.sort_unstable();
    words
}

#[cfg(test)]
mod tests {
    use super::best_match;

    const NAMES: &[&str] = &["GPIOTE", "TIMER0", "TIMER1", "RTC0", "SWI0_EGU0"];

    #[test]
    fn letter_case_alone_wins_over_any_distance() {
        assert_eq!(best_match("timer1", NAMES), Some("TIMER1"));
    }

    #[test]
    fn the_first_of_equally_close_names_is_taken() {
        assert_eq!(best_match("TIMER9", NAMES), Some("TIMER0"));
    }

    #[test]
    fn distance_counts_case_and_has_a_limit() {
        // "Timer9" is 5 edits from "TIMER0": more than 6 / 3.
        assert_eq!(best_match("Timer9", NAMES), None);
        assert_eq!(best_match("BUTTON", NAMES), None);
    }

    #[test]
    fn words_in_another_order_match() {
        assert_eq!(best_match("EGU0_SWI0", NAMES), Some("SWI0_EGU0"));
    }
}
