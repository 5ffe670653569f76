//! The explorer's native time on a lesson, printed as JSON, for
//! `cargo xtask bench` to compare with the same search in the browser.
//! Usage: explore_native [LESSON] [RUNS]

use std::time::Instant;

use irqlab_sim::explore::{ExploreConfig, Explorer};

fn main() {
    let mut args = std::env::args().skip(1);
    let id = args.next().unwrap_or_else(|| "02-lost-update".to_string());
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(21);
    let Some(lesson) = irqlab_lessons::builtin().into_iter().find(|l| l.id == id) else {
        eprintln!("explore_native: no built-in lesson `{id}`");
        std::process::exit(2);
    };
    let Some(program) = lesson.compile(&lesson.scenario, "scenario.rs").program else {
        eprintln!("explore_native: lesson `{id}`'s scenario does not compile");
        std::process::exit(2);
    };
    let mut times = Vec::with_capacity(runs);
    let mut states = 0;
    for _ in 0..runs {
        let start = Instant::now();
        match Explorer::new(program.clone(), ExploreConfig::default()) {
            Ok(mut explorer) => states = explorer.run().states,
            Err(e) => {
                eprintln!("explore_native: {e}");
                std::process::exit(2);
            }
        }
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!("{{\"lesson\":\"{id}\",\"median_ms\":{:.4},\"states\":{states},\"runs\":{runs}}}", times[runs / 2]);
}
