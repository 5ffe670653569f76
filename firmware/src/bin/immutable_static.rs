//! Lesson 05, cannot assign to immutable static: the UART handler counts
//! waiting commands in a `static mut` that main reads and then resets; the
//! solution makes it an atomic, a plain `static`.
//! Wired from lessons/05-immutable-static/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(
    not(any(feature = "solution", feature = "learner")),
    path = "../../../lessons/05-immutable-static/scenario.rs"
)]
#[cfg_attr(
    all(feature = "solution", not(feature = "learner")),
    path = "../../../lessons/05-immutable-static/solution.rs"
)]
#[cfg_attr(feature = "learner", path = "../../.learner/immutable_static.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(immutable_static, [WAITING, EXECUTED, RECEIVED]);
