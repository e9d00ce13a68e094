//! Cryptographic operations (Encrypt, Decrypt, Sign, Signature Verify, MAC,
//! MAC Verify, Hash, RNG Retrieve, RNG Seed): the glue between the
//! operations layer ([`super::OPERATIONS`]) and the crypto engine
//! ([`crate::crypto::ops`]).
//!
//! Each operation resolves the request's Unique Identifier through the
//! [`Session`] (explicit value, 2.x enumerated reference or ID Placeholder),
//! hands the payload to the engine with a [`KeyLookup`] over the session's
//! transaction, and maps an [`OpError`] to a [`KmipError`]. Usage Limits are
//! decremented in the transaction (committed with the batch). The
//! multi-part stream table and the server RNG live for the process.
//!
//! The helpers [`wrap_for_get`] and [`unwrap_for_register`] are the hooks
//! for Get with a Key Wrapping Specification and Register of a wrapped key.

use super::load_live;
use crate::crypto::{ops as cops, KeyInfo, KeyLookup, OpError, ServerRng, StreamTable};
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

/// Encrypt (KMIP 1.4 §4.29, 2.1 §6.1.21).
pub fn encrypt(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    keyed(s, req, |r, k, v| cops::encrypt(r, k, streams(), v))
}

/// Decrypt (KMIP 1.4 §4.30, 2.1 §6.1.15).
pub fn decrypt(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    keyed(s, req, |r, k, v| cops::decrypt(r, k, streams(), v))
}

/// Sign (KMIP 1.4 §4.31, 2.1 §6.1.53).
pub fn sign(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    keyed(s, req, cops::sign)
}

/// Signature Verify (KMIP 1.4 §4.32, 2.1 §6.1.54).
pub fn signature_verify(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    keyed(s, req, cops::signature_verify)
}

/// MAC (KMIP 1.4 §4.33, 2.1 §6.1.29).
pub fn mac(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    keyed(s, req, cops::mac)
}

/// MAC Verify (KMIP 1.4 §4.34, 2.1 §6.1.30).
pub fn mac_verify(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    keyed(s, req, cops::mac_verify)
}

/// Hash (KMIP 1.4 §4.37, 2.1 §6.1.24).
pub fn hash(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    cops::hash(req, s.version).map_err(to_kmip)
}

/// RNG Retrieve (KMIP 1.4 §4.35, 2.1 §6.1.45).
pub fn rng_retrieve(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    cops::rng_retrieve(req, rng()?, s.version).map_err(to_kmip)
}

/// RNG Seed (KMIP 1.4 §4.36, 2.1 §6.1.46).
pub fn rng_seed(s: &mut Session<'_>, req: &Item) -> Result<Item, KmipError> {
    cops::rng_seed(req, rng()?, s.version).map_err(to_kmip)
}

/// Get with a Key Wrapping Specification: the object's Key Block wrapped
/// with the key named in `spec` (a Key Wrapping Specification structure).
pub fn wrap_for_get(s: &mut Session<'_>, key_block: &Item, spec: &Item) -> Result<Item, KmipError> {
    let spec = resolve_eki(s, spec)?;
    let version = s.version;
    let keys = SessionKeys { s: RefCell::new(s) };
    cops::wrap_key_block(key_block, &spec, &keys, version).map_err(to_kmip)
}

/// Register of a wrapped key: the plaintext Key Block of a Key Block that
/// carries Key Wrapping Data.
pub fn unwrap_for_register(s: &mut Session<'_>, key_block: &Item) -> Result<Item, KmipError> {
    let version = s.version;
    let keys = SessionKeys { s: RefCell::new(s) };
    cops::unwrap_key_block(key_block, &keys, version).map_err(to_kmip)
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
