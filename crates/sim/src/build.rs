//! A small builder for programs written by hand: the rule tests, the
//! benchmarks and the explorer's scaling cases. Lessons come from crates/lang.
//!
//! Every instruction gets a span on its own line of a virtual file, so a
//! trace can still point at "the line".

use crate::program::*;
use crate::value::{BinOp, Ty};

#[derive(Debug)]
pub struct ProgramBuilder {
    program: Program,
    file: String,
    next_line: u32,
}

/// Builds one function body.
#[derive(Debug)]
pub struct FnBuilder {
    function: Function,
    file: String,
    next_line: u32,
}

impl ProgramBuilder {
    pub fn new(target: Target, cores: u8) -> ProgramBuilder {
        ProgramBuilder {
            program: Program {
                target,
                cores,
                statics: Vec::new(),
                locations: Vec::new(),
                functions: Vec::new(),
                contexts: Vec::new(),
                sources: Vec::new(),
                properties: Vec::new(),
            },
            file: "program.rs".into(),
            next_line: 1,
        }
    }

    /// A scalar static (`kind` says plain, atomic...).
    pub fn scalar(&mut self, name: &str, ty: Ty, kind: LocationKind, init: i128) -> Location {
        self.array(name, ty, kind, &[init])
    }

    /// An array static, one location per element.
    pub fn array(&mut self, name: &str, ty: Ty, kind: LocationKind, init: &[i128]) -> Location {
        let first = Location(self.program.locations.len() as u32);
        for (i, v) in init.iter().enumerate() {
            let loc_name = if init.len() == 1 { name.to_string() } else { format!("{name}[{i}]") };
            self.program.locations.push(LocationDecl {
                name: loc_name,
                static_name: name.to_string(),
                ty,
                kind,
                init: ty.wrap(*v),
            });
        }
        let span = Span::new(&self.file, self.next_line, 1, 1);
        self.next_line += 1;
        self.program.statics.push(StaticDecl {
            name: name.to_string(),
            rust_type: ty.name().to_string(),
            first,
            len: init.len() as u32,
            span,
        });
        first
    }

    /// Adds a function; `params` locals come first, `body` adds the rest.
    pub fn function(&mut self, name: &str, params: u16, body: impl FnOnce(&mut FnBuilder)) -> FuncId {
        let mut f = FnBuilder {
            function: Function {
                name: name.to_string(),
                params,
                locals: params,
                local_names: (0..params).map(|i| format!("p{i}")).collect(),
                body: Vec::new(),
                span: Span::new(&self.file, self.next_line, 1, 1),
                frame_bytes: 0,
            },
            file: self.file.clone(),
            next_line: self.next_line + 1,
        };
        body(&mut f);
        self.next_line = f.next_line + 1;
        let id = FuncId(self.program.functions.len() as u32);
        self.program.functions.push(f.function);
        id
    }

    pub fn thread(&mut self, name: &str, core: u8, calls: &[(FuncId, u32)]) -> ContextId {
        let calls = calls.iter().map(|&(func, times)| ThreadCall { func, times }).collect();
        self.context(name, core, ContextKind::Thread { calls, forever: false })
    }

    /// An IRQ handler: `irq` is the device interrupt number (exception 16 + irq).
    pub fn handler(&mut self, name: &str, irq: u16, priority: u8, func: FuncId) -> ContextId {
        self.handler_on(name, 0, 16 + irq, priority, func, true)
    }

    pub fn handler_on(
        &mut self,
        name: &str,
        core: u8,
        exception: u16,
        priority: u8,
        func: FuncId,
        enabled: bool,
    ) -> ContextId {
        self.context(name, core, ContextKind::Handler { exception, priority, func, enabled })
    }

    fn context(&mut self, name: &str, core: u8, kind: ContextKind) -> ContextId {
        let id = ContextId(self.program.contexts.len() as u16);
        self.program.contexts.push(ContextDecl { name: name.to_string(), core, kind });
        id
    }

    pub fn source(&mut self, name: &str, handler: Option<ContextId>, trigger: Trigger, max_arrivals: u32) -> SourceId {
        let id = SourceId(self.program.sources.len() as u16);
        self.program.sources.push(SourceDecl {
            name: name.to_string(),
            handler,
            trigger,
            max_arrivals,
            ends_before: None,
            dma: None,
        });
        id
    }

    /// A source that receives `bytes` by DMA (`SourceDecl::dma`).
    pub fn dma_source(&mut self, name: &str, handler: Option<ContextId>, bytes: &[u8], max_arrivals: u32) -> SourceId {
        let id = self.source(name, handler, Trigger::Edge, max_arrivals);
        self.program.sources[id.0 as usize].dma = Some(crate::program::DmaDecl { bytes: bytes.to_vec() });
        id
    }

    pub fn property(&mut self, name: &str, when: PropertyWhen, body: impl FnOnce(&mut FnBuilder)) {
        let func = self.function(&format!("property {name}"), 0, body);
        self.program.properties.push(PropertyDecl { name: name.to_string(), func, when, source: name.to_string() });
    }

    pub fn build(self) -> Program {
        self.program
    }
}

impl FnBuilder {
    pub fn local(&mut self) -> Local {
        let l = Local(self.function.locals);
        self.function.locals += 1;
        self.function.local_names.push(format!("t{}", l.0));
        l
    }

    /// The index the next instruction will have (a jump target).
    pub fn here(&self) -> u32 {
        self.function.body.len() as u32
    }

    pub fn op(&mut self, op: Op) -> &mut Self {
        let span = Span::new(&self.file, self.next_line, 5, 20);
        self.next_line += 1;
        self.function.body.push(Instr { op, span });
        self
    }

    /// Overwrites the jump targets of an earlier branch or jump.
    pub fn patch(&mut self, at: u32, op: Op) {
        self.function.body[at as usize].op = op;
    }

    pub fn load(&mut self, dst: Local, loc: Location) -> &mut Self {
        self.op(Op::Load { dst, place: Place::at(loc), access: Access::Plain })
    }

    pub fn store(&mut self, loc: Location, src: Operand) -> &mut Self {
        self.op(Op::Store { place: Place::at(loc), src, access: Access::Plain })
    }

    pub fn add(&mut self, ty: Ty, dst: Local, lhs: Operand, rhs: Operand) -> &mut Self {
        self.op(Op::Binary { op: BinOp::Add, ty, dst, lhs, rhs })
    }

    /// `loc += 1` on a plain static: load, add, store.
    pub fn increment(&mut self, loc: Location, ty: Ty) -> &mut Self {
        let t = self.local();
        self.load(t, loc).add(ty, t, Operand::Local(t), Operand::Const(1)).store(loc, Operand::Local(t))
    }

    pub fn atomic_add(&mut self, loc: Location, n: u64, ordering: Ordering) -> &mut Self {
        let t = self.local();
        self.op(Op::AtomicRmw { op: RmwOp::Add, dst: t, place: Place::at(loc), src: Operand::Const(n), ordering })
    }

    pub fn ret(&mut self) -> &mut Self {
        self.op(Op::Return { value: None })
    }

    /// `critical_section::with(|_| body)` on one core.
    pub fn critical_section(&mut self, body: impl FnOnce(&mut FnBuilder)) -> &mut Self {
        let saved = self.local();
        self.op(Op::ReadPrimask { dst: saved });
        self.op(Op::DisableInterrupts);
        body(self);
        self.op(Op::RestorePrimask { saved: Operand::Local(saved) })
    }
}
