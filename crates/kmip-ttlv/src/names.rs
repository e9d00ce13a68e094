//! Value ↔ text for the KMIP XML and JSON notations: the one place that knows
//! how a TTLV value is written as text and read back.
//!
//! Both [`crate::xml`] and [`crate::json`] call [`parse_value`] and
//! [`render_value`]; JSON only adds native numbers and booleans on top.
//!
//! | type | accepted | rendered |
//! |---|---|---|
//! | Enumeration | name from the tag's enumeration (exact, then ignoring case and `_`), or `0x0000000A` hex | name, or `0x%08X` when the code has no name |
//! | Integer | decimal, `0x` hex (the 32 bits), or for a mask tag flag names separated by whitespace runs or `\|` (hex words allowed) | decimal; masks as flag names |
//! | LongInteger | decimal or `0x` hex (the 64 bits) | decimal |
//! | BigInteger | hex of the two's-complement bytes, any case, optional `0x`; sign-extended to a multiple of 8 bytes | lowercase hex |
//! | Boolean | `true` / `false` (any case) or `0x` hex 0 / 1 | `true` / `false` |
//! | ByteString | hex, any case, may be empty | lowercase hex |
//! | DateTime | RFC 3339 with any offset (`Z`, `+00:00`, `+10:00`; no offset = UTC), or `0x` hex seconds | `YYYY-MM-DDTHH:MM:SS+00:00` (UTC); `0x%016X` outside years 0000–9999 |
//! | DateTimeExtended | as DateTime, fraction up to microseconds | `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`; `0x%016X` outside years 0000–9999 |
//! | Interval | decimal or `0x` hex | decimal |
//! | TextString, Identifier, Reference, NameReference | the text | the text |
//!
//! **Context.** The enumeration (or mask) that names a value comes from the
//! tag ([`dict::enum_for_tag`], [`dict::mask_for_tag`]). Two tags need more:
//!
//! - a KMIP 1.x `AttributeValue` takes the type of the attribute named by its
//!   sibling `AttributeName` (`"Cryptographic Usage Mask"` → the
//!   `CryptographicUsageMask` mask, via [`dict::attribute_tag`]); callers pass
//!   that sibling's text as `attribute_name`;
//! - a KMIP 2.x `AttributeReference` of type Enumeration holds a *tag*: its
//!   value is a tag name (`"State"`) encoded as the tag number.
//!
//! **Placeholders.** A text value starting with `$` is a test-case
//! placeholder and becomes [`Value::Placeholder`] with the declared type;
//! the name must match `[A-Z0-9_]+([+-][0-9]+)?` (`UNIQUE_IDENTIFIER_0`,
//! `NOW-3600`). Consequently a TextString whose text starts with `$` cannot
//! be written in these notations.

use crate::dict::{self, EnumDef, MaskDef};
use crate::model::{Item, ItemType, Placeholder, Tag, Value};
use std::sync::OnceLock;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Why a text could not be read as a value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// A name that the tag's enumeration does not define.
    #[error("unknown {enumeration} value {value:?} for {tag}")]
    UnknownEnumName {
        /// Tag (display name) of the item.
        tag: String,
        /// The enumeration consulted.
        enumeration: String,
        /// The text.
        value: String,
    },
    /// An Enumeration written as a name for a tag that has no known enumeration.
    #[error("no enumeration is known for {tag}, so {value:?} cannot be read (write the code as 0x0000000A hex)")]
    NoEnumeration {
        /// Tag (display name) of the item.
        tag: String,
        /// The text.
        value: String,
    },
    /// An AttributeReference naming a tag the dictionary does not know.
    #[error("unknown tag name {value:?} in {tag}")]
    UnknownTagName {
        /// Tag (display name) of the item.
        tag: String,
        /// The text.
        value: String,
    },
    /// A mask with a word that is neither a flag name nor hex.
    #[error("invalid {mask} mask {value:?} for {tag}")]
    BadMask {
        /// Tag (display name) of the item.
        tag: String,
        /// The mask type consulted.
        mask: String,
        /// The text.
        value: String,
    },
    /// A text that does not fit the declared type.
    #[error("invalid {item_type} value {value:?} for {tag}: {reason}")]
    Invalid {
        /// Tag (display name) of the item.
        tag: String,
        /// The declared type.
        item_type: ItemType,
        /// The text.
        value: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A `$` value whose name is not a valid placeholder name.
    #[error("invalid placeholder {value:?} for {tag}: a name is [A-Z0-9_]+ optionally followed by +N or -N")]
    BadPlaceholder {
        /// Tag (display name) of the item.
        tag: String,
        /// The text.
        value: String,
    },
    /// A value given for a Structure.
    #[error("{tag} is a Structure and cannot have a value")]
    StructureValue {
        /// Tag (display name) of the item.
        tag: String,
    },
}

/// Where a rendered value goes: mask flags are joined by a space in XML (as
/// the OASIS test cases write them) and by `|` in JSON (as the JSON profile
/// writes them).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Style {
    /// KMIP XML.
    Xml,
    /// KMIP JSON.
    Json,
}

/// What gives names to an Enumeration value.
#[derive(Copy, Clone, Debug)]
pub enum EnumNames {
    /// An enumeration type from the dictionary.
    Enum(&'static EnumDef),
    /// Tag names (a KMIP 2.x `AttributeReference`).
    TagNames,
    /// Nothing known: codes only.
    None,
}

/// The dictionary value of a tag looked up by exact name once.
fn cached_tag(cell: &'static OnceLock<Option<u32>>, name: &str) -> Option<u32> {
    *cell.get_or_init(|| dict::tag_by_name(name))
}

/// The tag `AttributeReference` has in the dictionary, if any.
pub(crate) fn attribute_reference_tag() -> Option<u32> {
    static CELL: OnceLock<Option<u32>> = OnceLock::new();
    cached_tag(&CELL, "AttributeReference")
}

/// The tag `AttributeValue` has in the dictionary, if any.
pub(crate) fn attribute_value_tag() -> Option<u32> {
    static CELL: OnceLock<Option<u32>> = OnceLock::new();
    cached_tag(&CELL, "AttributeValue")
}

/// The tag `AttributeName` has in the dictionary, if any.
pub(crate) fn attribute_name_tag() -> Option<u32> {
    static CELL: OnceLock<Option<u32>> = OnceLock::new();
    cached_tag(&CELL, "AttributeName")
}

/// The text of the `AttributeName` among `siblings`, which gives the type of
/// an `AttributeValue` beside it.
pub fn sibling_attribute_name(siblings: &[Item]) -> Option<&str> {
    let tag = attribute_name_tag()?;
    siblings
        .iter()
        .find(|c| c.tag.0 == tag)
        .and_then(|c| c.value.as_text())
}

/// The tag whose type a value takes: the tag itself, or for an
/// `AttributeValue` the tag of the attribute its `AttributeName` names.
fn typing_tag(tag: Tag, attribute_name: Option<&str>) -> Option<u32> {
    if Some(tag.0) == attribute_value_tag() {
        return attribute_name.and_then(dict::attribute_tag);
    }
    Some(tag.0)
}

/// The enumeration for a tag: the dictionary's tag → enumeration map, else an
/// enumeration named like the tag.
fn enum_of(tag: u32) -> Option<&'static EnumDef> {
    dict::enum_for_tag(tag).or_else(|| dict::tag_name(tag).and_then(dict::enum_def))
}

/// What names the Enumeration values of `tag` (see the module doc for the
/// `AttributeValue` / `AttributeReference` rules).
pub fn enum_names(tag: Tag, attribute_name: Option<&str>) -> EnumNames {
    let Some(t) = typing_tag(tag, attribute_name) else {
        return EnumNames::None;
    };
    if Some(t) == attribute_reference_tag() {
        return EnumNames::TagNames;
    }
    match enum_of(t) {
        Some(e) => EnumNames::Enum(e),
        None => EnumNames::None,
    }
}

/// The mask type that names the flags of an Integer `tag`, if it is a mask.
pub fn mask_names(tag: Tag, attribute_name: Option<&str>) -> Option<&'static MaskDef> {
    typing_tag(tag, attribute_name).and_then(dict::mask_for_tag)
}

/// True if `name` is a valid placeholder name (without the `$`):
/// `[A-Z0-9_]+([+-][0-9]+)?`.
pub fn is_placeholder_name(name: &str) -> bool {
    let (base, offset) = match name.find(['+', '-']) {
        Some(i) => (&name[..i], Some(&name[i + 1..])),
        None => (name, None),
    };
    let base_ok = !base.is_empty()
        && base
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    let offset_ok = match offset {
        None => true,
        Some(d) => !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()),
    };
    base_ok && offset_ok
}

/// Parse `0x…` hex (the prefix is required) of at most `max_digits` digits.
pub fn parse_hex_word(text: &str, max_digits: usize) -> Option<u64> {
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))?;
    if hex.is_empty() || hex.len() > max_digits || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(hex, 16).ok()
}

/// Read one value written as text. `attribute_name` is the text of the
/// sibling `AttributeName`, if the item has one (see the module doc).
pub fn parse_value(
    tag: Tag,
    item_type: ItemType,
    text: &str,
    attribute_name: Option<&str>,
) -> Result<Value, ValueError> {
    let invalid = |reason: &'static str| ValueError::Invalid {
        tag: tag.display_name(),
        item_type,
        value: text.to_string(),
        reason,
    };
    let structure = || ValueError::StructureValue {
        tag: tag.display_name(),
    };
    if item_type == ItemType::Structure {
        return Err(structure());
    }
    if let Some(name) = text.strip_prefix('$') {
        if !is_placeholder_name(name) {
            return Err(ValueError::BadPlaceholder {
                tag: tag.display_name(),
                value: text.to_string(),
            });
        }
        return Ok(Value::Placeholder(Placeholder {
            item_type,
            name: name.to_string(),
        }));
    }
    Ok(match item_type {
        ItemType::Structure => return Err(structure()),
        ItemType::Integer => Value::Integer(parse_integer(tag, text, attribute_name)?),
        ItemType::LongInteger => {
            if let Some(v) = parse_hex_word(text, 16) {
                Value::LongInteger(v as i64)
            } else {
                Value::LongInteger(
                    text.parse::<i64>()
                        .map_err(|_| invalid("expected a decimal or 0x hex 64-bit integer"))?,
                )
            }
        }
        ItemType::Interval => {
            if let Some(v) = parse_hex_word(text, 8) {
                Value::Interval(v as u32)
            } else {
                Value::Interval(
                    text.parse::<u32>().map_err(|_| {
                        invalid("expected a decimal or 0x hex unsigned 32-bit integer")
                    })?,
                )
            }
        }
        ItemType::BigInteger => Value::BigInteger(
            parse_big_integer(text)
                .ok_or_else(|| invalid("expected hex digits (an even number, at least two)"))?,
        ),
        ItemType::Enumeration => Value::Enumeration(parse_enum(tag, text, attribute_name)?),
        ItemType::Boolean => match text {
            t if t.eq_ignore_ascii_case("true") => Value::Boolean(true),
            t if t.eq_ignore_ascii_case("false") => Value::Boolean(false),
            t => match parse_hex_word(t, 16) {
                Some(0) => Value::Boolean(false),
                Some(1) => Value::Boolean(true),
                _ => return Err(invalid("expected true or false")),
            },
        },
        ItemType::TextString => Value::TextString(text.to_string()),
        ItemType::Identifier => Value::Identifier(text.to_string()),
        ItemType::Reference => Value::Reference(text.to_string()),
        ItemType::NameReference => Value::NameReference(text.to_string()),
        ItemType::ByteString => Value::ByteString(
            hex::decode(text).map_err(|_| invalid("expected hex digits (an even number)"))?,
        ),
        ItemType::DateTime => Value::DateTime(parse_datetime(text, false).ok_or_else(|| {
            invalid("expected an RFC 3339 date-time such as 2012-04-27T08:12:24+00:00")
        })?),
        ItemType::DateTimeExtended => {
            Value::DateTimeExtended(parse_datetime(text, true).ok_or_else(|| {
                invalid("expected an RFC 3339 date-time such as 2012-04-27T08:12:24.000001+00:00")
            })?)
        }
    })
}

/// Read an Integer: decimal, `0x` hex, or mask flag names when the tag is a mask.
fn parse_integer(tag: Tag, text: &str, attribute_name: Option<&str>) -> Result<i32, ValueError> {
    if let Ok(v) = text.parse::<i32>() {
        return Ok(v);
    }
    if let Some(v) = parse_hex_word(text, 8) {
        return Ok(v as u32 as i32);
    }
    if let Some(mask) = mask_names(tag, attribute_name) {
        return mask
            .parse(text)
            .map(|v| v as i32)
            .ok_or_else(|| ValueError::BadMask {
                tag: tag.display_name(),
                mask: mask.name.to_string(),
                value: text.to_string(),
            });
    }
    Err(ValueError::Invalid {
        tag: tag.display_name(),
        item_type: ItemType::Integer,
        value: text.to_string(),
        reason: "expected a decimal or 0x hex 32-bit integer (the tag is not a known mask)",
    })
}

/// Read an Enumeration: a name (see [`enum_names`]) or `0x` hex.
pub fn parse_enum(tag: Tag, text: &str, attribute_name: Option<&str>) -> Result<u32, ValueError> {
    if let Some(v) = parse_hex_word(text, 8) {
        return Ok(v as u32);
    }
    match enum_names(tag, attribute_name) {
        EnumNames::Enum(e) => e.value_of(text).ok_or_else(|| ValueError::UnknownEnumName {
            tag: tag.display_name(),
            enumeration: e.name.to_string(),
            value: text.to_string(),
        }),
        EnumNames::TagNames => dict::tag_by_name(text).ok_or_else(|| ValueError::UnknownTagName {
            tag: tag.display_name(),
            value: text.to_string(),
        }),
        EnumNames::None => Err(ValueError::NoEnumeration {
            tag: tag.display_name(),
            value: text.to_string(),
        }),
    }
}

/// Hex → two's-complement bytes, sign-extended to a multiple of 8 bytes.
fn parse_big_integer(text: &str) -> Option<Vec<u8>> {
    let hex_text = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    let bytes = hex::decode(hex_text).ok()?;
    let first = *bytes.first()?;
    let rem = bytes.len() % 8;
    if rem == 0 {
        return Some(bytes);
    }
    let fill = if first & 0x80 != 0 { 0xFF } else { 0x00 };
    let mut out = vec![fill; 8 - rem];
    out.extend_from_slice(&bytes);
    Some(out)
}

/// Read an RFC 3339 date-time (any offset; no offset means UTC) or `0x` hex.
/// Returns seconds, or microseconds when `extended`; `None` if the text is
/// not a date-time or has more precision than the type holds.
pub fn parse_datetime(text: &str, extended: bool) -> Option<i64> {
    if let Some(v) = parse_hex_word(text, 16) {
        return Some(v as i64);
    }
    let dt = OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(&format!("{text}Z"), &Rfc3339))
        .ok()?;
    let nanos = dt.unix_timestamp_nanos();
    if extended {
        if nanos % 1000 != 0 {
            return None;
        }
        i64::try_from(nanos / 1000).ok()
    } else {
        if dt.nanosecond() != 0 {
            return None;
        }
        Some(dt.unix_timestamp())
    }
}

/// Render seconds (or microseconds when `extended`) as canonical UTC
/// RFC 3339; `0x%016X` outside the years 0000–9999.
pub fn format_datetime(value: i64, extended: bool) -> String {
    let dt = if extended {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(value) * 1000)
    } else {
        OffsetDateTime::from_unix_timestamp(value)
    };
    match dt {
        Ok(d) if (0..=9999).contains(&d.year()) => {
            let mut s = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                u8::from(d.month()),
                d.day(),
                d.hour(),
                d.minute(),
                d.second()
            );
            if extended {
                s.push_str(&format!(".{:06}", d.microsecond()));
            }
            s.push_str("+00:00");
            s
        }
        _ => format!("0x{:016X}", value as u64),
    }
}

/// Render an Enumeration code: its name, or `0x%08X`.
pub fn render_enum(tag: Tag, code: u32, attribute_name: Option<&str>) -> String {
    let name = match enum_names(tag, attribute_name) {
        EnumNames::Enum(e) => e.name_of(code),
        EnumNames::TagNames => dict::tag_name(code),
        EnumNames::None => None,
    };
    match name {
        Some(n) => n.to_string(),
        None => format!("0x{code:08X}"),
    }
}

/// Render an Integer of a mask tag as flag names (joined per `style`);
/// `None` if the tag is not a mask.
pub fn render_mask(
    tag: Tag,
    value: i32,
    attribute_name: Option<&str>,
    style: Style,
) -> Option<String> {
    let mask = mask_names(tag, attribute_name)?;
    let s = mask.render(value as u32);
    Some(match style {
        Style::Xml => s,
        Style::Json => s.replace(' ', "|"),
    })
}

/// Render one non-Structure value as text (for a Structure, the empty string).
pub fn render_value(tag: Tag, value: &Value, attribute_name: Option<&str>, style: Style) -> String {
    match value {
        Value::Structure(_) => String::new(),
        Value::Integer(v) => {
            render_mask(tag, *v, attribute_name, style).unwrap_or_else(|| v.to_string())
        }
        Value::LongInteger(v) => v.to_string(),
        Value::BigInteger(b) => hex::encode(b),
        Value::Enumeration(c) => render_enum(tag, *c, attribute_name),
        Value::Boolean(b) => b.to_string(),
        Value::TextString(s)
        | Value::Identifier(s)
        | Value::Reference(s)
        | Value::NameReference(s) => s.clone(),
        Value::ByteString(b) => hex::encode(b),
        Value::DateTime(v) => format_datetime(*v, false),
        Value::Interval(v) => v.to_string(),
        Value::DateTimeExtended(v) => format_datetime(*v, true),
        Value::Placeholder(p) => format!("${}", p.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CUM: Tag = Tag(0x42002C);
    const OBJECT_TYPE: Tag = Tag(0x420057);

    #[test]
    fn placeholder_names() {
        for ok in [
            "UNIQUE_IDENTIFIER_0",
            "NOW",
            "NOW-3600",
            "NOW+20",
            "KEY_MATERIAL_1",
            "0X",
        ] {
            assert!(is_placeholder_name(ok), "{ok}");
        }
        for bad in ["", "now", "NOW-", "NOW-x", "A B", "NOW+1+2", "-3"] {
            assert!(!is_placeholder_name(bad), "{bad}");
        }
    }

    #[test]
    fn datetime_forms() {
        let t = 1_335_514_344;
        assert_eq!(parse_datetime("2012-04-27T08:12:24+00:00", false), Some(t));
        assert_eq!(parse_datetime("2012-04-27T08:12:24Z", false), Some(t));
        assert_eq!(parse_datetime("2012-04-27T08:12:24", false), Some(t));
        assert_eq!(parse_datetime("2012-04-27T18:12:24+10:00", false), Some(t));
        assert_eq!(parse_datetime("2012-04-27T08:12:24.5Z", false), None);
        assert_eq!(format_datetime(t, false), "2012-04-27T08:12:24+00:00");
        assert_eq!(
            format_datetime(t * 1_000_000 + 7, true),
            "2012-04-27T08:12:24.000007+00:00"
        );
        assert_eq!(
            parse_datetime("2012-04-27T08:12:24.000007+00:00", true),
            Some(t * 1_000_000 + 7)
        );
        assert_eq!(format_datetime(i64::MAX, false), "0x7FFFFFFFFFFFFFFF");
        assert_eq!(parse_datetime("0x7FFFFFFFFFFFFFFF", false), Some(i64::MAX));
    }

    #[test]
    fn masks_and_enums_from_the_table() {
        let v = parse_value(CUM, ItemType::Integer, "Decrypt   Encrypt", None).expect("mask");
        assert_eq!(v, Value::Integer(12));
        assert_eq!(render_value(CUM, &v, None, Style::Xml), "Encrypt Decrypt");
        assert_eq!(render_value(CUM, &v, None, Style::Json), "Encrypt|Decrypt");
        assert_eq!(
            parse_value(CUM, ItemType::Integer, "Encrypt|Decrypt", None),
            Ok(Value::Integer(12))
        );
        let e = parse_value(OBJECT_TYPE, ItemType::Enumeration, "SymmetricKey", None);
        assert_eq!(e, Ok(Value::Enumeration(2)));
        assert_eq!(
            parse_value(OBJECT_TYPE, ItemType::Enumeration, "0x0000000A", None),
            Ok(Value::Enumeration(10))
        );
        let err = parse_value(OBJECT_TYPE, ItemType::Enumeration, "Nope", None)
            .expect_err("unknown name");
        assert!(err.to_string().contains("ObjectType") && err.to_string().contains("Nope"));
    }

    #[test]
    fn big_integer_is_sign_extended() {
        assert_eq!(
            parse_value(Tag(0x540000), ItemType::BigInteger, "ff", None),
            Ok(Value::BigInteger(vec![0xFF; 8]))
        );
        assert_eq!(
            parse_value(Tag(0x540000), ItemType::BigInteger, "0x0100", None),
            Ok(Value::BigInteger(vec![0, 0, 0, 0, 0, 0, 1, 0]))
        );
        assert!(parse_value(Tag(0x540000), ItemType::BigInteger, "", None).is_err());
    }
}
