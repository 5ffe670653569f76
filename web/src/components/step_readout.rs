//! The current step in words, read out by screen readers as it changes
//! (`aria-live`), with the statics' values now and what the run found.

use yew::prelude::*;

use crate::app::use_app;
use crate::describe;

#[component]
pub fn StepReadout() -> Html {
    let app = use_app();
    let Some(open) = &app.open else { return html! {} };
    let Some(run) = &open.run else {
        return html! { <p class="readout" aria-live="polite">{ "No run yet: the code does not compile." }</p> };
    };
    let program = &run.program;
    let words = describe::cursor(run, open.step);
    let outcomes = run.outcomes_until(open.step);
    let end = open.step >= run.len();
    let values: Vec<(String, String)> = program
        .locations
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(l.kind, irqlab_sim::LocationKind::Plain | irqlab_sim::LocationKind::Atomic))
        .map(|(i, l)| (l.name.clone(), l.ty.display(run.value_at(i, open.step))))
        .collect();
    html! {
        <div class="readout-box">
            <p class="readout" aria-live="polite" aria-atomic="true" data-testid="readout">{ words }</p>
            <dl class="values" aria-label="Values of the statics now">
                for (name, value) in values {
                    <div class="value"><dt>{ name }</dt><dd>{ value }</dd></div>
                }
            </dl>
            if !outcomes.is_empty() {
                <ul class="outcomes" aria-label="What went wrong so far">
                    for o in outcomes {
                        <li class="outcome"><span aria-hidden="true">{ "⚠ " }</span>{ o.explain(program) }</li>
                    }
                </ul>
            } else if end {
                <p class="finished">
                    if let Some(bound) = run.bound_hit {
                        { format!("⏹ The run stopped at the {} bound.", bound.name()) }
                    } else {
                        { "✓ Finished: nothing went wrong on this schedule." }
                    }
                </p>
            }
        </div>
    }
}
