//! Component tests in headless Chromium (wasm-bindgen-test): the App and its
//! parts, rendered into the test page and driven with DOM events.
//! Run by `cargo xtask test` (`cargo test -p irqlab-web --target wasm32-unknown-unknown`).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use irqlab_web::{App, catalog, markdown};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, KeyboardEvent, KeyboardEventInit};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The build's lesson data, as the page would fetch it (the test runner
/// serves only the test's own wasm).
fn lessons() -> Vec<catalog::LessonCard> {
    if catalog::lessons().is_empty() {
        let cards = irqlab_web::data::decode(catalog::BUILT).expect("the build's lesson data");
        catalog::install(cards);
    }
    catalog::lessons()
}

/// Lets Yew render and the page's timers (debounces) run.
async fn settle(ms: u64) {
    yew::platform::time::sleep(Duration::from_millis(ms)).await;
}

/// Waits until `ready` holds: Yew renders asynchronously, and on a loaded
/// machine a fixed sleep is sometimes too short. Polls every 10 ms; after
/// 10 s it fails, naming what it waited for.
async fn until(what: &str, mut ready: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if ready() {
            return;
        }
        settle(10).await;
    }
    panic!("waited 10 s, in vain, until {what}");
}

/// Sets the fragment without a `hashchange`, as if the page had loaded with it.
fn load_with(fragment: &str) {
    let window = gloo::utils::window();
    let url = format!("{}{}", window.location().pathname().unwrap_or_default(), fragment);
    window
        .history()
        .expect("history")
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        .expect("replaceState");
}

struct Mounted {
    root: Element,
    handle: Option<yew::AppHandle<App>>,
}

impl Mounted {
    async fn app(fragment: &str) -> Mounted {
        lessons();
        load_with(fragment);
        let document = gloo::utils::document();
        let root = document.create_element("div").expect("div");
        document.body().expect("body").append_child(&root).expect("append");
        let handle = yew::Renderer::<App>::with_root(root.clone()).render();
        let page = Mounted { root, handle: Some(handle) };
        until("the app has rendered", || !page.text("main h1").is_empty()).await;
        page
    }

    fn text(&self, selector: &str) -> String {
        self.root.query_selector(selector).ok().flatten().and_then(|e| e.text_content()).unwrap_or_default()
    }

    fn count(&self, selector: &str) -> u32 {
        self.root.query_selector_all(selector).map(|l| l.length()).unwrap_or(0)
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
    }
}

fn press(target: &web_sys::EventTarget, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    target.dispatch_event(&event).expect("dispatch");
}

async fn the_list_shows_every_lesson_and_a_link_opens_one() {
    let lessons = lessons();
    let page = Mounted::app("").await;
    assert_eq!(page.count(".card"), lessons.len() as u32);
    gloo::utils::window().location().set_hash("#v=2&lesson=lost-update").expect("hash");
    let title = lessons.iter().find(|l| l.id == "04-lost-update").map(|l| l.title.clone()).expect("lesson 04");
    until("lesson 04 opens", || page.text("#lesson-title") == title).await;
    assert!(page.text("[data-testid=readout]").starts_with("Before step 0: reset"));
}

async fn arrows_step_on_the_page_but_edit_in_the_editor() {
    let page = Mounted::app("#v=2&lesson=lost-update").await;
    let readout = || page.text("[data-testid=readout]");
    until("the lesson is at reset", || readout().starts_with("Before step 0")).await;
    let body: web_sys::EventTarget = gloo::utils::body().into();
    press(&body, "ArrowRight");
    press(&body, "ArrowRight");
    until("two steps are taken", || readout().contains("(2 of")).await;
    let editor = page.root.query_selector("textarea.source").ok().flatten().expect("editor");
    press(&editor.clone().into(), "ArrowRight");
    settle(30).await;
    assert!(page.text("[data-testid=readout]").contains("(2 of"), "the editor's arrows do not step");
    press(&body, "ArrowLeft");
    until("one step is taken back", || readout().contains("(1 of")).await;
}

async fn the_timeline_has_a_title_a_description_and_named_focusable_marks() {
    let page = Mounted::app("#v=2&lesson=lost-update&sched=TIMER0@2&step=6").await;
    until("the timeline is drawn", || page.count("g.mark") >= 2).await;
    assert_eq!(page.text("svg.timeline > title"), "Timeline of the run");
    assert!(page.text("svg.timeline > desc").contains("lanes"));
    let marks = page.root.query_selector_all("g.mark").expect("marks");
    assert!(marks.length() >= 2, "an arrival and a preemption");
    for i in 0..marks.length() {
        let mark: Element = marks.item(i).expect("mark").dyn_into().expect("element");
        assert_eq!(mark.get_attribute("tabindex").as_deref(), Some("0"));
        assert!(mark.get_attribute("aria-label").is_some_and(|l| l.len() > 10));
    }
    assert!(page.count("g.mark.arrival") == 1);
    // The same data as a table.
    let table = page.root.query_selector(".view-switch button:nth-child(2)").ok().flatten().expect("table button");
    table.dyn_into::<web_sys::HtmlElement>().expect("button").click();
    until("the table shows the steps", || page.count("table.timeline-table tbody tr") >= 6).await;
    assert_eq!(page.count("tr[aria-current=step]"), 1);
}

// A click on a lesson link changes the address at once; its `hashchange`
// comes later. The page's own debounced rewrite of the address (after a
// step) must not undo the change in between, or the lesson never opens.
async fn a_link_followed_while_the_address_is_being_rewritten_still_opens() {
    let lessons = lessons();
    let page = Mounted::app("#v=2&lesson=lost-update").await;
    let readout = || page.text("[data-testid=readout]");
    until("the lesson is at reset", || readout().starts_with("Before step 0")).await;
    press(&gloo::utils::body().into(), "ArrowRight");
    until("one step is taken", || readout().contains("(1 of")).await;
    // The step schedules a rewrite of the address; the link changes it first.
    load_with("#v=2&lesson=edge-counter");
    settle(400).await;
    let hashchange = web_sys::Event::new("hashchange").expect("event");
    gloo::utils::window().dispatch_event(&hashchange).expect("dispatch");
    let title = lessons.iter().find(|l| l.id == "07-edge-counter").map(|l| l.title.clone()).expect("lesson 07");
    until("lesson 07 opens", || page.text("#lesson-title") == title).await;
}

// "Skip to content" is a link to `#main`: it moves the focus and keeps the
// learner in the lesson.
async fn the_skip_link_keeps_the_lesson_open() {
    let page = Mounted::app("#v=2&lesson=lost-update").await;
    let title = lessons().iter().find(|l| l.id == "04-lost-update").map(|l| l.title.clone()).expect("lesson 04");
    until("lesson 04 is open", || page.text("#lesson-title") == title).await;
    let skip = page.root.query_selector("a.skip").ok().flatten().expect("skip link");
    skip.dyn_into::<web_sys::HtmlElement>().expect("link").click();
    settle(300).await;
    assert_eq!(page.text("#lesson-title"), title, "the same lesson is still open");
    assert_eq!(page.count(".lesson-list"), 0);
}

async fn a_tampered_link_explains_itself_and_falls_back_to_a_lesson() {
    let page = Mounted::app("#v=2&lesson=lost-update&code=%%%").await;
    until("the notice explains the link", || page.text("[data-testid=notice]").contains("damaged")).await;
    assert!(!page.text("#lesson-title").is_empty(), "a lesson is shown, not a blank page");
}

/// The text of `cell` (1: priority, 2: enabled, 3: pending, 4: active) of
/// the NVIC row of `context`, and whether it is marked as changed.
fn nvic_cell(page: &Mounted, context: &str, cell: u32) -> (String, bool) {
    let selector = format!("[data-testid=nvic] tr[data-context={context}] td:nth-of-type({cell})");
    let changed = page.count(&format!("{selector}.changed mark")) == 1;
    let text = page.text(&selector);
    // A changed value is followed by a visually hidden "(changed)".
    assert_eq!(text.ends_with(" (changed)"), changed, "{context}: {text}");
    (text.trim_end_matches(" (changed)").to_string(), changed)
}

fn core_row(page: &Mounted, row: u32) -> String {
    page.text(&format!("table.core-regs tr:nth-child({row}) td")).trim_end_matches(" (changed)").to_string()
}

// The core-state panel reads the step's register snapshot: TIMER0 pends,
// then is entered; each change is marked in the step that made it.
async fn the_core_state_panel_shows_the_nvic_and_marks_what_changed() {
    let page = Mounted::app("#v=2&lesson=lost-update&sched=TIMER0@2").await;
    until("the panel is shown", || page.text("#core-state-title") == "Core state at reset").await;
    assert_eq!(page.count("[data-testid=core-state] .changed"), 0, "nothing changed at reset");
    assert_eq!(nvic_cell(&page, "TIMER0", 2), ("yes".into(), false), "TIMER0 is enabled");
    assert_eq!(nvic_cell(&page, "TIMER0", 3), ("no".into(), false));
    assert_eq!(core_row(&page, 1), "0", "PRIMASK clear");
    assert!(core_row(&page, 3).starts_with("thread mode (256)"), "{}", core_row(&page, 3));
    let at_reset = core_row(&page, 4);
    step_until(&page, "TIMER0 is pending", || nvic_cell(&page, "TIMER0", 3).0 == "yes").await;
    assert_eq!(nvic_cell(&page, "TIMER0", 3), ("yes".into(), true), "the pending bit is marked as changed");
    step_until(&page, "TIMER0 is active", || nvic_cell(&page, "TIMER0", 4).0 == "yes").await;
    assert_eq!(nvic_cell(&page, "TIMER0", 4), ("yes".into(), true), "the active bit is marked as changed");
    assert_eq!(nvic_cell(&page, "TIMER0", 3), ("no".into(), true), "entry cleared the pending bit");
    let stack = core_row(&page, 4);
    assert!(stack.contains("▸ TIMER0: "), "the stack: {stack}");
    // Its bytes: the exception frame (36) and the handler's frame (40)
    // over main's (docs/SEMANTICS.md, "Stack").
    let bytes =
        |s: &str| s.rsplit(": ").next().and_then(|b| b.strip_suffix(" bytes")).and_then(|b| b.parse::<u32>().ok());
    assert_eq!(bytes(&at_reset), Some(40), "main's frame at reset: {at_reset}");
    assert_eq!(bytes(&stack), Some(40 + 36 + 40), "the stack: {stack}");
    assert!(!core_row(&page, 3).starts_with("thread"), "TIMER0 raised the execution priority");
}

/// Steps with → (each step waited for) until `done`, to the end of the run
/// at most.
async fn step_until(page: &Mounted, what: &str, mut done: impl FnMut() -> bool) {
    let body: web_sys::EventTarget = gloo::utils::body().into();
    let at_end = || page.count("[data-testid=step][disabled]") == 1;
    while !at_end() {
        let before = page.text("[data-testid=readout]");
        press(&body, "ArrowRight");
        until(&format!("a step is taken (readout was: {before})"), || page.text("[data-testid=readout]") != before)
            .await;
        if done() {
            return;
        }
    }
    let schedule = page
        .root
        .query_selector("input.schedule")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value());
    panic!(
        "the run ended, and not yet: {what} (schedule {schedule:?}, address {:?})",
        gloo::utils::window().location().hash()
    );
}

/// The App's checks share the page's location and keyboard, and tests of
/// one binary may run concurrently: so they run one after the other here.
#[wasm_bindgen_test]
async fn the_app_in_a_browser() {
    the_list_shows_every_lesson_and_a_link_opens_one().await;
    arrows_step_on_the_page_but_edit_in_the_editor().await;
    the_timeline_has_a_title_a_description_and_named_focusable_marks().await;
    a_link_followed_while_the_address_is_being_rewritten_still_opens().await;
    the_skip_link_keeps_the_lesson_open().await;
    a_tampered_link_explains_itself_and_falls_back_to_a_lesson().await;
    the_core_state_panel_shows_the_nvic_and_marks_what_changed().await;
}

#[component]
fn Narrative(props: &NarrativeProps) -> Html {
    markdown::render(&props.nodes)
}

#[derive(Properties, PartialEq)]
struct NarrativeProps {
    nodes: Vec<markdown::Node>,
}

async fn rendered(nodes: Vec<markdown::Node>) -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("div");
    document.body().expect("body").append_child(&root).expect("append");
    yew::Renderer::<Narrative>::with_root_and_props(root.clone(), NarrativeProps { nodes }).render();
    until("the narrative is rendered", || root.child_element_count() > 0).await;
    root
}

#[wasm_bindgen_test]
async fn lesson_text_never_becomes_markup() {
    use markdown::Node;
    let text = |t: &str| Node::Text(t.into());
    let el = |tag: &str, attrs: &[(&str, &str)], children| Node::El {
        tag: tag.into(),
        attrs: attrs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        children,
    };
    // Text that looks like markup, and elements and attributes the build never makes.
    let tricky = vec![
        el("p", &[], vec![text("<script>window.ran = 1</script>"), text("<img src=x onerror=alert(1)>")]),
        el("script", &[], vec![text("window.ran = 2")]),
        el("a", &[("href", "javascript:alert(1)"), ("onclick", "alert(1)")], vec![text("link")]),
    ];
    let root = rendered(tricky).await;
    assert!(root.query_selector("script").ok().flatten().is_none());
    assert!(root.query_selector("img").ok().flatten().is_none());
    assert!(root.text_content().unwrap_or_default().contains("<script>"), "shown as text");
    assert!(root.query_selector("[onclick], a[href]").ok().flatten().is_none(), "no handler, no javascript: link");
    root.remove();
    // Every built-in narrative: only safe elements, links only to http(s), relative or # targets.
    for lesson in lessons() {
        let root = rendered(lesson.narrative.clone()).await;
        assert!(root.text_content().unwrap_or_default().len() > 100, "{} has a narrative", lesson.id);
        for bad in ["script", "img", "iframe", "style", "[onerror]", "[onclick]"] {
            assert!(root.query_selector(bad).ok().flatten().is_none(), "{}: {bad}", lesson.id);
        }
        let links = root.query_selector_all("a[href]").expect("links");
        for i in 0..links.length() {
            let a: Element = links.item(i).expect("a").dyn_into().expect("element");
            let href = a.get_attribute("href").unwrap_or_default().to_ascii_lowercase();
            assert!(!href.starts_with("javascript:") && !href.starts_with("data:"), "{}: {href}", lesson.id);
        }
        root.remove();
    }
}
