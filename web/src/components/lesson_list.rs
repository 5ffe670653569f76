//! The first screen: every lesson, with the learner's progress.

use yew::prelude::*;

use crate::app::use_app;
use crate::permalink::Permalink;
use crate::progress::Stage;

fn badge(stage: Option<Stage>) -> (&'static str, &'static str) {
    match stage {
        None => ("○", "not started"),
        Some(Stage::Opened) => ("◔", "opened"),
        Some(Stage::Broken) => ("◑", "broken: you found a failing schedule"),
        Some(Stage::Proven) => ("●", "proven: the explorer found no failing schedule"),
    }
}

#[component]
pub fn LessonList() -> Html {
    let app = use_app();
    let done = app.lessons.iter().filter(|l| app.progress.stage(&l.id) == Some(Stage::Proven)).count();
    html! {
        <section class="lesson-list" aria-labelledby="lessons-title">
            <h1 id="lessons-title">{ "Lessons" }</h1>
            <p class="lede">
                { "Step through what a Cortex-M core does with your main loop and its interrupt handlers, place interrupts where they hurt, then let the explorer try every arrival point. " }
                { format!("{done} of {} proven.", app.lessons.len()) }
            </p>
            <ol class="cards">
                for (i, lesson) in app.lessons.iter().enumerate() {
                    {{
                        let (glyph, words) = badge(app.progress.stage(&lesson.id));
                        let href = format!("#{}", Permalink { lesson: irqlab_lessons::slug(&lesson.id).to_string(), ..Permalink::default() }.encode_with_code(None));
                        html! {
                            <li class="card" key={lesson.id.clone()}>
                                <a href={href} data-lesson={lesson.id.clone()}>
                                    <span class="card-number">{ format!("{:02}", i + 1) }</span>
                                    <span class="card-title">{ &lesson.title }</span>
                                    <span class="card-summary">{ &lesson.summary }</span>
                                    <span class="card-progress">
                                        <span aria-hidden="true">{ glyph }</span>
                                        <span>{ words }</span>
                                    </span>
                                </a>
                            </li>
                        }
                    }}
                }
            </ol>
        </section>
    }
}
