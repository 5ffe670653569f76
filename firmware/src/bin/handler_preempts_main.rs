//! Lesson 02, the handler preempts main: SysTick (an exception of the core)
//! and TIMER0 (an interrupt of the chip) call the same `average` as main.
//! Wired from lessons/02-handler-preempts-main/lesson.toml by build.rs; the
//! lesson's SysTick handler runs inside the board's SysTick arrival generator.
#![no_std]
#![no_main]

#[cfg_attr(
    not(any(feature = "solution", feature = "learner")),
    path = "../../../lessons/02-handler-preempts-main/scenario.rs"
)]
#[cfg_attr(
    all(feature = "solution", not(feature = "learner")),
    path = "../../../lessons/02-handler-preempts-main/solution.rs"
)]
#[cfg_attr(feature = "learner", path = "../../.learner/handler_preempts_main.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(handler_preempts_main, [MAIN_TOTAL, TICK_MV, TIMER_MV]);
