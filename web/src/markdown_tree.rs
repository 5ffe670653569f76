//! A lesson's narrative, parsed from markdown at build time (pulldown-cmark)
//! into a tree of a few safe elements, which the lesson data file carries.
//! Raw HTML in the text stays text, images become their alt text, and only
//! http(s), relative and `#` links keep their target. Used by build.rs, and
//! by the unit tests below.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag};

use crate::data::{Node, safe_href};

fn el(tag: &str, attrs: Vec<(&'static str, String)>, children: Vec<Node>) -> Node {
    Node::El { tag: tag.into(), attrs: attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(), children }
}

fn element(tag: &Tag<'_>) -> (&'static str, Vec<(&'static str, String)>) {
    let name = match tag {
        Tag::Paragraph => "p",
        // The page's title is the h1 and its sections h2: the narrative sits below.
        Tag::Heading { level: HeadingLevel::H1 | HeadingLevel::H2, .. } => "h3",
        Tag::Heading { level: HeadingLevel::H3, .. } => "h4",
        Tag::Heading { .. } => "h5",
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
    let mut attrs = Vec::new();
    match tag {
        Tag::Link { dest_url, title, .. } => {
            if let Some(href) = safe_href(dest_url) {
                if href.starts_with("http") {
                    attrs.push(("rel", "noopener noreferrer".to_string()));
                }
                attrs.push(("href", href));
            }
            if !title.is_empty() {
                attrs.push(("title", title.to_string()));
            }
        }
        Tag::List(Some(start)) if *start != 1 => attrs.push(("start", start.to_string())),
        Tag::CodeBlock(CodeBlockKind::Fenced(lang)) if !lang.is_empty() => {
            attrs.push(("data-lang", lang.to_string()));
        }
        _ => {}
    }
    (name, attrs)
}

/// An element being built: tag, attributes, children.
type Open = (&'static str, Vec<(&'static str, String)>, Vec<Node>);

/// Parses markdown into the tree.
pub fn parse(markdown: &str) -> Vec<Node> {
    // The open elements; the root has no tag.
    let mut stack: Vec<Open> = vec![("", Vec::new(), Vec::new())];
    let push = |stack: &mut Vec<Open>, node: Node| {
        if let Some(top) = stack.last_mut() {
            top.2.push(node);
        }
    };
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Image { .. }) => stack.push(("span", Vec::new(), Vec::new())),
            Event::Start(tag) => {
                let (name, attrs) = element(&tag);
                stack.push((name, attrs, Vec::new()));
            }
            Event::End(_) if stack.len() > 1 => {
                let Some((tag, attrs, children)) = stack.pop() else { continue };
                let children = if tag == "pre" { vec![el("code", Vec::new(), children)] } else { children };
                push(&mut stack, el(tag, attrs, children));
            }
            Event::Text(s) | Event::Html(s) | Event::InlineHtml(s) => push(&mut stack, Node::Text(s.to_string())),
            Event::Code(s) => push(&mut stack, el("code", Vec::new(), vec![Node::Text(s.to_string())])),
            Event::SoftBreak => push(&mut stack, Node::Text(" ".into())),
            Event::HardBreak => push(&mut stack, el("br", Vec::new(), Vec::new())),
            Event::Rule => push(&mut stack, el("hr", Vec::new(), Vec::new())),
            _ => {}
        }
    }
    stack.swap_remove(0).2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bare(tag: &str, children: Vec<Node>) -> Node {
        el(tag, Vec::new(), children)
    }

    #[test]
    fn raw_html_stays_text_and_unsafe_links_lose_their_target() {
        let tree = parse("Hi <script>alert(1)</script> [x](javascript:alert(1)) [d](https://docs.rs)");
        let Node::El { tag, children, .. } = &tree[0] else { panic!("a paragraph: {tree:?}") };
        assert_eq!(tag, "p");
        assert!(children.contains(&Node::Text("<script>".into())), "{children:?}");
        assert!(children.contains(&bare("a", vec![Node::Text("x".into())])), "no href: {children:?}");
        assert!(children.iter().any(|c| matches!(c, Node::El { tag, attrs, .. }
            if tag == "a" && attrs.contains(&("href".to_string(), "https://docs.rs".to_string())))));
    }

    #[test]
    fn headings_code_and_lists_map_to_safe_elements() {
        let tree = parse("# Title\n\n```rust\nlet x = 1;\n```\n\n- `a`\n");
        assert_eq!(tree[0], bare("h3", vec![Node::Text("Title".into())]));
        let code = bare("code", vec![Node::Text("let x = 1;\n".into())]);
        assert_eq!(tree[1], el("pre", vec![("data-lang", "rust".into())], vec![code]));
        assert_eq!(tree[2], bare("ul", vec![bare("li", vec![bare("code", vec![Node::Text("a".into())])])]));
    }

    #[test]
    fn only_safe_links_keep_their_target() {
        assert_eq!(safe_href("#fix"), Some("#fix".into()));
        assert_eq!(safe_href("../07-edge-counter/"), Some("../07-edge-counter/".into()));
        assert_eq!(safe_href(" JavaScript:alert(1)"), None);
        assert_eq!(safe_href("data:text/html,x"), None);
    }
}
