//! "Try every arrival point": runs the explorer on the current code (in the
//! explorer worker, so the page stays responsive), with progress, cancel, the counts,
//! the outcome histogram, each property's verdict and "replay counterexample".

use irqlab_sim::explore::{Report, Verdict};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::app::use_app;
use crate::hooks::{ExplorerStatus, use_explorer};
use crate::state::Action;

fn verdict_words(v: &Verdict) -> (&'static str, &'static str, &'static str) {
    match v {
        Verdict::Holds => ("✓", "holds on every schedule", "verdict holds"),
        Verdict::Violated => ("✗", "violated", "verdict violated"),
        Verdict::Unknown => ("?", "unknown: a bound cut the search", "verdict unknown"),
    }
}

/// `x` with one decimal, without pulling float formatting into the wasm.
fn tenths(x: f64) -> String {
    let t = (x * 10.0).round() as i64;
    format!("{}.{}", t / 10, (t % 10).abs())
}

/// A lesson that asks the learner to find a failing arrival first: the
/// tries they have left, and the button that shows the counterexamples now.
struct Held {
    left: u32,
    show: Callback<MouseEvent>,
}

fn report_html(
    report: &Report,
    elapsed_ms: f64,
    cancelled: bool,
    replay: &Callback<usize>,
    held: Option<&Held>,
) -> Html {
    // Something is kept back only when the search found a counterexample.
    let held = held.filter(|_| report.properties.iter().any(|p| p.counterexample.is_some()));
    let total: u64 = report.outcomes.iter().map(|o| o.count).sum::<u64>().max(1);
    let pruned = if report.naive_schedules > 0.0 {
        format!(
            "{}× fewer than the {} schedules of plain enumeration",
            tenths(report.naive_schedules / (report.schedules.max(1) as f64)),
            report.naive_schedules.round() as u64
        )
    } else {
        String::new()
    };
    html! {
        <div class="report" data-testid="explorer-report">
            <p class="search-status" role="status">
                if cancelled {
                    { "Cancelled: these are partial results." }
                } else if report.complete {
                    { format!("Complete: every arrival point tried in {} ms.", elapsed_ms.round() as u64) }
                } else {
                    { format!("Stopped by the {} bound: partial results, no proof.", report.cut_by.map_or("search", |b| b.name())) }
                }
            </p>
            <dl class="counts">
                <div><dt>{ "Schedules" }</dt><dd>{ report.schedules }</dd></div>
                <div><dt>{ "Distinct states" }</dt><dd>{ report.states }</dd></div>
                <div><dt>{ "Pruning" }</dt><dd>{ pruned }</dd></div>
                // Only when a property reads the stack depth (lesson 26).
                if let Some(bytes) = report.max_stack_bytes {
                    <div data-testid="worst-stack">
                        <dt>{ if report.complete { "Worst-case stack" } else { "Deepest stack so far" } }</dt>
                        <dd>{ format!("{bytes} bytes") }</dd>
                    </div>
                }
            </dl>
            <h3>{ "Properties" }</h3>
            <ul class="verdicts">
                for (i, p) in report.properties.iter().enumerate() {
                    {{
                        let (glyph, words, class) = verdict_words(&p.verdict);
                        let onclick = { let replay = replay.clone(); Callback::from(move |_: MouseEvent| replay.emit(i)) };
                        html! {
                            <li class={class}>
                                <span class="glyph" aria-hidden="true">{ glyph }</span>
                                <strong>{ &p.name }</strong>{ ": " }{ words }
                                if p.counterexample.is_some() && held.is_some() {
                                    { " (a counterexample exists: find it yourself first)" }
                                } else if let Some(c) = &p.counterexample {
                                    { format!(" (shortest counterexample: {} steps) ", c.steps) }
                                    <button type="button" {onclick} data-testid="replay">{ "Replay counterexample" }</button>
                                    if !c.story.is_empty() {
                                        <details class="story" data-testid="story">
                                            <summary>{ "How it goes, step by step" }</summary>
                                            <ol>
                                                for l in c.story.iter() {
                                                    <li>
                                                        if !l.who.is_empty() {
                                                            <span class="story-step">{ format!("step {}", l.step) }</span>
                                                            { " " }<strong>{ &l.who }</strong>{ ": " }
                                                        }
                                                        { &l.text }
                                                        if let Some(n) = l.line {
                                                            <span class="story-line">{ format!(" (line {n})") }</span>
                                                        }
                                                    </li>
                                                }
                                            </ol>
                                        </details>
                                    }
                                }
                            </li>
                        }
                    }}
                }
            </ul>
            if let Some(held) = held {
                <p class="held" data-testid="held">
                    { format!(
                        "This lesson asks you to find a failing arrival yourself: place an interrupt on the timeline (or type a schedule) and step through the run. The explorer's counterexample is shown after {} more {}, or when your own run fails. ",
                        held.left,
                        if held.left == 1 { "try" } else { "tries" }
                    ) }
                    <button type="button" onclick={held.show.clone()} data-testid="show-counterexamples">{ "Show me the counterexample" }</button>
                </p>
            }
            <h3>{ "Outcomes over all schedules" }</h3>
            <table class="histogram">
                <thead><tr><th scope="col">{ "Final values" }</th><th scope="col">{ "Found" }</th><th scope="col">{ "Schedules" }</th></tr></thead>
                <tbody>
                    for o in report.outcomes.iter() {
                        <tr>
                            <td>{ o.finals.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ") }</td>
                            <td>{ if o.labels.is_empty() { "—".to_string() } else { o.labels.join(", ") } }</td>
                            <td class="count">
                                <meter min="0" max={total.to_string()} value={o.count.to_string()} />
                                { format!(" {} ({}%)", o.count, (100 * o.count + total / 2) / total) }
                            </td>
                        </tr>
                    }
                </tbody>
            </table>
        </div>
    }
}

/// Scrolls the timeline (or its table) into view and moves the focus there,
/// so the replay is seen and the arrow keys step it.
fn show_timeline() {
    let document = gloo::utils::document();
    if let Ok(Some(view)) = document.query_selector("#timeline, .table-wrap") {
        view.scroll_into_view();
        if let Ok(view) = view.dyn_into::<web_sys::HtmlElement>() {
            let _ = view.focus();
        }
    }
}

#[component]
pub fn ExplorerPanel() -> Html {
    let app = use_app();
    // Code that waits for its check, or has errors, has no program yet: the
    // explorer waits rather than answer for the code before the edit.
    let checking = app.open.as_ref().is_some_and(|o| o.checking());
    let broken = app.open.as_ref().is_some_and(|o| o.stale && !o.checking());
    let program = app.open.as_ref().and_then(|o| if o.stale || o.checking() { None } else { o.program.clone() });
    let handle = use_explorer(program.clone());
    let dispatcher = app.dispatcher();
    // A complete search with every property holding is a proof: record it.
    {
        let dispatcher = dispatcher.clone();
        let proven = matches!(&handle.status, ExplorerStatus::Done { report, cancelled: false, .. }
            if report.complete && !report.properties.is_empty() && report.properties.iter().all(|p| p.verdict == Verdict::Holds));
        use_effect_with(proven, move |&proven| {
            if proven {
                dispatcher.dispatch(Action::Proven);
            }
        });
    }
    let held = app.open.as_ref().filter(|o| o.counterexamples_held()).map(|o| Held {
        left: o.card.find_first.saturating_sub(o.tries),
        show: {
            let dispatcher = dispatcher.clone();
            Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::ShowCounterexamples))
        },
    });
    let start = handle.start.reform(|_: MouseEvent| ());
    let cancel = handle.cancel.reform(|_: MouseEvent| ());
    // What was replayed last, said next to the report: the timeline it
    // loaded is elsewhere on the page.
    let replayed = use_state(|| None::<String>);
    let replay = {
        let status = handle.status.clone();
        let dispatcher = dispatcher.clone();
        let replayed = replayed.clone();
        Callback::from(move |i: usize| {
            if let ExplorerStatus::Done { report, .. } = &status
                && let Some(p) = report.properties.get(i)
                && let Some(c) = &p.counterexample
            {
                dispatcher.dispatch(Action::Replay(c.schedule.clone()));
                replayed.set(Some(format!(
                    "Replaying the counterexample to “{}” ({} steps) in the timeline, from step 0: step with → or press Run.",
                    p.name, c.steps
                )));
                show_timeline();
            }
        })
    };
    html! {
        <div class="explorer">
            <p>{ "The explorer runs this code under every arrival point of every interrupt (and every reordering the compiler may make), merging runs that reach the same state." }</p>
            { match &handle.status {
                ExplorerStatus::Running { states, schedules, elapsed_ms } => html! {
                    <div class="running">
                        <p role="status" data-testid="explorer-progress">
                            { format!("Searching… {schedules} schedules, {states} states, {} s", tenths(elapsed_ms / 1000.0)) }
                        </p>
                        <progress aria-label="Search in progress" />
                        <button type="button" onclick={cancel}>{ "Cancel" }</button>
                    </div>
                },
                ExplorerStatus::Done { report, elapsed_ms, cancelled } => html! {
                    <>
                        <button type="button" onclick={start} disabled={program.is_none()}>{ "Try every arrival point again" }</button>
                        <p class="replayed" role="status" data-testid="replayed">{ (*replayed).clone().unwrap_or_default() }</p>
                        { report_html(report, *elapsed_ms, *cancelled, &replay, held.as_ref()) }
                    </>
                },
                ExplorerStatus::Failed(e) => html! { <p class="error" role="alert">{ format!("The explorer cannot run this program: {e}") }</p> },
                ExplorerStatus::Idle => html! {
                    <>
                        <button type="button" class="primary" onclick={start} disabled={program.is_none()} data-testid="explore">
                            { "Try every arrival point" }
                        </button>
                        if checking || broken {
                            <p class="explorer-waits" role="status" data-testid="explorer-waits">
                                { if checking { "Waiting for the edited code to compile…" } else { "The code has errors: the explorer waits for code that compiles." } }
                            </p>
                        }
                    </>
                },
            } }
        </div>
    }
}
