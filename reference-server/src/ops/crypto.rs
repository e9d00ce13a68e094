//! The server's one door to the crypto engine ([`crate::crypto`]): the
//! cryptographic operations (Encrypt, Decrypt, Sign, Signature Verify, MAC,
//! MAC Verify, Hash, RNG Retrieve, RNG Seed) registered in
//! [`super::OPERATIONS`], and the key material the object operations need:
//! generation for Create / Re-key ([`symmetric_key_block`]) and Create Key
//! Pair / Re-key Key Pair ([`key_pair_blocks`]), Key Format Type conversion
//! for Get ([`convert_key_block`]), key wrapping for Get with a Key Wrapping
//! Specification ([`wrap_for_get`]), the Digest and the key length of a new
//! object ([`digest_input`], [`sha256`], [`key_length`]), Derive Key's
//! derived bytes ([`derive_material`]) and their Key Block
//! ([`bytes_key_block`]), and PKCS#12 containers for Get / Register with Key
//! Format Type PKCS#12 ([`pkcs12_encode`], [`pkcs12_decode`]; the links and
//! the password are resolved in `super::export`).
//!
//! Each operation resolves the request's Unique Identifier through the
//! [`Session`] (explicit value, 2.x enumerated reference or ID Placeholder),
//! hands the payload to the engine with a [`KeyLookup`] over the session's
//! transaction, and maps an [`OpError`] to a [`KmipError`]. Usage Limits are
//! decremented in the transaction (committed with the batch). The
//! multi-part stream table (Encrypt, Decrypt, Sign, Signature Verify, MAC,
//! MAC Verify, Hash) and the server RNG live for the process.
//!
//! Register stores wrapped key material as the client sent it; only Import
//! with Key Wrap Type Not Wrapped unwraps it ([`unwrap_for_import`]).

use super::load_live;
use crate::crypto::payload::{self as cops, DeriveRequest, PairRequest};
use crate::crypto::{KeyInfo, KeyLookup, OpError, ServerRng, StreamTable};
use crate::error::KmipError;
use crate::server::Session;
use crate::spec::enums::result_reason as rr;
use crate::spec::tags as t;
use kmip_ttlv::{Item, Value};
use std::cell::RefCell;
use std::sync::OnceLock;

/// The process-wide multi-part stream table.
fn streams() -> &'static StreamTable {
    static STREAMS: OnceLock<StreamTable> = OnceLock::new();
    STREAMS.get_or_init(StreamTable::new)
}

/// The process-wide server RNG (`None` when the OS gave no entropy).
fn rng() -> Result<&'static ServerRng, KmipError> {
    static RNG: OnceLock<Option<ServerRng>> = OnceLock::new();
    RNG.get_or_init(|| ServerRng::new().ok())
        .as_ref()
        .ok_or_else(|| KmipError::new(rr::GENERAL_FAILURE, "the server RNG is unavailable"))
}

fn to_kmip(e: OpError) -> KmipError {
    KmipError::new(e.reason, e.message)
}

impl From<OpError> for KmipError {
    fn from(e: OpError) -> KmipError {
        to_kmip(e)
    }
}

fn to_op(e: KmipError) -> OpError {
    OpError {
        reason: e.reason,
        message: e.message,
    }
}

/// The session's objects, seen by the crypto engine.
struct SessionKeys<'s, 'a> {
    s: RefCell<&'s mut Session<'a>>,
}

impl KeyLookup for SessionKeys<'_, '_> {
    fn key(&self, uid: &str) -> Result<KeyInfo, OpError> {
        let s = self.s.borrow();
        key_info(&s, uid)
    }

    fn default_identifier(&self) -> Option<String> {
        self.s.borrow().id_placeholder.clone()
    }

    fn allocate_usage(&self, uid: &str, amount: i64) -> Result<(), OpError> {
        let mut s = self.s.borrow_mut();
        let mut obj = load_live(&s, uid).map_err(to_op)?;
        let Some(limits) = obj.attributes.first(t::USAGE_LIMITS).cloned() else {
            return Ok(());
        };
        let long = |tag| match limits.child(tag).map(|i| &i.value) {
            Some(Value::LongInteger(v)) => Some(*v),
            Some(Value::Integer(v)) => Some(i64::from(*v)),
            _ => None,
        };
        let remaining = long(t::USAGE_LIMITS_COUNT).or(long(t::USAGE_LIMITS_TOTAL));
        let Some(remaining) = remaining else {
            return Ok(());
        };
        let left = remaining - amount;
        if left < 0 {
            return Err(OpError {
                reason: rr::PERMISSION_DENIED,
                message: format!("usage limits exhausted ({remaining} left, {amount} needed)"),
            });
        }
        let mut children: Vec<Item> = limits
            .children()
            .iter()
            .filter(|c| c.tag != t::USAGE_LIMITS_COUNT)
            .cloned()
            .collect();
        children.push(Item::new(t::USAGE_LIMITS_COUNT, Value::LongInteger(left)));
        obj.attributes
            .set_std(Item::structure(t::USAGE_LIMITS, children));
        s.txn.put(obj);
        Ok(())
    }

    fn now(&self) -> i64 {
        self.s.borrow().now
    }
}

/// The engine's view of a stored object.
fn key_info(s: &Session<'_>, uid: &str) -> Result<KeyInfo, OpError> {
    let obj = load_live(s, uid).map_err(to_op)?;
    let body = obj.body.as_ref().ok_or_else(|| OpError {
        reason: rr::ITEM_NOT_FOUND,
        message: format!("object {uid:?} has no key material"),
    })?;
    let attrs: Vec<Item> = obj
        .attributes
        .iter()
        .filter(|(k, _, _)| k.tag().is_some())
        .map(|(_, _, v)| v.clone())
        .collect();
    KeyInfo::from_object(uid, obj.object_type, body, &attrs)
}

/// The request with its Unique Identifier resolved to a plain identifier
/// (2.x enumerated references and indexes become the object's identifier).
fn resolved(s: &Session<'_>, req: &Item) -> Result<Item, KmipError> {
    let Some(u) = req.child(t::UNIQUE_IDENTIFIER) else {
        return Ok(req.clone());
    };
    if u.value.as_text().is_some() {
        return Ok(req.clone());
    }
    let uid = s.resolve_uid_item(u)?;
    let children = req
        .children()
        .iter()
        .map(|c| {
            if c.tag == t::UNIQUE_IDENTIFIER {
                s.uid_item(t::UNIQUE_IDENTIFIER, &uid)
            } else {
                c.clone()
            }
        })
        .collect();
    Ok(Item::structure(req.tag, children))
}

type KeyedOp = fn(&Item, &dyn KeyLookup, kmip_ttlv::dict::Version) -> Result<Item, OpError>;

fn keyed(s: &mut Session<'_>, req: &Item, f: KeyedOp) -> Result<Item, KmipError> {
    let req = resolved(s, req)?;
    let version = s.version;
    let keys = SessionKeys { s: RefCell::new(s) };
    f(&req, &keys, version).map_err(to_kmip)
}

/// Encrypt (KMIP 1.4 §4.29, 2.1 §6.1.17).
pub fn encrypt(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    keyed(s, req, |r, k, v| cops::encrypt(r, k, streams(), v))
}

/// Decrypt (KMIP 1.4 §4.30, 2.1 §6.1.11).
pub fn decrypt(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    keyed(s, req, |r, k, v| cops::decrypt(r, k, streams(), v))
}

/// Sign (KMIP 1.4 §4.31, 2.1 §6.1.55).
pub fn sign(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    keyed(s, req, |r, k, v| cops::sign(r, k, streams(), v))
}

/// Signature Verify (KMIP 1.4 §4.32, 2.1 §6.1.56).
pub fn signature_verify(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    keyed(s, req, |r, k, v| cops::signature_verify(r, k, streams(), v))
}

/// MAC (KMIP 1.4 §4.33, 2.1 §6.1.32).
pub fn mac(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    keyed(s, req, |r, k, v| cops::mac(r, k, streams(), v))
}

/// MAC Verify (KMIP 1.4 §4.34, 2.1 §6.1.33).
pub fn mac_verify(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    keyed(s, req, |r, k, v| cops::mac_verify(r, k, streams(), v))
}

/// Hash (KMIP 1.4 §4.37, 2.1 §6.1.24).
pub fn hash(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    cops::hash(req, streams(), s.version).map_err(to_kmip)
}

/// RNG Retrieve (KMIP 1.4 §4.35, 2.1 §6.1.49).
pub fn rng_retrieve(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    cops::rng_retrieve(req, rng()?, s.version).map_err(to_kmip)
}

/// RNG Seed (KMIP 1.4 §4.36, 2.1 §6.1.50).
pub fn rng_seed(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    cops::rng_seed(req, rng()?, s.version).map_err(to_kmip)
}

/// Derive Key's key material (KMIP 1.4 §4.6, 2.1 §6.1.14): `base` are the
/// resolved Unique Identifiers of the base objects, `parameters` the
/// Derivation Parameters, `out_len` the derived length in bytes.
pub fn derive_material(
    s: &mut Session<'_>,
    method: u32,
    base: &[String],
    parameters: &Item,
    out_len: usize,
) -> Result<zeroize::Zeroizing<Vec<u8>>, KmipError> {
    let version = s.version;
    let keys = SessionKeys { s: RefCell::new(s) };
    let req = DeriveRequest {
        method,
        base,
        parameters,
        out_len,
    };
    cops::derive_key_material(&req, &keys, version).map_err(to_kmip)
}

/// A Key Block holding `bytes` in Key Format Type `format` (Raw for a
/// derived Symmetric Key, Opaque for derived Secret Data), with the
/// algorithm and length when given.
pub fn bytes_key_block(
    format: u32,
    bytes: &[u8],
    algorithm: Option<u32>,
    length: Option<i32>,
) -> Item {
    crate::crypto::keyblock::key_block_item(
        &crate::crypto::EncodedKey::Bytes {
            format: crate::crypto::KeyFormat::from_code(format),
            bytes: bytes.to_vec(),
        },
        algorithm,
        length,
    )
}

/// Get with a Key Wrapping Specification (KMIP 1.4 §2.1.6, 2.1 §7.18):
/// the Key Block of `body` (an object structure such as Symmetric Key)
/// wrapped in place with the key named in `spec`.
pub fn wrap_for_get(s: &mut Session<'_>, body: &mut Item, spec: &Item) -> Result<(), KmipError> {
    let spec = resolve_eki(s, spec)?;
    let version = s.version;
    let kb = body
        .child(t::KEY_BLOCK)
        .ok_or_else(|| KmipError::invalid_field("only objects with a Key Block can be wrapped"))?
        .clone();
    let wrapped = {
        let keys = SessionKeys { s: RefCell::new(s) };
        cops::wrap_key_block(&kb, &spec, &keys, version).map_err(to_kmip)?
    };
    if let Some(slot) = body.child_mut(t::KEY_BLOCK) {
        *slot = wrapped;
    }
    Ok(())
}

/// Import with Key Wrap Type Not Wrapped (KMIP 2.1 §6.1.25): the Key Block
/// of `body` unwrapped in place with the key its Key Wrapping Data names.
pub fn unwrap_for_import(s: &mut Session<'_>, body: &mut Item) -> Result<(), KmipError> {
    let version = s.version;
    let kb = body
        .child(t::KEY_BLOCK)
        .ok_or_else(|| KmipError::invalid_field("only objects with a Key Block are wrapped"))?
        .clone();
    let mut kb = kb;
    if let Some(kwd) = kb.child(t::KEY_WRAPPING_DATA).cloned() {
        // 2.x enumerated references in the Encryption Key Information.
        let kwd = resolve_eki(s, &kwd)?;
        if let Some(slot) = kb.child_mut(t::KEY_WRAPPING_DATA) {
            *slot = kwd;
        }
    }
    let plain = {
        let keys = SessionKeys { s: RefCell::new(s) };
        cops::unwrap_key_block(&kb, &keys, version).map_err(to_kmip)?
    };
    if let Some(slot) = body.child_mut(t::KEY_BLOCK) {
        *slot = plain;
    }
    Ok(())
}

/// A new symmetric key's Key Block (Raw; Create, Re-key): `algorithm` is
/// the Cryptographic Algorithm code, `length` the Cryptographic Length.
pub fn symmetric_key_block(algorithm: u32, length: i32) -> Result<Item, KmipError> {
    Ok(cops::generate_symmetric_key_block(algorithm, length)?)
}

/// The first version whose text this project has that defines the
/// Transparent EC Private / Public Key formats (KMIP 1.4 §2.1.7.14–15; KMIP
/// 1.0 §2.1.7 has only the ECDSA / ECDH / ECMQV ones, and the 1.1–1.3 texts
/// are not in /work/shared/spec, so those versions get PKCS#8 / X.509, which
/// every version defines).
const TRANSPARENT_EC_FROM: kmip_ttlv::dict::Version = kmip_ttlv::dict::Version::new(1, 4);

/// A new key pair's (private, public) Key Blocks (Create Key Pair, Re-key
/// Key Pair). RSA halves are PKCS#1; EC halves are Transparent EC Private /
/// Public Key (KMIP 1.4 §2.1.7.14–15, 2.1 §3.11–3.12), or PKCS#8 / X.509 for
/// a client of an earlier version (see [`TRANSPARENT_EC_FROM`]); DSA halves
/// are PKCS#8 / X.509.
pub fn key_pair_blocks(
    s: &Session<'_>,
    algorithm: u32,
    length: Option<i32>,
    curve: Option<u32>,
) -> Result<(Item, Item), KmipError> {
    use crate::crypto::{Algorithm, KeyFormat};
    if Algorithm::from_code(algorithm) == Algorithm::Ed25519 && s.version < crate::spec::V2_0 {
        return Err(KmipError::invalid_field(format!(
            "the Ed25519 algorithm is not defined in KMIP {} (KMIP 2.0 adds it)",
            s.version
        )));
    }
    let formats = if Algorithm::from_code(algorithm).is_ec() && s.version < TRANSPARENT_EC_FROM {
        Some((KeyFormat::Pkcs8.code(), KeyFormat::X509.code()))
    } else {
        None
    };
    Ok(cops::generate_key_pair_blocks(PairRequest {
        algorithm,
        length,
        curve,
        formats,
    })?)
}

/// Get with a Key Format Type: the Key Block in that format.
pub fn convert_key_block(
    object_type: u32,
    key_block: &Item,
    target_format: u32,
) -> Result<Item, KmipError> {
    Ok(cops::convert_key_block(
        key_block,
        object_type,
        target_format,
    )?)
}

/// The key length in bits of a plaintext Key Block's material, when it
/// decodes (fills in a registered key's Cryptographic Length).
pub fn key_length(object_type: u32, key_block: &Item) -> Option<i32> {
    cops::key_block_bits(key_block, object_type).and_then(|b| i32::try_from(b).ok())
}

/// SHA-256 of `data` (Digest, Short Unique Identifier).
pub fn sha256(data: &[u8]) -> Vec<u8> {
    crate::crypto::hash::sha256(data)
}

/// The data a Digest is computed over for a Key Block, and the Key Format
/// Type it is in: byte-string Key Material as stored; a Transparent
/// Symmetric Key as Raw; Transparent RSA keys as PKCS#1; Transparent EC
/// keys as PKCS#8 (private) / X.509 (public). `None` when the material does
/// not convert.
pub fn digest_input(object_type: u32, key_block: &Item) -> Option<(Vec<u8>, u32)> {
    use crate::crypto::KeyFormat as F;
    let format = match key_block.child(t::KEY_FORMAT_TYPE).map(|f| &f.value) {
        Some(Value::Enumeration(f)) => *f,
        _ => return None,
    };
    let material = key_block.child(t::KEY_VALUE)?.child(t::KEY_MATERIAL)?;
    match &material.value {
        Value::ByteString(b) => Some((b.clone(), format)),
        Value::Structure(_) => {
            let target = match F::from_code(format) {
                F::TransparentSymmetricKey => F::Raw,
                F::TransparentRsaPrivateKey | F::TransparentRsaPublicKey => F::Pkcs1,
                F::TransparentEcPrivateKey | F::TransparentEcdsaPrivateKey => F::Pkcs8,
                F::TransparentEcPublicKey | F::TransparentEcdsaPublicKey => F::X509,
                _ => return None,
            }
            .code();
            let conv = cops::convert_key_block(key_block, object_type, target).ok()?;
            match &conv.child(t::KEY_VALUE)?.child(t::KEY_MATERIAL)?.value {
                Value::ByteString(b) => Some((b.clone(), target)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A Key Wrapping Specification whose Encryption Key Information names its
/// key by identifier (2.x enumerated references resolved).
fn resolve_eki(s: &Session<'_>, spec: &Item) -> Result<Item, KmipError> {
    let children = spec
        .children()
        .iter()
        .map(|c| {
            if c.tag == t::ENCRYPTION_KEY_INFORMATION || c.tag == t::MAC_SIGNATURE_KEY_INFORMATION {
                resolved(s, c)
            } else {
                Ok(c.clone())
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Item::structure(spec.tag, children))
}

fn split_err(e: crate::crypto::split::SplitError) -> KmipError {
    use crate::crypto::split::SplitError as E;
    match e {
        E::Invalid(m) => KmipError::invalid_field(m),
        E::Unsupported(m) => KmipError::feature_not_supported(m),
    }
}

/// Check a Split Key shape (method, parts, threshold) before any work.
pub fn split_shape(method: u32, parts: u32, threshold: u32) -> Result<(), KmipError> {
    crate::crypto::split::check_shape(method, parts, threshold).map_err(split_err)
}

/// Split `secret` into `parts` shares (Create Split Key; see
/// [`crate::crypto::split`]).
pub fn split_secret(
    method: u32,
    secret: &[u8],
    parts: u32,
    threshold: u32,
    prime: Option<&[u8]>,
) -> Result<Vec<Vec<u8>>, KmipError> {
    crate::crypto::split::split(
        method,
        secret,
        parts,
        threshold,
        prime,
        &mut rand::rngs::OsRng,
    )
    .map_err(split_err)
}

/// Join (Key Part Identifier, share) pairs into a secret of `len` bytes
/// (Join Split Key).
pub fn join_secret(
    method: u32,
    shares: &[(u32, Vec<u8>)],
    len: usize,
    prime: Option<&[u8]>,
) -> Result<Vec<u8>, KmipError> {
    crate::crypto::split::join(method, shares, len, prime).map_err(split_err)
}

fn pkcs12_err(e: crate::crypto::pkcs12::Pkcs12Error) -> KmipError {
    use crate::crypto::pkcs12::Pkcs12Error as E;
    match e {
        E::Password(m) => KmipError::new(rr::BAD_PASSWORD, m),
        E::Format(m) => KmipError::invalid_field(m),
    }
}

/// A PKCS#12 container (RFC 7292) of a private key given as PKCS#8 and its
/// certificate chain (leaf first), for Get with Key Format Type PKCS#12.
pub fn pkcs12_encode(
    pkcs8: &[u8],
    chain: &[Vec<u8>],
    friendly_name: &str,
    password: &[u8],
) -> Result<Vec<u8>, KmipError> {
    crate::crypto::pkcs12::encode(pkcs8, chain, friendly_name, password).map_err(pkcs12_err)
}

/// Open a PKCS#12 container (Register / Import with Key Format Type
/// PKCS#12): a wrong password is Bad Password, a malformed container
/// Invalid Field.
pub fn pkcs12_decode(blob: &[u8], password: &[u8]) -> Result<Pkcs12Key, KmipError> {
    let c = crate::crypto::pkcs12::decode(blob, password).map_err(pkcs12_err)?;
    Ok(Pkcs12Key {
        algorithm: c.algorithm.code(),
        bits: i32::try_from(c.bits).ok(),
        pkcs8: c.pkcs8,
        friendly_name: c.friendly_name,
    })
}

/// The private key a PKCS#12 container holds.
pub struct Pkcs12Key {
    /// PKCS#8 DER.
    pub pkcs8: zeroize::Zeroizing<Vec<u8>>,
    /// Cryptographic Algorithm code.
    pub algorithm: u32,
    /// Cryptographic Length.
    pub bits: Option<i32>,
    /// The container's friendly name (alias) of the key.
    pub friendly_name: String,
}
