//! The boards the firmware builds for: the cargo feature that selects each,
//! its target, and for the QEMU machines the machine arguments (the same as
//! firmware/.cargo/config.toml gives to `cargo run` for people).

#[derive(Debug)]
pub struct Board {
    pub feature: &'static str,
    /// The board's name in firmware/README.md's tables.
    pub name: &'static str,
    pub target: &'static str,
    /// `qemu-system-arm` arguments choosing the machine; None for a real board.
    pub qemu: Option<&'static [&'static str]>,
    /// Extra `cargo` arguments of its builds: the Pico links with flip-link,
    /// which firmware/.cargo/config.toml cannot give it alone (its target,
    /// thumbv6m, is also QEMU's microbit's), as the `cargo pico` alias does.
    pub cargo: &'static [&'static str],
}

pub const BOARDS: &[Board] = &[
    Board { feature: "microbit-v2", name: "micro:bit v2", target: "thumbv7em-none-eabihf", qemu: None, cargo: &[] },
    Board {
        feature: "pico",
        name: "Pico",
        target: "thumbv6m-none-eabi",
        qemu: None,
        cargo: &["--config", "target.thumbv6m-none-eabi.linker = 'flip-link'"],
    },
    Board {
        feature: "qemu-lm3s6965",
        name: "lm3s6965evb",
        target: "thumbv7m-none-eabi",
        qemu: Some(&["-cpu", "cortex-m3", "-machine", "lm3s6965evb"]),
        cargo: &[],
    },
    Board {
        feature: "qemu-microbit",
        name: "microbit (nRF51)",
        target: "thumbv6m-none-eabi",
        qemu: Some(&["-machine", "microbit"]),
        cargo: &[],
    },
    Board {
        feature: "qemu-an521",
        name: "mps2-an521",
        target: "thumbv7m-none-eabi",
        qemu: Some(&["-machine", "mps2-an521"]),
        cargo: &[],
    },
];

/// Which lesson file a bin includes, and how its interrupts arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Variant {
    pub solution: bool,
    /// The arrival sweep and replay (`replay` feature) instead of the free run.
    pub replay: bool,
}

impl Variant {
    pub const ALL: [Variant; 4] = [
        Variant { solution: false, replay: false },
        Variant { solution: true, replay: false },
        Variant { solution: false, replay: true },
        Variant { solution: true, replay: true },
    ];

    pub fn file(self) -> &'static str {
        if self.solution { "solution" } else { "scenario" }
    }

    pub fn mode(self) -> &'static str {
        if self.replay { "sweep" } else { "free" }
    }

    pub fn features(self, board: &Board) -> String {
        let mut features = board.feature.to_string();
        if self.solution {
            features.push_str(",solution");
        }
        if self.replay {
            features.push_str(",replay");
        }
        features
    }
}
