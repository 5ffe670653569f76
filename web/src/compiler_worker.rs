//! The compiler worker: checks edited lesson code with the Rust front end
//! (crates/lang) off the page's thread, and answers with the program and
//! diagnostics (postcard bytes, through `codec`, as the lesson data). Loaded
//! on the first edit. It carries no lesson: the page sends the lesson's
//! setup (from the lesson data file, postcard) with each edit, so the worker
//! needs neither the lessons' files nor a lesson.toml reader nor JSON.

use irqlab_web::compiled::{Answer, Checked, Diagnostic};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

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

fn answer(lesson: String, code: String, setup: &[u8]) -> Vec<u8> {
    let checked = if setup.is_empty() {
        failure(format!("there is no lesson `{lesson}`"))
    } else {
        match irqlab_web::codec::decode::<irqlab_lang::Setup>(setup) {
            Ok(setup) => irqlab_web::compiled::check(&setup, &code),
            Err(why) => failure(format!("the setup of lesson `{lesson}` is unreadable ({why})")),
        }
    };
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
    // Messages are `[lesson id, code, the lesson's setup (postcard bytes)]`.
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let message: Array = event.data().unchecked_into();
        let lesson = message.get(0).as_string().unwrap_or_default();
        let code = message.get(1).as_string().unwrap_or_default();
        let setup = message.get(2).dyn_into::<Uint8Array>().map(|b| b.to_vec()).unwrap_or_default();
        let bytes = answer(lesson, code, &setup);
        let _ = reply_to.post_message(&Uint8Array::from(bytes.as_slice()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&"ready".into());
}
