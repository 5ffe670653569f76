//! Lesson 28, DMA owns the buffer: UARTE0 receives two-byte messages by
//! EasyDMA into the buffer `board::uarte_receive` hands it. The harness
//! plays the sender and EasyDMA on every board: each event of UARTE0_UART0
//! is one byte written into the running reception's buffer, only while one
//! runs, and the last byte of the buffer raises ENDRX (lesson.toml
//! `dma_bytes`, lessons/BOARD.md). Wired from
//! lessons/28-dma-buffer/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(not(any(feature = "solution", feature = "learner")), path = "../../../lessons/28-dma-buffer/scenario.rs")]
#[cfg_attr(all(feature = "solution", not(feature = "learner")), path = "../../../lessons/28-dma-buffer/solution.rs")]
#[cfg_attr(feature = "learner", path = "../../.learner/dma_buffer.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(dma_buffer, [GOOD, TORN]);
