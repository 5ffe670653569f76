//! scenario.rs, editable in place: a textarea laid exactly over a coloured
//! copy of the text. The coloured copy also marks each context's current line
//! (in the context's colour, with its name, so colour is not the only signal)
//! and shows diagnostics at their spans. While an edit waits for its check the
//! status says "checking"; the check itself starts after a pause in typing.

use std::rc::Rc;

use irqlab_sim::ContextId;
use yew::prelude::*;

use crate::app::use_app;
use crate::catalog::Diagnostic;
use crate::components::DiagnosticsList;
use crate::highlight::{self, Token};
use crate::state::Action;

/// The byte offset of 1-based character column `col` in `line`.
fn byte_of(line: &str, col: u32) -> usize {
    line.char_indices().nth(col.saturating_sub(1) as usize).map_or(line.len(), |(i, _)| i)
}

/// Splits a line's coloured pieces where diagnostics start and end, and
/// renders them, underlining the diagnostic spans.
fn render_line(text: &str, pieces: &[(Token, std::ops::Range<usize>)], marks: &[(usize, usize, bool)]) -> Html {
    let mut cuts: Vec<usize> = pieces.iter().flat_map(|(_, r)| [r.start, r.end]).collect();
    for &(s, e, _) in marks {
        cuts.push(s);
        cuts.push(e);
    }
    crate::sort::by_key(&mut cuts, |&c| c as u64);
    cuts.dedup();
    let mut out = Vec::new();
    for w in cuts.windows(2) {
        let (s, e) = (w[0], w[1]);
        if s >= e || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        let token = pieces.iter().find(|(_, r)| r.start <= s && e <= r.end).map_or(Token::Plain, |(t, _)| *t);
        let diag = marks.iter().find(|&&(ms, me, _)| ms <= s && e <= me).map(|&(_, _, error)| error);
        let mut class = classes!(token.class());
        match diag {
            Some(true) => class.push("diag-span error"),
            Some(false) => class.push("diag-span warning"),
            None => {}
        }
        out.push(html! { <span class={class}>{ &text[s..e] }</span> });
    }
    out.into_iter().collect()
}

#[component]
pub fn CodeEditor() -> Html {
    let app = use_app();
    let open = app.open.as_ref();
    let outside = open.map(|o| o.code.clone()).unwrap_or_default();
    // The text as typed; the state's code follows it after a pause.
    let text = use_state(|| outside.clone());
    {
        let text = text.clone();
        use_effect_with(outside.clone(), move |code| text.set(code.clone()));
    }
    // Every keystroke reaches the state at once, so nothing reads the old
    // code as current (the compiler hook waits for a pause before checking).
    let oninput = {
        let text = text.clone();
        let dispatcher = app.dispatcher();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            let value = area.value();
            text.set(Rc::new(value.clone()));
            dispatcher.dispatch(Action::Edit(value));
        })
    };
    let reset = crate::app::on(&app.dispatcher(), |_: MouseEvent| Action::ResetCode);
    let Some(open) = open else { return html! {} };

    let positions: Vec<(ContextId, u32)> = match (&open.run, open.stale) {
        (Some(run), false) => run.frame(open.step).positions.clone(),
        _ => Vec::new(),
    };
    let program = open.program.clone();
    let diagnostics: Rc<Vec<Diagnostic>> = open.diagnostics.clone();
    let lines: Vec<&str> = text.split('\n').collect();
    let width = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) + 2;
    let mut in_comment = false;
    let rendered: Html = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let n = i as u32 + 1;
            let pieces = highlight::line(line, &mut in_comment);
            let here: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.line == n).collect();
            let marks: Vec<(usize, usize, bool)> = here
                .iter()
                .map(|d| {
                    let s = byte_of(line, d.col_start);
                    let e = byte_of(line, d.col_end.max(d.col_start + 1)).max(s);
                    (s, e, d.error)
                })
                .collect();
            let at: Vec<ContextId> = positions.iter().filter(|(_, l)| *l == n).map(|(c, _)| *c).collect();
            let mut class = classes!("line");
            if let Some(c) = at.first() {
                class.push(format!("at ctx-{}", c.0 % 8));
            }
            html! {
                <div class={class} key={i}>
                    { render_line(line, &pieces, &marks) }
                    { "\u{200b}" }
                    for d in here.iter() {
                        <span class={if d.error { "diag-inline error" } else { "diag-inline warning" }}>
                            { format!("  ← {}{}", d.code.as_ref().map(|c| format!("{c}: ")).unwrap_or_default(), d.message) }
                        </span>
                    }
                </div>
            }
        })
        .collect();
    let gutter: Html = (1..=lines.len() as u32)
        .map(|n| {
            let at: Vec<ContextId> = positions.iter().filter(|(_, l)| *l == n).map(|(c, _)| *c).collect();
            let has_error = diagnostics.iter().any(|d| d.line == n && d.error);
            html! {
                <div class="gutter-line" key={n}>
                    for c in at.iter() {
                        <span class={format!("ctx-chip ctx-{}", c.0 % 8)}>
                            { format!("▶ {}", program.as_ref().map_or("?", |p| crate::describe::context_name(p, *c))) }
                        </span>
                    }
                    if has_error { <span class="gutter-error" title="error on this line">{ "✖" }</span> }
                    <span class="line-number">{ n }</span>
                </div>
            }
        })
        .collect();
    let errors = diagnostics.iter().filter(|d| d.error).count();
    html! {
        <section class="code" aria-labelledby="code-title">
            <div class="code-head">
                <h2 id="code-title">{ "scenario.rs" }</h2>
                <span class="check-status" role="status">
                    if open.checking() { { "… checking" } } else if errors == 0 { { "✓ compiles" } } else { { format!("✖ {errors} error{}", if errors == 1 { "" } else { "s" }) } }
                </span>
                <button type="button" onclick={reset} disabled={*open.code == open.card.scenario}>{ "Reset code" }</button>
            </div>
            <div class="editor">
                <div class="gutter" aria-hidden="true">{ gutter }</div>
                <div class="editor-body">
                    <pre class="highlighted" aria-hidden="true">{ rendered }</pre>
                    <textarea class="source" spellcheck="false" autocomplete="off" autocapitalize="off" wrap="off"
                        aria-label="scenario.rs: the lesson's code, editable" aria-describedby="diagnostics"
                        rows={lines.len().to_string()} cols={width.to_string()}
                        value={(**text).clone()} {oninput} />
                </div>
            </div>
            <DiagnosticsList />
        </section>
    }
}
