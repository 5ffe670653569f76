//! How far the learner got in each lesson, kept in localStorage.

use std::collections::BTreeMap;

/// Stages by lesson slug (`lost-update=proven`). Pages before the lessons
/// were renumbered saved numbered ids under the same key: they are read as
/// their slugs (`irqlab_lessons::slug`), so no progress is lost.
const KEY: &str = "irqlab.progress.v1";

/// Stages in order: a later stage includes the earlier ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Opened,
    /// Found a schedule that breaks the code.
    Broken,
    /// The explorer proved the code holds on every schedule.
    Proven,
}

impl Stage {
    pub fn words(self) -> &'static str {
        match self {
            Stage::Opened => "opened",
            Stage::Broken => "broken",
            Stage::Proven => "proven",
        }
    }

    fn from_words(s: &str) -> Option<Stage> {
        [Stage::Opened, Stage::Broken, Stage::Proven].into_iter().find(|st| st.words() == s)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    stages: BTreeMap<String, Stage>,
}

impl Progress {
    /// Reads `id=stage;id=stage`; anything else is ignored.
    pub fn parse(text: &str) -> Progress {
        let stages = text
            .split(';')
            .filter_map(|p| p.split_once('='))
            .filter_map(|(id, st)| Some((irqlab_lessons::slug(id).to_string(), Stage::from_words(st)?)))
            .collect();
        Progress { stages }
    }

    pub fn to_text(&self) -> String {
        self.stages.iter().map(|(id, st)| format!("{id}={}", st.words())).collect::<Vec<_>>().join(";")
    }

    /// A lesson's stage, by id or slug.
    pub fn stage(&self, id: &str) -> Option<Stage> {
        self.stages.get(irqlab_lessons::slug(id)).copied()
    }

    /// Moves a lesson to `stage` if that is further; returns whether it moved.
    pub fn advance(&mut self, id: &str, stage: Stage) -> bool {
        let slug = irqlab_lessons::slug(id);
        match self.stages.get(slug) {
            Some(&s) if s >= stage => false,
            _ => {
                self.stages.insert(slug.to_string(), stage);
                true
            }
        }
    }

    pub fn load() -> Progress {
        let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        let text = storage.and_then(|s| s.get_item(KEY).ok().flatten()).unwrap_or_default();
        Progress::parse(&text)
    }

    /// Saving can fail (private mode, quota): progress then lasts the visit.
    pub fn save(&self) {
        if !cfg!(target_arch = "wasm32") {
            return;
        }
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(KEY, &self.to_text());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_only_moves_forward_and_reads_back() {
        let mut p = Progress::default();
        assert!(p.advance("04-lost-update", Stage::Broken));
        assert!(!p.advance("04-lost-update", Stage::Opened));
        assert!(p.advance("01-superloop", Stage::Opened));
        assert_eq!(p.to_text(), "lost-update=broken;superloop=opened");
        assert_eq!(Progress::parse(&p.to_text()), p);
        assert_eq!(Progress::parse("x=nonsense;;=;y=proven").stage("y"), Some(Stage::Proven));
        assert_eq!(Progress::parse("x=nonsense").stage("x"), None);
    }

    /// What a page saved before the lessons were renumbered (numbered ids
    /// of the first numbering) is the same learner's progress now.
    #[test]
    fn progress_saved_under_old_numbers_is_kept() {
        let old = Progress::parse("02-lost-update=proven;14-priorities=broken");
        assert_eq!(old.stage("04-lost-update"), Some(Stage::Proven));
        assert_eq!(old.stage("03-priorities"), Some(Stage::Broken));
        assert_eq!(old.stage("lost-update"), Some(Stage::Proven));
    }
}
