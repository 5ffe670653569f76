//! The items of other crates that the front end knows by canonical path.

/// Paths the front end gives a meaning to (types, functions, constants).
const KNOWN: &[&str] = &[
    "core::sync::atomic::Ordering",
    "core::sync::atomic::fence",
    "core::sync::atomic::compiler_fence",
    "portable_atomic::Ordering",
    "portable_atomic::fence",
    "portable_atomic::compiler_fence",
    "core::cell::RefCell",
    "core::cell::Cell",
    "core::option::Option",
    "core::option::Option::Some",
    "core::option::Option::None",
    "core::mem::drop",
    "core::ptr::read_volatile",
    "core::ptr::write_volatile",
    "critical_section::with",
    "critical_section::Mutex",
    "critical_section::CriticalSection",
    "cortex_m::interrupt::free",
    "cortex_m::interrupt::disable",
    "cortex_m::interrupt::enable",
    "cortex_m::interrupt::Mutex",
    "cortex_m::asm::wfi",
    "cortex_m::asm::dsb",
    "cortex_m::asm::isb",
    "cortex_m::asm::dmb",
    "cortex_m::asm::nop",
    "cortex_m::asm::wfe",
    "cortex_m::asm::sev",
    "cortex_m::asm::delay",
    "cortex_m::register::basepri::read",
    "cortex_m::register::basepri::write",
    "cortex_m::register::basepri_max::write",
    "cortex_m::peripheral::NVIC",
    "cortex_m::peripheral::SCB",
    "cortex_m::register::primask::read",
    "board::Interrupt",
    "board::clear_event",
    "board::event_pending",
    "board::busy",
    "board::basepri",
    "heapless::spsc::Queue",
    "heapless::spsc::Producer",
    "heapless::spsc::Consumer",
];

pub fn is_known(canonical: &str) -> bool {
    KNOWN.contains(&canonical)
        || canonical.starts_with("core::sync::atomic::Atomic")
        || canonical.starts_with("portable_atomic::Atomic")
        || canonical.starts_with("core::sync::atomic::Ordering::")
        || canonical.starts_with("board::Interrupt::")
}

/// Names in Rust's prelude, by their canonical path.
pub fn prelude(name: &str) -> Option<&'static str> {
    Some(match name {
        "Some" => "core::option::Option::Some",
        "None" => "core::option::Option::None",
        "Option" => "core::option::Option",
        "drop" => "core::mem::drop",
        _ => return None,
    })
}
