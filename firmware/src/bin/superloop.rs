//! Lesson 01, the superloop: main polls TIMER0's event flag and handles it
//! itself. No handler runs, so nothing interleaves with main.
//! Wired from lessons/01-superloop/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/01-superloop/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/01-superloop/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/superloop.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(superloop, [SEEN, ROWS_DRAWN]);
