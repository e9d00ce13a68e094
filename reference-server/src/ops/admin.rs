//! Server administration operations of KMIP 2.0 / 2.1: Set Defaults, Get
//! Constraints, Set Constraints (2.1 §6.1.53, §6.1.22, §6.1.52), Set
//! Endpoint Role and Re-Provision (2.0, 2.1 §6.1.54, §6.1.48), and the
//! server-wide state they change ([`AdminState`], one per
//! [`crate::server::Server`], reached through `Session::admin`).
//!
//! What they do here:
//! - **Set Defaults** replaces the server's Object Defaults (2.1 §7.22;
//!   none given = remove all). Create and Create Key Pair (2.x requests,
//!   each key of a pair on its Common + own attributes) add each default
//!   attribute of a matching Object Defaults (same Object Type, and when it
//!   names Object Groups, a requested Object Group among them) that the
//!   request does not carry. Query (Defaults Information, 2.1 §7.11)
//!   reports them.
//! - **Set Constraints / Get Constraints** replace / return the server's
//!   Constraints (2.1 §7.7, §7.6). A Constraint applies to Create when its
//!   Object Types (absent = all) include the object's type and its Object
//!   Groups (absent = all) include a requested Object Group; each attribute
//!   it lists must then be in the (defaulted) request with that value, else
//!   Create fails with Constraint Violation (2.1 Table 479, 0x4B). The spec
//!   does not say how a Constraint's Attributes constrain an operation;
//!   this "required value" reading is this server's.
//! - **Set Endpoint Role**: Server (the role it has) is accepted and echoed;
//!   Client is refused with Feature Not Supported (the server cannot send
//!   requests over the client's channel).
//! - **Re-Provision**: a Certificate is stored as a Certificate object owned
//!   by the requester and its Unique Identifier returned; a Certificate
//!   Request (signing needs a CA, not in this server) and the no-parameter
//!   form (server-generated key pair and certificate) answer Feature Not
//!   Supported. Not done: the old link-level credential is not invalidated
//!   (the TLS layer takes its client CA from the command line).
//!
//! Not done: the defaults / constraints are server-wide settings outside
//! the object store, not persisted with `--data-dir` (they follow the
//! message's fate: a failed item or an undone batch drops them); Derive
//! Key and Re-key do not apply them, and Register applies Constraints
//! only (it is not a factory operation).

use super::payload;
use crate::error::KmipError;
use crate::server::Session;
use crate::spec::enums::{object_type as ot, result_reason as rr};
use crate::spec::tags as t;
use crate::tree::{as_enum, enumeration, st, Fields};
use kmip_ttlv::enums::endpoint_role;
use kmip_ttlv::{Item, Value};
use std::sync::Mutex;

/// Most Object Defaults / Constraints kept (a bound on client-set state).
const MAX_ENTRIES: usize = 256;

/// Server-wide settings the administration operations change. Operations
/// never change it directly: they stage [`AdminChange`]s in the session,
/// which the message layer drops with a failed item or an undone batch
/// and applies once the message has committed (a message run again after
/// a commit conflict stages them again).
#[derive(Debug, Default)]
pub struct AdminState {
    /// Object Defaults structures (2.1 §7.22), as set.
    defaults: Mutex<Vec<Item>>,
    /// Constraint structures (2.1 §7.6), as set.
    constraints: Mutex<Vec<Item>>,
    /// PKCS#11 sessions (Correlation Values handed out by C_Initialize).
    pkcs11: Mutex<Vec<Vec<u8>>>,
}

/// A staged change of [`AdminState`].
#[derive(Clone, Debug)]
pub enum AdminChange {
    /// Set Defaults: the new Object Defaults.
    Defaults(Vec<Item>),
    /// Set Constraints: the new Constraint list.
    Constraints(Vec<Item>),
    /// PKCS#11 C_Initialize: a new session.
    Pkcs11Open(Vec<u8>),
    /// PKCS#11 C_Finalize: the session ends.
    Pkcs11Close(Vec<u8>),
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl AdminState {
    /// Apply the changes of a committed message, in order.
    pub fn apply(&self, changes: &[AdminChange]) {
        for c in changes {
            match c {
                AdminChange::Defaults(d) => *lock(&self.defaults) = d.clone(),
                AdminChange::Constraints(d) => *lock(&self.constraints) = d.clone(),
                AdminChange::Pkcs11Open(id) => {
                    let mut v = lock(&self.pkcs11);
                    if v.len() >= super::pkcs11::MAX_SESSIONS {
                        v.remove(0);
                    }
                    v.push(id.clone());
                }
                AdminChange::Pkcs11Close(id) => lock(&self.pkcs11).retain(|x| x != id),
            }
        }
    }
}

/// The Object Defaults as this message sees them (committed + staged).
pub fn current_defaults(s: &Session<'_>) -> Vec<Item> {
    s.admin_changes
        .iter()
        .rev()
        .find_map(|c| match c {
            AdminChange::Defaults(d) => Some(d.clone()),
            _ => None,
        })
        .unwrap_or_else(|| lock(&s.admin.defaults).clone())
}

/// The Constraints as this message sees them (committed + staged).
pub fn current_constraints(s: &Session<'_>) -> Vec<Item> {
    s.admin_changes
        .iter()
        .rev()
        .find_map(|c| match c {
            AdminChange::Constraints(d) => Some(d.clone()),
            _ => None,
        })
        .unwrap_or_else(|| lock(&s.admin.constraints).clone())
}

/// Whether PKCS#11 session `id` is open as this message sees it.
pub fn pkcs11_live(s: &Session<'_>, id: &[u8]) -> bool {
    let mut live = lock(&s.admin.pkcs11).iter().any(|x| x == id);
    for c in &s.admin_changes {
        match c {
            AdminChange::Pkcs11Open(x) if x == id => live = true,
            AdminChange::Pkcs11Close(x) if x == id => live = false,
            _ => {}
        }
    }
    live
}

/// The Defaults Information structure of the current Object Defaults
/// (`None` when there are none).
pub fn defaults_information(s: &Session<'_>) -> Option<Item> {
    let d = current_defaults(s);
    if d.is_empty() {
        None
    } else {
        Some(st(t::DEFAULTS_INFORMATION, d))
    }
}

fn object_types_of(entry: &Item) -> Result<Vec<u32>, KmipError> {
    let mut out = Vec::new();
    if let Some(o) = entry.child(t::OBJECT_TYPE) {
        out.push(as_enum(o)?);
    }
    if let Some(list) = entry.child(t::OBJECT_TYPES) {
        for o in list.children_with(t::OBJECT_TYPE) {
            out.push(as_enum(o)?);
        }
    }
    Ok(out)
}

fn groups_of(entry: &Item) -> Vec<&str> {
    entry
        .child(t::OBJECT_GROUPS)
        .map(|g| {
            g.children_with(t::OBJECT_GROUP)
                .filter_map(|i| i.value.as_text())
                .collect()
        })
        .unwrap_or_default()
}

fn stored_type(code: u32) -> bool {
    matches!(
        code,
        ot::CERTIFICATE
            | ot::SYMMETRIC_KEY
            | ot::PUBLIC_KEY
            | ot::PRIVATE_KEY
            | ot::SPLIT_KEY
            | ot::SECRET_DATA
            | ot::OPAQUE_OBJECT
            | ot::PGP_KEY
    )
}

fn check_structure(i: &Item, what: &str) -> Result<(), KmipError> {
    match i.value {
        Value::Structure(_) => Ok(()),
        _ => Err(KmipError::invalid_field(format!(
            "{what} must be a Structure"
        ))),
    }
}

fn check_groups(entry: &Item) -> Result<(), KmipError> {
    if let Some(g) = entry.child(t::OBJECT_GROUPS) {
        check_structure(g, "Object Groups")?;
        for i in g.children() {
            if i.tag != t::OBJECT_GROUP || i.value.as_text().is_none() {
                return Err(KmipError::invalid_field(
                    "Object Groups holds Object Group Text Strings only",
                ));
            }
        }
    }
    Ok(())
}

fn check_types(entry: &Item, required: bool) -> Result<(), KmipError> {
    let types = object_types_of(entry)?;
    if required && types.is_empty() {
        return Err(KmipError::missing_data(
            "Object Defaults needs an Object Type",
        ));
    }
    if let Some(bad) = types.iter().find(|c| !stored_type(**c)) {
        return Err(KmipError::new(
            rr::INVALID_OBJECT_TYPE,
            format!("this server stores no objects of type {bad:#x}"),
        ));
    }
    Ok(())
}

/// Set Defaults (2.1 §6.1.53).
pub fn set_defaults(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let mut entries = Vec::new();
    if let Some(info) = p.child(t::DEFAULTS_INFORMATION) {
        check_structure(info, "Defaults Information")?;
        for e in info.children() {
            if e.tag != t::OBJECT_DEFAULTS {
                return Err(KmipError::invalid_field(
                    "Defaults Information holds Object Defaults only",
                ));
            }
            check_structure(e, "Object Defaults")?;
            check_types(e, true)?;
            let attrs = Fields::new(e).require(t::ATTRIBUTES)?;
            check_structure(attrs, "Attributes")?;
            check_groups(e)?;
            entries.push(e.clone());
        }
    }
    if entries.len() > MAX_ENTRIES {
        return Err(KmipError::new(
            rr::SERVER_LIMIT_EXCEEDED,
            format!("at most {MAX_ENTRIES} Object Defaults"),
        ));
    }
    s.admin_changes.push(AdminChange::Defaults(entries));
    Ok(payload(Vec::new()))
}

/// Set Constraints (2.1 §6.1.52).
pub fn set_constraints(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let c = Fields::new(p).require(t::CONSTRAINTS)?;
    check_structure(c, "Constraints")?;
    let mut entries = Vec::new();
    for e in c.children() {
        if e.tag != t::CONSTRAINT {
            return Err(KmipError::invalid_field(
                "Constraints holds Constraint structures only",
            ));
        }
        check_structure(e, "Constraint")?;
        check_types(e, false)?;
        if let Some(a) = e.child(t::ATTRIBUTES) {
            check_structure(a, "Attributes")?;
        }
        check_groups(e)?;
        entries.push(e.clone());
    }
    if entries.len() > MAX_ENTRIES {
        return Err(KmipError::new(
            rr::SERVER_LIMIT_EXCEEDED,
            format!("at most {MAX_ENTRIES} Constraints"),
        ));
    }
    s.admin_changes.push(AdminChange::Constraints(entries));
    Ok(payload(Vec::new()))
}

/// Get Constraints (2.1 §6.1.22): the Constraints structure is required in
/// the response, empty when none are set.
pub fn get_constraints(s: &mut Session<'_>, _p: &Item) -> Result<Item, KmipError> {
    let c = current_constraints(s);
    Ok(payload(vec![st(t::CONSTRAINTS, c)]))
}

/// Set Endpoint Role (2.1 §6.1.54).
pub fn set_endpoint_role(_s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let role = Fields::new(p).require_enum(t::ENDPOINT_ROLE)?;
    match role {
        endpoint_role::SERVER => Ok(payload(vec![enumeration(
            t::ENDPOINT_ROLE,
            endpoint_role::SERVER,
        )])),
        endpoint_role::CLIENT => Err(KmipError::feature_not_supported(
            "this server cannot take the client role on the client's channel",
        )),
        other => Err(KmipError::invalid_field(format!(
            "unknown Endpoint Role {other:#x}"
        ))),
    }
}

/// Re-Provision (2.1 §6.1.48).
pub fn re_provision(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    if f.get(t::CERTIFICATE_REQUEST).is_some() {
        return Err(KmipError::feature_not_supported(
            "Re-Provision with a Certificate Request: this server signs no certificates",
        ));
    }
    let Some(cert) = f.get(t::CERTIFICATE) else {
        return Err(KmipError::feature_not_supported(
            "Re-Provision without parameters: this server does not generate client credentials",
        ));
    };
    check_structure(cert, "Certificate")?;
    // Store it exactly as Register would (2.1 §6.1.43), owned by the
    // requester.
    let register = st(
        t::REQUEST_PAYLOAD,
        vec![enumeration(t::OBJECT_TYPE, ot::CERTIFICATE), cert.clone()],
    );
    let out = super::create::register(s, &register)?;
    let uid = out
        .child(t::UNIQUE_IDENTIFIER)
        .cloned()
        .ok_or_else(|| KmipError::general("Register returned no Unique Identifier"))?;
    Ok(payload(vec![uid]))
}

/// The default attributes for a new object of `object_type` whose request
/// attributes are `present`: those of every matching Object Defaults (same
/// type; its Object Groups, if any, include a requested Object Group) whose
/// tag `present` lacks.
fn defaults_for(defaults: &[Item], object_type: u32, present: &[&Item]) -> Vec<Item> {
    let requested: Vec<&str> = present
        .iter()
        .filter(|i| i.tag == t::OBJECT_GROUP)
        .filter_map(|i| i.value.as_text())
        .collect();
    let mut out: Vec<Item> = Vec::new();
    for e in defaults {
        if !object_types_of(e)
            .map(|v| v.contains(&object_type))
            .unwrap_or(false)
        {
            continue;
        }
        let groups = groups_of(e);
        if !groups.is_empty() && !groups.iter().any(|g| requested.contains(g)) {
            continue;
        }
        let Some(dattrs) = e.child(t::ATTRIBUTES) else {
            continue;
        };
        for a in dattrs.children() {
            if !present.iter().any(|p| p.tag == a.tag) && !out.iter().any(|o| o.tag == a.tag) {
                out.push(a.clone());
            }
        }
    }
    out
}

/// The request Attributes with the matching Object Defaults added (2.x
/// Create requests; `None` when nothing applies).
pub fn with_defaults(s: &Session<'_>, object_type: u32, p: &Item) -> Option<Item> {
    let defaults = current_defaults(s);
    if defaults.is_empty() || s.version < crate::spec::V2_0 {
        return None;
    }
    let attrs = p.child(t::ATTRIBUTES)?;
    let present: Vec<&Item> = attrs.children().iter().collect();
    let add = defaults_for(&defaults, object_type, &present);
    if add.is_empty() {
        return None;
    }
    let mut out = p.clone();
    out.child_mut(t::ATTRIBUTES)?.children_mut()?.extend(add);
    Some(out)
}

/// The two halves of a 2.x Create Key Pair request: (object type, its own
/// attributes container tag).
const PAIR: [(u32, kmip_ttlv::Tag); 2] = [
    (ot::PRIVATE_KEY, t::PRIVATE_KEY_ATTRIBUTES),
    (ot::PUBLIC_KEY, t::PUBLIC_KEY_ATTRIBUTES),
];

fn pair_attrs(p: &Item, own: kmip_ttlv::Tag) -> Vec<&Item> {
    [t::COMMON_ATTRIBUTES, own]
        .iter()
        .filter_map(|c| p.child(*c))
        .flat_map(|c| c.children().iter())
        .collect()
}

/// Create Key Pair (2.x): each key's matching Object Defaults added to its
/// Private / Public Key Attributes (`None` when nothing applies).
pub fn key_pair_with_defaults(s: &Session<'_>, p: &Item) -> Option<Item> {
    let defaults = current_defaults(s);
    if defaults.is_empty() || s.version < crate::spec::V2_0 {
        return None;
    }
    let adds: Vec<(kmip_ttlv::Tag, Vec<Item>)> = PAIR
        .iter()
        .map(|(ty, own)| (*own, defaults_for(&defaults, *ty, &pair_attrs(p, *own))))
        .filter(|(_, a)| !a.is_empty())
        .collect();
    if adds.is_empty() {
        return None;
    }
    let mut out = p.clone();
    for (own, add) in adds {
        if out.child(own).is_none() {
            out.children_mut()?.push(st(own, Vec::new()));
        }
        out.child_mut(own)?.children_mut()?.extend(add);
    }
    Some(out)
}

/// Create Key Pair (2.x): the Constraints of each key, on its Common plus
/// own attributes.
pub fn check_key_pair_constraints(s: &Session<'_>, p: &Item) -> Result<(), KmipError> {
    for (ty, own) in PAIR {
        let attrs: Vec<Item> = pair_attrs(p, own).into_iter().cloned().collect();
        let one = st(t::REQUEST_PAYLOAD, vec![st(t::ATTRIBUTES, attrs)]);
        check_constraints(s, ty, &one)?;
    }
    Ok(())
}

/// Check the Constraints that apply to creating an object of `object_type`
/// from request payload `p` (2.x Attributes; 1.x requests, which carry
/// Template-Attributes, are not checked).
pub fn check_constraints(s: &Session<'_>, object_type: u32, p: &Item) -> Result<(), KmipError> {
    if s.version < crate::spec::V2_0 {
        return Ok(());
    }
    let constraints = current_constraints(s);
    if constraints.is_empty() {
        return Ok(());
    }
    let empty = st(t::ATTRIBUTES, Vec::new());
    let attrs = p.child(t::ATTRIBUTES).unwrap_or(&empty);
    let requested: Vec<&str> = attrs
        .children_with(t::OBJECT_GROUP)
        .filter_map(|i| i.value.as_text())
        .collect();
    for c in constraints.iter() {
        let types = object_types_of(c)?;
        if !types.is_empty() && !types.contains(&object_type) {
            continue;
        }
        let groups = groups_of(c);
        if !groups.is_empty() && !groups.iter().any(|g| requested.contains(g)) {
            continue;
        }
        let Some(required) = c.child(t::ATTRIBUTES) else {
            continue;
        };
        for want in required.children() {
            if !attrs.children_with(want.tag).any(|have| have == want) {
                return Err(KmipError::new(
                    rr::CONSTRAINT_VIOLATION,
                    format!(
                        "a Constraint requires {} with the value it lists",
                        crate::tree::tag_label(want.tag)
                    ),
                ));
            }
        }
    }
    Ok(())
}
