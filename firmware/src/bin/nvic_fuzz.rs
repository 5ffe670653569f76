//! Differential NVIC testing (`cargo xtask fuzz-nvic`): runs the scenarios
//! crates/nvic-diff wrote to target/nvic-fuzz/scenarios.bin and prints each
//! one's handler entries and exits (src/harness/nvic.rs).
#![no_std]
#![no_main]

use irqlab_firmware as _;

#[irqlab_firmware::entry]
fn main() -> ! {
    irqlab_firmware::harness::nvic::run(include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/target/nvic-fuzz/scenarios.bin"
    )))
}
