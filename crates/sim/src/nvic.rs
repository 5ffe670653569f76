//! Priorities, pending bits and which exception is taken next
//! (ARMv7-M ARM B1.5.4 "Exception priorities and preemption", ARMv6-M ARM B1.5.4).

use serde::{Deserialize, Serialize};

/// The execution priority of thread mode with nothing boosting it: lower
/// urgency than any configurable priority (ARMv7-M B1.5.4: "the base level
/// of execution priority ... is a priority value one greater than the
/// highest configurable priority value").
pub const THREAD_PRIORITY: i16 = 256;

/// One exception's NVIC (or SHPR) state: the bits a learner sees in the
/// NVIC's ISER/ISPR/IABR/IPR registers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExceptionState {
    pub enabled: bool,
    /// A single bit: a second event while set adds nothing (B1.5.2: "pending").
    pub pending: bool,
    pub active: bool,
    /// Logical priority: 0 is the most urgent.
    pub priority: u8,
}

/// ARMv7-M B1.5.4: the execution priority is the most urgent of the active
/// exceptions' priorities, BASEPRI when non-zero, and 0 when PRIMASK is set
/// ("PRIMASK ... raises the execution priority to 0").
pub fn execution_priority(
    active_priorities: impl Iterator<Item = u8>,
    primask: bool,
    basepri_level: Option<u8>,
) -> i16 {
    let mut prio = THREAD_PRIORITY;
    for p in active_priorities {
        prio = prio.min(i16::from(p));
    }
    if let Some(b) = basepri_level {
        prio = prio.min(i16::from(b));
    }
    if primask {
        prio = prio.min(0);
    }
    prio
}

/// ARMv7-M B1.5.4: "an exception with a priority lower in number than the
/// execution priority preempts"; equal priority never preempts.
pub fn preempts(priority: u8, execution_priority: i16) -> bool {
    i16::from(priority) < execution_priority
}

/// The logical level of a raw BASEPRI value; `None` when BASEPRI is 0, which
/// "disables masking by BASEPRI" (ARMv7-M B1.4.3). Unimplemented low bits
/// read as zero, so the level is the top `bits` bits.
pub fn basepri_level(raw: u8, priority_bits: u8) -> Option<u8> {
    let level = raw >> (8 - priority_bits);
    if raw == 0 { None } else { Some(level) }
}

/// The bits of an 8-bit priority or BASEPRI field a device implements: the
/// top `priority_bits` (ARMv7-M B1.5.4, "the priority field ... unimplemented
/// low-order bits read as zero and ignore writes").
pub fn implemented_mask(priority_bits: u8) -> u8 {
    (0xFFu16 << (8 - u16::from(priority_bits.min(8)))) as u8
}

/// The logical priority a raw 8-bit NVIC_IPR / SHPR value selects.
pub fn logical_priority(raw: u8, priority_bits: u8) -> u8 {
    raw >> (8 - priority_bits)
}

/// The raw register value of a logical priority (what `NVIC::set_priority`
/// takes in the cortex-m crate).
pub fn raw_priority(level: u8, priority_bits: u8) -> u8 {
    level << (8 - priority_bits)
}

/// A pending, enabled, not yet active exception, as a candidate to be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub index: usize,
    pub priority: u8,
    pub exception: u16,
}

/// The exception the NVIC takes next among `candidates`: the most urgent
/// priority, and among equal priorities the lowest exception number
/// (ARMv7-M B1.5.4: "if multiple pending exceptions have the same priority
/// ... the pending exception with the lowest exception number takes
/// precedence").
pub fn select(candidates: impl Iterator<Item = Candidate>) -> Option<Candidate> {
    candidates.min_by_key(|c| (c.priority, c.exception))
}
