//! The compiler worker: checks edited lesson code with the Rust front end
//! (crates/lang) off the page's thread, and answers with the program and
//! diagnostics (postcard bytes, through `codec`, as the lesson data). Loaded
//! on the first edit. It carries only each built-in lesson's lesson.toml
//! (build.rs writes them; the lessons were loaded and checked there), not
//! their narratives, solutions and wrong fixes.

use irqlab_web::compiled::{Answer, Checked, Diagnostic};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

include!(concat!(env!("OUT_DIR"), "/worker_lessons.rs"));

thread_local! {
    /// Each lesson's setup, its lesson.toml parsed: once per worker.
    static SETUPS: Vec<(&'static str, irqlab_lang::Setup)> = LESSON_TOMLS
        .iter()
        .filter_map(|(id, toml)| irqlab_lessons::setup_of(toml).ok().map(|setup| (*id, setup)))
        .collect();
}

/// A check that failed as a whole, as one diagnostic at the top.
fn failure(message: String) -> Checked {
    Checked {
        program: None,
        diagnostics: vec![Diagnostic {
            error: true,
            code: None,
            rendered: format!("error: {message}"),
            message,
            line: 1,
            col_start: 1,
            col_end: 1,
        }],
    }
}

fn answer(lesson: String, code: String) -> Vec<u8> {
    let checked = SETUPS.with(|setups| match setups.iter().find(|(id, _)| *id == lesson) {
        Some((_, setup)) => irqlab_web::compiled::check(setup, &code),
        None => failure(format!("there is no lesson `{lesson}`")),
    });
    // The page must run the program checked here, or none.
    let checked = match irqlab_web::codec::round_trips(&checked) {
        Ok(()) => checked,
        Err(why) => failure(format!("this program cannot be sent to the page ({why})")),
    };
    irqlab_web::codec::encode(&Answer { lesson, code, checked }).unwrap_or_default()
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    // Messages are `[lesson id, code]`.
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let message: Array = event.data().unchecked_into();
        let lesson = message.get(0).as_string().unwrap_or_default();
        let code = message.get(1).as_string().unwrap_or_default();
        let bytes = answer(lesson, code);
        let _ = reply_to.post_message(&Uint8Array::from(bytes.as_slice()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&"ready".into());
}
