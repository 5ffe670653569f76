//! Lesson 14, priorities: the UART handler (priority 1) preempts the filter
//! (priority 3) in the middle of its update of the shared ACTIVITY count; the
//! logger, of equal priority, waits for the filter and tail-chains.
//! Wired from lessons/14-priorities/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(feature = "solution"), path = "../../../lessons/14-priorities/scenario.rs")]
#[cfg_attr(feature = "solution", path = "../../../lessons/14-priorities/solution.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(priorities, [ACTIVITY, FILTERED, LOGGED, BYTES]);
