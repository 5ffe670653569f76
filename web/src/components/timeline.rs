//! The timeline: one lane per context (grouped by core), bars for what each
//! context does, pending spans, marks for arrivals, preemption, tail-chains
//! and outcomes, the PRIMASK/BASEPRI band, a cycle axis and the statics'
//! values. Only the visible window of steps is drawn.
//!
//! Click a source's lane (a handler's, or a polled source's own lane; or
//! focus it and press Enter) to place an arrival;
//! activate an arrival mark to remove it. Every mark is focusable and has an
//! accessible name; hovering or focusing one shows it in words below.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::app::use_app;
use crate::run::Run;
use crate::state::{Action, State};
use crate::timeline_model::{Lane, Mark, MarkKind, TimelineModel};

pub const LABEL_W: i64 = 124;
pub const COL: i64 = 28;
const AXIS_H: i64 = 26;
const LANE_H: i64 = 30;
const BAND_H: i64 = 20;
const MEM_H: i64 = 22;

/// The window of positions drawn: centred on the cursor, clamped to the run.
pub fn window(step: usize, len: usize, view: usize) -> (usize, usize) {
    let total = len + 1;
    let start = step.saturating_sub(view / 2).min(total.saturating_sub(view));
    (start, (start + view).min(total))
}

fn x(col: i64, start: usize, position: usize) -> i64 {
    LABEL_W + (position - start) as i64 * col
}

/// The position a click at `px` (SVG units) lands on: the nearest step boundary.
pub fn position_at(px: f64, col: i64, start: usize, end: usize) -> usize {
    let (label, col) = (LABEL_W as f64, col as f64);
    let p = ((px - label) / col).round().max(0.0) as usize + start;
    p.min(end.saturating_sub(1))
}

fn lane_y(i: usize) -> i64 {
    AXIS_H + i as i64 * LANE_H
}

fn mark_html(
    mark: &Mark,
    col: i64,
    start: usize,
    dispatch: &UseReducerDispatcher<State>,
    focus: &UseStateHandle<Option<String>>,
) -> Html {
    let cx = x(col, start, mark.position);
    let cy = lane_y(mark.lane) + 9;
    let words = mark.words.clone();
    let activate = {
        let dispatch = dispatch.clone();
        let item = mark.item;
        let position = mark.position;
        move || match item {
            Some(item) => dispatch.dispatch(Action::RemoveItem(item)),
            None => dispatch.dispatch(Action::GoTo(position + 1)),
        }
    };
    let onclick = {
        let activate = activate.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            activate();
        })
    };
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if matches!(e.key().as_str(), "Enter" | " " | "Delete" | "Backspace") {
            e.prevent_default();
            e.stop_propagation();
            activate();
        }
    });
    let show = {
        let focus = focus.clone();
        let words = words.clone();
        Callback::from(move |_| focus.set(Some(words.clone())))
    };
    let show_hover = {
        let show = show.clone();
        Callback::from(move |_: MouseEvent| show.emit(()))
    };
    let show_focus = Callback::from(move |_: FocusEvent| show.emit(()));
    let role_words = if mark.item.is_some() { words.clone() } else { format!("{words} Activate to go to this step.") };
    html! {
        <g class={mark.kind.class()} tabindex="0" role="button" aria-label={role_words}
            {onclick} {onkeydown} onmouseenter={show_hover} onfocus={show_focus}
            transform={format!("translate({cx} {cy})")}>
            <title>{ &words }</title>
            if matches!(mark.kind, MarkKind::Arrival { .. }) {
                <line class="mark-stem" x1="0" y1="-9" x2="0" y2={(LANE_H - 8).to_string()} />
            }
            <circle r="8.5" />
            <text class="mark-glyph" y="4" text-anchor="middle">{ mark.kind.glyph() }</text>
        </g>
    }
}

fn lane_label(lane: &Lane) -> String {
    match (lane.context, lane.priority) {
        (None, _) => format!("{} (event)", lane.name),
        (Some(_), Some(p)) => format!("{} (prio {p})", lane.name),
        (Some(_), None) => format!("{} (thread)", lane.name),
    }
}

/// The colour class of a lane's context (a source's lane has its own).
fn lane_class(lane: &Lane) -> String {
    lane.context.map_or_else(|| "source-lane".to_string(), |c| format!("ctx-{}", c.0 % 8))
}

#[derive(Properties, PartialEq)]
struct LanesProps {
    model: Rc<TimelineModel>,
    run: Rc<Run>,
    start: usize,
    end: usize,
    step: usize,
    /// Width of one step in px.
    col: i64,
    /// How large the drawing is shown, in percent of its own units (150 in
    /// presenter mode: 12 px labels read as 18 px).
    scale: i64,
}

/// The drawn part of the timeline; memoised on the window and the cursor.
#[component]
fn Drawing(props: &LanesProps) -> Html {
    let app = use_app();
    let dispatch = app.dispatcher();
    let focus = use_state(|| None::<String>);
    let LanesProps { model, run, start, end, step, col, scale } = props;
    let (start, end, step, col, scale) = (*start, *end, *step, *col, *scale);
    let width = LABEL_W + (end - start) as i64 * col + 12;
    let lanes_h = model.lanes.len() as i64 * LANE_H;
    let band_y = AXIS_H + lanes_h + 6;
    let mem_y = band_y + model.cores as i64 * BAND_H + 6;
    let height = mem_y + model.memory.len() as i64 * MEM_H + 8;
    let program = &run.program;

    let on_lane_click = |lane: &Lane| {
        let dispatch = dispatch.clone();
        let source = lane.source;
        let run = run.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(source) = source else { return };
            // The rect itself: Yew delegates events, so the current target is the app's root.
            let Some(target) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
            let Some(svg) = target.closest("svg").ok().flatten() else { return };
            let rect = svg.get_bounding_client_rect();
            let scale = if rect.width() > 0.0 { width as f64 / rect.width() } else { 1.0 };
            let px = (f64::from(e.client_x()) - rect.left()) * scale;
            let position = position_at(px, col, start, end);
            dispatch.dispatch(Action::ToggleArrival { source, index: run.step_index_at(position) });
        })
    };
    let on_lane_key = |lane: &Lane| {
        let dispatch = dispatch.clone();
        let source = lane.source;
        let index = run.step_index_at(step);
        Callback::from(move |e: KeyboardEvent| {
            if let Some(source) = source
                && matches!(e.key().as_str(), "Enter" | " ")
            {
                e.prevent_default();
                e.stop_propagation();
                dispatch.dispatch(Action::ToggleArrival { source, index });
            }
        })
    };

    let ticks_every = if col >= 40 { 2 } else { 4 };
    let desc = format!(
        "{} lanes ({}), steps {} to {} shown ({} steps in the run), the cursor {}; {} marks in the whole run. Marks: ↓ arrival, ⤵ preemption, ↷ tail-chain, ⇥ late arrival, ⇄ compiler reordering, ! outcome. Hatched bars are exception entry and return, outlined bars are preempted handlers, dashed bars are pending.",
        model.lanes.len(),
        model.lanes.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", "),
        run.step_index_at(start),
        end.checked_sub(1).and_then(|last| run.trace.get(last)).map_or(0, |r| r.index),
        model.len,
        match step.checked_sub(1).and_then(|last| run.trace.get(last)) {
            Some(record) => format!("after step {}", record.index),
            None => "at reset".to_string(),
        },
        model.marks.len()
    );
    html! {
        <div class="timeline-drawing">
            <svg class="timeline" width={(width * scale / 100).to_string()} height={(height * scale / 100).to_string()}
                viewBox={format!("0 0 {width} {height}")} role="group" aria-labelledby="tl-title" aria-describedby="tl-desc">
                <title id="tl-title">{ "Timeline of the run" }</title>
                <desc id="tl-desc">{ desc }</desc>
                <defs>
                    <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect class="hatch-bg" width="6" height="6" />
                        <line class="hatch-line" x1="0" y1="0" x2="0" y2="6" />
                    </pattern>
                </defs>
                // Cycle axis.
                <g class="axis" aria-hidden="true">
                    <text class="axis-label" x="4" y="16">{ "cycle" }</text>
                    for p in (start..end).filter(|p| p % ticks_every == 0) {
                        <g transform={format!("translate({} 0)", x(col, start, p))}>
                            <line class="tick" y1="18" y2={(AXIS_H + lanes_h).to_string()} />
                            <text class="tick-label" y="14" text-anchor="middle">{ run.cycle_at(p) }</text>
                        </g>
                    }
                </g>
                // Lanes.
                for (i, lane) in model.lanes.iter().enumerate() {
                    <g class={format!("lane {}", lane_class(lane))} key={format!("lane{i}")}>
                        <rect class="lane-bg" x="0" y={lane_y(i).to_string()} width={width.to_string()} height={LANE_H.to_string()} />
                        <text class="lane-label" x="6" y={(lane_y(i) + 19).to_string()}>{ lane_label(lane) }</text>
                        if let Some(source) = lane.source {
                            <rect class="lane-hit" x={LABEL_W.to_string()} y={lane_y(i).to_string()}
                                width={(width - LABEL_W).to_string()} height={LANE_H.to_string()}
                                tabindex="0" role="button" data-lane={lane.name.clone()}
                                aria-label={format!("{} lane: press Enter to place or remove an arrival of {} before step {}",
                                    lane.name, crate::describe::source_name(program, source), run.step_index_at(step))}
                                onclick={on_lane_click(lane)} onkeydown={on_lane_key(lane)} />
                        }
                    </g>
                }
                // Bars.
                <g class="bars" aria-hidden="true">
                    for bar in model.bars_in(start, end) {
                        {{
                            let s = bar.start.max(start);
                            let e = bar.end.min(end);
                            let y = lane_y(bar.lane);
                            let class = lane_class(&model.lanes[bar.lane]);
                            let (top, h) = match bar.kind {
                                crate::timeline_model::BarKind::Pending => (y + LANE_H - 8, 5),
                                crate::timeline_model::BarKind::Preempted => (y + 8, LANE_H - 16),
                                crate::timeline_model::BarKind::Sleeps => (y + LANE_H / 2 - 1, 2),
                                _ => (y + 4, LANE_H - 8),
                            };
                            html! {
                                <rect class={format!("{} {class}", bar.kind.class())} x={x(col, start, s).to_string()} y={top.to_string()}
                                    width={((e - s) as i64 * col).to_string()} height={h.to_string()} />
                            }
                        }}
                    }
                </g>
                // PRIMASK / BASEPRI band.
                for core in 0..model.cores {
                    <g class="mask-band" key={format!("band{core}")}>
                        <text class="lane-label" x="6" y={(band_y + core as i64 * BAND_H + 14).to_string()}>
                            { if model.cores > 1 { format!("masked, core {core}") } else { "masked".to_string() } }
                        </text>
                        for span in model.masks.iter().filter(|m| m.core == core && m.end > start && m.start < end) {
                            {{
                                let s = span.start.max(start);
                                let e = span.end.min(end);
                                let y = band_y + core as i64 * BAND_H;
                                html! {
                                    <g>
                                        <rect class={if span.label == "PRIMASK" { "mask primask" } else { "mask basepri" }}
                                            x={x(col, start, s).to_string()} y={(y + 2).to_string()}
                                            width={((e - s) as i64 * col).to_string()} height={(BAND_H - 4).to_string()}>
                                            <title>{ format!("{} set from step {} to {}", span.label, run.step_index_at(span.start), run.step_index_at(span.end - 1)) }</title>
                                        </rect>
                                        <text class="mask-label" x={(x(col, start, s) + 3).to_string()} y={(y + 14).to_string()}>{ &span.label }</text>
                                    </g>
                                }
                            }}
                        }
                    </g>
                }
                // Memory.
                for (r, row) in model.memory.iter().enumerate() {
                    <g class="memory-row" key={format!("mem{r}")}>
                        <text class="lane-label mem-name" x="6" y={(mem_y + r as i64 * MEM_H + 15).to_string()}>{ &row.name }</text>
                        for (s0, e0, value) in row.spans.iter().filter(|(s, e, _)| *e > start && *s < end) {
                            {{
                                let s = (*s0).max(start);
                                let e = (*e0).min(end);
                                let y = mem_y + r as i64 * MEM_H;
                                html! {
                                    <g>
                                        <rect class={if *s0 == 0 { "mem-span" } else { "mem-span changed" }} x={x(col, start, s).to_string()} y={(y + 2).to_string()}
                                            width={((e - s) as i64 * col).to_string()} height={(MEM_H - 4).to_string()} />
                                        <text class="mem-value" x={(x(col, start, s) + 4).to_string()} y={(y + 15).to_string()}>{ value }</text>
                                    </g>
                                }
                            }}
                        }
                    </g>
                }
                // The cursor.
                <g class="cursor" aria-hidden="true">
                    <line x1={x(col, start, step).to_string()} x2={x(col, start, step).to_string()} y1="18" y2={height.to_string()} />
                    <path d={format!("M{} 18 l-5 -7 h10 z", x(col, start, step))} />
                </g>
                // Marks last, so they are on top and come last in tab order.
                for mark in model.marks_in(start, end.saturating_sub(1)) {
                    { mark_html(mark, col, start, &dispatch, &focus) }
                }
            </svg>
            <p class="mark-words" aria-live="polite">{ (*focus).clone().unwrap_or_else(|| "Hover or focus a mark to read what happened.".into()) }</p>
        </div>
    }
}

/// The drawing's size in presenter mode, in percent: its smallest text (12
/// units there, style.css) is shown at 18 px.
pub const PRESENT_SCALE: i64 = 150;

/// The narrowest step: a mark (17 px) still fits in it.
pub const MIN_COL: i64 = 20;

/// How many steps to draw and how wide each is, for a panel `width` px wide
/// (0 before it was measured): at most `view` steps (the zoom), never more
/// than fit at `MIN_COL`, each as wide as the panel allows up to `2 * COL`;
/// the window centred on the cursor, so zooming keeps the cursor in view.
pub fn layout(step: usize, len: usize, view: usize, width: i64) -> (usize, usize, i64) {
    let avail = if width > 0 { (width - LABEL_W - 12).max(MIN_COL) } else { COL * view as i64 };
    let fit = (avail / MIN_COL).max(1) as usize;
    let (start, end) = window(step, len, view.min(fit).max(1));
    let col = (avail / (end - start).max(1) as i64).clamp(MIN_COL, 2 * COL);
    (start, end, col)
}

#[component]
pub fn Timeline() -> Html {
    let app = use_app();
    // The drawing's width follows its panel (not the window): measured after
    // each render and when the window is resized.
    let panel = use_node_ref();
    let width = use_state(|| 0i64);
    {
        let panel = panel.clone();
        let width = width.clone();
        use_effect(move || {
            let measure = move || {
                if let Some(element) = panel.cast::<web_sys::Element>() {
                    let now = i64::from(element.client_width());
                    if now != *width {
                        width.set(now);
                    }
                }
            };
            measure();
            let listener = gloo::events::EventListener::new(&gloo::utils::window(), "resize", move |_| measure());
            move || drop(listener)
        });
    }
    let Some(open) = &app.open else { return html! {} };
    let (Some(run), Some(model)) = (&open.run, &open.model) else {
        return html! { <p class="timeline-empty">{ "The timeline appears once the code compiles." }</p> };
    };
    // Presenter mode shows the drawing half as large again: it lays out in
    // the panel's width divided by that.
    let scale = if app.present { PRESENT_SCALE } else { 100 };
    let (start, end, col) = layout(open.step, run.len(), app.view, *width * 100 / scale);
    html! {
        <section class="timeline-box" id="timeline" aria-label="Timeline" tabindex="-1">
            <div class="timeline-fit" ref={panel}>
                <Drawing model={model.clone()} run={run.clone()} {start} {end} step={open.step} {col} {scale} />
            </div>
            <p class="legend" aria-hidden="true">
                <span class="key runs">{ "▇ runs" }</span>
                <span class="key overhead">{ "▨ entry/return" }</span>
                <span class="key preempted">{ "▭ preempted" }</span>
                <span class="key pending">{ "┅ pending" }</span>
                <span class="key masked">{ "▤ masked" }</span>
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_follows_the_cursor_and_stays_in_the_run() {
        assert_eq!(window(0, 100, 20), (0, 20));
        assert_eq!(window(50, 100, 20), (40, 60));
        assert_eq!(window(100, 100, 20), (81, 101));
        assert_eq!(window(3, 5, 20), (0, 6));
    }

    #[test]
    fn the_drawing_fits_its_panel_and_keeps_the_cursor_in_the_window() {
        // A 12-step run in a 686 px panel, with a zoom of 44 steps (as a 1440 px window gave).
        let (start, end, col) = layout(0, 12, 44, 686);
        assert_eq!((start, end), (0, 13));
        assert!(LABEL_W + (end - start) as i64 * col + 12 <= 686, "{col} px per step");
        // A long run: no more steps than fit at MIN_COL, the cursor inside at the end.
        let (start, end, col) = layout(300, 300, 160, 686);
        assert!(LABEL_W + (end - start) as i64 * col + 12 <= 686);
        assert!(col >= MIN_COL && (start..end).contains(&300));
        // Zoomed in: fewer, wider steps around the same cursor.
        let (zs, ze, zcol) = layout(150, 300, 8, 686);
        assert!(zcol > col && (zs..ze).contains(&150) && ze - zs == 8);
        // Before the panel is measured: the zoom alone, as before.
        assert_eq!(layout(0, 100, 20, 0), (0, 20, COL));
    }

    #[test]
    fn a_click_lands_on_the_nearest_step_boundary() {
        let (label, col) = (LABEL_W as f64, COL as f64);
        assert_eq!(position_at(label, COL, 10, 30), 10);
        assert_eq!(position_at(label + col * 2.4, COL, 10, 30), 12);
        assert_eq!(position_at(label + col * 2.6, COL, 10, 30), 13);
        assert_eq!(position_at(label + 2.0 * col * 2.6, 2 * COL, 10, 30), 13);
        assert_eq!(position_at(0.0, COL, 10, 30), 10);
        assert_eq!(position_at(1e9, COL, 10, 30), 29);
    }
}
