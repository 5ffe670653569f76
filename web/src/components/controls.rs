//! Step, back, run, run to end, reset, speed, zoom; the schedule as text;
//! and a slider over the whole run.

use yew::prelude::*;

use crate::app::use_app;
use crate::state::{Action, SPEEDS};

#[component]
pub fn Controls() -> Html {
    let app = use_app();
    let Some(open) = &app.open else { return html! {} };
    let d = app.dispatcher();
    let len = open.steps();
    let at_start = open.step == 0;
    let at_end = open.step >= len;
    let click = |a: Action| crate::app::on(&d, move |_: MouseEvent| a.clone());
    let speed = crate::app::on(&d, |e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        Action::Speed(select.value().parse().unwrap_or(crate::state::DEFAULT_SPEED))
    });
    let slide = crate::app::on(&d, |e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Action::GoTo(input.value().parse().unwrap_or(0))
    });
    let schedule_text = open.schedule_text();
    let set_schedule = crate::app::on(&d, |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Action::SetSchedule(input.value())
    });
    let source = open.program.as_ref().and_then(|p| p.sources.first()).map(|s| s.name.clone());
    html! {
        <div class="controls" role="toolbar" aria-label="Stepping">
            <div class="buttons">
                <button type="button" onclick={click(Action::Reset)} disabled={at_start} aria-keyshortcuts="Home" title="Reset to step 0 (Home)">{ "⟲ Reset" }</button>
                <button type="button" onclick={click(Action::Back)} disabled={at_start} aria-keyshortcuts="ArrowLeft" title="Step back (←)">{ "◀ Back" }</button>
                <button type="button" onclick={click(Action::Step)} disabled={at_end} aria-keyshortcuts="ArrowRight" title="Step forward (→)" data-testid="step">{ "Step ▶" }</button>
                if app.playing {
                    <button type="button" onclick={click(Action::Pause)} aria-keyshortcuts="Space" title="Pause (Space)">{ "❚❚ Pause" }</button>
                } else {
                    <button type="button" onclick={click(Action::Play)} aria-keyshortcuts="Space" title="Run (Space)">{ "▶▶ Run" }</button>
                }
                <button type="button" onclick={click(Action::ToEnd)} disabled={at_end} aria-keyshortcuts="End" title="Run to the end (End)">{ "Run to end ⇥" }</button>
                <label class="speed">
                    { "Speed " }
                    <select onchange={speed} aria-label="Run speed in steps per second">
                        for s in SPEEDS.iter().copied() {
                            <option value={s.to_string()} selected={app.speed == s}>{ format!("{s}/s") }</option>
                        }
                    </select>
                </label>
            </div>
            <label class="scrubber">
                <span class="visually-hidden">{ "Step" }</span>
                <input type="range" min="0" max={len.to_string()} value={open.step.to_string()} oninput={slide}
                    aria-label="Step" aria-valuetext={format!("{} of {len} steps taken", open.step)} />
            </label>
            <div class="schedule-row">
                <label>
                    { "Schedule " }
                    <input type="text" class="schedule" value={schedule_text} onchange={set_schedule}
                        placeholder="TIMER0@12,TIMER0@40" spellcheck="false" aria-describedby="schedule-help"
                        aria-invalid={open.schedule_error.is_some().to_string()} />
                </label>
                if let Some(source) = source {
                    <button type="button" onclick={click(Action::ToggleArrivalHere)} aria-keyshortcuts="i" title="Place or remove an arrival at the current step (i)">
                        { format!("↓ {source} arrives here") }
                    </button>
                }
                <button type="button" onclick={click(Action::ClearSchedule)} disabled={open.schedule.is_empty()}>{ "Clear arrivals" }</button>
                <span class="zoom" role="group" aria-label="Zoom">
                    <button type="button" onclick={click(Action::Zoom(-1))} aria-label="Zoom out (−)">{ "−" }</button>
                    <button type="button" onclick={click(Action::Zoom(1))} aria-label="Zoom in (+)">{ "+" }</button>
                </span>
            </div>
            <p id="schedule-help" class="hint-text">
                if let Some(e) = &open.schedule_error {
                    <span class="error" role="alert">{ e }</span>
                } else {
                    { "NAME@N: the event arrives just before step N (counting from 0). Click a source's lane to place one." }
                }
            </p>
        </div>
    }
}
