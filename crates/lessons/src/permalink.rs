//! Permalinks: `#v=2&lesson=..&code=..&sched=..&step=..`, so a teacher can
//! share an exact moment. Versioned, compressed (deflate + base64url) and
//! bounded in size. A link without a readable version or lesson is refused;
//! a damaged code, schedule or step, or an unknown part, is left out and
//! named in `dropped`, so the page still opens the lesson and says what it
//! could not keep.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The version this page writes: lessons by slug (`lost-update`). It also
/// reads version 1, which named lessons by their numbered folder of the
/// first numbering (`crate::V1_IDS`, lessons/PERMALINKS.md).
pub const VERSION: u32 = 2;
/// A longer fragment is refused before any decoding.
pub const MAX_LINK: usize = 16 * 1024;
/// The code a link may carry once decompressed.
pub const MAX_CODE: usize = 64 * 1024;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Permalink {
    /// The lesson's slug, whatever version the link was.
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
            LinkError::NoVersion => write!(f, "the link has no version (`v={VERSION}`)"),
            LinkError::Version(v) => {
                write!(f, "the link is version `{v}`, but this page reads versions 1 to {VERSION}")
            }
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
    code_param(&miniz_oxide::deflate::compress_to_vec(code.as_bytes(), 9))
}

/// A link's `code=` from the code's raw deflate stream, whoever deflated it
/// (`compress`, or the browser's `CompressionStream("deflate-raw")`, which
/// spares the web page a compressor): every inflater reads it alike.
pub fn code_param(deflated: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(deflated)
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
        self.encode_with_code(self.code.as_deref().map(compress).as_deref())
    }

    /// The fragment without `#`, with `code` (a `code=` value, `compress`'s
    /// or `code_param`'s) for the code, which is then not compressed here.
    pub fn encode_with_code(&self, code: Option<&str>) -> String {
        let mut out = format!("v={VERSION}&lesson={}", self.lesson);
        if let Some(code) = code {
            out.push_str("&code=");
            out.push_str(code);
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
        let mut name = None;
        for part in fragment.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            match key {
                "v" => version = Some(value),
                "lesson" => {
                    if !lesson_id_ok(value) {
                        return Err(LinkError::BadLesson(shorten(value)));
                    }
                    name = Some(value);
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
        let version = match version {
            None => return Err(LinkError::NoVersion),
            Some(v) => match v.parse::<u32>() {
                Ok(n @ 1..=VERSION) => n,
                _ => return Err(LinkError::Version(shorten(v))),
            },
        };
        let name = name.ok_or(LinkError::NoLesson)?;
        // A version 1 name that lesson never had is left to the page to
        // refuse as an unknown lesson, quoted as the link had it.
        link.lesson = crate::slug_of_link(version, name).unwrap_or(name).to_string();
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
            lesson: "lost-update".into(),
            code: Some("pub fn foreground() {\n    unsafe { COUNT += 1 }\n}\n".into()),
            schedule: "TIMER0@3,TIMER0@9".into(),
            step: 7,
            dropped: Vec::new(),
        }
    }

    #[test]
    fn a_link_reads_back_to_the_same_moment() {
        let text = link().encode();
        assert!(text.starts_with("v=2&lesson=lost-update&code="), "{text}");
        assert_eq!(Permalink::decode(&format!("#{text}")), Ok(link()));
    }

    /// Code deflated elsewhere (the web page has the browser deflate it)
    /// makes a link that reads back to the same moment.
    #[test]
    fn a_link_with_code_deflated_elsewhere_reads_back_the_same() {
        let code = link().code.expect("code").repeat(4);
        let link = || Permalink { code: Some(code.clone()), ..link() };
        // A stored (uncompressed) deflate block: another encoder's valid output.
        let mut stored = vec![0b001, code.len() as u8, (code.len() >> 8) as u8];
        stored.extend([!stored[1], !stored[2]]);
        stored.extend(code.as_bytes());
        let text = link().encode_with_code(Some(&code_param(&stored)));
        assert_ne!(text, link().encode(), "another encoder's bytes");
        assert_eq!(Permalink::decode(&text), Ok(link()));
        assert_eq!(link().encode_with_code(Some(&compress(&code))), link().encode());
        let without = Permalink { code: None, ..link() };
        assert_eq!(link().encode_with_code(None), without.encode());
    }

    #[test]
    fn a_plain_lesson_link_has_no_code_schedule_or_step() {
        let plain = Permalink { lesson: "superloop".into(), ..Permalink::default() };
        assert_eq!(plain.encode(), "v=2&lesson=superloop");
        assert_eq!(Permalink::decode("v=2&lesson=superloop"), Ok(plain));
    }

    /// Links written before the lessons were renumbered name the lesson by
    /// its old folder: they still open that lesson, with everything else.
    #[test]
    fn a_version_1_link_opens_the_lesson_it_always_did() {
        let old = "v=1&lesson=02-lost-update&sched=TIMER0@3&step=4";
        let link = Permalink::decode(old).expect("a version 1 link");
        assert_eq!((link.lesson.as_str(), link.schedule.as_str(), link.step), ("lost-update", "TIMER0@3", 4));
        assert_eq!(Permalink::decode("v=1&lesson=14-priorities").map(|l| l.lesson), Ok("priorities".into()));
        // Today's numbered folder was never a version 1 name: left as given,
        // for the page to refuse as an unknown lesson.
        assert_eq!(Permalink::decode("v=1&lesson=04-lost-update").map(|l| l.lesson), Ok("04-lost-update".into()));
    }

    #[test]
    fn links_without_a_version_or_lesson_are_refused() {
        let cases = [
            ("lesson=superloop", LinkError::NoVersion),
            ("v=3&lesson=superloop", LinkError::Version("3".into())),
            ("v=0&lesson=superloop", LinkError::Version("0".into())),
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
        let damaged = Permalink::decode("v=2&lesson=lost-update&code=%%%&sched=TIMER0@1&step=-3&zoom=2")
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
            "the link is version `0`, but this page reads versions 1 to 2"
        );
        assert_eq!(shorten(&"x".repeat(50)).chars().count(), 41);
    }
}
