//! What a lesson bin declares: which function thread mode runs and how often,
//! which function each interrupt runs at which priority, the event sources,
//! the statics to restore and report, and the properties (lesson.toml).

use core::fmt;
use core::sync::atomic::{self, Ordering};

use crate::board::Interrupt;

/// Written by build.rs from the lesson's lesson.toml (see `lesson_bin!`),
/// except `statics`, which the bin names.
pub struct Lesson {
    /// The bin's name (lesson.toml `[firmware] bin`).
    pub bin: &'static str,
    /// The lesson's directory under lessons/.
    pub lesson: &'static str,
    /// The boards lesson.toml promises (`[firmware] boards`).
    pub boards: &'static [&'static str],
    pub main: Main,
    /// Thread mode of the second core, for a two-core lesson.
    pub core1: Option<Main>,
    pub handlers: &'static [Handler],
    pub sources: &'static [Source],
    /// The lesson's SysTick handler (lesson.toml: a SysTick context and
    /// source). The board's arrival generator is SysTick itself, so the
    /// handler runs inside it, at the most urgent level, on its events.
    pub systick: Option<Tick>,
    /// Every static of the lesson: restored before each run, reported after.
    pub statics: &'static [Watch],
    pub properties: &'static [Property],
    /// Whether the lesson's scenario can break a property (its challenge's
    /// "break it"); a solution never may. The simulator predicts the same.
    pub scenario_breaks: bool,
}

/// Thread mode: each call in order (lesson.toml `runs`/`times`, or `calls`).
pub struct Main {
    pub calls: &'static [Call],
    /// The last call is a `loop {}` that never returns (lesson.toml
    /// `forever`): the supervisor ends each run (see `forever`).
    pub forever: bool,
}

/// `runs` is called `times` times in a row.
pub struct Call {
    pub runs: fn(),
    pub times: u32,
}

impl Main {
    /// Calls in all, the last value of `PHASE` before done.
    pub fn total(&self) -> u32 {
        self.calls.iter().map(|c| c.times).sum()
    }
}

/// An interrupt handler: `runs` is called on `interrupt` at `priority`
/// (0 is the most urgent; the board's arrival generator sits above them all).
pub struct Handler {
    pub interrupt: Interrupt,
    pub priority: u8,
    pub runs: fn(),
    /// Unmasked in the NVIC when a run starts; false for a lesson whose own
    /// code calls `NVIC::unmask` (lesson.toml `enabled`).
    pub enabled: bool,
}

/// The lesson's SysTick exception handler and its events per run.
pub struct Tick {
    pub runs: fn(),
    pub max_arrivals: u32,
}

/// An event source (lesson.toml `[[source]]`).
pub struct Source {
    pub interrupt: Interrupt,
    pub trigger: Trigger,
    /// At most this many events per run, as the explorer assumes.
    pub max_arrivals: u32,
    /// A burst: all of this source's events come before the first event of
    /// that interrupt (lesson.toml `ends_before`), as the explorer assumes.
    pub ends_before: Option<Interrupt>,
    /// The UART receives by DMA (lesson.toml `dma_bytes`): each event is
    /// the next of these bytes, written into the buffer of the reception
    /// `board::uarte_receive` started (`board::dma_byte`).
    pub dma: Option<&'static [u8]>,
}

/// How the peripheral drives its interrupt line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// A pulse: taking the interrupt consumes the event.
    Edge,
    /// Asserted while the event flag is set: the handler must clear it.
    Level,
}

/// A property of lesson.toml, as the Rust expression it writes.
pub struct Property {
    pub name: &'static str,
    pub text: &'static str,
    /// `at = "always"`: also checked at every arrival, not only at the end.
    pub always: bool,
    pub holds: fn() -> bool,
}

/// One static of the lesson: where it is, how big, how to read it.
pub struct Watch {
    pub name: &'static str,
    pub(crate) at: *const u8,
    pub(crate) size: usize,
    pub(crate) read: Option<unsafe fn(*const u8) -> Value>,
}

// SAFETY: a Watch only names a static; the harness reads and writes it with
// the lesson's interrupts masked, or reads it like the lesson would.
unsafe impl Sync for Watch {}

impl Watch {
    /// A scalar static, restored before each run and reported after it.
    pub const fn of<T: Scalar>(name: &'static str, at: *const T) -> Watch {
        Watch { name, at: at.cast(), size: size_of::<T>(), read: Some(read_scalar::<T>) }
    }

    /// Any other static (an array, a queue): restored, not reported.
    pub const fn state<T>(name: &'static str, at: *const T) -> Watch {
        Watch { name, at: at.cast(), size: size_of::<T>(), read: None }
    }

    pub fn value(&self) -> Option<Value> {
        // SAFETY: `at` points to a static of the type `read` was made for.
        self.read.map(|read| unsafe { read(self.at) })
    }
}

unsafe fn read_scalar<T: Scalar>(at: *const u8) -> Value {
    // SAFETY: the caller passes the address of a `T` static.
    unsafe { T::value(at.cast()) }
}

/// A value the report prints the way lesson.toml and the simulator write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Bool(bool),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{v}"),
        }
    }
}

/// The same text over defmt (real boards): `3`, `true`.
#[cfg(feature = "defmt")]
impl defmt::Format for Value {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self {
            Value::Int(v) => defmt::write!(f, "{=i64}", v),
            Value::Bool(v) => defmt::write!(f, "{=bool}", v),
        }
    }
}

/// Types of statics the harness can report.
pub trait Scalar {
    /// # Safety
    /// `at` must point to a live value of this type.
    unsafe fn value(at: *const Self) -> Value;
}

macro_rules! plain {
    ($($t:ty),*) => {$(
        impl Scalar for $t {
            unsafe fn value(at: *const Self) -> Value {
                // SAFETY: the caller's contract; volatile because a handler may write it.
                Value::Int(unsafe { at.read_volatile() } as i64)
            }
        }
    )*};
}
plain!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl Scalar for bool {
    unsafe fn value(at: *const Self) -> Value {
        // SAFETY: the caller's contract.
        Value::Bool(unsafe { at.read_volatile() })
    }
}

macro_rules! atomic {
    ($($t:ty),*) => {$(
        impl Scalar for $t {
            unsafe fn value(at: *const Self) -> Value {
                // SAFETY: the caller's contract.
                Value::Int(unsafe { &*at }.load(Ordering::SeqCst) as i64)
            }
        }
    )*};
}
atomic!(atomic::AtomicU8, atomic::AtomicU16, atomic::AtomicU32, atomic::AtomicUsize);
atomic!(atomic::AtomicI8, atomic::AtomicI16, atomic::AtomicI32, atomic::AtomicIsize);
atomic!(portable_atomic::AtomicU8, portable_atomic::AtomicU16, portable_atomic::AtomicU32);
atomic!(portable_atomic::AtomicU64, portable_atomic::AtomicI32, portable_atomic::AtomicUsize);

/// A scalar in a `critical_section::Mutex<Cell<_>>` (lesson 05's fix), read
/// the way the lesson reads it: through the token of a critical section.
impl<T: Scalar + Copy> Scalar for critical_section::Mutex<core::cell::Cell<T>> {
    unsafe fn value(at: *const Self) -> Value {
        // SAFETY: the caller's contract.
        let cell = unsafe { &*at };
        let v = critical_section::with(|cs| cell.borrow(cs).get());
        // SAFETY: `v` is a live `T`.
        unsafe { T::value(&v) }
    }
}

impl Scalar for atomic::AtomicBool {
    unsafe fn value(at: *const Self) -> Value {
        // SAFETY: the caller's contract.
        Value::Bool(unsafe { &*at }.load(Ordering::SeqCst))
    }
}

impl Scalar for portable_atomic::AtomicBool {
    unsafe fn value(at: *const Self) -> Value {
        // SAFETY: the caller's contract.
        Value::Bool(unsafe { &*at }.load(Ordering::SeqCst))
    }
}

/// The most statics and properties a lesson reports (fixed-size tallies).
pub const MAX_STATICS: usize = 8;
pub const MAX_PROPERTIES: usize = 8;

impl Lesson {
    pub fn handler(&self, interrupt: Interrupt) -> Option<&Handler> {
        self.handlers.iter().find(|h| h.interrupt == interrupt)
    }

    pub fn source(&self, interrupt: Interrupt) -> Option<&Source> {
        self.sources.iter().find(|s| s.interrupt == interrupt)
    }

    /// A bin that declares more than the harness can hold says so at boot.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.statics.iter().filter(|w| w.read.is_some()).count() > MAX_STATICS {
            return Err("more than 8 reported statics");
        }
        if self.properties.len() > MAX_PROPERTIES {
            return Err("more than 8 properties");
        }
        if self.statics.iter().map(|w| w.size).sum::<usize>() > super::snapshot::CAPACITY {
            return Err("the statics are larger than the snapshot buffer");
        }
        if self.sources.is_empty() && self.systick.is_none() {
            return Err("a lesson needs at least one event source");
        }
        Ok(())
    }

    pub fn variant(&self) -> &'static str {
        if cfg!(feature = "solution") { "solution" } else { "scenario" }
    }

    /// What the lesson promises for the variant built: `broken` when some
    /// arrival point breaks a property, `held` when none does.
    pub fn expected(&self) -> &'static str {
        if self.scenario_breaks && !cfg!(feature = "solution") { "broken" } else { "held" }
    }

    /// The statics' values and which properties hold, right now.
    pub fn observe(&self) -> ([Option<Value>; MAX_STATICS], [bool; MAX_PROPERTIES]) {
        let mut values = [None; MAX_STATICS];
        for (slot, watch) in values.iter_mut().zip(self.statics.iter().filter(|w| w.read.is_some())) {
            *slot = watch.value();
        }
        let mut holds = [true; MAX_PROPERTIES];
        let broken = super::broken_at_arrival();
        for (k, (slot, property)) in holds.iter_mut().zip(self.properties).enumerate() {
            *slot = (property.holds)() && broken & (1 << k) == 0;
        }
        (values, holds)
    }
}
