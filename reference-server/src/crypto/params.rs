//! KMIP → engine parameters: reads a Cryptographic Parameters structure
//! (request field, KMIP 2.x attribute, or the `AttributeValue` of a KMIP 1.x
//! `Attribute` named "Cryptographic Parameters") into [`CipherParams`], and
//! the small typed accessors the payload layer uses on request items.

use super::codes::tags;
use super::payload::OpError;
use super::types::{
    Algorithm, BlockMode, CipherParams, HashAlg, MaskGenerator, Padding, SignatureAlg,
};
use kmip_ttlv::{Item, Tag, Value};

fn tag_name(tag: Tag) -> String {
    tag.display_name()
}

fn wrong_type(item: &Item, expected: &str) -> OpError {
    match &item.value {
        Value::Placeholder(p) => OpError::invalid_field(format!(
            "{} holds the unbound placeholder ${}",
            tag_name(item.tag),
            p.name
        )),
        v => OpError::invalid_field(format!(
            "{} is a {}, {expected} expected",
            tag_name(item.tag),
            v.item_type()
        )),
    }
}

/// The Enumeration value of an item.
pub fn enum_value(item: &Item) -> Result<u32, OpError> {
    match item.value {
        Value::Enumeration(v) => Ok(v),
        _ => Err(wrong_type(item, "an Enumeration")),
    }
}

/// The Integer value of an item.
pub fn int_value(item: &Item) -> Result<i32, OpError> {
    match item.value {
        Value::Integer(v) => Ok(v),
        _ => Err(wrong_type(item, "an Integer")),
    }
}

/// The Integer or Long Integer value of an item.
pub fn long_value(item: &Item) -> Result<i64, OpError> {
    match item.value {
        Value::Integer(v) => Ok(i64::from(v)),
        Value::LongInteger(v) => Ok(v),
        _ => Err(wrong_type(item, "an Integer")),
    }
}

/// The Boolean value of an item.
pub fn bool_value(item: &Item) -> Result<bool, OpError> {
    match item.value {
        Value::Boolean(v) => Ok(v),
        _ => Err(wrong_type(item, "a Boolean")),
    }
}

/// The Byte String value of an item.
pub fn bytes_value(item: &Item) -> Result<&[u8], OpError> {
    match &item.value {
        Value::ByteString(v) => Ok(v),
        _ => Err(wrong_type(item, "a Byte String")),
    }
}

/// The Big Integer value of an item (two's complement as on the wire).
pub fn big_value(item: &Item) -> Result<&[u8], OpError> {
    match &item.value {
        Value::BigInteger(v) => Ok(v),
        _ => Err(wrong_type(item, "a Big Integer")),
    }
}

/// The text of a Text String / Identifier / Reference item.
pub fn text_value(item: &Item) -> Result<&str, OpError> {
    item.value
        .as_text()
        .ok_or_else(|| wrong_type(item, "a Text String"))
}

/// The Date-Time value of an item (seconds since the epoch).
pub fn date_value(item: &Item) -> Result<i64, OpError> {
    match item.value {
        Value::DateTime(v) => Ok(v),
        Value::DateTimeExtended(v) => Ok(v.div_euclid(1_000_000)),
        _ => Err(wrong_type(item, "a Date-Time")),
    }
}

/// Parse a Cryptographic Parameters structure (any tag: the request field,
/// the 2.x attribute, or a 1.x `AttributeValue`). Fields the engine does not
/// use (Key Role Type, Fixed Field Length, …) are ignored; a field of the
/// wrong type is Invalid Field.
pub fn parse_cryptographic_parameters(item: &Item) -> Result<CipherParams, OpError> {
    if !matches!(item.value, Value::Structure(_)) {
        return Err(wrong_type(item, "a Structure"));
    }
    let mut p = CipherParams::default();
    for c in item.children() {
        match c.tag {
            t if t == tags::BLOCK_CIPHER_MODE => {
                p.mode = Some(BlockMode::from_code(enum_value(c)?))
            }
            t if t == tags::PADDING_METHOD => p.padding = Some(Padding::from_code(enum_value(c)?)),
            t if t == tags::HASHING_ALGORITHM => p.hash = Some(HashAlg::from_code(enum_value(c)?)),
            t if t == tags::DIGITAL_SIGNATURE_ALGORITHM => {
                p.signature_algorithm = Some(SignatureAlg::from_code(enum_value(c)?))
            }
            t if t == tags::CRYPTOGRAPHIC_ALGORITHM => {
                p.algorithm = Some(Algorithm::from_code(enum_value(c)?))
            }
            t if t == tags::RANDOM_IV => p.random_iv = Some(bool_value(c)?),
            t if t == tags::IV_LENGTH => p.iv_length = Some(long_value(c)?),
            t if t == tags::TAG_LENGTH => p.tag_length = Some(long_value(c)?),
            t if t == tags::INITIAL_COUNTER_VALUE => p.initial_counter_value = Some(long_value(c)?),
            t if t == tags::SALT_LENGTH => p.salt_length = Some(long_value(c)?),
            t if t == tags::MASK_GENERATOR => {
                p.mask_generator = Some(MaskGenerator::from_code(enum_value(c)?))
            }
            t if t == tags::MASK_GENERATOR_HASHING_ALGORITHM => {
                p.mgf_hash = Some(HashAlg::from_code(enum_value(c)?))
            }
            t if t == tags::P_SOURCE => p.p_source = Some(bytes_value(c)?.to_vec()),
            t if t == tags::TRAILER_FIELD => p.trailer_field = Some(long_value(c)?),
            _ => {}
        }
    }
    Ok(p)
}

/// The KMIP 1.x attribute name of Cryptographic Parameters, compared after
/// collapsing whitespace (the OASIS 1.0 files carry extraction spaces).
pub fn is_attribute_name(name: &str, wanted: &str) -> bool {
    let a: Vec<&str> = name.split_whitespace().collect();
    let b: Vec<&str> = wanted.split_whitespace().collect();
    a.len() == b.len()
        && a.iter()
            .zip(b.iter())
            .all(|(x, y)| x.eq_ignore_ascii_case(y))
}

/// The attributes of an object as (tag, value item) pairs, from either form:
/// KMIP 2.x items whose tag is the attribute (directly, or inside an
/// `Attributes` structure), or KMIP 1.x `Attribute { AttributeName,
/// AttributeValue }` (directly, or inside a `TemplateAttribute`). The value
/// item of a 1.x attribute is returned with the attribute's tag.
pub fn flatten_attributes(items: &[Item]) -> Vec<Item> {
    let mut out = Vec::new();
    for it in items {
        if it.tag == tags::ATTRIBUTES || it.tag == tags::TEMPLATE_ATTRIBUTE {
            out.extend(flatten_attributes(it.children()));
        } else if it.tag == tags::ATTRIBUTE {
            let name = it
                .child(tags::ATTRIBUTE_NAME)
                .and_then(|n| n.value.as_text());
            let value = it.child(tags::ATTRIBUTE_VALUE);
            if let (Some(name), Some(value)) = (name, value) {
                if let Some(tag) = spec_attribute_tag(name) {
                    out.push(Item::new(tag, value.value.clone()));
                }
            }
        } else {
            out.push(it.clone());
        }
    }
    out
}

/// The tag of a KMIP 1.x attribute name the engine reads.
fn spec_attribute_tag(name: &str) -> Option<Tag> {
    const NAMES: &[(&str, Tag)] = &[
        ("Cryptographic Parameters", tags::CRYPTOGRAPHIC_PARAMETERS),
        ("Cryptographic Algorithm", tags::CRYPTOGRAPHIC_ALGORITHM),
        ("Cryptographic Length", tags::CRYPTOGRAPHIC_LENGTH),
        ("Cryptographic Usage Mask", tags::CRYPTOGRAPHIC_USAGE_MASK),
        ("Activation Date", tags::ACTIVATION_DATE),
        ("Deactivation Date", tags::DEACTIVATION_DATE),
        ("Process Start Date", tags::PROCESS_START_DATE),
        ("Protect Stop Date", tags::PROTECT_STOP_DATE),
        ("State", tags::STATE),
        ("Usage Limits", tags::USAGE_LIMITS),
    ];
    NAMES
        .iter()
        .find(|(n, _)| is_attribute_name(name, n))
        .map(|(_, t)| *t)
}
