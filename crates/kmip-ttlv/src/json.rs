//! The KMIP JSON message encoding (KMIP Additional Message Encodings v1.0
//! §4 / KMIP Profiles 2.x "JSON Encoding").
//!
//! Every item is an object `{"tag": …, "type": …, "value": …}`:
//!
//! - `tag`: the tag name, or `"0x540001"` (`0x` + 6 hex digits) for a tag
//!   without a dictionary name; both are read.
//! - `type`: the item type name; omitted for a Structure (absent = Structure).
//! - `value` of a Structure: an array of the children (absent = empty).
//!
//! Values (choices follow the profile; where it allows alternatives all are
//! read and the first listed is written):
//!
//! | type | written | also read |
//! |---|---|---|
//! | Integer | JSON number; a mask (`CryptographicUsageMask`, …) as flag names joined by `\|` (`"Encrypt\|Decrypt"`) | `"0x…"` hex string, flag names separated by spaces |
//! | LongInteger | JSON number when \|v\| < 2^52 (exact in every JSON reader), else `"0x%016X"` | decimal / hex strings |
//! | BigInteger | `"0x…"` lowercase hex of the two's-complement bytes | JSON number, hex without `0x` |
//! | Enumeration | name, or `"0x%08X"` when the code has no name | JSON number |
//! | Boolean | `true` / `false` | `"true"` / `"false"`, `"0x…"` |
//! | TextString, Identifier, Reference, NameReference | JSON string | |
//! | ByteString | lowercase hex string | any case |
//! | DateTime, DateTimeExtended | RFC 3339 UTC string as in XML ([`crate::names`]) | any offset; `"0x…"`; JSON number (seconds / µs since the epoch) |
//! | Interval | JSON number | `"0x…"` |
//!
//! Test-case placeholders are written as the string `"$NAME"` with the
//! declared type (an extension: the profile has no placeholders).
//! The enumeration / mask context rules (`AttributeName` → `AttributeValue`,
//! `AttributeReference` tag names) are those of [`crate::names`].
//!
//! Nesting is bounded by [`MAX_DEPTH`]; [`from_json_str`] also inherits
//! serde_json's own recursion limit (128).

use crate::model::{Item, ItemType, Tag, Value};
use crate::names::{self, Style, ValueError};
use serde_json::{Map, Value as Json};

/// Deepest accepted nesting of items (the outermost is depth 1).
pub const MAX_DEPTH: usize = 64;

/// Largest magnitude written as a JSON number for a LongInteger (2^52).
const MAX_JSON_INT: i64 = 1 << 52;

/// A JSON decoding error and the path of tags leading to it.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Slash-separated tag names from the outermost item (may be empty).
    pub path: String,
    /// What went wrong.
    pub kind: JsonErrorKind,
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "at {}: {}", self.path, self.kind)
        }
    }
}

/// What went wrong while reading KMIP JSON.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// Not well-formed JSON (serde_json's message has the line and column).
    #[error("malformed JSON: {0}")]
    Syntax(String),
    /// An item that is not a JSON object.
    #[error("expected an object with tag, type and value, found {0}")]
    NotAnObject(&'static str),
    /// An object without a `tag` string.
    #[error("missing \"tag\" string")]
    MissingTag,
    /// A tag that is neither a dictionary name nor `0x` + up to 6 hex digits.
    #[error("unknown tag {0}")]
    UnknownTag(String),
    /// A `type` that is not an item type name.
    #[error("unknown type {0}")]
    UnknownType(String),
    /// A key other than `tag`, `type`, `value`.
    #[error("unexpected key {0:?}")]
    UnexpectedKey(String),
    /// A non-Structure item without a `value`.
    #[error("{0} item has no value")]
    MissingValue(ItemType),
    /// A Structure whose value is not an array.
    #[error("a Structure value must be an array, found {0}")]
    StructureNotArray(&'static str),
    /// A value of the wrong JSON type for the item type.
    #[error("a {item_type} cannot be written as a JSON {found}")]
    WrongJsonType {
        /// The declared item type.
        item_type: ItemType,
        /// The JSON type found.
        found: &'static str,
    },
    /// A JSON number outside the range of the item type.
    #[error("{value} is out of range for {item_type}")]
    OutOfRange {
        /// The declared item type.
        item_type: ItemType,
        /// The number as written.
        value: String,
    },
    /// Nesting deeper than [`MAX_DEPTH`].
    #[error("nesting deeper than {0} levels")]
    TooDeep(usize),
    /// A text value that does not fit its type or tag.
    #[error(transparent)]
    Value(#[from] ValueError),
}

/// The KMIP JSON form of a tree.
pub fn to_json(item: &Item) -> Json {
    item_to_json(item, None)
}

/// [`to_json`] as compact text (the JSON message encoding on the wire).
pub fn to_json_string(item: &Item) -> String {
    to_json(item).to_string()
}

/// [`to_json`] as indented text, for people.
pub fn to_json_string_pretty(item: &Item) -> String {
    format!("{:#}", to_json(item))
}

fn tag_text(tag: Tag) -> String {
    match tag.name() {
        Some(n) => n.to_string(),
        None => format!("0x{:06X}", tag.0),
    }
}

fn item_to_json(item: &Item, attribute_name: Option<&str>) -> Json {
    let mut obj = Map::new();
    obj.insert("tag".into(), Json::String(tag_text(item.tag)));
    let ty = item.item_type();
    if ty != ItemType::Structure {
        obj.insert("type".into(), Json::String(ty.name().into()));
    }
    let text = || {
        Json::String(names::render_value(
            item.tag,
            &item.value,
            attribute_name,
            Style::Json,
        ))
    };
    let value = match &item.value {
        Value::Structure(children) => {
            let an = names::sibling_attribute_name(children);
            Json::Array(children.iter().map(|c| item_to_json(c, an)).collect())
        }
        Value::Integer(v) => match names::render_mask(item.tag, *v, attribute_name, Style::Json) {
            Some(s) => Json::String(s),
            None => Json::from(*v),
        },
        Value::LongInteger(v) if (-MAX_JSON_INT + 1..MAX_JSON_INT).contains(v) => Json::from(*v),
        Value::LongInteger(v) => Json::String(format!("0x{:016X}", *v as u64)),
        Value::BigInteger(b) => Json::String(format!("0x{}", hex::encode(b))),
        Value::Boolean(b) => Json::Bool(*b),
        Value::Interval(v) => Json::from(*v),
        _ => text(),
    };
    obj.insert("value".into(), value);
    Json::Object(obj)
}

/// Parse KMIP JSON text holding one item.
pub fn from_json_str(text: &str) -> Result<Item, JsonError> {
    let v: Json = serde_json::from_str(text).map_err(|e| JsonError {
        path: String::new(),
        kind: JsonErrorKind::Syntax(e.to_string()),
    })?;
    from_json(&v)
}

/// Read one item from a parsed JSON value.
pub fn from_json(v: &Json) -> Result<Item, JsonError> {
    let mut path = Vec::new();
    item_from_json(v, None, &mut path)
}

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// The tag of an item object's `tag` text.
fn parse_tag(text: &str) -> Option<Tag> {
    if text.starts_with("0x") || text.starts_with("0X") {
        return names::parse_hex_word(text, 6).map(|v| Tag(v as u32));
    }
    Tag::by_name(text)
}

/// True for an `AttributeValue` Enumeration / Integer written as text: its
/// meaning depends on the `AttributeName` sibling, read after all siblings.
fn needs_attribute_name(v: &Json) -> bool {
    let Some(o) = v.as_object() else {
        return false;
    };
    let is_attribute_value = o
        .get("tag")
        .and_then(Json::as_str)
        .and_then(parse_tag)
        .is_some_and(|t| Some(t.0) == names::attribute_value_tag());
    let typed = matches!(
        o.get("type").and_then(Json::as_str),
        Some("Enumeration" | "Integer")
    );
    let text = o
        .get("value")
        .and_then(Json::as_str)
        .is_some_and(|s| !s.starts_with('$'));
    is_attribute_value && typed && text
}

fn item_from_json(
    v: &Json,
    attribute_name: Option<&str>,
    path: &mut Vec<String>,
) -> Result<Item, JsonError> {
    let err = |path: &[String], kind| JsonError {
        path: path.join("/"),
        kind,
    };
    if path.len() >= MAX_DEPTH {
        return Err(err(path, JsonErrorKind::TooDeep(MAX_DEPTH)));
    }
    let Json::Object(obj) = v else {
        return Err(err(path, JsonErrorKind::NotAnObject(json_kind(v))));
    };
    if let Some(k) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "tag" | "type" | "value"))
    {
        return Err(err(path, JsonErrorKind::UnexpectedKey(k.clone())));
    }
    let Some(tag_str) = obj.get("tag").and_then(Json::as_str) else {
        return Err(err(path, JsonErrorKind::MissingTag));
    };
    let Some(tag) = parse_tag(tag_str) else {
        return Err(err(path, JsonErrorKind::UnknownTag(tag_str.to_string())));
    };
    path.push(tag.display_name());
    let item_type = match obj.get("type") {
        None => ItemType::Structure,
        Some(Json::String(t)) => match ItemType::from_name(t) {
            Some(ty) => ty,
            None => return Err(err(path, JsonErrorKind::UnknownType(t.clone()))),
        },
        Some(other) => return Err(err(path, JsonErrorKind::UnknownType(other.to_string()))),
    };
    let value = obj.get("value");
    let result = if item_type == ItemType::Structure {
        let children = match value {
            None => Vec::new(),
            Some(Json::Array(a)) => {
                let mut out = Vec::with_capacity(a.len());
                let mut deferred = Vec::new();
                for c in a {
                    if needs_attribute_name(c) {
                        deferred.push((out.len(), c));
                        out.push(Item::new(tag, Value::Structure(Vec::new())));
                    } else {
                        out.push(item_from_json(c, None, path)?);
                    }
                }
                if !deferred.is_empty() {
                    let an = names::sibling_attribute_name(&out).map(str::to_string);
                    for (i, c) in deferred {
                        let item = item_from_json(c, an.as_deref(), path)?;
                        if let Some(slot) = out.get_mut(i) {
                            *slot = item;
                        }
                    }
                }
                out
            }
            Some(other) => {
                return Err(err(
                    path,
                    JsonErrorKind::StructureNotArray(json_kind(other)),
                ))
            }
        };
        Value::Structure(children)
    } else {
        let Some(value) = value else {
            return Err(err(path, JsonErrorKind::MissingValue(item_type)));
        };
        leaf_from_json(tag, item_type, value, attribute_name).map_err(|k| err(path, k))?
    };
    path.pop();
    Ok(Item::new(tag, result))
}

fn leaf_from_json(
    tag: Tag,
    item_type: ItemType,
    v: &Json,
    attribute_name: Option<&str>,
) -> Result<Value, JsonErrorKind> {
    let wrong = || JsonErrorKind::WrongJsonType {
        item_type,
        found: json_kind(v),
    };
    let range = || JsonErrorKind::OutOfRange {
        item_type,
        value: v.to_string(),
    };
    match v {
        Json::String(s) => Ok(names::parse_value(tag, item_type, s, attribute_name)?),
        Json::Bool(b) if item_type == ItemType::Boolean => Ok(Value::Boolean(*b)),
        Json::Number(n) => {
            let signed = || n.as_i64().ok_or_else(range);
            match item_type {
                ItemType::Integer => Ok(Value::Integer(
                    i32::try_from(signed()?).map_err(|_| range())?,
                )),
                ItemType::LongInteger => Ok(Value::LongInteger(signed()?)),
                ItemType::Interval => Ok(Value::Interval(
                    u32::try_from(signed()?).map_err(|_| range())?,
                )),
                ItemType::Enumeration => Ok(Value::Enumeration(
                    u32::try_from(signed()?).map_err(|_| range())?,
                )),
                ItemType::BigInteger => Ok(Value::BigInteger(signed()?.to_be_bytes().to_vec())),
                ItemType::DateTime => Ok(Value::DateTime(signed()?)),
                ItemType::DateTimeExtended => Ok(Value::DateTimeExtended(signed()?)),
                _ => Err(wrong()),
            }
        }
        _ => Err(wrong()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stub_round_trip() {
        let item = Item::structure(
            Tag(0x420078),
            vec![
                Item::new(Tag(0x420057), Value::Enumeration(2)),
                Item::new(Tag(0x42002C), Value::Integer(12)),
                Item::new(Tag(0x540001), Value::LongInteger(1 << 60)),
            ],
        );
        let j = to_json(&item);
        assert_eq!(
            j.to_string(),
            r#"{"tag":"RequestMessage","value":[{"tag":"ObjectType","type":"Enumeration","value":"SymmetricKey"},{"tag":"CryptographicUsageMask","type":"Integer","value":"Encrypt|Decrypt"},{"tag":"0x540001","type":"LongInteger","value":"0x1000000000000000"}]}"#
        );
        assert_eq!(from_json(&j), Ok(item));
    }
}
