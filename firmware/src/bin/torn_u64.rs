//! Lesson 22, the torn 64-bit read: the RTC0 tick keeps a 64-bit count in two
//! 32-bit halves; main reading high then low tears at a carry.
//! Wired from lessons/22-torn-u64/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/22-torn-u64/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/22-torn-u64/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/torn_u64.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(torn_u64, [TICKS_LO, TICKS_HI, SEEN]);
