//! The operations layer: one module per operation group, and the single
//! dispatch point [`dispatch`].
//!
//! ## Adding an operation (the crypto engine hooks in here)
//!
//! An operation is a function
//! `fn(&mut Session<'_>, &Item /* RequestPayload */) -> Result<Item /* ResponsePayload */, KmipError>`
//! registered in [`OPERATIONS`] with its Operation code and the first
//! protocol version that defines it. It reads its arguments from the request
//! payload with [`crate::tree::Fields`], resolves the target object with
//! [`Session::resolve_uid`] + [`load`] / [`load_live`] (a private copy to
//! change) or [`load_shared`] / [`load_live_shared`] (the shared snapshot,
//! to read only), stages changes with
//! `session.txn.put(obj)` (the message layer commits them atomically after
//! the whole batch) and returns the payload built with [`payload`]. A
//! failure is a [`KmipError`] (Result Reason + message); the message layer
//! rolls back the item's staged changes. Encrypt / Decrypt / Sign /
//! Signature Verify / MAC / MAC Verify / Hash / RNG Retrieve / RNG Seed are
//! registered from [`crypto`], the only module that calls the engine in
//! `crate::crypto` (key generation, Key Format Type conversion and key
//! wrapping for Create / Create Key Pair / Re-key / Get, and Derive Key's
//! derivation ([`derive`]) go through it too);
//! Export / Import are in [`export`]. Query reports whatever is registered.

pub mod admin;
pub mod attrs;
pub mod cert;
pub mod create;
pub mod crypto;
pub mod derive;
pub mod export;
pub mod get;
pub mod identity;
pub mod lifecycle;
pub mod locate;
pub mod pkcs11;
pub mod server_ops;
pub mod session;
pub mod split;

use crate::error::KmipError;
use crate::object::ManagedObject;
use crate::server::Session;
use crate::spec::enums::{operation as o, result_reason as rr};
use crate::spec::tags as t;
use crate::spec::{V1_0, V1_1, V2_0, V2_1, V3_0};
use crate::tree::{datetime, st};
use kmip_ttlv::dict::Version;
use kmip_ttlv::Item;
use std::sync::Arc;

/// An operation implementation.
pub type OpFn = fn(&mut Session<'_>, &Item) -> Result<Item, KmipError>;

/// One registered operation.
pub struct OpDef {
    /// Operation enumeration code.
    pub code: u32,
    /// First protocol version that defines it.
    pub since: Version,
    /// The implementation.
    pub run: OpFn,
}

const fn op(code: u32, since: Version, run: OpFn) -> OpDef {
    OpDef { code, since, run }
}

/// Every operation the server implements.
pub static OPERATIONS: &[OpDef] = &[
    op(o::CREATE, V1_0, create::create),
    op(o::CREATE_KEY_PAIR, V1_0, create::create_key_pair),
    op(o::REGISTER, V1_0, create::register),
    op(o::RE_KEY, V1_0, create::re_key),
    op(o::RE_KEY_KEY_PAIR, V1_1, create::re_key_key_pair),
    op(o::DERIVE_KEY, V1_0, derive::derive_key),
    op(o::CERTIFY, V1_0, cert::certify),
    op(o::RE_CERTIFY, V1_0, cert::re_certify),
    op(o::VALIDATE, V1_0, cert::validate),
    op(o::LOCATE, V1_0, locate::locate),
    op(o::CHECK, V1_0, lifecycle::check),
    op(o::GET, V1_0, get::get),
    op(o::GET_ATTRIBUTES, V1_0, get::get_attributes),
    op(o::GET_ATTRIBUTE_LIST, V1_0, get::get_attribute_list),
    op(o::ADD_ATTRIBUTE, V1_0, attrs::add_attribute),
    op(o::MODIFY_ATTRIBUTE, V1_0, attrs::modify_attribute),
    op(o::DELETE_ATTRIBUTE, V1_0, attrs::delete_attribute),
    op(o::SET_ATTRIBUTE, V2_0, attrs::set_attribute),
    op(o::ADJUST_ATTRIBUTE, V2_0, attrs::adjust_attribute),
    op(o::EXPORT, V2_0, export::export),
    op(o::IMPORT, V2_0, export::import),
    op(o::OBTAIN_LEASE, V1_0, lifecycle::obtain_lease),
    op(
        o::GET_USAGE_ALLOCATION,
        V1_0,
        lifecycle::get_usage_allocation,
    ),
    op(o::ACTIVATE, V1_0, lifecycle::activate),
    op(o::REVOKE, V1_0, lifecycle::revoke),
    op(o::DESTROY, V1_0, lifecycle::destroy),
    op(o::ARCHIVE, V1_0, lifecycle::archive),
    op(o::RECOVER, V1_0, lifecycle::recover),
    op(o::QUERY, V1_0, server_ops::query),
    op(o::DISCOVER_VERSIONS, V1_1, server_ops::discover_versions),
    op(o::LOG, V2_0, server_ops::log),
    op(o::INTEROP, V2_0, server_ops::interop),
    op(o::PING, V2_1, server_ops::ping),
    op(o::LOGIN, V2_0, session::login),
    op(o::LOGOUT, V2_0, session::logout),
    op(o::DELEGATED_LOGIN, V2_0, session::delegated_login),
    op(o::SET_ENDPOINT_ROLE, V2_0, admin::set_endpoint_role),
    op(o::PKCS_11, V2_0, pkcs11::pkcs11),
    op(o::RE_PROVISION, V2_0, admin::re_provision),
    op(o::SET_DEFAULTS, V2_1, admin::set_defaults),
    op(o::SET_CONSTRAINTS, V2_1, admin::set_constraints),
    op(o::GET_CONSTRAINTS, V2_1, admin::get_constraints),
    op(o::OBLITERATE, V3_0, lifecycle::obliterate),
    op(o::DEACTIVATE, V3_0, lifecycle::deactivate),
    op(o::CREATE_CREDENTIAL, V3_0, identity::create_credential),
    op(o::CREATE_USER, V3_0, identity::create_user),
    op(o::CREATE_GROUP, V3_0, identity::create_group),
    op(o::ENCRYPT, crate::spec::V1_2, crypto::encrypt),
    op(o::DECRYPT, crate::spec::V1_2, crypto::decrypt),
    op(o::SIGN, crate::spec::V1_2, crypto::sign),
    op(
        o::SIGNATURE_VERIFY,
        crate::spec::V1_2,
        crypto::signature_verify,
    ),
    op(o::MAC, crate::spec::V1_2, crypto::mac),
    op(o::MAC_VERIFY, crate::spec::V1_2, crypto::mac_verify),
    op(o::RNG_RETRIEVE, crate::spec::V1_2, crypto::rng_retrieve),
    op(o::RNG_SEED, crate::spec::V1_2, crypto::rng_seed),
    op(o::HASH, crate::spec::V1_2, crypto::hash),
    op(
        o::CREATE_SPLIT_KEY,
        crate::spec::V1_2,
        split::create_split_key,
    ),
    op(o::JOIN_SPLIT_KEY, crate::spec::V1_2, split::join_split_key),
    op(o::POLL, V1_0, crate::asynchronous::poll),
    op(o::CANCEL, V1_0, crate::asynchronous::cancel),
    op(o::PROCESS, V2_1, crate::asynchronous::process),
    op(
        o::QUERY_ASYNCHRONOUS_REQUESTS,
        V2_1,
        crate::asynchronous::query_asynchronous_requests,
    ),
];

/// The operations available in `version`, in table order.
pub fn operations_in(version: Version) -> impl Iterator<Item = &'static OpDef> {
    OPERATIONS.iter().filter(move |d| d.since <= version)
}

/// Run one operation: the dispatch point of the server.
pub fn dispatch(op: u32, payload: &Item, session: &mut Session<'_>) -> Result<Item, KmipError> {
    match OPERATIONS.iter().find(|d| d.code == op) {
        Some(def) if def.since <= session.version => {
            session.op = op;
            if let Some(rights) = &session.rights {
                if !rights.allows_operation(op) {
                    tracing::info!(
                        client = session.client.as_deref().unwrap_or("(anonymous)"),
                        operation = op,
                        "access denied: operation not in the delegated ticket's Rights"
                    );
                    return Err(KmipError::permission_denied(
                        "the delegated ticket's Rights do not allow this operation",
                    ));
                }
            }
            (def.run)(session, payload).map_err(|mut e| {
                e.reason = crate::reasons::for_operation(session.version, op, e.reason);
                e
            })
        }
        Some(def) => Err(KmipError::not_supported(format!(
            "{} is not defined in KMIP {} (since {})",
            op_label(op),
            session.version,
            def.since
        ))),
        None => Err(KmipError::not_supported(format!(
            "{} is not supported by this server",
            op_label(op)
        ))),
    }
}

fn op_label(op: u32) -> String {
    match crate::spec::enum_name(o::NAMES, op) {
        Some(n) => n.to_string(),
        None => format!("operation {op:#x}"),
    }
}

/// A Response Payload.
pub fn payload(children: Vec<Item>) -> Item {
    st(t::RESPONSE_PAYLOAD, children)
}

/// "No such object" in this version's vocabulary.
///
/// KMIP 1.x has one reason, Item Not Found. KMIP 2.x defines both (2.1
/// §11.46 Result Reason, Table 478): Object Not Found, "a requested managed
/// object was not found or did not exist", the reason its operations' error
/// tables list (e.g. §6.1.19 Get, §6.1.20 Get Attributes); and Item Not
/// Found, "no object with the specified Unique Identifier exists". An
/// identifier this server has never issued is Object Not Found. An
/// identifier whose object was obliterated (KMIP 3.0 Obliterate: the object
/// and all its metadata removed, unlike Destroy, which keeps the metadata)
/// no longer names any object at all: Item Not Found, as BL-M-20-30 records.
pub fn not_found(version: Version, uid: &str) -> KmipError {
    if version >= V2_0 && lifecycle::was_obliterated(uid) {
        return KmipError::new(
            rr::ITEM_NOT_FOUND,
            format!("no object with Unique Identifier {uid:?} exists: it was obliterated"),
        );
    }
    let reason = if version >= V2_0 {
        rr::OBJECT_NOT_FOUND
    } else {
        rr::ITEM_NOT_FOUND
    };
    KmipError::new(reason, format!("no object with Unique Identifier {uid:?}"))
}

/// "Wrong life-cycle state" in this version's vocabulary (Wrong Key
/// Lifecycle State from KMIP 2.0, Permission Denied before). 2.0 §11.45
/// Table 440 defines Wrong Key Lifecycle State (0x43), so 2.0 answers it
/// like 2.1; 1.0 Table 221 and 1.4 Table 317 do not.
pub fn wrong_state(version: Version, message: impl Into<String>) -> KmipError {
    let reason = if version >= V2_0 {
        rr::WRONG_KEY_LIFECYCLE_STATE
    } else {
        rr::PERMISSION_DENIED
    };
    KmipError::new(reason, message)
}

/// "Invalid object type" (Invalid Object Type from 2.0, Illegal Operation
/// (1.x code 0x0B) before).
pub fn invalid_object_type(version: Version, message: impl Into<String>) -> KmipError {
    let reason = if version >= V2_0 {
        rr::INVALID_OBJECT_TYPE
    } else {
        rr::ILLEGAL_OPERATION
    };
    KmipError::new(reason, message)
}

/// `preferred` when this version's Result Reason table defines it, else
/// `fallback` (the tables are in [`crate::reasons`]: e.g. Not Extractable
/// and Sensitive exist from 1.4, Wrong Key Lifecycle State from 2.0).
pub fn reason_for(version: Version, preferred: u32, fallback: u32) -> u32 {
    crate::reasons::prefer(version, preferred, fallback)
}

/// Load an object (dates applied) as a private copy to change and
/// `session.txn.put` back; not found is an error.
pub fn load(s: &Session<'_>, uid: &str) -> Result<ManagedObject, KmipError> {
    load_shared(s, uid).map(Arc::unwrap_or_clone)
}

/// Load an object (dates applied) as the shared snapshot, for operations
/// that only read it (no copy unless a date changes its State).
pub fn load_shared(s: &Session<'_>, uid: &str) -> Result<Arc<ManagedObject>, KmipError> {
    let mut obj = s
        .txn
        .get_shared(uid)?
        .ok_or_else(|| not_found(s.version, uid))?;
    if let Err(denied) = s
        .access
        .check(uid, obj.owner.as_deref(), s.client.as_deref())
    {
        if !crate::access::in_groups(&crate::access::requester_groups(s)?, &obj) {
            return Err(denied);
        }
        tracing::info!(
            uid,
            client = s.client.as_deref().unwrap_or("(anonymous)"),
            "access granted: member of the object's KMIP 3.0 group"
        );
    }
    if let Some(rights) = &s.rights {
        if !rights.allows(s.op, uid) {
            tracing::info!(
                uid,
                client = s.client.as_deref().unwrap_or("(anonymous)"),
                "access denied: object not in the delegated ticket's Rights"
            );
            return Err(KmipError::permission_denied(format!(
                "the delegated ticket's Rights do not allow this operation on {uid:?}"
            )));
        }
    }
    if obj.dates_due(s.now) {
        Arc::make_mut(&mut obj).apply_dates(s.now);
    }
    Ok(obj)
}

/// Load an object that must be neither destroyed nor archived, as a private
/// copy (see [`load`]).
pub fn load_live(s: &Session<'_>, uid: &str) -> Result<ManagedObject, KmipError> {
    load_live_shared(s, uid).map(Arc::unwrap_or_clone)
}

/// [`load_live`] as the shared snapshot (see [`load_shared`]).
pub fn load_live_shared(s: &Session<'_>, uid: &str) -> Result<Arc<ManagedObject>, KmipError> {
    let obj = load_shared(s, uid)?;
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
    Ok(obj)
}

/// Set Last Change Date to now.
pub fn touch(s: &Session<'_>, obj: &mut ManagedObject) {
    obj.attributes.set_std(datetime(t::LAST_CHANGE_DATE, s.now));
}
