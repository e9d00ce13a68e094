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
//!   absent) stores wrapped key material as given; Not Wrapped has the
//!   server unwrap it first with the key its Key Wrapping Data names
//!   (Wrapping Method Encrypt, AES key wrap or RSA; Unwrap Key usage).
//!
//! **PKCS#12** (KMIP 2.x; 2.1 §6.1.19, §4.39, Link Types §11.28):
//! - Get / Export of a Private Key with Key Format Type PKCS#12
//!   ([`pkcs12_body`]) returns a PKCS#12 container of the key (PKCS#8)
//!   and its certificate chain: the private key's Public Key Link, that
//!   public key's PKCS#12 Certificate Link (the leaf), then each
//!   certificate's Certificate Link (its issuer). It is protected with the
//!   password of the one Active Secret Data named by the private key's
//!   PKCS#12 Password Link (otherwise Bad Password), under the PKCS#12
//!   Friendly Name attribute, or "alias" when there is none.
//! - Register / Import of a Private Key whose Key Block is PKCS#12
//!   ([`pkcs12_unpack`]) opens the container with the password of the
//!   PKCS#12 Password Link given in the request's attributes and stores its
//!   first private key as PKCS#8, recording the container's friendly name
//!   as PKCS#12 Friendly Name when the request gives none. The
//!   certificates in the container are not registered as objects.
//! - Not implemented: Get with Key Format Type PKCS#12 on a Certificate
//!   (Key Format Type Not Supported), containers without a certificate for
//!   the key (the crate pairs key and certificate by Local Key ID).

use super::create::{self, container, finish_new, parse_opt, Origin};
use super::{get, load_shared, payload};
use crate::attributes::{self, defined_in, AttrKey, AttributeSet};
use crate::error::KmipError;
use crate::object::object_tag;
use crate::server::Session;
use crate::spec::enums::{
    key_format, key_wrap_type, link_type as lt, object_type as ot, result_reason as rr, state,
};
use crate::spec::tags as t;
use crate::spec::V2_0;
use crate::tree::{enumeration, st, tag_label, text, Fields};
use kmip_ttlv::{Item, Value};

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
    let supplied = parse_opt(container(p, t::TEMPLATE_ATTRIBUTE, t::ATTRIBUTES))?;
    let (mut body, friendly) = match pkcs12_unpack(s, object_type, body, &supplied.attrs)? {
        Some((b, name)) => (b, name),
        None => (body.clone(), None),
    };
    let wrapped = body
        .child(t::KEY_BLOCK)
        .and_then(|kb| kb.child(t::KEY_WRAPPING_DATA))
        .is_some();
    match f.enumeration(t::KEY_WRAP_TYPE)? {
        // "If Not Wrapped then the server SHALL unwrap the object before
        // storing it, and return an error if the wrapping key is not
        // available."
        Some(key_wrap_type::NOT_WRAPPED) if wrapped => {
            super::crypto::unwrap_for_import(s, &mut body)?;
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
    let mut obj = finish_new(
        s,
        uid.clone(),
        object_type,
        AttributeSet::new(),
        body,
        Origin::Registered,
        &[],
    )?;
    obj.owner = owner;
    if let Some(name) = friendly {
        obj.attributes.set_std(text(t::PKCS_12_FRIENDLY_NAME, name));
    }
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

/// The password bytes of the one Active Secret Data among `links` (the
/// PKCS#12 Password Links of an object or a request); anything else is Bad
/// Password (2.1 §11.46: "missing or multiple PKCS#12 Password Links, or
/// not Secret Data, or not Active").
fn pkcs12_password(s: &Session<'_>, links: &[String]) -> Result<Vec<u8>, KmipError> {
    let bad = |m: String| KmipError::new(rr::BAD_PASSWORD, m);
    let [uid] = links else {
        return Err(bad(format!(
            "PKCS#12 needs exactly one PKCS#12 Password Link ({} given)",
            links.len()
        )));
    };
    let secret = load_shared(s, uid)?;
    if secret.object_type != ot::SECRET_DATA || secret.state() != state::ACTIVE {
        return Err(bad(format!(
            "the PKCS#12 Password Link {uid:?} is not an Active Secret Data object"
        )));
    }
    match secret
        .key_block()
        .and_then(|kb| kb.child(t::KEY_VALUE))
        .and_then(|kv| kv.child(t::KEY_MATERIAL))
        .map(|m| &m.value)
    {
        Some(Value::ByteString(b)) => Ok(b.clone()),
        _ => Err(bad(format!("Secret Data {uid:?} holds no plain password"))),
    }
}

/// The one object a link of type `link` on `obj` names, if any (more than
/// one is an error: "It is an error if there is more than one valid
/// certificate chain").
fn one_link(obj: &crate::object::ManagedObject, link: u32) -> Result<Option<String>, KmipError> {
    let mut all = obj.attributes.links(link);
    let first = all.next().map(str::to_string);
    if all.next().is_some() {
        return Err(KmipError::invalid_field(format!(
            "object {:?} has several links of type {link:#x}: more than one certificate chain",
            obj.uid
        )));
    }
    Ok(first)
}

/// The bytes of a Key Block's Key Material.
fn material(kb: &Item) -> Option<&[u8]> {
    match &kb.child(t::KEY_VALUE)?.child(t::KEY_MATERIAL)?.value {
        Value::ByteString(b) => Some(b),
        _ => None,
    }
}

/// Get / Export with Key Format Type PKCS#12: the object structure
/// (Private Key) whose Key Block holds the PKCS#12 container of `obj`.
pub fn pkcs12_body(s: &Session<'_>, obj: &crate::object::ManagedObject) -> Result<Item, KmipError> {
    let unsupported = |m: &str| KmipError::new(rr::KEY_FORMAT_TYPE_NOT_SUPPORTED, m.to_string());
    if s.version < V2_0 {
        return Err(unsupported(
            "PKCS#12 containers need the PKCS#12 Password Link of KMIP 2.0",
        ));
    }
    if obj.object_type != ot::PRIVATE_KEY {
        return Err(unsupported(
            "this server returns PKCS#12 only for Private Key objects",
        ));
    }
    let kb = obj
        .key_block()
        .ok_or_else(|| KmipError::new(rr::KEY_VALUE_NOT_PRESENT, "no Key Block"))?;
    if kb.child(t::KEY_WRAPPING_DATA).is_some() {
        return Err(unsupported("cannot put wrapped key material into PKCS#12"));
    }
    let links: Vec<String> = obj
        .attributes
        .links(lt::PKCS_12_PASSWORD_LINK)
        .map(str::to_string)
        .collect();
    let password = zeroize::Zeroizing::new(pkcs12_password(s, &links)?);
    let p8 = super::crypto::convert_key_block(obj.object_type, kb, key_format::PKCS_8)?;
    let pkcs8 = material(&p8)
        .ok_or_else(|| KmipError::general("the key did not convert to PKCS#8"))?
        .to_vec();
    let pkcs8 = zeroize::Zeroizing::new(pkcs8);
    // The chain: Public Key Link -> PKCS#12 Certificate Link -> Certificate Links.
    let mut chain: Vec<Vec<u8>> = Vec::new();
    if let Some(pub_uid) = one_link(obj, lt::PUBLIC_KEY_LINK)? {
        let public = load_shared(s, &pub_uid)?;
        let mut next = one_link(&public, lt::PKCS_12_CERTIFICATE_LINK)?;
        while let Some(cert_uid) = next {
            if chain.len() >= 16 {
                return Err(KmipError::invalid_field(
                    "certificate chain longer than 16 (a Certificate Link loop?)",
                ));
            }
            let cert = load_shared(s, &cert_uid)?;
            let der = cert
                .body
                .as_ref()
                .and_then(|b| b.child(t::CERTIFICATE_VALUE))
                .and_then(|v| match &v.value {
                    Value::ByteString(b) => Some(b.clone()),
                    _ => None,
                })
                .ok_or_else(|| {
                    KmipError::invalid_field(format!("{cert_uid:?} is not a certificate"))
                })?;
            chain.push(der);
            next = one_link(&cert, lt::CERTIFICATE_LINK)?.filter(|n| *n != cert_uid);
        }
    }
    let name = obj
        .attributes
        .first(t::PKCS_12_FRIENDLY_NAME)
        .and_then(|n| n.value.as_text())
        .unwrap_or("alias")
        .to_string();
    let blob = super::crypto::pkcs12_encode(&pkcs8, &chain, &name, &password)?;
    let f = Fields::new(kb);
    let block = super::crypto::bytes_key_block(
        key_format::PKCS_12,
        &blob,
        f.enumeration(t::CRYPTOGRAPHIC_ALGORITHM)?,
        f.int(t::CRYPTOGRAPHIC_LENGTH)?,
    );
    let children = obj
        .body
        .as_ref()
        .map(|b| {
            b.children()
                .iter()
                .map(|c| {
                    if c.tag == t::KEY_BLOCK {
                        block.clone()
                    } else {
                        c.clone()
                    }
                })
                .collect()
        })
        .unwrap_or_else(|| vec![block.clone()]);
    Ok(Item::structure(t::PRIVATE_KEY, children))
}

/// Register / Import of a Private Key whose Key Block is PKCS#12: the
/// object structure with the container's private key as PKCS#8, and the
/// container's friendly name. `None` when the Key Block is not PKCS#12.
pub fn pkcs12_unpack(
    s: &Session<'_>,
    object_type: u32,
    body: &Item,
    attrs: &[(AttrKey, Item)],
) -> Result<Option<(Item, Option<String>)>, KmipError> {
    let Some(kb) = body.child(t::KEY_BLOCK) else {
        return Ok(None);
    };
    if Fields::new(kb).enumeration(t::KEY_FORMAT_TYPE)? != Some(key_format::PKCS_12) {
        return Ok(None);
    }
    if s.version < V2_0 || object_type != ot::PRIVATE_KEY {
        return Err(KmipError::new(
            rr::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            "this server reads PKCS#12 containers as Private Key objects, from KMIP 2.0",
        ));
    }
    let blob = material(kb).ok_or_else(|| {
        KmipError::invalid_field("the PKCS#12 Key Material must be a Byte String")
    })?;
    let links: Vec<String> = attrs
        .iter()
        .filter(|(k, _)| *k == AttrKey::Std(t::LINK))
        .filter_map(|(_, v)| attributes::link_parts(v))
        .filter(|(l, _)| *l == lt::PKCS_12_PASSWORD_LINK)
        .map(|(_, u)| u.to_string())
        .collect();
    let password = zeroize::Zeroizing::new(pkcs12_password(s, &links)?);
    let inside = super::crypto::pkcs12_decode(blob, &password)?;
    let block = super::crypto::bytes_key_block(
        key_format::PKCS_8,
        &inside.pkcs8,
        Some(inside.algorithm),
        inside.bits,
    );
    let named = attrs
        .iter()
        .any(|(k, _)| *k == AttrKey::Std(t::PKCS_12_FRIENDLY_NAME));
    let friendly = (!named).then_some(inside.friendly_name);
    Ok(Some((st(t::PRIVATE_KEY, vec![block]), friendly)))
}
