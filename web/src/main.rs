//! Starts the playground in the page's `<div id="app">`.

use wasm_bindgen::prelude::wasm_bindgen;

fn main() {
    irqlab_web::app::start();
}

/// For the budgets script (`cargo xtask bench`): a lesson's scenario
/// program as the page sends it to the explorer worker, which the script
/// times there (`[0, "bench", program, min_total_ms]`). The search itself is
/// not in the page's wasm.
#[wasm_bindgen]
pub fn bench_program(lesson: &str) -> Option<Vec<u8>> {
    irqlab_web::explorer::scenario_program(lesson)
}
