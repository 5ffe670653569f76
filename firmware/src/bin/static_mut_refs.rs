//! Lesson 06, no references to static mut: the ADC handler posts a reading
//! pair through `&raw` pointers and main copies it; the solution keeps the
//! pair in a small `Sync` type over an `UnsafeCell` whose methods take a
//! `CriticalSection` token. Main's copy is what both have in common to watch.
//! Wired from lessons/06-static-mut-refs/lesson.toml by build.rs.
#![no_std]
#![no_main]

#[cfg_attr(
    not(any(feature = "solution", feature = "learner")),
    path = "../../../lessons/06-static-mut-refs/scenario.rs"
)]
#[cfg_attr(
    all(feature = "solution", not(feature = "learner")),
    path = "../../../lessons/06-static-mut-refs/solution.rs"
)]
#[cfg_attr(feature = "learner", path = "../../.learner/static_mut_refs.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;

// The mailbox is restored before each run: two `static mut`s in the
// scenario, the `Reading` abstraction in the solution.
#[cfg(not(all(feature = "solution", not(feature = "learner"))))]
irqlab_firmware::lesson_bin!(static_mut_refs, [SEEN_MV, SEEN_SEQ], state: [READING_MV, READING_SEQ]);
#[cfg(all(feature = "solution", not(feature = "learner")))]
irqlab_firmware::lesson_bin!(static_mut_refs, [SEEN_MV, SEEN_SEQ], state: [READING]);
