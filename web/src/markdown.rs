//! A lesson's narrative as Yew nodes. The markdown was parsed at build time
//! (see `markdown_tree`, which keeps only safe elements and attributes) and
//! arrives in the lesson data file, so the page carries no markdown parser
//! and never sets raw HTML. The data is checked again here: only the
//! elements and attributes `markdown_tree` makes are drawn.

use yew::virtual_dom::{VList, VTag, VText};
use yew::{AttrValue, Html};

pub use crate::data::Node;

const TAGS: &[&str] = &[
    "p",
    "h3",
    "h4",
    "h5",
    "blockquote",
    "pre",
    "code",
    "ol",
    "ul",
    "li",
    "em",
    "strong",
    "s",
    "a",
    "table",
    "tr",
    "td",
    "span",
    "br",
    "hr",
];

/// Attribute names as Yew needs them (`&'static str`); others are dropped.
fn attribute(name: &str) -> Option<&'static str> {
    ["href", "rel", "title", "start", "data-lang"].into_iter().find(|a| *a == name)
}

pub fn render(nodes: &[Node]) -> Html {
    let children: Vec<Html> = nodes
        .iter()
        .map(|node| match node {
            Node::Text(t) => VText::new(AttrValue::from(t.clone())).into(),
            Node::El { tag, attrs, children } => {
                let Some(tag) = TAGS.iter().find(|t| *t == tag) else {
                    // Not one of ours: keep the text, drop the element.
                    return render(children);
                };
                let mut el = VTag::new(*tag);
                for (k, v) in attrs {
                    if k == "href" && crate::data::safe_href(v).is_none() {
                        continue;
                    }
                    if let Some(k) = attribute(k) {
                        el.add_attribute(k, AttrValue::from(v.clone()));
                    }
                }
                if *tag == "a" && attrs.iter().any(|(k, _)| k == "rel") {
                    el.add_attribute("target", "_blank");
                }
                // A code block scrolls sideways: the keyboard must reach it too.
                if *tag == "pre" {
                    el.add_attribute("tabindex", "0");
                }
                el.add_child(render(children));
                el.into()
            }
        })
        .collect();
    VList::with_children(children, None).into()
}
