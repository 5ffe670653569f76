//! Lesson 02, the lost update: main adds to COUNT three times while the TIMER0
//! handler adds to it too. `COUNT += 1` is a load, an add and a store.
#![no_std]
#![no_main]

#[cfg_attr(not(feature = "solution"), path = "../../../lessons/02-lost-update/scenario.rs")]
#[cfg_attr(feature = "solution", path = "../../../lessons/02-lost-update/solution.rs")]
mod lesson;

// The lesson's `use crate::board` resolves to this (lessons/BOARD.md).
#[allow(unused_imports)]
use irqlab_firmware::board;
use irqlab_firmware::{Handler, Lesson, Main, Source, Trigger, Watch, board::Interrupt, property};

static LOST_UPDATE: Lesson = Lesson {
    bin: "lost_update",
    main: Main { runs: lesson::foreground, times: 3 },
    handlers: &[Handler { interrupt: Interrupt::TIMER0, priority: 1, runs: lesson::on_timer }],
    sources: &[Source { interrupt: Interrupt::TIMER0, trigger: Trigger::Edge }],
    statics: &[Watch::of("COUNT", &raw const lesson::COUNT), Watch::of("TICKS", &raw const lesson::TICKS)],
    properties: &[property!(lesson, 3 + TICKS.load(Ordering::Relaxed) == unsafe { COUNT })],
};

#[cortex_m_rt::entry]
fn main() -> ! {
    irqlab_firmware::harness::run(&LOST_UPDATE)
}
