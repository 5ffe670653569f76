//! Starts the playground in the page's `<div id="app">`.

use wasm_bindgen::prelude::wasm_bindgen;

fn main() {
    irqlab_web::app::start();
}

/// For the budgets script (`cargo xtask bench`): the median time in ms of
/// `runs` complete explorer searches of a lesson's scenario, computed in
/// the page. Returns -1 for an unknown lesson.
#[wasm_bindgen]
pub fn bench_explore(lesson: &str, runs: u32) -> f64 {
    irqlab_web::explorer::median_search_ms(lesson, runs, || {
        web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
    })
}
