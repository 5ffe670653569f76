//! The core's registers at the cursor, as the simulator recorded them with
//! the step (`StepRecord::registers`): per core PRIMASK, BASEPRI, the
//! execution priority, the stack of exception frames and its bytes; the NVIC's
//! priority, enabled, pending and active bits per interrupt. What the last
//! step changed is highlighted with `<mark>` (a style and an element, so
//! colour is not the only signal).

use irqlab_sim::nvic::ExceptionState;
use irqlab_sim::{ContextId, ContextKind, CoreRegisters, Program, Registers};
use yew::prelude::*;

use crate::app::use_app;
use crate::describe::context_name;

/// `value`, highlighted when it differs from what it was before the step.
fn cell(value: String, changed: bool) -> Html {
    if changed {
        html! { <td class="changed"><mark>{ value }</mark><span class="visually-hidden">{ " (changed)" }</span></td> }
    } else {
        html! { <td>{ value }</td> }
    }
}

fn yes_no(bit: bool) -> String {
    if bit { "yes".into() } else { "no".into() }
}

fn basepri_words(core: &CoreRegisters) -> String {
    match core.basepri_level {
        Some(level) => format!("{:#04x}: masks priority {level} and less urgent", core.basepri),
        None => format!("{:#04x}: masks nothing", core.basepri),
    }
}

/// ARMv7-M B1.5.4: 256 is thread mode with nothing raising it.
fn execution_priority_words(priority: i16) -> String {
    if priority >= 256 { "thread mode (256): any enabled interrupt may preempt".into() } else { priority.to_string() }
}

fn stack_words(program: &Program, stack: &[ContextId]) -> String {
    stack.iter().map(|c| context_name(program, *c)).collect::<Vec<_>>().join(" ▸ ")
}

/// A core's registers in words: `(register, value)`.
fn core_words(program: &Program, core: &CoreRegisters) -> [(&'static str, String); 4] {
    [
        ("PRIMASK", if core.primask { "1: masks every configurable interrupt".into() } else { "0".into() }),
        ("BASEPRI", basepri_words(core)),
        ("Execution priority", execution_priority_words(core.execution_priority)),
        // With the bytes in use: exception frames and function frames, as
        // the simulator counts them (docs/SEMANTICS.md, "Stack").
        ("Stack (thread first)", format!("{}: {} bytes", stack_words(program, &core.stack), core.stack_bytes)),
    ]
}

fn core_rows(program: &Program, core: usize, now: &CoreRegisters, before: Option<&CoreRegisters>) -> Html {
    let before = before.map(|b| core_words(program, b));
    html! {
        <table class="core-regs" data-core={core.to_string()}>
            if program.cores > 1 { <caption>{ format!("Core {core}") }</caption> }
            <tbody>
                for (i, (name, value)) in core_words(program, now).into_iter().enumerate() {
                    <tr>
                        <th scope="row">{ name }</th>
                        { cell(value.clone(), before.as_ref().is_some_and(|b| b[i].1 != value)) }
                    </tr>
                }
            </tbody>
        </table>
    }
}

/// An interrupt's priority, enabled, pending and active bits in words.
fn nvic_words(e: &ExceptionState) -> [String; 4] {
    [e.priority.to_string(), yes_no(e.enabled), yes_no(e.pending), yes_no(e.active)]
}

/// One row per handler: its priority and NVIC bits now, changes marked.
fn nvic_table(program: &Program, now: &Registers, before: Option<&Registers>) -> Html {
    let handlers = program.contexts.iter().enumerate().filter_map(|(i, c)| match c.kind {
        ContextKind::Handler { exception, .. } => Some((i, c, exception, now.exceptions.get(i)?)),
        ContextKind::Thread { .. } => None,
    });
    html! {
        <table class="nvic" data-testid="nvic">
            <caption>{ "NVIC" }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "Interrupt" }</th>
                    <th scope="col">{ "Priority" }</th>
                    <th scope="col">{ "Enabled" }</th>
                    <th scope="col">{ "Pending" }</th>
                    <th scope="col">{ "Active" }</th>
                </tr>
            </thead>
            <tbody>
                for (i, context, exception, e) in handlers {
                    {{
                        let old = before.and_then(|b| b.exceptions.get(i)).map(nvic_words);
                        html! {
                            <tr key={i} data-context={context.name.clone()}>
                                <th scope="row">{ format!("{} (exception {exception})", context.name) }</th>
                                for (k, value) in nvic_words(e).into_iter().enumerate() {
                                    { cell(value.clone(), old.as_ref().is_some_and(|o| o[k] != value)) }
                                }
                            </tr>
                        }
                    }}
                }
            </tbody>
        </table>
    }
}

#[component]
pub fn CoreState() -> Html {
    let app = use_app();
    let Some(open) = &app.open else { return html! {} };
    let Some(run) = &open.run else { return html! {} };
    let program = &run.program;
    let step = open.step.min(run.len());
    let now = run.registers(step);
    let before = step.checked_sub(1).map(|p| run.registers(p));
    let title = match step.checked_sub(1).and_then(|last| run.trace.get(last)) {
        Some(record) => format!("Core state after step {}", record.index),
        None => "Core state at reset".to_string(),
    };
    html! {
        // Focusable: on a narrow screen it scrolls sideways.
        <section class="core-state" aria-labelledby="core-state-title" data-testid="core-state" tabindex="0">
            <h2 id="core-state-title">{ title }</h2>
            <div class="core-state-tables">
                for (core, registers) in now.cores.iter().enumerate() {
                    { core_rows(program, core, registers, before.and_then(|b| b.cores.get(core))) }
                }
                { nvic_table(program, now, before) }
            </div>
            <p class="hint-text">{ "Highlighted: what the last step changed." }</p>
        </section>
    }
}
