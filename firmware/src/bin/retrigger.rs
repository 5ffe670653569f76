//! Lesson 09, clear the reason: a level-triggered timer event that the
//! handler never clears runs the handler again and again; main starves.
//! Wired from lessons/09-retrigger/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/09-retrigger/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/09-retrigger/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/retrigger.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(retrigger, [TICK, PASSES, TICKS_TAKEN]);
