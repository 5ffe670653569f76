//! The lesson's story (its README, rendered from markdown without raw HTML),
//! the challenge, the hints one at a time, then the solution.

use yew::prelude::*;

use crate::app::use_app;
use crate::markdown;
use crate::progress::Stage;
use crate::state::Action;

#[component]
pub fn Narrative() -> Html {
    let app = use_app();
    let Some(open) = &app.open else { return html! {} };
    let card = &open.card;
    let readme = markdown::render(&card.narrative);
    let hint = crate::app::on(&app.dispatcher(), |_: MouseEvent| Action::ShowHint);
    let solution = crate::app::on(&app.dispatcher(), |_: MouseEvent| Action::ShowSolution);
    let all_hints = open.hints_shown >= card.hints.len();
    // "Why the fix works" gives the fix away: only once the learner's code
    // is proven, or they asked for the solution.
    let proven = app.progress.stage(&card.id) == Some(Stage::Proven);
    let why = (proven || open.solution_shown) && !card.why_it_works.is_empty();
    html! {
        <div class="narrative">
            <details open=true>
                // A heading, so the story's own (level 3) headings sit under one.
                <summary><h2 class="story-title">{ "The story" }</h2></summary>
                <div class="readme">{ readme }</div>
            </details>
            <div class="challenge" aria-label="Challenge">
                <h2>{ "Challenge" }</h2>
                <ol>
                    <li><strong>{ "Break it: " }</strong>{ &card.break_it }</li>
                    <li><strong>{ "Fix it: " }</strong>{ &card.fix_it }</li>
                </ol>
                if open.hints_shown > 0 {
                    <ol class="hints" aria-label="Hints">
                        for h in card.hints.iter().take(open.hints_shown) { <li>{ h }</li> }
                    </ol>
                }
                <div class="hint-actions">
                    if !all_hints {
                        <button type="button" onclick={hint}>
                            { format!("Show a hint ({} of {})", open.hints_shown + 1, card.hints.len()) }
                        </button>
                    }
                    if all_hints && !open.solution_shown {
                        <button type="button" onclick={solution}>{ "Show the solution in the editor" }</button>
                    }
                    if open.solution_shown { <span class="muted">{ "The editor holds the solution. Run the explorer to see the proof." }</span> }
                </div>
            </div>
            if why {
                <div class="readme why-it-works" data-testid="why-it-works">{ markdown::render(&card.why_it_works) }</div>
            }
        </div>
    }
}
