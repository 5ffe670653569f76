//! The built-in lessons, as the page shows them, and checking a lesson's code.
//! The only module that talks to crates/lessons and crates/lang.

use std::rc::Rc;

use irqlab_sim::Program;

/// A lesson as the page needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonCard {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub covers: Vec<String>,
    /// The narrative, in markdown.
    pub readme: String,
    pub scenario: String,
    pub solution: String,
    pub hints: Vec<String>,
    pub break_it: String,
    pub fix_it: String,
    pub firmware_bin: String,
    pub boards: Vec<String>,
}

/// One diagnostic of the front end, placed in the code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub error: bool,
    pub code: Option<String>,
    pub message: String,
    pub line: u32,
    pub col_start: u32,
    pub col_end: u32,
    /// The rustc-style text: code, message, source line, caret, help.
    pub rendered: String,
}

/// What checking a piece of code gave.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    pub program: Option<Rc<Program>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The file name diagnostics and spans use for the edited code.
pub const SCENARIO_FILE: &str = "scenario.rs";

// TEMPORARY until crates/lessons lands: a hand-built lost-update lesson.
fn lost(fixed: bool) -> Program {
    use irqlab_sim::build::ProgramBuilder;
    use irqlab_sim::*;
    let mut b = ProgramBuilder::new(Target::Armv7em, 1);
    let count = b.scalar("COUNT", Ty::U32, LocationKind::Plain, 0);
    let ticks = b.scalar("TICKS", Ty::U32, LocationKind::Atomic, 0);
    let fg = b.function("foreground", 0, |f| {
        if fixed {
            f.critical_section(|f| {
                f.increment(count, Ty::U32);
            });
            f.ret();
        } else {
            f.increment(count, Ty::U32).ret();
        }
    });
    let on_timer = b.function("on_timer", 0, |f| {
        f.atomic_add(ticks, 1, Ordering::Relaxed);
        f.increment(count, Ty::U32).ret();
    });
    b.thread("main", 0, &[(fg, 3)]);
    let h = b.handler("TIMER0", 8, 1, on_timer);
    b.source("TIMER0", Some(h), Trigger::Edge, 1);
    b.property("no count is lost", PropertyWhen::End, |f| {
        let (c, t, e) = (f.local(), f.local(), f.local());
        f.load(c, count);
        f.op(Op::AtomicLoad { dst: t, place: Place::at(ticks), ordering: Ordering::Relaxed });
        f.add(Ty::U32, t, Operand::Local(t), Operand::Const(3));
        f.op(Op::Binary { op: BinOp::Eq, ty: Ty::U32, dst: e, lhs: Operand::Local(c), rhs: Operand::Local(t) });
        f.op(Op::Return { value: Some(Operand::Local(e)) });
    });
    b.build()
}

pub fn lessons() -> Vec<LessonCard> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../lessons/");
    let _ = root;
    vec![LessonCard {
        id: "02-lost-update".into(),
        title: "The lost update".into(),
        summary: "x += 1 is three steps; an interrupt between them loses a count.".into(),
        covers: vec!["T4".into(), "T5".into()],
        readme: "# The lost update\n\n`COUNT += 1` is a *load*, an add and a **store**. <script>alert(1)</script>\n\n- one\n- two\n".into(),
        scenario: include_str!("../../lessons/02-lost-update/scenario.rs").into(),
        solution: include_str!("../../lessons/02-lost-update/solution.rs").into(),
        hints: vec!["Look at main's load.".into(), "Place TIMER0 between load and store.".into()],
        break_it: "Place one TIMER0 arrival so that COUNT ends one short.".into(),
        fix_it: "Change the code so that no arrival loses a count.".into(),
        firmware_bin: "lost_update".into(),
        boards: vec!["microbit-v2".into(), "qemu-lm3s6965evb".into()],
    }]
}

pub fn check(_id: &str, code: &str) -> Checked {
    if let Some(line) = code.lines().position(|l| l.contains("ERROR")) {
        let d = Diagnostic { error: true, code: Some("E0594".into()), message: "cannot assign".into(), line: line as u32 + 1, col_start: 5, col_end: 10, rendered: "error[E0594]: cannot assign".into() };
        return Checked { program: None, diagnostics: vec![d] };
    }
    Checked { program: Some(Rc::new(lost(code.contains("critical_section")))), diagnostics: vec![] }
}
