//! Lesson 12, a peripheral in a Mutex: main moves the UART into a
//! `Mutex<RefCell<Option<Uart>>>` and sends with it; the receive handler
//! echoes every byte with it (RECEIVED against ECHOED).
//! Wired from lessons/12-shared-peripheral/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(
    not(any(feature = "solution", feature = "learner")),
    path = "../../../lessons/12-shared-peripheral/scenario.rs"
)]
#[cfg_attr(
    all(feature = "solution", not(feature = "learner")),
    path = "../../../lessons/12-shared-peripheral/solution.rs"
)]
#[cfg_attr(feature = "learner", path = "../../.learner/shared_peripheral.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

irqlab_firmware::lesson_bin!(shared_peripheral, [RECEIVED, ECHOED], state: [UART]);
