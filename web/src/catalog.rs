//! The built-in lessons as the page shows them. They arrive in the lesson
//! data file (see `data`), fetched at start; natively (tests, benchmarks)
//! the build's copy of the same file is read.

use std::cell::RefCell;
use std::rc::Rc;

use irqlab_sim::Program;

pub use crate::compiled::{Checked, Diagnostic, SCENARIO_FILE};
pub use crate::data::{DataError, LessonCard};

include!(concat!(env!("OUT_DIR"), "/lesson_data.rs"));

/// The build's lesson data, for native tests, the benchmarks and the hook
/// that copies it next to the page. A `const`: only code that names it
/// carries it, and the page never does (it fetches `DATA_FILE`; the size
/// budget would show the bytes).
pub const BUILT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lessons.bin"));

thread_local! {
    /// The lessons once loaded.
    static LOADED: RefCell<Option<Rc<Vec<LessonCard>>>> = const { RefCell::new(None) };
}

/// Keeps the loaded lessons for `lessons()` (and the budgets' `bench_program`).
pub fn install(lessons: Vec<LessonCard>) -> Rc<Vec<LessonCard>> {
    let lessons = Rc::new(lessons);
    LOADED.with(|l| *l.borrow_mut() = Some(lessons.clone()));
    lessons
}

/// The loaded lessons: none in the page before the data file arrived.
pub fn lessons() -> Vec<LessonCard> {
    if let Some(loaded) = LOADED.with(|l| l.borrow().clone()) {
        return (*loaded).clone();
    }
    #[cfg(not(target_arch = "wasm32"))]
    if let Ok(lessons) = crate::data::decode(BUILT) {
        return (*install(lessons)).clone();
    }
    Vec::new()
}

/// Why the page has no lessons: the file could not be fetched, or was not
/// lesson data of this build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    Fetch(String),
    Data(DataError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Fetch(why) => write!(f, "the lesson data `{DATA_FILE}` could not be loaded: {why}"),
            LoadError::Data(e) => write!(f, "{e}"),
        }
    }
}

/// Where the lesson data is: next to boot.js (which says where it is), else
/// next to the page. Same origin, relative: the site works under any base path.
#[cfg(target_arch = "wasm32")]
fn data_url(window: &web_sys::Window) -> String {
    let files = js_sys::Reflect::get(window, &"irqlabFiles".into()).ok().and_then(|v| v.as_string());
    match files {
        Some(base) if base.ends_with('/') => format!("{base}{DATA_FILE}"),
        _ => DATA_FILE.to_string(),
    }
}

/// Fetches the lesson data and installs it.
#[cfg(target_arch = "wasm32")]
pub async fn load() -> Result<Rc<Vec<LessonCard>>, LoadError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let fetch_error = |e: wasm_bindgen::JsValue| LoadError::Fetch(e.as_string().unwrap_or_else(|| format!("{e:?}")));
    let window = web_sys::window().ok_or_else(|| LoadError::Fetch("no window".into()))?;
    let response = JsFuture::from(window.fetch_with_str(&data_url(&window))).await.map_err(fetch_error)?;
    let response: web_sys::Response = response.dyn_into().map_err(fetch_error)?;
    if !response.ok() {
        return Err(LoadError::Fetch(format!("the server answered {} {}", response.status(), response.status_text())));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(fetch_error)?).await.map_err(fetch_error)?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    crate::data::decode(&bytes).map(install).map_err(LoadError::Data)
}

/// A checked piece of code, with the program shared.
#[derive(Clone, Debug, Default)]
pub struct CheckedCode {
    pub program: Option<Rc<Program>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl From<Checked> for CheckedCode {
    fn from(c: Checked) -> CheckedCode {
        CheckedCode { program: c.program.map(Rc::new), diagnostics: c.diagnostics }
    }
}

/// The build's compilation of a lesson's own scenario, when `code` is
/// exactly that; `None` means the compiler worker must check it.
pub fn precompiled(card: &LessonCard, code: &str) -> Option<CheckedCode> {
    (code == card.scenario).then(|| card.checked.clone().into())
}
