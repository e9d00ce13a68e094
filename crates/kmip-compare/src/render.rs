//! The two canonical XML renderings the diff is made of.
//!
//! Lines follow `kmip_ttlv::xml::to_xml` exactly (2-space indent,
//! `<Tag type="T" value="V"/>`, `<Tag>`…`</Tag>`, `<Tag/>` when empty;
//! values by `kmip_ttlv::names::render_value`, the function `to_xml` uses),
//! but they are emitted by the comparison walk, pair by pair, so that a
//! masked position can be written identically on both sides with a
//! trailing `<!-- masked: rule-id … -->` comment: masked lines then show
//! as context, never as `-`/`+` noise. Matched fields are written in the
//! expected order on both sides; fields only the actual message has come
//! after the matched ones of their structure.

use std::fmt::Write as _;

use kmip_ttlv::names::{self, Style};
use kmip_ttlv::{Item, Value};

use crate::{tags, MAX_DEPTH};

/// Which rendering(s) a line goes to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum To {
    Both,
    Expected,
    Actual,
}

/// The two renderings under construction.
#[derive(Default)]
pub(crate) struct Renderings {
    pub expected: String,
    pub actual: String,
}

impl Renderings {
    fn push(&mut self, to: To, line: &str) {
        if matches!(to, To::Both | To::Expected) {
            self.expected.push_str(line);
            self.expected.push('\n');
        }
        if matches!(to, To::Both | To::Actual) {
            self.actual.push_str(line);
            self.actual.push('\n');
        }
    }

    /// `<Tag>` (or `<Tag/>` when `empty`).
    pub fn open(&mut self, to: To, item: &Item, indent: usize, empty: bool, note: Option<&str>) {
        let mut l = pad(indent);
        let _ = write!(l, "<{}{}>", element(item), if empty { "/" } else { "" });
        annotate(&mut l, note);
        self.push(to, &l);
    }

    /// `</Tag>`.
    pub fn close(&mut self, to: To, item: &Item, indent: usize) {
        let mut l = pad(indent);
        let _ = write!(l, "</{}>", close_name(item));
        self.push(to, &l);
    }

    /// One leaf line. `value` overrides the item's value (bound placeholders).
    pub fn leaf(
        &mut self,
        to: To,
        item: &Item,
        value: Option<&Value>,
        attribute_name: Option<&str>,
        indent: usize,
        note: Option<&str>,
    ) {
        let v = value.unwrap_or(&item.value);
        let mut l = pad(indent);
        let _ = write!(
            l,
            "<{} type=\"{}\" value=\"{}\"/>",
            element(item),
            v.item_type().name(),
            escape(&names::render_value(
                item.tag,
                v,
                attribute_name,
                Style::Xml
            ))
        );
        annotate(&mut l, note);
        self.push(to, &l);
    }

    /// A whole subtree, the first line annotated (nesting bounded by
    /// [`MAX_DEPTH`] levels; deeper levels become `…`).
    pub fn subtree(
        &mut self,
        to: To,
        item: &Item,
        attribute_name: Option<&str>,
        indent: usize,
        note: Option<&str>,
    ) {
        self.subtree_at(to, item, attribute_name, indent, note, 0);
    }

    fn subtree_at(
        &mut self,
        to: To,
        item: &Item,
        attribute_name: Option<&str>,
        indent: usize,
        note: Option<&str>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            self.push(to, &format!("{}…", pad(indent)));
            return;
        }
        match &item.value {
            Value::Structure(children) => {
                self.open(to, item, indent, children.is_empty(), note);
                if !children.is_empty() {
                    let an = names::sibling_attribute_name(children);
                    for c in children {
                        self.subtree_at(to, c, an, indent + 1, None, depth + 1);
                    }
                    self.close(to, item, indent);
                }
            }
            _ => self.leaf(to, item, None, attribute_name, indent, note),
        }
    }
}

fn pad(indent: usize) -> String {
    "  ".repeat(indent)
}

fn element(item: &Item) -> String {
    match item.tag.name() {
        Some(n) => n.to_string(),
        None => match tags::KNOWN.iter().find(|(t, _)| *t == item.tag) {
            Some((_, n)) => (*n).to_string(),
            None => format!("TTLV tag=\"0x{:06X}\"", item.tag.0),
        },
    }
}

fn close_name(item: &Item) -> String {
    match item.tag.name() {
        Some(n) => n.to_string(),
        None => match tags::KNOWN.iter().find(|(t, _)| *t == item.tag) {
            Some((_, n)) => (*n).to_string(),
            None => "TTLV".to_string(),
        },
    }
}

fn annotate(line: &mut String, note: Option<&str>) {
    if let Some(n) = note {
        let _ = write!(line, "  <!-- {} -->", n.replace("--", "- -"));
    }
}

/// Escape an attribute value as `to_xml` does.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 || c == '\u{7F}' => {
                let _ = write!(out, "&#x{:X};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A short rendering of an item's value for [`crate::Difference`] /
/// [`crate::Masked`]: leaves as their XML value text, structures as compact
/// XML (bounded to 512 characters).
pub(crate) fn value_text(item: &Item, attribute_name: Option<&str>) -> String {
    let s = match &item.value {
        Value::Structure(_) if deeper_than(item, MAX_DEPTH) => {
            "(structure nested too deep)".to_string()
        }
        Value::Structure(_) => kmip_ttlv::xml::to_xml_compact(item),
        v => names::render_value(item.tag, v, attribute_name, Style::Xml),
    };
    bounded(non_empty(s, item.item_type()))
}

/// An empty value as `(empty ByteString)` etc.: never confused with a
/// missing field (`(absent)`).
fn non_empty(s: String, t: kmip_ttlv::ItemType) -> String {
    if s.is_empty() {
        format!("(empty {t})")
    } else {
        s
    }
}

/// The same for a bare value at a tag.
pub(crate) fn bare_value_text(item: &Item, v: &Value, attribute_name: Option<&str>) -> String {
    bounded(non_empty(
        names::render_value(item.tag, v, attribute_name, Style::Xml),
        v.item_type(),
    ))
}

/// True if the tree nests deeper than `limit` (iterative: no recursion on
/// untrusted depth).
fn deeper_than(item: &Item, limit: usize) -> bool {
    let mut stack = vec![(item, 0usize)];
    while let Some((i, d)) = stack.pop() {
        if d > limit {
            return true;
        }
        stack.extend(i.children().iter().map(|c| (c, d + 1)));
    }
    false
}

fn bounded(s: String) -> String {
    const MAX: usize = 512;
    if s.chars().count() <= MAX {
        return s;
    }
    let mut t: String = s.chars().take(MAX).collect();
    t.push('…');
    t
}

/// The unified diff of the two renderings (empty when they are equal).
pub(crate) fn unified(r: &Renderings) -> String {
    if r.expected == r.actual {
        return String::new();
    }
    similar::TextDiff::from_lines(&r.expected, &r.actual)
        .unified_diff()
        .context_radius(5)
        .header("expected", "actual")
        .to_string()
}
