//! The lesson data file: everything the page shows of the built-in lessons
//! (cards, narratives, code, the scenario's compiled program, the firmware
//! bin's source and the lesson's companion program) and the setup the
//! compiler worker checks edits against, written by build.rs, served next to
//! the wasm and fetched by the page at start, so none of it sits in the
//! page's or the worker's wasm.
//!
//! Format: postcard of `(DATA_VERSION, Vec<LessonCard>)`. The version comes
//! first, so a page meeting a file of another build says so instead of
//! misreading it.

use serde::{Deserialize, Serialize};

use crate::compiled::Checked;

/// Bump when `LessonCard`, `Node` or `Checked` change shape.
pub const DATA_VERSION: u32 = 3;

/// A lesson as the page needs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonCard {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub covers: Vec<String>,
    pub scenario: String,
    pub solution: String,
    pub hints: Vec<String>,
    pub break_it: String,
    pub fix_it: String,
    /// Schedules of their own the learner runs before the explorer's
    /// counterexamples are shown (lesson.toml's `find_first`; 0: at once).
    pub find_first: u32,
    pub firmware_bin: String,
    pub boards: Vec<String>,
    /// The README up to its `## Why the fix works` section (the story),
    /// parsed at build time into a tree of safe elements.
    pub narrative: Vec<Node>,
    /// That section and what follows: the spoiler, shown once the learner's
    /// code is proven or the solution is shown. Empty when there is none.
    pub why_it_works: Vec<Node>,
    /// The build's check of `scenario`.
    pub checked: Checked,
    /// The lesson's setup (`irqlab_lang::Setup`: contexts, sources,
    /// properties) in postcard, which the page does not read: it sends the
    /// bytes with each edit to the compiler worker, so the worker carries
    /// no lesson.
    pub setup: Vec<u8>,
    /// The source of `firmware_bin`, when the build found it.
    pub firmware_source: Option<String>,
    /// The lesson's plain program for a real board, firmware/examples/<bin>.rs
    /// (`cargo xtask companions`), when the build found it.
    pub companion_source: Option<String>,
}

/// A node of a narrative: text, or an element with attributes and children.
/// Only elements and attributes `markdown_tree` produces (all safe) appear.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Node {
    Text(String),
    El { tag: String, attrs: Vec<(String, String)>, children: Vec<Node> },
}

/// A link target kept in a narrative: http(s), relative or `#`; `None`
/// for any other scheme (`javascript:`, `data:`...).
pub fn safe_href(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':').map(|(s, _)| s) {
        None | Some("http" | "https") => Some(url.to_string()),
        // A colon after a path, query or fragment character is not a scheme.
        Some(s) if s.contains(['/', '#', '?']) => Some(url.to_string()),
        Some(_) => None,
    }
}

/// Why the lesson data could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataError {
    /// The file is of another build of the page.
    Version {
        found: u32,
    },
    Damaged(String),
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataError::Version { found } => write!(
                f,
                "the lesson data is version {found}, this page reads version {DATA_VERSION} (the page and its data come from different builds)"
            ),
            DataError::Damaged(why) => write!(f, "the lesson data is damaged ({why})"),
        }
    }
}

pub fn encode(lessons: &[LessonCard]) -> Result<Vec<u8>, String> {
    crate::codec::encode(&(DATA_VERSION, lessons))
}

pub fn decode(bytes: &[u8]) -> Result<Vec<LessonCard>, DataError> {
    let (found, rest) =
        postcard::take_from_bytes::<u32>(bytes).map_err(|e| DataError::Damaged(format!("no version: {e}")))?;
    if found != DATA_VERSION {
        return Err(DataError::Version { found });
    }
    let lessons: Vec<LessonCard> = crate::codec::decode(rest).map_err(DataError::Damaged)?;
    if lessons.is_empty() {
        return Err(DataError::Damaged("it holds no lesson".into()));
    }
    Ok(lessons)
}

/// The file's name: its content's hash in it, so a browser never keeps an
/// old copy for a new page (the page learns the name at build time).
pub fn file_name(bytes: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    // `DefaultHasher::new()` hashes alike in every program built by the same
    // Rust: build.rs for the wasm page and for the native example that
    // copies the file into trunk's output get the same name.
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("lessons-{:016x}.bin", hasher.finish())
}
