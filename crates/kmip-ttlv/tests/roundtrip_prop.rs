//! Property tests: arbitrary trees (tags from the dictionary plus unnamed
//! tags, values of every type, KMIP 1.x `Attribute` structures whose
//! `AttributeValue` depends on `AttributeName`, `AttributeReference` tag
//! names, and — for XML and JSON — placeholders) must come back exactly
//! from binary TTLV, canonical and compact XML, and JSON.
//!
//! Ranges: every value of every type is generated, including DateTime /
//! DateTimeExtended over the whole `i64` range (outside years 0000–9999 the
//! text forms fall back to `0x` hex). Two documented exclusions for the text
//! notations: a text value may not start with `$` (that is a placeholder),
//! and XML text may not contain U+0000 (XML 1.0 cannot carry it).

use arbitrary::{Result, Unstructured};
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::{dict, json, names, xml, Item, ItemType, Placeholder, Tag, Value};

/// Deepest structure nesting generated.
const MAX_GEN_DEPTH: usize = 6;

#[derive(Clone, Copy)]
struct Opts {
    placeholders: bool,
    nul_in_text: bool,
}

fn gen_tag(u: &mut Unstructured) -> Result<Tag> {
    let tags = dict::tags();
    if u.ratio(1, 8)? || tags.is_empty() {
        // Extension / unnamed tag.
        return Ok(Tag(u.int_in_range(0x54_0000..=0x54_FFFF)?));
    }
    Ok(Tag(u.choose(tags)?.value))
}

fn gen_text(u: &mut Unstructured, o: Opts) -> Result<String> {
    let mut s: String = u.arbitrary()?;
    if !o.nul_in_text {
        s.retain(|c| c != '\0');
    }
    if s.starts_with('$') {
        s.insert(0, '_');
    }
    Ok(s)
}

fn gen_placeholder(u: &mut Unstructured, item_type: ItemType) -> Result<Value> {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    let len = u.int_in_range(1..=20)?;
    let mut name = String::new();
    for _ in 0..len {
        name.push(char::from(*u.choose(CHARS)?));
    }
    if u.ratio(1, 3)? {
        name.push(if u.arbitrary()? { '+' } else { '-' });
        name.push_str(&u.int_in_range(0u32..=999_999)?.to_string());
    }
    Ok(Value::Placeholder(Placeholder { item_type, name }))
}

fn gen_enum(u: &mut Unstructured, tag: Tag, attribute_name: Option<&str>) -> Result<u32> {
    if u.arbitrary()? {
        match names::enum_names(tag, attribute_name) {
            names::EnumNames::Enum(e) if !e.values.is_empty() => {
                return Ok(u.choose(e.values)?.value)
            }
            names::EnumNames::TagNames if !dict::tags().is_empty() => {
                return Ok(u.choose(dict::tags())?.value)
            }
            _ => {}
        }
    }
    u.arbitrary()
}

/// Half the time a date in years 0000–9999 (rendered as RFC 3339), else any `i64`.
fn gen_time(u: &mut Unstructured, per_second: i64) -> Result<i64> {
    if u.arbitrary()? {
        u.int_in_range(-62_167_219_200 * per_second..=253_402_300_799 * per_second)
    } else {
        u.arbitrary()
    }
}

fn gen_leaf(
    u: &mut Unstructured,
    tag: Tag,
    item_type: ItemType,
    attribute_name: Option<&str>,
    o: Opts,
) -> Result<Value> {
    if o.placeholders && u.ratio(1, 10)? {
        return gen_placeholder(u, item_type);
    }
    Ok(match item_type {
        ItemType::Structure => Value::Structure(Vec::new()),
        ItemType::Integer => Value::Integer(u.arbitrary()?),
        ItemType::LongInteger => Value::LongInteger(u.arbitrary()?),
        ItemType::BigInteger => {
            let n = 8 * u.int_in_range(1..=4)?;
            let mut b = vec![0u8; n];
            u.fill_buffer(&mut b)?;
            Value::BigInteger(b)
        }
        ItemType::Enumeration => Value::Enumeration(gen_enum(u, tag, attribute_name)?),
        ItemType::Boolean => Value::Boolean(u.arbitrary()?),
        ItemType::TextString => Value::TextString(gen_text(u, o)?),
        ItemType::ByteString => Value::ByteString(u.arbitrary()?),
        ItemType::DateTime => Value::DateTime(gen_time(u, 1)?),
        ItemType::Interval => Value::Interval(u.arbitrary()?),
        ItemType::DateTimeExtended => Value::DateTimeExtended(gen_time(u, 1_000_000)?),
        ItemType::Identifier => Value::Identifier(gen_text(u, o)?),
        ItemType::Reference => Value::Reference(gen_text(u, o)?),
        ItemType::NameReference => Value::NameReference(gen_text(u, o)?),
    })
}

/// A 1.x attribute: `AttributeName` naming a real tag (sometimes in the
/// spaced spec form), `AttributeValue` typed from it.
fn gen_attribute(u: &mut Unstructured, o: Opts) -> Result<Item> {
    let (Some(attr), Some(an), Some(av)) = (
        Tag::by_name("Attribute"),
        Tag::by_name("AttributeName"),
        Tag::by_name("AttributeValue"),
    ) else {
        return Ok(Item::structure(Tag(0x54_0000), Vec::new()));
    };
    let typed: Vec<&str> = dict::tags()
        .iter()
        .filter(|t| dict::enum_for_tag(t.value).is_some() || dict::mask_for_tag(t.value).is_some())
        .map(|t| t.name)
        .collect();
    let named = if u.arbitrary()? && !typed.is_empty() {
        *u.choose(&typed)?
    } else {
        u.choose(dict::tags())?.name
    };
    let name = if u.arbitrary()? {
        // "CryptographicUsageMask" -> "Cryptographic   Usage Mask"
        let mut s = String::new();
        for (i, c) in named.chars().enumerate() {
            if i > 0 && c.is_ascii_uppercase() {
                s.push_str(if u.arbitrary()? { "   " } else { " " });
            }
            s.push(c);
        }
        s
    } else {
        named.to_string()
    };
    let item_type = *u.choose(&[
        ItemType::Enumeration,
        ItemType::Integer,
        ItemType::TextString,
        ItemType::DateTime,
        ItemType::Boolean,
    ])?;
    let value = gen_leaf(u, av, item_type, Some(&name), o)?;
    let mut children = vec![Item::new(an, Value::TextString(name)), Item::new(av, value)];
    if u.arbitrary()? {
        children.reverse();
    }
    Ok(Item::structure(attr, children))
}

fn gen_item(u: &mut Unstructured, depth: usize, o: Opts) -> Result<Item> {
    let tag = gen_tag(u)?;
    let item_type = if depth >= MAX_GEN_DEPTH {
        *u.choose(&ItemType::ALL[1..])?
    } else if u.ratio(1, 3)? {
        ItemType::Structure
    } else {
        *u.choose(&ItemType::ALL)?
    };
    if item_type != ItemType::Structure {
        return Ok(Item::new(tag, gen_leaf(u, tag, item_type, None, o)?));
    }
    let n = u.int_in_range(0..=4)?;
    let mut children = Vec::with_capacity(n);
    for _ in 0..n {
        if u.ratio(1, 6)? {
            children.push(gen_attribute(u, o)?);
        } else {
            children.push(gen_item(u, depth + 1, o)?);
        }
    }
    Ok(Item::structure(tag, children))
}

/// Time budget per property: `ARBTEST_BUDGET_MS` when set (for long local
/// runs), else `default_ms`.
fn budget(default_ms: u64) -> u64 {
    std::env::var("ARBTEST_BUDGET_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_ms)
}

fn check(item: &Item, got: &Item, what: &str, rendered: &str) {
    if let Some(d) = item.first_difference(got) {
        panic!("{what} round trip changed the tree: {d}\nrendered:\n{rendered}");
    }
}

#[test]
fn ttlv_round_trip() {
    let o = Opts {
        placeholders: false,
        nul_in_text: true,
    };
    arbtest::arbtest(|u| {
        let item = gen_item(u, 1, o)?;
        let bytes = ttlv::encode(&item).expect("encode");
        let back = ttlv::decode(&bytes, &Limits::default()).expect("decode");
        assert_eq!(back, item);
        Ok(())
    })
    .budget_ms(budget(1500));
}

#[test]
fn xml_round_trip() {
    let o = Opts {
        placeholders: true,
        nul_in_text: false,
    };
    arbtest::arbtest(|u| {
        let item = gen_item(u, 1, o)?;
        let text = xml::to_xml(&item);
        let back = xml::parse_item(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        check(&item, &back, "XML", &text);
        let text = xml::to_xml_compact(&item);
        let back = xml::parse_item(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        check(&item, &back, "compact XML", &text);
        Ok(())
    })
    .budget_ms(budget(1500));
}

#[test]
fn json_round_trip() {
    let o = Opts {
        placeholders: true,
        nul_in_text: true,
    };
    arbtest::arbtest(|u| {
        let item = gen_item(u, 1, o)?;
        let text = json::to_json_string(&item);
        let back = json::from_json_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        check(&item, &back, "JSON", &text);
        Ok(())
    })
    .budget_ms(budget(1500));
}

#[test]
fn check_round_trip_accepts_generated_trees() {
    let o = Opts {
        placeholders: true,
        nul_in_text: false,
    };
    arbtest::arbtest(|u| {
        let item = gen_item(u, 1, o)?;
        if let Err(e) = xml::check_round_trip(&item) {
            panic!("{e}\n{}", xml::to_xml(&item));
        }
        Ok(())
    })
    .budget_ms(budget(1000));
}
