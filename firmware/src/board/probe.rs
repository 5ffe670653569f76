//! What the real boards share: the log is defmt over RTT (read by
//! `probe-rs run`), and a replay offset can only come in at build time.

use defmt_rtt as _;

pub fn log(line: &str) {
    defmt::println!("{=str}", line);
}

/// A real board has no command line: `at` and `from` come in at build time,
/// `IRQLAB_REPLAY_AT=N cargo run --release --features replay --bin NAME`.
pub fn argument(key: &str) -> Option<u32> {
    let value = match key {
        "at" => option_env!("IRQLAB_REPLAY_AT"),
        "from" => option_env!("IRQLAB_SWEEP_FROM"),
        _ => None,
    };
    value?.trim().parse().ok()
}
