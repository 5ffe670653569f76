//! What a lesson says around its code (lesson.toml, already parsed by
//! crates/lessons): the target, which function each context runs, the event
//! sources and the properties. Every name carries the span it was written at,
//! so a wrong name gets a diagnostic in lesson.toml.

use irqlab_sim::{PropertyWhen, Span, Target, Trigger};
use serde::{Deserialize, Serialize};

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub name: String,
    pub span: Span,
}

impl Named {
    pub fn new(name: impl Into<String>, span: Span) -> Named {
        Named { name: name.into(), span }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    /// The target triple as written (`thumbv7em-none-eabihf`).
    pub target_triple: String,
    pub target: Target,
    pub cores: u8,
    pub contexts: Vec<ContextSetup>,
    pub sources: Vec<SourceSetup>,
    pub properties: Vec<PropertySetup>,
}

impl Setup {
    /// A setup with no contexts: the code is only checked, as `rustc
    /// --crate-type lib` would, and no program is built.
    pub fn library(target_triple: &str) -> Option<Setup> {
        Some(Setup {
            target_triple: target_triple.to_string(),
            target: Target::from_triple(target_triple)?,
            cores: 1,
            contexts: Vec::new(),
            sources: Vec::new(),
            properties: Vec::new(),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextSetup {
    pub name: Named,
    pub core: u8,
    pub kind: ContextSetupKind,
}

/// One function a thread context calls, `times` times in a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallSetup {
    pub func: Named,
    pub times: u32,
}

/// Externally tagged (serde's default), so a `Setup` decodes from postcard:
/// the web page hands each lesson's setup to its compiler worker that way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContextSetupKind {
    /// Thread mode: calls each function in order.
    Thread {
        calls: Vec<CallSetup>,
        /// The last call loops forever by design (`forever = true`).
        forever: bool,
    },
    /// An interrupt or system exception handler.
    Handler { interrupt: Named, priority: u8, func: Named, enabled: bool },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceSetup {
    /// The interrupt the peripheral raises (its events are named after it).
    pub interrupt: Named,
    pub trigger: Trigger,
    pub max_arrivals: u32,
    /// The source whose first event ends this one's burst (lesson.toml
    /// `ends_before`; `SourceDecl::ends_before`).
    #[serde(default)]
    pub ends_before: Option<Named>,
    /// The bytes the peripheral receives by DMA, one per event (lesson.toml
    /// `dma_bytes`; `SourceDecl::dma`).
    #[serde(default)]
    pub dma_bytes: Option<Vec<u8>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertySetup {
    pub name: String,
    pub when: PropertyWhen,
    /// The Rust boolean expression.
    pub holds: String,
    /// Where the expression's first character is in lesson.toml.
    pub span: Span,
}
