//! Derive Key (KMIP 1.4 §4.6, 2.1 §6.1.14): derive a Symmetric Key or a
//! Secret Data object from Symmetric Keys / Secret Data already on the
//! server, register it as a new object, and link it both ways (Derivation
//! Base Object on the new object, Derived Key on each base object).
//!
//! The derivation itself (methods, parameters, the checks on the base
//! objects) is in the crypto engine, reached through
//! [`super::crypto::derive_material`]; this module reads the request,
//! builds the new object's attributes (the client's Template-Attribute /
//! Attributes plus the server-set ones of [`super::create::finish_new`])
//! and stages the objects.

use super::create::{
    client_attributes, container, finish_new, parse_opt, storage_masks, usage_default, Origin,
};
use super::crypto as keys;
use super::{invalid_object_type, load_live, payload, touch};
use crate::attributes::{self, AttrKey};
use crate::error::KmipError;
use crate::server::Session;
use crate::spec::enums::{
    key_format, link_type as lt, object_type as ot, result_reason as rr, secret_data_type,
};
use crate::spec::tags as t;
use crate::store::new_uid;
use crate::tree::{enumeration, st, Fields};
use kmip_ttlv::Item;

/// Derive Key.
pub fn derive_key(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let object_type = f.require_enum(t::OBJECT_TYPE)?;
    if object_type != ot::SYMMETRIC_KEY && object_type != ot::SECRET_DATA {
        return Err(invalid_object_type(
            s.version,
            "Derive Key makes a Symmetric Key or Secret Data",
        ));
    }
    // The ID Placeholder "SHALL NOT be used in place of a Unique
    // Identifier in this operation": at least one is required.
    let base: Vec<String> = f
        .all(t::UNIQUE_IDENTIFIER)
        .map(|u| s.resolve_uid_item(u))
        .collect::<Result<_, _>>()?;
    if base.is_empty() {
        return Err(KmipError::invalid_field(
            "Derive Key needs the Unique Identifier of a base object (the ID Placeholder is not used)",
        ));
    }
    let method = f.require_enum(t::DERIVATION_METHOD)?;
    // AWS Signature Version 4 (0x09) and HKDF (0x0A) are KMIP 2.0 additions
    // (2.1 §11.14 Table 446; 1.4 §9.1.3.2.21 stops at 0x08).
    if method > 0x08 && method < 0x8000_0000 && s.version < crate::spec::V2_0 {
        return Err(KmipError::invalid_field(format!(
            "Derivation Method 0x{method:X} is not defined in KMIP {}",
            s.version
        )));
    }
    let parameters = f.require(t::DERIVATION_PARAMETERS)?;
    let inc = parse_opt(container(p, t::TEMPLATE_ATTRIBUTE, t::ATTRIBUTES))?;
    let mut attrs = client_attributes(s, &[&inc])?;
    let length = attrs.int_value(t::CRYPTOGRAPHIC_LENGTH).ok_or_else(|| {
        KmipError::new(
            rr::INVALID_FIELD,
            "Derive Key needs the Cryptographic Length of the derived object",
        )
    })?;
    let algorithm = attrs.enum_value(t::CRYPTOGRAPHIC_ALGORITHM);
    if object_type == ot::SYMMETRIC_KEY && algorithm.is_none() {
        return Err(KmipError::new(
            rr::INVALID_FIELD,
            "a derived Symmetric Key needs a Cryptographic Algorithm",
        ));
    }
    if length <= 0 || length % 8 != 0 {
        return Err(KmipError::invalid_field(format!(
            "Cryptographic Length {length}: a positive multiple of 8 bits"
        )));
    }
    let out_len = usize::try_from(length / 8)
        .map_err(|_| KmipError::invalid_field("Cryptographic Length out of range"))?;
    let material = keys::derive_material(s, method, &base, parameters, out_len)?;

    let body = if object_type == ot::SYMMETRIC_KEY {
        st(
            t::SYMMETRIC_KEY,
            vec![keys::bytes_key_block(
                key_format::RAW,
                &material,
                algorithm,
                Some(length),
            )],
        )
    } else {
        st(
            t::SECRET_DATA,
            vec![
                enumeration(t::SECRET_DATA_TYPE, secret_data_type::SEED),
                keys::bytes_key_block(key_format::OPAQUE, &material, None, None),
            ],
        )
    };
    usage_default(&mut attrs, object_type);
    let uid = new_uid();
    for b in &base {
        attrs.add(
            AttrKey::Std(t::LINK),
            attributes::link(lt::DERIVATION_BASE_OBJECT_LINK, b),
        );
    }
    let obj = finish_new(
        s,
        uid.clone(),
        object_type,
        attrs,
        body,
        Origin::Generated,
        &storage_masks(p, t::PROTECTION_STORAGE_MASKS)?,
    )?;
    for b in &base {
        let mut base_obj = load_live(s, b)?;
        base_obj.attributes.add(
            AttrKey::Std(t::LINK),
            attributes::link(lt::DERIVED_KEY_LINK, &uid),
        );
        touch(s, &mut base_obj);
        s.txn.put(base_obj);
    }
    s.txn.put(obj);
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}
