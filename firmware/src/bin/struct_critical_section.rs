//! Lesson 11, two fields and one critical section: the SAADC handler updates
//! a count and a sum; main copies both to report them.
//! Wired from lessons/11-struct-critical-section/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(
    not(any(feature = "solution", feature = "learner")),
    path = "../../../lessons/11-struct-critical-section/scenario.rs"
)]
#[cfg_attr(
    all(feature = "solution", not(feature = "learner")),
    path = "../../../lessons/11-struct-critical-section/solution.rs"
)]
#[cfg_attr(feature = "learner", path = "../../.learner/struct_critical_section.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(struct_critical_section, [SEEN_SAMPLES, SEEN_SUM_MV], state: [STATS]);
