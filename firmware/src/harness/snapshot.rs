//! The lesson's statics as they were at boot, so that every run starts from
//! the same state without resetting the board.

use super::Watch;

pub const CAPACITY: usize = 512;

pub struct Snapshot {
    bytes: [u8; CAPACITY],
}

impl Snapshot {
    /// Nothing yet (a static's initial value, before `take`).
    pub const fn empty() -> Snapshot {
        Snapshot { bytes: [0; CAPACITY] }
    }

    /// Copies every watched static; call before the first run.
    pub fn take(statics: &[Watch]) -> Snapshot {
        let mut bytes = [0; CAPACITY];
        let mut at = 0;
        for watch in statics {
            for i in 0..watch.size {
                // SAFETY: `watch.at .. watch.at + size` is the static's memory.
                bytes[at + i] = unsafe { watch.at.add(i).read_volatile() };
            }
            at += watch.size;
        }
        Snapshot { bytes }
    }

    /// Writes the boot values back. Call with the lesson's interrupts masked.
    pub fn restore(&self, statics: &[Watch]) {
        let mut at = 0;
        for watch in statics {
            for i in 0..watch.size {
                let byte = watch.at.wrapping_add(i).cast_mut();
                // SAFETY: as in `take`. Only a byte that changed is written, so
                // an immutable static is never written; a changed one is a
                // `static mut` or interior-mutable (an atomic, a cell), and no
                // other context runs while interrupts are masked.
                unsafe {
                    if byte.read_volatile() != self.bytes[at + i] {
                        byte.write_volatile(self.bytes[at + i]);
                    }
                }
            }
            at += watch.size;
        }
    }
}
