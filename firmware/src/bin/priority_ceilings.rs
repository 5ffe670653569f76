//! Lesson 16, priority ceilings: two resources shared at three priorities,
//! each locked by raising BASEPRI to its ceiling. Without the ADC handler's
//! lock of the transmit queue the send handler (TIMER0, from the board's
//! hardware timer in the free run) lands in its update and a message is
//! counted twice. Wired from lessons/16-priority-ceilings/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(
    not(any(feature = "solution", feature = "learner")),
    path = "../../../lessons/16-priority-ceilings/scenario.rs"
)]
#[cfg_attr(
    all(feature = "solution", not(feature = "learner")),
    path = "../../../lessons/16-priority-ceilings/solution.rs"
)]
#[cfg_attr(feature = "learner", path = "../../.learner/priority_ceilings.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(
    priority_ceilings,
    [SUM_MV, SAMPLES, QUEUED, QUEUED_SAMPLES, SENT, SENT_SAMPLES, CONVERSIONS],
    state: [LAST_SUM_MV]
);
