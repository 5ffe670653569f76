//! The page's state, the actions that change it and the reducer.
//!
//! Heavy values (the run, the timeline model) sit behind `Rc`, so a step only
//! moves the cursor and the reducer returns the same `Rc` when nothing
//! changed, so nothing re-renders.

use std::rc::Rc;

use irqlab_sim::outcome::Severity;
use irqlab_sim::{Arrival, ArrivalPoint, Program, Schedule, ScheduleItem, SourceId};
use yew::Reducible;

use crate::catalog::{self, CheckedCode, Diagnostic, LessonCard};
use crate::compiled::Answer;
use crate::permalink::{LinkError, Permalink};
use crate::progress::{Progress, Stage};
use crate::run::Run;
use crate::timeline_model::TimelineModel;

/// How many steps per second "run" plays.
pub const SPEEDS: &[u32] = &[2, 5, 10, 30, 100];
pub const DEFAULT_SPEED: u32 = 5;

/// The fewest and most steps the timeline shows at once.
pub const MIN_VIEW: usize = 8;
pub const MAX_VIEW: usize = 160;

/// A message at the top of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub detail: String,
}

/// The lesson that is open, with its code, run and cursor.
#[derive(Clone, Debug)]
pub struct Open {
    pub card: Rc<LessonCard>,
    /// The code in the editor.
    pub code: Rc<String>,
    /// The code `diagnostics` belong to; differs from `code` while the
    /// compiler worker checks an edit.
    pub checked_code: Rc<String>,
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// The last code that compiled, its run and what the timeline draws.
    pub program: Option<Rc<Program>>,
    pub run: Option<Rc<Run>>,
    pub model: Option<Rc<TimelineModel>>,
    /// Why the code that compiled could not run (an invalid program).
    pub run_error: Option<String>,
    /// The schedule the run used.
    pub schedule: Schedule,
    /// Why the schedule the learner typed was not taken.
    pub schedule_error: Option<String>,
    /// The cursor: steps taken.
    pub step: usize,
    /// A link's schedule text and step, kept until the compiler worker has
    /// compiled the link's code (a schedule names sources of a program).
    pub waiting_link: Option<(String, u64)>,
    /// Why the waiting link's schedule was not taken, for the page's notice.
    pub link_notice: Option<Notice>,
    /// The code has errors, so the timeline is of older code.
    pub stale: bool,
    pub hints_shown: usize,
    pub solution_shown: bool,
    /// Schedules with an arrival the learner placed or typed, for a lesson
    /// that asks them to find a failing one first (`LessonCard::find_first`).
    pub tries: u32,
    /// The learner asked to see the explorer's counterexamples.
    pub counterexamples_asked: bool,
}

impl Open {
    /// Whether the code in the editor waits for the compiler worker.
    pub fn checking(&self) -> bool {
        !Rc::ptr_eq(&self.code, &self.checked_code) && *self.code != *self.checked_code
    }

    /// Whether the explorer's counterexamples are kept back: the lesson
    /// asks the learner to find a failing arrival first, and they have not
    /// yet run enough schedules of their own, seen their own run fail, or
    /// asked.
    pub fn counterexamples_held(&self) -> bool {
        let failed = self.run.as_ref().is_some_and(|r| {
            !self.schedule.is_empty() && r.outcomes_until(r.len()).iter().any(|o| o.severity() == Severity::Failure)
        });
        self.card.find_first > 0
            && self.tries < self.card.find_first
            && !self.counterexamples_asked
            && !self.solution_shown
            && !failed
    }

    pub fn schedule_text(&self) -> String {
        match &self.program {
            Some(p) => self.schedule.to_text(p),
            None => String::new(),
        }
    }

    /// The current moment as a permalink. Its `step` is the simulator's
    /// number of the next step (as in `NAME@N`), not the count of steps
    /// taken, so `sched=TIMER0@40&step=40` is the moment TIMER0 lands.
    /// While a link's code waits for the compiler, its schedule and step.
    pub fn permalink(&self) -> Permalink {
        let (schedule, step) = match &self.waiting_link {
            Some((schedule, step)) => (schedule.clone(), *step),
            None => (self.schedule_text(), self.run.as_ref().map_or(0, |r| r.step_index_at(self.step))),
        };
        Permalink {
            lesson: irqlab_lessons::slug(&self.card.id).to_string(),
            code: (*self.code != self.card.scenario).then(|| (*self.code).clone()),
            schedule,
            step,
            dropped: Vec::new(),
        }
    }

    /// Steps in the whole run (0 before any code compiled).
    pub fn steps(&self) -> usize {
        self.run.as_ref().map_or(0, |r| r.len())
    }
}

#[derive(Clone, Debug)]
pub struct State {
    pub lessons: Rc<Vec<Rc<LessonCard>>>,
    /// `None` shows the lesson list.
    pub open: Option<Open>,
    pub notice: Option<Notice>,
    pub playing: bool,
    pub speed: u32,
    pub help: bool,
    /// Presenter mode (`?present` in the address): large type, the story
    /// hidden, the debugger layout, driven from the keyboard.
    pub present: bool,
    /// How many steps the timeline shows at once.
    pub view: usize,
    pub progress: Rc<Progress>,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

#[derive(Clone, Debug)]
pub enum Action {
    ShowList,
    OpenLesson(String),
    /// A link was opened (or the page loaded with one).
    OpenLink(Result<Permalink, LinkError>),
    Edit(String),
    /// The compiler worker's answer for an edit.
    Checked(Rc<Answer>),
    /// The compiler worker could not be started or failed.
    CompilerFailed(String),
    ResetCode,
    ShowSolution,
    ShowHint,
    /// Show the explorer's counterexamples that `find_first` keeps back.
    ShowCounterexamples,
    Step,
    Back,
    GoTo(usize),
    ToEnd,
    Reset,
    Play,
    Pause,
    TogglePlay,
    /// A tick of the player: one step, stopping at the end.
    Tick,
    Speed(u32),
    /// Place an arrival of `source` just before global step `index`, or
    /// remove it if one is there.
    ToggleArrival {
        source: SourceId,
        index: u64,
    },
    /// Place (or remove) an arrival of the first event source at the cursor
    /// (handled or polled).
    ToggleArrivalHere,
    RemoveItem(ScheduleItem),
    ClearSchedule,
    /// A schedule typed by the learner, in the `TIMER0@12,TIMER0@40` syntax.
    SetSchedule(String),
    /// Load a schedule (the explorer's counterexample) at step 0.
    Replay(Schedule),
    Help(bool),
    /// Presenter mode on or off.
    Present(bool),
    TogglePresent,
    Zoom(i32),
    Dismiss,
    /// The explorer proved every property of this code.
    Proven,
}

impl State {
    pub fn new(lessons: Vec<LessonCard>, progress: Progress, view: usize) -> State {
        State {
            lessons: Rc::new(lessons.into_iter().map(Rc::new).collect()),
            open: None,
            notice: None,
            playing: false,
            speed: DEFAULT_SPEED,
            help: false,
            present: false,
            view: view.clamp(MIN_VIEW, MAX_VIEW),
            progress: Rc::new(progress),
        }
    }

    /// The lesson with this id (`04-lost-update`) or slug (`lost-update`,
    /// what permalinks name).
    fn card(&self, name: &str) -> Option<Rc<LessonCard>> {
        self.lessons.iter().find(|l| l.id == name || irqlab_lessons::slug(&l.id) == name).cloned()
    }

    /// Opens a lesson with some code, a schedule text and the cursor just
    /// before the step numbered `step` (the simulator's numbering). Code the
    /// build did not compile goes to the compiler worker; the schedule and
    /// step wait for its answer.
    fn open_lesson(&mut self, card: Rc<LessonCard>, code: String, schedule: &str, step: u64) {
        let code = Rc::new(code);
        let mut open = Open {
            checked_code: Rc::new(String::new()),
            code,
            diagnostics: Rc::default(),
            program: None,
            run: None,
            model: None,
            run_error: None,
            schedule: Schedule::default(),
            schedule_error: None,
            step: 0,
            waiting_link: (!schedule.is_empty() || step > 0).then(|| (schedule.to_string(), step)),
            link_notice: None,
            stale: false,
            hints_shown: 0,
            solution_shown: false,
            tries: 0,
            counterexamples_asked: false,
            card,
        };
        recheck(&mut open);
        if let Some(notice) = open.link_notice.take() {
            self.add_notice(notice);
        }
        let mut progress = (*self.progress).clone();
        if progress.advance(&open.card.id, Stage::Opened) {
            progress.save();
            self.progress = Rc::new(progress);
        }
        self.open = Some(open);
        self.playing = false;
    }

    /// Shows `notice`, after the one already shown (a link can be damaged
    /// and have a schedule that does not fit).
    fn add_notice(&mut self, notice: Notice) {
        self.notice = Some(match self.notice.take() {
            Some(first) => {
                Notice { title: first.title, detail: format!("{} {}: {}", first.detail, notice.title, notice.detail) }
            }
            None => notice,
        });
    }

    fn link_failed(&mut self, error: &dyn std::fmt::Display, lesson: Option<Rc<LessonCard>>) {
        self.notice = Some(Notice {
            title: "This link could not be opened".into(),
            detail: match &lesson {
                Some(l) => format!("{error}. Showing the lesson “{}” as it starts instead.", l.title),
                None => format!("{error}. Showing the lesson list instead."),
            },
        });
        match lesson {
            Some(card) => {
                let code = card.scenario.clone();
                self.open_lesson(card, code, "", 0);
            }
            None => self.open = None,
        }
    }
}

/// Checks the editor's code with the build's compilation when it is the
/// lesson's own scenario or solution; otherwise the compiler worker will.
fn recheck(open: &mut Open) {
    if let Some(checked) = catalog::precompiled(&open.card, &open.code) {
        apply(open, open.code.clone(), checked);
    }
}

/// Takes a check of `code`; keeps the last good program when it failed.
fn apply(open: &mut Open, code: Rc<String>, checked: CheckedCode) {
    open.checked_code = code;
    open.diagnostics = Rc::new(checked.diagnostics);
    match checked.program {
        Some(program) => {
            // The schedule names sources by id: carry it over by name.
            if let Some(old) = &open.program {
                let text = open.schedule.to_text(old);
                open.schedule = Schedule::parse(&text, &program).unwrap_or_default();
            }
            open.program = Some(program);
            open.stale = false;
            rerun(open);
            take_link(open);
        }
        None => open.stale = true,
    }
}

/// Once the link's code has a program: its schedule, then its step.
fn take_link(open: &mut Open) {
    let Some((text, step)) = open.waiting_link.take() else { return };
    let Some(program) = open.program.clone() else { return };
    match Schedule::parse(&text, &program) {
        Ok(schedule) => {
            open.schedule = schedule;
            rerun(open);
        }
        Err(e) => {
            open.link_notice = Some(Notice {
                title: "This link's schedule does not fit the lesson".into(),
                detail: format!("{e}. Showing the lesson without it."),
            });
        }
    }
    open.step = open.run.as_ref().map_or(0, |r| r.position_of_index(step));
}

/// Steps the program to its end under the schedule, for the timeline.
fn rerun(open: &mut Open) {
    let Some(program) = open.program.clone() else { return };
    match Run::new(program, open.schedule.clone()) {
        Ok(run) => {
            // Nothing placed on the timeline is dropped without a word.
            if !run.not_applied.is_empty() {
                open.link_notice = Some(Notice {
                    title: "Part of the schedule does not apply".into(),
                    detail: format!("{}.", run.not_applied.join("; ")),
                });
            }
            open.model = Some(Rc::new(TimelineModel::new(&run)));
            open.step = open.step.min(run.len());
            open.run = Some(Rc::new(run));
            open.run_error = None;
        }
        Err(e) => {
            open.run_error = Some(e);
            open.stale = true;
        }
    }
}

fn failed(run: &Run) -> bool {
    run.outcomes.iter().any(|o| o.severity() == irqlab_sim::outcome::Severity::Failure)
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::ShowList => {
                next.open = None;
                next.playing = false;
                next.help = false;
            }
            Action::OpenLesson(id) => match next.card(&id) {
                Some(card) => {
                    let code = card.scenario.clone();
                    next.notice = None;
                    next.open_lesson(card, code, "", 0);
                }
                None => next.link_failed(&LinkError::BadLesson(id), None),
            },
            Action::OpenLink(Ok(link)) => match next.card(&link.lesson) {
                Some(card) => {
                    next.notice = (!link.dropped.is_empty()).then(|| Notice {
                        title: "Parts of this link were damaged and left out".into(),
                        detail: format!(
                            "{}. Showing “{}” with the rest of the link.",
                            link.dropped.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
                            card.title
                        ),
                    });
                    let code = link.code.unwrap_or_else(|| card.scenario.clone());
                    next.open_lesson(card, code, &link.schedule, link.step);
                }
                None => {
                    let error = format!("there is no lesson `{}`", link.lesson);
                    next.link_failed(&error, None);
                }
            },
            Action::OpenLink(Err(e)) => {
                let first = next.lessons.first().cloned();
                next.link_failed(&e, first);
            }
            Action::Help(show) => next.help = show,
            Action::Present(on) => next.present = on,
            Action::TogglePresent => next.present = !next.present,
            Action::Dismiss => next.notice = None,
            Action::Zoom(by) => {
                // From what is shown: a short run is shown whole, whatever the zoom.
                let shown = next.open.as_ref().map_or(next.view, |o| next.view.min(o.steps() + 1));
                let view = if by > 0 { shown / 2 } else { next.view * 2 };
                next.view = view.clamp(MIN_VIEW, MAX_VIEW);
            }
            Action::Speed(s) => next.speed = s,
            Action::Pause => next.playing = false,
            Action::TogglePlay if next.playing => next.playing = false,
            Action::Play | Action::TogglePlay => {
                let Some(open) = &mut next.open else { return self };
                if open.step >= open.steps() {
                    open.step = 0;
                }
                next.playing = true;
            }
            Action::Proven => {
                let Some(open) = &next.open else { return self };
                let mut progress = (*next.progress).clone();
                if !progress.advance(&open.card.id, Stage::Proven) {
                    return self;
                }
                progress.save();
                next.progress = Rc::new(progress);
            }
            action => {
                let Some(open) = &mut next.open else { return self };
                if !reduce_lesson(open, action, &mut next.playing) {
                    return self;
                }
                if let Some(notice) = open.link_notice.take() {
                    next.add_notice(notice);
                }
                let Some(open) = &next.open else { return self };
                if let Some(run) = &open.run
                    && failed(run)
                    && open.step >= run.len()
                {
                    let mut progress = (*next.progress).clone();
                    if progress.advance(&open.card.id, Stage::Broken) {
                        progress.save();
                        next.progress = Rc::new(progress);
                    }
                }
            }
        }
        Rc::new(next)
    }
}

/// The actions on an open lesson. Returns false when nothing changed.
fn reduce_lesson(open: &mut Open, action: Action, playing: &mut bool) -> bool {
    let len = open.steps();
    match action {
        Action::Edit(code) => {
            if *open.code == code {
                return false;
            }
            open.code = Rc::new(code);
            recheck(open);
        }
        Action::Checked(answer) => {
            if answer.lesson != open.card.id || answer.code != *open.code {
                // An answer for code the learner has since changed.
                return false;
            }
            let code = open.code.clone();
            apply(open, code, answer.checked.clone().into());
        }
        Action::CompilerFailed(why) => {
            open.checked_code = open.code.clone();
            open.stale = true;
            open.diagnostics = Rc::new(vec![Diagnostic {
                error: true,
                code: None,
                message: format!("the compiler could not check this code: {why}"),
                line: 1,
                col_start: 1,
                col_end: 1,
                rendered: format!("error: the compiler could not check this code: {why}"),
            }]);
        }
        Action::ResetCode => {
            open.code = Rc::new(open.card.scenario.clone());
            recheck(open);
        }
        Action::ShowSolution => {
            open.solution_shown = true;
            open.code = Rc::new(open.card.solution.clone());
            recheck(open);
        }
        Action::ShowCounterexamples => {
            if open.counterexamples_asked {
                return false;
            }
            open.counterexamples_asked = true;
        }
        Action::ShowHint => {
            if open.hints_shown >= open.card.hints.len() {
                return false;
            }
            open.hints_shown += 1;
        }
        Action::Step | Action::Tick => {
            if open.step >= len {
                *playing = false;
                return matches!(action, Action::Tick);
            }
            open.step += 1;
            if open.step >= len {
                *playing = false;
            }
        }
        Action::Back => {
            if open.step == 0 {
                return false;
            }
            *playing = false;
            open.step -= 1;
        }
        Action::GoTo(p) => {
            *playing = false;
            open.step = p.min(len);
        }
        Action::ToEnd => {
            *playing = false;
            open.step = len;
        }
        Action::Reset => {
            *playing = false;
            open.step = 0;
        }
        Action::ToggleArrival { source, index } => toggle_arrival(open, source, index),
        Action::ToggleArrivalHere => {
            let Some(run) = &open.run else { return false };
            // The first event source, handled or polled.
            if run.program.sources.is_empty() {
                return false;
            }
            let index = run.step_index_at(open.step);
            toggle_arrival(open, SourceId(0), index);
        }
        Action::RemoveItem(item) => {
            if !open.schedule.remove(&item) {
                return false;
            }
            rerun(open);
        }
        Action::SetSchedule(text) => {
            let Some(program) = &open.program else { return false };
            match Schedule::parse(&text, program) {
                Ok(schedule) => {
                    if !schedule.is_empty() && schedule != open.schedule {
                        open.tries += 1;
                    }
                    open.schedule = schedule;
                    open.schedule_error = None;
                    rerun(open);
                }
                Err(e) => open.schedule_error = Some(e.to_string()),
            }
        }
        Action::ClearSchedule => {
            if open.schedule.is_empty() {
                return false;
            }
            open.schedule = Schedule::default();
            rerun(open);
        }
        Action::Replay(schedule) => {
            *playing = false;
            open.schedule = schedule;
            open.step = 0;
            rerun(open);
            open.step = 0;
        }
        _ => return false,
    }
    true
}

fn toggle_arrival(open: &mut Open, source: SourceId, index: u64) {
    let item = ScheduleItem::Arrival(Arrival { source, at: ArrivalPoint::Step(index) });
    if !open.schedule.remove(&item) {
        if open.schedule.items.len() >= Schedule::MAX_ITEMS {
            return;
        }
        open.schedule.push(item);
        open.tries += 1;
    }
    rerun(open);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline_model::MarkKind;
    use irqlab_sim::explore::{ExploreConfig, Explorer, Verdict};

    fn state() -> Rc<State> {
        Rc::new(State::new(catalog::lessons(), Progress::default(), 40))
    }

    fn open(state: &State) -> &Open {
        state.open.as_ref().expect("a lesson is open")
    }

    /// Lesson 07 asks for three tries first (`find_first = 3`): its
    /// counterexamples are kept back until then, until the learner's own
    /// run fails, or until they ask; lesson 04 shows them at once.
    #[test]
    fn a_lesson_that_asks_the_learner_to_find_the_arrival_keeps_its_counterexample_back() {
        let s = state().reduce(Action::OpenLesson("07-edge-counter".into()));
        assert_eq!(open(&s).card.find_first, 3);
        assert!(open(&s).counterexamples_held());
        assert!(!s.clone().reduce(Action::ShowCounterexamples).open.as_ref().expect("open").counterexamples_held());

        // Three arrivals placed: three tries, whatever they found.
        let mut tried = s.clone();
        for index in [1, 3, 5] {
            tried = tried.reduce(Action::ToggleArrival { source: SourceId(0), index });
        }
        assert_eq!(open(&tried).tries, 3);
        assert!(!open(&tried).counterexamples_held());
        // Taking an arrival away is no new try.
        let removed = tried.clone().reduce(Action::ToggleArrival { source: SourceId(0), index: 5 });
        assert_eq!(open(&removed).tries, 3);

        // One try that fails: found, so shown.
        let program = open(&s).program.clone().expect("the scenario compiles");
        let report = Explorer::new((*program).clone(), ExploreConfig::default()).expect("valid").run();
        let failing = report.properties.iter().find_map(|p| p.counterexample.as_ref()).expect("the scenario fails");
        let found = s.clone().reduce(Action::SetSchedule(failing.schedule.to_text(&program)));
        assert_eq!(open(&found).tries, 1);
        assert!(!open(&found).counterexamples_held(), "the learner's own run failed");

        let plain = state().reduce(Action::OpenLesson("04-lost-update".into()));
        assert!(!open(&plain).counterexamples_held());
    }

    #[test]
    fn replaying_the_explorers_counterexample_loses_a_count() {
        let s = state().reduce(Action::OpenLesson("04-lost-update".into()));
        let program = open(&s).program.clone().expect("the scenario compiles");
        assert!(open(&s).run.as_ref().is_some_and(|r| r.len() > 5));
        let report = Explorer::new((*program).clone(), ExploreConfig::default()).expect("valid").run();
        let lost = report.properties.iter().find(|p| p.name == "no count is lost").expect("the lesson's property");
        assert_eq!(lost.verdict, Verdict::Violated);
        let schedule = lost.counterexample.as_ref().expect("a counterexample").schedule.clone();
        let s = s.reduce(Action::Replay(schedule)).reduce(Action::ToEnd);
        let run = open(&s).run.clone().expect("a run");
        assert!(
            run.outcomes
                .iter()
                .any(|o| matches!(o, irqlab_sim::Outcome::PropertyViolated { name, .. } if name == "no count is lost"))
        );
        let model = open(&s).model.clone().expect("a timeline");
        assert!(model.marks.iter().any(|m| m.kind == MarkKind::Preemption), "the handler preempts main");
        assert!(model.marks.iter().any(|m| matches!(m.kind, MarkKind::Arrival { .. }) && m.item.is_some()));
    }

    #[test]
    fn a_permalink_reopens_the_same_moment() {
        let s = state()
            .reduce(Action::OpenLesson("04-lost-update".into()))
            .reduce(Action::SetSchedule("TIMER0@2".into()))
            .reduce(Action::Step)
            .reduce(Action::Step)
            .reduce(Action::Step);
        let link = open(&s).permalink();
        assert_eq!(link.encode(), "v=2&lesson=lost-update&sched=TIMER0@2&step=3");
        let again = state().reduce(Action::OpenLink(Permalink::decode(&link.encode())));
        assert_eq!(open(&again).step, 3);
        assert_eq!(open(&again).schedule_text(), "TIMER0@2");
        assert!(again.notice.is_none());
    }

    /// After main is done the machine idles and skips ahead to the next
    /// arrival, so the step numbers jump (here from about 30 to 200): the
    /// page must name steps as the schedule, `irqlab run` and `irqlab check`
    /// do, not by how many it has drawn.
    #[test]
    fn steps_are_numbered_as_the_schedule_numbers_them_across_an_idle_skip() {
        let s = state()
            .reduce(Action::OpenLesson("04-lost-update".into()))
            .reduce(Action::SetSchedule("TIMER0@200".into()));
        let run = open(&s).run.clone().expect("a run");
        // The simulator's own numbering, as `irqlab run --schedule TIMER0@200` prints it.
        let mut session =
            irqlab_sim::Session::new((*run.program).clone(), open(&s).schedule.clone(), irqlab_sim::Bounds::default())
                .expect("valid");
        session.run_to_end();
        let indices: Vec<u64> = session.trace().iter().map(|r| r.index).collect();
        assert_eq!(indices, run.trace.iter().map(|r| r.index).collect::<Vec<_>>());
        let landed = indices.iter().position(|&i| i == 200).expect("a step numbered 200, where TIMER0 lands");
        assert!(landed < 200, "the machine skipped ahead (position {landed})");

        // The cursor just before step 200: the link says 200, as the schedule does.
        let at = s.clone().reduce(Action::GoTo(landed));
        assert_eq!(open(&at).permalink().encode(), "v=2&lesson=lost-update&sched=TIMER0@200&step=200");
        assert!(crate::describe::cursor(&run, landed).starts_with(&format!("Step {} ", indices[landed - 1])));
        // Step once: the readout names step 200.
        let after = at.clone().reduce(Action::Step);
        let words = crate::describe::cursor(&run, open(&after).step);
        assert!(words.starts_with("Step 200 (cycle"), "{words}");
        assert!(words.ends_with(&format!("({} of {} steps taken)", landed + 1, run.len())), "{words}");
        let model = open(&s).model.clone().expect("a timeline");
        let arrival = model.marks.iter().find(|m| m.item.is_some()).expect("the placed arrival");
        assert_eq!(arrival.position, landed);
        assert!(arrival.words.contains("arrives before step 200."), "{}", arrival.words);
        assert!(
            model
                .marks
                .iter()
                .filter(|m| m.item.is_none())
                .all(|m| m.words.starts_with(&format!("Step {}:", indices[m.position])))
        );

        // An arrival placed at this cursor is the one at step 200: it toggles off.
        let removed = at.reduce(Action::ToggleArrivalHere);
        assert_eq!(open(&removed).schedule_text(), "");
        // The link reopens the same moment.
        let again = state().reduce(Action::OpenLink(Permalink::decode(&open(&after).permalink().encode())));
        assert_eq!(open(&again).step, landed + 1);
        assert_eq!(open(&again).permalink(), open(&after).permalink());
    }

    #[test]
    fn an_edge_placed_after_its_burst_ended_is_told_not_dropped() {
        let s = state()
            .reduce(Action::OpenLesson("27-debounce".into()))
            .reduce(Action::SetSchedule("TIMER0@0,GPIOTE@5".into()));
        let notice = s.notice.as_ref().expect("a notice");
        assert_eq!(notice.title, "Part of the schedule does not apply");
        assert!(notice.detail.contains("`GPIOTE@5`: GPIOTE's events all come before TIMER0's"), "{notice:?}");
        let ok = state()
            .reduce(Action::OpenLesson("27-debounce".into()))
            .reduce(Action::SetSchedule("GPIOTE@0,TIMER0@5".into()));
        assert!(ok.notice.is_none(), "{:?}", ok.notice);
    }

    #[test]
    fn a_bad_link_falls_back_to_a_lesson_with_a_message() {
        let s = state().reduce(Action::OpenLink(Permalink::decode("v=2&lesson=lost-update&sched=NOPE@1")));
        assert!(s.notice.as_ref().is_some_and(|n| n.detail.contains("NOPE")), "{:?}", s.notice);
        assert!(open(&s).schedule.is_empty());
        let s = state().reduce(Action::OpenLink(Permalink::decode("v=9&lesson=x")));
        assert!(s.notice.as_ref().is_some_and(|n| n.detail.contains("version")), "{:?}", s.notice);
        assert!(s.open.is_some(), "the first lesson, not a blank page");
        let s = state().reduce(Action::OpenLink(Permalink::decode("v=2&lesson=none")));
        assert!(s.open.is_none() && s.notice.is_some(), "the lesson list, with the message");
    }

    /// The compiler worker's answer for `code`, as the page gets it.
    fn checked(lesson: &str, code: &str) -> Action {
        let lessons = irqlab_lessons::builtin();
        let l = lessons.iter().find(|l| l.id == lesson).expect("lesson");
        let checked = crate::compiled::check(&l.setup, code);
        Action::Checked(Rc::new(Answer { lesson: l.id.clone(), code: code.to_string(), checked }))
    }

    /// Lesson 04's scenario with a comment added at the end (the same
    /// program, but not the build's), in a link with `schedule` and `step`.
    fn edited_link(schedule: &str, step: u64) -> (String, Permalink) {
        let scenario = open(&state().reduce(Action::OpenLesson("04-lost-update".into()))).card.scenario.clone();
        let edited = format!("{scenario}// edited by the teacher\n");
        let link = Permalink {
            lesson: "lost-update".into(),
            code: Some(edited.clone()),
            schedule: schedule.into(),
            step,
            dropped: Vec::new(),
        };
        (edited, link)
    }

    #[test]
    fn a_link_with_edited_code_keeps_its_schedule_and_step_until_the_code_compiles() {
        let (edited, link) = edited_link("TIMER0@1", 5);
        let s = state().reduce(Action::OpenLink(Permalink::decode(&link.encode())));
        assert!(open(&s).checking() && open(&s).run.is_none());
        // The address the page writes meanwhile still holds the whole moment.
        assert_eq!(open(&s).permalink(), link);
        let s = s.reduce(checked("04-lost-update", &edited));
        assert_eq!(open(&s).schedule_text(), "TIMER0@1");
        let run = open(&s).run.clone().expect("a run");
        assert_eq!(open(&s).step, run.position_of_index(5));
        assert!(open(&s).step > 0);
        assert_eq!(open(&s).permalink(), link);
        assert!(s.notice.is_none(), "{:?}", s.notice);
    }

    #[test]
    fn a_link_whose_schedule_does_not_fit_its_compiled_code_says_so() {
        let (edited, link) = edited_link("NOPE@1", 3);
        let s = state().reduce(Action::OpenLink(Ok(link))).reduce(checked("04-lost-update", &edited));
        assert!(s.notice.as_ref().is_some_and(|n| n.detail.contains("NOPE")), "{:?}", s.notice);
        assert!(open(&s).schedule.is_empty() && open(&s).run.is_some());
    }

    #[test]
    fn a_damaged_link_keeps_its_lesson_and_names_what_it_left_out() {
        let s = state().reduce(Action::OpenLink(Permalink::decode(
            "v=2&lesson=lost-update&code=%%%&sched=TIMER0@2&step=-3&zoom=2",
        )));
        assert_eq!(open(&s).card.id, "04-lost-update");
        assert_eq!(*open(&s).code, open(&s).card.scenario);
        assert_eq!(open(&s).schedule_text(), "TIMER0@2");
        let notice = s.notice.as_ref().expect("a notice");
        for part in ["code in the link is damaged", "`-3`", "`zoom`"] {
            assert!(notice.detail.contains(part), "{part}: {}", notice.detail);
        }
    }

    #[test]
    fn stepping_stops_at_both_ends_and_returns_the_same_state_when_nothing_changes() {
        let s = state().reduce(Action::OpenLesson("04-lost-update".into()));
        let unchanged = s.clone().reduce(Action::Back);
        assert!(Rc::ptr_eq(&s, &unchanged), "back at step 0 changes nothing");
        let end = s.reduce(Action::ToEnd);
        let len = open(&end).steps();
        assert_eq!(open(&end).step, len);
        let after = end.clone().reduce(Action::Step);
        assert!(Rc::ptr_eq(&end, &after));
    }

    #[test]
    fn an_edit_waits_for_the_compiler_and_takes_only_its_own_answer() {
        let s = state().reduce(Action::OpenLesson("04-lost-update".into()));
        let edited = format!("// note\n{}", open(&s).card.scenario);
        let s = s.reduce(Action::Edit(edited.clone()));
        assert!(open(&s).checking());
        let stale = Answer { lesson: "04-lost-update".into(), code: "old".into(), checked: Default::default() };
        let s2 = s.clone().reduce(Action::Checked(Rc::new(stale)));
        assert!(Rc::ptr_eq(&s, &s2), "an answer for other code is ignored");
        let lessons = irqlab_lessons::builtin();
        let lesson = lessons.iter().find(|l| l.id == "04-lost-update").expect("lesson");
        let checked = crate::compiled::check(&lesson.setup, &edited);
        let s = s.reduce(Action::Checked(Rc::new(Answer { lesson: lesson.id.clone(), code: edited, checked })));
        assert!(!open(&s).checking());
        assert!(!open(&s).stale && open(&s).run.is_some());
    }
}
