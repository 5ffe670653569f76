//! Lesson 03, priorities: the UART handler (priority 1) preempts the filter
//! (priority 3) in the middle of its update of the shared ACTIVITY count; the
//! logger, of equal priority, waits for the filter and tail-chains.
//! Wired from lessons/03-priorities/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/03-priorities/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/03-priorities/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/priorities.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(priorities, [ACTIVITY, FILTERED, LOGGED, BYTES]);
