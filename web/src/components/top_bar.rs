//! The bar at the top: the name (back to the lesson list), help and theme.

use yew::prelude::*;

use crate::app::use_app;
use crate::components::ThemeSwitch;
use crate::state::Action;

#[component]
pub fn TopBar() -> Html {
    let app = use_app();
    let help = crate::app::on(&app.dispatcher(), |_: MouseEvent| Action::Help(true));
    html! {
        <header class="top-bar">
            <a class="brand" href="#" aria-label="irqlab: all lessons">
                <span class="brand-mark" aria-hidden="true">{ "⚡" }</span>{ "irqlab" }
            </a>
            <span class="tagline">{ "interrupts and concurrency in embedded Rust, one step at a time" }</span>
            <nav class="top-actions" aria-label="Page">
                <button type="button" onclick={help} aria-keyshortcuts="?">{ "Keys ?" }</button>
                <ThemeSwitch />
            </nav>
        </header>
    }
}
