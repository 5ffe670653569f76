//! The App: the reducer, its context, the global hooks and the page frame.

use yew::prelude::*;

use crate::catalog;
use crate::components::{HelpDialog, LessonList, LessonPage, NoticeBanner, TopBar};
use crate::hooks::{use_compiler, use_permalink, use_player, use_shortcuts};
use crate::progress::Progress;
use crate::state::State;

/// What components get from `use_context`: the state and its dispatcher.
pub type AppContext = UseReducerHandle<State>;

/// The context, for components (always provided by `App`).
#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("App provides the AppContext to every component")
}

/// How many steps fit the window: about 28 px per step after the lane labels.
fn initial_view() -> usize {
    let width = web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).unwrap_or(1024.0);
    ((width.min(1400.0) - 160.0) / 28.0).max(8.0) as usize
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| State::new(catalog::lessons(), Progress::load(), initial_view()));
    use_shortcuts(state.dispatcher());
    use_player(state.playing, state.speed, state.dispatcher());
    use_permalink(&state);
    let request = state.open.as_ref().filter(|o| o.checking()).map(|o| (o.card.id.clone(), o.code.clone()));
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
