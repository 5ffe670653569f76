//! Lesson 14, the deadlock: main and the SAADC handler share a spin lock; the
//! handler spins forever when it preempts main inside the lock.
//! Wired from lessons/14-deadlock/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/14-deadlock/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/14-deadlock/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/deadlock.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(deadlock, [LOCKED, SUM_MV, SAMPLES, CONVERSIONS]);
