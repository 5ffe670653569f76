//! What crosses from the build and the compiler worker to the page comes
//! back exactly: every built-in lesson's checked scenario and solution
//! through the codec, and the lesson data file the page fetches.
#![cfg(not(target_arch = "wasm32"))]

use irqlab_web::catalog::{self, BUILT, DATA_FILE};
use irqlab_web::compiled::{Answer, check};
use irqlab_web::{codec, data};

#[test]
fn every_lessons_scenario_and_solution_round_trip_through_the_codec() {
    let lessons = irqlab_lessons::builtin();
    assert!(lessons.len() >= 20, "the curriculum's lessons: {}", lessons.len());
    for lesson in &lessons {
        for (which, code) in [("scenario", &lesson.scenario), ("solution", &lesson.solution)] {
            let checked = check(&lesson.setup, code);
            assert!(checked.program.is_some(), "{} {which} compiles: {:?}", lesson.id, checked.diagnostics);
            let bytes = codec::encode(&checked).expect("encodes");
            let back: irqlab_web::compiled::Checked = codec::decode(&bytes).expect("decodes");
            assert_eq!(back, checked, "{} {which}", lesson.id);
            // As the compiler worker sends it.
            let answer = Answer { lesson: lesson.id.clone(), code: code.clone(), checked };
            let back: Answer = codec::decode(&codec::encode(&answer).expect("encodes")).expect("decodes");
            assert_eq!((back.lesson, &back.code, back.checked), (answer.lesson, &answer.code, answer.checked));
        }
    }
}

#[test]
fn the_data_file_carries_every_lesson_with_its_compiled_scenario() {
    let cards = data::decode(BUILT).expect("the build's lesson data decodes");
    let lessons = irqlab_lessons::builtin();
    assert_eq!(cards.iter().map(|c| &c.id).collect::<Vec<_>>(), lessons.iter().map(|l| &l.id).collect::<Vec<_>>());
    for (card, lesson) in cards.iter().zip(&lessons) {
        assert_eq!(card.checked, check(&lesson.setup, &lesson.scenario), "{}", card.id);
        assert!(!card.narrative.is_empty(), "{} has a narrative", card.id);
        // The story stops where "Why the fix works" begins: that part waits
        // for a proof (or the solution) on the page.
        let story = format!("{:?}", card.narrative);
        assert!(!story.contains("Why the fix works"), "{}: the story gives the fix away", card.id);
        assert_eq!(
            card.why_it_works.is_empty(),
            lesson.why_the_fix_works().is_none(),
            "{}: the spoiler is carried apart",
            card.id
        );
        assert!(format!("{:?}", card.why_it_works).contains("Why the fix works") || card.why_it_works.is_empty());
        assert!(
            card.firmware_source.as_deref().is_some_and(|s| s.contains("scenario.rs")),
            "{}: the source of firmware bin `{}`",
            card.id,
            card.firmware_bin
        );
        let companion = card.companion_source.as_deref().unwrap_or_default();
        assert!(
            companion.contains("scenario.rs") && companion.contains("fn main() -> ! {"),
            "{}: its companion",
            card.id
        );
        let command = irqlab_web::firmware::companion_command(&card.firmware_bin, &card.boards);
        for line in command.lines() {
            assert!(companion.contains(&format!("//! {line}")), "{}: the companion says `{line}`", card.id);
        }
    }
    assert_eq!(catalog::lessons(), cards);
    assert_eq!(DATA_FILE, data::file_name(BUILT), "the name is the content's hash");
}

#[test]
fn damaged_or_foreign_data_is_refused_with_a_reason() {
    let mut other_version = BUILT.to_vec();
    other_version[0] = data::DATA_VERSION as u8 + 1;
    assert_eq!(data::decode(&other_version), Err(data::DataError::Version { found: data::DATA_VERSION + 1 }));
    let cut = data::decode(&BUILT[..BUILT.len() / 2]).expect_err("half a file");
    assert!(cut.to_string().starts_with("the lesson data is damaged"), "{cut}");
    assert!(matches!(data::decode(b""), Err(data::DataError::Damaged(_))));
    let html = data::decode(b"<!doctype html><title>404</title>").expect_err("a server's error page");
    assert!(matches!(html, data::DataError::Version { .. } | data::DataError::Damaged(_)), "{html:?}");
}

/// The setups the page sends the compiler worker (each card's, postcard)
/// decode to each built-in lesson's.
#[test]
fn the_compiler_workers_setups_are_the_lessons() {
    let cards = data::decode(BUILT).expect("the built data decodes");
    let setups: Vec<(String, irqlab_lang::Setup)> =
        cards.iter().map(|card| (card.id.clone(), codec::decode(&card.setup).expect("the setup decodes"))).collect();
    let lessons: Vec<(String, irqlab_lang::Setup)> =
        irqlab_lessons::builtin().into_iter().map(|l| (l.id, l.setup)).collect();
    assert_eq!(setups, lessons);
}
