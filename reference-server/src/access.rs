//! Authentication and access control of the reference server; both are off
//! by default.
//!
//! - **Authentication**: the request header's Authentication structure
//!   (KMIP 1.4 §6.6, 2.1 §9.4) is read credential by credential; the first
//!   one of a type this server checks decides:
//!   - Username and Password (1.4 §2.1.2 Table 4, 2.1 §9.11 Table 411),
//!     checked when a users file is given (`serve --users`);
//!   - Device (1.1+; 1.4 §2.1.2 Table 5, 2.1 Table 412), checked when a
//!     devices file is given (`serve --devices`): every identifying field
//!     configured for a device (Device Serial Number, Device Identifier,
//!     Network Identifier, Machine Identifier, Media Identifier) must be
//!     sent with that value, and its password when one is configured;
//!   - Ticket (2.0+, 2.1 Table 416): always checked; a ticket is issued by
//!     Login / Delegated Login (`ops::session`) and names the identity it
//!     acts for.
//!
//!   A Username and Password or Device credential that matches no
//!   configured entry fails the whole message with Result Reason
//!   Authentication Not Successful (1.4 §9.1.3.2.29, 2.1 §11.46 Table 478);
//!   an unknown, expired, logged-out or used-up ticket fails it with
//!   Invalid Ticket (2.1 Table 478: "The ticket was invalid"). A request
//!   without a checked credential is not refused (the spec leaves which
//!   requests need one to server policy: "Servers MAY require
//!   authentication on no requests, a subset of the requests, or all
//!   requests"); its identity is then the client certificate's. Other
//!   credential types (Attestation, One Time Password, Hashed Password)
//!   are not checked.
//! - **Access control** (`serve --access-control`): every object created
//!   gets an owner, the requester's identity: the authenticated user
//!   (`user:NAME`) or device (`device:NAME`), else the TLS client
//!   certificate's subject (`cert:CN=…`), else its SHA-256 fingerprint
//!   (`cert-sha256:…`) when the subject is empty. An object with an owner
//!   is visible only to that identity: any other requester gets Operation
//!   Failed / Permission Denied ("Client is not allowed to perform the
//!   specified operation", 1.4 §11.1 General errors, 2.1 §11.46 Table 478)
//!   from every operation that names the object, and Locate never returns
//!   it. Asynchronous requests have the same owner rule: Poll, Cancel and
//!   Process of another identity's correlation value get Permission Denied,
//!   and Query Asynchronous Requests lists only the requester's own. Objects
//!   without an owner (created while access control was off, or by a
//!   client with no identity) stay visible to everyone. The owner is kept
//!   with the object (and with the asynchronous record) in the store, so it
//!   survives a restart with `--data-dir`.
//! - **Tickets** ([`Tickets`]): Login issues a ticket for the requester's
//!   identity; Delegated Login one restricted to its Rights (2.1 §7.34:
//!   the Operations and Objects of at least one Right must allow the
//!   request). Tickets live in memory: a restart invalidates them.
//!
//! - **KMIP 3.0 users and groups** (Create User / Create Group; the 3.0
//!   delta has the objects and the Credential Link / Group Link attributes
//!   but no access rules, so these are this server's choices):
//!   - with a users file, a Username and Password credential that is not in
//!     the file is checked against the User objects: a live User whose Name
//!     is the username and whose Credential Link names a live Password
//!     Credential with that password authenticates as `user:NAME`
//!     ([`user_object_login`]);
//!   - an object with a Group Link (a group's Name or Unique Identifier) is
//!     also usable by every `user:NAME` whose User object (Name = NAME) has
//!     a Group Link to the same group, with the owner's rights (any
//!     operation), and Locate returns it to them ([`requester_groups`],
//!     [`in_groups`]).
//!
//! Every decision is logged (`tracing`: denials at info, grants at debug).

use crate::error::{KmipError, ServerError};
use crate::spec::enums::{credential_type, result_reason as rr};
use crate::spec::tags as t;
use kmip_ttlv::{Item, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Largest users or devices file accepted.
const MAX_USERS_FILE: u64 = 1024 * 1024;

/// A configured device (Device credential, see the module documentation).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Device {
    /// Its name; the identity is `device:NAME`.
    pub name: String,
    /// Device Serial Number it must send, if any.
    pub serial: Option<String>,
    /// Password it must send, if any.
    pub password: Option<String>,
    /// Device Identifier it must send, if any.
    pub device_id: Option<String>,
    /// Network Identifier it must send, if any.
    pub network_id: Option<String>,
    /// Machine Identifier it must send, if any.
    pub machine_id: Option<String>,
    /// Media Identifier it must send, if any.
    pub media_id: Option<String>,
}

impl Device {
    fn matches(&self, value: Option<&Item>) -> bool {
        let field = |tag| match value.and_then(|v| v.child(tag)).map(|i| &i.value) {
            Some(Value::TextString(s)) => Some(s.as_str()),
            _ => None,
        };
        let wanted = [
            (t::DEVICE_SERIAL_NUMBER, &self.serial),
            (t::DEVICE_IDENTIFIER, &self.device_id),
            (t::NETWORK_IDENTIFIER, &self.network_id),
            (t::MACHINE_IDENTIFIER, &self.machine_id),
            (t::MEDIA_IDENTIFIER, &self.media_id),
            (t::PASSWORD, &self.password),
        ];
        // a device with nothing configured matches nothing
        wanted.iter().any(|(_, w)| w.is_some())
            && wanted.iter().all(|(tag, w)| match w {
                None => true,
                Some(w) => {
                    field(*tag).is_some_and(|g| constant_time_eq(w.as_bytes(), g.as_bytes()))
                }
            })
    }
}

/// One Right of a delegated ticket (2.1 §7.34): `None` leaves that aspect
/// unrestricted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Right {
    /// Operation codes allowed.
    pub operations: Option<Vec<u32>>,
    /// Unique Identifiers allowed.
    pub objects: Option<Vec<String>>,
}

/// The Rights of a delegated ticket: a request is allowed when at least
/// one Right allows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rights(pub Vec<Right>);

impl Rights {
    /// May the holder run operation `op`?
    pub fn allows_operation(&self, op: u32) -> bool {
        self.0
            .iter()
            .any(|r| r.operations.as_ref().is_none_or(|o| o.contains(&op)))
    }

    /// May the holder use object `uid` with operation `op`?
    pub fn allows(&self, op: u32, uid: &str) -> bool {
        self.0.iter().any(|r| {
            r.operations.as_ref().is_none_or(|o| o.contains(&op))
                && r.objects
                    .as_ref()
                    .is_none_or(|o| o.iter().any(|u| u == uid))
        })
    }
}

/// Who sends a request: the identity and, for a delegated ticket, the
/// Rights that restrict it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Principal {
    /// `user:…`, `device:…`, `cert:…`; `None`: anonymous.
    pub identity: Option<String>,
    /// Restrictions of a delegated ticket; `None`: unrestricted.
    pub rights: Option<Arc<Rights>>,
}

/// An issued ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketEntry {
    /// The identity requests with this ticket act as.
    pub identity: Option<String>,
    /// Who asked for it (Logout is allowed to it and to `identity`).
    pub issuer: Option<String>,
    /// End of the lease, milliseconds since the epoch.
    pub expires_ms: i64,
    /// Requests left (Request Count); `None`: no limit.
    pub remaining: Option<u64>,
    /// Rights of a delegated ticket.
    pub rights: Option<Arc<Rights>>,
}

/// Most tickets held at once (expired ones are dropped first).
pub const MAX_TICKETS: usize = 100_000;

/// A change to the ticket table, staged by Login / Logout / Delegated
/// Login and applied after the message commits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TicketChange {
    /// Issue a ticket (its value, its entry).
    Issue(Vec<u8>, TicketEntry),
    /// Invalidate a ticket.
    Revoke(Vec<u8>),
}

/// The server's issued tickets (in memory).
#[derive(Debug, Default)]
pub struct Tickets {
    map: Mutex<HashMap<Vec<u8>, TicketEntry>>,
}

impl Tickets {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<u8>, TicketEntry>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The entry of a live ticket (not expired, requests left), without
    /// using it up.
    pub fn peek(&self, value: &[u8], now_ms: i64) -> Option<TicketEntry> {
        self.lock()
            .get(value)
            .filter(|e| e.expires_ms > now_ms && e.remaining != Some(0))
            .cloned()
    }

    /// Authenticate one request with a ticket: its entry, one request used.
    fn redeem(&self, value: &[u8], now_ms: i64) -> Option<TicketEntry> {
        let mut map = self.lock();
        let entry = map.get_mut(value)?;
        if entry.expires_ms <= now_ms || entry.remaining == Some(0) {
            return None;
        }
        if let Some(n) = &mut entry.remaining {
            *n -= 1;
        }
        Some(entry.clone())
    }

    /// Apply the changes of a committed message. An Issue beyond
    /// [`MAX_TICKETS`] live tickets is dropped (logged).
    pub fn apply(&self, changes: Vec<TicketChange>, now_ms: i64) {
        if changes.is_empty() {
            return;
        }
        let mut map = self.lock();
        for c in changes {
            match c {
                TicketChange::Issue(v, e) => {
                    if map.len() >= MAX_TICKETS {
                        map.retain(|_, e| e.expires_ms > now_ms && e.remaining != Some(0));
                    }
                    if map.len() >= MAX_TICKETS {
                        tracing::warn!("ticket table full: ticket not issued");
                        continue;
                    }
                    map.insert(v, e);
                }
                TicketChange::Revoke(v) => {
                    map.remove(&v);
                }
            }
        }
    }

    /// Can more tickets be issued?
    pub fn has_room(&self) -> bool {
        self.lock().len() < MAX_TICKETS
    }
}

/// The server's authentication and access-control configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessPolicy {
    /// Enforce object ownership (see the module documentation).
    pub access_control: bool,
    /// Username → password; `None`: Username and Password credentials are
    /// not checked.
    pub users: Option<BTreeMap<String, String>>,
    /// Configured devices; `None`: Device credentials are not checked.
    pub devices: Option<Vec<Device>>,
}

impl AccessPolicy {
    /// The policy of `--target reference`: access control on, with the
    /// Username and Password credential of the OASIS v3.0 test cases
    /// (`administrator` / `password`), the project's access cases' users
    /// `KH-alice` / `KH-bob` and device `KH-device` (Device Serial Number
    /// `KH-SN-0001`, password `KH-device-password`; testcases/server/access).
    pub fn reference_default() -> AccessPolicy {
        AccessPolicy {
            access_control: true,
            users: Some(
                [
                    ("administrator", "password"),
                    ("KH-alice", "KH-alice-password"),
                    ("KH-bob", "KH-bob-password"),
                ]
                .into_iter()
                .map(|(u, p)| (u.to_string(), p.to_string()))
                .collect(),
            ),
            devices: Some(vec![Device {
                name: "KH-device".to_string(),
                serial: Some("KH-SN-0001".to_string()),
                password: Some("KH-device-password".to_string()),
                ..Device::default()
            }]),
        }
    }

    /// Read a users file: one `username:password` a line; blank lines and
    /// lines starting with `#` are ignored.
    pub fn load_users(path: &Path) -> Result<BTreeMap<String, String>, ServerError> {
        let text = read_small(path)?;
        parse_users(&text).map_err(|e| ServerError::Config(format!("{}: {e}", path.display())))
    }

    /// Read a devices file: one device a line, `NAME:field=value;…` with
    /// fields `serial`, `password`, `device-id`, `network-id`,
    /// `machine-id`, `media-id` (at least one); blank lines and lines
    /// starting with `#` are ignored.
    pub fn load_devices(path: &Path) -> Result<Vec<Device>, ServerError> {
        let text = read_small(path)?;
        parse_devices(&text).map_err(|e| ServerError::Config(format!("{}: {e}", path.display())))
    }

    /// Who sends this request (see the module documentation): the
    /// authenticated user, device or ticket identity, else the TLS
    /// identity. A credential that does not check is an error.
    pub fn authenticate(
        &self,
        request: &Item,
        tls_identity: Option<&str>,
        tickets: &Tickets,
        now_ms: i64,
    ) -> Result<Principal, KmipError> {
        let tls = Principal {
            identity: tls_identity.map(str::to_string),
            rights: None,
        };
        let auth = request
            .child(t::REQUEST_HEADER)
            .and_then(|h| h.child(t::AUTHENTICATION));
        let Some(auth) = auth else {
            return Ok(tls);
        };
        for cred in auth.children().iter().filter(|c| c.tag == t::CREDENTIAL) {
            let ty = match cred.child(t::CREDENTIAL_TYPE).map(|i| &i.value) {
                Some(Value::Enumeration(v)) => *v,
                _ => continue,
            };
            let value = cred.child(t::CREDENTIAL_VALUE);
            match ty {
                credential_type::USERNAME_AND_PASSWORD => {
                    if let Some(users) = &self.users {
                        return check_password(users, value).map(|identity| Principal {
                            identity: Some(identity),
                            rights: None,
                        });
                    }
                }
                credential_type::DEVICE => {
                    if let Some(devices) = &self.devices {
                        return match devices.iter().find(|d| d.matches(value)) {
                            Some(d) => {
                                tracing::debug!(device = d.name, "device authenticated");
                                Ok(Principal {
                                    identity: Some(format!("device:{}", d.name)),
                                    rights: None,
                                })
                            }
                            None => {
                                tracing::info!(
                                    "authentication refused: Device credential matches no configured device"
                                );
                                Err(KmipError::new(
                                    rr::AUTHENTICATION_NOT_SUCCESSFUL,
                                    "Device credential not accepted",
                                ))
                            }
                        };
                    }
                }
                credential_type::TICKET => {
                    let ticket = value.and_then(|v| v.child(t::TICKET));
                    let tv = match ticket
                        .and_then(|t| t.child(t::TICKET_VALUE))
                        .map(|i| &i.value)
                    {
                        Some(Value::ByteString(b)) => Some(b.as_slice()),
                        _ => None,
                    };
                    return match tv.and_then(|v| tickets.redeem(v, now_ms)) {
                        Some(e) => {
                            tracing::debug!(
                                identity = e.identity.as_deref().unwrap_or("(anonymous)"),
                                delegated = e.rights.is_some(),
                                "ticket accepted"
                            );
                            Ok(Principal {
                                identity: e.identity,
                                rights: e.rights,
                            })
                        }
                        None => {
                            tracing::info!(
                                "authentication refused: unknown, expired or used-up ticket"
                            );
                            Err(KmipError::new(
                                rr::INVALID_TICKET,
                                "the ticket is unknown, expired, logged out or used up",
                            ))
                        }
                    };
                }
                _ => {}
            }
        }
        Ok(tls)
    }

    /// May `client` use an object owned by `owner`? Logs the decision.
    pub fn check(
        &self,
        uid: &str,
        owner: Option<&str>,
        client: Option<&str>,
    ) -> Result<(), KmipError> {
        if !self.access_control {
            return Ok(());
        }
        match owner {
            None => Ok(()),
            Some(o) if Some(o) == client => {
                tracing::debug!(uid, owner = o, "access granted to the owner");
                Ok(())
            }
            Some(o) => {
                tracing::info!(
                    uid,
                    owner = o,
                    client = client.unwrap_or("(anonymous)"),
                    "access denied: owned by another identity"
                );
                Err(KmipError::permission_denied(format!(
                    "{uid:?} belongs to another client"
                )))
            }
        }
    }

    /// Is an object owned by `owner` visible to `client` (Locate)?
    pub fn visible(&self, owner: Option<&str>, client: Option<&str>) -> bool {
        !self.access_control || owner.is_none() || owner == client
    }
}

/// The text of a link attribute value (Reference, Name Reference, Text
/// String or Identifier).
fn reference_text(i: &Item) -> Option<&str> {
    match &i.value {
        Value::TextString(v)
        | Value::Reference(v)
        | Value::NameReference(v)
        | Value::Identifier(v) => Some(v.as_str()),
        _ => None,
    }
}

/// The KMIP 3.0 groups of the requester (module documentation): the Name
/// and Unique Identifier of every group its User objects link to. Empty for
/// a requester that is not `user:NAME` or when access control is off.
pub fn requester_groups(
    s: &crate::server::Session<'_>,
) -> Result<std::collections::BTreeSet<String>, KmipError> {
    use crate::spec::enums::object_type as ot;
    let mut out = std::collections::BTreeSet::new();
    let Some(name) = s
        .client
        .as_deref()
        .and_then(|c| c.strip_prefix("user:"))
        .filter(|_| s.access.access_control)
    else {
        return Ok(out);
    };
    let all = s.txn.list()?;
    for u in all
        .iter()
        .filter(|o| o.object_type == ot::USER && !o.is_destroyed())
        .filter(|o| o.attributes.names().any(|n| n == name))
    {
        for l in u
            .attributes
            .get(&crate::attributes::AttrKey::Std(t::GROUP_LINK))
        {
            if let Some(v) = reference_text(l) {
                out.insert(v.to_string());
            }
        }
    }
    if out.is_empty() {
        return Ok(out);
    }
    for g in all
        .iter()
        .filter(|o| o.object_type == ot::GROUP && !o.is_destroyed())
    {
        let names: Vec<&str> = g.attributes.names().collect();
        if out.contains(&g.uid) || names.iter().any(|n| out.contains(*n)) {
            out.insert(g.uid.clone());
            out.extend(names.into_iter().map(str::to_string));
        }
    }
    Ok(out)
}

/// Does `obj` have a Group Link to one of `groups`?
pub fn in_groups(
    groups: &std::collections::BTreeSet<String>,
    obj: &crate::object::ManagedObject,
) -> bool {
    !groups.is_empty()
        && obj
            .attributes
            .get(&crate::attributes::AttrKey::Std(t::GROUP_LINK))
            .iter()
            .filter_map(reference_text)
            .any(|g| groups.contains(g))
}

/// A Username and Password credential of `request` checked against the
/// KMIP 3.0 User objects of `objects` (module documentation): the identity
/// `user:NAME` when a live User named NAME has a Credential Link to a live
/// Password Credential holding that password.
pub fn user_object_login(
    request: &Item,
    objects: &[std::sync::Arc<crate::object::ManagedObject>],
) -> Option<String> {
    use crate::spec::enums::object_type as ot;
    let cred = request
        .child(t::REQUEST_HEADER)?
        .child(t::AUTHENTICATION)?
        .children()
        .iter()
        .filter(|c| c.tag == t::CREDENTIAL)
        .find(|c| {
            matches!(
                c.child(t::CREDENTIAL_TYPE).map(|i| &i.value),
                Some(Value::Enumeration(credential_type::USERNAME_AND_PASSWORD))
            )
        })?;
    let value = cred.child(t::CREDENTIAL_VALUE)?;
    let text = |tag| match value.child(tag).map(|i| &i.value) {
        Some(Value::TextString(s)) => Some(s.as_str()),
        _ => None,
    };
    let (user, given) = (text(t::USERNAME)?, text(t::PASSWORD)?);
    let live = |uid: &str, ty: u32| {
        objects
            .iter()
            .find(|o| o.uid == uid && o.object_type == ty && !o.is_destroyed())
    };
    let ok = objects
        .iter()
        .filter(|o| o.object_type == ot::USER && !o.is_destroyed())
        .filter(|o| o.attributes.names().any(|n| n == user))
        .flat_map(|o| {
            o.attributes
                .get(&crate::attributes::AttrKey::Std(t::CREDENTIAL_LINK))
                .iter()
                .filter_map(reference_text)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter_map(|c| live(&c, ot::PASSWORD_CREDENTIAL))
        .filter_map(|c| c.body.as_ref()?.child(t::PASSWORD))
        .any(|p| match &p.value {
            Value::TextString(want) => constant_time_eq(want.as_bytes(), given.as_bytes()),
            _ => false,
        });
    if ok {
        tracing::debug!(user, "authenticated by a KMIP 3.0 User object");
        Some(format!("user:{user}"))
    } else {
        None
    }
}

fn read_small(path: &Path) -> Result<String, ServerError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| ServerError::io(format!("reading {}", path.display()), e))?;
    if meta.len() > MAX_USERS_FILE {
        return Err(ServerError::Config(format!(
            "{} is larger than {MAX_USERS_FILE} bytes",
            path.display()
        )));
    }
    std::fs::read_to_string(path)
        .map_err(|e| ServerError::io(format!("reading {}", path.display()), e))
}

fn check_password(
    users: &BTreeMap<String, String>,
    value: Option<&Item>,
) -> Result<String, KmipError> {
    let field = |tag| match value.and_then(|v| v.child(tag)).map(|i| &i.value) {
        Some(Value::TextString(s)) => Some(s.as_str()),
        _ => None,
    };
    let user = field(t::USERNAME).unwrap_or("");
    let ok = field(t::PASSWORD).is_some_and(|given| {
        users
            .get(user)
            .is_some_and(|want| constant_time_eq(want.as_bytes(), given.as_bytes()))
    });
    if !ok {
        tracing::info!(
            user,
            "authentication refused: unknown user or wrong password"
        );
        return Err(KmipError::new(
            rr::AUTHENTICATION_NOT_SUCCESSFUL,
            "Username and Password credential not accepted",
        ));
    }
    tracing::debug!(user, "authenticated");
    Ok(format!("user:{user}"))
}

/// The lines of a users / devices file that carry an entry (not blank, not
/// a `#` comment), with their 0-based line index.
fn entry_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .map(|line| line.trim_end_matches('\r'))
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
}

fn parse_devices(text: &str) -> Result<Vec<Device>, String> {
    let mut out = Vec::new();
    for (n, line) in entry_lines(text) {
        let (name, fields) = line
            .split_once(':')
            .ok_or_else(|| format!("line {}: expected NAME:field=value;…", n + 1))?;
        if name.is_empty() {
            return Err(format!("line {}: empty device name", n + 1));
        }
        let mut d = Device {
            name: name.to_string(),
            ..Device::default()
        };
        for kv in fields.split(';').filter(|s| !s.is_empty()) {
            let (k, v) = kv
                .split_once('=')
                .ok_or_else(|| format!("line {}: expected field=value, got {kv:?}", n + 1))?;
            let slot = match k.trim() {
                "serial" => &mut d.serial,
                "password" => &mut d.password,
                "device-id" => &mut d.device_id,
                "network-id" => &mut d.network_id,
                "machine-id" => &mut d.machine_id,
                "media-id" => &mut d.media_id,
                other => return Err(format!("line {}: unknown field {other:?}", n + 1)),
            };
            *slot = Some(v.to_string());
        }
        if d == (Device {
            name: d.name.clone(),
            ..Device::default()
        }) {
            return Err(format!("line {}: a device needs at least one field", n + 1));
        }
        out.push(d);
    }
    Ok(out)
}

fn parse_users(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut users = BTreeMap::new();
    for (n, line) in entry_lines(text) {
        let (u, p) = line
            .split_once(':')
            .ok_or_else(|| format!("line {}: expected username:password", n + 1))?;
        if u.is_empty() {
            return Err(format!("line {}: empty username", n + 1));
        }
        users.insert(u.to_string(), p.to_string());
    }
    Ok(users)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// The identity of a TLS client certificate (DER): `cert:` + its subject
/// (RFC 4514 form), or `cert-sha256:` + the certificate's SHA-256 when the
/// subject is empty or does not parse.
pub fn certificate_identity(der: &[u8]) -> String {
    use sha2::Digest;
    use x509_cert::der::Decode;
    if let Ok(cert) = x509_cert::Certificate::from_der(der) {
        let subject = cert.tbs_certificate.subject.to_string();
        if !subject.is_empty() {
            return format!("cert:{subject}");
        }
    }
    format!("cert-sha256:{}", hex::encode(sha2::Sha256::digest(der)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{enumeration, st, text};

    fn request(user: &str, password: &str) -> Item {
        st(
            t::REQUEST_MESSAGE,
            vec![st(
                t::REQUEST_HEADER,
                vec![st(
                    t::AUTHENTICATION,
                    vec![st(
                        t::CREDENTIAL,
                        vec![
                            enumeration(t::CREDENTIAL_TYPE, credential_type::USERNAME_AND_PASSWORD),
                            st(
                                t::CREDENTIAL_VALUE,
                                vec![text(t::USERNAME, user), text(t::PASSWORD, password)],
                            ),
                        ],
                    )],
                )],
            )],
        )
    }

    fn who(p: &AccessPolicy, req: &Item, tls: Option<&str>) -> Result<Option<String>, u32> {
        p.authenticate(req, tls, &Tickets::default(), 0)
            .map(|pr| pr.identity)
            .map_err(|e| e.reason)
    }

    #[test]
    fn users_file_and_credentials() {
        let users = parse_users("# users\nalice:s3cret\n\nbob:pw:with:colons\n").expect("parses");
        assert_eq!(users.get("bob").map(String::as_str), Some("pw:with:colons"));
        assert!(parse_users("nocolon").is_err());
        let p = AccessPolicy {
            access_control: true,
            users: Some(users),
            devices: None,
        };
        assert_eq!(
            who(&p, &request("alice", "s3cret"), Some("cert:CN=x")),
            Ok(Some("user:alice".to_string()))
        );
        for (u, pw) in [("alice", "wrong"), ("mallory", "s3cret"), ("alice", "")] {
            assert_eq!(
                who(&p, &request(u, pw), None),
                Err(rr::AUTHENTICATION_NOT_SUCCESSFUL),
                "{u}/{pw}"
            );
        }
        // no credential: the TLS identity
        let bare = st(t::REQUEST_MESSAGE, vec![st(t::REQUEST_HEADER, vec![])]);
        assert_eq!(
            who(&p, &bare, Some("cert:CN=x")),
            Ok(Some("cert:CN=x".to_string()))
        );
        // authentication off: credentials are not checked
        let off = AccessPolicy::default();
        assert_eq!(who(&off, &request("alice", "wrong"), None), Ok(None));
    }

    fn with_credential(ty: u32, value: Vec<Item>) -> Item {
        st(
            t::REQUEST_MESSAGE,
            vec![st(
                t::REQUEST_HEADER,
                vec![st(
                    t::AUTHENTICATION,
                    vec![st(
                        t::CREDENTIAL,
                        vec![
                            enumeration(t::CREDENTIAL_TYPE, ty),
                            st(t::CREDENTIAL_VALUE, value),
                        ],
                    )],
                )],
            )],
        )
    }

    #[test]
    fn device_credentials() {
        let devices = parse_devices(
            "# devices\nhsm1:serial=SN-1;password=pw1\nnic:network-id=00:11:22;machine-id=m\n",
        )
        .expect("parses");
        assert_eq!(devices.len(), 2);
        assert_eq!(devices[1].network_id.as_deref(), Some("00:11:22"));
        assert!(parse_devices("x:").is_err());
        assert!(parse_devices("x:colour=red").is_err());
        let p = AccessPolicy {
            access_control: true,
            users: None,
            devices: Some(devices),
        };
        let dev = |fields: &[(kmip_ttlv::Tag, &str)]| {
            with_credential(
                credential_type::DEVICE,
                fields.iter().map(|(tag, v)| text(*tag, *v)).collect(),
            )
        };
        assert_eq!(
            who(
                &p,
                &dev(&[(t::DEVICE_SERIAL_NUMBER, "SN-1"), (t::PASSWORD, "pw1")]),
                None
            ),
            Ok(Some("device:hsm1".to_string()))
        );
        assert_eq!(
            who(
                &p,
                &dev(&[
                    (t::NETWORK_IDENTIFIER, "00:11:22"),
                    (t::MACHINE_IDENTIFIER, "m")
                ]),
                None
            ),
            Ok(Some("device:nic".to_string()))
        );
        for bad in [
            dev(&[(t::DEVICE_SERIAL_NUMBER, "SN-1"), (t::PASSWORD, "nope")]),
            dev(&[(t::DEVICE_SERIAL_NUMBER, "SN-1")]),
            dev(&[(t::NETWORK_IDENTIFIER, "00:11:22")]),
            dev(&[]),
        ] {
            assert_eq!(who(&p, &bad, None), Err(rr::AUTHENTICATION_NOT_SUCCESSFUL));
        }
        // Username and Password not configured here: not checked
        assert_eq!(
            who(&p, &request("alice", "x"), Some("cert:CN=x")),
            Ok(Some("cert:CN=x".to_string()))
        );
    }

    #[test]
    fn tickets_expire_count_down_and_revoke() {
        let tickets = Tickets::default();
        let entry = TicketEntry {
            identity: Some("user:alice".into()),
            issuer: Some("user:alice".into()),
            expires_ms: 1_000,
            remaining: Some(2),
            rights: None,
        };
        tickets.apply(vec![TicketChange::Issue(vec![7; 16], entry)], 0);
        let req = |v: Vec<u8>| {
            with_credential(
                credential_type::TICKET,
                vec![st(
                    t::TICKET,
                    vec![
                        enumeration(t::TICKET_TYPE, 1),
                        crate::tree::bytes(t::TICKET_VALUE, v),
                    ],
                )],
            )
        };
        let p = AccessPolicy::default();
        let use_at = |v: Vec<u8>, now| {
            p.authenticate(&req(v), Some("cert:CN=x"), &tickets, now)
                .map(|pr| pr.identity)
                .map_err(|e| e.reason)
        };
        assert_eq!(use_at(vec![7; 16], 10), Ok(Some("user:alice".into())));
        assert_eq!(use_at(vec![8; 16], 10), Err(rr::INVALID_TICKET));
        // expired
        assert_eq!(use_at(vec![7; 16], 1_000), Err(rr::INVALID_TICKET));
        assert_eq!(use_at(vec![7; 16], 20), Ok(Some("user:alice".into())));
        // Request Count 2 used up
        assert_eq!(use_at(vec![7; 16], 30), Err(rr::INVALID_TICKET));
        tickets.apply(
            vec![TicketChange::Issue(
                vec![9; 16],
                TicketEntry {
                    identity: None,
                    issuer: None,
                    expires_ms: 1_000,
                    remaining: None,
                    rights: None,
                },
            )],
            0,
        );
        assert!(tickets.peek(&[9; 16], 10).is_some());
        tickets.apply(vec![TicketChange::Revoke(vec![9; 16])], 0);
        assert!(tickets.peek(&[9; 16], 10).is_none());
    }

    #[test]
    fn rights_restrict_operations_and_objects() {
        let r = Rights(vec![
            Right {
                operations: Some(vec![1, 2]),
                objects: Some(vec!["a".into()]),
            },
            Right {
                operations: Some(vec![3]),
                objects: None,
            },
        ]);
        assert!(r.allows_operation(1) && r.allows_operation(3));
        assert!(!r.allows_operation(4));
        assert!(r.allows(1, "a") && r.allows(3, "b"));
        assert!(!r.allows(1, "b") && !r.allows(4, "a"));
        let only_a = Rights(vec![Right {
            operations: None,
            objects: Some(vec!["a".into()]),
        }]);
        assert!(only_a.allows(9, "a") && !only_a.allows(9, "b"));
        assert!(only_a.allows_operation(42));
    }

    #[test]
    fn ownership_rules() {
        let on = AccessPolicy {
            access_control: true,
            ..AccessPolicy::default()
        };
        assert!(on.check("u", Some("a"), Some("a")).is_ok());
        let e = on.check("u", Some("a"), Some("b")).expect_err("denied");
        assert_eq!(e.reason, rr::PERMISSION_DENIED);
        assert!(on.check("u", Some("a"), None).is_err());
        assert!(on.check("u", None, Some("b")).is_ok());
        assert!(!on.visible(Some("a"), Some("b")));
        assert!(on.visible(None, Some("b")));
        let off = AccessPolicy::default();
        assert!(off.check("u", Some("a"), Some("b")).is_ok());
        assert!(off.visible(Some("a"), Some("b")));
    }
}
