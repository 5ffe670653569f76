//! Lesson 07, the edge counter: the GPIOTE handler counts edges in an atomic,
//! main collects the count and resets it.
//! Wired from lessons/07-edge-counter/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/07-edge-counter/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/07-edge-counter/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/edge_counter.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(edge_counter, [EDGES, SEEN, TOTAL]);
