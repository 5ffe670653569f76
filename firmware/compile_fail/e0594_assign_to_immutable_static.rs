//! T22: a plain `static` cannot be assigned; the lost update's COUNT before
//! it was made a `static mut`, an atomic, or a critical-section cell.
//! on thumbv7em-none-eabihf: error[E0594]
#![no_std]

static COUNT: u32 = 0;

pub fn foreground() {
    COUNT += 1;
}
