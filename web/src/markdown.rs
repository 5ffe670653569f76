//! A lesson's narrative as Yew nodes. The markdown was parsed at build time
//! (see `markdown_tree`, which keeps only safe elements and attributes), so
//! the page carries no markdown parser and never sets raw HTML.

use yew::virtual_dom::{VList, VTag, VText};
use yew::{AttrValue, Html};

/// A node of a narrative: text, or an element with attributes and children.
#[derive(Debug, PartialEq, Eq)]
pub enum Md {
    Text(&'static str),
    El(&'static str, &'static [(&'static str, &'static str)], &'static [Md]),
}

pub fn render(nodes: &'static [Md]) -> Html {
    let children: Vec<Html> = nodes
        .iter()
        .map(|node| match node {
            Md::Text(t) => VText::new(AttrValue::Static(t)).into(),
            Md::El(tag, attrs, children) => {
                let mut el = VTag::new(*tag);
                for (k, v) in attrs.iter() {
                    el.add_attribute(k, AttrValue::Static(v));
                }
                if *tag == "a" && attrs.iter().any(|(k, _)| *k == "rel") {
                    el.add_attribute("target", "_blank");
                }
                el.add_child(render(children));
                el.into()
            }
        })
        .collect();
    VList::with_children(children, None).into()
}
