//! irqlab-web: the playground a learner opens. A Yew app built with trunk.
//!
//! `app` holds the App and its context; `state` the State, its Actions and the
//! reducer; `components/` one file per component; `hooks/` the custom hooks.
//! The pure parts (`run`, `timeline_model`, `highlight`,
//! `describe`, `progress`) are tested natively; the components in a browser.
//! build.rs prepares the built-in lessons (compiled, narratives parsed) into
//! the lesson data file the page fetches at start (`data`, `catalog`), so
//! the page carries neither a compiler nor the lessons: edits are checked by
//! the compiler worker (`compiler_worker.rs`, its own wasm).
//! The web crate never reimplements semantics: every fact it shows comes from
//! `irqlab_sim`, and lessons come from `irqlab_lessons`.

pub mod app;
pub mod catalog;
pub mod codec;
pub mod compiled;
pub mod components;
pub mod data;
pub mod describe;
pub mod explorer;
pub mod firmware;
pub mod highlight;
pub mod hooks;
pub mod markdown;
#[cfg(test)]
mod markdown_tree;
/// The page's links, decoded in crates/lessons (pure, fuzzed there).
pub use irqlab_lessons::permalink;
pub mod progress;
pub mod run;
pub mod sort;
pub mod state;
pub mod theme;
pub mod timeline_model;

pub use app::App;
