//! Strict checker of the KMIP XML and JSON *mapping* of a server's response
//! text (KMIP Profiles v2.1 §5.4 XML Encoding and §5.5 JSON Encoding,
//! KMIP Additional Message Encodings v1.0 §4 JSON / §6 XML): every element's
//! tag name, type name and value form is checked against the dictionary of
//! `kmip-ttlv`, without the leniency of the codec (which reads `success`
//! as `Success` and spaces for `|` so that it can load anything).
//!
//! Pure functions over text, no I/O. The text is first read into a small
//! neutral tree ([`RawNode`]) so that one set of rules serves both
//! encodings; the encoding-specific parts are the hex tag form (`<TTLV
//! tag="0x…">` in XML, `"tag":"0x…"` in JSON) and JSON's native numbers and
//! booleans.
//!
//! Rules applied to every element (a break is a [`Finding`] with the
//! element's path):
//!
//! | what | rule |
//! |---|---|
//! | tag | the exact dictionary name (case and spelling); the hex form `0x` + 6 hex digits only for a tag the dictionary does not name |
//! | type | an exact item-type name (absent = Structure), equal to the type the dictionary gives the tag when it gives one |
//! | Enumeration | the exact name of the code in the tag's enumeration (an `AttributeReference` holds a tag name); `0x` + 8 hex digits (JSON: also a number) only for a code without a name |
//! | Integer | decimal (JSON: a number) or `0x` hex; a mask tag may also be flag names joined by `\|` (or spaces, as the OASIS XML test cases write them), each an exact flag name |
//! | LongInteger, Interval | decimal (JSON: a number) or `0x` hex, in range |
//! | BigInteger | hex digits (optional `0x`), a multiple of 16 digits (padded to 8-byte multiples) |
//! | ByteString | hex digits, even count |
//! | Boolean | `true` / `false` (JSON: native booleans) |
//! | DateTime, DateTimeExtended | ISO 8601 / RFC 3339 date-time, or `0x` hex |
//! | text types | any text (JSON: a string) |
//! | Structure | no value attribute (XML) / an array value (JSON) |
//!
//! A tag that the negotiated version does not define is not a mapping
//! error; it is counted apart ([`Coverage::outside_version`]).

use kmip_ttlv::dict::{self, Version};
use kmip_ttlv::names::{self, EnumNames};
use kmip_ttlv::{ItemType, Tag};
use std::collections::BTreeSet;

/// Most elements read from one response.
pub const MAX_NODES: usize = 200_000;
/// Deepest nesting read.
pub const MAX_DEPTH: usize = 64;

/// The value slot of one element, as written.
#[derive(Clone, Debug, PartialEq)]
pub enum RawValue {
    /// No value (a Structure in XML, or absent in JSON).
    None,
    /// A text value (XML attribute, JSON string).
    Text(String),
    /// A JSON number (its literal text).
    Number(String),
    /// A JSON boolean.
    Bool(bool),
    /// A JSON array (Structure children are in [`RawNode::children`]).
    Array,
    /// Any other JSON value (object, null).
    Other(String),
}

/// One element as written by the server.
#[derive(Clone, Debug, PartialEq)]
pub struct RawNode {
    /// The tag as written (element name, `TTLV` element's `tag`, JSON `tag`).
    pub tag: String,
    /// True if the tag came from the hex form (`<TTLV tag=…>` / JSON `0x…`).
    pub hex_form: bool,
    /// The type as written (`None`: absent).
    pub ty: Option<String>,
    /// The value as written.
    pub value: RawValue,
    /// Children (Structure).
    pub children: Vec<RawNode>,
}

/// One mapping error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Element path (`ResponseMessage/BatchItem[2]/ResultStatus`).
    pub path: String,
    /// What is wrong.
    pub problem: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

/// What the checked responses contained.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    /// Dictionary tags seen (values).
    pub tags: BTreeSet<u32>,
    /// Enumeration values seen: (enumeration name, code).
    pub enum_values: BTreeSet<(&'static str, u32)>,
    /// Mask flags seen: (mask name, bit).
    pub mask_flags: BTreeSet<(&'static str, u32)>,
    /// Item types seen.
    pub types: BTreeSet<&'static str>,
    /// Tags seen that the negotiated version does not define.
    pub outside_version: BTreeSet<String>,
    /// Elements checked.
    pub elements: usize,
}

impl Coverage {
    /// Add another response's coverage.
    pub fn merge(&mut self, other: &Coverage) {
        self.tags.extend(other.tags.iter().copied());
        self.enum_values.extend(other.enum_values.iter().copied());
        self.mask_flags.extend(other.mask_flags.iter().copied());
        self.types.extend(other.types.iter().copied());
        self.outside_version
            .extend(other.outside_version.iter().cloned());
        self.elements += other.elements;
    }

    /// Tags seen that `version` defines, and how many it defines.
    pub fn tag_ratio(&self, version: Version) -> (usize, usize) {
        let defined: Vec<u32> = dict::tags()
            .iter()
            .filter(|t| in_version(t.since, t.removed_in, version))
            .map(|t| t.value)
            .collect();
        let seen = defined.iter().filter(|t| self.tags.contains(t)).count();
        (seen, defined.len())
    }

    /// Enumeration values seen that `version` defines, and how many it
    /// defines (over every enumeration type).
    pub fn enum_ratio(&self, version: Version) -> (usize, usize) {
        let mut total = 0;
        let mut seen = 0;
        for e in dict::enums() {
            let mut codes = BTreeSet::new();
            for v in e.values {
                if in_version(v.since, v.removed_in, version) {
                    codes.insert(v.value);
                }
            }
            total += codes.len();
            seen += codes
                .iter()
                .filter(|c| self.enum_values.contains(&(e.name, **c)))
                .count();
        }
        (seen, total)
    }
}

/// Whether an entry introduced in `since` and removed in `removed` exists
/// in `v`.
pub fn in_version(since: Version, removed: Option<Version>, v: Version) -> bool {
    since <= v && removed.is_none_or(|r| v < r)
}

/// The result of checking one response text.
#[derive(Clone, Debug, Default)]
pub struct Check {
    /// Mapping errors.
    pub findings: Vec<Finding>,
    /// What was seen.
    pub coverage: Coverage,
}

// ---------------------------------------------------------------- readers

/// Read a KMIP XML message into the neutral tree. Errors are syntax
/// errors (the whole text is then unusable).
pub fn read_xml(text: &str) -> Result<RawNode, String> {
    use quick_xml::events::{BytesStart, Event};
    use quick_xml::Reader;

    fn head(e: &BytesStart<'_>) -> Result<RawNode, String> {
        let name = std::str::from_utf8(e.name().as_ref())
            .map_err(|e| e.to_string())?
            .to_string();
        let mut node = RawNode {
            tag: name.clone(),
            hex_form: false,
            ty: None,
            value: RawValue::None,
            children: Vec::new(),
        };
        let mut tag_attr = None;
        for a in e.attributes() {
            let a = a.map_err(|e| format!("<{name}>: {e}"))?;
            let v = a
                .unescape_value()
                .map_err(|e| format!("<{name}>: {e}"))?
                .to_string();
            match a.key.as_ref() {
                b"type" => node.ty = Some(v),
                b"value" => node.value = RawValue::Text(v),
                b"tag" if name == "TTLV" => tag_attr = Some(v),
                other => {
                    return Err(format!(
                        "<{name}> has an attribute {:?} that KMIP XML does not define",
                        String::from_utf8_lossy(other)
                    ))
                }
            }
        }
        if name == "TTLV" {
            node.tag = tag_attr.ok_or("<TTLV> without a tag attribute")?;
            node.hex_form = true;
        }
        Ok(node)
    }

    let mut reader = Reader::from_str(text);
    let mut stack: Vec<RawNode> = Vec::new();
    let mut count = 0usize;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| format!("XML syntax error at byte {}: {e}", reader.error_position()))?;
        match ev {
            Event::Start(e) | Event::Empty(e) if stack.len() >= MAX_DEPTH => {
                let _ = e;
                return Err(format!("nesting deeper than {MAX_DEPTH}"));
            }
            Event::Start(e) => {
                count += 1;
                if count > MAX_NODES {
                    return Err(format!("more than {MAX_NODES} elements"));
                }
                stack.push(head(&e)?);
            }
            Event::Empty(e) => {
                count += 1;
                if count > MAX_NODES {
                    return Err(format!("more than {MAX_NODES} elements"));
                }
                let node = head(&e)?;
                match stack.last_mut() {
                    Some(p) => p.children.push(node),
                    None => return Ok(node),
                }
            }
            Event::End(_) => {
                let Some(node) = stack.pop() else {
                    return Err("unbalanced end tag".into());
                };
                match stack.last_mut() {
                    Some(p) => p.children.push(node),
                    None => return Ok(node),
                }
            }
            Event::Text(t) => {
                if !t.iter().all(u8::is_ascii_whitespace) {
                    return Err(format!(
                        "text {:?} between elements (KMIP XML carries values in attributes)",
                        String::from_utf8_lossy(&t)
                    ));
                }
            }
            Event::Eof => return Err("the document ends inside an element (or is empty)".into()),
            Event::CData(_) | Event::GeneralRef(_) => {
                return Err("character data between elements".into())
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
}

/// Read a KMIP JSON message into the neutral tree.
pub fn read_json(text: &str) -> Result<RawNode, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("JSON syntax error: {e}"))?;
    let mut count = 0usize;
    json_node(&v, 0, &mut count)
}

fn json_node(v: &serde_json::Value, depth: usize, count: &mut usize) -> Result<RawNode, String> {
    use serde_json::Value as J;
    *count += 1;
    if *count > MAX_NODES {
        return Err(format!("more than {MAX_NODES} elements"));
    }
    if depth >= MAX_DEPTH {
        return Err(format!("nesting deeper than {MAX_DEPTH}"));
    }
    let J::Object(map) = v else {
        return Err(format!("an item must be a JSON object, found {v}"));
    };
    for k in map.keys() {
        if !matches!(k.as_str(), "tag" | "type" | "value") {
            return Err(format!(
                "an item has a member {k:?} that KMIP JSON does not define"
            ));
        }
    }
    let tag = match map.get("tag") {
        Some(J::String(s)) => s.clone(),
        Some(other) => return Err(format!("\"tag\" must be a string, found {other}")),
        None => return Err("an item without \"tag\"".into()),
    };
    let ty = match map.get("type") {
        Some(J::String(s)) => Some(s.clone()),
        Some(other) => return Err(format!("{tag}: \"type\" must be a string, found {other}")),
        None => None,
    };
    let mut children = Vec::new();
    let value = match map.get("value") {
        None => RawValue::None,
        Some(J::String(s)) => RawValue::Text(s.clone()),
        Some(J::Number(n)) => RawValue::Number(n.to_string()),
        Some(J::Bool(b)) => RawValue::Bool(*b),
        Some(J::Array(items)) => {
            for c in items {
                children.push(json_node(c, depth + 1, count)?);
            }
            RawValue::Array
        }
        Some(other) => RawValue::Other(other.to_string()),
    };
    Ok(RawNode {
        hex_form: tag.starts_with("0x") || tag.starts_with("0X"),
        tag,
        ty,
        value,
        children,
    })
}

// ---------------------------------------------------------------- checker

/// Which notation the tree came from.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Notation {
    /// KMIP XML.
    Xml,
    /// KMIP JSON.
    Json,
}

/// Check one response text in `notation` for `version`.
pub fn check_text(text: &str, notation: Notation, version: Version) -> Check {
    let root = match notation {
        Notation::Xml => read_xml(text),
        Notation::Json => read_json(text),
    };
    match root {
        Ok(root) => check_tree(&root, notation, version),
        Err(e) => Check {
            findings: vec![Finding {
                path: "(document)".into(),
                problem: e,
            }],
            coverage: Coverage::default(),
        },
    }
}

/// Check a tree read by [`read_xml`] / [`read_json`].
pub fn check_tree(root: &RawNode, notation: Notation, version: Version) -> Check {
    let mut c = Check::default();
    // Iterative walk: (node, path, AttributeName of its siblings).
    let mut work: Vec<(&RawNode, String, Option<String>)> = vec![(root, root.tag.clone(), None)];
    while let Some((node, path, attr_name)) = work.pop() {
        let tag = check_node(node, &path, attr_name.as_deref(), notation, version, &mut c);
        if tag.is_some_and(|t| t != ItemType::Structure) {
            continue;
        }
        let sibling_name = node
            .children
            .iter()
            .find(|k| k.tag == "AttributeName")
            .and_then(|k| match &k.value {
                RawValue::Text(s) => Some(s.clone()),
                _ => None,
            });
        let mut seen: std::collections::HashMap<&str, usize> = Default::default();
        let total = |t: &str| node.children.iter().filter(|k| k.tag == t).count();
        for k in node.children.iter() {
            let n = seen.entry(k.tag.as_str()).or_default();
            *n += 1;
            let p = if total(&k.tag) > 1 {
                format!("{path}/{}[{}]", k.tag, n)
            } else {
                format!("{path}/{}", k.tag)
            };
            work.push((k, p, sibling_name.clone()));
        }
    }
    c.findings.sort_by(|a, b| a.path.cmp(&b.path));
    c
}

fn hex_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn check_node(
    node: &RawNode,
    path: &str,
    attr_name: Option<&str>,
    notation: Notation,
    version: Version,
    c: &mut Check,
) -> Option<ItemType> {
    let mut fail = |problem: String| {
        c.findings.push(Finding {
            path: path.to_string(),
            problem,
        })
    };
    c.coverage.elements += 1;

    // Tag.
    let tag: Option<u32> = if node.hex_form {
        let t = &node.tag;
        let digits = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X"));
        match digits {
            Some(d) if d.len() == 6 && hex_digits(d) => {
                let v = u32::from_str_radix(d, 16).unwrap_or(0);
                if let Some(def) = dict::tag_def(v) {
                    fail(format!(
                        "tag {t} is written in hex, but the dictionary names it {}",
                        def.name
                    ));
                }
                Some(v)
            }
            _ => {
                fail(format!("hex tag {t:?} is not 0x followed by 6 hex digits"));
                None
            }
        }
    } else {
        match dict::tag_by_name(&node.tag).and_then(dict::tag_def) {
            Some(def) if def.name == node.tag => Some(def.value),
            Some(def) => {
                fail(format!(
                    "tag name {:?} is not the dictionary name {:?}",
                    node.tag, def.name
                ));
                Some(def.value)
            }
            None => {
                fail(format!(
                    "unknown tag name {:?} (an unnamed tag is written in hex, 0x42xxxx)",
                    node.tag
                ));
                None
            }
        }
    };
    let def = tag.and_then(dict::tag_def);
    if let Some(d) = def {
        c.coverage.tags.insert(d.value);
        if !in_version(d.since, d.removed_in, version) {
            c.coverage.outside_version.insert(d.name.to_string());
        }
    }

    // Type.
    let ty = match &node.ty {
        None => ItemType::Structure,
        Some(t) => match ItemType::from_name(t) {
            Some(it) => it,
            None => {
                fail(format!("unknown type name {t:?}"));
                return None;
            }
        },
    };
    c.coverage.types.insert(ty.name());
    if let Some(want) = def.and_then(|d| d.item_type) {
        if want != ty {
            fail(format!(
                "type {} but the dictionary gives {} the type {}",
                ty.name(),
                node.tag,
                want.name()
            ));
        }
    }
    let tag_v = Tag(tag.unwrap_or(0));

    // Value.
    let text = match &node.value {
        RawValue::Text(s) => Some(s.as_str()),
        _ => None,
    };
    let wrong_json = |v: &RawValue| -> String {
        match v {
            RawValue::None => "no value".into(),
            RawValue::Text(s) => format!("the string {s:?}"),
            RawValue::Number(n) => format!("the number {n}"),
            RawValue::Bool(b) => format!("the boolean {b}"),
            RawValue::Array => "an array".into(),
            RawValue::Other(o) => o.clone(),
        }
    };
    match ty {
        ItemType::Structure => match (&node.value, notation) {
            (RawValue::None, _) | (RawValue::Array, Notation::Json) => {}
            (v, _) => fail(format!("a Structure carries a value ({})", wrong_json(v))),
        },
        ItemType::Integer => {
            let mask = names::mask_names(tag_v, attr_name);
            match (&node.value, text) {
                (RawValue::Number(n), _) if notation == Notation::Json => {
                    if n.parse::<i32>().is_err() && n.parse::<u32>().is_err() {
                        fail(format!("Integer {n} is out of the 32-bit range"));
                    }
                }
                (_, Some(s)) if s.starts_with("0x") => {
                    if names::parse_hex_word(s, 8).is_none() {
                        fail(format!("Integer {s:?} is not 0x and at most 8 hex digits"));
                    }
                }
                (_, Some(s)) if notation == Notation::Xml && s.parse::<i32>().is_ok() => {}
                (_, Some(s)) => match mask {
                    Some(m) => {
                        for w in s.split(|ch: char| ch == '|' || ch.is_whitespace()) {
                            if w.is_empty() {
                                continue;
                            }
                            if w.starts_with("0x") && names::parse_hex_word(w, 8).is_some() {
                                continue;
                            }
                            match m.flags.iter().find(|f| f.name == w) {
                                Some(f) => {
                                    c.coverage.mask_flags.insert((m.name, f.bit));
                                }
                                None => fail(format!(
                                    "mask flag {w:?} is not a {} flag name{}",
                                    m.name,
                                    m.flags
                                        .iter()
                                        .find(|f| f.name.eq_ignore_ascii_case(w))
                                        .map(|f| format!(" (the name is {:?})", f.name))
                                        .unwrap_or_default()
                                )),
                            }
                        }
                    }
                    None => fail(format!("Integer {s:?} is not a number")),
                },
                (v, _) => fail(format!("Integer written as {}", wrong_json(v))),
            }
        }
        ItemType::LongInteger | ItemType::Interval => {
            let ok = |s: &str| {
                if ty == ItemType::Interval {
                    s.parse::<u32>().is_ok()
                } else {
                    s.parse::<i64>().is_ok()
                }
            };
            let digits = if ty == ItemType::Interval { 8 } else { 16 };
            match (&node.value, text) {
                (RawValue::Number(n), _) if notation == Notation::Json => {
                    if !ok(n) {
                        fail(format!("{} {n} is out of range", ty.name()));
                    }
                }
                (_, Some(s)) if s.starts_with("0x") => {
                    if names::parse_hex_word(s, digits).is_none() {
                        fail(format!(
                            "{} {s:?} is not 0x and at most {digits} hex digits",
                            ty.name()
                        ));
                    }
                }
                (_, Some(s)) if ok(s) => {}
                (v, _) => fail(format!("{} written as {}", ty.name(), wrong_json(v))),
            }
        }
        ItemType::BigInteger => match text {
            Some(s) => {
                let h = s.strip_prefix("0x").unwrap_or(s);
                if !hex_digits(h) {
                    fail(format!("BigInteger {s:?} is not hex"));
                } else if h.len() % 16 != 0 {
                    fail(format!(
                        "BigInteger of {} hex digits is not padded to a multiple of 8 bytes",
                        h.len()
                    ));
                }
            }
            None => fail(format!("BigInteger written as {}", wrong_json(&node.value))),
        },
        ItemType::Enumeration => {
            let names_of = names::enum_names(tag_v, attr_name);
            let code_named = |code: u32| match names_of {
                EnumNames::Enum(e) => e.name_of(code).is_some(),
                EnumNames::TagNames => dict::tag_name(code).is_some(),
                EnumNames::None => false,
            };
            match (&node.value, text) {
                (RawValue::Number(n), _) if notation == Notation::Json => match n.parse::<u32>() {
                    Ok(code) if code_named(code) => fail(format!(
                        "Enumeration {n} is written as a number but has a name"
                    )),
                    Ok(_) => {}
                    Err(_) => fail(format!("Enumeration {n} is not a 32-bit code")),
                },
                (_, Some(s)) if s.starts_with("0x") => match names::parse_hex_word(s, 8) {
                    Some(code) if code_named(code as u32) => {
                        fail(format!("Enumeration {s} is written in hex but has a name"))
                    }
                    Some(_) if s.len() != 10 => {
                        fail(format!("Enumeration {s:?} is not 0x and 8 hex digits"))
                    }
                    Some(_) => {}
                    None => fail(format!("Enumeration {s:?} is not 0x and 8 hex digits")),
                },
                (_, Some(s)) => match names_of {
                    EnumNames::Enum(e) => match e.values.iter().find(|v| v.name == s) {
                        Some(v) => {
                            c.coverage.enum_values.insert((e.name, v.value));
                        }
                        None => fail(format!(
                            "{s:?} is not a {} value name{}",
                            e.name,
                            e.value_of(s)
                                .and_then(|code| e.name_of(code))
                                .map(|n| format!(" (the name is {n:?})"))
                                .unwrap_or_default()
                        )),
                    },
                    EnumNames::TagNames => {
                        if dict::tag_by_name(s).and_then(dict::tag_name) != Some(s) {
                            fail(format!("{s:?} is not a tag name"));
                        }
                    }
                    EnumNames::None => fail(format!(
                        "{s:?}: the dictionary names no values of this enumeration (write 0x…)"
                    )),
                },
                (v, _) => fail(format!("Enumeration written as {}", wrong_json(v))),
            }
        }
        ItemType::Boolean => match (&node.value, text, notation) {
            (RawValue::Bool(_), _, Notation::Json) => {}
            (_, Some("true" | "false"), Notation::Xml) => {}
            (v, _, _) => fail(format!("Boolean written as {}", wrong_json(v))),
        },
        ItemType::ByteString => match text {
            Some("") => {}
            Some(s) if hex_digits(s) && s.len() % 2 == 0 => {}
            Some(s) => fail(format!(
                "ByteString {:?} is not an even count of hex digits",
                s.chars().take(40).collect::<String>()
            )),
            None => fail(format!("ByteString written as {}", wrong_json(&node.value))),
        },
        ItemType::DateTime | ItemType::DateTimeExtended => match text {
            Some(s) if names::parse_datetime(s, ty == ItemType::DateTimeExtended).is_some() => {}
            Some(s) => fail(format!("{} {s:?} is not an ISO 8601 date-time", ty.name())),
            None => fail(format!(
                "{} written as {}",
                ty.name(),
                wrong_json(&node.value)
            )),
        },
        ItemType::TextString
        | ItemType::Identifier
        | ItemType::Reference
        | ItemType::NameReference => {
            if text.is_none() {
                fail(format!(
                    "{} written as {}",
                    ty.name(),
                    wrong_json(&node.value)
                ));
            }
        }
    }
    if ty != ItemType::Structure && !node.children.is_empty() {
        fail(format!("a {} has child elements", ty.name()));
    }
    Some(ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V21: Version = Version::new(2, 1);

    fn problems(text: &str, n: Notation) -> Vec<String> {
        check_text(text, n, V21)
            .findings
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn canonical_xml_passes_and_is_counted() {
        let text = r#"<ResponseMessage><BatchItem><Operation type="Enumeration" value="Query"/>
            <ResultStatus type="Enumeration" value="Success"/>
            <ResponsePayload><CryptographicUsageMask type="Integer" value="Encrypt|Decrypt"/>
            <Modulus type="BigInteger" value="00000000000000ff"/>
            <KeyMaterial type="ByteString" value="0a0B"/>
            <InitialDate type="DateTime" value="2024-01-01T00:00:00+00:00"/>
            <TTLV tag="0x540001" type="Boolean" value="true"/></ResponsePayload></BatchItem></ResponseMessage>"#;
        let c = check_text(text, Notation::Xml, V21);
        assert!(c.findings.is_empty(), "{:?}", c.findings);
        assert!(c.coverage.enum_values.contains(&("ResultStatus", 0)));
        assert_eq!(c.coverage.mask_flags.len(), 2);
        assert_eq!(c.coverage.elements, 10);
    }

    #[test]
    fn xml_breaks_are_found_with_their_path() {
        let p = problems(
            r#"<ResponseMessage><BatchItem><ResultStatus type="Enumeration" value="success"/></BatchItem>
               <BatchItem><ResultStatus type="Enumeration" value="0x00000000"/>
               <ResponsePayload><Modulus type="BigInteger" value="00ff"/>
               <CryptographicUsageMask type="Integer" value="encrypt"/>
               <Resultstatus type="Enumeration" value="Success"/>
               <TTLV tag="0x42007F" type="Enumeration" value="Success"/>
               <ResultMessage type="Integer" value="1"/>
               <Operation type="enumeration" value="Get"/></ResponsePayload></BatchItem></ResponseMessage>"#,
            Notation::Xml,
        );
        let want = [
            "ResponseMessage/BatchItem[1]/ResultStatus: \"success\" is not a ResultStatus value name (the name is \"Success\")",
            "ResponseMessage/BatchItem[2]/ResultStatus: Enumeration 0x00000000 is written in hex but has a name",
            "ResponseMessage/BatchItem[2]/ResponsePayload/Modulus: BigInteger of 4 hex digits is not padded to a multiple of 8 bytes",
            "ResponseMessage/BatchItem[2]/ResponsePayload/CryptographicUsageMask: mask flag \"encrypt\" is not a CryptographicUsageMask flag name (the name is \"Encrypt\")",
            "ResponseMessage/BatchItem[2]/ResponsePayload/Resultstatus: tag name \"Resultstatus\" is not the dictionary name \"ResultStatus\"",
            "ResponseMessage/BatchItem[2]/ResponsePayload/0x42007F: tag 0x42007F is written in hex, but the dictionary names it ResultStatus",
            "ResponseMessage/BatchItem[2]/ResponsePayload/ResultMessage: type Integer but the dictionary gives ResultMessage the type TextString",
            "ResponseMessage/BatchItem[2]/ResponsePayload/Operation: unknown type name \"enumeration\"",
        ];
        for w in want {
            assert!(p.iter().any(|x| x == w), "missing {w:?} in {p:#?}");
        }
        assert_eq!(p.len(), want.len(), "{p:#?}");
    }

    #[test]
    fn json_forms() {
        let ok = r#"{"tag":"ResponseMessage","value":[
            {"tag":"BatchCount","type":"Integer","value":1},
            {"tag":"ResultStatus","type":"Enumeration","value":"Success"},
            {"tag":"Modulus","type":"BigInteger","value":"0x00000000000000ff"},
            {"tag":"CryptographicUsageMask","type":"Integer","value":"Encrypt|Decrypt"},
            {"tag":"Sensitive","type":"Boolean","value":false},
            {"tag":"0x540002","type":"LongInteger","value":12}]}"#;
        assert!(
            problems(ok, Notation::Json).is_empty(),
            "{:?}",
            problems(ok, Notation::Json)
        );
        let bad = r#"{"tag":"ResponseMessage","value":[
            {"tag":"ResultStatus","type":"Enumeration","value":"success"},
            {"tag":"ResultReason","type":"Enumeration","value":1},
            {"tag":"Sensitive","type":"Boolean","value":"false"},
            {"tag":"BatchCount","type":"Integer","value":"one"}]}"#;
        let p = problems(bad, Notation::Json);
        assert_eq!(p.len(), 4, "{p:#?}");
        assert!(p[0].contains("ResponseMessage/BatchCount"), "{p:#?}");
        assert!(p
            .iter()
            .any(|x| x.starts_with("ResponseMessage/ResultStatus: \"success\"")));
    }

    #[test]
    fn attribute_value_takes_its_name_from_the_sibling() {
        let text = r#"<ResponseMessage><Attribute><AttributeName type="TextString" value="State"/>
            <AttributeValue type="Enumeration" value="active"/></Attribute></ResponseMessage>"#;
        let c = check_text(text, Notation::Xml, Version::new(1, 4));
        assert_eq!(c.findings.len(), 1, "{:?}", c.findings);
        assert!(c.findings[0]
            .problem
            .contains("\"active\" is not a State value name"));
    }

    #[test]
    fn hostile_text_is_an_error_not_a_panic() {
        let deep = "<A>".repeat(100);
        assert!(!check_text(&deep, Notation::Xml, V21).findings.is_empty());
        assert!(!check_text("[1,2]", Notation::Json, V21).findings.is_empty());
        assert!(!check_text("<R>text</R>", Notation::Xml, V21)
            .findings
            .is_empty());
        let mut x: u64 = 7;
        let parts = [
            "<",
            ">",
            "/",
            "TTLV",
            " tag=\"0x",
            "\"",
            "value=",
            "{",
            "}",
            "[",
            "\"tag\":",
            ",",
            "type",
        ];
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..(x % 20) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push_str(parts[(x % parts.len() as u64) as usize]);
            }
            let _ = check_text(&s, Notation::Xml, V21);
            let _ = check_text(&s, Notation::Json, V21);
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        }
    }
}
