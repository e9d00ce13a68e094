//! The attribute model: a version-neutral representation of managed-object
//! attributes, the per-attribute rules of the spec (who may set, modify,
//! delete; single or multi-valued; since which version), and conversion
//! to and from the wire forms:
//!
//! - KMIP 1.x: `Attribute { AttributeName, AttributeIndex?, AttributeValue }`
//!   inside `TemplateAttribute` / payloads, names are spec names
//!   (`"Cryptographic Usage Mask"`), custom attributes are `x-…` / `y-…`;
//! - KMIP 2.x: `Attributes { <CryptographicUsageMask>… }` with the tag as the
//!   attribute, vendor attributes as `Attribute { VendorIdentification,
//!   AttributeName, AttributeValue }`, references as `AttributeReference`
//!   (an Enumeration whose value is the tag);
//! - KMIP 3.0: as 2.x, but `UniqueIdentifier` is an `Identifier`, `Name` is
//!   a plain Text String and links are one tag per link type (`NextLink`
//!   of type `Reference`).
//!
//! Internally an attribute is an [`AttrKey`] plus a value [`Item`] in the
//! 2.x form (tag = the attribute's tag; vendor attributes keep their value
//! tagged `AttributeValue`); text-like 3.0 types are stored as Text String.

use crate::error::KmipError;
use crate::spec::enums::{link_type, name_type, result_reason as rr};
use crate::spec::tags as t;
use crate::spec::{V1_0, V1_1, V1_2, V1_3, V1_4, V2_0, V3_0};
use crate::tree::{enumeration, int, st, tag_label, text, Fields};
use kmip_ttlv::dict::Version;
use kmip_ttlv::{Item, ItemType, Tag, Value};

/// Which attribute: a standard attribute (by tag) or a vendor / custom one.
#[derive(Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum AttrKey {
    /// A standard attribute, identified by its tag.
    Std(Tag),
    /// A vendor attribute (2.x) / custom attribute (1.x `x-name`).
    Vendor {
        /// Vendor Identification (`"x"` for 1.x `x-…` names).
        vendor: String,
        /// Attribute Name.
        name: String,
    },
}

impl AttrKey {
    /// The tag of a standard attribute.
    pub fn tag(&self) -> Option<Tag> {
        match self {
            AttrKey::Std(t) => Some(*t),
            AttrKey::Vendor { .. } => None,
        }
    }

    /// The KMIP 1.x attribute name.
    pub fn name_1x(&self) -> String {
        match self {
            AttrKey::Std(tag) => tag_label(*tag),
            AttrKey::Vendor { vendor, name } if vendor.is_empty() => name.clone(),
            AttrKey::Vendor { vendor, name } => format!("{vendor}-{name}"),
        }
    }

    /// The rules for this attribute (vendor attributes share one rule).
    pub fn def(&self) -> &'static AttrDef {
        match self {
            AttrKey::Std(tag) => def_of(*tag).unwrap_or(&UNKNOWN_DEF),
            AttrKey::Vendor { .. } => &VENDOR_DEF,
        }
    }
}

/// When a client may change an existing value.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Modify {
    /// Never.
    No,
    /// Always.
    Yes,
    /// Only while the object is Pre-Active.
    PreActive,
    /// Only while the object is Pre-Active or Active.
    PreActiveOrActive,
}

/// Spec rules for one attribute (KMIP 1.4 §3 / 2.1 §4 attribute tables).
#[derive(Debug)]
pub struct AttrDef {
    /// The attribute's tag.
    pub tag: u32,
    /// First protocol version that defines it.
    pub since: Version,
    /// First protocol version that no longer defines it.
    pub until: Option<Version>,
    /// Canonical item type of the value.
    pub ty: ItemType,
    /// A client may supply it when creating or registering an object.
    pub template: bool,
    /// A client may add it later (Add / Set Attribute).
    pub client_add: bool,
    /// When a client may modify it.
    pub modify: Modify,
    /// A client may delete it.
    pub delete: bool,
    /// More than one instance is permitted.
    pub multi: bool,
}

// One row of the spec's attribute table: the arguments are its columns.
#[allow(clippy::too_many_arguments)]
const fn d(
    tag: Tag,
    since: Version,
    ty: ItemType,
    template: bool,
    client_add: bool,
    modify: Modify,
    delete: bool,
    multi: bool,
) -> AttrDef {
    AttrDef {
        tag: tag.0,
        since,
        until: None,
        ty,
        template,
        client_add,
        modify,
        delete,
        multi,
    }
}

const fn removed(mut def: AttrDef, until: Version) -> AttrDef {
    def.until = Some(until);
    def
}

use ItemType::{
    Boolean as B, ByteString as BS, DateTime as DT, Enumeration as E, Integer as I, Interval as IV,
    Structure as S, TextString as TS,
};
use Modify::{No as MN, PreActive as MPA, PreActiveOrActive as MPAA, Yes as MY};

/// Every standard attribute the server knows.
pub static ATTRIBUTES: &[AttrDef] = &[
    d(
        t::UNIQUE_IDENTIFIER,
        V1_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(t::NAME, V1_0, S, true, true, MY, true, true),
    d(t::OBJECT_TYPE, V1_0, E, false, false, MN, false, false),
    d(
        t::CRYPTOGRAPHIC_ALGORITHM,
        V1_0,
        E,
        true,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CRYPTOGRAPHIC_LENGTH,
        V1_0,
        I,
        true,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CRYPTOGRAPHIC_PARAMETERS,
        V1_0,
        S,
        true,
        true,
        MY,
        true,
        true,
    ),
    d(
        t::CRYPTOGRAPHIC_DOMAIN_PARAMETERS,
        V1_0,
        S,
        true,
        false,
        MN,
        false,
        false,
    ),
    d(t::CERTIFICATE_TYPE, V1_0, E, false, false, MN, false, false),
    d(
        t::CERTIFICATE_LENGTH,
        V1_1,
        I,
        false,
        false,
        MN,
        false,
        false,
    ),
    removed(
        d(
            t::CERTIFICATE_IDENTIFIER,
            V1_0,
            S,
            false,
            false,
            MN,
            false,
            false,
        ),
        V2_0,
    ),
    removed(
        d(
            t::CERTIFICATE_SUBJECT,
            V1_0,
            S,
            false,
            false,
            MN,
            false,
            false,
        ),
        V2_0,
    ),
    removed(
        d(
            t::CERTIFICATE_ISSUER,
            V1_0,
            S,
            false,
            false,
            MN,
            false,
            false,
        ),
        V2_0,
    ),
    d(
        t::X_509_CERTIFICATE_IDENTIFIER,
        V1_1,
        S,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::X_509_CERTIFICATE_SUBJECT,
        V1_1,
        S,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::X_509_CERTIFICATE_ISSUER,
        V1_1,
        S,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::DIGITAL_SIGNATURE_ALGORITHM,
        V1_1,
        E,
        false,
        false,
        MN,
        false,
        true,
    ),
    d(
        t::CERTIFICATE_SUBJECT_CN,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_SUBJECT_O,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_SUBJECT_OU,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_SUBJECT_EMAIL,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_SUBJECT_C,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_SUBJECT_ST,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_SUBJECT_L,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_SUBJECT_UID,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_SUBJECT_SERIAL_NUMBER,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_SUBJECT_TITLE,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_SUBJECT_DC,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_SUBJECT_DN_QUALIFIER,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_ISSUER_CN,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_ISSUER_O,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_ISSUER_OU,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_ISSUER_EMAIL,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_ISSUER_C,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_ISSUER_ST,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_ISSUER_L,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_ISSUER_UID,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_ISSUER_SERIAL_NUMBER,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_ISSUER_TITLE,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_ISSUER_DC,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::CERTIFICATE_ISSUER_DN_QUALIFIER,
        V2_0,
        TS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(t::DIGEST, V1_0, S, false, false, MN, false, true),
    removed(
        d(
            t::OPERATION_POLICY_NAME,
            V1_0,
            TS,
            true,
            true,
            MN,
            false,
            false,
        ),
        V2_0,
    ),
    d(
        t::CRYPTOGRAPHIC_USAGE_MASK,
        V1_0,
        I,
        true,
        true,
        MN,
        false,
        false,
    ),
    d(t::LEASE_TIME, V1_0, IV, false, false, MN, false, false),
    d(t::USAGE_LIMITS, V1_0, S, true, true, MY, true, false),
    d(t::STATE, V1_0, E, false, false, MN, false, false),
    d(t::INITIAL_DATE, V1_0, DT, false, false, MN, false, false),
    d(t::ACTIVATION_DATE, V1_0, DT, true, true, MPA, false, false),
    d(
        t::PROCESS_START_DATE,
        V1_0,
        DT,
        true,
        true,
        MPAA,
        false,
        false,
    ),
    d(
        t::PROTECT_STOP_DATE,
        V1_0,
        DT,
        true,
        true,
        MPAA,
        false,
        false,
    ),
    d(
        t::DEACTIVATION_DATE,
        V1_0,
        DT,
        true,
        true,
        MPAA,
        false,
        false,
    ),
    d(t::DESTROY_DATE, V1_0, DT, false, false, MN, false, false),
    d(
        t::COMPROMISE_OCCURRENCE_DATE,
        V1_0,
        DT,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(t::COMPROMISE_DATE, V1_0, DT, false, false, MN, false, false),
    d(
        t::REVOCATION_REASON,
        V1_0,
        S,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(t::ARCHIVE_DATE, V1_0, DT, false, false, MN, false, false),
    d(t::OBJECT_GROUP, V1_0, TS, true, true, MY, true, true),
    d(t::FRESH, V1_1, B, true, false, MN, false, false),
    d(t::LINK, V1_0, S, true, true, MY, true, true),
    d(
        t::APPLICATION_SPECIFIC_INFORMATION,
        V1_0,
        S,
        true,
        true,
        MY,
        true,
        true,
    ),
    d(
        t::CONTACT_INFORMATION,
        V1_0,
        TS,
        true,
        true,
        MY,
        true,
        false,
    ),
    d(
        t::LAST_CHANGE_DATE,
        V1_0,
        DT,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(t::ALTERNATIVE_NAME, V1_2, S, true, true, MY, true, true),
    d(
        t::KEY_VALUE_PRESENT,
        V1_2,
        B,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(t::KEY_VALUE_LOCATION, V1_2, S, true, true, MY, true, true),
    d(
        t::ORIGINAL_CREATION_DATE,
        V1_2,
        DT,
        true,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::RANDOM_NUMBER_GENERATOR,
        V1_3,
        S,
        true,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::PKCS_12_FRIENDLY_NAME,
        V1_4,
        TS,
        true,
        true,
        MY,
        true,
        false,
    ),
    d(t::DESCRIPTION, V1_4, TS, true, true, MY, true, false),
    d(t::COMMENT, V1_4, TS, true, true, MY, true, false),
    d(t::SENSITIVE, V1_4, B, true, true, MY, false, false),
    d(t::ALWAYS_SENSITIVE, V1_4, B, false, false, MN, false, false),
    d(t::EXTRACTABLE, V1_4, B, true, true, MY, false, false),
    d(
        t::NEVER_EXTRACTABLE,
        V1_4,
        B,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(t::KEY_FORMAT_TYPE, V2_0, E, false, false, MN, false, false),
    d(
        t::SHORT_UNIQUE_IDENTIFIER,
        V2_0,
        BS,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(
        t::PROTECTION_STORAGE_MASK,
        V2_0,
        I,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(t::PROTECTION_LEVEL, V2_0, E, true, true, MY, true, false),
    d(t::PROTECTION_PERIOD, V2_0, IV, true, true, MY, true, false),
    d(t::QUANTUM_SAFE, V2_0, B, true, true, MY, true, false),
    d(t::NIST_KEY_TYPE, V2_0, E, true, false, MN, false, true),
    d(t::OPAQUE_DATA_TYPE, V2_0, E, false, false, MN, false, false),
    d(t::ROTATE_AUTOMATIC, V2_0, B, true, true, MN, false, false),
    d(t::ROTATE_INTERVAL, V2_0, IV, true, true, MN, false, false),
    d(t::ROTATE_OFFSET, V2_0, IV, true, true, MN, false, false),
    d(t::ROTATE_NAME, V2_0, S, true, true, MY, true, false),
    d(t::ROTATE_DATE, V2_0, DT, false, false, MN, false, false),
    d(
        t::ROTATE_GENERATION,
        V2_0,
        I,
        false,
        false,
        MN,
        false,
        false,
    ),
    d(t::ROTATE_LATEST, V2_0, B, false, false, MN, false, false),
    d(t::OBJECT_CLASS, V3_0, E, true, true, MY, true, false),
    d(t::CREDENTIAL_LINK, V3_0, TS, true, true, MY, true, true),
    d(t::GROUP_LINK, V3_0, TS, true, true, MY, true, true),
    d(t::PASSWORD_LINK, V3_0, TS, true, true, MY, true, true),
    d(
        t::CERTIFICATE_REQUEST_LINK,
        V3_0,
        TS,
        true,
        true,
        MY,
        true,
        true,
    ),
];

static UNKNOWN_DEF: AttrDef = d(Tag(0), V1_0, S, false, false, MN, false, false);
static VENDOR_DEF: AttrDef = d(t::ATTRIBUTE_VALUE, V1_0, S, true, true, MY, true, true);

/// The rules for a standard attribute tag.
pub fn def_of(tag: Tag) -> Option<&'static AttrDef> {
    ATTRIBUTES.iter().find(|d| d.tag == tag.0)
}

/// Is this attribute defined in `version`?
pub fn defined_in(key: &AttrKey, version: Version) -> bool {
    let def = key.def();
    version >= def.since && def.until.is_none_or(|u| version < u)
}

/// Link Type ↔ KMIP 3.0 link tag.
pub static LINK_TAGS: &[(u32, Tag)] = &[
    (link_type::CERTIFICATE_LINK, t::CERTIFICATE_LINK),
    (link_type::PUBLIC_KEY_LINK, t::PUBLIC_KEY_LINK),
    (link_type::PRIVATE_KEY_LINK, t::PRIVATE_KEY_LINK),
    (
        link_type::DERIVATION_BASE_OBJECT_LINK,
        t::DERIVATION_OBJECT_LINK,
    ),
    (link_type::DERIVED_KEY_LINK, t::DERIVED_OBJECT_LINK),
    (
        link_type::REPLACEMENT_OBJECT_LINK,
        t::REPLACEMENT_OBJECT_LINK,
    ),
    (link_type::REPLACED_OBJECT_LINK, t::REPLACED_OBJECT_LINK),
    (link_type::PARENT_LINK, t::PARENT_LINK),
    (link_type::CHILD_LINK, t::CHILD_LINK),
    (link_type::PREVIOUS_LINK, t::PREVIOUS_LINK),
    (link_type::NEXT_LINK, t::NEXT_LINK),
    (
        link_type::PKCS_12_CERTIFICATE_LINK,
        t::PKCS_12_CERTIFICATE_LINK,
    ),
    (link_type::PKCS_12_PASSWORD_LINK, t::PKCS_12_PASSWORD_LINK),
    (link_type::WRAPPING_KEY_LINK, t::WRAPPING_KEY_LINK),
];

fn link_type_of_tag(tag: Tag) -> Option<u32> {
    LINK_TAGS
        .iter()
        .find(|(_, tg)| *tg == tag)
        .map(|(lt, _)| *lt)
}

fn link_tag_of_type(lt: u32) -> Option<Tag> {
    LINK_TAGS.iter().find(|(l, _)| *l == lt).map(|(_, tg)| *tg)
}

/// A Link value in canonical form.
pub fn link(link_type: u32, uid: &str) -> Item {
    st(
        t::LINK,
        vec![
            enumeration(t::LINK_TYPE, link_type),
            text(t::LINKED_OBJECT_IDENTIFIER, uid),
        ],
    )
}

/// The Link Type and target of a canonical Link value.
pub fn link_parts(value: &Item) -> Option<(u32, &str)> {
    let f = Fields::new(value);
    let lt = f.enumeration(t::LINK_TYPE).ok()??;
    let id = f.text(t::LINKED_OBJECT_IDENTIFIER).ok()??;
    Some((lt, id))
}

/// A Name value in canonical form.
pub fn name(value: &str) -> Item {
    st(
        t::NAME,
        vec![
            text(t::NAME_VALUE, value),
            enumeration(t::NAME_TYPE, name_type::UNINTERPRETED_TEXT_STRING),
        ],
    )
}

/// The text of a canonical Name value.
pub fn name_text(value: &Item) -> Option<&str> {
    value.child(t::NAME_VALUE).and_then(|v| v.value.as_text())
}

/// Text-like 3.0 values become Text Strings, recursively.
fn textify(item: &mut Item) {
    match &mut item.value {
        Value::Identifier(s) | Value::Reference(s) | Value::NameReference(s) => {
            let s = std::mem::take(s);
            item.value = Value::TextString(s);
        }
        Value::Structure(children) => children.iter_mut().for_each(textify),
        _ => {}
    }
}

/// Canonicalise an incoming attribute (2.x / 3.0 form, tag = attribute).
/// Returns the key and the canonical value.
pub fn from_wire_2x(item: &Item) -> Result<(AttrKey, Item), KmipError> {
    if item.tag == t::ATTRIBUTE {
        // vendor attribute
        let f = Fields::new(item);
        let vendor = f.text(t::VENDOR_IDENTIFICATION)?.unwrap_or("").to_string();
        let name = f
            .text(t::ATTRIBUTE_NAME)?
            .ok_or_else(|| KmipError::invalid_field("Attribute without Attribute Name"))?;
        let value = f
            .get(t::ATTRIBUTE_VALUE)
            .ok_or_else(|| KmipError::invalid_field("Attribute without Attribute Value"))?;
        if vendor.is_empty() {
            // a 1.x-style name inside a 2.x Attribute structure
            return from_name_and_value(name, value);
        }
        let mut v = value.clone();
        textify(&mut v);
        return Ok((
            AttrKey::Vendor {
                vendor,
                name: name.to_string(),
            },
            v,
        ));
    }
    if let Some(lt) = link_type_of_tag(item.tag) {
        let uid = item.value.as_text().ok_or_else(|| {
            KmipError::invalid_field(format!("{} must be a Reference", tag_label(item.tag)))
        })?;
        return Ok((AttrKey::Std(t::LINK), link(lt, uid)));
    }
    if item.tag == t::NAME {
        if let Some(s) = item.value.as_text() {
            return Ok((AttrKey::Std(t::NAME), name(s)));
        }
    }
    let def = def_of(item.tag).ok_or_else(|| {
        KmipError::new(
            rr::INVALID_ATTRIBUTE,
            format!("{} is not an attribute", tag_label(item.tag)),
        )
    })?;
    let mut v = item.clone();
    textify(&mut v);
    check_type(def, &v)?;
    Ok((AttrKey::Std(item.tag), v))
}

fn check_type(def: &AttrDef, v: &Item) -> Result<(), KmipError> {
    let ty = v.item_type();
    let ok = ty == def.ty
        || (def.ty == ItemType::DateTime && ty == ItemType::DateTimeExtended)
        || (def.ty == ItemType::LongInteger && ty == ItemType::Integer);
    if ok {
        Ok(())
    } else {
        Err(KmipError::new(
            rr::INVALID_FIELD,
            format!(
                "attribute {} must be {}, found {}",
                tag_label(Tag(def.tag)),
                def.ty,
                ty
            ),
        ))
    }
}

/// The key for a KMIP 1.x attribute name (`"x-…"` / `"y-…"` are custom).
pub fn key_from_name(raw: &str) -> Result<AttrKey, KmipError> {
    let name = crate::spec::normalise_name(raw);
    for prefix in ["x-", "y-"] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return Ok(AttrKey::Vendor {
                vendor: prefix[..1].to_string(),
                name: rest.to_string(),
            });
        }
    }
    match crate::spec::tag_of_spec_name(&name) {
        Some(tag) if def_of(Tag(tag)).is_some() => Ok(AttrKey::Std(Tag(tag))),
        Some(tag) if link_type_of_tag(Tag(tag)).is_some() => Ok(AttrKey::Std(t::LINK)),
        _ => Err(KmipError::new(
            rr::INVALID_FIELD,
            format!("unknown attribute name {name:?}"),
        )),
    }
}

fn from_name_and_value(name: &str, value: &Item) -> Result<(AttrKey, Item), KmipError> {
    let key = key_from_name(name)?;
    match &key {
        AttrKey::Std(tag) => {
            let mut v = Item::new(*tag, value.value.clone());
            textify(&mut v);
            if let Some(def) = def_of(*tag) {
                check_type(def, &v)?;
            }
            Ok((key, v))
        }
        AttrKey::Vendor { .. } => {
            let mut v = Item::new(t::ATTRIBUTE_VALUE, value.value.clone());
            textify(&mut v);
            Ok((key, v))
        }
    }
}

/// Canonicalise a KMIP 1.x `Attribute` structure: key, index, value.
/// The value is `None` when the structure has no Attribute Value (allowed
/// in Delete Attribute requests).
pub fn from_wire_1x(attr: &Item) -> Result<(AttrKey, Option<u32>, Option<Item>), KmipError> {
    let f = Fields::new(attr);
    let name = f
        .text(t::ATTRIBUTE_NAME)?
        .ok_or_else(|| KmipError::invalid_field("Attribute without Attribute Name"))?;
    let index = f.int(t::ATTRIBUTE_INDEX)?;
    let index = match index {
        Some(i) if i < 0 => {
            return Err(KmipError::invalid_field("negative Attribute Index"));
        }
        Some(i) => Some(i.unsigned_abs()),
        None => None,
    };
    match f.get(t::ATTRIBUTE_VALUE) {
        Some(v) => {
            let (k, v) = from_name_and_value(name, v)?;
            Ok((k, index, Some(v)))
        }
        None => Ok((key_from_name(name)?, index, None)),
    }
}

/// A parsed attribute list from a request (1.x template or 2.x Attributes).
#[derive(Default, Debug)]
pub struct Incoming {
    /// Attributes in request order.
    pub attrs: Vec<(AttrKey, Item)>,
    /// 1.x template names (`Name` children of a Template-Attribute).
    pub template_names: Vec<String>,
}

/// Parse a `TemplateAttribute` / `CommonTemplateAttribute` / … (1.x) or an
/// `Attributes` / `CommonAttributes` / … (2.x) structure, whichever it is.
pub fn parse_container(container: &Item) -> Result<Incoming, KmipError> {
    let mut out = Incoming::default();
    let one_x = matches!(
        container.tag,
        t::TEMPLATE_ATTRIBUTE
            | t::COMMON_TEMPLATE_ATTRIBUTE
            | t::PRIVATE_KEY_TEMPLATE_ATTRIBUTE
            | t::PUBLIC_KEY_TEMPLATE_ATTRIBUTE
            | t::TEMPLATE
    );
    if container.item_type() != ItemType::Structure {
        return Err(KmipError::invalid_field(format!(
            "{} must be a Structure",
            tag_label(container.tag)
        )));
    }
    for child in container.children() {
        if one_x {
            if child.tag == t::NAME {
                let n = name_text(child)
                    .ok_or_else(|| KmipError::invalid_field("template Name without Name Value"))?;
                out.template_names.push(n.to_string());
                continue;
            }
            if child.tag != t::ATTRIBUTE {
                return Err(KmipError::invalid_field(format!(
                    "unexpected {} in {}",
                    tag_label(child.tag),
                    tag_label(container.tag)
                )));
            }
            let (k, _idx, v) = from_wire_1x(child)?;
            let v = v.ok_or_else(|| KmipError::invalid_field("Attribute without value"))?;
            out.attrs.push((k, v));
        } else {
            out.attrs.push(from_wire_2x(child)?);
        }
    }
    Ok(out)
}

/// What a request refers to: an attribute, or (KMIP 3.0) the links of one type.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum AttrRef {
    /// An attribute.
    Key(AttrKey),
    /// Links of one Link Type (3.0 `NextLink` references).
    LinkType(u32),
}

/// Parse a 2.x `AttributeReference` (Enumeration = tag, or vendor structure).
pub fn parse_reference(item: &Item) -> Result<AttrRef, KmipError> {
    match &item.value {
        Value::Enumeration(code) => {
            let tag = Tag(*code);
            if let Some(lt) = link_type_of_tag(tag) {
                return Ok(AttrRef::LinkType(lt));
            }
            if def_of(tag).is_some() {
                Ok(AttrRef::Key(AttrKey::Std(tag)))
            } else {
                Err(KmipError::new(
                    rr::INVALID_ATTRIBUTE,
                    format!("{} is not an attribute", tag_label(tag)),
                ))
            }
        }
        Value::Structure(_) => {
            let f = Fields::new(item);
            let vendor = f.text(t::VENDOR_IDENTIFICATION)?.unwrap_or("");
            let name = f
                .text(t::ATTRIBUTE_NAME)?
                .ok_or_else(|| KmipError::invalid_field("Attribute Reference without name"))?;
            if vendor.is_empty() {
                Ok(AttrRef::Key(key_from_name(name)?))
            } else {
                Ok(AttrRef::Key(AttrKey::Vendor {
                    vendor: vendor.to_string(),
                    name: name.to_string(),
                }))
            }
        }
        _ => Err(KmipError::invalid_field(
            "Attribute Reference must be an Enumeration or a Structure",
        )),
    }
}

/// Parse a 1.x `AttributeName` reference.
pub fn parse_name_reference(item: &Item) -> Result<AttrRef, KmipError> {
    let name = item
        .value
        .as_text()
        .ok_or_else(|| KmipError::invalid_field("Attribute Name must be a Text String"))?;
    Ok(AttrRef::Key(key_from_name(name)?))
}

/// Render a canonical value for `version` in the 2.x / 3.0 form (the item
/// that goes inside `Attributes` / `NewAttribute`).
pub fn to_wire_2x(key: &AttrKey, value: &Item, version: Version) -> Item {
    match key {
        AttrKey::Vendor { vendor, name } => st(
            t::ATTRIBUTE,
            vec![
                text(t::VENDOR_IDENTIFICATION, vendor.clone()),
                text(t::ATTRIBUTE_NAME, name.clone()),
                Item::new(t::ATTRIBUTE_VALUE, value.value.clone()),
            ],
        ),
        AttrKey::Std(tag) => {
            let v = version_adjust(*tag, value, version);
            if version >= V3_0 {
                if *tag == t::UNIQUE_IDENTIFIER {
                    if let Some(s) = v.value.as_text() {
                        return Item::new(*tag, Value::Identifier(s.to_string()));
                    }
                }
                if *tag == t::NAME {
                    if let Some(s) = name_text(&v) {
                        return text(t::NAME, s);
                    }
                }
                if *tag == t::LINK {
                    if let Some((lt, id)) = link_parts(&v) {
                        if let Some(lt_tag) = link_tag_of_type(lt) {
                            return Item::new(lt_tag, Value::Reference(id.to_string()));
                        }
                    }
                }
                if *tag == t::GROUP_LINK {
                    if let Some(s) = v.value.as_text() {
                        return Item::new(*tag, Value::NameReference(s.to_string()));
                    }
                }
                if matches!(
                    *tag,
                    t::CREDENTIAL_LINK | t::PASSWORD_LINK | t::CERTIFICATE_REQUEST_LINK
                ) {
                    if let Some(s) = v.value.as_text() {
                        return Item::new(*tag, Value::Reference(s.to_string()));
                    }
                }
            }
            v
        }
    }
}

/// Version-specific shape of structured values (fields added in later versions).
fn version_adjust(tag: Tag, value: &Item, version: Version) -> Item {
    if tag == t::DIGEST && version < V1_1 {
        // KMIP 1.0 Digest has no Key Format Type.
        let children = value
            .children()
            .iter()
            .filter(|c| c.tag != t::KEY_FORMAT_TYPE)
            .cloned()
            .collect();
        return st(t::DIGEST, children);
    }
    value.clone()
}

/// Render a canonical value as a KMIP 1.x `Attribute` structure.
pub fn to_wire_1x(key: &AttrKey, index: Option<u32>, value: &Item, version: Version) -> Item {
    let mut children = vec![text(t::ATTRIBUTE_NAME, key.name_1x())];
    if let Some(i) = index {
        if i > 0 {
            children.push(int(
                t::ATTRIBUTE_INDEX,
                i32::try_from(i).unwrap_or(i32::MAX),
            ));
        }
    }
    let v = match key {
        AttrKey::Std(tag) => version_adjust(*tag, value, version),
        AttrKey::Vendor { .. } => value.clone(),
    };
    children.push(Item::new(t::ATTRIBUTE_VALUE, v.value));
    st(t::ATTRIBUTE, children)
}

/// Render one attribute in the form for `version`: a 1.x `Attribute`
/// structure, or the 2.x / 3.0 item.
pub fn to_wire(key: &AttrKey, index: u32, value: &Item, version: Version) -> Item {
    if version < V2_0 {
        to_wire_1x(key, Some(index), value, version)
    } else {
        to_wire_2x(key, value, version)
    }
}

/// Render an attribute reference for Get Attribute List.
pub fn reference_to_wire(key: &AttrKey, version: Version) -> Item {
    if version < V2_0 {
        return text(t::ATTRIBUTE_NAME, key.name_1x());
    }
    match key {
        AttrKey::Std(tag) => enumeration(t::ATTRIBUTE_REFERENCE, tag.0),
        AttrKey::Vendor { vendor, name } => st(
            t::ATTRIBUTE_REFERENCE,
            vec![
                text(t::VENDOR_IDENTIFICATION, vendor.clone()),
                text(t::ATTRIBUTE_NAME, name.clone()),
            ],
        ),
    }
}

/// The attributes of one managed object: ordered, multi-valued.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttributeSet {
    entries: Vec<(AttrKey, Vec<Item>)>,
}

impl AttributeSet {
    /// An empty set.
    pub fn new() -> AttributeSet {
        AttributeSet::default()
    }

    /// All instances of an attribute.
    pub fn get(&self, key: &AttrKey) -> &[Item] {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    /// First instance of a standard attribute.
    pub fn first(&self, tag: Tag) -> Option<&Item> {
        self.get(&AttrKey::Std(tag)).first()
    }

    /// Does the attribute have at least one instance?
    pub fn has(&self, key: &AttrKey) -> bool {
        !self.get(key).is_empty()
    }

    /// Replace all instances with one value.
    pub fn set(&mut self, key: AttrKey, value: Item) {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = vec![value],
            None => self.entries.push((key, vec![value])),
        }
    }

    /// Take a requested value: a multi-valued attribute gets another
    /// instance, a single-valued one is replaced.
    pub fn put(&mut self, key: AttrKey, value: Item) {
        if key.def().multi {
            self.add(key, value);
        } else {
            self.set(key, value);
        }
    }

    /// Set a standard attribute.
    pub fn set_std(&mut self, value: Item) {
        self.set(AttrKey::Std(value.tag), value);
    }

    /// Append an instance; returns its index.
    pub fn add(&mut self, key: AttrKey, value: Item) -> u32 {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => {
                v.push(value);
                u32::try_from(v.len() - 1).unwrap_or(u32::MAX)
            }
            None => {
                self.entries.push((key, vec![value]));
                0
            }
        }
    }

    /// Replace the instance at `index`; false if there is none.
    pub fn replace(&mut self, key: &AttrKey, index: usize, value: Item) -> bool {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) if index < v.len() => {
                v[index] = value;
                true
            }
            _ => false,
        }
    }

    /// Remove the instance at `index`; returns it.
    pub fn remove_at(&mut self, key: &AttrKey, index: usize) -> Option<Item> {
        let pos = self.entries.iter().position(|(k, _)| k == key)?;
        let list = &mut self.entries[pos].1;
        if index >= list.len() {
            return None;
        }
        let removed = list.remove(index);
        if list.is_empty() {
            self.entries.remove(pos);
        }
        Some(removed)
    }

    /// Remove every instance of an attribute.
    pub fn remove_all(&mut self, key: &AttrKey) -> Vec<Item> {
        match self.entries.iter().position(|(k, _)| k == key) {
            Some(pos) => self.entries.remove(pos).1,
            None => Vec::new(),
        }
    }

    /// Every (key, index, value), in order.
    pub fn iter(&self) -> impl Iterator<Item = (&AttrKey, u32, &Item)> {
        self.entries.iter().flat_map(|(k, vs)| {
            vs.iter()
                .enumerate()
                .map(move |(i, v)| (k, u32::try_from(i).unwrap_or(u32::MAX), v))
        })
    }

    /// Every key, in order.
    pub fn keys(&self) -> impl Iterator<Item = &AttrKey> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Convenience: an Enumeration attribute's value.
    pub fn enum_value(&self, tag: Tag) -> Option<u32> {
        match self.first(tag)?.value {
            Value::Enumeration(v) => Some(v),
            _ => None,
        }
    }

    /// Convenience: an Integer attribute's value.
    pub fn int_value(&self, tag: Tag) -> Option<i32> {
        match self.first(tag)?.value {
            Value::Integer(v) => Some(v),
            _ => None,
        }
    }

    /// Convenience: a Date-Time attribute's value.
    pub fn date_value(&self, tag: Tag) -> Option<i64> {
        match self.first(tag)?.value {
            Value::DateTime(v) => Some(v),
            Value::DateTimeExtended(v) => Some(v.div_euclid(1_000_000)),
            _ => None,
        }
    }

    /// Convenience: a Boolean attribute's value.
    pub fn bool_value(&self, tag: Tag) -> Option<bool> {
        match self.first(tag)?.value {
            Value::Boolean(v) => Some(v),
            _ => None,
        }
    }

    /// Every Name's text.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.get(&AttrKey::Std(t::NAME))
            .iter()
            .filter_map(name_text)
    }

    /// Targets of the links of one type.
    pub fn links(&self, lt: u32) -> impl Iterator<Item = &str> {
        self.get(&AttrKey::Std(t::LINK))
            .iter()
            .filter_map(link_parts)
            .filter(move |(l, _)| *l == lt)
            .map(|(_, id)| id)
    }

    /// Encode as a structure for storage (tags from the `0x54FFxx` private range).
    pub fn to_record(&self) -> Item {
        let children = self
            .entries
            .iter()
            .map(|(k, vs)| {
                let mut c = Vec::with_capacity(vs.len() + 2);
                match k {
                    AttrKey::Std(tag) => c.push(int(REC_TAG, i32::try_from(tag.0).unwrap_or(0))),
                    AttrKey::Vendor { vendor, name } => {
                        c.push(text(REC_VENDOR, vendor.clone()));
                        c.push(text(REC_NAME, name.clone()));
                    }
                }
                c.push(st(REC_VALUES, vs.clone()));
                st(REC_ENTRY, c)
            })
            .collect();
        st(REC_ATTRS, children)
    }

    /// Decode from [`AttributeSet::to_record`].
    pub fn from_record(item: &Item) -> Option<AttributeSet> {
        let mut entries = Vec::new();
        for e in item.children() {
            let f = Fields::new(e);
            let key = match f.int(REC_TAG).ok()? {
                Some(tag) => AttrKey::Std(Tag(u32::try_from(tag).ok()?)),
                None => AttrKey::Vendor {
                    vendor: f.text(REC_VENDOR).ok()??.to_string(),
                    name: f.text(REC_NAME).ok()??.to_string(),
                },
            };
            let values = f.get(REC_VALUES)?.children().to_vec();
            entries.push((key, values));
        }
        Some(AttributeSet { entries })
    }
}

const REC_ATTRS: Tag = Tag(0x54FF10);
const REC_ENTRY: Tag = Tag(0x54FF11);
const REC_TAG: Tag = Tag(0x54FF12);
const REC_VENDOR: Tag = Tag(0x54FF13);
const REC_NAME: Tag = Tag(0x54FF14);
const REC_VALUES: Tag = Tag(0x54FF15);

/// The Result Reason for "this attribute is read-only" in `version`.
pub fn read_only_reason(version: Version) -> u32 {
    if version >= V2_0 {
        rr::ATTRIBUTE_READ_ONLY
    } else {
        rr::PERMISSION_DENIED
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::V2_1;

    #[test]
    fn one_x_names_with_extra_spaces_resolve() {
        let k = key_from_name("Cryptographic   Usage Mask").expect("known");
        assert_eq!(k, AttrKey::Std(t::CRYPTOGRAPHIC_USAGE_MASK));
        let k = key_from_name("x-ID").expect("custom");
        assert_eq!(
            k,
            AttrKey::Vendor {
                vendor: "x".into(),
                name: "ID".into()
            }
        );
        assert_eq!(k.name_1x(), "x-ID");
        assert!(key_from_name("No Such Attribute").is_err());
    }

    #[test]
    fn v3_forms_round_trip_through_canonical() {
        let (k, v) = from_wire_2x(&text(t::NAME, "abc")).expect("name");
        assert_eq!(k, AttrKey::Std(t::NAME));
        assert_eq!(name_text(&v), Some("abc"));
        assert_eq!(to_wire_2x(&k, &v, V3_0), text(t::NAME, "abc"));
        assert_eq!(to_wire_2x(&k, &v, V2_1), v);

        let next = Item::new(t::NEXT_LINK, Value::Reference("uid-1".into()));
        let (k, v) = from_wire_2x(&next).expect("link");
        assert_eq!(k, AttrKey::Std(t::LINK));
        assert_eq!(link_parts(&v), Some((link_type::NEXT_LINK, "uid-1")));
        assert_eq!(to_wire_2x(&k, &v, V3_0), next);
    }

    #[test]
    fn wrong_value_type_is_invalid_field() {
        let bad = text(t::CRYPTOGRAPHIC_LENGTH, "256");
        let e = from_wire_2x(&bad).expect_err("type");
        assert_eq!(e.reason, rr::INVALID_FIELD);
    }

    #[test]
    fn record_round_trip() {
        let mut s = AttributeSet::new();
        s.set_std(int(t::CRYPTOGRAPHIC_LENGTH, 128));
        s.add(AttrKey::Std(t::NAME), name("a"));
        s.add(AttrKey::Std(t::NAME), name("b"));
        s.add(
            AttrKey::Vendor {
                vendor: "x".into(),
                name: "y".into(),
            },
            text(t::ATTRIBUTE_VALUE, "z"),
        );
        let back = AttributeSet::from_record(&s.to_record()).expect("decode");
        assert_eq!(back, s);
        assert_eq!(back.names().collect::<Vec<_>>(), vec!["a", "b"]);
    }
}
