//! Lesson 24, a safe abstraction: main and the button handler record events
//! in an `EventLog` over an `UnsafeCell` whose `unsafe impl Sync` promises
//! more than its `record` keeps; the solution's methods take a
//! `CriticalSection` token. Main takes the lesson's `Display` singleton
//! (`Display::take()`, built like `cortex_m::Peripherals::take()`) once per
//! run. The log is checked against the handler's own count of presses. Wired
//! from lessons/24-safe-abstraction/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(
    not(any(feature = "solution", feature = "learner")),
    path = "../../../lessons/24-safe-abstraction/scenario.rs"
)]
#[cfg_attr(
    all(feature = "solution", not(feature = "learner")),
    path = "../../../lessons/24-safe-abstraction/solution.rs"
)]
#[cfg_attr(feature = "learner", path = "../../.learner/safe_abstraction.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

// The log is restored before each run and read through the lesson's own
// `logged()` by the property; the press count is reported. `TAKEN`, the
// display's flag, is restored too: each run's main takes the display anew.
irqlab_firmware::lesson_bin!(safe_abstraction, [PRESSES], state: [LOG, TAKEN]);
