//! Lesson 01, the superloop: main polls TIMER0's event flag and handles it
//! itself. No handler runs, so nothing interleaves with main.
#![no_std]
#![no_main]

#[cfg_attr(not(feature = "solution"), path = "../../../lessons/01-superloop/scenario.rs")]
#[cfg_attr(feature = "solution", path = "../../../lessons/01-superloop/solution.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
use irqlab_firmware::board;
use irqlab_firmware::{Lesson, Main, Source, Trigger, Watch, board::Interrupt, property};

static SUPERLOOP: Lesson = Lesson {
    bin: "superloop",
    main: Main { runs: lesson::superloop_pass, times: 3 },
    handlers: &[],
    sources: &[Source { interrupt: Interrupt::TIMER0, trigger: Trigger::Level }],
    statics: &[Watch::of("SEEN", &raw const lesson::SEEN)],
    properties: &[property!(lesson, unsafe { SEEN } <= 3)],
};

#[cortex_m_rt::entry]
fn main() -> ! {
    irqlab_firmware::harness::run(&SUPERLOOP)
}
