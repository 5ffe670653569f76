//! Lesson 25, interrupt, waker, task: main is a tiny executor that polls
//! its task when the SAADC handler has woken it and sleeps otherwise; a wake
//! between the check and the WFI is slept through. Main never returns
//! (`forever`): the harness's supervisor ends each run without waking main
//! (harness/forever.rs). Wired from lessons/25-waker-executor/lesson.toml by
//! build.rs.
#![no_std]
#![no_main]

#[cfg_attr(
    not(any(feature = "solution", feature = "learner")),
    path = "../../../lessons/25-waker-executor/scenario.rs"
)]
#[cfg_attr(
    all(feature = "solution", not(feature = "learner")),
    path = "../../../lessons/25-waker-executor/solution.rs"
)]
#[cfg_attr(feature = "learner", path = "../../.learner/waker_executor.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(waker_executor, [WOKEN, READY, SAMPLES, PROCESSED]);
