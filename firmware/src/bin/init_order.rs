//! Lesson 13, initialize then unmask: main unmasks TIMER0 before it moves
//! the accelerometer in, and an early tick finds None.
//! Wired from lessons/13-init-order/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/13-init-order/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/13-init-order/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/init_order.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(init_order, [SAMPLED, PASSES], state: [ACCEL]);
