//! irqlab-sim: a faithful, deterministic model of one or two Cortex-M cores
//! running a thread-mode loop and interrupt handlers.
//!
//! The pipeline is `Program` (what the code is) -> `Machine` (what the core does,
//! one indivisible step at a time, under a `Schedule` of external events) ->
//! `Trace` (what happened, for a timeline). Nothing here does I/O, and a program
//! that passes `Program::validate` cannot make the machine panic: every failure
//! of the *modelled* code is an `Outcome`, every limit is a `Bound`.
//!
//! The Cortex-M rules live in `machine` (stepping), `nvic` (priorities,
//! pending bits, exception selection), `memory_model` (compiler reordering) and
//! `race` (happens-before and data races). Each rule cites the ARMv7-M / ARMv6-M
//! Architecture Reference Manual where it is implemented.

pub mod build;
pub mod explore;
pub mod memory_model;
pub mod nvic;
pub mod outcome;
pub mod program;
pub mod race;
pub mod reorder;
pub mod schedule;
pub mod session;
pub mod story;
pub mod trace;
pub mod value;

mod machine;

pub use machine::{Bounds, Choice, Machine, Move, StateKey, Status};
pub use outcome::{Bound, Outcome};
pub use program::*;
pub use schedule::{Arrival, ArrivalPoint, Schedule, ScheduleError, ScheduleItem};
pub use session::Session;
pub use trace::{CoreRegisters, Event, Registers, StepKind, StepRecord, Trace};
pub use value::Ty;
