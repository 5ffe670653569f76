//! The keyboard shortcuts, shown by `?`.

use yew::prelude::*;

use crate::app::use_app;
use crate::hooks::SHORTCUTS;
use crate::state::Action;

#[component]
pub fn HelpDialog() -> Html {
    let app = use_app();
    let close = crate::app::on(&app.dispatcher(), |_: MouseEvent| Action::Help(false));
    let button = use_node_ref();
    {
        let button = button.clone();
        use_effect_with((), move |_| {
            if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    html! {
        <div class="dialog-backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title">
                <h2 id="help-title">{ "Keyboard shortcuts" }</h2>
                <p>{ "They work anywhere on a lesson page, except while you type in the editor or hold Ctrl, Alt or Meta." }</p>
                <table class="shortcuts">
                    <thead><tr><th scope="col">{ "Key" }</th><th scope="col">{ "Does" }</th></tr></thead>
                    <tbody>
                        for (keys, what) in SHORTCUTS {
                            <tr><td><kbd>{ *keys }</kbd></td><td>{ *what }</td></tr>
                        }
                    </tbody>
                </table>
                <p>{ "On the timeline: click an interrupt's lane (its handler's, or its own for a flag main polls) to place an arrival there; click an arrival mark (or focus it and press Enter) to remove it. Tab moves between marks; each says what happened." }</p>
                <button type="button" ref={button} onclick={close}>{ "Close (Esc)" }</button>
            </div>
        </div>
    }
}
