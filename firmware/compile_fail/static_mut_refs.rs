//! T23: edition 2024 denies references to a `static mut`; `BUF.fill(0)`
//! takes `&mut BUF` behind the scenes.
//! on thumbv7em-none-eabihf: static_mut_refs
#![no_std]

pub static mut BUF: [u8; 4] = [0; 4];

pub fn clear() {
    unsafe { BUF.fill(0) }
}
