//! Lesson 10, keep the handler short: a button handler that debounces and
//! logs holds off the UART handler of the same priority.
//! Wired from lessons/10-long-handler/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/10-long-handler/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/10-long-handler/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/long_handler.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(long_handler, [PRESSES, LINES_LOGGED, LINES_SENT]);
