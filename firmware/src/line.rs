//! One line of the report. On a real board (feature `defmt`) a line is one
//! defmt frame: the format string is interned in the ELF's `.defmt` section
//! and only the arguments go over RTT, so `core::fmt` is not linked in for
//! the report. In QEMU a line is text, formatted with `core::fmt` into a
//! [`Line`] and written over semihosting, which `cargo xtask firmware` parses.
//!
//! [`say!`](crate::say) and [`put!`](crate::put) take one format string for
//! both: positional `{}` placeholders only (no `{name}`, no `{:x}`), which
//! core::fmt reads as `Display` and defmt as `Format`, so an argument needs
//! both (integers, `bool`, `char`, `&str`, [`crate::harness::lesson::Value`]).
//! The text is the same either way; QEMU's lines are byte for byte what they
//! were before defmt formatted the boards' lines.

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

    /// Sends the line to the board's log (semihosting: QEMU only).
    #[cfg(not(feature = "defmt"))]
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

/// Where [`put!`](crate::put) writes the parts of a line built piece by
/// piece ([`say_parts`]): defmt's formatter on a real board, a [`Line`] in QEMU.
#[cfg(feature = "defmt")]
pub type Out<'a> = defmt::Formatter<'a>;
#[cfg(not(feature = "defmt"))]
pub type Out<'a> = &'a mut Line;

/// Says one line whose parts `parts` writes with [`put!`](crate::put) (a
/// loop over the lesson's statics, say): one defmt frame on a real board.
#[cfg(feature = "defmt")]
pub fn say_parts(parts: impl Fn(Out<'_>)) {
    struct Parts<F>(F);
    impl<F: Fn(Out<'_>)> defmt::Format for Parts<F> {
        fn format(&self, out: defmt::Formatter<'_>) {
            (self.0)(out);
        }
    }
    defmt::println!("{}", Parts(parts));
}

#[cfg(not(feature = "defmt"))]
pub fn say_parts(parts: impl Fn(Out<'_>)) {
    let mut line = Line::new();
    parts(&mut line);
    line.say();
}

/// Formats and logs one line: `say!("irqlab total runs={}", n)`: a defmt
/// frame on a real board, a semihosting line in QEMU (see the module).
#[cfg(feature = "defmt")]
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        defmt::println!($($arg)*)
    };
}

#[cfg(not(feature = "defmt"))]
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        let mut line = $crate::Line::new();
        let _ = core::fmt::Write::write_fmt(&mut line, format_args!($($arg)*));
        line.say();
    }};
}

/// Writes a part of a line inside [`say_parts`]: `put!(out, " {}={}", name, n)`.
#[cfg(feature = "defmt")]
#[macro_export]
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {
        defmt::write!($out, $($arg)*)
    };
}

#[cfg(not(feature = "defmt"))]
#[macro_export]
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {{
        let _ = core::fmt::Write::write_fmt(&mut *$out, format_args!($($arg)*));
    }};
}
