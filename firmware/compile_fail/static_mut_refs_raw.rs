//! T23, the way out: a raw pointer from `&raw mut` is not a reference, and
//! `COUNT += 1` on a `static mut` reads and writes it in place.
//! on thumbv7em-none-eabihf: ok
#![no_std]

pub static mut BUF: [u8; 4] = [0; 4];
pub static mut COUNT: u32 = 0;

pub fn clear() {
    let buf = &raw mut BUF;
    unsafe { (*buf).fill(0) };
    unsafe { COUNT += 1 };
}
