//! Certificates: Certify and Re-certify (the server's own CA issues X.509
//! certificates) and Validate (certificate chain validation).
//!
//! KMIP 2.1 §6.1.6 Certify, §6.1.45 Re-certify, §6.1.57 Validate; KMIP 1.4
//! §4.7, §4.8, §4.24 (the same operations since 1.0; 1.x carries the request
//! in Certificate Request 0x420018, 2.x in Certificate Request Value).
//!
//! ## The CA
//!
//! Certificates are signed by a CA the server keeps as two managed objects:
//! a Private Key (ECDSA P-256, PKCS#8, Sensitive, not Extractable) named
//! [`CA_KEY_NAME`] and its self-signed Certificate named [`CA_CERT_NAME`],
//! linked to each other and marked with the server attribute
//! `y-kmip-reference-server-ca` (which a client cannot set, so a client
//! object is never taken for the CA; the Names are left off when a client
//! already uses them). They are created on first use (the first Certify /
//! Re-certify), in the same transaction as the certificate they sign, so a
//! server that never certifies has no extra objects (Locate answers stay as
//! the corpus expects), and with `--data-dir` they persist like every other
//! object. They have no owner (server objects). A client that destroys them
//! gets a new CA at the next Certify.
//!
//! ## What is issued
//!
//! Certificate Request Types PKCS#10 (DER) and PEM: the request's signature
//! is checked (rcgen / x509-parser); a bad one is Invalid CSR (2.x) /
//! Invalid Field (1.x). Subject, Subject Alternative Names, Key Usage,
//! Extended Key Usage and Basic Constraints come from the request. CRMF and
//! PGP requests: Feature Not Supported. Without a request, the Public Key
//! named by the Unique Identifier (or the ID Placeholder) is certified; the
//! Certificate Type (X.509) must then be given in the attributes and the
//! subject is built from the Certificate Subject CN / O / OU / C / ST / L
//! attributes of the request (2.x), else the public key's Name, else its
//! Unique Identifier as the Common Name. Validity: one year from now.
//!
//! ## Validation policy (Validate)
//!
//! The spec leaves it to the server. Here: every certificate must parse and
//! be valid at the Validity Date (default now), else Invalid. The chain is
//! built from the leaf (the certificate that signs no other one of the
//! request) up, each issuer found by name among the request's certificates,
//! then among the certificates the server holds; each signature must verify
//! with the issuer's key and each issuer must be a CA (Basic Constraints)
//! whose Key Usage, when present, allows certificate signing, else Invalid.
//! A certificate of the request left off the chain makes it
//! Invalid (a request holds one chain). The chain is Valid when it ends at a
//! trust anchor: a self-signed certificate held by the server (its CA, or
//! one registered by a client). It is Unknown when it ends at a self-signed
//! certificate the server does not hold, or at an issuer it cannot find.

use super::create::{client_attributes, container, finish_new, parse_opt, storage_masks, Origin};
use super::{invalid_object_type, load_live, load_live_shared, payload, reason_for, touch};
use crate::attributes::{self, AttrKey, AttributeSet, Incoming};
use crate::error::KmipError;
use crate::object::ManagedObject;
use crate::server::Session;
use crate::spec::enums::{
    certificate_type as ct, crypto_alg as alg, key_format as kf, link_type as lt,
    object_type as ot, result_reason as rr,
};
use crate::spec::tags as t;
use crate::spec::V2_0;
use crate::store::new_uid;
use crate::tree::{bytes, datetime, enumeration, int, st, Fields};
use kmip_ttlv::enums::{certificate_request_type as crt, validity_indicator as vi};
use kmip_ttlv::{Item, Value};
use rcgen::PublicKeyData;
use rustls::pki_types::{CertificateDer, CertificateSigningRequestDer};
use x509_parser::prelude::{FromDer, X509Certificate};

/// Name of the CA certificate object.
pub const CA_CERT_NAME: &str = "kmip-reference-server CA";
/// Name of the CA private key object.
pub const CA_KEY_NAME: &str = "kmip-reference-server CA key";
/// Validity of an issued certificate.
const CERT_VALIDITY_SECONDS: i64 = 365 * 86_400;
/// Validity of the CA certificate.
const CA_VALIDITY_SECONDS: i64 = 10 * 365 * 86_400;
/// Largest chain Validate walks (certificates of the request + store).
const MAX_CHAIN: usize = 32;

/// The server's CA: its signing key and certificate.
struct Ca {
    key: rcgen::KeyPair,
    cert_der: Vec<u8>,
}

fn rcgen_err(e: rcgen::Error) -> KmipError {
    KmipError::new(
        rr::GENERAL_FAILURE,
        format!("certificate generation failed: {e}"),
    )
}

/// Seconds since the epoch (clamped at 0) as rcgen's date type.
macro_rules! rc_time {
    ($secs:expr) => {
        rcgen::date_time_ymd(1970, 1, 1)
            + std::time::Duration::from_secs(u64::try_from($secs).unwrap_or(0))
    };
}

fn random_serial() -> rcgen::SerialNumber {
    let mut b: [u8; 16] = rand::random();
    b[0] &= 0x7f; // positive INTEGER
    b[0] |= 0x01; // no leading zero octet to strip
    rcgen::SerialNumber::from(b.to_vec())
}

/// The bytes of a plaintext Key Block's Key Material (byte-string formats).
fn key_material(obj: &ManagedObject) -> Option<&[u8]> {
    let kv = obj.key_block()?.child(t::KEY_VALUE)?;
    match &kv.child(t::KEY_MATERIAL)?.value {
        Value::ByteString(b) => Some(b.as_slice()),
        _ => None,
    }
}

/// The Certificate Value of a Certificate object.
fn certificate_value(obj: &ManagedObject) -> Option<&[u8]> {
    match &obj.body.as_ref()?.child(t::CERTIFICATE_VALUE)?.value {
        Value::ByteString(b) => Some(b.as_slice()),
        _ => None,
    }
}

/// The server attribute (vendor `y`: clients can neither set nor change
/// it) that marks the CA's two objects; its value is [`CA_CERT_ROLE`] or
/// [`CA_KEY_ROLE`].
fn ca_marker() -> AttrKey {
    AttrKey::Vendor {
        vendor: "y".into(),
        name: "kmip-reference-server-ca".into(),
    }
}
const CA_CERT_ROLE: &str = "certificate";
const CA_KEY_ROLE: &str = "private key";

fn has_role(o: &ManagedObject, role: &str) -> bool {
    o.attributes
        .get(&ca_marker())
        .iter()
        .any(|v| v.value.as_text() == Some(role))
}

/// Is `name` free (no live object has it)? The CA's Names are only a
/// convenience: they are left off when a client already uses them.
fn name_free(s: &Session<'_>, name: &str) -> Result<bool, KmipError> {
    Ok(!s
        .txn
        .list_for_names()?
        .iter()
        .any(|o| !o.is_destroyed() && o.attributes.names().any(|n| n == name)))
}

/// The server's CA, created (staged in this transaction) when there is none.
///
/// Read with the names scan (a concurrent commit that creates the CA names
/// its objects, so this message re-runs and finds it instead of making a
/// second CA; a general scan would make every concurrent commit a conflict).
fn ca(s: &mut Session<'_>) -> Result<Ca, KmipError> {
    for o in s.txn.list_for_names()? {
        if o.object_type != ot::CERTIFICATE || o.is_destroyed() || !has_role(&o, CA_CERT_ROLE) {
            continue;
        }
        let Some(key_uid) = o.attributes.links(lt::PRIVATE_KEY_LINK).next() else {
            continue;
        };
        let Some(key_obj) = s.txn.get_shared(key_uid)? else {
            continue;
        };
        if key_obj.is_destroyed() || !has_role(&key_obj, CA_KEY_ROLE) {
            continue;
        }
        let (Some(pkcs8), Some(der)) = (key_material(&key_obj), certificate_value(&o)) else {
            continue;
        };
        let Ok(key) = rcgen::KeyPair::try_from(pkcs8) else {
            continue;
        };
        return Ok(Ca {
            key,
            cert_der: der.to_vec(),
        });
    }
    new_ca(s)
}

fn new_ca(s: &mut Session<'_>) -> Result<Ca, KmipError> {
    let key = rcgen::KeyPair::generate().map_err(rcgen_err)?;
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, CA_CERT_NAME);
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "kmip-harness");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = rc_time!(s.now - 60);
    params.not_after = rc_time!(s.now + CA_VALIDITY_SECONDS);
    params.serial_number = Some(random_serial());
    let cert = params.self_signed(&key).map_err(rcgen_err)?;
    let cert_der = cert.der().to_vec();
    let key_uid = new_uid();
    let cert_uid = new_uid();

    let mut kattrs = AttributeSet::new();
    kattrs.set(
        ca_marker(),
        crate::tree::text(t::ATTRIBUTE_VALUE, CA_KEY_ROLE),
    );
    if name_free(s, CA_KEY_NAME)? {
        kattrs.add(AttrKey::Std(t::NAME), attributes::name(CA_KEY_NAME));
    }
    kattrs.add(
        AttrKey::Std(t::LINK),
        attributes::link(lt::CERTIFICATE_LINK, &cert_uid),
    );
    kattrs.set_std(int(
        t::CRYPTOGRAPHIC_USAGE_MASK,
        crate::spec::enums::usage_mask::SIGN as i32,
    ));
    kattrs.set_std(crate::tree::boolean(t::SENSITIVE, true));
    kattrs.set_std(crate::tree::boolean(t::EXTRACTABLE, false));
    kattrs.set_std(datetime(t::ACTIVATION_DATE, s.now));
    let kb = super::crypto::bytes_key_block(
        kf::PKCS_8,
        &key.serialize_der(),
        Some(alg::ECDSA),
        Some(256),
    );
    let mut kobj = finish_new(
        s,
        key_uid.clone(),
        ot::PRIVATE_KEY,
        kattrs,
        st(t::PRIVATE_KEY, vec![kb]),
        Origin::Generated,
        &[],
    )?;
    kobj.owner = None;

    let mut cattrs = certificate_attributes(&cert_der);
    cattrs.set(
        ca_marker(),
        crate::tree::text(t::ATTRIBUTE_VALUE, CA_CERT_ROLE),
    );
    if name_free(s, CA_CERT_NAME)? {
        cattrs.add(AttrKey::Std(t::NAME), attributes::name(CA_CERT_NAME));
    }
    cattrs.add(
        AttrKey::Std(t::LINK),
        attributes::link(lt::PRIVATE_KEY_LINK, &key_uid),
    );
    cattrs.set_std(datetime(t::ACTIVATION_DATE, s.now));
    let mut cobj = finish_new(
        s,
        cert_uid,
        ot::CERTIFICATE,
        cattrs,
        certificate_body(&cert_der),
        Origin::Generated,
        &[],
    )?;
    cobj.owner = None;
    s.txn.put(kobj);
    s.txn.put(cobj);
    Ok(Ca { key, cert_der })
}

/// A Certificate object body (Certificate Type X.509 + Certificate Value).
fn certificate_body(der: &[u8]) -> Item {
    st(
        t::CERTIFICATE,
        vec![
            enumeration(t::CERTIFICATE_TYPE, ct::X_509),
            bytes(t::CERTIFICATE_VALUE, der.to_vec()),
        ],
    )
}

/// The server-set attributes of an X.509 certificate: Certificate Type,
/// Certificate Length and everything [`crate::certattrs`] derives from the
/// DER (Register uses the same derivation).
pub fn certificate_attributes(der: &[u8]) -> AttributeSet {
    let mut a = AttributeSet::new();
    a.set_std(enumeration(t::CERTIFICATE_TYPE, ct::X_509));
    a.set_std(int(
        t::CERTIFICATE_LENGTH,
        i32::try_from(der.len()).unwrap_or(i32::MAX),
    ));
    for item in crate::certattrs::x509_attributes(der) {
        a.set_std(item);
    }
    a
}

fn invalid_csr(s: &Session<'_>, msg: impl Into<String>) -> KmipError {
    KmipError::new(
        reason_for(s.version, rr::INVALID_CSR, rr::INVALID_FIELD),
        msg,
    )
}

/// The Certificate Request of a Certify / Re-certify payload: (type, bytes).
fn request_of<'a>(s: &Session<'_>, p: &'a Item) -> Result<Option<(u32, &'a [u8])>, KmipError> {
    let f = Fields::new(p);
    let value = match f.bytes(t::CERTIFICATE_REQUEST_VALUE)? {
        Some(v) => Some(v),
        None if s.version < V2_0 => f.bytes(t::CERTIFICATE_REQUEST)?,
        None => None,
    };
    let Some(value) = value else {
        return Ok(None);
    };
    let kind = f.enumeration(t::CERTIFICATE_REQUEST_TYPE)?.ok_or_else(|| {
        KmipError::invalid_field("Certificate Request Type is required with a Certificate Request")
    })?;
    Ok(Some((kind, value)))
}

/// The (Certificate Request Type, Certificate Request Value) of a stored
/// Certificate Request object (KMIP 2.1 §2.2).
fn stored_request(obj: &ManagedObject) -> Result<(u32, &[u8]), KmipError> {
    if obj.object_type != ot::CERTIFICATE_REQUEST {
        return Err(KmipError::new(
            rr::INVALID_OBJECT_TYPE,
            format!("object {:?} is not a Certificate Request", obj.uid),
        ));
    }
    let body = obj
        .body
        .as_ref()
        .ok_or_else(|| KmipError::invalid_field("the Certificate Request has no value"))?;
    let f = Fields::new(body);
    let kind = f.require_enum(t::CERTIFICATE_REQUEST_TYPE)?;
    let value = f
        .bytes(t::CERTIFICATE_REQUEST_VALUE)?
        .ok_or_else(|| KmipError::invalid_field("the Certificate Request has no value"))?;
    Ok((kind, value))
}

/// Parse a PKCS#10 (DER) or PEM request; its signature is checked.
fn parse_csr(
    s: &Session<'_>,
    kind: u32,
    value: &[u8],
) -> Result<rcgen::CertificateSigningRequestParams, KmipError> {
    let parsed = match kind {
        crt::PKCS_10 => rcgen::CertificateSigningRequestParams::from_der(
            &CertificateSigningRequestDer::from(value),
        ),
        crt::PEM => {
            let text = std::str::from_utf8(value)
                .map_err(|_| invalid_csr(s, "the PEM certificate request is not text"))?;
            rcgen::CertificateSigningRequestParams::from_pem(text)
        }
        crt::CRMF | crt::PGP => {
            return Err(KmipError::new(
                rr::FEATURE_NOT_SUPPORTED,
                "this server certifies PKCS#10 and PEM requests only (not CRMF / PGP)",
            ))
        }
        other => {
            return Err(KmipError::invalid_field(format!(
                "unknown Certificate Request Type {other:#x}"
            )))
        }
    };
    parsed.map_err(|e| invalid_csr(s, format!("the certificate request is not valid: {e}")))
}

/// Attributes of the request that describe the certificate to issue rather
/// than attributes to set (they are server-set on the new object): the
/// Certificate Type and the Certificate Subject fields. Removed from `inc`.
struct CertRequestAttrs {
    cert_type: Option<u32>,
    subject: Vec<(rcgen::DnType, String)>,
}

fn take_request_attrs(inc: &mut Incoming) -> CertRequestAttrs {
    let dn_of = |tag| match tag {
        t::CERTIFICATE_SUBJECT_CN => Some(rcgen::DnType::CommonName),
        t::CERTIFICATE_SUBJECT_O => Some(rcgen::DnType::OrganizationName),
        t::CERTIFICATE_SUBJECT_OU => Some(rcgen::DnType::OrganizationalUnitName),
        t::CERTIFICATE_SUBJECT_C => Some(rcgen::DnType::CountryName),
        t::CERTIFICATE_SUBJECT_ST => Some(rcgen::DnType::StateOrProvinceName),
        t::CERTIFICATE_SUBJECT_L => Some(rcgen::DnType::LocalityName),
        _ => None,
    };
    let mut out = CertRequestAttrs {
        cert_type: None,
        subject: Vec::new(),
    };
    inc.attrs.retain(|(k, v)| {
        let Some(tag) = k.tag() else {
            return true;
        };
        if tag == t::CERTIFICATE_TYPE {
            if let Value::Enumeration(c) = v.value {
                out.cert_type = Some(c);
            }
            return false;
        }
        if let (Some(dn), Some(txt)) = (dn_of(tag), v.value.as_text()) {
            out.subject.push((dn, txt.to_string()));
            return false;
        }
        true
    });
    out
}

fn check_x509(cert_type: Option<u32>) -> Result<(), KmipError> {
    match cert_type {
        None | Some(ct::X_509) => Ok(()),
        Some(_) => Err(KmipError::new(
            rr::FEATURE_NOT_SUPPORTED,
            "this server issues X.509 certificates only",
        )),
    }
}

/// The SubjectPublicKeyInfo DER of a Public Key object.
fn public_key_spki(s: &Session<'_>, key: &ManagedObject) -> Result<Vec<u8>, KmipError> {
    if key.object_type != ot::PUBLIC_KEY {
        // 1.x: "Object specified is not able to be certified" → Permission
        // Denied (KMIP 1.4 §11.8); 2.x: Invalid Object Type (§6.1.6.1)
        let reason = reason_for(s.version, rr::INVALID_OBJECT_TYPE, rr::PERMISSION_DENIED);
        return Err(KmipError::new(
            reason,
            "Certify certifies a Public Key (or a Certificate Request)",
        ));
    }
    let kb = key.key_block().ok_or_else(|| {
        KmipError::new(
            rr::KEY_VALUE_NOT_PRESENT,
            "the public key has no key material",
        )
    })?;
    let x509 = super::crypto::convert_key_block(ot::PUBLIC_KEY, kb, kf::X_509)?;
    match x509
        .child(t::KEY_VALUE)
        .and_then(|kv| kv.child(t::KEY_MATERIAL))
        .map(|m| &m.value)
    {
        Some(Value::ByteString(b)) => Ok(b.clone()),
        _ => Err(KmipError::invalid_field(
            "the public key cannot be expressed as an X.509 SubjectPublicKeyInfo",
        )),
    }
}

/// Issue a certificate for `public_key` with `params`, signed by the CA.
fn issue(
    s: &mut Session<'_>,
    mut params: rcgen::CertificateParams,
    public_key: &impl rcgen::PublicKeyData,
) -> Result<Vec<u8>, KmipError> {
    let ca = ca(s)?;
    params.not_before = rc_time!(s.now - 60);
    params.not_after = rc_time!(s.now + CERT_VALIDITY_SECONDS);
    params.serial_number = Some(random_serial());
    let issuer =
        rcgen::Issuer::from_ca_cert_der(&CertificateDer::from(ca.cert_der.as_slice()), &ca.key)
            .map_err(rcgen_err)?;
    let cert = params.signed_by(public_key, &issuer).map_err(rcgen_err)?;
    Ok(cert.der().to_vec())
}

/// Store a new certificate object; returns its uid.
fn store_certificate(
    s: &mut Session<'_>,
    der: &[u8],
    client: AttributeSet,
    links: &[(u32, &str)],
    masks: &[i32],
) -> Result<String, KmipError> {
    let mut attrs = client;
    for (k, _i, v) in certificate_attributes(der).iter() {
        attrs.set(k.clone(), v.clone());
    }
    for (link_type, uid) in links {
        attrs.add(AttrKey::Std(t::LINK), attributes::link(*link_type, uid));
    }
    let uid = new_uid();
    let obj = finish_new(
        s,
        uid.clone(),
        ot::CERTIFICATE,
        attrs,
        certificate_body(der),
        Origin::Registered,
        masks,
    )?;
    s.txn.put(obj);
    Ok(uid)
}

/// Point the public key's Certificate Link at `cert_uid` (replacing the
/// link to `old_cert` when given).
fn link_public_key(
    s: &mut Session<'_>,
    key_uid: &str,
    old_cert: Option<&str>,
    cert_uid: &str,
) -> Result<(), KmipError> {
    let mut key = load_live(s, key_uid)?;
    let link_key = AttrKey::Std(t::LINK);
    if let Some(old) = old_cert {
        let pos = key
            .attributes
            .get(&link_key)
            .iter()
            .position(|v| attributes::link_parts(v) == Some((lt::CERTIFICATE_LINK, old)));
        if let Some(i) = pos {
            key.attributes.remove_at(&link_key, i);
        }
    }
    key.attributes
        .add(link_key, attributes::link(lt::CERTIFICATE_LINK, cert_uid));
    touch(s, &mut key);
    s.txn.put(key);
    Ok(())
}

/// Certify (KMIP 1.4 §4.7, 2.1 §6.1.6).
pub fn certify(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let mut inc = parse_opt(container(p, t::TEMPLATE_ATTRIBUTE, t::ATTRIBUTES))?;
    let req_attrs = take_request_attrs(&mut inc);
    let client = client_attributes(s, &[&inc])?;
    let masks = storage_masks(p, t::PROTECTION_STORAGE_MASKS)?;
    let request = request_of(s, p)?;
    let (der, key_uid) = match request {
        Some((kind, value)) => {
            let csr = parse_csr(s, kind, value)?;
            // A Unique Identifier next to a request names the public key
            // being certified: it must be the request's key.
            let key_uid = match Fields::new(p).get(t::UNIQUE_IDENTIFIER) {
                Some(item) => {
                    let uid = s.resolve_uid_item(item)?;
                    let key = load_live_shared(s, &uid)?;
                    let spki = public_key_spki(s, &key)?;
                    if spki != csr.public_key.subject_public_key_info() {
                        return Err(KmipError::invalid_field(
                            "the certificate request is not for the public key named by the Unique Identifier",
                        ));
                    }
                    Some(uid)
                }
                None => None,
            };
            let der = issue(s, csr.params.clone(), &csr.public_key)?;
            (der, key_uid)
        }
        None => {
            let uid = s.resolve_uid(p)?;
            let key = load_live_shared(s, &uid)?;
            if key.object_type == ot::CERTIFICATE_REQUEST {
                // 2.x: the Unique Identifier of a Certificate Request object
                let (kind, value) = stored_request(&key)?;
                let csr = parse_csr(s, kind, value)?;
                let der = issue(s, csr.params.clone(), &csr.public_key)?;
                let cert_uid = store_certificate(s, &der, client, &[], &masks)?;
                return Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &cert_uid)]));
            }
            let ctype = req_attrs.cert_type.ok_or_else(|| {
                KmipError::invalid_field(
                    "without a Certificate Request the Certificate Type must be given in the attributes",
                )
            })?;
            check_x509(Some(ctype))?;
            let spki_der = public_key_spki(s, &key)?;
            let spki = rcgen::SubjectPublicKeyInfo::from_der(&spki_der).map_err(|e| {
                KmipError::new(
                    rr::FEATURE_NOT_SUPPORTED,
                    format!("cannot certify this kind of public key: {e}"),
                )
            })?;
            let mut params = rcgen::CertificateParams::default();
            params.distinguished_name = rcgen::DistinguishedName::new();
            if req_attrs.subject.is_empty() {
                let cn = key
                    .attributes
                    .names()
                    .next()
                    .map(str::to_string)
                    .unwrap_or_else(|| uid.clone());
                params
                    .distinguished_name
                    .push(rcgen::DnType::CommonName, cn);
            }
            for (dn, v) in req_attrs.subject {
                params.distinguished_name.push(dn, v);
            }
            let der = issue(s, params, &spki)?;
            (der, Some(uid))
        }
    };
    let links: Vec<(u32, &str)> = key_uid
        .as_deref()
        .map(|u| vec![(lt::PUBLIC_KEY_LINK, u)])
        .unwrap_or_default();
    let cert_uid = store_certificate(s, &der, client, &links, &masks)?;
    if let Some(k) = &key_uid {
        link_public_key(s, k, None, &cert_uid)?;
    }
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &cert_uid)]))
}

/// Re-certify (KMIP 1.4 §4.8, 2.1 §6.1.45).
pub fn re_certify(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let uid = s.resolve_uid(p)?;
    let mut old = load_live(s, &uid)?;
    if old.object_type != ot::CERTIFICATE {
        let reason = reason_for(s.version, rr::INVALID_OBJECT_TYPE, rr::PERMISSION_DENIED);
        return Err(KmipError::new(reason, "Re-certify renews a Certificate"));
    }
    let offset = f.interval(t::OFFSET)?;
    let mut inc = parse_opt(container(p, t::TEMPLATE_ATTRIBUTE, t::ATTRIBUTES))?;
    let req_attrs = take_request_attrs(&mut inc);
    check_x509(req_attrs.cert_type)?;
    let masks = storage_masks(p, t::PROTECTION_STORAGE_MASKS)?;
    let old_der = certificate_value(&old)
        .ok_or_else(|| KmipError::invalid_field("the certificate has no value"))?
        .to_vec();
    // 2.x: a Certificate Request object named by Certificate Request
    // Unique Identifier
    let stored = match f.text(t::CERTIFICATE_REQUEST_UNIQUE_IDENTIFIER)? {
        Some(req_uid) => {
            let obj = load_live_shared(s, req_uid)?;
            let (kind, value) = stored_request(&obj)?;
            Some((kind, value.to_vec()))
        }
        None => None,
    };
    let request = match (request_of(s, p)?, &stored) {
        (Some((kind, value)), _) => Some((kind, value.to_vec())),
        (None, Some((kind, value))) => Some((*kind, value.clone())),
        (None, None) => None,
    };
    let der = match request {
        Some((kind, value)) => {
            let csr = parse_csr(s, kind, &value)?;
            issue(s, csr.params.clone(), &csr.public_key)?
        }
        None => {
            let (_, x509) = X509Certificate::from_der(&old_der).map_err(|_| {
                KmipError::new(
                    rr::FEATURE_NOT_SUPPORTED,
                    "the existing certificate is not an X.509 certificate this server can parse",
                )
            })?;
            let spki =
                rcgen::SubjectPublicKeyInfo::from_der(x509.public_key().raw).map_err(|e| {
                    KmipError::new(
                        rr::FEATURE_NOT_SUPPORTED,
                        format!("cannot certify this kind of public key: {e}"),
                    )
                })?;
            let mut params = rcgen::CertificateParams::default();
            params.distinguished_name = distinguished_name(x509.subject());
            if let Ok(Some(san)) = x509.subject_alternative_name() {
                for n in &san.value.general_names {
                    if let x509_parser::extensions::GeneralName::DNSName(d) = n {
                        if let Ok(v) = rcgen::string::Ia5String::try_from(d.to_string()) {
                            params.subject_alt_names.push(rcgen::SanType::DnsName(v));
                        }
                    }
                }
            }
            issue(s, params, &spki)?
        }
    };
    // Attributes copied from the existing certificate (Table 299 lists the
    // ones that are not): the client-settable ones, Name moved.
    let mut attrs = AttributeSet::new();
    for (k, _i, v) in old.attributes.iter() {
        let server_attr = matches!(k, AttrKey::Vendor { vendor, .. } if vendor == "y");
        let copy = k.def().template
            && !server_attr
            && !matches!(
                k.tag(),
                Some(t::ACTIVATION_DATE | t::DEACTIVATION_DATE | t::LINK)
            );
        if copy {
            attrs.add(k.clone(), v.clone());
        }
    }
    old.attributes.remove_all(&AttrKey::Std(t::NAME));
    // staged now so the moved Name is not seen as taken by `old`
    s.txn.put(old.clone());
    // Dates (Table 298).
    let at1 = old.attributes.date_value(t::ACTIVATION_DATE);
    let dt1 = old.attributes.date_value(t::DEACTIVATION_DATE);
    match offset {
        None => {
            if let Some(a) = at1 {
                attrs.set_std(datetime(t::ACTIVATION_DATE, a));
            }
            if let Some(d) = dt1 {
                attrs.set_std(datetime(t::DEACTIVATION_DATE, d));
            }
        }
        Some(off) => {
            let at2 = s.now + i64::from(off);
            attrs.set_std(datetime(t::ACTIVATION_DATE, at2));
            if let (Some(a1), Some(d1)) = (at1, dt1) {
                attrs.set_std(datetime(
                    t::DEACTIVATION_DATE,
                    d1.saturating_add(at2.saturating_sub(a1)),
                ));
            }
        }
    }
    let requested = client_attributes(s, &[&inc])?;
    for (k, _i, v) in requested.iter() {
        attrs.put(k.clone(), v.clone());
    }
    let key_uid = old
        .attributes
        .links(lt::PUBLIC_KEY_LINK)
        .next()
        .map(str::to_string);
    let mut links = vec![(lt::REPLACED_OBJECT_LINK, uid.as_str())];
    if let Some(k) = key_uid.as_deref() {
        links.push((lt::PUBLIC_KEY_LINK, k));
    }
    let new_uid = store_certificate(s, &der, attrs, &links, &masks)?;
    old.attributes.add(
        AttrKey::Std(t::LINK),
        attributes::link(lt::REPLACEMENT_OBJECT_LINK, &new_uid),
    );
    touch(s, &mut old);
    s.txn.put(old);
    if let Some(k) = &key_uid {
        // a public key the client has since destroyed keeps no link
        if load_live_shared(s, k).is_ok() {
            link_public_key(s, k, Some(&uid), &new_uid)?;
        }
    }
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &new_uid)]))
}

/// An rcgen name with the attributes of a parsed X.509 name.
fn distinguished_name(name: &x509_parser::x509::X509Name<'_>) -> rcgen::DistinguishedName {
    let mut dn = rcgen::DistinguishedName::new();
    for rdn in name.iter() {
        for atv in rdn.iter() {
            let Ok(value) = atv.as_str() else {
                continue;
            };
            let oid: Vec<u64> = match atv.attr_type().iter() {
                Some(it) => it.collect(),
                None => continue,
            };
            let ty = match oid.as_slice() {
                [2, 5, 4, 3] => rcgen::DnType::CommonName,
                [2, 5, 4, 6] => rcgen::DnType::CountryName,
                [2, 5, 4, 7] => rcgen::DnType::LocalityName,
                [2, 5, 4, 8] => rcgen::DnType::StateOrProvinceName,
                [2, 5, 4, 10] => rcgen::DnType::OrganizationName,
                [2, 5, 4, 11] => rcgen::DnType::OrganizationalUnitName,
                _ => rcgen::DnType::CustomDnType(oid),
            };
            dn.push(ty, value);
        }
    }
    dn
}

/// The outcome of a chain validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// The chain verifies up to a trust anchor at the date.
    Valid,
    /// A certificate is unparsable, out of its validity period, badly
    /// signed, signed by a non-CA, or not part of the chain.
    Invalid,
    /// The chain verifies but does not end at a trust anchor the server has.
    Unknown,
}

impl Validity {
    fn code(self) -> u32 {
        match self {
            Validity::Valid => vi::VALID,
            Validity::Invalid => vi::INVALID,
            Validity::Unknown => vi::UNKNOWN,
        }
    }
}

/// Validate a chain (`chain`: the request's certificates, DER) at `when`
/// against the certificates the server holds (`held`, DER). Pure.
pub fn validate_chain(chain: &[Vec<u8>], held: &[Vec<u8>], when: i64) -> Validity {
    let Ok(time) = x509_parser::time::ASN1Time::from_timestamp(when) else {
        return Validity::Invalid;
    };
    let mut certs = Vec::new();
    for der in chain {
        match X509Certificate::from_der(der) {
            Ok(([], c)) => certs.push(c),
            _ => return Validity::Invalid,
        }
    }
    if certs.is_empty() || certs.iter().any(|c| !c.validity().is_valid_at(time)) {
        return Validity::Invalid;
    }
    let store: Vec<X509Certificate<'_>> = held
        .iter()
        .filter_map(|d| X509Certificate::from_der(d).ok().map(|(_, c)| c))
        .collect();
    let self_signed = |c: &X509Certificate<'_>| c.subject() == c.issuer();
    // The leaf: a certificate of the request that issued no other one.
    let issued_other = |i: usize| {
        certs
            .iter()
            .enumerate()
            .any(|(j, c)| j != i && !self_signed(c) && c.issuer() == certs[i].subject())
    };
    let leaf = (0..certs.len()).find(|&i| !issued_other(i)).unwrap_or(0);
    let mut used = vec![false; certs.len()];
    used[leaf] = true;
    let mut current: &X509Certificate<'_> = &certs[leaf];
    for _ in 0..MAX_CHAIN {
        if self_signed(current) {
            if current.verify_signature(None).is_err() {
                return Validity::Invalid;
            }
            if used.iter().any(|u| !u) {
                return Validity::Invalid;
            }
            let anchored = store.iter().any(|h| h.as_raw() == current.as_raw());
            return if anchored {
                Validity::Valid
            } else {
                Validity::Unknown
            };
        }
        // The issuer: first among the request's certificates, then held.
        let from_request = certs
            .iter()
            .enumerate()
            .find(|(j, c)| !used[*j] && c.subject() == current.issuer());
        let issuer: &X509Certificate<'_> = match from_request {
            Some((j, c)) => {
                used[j] = true;
                c
            }
            None => match store.iter().find(|c| {
                c.subject() == current.issuer()
                    && current.verify_signature(Some(c.public_key())).is_ok()
            }) {
                Some(c) => c,
                None => return Validity::Unknown,
            },
        };
        // an issuer whose Key Usage is given must allow certificate signing
        let may_sign = match issuer.key_usage() {
            Ok(Some(ku)) => ku.value.key_cert_sign(),
            Ok(None) => true,
            Err(_) => false,
        };
        if current.verify_signature(Some(issuer.public_key())).is_err()
            || !issuer.is_ca()
            || !may_sign
            || !issuer.validity().is_valid_at(time)
        {
            return Validity::Invalid;
        }
        current = issuer;
    }
    Validity::Invalid
}

/// Validate (KMIP 1.4 §4.24, 2.1 §6.1.57).
pub fn validate(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let mut chain = Vec::new();
    for c in f.all(t::CERTIFICATE) {
        let cf = Fields::new(c);
        let ty = cf.require_enum(t::CERTIFICATE_TYPE)?;
        if ty != ct::X_509 {
            return Err(KmipError::new(
                rr::FEATURE_NOT_SUPPORTED,
                "this server validates X.509 certificates only",
            ));
        }
        let v = cf
            .bytes(t::CERTIFICATE_VALUE)?
            .ok_or_else(|| KmipError::invalid_field("Certificate Value is required"))?;
        chain.push(v.to_vec());
    }
    for item in f.all(t::UNIQUE_IDENTIFIER) {
        let uid = s.resolve_uid_item(item)?;
        let obj = load_live_shared(s, &uid)?;
        if obj.object_type != ot::CERTIFICATE {
            return Err(invalid_object_type(
                s.version,
                format!("object {uid:?} is not a Certificate"),
            ));
        }
        let der = certificate_value(&obj)
            .ok_or_else(|| KmipError::invalid_field("the certificate has no value"))?;
        chain.push(der.to_vec());
    }
    if chain.is_empty() {
        return Err(KmipError::invalid_field(
            "Validate needs at least one Certificate or Unique Identifier",
        ));
    }
    if chain.len() > MAX_CHAIN {
        return Err(KmipError::invalid_field(format!(
            "a chain of more than {MAX_CHAIN} certificates"
        )));
    }
    let when = f.datetime(t::VALIDITY_DATE)?.unwrap_or(s.now);
    let held: Vec<Vec<u8>> = s
        .txn
        .list()?
        .iter()
        .filter(|o| o.object_type == ot::CERTIFICATE && !o.is_destroyed())
        .filter(|o| s.access.visible(o.owner.as_deref(), s.client.as_deref()) || o.owner.is_none())
        .filter_map(|o| certificate_value(o).map(<[u8]>::to_vec))
        .collect();
    let v = validate_chain(&chain, &held, when);
    Ok(payload(vec![enumeration(t::VALIDITY_INDICATOR, v.code())]))
}
