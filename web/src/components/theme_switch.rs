//! System / light / dark. The choice is stored and applied to `<html>`.

use yew::prelude::*;

use crate::theme::Theme;

#[component]
pub fn ThemeSwitch() -> Html {
    let theme = use_state(Theme::load);
    let onchange = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let chosen = Theme::from_name(&select.value());
            chosen.apply();
            theme.set(chosen);
        })
    };
    html! {
        <label class="theme-switch">
            <span>{ "Theme" }</span>
            <select {onchange} aria-label="Colour theme">
                for t in Theme::ALL {
                    <option value={t.name()} selected={*theme == t}>{ t.name() }</option>
                }
            </select>
        </label>
    }
}
