//! Asynchronous processing: deferral, Poll, Cancel and Query Asynchronous
//! Requests, and the durable records behind them.
//!
//! Spec: KMIP 1.4 §6.7 Asynchronous Indicator (a Boolean in the Request
//! Header; True: the client accepts asynchronous responses), §6.8
//! Asynchronous Correlation Value, §4.27 Cancel, §4.28 Poll, §11.29 (Poll
//! of an unknown value: Item Not Found); KMIP 2.1 §9.2 / §11.3 (the
//! indicator becomes an Enumeration: Mandatory — every batch item SHALL be
//! processed asynchronously —, Optional — the server decides per item —,
//! Prohibited), §9.1, §6.1.5 Cancel, §6.1.38 Poll, §6.1.41 Query
//! Asynchronous Requests, §7.2 Asynchronous Request, §11.7 Cancellation
//! Result, §11.40 Processing Stage; Poll of an unknown value is Invalid
//! Asynchronous Correlation Value from KMIP 2.0 (2.0 §6.1.36.1, 2.1
//! Table 277).
//!
//! ## What this server defers, and when a deferred operation runs
//!
//! The server decides which operations are asynchronous (2.1 §9.1 note,
//! §11.3 "outside of the scope of this protocol"); this one makes that
//! decision reproducible with an [`AsyncPolicy`] (`serve --async-ops …
//! --async-delay-ms N`):
//! - indicator absent, False or Prohibited: everything is synchronous;
//! - True (1.x) or Optional (2.x): the items whose operation is in the
//!   policy are deferred, the others run synchronously;
//! - Mandatory (2.x): every item is deferred, except Poll, Cancel, Query
//!   Asynchronous Requests and Process, whose responses "SHALL NOT be
//!   asynchronous".
//!
//! A deferred item is checked like any item (a malformed item or an
//! operation the version does not define fails synchronously), then stored
//! as a record: the request payload, the protocol version and the earliest
//! time it may complete (now + delay). Its ID Placeholder or 2.x
//! enumerated Unique Identifier reference is resolved at deferral, in its
//! own batch. The response item is Operation Pending with a fresh
//! 16-byte Asynchronous Correlation Value.
//!
//! The operation runs at the first Poll that arrives once the delay has
//! passed, inside that Poll's message (its changes commit with the Poll,
//! atomically, and two concurrent Polls of one request conflict on the
//! record, so it runs once). Before that, Poll answers Pending and Cancel
//! cancels it (Cancellation Result Canceled); a later Poll of a canceled
//! request fails with Operation Canceled By Requester (1.4 §11 Result
//! Reason). After it ran, Poll returns its result again (the same payload,
//! or the same failure) and Cancel answers Completed or Failed; a value
//! this server never issued gets Unavailable from Cancel and Item Not Found
//! (1.x) / Invalid Asynchronous Correlation Value (2.x) from Poll. Process
//! (2.1 §6.1.39) drops the remaining delay, so the next Poll runs it.
//!
//! With access control on (`serve --access-control`, see [`crate::access`])
//! a record keeps its requester's identity: Poll, Cancel and Process by
//! another identity get Permission Denied, Query Asynchronous Requests
//! lists the requester's own only, and the deferred operation runs as its
//! owner (the owner of what it creates).
//!
//! Records live in the object store (the `async` table of the redb store
//! with `--data-dir`), so a pending request survives a restart. They are
//! kept after completion (so a repeated Poll or a Cancel still answers).

use crate::error::{KmipError, StoreError};
use crate::ops::payload;
use crate::server::Session;
use crate::spec::enums::{
    cancellation_result as cr, operation as o, processing_stage as ps, result_reason as rr,
    result_status,
};
use crate::spec::tags as t;
use crate::spec::{V2_0, V2_1};
use crate::tree::{bytes, enumeration, int, long, st, text, Fields};
use kmip_ttlv::dict::Version;
use kmip_ttlv::{Item, ItemType, Tag, Value};
use std::collections::BTreeSet;
use std::time::Duration;

/// Which operations this server defers when the client allows it, and how
/// long a deferred operation stays pending at least.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AsyncPolicy {
    /// Operation codes deferred under Optional / True.
    pub ops: BTreeSet<u32>,
    /// Earliest completion after submission.
    pub delay: Duration,
}

/// Errors of [`AsyncPolicy::parse_ops`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PolicyError {
    /// A name that is no KMIP operation.
    #[error("unknown operation {0:?} (use the spec name in kebab case, e.g. create-key-pair)")]
    UnknownOperation(String),
    /// An operation whose response may not be asynchronous.
    #[error("{0} cannot be asynchronous (its response SHALL NOT be asynchronous)")]
    NeverAsync(String),
}

impl AsyncPolicy {
    /// The policy of `--target reference`: the long-running creation
    /// operations are deferred, with no delay (so a test case can Poll at
    /// once and still Cancel before its first Poll).
    pub fn reference_default() -> AsyncPolicy {
        AsyncPolicy {
            ops: [
                o::CREATE,
                o::CREATE_KEY_PAIR,
                o::DERIVE_KEY,
                o::CREATE_SPLIT_KEY,
                o::JOIN_SPLIT_KEY,
            ]
            .into_iter()
            .collect(),
            delay: Duration::ZERO,
        }
    }

    /// Operation codes from a comma-separated list of spec names in kebab
    /// case (`create,create-key-pair`; case and `_`/space are ignored).
    pub fn parse_ops(list: &str) -> Result<BTreeSet<u32>, PolicyError> {
        let norm = |s: &str| {
            s.trim()
                .to_ascii_lowercase()
                .replace([' ', '_'], "-")
                .replace("--", "-")
        };
        let mut out = BTreeSet::new();
        for name in list.split(',').filter(|s| !s.trim().is_empty()) {
            let wanted = norm(name);
            let code = o::NAMES
                .iter()
                .find(|(_, n)| norm(n) == wanted)
                .map(|(c, _)| *c)
                .ok_or_else(|| PolicyError::UnknownOperation(name.trim().to_string()))?;
            if never_async(code) {
                return Err(PolicyError::NeverAsync(name.trim().to_string()));
            }
            out.insert(code);
        }
        Ok(out)
    }
}

/// The Asynchronous Indicator of a request header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AsyncMode {
    /// Absent, False, or Prohibited: synchronous only.
    #[default]
    Prohibited,
    /// True (1.x) or Optional (2.x): the server decides per item.
    Optional,
    /// Mandatory (2.x): every item asynchronously.
    Mandatory,
}

impl AsyncMode {
    /// Read the Asynchronous Indicator (a Boolean in 1.x, an Enumeration in
    /// 2.x; either form is understood in every version).
    pub fn from_header_item(item: Option<&Item>) -> Result<AsyncMode, KmipError> {
        use crate::spec::enums::asynchronous_indicator as ai;
        match item.map(|i| &i.value) {
            None | Some(Value::Boolean(false)) => Ok(AsyncMode::Prohibited),
            Some(Value::Boolean(true)) => Ok(AsyncMode::Optional),
            Some(Value::Enumeration(ai::MANDATORY)) => Ok(AsyncMode::Mandatory),
            Some(Value::Enumeration(ai::OPTIONAL)) => Ok(AsyncMode::Optional),
            Some(Value::Enumeration(ai::PROHIBITED)) => Ok(AsyncMode::Prohibited),
            Some(_) => Err(KmipError::invalid_message(
                "Asynchronous Indicator must be a Boolean (1.x) or Mandatory / Optional / Prohibited (2.x)",
            )),
        }
    }
}

/// Operations whose response is never asynchronous.
fn never_async(op: u32) -> bool {
    matches!(
        op,
        o::POLL | o::CANCEL | o::QUERY_ASYNCHRONOUS_REQUESTS | o::PROCESS
    )
}

/// Does this item get deferred?
pub fn should_defer(mode: AsyncMode, policy: &AsyncPolicy, op: u32) -> bool {
    if never_async(op) {
        return false;
    }
    match mode {
        AsyncMode::Prohibited => false,
        AsyncMode::Optional => policy.ops.contains(&op),
        AsyncMode::Mandatory => true,
    }
}

/// The state of a deferred request.
#[derive(Clone, Debug, PartialEq)]
pub enum AsyncState {
    /// Not run yet.
    Pending,
    /// Canceled before it ran.
    Canceled,
    /// Ran: its response payload or its failure.
    Done(Result<Item, KmipError>),
}

/// One deferred request, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct AsyncRecord {
    /// Asynchronous Correlation Value.
    pub id: Vec<u8>,
    /// Protocol version of the original request.
    pub version: Version,
    /// Operation code.
    pub operation: u32,
    /// The Request Payload (placeholders resolved).
    pub payload: Item,
    /// Submission time, milliseconds since the epoch.
    pub submitted_ms: i64,
    /// Earliest completion, milliseconds since the epoch.
    pub ready_ms: i64,
    /// Where it stands.
    pub state: AsyncState,
    /// The requester's identity when access control is on (see
    /// [`crate::access`]): only it may Poll, Cancel or Process the request.
    pub owner: Option<String>,
}

/// Private record fields (extension tag range 0x54xxxx, never on the wire).
const REC_SUBMITTED_MS: Tag = Tag(0x54_FF01);
const REC_READY_MS: Tag = Tag(0x54_FF02);
const REC_CANCELED: Tag = Tag(0x54_FF03);
const REC_OWNER: Tag = Tag(0x54_FF04);

/// The store key of a correlation value (lower-case hex).
pub fn key(id: &[u8]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

fn corrupt(id: &str, reason: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        uid: format!("async:{id}"),
        reason: reason.into(),
    }
}

impl AsyncRecord {
    /// Encode for the store (TTLV).
    pub fn to_bytes(&self) -> Result<Vec<u8>, StoreError> {
        let mut c = vec![
            bytes(t::ASYNCHRONOUS_CORRELATION_VALUE, self.id.clone()),
            st(
                t::PROTOCOL_VERSION,
                vec![
                    int(t::PROTOCOL_VERSION_MAJOR, i32::from(self.version.major)),
                    int(t::PROTOCOL_VERSION_MINOR, i32::from(self.version.minor)),
                ],
            ),
            enumeration(t::OPERATION, self.operation),
            self.payload.clone(),
            long(REC_SUBMITTED_MS, self.submitted_ms),
            long(REC_READY_MS, self.ready_ms),
        ];
        if let Some(o) = &self.owner {
            c.push(text(REC_OWNER, o.clone()));
        }
        match &self.state {
            AsyncState::Pending => c.push(enumeration(t::PROCESSING_STAGE, ps::SUBMITTED)),
            AsyncState::Canceled => {
                c.push(enumeration(t::PROCESSING_STAGE, ps::COMPLETED));
                c.push(enumeration(REC_CANCELED, cr::CANCELED));
            }
            AsyncState::Done(r) => {
                c.push(enumeration(t::PROCESSING_STAGE, ps::COMPLETED));
                match r {
                    Ok(p) => c.push(p.clone()),
                    Err(e) => {
                        c.push(enumeration(t::RESULT_STATUS, e.status));
                        c.push(enumeration(t::RESULT_REASON, e.reason));
                        c.push(text(t::RESULT_MESSAGE, e.message.clone()));
                    }
                }
            }
        }
        kmip_ttlv::ttlv::encode(&st(t::ASYNCHRONOUS_REQUEST, c))
            .map_err(|e| corrupt(&key(&self.id), format!("encode: {e}")))
    }

    /// Decode a record written by [`AsyncRecord::to_bytes`].
    pub fn from_bytes(id: &str, b: &[u8]) -> Result<AsyncRecord, StoreError> {
        let limits = kmip_ttlv::ttlv::Limits {
            max_message_len: usize::MAX,
            max_depth: 128,
            strict_padding: false,
        };
        let item =
            kmip_ttlv::ttlv::decode(b, &limits).map_err(|e| corrupt(id, format!("decode: {e}")))?;
        let bad = |m: &str| corrupt(id, m);
        if item.tag != t::ASYNCHRONOUS_REQUEST || item.item_type() != ItemType::Structure {
            return Err(bad("not an asynchronous-request record"));
        }
        let f = Fields::new(&item);
        fn need<T>(id: &str, r: Result<Option<T>, KmipError>, what: &str) -> Result<T, StoreError> {
            r.map_err(|e| corrupt(id, format!("{what}: {}", e.message)))?
                .ok_or_else(|| corrupt(id, format!("{what} missing")))
        }
        let corr = need(
            id,
            f.bytes(t::ASYNCHRONOUS_CORRELATION_VALUE),
            "correlation value",
        )?;
        let pv = f
            .get(t::PROTOCOL_VERSION)
            .ok_or_else(|| bad("protocol version missing"))?;
        let pvf = Fields::new(pv);
        let major = need(id, pvf.int(t::PROTOCOL_VERSION_MAJOR), "major")?;
        let minor = need(id, pvf.int(t::PROTOCOL_VERSION_MINOR), "minor")?;
        let version = Version::new(
            u8::try_from(major).map_err(|_| bad("major out of range"))?,
            u8::try_from(minor).map_err(|_| bad("minor out of range"))?,
        );
        let operation = need(id, f.enumeration(t::OPERATION), "operation")?;
        let payload = f
            .get(t::REQUEST_PAYLOAD)
            .ok_or_else(|| bad("request payload missing"))?
            .clone();
        let submitted_ms = need(id, f.long(REC_SUBMITTED_MS), "submission time")?;
        let ready_ms = need(id, f.long(REC_READY_MS), "ready time")?;
        let stage = need(id, f.enumeration(t::PROCESSING_STAGE), "processing stage")?;
        let owner = f
            .text(REC_OWNER)
            .map_err(|_| bad("bad owner"))?
            .map(str::to_string);
        let state = if stage != ps::COMPLETED {
            AsyncState::Pending
        } else if f.get(REC_CANCELED).is_some() {
            AsyncState::Canceled
        } else if let Some(p) = f.get(t::RESPONSE_PAYLOAD) {
            AsyncState::Done(Ok(p.clone()))
        } else {
            AsyncState::Done(Err(KmipError {
                status: need(id, f.enumeration(t::RESULT_STATUS), "result status")?,
                reason: need(id, f.enumeration(t::RESULT_REASON), "result reason")?,
                message: f
                    .text(t::RESULT_MESSAGE)
                    .ok()
                    .flatten()
                    .unwrap_or_default()
                    .to_string(),
            }))
        };
        Ok(AsyncRecord {
            id: corr.to_vec(),
            version,
            operation,
            payload,
            submitted_ms,
            ready_ms,
            state,
            owner,
        })
    }
}

/// Milliseconds since the epoch (the async timer's clock).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Operations whose target is the Unique Identifier of the payload (the ID
/// Placeholder when omitted): resolved at deferral.
fn takes_uid(op: u32) -> bool {
    matches!(
        op,
        o::GET
            | o::GET_ATTRIBUTES
            | o::GET_ATTRIBUTE_LIST
            | o::ADD_ATTRIBUTE
            | o::MODIFY_ATTRIBUTE
            | o::DELETE_ATTRIBUTE
            | o::SET_ATTRIBUTE
            | o::ACTIVATE
            | o::REVOKE
            | o::DESTROY
            | o::ARCHIVE
            | o::RECOVER
            | o::CHECK
            | o::OBTAIN_LEASE
            | o::GET_USAGE_ALLOCATION
            | o::RE_KEY
            | o::ENCRYPT
            | o::DECRYPT
            | o::SIGN
            | o::SIGNATURE_VERIFY
            | o::MAC
            | o::MAC_VERIFY
            | o::OBLITERATE
    )
}

/// Defer one batch item: stage its record and return the new Asynchronous
/// Correlation Value.
pub fn defer(s: &mut Session<'_>, op: u32, request: &Item) -> Result<Vec<u8>, KmipError> {
    use rand::RngCore;
    let mut request = request.clone();
    if takes_uid(op) {
        // The placeholder and enumerated references belong to this batch.
        let uid = s.resolve_uid(&request).ok();
        if let (Some(uid), Value::Structure(children)) = (uid, &mut request.value) {
            children.retain(|c| c.tag != t::UNIQUE_IDENTIFIER);
            children.insert(0, s.uid_item(t::UNIQUE_IDENTIFIER, &uid));
        }
    }
    let mut id = vec![0u8; 16];
    rand::thread_rng().fill_bytes(&mut id);
    let submitted_ms = s.now_ms;
    let delay = i64::try_from(s.async_policy.delay.as_millis()).unwrap_or(i64::MAX);
    let record = AsyncRecord {
        id: id.clone(),
        version: s.version,
        operation: op,
        payload: request,
        submitted_ms,
        ready_ms: submitted_ms.saturating_add(delay),
        state: AsyncState::Pending,
        owner: s.client.clone(),
    };
    s.txn.put_async(&record)?;
    tracing::info!(
        correlation = %key(&id),
        operation = crate::spec::enum_name(o::NAMES, op).unwrap_or("?"),
        "deferred (Operation Pending)"
    );
    Ok(id)
}

/// Only the identity that submitted a request may Poll, Cancel or Process
/// it (when access control is on; Permission Denied otherwise, logged).
fn check_owner(s: &Session<'_>, record: &AsyncRecord) -> Result<(), KmipError> {
    s.access.check(
        &format!("asynchronous request {}", key(&record.id)),
        record.owner.as_deref(),
        s.client.as_deref(),
    )
}

fn correlation_value(p: &Item) -> Result<Vec<u8>, KmipError> {
    Fields::new(p)
        .bytes(t::ASYNCHRONOUS_CORRELATION_VALUE)?
        .map(<[u8]>::to_vec)
        .ok_or_else(|| KmipError::missing_data("Asynchronous Correlation Value missing"))
}

/// Poll (1.4 §4.28, 2.1 §6.1.38).
pub fn poll(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let id = correlation_value(p)?;
    let Some(mut record) = s.txn.get_async(&key(&id))? else {
        let reason = if s.version >= V2_0 {
            rr::INVALID_ASYNCHRONOUS_CORRELATION_VALUE
        } else {
            rr::ITEM_NOT_FOUND
        };
        return Err(KmipError::new(
            reason,
            format!(
                "no asynchronous request with correlation value {}",
                key(&id)
            ),
        ));
    };
    check_owner(s, &record)?;
    match record.state {
        AsyncState::Canceled => Err(KmipError::new(
            rr::OPERATION_CANCELED_BY_REQUESTER,
            "the request was canceled before it completed",
        )),
        AsyncState::Done(r) => r,
        AsyncState::Pending if s.now_ms < record.ready_ms => {
            s.pending = Some(id);
            Ok(payload(Vec::new()))
        }
        AsyncState::Pending => {
            let version = std::mem::replace(&mut s.version, record.version);
            let before = s.txn.checkpoint();
            let r = crate::ops::dispatch(record.operation, &record.payload, s);
            if r.is_err() {
                s.txn.restore(before);
            }
            s.version = version;
            tracing::info!(
                correlation = %key(&id),
                ok = r.is_ok(),
                "deferred operation ran at Poll"
            );
            record.state = AsyncState::Done(r.clone());
            s.txn.put_async(&record)?;
            r
        }
    }
}

/// Cancel (1.4 §4.27, 2.1 §6.1.5).
pub fn cancel(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let id = correlation_value(p)?;
    let found = s.txn.get_async(&key(&id))?;
    if let Some(record) = &found {
        check_owner(s, record)?;
    }
    let result = match found {
        None => cr::UNAVAILABLE,
        Some(mut record) => match &record.state {
            AsyncState::Pending => {
                record.state = AsyncState::Canceled;
                s.txn.put_async(&record)?;
                cr::CANCELED
            }
            AsyncState::Canceled => cr::CANCELED,
            AsyncState::Done(Ok(_)) => cr::COMPLETED,
            AsyncState::Done(Err(_)) => cr::FAILED,
        },
    };
    Ok(payload(vec![
        bytes(t::ASYNCHRONOUS_CORRELATION_VALUE, id),
        enumeration(t::CANCELLATION_RESULT, result),
    ]))
}

/// Process (2.1 §6.1.39): "the next Poll for that asynchronous request
/// SHALL NOT return a pending status": the delay of a pending request is
/// dropped, so the next Poll runs it. A completed or canceled request is
/// left as it is (its next Poll is not pending either); an unknown value is
/// Invalid Asynchronous Correlation Value. The response payload is empty.
pub fn process(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let id = correlation_value(p)?;
    let Some(mut record) = s.txn.get_async(&key(&id))? else {
        return Err(KmipError::new(
            rr::INVALID_ASYNCHRONOUS_CORRELATION_VALUE,
            format!(
                "no asynchronous request with correlation value {}",
                key(&id)
            ),
        ));
    };
    check_owner(s, &record)?;
    if record.state == AsyncState::Pending && record.ready_ms > s.now_ms {
        record.ready_ms = s.now_ms;
        s.txn.put_async(&record)?;
    }
    Ok(payload(Vec::new()))
}

/// Query Asynchronous Requests (2.1 §6.1.41): the requests whose result has
/// not been obtained (pending ones), filtered by the correlation values and
/// operations given.
pub fn query_asynchronous_requests(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    debug_assert!(s.version >= V2_1);
    let f = Fields::new(p);
    let wanted_ids: Vec<Vec<u8>> = match f.get(t::ASYNCHRONOUS_CORRELATION_VALUES) {
        Some(list) => Fields::new(list)
            .all(t::ASYNCHRONOUS_CORRELATION_VALUE)
            .map(|i| match &i.value {
                Value::ByteString(b) => Ok(b.clone()),
                _ => Err(KmipError::invalid_field(
                    "Asynchronous Correlation Value must be a Byte String",
                )),
            })
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let wanted_ops: Vec<u32> = match f.get(t::OPERATIONS) {
        Some(list) => Fields::new(list)
            .all(t::OPERATION)
            .map(crate::tree::as_enum)
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let mut out = Vec::new();
    for record in s.txn.list_async()? {
        if record.state != AsyncState::Pending
            || !s
                .access
                .visible(record.owner.as_deref(), s.client.as_deref())
            || (!wanted_ids.is_empty() && !wanted_ids.contains(&record.id))
            || (!wanted_ops.is_empty() && !wanted_ops.contains(&record.operation))
        {
            continue;
        }
        out.push(st(
            t::ASYNCHRONOUS_REQUEST,
            vec![
                bytes(t::ASYNCHRONOUS_CORRELATION_VALUE, record.id.clone()),
                enumeration(t::OPERATION, record.operation),
                Item::new(
                    t::SUBMISSION_DATE,
                    Value::DateTimeExtended(record.submitted_ms.saturating_mul(1000)),
                ),
                enumeration(t::PROCESSING_STAGE, ps::SUBMITTED),
            ],
        ));
    }
    Ok(payload(out))
}

/// The Result Status of a pending item (for the message layer).
pub const PENDING: u32 = result_status::OPERATION_PENDING;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_in_every_state() {
        let base = AsyncRecord {
            id: vec![1, 2, 3],
            version: Version::new(2, 1),
            operation: o::CREATE,
            payload: st(t::REQUEST_PAYLOAD, vec![int(t::OBJECT_TYPE, 2)]),
            submitted_ms: 1_000,
            ready_ms: 1_500,
            state: AsyncState::Pending,
            owner: None,
        };
        for state in [
            AsyncState::Pending,
            AsyncState::Canceled,
            AsyncState::Done(Ok(payload(vec![text(t::UNIQUE_IDENTIFIER, "u")]))),
            AsyncState::Done(Err(KmipError::invalid_field("x"))),
        ] {
            for owner in [None, Some("user:alice".to_string())] {
                let r = AsyncRecord {
                    state: state.clone(),
                    owner,
                    ..base.clone()
                };
                let b = r.to_bytes().expect("encode");
                assert_eq!(AsyncRecord::from_bytes("010203", &b).expect("decode"), r);
                assert!(AsyncRecord::from_bytes("010203", &b[..b.len() - 4]).is_err());
            }
        }
    }

    #[test]
    fn operation_lists_parse() {
        let ops = AsyncPolicy::parse_ops("create, Create-Key-Pair,derive_key").expect("parse");
        assert_eq!(
            ops,
            [o::CREATE, o::CREATE_KEY_PAIR, o::DERIVE_KEY]
                .into_iter()
                .collect()
        );
        assert_eq!(
            AsyncPolicy::parse_ops("create,frobnicate"),
            Err(PolicyError::UnknownOperation("frobnicate".into()))
        );
        assert_eq!(
            AsyncPolicy::parse_ops("poll"),
            Err(PolicyError::NeverAsync("poll".into()))
        );
    }

    #[test]
    fn mode_decides_deferral() {
        let p = AsyncPolicy::reference_default();
        assert!(!should_defer(AsyncMode::Prohibited, &p, o::CREATE));
        assert!(should_defer(AsyncMode::Optional, &p, o::CREATE));
        assert!(!should_defer(AsyncMode::Optional, &p, o::GET));
        assert!(should_defer(AsyncMode::Mandatory, &p, o::GET));
        assert!(!should_defer(AsyncMode::Mandatory, &p, o::POLL));
        assert!(!should_defer(AsyncMode::Mandatory, &p, o::CANCEL));
    }
}
