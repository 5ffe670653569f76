//! A lesson's narrative (markdown) as Yew nodes. Parsed with pulldown-cmark
//! and built element by element: raw HTML in the text is shown as text, never
//! injected, and only http(s), relative and `#` links are kept.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag};
use yew::virtual_dom::{VList, VTag, VText};
use yew::{AttrValue, Html};

/// An element under construction and its children.
struct Open {
    tag: Option<VTag>,
    children: Vec<Html>,
}

fn safe_href(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s);
    match scheme {
        None => Some(url.to_string()),
        Some("http" | "https") => Some(url.to_string()),
        Some(s) if s.contains('/') || s.contains('#') || s.contains('?') => Some(url.to_string()),
        Some(_) => None,
    }
}

fn element(tag: &Tag<'_>) -> VTag {
    let name = match tag {
        Tag::Paragraph => "p",
        Tag::Heading { level, .. } => match level {
            // The page title is the h2; the narrative's headings sit below it.
            HeadingLevel::H1 | HeadingLevel::H2 => "h3",
            HeadingLevel::H3 => "h4",
            _ => "h5",
        },
        Tag::BlockQuote(_) => "blockquote",
        Tag::CodeBlock(_) => "pre",
        Tag::List(Some(_)) => "ol",
        Tag::List(None) => "ul",
        Tag::Item => "li",
        Tag::Emphasis => "em",
        Tag::Strong => "strong",
        Tag::Strikethrough => "s",
        Tag::Link { .. } => "a",
        Tag::Table(_) => "table",
        Tag::TableHead | Tag::TableRow => "tr",
        Tag::TableCell => "td",
        _ => "span",
    };
    let mut vtag = VTag::new(name);
    match tag {
        Tag::Link { dest_url, title, .. } => {
            if let Some(href) = safe_href(dest_url) {
                vtag.add_attribute("href", AttrValue::from(href));
                if dest_url.starts_with("http") {
                    vtag.add_attribute("rel", "noopener noreferrer");
                    vtag.add_attribute("target", "_blank");
                }
            }
            if !title.is_empty() {
                vtag.add_attribute("title", AttrValue::from(title.to_string()));
            }
        }
        Tag::List(Some(start)) if *start != 1 => vtag.add_attribute("start", AttrValue::from(start.to_string())),
        Tag::CodeBlock(CodeBlockKind::Fenced(lang)) if !lang.is_empty() => {
            vtag.add_attribute("data-lang", AttrValue::from(lang.to_string()));
        }
        _ => {}
    }
    vtag
}

fn close(stack: &mut Vec<Open>) {
    if stack.len() < 2 {
        return;
    }
    let Some(Open { tag, children }) = stack.pop() else { return };
    let node = match tag {
        Some(mut tag) => {
            if tag.tag() == "pre" {
                let mut code = VTag::new("code");
                code.add_children(children);
                tag.add_child(code.into());
            } else {
                tag.add_children(children);
            }
            tag.into()
        }
        None => VList::with_children(children, None).into(),
    };
    if let Some(parent) = stack.last_mut() {
        parent.children.push(node);
    }
}

fn text(stack: &mut [Open], s: &str) {
    if let Some(top) = stack.last_mut() {
        top.children.push(VText::new(AttrValue::from(s.to_string())).into());
    }
}

/// Renders markdown to Yew nodes.
pub fn render(markdown: &str) -> Html {
    let mut stack = vec![Open { tag: None, children: Vec::new() }];
    let parser = Parser::new_ext(
        markdown,
        pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH,
    );
    for event in parser {
        match event {
            Event::Start(Tag::Image { .. }) => {
                // Images would load from elsewhere; the CSP forbids it. Show the alt text.
                stack.push(Open { tag: Some(VTag::new("span")), children: Vec::new() });
            }
            Event::Start(tag) => stack.push(Open { tag: Some(element(&tag)), children: Vec::new() }),
            Event::End(_) => close(&mut stack),
            Event::Text(s) | Event::Html(s) | Event::InlineHtml(s) => text(&mut stack, &s),
            Event::Code(s) => {
                let mut code = VTag::new("code");
                code.add_child(VText::new(AttrValue::from(s.to_string())).into());
                if let Some(top) = stack.last_mut() {
                    top.children.push(code.into());
                }
            }
            Event::SoftBreak => text(&mut stack, " "),
            Event::HardBreak => {
                if let Some(top) = stack.last_mut() {
                    top.children.push(VTag::new("br").into());
                }
            }
            Event::Rule => {
                if let Some(top) = stack.last_mut() {
                    top.children.push(VTag::new("hr").into());
                }
            }
            _ => {}
        }
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    let root = stack.pop().map(|o| o.children).unwrap_or_default();
    VList::with_children(root, None).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_safe_links_keep_their_target() {
        assert_eq!(safe_href("https://docs.rs/cortex-m"), Some("https://docs.rs/cortex-m".into()));
        assert_eq!(safe_href("#fix"), Some("#fix".into()));
        assert_eq!(safe_href("../03-edge-counter/"), Some("../03-edge-counter/".into()));
        assert_eq!(safe_href("javascript:alert(1)"), None);
        assert_eq!(safe_href(" JavaScript:alert(1)"), None);
        assert_eq!(safe_href("data:text/html,x"), None);
    }
}
