//! Lesson 26, one stack for everyone: three handlers at three priorities
//! preempt one another, and their frames pile up on the one main stack. The
//! stack bound itself is a simulator property (`stack_bytes()`, sim_only);
//! the board runs the same code and reports the statics. Wired from
//! lessons/26-one-stack/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/26-one-stack/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/26-one-stack/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/one_stack.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(one_stack, [CELSIUS, LINES, LINE_SUM, PRESSES], state: [RAW]);
