//! Object creation: Create, Create Key Pair, Register, Re-key, Re-key Key
//! Pair; plus the server-set attributes every new object gets (Unique
//! Identifier, Object Type, State, Initial / Last Change Date, Digest,
//! Links between key-pair halves, Original Creation Date and Random Number
//! Generator for generated keys, Fresh, Sensitive / Always Sensitive,
//! Extractable / Never Extractable, Key Format Type, Short Unique
//! Identifier, Protection Storage Mask).

use super::crypto as keys;
use super::{invalid_object_type, load_live, payload, reason_for, touch};
use crate::attributes::{self, parse_container, AttrKey, AttributeSet, Incoming};
use crate::error::KmipError;
use crate::object::{has_key_block, has_state, object_tag, ManagedObject};
use crate::server::Session;
use crate::spec::enums::{
    crypto_alg as alg, hashing_alg, link_type as lt, object_type as ot, protection_storage,
    result_reason as rr, rng_alg, state,
};
use crate::spec::tags as t;
use crate::store::new_uid;
use crate::tree::{boolean, bytes, datetime, enumeration, int, st, tag_label, Fields};
use kmip_ttlv::{Item, Tag, Value};

/// The attribute container of a payload, 1.x or 2.x form, if present.
pub(crate) fn container(payload: &Item, one_x: Tag, two_x: Tag) -> Option<&Item> {
    payload.child(two_x).or_else(|| payload.child(one_x))
}

pub(crate) fn parse_opt(c: Option<&Item>) -> Result<Incoming, KmipError> {
    match c {
        Some(c) => parse_container(c),
        None => Ok(Incoming::default()),
    }
}

/// Add the attributes of 1.x Templates named in `incoming`.
fn template_attributes(s: &Session<'_>, incoming: &Incoming) -> Result<Incoming, KmipError> {
    let mut out = Incoming::default();
    if incoming.template_names.is_empty() {
        return Ok(out);
    }
    let all = s.txn.list()?;
    for name in &incoming.template_names {
        let tpl = all
            .iter()
            .find(|o| {
                o.object_type == ot::TEMPLATE
                    && o.attributes.names().any(|n| n == name)
                    && s.access.visible(o.owner.as_deref(), s.client.as_deref())
            })
            .ok_or_else(|| KmipError::item_not_found(format!("no Template named {name:?}")))?;
        if let Some(body) = &tpl.body {
            let parsed = parse_container(body)?;
            out.attrs.extend(parsed.attrs);
        }
    }
    Ok(out)
}

/// Build the client-supplied attributes of a new object from containers in
/// increasing precedence (e.g. common then private-key attributes).
pub(crate) fn client_attributes(
    s: &Session<'_>,
    containers: &[&Incoming],
) -> Result<AttributeSet, KmipError> {
    let mut set = AttributeSet::new();
    for inc in containers {
        let tpl = template_attributes(s, inc)?;
        for source in [&tpl, *inc] {
            let mut seen_single: Vec<&AttrKey> = Vec::new();
            for (key, value) in &source.attrs {
                let def = key.def();
                if let AttrKey::Vendor { vendor, .. } = key {
                    if vendor == "y" {
                        return Err(KmipError::permission_denied(format!(
                            "{} is a server attribute",
                            key.name_1x()
                        )));
                    }
                }
                if !def.template {
                    return Err(KmipError::new(
                        attributes::read_only_reason(s.version),
                        format!("{} cannot be set by the client", key.name_1x()),
                    ));
                }
                if def.multi {
                    if !set.get(key).contains(value) {
                        set.add(key.clone(), value.clone());
                    }
                } else {
                    if seen_single.contains(&key) {
                        return Err(KmipError::new(
                            reason_for(s.version, rr::ATTRIBUTE_SINGLE_VALUED, rr::INVALID_FIELD),
                            format!("{} given more than once", key.name_1x()),
                        ));
                    }
                    seen_single.push(key);
                    set.set(key.clone(), value.clone());
                }
            }
        }
    }
    Ok(set)
}

/// Fail if one of `names` is already used by another live object.
pub fn check_unique_names<'n>(
    s: &Session<'_>,
    own_uid: &str,
    names: impl Iterator<Item = &'n str>,
) -> Result<(), KmipError> {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        return Ok(());
    }
    for o in s.txn.list_for_names()? {
        if o.uid == own_uid || o.is_destroyed() {
            continue;
        }
        if let Some(n) = o.attributes.names().find(|n| names.contains(n)) {
            return Err(KmipError::new(
                reason_for(s.version, rr::NON_UNIQUE_NAME_ATTRIBUTE, rr::INVALID_FIELD),
                format!("the Name {n:?} is already used by object {}", o.uid),
            ));
        }
    }
    Ok(())
}

/// The Digest of an object body, when the server can compute one: SHA-256
/// of the Key Material (byte formats as stored; Transparent Symmetric Key as
/// Raw; Transparent RSA keys as PKCS#1; Transparent EC keys as PKCS#8 /
/// X.509), of the Certificate Value, or of the Opaque Data Value.
pub fn digest_of(object_type: u32, body: &Item) -> Option<Item> {
    let (data, format) = if let Some(kb) = body.child(t::KEY_BLOCK) {
        keys::digest_input(object_type, kb)?
    } else if let Some(Value::ByteString(b)) = body.child(t::CERTIFICATE_VALUE).map(|i| &i.value) {
        (b.clone(), 0)
    } else if let Some(Value::ByteString(b)) = body.child(t::OPAQUE_DATA_VALUE).map(|i| &i.value) {
        (b.clone(), 0)
    } else {
        return None;
    };
    let mut c = vec![
        enumeration(t::HASHING_ALGORITHM, hashing_alg::SHA_256),
        bytes(t::DIGEST_VALUE, keys::sha256(&data)),
    ];
    if format != 0 {
        c.push(enumeration(t::KEY_FORMAT_TYPE, format));
    }
    Some(st(t::DIGEST, c))
}

/// Object Class "User" (KMIP 3.0 delta: User 0x01, System 0x02).
pub const OBJECT_CLASS_USER: u32 = 0x01;

/// Where a new object's material came from.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Generated by the server (Create, Create Key Pair, Re-key…).
    Generated,
    /// Supplied by the client (Register).
    Registered,
}

/// Finish a new object: server-set attributes, initial state.
pub fn finish_new(
    s: &Session<'_>,
    uid: String,
    object_type: u32,
    mut attrs: AttributeSet,
    body: Item,
    origin: Origin,
    storage_masks: &[i32],
) -> Result<ManagedObject, KmipError> {
    let now = s.now;
    attrs.set_std(crate::tree::text(t::UNIQUE_IDENTIFIER, uid.clone()));
    attrs.set_std(enumeration(t::OBJECT_TYPE, object_type));
    if let Some(kb) = body.child(t::KEY_BLOCK) {
        let f = Fields::new(kb);
        if let Some(a) = f.enumeration(t::CRYPTOGRAPHIC_ALGORITHM)? {
            match attrs.enum_value(t::CRYPTOGRAPHIC_ALGORITHM) {
                Some(x) if x != a => {
                    return Err(KmipError::invalid_field(
                        "Cryptographic Algorithm attribute differs from the Key Block",
                    ))
                }
                _ => attrs.set_std(enumeration(t::CRYPTOGRAPHIC_ALGORITHM, a)),
            }
        }
        if let Some(l) = f.int(t::CRYPTOGRAPHIC_LENGTH)? {
            match attrs.int_value(t::CRYPTOGRAPHIC_LENGTH) {
                Some(x) if x != l => {
                    return Err(KmipError::invalid_field(
                        "Cryptographic Length attribute differs from the Key Block",
                    ))
                }
                _ => attrs.set_std(int(t::CRYPTOGRAPHIC_LENGTH, l)),
            }
        }
        if let Some(fmt) = f.enumeration(t::KEY_FORMAT_TYPE)? {
            attrs.set_std(enumeration(t::KEY_FORMAT_TYPE, fmt));
            if attrs.int_value(t::CRYPTOGRAPHIC_LENGTH).is_none() {
                if let Some(bits) = keys::key_length(object_type, kb) {
                    attrs.set_std(int(t::CRYPTOGRAPHIC_LENGTH, bits));
                }
            }
        }
    }
    if let Some(d) = digest_of(object_type, &body) {
        attrs.set_std(d);
    }
    quantum_safe_policy(&attrs)?;
    usage_limits_initial(&mut attrs);
    attrs.set_std(datetime(t::INITIAL_DATE, now));
    attrs.set_std(datetime(t::LAST_CHANGE_DATE, now));
    if origin == Origin::Generated {
        attrs.set_std(datetime(t::ORIGINAL_CREATION_DATE, now));
        attrs.set_std(st(
            t::RANDOM_NUMBER_GENERATOR,
            vec![enumeration(t::RNG_ALGORITHM, rng_alg::UNSPECIFIED)],
        ));
    }
    if has_state(object_type) {
        attrs.set_std(enumeration(t::STATE, state::PRE_ACTIVE));
        attrs.set_std(boolean(t::FRESH, true));
        // Lease Time is "initially set by the server" for every managed
        // cryptographic object (KMIP 1.4 §3.15, 2.1 §4.22).
        if attrs.first(t::LEASE_TIME).is_none() {
            attrs.set_std(crate::tree::interval(
                t::LEASE_TIME,
                crate::ops::lifecycle::DEFAULT_LEASE_SECONDS,
            ));
        }
    }
    if has_key_block(object_type) {
        let sensitive = attrs.bool_value(t::SENSITIVE).unwrap_or(false);
        let extractable = attrs.bool_value(t::EXTRACTABLE).unwrap_or(true);
        attrs.set_std(boolean(t::SENSITIVE, sensitive));
        attrs.set_std(boolean(t::ALWAYS_SENSITIVE, sensitive));
        attrs.set_std(boolean(t::EXTRACTABLE, extractable));
        attrs.set_std(boolean(t::NEVER_EXTRACTABLE, !extractable));
    }
    attrs.set_std(bytes(
        t::SHORT_UNIQUE_IDENTIFIER,
        keys::sha256(uid.as_bytes()),
    ));
    if !storage_masks.is_empty()
        && !storage_masks
            .iter()
            .any(|m| m & protection_storage::SOFTWARE as i32 != 0)
    {
        return Err(KmipError::new(
            rr::PROTECTION_STORAGE_UNAVAILABLE,
            "this server only has Software protection storage",
        ));
    }
    attrs.set_std(int(
        t::PROTECTION_STORAGE_MASK,
        protection_storage::SOFTWARE as i32,
    ));
    // KMIP 3.0 Object Class: objects created through the object operations
    // belong to the User class unless the client said otherwise (only
    // rendered to 3.0 clients: the attribute is not defined before).
    if attrs.first(t::OBJECT_CLASS).is_none() {
        attrs.set_std(enumeration(t::OBJECT_CLASS, OBJECT_CLASS_USER));
    }
    let mut obj = ManagedObject {
        uid,
        object_type,
        attributes: attrs,
        body: Some(body),
        archived: false,
        owner: s.client.clone(),
    };
    obj.apply_dates(now);
    check_unique_names(s, &obj.uid, obj.attributes.names())?;
    Ok(obj)
}

/// Quantum Safe = true is only accepted for keys that are: symmetric keys
/// of at least 256 bits (Grover halves the strength). RSA / EC keys and
/// shorter symmetric keys are refused rather than mislabelled.
fn quantum_safe_policy(attrs: &AttributeSet) -> Result<(), KmipError> {
    if attrs.bool_value(t::QUANTUM_SAFE) != Some(true) {
        return Ok(());
    }
    let algorithm = attrs.enum_value(t::CRYPTOGRAPHIC_ALGORITHM);
    let bits = attrs.int_value(t::CRYPTOGRAPHIC_LENGTH).unwrap_or(0);
    let symmetric = matches!(
        algorithm,
        Some(alg::AES | alg::CHACHA20 | alg::CHACHA20_POLY1305 | alg::CAMELLIA | alg::TWOFISH)
    );
    if symmetric && bits >= 256 {
        Ok(())
    } else {
        Err(KmipError::general(
            "Quantum Safe was requested but this key would not be quantum safe \
             (symmetric keys of at least 256 bits only)",
        ))
    }
}

pub(crate) fn storage_masks(payload: &Item, tag: Tag) -> Result<Vec<i32>, KmipError> {
    match payload.child(tag) {
        None => Ok(Vec::new()),
        Some(c) => c.children().iter().map(crate::tree::as_int).collect(),
    }
}

pub(crate) fn required_alg_len(attrs: &AttributeSet) -> Result<(u32, i32), KmipError> {
    let a = attrs
        .enum_value(t::CRYPTOGRAPHIC_ALGORITHM)
        .ok_or_else(|| KmipError::new(rr::INVALID_FIELD, "Cryptographic Algorithm is required"))?;
    let l = attrs
        .int_value(t::CRYPTOGRAPHIC_LENGTH)
        .ok_or_else(|| KmipError::new(rr::INVALID_FIELD, "Cryptographic Length is required"))?;
    Ok((a, l))
}

pub(crate) fn usage_default(attrs: &mut AttributeSet, object_type: u32) {
    use crate::spec::enums::usage_mask as um;
    if attrs.int_value(t::CRYPTOGRAPHIC_USAGE_MASK).is_some() {
        return;
    }
    let m = match object_type {
        ot::SYMMETRIC_KEY => um::ENCRYPT | um::DECRYPT,
        ot::PRIVATE_KEY => um::SIGN | um::DECRYPT,
        ot::PUBLIC_KEY => um::VERIFY | um::ENCRYPT,
        _ => return,
    };
    attrs.set_std(int(t::CRYPTOGRAPHIC_USAGE_MASK, m as i32));
}

/// Create (symmetric keys).
pub fn create(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let object_type = f.require_enum(t::OBJECT_TYPE)?;
    if object_type != ot::SYMMETRIC_KEY {
        return Err(invalid_object_type(
            s.version,
            "Create makes Symmetric Keys; use Create Key Pair or Register",
        ));
    }
    // Set Defaults / Set Constraints (2.1 §6.1.53, §6.1.52; ops/admin.rs).
    let defaulted = super::admin::with_defaults(s, object_type, p);
    let p = defaulted.as_ref().unwrap_or(p);
    super::admin::check_constraints(s, object_type, p)?;
    let inc = parse_opt(container(p, t::TEMPLATE_ATTRIBUTE, t::ATTRIBUTES))?;
    let mut attrs = client_attributes(s, &[&inc])?;
    let (a, l) = required_alg_len(&attrs)?;
    let kb = keys::symmetric_key_block(a, l)?;
    usage_default(&mut attrs, object_type);
    let body = st(t::SYMMETRIC_KEY, vec![kb]);
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
    Ok(payload(vec![
        enumeration(t::OBJECT_TYPE, object_type),
        s.uid_item(t::UNIQUE_IDENTIFIER, &uid),
    ]))
}

/// What a key pair is generated from: the Cryptographic Algorithm, the
/// Cryptographic Length (required but for EC keys, whose curve gives it)
/// and the Recommended Curve of the Cryptographic Domain Parameters
/// (KMIP 1.4 §3.7, 2.1 §4.14).
fn pair_request(attrs: &AttributeSet) -> Result<(u32, Option<i32>, Option<u32>), KmipError> {
    let a = attrs
        .enum_value(t::CRYPTOGRAPHIC_ALGORITHM)
        .ok_or_else(|| KmipError::new(rr::INVALID_FIELD, "Cryptographic Algorithm is required"))?;
    let l = attrs.int_value(t::CRYPTOGRAPHIC_LENGTH);
    let curve = match attrs.first(t::CRYPTOGRAPHIC_DOMAIN_PARAMETERS) {
        Some(dp) => Fields::new(dp).enumeration(t::RECOMMENDED_CURVE)?,
        None => None,
    };
    let is_ec = matches!(a, alg::EC | alg::ECDSA | alg::ECDH);
    // An Ed25519 key's size is fixed (RFC 8032: 32 octets).
    if l.is_none() && !(is_ec && curve.is_some()) && a != alg::ED25519 {
        return Err(KmipError::new(
            rr::INVALID_FIELD,
            "Cryptographic Length is required",
        ));
    }
    Ok((a, l, curve))
}

struct PairOut {
    private_uid: String,
    public_uid: String,
}

fn make_pair(
    s: &mut Session<'_>,
    common: &Incoming,
    private: &Incoming,
    public: &Incoming,
    masks: (&[i32], &[i32]),
) -> Result<PairOut, KmipError> {
    let mut prv_attrs = client_attributes(s, &[common, private])?;
    let mut pub_attrs = client_attributes(s, &[common, public])?;
    let request = pair_request(&prv_attrs)?;
    if request != pair_request(&pub_attrs)? {
        return Err(KmipError::invalid_field(
            "private and public key attributes disagree on algorithm, length or curve",
        ));
    }
    let (algorithm, length, curve) = request;
    let (prv_block, pub_block) = keys::key_pair_blocks(s, algorithm, length, curve)?;
    usage_default(&mut prv_attrs, ot::PRIVATE_KEY);
    usage_default(&mut pub_attrs, ot::PUBLIC_KEY);
    let private_uid = new_uid();
    let public_uid = new_uid();
    prv_attrs.add(
        AttrKey::Std(t::LINK),
        attributes::link(lt::PUBLIC_KEY_LINK, &public_uid),
    );
    pub_attrs.add(
        AttrKey::Std(t::LINK),
        attributes::link(lt::PRIVATE_KEY_LINK, &private_uid),
    );
    let prv_body = st(t::PRIVATE_KEY, vec![prv_block]);
    let pub_body = st(t::PUBLIC_KEY, vec![pub_block]);
    let prv = finish_new(
        s,
        private_uid.clone(),
        ot::PRIVATE_KEY,
        prv_attrs,
        prv_body,
        Origin::Generated,
        masks.0,
    )?;
    s.txn.put(prv);
    let publ = finish_new(
        s,
        public_uid.clone(),
        ot::PUBLIC_KEY,
        pub_attrs,
        pub_body,
        Origin::Generated,
        masks.1,
    )?;
    s.txn.put(publ);
    Ok(PairOut {
        private_uid,
        public_uid,
    })
}

/// Create Key Pair (RSA, EC / ECDSA / ECDH on P-256 / P-384 / P-521 /
/// secp256k1, Ed25519 from KMIP 2.0, DSA).
pub fn create_key_pair(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    // Set Defaults / Set Constraints (2.1 §6.1.53, §6.1.52; ops/admin.rs).
    let defaulted = super::admin::key_pair_with_defaults(s, p);
    let p = defaulted.as_ref().unwrap_or(p);
    super::admin::check_key_pair_constraints(s, p)?;
    let common = parse_opt(container(
        p,
        t::COMMON_TEMPLATE_ATTRIBUTE,
        t::COMMON_ATTRIBUTES,
    ))?;
    let private = parse_opt(container(
        p,
        t::PRIVATE_KEY_TEMPLATE_ATTRIBUTE,
        t::PRIVATE_KEY_ATTRIBUTES,
    ))?;
    let public = parse_opt(container(
        p,
        t::PUBLIC_KEY_TEMPLATE_ATTRIBUTE,
        t::PUBLIC_KEY_ATTRIBUTES,
    ))?;
    let common_masks = storage_masks(p, t::COMMON_PROTECTION_STORAGE_MASKS)?;
    let mut prv_masks = storage_masks(p, t::PRIVATE_PROTECTION_STORAGE_MASKS)?;
    let mut pub_masks = storage_masks(p, t::PUBLIC_PROTECTION_STORAGE_MASKS)?;
    if prv_masks.is_empty() {
        prv_masks.clone_from(&common_masks);
    }
    if pub_masks.is_empty() {
        pub_masks = common_masks;
    }
    let out = make_pair(s, &common, &private, &public, (&prv_masks, &pub_masks))?;
    Ok(payload(vec![
        s.uid_item(t::PRIVATE_KEY_UNIQUE_IDENTIFIER, &out.private_uid),
        s.uid_item(t::PUBLIC_KEY_UNIQUE_IDENTIFIER, &out.public_uid),
    ]))
}

pub(crate) fn validate_body(object_type: u32, body: &Item) -> Result<(), KmipError> {
    let f = Fields::new(body);
    if has_key_block(object_type) {
        let kb = f.require(t::KEY_BLOCK)?;
        let kf_ = Fields::new(kb);
        kf_.require_enum(t::KEY_FORMAT_TYPE)?;
        let kv = kf_.require(t::KEY_VALUE)?;
        match &kv.value {
            Value::Structure(_) => {
                Fields::new(kv).require(t::KEY_MATERIAL)?;
            }
            Value::ByteString(_) => {} // wrapped key value
            _ => return Err(KmipError::invalid_field("Key Value must be a Structure")),
        }
        kf_.enumeration(t::CRYPTOGRAPHIC_ALGORITHM)?;
        kf_.int(t::CRYPTOGRAPHIC_LENGTH)?;
    }
    match object_type {
        ot::CERTIFICATE => {
            f.require_enum(t::CERTIFICATE_TYPE)?;
            f.bytes(t::CERTIFICATE_VALUE)?
                .ok_or_else(|| KmipError::missing_data("Certificate Value is required"))?;
        }
        ot::OPAQUE_OBJECT => {
            f.require(t::OPAQUE_DATA_TYPE)?;
            f.bytes(t::OPAQUE_DATA_VALUE)?
                .ok_or_else(|| KmipError::missing_data("Opaque Data Value is required"))?;
        }
        ot::SECRET_DATA => {
            f.require_enum(t::SECRET_DATA_TYPE)?;
        }
        // KMIP 2.1 §2.2 Certificate Request, §2.4 PGP Key (1.4 §2.2.9)
        ot::CERTIFICATE_REQUEST => {
            f.require_enum(t::CERTIFICATE_REQUEST_TYPE)?;
            f.bytes(t::CERTIFICATE_REQUEST_VALUE)?
                .ok_or_else(|| KmipError::missing_data("Certificate Request Value is required"))?;
        }
        ot::PGP_KEY => {
            f.int(t::PGP_KEY_VERSION)?
                .ok_or_else(|| KmipError::missing_data("PGP Key Version is required"))?;
        }
        _ => {}
    }
    Ok(())
}

/// Register.
pub fn register(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let object_type = f.require_enum(t::OBJECT_TYPE)?;
    let tag = object_tag(object_type).ok_or_else(|| {
        invalid_object_type(
            s.version,
            format!("cannot register object type {object_type:#x}"),
        )
    })?;
    // object types later versions added: PGP Key (1.2), Certificate Request (2.0)
    let since = match object_type {
        ot::PGP_KEY => crate::spec::V1_2,
        ot::CERTIFICATE_REQUEST => crate::spec::V2_0,
        _ => crate::spec::V1_0,
    };
    if s.version < since {
        return Err(invalid_object_type(
            s.version,
            format!(
                "object type {object_type:#x} is not defined in KMIP {}",
                s.version
            ),
        ));
    }
    let body = f.get(tag).ok_or_else(|| {
        KmipError::missing_data(format!("Register of this type needs a {}", tag_label(tag)))
    })?;
    validate_body(object_type, body)?;
    // Set Constraints (2.1 §6.1.52; ops/admin.rs).
    super::admin::check_constraints(s, object_type, p)?;
    let mut inc = parse_opt(container(p, t::TEMPLATE_ATTRIBUTE, t::ATTRIBUTES))?;
    // Attributes the server derives from the object itself may be given by
    // the client when they agree with the object.
    for tag in [
        t::CERTIFICATE_TYPE,
        t::OPAQUE_DATA_TYPE,
        t::SECRET_DATA_TYPE,
    ] {
        let key = AttrKey::Std(tag);
        if let Some(pos) = inc.attrs.iter().position(|(k, _)| *k == key) {
            let given = &inc.attrs[pos].1;
            if body.child(tag).map(|b| &b.value) != Some(&given.value) {
                return Err(KmipError::invalid_field(format!(
                    "{} does not match the object",
                    tag_label(tag)
                )));
            }
            inc.attrs.remove(pos);
        }
    }
    let mut attrs = client_attributes(s, &[&inc])?;
    // A PKCS#12 container is stored as its private key (PKCS#8).
    let unpacked = super::export::pkcs12_unpack(s, object_type, body, &inc.attrs)?;
    let body = match &unpacked {
        Some((b, name)) => {
            if let Some(n) = name {
                attrs.set_std(crate::tree::text(t::PKCS_12_FRIENDLY_NAME, n.clone()));
            }
            b
        }
        None => body,
    };
    if object_type == ot::OPAQUE_OBJECT {
        if let Some(odt) = body.child(t::OPAQUE_DATA_TYPE) {
            attrs.set_std(Item::new(t::OPAQUE_DATA_TYPE, odt.value.clone()));
        }
    }
    if object_type == ot::CERTIFICATE {
        if let Ok(Some(ct)) = Fields::new(body).enumeration(t::CERTIFICATE_TYPE) {
            attrs.set_std(enumeration(t::CERTIFICATE_TYPE, ct));
        }
        if let Ok(Some(v)) = Fields::new(body).bytes(t::CERTIFICATE_VALUE) {
            attrs.set_std(int(
                t::CERTIFICATE_LENGTH,
                i32::try_from(v.len()).unwrap_or(i32::MAX),
            ));
            if Fields::new(body).enumeration(t::CERTIFICATE_TYPE)
                == Ok(Some(crate::spec::enums::certificate_type::X_509))
            {
                for item in crate::certattrs::x509_attributes(v) {
                    attrs.set_std(item);
                }
            }
        }
    }
    let uid = new_uid();
    let obj = finish_new(
        s,
        uid.clone(),
        object_type,
        attrs,
        body.clone(),
        Origin::Registered,
        &storage_masks(p, t::PROTECTION_STORAGE_MASKS)?,
    )?;
    s.txn.put(obj);
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}

/// Attributes a replacement key inherits from the key it replaces.
fn inherited(old: &AttributeSet) -> AttributeSet {
    let mut out = AttributeSet::new();
    for (key, _idx, value) in old.iter() {
        let keep = match key {
            AttrKey::Vendor { vendor, .. } => vendor != "y",
            AttrKey::Std(tag) => matches!(
                *tag,
                t::CRYPTOGRAPHIC_ALGORITHM
                    | t::CRYPTOGRAPHIC_LENGTH
                    | t::CRYPTOGRAPHIC_PARAMETERS
                    | t::CRYPTOGRAPHIC_DOMAIN_PARAMETERS
                    | t::CRYPTOGRAPHIC_USAGE_MASK
                    | t::OBJECT_GROUP
                    | t::APPLICATION_SPECIFIC_INFORMATION
                    | t::CONTACT_INFORMATION
                    | t::USAGE_LIMITS
                    | t::SENSITIVE
                    | t::EXTRACTABLE
                    | t::DESCRIPTION
                    | t::COMMENT
                    | t::NAME
            ),
        };
        if keep {
            out.add(key.clone(), value.clone());
        }
    }
    out
}

/// Shift the old key's life-cycle dates to the new key (Re-key Offset).
fn shifted_dates(s: &Session<'_>, old: &AttributeSet, offset: Option<u32>, new: &mut AttributeSet) {
    let Some(old_act) = old.date_value(t::ACTIVATION_DATE) else {
        if let Some(off) = offset {
            new.set_std(datetime(t::ACTIVATION_DATE, s.now + i64::from(off)));
        }
        return;
    };
    let new_act = s.now + i64::from(offset.unwrap_or(0));
    new.set_std(datetime(t::ACTIVATION_DATE, new_act));
    for tag in [
        t::PROCESS_START_DATE,
        t::PROTECT_STOP_DATE,
        t::DEACTIVATION_DATE,
    ] {
        if let Some(d) = old.date_value(tag) {
            new.set_std(datetime(
                tag,
                new_act.saturating_add(d.saturating_sub(old_act)),
            ));
        }
    }
}

/// Usage Limits of a new object: "The server SHALL ignore the Usage Limits
/// Count value if the attribute is specified in an operation that creates a
/// new object"; the Count "is set to the Usage Limits Total value" (KMIP 1.4
/// §3.21, 2.0 §4.52, 2.1 §4.59). For Re-key this is the "Total value is
/// copied" row of the Re-key Attribute Requirements (1.4 Table 173, 2.1
/// Table 304). Import keeps the supplied value (its attributes are applied
/// after this).
fn usage_limits_initial(attrs: &mut AttributeSet) {
    let Some(limits) = attrs.first(t::USAGE_LIMITS).cloned() else {
        return;
    };
    let Some(total) = limits.child(t::USAGE_LIMITS_TOTAL).cloned() else {
        return;
    };
    let count = Item::new(t::USAGE_LIMITS_COUNT, total.value);
    attrs.set_std(super::lifecycle::usage_limits_with_count(&limits, count));
}

fn replacement_links(old: &mut ManagedObject, new: &mut AttributeSet, new_uid: &str) {
    old.attributes.add(
        AttrKey::Std(t::LINK),
        attributes::link(lt::REPLACEMENT_OBJECT_LINK, new_uid),
    );
    new.add(
        AttrKey::Std(t::LINK),
        attributes::link(lt::REPLACED_OBJECT_LINK, &old.uid),
    );
}

fn rekey_base(s: &Session<'_>, old: &ManagedObject, expected: u32) -> Result<(), KmipError> {
    if old.object_type != expected {
        return Err(invalid_object_type(
            s.version,
            "the object is not of the type this Re-key operation replaces",
        ));
    }
    if old.key_block().is_none() {
        return Err(KmipError::new(
            rr::KEY_VALUE_NOT_PRESENT,
            "the key has no key material",
        ));
    }
    Ok(())
}

/// Re-key (symmetric keys).
pub fn re_key(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let uid = s.resolve_uid(p)?;
    let mut old = load_live(s, &uid)?;
    rekey_base(s, &old, ot::SYMMETRIC_KEY)?;
    let offset = f.interval(t::OFFSET)?;
    let inc = parse_opt(container(p, t::TEMPLATE_ATTRIBUTE, t::ATTRIBUTES))?;
    let mut attrs = inherited(&old.attributes);
    // the Name moves to the replacement key
    old.attributes.remove_all(&AttrKey::Std(t::NAME));
    let requested = client_attributes(s, &[&inc])?;
    for (k, _i, v) in requested.iter() {
        attrs.put(k.clone(), v.clone());
    }
    shifted_dates(s, &old.attributes, offset, &mut attrs);
    let (a, l) = required_alg_len(&attrs)?;
    let kb = keys::symmetric_key_block(a, l)?;
    let new_uid = new_uid();
    replacement_links(&mut old, &mut attrs, &new_uid);
    touch(s, &mut old);
    s.txn.put(old);
    let body = st(t::SYMMETRIC_KEY, vec![kb]);
    let obj = finish_new(
        s,
        new_uid.clone(),
        ot::SYMMETRIC_KEY,
        attrs,
        body,
        Origin::Generated,
        &storage_masks(p, t::PROTECTION_STORAGE_MASKS)?,
    )?;
    s.txn.put(obj);
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &new_uid)]))
}

/// Re-key Key Pair (the algorithms of Create Key Pair).
pub fn re_key_key_pair(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let uid = match p.child(t::PRIVATE_KEY_UNIQUE_IDENTIFIER) {
        Some(i) => s.resolve_uid_item(i)?,
        None => s.resolve_uid(p)?,
    };
    let mut old_prv = load_live(s, &uid)?;
    rekey_base(s, &old_prv, ot::PRIVATE_KEY)?;
    let pub_uid = old_prv
        .attributes
        .links(lt::PUBLIC_KEY_LINK)
        .next()
        .map(str::to_string)
        .ok_or_else(|| KmipError::item_not_found("the private key has no Public Key Link"))?;
    let mut old_pub = load_live(s, &pub_uid)?;
    let offset = f.interval(t::OFFSET)?;
    let common = parse_opt(container(
        p,
        t::COMMON_TEMPLATE_ATTRIBUTE,
        t::COMMON_ATTRIBUTES,
    ))?;
    let private = parse_opt(container(
        p,
        t::PRIVATE_KEY_TEMPLATE_ATTRIBUTE,
        t::PRIVATE_KEY_ATTRIBUTES,
    ))?;
    let public = parse_opt(container(
        p,
        t::PUBLIC_KEY_TEMPLATE_ATTRIBUTE,
        t::PUBLIC_KEY_ATTRIBUTES,
    ))?;
    // Start from the old halves' inheritable attributes, then the request's.
    let to_incoming = |set: &AttributeSet| Incoming {
        attrs: set.iter().map(|(k, _, v)| (k.clone(), v.clone())).collect(),
        template_names: Vec::new(),
    };
    let prv_base = to_incoming(&inherited(&old_prv.attributes));
    let pub_base = to_incoming(&inherited(&old_pub.attributes));
    old_prv.attributes.remove_all(&AttrKey::Std(t::NAME));
    old_pub.attributes.remove_all(&AttrKey::Std(t::NAME));
    // Stage the name removal first so uniqueness checks see it.
    s.txn.put(old_prv.clone());
    s.txn.put(old_pub.clone());
    let merged_prv = merge_incoming(&prv_base, &private);
    let merged_pub = merge_incoming(&pub_base, &public);
    let out = make_pair(s, &common, &merged_prv, &merged_pub, (&[], &[]))?;
    for (old, new_uid) in [
        (&mut old_prv, &out.private_uid),
        (&mut old_pub, &out.public_uid),
    ] {
        let mut new = load_live(s, new_uid)?;
        shifted_dates(s, &old.attributes, offset, &mut new.attributes);
        replacement_links(old, &mut new.attributes, new_uid);
        new.apply_dates(s.now);
        touch(s, old);
        s.txn.put(old.clone());
        s.txn.put(new);
    }
    Ok(payload(vec![
        s.uid_item(t::PRIVATE_KEY_UNIQUE_IDENTIFIER, &out.private_uid),
        s.uid_item(t::PUBLIC_KEY_UNIQUE_IDENTIFIER, &out.public_uid),
    ]))
}

fn merge_incoming(base: &Incoming, over: &Incoming) -> Incoming {
    let mut attrs: Vec<(AttrKey, Item)> = Vec::new();
    for (k, v) in &base.attrs {
        let overridden = !k.def().multi && over.attrs.iter().any(|(ok, _)| ok == k);
        if !overridden {
            attrs.push((k.clone(), v.clone()));
        }
    }
    attrs.extend(over.attrs.iter().cloned());
    Incoming {
        attrs,
        template_names: over.template_names.clone(),
    }
}
