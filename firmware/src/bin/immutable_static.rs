//! Lesson 19, cannot assign to immutable static: the UART handler counts
//! waiting commands in a `static mut` that main reads and then resets; the
//! solution makes it an atomic, a plain `static`.
//! Wired from lessons/19-immutable-static/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(feature = "solution"), path = "../../../lessons/19-immutable-static/scenario.rs")]
#[cfg_attr(feature = "solution", path = "../../../lessons/19-immutable-static/solution.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(immutable_static, [WAITING, EXECUTED, RECEIVED]);
