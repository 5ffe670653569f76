//! The timeline's data as a table: the same window of steps, one row per
//! step, with what happened in words. For screen readers and for reading.

use yew::prelude::*;

use crate::app::use_app;
use crate::components::timeline::window;
use crate::describe;
use crate::run::RegisterView;

#[component]
pub fn TimelineTable() -> Html {
    let app = use_app();
    let Some(open) = &app.open else { return html! {} };
    let Some(run) = &open.run else { return html! {} };
    let program = &run.program;
    let (start, end) = window(open.step, run.len(), app.view);
    let end = end.min(run.len());
    let statics: Vec<(usize, &irqlab_sim::LocationDecl)> = program
        .locations
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(l.kind, irqlab_sim::LocationKind::Plain | irqlab_sim::LocationKind::Atomic))
        .collect();
    let caption = match (run.trace.get(start), end.checked_sub(1).and_then(|last| run.trace.get(last))) {
        (Some(first), Some(last)) => format!(
            "Steps {} to {}, {} of the run's {} (the cursor's neighbourhood; move it to see others)",
            first.index,
            last.index,
            end - start,
            run.len()
        ),
        _ => "No steps".to_string(),
    };
    html! {
        // Focusable: on a narrow screen it scrolls sideways.
        <div class="table-wrap" tabindex="0" role="region" aria-label="The run as a table">
            <table class="timeline-table">
                <caption>{ caption }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Step" }</th>
                        <th scope="col">{ "Cycle" }</th>
                        if program.cores > 1 { <th scope="col">{ "Core" }</th> }
                        <th scope="col">{ "Context" }</th>
                        <th scope="col">{ "What happened" }</th>
                        <th scope="col">{ "Pending" }</th>
                        <th scope="col">{ "Masked" }</th>
                        for (_, l) in statics.iter() { <th scope="col">{ &l.name }</th> }
                    </tr>
                </thead>
                <tbody>
                    for p in start..end {
                        {{
                            let record = &run.trace[p];
                            let after = run.registers(p + 1);
                            let current = p + 1 == open.step;
                            let pending: Vec<&str> = (0..program.contexts.len())
                                .filter(|&c| after.is_pending(irqlab_sim::ContextId(c as u16)))
                                .map(|c| program.contexts[c].name.as_str())
                                .collect();
                            let masked = after.mask_label(record.core).unwrap_or_else(|| "no".to_string());
                            let mut what = vec![describe::kind(program, record)];
                            what.extend(describe::memory(program, record));
                            what.extend(record.events.iter().filter_map(|e| describe::event(program, e)));
                            html! {
                                <tr key={p} class={if current { "current" } else { "" }} aria-current={current.then_some("step")}>
                                    <th scope="row">{ if current { format!("▶ {}", record.index) } else { record.index.to_string() } }</th>
                                    <td>{ record.cycle }</td>
                                    if program.cores > 1 { <td>{ record.core }</td> }
                                    <td>{ describe::context_name(program, record.context) }</td>
                                    <td>{ what.join("; ") }</td>
                                    <td>{ if pending.is_empty() { "—".to_string() } else { pending.join(", ") } }</td>
                                    <td>{ masked }</td>
                                    for (i, l) in statics.iter() { <td>{ l.ty.display(run.value_at(*i, p + 1)) }</td> }
                                </tr>
                            }
                        }}
                    }
                </tbody>
            </table>
        </div>
    }
}
