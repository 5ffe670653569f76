//! One line of the report, formatted without a heap, then handed to the
//! board's log (semihosting in QEMU, defmt over RTT on a real board).

use core::fmt::{self, Write};

/// A fixed-size text line; what does not fit is cut, never a panic.
pub struct Line {
    bytes: [u8; 160],
    len: usize,
}

impl Line {
    pub const fn new() -> Line {
        Line { bytes: [0; 160], len: 0 }
    }

    pub fn as_str(&self) -> &str {
        // Only whole UTF-8 characters are ever copied in (see `write_str`).
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }

    /// Sends the line to the board's log.
    pub fn say(&self) {
        crate::board::log(self.as_str());
    }
}

impl Default for Line {
    fn default() -> Line {
        Line::new()
    }
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            let mut utf8 = [0; 4];
            let c = c.encode_utf8(&mut utf8).as_bytes();
            if self.len + c.len() > self.bytes.len() {
                return Ok(());
            }
            self.bytes[self.len..self.len + c.len()].copy_from_slice(c);
            self.len += c.len();
        }
        Ok(())
    }
}

/// Formats and logs one line: `say!("irqlab total runs={}", n)`.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        let mut line = $crate::Line::new();
        let _ = core::fmt::Write::write_fmt(&mut line, format_args!($($arg)*));
        line.say();
    }};
}
