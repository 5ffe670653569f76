//! Lesson 08, pending bits merge: main and the TIMER0 handler post requests
//! and pend the SWI0_EGU0 worker; two pends while it is pending give one run.
//! Wired from lessons/08-merged-pending/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(
    not(any(feature = "solution", feature = "learner")),
    path = "../../../lessons/08-merged-pending/scenario.rs"
)]
#[cfg_attr(
    all(feature = "solution", not(feature = "learner")),
    path = "../../../lessons/08-merged-pending/solution.rs"
)]
#[cfg_attr(feature = "learner", path = "../../.learner/merged_pending.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(merged_pending, [POSTED, BACKLOG, SERVED]);
