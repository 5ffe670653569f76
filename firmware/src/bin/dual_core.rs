//! Lesson 23, two cores: both cores and core 0's TIMER0 handler count in one
//! `static mut`; `cortex_m::interrupt::free` holds off the handler but not the
//! other core, `critical_section::with` (interrupts off and a lock that spans
//! cores) holds off both.
//! Wired from lessons/23-dual-core/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/23-dual-core/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/23-dual-core/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/dual_core.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(dual_core, [PACKETS, TICKS]);
