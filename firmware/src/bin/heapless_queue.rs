//! Lesson 20, heapless's SPSC queue: the ADC handler owns the producer of a
//! `heapless::spsc::Queue<u16, 2>` and main its consumer; a burst of two
//! conversions fills the queue (capacity N - 1 = 1), and the scenario's
//! handler ignores the `Err` that hands the third sample back. Wired from
//! lessons/20-heapless-queue/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(
    not(any(feature = "solution", feature = "learner")),
    path = "../../../lessons/20-heapless-queue/scenario.rs"
)]
#[cfg_attr(
    all(feature = "solution", not(feature = "learner")),
    path = "../../../lessons/20-heapless-queue/solution.rs"
)]
#[cfg_attr(feature = "learner", path = "../../.learner/heapless_queue.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(
    heapless_queue,
    [TAKEN, DROPPED, RECEIVED, LAST, GARBLED],
    state: [Q, PRODUCER, CONSUMER]
);
