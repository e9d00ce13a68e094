//! Create Split Key and Join Split Key (KMIP 1.4 §4.38 / §4.39, 2.1
//! §6.1.10 / §6.1.27; the Split Key object: 1.4 §2.2.5, 2.1 §2.8).
//!
//! Create Split Key splits a new Symmetric Key (generated from the request's
//! Cryptographic Algorithm and Length) or an existing Symmetric Key / Secret
//! Data named by Unique Identifier ("the attributes of the key take
//! precedence") into Split Key Parts Split Key objects, registers each, and
//! answers their Unique Identifiers in Key Part Identifier order (so the ID
//! Placeholder is the part whose Key Part Identifier is 1). Join Split Key
//! combines at least Split Key Threshold parts of one split into a new
//! Symmetric Key (algorithm and length of the split) or Secret Data. The
//! secret-sharing arithmetic is the crypto engine's
//! ([`crate::crypto::split`], reached through [`super::crypto`]).

use super::create::{
    client_attributes, container, finish_new, parse_opt, required_alg_len, storage_masks,
    usage_default, Origin,
};
use super::crypto as keys;
use super::{invalid_object_type, load_live_shared, payload};
use crate::error::KmipError;
use crate::server::Session;
use crate::spec::enums::{key_format, object_type as ot, secret_data_type, split_key_method};
use crate::spec::tags as t;
use crate::store::new_uid;
use crate::tree::{enumeration, int, st, Fields};
use kmip_ttlv::{Item, Value};

fn positive(f: &Fields<'_>, tag: kmip_ttlv::Tag, what: &str) -> Result<u32, KmipError> {
    let v = f.require(tag)?;
    match v.value {
        Value::Integer(n) if n > 0 => Ok(n.unsigned_abs()),
        _ => Err(KmipError::invalid_field(format!(
            "{what} must be a positive Integer"
        ))),
    }
}

fn prime_of(item: Option<&Item>) -> Result<Option<Vec<u8>>, KmipError> {
    match item.map(|i| &i.value) {
        None => Ok(None),
        Some(Value::BigInteger(b)) => Ok(Some(b.clone())),
        Some(_) => Err(KmipError::invalid_field(
            "Prime Field Size must be a Big Integer",
        )),
    }
}

/// Create Split Key.
pub fn create_split_key(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let object_type = f.require_enum(t::OBJECT_TYPE)?;
    if object_type != ot::SPLIT_KEY {
        return Err(invalid_object_type(
            s.version,
            "Create Split Key creates Split Key objects (Object Type Split Key)",
        ));
    }
    let parts = positive(&f, t::SPLIT_KEY_PARTS, "Split Key Parts")?;
    let threshold = positive(&f, t::SPLIT_KEY_THRESHOLD, "Split Key Threshold")?;
    let method = f.require_enum(t::SPLIT_KEY_METHOD)?;
    keys::split_shape(method, parts, threshold)?;
    let prime_item = f.get(t::PRIME_FIELD_SIZE).cloned();
    let prime = prime_of(prime_item.as_ref())?;
    if method == split_key_method::POLYNOMIAL_SHARING_PRIME_FIELD && prime.is_none() {
        return Err(KmipError::invalid_field(
            "Prime Field Size is REQUIRED with Polynomial Sharing Prime Field",
        ));
    }
    let inc = parse_opt(container(p, t::TEMPLATE_ATTRIBUTE, t::ATTRIBUTES))?;
    let mut attrs = client_attributes(s, &[&inc])?;
    let (secret, algorithm, bits) = match f.get(t::UNIQUE_IDENTIFIER) {
        Some(u) => {
            let uid = s.resolve_uid_item(u)?;
            let obj = load_live_shared(s, &uid)?;
            if obj.object_type != ot::SYMMETRIC_KEY && obj.object_type != ot::SECRET_DATA {
                return Err(invalid_object_type(
                    s.version,
                    "only a Symmetric Key or Secret Data can be split",
                ));
            }
            let kb = obj
                .body
                .as_ref()
                .and_then(|b| b.child(t::KEY_BLOCK))
                .ok_or_else(|| KmipError::invalid_field("the key to split has no Key Block"))?;
            if kb.child(t::KEY_WRAPPING_DATA).is_some() {
                return Err(KmipError::feature_not_supported(
                    "splitting a wrapped key is not supported",
                ));
            }
            let (material, _) = keys::digest_input(obj.object_type, kb).ok_or_else(|| {
                KmipError::feature_not_supported("the key material is not in a byte form")
            })?;
            let bits = i32::try_from(material.len() * 8)
                .map_err(|_| KmipError::invalid_field("key too long"))?;
            (
                material,
                obj.attributes.enum_value(t::CRYPTOGRAPHIC_ALGORITHM),
                bits,
            )
        }
        None => {
            let (a, l) = required_alg_len(&attrs)?;
            let kb = keys::symmetric_key_block(a, l)?;
            let (material, _) = keys::digest_input(ot::SYMMETRIC_KEY, &kb)
                .ok_or_else(|| KmipError::general("generated key has no Raw material"))?;
            (material, Some(a), l)
        }
    };
    // The key's attributes take precedence over the request's.
    if let Some(a) = algorithm {
        attrs.set_std(enumeration(t::CRYPTOGRAPHIC_ALGORITHM, a));
    }
    attrs.set_std(int(t::CRYPTOGRAPHIC_LENGTH, bits));
    usage_default(&mut attrs, ot::SPLIT_KEY);
    let shares = keys::split_secret(method, &secret, parts, threshold, prime.as_deref())?;
    let masks = storage_masks(p, t::PROTECTION_STORAGE_MASKS)?;
    let mut out = Vec::with_capacity(shares.len());
    for (i, share) in shares.iter().enumerate() {
        let part = i32::try_from(i + 1).map_err(|_| KmipError::invalid_field("too many parts"))?;
        let mut body = vec![
            int(t::SPLIT_KEY_PARTS, parts.min(i32::MAX as u32) as i32),
            int(t::KEY_PART_IDENTIFIER, part),
            int(
                t::SPLIT_KEY_THRESHOLD,
                threshold.min(i32::MAX as u32) as i32,
            ),
            enumeration(t::SPLIT_KEY_METHOD, method),
        ];
        if let Some(pi) = &prime_item {
            body.push(pi.clone());
        }
        body.push(keys::bytes_key_block(
            key_format::RAW,
            share,
            algorithm,
            Some(bits),
        ));
        let uid = new_uid();
        let obj = finish_new(
            s,
            uid.clone(),
            ot::SPLIT_KEY,
            attrs.clone(),
            st(t::SPLIT_KEY, body),
            Origin::Generated,
            &masks,
        )?;
        s.txn.put(obj);
        out.push(s.uid_item(t::UNIQUE_IDENTIFIER, &uid));
    }
    Ok(payload(out))
}

/// One stored part, read for Join Split Key.
struct Part {
    parts: i32,
    id: u32,
    threshold: i32,
    method: u32,
    prime: Option<Vec<u8>>,
    algorithm: Option<u32>,
    bits: Option<i32>,
    share: Vec<u8>,
}

fn read_part(s: &Session<'_>, uid: &str) -> Result<Part, KmipError> {
    let obj = load_live_shared(s, uid)?;
    if obj.object_type != ot::SPLIT_KEY {
        return Err(invalid_object_type(
            s.version,
            format!("object {uid:?} is not a Split Key"),
        ));
    }
    let body = obj
        .body
        .as_ref()
        .ok_or_else(|| KmipError::invalid_field(format!("Split Key {uid:?} has no value")))?;
    let f = Fields::new(body);
    let need = |tag, what: &str| -> Result<i32, KmipError> {
        f.int(tag)?
            .ok_or_else(|| KmipError::invalid_field(format!("Split Key {uid:?}: {what} missing")))
    };
    let kb = f.require(t::KEY_BLOCK)?;
    if kb.child(t::KEY_WRAPPING_DATA).is_some() {
        return Err(KmipError::feature_not_supported(
            "joining wrapped Split Keys is not supported",
        ));
    }
    let (share, _) = keys::digest_input(ot::SPLIT_KEY, kb).ok_or_else(|| {
        KmipError::feature_not_supported("the Split Key material is not in a byte form")
    })?;
    let kbf = Fields::new(kb);
    let id = need(t::KEY_PART_IDENTIFIER, "Key Part Identifier")?;
    Ok(Part {
        parts: need(t::SPLIT_KEY_PARTS, "Split Key Parts")?,
        id: u32::try_from(id)
            .ok()
            .filter(|i| *i >= 1)
            .ok_or_else(|| KmipError::invalid_field("Key Part Identifier must be at least 1"))?,
        threshold: need(t::SPLIT_KEY_THRESHOLD, "Split Key Threshold")?,
        method: f.require_enum(t::SPLIT_KEY_METHOD)?,
        prime: prime_of(f.get(t::PRIME_FIELD_SIZE))?,
        algorithm: kbf.enumeration(t::CRYPTOGRAPHIC_ALGORITHM)?,
        bits: kbf.int(t::CRYPTOGRAPHIC_LENGTH)?,
        share,
    })
}

/// Join Split Key.
pub fn join_split_key(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let object_type = f.require_enum(t::OBJECT_TYPE)?;
    if object_type != ot::SYMMETRIC_KEY && object_type != ot::SECRET_DATA {
        return Err(invalid_object_type(
            s.version,
            "this server joins Split Keys into a Symmetric Key or Secret Data",
        ));
    }
    let uids: Vec<String> = f
        .all(t::UNIQUE_IDENTIFIER)
        .map(|u| s.resolve_uid_item(u))
        .collect::<Result<_, _>>()?;
    if uids.is_empty() {
        return Err(KmipError::invalid_field(
            "Join Split Key needs the Unique Identifiers of the Split Keys",
        ));
    }
    let parts: Vec<Part> = uids
        .iter()
        .map(|u| read_part(s, u))
        .collect::<Result<_, _>>()?;
    let first = &parts[0];
    if parts.iter().any(|q| {
        q.parts != first.parts
            || q.threshold != first.threshold
            || q.method != first.method
            || q.prime != first.prime
            || q.bits != first.bits
    }) {
        return Err(KmipError::invalid_field(
            "the Split Keys do not belong to one split (parts, threshold, method, prime or length differ)",
        ));
    }
    let mut ids: Vec<u32> = parts.iter().map(|q| q.id).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != parts.len() {
        return Err(KmipError::invalid_field(
            "a Key Part Identifier is given twice",
        ));
    }
    if i32::try_from(parts.len()).unwrap_or(i32::MAX) < first.threshold {
        return Err(KmipError::invalid_field(format!(
            "{} Split Keys given; the Split Key Threshold is {}",
            parts.len(),
            first.threshold
        )));
    }
    let len = match first.bits {
        Some(b) if b > 0 && b % 8 == 0 => usize::try_from(b / 8).unwrap_or(0),
        _ => first.share.len(),
    };
    let shares: Vec<(u32, Vec<u8>)> = parts.iter().map(|q| (q.id, q.share.clone())).collect();
    let secret = keys::join_secret(first.method, &shares, len, first.prime.as_deref())?;
    let inc = parse_opt(container(p, t::TEMPLATE_ATTRIBUTE, t::ATTRIBUTES))?;
    let mut attrs = client_attributes(s, &[&inc])?;
    let bits =
        i32::try_from(secret.len() * 8).map_err(|_| KmipError::invalid_field("key too long"))?;
    let body = if object_type == ot::SYMMETRIC_KEY {
        let algorithm = first
            .algorithm
            .or(attrs.enum_value(t::CRYPTOGRAPHIC_ALGORITHM))
            .ok_or_else(|| {
                KmipError::invalid_field("the joined Symmetric Key needs a Cryptographic Algorithm")
            })?;
        st(
            t::SYMMETRIC_KEY,
            vec![keys::bytes_key_block(
                key_format::RAW,
                &secret,
                Some(algorithm),
                Some(bits),
            )],
        )
    } else {
        let sdt = f
            .enumeration(t::SECRET_DATA_TYPE)?
            .unwrap_or(secret_data_type::SEED);
        st(
            t::SECRET_DATA,
            vec![
                enumeration(t::SECRET_DATA_TYPE, sdt),
                keys::bytes_key_block(key_format::OPAQUE, &secret, None, None),
            ],
        )
    };
    usage_default(&mut attrs, object_type);
    let uid = new_uid();
    let obj = finish_new(
        s,
        uid.clone(),
        object_type,
        attrs,
        body,
        Origin::Generated,
        &storage_masks(p, t::PROTECTION_STORAGE_MASKS)?,
    )?;
    s.txn.put(obj);
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}
