//! lesson.toml: its fields (documented in lessons/README.md), read with the
//! position of every value, checked, and turned into the front end's `Setup`.

use std::ops::Range;

use irqlab_lang::constructs::{CONSTRUCT_SPELLINGS, Construct};
use irqlab_lang::{CallSetup, ContextSetup, ContextSetupKind, Named, PropertySetup, Setup, SourceSetup};
use irqlab_sim::{PropertyWhen, Span, Target, Trigger};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::LessonError;

pub const FILE: &str = "lesson.toml";

/// Targets a lesson may name, with what each is.
pub const TARGETS: &[&str] =
    &["thumbv6m-none-eabi", "thumbv7m-none-eabi", "thumbv7em-none-eabi", "thumbv7em-none-eabihf"];

/// Curriculum topics are `T1` to `T38` (lessons/CURRICULUM.md; a lesson may claim a
/// topic marked *(planned)* only by removing the mark, see tests/coverage.rs).
pub const TOPICS: u32 = 38;

/// The properties the explorer checks in every lesson (`because` may name them).
pub const BUILTIN_PROPERTIES: [&str; 3] = ["no undefined behavior", "no panic", "no deadlock or starvation"];

// ---- as written ----------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    title: Spanned<String>,
    summary: Spanned<String>,
    covers: Spanned<Vec<Spanned<String>>>,
    target: Spanned<String>,
    #[serde(default)]
    cores: Option<Spanned<u8>>,
    #[serde(default, rename = "context")]
    contexts: Vec<Spanned<RawContext>>,
    #[serde(default, rename = "source")]
    sources: Vec<Spanned<RawSource>>,
    #[serde(default, rename = "property")]
    properties: Vec<Spanned<RawProperty>>,
    challenge: Spanned<RawChallenge>,
    firmware: Spanned<RawFirmware>,
    #[serde(default)]
    forbid: Vec<Spanned<RawRule>>,
    #[serde(default)]
    require: Vec<Spanned<RawRule>>,
    #[serde(default)]
    wrong: Vec<Spanned<RawWrong>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Spanned<String>,
    construct: Spanned<String>,
    #[serde(default, rename = "in")]
    within: Option<Spanned<String>>,
    #[serde(default)]
    first: bool,
    message: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWrong {
    file: Spanned<String>,
    expect: Spanned<String>,
    because: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContext {
    name: Spanned<String>,
    #[serde(default)]
    runs: Option<Spanned<String>>,
    #[serde(default)]
    times: Option<Spanned<u32>>,
    #[serde(default)]
    calls: Option<Vec<Spanned<RawCall>>>,
    #[serde(default)]
    interrupt: Option<Spanned<String>>,
    #[serde(default)]
    priority: Option<Spanned<u8>>,
    #[serde(default)]
    enabled: Option<Spanned<bool>>,
    #[serde(default)]
    core: Option<Spanned<u8>>,
    /// Thread mode only: its last call loops forever by design.
    #[serde(default)]
    forever: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCall {
    runs: Spanned<String>,
    #[serde(default)]
    times: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    interrupt: Spanned<String>,
    max_arrivals: Spanned<u32>,
    #[serde(default)]
    trigger: Option<Spanned<String>>,
    /// A burst: every event of this source comes before the first event
    /// of the named one (a debounce timer longer than any bounce).
    #[serde(default)]
    ends_before: Option<Spanned<String>>,
    /// The peripheral receives by DMA (UARTE0's EasyDMA): each event is one
    /// of these bytes, written into the buffer of the transfer running.
    #[serde(default)]
    dma_bytes: Option<Spanned<Vec<u8>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProperty {
    name: Spanned<String>,
    at: Spanned<String>,
    holds: Spanned<String>,
    #[serde(default)]
    sim_only: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChallenge {
    scenario_expect: Spanned<String>,
    #[serde(default, rename = "break")]
    break_it: Option<String>,
    #[serde(default, rename = "fix")]
    fix_it: Option<String>,
    #[serde(default)]
    hints: Vec<String>,
    #[serde(default)]
    find_first: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFirmware {
    bin: Spanned<String>,
    boards: Spanned<Vec<Spanned<String>>>,
}

// ---- as the app sees it --------------------------------------------------

/// The parsed lesson.toml.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Manifest {
    pub title: String,
    pub summary: String,
    pub covers: Vec<String>,
    pub target: String,
    pub cores: u8,
    pub contexts: Vec<ContextEntry>,
    pub sources: Vec<SourceEntry>,
    pub properties: Vec<PropertyEntry>,
    pub challenge: Challenge,
    pub firmware: Firmware,
    /// `[[forbid]]` then `[[require]]`: constraints on the fix.
    pub rules: Vec<RuleEntry>,
    /// `[[wrong]]`: plausible wrong fixes and how each must fail.
    pub wrong: Vec<WrongEntry>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// The construct must not appear.
    Forbid,
    /// The construct must appear.
    Require,
}

/// A `[[forbid]]` or `[[require]]` rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleEntry {
    pub kind: RuleKind,
    pub name: String,
    pub construct: Construct,
    /// Only inside this function (`in = "..."`).
    pub within: Option<String>,
    /// Only in the first statement of the function (`first = true`).
    pub first: bool,
    /// What the learner reads when the rule is broken.
    pub message: String,
}

/// How a wrong fix must fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WrongExpect {
    /// The property named by `because` is violated on some schedule.
    Violated,
    /// The rule named by `because` is broken.
    Rule,
}

/// A `[[wrong]]` entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WrongEntry {
    /// Relative to the lesson directory: `wrong/NAME.rs`.
    pub file: String,
    pub expect: WrongExpect,
    /// The name of the property or rule it must break.
    pub because: String,
    /// Where the entry's `file` is in lesson.toml (line, column).
    #[serde(skip)]
    pub at: (u32, u32),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContextEntry {
    pub name: String,
    pub core: u8,
    /// The functions it runs, in order (a handler runs one).
    pub calls: Vec<CallEntry>,
    /// `None` for thread mode.
    pub interrupt: Option<String>,
    pub priority: Option<u8>,
    pub enabled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallEntry {
    pub runs: String,
    pub times: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceEntry {
    pub interrupt: String,
    pub max_arrivals: u32,
    pub trigger: Trigger,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PropertyEntry {
    pub name: String,
    pub at: PropertyWhen,
    pub holds: String,
    /// Checked by the simulator only: the firmware's wiring skips it (it
    /// reads `arrivals`, `handled`, `lost` or `max_latency`, which exist only
    /// in the simulator).
    pub sim_only: bool,
}

/// What the learner is asked to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Challenge {
    pub break_it: Option<String>,
    pub fix_it: Option<String>,
    /// What the explorer finds for scenario.rs (solution.rs must hold).
    pub scenario_expect: Expect,
    /// The learner is asked to find a failing arrival by hand first: the
    /// page keeps the explorer's counterexamples (replay and story) back
    /// until this many schedules of their own have run, their own run has
    /// failed, or they ask. 0: shown at once.
    pub find_first: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// Some schedule makes a property false.
    Violated,
    /// Every schedule keeps every property.
    Holds,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Firmware {
    pub bin: String,
    pub boards: Vec<String>,
}

// ---- reading -------------------------------------------------------------

/// Line and column (1-based, in chars) of byte offsets in a text.
pub struct Lines<'t> {
    text: &'t str,
    /// The byte offset where each line starts: a lesson.toml with thousands
    /// of entries has thousands of places to name.
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Lines { text, starts }
    }

    /// The line (1-based) holding byte `offset`, and where that line starts.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let index = self.starts.partition_point(|&start| start <= offset).saturating_sub(1);
        (index + 1, self.starts[index])
    }

    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(self.text, offset);
        let (line, start) = self.line_of(offset);
        let col = self.text[start..offset].chars().count() as u32 + 1;
        (line as u32, col)
    }

    pub fn span(&self, range: Range<usize>) -> Span {
        let (line, col) = self.position(range.start);
        let (end_line, end_col) = self.position(range.end);
        let end = if end_line == line {
            end_col
        } else {
            // Cut to the first line.
            let start = self.starts[line as usize - 1];
            let line_text = self.text[start..].lines().next().unwrap_or("");
            line_text.chars().count() as u32 + 1
        };
        Span::new(FILE, line, col, end.max(col + 1))
    }

    /// Where a string value's text starts (after its opening quotes).
    pub fn string_start(&self, range: Range<usize>) -> Span {
        let raw = self.text.get(range.start..range.end).unwrap_or("");
        let mut skip = if raw.starts_with("\"\"\"") || raw.starts_with("'''") { 3 } else { 1 };
        if skip == 3 && raw[3..].starts_with('\n') {
            skip += 1;
        } else if skip == 3 && raw[3..].starts_with("\r\n") {
            skip += 2;
        }
        let start = (range.start + skip).min(range.end);
        let (line, col) = self.position(start);
        Span::new(FILE, line, col, col + 1)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Reads lesson.toml: the manifest and the front end's setup, or every
/// problem found.
pub fn read(text: &str) -> Result<(Manifest, Setup, Vec<String>), Vec<LessonError>> {
    let lines = Lines::new(text);
    let raw: RawManifest = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |r| lines.position(r.start));
        vec![LessonError::new(FILE, line, column, e.message().to_string())]
    })?;
    let mut errors = Vec::new();
    let mut error = |range: Range<usize>, message: String| {
        let (line, column) = lines.position(range.start);
        errors.push(LessonError::new(FILE, line, column, message));
    };
    let named = |s: &Spanned<String>| Named::new(s.get_ref().clone(), lines.span(s.span()));

    if raw.title.get_ref().trim().is_empty() {
        error(raw.title.span(), "`title` is empty".into());
    }
    for id in raw.covers.get_ref() {
        let ok = id
            .get_ref()
            .strip_prefix('T')
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| (1..=TOPICS).contains(&n));
        if !ok {
            error(
                id.span(),
                format!("`{}` is not a curriculum topic: use T1 to T{TOPICS} (lessons/CURRICULUM.md)", id.get_ref()),
            );
        }
    }
    let target = match Target::from_triple(raw.target.get_ref()) {
        Some(t) => t,
        None => {
            error(
                raw.target.span(),
                format!("unknown target `{}`: use one of {}", raw.target.get_ref(), TARGETS.join(", ")),
            );
            Target::Armv7em
        }
    };
    let cores = raw.cores.as_ref().map_or(1, |c| *c.get_ref());
    if !(1..=2).contains(&cores) {
        let span = raw.cores.as_ref().map_or(0..0, Spanned::span);
        error(span, format!("`cores = {cores}`: irqlab models 1 or 2 cores"));
    }

    let mut contexts = Vec::new();
    let mut entries = Vec::new();
    if raw.contexts.is_empty() {
        error(0..0, "no [[context]]: a lesson needs at least its main (thread-mode) context".into());
    }
    for c in &raw.contexts {
        let rc = c.get_ref();
        let core = rc.core.as_ref().map_or(0, |c| *c.get_ref());
        let mut calls = Vec::new();
        match (&rc.runs, &rc.calls) {
            (Some(runs), None) => {
                let times = rc.times.as_ref().map_or(1, |t| *t.get_ref());
                calls.push((named(runs), times, rc.times.as_ref().map(Spanned::span)));
            }
            (None, Some(list)) if !list.is_empty() => {
                if let Some(t) = &rc.times {
                    error(t.span(), "`times` goes inside each entry of `calls`".into());
                }
                for call in list {
                    let times = call.get_ref().times.as_ref().map_or(1, |t| *t.get_ref());
                    let span = call.get_ref().times.as_ref().map(Spanned::span);
                    calls.push((named(&call.get_ref().runs), times, span));
                }
            }
            (Some(_), Some(_)) => {
                error(c.span(), format!("context `{}` has both `runs` and `calls`: use one", rc.name.get_ref()))
            }
            _ => error(
                rc.name.span(),
                format!("context `{}` runs nothing: add `runs = \"function\"`", rc.name.get_ref()),
            ),
        }
        for (_, times, span) in &calls {
            if *times == 0 {
                error(span.clone().unwrap_or(0..0), "`times = 0` runs nothing: use 1 or more".into());
            }
        }
        let entry_calls: Vec<CallEntry> =
            calls.iter().map(|(n, t, _)| CallEntry { runs: n.name.clone(), times: *t }).collect();
        let kind = match &rc.interrupt {
            None => {
                for (field, present) in [("priority", rc.priority.is_some()), ("enabled", rc.enabled.is_some())] {
                    if present {
                        error(
                            rc.name.span(),
                            format!(
                                "context `{}` is thread mode (no `interrupt`), so it has no `{field}`",
                                rc.name.get_ref()
                            ),
                        );
                    }
                }
                let forever = rc.forever.as_ref().is_some_and(|f| *f.get_ref());
                if forever && calls.last().is_some_and(|(_, times, _)| *times != 1) {
                    error(
                        rc.name.span(),
                        format!(
                            "context `{}` loops forever in its last call: that call runs once (drop its `times`)",
                            rc.name.get_ref()
                        ),
                    );
                }
                ContextSetupKind::Thread {
                    calls: calls.iter().map(|(n, t, _)| CallSetup { func: n.clone(), times: *t }).collect(),
                    forever,
                }
            }
            Some(interrupt) => {
                if rc.forever.is_some() {
                    error(
                        rc.name.span(),
                        format!(
                            "handler `{}` cannot loop forever: `forever` is for thread mode (main's `loop {{}}`)",
                            rc.name.get_ref()
                        ),
                    );
                }
                if calls.len() != 1 || calls[0].1 != 1 {
                    error(
                        rc.name.span(),
                        format!(
                            "handler `{}` runs exactly one function once per entry: use `runs` without `times`",
                            rc.name.get_ref()
                        ),
                    );
                }
                let Some(priority) = &rc.priority else {
                    error(
                        rc.name.span(),
                        format!("handler `{}` needs a `priority` (0 is the most urgent)", rc.name.get_ref()),
                    );
                    continue;
                };
                let func = calls.first().map(|(n, _, _)| n.clone()).unwrap_or_else(|| named(&rc.name));
                ContextSetupKind::Handler {
                    interrupt: named(interrupt),
                    priority: *priority.get_ref(),
                    func,
                    enabled: rc.enabled.as_ref().is_none_or(|e| *e.get_ref()),
                }
            }
        };
        entries.push(ContextEntry {
            name: rc.name.get_ref().clone(),
            core,
            calls: entry_calls,
            interrupt: rc.interrupt.as_ref().map(|i| i.get_ref().clone()),
            priority: rc.priority.as_ref().map(|p| *p.get_ref()),
            enabled: rc.enabled.as_ref().is_none_or(|e| *e.get_ref()),
        });
        contexts.push(ContextSetup { name: named(&rc.name), core, kind });
    }

    let mut sources = Vec::new();
    let mut source_entries = Vec::new();
    for s in &raw.sources {
        let rs = s.get_ref();
        let trigger = match rs.trigger.as_ref().map(|t| t.get_ref().as_str()) {
            None | Some("edge") => Trigger::Edge,
            Some("level") => Trigger::Level,
            Some(other) => {
                let span = rs.trigger.as_ref().map_or(0..0, Spanned::span);
                error(span, format!("`trigger = \"{other}\"`: use \"edge\" or \"level\""));
                Trigger::Edge
            }
        };
        let max = *rs.max_arrivals.get_ref();
        if max == 0 || max > 8 {
            error(
                rs.max_arrivals.span(),
                format!("`max_arrivals = {max}`: use 1 to 8 (the explorer tries every arrival point of each)"),
            );
        }
        if let Some(bytes) = &rs.dma_bytes {
            if bytes.get_ref().is_empty() {
                error(bytes.span(), "`dma_bytes = []`: list the bytes the peripheral receives, in order".to_string());
            }
            if rs.interrupt.get_ref() != "UARTE0_UART0" || trigger != Trigger::Edge {
                error(
                    bytes.span(),
                    format!(
                        "`dma_bytes` on `{}`: only UARTE0_UART0 receives by DMA in the board vocabulary \
                         (`board::uarte_receive`, lessons/BOARD.md), with the default `trigger = \"edge\"`",
                        rs.interrupt.get_ref()
                    ),
                );
            }
        }
        sources.push(SourceSetup {
            interrupt: named(&rs.interrupt),
            trigger,
            max_arrivals: max,
            ends_before: rs.ends_before.as_ref().map(named),
            dma_bytes: rs.dma_bytes.as_ref().map(|b| b.get_ref().clone()),
        });
        source_entries.push(SourceEntry { interrupt: rs.interrupt.get_ref().clone(), max_arrivals: max, trigger });
    }

    let mut properties = Vec::new();
    let mut property_entries = Vec::new();
    for p in &raw.properties {
        let rp = p.get_ref();
        let when = match rp.at.get_ref().as_str() {
            "end" => PropertyWhen::End,
            "always" => PropertyWhen::Always,
            other => {
                error(
                    rp.at.span(),
                    format!(
                        "`at = \"{other}\"`: use \"end\" (checked once the program finished) or \"always\" (after every step)"
                    ),
                );
                PropertyWhen::End
            }
        };
        properties.push(PropertySetup {
            name: rp.name.get_ref().clone(),
            when,
            holds: rp.holds.get_ref().clone(),
            span: lines.string_start(rp.holds.span()),
        });
        property_entries.push(PropertyEntry {
            name: rp.name.get_ref().clone(),
            at: when,
            holds: rp.holds.get_ref().clone(),
            sim_only: rp.sim_only,
        });
    }

    let rch = raw.challenge.get_ref();
    let scenario_expect = match rch.scenario_expect.get_ref().as_str() {
        "violated" => Expect::Violated,
        "holds" => Expect::Holds,
        other => {
            error(
                rch.scenario_expect.span(),
                format!("`scenario_expect = \"{other}\"`: use \"violated\" or \"holds\""),
            );
            Expect::Holds
        }
    };
    if scenario_expect == Expect::Violated && raw.properties.is_empty() {
        error(
            rch.scenario_expect.span(),
            "the scenario is expected to violate a property, but the lesson has no [[property]]".into(),
        );
    }
    /// More tries than this and the learner would rather ask.
    const MAX_FIND_FIRST: u32 = 10;
    let find_first = match &rch.find_first {
        None => 0,
        Some(n) if !(1..=MAX_FIND_FIRST).contains(n.get_ref()) => {
            error(
                n.span(),
                format!(
                    "`find_first = {}`: use 1 to {MAX_FIND_FIRST} (the schedules a learner runs before the counterexample is shown), or leave it out",
                    n.get_ref()
                ),
            );
            0
        }
        Some(n) if scenario_expect == Expect::Holds => {
            error(
                n.span(),
                "`find_first` asks the learner to find a failing arrival, but `scenario_expect = \"holds\"`: there is none to find".into(),
            );
            0
        }
        Some(n) => *n.get_ref(),
    };
    let rfw = raw.firmware.get_ref();
    if rfw.bin.get_ref().trim().is_empty() {
        error(rfw.bin.span(), "`bin` is empty: name the firmware bin of this lesson".into());
    }
    if rfw.boards.get_ref().is_empty() {
        error(rfw.boards.span(), "`boards` is empty: list the boards the firmware bin runs on".into());
    }

    let mut rules = Vec::new();
    for (kind, list) in [(RuleKind::Forbid, &raw.forbid), (RuleKind::Require, &raw.require)] {
        for r in list {
            let r = r.get_ref();
            let construct = Construct::parse(r.construct.get_ref());
            if construct.is_none() {
                error(
                    r.construct.span(),
                    format!("unknown construct `{}`: use one of {CONSTRUCT_SPELLINGS}", r.construct.get_ref()),
                );
            }
            if r.message.get_ref().trim().is_empty() {
                error(r.message.span(), "`message` is empty: say why the rule is there".into());
            }
            rules.push(RuleEntry {
                kind,
                name: r.name.get_ref().clone(),
                construct: construct.unwrap_or(Construct::Unsafe),
                within: r.within.as_ref().map(|w| w.get_ref().clone()),
                first: r.first,
                message: r.message.get_ref().clone(),
            });
        }
    }
    let mut names = std::collections::HashSet::new();
    for (r, raw_name) in rules.iter().zip(raw.forbid.iter().chain(&raw.require)) {
        if !names.insert(r.name.clone()) {
            error(raw_name.get_ref().name.span(), format!("two rules are named `{}`", r.name));
        }
    }
    let mut wrong = Vec::new();
    for w in &raw.wrong {
        let w = w.get_ref();
        let file = w.file.get_ref();
        let plain = file.strip_prefix("wrong/").is_some_and(|rest| {
            rest.ends_with(".rs") && !rest.contains('/') && !rest.contains('\\') && !rest.starts_with('.')
        });
        if !plain {
            error(w.file.span(), format!("`file = \"{file}\"`: a wrong fix is a file `wrong/NAME.rs`"));
        }
        let because = w.because.get_ref();
        let expect = match w.expect.get_ref().as_str() {
            "violated" => {
                let known = raw.properties.iter().any(|p| p.get_ref().name.get_ref() == because)
                    || BUILTIN_PROPERTIES.contains(&because.as_str());
                if !known {
                    error(
                        w.because.span(),
                        format!(
                            "`because = \"{because}\"` names no property: use a [[property]] name or one of {}",
                            BUILTIN_PROPERTIES.map(|p| format!("\"{p}\"")).join(", ")
                        ),
                    );
                }
                WrongExpect::Violated
            }
            "rule" => {
                if !rules.iter().any(|r| &r.name == because) {
                    error(
                        w.because.span(),
                        format!("`because = \"{because}\"` names no [[forbid]] or [[require]] rule"),
                    );
                }
                WrongExpect::Rule
            }
            other => {
                error(
                    w.expect.span(),
                    format!(
                        "`expect = \"{other}\"`: use \"violated\" (a property fails) or \"rule\" (a rule is broken)"
                    ),
                );
                WrongExpect::Violated
            }
        };
        let at = lines.position(w.file.span().start);
        wrong.push(WrongEntry { file: file.clone(), expect, because: because.clone(), at });
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    let manifest = Manifest {
        title: raw.title.get_ref().clone(),
        summary: raw.summary.get_ref().clone(),
        covers: raw.covers.get_ref().iter().map(|c| c.get_ref().clone()).collect(),
        target: raw.target.get_ref().clone(),
        cores,
        contexts: entries,
        sources: source_entries,
        properties: property_entries,
        challenge: Challenge {
            break_it: rch.break_it.clone(),
            fix_it: rch.fix_it.clone(),
            scenario_expect,
            find_first,
        },
        firmware: Firmware {
            bin: rfw.bin.get_ref().clone(),
            boards: rfw.boards.get_ref().iter().map(|b| b.get_ref().clone()).collect(),
        },
        rules,
        wrong,
    };
    let setup = Setup { target_triple: manifest.target.clone(), target, cores, contexts, sources, properties };
    Ok((manifest, setup, rch.hints.clone()))
}
