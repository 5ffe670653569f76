//! Lesson 15, masking only what must be masked: main drains the ADC's running
//! sum with BASEPRI at a ceiling; at the wrong ceiling the ADC handler lands
//! in the drain, at the right one only the unrelated UART handler may.
//! Wired from lessons/15-basepri-ceiling/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(
    not(any(feature = "solution", feature = "learner")),
    path = "../../../lessons/15-basepri-ceiling/scenario.rs"
)]
#[cfg_attr(
    all(feature = "solution", not(feature = "learner")),
    path = "../../../lessons/15-basepri-ceiling/solution.rs"
)]
#[cfg_attr(feature = "learner", path = "../../.learner/basepri_ceiling.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(basepri_ceiling, [SUM_MV, SAMPLES, DRAINED_MV, DRAINED, CONVERSIONS, BYTES]);
