//! The App: it loads the lesson data, then the Playground: the reducer, its
//! context, the global hooks and the page frame.

use std::rc::Rc;

use yew::prelude::*;

use crate::catalog;
use crate::components::{HelpDialog, LessonList, LessonPage, NoticeBanner, TopBar};
use crate::hooks::{
    CompileRequest, present_in_address, use_compiler, use_permalink, use_player, use_present, use_shortcuts,
};
use crate::progress::Progress;
use crate::state::State;

/// What components get from `use_context`: the state and its dispatcher.
pub type AppContext = UseReducerHandle<State>;

/// The context, for components (always provided by `App`).
#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("App provides the AppContext to every component")
}

/// The zoom at start: the steps a window this wide shows at about 28 px a
/// step. The timeline draws no more than fit its own panel (`timeline::layout`).
fn initial_view() -> usize {
    let width = web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).unwrap_or(1024.0);
    ((width.min(1400.0) - 160.0) / 28.0).max(8.0) as usize
}

/// Where the lesson data is.
#[derive(Clone, Debug)]
enum Lessons {
    Loading,
    Failed(String),
    Ready(Rc<Vec<catalog::LessonCard>>),
}

/// Loads the lesson data (once per page), then shows the playground; a
/// clear message, never a blank page, when the data cannot be had.
#[component]
pub fn App() -> Html {
    let lessons = use_state(|| {
        let loaded = catalog::lessons();
        if loaded.is_empty() { Lessons::Loading } else { Lessons::Ready(Rc::new(loaded)) }
    });
    {
        let lessons = lessons.clone();
        use_effect_with((), move |_| {
            if matches!(*lessons, Lessons::Loading) {
                load(lessons);
            }
        });
    }
    match &*lessons {
        Lessons::Loading => html! {
            <main id="main" class="loading" aria-busy="true">
                <p class="boot" role="status">{ "Loading the lessons…" }</p>
            </main>
        },
        Lessons::Failed(why) => html! {
            <main id="main" class="load-failed">
                <div class="notice" role="alert" data-testid="load-error">
                    <h1>{ "irqlab could not load its lessons" }</h1>
                    <p>{ format!("{why}.") }</p>
                    <p>{ "Reload the page to try again. If you serve the site yourself, copy every file of the build (the lesson data file sits next to the .wasm files)." }</p>
                </div>
            </main>
        },
        Lessons::Ready(cards) => html! { <Playground lessons={cards.clone()} /> },
    }
}

#[cfg(target_arch = "wasm32")]
fn load(lessons: UseStateHandle<Lessons>) {
    wasm_bindgen_futures::spawn_local(async move {
        lessons.set(match catalog::load().await {
            Ok(cards) => Lessons::Ready(cards),
            Err(e) => Lessons::Failed(e.to_string()),
        });
    });
}

/// Natively `catalog::lessons()` has the build's data, so this is not reached.
#[cfg(not(target_arch = "wasm32"))]
fn load(lessons: UseStateHandle<Lessons>) {
    lessons.set(Lessons::Failed("no lesson data in this build".into()));
}

#[derive(Debug, Properties)]
pub struct PlaygroundProps {
    pub lessons: Rc<Vec<catalog::LessonCard>>,
}

/// The same loaded lessons, not equal ones: comparing every program would
/// cost time and code for nothing.
impl PartialEq for PlaygroundProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.lessons, &other.lessons)
    }
}

/// The playground, once the lessons are there.
#[component]
pub fn Playground(props: &PlaygroundProps) -> Html {
    let lessons = props.lessons.clone();
    let state = use_reducer(move || {
        let mut state = State::new((*lessons).clone(), Progress::load(), initial_view());
        state.present = present_in_address();
        state
    });
    use_shortcuts(state.dispatcher());
    use_player(state.playing, state.speed, state.dispatcher());
    use_permalink(&state);
    use_present(state.present);
    let request = state
        .open
        .as_ref()
        .filter(|o| o.checking())
        .map(|o| CompileRequest { card: o.card.clone(), code: o.code.clone() });
    use_compiler(request, state.dispatcher());

    let page = if state.open.is_some() {
        html! { <LessonPage /> }
    } else {
        html! { <LessonList /> }
    };
    html! {
        <ContextProvider<AppContext> context={state.clone()}>
            <a class="skip" href="#main">{ "Skip to content" }</a>
            <TopBar />
            <NoticeBanner />
            <main id="main" tabindex="-1">{ page }</main>
            if state.help { <HelpDialog /> }
        </ContextProvider<AppContext>>
    }
}

/// Renders the App into `#app` (or the body when the page has none).
pub fn start() {
    let root = gloo::utils::document().get_element_by_id("app");
    match root {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}

/// A callback that dispatches the action `f` makes of an event.
pub fn on<E: 'static>(
    dispatcher: &UseReducerDispatcher<State>,
    f: impl Fn(E) -> crate::state::Action + 'static,
) -> Callback<E> {
    let dispatcher = dispatcher.clone();
    Callback::from(move |e: E| dispatcher.dispatch(f(e)))
}
