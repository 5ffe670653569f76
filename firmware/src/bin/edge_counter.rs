//! Lesson 03, the edge counter: the GPIOTE handler counts edges in an atomic,
//! main collects the count and resets it.
#![no_std]
#![no_main]

#[cfg_attr(not(feature = "solution"), path = "../../../lessons/03-edge-counter/scenario.rs")]
#[cfg_attr(feature = "solution", path = "../../../lessons/03-edge-counter/solution.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
use irqlab_firmware::board;
use irqlab_firmware::{Handler, Lesson, Main, Source, Trigger, Watch, board::Interrupt, property};

static EDGE_COUNTER: Lesson = Lesson {
    bin: "edge_counter",
    main: Main { runs: lesson::collect, times: 3 },
    handlers: &[Handler { interrupt: Interrupt::GPIOTE, priority: 1, runs: lesson::on_edge }],
    sources: &[Source { interrupt: Interrupt::GPIOTE, trigger: Trigger::Level }],
    statics: &[
        Watch::of("EDGES", &raw const lesson::EDGES),
        Watch::of("SEEN", &raw const lesson::SEEN),
        Watch::of("TOTAL", &raw const lesson::TOTAL),
    ],
    properties: &[property!(lesson, unsafe { TOTAL } + EDGES.load(Ordering::Relaxed) == SEEN.load(Ordering::Relaxed))],
};

#[cortex_m_rt::entry]
fn main() -> ! {
    irqlab_firmware::harness::run(&EDGE_COUNTER)
}
