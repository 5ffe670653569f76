//! The explorer's native time on a lesson, printed as JSON, for
//! `cargo xtask bench` to compare with the same search in the browser
//! (in the explorer worker, same method: warm-up, then a mean over at least
//! MIN_TOTAL_MS). Usage: explore_native [LESSON] [MIN_TOTAL_MS]

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let id = args.next().unwrap_or_else(|| "04-lost-update".to_string());
    let min_total_ms: f64 = args.next().and_then(|r| r.parse().ok()).unwrap_or(200.0);
    let start = Instant::now();
    let now = || start.elapsed().as_secs_f64() * 1000.0;
    let program = irqlab_web::explorer::scenario_program(&id)
        .and_then(|bytes| irqlab_web::codec::decode::<irqlab_sim::Program>(&bytes).ok());
    let ms = program.map_or(-1.0, |program| irqlab_web::explorer::mean_search_ms(&program, min_total_ms, now));
    if ms < 0.0 {
        eprintln!("explore_native: no built-in lesson `{id}` with a compiling scenario");
        std::process::exit(2);
    }
    println!("{{\"lesson\":\"{id}\",\"mean_ms\":{ms:.5}}}");
}
