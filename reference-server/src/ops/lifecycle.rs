//! Life-cycle operations: Activate, Revoke, Destroy, Archive, Recover,
//! Check, Obtain Lease, Get Usage Allocation, and Obliterate (3.0).
//!
//! State transitions follow the key life-cycle of the spec: Activate takes
//! a Pre-Active object to Active; Revoke with Key / CA Compromise takes any
//! non-destroyed object to Compromised (a destroyed one to Destroyed
//! Compromised), any other reason to Deactivated; Destroy is allowed from
//! Pre-Active, Deactivated and Compromised (not Active) and keeps the
//! metadata while dropping the object value.

use super::{invalid_object_type, load, load_live, payload, reason_for, touch, wrong_state};
use crate::attributes::AttrKey;
use crate::error::KmipError;
use crate::object::has_state;
use crate::server::Session;
use crate::spec::enums::{object_type as ot, result_reason as rr, revocation_reason as rrc, state};
use crate::spec::tags as t;
use crate::tree::{datetime, interval, long, st, Fields};
use kmip_ttlv::{Item, Value};

/// Lease granted by Obtain Lease when the object has no Lease Time yet.
pub const DEFAULT_LEASE_SECONDS: u32 = 3600;

/// Activate.
pub fn activate(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    let mut obj = load_live(s, &uid)?;
    if !has_state(obj.object_type) {
        return Err(invalid_object_type(
            s.version,
            "this object has no life-cycle state",
        ));
    }
    if obj.state() != state::PRE_ACTIVE {
        return Err(wrong_state(
            s.version,
            "only a Pre-Active object can be activated",
        ));
    }
    obj.set_state(state::ACTIVE);
    obj.attributes.set_std(datetime(t::ACTIVATION_DATE, s.now));
    touch(s, &mut obj);
    s.txn.put(obj);
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}

/// Revoke.
pub fn revoke(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let uid = s.resolve_uid(p)?;
    let mut obj = load(s, &uid)?;
    if obj.archived {
        return Err(KmipError::new(
            rr::OBJECT_ARCHIVED,
            "the object is archived",
        ));
    }
    if !has_state(obj.object_type) {
        return Err(invalid_object_type(
            s.version,
            "this object has no life-cycle state",
        ));
    }
    let reason = f.require(t::REVOCATION_REASON)?;
    let code = Fields::new(reason).require_enum(t::REVOCATION_REASON_CODE)?;
    let occurrence = f.datetime(t::COMPROMISE_OCCURRENCE_DATE)?;
    let compromise = matches!(code, rrc::KEY_COMPROMISE | rrc::CA_COMPROMISE);
    let current = obj.state();
    if compromise {
        let next = match current {
            state::DESTROYED | state::DESTROYED_COMPROMISED => state::DESTROYED_COMPROMISED,
            _ => state::COMPROMISED,
        };
        obj.set_state(next);
        obj.attributes.set_std(datetime(t::COMPROMISE_DATE, s.now));
        let occurred = occurrence
            .or_else(|| obj.attributes.date_value(t::INITIAL_DATE))
            .unwrap_or(s.now);
        obj.attributes
            .set_std(datetime(t::COMPROMISE_OCCURRENCE_DATE, occurred));
    } else {
        if occurrence.is_some() {
            return Err(KmipError::invalid_field(
                "Compromise Occurrence Date is only allowed for a compromise",
            ));
        }
        match current {
            state::PRE_ACTIVE | state::ACTIVE => {
                obj.set_state(state::DEACTIVATED);
                obj.attributes
                    .set_std(datetime(t::DEACTIVATION_DATE, s.now));
            }
            state::DEACTIVATED | state::COMPROMISED => {}
            _ => {
                return Err(KmipError::new(
                    reason_for(s.version, rr::OBJECT_DESTROYED, rr::PERMISSION_DENIED),
                    "the object has been destroyed",
                ))
            }
        }
    }
    obj.attributes
        .set_std(Item::new(t::REVOCATION_REASON, reason.value.clone()));
    touch(s, &mut obj);
    s.txn.put(obj);
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}

/// Deactivate (KMIP 3.0, Operation 0x40; kmip-3.0-delta.md gives the code
/// and the tags Deactivation Reason 0x4201B8, Deactivation Reason Code
/// 0x4201B9 and Deactivation Message 0x4201B7, not the payload). This
/// server's reading: request Unique Identifier (ID Placeholder if absent)
/// and an optional Deactivation Reason structure; response Unique
/// Identifier; the non-compromise half of Revoke (2.1 §6.1.44, §4.57
/// transition 6): Active becomes Deactivated with Deactivation Date now,
/// Deactivated and Compromised stay as they are, Pre-Active is Wrong Key
/// Lifecycle State (§4.57 has no Pre-Active -> Deactivated transition).
/// Not done: the Deactivation Reason is checked to be a structure but not
/// kept (its Reason Code enumeration is not in the delta).
pub fn deactivate(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    if let Some(r) = p.child(t::DEACTIVATION_REASON) {
        if !matches!(r.value, kmip_ttlv::Value::Structure(_)) {
            return Err(KmipError::invalid_field(
                "Deactivation Reason must be a Structure",
            ));
        }
    }
    let mut obj = load_live(s, &uid)?;
    if !has_state(obj.object_type) {
        return Err(invalid_object_type(
            s.version,
            "this object has no life-cycle state",
        ));
    }
    match obj.state() {
        state::ACTIVE => {
            obj.set_state(state::DEACTIVATED);
            obj.attributes
                .set_std(datetime(t::DEACTIVATION_DATE, s.now));
            touch(s, &mut obj);
            s.txn.put(obj);
        }
        state::PRE_ACTIVE => {
            return Err(wrong_state(
                s.version,
                "a Pre-Active object cannot be deactivated (2.1 §4.57)",
            ))
        }
        _ => {}
    }
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}

/// Destroy.
pub fn destroy(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    let mut obj = load(s, &uid)?;
    if obj.object_type == ot::TEMPLATE {
        s.txn.remove(&uid);
        return Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]));
    }
    let next = match obj.state() {
        state::PRE_ACTIVE | state::DEACTIVATED => state::DESTROYED,
        state::COMPROMISED => state::DESTROYED_COMPROMISED,
        state::ACTIVE => {
            return Err(wrong_state(
                s.version,
                "an Active object cannot be destroyed; revoke it first",
            ))
        }
        _ => {
            return Err(KmipError::new(
                reason_for(s.version, rr::OBJECT_DESTROYED, rr::ITEM_NOT_FOUND),
                "the object is already destroyed",
            ))
        }
    };
    obj.set_state(next);
    obj.body = None;
    obj.attributes.set_std(datetime(t::DESTROY_DATE, s.now));
    touch(s, &mut obj);
    s.txn.put(obj);
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}

/// Obliterate (KMIP 3.0): remove the object and its metadata entirely.
/// The identifier is remembered (see [`was_obliterated`]) so that a later
/// request for it is answered Item Not Found rather than Object Not Found
/// (see [`super::not_found`]).
pub fn obliterate(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    load(s, &uid)?;
    s.txn.remove(&uid);
    remember_obliterated(&uid);
    Ok(payload(Vec::new()))
}

/// At most this many obliterated identifiers are remembered (oldest first
/// out); an older one is answered like an unknown identifier.
const OBLITERATED_MEMORY: usize = 4096;

fn obliterated() -> &'static std::sync::Mutex<std::collections::VecDeque<String>> {
    static SET: std::sync::OnceLock<std::sync::Mutex<std::collections::VecDeque<String>>> =
        std::sync::OnceLock::new();
    SET.get_or_init(Default::default)
}

fn remember_obliterated(uid: &str) {
    if let Ok(mut q) = obliterated().lock() {
        if q.len() >= OBLITERATED_MEMORY {
            q.pop_front();
        }
        q.push_back(uid.to_string());
    }
}

/// True when an Obliterate removed the object with this identifier.
/// Identifiers are unique per process (time-ordered, random), so one
/// process-wide record serves every server instance. Only consulted when
/// the store has no such object, so a rolled-back Obliterate changes
/// nothing.
pub fn was_obliterated(uid: &str) -> bool {
    obliterated()
        .lock()
        .map(|q| q.iter().any(|u| u == uid))
        .unwrap_or(false)
}

/// Archive.
pub fn archive(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    let mut obj = load_live(s, &uid)?;
    obj.archived = true;
    obj.attributes.set_std(datetime(t::ARCHIVE_DATE, s.now));
    touch(s, &mut obj);
    s.txn.put(obj);
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}

/// Recover.
pub fn recover(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    let mut obj = load(s, &uid)?;
    if obj.archived {
        obj.archived = false;
        // "The server SHALL delete this attribute whenever a Recover
        // operation is performed" (Archive Date: KMIP 1.4 §3.32, 2.0 / 2.1
        // §4.5).
        obj.attributes.remove_all(&AttrKey::Std(t::ARCHIVE_DATE));
        touch(s, &mut obj);
        s.txn.put(obj);
    }
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}

/// `limits` with its Usage Limits Count replaced by `count`, in the field
/// order of the structure (Total, Count, Unit: KMIP 1.4 §3.21, 2.1 §7.40
/// Usage Limits), so a Get Attributes after an allocation encodes it as
/// specified.
pub fn usage_limits_with_count(limits: &Item, count: Item) -> Item {
    let mut children = Vec::new();
    let mut placed = false;
    for c in limits.children() {
        if c.tag == t::USAGE_LIMITS_COUNT {
            continue;
        }
        if c.tag == t::USAGE_LIMITS_UNIT && !placed {
            children.push(count.clone());
            placed = true;
        }
        children.push(c.clone());
    }
    if !placed {
        children.push(count);
    }
    st(t::USAGE_LIMITS, children)
}

fn usage_limits_count(obj_limits: &Item) -> Option<i64> {
    match obj_limits.child(t::USAGE_LIMITS_COUNT).map(|i| &i.value) {
        Some(Value::LongInteger(v)) => Some(*v),
        Some(Value::Integer(v)) => Some(i64::from(*v)),
        _ => match obj_limits.child(t::USAGE_LIMITS_TOTAL).map(|i| &i.value) {
            Some(Value::LongInteger(v)) => Some(*v),
            Some(Value::Integer(v)) => Some(i64::from(*v)),
            _ => None,
        },
    }
}

/// Check.
pub fn check(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let uid = s.resolve_uid(p)?;
    let obj = load_live(s, &uid)?;
    if let Some(mask) = f.int(t::CRYPTOGRAPHIC_USAGE_MASK)? {
        let have = obj
            .attributes
            .int_value(t::CRYPTOGRAPHIC_USAGE_MASK)
            .unwrap_or(0);
        if have & mask != mask {
            return Err(KmipError::new(
                reason_for(
                    s.version,
                    rr::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK,
                    rr::INVALID_FIELD,
                ),
                "the object's Cryptographic Usage Mask does not allow this usage",
            ));
        }
    }
    if let Some(want) = f.long(t::USAGE_LIMITS_COUNT)? {
        if let Some(limits) = obj.attributes.first(t::USAGE_LIMITS) {
            if usage_limits_count(limits).is_some_and(|left| want > left) {
                return Err(KmipError::new(
                    reason_for(s.version, rr::USAGE_LIMIT_EXCEEDED, rr::PERMISSION_DENIED),
                    "the usage limits would be exceeded",
                ));
            }
        }
    }
    f.interval(t::LEASE_TIME)?;
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}

/// Obtain Lease.
pub fn obtain_lease(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    let mut obj = load_live(s, &uid)?;
    let lease = match obj.attributes.first(t::LEASE_TIME).map(|i| &i.value) {
        Some(Value::Interval(v)) => *v,
        _ => {
            obj.attributes
                .set_std(interval(t::LEASE_TIME, DEFAULT_LEASE_SECONDS));
            touch(s, &mut obj);
            DEFAULT_LEASE_SECONDS
        }
    };
    let last_change = obj
        .attributes
        .date_value(t::LAST_CHANGE_DATE)
        .unwrap_or(s.now);
    s.txn.put(obj);
    Ok(payload(vec![
        s.uid_item(t::UNIQUE_IDENTIFIER, &uid),
        interval(t::LEASE_TIME, lease),
        datetime(t::LAST_CHANGE_DATE, last_change),
    ]))
}

/// Get Usage Allocation.
pub fn get_usage_allocation(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let uid = s.resolve_uid(p)?;
    let mut obj = load_live(s, &uid)?;
    let want = f
        .long(t::USAGE_LIMITS_COUNT)?
        .ok_or_else(|| KmipError::missing_data("Usage Limits Count is required"))?;
    if want <= 0 {
        return Err(KmipError::invalid_field(
            "Usage Limits Count must be positive",
        ));
    }
    let limits = obj
        .attributes
        .first(t::USAGE_LIMITS)
        .cloned()
        .ok_or_else(|| {
            // 1.4 §11.19 Table 345: "Object has no Usage Limits attribute"
            // -> Illegal Operation; 2.x: Attribute Not Found (2.1 Table 234).
            KmipError::new(
                reason_for(s.version, rr::ATTRIBUTE_NOT_FOUND, rr::ILLEGAL_OPERATION),
                "the object has no Usage Limits",
            )
        })?;
    let left = usage_limits_count(&limits).ok_or_else(|| {
        KmipError::invalid_field("the object's Usage Limits have no total or count")
    })?;
    if want > left {
        return Err(KmipError::new(
            reason_for(s.version, rr::USAGE_LIMIT_EXCEEDED, rr::PERMISSION_DENIED),
            format!("{want} uses requested, {left} left"),
        ));
    }
    obj.attributes.set_std(usage_limits_with_count(
        &limits,
        long(t::USAGE_LIMITS_COUNT, left - want),
    ));
    touch(s, &mut obj);
    s.txn.put(obj);
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}
