//! What the comparison found, and the two canonical XML renderings the
//! diff is made of.
//!
//! The walk (`engine.rs`) judges only: it produces [`Finding`]s in walk
//! order — judgements (differences, masked positions, strict-mode
//! warnings) and how each position is shown on each side (whole subtrees,
//! leaves, the opening and closing of structures judged field by field).
//! [`Comparison`](crate::Comparison)'s lists and the renderings are made
//! from the findings afterwards ([`judgements`], [`render`]).
//!
//! Lines follow `kmip_ttlv::xml::to_xml` exactly (2-space indent,
//! `<Tag type="T" value="V"/>`, `<Tag>`…`</Tag>`, `<Tag/>` when empty;
//! values by `kmip_ttlv::names::render_value`, the function `to_xml` uses),
//! position by position, so that a masked position can be written
//! identically on both sides with a trailing `<!-- masked: rule-id … -->`
//! comment: masked lines then show as context, never as `-`/`+` noise.
//! Matched fields are written in the expected order on both sides; fields
//! only the actual message has come after the matched ones of their
//! structure.

use std::fmt::Write as _;

use kmip_ttlv::names::{self, Style};
use kmip_ttlv::{Item, Tag, Value};

use crate::{Difference, Masked, MAX_DEPTH};

/// Which rendering(s) a line goes to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum To {
    Both,
    Expected,
    Actual,
}

/// One finding of the walk, in walk order.
pub(crate) enum Finding {
    /// An unmasked difference (part of the verdict).
    Difference(Difference),
    /// A difference a rule allowed.
    Masked(Masked),
    /// A strict-mode finding.
    Warning(Difference),
    /// A structure judged field by field begins (`<Tag>`, `<Tag/>` when
    /// `empty`).
    Open {
        to: To,
        tag: Tag,
        indent: usize,
        empty: bool,
    },
    /// … and ends (`</Tag>`).
    Close { to: To, tag: Tag, indent: usize },
    /// A whole subtree shown as it is, the first line annotated.
    Subtree {
        to: To,
        item: Item,
        attribute_name: Option<String>,
        indent: usize,
        note: Option<String>,
    },
    /// One leaf; `value` overrides the item's (a bound placeholder).
    Leaf {
        to: To,
        item: Item,
        value: Option<Value>,
        attribute_name: Option<String>,
        indent: usize,
        note: Option<String>,
    },
}

/// The judgements of a walk: (differences, masked positions, warnings),
/// each in walk order.
pub(crate) fn judgements(
    findings: Vec<Finding>,
) -> (Vec<Difference>, Vec<Masked>, Vec<Difference>) {
    let (mut d, mut m, mut w) = (Vec::new(), Vec::new(), Vec::new());
    for f in findings {
        match f {
            Finding::Difference(x) => d.push(x),
            Finding::Masked(x) => m.push(x),
            Finding::Warning(x) => w.push(x),
            _ => {}
        }
    }
    (d, m, w)
}

/// The two renderings of the shown positions.
pub(crate) fn render(findings: &[Finding]) -> Renderings {
    let mut r = Renderings::default();
    for f in findings {
        match f {
            Finding::Open {
                to,
                tag,
                indent,
                empty,
            } => r.open(*to, *tag, *indent, *empty, None),
            Finding::Close { to, tag, indent } => r.close(*to, *tag, *indent),
            Finding::Subtree {
                to,
                item,
                attribute_name,
                indent,
                note,
            } => r.subtree(
                *to,
                item,
                attribute_name.as_deref(),
                *indent,
                note.as_deref(),
            ),
            Finding::Leaf {
                to,
                item,
                value,
                attribute_name,
                indent,
                note,
            } => r.leaf(
                *to,
                item,
                value.as_ref(),
                attribute_name.as_deref(),
                *indent,
                note.as_deref(),
            ),
            Finding::Difference(_) | Finding::Masked(_) | Finding::Warning(_) => {}
        }
    }
    r
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
    fn open(&mut self, to: To, tag: Tag, indent: usize, empty: bool, note: Option<&str>) {
        let mut l = pad(indent);
        let _ = write!(l, "<{}{}>", element(tag), if empty { "/" } else { "" });
        annotate(&mut l, note);
        self.push(to, &l);
    }

    /// `</Tag>`.
    fn close(&mut self, to: To, tag: Tag, indent: usize) {
        let mut l = pad(indent);
        let _ = write!(l, "</{}>", close_name(tag));
        self.push(to, &l);
    }

    /// One leaf line. `value` overrides the item's value (bound placeholders).
    fn leaf(
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
            element(item.tag),
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
    fn subtree(
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
                self.open(to, item.tag, indent, children.is_empty(), note);
                if !children.is_empty() {
                    let an = names::sibling_attribute_name(children);
                    for c in children {
                        self.subtree_at(to, c, an, indent + 1, None, depth + 1);
                    }
                    self.close(to, item.tag, indent);
                }
            }
            _ => self.leaf(to, item, None, attribute_name, indent, note),
        }
    }
}

fn pad(indent: usize) -> String {
    "  ".repeat(indent)
}

fn element(tag: Tag) -> String {
    match tag.name() {
        Some(n) => n.to_string(),
        None => format!("TTLV tag=\"0x{:06X}\"", tag.0),
    }
}

fn close_name(tag: Tag) -> String {
    match tag.name() {
        Some(n) => n.to_string(),
        None => "TTLV".to_string(),
    }
}

fn annotate(line: &mut String, note: Option<&str>) {
    if let Some(n) = note {
        let _ = write!(line, "  <!-- {} -->", n.replace("--", "- -"));
    }
}

/// Escape an attribute value as `to_xml` does.
fn escape(s: &str) -> String {
    kmip_ttlv::xml::escape(s, kmip_ttlv::xml::EscapeMode::KmipValue)
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
