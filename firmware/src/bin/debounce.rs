//! Lesson 27, debouncing with a timer: one press of a bouncy button is a
//! burst of GPIOTE edges, all before the debounce timer (TIMER0) fires; the
//! harness raises every edge of the burst before the timer, as the explorer
//! assumes (lesson.toml `ends_before`). Wired from
//! lessons/27-debounce/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/27-debounce/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/27-debounce/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/debounce.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(debounce, [PRESSES, SENT]);
