//! Lesson 21, atomics on a Cortex-M0+: thumbv6m has no `fetch_add` on core's
//! atomics; counting with a load and a store loses a count, portable-atomic's
//! `fetch_add` (a critical section on thumbv6m) does not.
//! Wired from lessons/21-cortex-m0-atomics/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(
    not(any(feature = "solution", feature = "learner")),
    path = "../../../lessons/21-cortex-m0-atomics/scenario.rs"
)]
#[cfg_attr(
    all(feature = "solution", not(feature = "learner")),
    path = "../../../lessons/21-cortex-m0-atomics/solution.rs"
)]
#[cfg_attr(feature = "learner", path = "../../.learner/cortex_m0_atomics.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(cortex_m0_atomics, [DONE, TICKS]);
