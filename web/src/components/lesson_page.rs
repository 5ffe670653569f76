//! A lesson: narrative and code on one side; controls, timeline, core state,
//! explorer and firmware on the other (stacked on a narrow screen). The
//! debugger layout puts the code and the core state first on the left and
//! the story below them, and trims the head and the hints, so that code,
//! timeline and core state fit one 1280 x 800 screen. Presenter mode
//! (`?present`, the "Presenter mode" button or `p`) is the debugger layout
//! in large type without the story, for a projector.

use yew::prelude::*;

use crate::app::use_app;
use crate::components::{
    CodeEditor, Controls, CoreState, ExplorerPanel, FirmwareTab, Narrative, StepReadout, Timeline, TimelineTable,
};
use crate::state::Action;

#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Timeline,
    Table,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Explorer,
    Firmware,
}

/// How the lesson is laid out: the story first, or the debugger (code and
/// core state beside the controls and timeline, the story below).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    Story,
    Debugger,
}

#[component]
pub fn LessonPage() -> Html {
    let app = use_app();
    let view = use_state(|| View::Timeline);
    let tab = use_state(|| Tab::Explorer);
    let layout = use_state(|| Layout::Story);
    let present = app.present;
    let chosen = *layout == Layout::Debugger;
    let debugger = chosen || present;
    let toggle_present = crate::app::on(&app.dispatcher(), move |_: MouseEvent| Action::Present(!present));
    let toggle_layout = {
        let layout = layout.clone();
        Callback::from(move |_: MouseEvent| layout.set(if chosen { Layout::Story } else { Layout::Debugger }))
    };
    let Some(open) = &app.open else { return html! {} };
    let card = &open.card;
    let pick_view = |v: View| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(v))
    };
    let pick_tab = |t: Tab| {
        let tab = tab.clone();
        Callback::from(move |_: MouseEvent| tab.set(t))
    };
    let copy_link = Callback::from(|_: MouseEvent| {
        let window = gloo::utils::window();
        if let Ok(href) = window.location().href() {
            let _ = window.navigator().clipboard().write_text(&href);
        }
    });
    let stale = open.stale && open.run.is_some();
    html! {
        <article class={classes!("lesson", debugger.then_some("debugger"), present.then_some("presenting"))} aria-labelledby="lesson-title">
            <header class="lesson-head">
                <a class="back" href="#">{ "← All lessons" }</a>
                <h1 id="lesson-title">{ &card.title }</h1>
                <p class="summary">{ &card.summary }</p>
                <p class="covers">
                    { "Topics: " }
                    for c in &card.covers { <span class="topic">{ c }</span> }
                    <button type="button" class="copy-link" onclick={copy_link}
                        title="The address bar always holds a link to this exact moment">{ "Copy link to this step" }</button>
                    <button type="button" class="layout-switch" aria-pressed={debugger.to_string()} onclick={toggle_layout}
                        data-testid="debugger-layout" title="Code, timeline and core state on one screen; the story below">
                        { "Debugger layout" }
                    </button>
                    <button type="button" class="present-switch" aria-pressed={present.to_string()} onclick={toggle_present}
                        data-testid="presenter-mode" title="Large type for a projector, the story hidden; keys: arrows step, Home/End, e explore, r replay, ? help (p)">
                        { "Presenter mode" }
                    </button>
                </p>
            </header>
            <div class="lesson-grid">
                <section class="left" aria-label="Lesson text and code">
                    if debugger {
                        <CodeEditor />
                        <CoreState />
                        // The presenter tells the story; the screen shows the machine.
                        if !present { <Narrative /> }
                    } else {
                        <Narrative />
                        <CodeEditor />
                    }
                </section>
                <section class="right" aria-label="Timeline and tools">
                    <Controls />
                    // The debugger layout reads the step's words below the
                    // timeline, so a long explanation does not push it away.
                    if !debugger { <StepReadout /> }
                    if stale {
                        <p class="stale" role="status">
                            { "⚠ The code has errors: the timeline below is of the last code that compiled." }
                        </p>
                    }
                    if let Some(error) = &open.run_error {
                        <p class="run-error" role="alert">{ format!("This program cannot run: {error}") }</p>
                    }
                    <div class="view-switch" role="group" aria-label="Show the run as">
                        <button type="button" aria-pressed={(*view == View::Timeline).to_string()} onclick={pick_view(View::Timeline)}>{ "Timeline" }</button>
                        <button type="button" aria-pressed={(*view == View::Table).to_string()} onclick={pick_view(View::Table)}>{ "Table" }</button>
                    </div>
                    if *view == View::Timeline { <Timeline /> } else { <TimelineTable /> }
                    if debugger { <StepReadout /> } else { <CoreState /> }
                    <div class="tabs" role="tablist" aria-label="Tools">
                        <button type="button" role="tab" id="tab-explorer" aria-controls="panel-explorer"
                            aria-selected={(*tab == Tab::Explorer).to_string()} onclick={pick_tab(Tab::Explorer)}>{ "Explorer" }</button>
                        <button type="button" role="tab" id="tab-firmware" aria-controls="panel-firmware"
                            aria-selected={(*tab == Tab::Firmware).to_string()} onclick={pick_tab(Tab::Firmware)}>{ "Firmware" }</button>
                    </div>
                    if *tab == Tab::Explorer {
                        <div role="tabpanel" id="panel-explorer" aria-labelledby="tab-explorer"><ExplorerPanel /></div>
                    } else {
                        <div role="tabpanel" id="panel-firmware" aria-labelledby="tab-firmware"><FirmwareTab /></div>
                    }
                </section>
            </div>
        </article>
    }
}
