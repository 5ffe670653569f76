//! Lesson 04, the lost update: main adds to COUNT three times while the TIMER0
//! handler adds to it too. `COUNT += 1` is a load, an add and a store.
//! Wired from lessons/04-lost-update/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/04-lost-update/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/04-lost-update/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/lost_update.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(lost_update, [COUNT, TICKS]);
