//! Values and their types, with Rust's integer semantics as in a release build:
//! arithmetic wraps (overflow checks are off in the `release` profile), while
//! division by zero and `MIN / -1` still panic (they panic in every profile).

use serde::{Deserialize, Serialize};

/// The scalar types a location or a local can hold. Values are stored as `u64`
/// bit patterns: zero-extended for unsigned types and `bool`, sign-extended for
/// signed ones, so that equal values have equal bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ty {
    Bool,
    U8,
    U16,
    U32,
    U64,
    I8,
    I16,
    I32,
    I64,
    /// 32 bits on every Cortex-M target.
    Usize,
    /// 32 bits on every Cortex-M target.
    Isize,
}

impl Ty {
    pub fn bits(self) -> u32 {
        match self {
            Ty::Bool => 1,
            Ty::U8 | Ty::I8 => 8,
            Ty::U16 | Ty::I16 => 16,
            Ty::U32 | Ty::I32 | Ty::Usize | Ty::Isize => 32,
            Ty::U64 | Ty::I64 => 64,
        }
    }

    pub fn is_signed(self) -> bool {
        matches!(self, Ty::I8 | Ty::I16 | Ty::I32 | Ty::I64 | Ty::Isize)
    }

    /// A 64-bit location is accessed as two 32-bit halves on every Cortex-M
    /// (ARMv7-M A3.5.3: only byte, halfword and word accesses are single-copy
    /// atomic; LDRD/STRD are two word accesses).
    pub fn is_wide(self) -> bool {
        self.bits() == 64
    }

    pub fn name(self) -> &'static str {
        match self {
            Ty::Bool => "bool",
            Ty::U8 => "u8",
            Ty::U16 => "u16",
            Ty::U32 => "u32",
            Ty::U64 => "u64",
            Ty::I8 => "i8",
            Ty::I16 => "i16",
            Ty::I32 => "i32",
            Ty::I64 => "i64",
            Ty::Usize => "usize",
            Ty::Isize => "isize",
        }
    }

    pub fn from_name(name: &str) -> Option<Ty> {
        Some(match name {
            "bool" => Ty::Bool,
            "u8" => Ty::U8,
            "u16" => Ty::U16,
            "u32" => Ty::U32,
            "u64" => Ty::U64,
            "i8" => Ty::I8,
            "i16" => Ty::I16,
            "i32" => Ty::I32,
            "i64" => Ty::I64,
            "usize" => Ty::Usize,
            "isize" => Ty::Isize,
            _ => return None,
        })
    }

    /// The canonical bit pattern of `v` wrapped to this type.
    pub fn wrap(self, v: i128) -> u64 {
        if self == Ty::Bool {
            return u64::from(v != 0);
        }
        let bits = self.bits();
        let mask: u128 = if bits == 64 { u64::MAX as u128 } else { (1u128 << bits) - 1 };
        let raw = (v as u128) & mask;
        if self.is_signed() && bits < 64 && raw & (1u128 << (bits - 1)) != 0 {
            (raw | !mask) as u64
        } else {
            raw as u64
        }
    }

    /// The mathematical value of a canonical bit pattern.
    pub fn value(self, bits: u64) -> i128 {
        if self.is_signed() { i128::from(bits as i64) } else { i128::from(bits) }
    }

    pub fn min(self) -> i128 {
        if self.is_signed() { -(1i128 << (self.bits() - 1)) } else { 0 }
    }

    pub fn max(self) -> i128 {
        match self {
            Ty::Bool => 1,
            t if t.is_signed() => (1i128 << (t.bits() - 1)) - 1,
            t => (1i128 << t.bits()) - 1,
        }
    }

    /// Renders a value the way `{:?}` would in Rust.
    pub fn display(self, bits: u64) -> String {
        match self {
            Ty::Bool => (bits != 0).to_string(),
            t => t.value(bits).to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnOp {
    /// `!x`: logical for bool, bitwise for integers.
    Not,
    /// `-x` (wrapping in release builds).
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    And,
    Or,
    Xor,
    Shl,
    Shr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::And => "&",
            BinOp::Or => "|",
            BinOp::Xor => "^",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(self, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
    }
}

/// The panic message Rust prints, when an operation panics in a release build.
pub type ArithPanic = &'static str;

pub fn unary(op: UnOp, ty: Ty, a: u64) -> u64 {
    match op {
        UnOp::Not if ty == Ty::Bool => u64::from(a == 0),
        UnOp::Not => ty.wrap(!ty.value(a)),
        UnOp::Neg => ty.wrap(-ty.value(a)),
    }
}

/// `ty` is the operand type; comparisons return a `bool` bit pattern.
pub fn binary(op: BinOp, ty: Ty, a: u64, b: u64) -> Result<u64, ArithPanic> {
    let (x, y) = (ty.value(a), ty.value(b));
    Ok(match op {
        BinOp::Add => ty.wrap(x + y),
        BinOp::Sub => ty.wrap(x - y),
        BinOp::Mul => ty.wrap(x * y),
        BinOp::Div | BinOp::Rem => {
            if y == 0 {
                return Err(if op == BinOp::Div {
                    "attempt to divide by zero"
                } else {
                    "attempt to calculate the remainder with a divisor of zero"
                });
            }
            if ty.is_signed() && x == ty.min() && y == -1 {
                return Err(if op == BinOp::Div {
                    "attempt to divide with overflow"
                } else {
                    "attempt to calculate the remainder with overflow"
                });
            }
            ty.wrap(if op == BinOp::Div { x / y } else { x % y })
        }
        BinOp::And => ty.wrap(x & y),
        BinOp::Or => ty.wrap(x | y),
        BinOp::Xor => ty.wrap(x ^ y),
        // Without overflow checks the shift amount is masked to the width
        // (`wrapping_shl`), as rustc emits for release builds.
        BinOp::Shl => ty.wrap(x << (b as u32 % ty.bits().max(1))),
        BinOp::Shr => ty.wrap(x >> (b as u32 % ty.bits().max(1))),
        BinOp::Eq => u64::from(x == y),
        BinOp::Ne => u64::from(x != y),
        BinOp::Lt => u64::from(x < y),
        BinOp::Le => u64::from(x <= y),
        BinOp::Gt => u64::from(x > y),
        BinOp::Ge => u64::from(x >= y),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_wraps_as_in_release_builds() {
        assert_eq!(binary(BinOp::Add, Ty::U8, 255, 1), Ok(0));
        assert_eq!(binary(BinOp::Sub, Ty::U32, 0, 1), Ok(u64::from(u32::MAX)));
        let min = Ty::I32.wrap(i128::from(i32::MIN));
        assert_eq!(binary(BinOp::Sub, Ty::I32, min, 1), Ok(Ty::I32.wrap(i128::from(i32::MAX))));
        assert_eq!(Ty::I8.display(Ty::I8.wrap(200)), "-56");
    }

    #[test]
    fn division_by_zero_panics_even_in_release() {
        assert_eq!(binary(BinOp::Div, Ty::U32, 1, 0), Err("attempt to divide by zero"));
        let min = Ty::I32.wrap(i128::from(i32::MIN));
        let minus_one = Ty::I32.wrap(-1);
        assert_eq!(binary(BinOp::Div, Ty::I32, min, minus_one), Err("attempt to divide with overflow"));
    }

    #[test]
    fn signed_comparison_uses_the_sign() {
        let minus_one = Ty::I32.wrap(-1);
        assert_eq!(binary(BinOp::Lt, Ty::I32, minus_one, 0), Ok(1));
        assert_eq!(binary(BinOp::Lt, Ty::U32, u64::from(u32::MAX), 0), Ok(0));
    }
}
