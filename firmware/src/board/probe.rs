//! What the real boards share: the log is defmt over RTT (read by
//! `probe-rs run`), and a replay offset can only come in at build time.

use defmt_rtt as _;

pub fn log(line: &str) {
    defmt::println!("{=str}", line);
}

/// `IRQLAB_REPLAY_AT=N cargo run --release --features replay --bin NAME`.
pub fn replay_offset() -> Option<u32> {
    option_env!("IRQLAB_REPLAY_AT")?.trim().parse().ok()
}
