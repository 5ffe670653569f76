//! Lesson 19, a ring buffer for the handoff: main queues a message's bytes,
//! the UART's transmit handler sends them one per event.
//! Wired from lessons/19-ring-buffer/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/19-ring-buffer/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/19-ring-buffer/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/ring_buffer.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(ring_buffer, [HEAD, TAIL, SENT, SENT_SUM], state: [SLOTS]);
