//! The lesson's companion firmware: the whole program for a real board
//! (firmware/examples/<bin>.rs) with the commands that flash it, scenario and
//! solution; the test bin's source, its boards, the exact commands to flash it
//! or to run it in QEMU; and the learner's own code: "Download my code" and
//! the command that runs it on a board.

use yew::prelude::*;

use crate::app::use_app;
use crate::firmware;

#[component]
pub fn FirmwareTab() -> Html {
    let app = use_app();
    let Some(open) = &app.open else { return html! {} };
    let card = &open.card;
    let commands = firmware::commands(&card.firmware_bin, &card.boards);
    // Your code on the first board the lesson runs on without one (QEMU), if any.
    let board = card.boards.iter().find(|b| b.starts_with("qemu")).or(card.boards.first());
    html! {
        <div class="firmware">
            <p>
                { "The same scenario.rs runs on a real board: the bin " }
                <code>{ &card.firmware_bin }</code>
                { " includes it with #[path], so what you step through here is what you flash." }
            </p>
            <h3>{ "The whole program on a real board" }</h3>
            if let Some(source) = &card.companion_source {
                <p>
                    { "The lesson as you would write it for the " }{ firmware::companion_board(&card.boards) }
                    { ": main sets up the peripherals that raise the events, gives each handler its priority in the bits the chip implements, and unmasks them; each #[interrupt] handler calls the lesson's function; board clears the real event registers. It includes the same file with #[path]. From the repository's firmware/ folder, with the board plugged in:" }
                </p>
                <pre class="command" data-testid="companion-command"><code>{ firmware::companion_command(&card.firmware_bin, &card.boards) }</code></pre>
                <pre class="firmware-source" data-testid="companion-source"><code>{ source }</code></pre>
            } else {
                <p class="muted">{ "This build has no copy of the lesson's program; it is firmware/examples/" }{ &card.firmware_bin }{ ".rs in the repository." }</p>
            }
            <h3>{ "Your code" }</h3>
            <p>
                <a class="download" href={firmware::data_url(&open.code)} download={firmware::DOWNLOAD_NAME}
                    data-testid="download-code">{ "Download my code" }</a>
                { " (the editor's text, as " }<code>{ firmware::DOWNLOAD_NAME }</code>{ "), then, from the repository's root folder:" }
            </p>
            if let Some(board) = board {
                <pre class="command"><code>{ firmware::flash_command(&card.id, board) }</code></pre>
            }
            <p>{ "It builds your file into the bin (rustc's errors as usual), runs it in QEMU or flashes it with probe-rs (--board microbit-v2), and says which properties held and how many events arrived." }</p>
            <h3>{ "The lesson's scenario and solution" }</h3>
            <p>{ "From the repository's firmware/ folder:" }</p>
            <ul class="boards">
                for c in commands {
                    <li>
                        <strong>{ &c.board }</strong>{ ": " }{ c.what }
                        <pre class="command"><code>{ &c.command }</code></pre>
                    </li>
                }
            </ul>
            <h3>{ format!("The test bin `{}`", card.firmware_bin) }</h3>
            <p>{ "The harness the commands above build: it runs the lesson's functions with events arriving at chosen moments, and checks its properties (firmware/README.md)." }</p>
            if let Some(source) = &card.firmware_source {
                <pre class="firmware-source"><code>{ source }</code></pre>
            } else {
                <p class="muted">{ "This build has no copy of the bin's source; it is in firmware/ in the repository." }</p>
            }
        </div>
    }
}
