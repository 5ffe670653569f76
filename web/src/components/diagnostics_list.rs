//! The front end's diagnostics in rustc's own format, under the editor.

use yew::prelude::*;

use crate::app::use_app;

#[component]
pub fn DiagnosticsList() -> Html {
    let app = use_app();
    let Some(open) = &app.open else { return html! {} };
    html! {
        <div id="diagnostics" class="diagnostics" aria-live="polite">
            for d in open.diagnostics.iter() {
                <pre class={if d.error { "diagnostic error" } else { "diagnostic warning" }}>{ &d.rendered }</pre>
            }
        </div>
    }
}
