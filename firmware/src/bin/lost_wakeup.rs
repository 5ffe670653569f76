//! Lesson 17, the lost wake-up: main's loop checks for work and sleeps in
//! WFI; an ADC event between the check and the WFI is slept through. Main
//! never returns (`forever`): the harness's supervisor ends each run without
//! waking main (harness/forever.rs). Wired from lessons/17-lost-wakeup/lesson.toml
//! by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/17-lost-wakeup/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/17-lost-wakeup/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/lost_wakeup.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(lost_wakeup, [PENDING, SAMPLES, PROCESSED]);
