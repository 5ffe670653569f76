//! Lesson 18, the flag and the data: the TIMER0 handler publishes a sample
//! and raises a flag; main takes the flag and sends the sample.
//! Wired from lessons/18-flag-and-data/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/18-flag-and-data/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/18-flag-and-data/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/flag_and_data.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(flag_and_data, [SAMPLE_MV, SAMPLE_READY, SENT, SENT_MV]);
