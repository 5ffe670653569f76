//! Lesson 06, no references to static mut: the ADC handler posts a reading
//! pair through `&raw` pointers and main copies it; the solution moves the
//! pair whole inside two small functions.
//! Wired from lessons/06-static-mut-refs/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(
    not(any(feature = "solution", feature = "learner")),
    path = "../../../lessons/06-static-mut-refs/scenario.rs"
)]
#[cfg_attr(
    all(feature = "solution", not(feature = "learner")),
    path = "../../../lessons/06-static-mut-refs/solution.rs"
)]
#[cfg_attr(feature = "learner", path = "../../.learner/static_mut_refs.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(static_mut_refs, [READING_MV, READING_SEQ, SEEN_MV, SEEN_SEQ]);
