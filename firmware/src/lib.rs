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

pub use harness::{Handler, Lesson, Main, Property, Source, Trigger, Watch};
pub use line::Line;

/// Declares one property of the lesson as the Rust expression its
/// `lesson.toml` writes, evaluated over the lesson module's statics.
#[macro_export]
macro_rules! property {
    ($lesson:ident, $($holds:tt)+) => {
        $crate::Property {
            text: stringify!($($holds)+),
            holds: {
                fn holds() -> bool {
                    #[allow(unused_imports)]
                    use core::sync::atomic::Ordering;
                    #[allow(unused_imports)]
                    use $lesson::*;
                    ($($holds)+)
                }
                holds
            },
        }
    };
}
