//! Every topic of the curriculum (lessons/CURRICULUM.md) is taught by at least
//! one built-in lesson, except a topic marked *(planned)*, which no lesson may
//! claim yet (the mark goes when its lesson arrives).

use std::collections::BTreeMap;

const PLANNED: &str = "*(planned)*";

/// The topics of lessons/CURRICULUM.md, by number, and whether each is planned.
fn curriculum(text: &str) -> BTreeMap<u32, bool> {
    text.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("- T")?;
            let (n, after) = rest.split_once(' ')?;
            Some((n.parse().ok()?, after.starts_with(PLANNED)))
        })
        .collect()
}

/// What is wrong with the lessons' claims against the curriculum: topics no
/// lesson covers, and planned topics a lesson claims.
fn problems(topics: &BTreeMap<u32, bool>, claimed: &[String]) -> Vec<String> {
    let claims = |n: u32| claimed.iter().any(|c| *c == format!("T{n}"));
    topics
        .iter()
        .filter_map(|(&n, &planned)| match (planned, claims(n)) {
            (false, false) => Some(format!("T{n}: no lesson covers it")),
            (true, true) => Some(format!("T{n}: a lesson covers it, so remove its {PLANNED} mark")),
            _ => None,
        })
        .collect()
}

fn builtin_claims() -> Vec<String> {
    irqlab_lessons::builtin().iter().flat_map(|l| l.covers.iter().cloned()).collect()
}

fn curriculum_file() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../lessons/CURRICULUM.md");
    std::fs::read_to_string(path).expect("lessons/CURRICULUM.md")
}

#[test]
fn every_curriculum_topic_is_covered_by_a_lesson() {
    let topics = curriculum(&curriculum_file());
    assert_eq!(
        topics.keys().copied().collect::<Vec<_>>(),
        (1..=irqlab_lessons::TOPICS).collect::<Vec<_>>(),
        "lessons/CURRICULUM.md lists T1 to T{} in order",
        irqlab_lessons::TOPICS
    );
    let problems = problems(&topics, &builtin_claims());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn an_uncovered_topic_and_a_claimed_planned_one_are_reported() {
    let topics = curriculum("- T1 one\n- T2 *(planned)* two\n- T3 three\n");
    assert_eq!(topics.len(), 3);
    let claimed = vec!["T1".to_string(), "T2".to_string()];
    assert_eq!(
        problems(&topics, &claimed),
        vec![
            "T2: a lesson covers it, so remove its *(planned)* mark".to_string(),
            "T3: no lesson covers it".to_string()
        ]
    );
}
