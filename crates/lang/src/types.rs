//! The types of the subset and how a value of each is laid out as scalar
//! cells: in memory (one `Location` per cell) and in a function (one
//! `Local` per cell). A struct is its fields in order, an array its elements,
//! an `Option` a tag then its payload, a `RefCell` its borrow flag then its
//! value; `Mutex` and `Cell` add nothing.

use irqlab_sim::{LocationKind, Ty};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LTy {
    Scalar(Ty),
    Unit,
    /// The type of `return`, `break`, `loop {}` without break, `panic!()`.
    Never,
    /// `core::sync::atomic::Atomic*` (`portable`: from portable-atomic).
    Atomic {
        ty: Ty,
        portable: bool,
    },
    Array(Box<LTy>, u32),
    /// Index into the crate's struct table.
    Struct(usize),
    Option(Box<LTy>),
    /// `Result<T, T>`, as `compare_exchange` returns.
    Result(Box<LTy>),
    RefCell(Box<LTy>),
    Cell(Box<LTy>),
    /// `critical_section::Mutex` or `cortex_m::interrupt::Mutex`.
    Mutex(Box<LTy>),
    /// heapless 0.8's `spsc::Queue<T, N>`: `head` and `tail`
    /// (`AtomicUsize`), then its N slots (one always stays empty).
    SpscQueue(Box<LTy>, u32),
    /// `spsc::Producer<'_, T, N>` / `spsc::Consumer<'_, T, N>`: no cells of
    /// their own; they point at the crate's one static `Queue<T, N>`.
    SpscEnd {
        producer: bool,
        elem: Box<LTy>,
        n: u32,
    },
    /// The `(Producer, Consumer)` pair `split()` returns.
    SpscPair(Box<LTy>, u32),
    /// `(A, B, ..)`: its elements in order (a local tuple is one local per
    /// cell).
    Tuple(Vec<LTy>),
    /// `core::cell::UnsafeCell<T>`: adds nothing; what `get()` points at is
    /// read and written with plain accesses.
    UnsafeCell(Box<LTy>),
    /// `critical_section::CriticalSection`: a token, no cells.
    CsToken,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructDef {
    pub name: String,
    pub fields: Vec<(String, LTy)>,
    /// `unsafe impl Sync for Name {}`: the author's promise.
    pub sync: bool,
}

/// One scalar cell of a laid-out value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leaf {
    Plain(Ty),
    Atomic(Ty),
    /// An `Option`'s or a `Result`'s discriminant (1 = Some / Ok).
    Tag,
    /// A `RefCell`'s borrow flag.
    Flag,
}

impl Leaf {
    pub fn ty(self) -> Ty {
        match self {
            Leaf::Plain(t) | Leaf::Atomic(t) => t,
            Leaf::Tag => Ty::Bool,
            Leaf::Flag => Ty::I32,
        }
    }
    pub fn kind(self) -> LocationKind {
        match self {
            Leaf::Plain(_) => LocationKind::Plain,
            Leaf::Atomic(_) => LocationKind::Atomic,
            Leaf::Tag => LocationKind::OptionTag,
            Leaf::Flag => LocationKind::BorrowFlag,
        }
    }
}

impl LTy {
    pub fn scalar(&self) -> Option<Ty> {
        match self {
            LTy::Scalar(t) => Some(*t),
            _ => None,
        }
    }

    pub fn is_never(&self) -> bool {
        matches!(self, LTy::Never)
    }

    /// Number of scalar cells.
    pub fn slots(&self, structs: &[StructDef]) -> u32 {
        match self {
            LTy::Scalar(_) | LTy::Atomic { .. } => 1,
            LTy::Unit | LTy::Never => 0,
            LTy::Array(t, n) => t.slots(structs).saturating_mul(*n),
            LTy::Struct(i) => structs.get(*i).map_or(0, |s| s.fields.iter().map(|(_, t)| t.slots(structs)).sum()),
            LTy::Option(t) | LTy::Result(t) | LTy::RefCell(t) => 1 + t.slots(structs),
            LTy::Cell(t) | LTy::Mutex(t) => t.slots(structs),
            LTy::SpscQueue(t, n) => 2 + t.slots(structs).saturating_mul(*n),
            LTy::SpscEnd { .. } | LTy::SpscPair(..) | LTy::CsToken => 0,
            LTy::Tuple(ts) => ts.iter().map(|t| t.slots(structs)).sum(),
            LTy::UnsafeCell(t) => t.slots(structs),
        }
    }

    /// Bytes in memory, each cell at its own size (a `bool` a byte), with
    /// no padding: what an array of scalars takes in a stack frame.
    pub fn bytes(&self, structs: &[StructDef]) -> u32 {
        let mut leaves = Vec::new();
        self.leaves(structs, "", &mut leaves);
        leaves.iter().map(|(_, leaf)| leaf.ty().bits().div_ceil(8)).sum()
    }

    /// The cells in order, each with the path suffix that names it
    /// (`[2]`, `.head`, `.0`).
    pub fn leaves(&self, structs: &[StructDef], prefix: &str, out: &mut Vec<(String, Leaf)>) {
        match self {
            LTy::Scalar(t) => out.push((prefix.to_string(), Leaf::Plain(*t))),
            LTy::Atomic { ty, .. } => out.push((prefix.to_string(), Leaf::Atomic(*ty))),
            LTy::Unit | LTy::Never => {}
            LTy::Array(t, n) => {
                for i in 0..*n {
                    t.leaves(structs, &format!("{prefix}[{i}]"), out);
                }
            }
            LTy::Struct(i) => {
                if let Some(s) = structs.get(*i) {
                    for (name, t) in &s.fields {
                        t.leaves(structs, &format!("{prefix}.{name}"), out);
                    }
                }
            }
            LTy::Option(t) | LTy::Result(t) => {
                out.push((prefix.to_string(), Leaf::Tag));
                t.leaves(structs, &format!("{prefix}.0"), out);
            }
            LTy::RefCell(t) => {
                out.push((format!("{prefix} (borrow flag)"), Leaf::Flag));
                t.leaves(structs, prefix, out);
            }
            LTy::Cell(t) | LTy::Mutex(t) | LTy::UnsafeCell(t) => t.leaves(structs, prefix, out),
            LTy::Tuple(ts) => {
                for (i, t) in ts.iter().enumerate() {
                    t.leaves(structs, &format!("{prefix}.{i}"), out);
                }
            }
            LTy::SpscQueue(t, n) => {
                out.push((format!("{prefix}.head"), Leaf::Atomic(Ty::Usize)));
                out.push((format!("{prefix}.tail"), Leaf::Atomic(Ty::Usize)));
                for i in 0..*n {
                    t.leaves(structs, &format!("{prefix}.buffer[{i}]"), out);
                }
            }
            LTy::SpscEnd { .. } | LTy::SpscPair(..) | LTy::CsToken => {}
        }
    }

    /// Whether the type is or holds an array: such a value lives in its
    /// function's frame (`Function::frame_bytes`).
    pub fn contains_array(&self, structs: &[StructDef]) -> bool {
        match self {
            LTy::Array(..) => true,
            LTy::Tuple(ts) => ts.iter().any(|t| t.contains_array(structs)),
            LTy::Option(t) | LTy::Result(t) => t.contains_array(structs),
            LTy::Struct(i) => structs.get(*i).is_some_and(|s| s.fields.iter().any(|(_, t)| t.contains_array(structs))),
            _ => false,
        }
    }

    /// Whether a value of this type can be copied out of memory (`Copy`).
    pub fn is_copy(&self, structs: &[StructDef]) -> bool {
        match self {
            LTy::Scalar(_) | LTy::Unit | LTy::Never | LTy::CsToken => true,
            LTy::Tuple(ts) => ts.iter().all(|t| t.is_copy(structs)),
            LTy::Array(t, _) | LTy::Option(t) | LTy::Result(t) => t.is_copy(structs),
            // Lesson structs are treated as `#[derive(Clone, Copy)]` plain data.
            LTy::Struct(i) => structs.get(*i).is_some_and(|s| s.fields.iter().all(|(_, t)| t.is_copy(structs))),
            LTy::Atomic { .. }
            | LTy::RefCell(_)
            | LTy::Cell(_)
            | LTy::Mutex(_)
            | LTy::UnsafeCell(_)
            | LTy::SpscQueue(..)
            | LTy::SpscEnd { .. }
            | LTy::SpscPair(..) => false,
        }
    }

    /// The first part of this type that is not `Sync` (an `UnsafeCell`,
    /// `Cell` or `RefCell` outside a `Mutex`, in a struct without `unsafe
    /// impl Sync`), with the types around it, innermost first, in `within`.
    pub fn not_sync(&self, structs: &[StructDef], within: &mut Vec<LTy>) -> Option<LTy> {
        let found = match self {
            LTy::UnsafeCell(_) | LTy::Cell(_) | LTy::RefCell(_) => return Some(self.clone()),
            LTy::Struct(i) => match structs.get(*i) {
                Some(s) if !s.sync => s.fields.iter().find_map(|(_, t)| t.not_sync(structs, within)),
                _ => None,
            },
            LTy::Tuple(ts) => ts.iter().find_map(|t| t.not_sync(structs, within)),
            LTy::Array(t, _) | LTy::Option(t) | LTy::Result(t) => t.not_sync(structs, within),
            _ => None,
        }?;
        if matches!(self, LTy::Struct(_) | LTy::Tuple(_)) {
            within.push(self.clone());
        }
        Some(found)
    }

    /// A heapless `Producer`/`Consumer`, or an `Option` of one: moved
    /// whole by an assignment (it has no cells of its own).
    pub fn is_spsc_end(&self) -> bool {
        match self {
            LTy::SpscEnd { .. } => true,
            LTy::Option(t) => t.is_spsc_end(),
            _ => false,
        }
    }

    /// How rustc writes the type in a message.
    pub fn name(&self, structs: &[StructDef]) -> String {
        match self {
            LTy::Scalar(t) => t.name().to_string(),
            LTy::Unit => "()".into(),
            LTy::Never => "!".into(),
            LTy::Atomic { ty, .. } => atomic_name(*ty).to_string(),
            LTy::Array(t, n) => format!("[{}; {n}]", t.name(structs)),
            LTy::Struct(i) => structs.get(*i).map_or_else(|| "?".into(), |s| s.name.clone()),
            LTy::Option(t) => format!("Option<{}>", t.name(structs)),
            LTy::Result(t) => format!("Result<{}, {}>", t.name(structs), t.name(structs)),
            LTy::RefCell(t) => format!("RefCell<{}>", t.name(structs)),
            LTy::Cell(t) => format!("Cell<{}>", t.name(structs)),
            LTy::Mutex(t) => format!("Mutex<{}>", t.name(structs)),
            LTy::UnsafeCell(t) => format!("UnsafeCell<{}>", t.name(structs)),
            LTy::CsToken => "CriticalSection<'_>".into(),
            LTy::Tuple(ts) => {
                let names: Vec<String> = ts.iter().map(|t| t.name(structs)).collect();
                if names.len() == 1 { format!("({},)", names[0]) } else { format!("({})", names.join(", ")) }
            }
            LTy::SpscQueue(t, n) => format!("Queue<{}, {n}>", t.name(structs)),
            LTy::SpscEnd { producer, elem, n } => {
                format!("{}<'_, {}, {n}>", if *producer { "Producer" } else { "Consumer" }, elem.name(structs))
            }
            LTy::SpscPair(t, n) => {
                let t = t.name(structs);
                format!("(Producer<'_, {t}, {n}>, Consumer<'_, {t}, {n}>)")
            }
        }
    }
}

impl LTy {
    /// How rustc's E0599 names a receiver of this type: `type `u32``,
    /// `struct `AtomicU32``, `enum `Option<T>`` (generic parameters as
    /// declared), `array `[u8; 4]``; `reference `&T`` through `&`.
    pub fn e0599_receiver(&self, structs: &[StructDef], reference: bool) -> String {
        let name = self.name(structs);
        if reference {
            return format!("reference `&{name}`");
        }
        match self {
            LTy::Scalar(_) => format!("type `{name}`"),
            LTy::Atomic { .. } | LTy::Struct(_) | LTy::SpscQueue(..) | LTy::SpscEnd { .. } => {
                format!("struct `{name}`")
            }
            LTy::SpscPair(..) | LTy::Tuple(_) => format!("tuple `{name}`"),
            LTy::CsToken => "struct `CriticalSection<'cs>`".into(),
            LTy::UnsafeCell(_) => "struct `UnsafeCell<T>`".into(),
            LTy::Array(..) => format!("array `{name}`"),
            LTy::Option(_) => "enum `Option<T>`".into(),
            LTy::Result(_) => "enum `Result<T, E>`".into(),
            LTy::RefCell(_) => "struct `RefCell<T>`".into(),
            LTy::Cell(_) => "struct `Cell<T>`".into(),
            LTy::Mutex(_) => "struct `Mutex<T>`".into(),
            LTy::Unit => "unit type `()`".into(),
            LTy::Never => format!("`{name}`"),
        }
    }
}

/// `AtomicU32` for `u32`.
pub fn atomic_name(ty: Ty) -> &'static str {
    match ty {
        Ty::Bool => "AtomicBool",
        Ty::U8 => "AtomicU8",
        Ty::U16 => "AtomicU16",
        Ty::U32 => "AtomicU32",
        Ty::U64 => "AtomicU64",
        Ty::I8 => "AtomicI8",
        Ty::I16 => "AtomicI16",
        Ty::I32 => "AtomicI32",
        Ty::I64 => "AtomicI64",
        Ty::Usize => "AtomicUsize",
        Ty::Isize => "AtomicIsize",
    }
}

/// The scalar type an `Atomic*` type name holds.
pub fn atomic_of(name: &str) -> Option<Ty> {
    [Ty::Bool, Ty::U8, Ty::U16, Ty::U32, Ty::U64, Ty::I8, Ty::I16, Ty::I32, Ty::I64, Ty::Usize, Ty::Isize]
        .into_iter()
        .find(|t| atomic_name(*t) == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mutex_of_a_refcell_of_an_option_is_flag_tag_payload() {
        let structs = vec![StructDef {
            name: "Pair".into(),
            fields: vec![("a".into(), LTy::Scalar(Ty::U8)), ("b".into(), LTy::Scalar(Ty::U16))],
            sync: false,
        }];
        let t = LTy::Mutex(Box::new(LTy::RefCell(Box::new(LTy::Option(Box::new(LTy::Struct(0)))))));
        let mut leaves = Vec::new();
        t.leaves(&structs, "P", &mut leaves);
        let names: Vec<&str> = leaves.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["P (borrow flag)", "P", "P.0.a", "P.0.b"]);
        assert_eq!(t.slots(&structs), 4);
        assert_eq!(leaves[1].1, Leaf::Tag);
    }
}
