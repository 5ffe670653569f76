//! Peripheral registers, read and written at their documented addresses.
//! Each board module names the registers it uses after its chip's manual.

/// Writes a peripheral register.
pub fn write(address: usize, value: u32) {
    // SAFETY: every caller passes a register address from its chip's manual;
    // a store there has only that register's documented effect.
    unsafe { (address as *mut u32).write_volatile(value) }
}

/// Reads a peripheral register.
pub fn read(address: usize) -> u32 {
    // SAFETY: as in `write`; the registers read here have no read side effect.
    unsafe { (address as *const u32).read_volatile() }
}
