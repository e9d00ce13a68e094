//! Get (with key format conversion), Get Attributes, Get Attribute List.

use super::{load_shared, payload, reason_for};
use crate::attributes::{
    self, defined_in, parse_name_reference, parse_reference, AttrKey, AttrRef,
};
use crate::error::KmipError;
use crate::object::ManagedObject;
use crate::server::Session;
use crate::spec::enums::result_reason as rr;
use crate::spec::tags as t;
use crate::spec::V2_0;
use crate::tree::{boolean, enumeration, st, Fields};
use kmip_ttlv::Item;

/// Get.
pub fn get(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let uid = s.resolve_uid(p)?;
    let obj = load_shared(s, &uid)?;
    if obj.is_destroyed() {
        return Err(KmipError::new(
            reason_for(s.version, rr::OBJECT_DESTROYED, rr::ITEM_NOT_FOUND),
            format!("object {uid:?} has been destroyed"),
        ));
    }
    if obj.archived {
        return Err(KmipError::new(
            rr::OBJECT_ARCHIVED,
            format!("object {uid:?} is archived; Recover it first"),
        ));
    }
    let wrapping = f.get(t::KEY_WRAPPING_SPECIFICATION);
    if f.get(t::KEY_WRAP_TYPE).is_some() {
        return Err(KmipError::feature_not_supported(
            "Key Wrap Type on Get is not supported: keys are stored unwrapped",
        ));
    }
    if obj.attributes.bool_value(t::EXTRACTABLE) == Some(false) {
        return Err(KmipError::new(
            reason_for(s.version, rr::NOT_EXTRACTABLE, rr::PERMISSION_DENIED),
            "the object is not extractable",
        ));
    }
    if wrapping.is_none() && obj.attributes.bool_value(t::SENSITIVE) == Some(true) {
        return Err(KmipError::new(
            rr::SENSITIVE,
            "the object is sensitive and cannot be returned unwrapped",
        ));
    }
    let mut body = obj
        .body
        .clone()
        .ok_or_else(|| KmipError::new(rr::KEY_VALUE_NOT_PRESENT, "no object value"))?;
    let wanted = f.enumeration(t::KEY_FORMAT_TYPE)?;
    let compression = f.enumeration(t::KEY_COMPRESSION_TYPE)?;
    // PKCS#12: a container of the key and its chain (see super::export).
    let pkcs12 = wanted == Some(crate::spec::enums::key_format::PKCS_12);
    if pkcs12 {
        body = super::export::pkcs12_body(s, &obj)?;
    }
    if let Some(kb) = body.child_mut(t::KEY_BLOCK) {
        if let Some(c) = compression {
            let have = Fields::new(kb).enumeration(t::KEY_COMPRESSION_TYPE)?;
            if have != Some(c) {
                return Err(KmipError::new(
                    rr::KEY_COMPRESSION_TYPE_NOT_SUPPORTED,
                    "key compression is not supported",
                ));
            }
        }
        if let Some(to) = wanted.filter(|_| !pkcs12) {
            convert_block(&obj, kb, to)?;
        }
    } else if wanted.is_some() {
        return Err(KmipError::new(
            rr::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            "this object has no key block",
        ));
    }
    if let Some(spec) = wrapping {
        super::crypto::wrap_for_get(s, &mut body, spec)?;
    }
    let object_type = obj.object_type;
    if obj.attributes.bool_value(t::FRESH) == Some(true) {
        let mut changed = std::sync::Arc::unwrap_or_clone(obj);
        changed.attributes.set_std(boolean(t::FRESH, false));
        s.txn.put(changed);
    }
    Ok(payload(vec![
        enumeration(t::OBJECT_TYPE, object_type),
        s.uid_item(t::UNIQUE_IDENTIFIER, &uid),
        body,
    ]))
}

fn convert_block(obj: &ManagedObject, kb: &mut Item, to: u32) -> Result<(), KmipError> {
    let f = Fields::new(kb);
    let from = f.require_enum(t::KEY_FORMAT_TYPE)?;
    if from == to {
        return Ok(());
    }
    if f.get(t::KEY_WRAPPING_DATA).is_some() {
        return Err(KmipError::new(
            rr::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            "cannot convert wrapped key material",
        ));
    }
    *kb = super::crypto::convert_key_block(obj.object_type, kb, to)?;
    Ok(())
}

/// The (key, index, value) triples a reference selects on an object.
fn select<'o>(obj: &'o ManagedObject, r: &AttrRef) -> Vec<(AttrKey, u32, &'o Item)> {
    match r {
        AttrRef::Key(k) => obj
            .attributes
            .get(k)
            .iter()
            .enumerate()
            .map(|(i, v)| (k.clone(), u32::try_from(i).unwrap_or(u32::MAX), v))
            .collect(),
        AttrRef::LinkType(lt) => obj
            .attributes
            .get(&AttrKey::Std(t::LINK))
            .iter()
            .enumerate()
            .filter(|(_, v)| attributes::link_parts(v).is_some_and(|(l, _)| l == *lt))
            .map(|(i, v)| {
                (
                    AttrKey::Std(t::LINK),
                    u32::try_from(i).unwrap_or(u32::MAX),
                    v,
                )
            })
            .collect(),
    }
}

/// Parse the attribute references of a Get Attributes / Get Attribute List
/// style payload (1.x Attribute Name, 2.x Attribute Reference). Unknown
/// 1.x names select nothing.
pub fn references(s: &Session<'_>, p: &Item) -> Result<Vec<AttrRef>, KmipError> {
    let mut refs = Vec::new();
    for c in p.children() {
        if c.tag == t::ATTRIBUTE_REFERENCE {
            refs.push(parse_reference(c)?);
        } else if c.tag == t::ATTRIBUTE_NAME {
            match parse_name_reference(c) {
                Ok(r) => refs.push(r),
                Err(e) if s.version < V2_0 && e.reason == rr::INVALID_FIELD => {
                    // 1.x: an attribute the server does not know is simply absent
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(refs)
}

/// Get Attributes.
pub fn get_attributes(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    let obj = load_shared(s, &uid)?;
    if obj.archived {
        return Err(KmipError::new(
            rr::OBJECT_ARCHIVED,
            "the object is archived",
        ));
    }
    let refs = references(s, p)?;
    let asked_any = p
        .children()
        .iter()
        .any(|c| c.tag == t::ATTRIBUTE_REFERENCE || c.tag == t::ATTRIBUTE_NAME);
    let mut chosen: Vec<(AttrKey, u32, &Item)> = Vec::new();
    if asked_any {
        for r in &refs {
            for x in select(&obj, r) {
                if !chosen.iter().any(|(k, i, _)| *k == x.0 && *i == x.1) {
                    chosen.push(x);
                }
            }
        }
    } else {
        chosen = obj
            .attributes
            .iter()
            .map(|(k, i, v)| (k.clone(), i, v))
            .collect();
    }
    let rendered: Vec<Item> = chosen
        .into_iter()
        .filter(|(k, _, _)| defined_in(k, s.version))
        .map(|(k, i, v)| attributes::to_wire(&k, i, v, s.version))
        .collect();
    let mut out = vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)];
    if s.version >= V2_0 {
        out.push(st(t::ATTRIBUTES, rendered));
    } else {
        out.extend(rendered);
    }
    Ok(payload(out))
}

/// Get Attribute List.
pub fn get_attribute_list(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    let obj = load_shared(s, &uid)?;
    if obj.archived {
        return Err(KmipError::new(
            rr::OBJECT_ARCHIVED,
            "the object is archived",
        ));
    }
    let mut out = vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)];
    let mut seen_link_tags = Vec::new();
    for k in obj.attributes.keys() {
        if !defined_in(k, s.version) {
            continue;
        }
        if s.version >= crate::spec::V3_0 && *k == AttrKey::Std(t::LINK) {
            // 3.0: one reference per link type present
            for v in obj.attributes.get(k) {
                if let Some((lt, _)) = attributes::link_parts(v) {
                    if let Some((_, tag)) = attributes::LINK_TAGS.iter().find(|(l, _)| *l == lt) {
                        if !seen_link_tags.contains(tag) {
                            seen_link_tags.push(*tag);
                            out.push(enumeration(t::ATTRIBUTE_REFERENCE, tag.0));
                        }
                    }
                }
            }
            continue;
        }
        out.push(attributes::reference_to_wire(k, s.version));
    }
    Ok(payload(out))
}
