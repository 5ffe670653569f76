//! The lesson's companion firmware: the bin's source, its boards and the
//! exact commands to flash it or to run it in QEMU.

use yew::prelude::*;

use crate::app::use_app;
use crate::firmware;

#[component]
pub fn FirmwareTab() -> Html {
    let app = use_app();
    let Some(open) = &app.open else { return html! {} };
    let card = &open.card;
    let commands = firmware::commands(&card.firmware_bin, &card.boards);
    html! {
        <div class="firmware">
            <p>
                { "The same scenario.rs runs on a real board: the bin " }
                <code>{ &card.firmware_bin }</code>
                { " includes it with #[path], so what you step through here is what you flash. Run these from the repository's firmware/ folder." }
            </p>
            <ul class="boards">
                for c in commands {
                    <li>
                        <strong>{ &c.board }</strong>{ ": " }{ c.what }
                        <pre class="command"><code>{ &c.command }</code></pre>
                    </li>
                }
            </ul>
            <h3>{ format!("firmware bin `{}`", card.firmware_bin) }</h3>
            if let Some(source) = &card.firmware_source {
                <pre class="firmware-source"><code>{ source }</code></pre>
            } else {
                <p class="muted">{ "This build has no copy of the bin's source; it is in firmware/ in the repository." }</p>
            }
        </div>
    }
}
