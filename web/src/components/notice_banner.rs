//! A message about the link that was opened (or anything else the learner
//! must read), with a way to dismiss it.

use yew::prelude::*;

use crate::app::use_app;
use crate::state::Action;

#[component]
pub fn NoticeBanner() -> Html {
    let app = use_app();
    let Some(notice) = &app.notice else { return html! {} };
    let dismiss = crate::app::on(&app.dispatcher(), |_: MouseEvent| Action::Dismiss);
    html! {
        <div class="notice" role="alert" data-testid="notice">
            <strong>{ &notice.title }</strong>
            <p>{ &notice.detail }</p>
            <button type="button" onclick={dismiss}>{ "Dismiss" }</button>
        </div>
    }
}
