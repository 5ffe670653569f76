//! Every topic of the curriculum (lessons/CURRICULUM.md, T1..T33) is taught by
//! at least one built-in lesson.

#[test]
fn every_curriculum_topic_is_covered_by_a_lesson() {
    let lessons = irqlab_lessons::builtin();
    let missing: Vec<String> = (1..=33)
        .map(|n| format!("T{n}"))
        .filter(|t| !lessons.iter().any(|l| l.covers.iter().any(|c| c == t)))
        .collect();
    assert!(missing.is_empty(), "topics no lesson covers: {}", missing.join(", "));
}
