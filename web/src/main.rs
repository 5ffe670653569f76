//! Starts the playground in the page's `<div id="app">`.

use wasm_bindgen::prelude::wasm_bindgen;

fn main() {
    irqlab_web::app::start();
}

/// For the budgets script (`cargo xtask bench`): the mean time in ms of one
/// complete explorer search of a lesson's scenario, computed in the page
/// over at least `min_total_ms`. Returns -1 for an unknown lesson.
#[wasm_bindgen]
pub fn bench_explore(lesson: &str, min_total_ms: f64) -> f64 {
    irqlab_web::explorer::mean_search_ms(lesson, min_total_ms, || {
        web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
    })
}
