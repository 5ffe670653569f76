//! What a firmware run prints, read back: one `irqlab ...` line per fact
//! (firmware/src/harness). Anything else it printed is kept for messages.

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The lesson's statics, `NAME=value`, in the bin's order.
    pub values: Vec<(String, String)>,
    /// One letter per property: `y` held, `n` broken.
    pub holds: String,
    pub runs: u64,
    pub first: u64,
    pub arrival: String,
    /// The watchdog had to mask the lesson's interrupts for main to go on.
    pub starved: bool,
    /// The run never ended: a handler waited for a context it preempted.
    pub deadlock: bool,
}

impl Outcome {
    pub fn broken(&self) -> bool {
        self.holds.contains('n') || self.starved || self.deadlock
    }

    pub fn state(&self) -> String {
        self.values.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub mode: String,
    /// 2 for a two-core lesson, which has only the free run.
    pub cores: u64,
    pub bin: String,
    /// The lesson's directory name under lessons/.
    pub lesson: String,
    /// The boards lesson.toml promises.
    pub boards: Vec<String>,
    /// Why the firmware ran nothing on this board (a two-core lesson on a
    /// one-core board).
    pub skip: Option<String>,
    /// The event sources and their `max_arrivals`.
    pub sources: Vec<(String, u32)>,
    pub variant: String,
    /// What the lesson promises for this variant: `held` or `broken`.
    pub expect: String,
    pub properties: Vec<String>,
    pub outcomes: Vec<Outcome>,
    pub runs: u64,
    pub violations: u64,
    /// Events that arrived over every run (`total ... arrivals=`).
    pub arrivals: u64,
    /// Runs of each lesson handler over every run (`irqlab handled`).
    pub handled: Vec<(String, u64)>,
    pub untallied: u64,
    pub totals: bool,
    pub counterexample: Option<u64>,
    /// The run (round or offset) where a deadlock ended the firmware.
    pub deadlock_at: Option<u64>,
    pub ended: bool,
    /// `panic`, `hardfault`, `stuck`, `error` and `bound` lines.
    pub problems: Vec<String>,
}

fn field<'a>(words: &[&'a str], key: &str) -> Option<&'a str> {
    words.iter().find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
}

fn number(words: &[&str], key: &str) -> u64 {
    field(words, key).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// `NAME:3` or `NAME=3` words as (name, number) pairs.
fn counts<T: std::str::FromStr + Default>(words: &[&str], separator: char) -> Vec<(String, T)> {
    words
        .iter()
        .filter_map(|w| w.split_once(separator))
        .map(|(name, n)| (name.to_string(), n.parse().unwrap_or_default()))
        .collect()
}

pub fn parse(text: &str) -> Report {
    let mut report = Report::default();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("irqlab ") else { continue };
        let (kind, rest) = rest.split_once(' ').unwrap_or((rest, ""));
        let words: Vec<&str> = rest.split_whitespace().collect();
        match kind {
            "start" => {
                report.mode = field(&words, "mode").unwrap_or_default().to_string();
                report.cores = number(&words, "cores");
                report.bin = field(&words, "bin").unwrap_or_default().to_string();
                report.lesson = field(&words, "lesson").unwrap_or_default().to_string();
                report.variant = field(&words, "variant").unwrap_or_default().to_string();
                report.expect = field(&words, "expect").unwrap_or_default().to_string();
            }
            "sources" => report.sources = counts(&words, ':'),
            "boards" => report.boards = words.iter().map(|w| w.to_string()).collect(),
            "skip" => report.skip = Some(rest.to_string()),
            "handled" => report.handled = counts(&words, '='),
            "property" => report.properties.push(rest.split_once(' ').map_or("", |(_, t)| t).to_string()),
            "outcome" => report.outcomes.push(outcome(&words)),
            "total" => {
                report.totals = true;
                report.runs = number(&words, "runs");
                report.violations = number(&words, "violations");
                report.arrivals = number(&words, "arrivals");
                report.untallied = number(&words, "untallied");
            }
            "counterexample" => report.counterexample = field(&words, "at").and_then(|v| v.parse().ok()),
            "replay" => report.mode = "replay".to_string(),
            "deadlock" => report.deadlock_at = field(&words, "at").and_then(|v| v.parse().ok()),
            "end" => report.ended = true,
            "panic" | "hardfault" | "stuck" | "error" | "bound" => report.problems.push(line.trim().to_string()),
            _ => {}
        }
    }
    report
}

impl Report {
    /// Adds the outcomes and totals of a sweep that went on from where this
    /// one stopped (`from=N` after a deadlock).
    pub fn merge(&mut self, next: Report) {
        for outcome in next.outcomes {
            let same = self.outcomes.iter_mut().find(|o| o.values == outcome.values && o.holds == outcome.holds);
            match same {
                Some(known) if known.starved == outcome.starved && known.deadlock == outcome.deadlock => {
                    known.runs += outcome.runs;
                }
                _ => self.outcomes.push(outcome),
            }
        }
        self.runs += next.runs;
        self.violations += next.violations;
        self.arrivals += next.arrivals;
        self.untallied += next.untallied;
        for (name, runs) in next.handled {
            match self.handled.iter_mut().find(|(known, _)| *known == name) {
                Some((_, total)) => *total += runs,
                None => self.handled.push((name, runs)),
            }
        }
        self.problems.extend(next.problems);
        self.counterexample = self.outcomes.iter().filter(|o| o.broken()).map(|o| o.first).min();
        self.deadlock_at = next.deadlock_at;
        self.ended = next.ended;
    }
}

fn outcome(words: &[&str]) -> Outcome {
    const META: [&str; 6] = ["holds", "runs", "first", "arrival", "starved", "deadlock"];
    let values = words
        .iter()
        .filter_map(|w| w.split_once('='))
        .filter(|(k, _)| !META.contains(k))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Outcome {
        values,
        holds: field(words, "holds").unwrap_or_default().to_string(),
        runs: number(words, "runs"),
        first: number(words, "first"),
        arrival: field(words, "arrival").unwrap_or_default().to_string(),
        starved: field(words, "starved") == Some("y"),
        deadlock: field(words, "deadlock") == Some("y"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SWEEP: &str = "\
irqlab start bin=lost_update lesson=04-lost-update variant=scenario expect=broken board=qemu-lm3s6965 mode=sweep times=3
irqlab sources TIMER0:1
irqlab property 0 3 + TICKS.load(Ordering::Relaxed) == unsafe { COUNT }
irqlab sweep ticks=3 length=1
irqlab outcome COUNT=4 TICKS=1 holds=y runs=307 first=0 arrival=after
irqlab outcome COUNT=3 TICKS=1 holds=n runs=6 first=249 arrival=call3
irqlab handled TIMER0=313
irqlab total runs=313 violations=6 arrivals=313 outcomes=2 untallied=0
irqlab counterexample at=249
irqlab end
";

    #[test]
    fn reads_a_sweep_report() {
        let report = parse(SWEEP);
        assert_eq!(
            (report.mode.as_str(), report.bin.as_str(), report.variant.as_str()),
            ("sweep", "lost_update", "scenario")
        );
        assert_eq!(report.expect, "broken");
        assert_eq!(report.lesson, "04-lost-update");
        assert_eq!(report.sources, [("TIMER0".to_string(), 1)]);
        assert_eq!(report.properties, ["3 + TICKS.load(Ordering::Relaxed) == unsafe { COUNT }"]);
        assert_eq!(report.outcomes.len(), 2);
        assert_eq!(report.outcomes[1].state(), "COUNT=3 TICKS=1");
        assert!(report.outcomes[1].broken() && !report.outcomes[0].broken());
        assert_eq!((report.outcomes[1].first, report.outcomes[1].arrival.as_str()), (249, "call3"));
        assert_eq!((report.runs, report.violations, report.counterexample), (313, 6, Some(249)));
        assert_eq!((report.arrivals, report.handled.clone()), (313, vec![("TIMER0".to_string(), 313)]));
        assert!(report.ended && report.totals && report.problems.is_empty());
    }

    #[test]
    fn a_sweep_that_goes_on_after_a_deadlock_adds_up() {
        let first = "irqlab outcome N=1 holds=y runs=5 first=0 arrival=after\n\
            irqlab outcome N=0 holds=n deadlock=y runs=1 first=5 arrival=call2\n\
            irqlab handled TIMER0=6\nirqlab total runs=6 violations=1 arrivals=6\n\
            irqlab deadlock at=5 phase=2\nirqlab end\n";
        let next = "irqlab outcome N=1 holds=y runs=3 first=6 arrival=call1\n\
            irqlab handled TIMER0=2\nirqlab total runs=3 violations=0 arrivals=3\nirqlab end\n";
        let mut report = parse(first);
        assert_eq!(report.deadlock_at, Some(5));
        assert!(report.outcomes[1].deadlock && report.outcomes[1].broken());
        report.merge(parse(next));
        assert_eq!(report.outcomes.len(), 2);
        assert_eq!((report.outcomes[0].runs, report.runs, report.violations), (8, 9, 1));
        assert_eq!((report.counterexample, report.deadlock_at), (Some(5), None));
        assert_eq!((report.arrivals, report.handled.clone()), (9, vec![("TIMER0".to_string(), 8)]));
    }

    #[test]
    fn keeps_the_lines_that_say_something_went_wrong() {
        let report =
            parse("irqlab start mode=free\nirqlab panic boom at src/x.rs:3\nirqlab outcome N=1 holds=y starved=y\n");
        assert!(report.outcomes[0].broken(), "a starved run is a failure even when its properties hold");
        assert_eq!(report.outcomes[0].state(), "N=1");
        assert_eq!(report.problems, ["irqlab panic boom at src/x.rs:3"]);
        assert!(!report.ended && !report.totals);
    }
}
