//! Permalinks: `#v=1&lesson=..&code=..&sched=..&step=..`, so a teacher can
//! share an exact moment. Versioned, compressed (deflate + base64url) and
//! bounded in size. A link without a readable version or lesson is refused;
//! a damaged code, schedule or step, or an unknown part, is left out and
//! named in `dropped`, so the page still opens the lesson and says what it
//! could not keep.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The only version this page writes and reads.
pub const VERSION: u32 = 1;
/// A longer fragment is refused before any decoding.
pub const MAX_LINK: usize = 16 * 1024;
/// The code a link may carry once decompressed.
pub const MAX_CODE: usize = 64 * 1024;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Permalink {
    pub lesson: String,
    /// The edited code, when it differs from the lesson's.
    pub code: Option<String>,
    /// A schedule in the `TIMER0@12,reorder@5` syntax.
    pub schedule: String,
    /// The cursor: just before the step the simulator numbers `step`, the
    /// numbering of `NAME@N` (past the end: the end of the run).
    pub step: u64,
    /// The parts of a decoded link that were damaged and left out (never
    /// written by `encode`).
    pub dropped: Vec<LinkError>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    TooLong { len: usize },
    NoVersion,
    Version(String),
    NoLesson,
    BadLesson(String),
    Code(&'static str),
    BadSchedule,
    BadStep(String),
    UnknownKey(String),
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::TooLong { len } => {
                write!(f, "the link is {len} characters long; a permalink has at most {MAX_LINK}")
            }
            LinkError::NoVersion => write!(f, "the link has no version (`v=1`)"),
            LinkError::Version(v) => write!(f, "the link is version `{v}`, but this page reads version {VERSION}"),
            LinkError::NoLesson => write!(f, "the link names no lesson"),
            LinkError::BadLesson(id) => write!(f, "`{id}` is not a lesson name"),
            LinkError::Code(why) => write!(f, "the code in the link is damaged ({why})"),
            LinkError::BadSchedule => {
                write!(f, "the schedule in the link has characters a schedule never has")
            }
            LinkError::BadStep(s) => write!(f, "the step `{s}` is not a step number"),
            LinkError::UnknownKey(k) => write!(f, "the link has an unknown part `{k}`"),
        }
    }
}

/// Whether a hash fragment is a permalink at all (and not, say, empty).
pub fn is_permalink(fragment: &str) -> bool {
    !fragment.trim_start_matches('#').is_empty()
}

fn lesson_id_ok(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn schedule_ok(s: &str) -> bool {
    s.len() <= MAX_LINK && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'@' | b','))
}

pub fn compress(code: &str) -> String {
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(code.as_bytes(), 9))
}

pub fn decompress(text: &str) -> Result<String, LinkError> {
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| LinkError::Code("not base64url"))?;
    let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_CODE)
        .map_err(|_| LinkError::Code("not valid compressed data, or larger than 64 KB"))?;
    String::from_utf8(raw).map_err(|_| LinkError::Code("not UTF-8 text"))
}

impl Permalink {
    /// The fragment without `#`.
    pub fn encode(&self) -> String {
        let mut out = format!("v={VERSION}&lesson={}", self.lesson);
        if let Some(code) = &self.code {
            out.push_str("&code=");
            out.push_str(&compress(code));
        }
        if !self.schedule.is_empty() {
            out.push_str("&sched=");
            out.push_str(&self.schedule);
        }
        if self.step > 0 {
            out.push_str(&format!("&step={}", self.step));
        }
        out
    }

    /// Reads a fragment (with or without `#`). Fails only when the link has
    /// no readable version or lesson; other damage is listed in `dropped`.
    pub fn decode(fragment: &str) -> Result<Permalink, LinkError> {
        let fragment = fragment.trim_start_matches('#');
        if fragment.len() > MAX_LINK {
            return Err(LinkError::TooLong { len: fragment.len() });
        }
        let mut link = Permalink::default();
        let mut version = None;
        for part in fragment.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            match key {
                "v" => version = Some(value),
                "lesson" => {
                    if !lesson_id_ok(value) {
                        return Err(LinkError::BadLesson(shorten(value)));
                    }
                    link.lesson = value.to_string();
                }
                "code" => match decompress(value) {
                    Ok(code) => link.code = Some(code),
                    Err(e) => link.dropped.push(e),
                },
                "sched" if schedule_ok(value) => link.schedule = value.to_string(),
                "sched" => link.dropped.push(LinkError::BadSchedule),
                "step" => match value.parse() {
                    Ok(step) => link.step = step,
                    Err(_) => link.dropped.push(LinkError::BadStep(shorten(value))),
                },
                other => link.dropped.push(LinkError::UnknownKey(shorten(other))),
            }
        }
        match version {
            None => return Err(LinkError::NoVersion),
            Some(v) if v != VERSION.to_string() => return Err(LinkError::Version(shorten(v))),
            Some(_) => {}
        }
        if link.lesson.is_empty() {
            return Err(LinkError::NoLesson);
        }
        Ok(link)
    }
}

/// Quotes at most 40 characters of what the link said.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link() -> Permalink {
        Permalink {
            lesson: "02-lost-update".into(),
            code: Some("pub fn foreground() {\n    unsafe { COUNT += 1 }\n}\n".into()),
            schedule: "TIMER0@3,TIMER0@9".into(),
            step: 7,
            dropped: Vec::new(),
        }
    }

    #[test]
    fn a_link_reads_back_to_the_same_moment() {
        let text = link().encode();
        assert!(text.starts_with("v=1&lesson=02-lost-update&code="), "{text}");
        assert_eq!(Permalink::decode(&format!("#{text}")), Ok(link()));
    }

    #[test]
    fn a_plain_lesson_link_has_no_code_schedule_or_step() {
        let plain = Permalink { lesson: "01-superloop".into(), ..Permalink::default() };
        assert_eq!(plain.encode(), "v=1&lesson=01-superloop");
        assert_eq!(Permalink::decode("v=1&lesson=01-superloop"), Ok(plain));
    }

    #[test]
    fn links_without_a_version_or_lesson_are_refused() {
        let cases = [
            ("lesson=01-superloop", LinkError::NoVersion),
            ("v=2&lesson=01-superloop", LinkError::Version("2".into())),
            ("v=1", LinkError::NoLesson),
            ("v=1&lesson=<script>", LinkError::BadLesson("<script>".into())),
        ];
        for (text, expected) in cases {
            assert_eq!(Permalink::decode(text), Err(expected), "{text}");
        }
    }

    #[test]
    fn damaged_parts_are_left_out_and_named_and_the_rest_is_kept() {
        let cases = [
            ("v=1&lesson=a&code=!!!", LinkError::Code("not base64url")),
            ("v=1&lesson=a&code=AAAA", LinkError::Code("not valid compressed data, or larger than 64 KB")),
            ("v=1&lesson=a&sched=T<b>@1", LinkError::BadSchedule),
            ("v=1&lesson=a&step=-1", LinkError::BadStep("-1".into())),
            ("v=1&lesson=a&x=1", LinkError::UnknownKey("x".into())),
        ];
        for (text, expected) in cases {
            let link = Permalink::decode(text).expect("the lesson is kept");
            assert_eq!((link.lesson.as_str(), link.dropped), ("a", vec![expected]), "{text}");
        }
        let damaged = Permalink::decode("v=1&lesson=02-lost-update&code=%%%&sched=TIMER0@1&step=-3&zoom=2")
            .expect("the lesson is kept");
        assert_eq!(damaged.schedule, "TIMER0@1");
        assert_eq!((damaged.code, damaged.step), (None, 0));
        assert_eq!(
            damaged.dropped,
            vec![
                LinkError::Code("not base64url"),
                LinkError::BadStep("-3".into()),
                LinkError::UnknownKey("zoom".into())
            ]
        );
        // Flipping characters of the compressed code is caught, not shown as garbage.
        let tampered = link().encode().replacen("code=", "code=AB", 1);
        let decoded = Permalink::decode(&tampered).expect("the lesson is kept");
        assert!(decoded.code.is_none() && matches!(decoded.dropped[..], [LinkError::Code(_)]), "{tampered}");
    }

    #[test]
    fn oversized_links_and_code_bombs_are_refused() {
        let long = format!("v=1&lesson=a&sched={}", "T@1,".repeat(MAX_LINK));
        assert_eq!(Permalink::decode(&long), Err(LinkError::TooLong { len: long.len() }));
        // 1 MB of one letter compresses to a tiny link but exceeds the code limit.
        let bomb = compress(&"a".repeat(1 << 20));
        assert!(bomb.len() < MAX_LINK);
        assert_eq!(
            Permalink::decode(&format!("v=1&lesson=a&code={bomb}")).map(|l| l.dropped),
            Ok(vec![LinkError::Code("not valid compressed data, or larger than 64 KB")])
        );
    }

    #[test]
    fn messages_name_the_problem() {
        assert_eq!(
            LinkError::Version("0".into()).to_string(),
            "the link is version `0`, but this page reads version 1"
        );
        assert_eq!(shorten(&"x".repeat(50)).chars().count(), 41);
    }
}
