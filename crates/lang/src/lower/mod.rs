//! Lowering one function body to machine instructions. Each expression
//! becomes the few indivisible steps a Cortex-M core would take for it (a
//! load, an add, a store), each carrying the span of the code it came from.
//!
//! Errors never stop the walk: a bad statement records a diagnostic and is
//! skipped, so one pass reports every problem in the file.

mod atomics;
mod calls;
mod cells;
mod control;
mod expr;
mod heapless;
mod impls;
mod infer;
mod loops;
mod macros;
mod methods;
mod names;
mod patterns;
mod place;
mod stmts;

use irqlab_sim::{Function, Instr, Local, Op, Operand, Span};
use syn::spanned::Spanned;

use crate::diagnostic::Diagnostic;
use crate::items::Crate;
use crate::types::LTy;
pub use place::{MemPlace, Perm};

/// A diagnostic was recorded; the construct it was in is abandoned.
#[derive(Debug)]
pub struct Stop;
pub type R<T> = Result<T, Stop>;

/// What an expression is, at compile time.
#[derive(Clone, Debug)]
pub enum Val {
    /// A value in cells (empty for `()`).
    Value(Vec<Operand>, LTy),
    /// Memory or a local variable that can be read, written or borrowed.
    Place(Place),
    /// A `RefCell` borrow guard (`Ref`/`RefMut`); derefs to its target.
    Guard(Guard),
    /// The `CriticalSection` token of a critical section.
    Cs,
    Ordering(irqlab_sim::Ordering),
    /// `Interrupt::X`.
    Interrupt(String),
    /// `&raw const X` / `&raw mut X`.
    RawPtr(MemPlace, bool),
    /// Control never gets here (`return`, `break`, `panic!()`).
    Never,
}

impl Val {
    pub fn unit() -> Val {
        Val::Value(Vec::new(), LTy::Unit)
    }
}

#[derive(Clone, Debug)]
pub enum Place {
    Mem(MemPlace),
    Local(LocalPlace),
}

#[derive(Clone, Debug)]
pub struct LocalPlace {
    pub name: String,
    pub slots: Vec<Local>,
    pub ty: LTy,
    pub mutable: bool,
}

#[derive(Clone, Debug)]
pub struct Guard {
    pub id: u32,
    pub mutable: bool,
    pub target: MemPlace,
}

#[derive(Clone, Debug)]
pub enum Binding {
    /// A variable whose initializer had an error: its uses report nothing
    /// more (the first error says it all).
    Poison,
    Value {
        slots: Vec<Operand>,
        ty: LTy,
    },
    Local(LocalPlace),
    Val(Val),
}

#[derive(Clone, Debug)]
struct DropAction {
    guard: u32,
    flag: irqlab_sim::Place,
    mutable: bool,
    span: Span,
}

#[derive(Default)]
struct Scope {
    bindings: Vec<(String, Binding)>,
    drops: Vec<DropAction>,
}

struct LoopFrame {
    label: Option<String>,
    break_label: u32,
    continue_label: u32,
    scope_depth: usize,
    result: Option<(Vec<Local>, LTy)>,
    /// How many closure bodies were open when the loop started: `break`
    /// cannot leave a closure.
    exits: usize,
    broke: bool,
    /// Temporaries alive before the loop (a `break` leaves them alone).
    temps_depth: usize,
}

/// A closure body (`critical_section::with(|cs| ..)`): `return` leaves it.
struct ExitFrame {
    label: u32,
    scope_depth: usize,
    temps_depth: usize,
    result: Vec<Local>,
    ty: Option<LTy>,
}

pub struct FnBuilder<'c, 'a> {
    pub cx: &'c mut Crate<'a>,
    body: Vec<Instr>,
    local_names: Vec<String>,
    labels: Vec<Option<u32>>,
    scopes: Vec<Scope>,
    loops: Vec<LoopFrame>,
    exits: Vec<ExitFrame>,
    temps: Vec<DropAction>,
    unsafe_depth: u32,
    /// Where each `let x` without `mut` names its variable, latest last:
    /// rustc points there when the code assigns to it.
    immutable_lets: Vec<(String, Span)>,
    /// Where each `let x` names its variable, in scope or not, latest last.
    lets: Vec<(String, Span)>,
    ret_ty: LTy,
    next_guard: u32,
    /// Locals that belong to `let mut` variables (copied when aliased).
    mutable_locals: Vec<Local>,
    depth: u32,
    /// Lowering a lesson.toml property: `arrivals("X")` and its kin exist.
    in_property: bool,
    /// The functions being lowered into this one (`impls.rs`), innermost last.
    inlining: Vec<usize>,
    /// Bytes of the local arrays bound so far (`Function::frame_bytes`).
    frame_bytes: u32,
}

/// How deeply expressions may nest before irqlab gives up (no stack overflow
/// on pathological input).
const MAX_DEPTH: u32 = 96;

impl<'c, 'a> FnBuilder<'c, 'a> {
    pub fn new(cx: &'c mut Crate<'a>, ret_ty: LTy, is_unsafe: bool) -> Self {
        FnBuilder {
            cx,
            body: Vec::new(),
            local_names: Vec::new(),
            labels: Vec::new(),
            scopes: vec![Scope::default()],
            loops: Vec::new(),
            exits: Vec::new(),
            temps: Vec::new(),
            unsafe_depth: u32::from(is_unsafe),
            immutable_lets: Vec::new(),
            lets: Vec::new(),
            ret_ty,
            next_guard: 0,
            mutable_locals: Vec::new(),
            depth: 0,
            in_property: false,
            inlining: Vec::new(),
            frame_bytes: 0,
        }
    }

    // ---- emitting -------------------------------------------------------

    pub fn emit(&mut self, op: Op, span: &Span) {
        self.body.push(Instr { op, span: span.clone() });
    }

    pub fn local(&mut self, name: &str, ty: irqlab_sim::Ty) -> Local {
        let l = Local(self.local_names.len() as u16);
        self.local_names.push(format!("{name}: {}", ty.name()));
        l
    }

    pub fn temp(&mut self, ty: irqlab_sim::Ty) -> Local {
        self.local("_", ty)
    }

    fn new_label(&mut self) -> u32 {
        self.labels.push(None);
        (self.labels.len() - 1) as u32
    }

    fn place_label(&mut self, label: u32) {
        self.labels[label as usize] = Some(self.body.len() as u32);
    }

    fn jump(&mut self, label: u32, span: &Span) {
        self.emit(Op::Jump { target: label }, span);
    }

    fn branch(&mut self, cond: Operand, then_label: u32, else_label: u32, span: &Span) {
        self.emit(Op::Branch { cond, then_target: then_label, else_target: else_label }, span);
    }

    pub fn span_of(&self, node: &impl Spanned) -> Span {
        self.cx.span(node.span())
    }

    pub fn err(&mut self, d: Diagnostic) -> Stop {
        self.cx.error(d);
        Stop
    }

    pub fn in_unsafe(&self) -> bool {
        self.unsafe_depth > 0
    }

    pub fn cores(&self) -> u8 {
        self.cx.setup.cores
    }

    // ---- the function ---------------------------------------------------

    /// Lowers a function with its parameters; returns the sim function.
    pub fn lower_fn(mut self, name: &str, params: &[(String, LTy, bool)], block: &syn::Block, span: Span) -> Function {
        for (pname, ty, mutable) in params {
            let t = ty.scalar().unwrap_or(irqlab_sim::Ty::U32);
            let l = self.local(pname, t);
            let place = LocalPlace { name: pname.clone(), slots: vec![l], ty: ty.clone(), mutable: *mutable };
            if *mutable {
                self.mutable_locals.push(l);
            }
            self.bind(pname, Binding::Local(place));
        }
        let ret_ty = self.ret_ty.clone();
        let close =
            self.cx.map.last_line_span(block.brace_token.span.close().start(), block.brace_token.span.close().end());
        let value = self.block_value(block, Some(&ret_ty));
        if let Ok(v) = value
            && let Ok((ops, ty)) = self.rvalue(v, &close)
            && !ty.is_never()
        {
            if ty != ret_ty && !(ret_ty == LTy::Never && ty == LTy::Unit) {
                let tail = block.stmts.last().map_or(close.clone(), |s| self.span_of(s));
                self.cx.error(crate::errors::mismatched(
                    &ret_ty.name(&self.cx.structs),
                    &ty.name(&self.cx.structs),
                    tail,
                ));
            }
            self.emit(Op::Return { value: ops.first().copied() }, &close);
        }
        if !self.body.last().is_some_and(|i| matches!(i.op, Op::Return { .. } | Op::Jump { .. })) {
            // Every body ends in a return (the machine requires it), even
            // after a diverging tail such as `loop {}` or `panic!()`.
            self.emit(Op::Return { value: None }, &close);
        }
        self.finish(name, params.len() as u16, span)
    }

    /// A property: a pure function returning the bool value of `expr`.
    pub fn lower_property(mut self, name: &str, expr: &syn::Expr, span: Span) -> Function {
        self.in_property = true;
        let s = self.span_of(expr);
        if let Ok((op, ty)) = self.scalar(expr, Some(&LTy::Scalar(irqlab_sim::Ty::Bool))) {
            if ty != irqlab_sim::Ty::Bool {
                self.cx.error(crate::errors::mismatched("bool", ty.name(), s.clone()));
            }
            self.flush_temps();
            self.emit(Op::Return { value: Some(op) }, &s);
        }
        if !self.body.last().is_some_and(|i| matches!(i.op, Op::Return { .. })) {
            self.emit(Op::Return { value: Some(Operand::Const(0)) }, &s);
        }
        self.finish(name, 0, span)
    }

    fn finish(self, name: &str, params: u16, span: Span) -> Function {
        let labels = self.labels;
        let resolve = |l: u32| labels.get(l as usize).copied().flatten().unwrap_or(0);
        let mut body = self.body;
        let len = body.len() as u32;
        for instr in &mut body {
            match &mut instr.op {
                Op::Jump { target } => *target = resolve(*target).min(len.saturating_sub(1)),
                Op::Branch { then_target, else_target, .. } => {
                    *then_target = resolve(*then_target).min(len.saturating_sub(1));
                    *else_target = resolve(*else_target).min(len.saturating_sub(1));
                }
                _ => {}
            }
        }
        Function {
            name: name.to_string(),
            params,
            locals: self.local_names.len() as u16,
            local_names: self.local_names,
            body,
            span,
            frame_bytes: self.frame_bytes,
        }
    }

    // ---- scopes, bindings and drops ---------------------------------------

    fn bind(&mut self, name: &str, b: Binding) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.bindings.push((name.to_string(), b));
        }
    }

    /// The names rustc may suggest for a misspelled value or function: the
    /// locals in scope, the statics, consts and functions of the file.
    fn typo_candidates(&self) -> Vec<crate::errors::Candidate> {
        use crate::errors::Candidate;
        let mut out = Vec::new();
        for scope in &self.scopes {
            for (name, _) in &scope.bindings {
                out.push(Candidate { name: name.clone(), what: "local variable", defined: None });
            }
        }
        for s in &self.cx.statics {
            out.push(Candidate { name: s.name.clone(), what: "static", defined: Some(s.item_span.clone()) });
        }
        for name in self.cx.consts.keys() {
            out.push(Candidate { name: name.clone(), what: "constant", defined: None });
        }
        for f in &self.cx.fns {
            let sig = f.item.sig.span();
            let start = match f.item.vis {
                syn::Visibility::Inherited => sig.start(),
                ref vis => vis.span().start(),
            };
            let defined = self.cx.map.span(start, sig.end());
            out.push(Candidate { name: f.name.clone(), what: "function", defined: Some(defined) });
        }
        out
    }

    fn lookup(&self, name: &str) -> Option<Binding> {
        for scope in self.scopes.iter().rev() {
            if let Some((_, b)) = scope.bindings.iter().rev().find(|(n, _)| n == name) {
                return Some(b.clone());
            }
        }
        None
    }

    fn push_scope(&mut self) {
        self.scopes.push(Scope::default());
    }

    /// Ends a scope: guards bound in it are dropped, last bound first.
    fn pop_scope(&mut self, span: &Span) {
        if let Some(scope) = self.scopes.pop() {
            for d in scope.drops.iter().rev() {
                self.emit(Op::ReleaseRefCell { flag: d.flag, mutable: d.mutable }, span);
            }
        }
    }

    /// The drops an early exit to scope `depth` runs (innermost first):
    /// temporaries made since `temps_depth`, then the guards of the scopes
    /// left. Nothing is popped: the code after the exit still uses them.
    fn drops_to(&mut self, depth: usize, temps_depth: usize, span: &Span) {
        let mut ops = Vec::new();
        for t in self.temps.iter().skip(temps_depth).rev() {
            ops.push(Op::ReleaseRefCell { flag: t.flag, mutable: t.mutable });
        }
        for scope in self.scopes[depth.min(self.scopes.len())..].iter().rev() {
            for d in scope.drops.iter().rev() {
                ops.push(Op::ReleaseRefCell { flag: d.flag, mutable: d.mutable });
            }
        }
        for op in ops {
            self.emit(op, span);
        }
    }

    /// A new guard: borrowed now, released at the end of the statement
    /// unless a `let` binds it.
    pub fn new_guard(&mut self, flag: irqlab_sim::Place, mutable: bool, target: MemPlace, span: &Span) -> Guard {
        self.emit(Op::BorrowRefCell { flag, mutable }, span);
        let id = self.next_guard;
        self.next_guard += 1;
        self.temps.push(DropAction { guard: id, flag, mutable, span: span.clone() });
        Guard { id, mutable, target }
    }

    /// Temporaries die at the end of the statement (last created first).
    fn flush_temps(&mut self) {
        self.flush_temps_from(0);
    }

    /// Releases the temporaries created since `mark` (a statement's or a
    /// condition's own), keeping those of the enclosing statement.
    pub fn flush_temps_from(&mut self, mark: usize) {
        let temps = self.temps.split_off(mark.min(self.temps.len()));
        for t in temps.iter().rev() {
            self.emit(Op::ReleaseRefCell { flag: t.flag, mutable: t.mutable }, &t.span);
        }
    }

    pub fn temps_mark(&self) -> usize {
        self.temps.len()
    }

    /// The releases of the temporaries made since `mark`, last made first,
    /// for a second way out of the same scope (an `if let`'s `else`).
    fn temp_releases(&self, mark: usize) -> Vec<Op> {
        self.temps.iter().skip(mark).rev().map(|t| Op::ReleaseRefCell { flag: t.flag, mutable: t.mutable }).collect()
    }

    /// `drop(guard)`: released now, and not again at the end of its scope.
    fn drop_guard(&mut self, id: u32, span: &Span) -> bool {
        for scope in self.scopes.iter_mut().rev() {
            if let Some(i) = scope.drops.iter().position(|d| d.guard == id) {
                let d = scope.drops.remove(i);
                self.emit(Op::ReleaseRefCell { flag: d.flag, mutable: d.mutable }, span);
                return true;
            }
        }
        if let Some(i) = self.temps.iter().position(|d| d.guard == id) {
            let d = self.temps.remove(i);
            self.emit(Op::ReleaseRefCell { flag: d.flag, mutable: d.mutable }, span);
            return true;
        }
        false
    }

    // ---- blocks and statements ---------------------------------------------

    /// Gives the temporaries holding a variable's value the variable's name
    /// (shown in the code view, and no longer reused as scratch).
    pub fn name_locals(&mut self, ops: &[Operand], name: &str) {
        for op in ops {
            if let Operand::Local(l) = op
                && let Some(n) = self.local_names.get_mut(l.0 as usize)
                && n.starts_with("_:")
            {
                *n = format!("{name}{}", &n[1..]);
            }
        }
    }

    /// Reads a value: a place is loaded, a value passes through.
    pub fn rvalue(&mut self, v: Val, span: &Span) -> R<(Vec<Operand>, LTy)> {
        match v {
            Val::Value(ops, ty) => Ok((ops, ty)),
            Val::Never => Ok((Vec::new(), LTy::Never)),
            Val::Place(Place::Local(lp)) => Ok((lp.slots.iter().map(|l| Operand::Local(*l)).collect(), lp.ty)),
            Val::Place(Place::Mem(mp)) => self.load(&mp, span),
            Val::Guard(g) => self.load(&g.target, span),
            Val::Cs | Val::Ordering(_) | Val::Interrupt(_) | Val::RawPtr(..) => {
                Err(self.err(crate::errors::unsupported_with(
                    "values of this kind here",
                    span.clone(),
                    "use it directly as an argument",
                )))
            }
        }
    }

    /// A scalar value and its type.
    pub fn scalar(&mut self, e: &syn::Expr, expect: Option<&LTy>) -> R<(Operand, irqlab_sim::Ty)> {
        let span = self.span_of(e);
        let v = self.expr(e, expect)?;
        let (ops, ty) = self.rvalue(v, &span)?;
        match (ty.scalar(), ops.first()) {
            (Some(t), Some(op)) => Ok((*op, t)),
            // `!` (`loop {}`, `panic!()`, `return`) coerces to any type; the
            // code that would use the value is never reached.
            _ if ty.is_never() => Ok((Operand::Const(0), expect.and_then(LTy::scalar).unwrap_or(irqlab_sim::Ty::I32))),
            _ => {
                let expected = expect.map_or_else(|| "an integer or `bool`".to_string(), |t| t.name(&self.cx.structs));
                Err(self.err(crate::errors::mismatched(&expected, &ty.name(&self.cx.structs), span)))
            }
        }
    }

    /// A value of exactly type `want`, in cells.
    pub fn typed(&mut self, e: &syn::Expr, want: &LTy) -> R<Vec<Operand>> {
        let s = self.span_of(e);
        let v = self.expr(e, Some(want))?;
        let (ops, ty) = self.rvalue(v, &s)?;
        if ty != *want && !ty.is_never() {
            return Err(self.err(crate::errors::mismatched(
                &want.name(&self.cx.structs),
                &ty.name(&self.cx.structs),
                s,
            )));
        }
        Ok(ops)
    }

    /// A scalar of exactly type `want`.
    pub fn scalar_of(&mut self, e: &syn::Expr, want: irqlab_sim::Ty) -> R<Operand> {
        let (op, ty) = self.scalar(e, Some(&LTy::Scalar(want)))?;
        if ty != want {
            let s = self.span_of(e);
            return Err(self.err(crate::errors::mismatched(want.name(), ty.name(), s)));
        }
        Ok(op)
    }

    /// Recursion guard for expressions.
    pub fn enter(&mut self, span: &Span) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(self.err(crate::errors::unsupported_with(
                "expressions nested this deeply",
                span.clone(),
                "split the expression with `let`",
            )));
        }
        Ok(())
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
}
