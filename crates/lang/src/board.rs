//! The `board` vocabulary of lessons/BOARD.md: the interrupts a lesson may
//! name and the system exceptions of the architecture.

/// Interrupts of the BBC micro:bit v2 (nRF52833) that the board vocabulary
/// offers, with their IRQ numbers in the nRF52833 vector table (Product
/// Specification v1.6, "Instantiation": peripheral ID = IRQ number).
pub const INTERRUPTS: &[(&str, u16)] = &[
    ("UARTE0_UART0", 2),
    ("GPIOTE", 6),
    ("SAADC", 7),
    ("TIMER0", 8),
    ("TIMER1", 9),
    ("RTC0", 11),
    ("SWI0_EGU0", 20),
    ("SWI1_EGU1", 21),
];

/// The interrupts in the order firmware/src/board/mod.rs declares
/// `board::Interrupt`'s variants: rustc suggests the first of equally close
/// names in declaration order.
pub const VOCABULARY_ORDER: &[&str] =
    &["TIMER0", "TIMER1", "RTC0", "GPIOTE", "SWI0_EGU0", "SWI1_EGU1", "UARTE0_UART0", "SAADC"];

/// Every interrupt of the nRF52833's vector table, in IRQ order, as the
/// device crate names them (nrf52833-pac 0.12, `enum Interrupt`). rustc
/// checks `#[interrupt] fn NAME()` against these, and suggests one of them for
/// a misspelled name.
pub const DEVICE_INTERRUPTS: &[&str] = &[
    "POWER_CLOCK",
    "RADIO",
    "UARTE0_UART0",
    "SPIM0_SPIS0_TWIM0_TWIS0_SPI0_TWI0",
    "SPIM1_SPIS1_TWIM1_TWIS1_SPI1_TWI1",
    "NFCT",
    "GPIOTE",
    "SAADC",
    "TIMER0",
    "TIMER1",
    "TIMER2",
    "RTC0",
    "TEMP",
    "RNG",
    "ECB",
    "CCM_AAR",
    "WDT",
    "RTC1",
    "QDEC",
    "COMP_LPCOMP",
    "SWI0_EGU0",
    "SWI1_EGU1",
    "SWI2_EGU2",
    "SWI3_EGU3",
    "SWI4_EGU4",
    "SWI5_EGU5",
    "TIMER3",
    "TIMER4",
    "PWM0",
    "PDM",
    "MWU",
    "PWM1",
    "PWM2",
    "SPIM2_SPIS2_SPI2",
    "RTC2",
    "I2S",
    "FPU",
    "USBD",
    "UARTE1",
    "PWM3",
    "SPIM3",
];

/// System exceptions a handler context may be (`#[exception]`), with their
/// exception numbers (ARMv7-M B1.5.2).
pub const EXCEPTIONS: &[(&str, u16)] = &[("SVCall", 11), ("PendSV", 14), ("SysTick", 15)];

/// The board's name, for messages.
pub const BOARD: &str = "micro:bit v2 (nRF52833)";

/// The exception number of an interrupt or system exception by name.
pub fn exception_number(name: &str) -> Option<u16> {
    INTERRUPTS.iter().find(|(n, _)| *n == name).map(|(_, irq)| 16 + irq).or_else(|| system_exception(name))
}

pub fn system_exception(name: &str) -> Option<u16> {
    EXCEPTIONS.iter().find(|(n, _)| *n == name).map(|(_, e)| *e)
}

pub fn is_interrupt(name: &str) -> bool {
    INTERRUPTS.iter().any(|(n, _)| *n == name)
}

pub fn interrupt_names() -> Vec<&'static str> {
    INTERRUPTS.iter().map(|(n, _)| *n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interrupts_are_numbered_after_the_system_exceptions() {
        assert_eq!(exception_number("TIMER0"), Some(24));
        assert_eq!(exception_number("SysTick"), Some(15));
        assert_eq!(exception_number("TIMER7"), None);
    }

    #[test]
    fn a_typo_finds_the_intended_name() {
        let names = interrupt_names();
        assert_eq!(crate::similar_name::best_match("TIMERO", &names), Some("TIMER0"));
        assert_eq!(crate::similar_name::best_match("gpiote", &names), Some("GPIOTE"));
        assert_eq!(crate::similar_name::best_match("SPIM3", &names), None);
    }
}
