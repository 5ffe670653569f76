//! Calls by path: the lesson's own functions, and the known functions of
//! `critical_section`, `cortex_m`, `core` and the `board` vocabulary. Also
//! the macros (`assert!`, `panic!`, `addr_of!` ...).

use irqlab_sim::{ContextId, NvicOp, Op, Operand, SourceId, Span, Ty};

use super::expr::{Resolved, strip};
use super::{Binding, FnBuilder, R, Val};
use crate::diagnostic::Diagnostic;
use crate::errors;
use crate::setup::ContextSetupKind;
use crate::types::LTy;

/// How a critical section is entered.
#[derive(Clone, Copy)]
pub enum Section {
    /// `critical_section::with`: on two cores the RP2040 implementation also
    /// takes hardware spinlock 31.
    CriticalSection,
    /// `cortex_m::interrupt::free`: interrupts off on this core only.
    InterruptFree,
}

/// The locals a critical section needs to leave again.
pub struct SectionTokens {
    primask: irqlab_sim::Local,
    spinlock: Option<irqlab_sim::Local>,
}

/// The spinlock rp2040-hal's critical-section implementation takes.
const CS_SPINLOCK: u8 = 31;

impl FnBuilder<'_, '_> {
    pub fn call(&mut self, c: &syn::ExprCall, expect: Option<&LTy>, span: &Span) -> R<Val> {
        let syn::Expr::Path(p) = strip(&c.func) else {
            return Err(self.err(errors::unsupported("calling this expression", span.clone())));
        };
        let fs = self.span_of(&c.func);
        let args: Vec<&syn::Expr> = c.args.iter().collect();
        if self.in_property
            && let Some(count) = p.path.get_ident().and_then(|i| irqlab_sim::EventCount::from_name(&i.to_string()))
        {
            return self.event_count(count, &args, span);
        }
        if self.in_property && p.path.is_ident("stack_bytes") {
            return self.stack_bytes(&args, span);
        }
        if let Some(v) = self.associated_call(&p.path, &args, span) {
            return v;
        }
        match self.resolve(&p.path) {
            Resolved::LessonFn(i) if args.len() != self.cx.fns[i].params.len() => {
                let d = self.argument_count_of(i, c, span);
                Err(self.err(d))
            }
            Resolved::LessonFn(i) => self.lesson_call(i, &args, span),
            Resolved::InlineFn(i) => self.inline_call(i, None, &args, span),
            Resolved::Known(canonical) if canonical.starts_with("heapless::") => {
                Err(self.err(errors::heapless(&canonical, fs)))
            }
            Resolved::Known(canonical) => self.known_call(&canonical, &args, expect, span, &fs),
            Resolved::Binding(_) | Resolved::Const(..) | Resolved::Static(_) => Err(self
                .err(Diagnostic::error("expected function, found a value", fs).code("E0618").label("not a function"))),
            Resolved::Unknown if p.path.segments.len() > 1 => Err(self.undeclared_type_error(&p.path)),
            Resolved::Unknown => {
                let name = p.path.segments[0].ident.to_string();
                Err(self.err(errors::not_found("function", &name, fs, self.typo_candidates())))
            }
        }
    }

    /// `arrivals("TIMER0")`, `handled(..)`, `lost(..)`, `max_latency(..)` in a
    /// property: what happened to a source's events (a `u32`; latency in
    /// cycles); `enabled(..)`: whether its interrupt is unmasked, and
    /// `receiving(..)`: whether its DMA transfer runs (`bool`s).
    fn event_count(&mut self, count: irqlab_sim::EventCount, args: &[&syn::Expr], span: &Span) -> R<Val> {
        self.args_count(args, 1, count.name(), span)?;
        let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. }) = strip(args[0]) else {
            let s = self.span_of(args[0]);
            return Err(self.err(
                Diagnostic::error(format!("`{}` takes the interrupt's name as a string", count.name()), s)
                    .label("expected a string such as \"TIMER0\""),
            ));
        };
        let at = self.span_of(args[0]);
        let source = self.source_of(&name.value(), &at)?;
        // `enabled("X")` and `receiving("X")` are `bool`s, the counters `u32`.
        let ty = if matches!(count, irqlab_sim::EventCount::Enabled | irqlab_sim::EventCount::Receiving) {
            Ty::Bool
        } else {
            Ty::U32
        };
        let dst = self.temp(ty);
        self.emit(irqlab_sim::Op::EventCount { dst, source, count }, span);
        Ok(Val::Value(vec![Operand::Local(dst)], LTy::Scalar(ty)))
    }

    /// `stack_bytes()` in a property: the bytes of main stack in use now, on
    /// the core whose stack is deepest (a `u32`; docs/SEMANTICS.md §1 "Stack").
    fn stack_bytes(&mut self, args: &[&syn::Expr], span: &Span) -> R<Val> {
        self.args_count(args, 0, "stack_bytes", span)?;
        let dst = self.temp(Ty::U32);
        self.emit(irqlab_sim::Op::StackBytes { dst }, span);
        Ok(Val::Value(vec![Operand::Local(dst)], LTy::Scalar(Ty::U32)))
    }

    /// E0061 on a call of a lesson function, as rustc 1.95 words it for one
    /// argument missing or one too many: the callee underlined, the missing
    /// argument's type (or the extra one's) beside it, the definition as a
    /// note and the fix as a help (fixtures/e0061_*.stderr). Other counts get
    /// the header alone.
    fn argument_count_of(&mut self, i: usize, c: &syn::ExprCall, span: &Span) -> Diagnostic {
        let f = &self.cx.fns[i];
        let (want, got) = (f.params.len(), c.args.len());
        let plain = errors::argument_count(want, got, span.clone());
        let callee = self.span_of(&c.func);
        let parens = self.cx.span(c.paren_token.span.join());
        if callee.line != parens.line || parens.col_end <= parens.col_start {
            return plain;
        }
        let defined = self.cx.span(f.item.sig.ident.span());
        let inputs: Vec<Span> = f.item.sig.inputs.iter().map(|a| self.span_of(a)).collect();
        let header = Diagnostic { span: callee, ..plain };
        if got + 1 == want {
            let ty = f.params[got].1.name(&self.cx.structs);
            let close = parens.col_end - 1;
            let at = Span::new(parens.file.clone(), parens.line, close, close);
            let comma = if got == 0 { "" } else { ", " };
            return header
                .secondary(parens, format!("argument #{} of type `{ty}` is missing", got + 1))
                .child("function defined here", defined, inputs.get(got).cloned().into_iter().collect())
                .suggest("provide the argument", at, format!("{comma}/* {ty} */"));
        }
        let extra = c.args.iter().nth(want);
        let ty = match extra.map(strip) {
            Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. })) if n.suffix().is_empty() => {
                "{integer}".to_string()
            }
            Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. })) => n.suffix().to_string(),
            Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Bool(_), .. })) => "bool".to_string(),
            _ => return Diagnostic { span: span.clone(), ..header },
        };
        let (Some(extra), true) = (extra, got == want + 1) else { return Diagnostic { span: span.clone(), ..header } };
        let arg = self.span_of(extra);
        // From the end of the argument before (or the `(`) to the extra one's end.
        let from = match want {
            0 => parens.col_start + 1,
            _ => c.args.iter().nth(want - 1).map_or(arg.col_start, |a| self.span_of(a).col_end),
        };
        let removed = Span::new(arg.file.clone(), arg.line, from, arg.col_end);
        header
            .secondary(arg, format!("unexpected argument of type `{ty}`"))
            .child("function defined here", defined, Vec::new())
            .suggest("remove the extra argument", removed, "")
    }

    pub(super) fn lesson_call(&mut self, i: usize, args: &[&syn::Expr], span: &Span) -> R<Val> {
        let f = self.cx.fns[i].clone();
        if f.is_unsafe && !self.in_unsafe() {
            self.cx.error(errors::unsafe_call(&f.name, span.clone()));
        }
        if args.len() != f.params.len() {
            return Err(self.err(errors::argument_count(f.params.len(), args.len(), span.clone())));
        }
        let mut ops = Vec::new();
        for (a, (_, ty, _)) in args.iter().zip(&f.params) {
            let t = ty.scalar().unwrap_or(Ty::U32);
            ops.push(self.scalar_of(a, t)?);
        }
        let ret = match f.ret {
            LTy::Scalar(t) => Some(self.temp(t)),
            _ => None,
        };
        let func = irqlab_sim::FuncId(i as u32);
        self.emit(Op::Call { func, args: ops, ret }, span);
        Ok(match (ret, &f.ret) {
            (Some(r), ty) => Val::Value(vec![Operand::Local(r)], ty.clone()),
            (None, LTy::Never) => Val::Never,
            _ => Val::unit(),
        })
    }

    /// E0133 for an unsafe function called outside `unsafe`, naming the
    /// callee as rustc 1.95 does (its trimmed def path, with cortex-m 0.7.10
    /// and critical-section 1.2 in the crate graph): a name unique among
    /// the crates' items alone (`read_volatile`), others by their path.
    pub(super) fn need_unsafe(&mut self, canonical: &str, span: &Span) {
        if !self.in_unsafe() {
            let shown = match canonical {
                "cortex_m::peripheral::NVIC::unmask" => "nvic::<impl NVIC>::unmask",
                "critical_section::CriticalSection::new" => "critical_section::CriticalSection::<'cs>::new",
                "core::ptr::read_volatile" => "read_volatile",
                "core::ptr::write_volatile" => "write_volatile",
                // `cortex_m::register::basepri::write`, `cortex_m::interrupt::enable`
                other => other,
            };
            self.cx.error(errors::unsafe_call(shown, span.clone()));
        }
    }

    pub(super) fn args_count(&mut self, args: &[&syn::Expr], n: usize, name: &str, span: &Span) -> R<()> {
        if args.len() != n {
            return Err(self.err(
                Diagnostic::error(
                    format!(
                        "`{name}` takes {n} argument{} but {} {} supplied",
                        if n == 1 { "" } else { "s" },
                        args.len(),
                        if args.len() == 1 { "was" } else { "were" }
                    ),
                    span.clone(),
                )
                .code("E0061"),
            ));
        }
        Ok(())
    }

    pub fn ordering_arg(&mut self, e: &syn::Expr) -> R<irqlab_sim::Ordering> {
        let s = self.span_of(e);
        match self.expr(e, None)? {
            Val::Ordering(o) => Ok(o),
            _ => Err(self.err(errors::mismatched("Ordering", "another value", s))),
        }
    }

    pub(super) fn interrupt_arg(&mut self, e: &syn::Expr) -> R<String> {
        let s = self.span_of(e);
        match self.expr(e, None)? {
            Val::Interrupt(name) => Ok(name),
            _ => Err(self.err(errors::mismatched("Interrupt", "another value", s))),
        }
    }

    /// The handler context of an interrupt, from lesson.toml.
    pub(super) fn handler_of(&mut self, name: &str, span: &Span) -> R<ContextId> {
        let found = self
            .cx
            .setup
            .contexts
            .iter()
            .position(|c| matches!(&c.kind, ContextSetupKind::Handler { interrupt, .. } if interrupt.name == name));
        match found {
            Some(i) => Ok(ContextId(i as u16)),
            None if self.cx.setup.contexts.is_empty() => Ok(ContextId(0)),
            None => Err(self.err(
                Diagnostic::error(format!("no context handles `{name}` in this lesson"), span.clone())
                    .label("no handler for this interrupt")
                    .advise(format!("add a [[context]] with interrupt = \"{name}\" to lesson.toml")),
            )),
        }
    }

    /// The event source of an interrupt, from lesson.toml.
    pub(super) fn source_of(&mut self, name: &str, span: &Span) -> R<SourceId> {
        let found = self.cx.setup.sources.iter().position(|s| s.interrupt.name == name);
        match found {
            Some(i) => Ok(SourceId(i as u16)),
            None if self.cx.setup.contexts.is_empty() => Ok(SourceId(0)),
            None => Err(self.err(
                Diagnostic::error(format!("`{name}` is not an event source of this lesson"), span.clone())
                    .label("no peripheral raises this interrupt here")
                    .advise(format!("add a [[source]] with interrupt = \"{name}\" to lesson.toml")),
            )),
        }
    }

    pub(super) fn const_u32(&mut self, e: &syn::Expr) -> R<u32> {
        let s = self.span_of(e);
        match self.scalar_of(e, Ty::U32)? {
            Operand::Const(v) => Ok(v as u32),
            _ => Err(self.err(errors::unsupported_with(
                "a variable number of cycles",
                s,
                "pass a constant: `board::busy(100)`",
            ))),
        }
    }

    /// `board::basepri(p)`: the BASEPRI value that masks logical priority
    /// `p` and every less urgent one, in the bits the target implements
    /// (RTIC's `logical2hw`). 0 is refused: BASEPRI 0 masks nothing.
    fn basepri_of(&mut self, e: &syn::Expr) -> R<u64> {
        let s = self.span_of(e);
        let levels = self.cx.setup.target.priority_levels();
        match self.scalar_of(e, Ty::U8)? {
            Operand::Const(p) if (1..u64::from(levels)).contains(&p) => {
                Ok(p << (8 - self.cx.setup.target.priority_bits()))
            }
            Operand::Const(p) => Err(self.err(
                Diagnostic::error(format!("no BASEPRI value masks priority {p}"), s)
                    .label(format!("this target's priorities are 0 to {}", levels - 1))
                    .note("BASEPRI 0 masks nothing, so priority 0 can only be masked by a critical section"),
            )),
            _ => Err(self.err(errors::unsupported_with(
                "a variable priority",
                s,
                "pass a constant: `board::basepri(2)`",
            ))),
        }
    }

    pub(super) fn known_call(
        &mut self,
        canonical: &str,
        args: &[&syn::Expr],
        expect: Option<&LTy>,
        span: &Span,
        fs: &Span,
    ) -> R<Val> {
        let (module, name) = canonical.rsplit_once("::").unwrap_or(("", canonical));
        match (module, name) {
            ("core::option::Option", "Some") => {
                self.args_count(args, 1, "Some", span)?;
                let inner = match expect {
                    Some(LTy::Option(t)) => Some((**t).clone()),
                    _ => None,
                };
                let s = self.span_of(args[0]);
                let v = self.expr(args[0], inner.as_ref())?;
                let (ops, ty) = self.rvalue(v, &s)?;
                if let Some(want) = &inner
                    && *want != ty
                {
                    return Err(self.err(errors::mismatched(
                        &want.name(&self.cx.structs),
                        &ty.name(&self.cx.structs),
                        s,
                    )));
                }
                let mut all = vec![Operand::Const(1)];
                all.extend(ops);
                Ok(Val::Value(all, LTy::Option(Box::new(ty))))
            }
            ("critical_section", "with") => {
                self.args_count(args, 1, "critical_section::with", span)?;
                self.section(Section::CriticalSection, args[0], expect, span)
            }
            ("cortex_m::interrupt", "free") => {
                self.args_count(args, 1, "cortex_m::interrupt::free", span)?;
                self.section(Section::InterruptFree, args[0], expect, span)
            }
            ("cortex_m::interrupt", "disable") => {
                self.args_count(args, 0, name, span)?;
                self.emit(Op::DisableInterrupts, span);
                Ok(Val::unit())
            }
            ("cortex_m::interrupt", "enable") => {
                self.need_unsafe(canonical, span);
                self.args_count(args, 0, name, span)?;
                self.emit(Op::EnableInterrupts, span);
                Ok(Val::unit())
            }
            ("critical_section::CriticalSection", "new") => {
                self.need_unsafe(canonical, span);
                Ok(Val::Cs)
            }
            ("core::sync::atomic" | "portable_atomic", "fence" | "compiler_fence") => {
                self.args_count(args, 1, name, span)?;
                let ordering = self.ordering_arg(args[0])?;
                if ordering == irqlab_sim::Ordering::Relaxed {
                    return Err(self.err(
                        Diagnostic::error("memory fences cannot have `Relaxed` ordering", span.clone())
                            .help("consider using ordering modes `Acquire`, `Release`, `AcqRel` or `SeqCst`"),
                    ));
                }
                self.emit(Op::Fence { ordering, compiler_only: name == "compiler_fence" }, span);
                Ok(Val::unit())
            }
            ("core::ptr", "read_volatile") => {
                self.need_unsafe(canonical, span);
                self.args_count(args, 1, name, span)?;
                let mut p = self.pointer_arg(args[0])?;
                p.volatile = true;
                let (ops, ty) = self.load(&p, span)?;
                Ok(Val::Value(ops, ty))
            }
            ("core::ptr", "write_volatile") => {
                self.need_unsafe(canonical, span);
                self.args_count(args, 2, name, span)?;
                let (mut p, mutable) = self.pointer_arg_mut(args[0])?;
                if !mutable {
                    return Err(self.err(errors::mismatched("*mut _", "*const _", self.span_of(args[0]))));
                }
                p.volatile = true;
                let ops = self.typed(args[1], &p.ty)?;
                self.store(&p, &ops, span);
                Ok(Val::unit())
            }
            ("cortex_m::asm", "wfi") => {
                self.emit(Op::Wfi, span);
                Ok(Val::unit())
            }
            ("cortex_m::asm", "wfe") => {
                self.emit(Op::Wfe, span);
                Ok(Val::unit())
            }
            ("cortex_m::asm", "sev") => {
                self.emit(Op::Sev, span);
                Ok(Val::unit())
            }
            ("cortex_m::asm", "dsb" | "isb" | "nop" | "dmb") => {
                self.emit(Op::Nop { what: name.to_string() }, span);
                Ok(Val::unit())
            }
            ("cortex_m::asm", "delay") | ("board", "busy") => {
                self.args_count(args, 1, name, span)?;
                let cycles = self.const_u32(args[0])?;
                self.emit(Op::Busy { cycles }, span);
                Ok(Val::unit())
            }
            ("board", "basepri") => {
                self.args_count(args, 1, name, span)?;
                let raw = self.basepri_of(args[0])?;
                Ok(Val::Value(vec![Operand::Const(raw)], LTy::Scalar(Ty::U8)))
            }
            ("cortex_m::register::basepri", "read") => {
                let dst = self.temp(Ty::U8);
                self.emit(Op::ReadBasepri { dst }, span);
                Ok(Val::Value(vec![Operand::Local(dst)], LTy::Scalar(Ty::U8)))
            }
            ("cortex_m::register::basepri", "write") | ("cortex_m::register::basepri_max", "write") => {
                if module.ends_with("basepri") {
                    self.need_unsafe(canonical, span);
                }
                self.args_count(args, 1, name, span)?;
                let value = self.scalar_of(args[0], Ty::U8)?;
                self.emit(Op::WriteBasepri { value, max: module.ends_with("basepri_max") }, span);
                Ok(Val::unit())
            }
            ("cortex_m::peripheral::NVIC", "pend" | "unpend" | "unmask" | "mask") => {
                if name == "unmask" {
                    self.need_unsafe(canonical, span);
                }
                self.args_count(args, 1, name, span)?;
                let s = self.span_of(args[0]);
                let irq_name = self.interrupt_arg(args[0])?;
                let irq = self.handler_of(&irq_name, &s)?;
                let op = match name {
                    "pend" => NvicOp::Pend,
                    "unpend" => NvicOp::Unpend,
                    "unmask" => NvicOp::Enable,
                    _ => NvicOp::Disable,
                };
                self.emit(Op::Nvic { op, irq }, span);
                Ok(Val::unit())
            }
            ("cortex_m::peripheral::NVIC", "is_pending" | "is_active" | "is_enabled")
            | ("cortex_m::peripheral::SCB", "is_pendsv_pending") => {
                let shown = format!("`{}::{name}`", module.rsplit("::").next().unwrap_or(module));
                Err(self.err(errors::unsupported_with(
                    &shown,
                    fs.clone(),
                    "irqlab's machine has no step that reads the NVIC's pending, active or enabled bits; \
                     `board::event_pending` reads a peripheral's event flag",
                )))
            }
            ("cortex_m::peripheral::SCB", "set_pendsv" | "clear_pendsv") => {
                // ICSR's PENDSVSET/PENDSVCLR: pends or unpends PendSV as
                // `NVIC::pend` does an interrupt (a volatile write).
                self.args_count(args, 0, name, span)?;
                let irq = self.handler_of("PendSV", fs)?;
                let op = if name == "set_pendsv" { NvicOp::Pend } else { NvicOp::Unpend };
                self.emit(Op::Nvic { op, irq }, span);
                Ok(Val::unit())
            }
            ("cortex_m::register::primask", "read" | "read_raw") => Err(self.err(errors::unsupported_with(
                &format!("`{canonical}`"),
                fs.clone(),
                "cortex-m reads PRIMASK with `asm!(.., options(nomem))`, which the compiler may move memory accesses across; \
                 irqlab's PRIMASK read is a barrier and would hide those reorderings. `critical_section::with` saves and restores PRIMASK",
            ))),
            ("board", "clear_event" | "event_pending") => {
                self.args_count(args, 1, name, span)?;
                let s = self.span_of(args[0]);
                let irq_name = self.interrupt_arg(args[0])?;
                let source = self.source_of(&irq_name, &s)?;
                if name == "clear_event" {
                    self.emit(Op::ClearEvent { source }, span);
                    Ok(Val::unit())
                } else {
                    let dst = self.temp(Ty::Bool);
                    self.emit(Op::ReadEvent { dst, source }, span);
                    Ok(Val::Value(vec![Operand::Local(dst)], LTy::Scalar(Ty::Bool)))
                }
            }
            ("board", "uarte_receive") => {
                // `unsafe fn uarte_receive<const N: usize>(buffer: *mut [u8; N])`:
                // UARTE0 receives N bytes into `buffer` by EasyDMA
                // (lessons/BOARD.md). The caller promises the buffer lives
                // and is not touched until the transfer ends.
                self.need_unsafe(canonical, span);
                self.args_count(args, 1, name, span)?;
                let at = self.span_of(args[0]);
                let (place, mutable) = self.pointer_arg_mut(args[0])?;
                if !mutable {
                    return Err(self.err(errors::mismatched("*mut [u8; N]", "*const _", at)));
                }
                let len = match &place.ty {
                    LTy::Array(elem, n) if **elem == LTy::Scalar(Ty::U8) && place.index.is_none() => *n,
                    other => {
                        return Err(self.err(errors::mismatched("*mut [u8; N]", &format!("*mut {}", other.name(&self.cx.structs)), at)));
                    }
                };
                let source = self.source_of("UARTE0_UART0", &at)?;
                let receives = self.cx.setup.sources.get(source.0 as usize).is_some_and(|s| s.dma_bytes.is_some());
                if !receives && !self.cx.setup.contexts.is_empty() {
                    return Err(self.err(
                        Diagnostic::error("UARTE0_UART0 does not receive by DMA in this lesson", span.clone())
                            .label("no bytes come to this buffer")
                            .advise("give the UARTE0_UART0 [[source]] in lesson.toml the bytes it receives: `dma_bytes = [..]`"),
                    ));
                }
                self.emit(Op::DmaStart { source, buffer: place.base, len }, span);
                Ok(Val::unit())
            }
            ("core::mem", "drop") => {
                self.args_count(args, 1, "drop", span)?;
                let s = self.span_of(args[0]);
                match self.expr(args[0], None)? {
                    Val::Guard(g) => {
                        self.drop_guard(g.id, &s);
                        Ok(Val::unit())
                    }
                    _ => Ok(Val::unit()),
                }
            }
            _ if canonical.starts_with("std::") => Err(self.err(errors::no_std(canonical, fs.clone()))),
            _ => {
                let known = crate::known::is_known(canonical);
                let message = if known {
                    errors::unsupported(&format!("`{canonical}`"), fs.clone())
                } else {
                    errors::not_found("function", name, fs.clone(), Vec::new())
                };
                Err(self.err(message))
            }
        }
    }

    pub(super) fn pointer_arg(&mut self, e: &syn::Expr) -> R<super::MemPlace> {
        self.pointer_arg_mut(e).map(|(p, _)| p)
    }

    pub(super) fn pointer_arg_mut(&mut self, e: &syn::Expr) -> R<(super::MemPlace, bool)> {
        let s = self.span_of(e);
        match self.expr(e, None)? {
            Val::RawPtr(p, m) => Ok((p, m)),
            Val::Place(super::Place::Mem(p)) => Ok((p, true)),
            _ => Err(self.err(errors::unsupported_with(
                "this pointer",
                s,
                "point at a static: `&raw const X`, `&raw mut X` or `addr_of!(X)`",
            ))),
        }
    }

    /// Enters a critical section; the caller runs the body, then `leave`.
    pub fn enter_section(&mut self, kind: Section, span: &Span) -> SectionTokens {
        let primask = self.local("_primask", Ty::Bool);
        self.emit(Op::ReadPrimask { dst: primask }, span);
        self.emit(Op::DisableInterrupts, span);
        let spinlock = if matches!(kind, Section::CriticalSection) && self.cores() > 1 {
            let token = self.local("_spinlock", Ty::Bool);
            self.emit(Op::SpinlockAcquire { lock: CS_SPINLOCK, token }, span);
            Some(token)
        } else {
            None
        };
        SectionTokens { primask, spinlock }
    }

    pub fn leave_section(&mut self, tokens: SectionTokens, span: &Span) {
        if let Some(token) = tokens.spinlock {
            self.emit(Op::SpinlockRelease { lock: CS_SPINLOCK, token: Operand::Local(token) }, span);
        }
        self.emit(Op::RestorePrimask { saved: Operand::Local(tokens.primask) }, span);
    }

    /// `critical_section::with(|cs| body)`: save PRIMASK, disable
    /// interrupts (and on two cores take the spinlock), run the body,
    /// restore. The body's value is what the call's place expects (`expect`,
    /// as rustc infers the closure's return type from it): a `None` in it is
    /// then typed (cortex-m's `Peripherals::take()`).
    pub(super) fn section(&mut self, kind: Section, closure: &syn::Expr, expect: Option<&LTy>, span: &Span) -> R<Val> {
        let syn::Expr::Closure(cl) = strip(closure) else {
            let s = self.span_of(closure);
            return Err(self.err(errors::unsupported_with(
                "a critical section without a closure",
                s,
                "write the body inline: `critical_section::with(|cs| { ... })`",
            )));
        };
        let mut binds = Vec::new();
        match cl.inputs.len() {
            0 => {}
            1 => match &cl.inputs[0] {
                syn::Pat::Ident(pi) => binds.push((pi.ident.to_string(), Binding::Val(Val::Cs))),
                syn::Pat::Wild(_) => {}
                syn::Pat::Type(pt) => {
                    if let syn::Pat::Ident(pi) = &*pt.pat {
                        binds.push((pi.ident.to_string(), Binding::Val(Val::Cs)));
                    }
                }
                other => {
                    let s = self.span_of(other);
                    return Err(self.err(errors::unsupported("this closure parameter", s)));
                }
            },
            _ => {
                let s = self.span_of(&cl.inputs);
                return Err(self.err(Diagnostic::error("closure is expected to take 1 argument", s).code("E0593")));
            }
        }
        // Leaving the section is shown on the line that closes it.
        let whole = syn::spanned::Spanned::span(closure);
        let close = if whole.start().line == whole.end().line {
            span.clone()
        } else {
            self.cx.map.last_line_span(whole.start(), whole.end())
        };
        let tokens = self.enter_section(kind, span);
        let end = self.new_label();
        let body = self.closure_body(&cl.body, binds, end, None, expect);
        self.place_label(end);
        self.leave_section(tokens, &close);
        let (ops, ty) = body?;
        if ty.is_never() {
            return Ok(Val::Never);
        }
        Ok(Val::Value(ops, ty))
    }
}
