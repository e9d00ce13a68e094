//! Export and Import (KMIP 2.0 §6.1.18 / §6.1.24, 2.1 §6.1.18 / §6.1.25):
//! an object moved between servers together with all its attributes.
//!
//! - **Export** answers what Get answers (the same Key Format Type, Key
//!   Compression Type, Key Wrap Type and Key Wrapping Specification
//!   semantics: it runs [`super::get::get`]) plus the object's Object Type
//!   and every attribute of the object in an `Attributes` structure. For a
//!   Destroyed object the key material is not returned ("If the Managed
//!   Object has been Destroyed then the key material for the specified
//!   managed object SHALL not be returned in the response"): the response
//!   carries the Object Type, the Unique Identifier and the attributes, and
//!   no object value (this server's reading; see testcases/README.md).
//! - **Import** stores the object under the Unique Identifier of the
//!   request. The attributes are set to the supplied values ("the attribute
//!   rules for each attribute for 'Initially set by' and 'When implicitly
//!   set' SHALL NOT be enforced"); attributes the request does not supply
//!   get this server's defaults, as for Register. An existing object with
//!   that identifier is replaced only with Replace Existing True, otherwise
//!   the answer is Object Already Exists. Key Wrap Type As Registered (or
//!   absent) stores wrapped key material as given; Not Wrapped asks the
//!   server to unwrap it first, which this server cannot do (Feature Not
//!   Supported, as Register has no unwrap path either).
//!
//! PKCS#12 (Key Format Type PKCS#12 on Get / Export, Register / Import of a
//! PKCS#12 blob) is not implemented: see README.md.

use super::create::{self, container, finish_new, parse_opt, Origin};
use super::{get, load_shared, payload};
use crate::attributes::{self, defined_in, AttrKey, AttributeSet};
use crate::error::KmipError;
use crate::object::object_tag;
use crate::server::Session;
use crate::spec::enums::{key_wrap_type, result_reason as rr};
use crate::spec::tags as t;
use crate::tree::{enumeration, st, tag_label, text, Fields};
use kmip_ttlv::Item;

/// Export.
pub fn export(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    let obj = load_shared(s, &uid)?;
    let object_value = if obj.is_destroyed() {
        None
    } else {
        // Get with the same payload: the same Key Format Type, Key Wrap
        // Type, Key Compression Type and Key Wrapping Specification
        // semantics (and checks: archived, Extractable, Sensitive).
        let mut gp = vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)];
        gp.extend(
            p.children()
                .iter()
                .filter(|c| c.tag != t::UNIQUE_IDENTIFIER)
                .cloned(),
        );
        let got = get::get(s, &st(t::REQUEST_PAYLOAD, gp))?;
        let tag = object_tag(obj.object_type);
        got.children().iter().find(|c| Some(c.tag) == tag).cloned()
    };
    // The attributes as they are after the Get (Fresh cleared).
    let obj = load_shared(s, &uid)?;
    let rendered: Vec<Item> = obj
        .attributes
        .iter()
        .filter(|(k, _, _)| defined_in(k, s.version))
        .map(|(k, i, v)| attributes::to_wire(k, i, v, s.version))
        .collect();
    let mut out = vec![
        enumeration(t::OBJECT_TYPE, obj.object_type),
        s.uid_item(t::UNIQUE_IDENTIFIER, &uid),
        st(t::ATTRIBUTES, rendered),
    ];
    out.extend(object_value);
    Ok(payload(out))
}

/// Import.
pub fn import(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let uid = match f.require(t::UNIQUE_IDENTIFIER)?.value.as_text() {
        Some(u) if !u.is_empty() => u.to_string(),
        _ => {
            return Err(KmipError::invalid_field(
                "Import needs the Unique Identifier of the object as a Text String",
            ))
        }
    };
    let object_type = f.require_enum(t::OBJECT_TYPE)?;
    let tag = object_tag(object_type).ok_or_else(|| {
        super::invalid_object_type(
            s.version,
            format!("cannot import object type {object_type:#x}"),
        )
    })?;
    let body = f.get(tag).ok_or_else(|| {
        KmipError::missing_data(format!("Import of this type needs a {}", tag_label(tag)))
    })?;
    create::validate_body(object_type, body)?;
    let wrapped = body
        .child(t::KEY_BLOCK)
        .and_then(|kb| kb.child(t::KEY_WRAPPING_DATA))
        .is_some();
    match f.enumeration(t::KEY_WRAP_TYPE)? {
        Some(key_wrap_type::NOT_WRAPPED) if wrapped => {
            return Err(KmipError::feature_not_supported(
                "Import with Key Wrap Type Not Wrapped: this server cannot unwrap key material",
            ))
        }
        Some(key_wrap_type::NOT_WRAPPED | key_wrap_type::AS_REGISTERED) | None => {}
        Some(other) => {
            return Err(KmipError::new(
                rr::KEY_WRAP_TYPE_NOT_SUPPORTED,
                format!("Key Wrap Type {other:#x} is not supported"),
            ))
        }
    }
    let replace = f.boolean(t::REPLACE_EXISTING)?.unwrap_or(false);
    let existing = s.txn.get_shared(&uid)?;
    let owner = match &existing {
        Some(_) if !replace => {
            return Err(KmipError::new(
                rr::OBJECT_ALREADY_EXISTS,
                format!("an object with Unique Identifier {uid:?} exists and Replace Existing is not True"),
            ));
        }
        Some(old) => {
            // Only an object the client may use can be replaced.
            s.access
                .check(&uid, old.owner.as_deref(), s.client.as_deref())?;
            old.owner.clone()
        }
        None => s.client.clone(),
    };
    let supplied = parse_opt(container(p, t::TEMPLATE_ATTRIBUTE, t::ATTRIBUTES))?;
    let mut obj = finish_new(
        s,
        uid.clone(),
        object_type,
        AttributeSet::new(),
        body.clone(),
        Origin::Registered,
        &[],
    )?;
    obj.owner = owner;
    // The supplied values replace the server's: every value of an
    // attribute the request names is the request's.
    let mut given: Vec<AttrKey> = Vec::new();
    for (k, v) in supplied.attrs {
        if !given.contains(&k) {
            obj.attributes.remove_all(&k);
            given.push(k.clone());
        }
        obj.attributes.add(k, v);
    }
    let uid_ok = |v: &Item| v.value.as_text() == Some(uid.as_str());
    let type_ok = |v: &Item| v.value == enumeration(t::OBJECT_TYPE, object_type).value;
    for (tag, ok) in [
        (t::UNIQUE_IDENTIFIER, &uid_ok as &dyn Fn(&Item) -> bool),
        (t::OBJECT_TYPE, &type_ok),
    ] {
        if !obj.attributes.get(&AttrKey::Std(tag)).iter().all(ok) {
            return Err(KmipError::invalid_field(format!(
                "the {} attribute differs from the request's",
                tag_label(tag)
            )));
        }
    }
    obj.attributes
        .set_std(text(t::UNIQUE_IDENTIFIER, uid.clone()));
    obj.attributes
        .set_std(enumeration(t::OBJECT_TYPE, object_type));
    obj.apply_dates(s.now);
    create::check_unique_names(s, &uid, obj.attributes.names())?;
    s.txn.put(obj);
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}
