//! Login, Logout and Delegated Login (KMIP 2.0 §6.1.29 / §6.1.30 /
//! §6.1.12, 2.1 §6.1.30 / §6.1.31 / §6.1.12): tickets a client then sends
//! as a Ticket credential (2.1 §9.11 Table 416, §7.39 Ticket, Ticket Type
//! Login, §11.57) instead of its other credentials.
//!
//! - **Login** issues a ticket for the requester's identity (the user,
//!   device or client certificate it authenticated with; a requester
//!   without one gets Permission Denied). Lease Time (an Interval in
//!   seconds or a Date Time; default [`DEFAULT_LEASE_S`]) bounds its life;
//!   Request Count, when given, the number of requests it authenticates.
//!   A request authenticated with a delegated ticket gets a ticket with the
//!   same Rights.
//! - **Delegated Login** issues a ticket for the requester's identity that
//!   only allows what its Rights allow (2.1 §7.34 Right, §7.35 Rights: a
//!   request is allowed when the Operations and Objects of at least one
//!   Right allow it; an omitted field is unrestricted). The ticket is
//!   handed to another party, whose requests then act as the delegator
//!   within those Rights; anything else gets Permission Denied. A request
//!   that itself authenticated with a delegated ticket cannot delegate
//!   (Permission Denied).
//! - **Logout** invalidates a ticket: only the identity it acts for may do
//!   so (Permission Denied otherwise); an unknown, expired or already
//!   logged-out ticket is Invalid Ticket (2.1 Table 258).
//!
//! Not supported (Feature Not Supported): Usage Limits (in the request or
//! in a Right) and Object Groups in a Right. Ticket changes take effect
//! when the message commits (see [`crate::access::Tickets`]); tickets are
//! kept in memory only.

use super::payload;
use crate::access::{Right, Rights, TicketChange, TicketEntry};
use crate::error::KmipError;
use crate::server::Session;
use crate::spec::enums::{result_reason as rr, ticket_type};
use crate::spec::tags as t;
use crate::tree::{as_enum, bytes, enumeration, st, Fields};
use kmip_ttlv::{Item, Value};
use std::sync::Arc;

/// Lease of a ticket when the request gives no Lease Time, seconds.
pub const DEFAULT_LEASE_S: i64 = 3600;

/// Lease end (ms) and request count of a Login / Delegated Login.
fn terms(s: &Session<'_>, p: &Item) -> Result<(i64, Option<u64>), KmipError> {
    let f = Fields::new(p);
    if f.get(t::USAGE_LIMITS).is_some() {
        return Err(KmipError::feature_not_supported(
            "Usage Limits on a ticket are not supported by this server",
        ));
    }
    let expires_ms = match f.get(t::LEASE_TIME).map(|i| &i.value) {
        None => s.now_ms.saturating_add(DEFAULT_LEASE_S * 1000),
        Some(Value::Interval(0)) => {
            return Err(KmipError::invalid_field("Lease Time must not be zero"))
        }
        Some(Value::Interval(secs)) => s.now_ms.saturating_add(i64::from(*secs) * 1000),
        Some(Value::DateTime(at)) if *at > s.now => at.saturating_mul(1000),
        Some(Value::DateTime(_)) => {
            return Err(KmipError::invalid_field("Lease Time is in the past"))
        }
        Some(_) => {
            return Err(KmipError::invalid_field(
                "Lease Time must be an Interval or a Date Time",
            ))
        }
    };
    let count = match f.int(t::REQUEST_COUNT)? {
        None => None,
        Some(n) if n > 0 => Some(u64::from(n.unsigned_abs())),
        Some(_) => return Err(KmipError::invalid_field("Request Count must be positive")),
    };
    Ok((expires_ms, count))
}

/// Stage a new ticket for the requester and answer it.
fn issue(
    s: &mut Session<'_>,
    p: &Item,
    rights: Option<Arc<Rights>>,
    what: &str,
) -> Result<Item, KmipError> {
    use rand::RngCore;
    let (expires_ms, remaining) = terms(s, p)?;
    let Some(identity) = s.client.clone() else {
        tracing::info!("{what} refused: the requester has no identity");
        return Err(KmipError::permission_denied(format!(
            "{what} needs an authenticated requester (a credential or a client certificate)"
        )));
    };
    if !s.tickets.has_room() {
        return Err(KmipError::general("the ticket table is full"));
    }
    let mut value = vec![0u8; 16];
    rand::thread_rng().fill_bytes(&mut value);
    tracing::info!(
        identity,
        delegated = rights.is_some(),
        lease_ms = expires_ms - s.now_ms,
        requests = remaining,
        "{what}: ticket issued"
    );
    s.ticket_changes.push(TicketChange::Issue(
        value.clone(),
        TicketEntry {
            identity: Some(identity.clone()),
            issuer: Some(identity),
            expires_ms,
            remaining,
            rights,
        },
    ));
    Ok(payload(vec![st(
        t::TICKET,
        vec![
            enumeration(t::TICKET_TYPE, ticket_type::LOGIN),
            bytes(t::TICKET_VALUE, value),
        ],
    )]))
}

/// Login (2.1 §6.1.30).
pub fn login(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let rights = s.rights.clone();
    issue(s, p, rights, "Login")
}

/// Delegated Login (2.1 §6.1.12).
pub fn delegated_login(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    if s.rights.is_some() {
        tracing::info!("Delegated Login refused: the request uses a delegated ticket");
        return Err(KmipError::permission_denied(
            "a delegated ticket cannot delegate further",
        ));
    }
    let rights = Fields::new(p)
        .get(t::RIGHTS)
        .ok_or_else(|| KmipError::invalid_field("Delegated Login needs Rights"))?;
    let mut out = Vec::new();
    for r in Fields::new(rights).all(t::RIGHT) {
        out.push(parse_right(r)?);
    }
    if out.is_empty() {
        return Err(KmipError::invalid_field(
            "Rights must hold at least one Right",
        ));
    }
    issue(s, p, Some(Arc::new(Rights(out))), "Delegated Login")
}

fn parse_right(r: &Item) -> Result<Right, KmipError> {
    let f = Fields::new(r);
    if f.get(t::USAGE_LIMITS).is_some() {
        return Err(KmipError::feature_not_supported(
            "Usage Limits in a Right are not supported by this server",
        ));
    }
    if f.get(t::OBJECT_GROUPS).is_some() {
        return Err(KmipError::feature_not_supported(
            "Object Groups in a Right are not supported by this server",
        ));
    }
    let operations = match f.get(t::OPERATIONS) {
        None => None,
        Some(list) => Some(
            Fields::new(list)
                .all(t::OPERATION)
                .map(as_enum)
                .collect::<Result<Vec<u32>, _>>()?,
        ),
    };
    let objects = match f.get(t::OBJECTS) {
        None => None,
        Some(list) => Some(
            Fields::new(list)
                .all(t::UNIQUE_IDENTIFIER)
                .map(|i| {
                    i.value
                        .as_text()
                        .map(str::to_string)
                        .ok_or_else(|| KmipError::invalid_field("Objects holds Unique Identifiers"))
                })
                .collect::<Result<Vec<String>, _>>()?,
        ),
    };
    Ok(Right {
        operations,
        objects,
    })
}

/// Logout (2.1 §6.1.31).
pub fn logout(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let ticket = Fields::new(p).require(t::TICKET)?;
    let value = Fields::new(ticket)
        .bytes(t::TICKET_VALUE)?
        .ok_or_else(|| KmipError::invalid_field("Ticket Value missing"))?
        .to_vec();
    let staged_out = s
        .ticket_changes
        .iter()
        .any(|c| matches!(c, TicketChange::Revoke(v) if *v == value));
    let Some(entry) = s.tickets.peek(&value, s.now_ms).filter(|_| !staged_out) else {
        tracing::info!("Logout refused: unknown, expired or logged-out ticket");
        return Err(KmipError::new(
            rr::INVALID_TICKET,
            "the ticket is unknown, expired or already logged out",
        ));
    };
    if entry.identity != s.client && entry.issuer != s.client {
        tracing::info!(
            client = s.client.as_deref().unwrap_or("(anonymous)"),
            "Logout refused: the ticket belongs to another identity"
        );
        return Err(KmipError::permission_denied(
            "the ticket belongs to another identity",
        ));
    }
    tracing::info!(
        identity = entry.identity.as_deref().unwrap_or("(anonymous)"),
        "Logout: ticket invalidated"
    );
    s.ticket_changes.push(TicketChange::Revoke(value));
    Ok(payload(Vec::new()))
}
