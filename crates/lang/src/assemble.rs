//! From the lowered functions and the lesson's setup to a `sim::Program`:
//! thread and handler contexts, event sources and properties, each name
//! checked against the code and the board, with diagnostics in lesson.toml.

use irqlab_sim::{
    ContextDecl, ContextId, ContextKind, FuncId, Function, Program, PropertyDecl, SourceDecl, Span, ThreadCall,
};

use crate::board;
use crate::diagnostic::Diagnostic;
use crate::items::{Crate, FnAttr};
use crate::lower::FnBuilder;
use crate::setup::{ContextSetupKind, Named, PropertySetup};
use crate::similar_name;
use crate::source_map::SourceMap;
use crate::types::LTy;

/// Lowers each property to a pure function appended to `functions`.
pub fn properties(cx: &mut Crate, functions: &mut Vec<Function>) -> Vec<PropertyDecl> {
    let mut out = Vec::new();
    for p in &cx.setup.properties.clone() {
        let origin = (p.span.line, p.span.col_start);
        let map = SourceMap::embedded(&p.span.file, &p.holds, origin);
        let saved = std::mem::replace(&mut cx.map, map);
        let imports = cx.imports.for_properties();
        let saved_imports = std::mem::replace(&mut cx.imports, imports);
        if let Some(at) = crate::nesting::too_deep(&p.holds) {
            let span = cx.span(at);
            cx.error(crate::errors::nested_too_deeply(span));
        } else {
            match syn::parse_str::<syn::Expr>(&p.holds) {
                Ok(expr) => {
                    let name = format!("property: {}", p.name);
                    let span = cx.map.start();
                    let f =
                        FnBuilder::new(cx, LTy::Scalar(irqlab_sim::Ty::Bool), false).lower_property(&name, &expr, span);
                    if let Some(at) = first_change(&f.body, functions, &mut Vec::new()) {
                        cx.error(
                            Diagnostic::error(format!("property `{}` changes the machine", p.name), at)
                                .label("this changes state")
                                .note("a property is checked while the program runs: it may only read statics"),
                        );
                    }
                    out.push(PropertyDecl {
                        name: p.name.clone(),
                        func: FuncId(functions.len() as u32),
                        when: p.when,
                        source: p.holds.clone(),
                    });
                    functions.push(f);
                }
                Err(e) => {
                    let span = cx.span(e.span());
                    cx.error(Diagnostic::error(format!("property `{}`: {e}", p.name), span));
                }
            }
        }
        cx.map = saved;
        cx.imports = saved_imports;
    }
    out
}

/// The first instruction of a property (or the call of a lesson function
/// that changes the machine) that `Op::is_pure` refuses, at its span in the
/// property, so the learner sees the place in lesson.toml.
fn first_change(body: &[irqlab_sim::Instr], functions: &[Function], visited: &mut Vec<u32>) -> Option<Span> {
    use irqlab_sim::Op;
    for instr in body {
        match &instr.op {
            Op::Call { func, .. } => {
                let callee = functions.get(func.0 as usize)?;
                if !visited.contains(&func.0) {
                    visited.push(func.0);
                    if first_change(&callee.body, functions, visited).is_some() {
                        return Some(instr.span.clone());
                    }
                }
            }
            op if !op.is_property_safe() => return Some(instr.span.clone()),
            _ => {}
        }
    }
    None
}

fn find_fn(cx: &mut Crate, func: &Named, code_file: &str) -> Option<FuncId> {
    if let Some(i) = cx.fn_index.get(&func.name) {
        let f = &cx.fns[*i];
        if !f.params.is_empty() {
            let d = Diagnostic::error(
                format!(
                    "`{}` takes {} parameter(s); a context runs a function without parameters",
                    func.name,
                    f.params.len()
                ),
                func.span.clone(),
            )
            .label("runs a function with parameters")
            .secondary(f.span.clone(), "defined here");
            cx.error(d);
            return None;
        }
        return Some(FuncId(*i as u32));
    }
    let names: Vec<String> = cx.fns.iter().map(|f| f.name.clone()).collect();
    let mut d = Diagnostic::error(format!("cannot find function `{}` in {code_file}", func.name), func.span.clone())
        .label("not found in the lesson's code");
    let candidates: Vec<&str> = names.iter().map(String::as_str).collect();
    if let Some(c) = similar_name::best_match(&func.name, &candidates) {
        d = d.help(format!("a function with a similar name exists: `{c}`"));
    } else if !names.is_empty() {
        d = d.note(format!("the code defines: {}", names.join(", ")));
    }
    cx.error(d);
    None
}

pub fn contexts(cx: &mut Crate, code_file: &str) -> Vec<ContextDecl> {
    let setup = cx.setup;
    let levels = setup.target.priority_levels();
    let mut out = Vec::new();
    let mut threads_per_core = vec![0u32; setup.cores as usize];
    for (i, c) in setup.contexts.iter().enumerate() {
        if c.core >= setup.cores {
            cx.error(Diagnostic::error(
                format!("context `{}` is on core {}, but the lesson has {} core(s)", c.name.name, c.core, setup.cores),
                c.name.span.clone(),
            ));
            continue;
        }
        if setup.contexts[..i].iter().any(|o| o.name.name == c.name.name) {
            cx.error(Diagnostic::error(format!("two contexts are named `{}`", c.name.name), c.name.span.clone()));
        }
        let kind = match &c.kind {
            ContextSetupKind::Thread { calls, forever } => {
                threads_per_core[c.core as usize] += 1;
                if threads_per_core[c.core as usize] == 2 {
                    cx.error(Diagnostic::error(
                        format!("core {} has two thread-mode contexts; a core runs one main loop", c.core),
                        c.name.span.clone(),
                    ));
                }
                let mut resolved = Vec::new();
                for call in calls {
                    if let Some(func) = find_fn(cx, &call.func, code_file) {
                        resolved.push(ThreadCall { func, times: call.times });
                    }
                }
                ContextKind::Thread { calls: resolved, forever: *forever }
            }
            ContextSetupKind::Handler { interrupt, priority, func, enabled } => {
                let exception = match board::exception_number(&interrupt.name) {
                    Some(e) => e,
                    None => {
                        cx.error(unknown_interrupt(interrupt));
                        continue;
                    }
                };
                let clash = setup.contexts[..i].iter().find(|o| {
                    o.core == c.core
                        && matches!(&o.kind, ContextSetupKind::Handler { interrupt: x, .. } if x.name == interrupt.name)
                });
                if let Some(other) = clash {
                    cx.error(Diagnostic::error(
                        format!("`{}` already has a handler: context `{}`", interrupt.name, other.name.name),
                        interrupt.span.clone(),
                    ));
                }
                if *priority >= levels {
                    cx.error(
                        Diagnostic::error(
                            format!(
                                "priority {priority} does not exist on {}: it implements {levels} levels, 0 (most urgent) to {}",
                                setup.target_triple,
                                levels - 1
                            ),
                            c.name.span.clone(),
                        )
                        .label("priority out of range"),
                    );
                }
                let Some(f) = find_fn(cx, func, code_file) else { continue };
                let info = &cx.fns[f.0 as usize];
                if matches!(info.attr, FnAttr::Interrupt | FnAttr::Exception) && info.name != interrupt.name {
                    let d = Diagnostic::error(
                        format!(
                            "`{}` is the handler of `{}`, but this context handles `{}`",
                            info.name, info.name, interrupt.name
                        ),
                        func.span.clone(),
                    )
                    .secondary(info.span.clone(), "declared a handler here");
                    cx.error(d);
                }
                ContextKind::Handler { exception, priority: *priority, func: f, enabled: *enabled }
            }
        };
        out.push(ContextDecl { name: c.name.name.clone(), core: c.core, kind });
    }
    for (core, n) in threads_per_core.iter().enumerate() {
        if *n == 0 {
            let span = setup.contexts.first().map(|c| c.name.span.clone()).unwrap_or_default();
            cx.error(Diagnostic::error(
                format!("core {core} has no thread-mode context: add a [[context]] with `runs` and no `interrupt`"),
                span,
            ));
        }
    }
    out
}

fn unknown_interrupt(n: &Named) -> Diagnostic {
    let mut names = board::interrupt_names();
    names.extend(board::EXCEPTIONS.iter().map(|(e, _)| *e));
    let mut d = Diagnostic::error(format!("`{}` is not an interrupt of the {}", n.name, board::BOARD), n.span.clone())
        .label("not in the board's vector table")
        .note(format!("the board's interrupts are: {}", names.join(", ")));
    if let Some(c) = similar_name::best_match(&n.name, &names) {
        d = d.help(format!("did you mean `{c}`?"));
    }
    d
}

pub fn sources(cx: &mut Crate) -> Vec<SourceDecl> {
    let setup = cx.setup;
    let mut out = Vec::new();
    for (i, s) in setup.sources.iter().enumerate() {
        if board::exception_number(&s.interrupt.name).is_none() {
            cx.error(unknown_interrupt(&s.interrupt));
            continue;
        }
        if setup.sources[..i].iter().any(|o| o.interrupt.name == s.interrupt.name) {
            cx.error(Diagnostic::error(
                format!("`{}` is declared as an event source twice", s.interrupt.name),
                s.interrupt.span.clone(),
            ));
        }
        let handler = setup
            .contexts
            .iter()
            .position(|c| matches!(&c.kind, ContextSetupKind::Handler { interrupt, .. } if interrupt.name == s.interrupt.name))
            .map(|i| ContextId(i as u16));
        let ends_before = s.ends_before.as_ref().and_then(|end| {
            let found = setup.sources.iter().position(|o| o.interrupt.name == end.name && o.interrupt.name != s.interrupt.name);
            if found.is_none() {
                cx.error(Diagnostic::error(
                    format!(
                        "`ends_before = \"{}\"`: expected another `[[source]]` of this lesson, whose first event ends the burst of `{}`",
                        end.name, s.interrupt.name
                    ),
                    end.span.clone(),
                ));
            }
            found.map(|i| irqlab_sim::SourceId(i as u16))
        });
        out.push(SourceDecl {
            name: s.interrupt.name.clone(),
            handler,
            trigger: s.trigger,
            max_arrivals: s.max_arrivals,
            ends_before,
            dma: s.dma_bytes.as_ref().map(|bytes| irqlab_sim::DmaDecl { bytes: bytes.clone() }),
        });
    }
    out
}

/// A program error the front end did not catch first (it should not
/// happen): reported at the best place known.
pub fn program_error(e: &irqlab_sim::ProgramError, properties: &[PropertySetup], fallback: Span) -> Diagnostic {
    use irqlab_sim::ProgramError as E;
    let span = match e {
        E::BadInstr { at, .. } | E::NoAtomicRmw { at, .. } | E::NoBasepri { at, .. } | E::WideAtomic { at, .. } => {
            at.clone()
        }
        // The property's expression in lesson.toml.
        E::BadProperty { property, .. } => {
            properties.iter().find(|p| &p.name == property).map_or(fallback, |p| p.span.clone())
        }
        _ => fallback,
    };
    Diagnostic::error(format!("irqlab cannot run this program: {e}"), span)
}

/// Builds the program; `None` if the setup has no contexts (a library check).
pub fn program(cx: &mut Crate, mut functions: Vec<Function>, code_file: &str) -> Option<Program> {
    if cx.setup.contexts.is_empty() {
        return None;
    }
    let contexts = contexts(cx, code_file);
    let sources = sources(cx);
    let properties = properties(cx, &mut functions);
    Some(Program {
        target: cx.setup.target,
        cores: cx.setup.cores,
        statics: cx.static_decls.clone(),
        locations: cx.locations.clone(),
        functions,
        contexts,
        sources,
        properties,
    })
}
