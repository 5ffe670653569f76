//! irqlab companion firmware: the `board` vocabulary that lesson code uses
//! (lessons/BOARD.md), one module per board, and the harness that runs a
//! lesson's functions the way its `lesson.toml` says and reports its statics.
//!
//! A lesson bin (src/bin/*.rs) includes the lesson's own `scenario.rs` or
//! `solution.rs` with `#[path]`, names `board` at its root so the lesson's
//! `use crate::board` resolves, and hands a [`Lesson`] to [`harness::run`].
#![no_std]

pub mod arrival;
pub mod board;
mod fault;
pub mod harness;
mod line;

pub use cortex_m_rt::entry;
pub use harness::{Call, Handler, Lesson, Main, Property, Source, Tick, Trigger, Watch};
pub use line::Line;

/// The body of a lesson bin: `lesson_bin!(lost_update, [COUNT, TICKS]);`
/// after `mod lesson;`. It names the lesson's statics to restore and report,
/// includes the wiring build.rs wrote from the lesson's lesson.toml, and
/// hands both to the harness. Statics that are not scalars (a struct, a
/// `Mutex<Cell<..>>`, an array) follow in a second list, `state: [STATS]`:
/// restored before each run, not reported.
#[macro_export]
macro_rules! lesson_bin {
    ($bin:ident, [$($static:ident),* $(,)?]) => {
        $crate::lesson_bin!($bin, [$($static),*], state: []);
    };
    ($bin:ident, [$($static:ident),* $(,)?], state: [$($state:ident),* $(,)?]) => {
        static STATICS: &[$crate::Watch] = &[
            $($crate::Watch::of(stringify!($static), &raw const lesson::$static),)*
            $($crate::Watch::state(stringify!($state), &raw const lesson::$state),)*
        ];

        mod wiring {
            include!(concat!(env!("OUT_DIR"), "/", stringify!($bin), ".rs"));
        }

        #[$crate::entry]
        fn main() -> ! {
            $crate::harness::run(&wiring::LESSON)
        }
    };
}
