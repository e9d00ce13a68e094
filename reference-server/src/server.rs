//! The pure protocol core: [`Server::handle_message`] takes a request
//! message tree and returns the response message tree; no I/O besides the
//! object store.
//!
//! Message layer (KMIP 1.0–3.0 §"Message Contents" / "Message Format"):
//! - protocol version: the response is written in the request's version
//!   when supported; a higher minor of a supported major is answered in the
//!   highest minor the server has; any other version gets Operation Failed
//!   (Unsupported Protocol Version from 2.0 on, Invalid Message before);
//! - header checks (Protocol Version required, Batch Count must match the
//!   items when present, Maximum Response Size), malformed messages get an
//!   Invalid Message response;
//! - batch items run in order; Batch Error Continuation Option Stop (the
//!   default) stops at the first failure and returns results of the items
//!   processed so far, Continue runs all items, Undo rolls every earlier item
//!   back and reports it as Operation Undone;
//! - the ID Placeholder (an omitted Unique Identifier, or the 2.x
//!   enumerated Unique Identifier forms) is set from the Unique Identifier
//!   an operation returns; the Unique Batch Item ID is echoed;
//! - every change of the message is applied to the store in one atomic,
//!   durable [`Store::commit`] before the response is returned;
//! - a response larger than Maximum Response Size is replaced by Response
//!   Too Large failures for the items that carried payloads, and the changes
//!   of the message are discarded (the request had no effect).
//!
//! Operations live in [`crate::ops`] (see there for the dispatch point).
//!
//! ## Concurrency
//!
//! There is no lock around message processing. Each message runs its batch
//! against shared immutable snapshots of the objects ([`Txn`]: reads are
//! `Arc`s, changes are staged copies), so header parsing, key generation and
//! building the response run in parallel for any number of clients. The
//! message then commits its changes together with the versions of what it
//! read ([`crate::store::ReadSet`]); when another message committed a change
//! to one of those objects in between, the commit is refused and the whole
//! message is run again on fresh snapshots (optimistic concurrency control,
//! per object). Messages on different objects therefore never wait for each
//! other, and messages on the same object are serialised at commit. Batch
//! atomicity is unchanged: a message's changes, Undo and Stop included, are
//! one commit or nothing. A message that conflicted
//! [`MAX_OPTIMISTIC_ATTEMPTS`] times runs once more with no other commit
//! allowed meanwhile (an exclusive gate that every commit holds shared, only
//! for the commit itself), so it always finishes.
//!
//! [`Server::cost`] tells the network layer which messages are CPU-heavy
//! (key-pair generation, signatures, …) or wait on disk, so they can go to a
//! bounded worker pool while light ones stay on the I/O task.

use crate::asynchronous::{AsyncMode, AsyncPolicy};
use crate::error::KmipError;
use crate::object::ManagedObject;
use crate::ops;
use crate::spec::enums::{batch_error_continuation as bec, result_reason as rr, result_status};
use crate::spec::tags as t;
use crate::spec::{SUPPORTED_VERSIONS, V1_0, V2_0, V3_0};
use crate::store::{Change, CommitError, MemoryStore, ReadSet, Store};
use crate::tree::{bytes, datetime, enumeration, int, st, text, Fields};
use kmip_ttlv::dict::Version;
use kmip_ttlv::{Item, ItemType, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// Optimistic runs of one message before it runs alone (see the module
/// documentation).
pub const MAX_OPTIMISTIC_ATTEMPTS: u32 = 8;

/// How a message should be scheduled by the network layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    /// Microseconds of CPU: run it on the I/O task.
    Light,
    /// Waits for stable storage (a durable store's commit): run it where
    /// blocking is allowed.
    Blocking,
    /// Long CPU work (key-pair generation, private-key operations, a large
    /// batch or a scan of every object): run it on the bounded worker pool.
    Cpu,
}

/// A source of the current time (seconds since the epoch).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    })
}

/// What the server says about itself (Query).
#[derive(Clone, Debug)]
pub struct ServerInfo {
    /// Vendor Identification.
    pub vendor: String,
    /// Server Information text (product and version).
    pub product: String,
}

impl Default for ServerInfo {
    fn default() -> ServerInfo {
        ServerInfo {
            vendor: "kmip-harness".to_string(),
            product: format!("kmip-reference-server {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// The KMIP server core. Thread-safe: messages are processed concurrently
/// (see the module documentation).
pub struct Server {
    store: Box<dyn Store>,
    /// Held shared by every commit, and exclusively by a message that
    /// conflicted too often, from the start of its last run to its commit.
    gate: RwLock<()>,
    /// Commits refused for a conflict, and runs made alone (see
    /// [`Server::contention`]).
    conflicts: AtomicU64,
    alone_runs: AtomicU64,
    clock: Clock,
    info: ServerInfo,
    /// Server-wide settings of the administration operations (Set
    /// Defaults, Set Constraints) and the PKCS#11 sessions.
    admin: crate::ops::admin::AdminState,
    limits: kmip_ttlv::ttlv::Limits,
    notifier: Option<crate::notify::Notifier>,
    async_policy: AsyncPolicy,
    access: crate::access::AccessPolicy,
    tickets: crate::access::Tickets,
}

impl Default for Server {
    fn default() -> Server {
        Server::new(Box::new(MemoryStore::new()))
    }
}

impl Server {
    /// A server on `store` with the system clock.
    pub fn new(store: Box<dyn Store>) -> Server {
        Server {
            store,
            gate: RwLock::new(()),
            conflicts: AtomicU64::new(0),
            alone_runs: AtomicU64::new(0),
            clock: system_clock(),
            info: ServerInfo::default(),
            admin: crate::ops::admin::AdminState::default(),
            limits: kmip_ttlv::ttlv::Limits::default(),
            notifier: None,
            async_policy: AsyncPolicy::default(),
            access: crate::access::AccessPolicy::default(),
            tickets: crate::access::Tickets::default(),
        }
    }

    /// Check credentials and enforce object ownership as `policy` says
    /// (see [`crate::access`]; both off by default).
    pub fn with_access(mut self, policy: crate::access::AccessPolicy) -> Server {
        self.access = policy;
        self
    }

    /// Defer the policy's operations when a request allows asynchronous
    /// responses (see [`crate::asynchronous`]).
    pub fn with_async_policy(mut self, policy: AsyncPolicy) -> Server {
        self.async_policy = policy;
        self
    }

    /// Push Notify / Put to registered client endpoints after every
    /// committed object change (opt-in; see [`crate::notify`]).
    pub fn with_notifier(mut self, notifier: crate::notify::Notifier) -> Server {
        self.notifier = Some(notifier);
        self
    }

    /// An in-memory server.
    pub fn in_memory() -> Server {
        Server::default()
    }

    /// Replace the clock (tests).
    pub fn with_clock(mut self, clock: Clock) -> Server {
        self.clock = clock;
        self
    }

    /// Replace the self-description.
    pub fn with_info(mut self, info: ServerInfo) -> Server {
        self.info = info;
        self
    }

    /// Replace the decoder limits used by [`Server::handle_bytes`].
    pub fn with_limits(mut self, limits: kmip_ttlv::ttlv::Limits) -> Server {
        self.limits = limits;
        self
    }

    /// The current time per the server's clock.
    pub fn now(&self) -> i64 {
        (self.clock)()
    }

    /// Handle one binary TTLV request; return the binary TTLV response.
    /// Undecodable input gets an Invalid Message response (KMIP 1.0 header,
    /// understood by every client version).
    pub fn handle_bytes(&self, input: &[u8]) -> Vec<u8> {
        let response = match kmip_ttlv::ttlv::decode(input, &self.limits) {
            Ok(item) => self.handle_message(&item),
            Err(e) => {
                tracing::warn!(error = %e, "undecodable request");
                error_response(
                    V1_0,
                    self.now(),
                    &KmipError::invalid_message(format!("undecodable TTLV: {e}")),
                )
            }
        };
        match kmip_ttlv::ttlv::encode(&response) {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "response not encodable");
                let fallback = error_response(
                    V1_0,
                    self.now(),
                    &KmipError::general("response could not be encoded"),
                );
                kmip_ttlv::ttlv::encode(&fallback).unwrap_or_default()
            }
        }
    }

    /// Since start: (commits refused because another message changed what
    /// the message read, messages that then ran alone).
    pub fn contention(&self) -> (u64, u64) {
        (
            self.conflicts.load(Ordering::Relaxed),
            self.alone_runs.load(Ordering::Relaxed),
        )
    }

    /// How the network layer should schedule `request` (a cheap look at
    /// its operations; the message is not validated here).
    pub fn cost(&self, request: &Item) -> Cost {
        use crate::spec::enums::operation as o;
        /// More batch items than this make a message CPU-heavy.
        const LARGE_BATCH: usize = 16;
        let mut items = 0usize;
        let mut heavy = false;
        for bi in request.children().iter().filter(|c| c.tag == t::BATCH_ITEM) {
            items += 1;
            if let Some(Value::Enumeration(op)) = bi.child(t::OPERATION).map(|i| &i.value) {
                heavy |= matches!(
                    *op,
                    o::CREATE_KEY_PAIR
                        | o::RE_KEY_KEY_PAIR
                        | o::CERTIFY
                        | o::RE_CERTIFY
                        | o::SIGN
                        | o::SIGNATURE_VERIFY
                        | o::DECRYPT
                        | o::DERIVE_KEY
                        | o::CREATE_SPLIT_KEY
                        | o::JOIN_SPLIT_KEY
                        | o::LOCATE
                        | o::POLL
                );
            }
        }
        if heavy || items > LARGE_BATCH {
            Cost::Cpu
        } else if self.store.is_durable() {
            Cost::Blocking
        } else {
            Cost::Light
        }
    }

    /// Handle one request message tree from a client without a TLS
    /// identity; never panics.
    pub fn handle_message(&self, request: &Item) -> Item {
        self.handle_message_from(request, None)
    }

    /// Handle one request message tree from a client whose TLS identity
    /// (client certificate, see [`crate::access::certificate_identity`]) is
    /// `tls_identity`; never panics.
    pub fn handle_message_from(&self, request: &Item, tls_identity: Option<&str>) -> Item {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.process(request, tls_identity)
        }));
        match result {
            Ok(r) => r,
            Err(_) => {
                tracing::error!("internal error while processing a request");
                error_response(
                    V1_0,
                    self.now(),
                    &KmipError::general("internal server error"),
                )
            }
        }
    }

    fn process(&self, request: &Item, tls_identity: Option<&str>) -> Item {
        let now = self.now();
        let header = match parse_header(request) {
            Ok(h) => h,
            Err((version, e)) => {
                tracing::info!(reason = %e, "rejected request message");
                return error_response(version.unwrap_or(V1_0), now, &e);
            }
        };
        let principal = match self.access.authenticate(
            request,
            tls_identity,
            &self.tickets,
            crate::asynchronous::now_ms(),
        ) {
            Ok(c) => c,
            // a credential not in the users file may be a KMIP 3.0 User's
            Err(e) if e.reason == rr::AUTHENTICATION_NOT_SUCCESSFUL => match self
                .store
                .scan()
                .ok()
                .and_then(|snap| crate::access::user_object_login(request, &snap.objects))
            {
                Some(identity) => crate::access::Principal {
                    identity: Some(identity),
                    rights: None,
                },
                None => return error_response(header.version, now, &e),
            },
            Err(e) => return error_response(header.version, now, &e),
        };
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let alone = attempt > MAX_OPTIMISTIC_ATTEMPTS;
            // Alone: no other message commits from here until this one has
            // run and committed, so what it reads stays current. (A panic
            // while holding the gate poisons it; the guard is still good.)
            if alone {
                self.alone_runs.fetch_add(1, Ordering::Relaxed);
            }
            let exclusive = alone.then(|| self.gate.write().unwrap_or_else(|p| p.into_inner()));
            let run = self.run_batch(&header, now, &principal);
            let before = self.notify_snapshot(&run.changes);
            let committed = {
                // the others hold the gate shared for their commit only
                let _shared = exclusive
                    .is_none()
                    .then(|| self.gate.read().unwrap_or_else(|p| p.into_inner()));
                self.store.commit(&run.reads, &run.changes)
            };
            drop(exclusive);
            match committed {
                Ok(()) => {
                    self.tickets
                        .apply(run.tickets, crate::asynchronous::now_ms());
                    self.admin.apply(&run.admin_changes);
                    if let Some(before) = before {
                        self.push_changes(&run.changes, before);
                    }
                    tracing::info!(
                        correlation = header.correlation.as_deref().unwrap_or(""),
                        items = header.items.len(),
                        failed = run.failed,
                        attempts = attempt,
                        "request"
                    );
                    return run.response;
                }
                Err(CommitError::Conflict(what)) if !alone => {
                    self.conflicts.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(attempt, %what, "commit conflict; running the message again");
                }
                Err(e) => {
                    tracing::error!(error = %e, "store commit failed");
                    let mut results = run.results;
                    for r in &mut results {
                        if r.outcome.is_ok() {
                            r.outcome = Err(KmipError::general(format!("storage failure: {e}")));
                        }
                    }
                    return build_response(header.version, now, &mut results, false);
                }
            }
        }
    }

    /// Run every batch item of one message on the current snapshots; the
    /// response and what to commit.
    fn run_batch(
        &self,
        header: &Header<'_>,
        now: i64,
        principal: &crate::access::Principal,
    ) -> BatchRun {
        let version = header.version;
        let mut session = Session {
            version,
            now,
            txn: Txn::new(self.store.as_ref()),
            id_placeholder: None,
            last_ids: Vec::new(),
            info: &self.info,
            admin: &self.admin,
            admin_changes: Vec::new(),
            now_ms: crate::asynchronous::now_ms(),
            async_policy: &self.async_policy,
            pending: None,
            client: principal.identity.clone(),
            access: &self.access,
            rights: principal.rights.clone(),
            op: 0,
            tickets: &self.tickets,
            ticket_changes: Vec::new(),
        };
        let mut results: Vec<ItemResult> = Vec::with_capacity(header.items.len());
        let mut undo = false;
        let mut failed = 0usize;
        for bi in &header.items {
            let before = session.txn.checkpoint();
            let tickets_before = session.ticket_changes.len();
            let admin_before = session.admin_changes.len();
            let outcome = match bi.operation {
                Some(op)
                    if bi.error.is_none()
                        && crate::asynchronous::should_defer(
                            header.async_mode,
                            &self.async_policy,
                            op,
                        ) =>
                {
                    defer_item(&mut session, op, bi)
                }
                _ => run_item(&mut session, bi),
            };
            let pending = session.pending.take();
            let item_failed = outcome.is_err();
            if item_failed {
                failed += 1;
                session.txn.restore(before);
                session.ticket_changes.truncate(tickets_before);
                session.admin_changes.truncate(admin_before);
            }
            tracing::debug!(
                correlation = header.correlation.as_deref().unwrap_or(""),
                operation = bi.operation.map(op_name).unwrap_or("?"),
                result = match &outcome {
                    Ok(_) => "Success".to_string(),
                    Err(e) => e.to_string(),
                },
                "batch item"
            );
            results.push(ItemResult {
                operation: bi.operation,
                batch_id: bi.batch_id.clone(),
                outcome,
                pending,
            });
            if item_failed {
                match header.continuation {
                    bec::CONTINUE => continue,
                    bec::UNDO => {
                        undo = true;
                        break;
                    }
                    _ => break,
                }
            }
        }
        if undo {
            session.txn.discard();
            session.ticket_changes.clear();
            session.admin_changes.clear();
        }
        let mut response = build_response(version, now, &mut results, undo);
        if let Some(max) = header.max_response_size {
            let len = kmip_ttlv::ttlv::encode(&response)
                .map(|b| b.len())
                .unwrap_or(usize::MAX);
            if len > max {
                session.txn.discard();
                session.ticket_changes.clear();
                session.admin_changes.clear();
                for r in &mut results {
                    if r.outcome.is_ok() {
                        r.outcome = Err(KmipError::new(
                            rr::RESPONSE_TOO_LARGE,
                            format!("response of {len} bytes exceeds Maximum Response Size {max}"),
                        ));
                    }
                }
                response = build_response(version, now, &mut results, false);
            }
        }
        let tickets = std::mem::take(&mut session.ticket_changes);
        let (reads, changes) = session.txn.finish();
        BatchRun {
            response,
            results,
            failed,
            admin_changes: session.admin_changes,
            reads,
            changes,
            tickets,
        }
    }

    /// With a notifier: the stored state of every object about to change
    /// (read before the commit so the push can tell new from changed).
    fn notify_snapshot(&self, changes: &[Change]) -> Option<Vec<Option<Arc<ManagedObject>>>> {
        self.notifier.as_ref()?;
        Some(
            changes
                .iter()
                .map(|c| match c {
                    Change::Put(o) => self.store.get(&o.uid).ok().flatten().map(|v| v.object),
                    Change::Remove(_) | Change::PutAsync(..) => None,
                })
                .collect(),
        )
    }

    /// Queue a Put for each new object and a Notify (changed attributes
    /// only) for each changed one. Removals (Obliterate) are not pushed:
    /// the client service has no operation for them.
    fn push_changes(&self, changes: &[Change], before: Vec<Option<Arc<ManagedObject>>>) {
        let Some(n) = &self.notifier else { return };
        let version = n.version();
        let v = Version::new(
            u8::try_from(version.0).unwrap_or(1),
            u8::try_from(version.1).unwrap_or(0),
        );
        for (change, old) in changes.iter().zip(before) {
            let Change::Put(new) = change else { continue };
            let wire =
                |set: &crate::attributes::AttributeSet,
                 only: &dyn Fn(&crate::attributes::AttrKey, u32, &Item) -> bool| {
                    set.iter()
                        .filter(|(k, i, val)| only(k, *i, val))
                        .filter(|(k, _, _)| crate::attributes::defined_in(k, v))
                        .map(|(k, i, val)| crate::attributes::to_wire(k, i, val, v))
                        .collect::<Vec<Item>>()
                };
            match old {
                None => {
                    if let Some(body) = &new.body {
                        let attrs = wire(&new.attributes, &|_, _, _| true);
                        n.object_put(&new.uid, None, body.clone(), attrs);
                    }
                }
                Some(old) => {
                    let changed = wire(&new.attributes, &|k, i, val| {
                        old.attributes.get(k).get(i as usize) != Some(val)
                    });
                    if !changed.is_empty() {
                        n.object_changed(&new.uid, changed);
                    }
                }
            }
        }
    }
}

/// One run of a message's batch, before its commit.
struct BatchRun {
    response: Item,
    results: Vec<ItemResult>,
    failed: usize,
    /// Administration changes, applied after the commit.
    admin_changes: Vec<crate::ops::admin::AdminChange>,
    reads: ReadSet,
    changes: Vec<Change>,
    /// Ticket table changes, applied after the commit.
    tickets: Vec<crate::access::TicketChange>,
}

fn op_name(op: u32) -> &'static str {
    crate::spec::enum_name(crate::spec::enums::operation::NAMES, op).unwrap_or("unknown")
}

/// One parsed request batch item.
struct BatchItemIn<'a> {
    operation: Option<u32>,
    batch_id: Option<Vec<u8>>,
    payload: Option<&'a Item>,
    error: Option<KmipError>,
}

struct Header<'a> {
    version: Version,
    max_response_size: Option<usize>,
    continuation: u32,
    correlation: Option<String>,
    async_mode: AsyncMode,
    items: Vec<BatchItemIn<'a>>,
}

/// The version the server answers a request of version `v` in.
pub fn negotiate(v: Version) -> Option<Version> {
    if SUPPORTED_VERSIONS.contains(&v) {
        return Some(v);
    }
    SUPPORTED_VERSIONS
        .iter()
        .copied()
        .find(|s| s.major == v.major && s.minor < v.minor)
}

fn parse_version(pv: &Item) -> Option<Version> {
    let f = Fields::new(pv);
    let major = f.int(t::PROTOCOL_VERSION_MAJOR).ok()??;
    let minor = f.int(t::PROTOCOL_VERSION_MINOR).ok()??;
    Some(Version::new(
        u8::try_from(major).ok()?,
        u8::try_from(minor).ok()?,
    ))
}

type HeaderError = (Option<Version>, KmipError);

fn parse_header(request: &Item) -> Result<Header<'_>, HeaderError> {
    if request.tag != t::REQUEST_MESSAGE || request.item_type() != ItemType::Structure {
        return Err((None, KmipError::invalid_message("not a Request Message")));
    }
    let f = Fields::new(request);
    let rh = f
        .get(t::REQUEST_HEADER)
        .ok_or_else(|| (None, KmipError::invalid_message("Request Header missing")))?;
    let hf = Fields::new(rh);
    let pv = hf
        .get(t::PROTOCOL_VERSION)
        .ok_or_else(|| (None, KmipError::invalid_message("Protocol Version missing")))?;
    let requested = parse_version(pv).ok_or_else(|| {
        (
            None,
            KmipError::invalid_message("malformed Protocol Version"),
        )
    })?;
    let version = match negotiate(requested) {
        Some(v) => v,
        None => {
            let answer = if requested.major >= 2 {
                V2_0.max(highest_of(requested))
            } else {
                V1_0
            };
            let reason = if answer >= V2_0 {
                rr::UNSUPPORTED_PROTOCOL_VERSION
            } else {
                rr::INVALID_MESSAGE
            };
            return Err((
                Some(answer),
                KmipError::new(
                    reason,
                    format!("protocol version {requested} is not supported"),
                ),
            ));
        }
    };
    let bad = |m: String| (Some(version), KmipError::invalid_message(m));
    let max_response_size = match hf.int(t::MAXIMUM_RESPONSE_SIZE) {
        Ok(Some(n)) if n > 0 => Some(usize::try_from(n).unwrap_or(usize::MAX)),
        Ok(Some(_)) => return Err(bad("Maximum Response Size must be positive".into())),
        Ok(None) => None,
        Err(e) => return Err((Some(version), e)),
    };
    let continuation = match hf.enumeration(t::BATCH_ERROR_CONTINUATION_OPTION) {
        Ok(Some(c @ (bec::CONTINUE | bec::STOP | bec::UNDO))) => c,
        Ok(Some(c)) => return Err(bad(format!("unknown Batch Error Continuation Option {c}"))),
        Ok(None) => bec::STOP,
        Err(e) => return Err((Some(version), e)),
    };
    let async_mode = AsyncMode::from_header_item(hf.get(t::ASYNCHRONOUS_INDICATOR))
        .map_err(|e| (Some(version), e))?;
    let correlation = hf
        .text(t::CLIENT_CORRELATION_VALUE)
        .ok()
        .flatten()
        .map(str::to_string);
    let batch_items: Vec<&Item> = f.all(t::BATCH_ITEM).collect();
    if batch_items.is_empty() {
        return Err(bad("no Batch Item".into()));
    }
    match hf.int(t::BATCH_COUNT) {
        Ok(Some(n)) => {
            if usize::try_from(n).ok() != Some(batch_items.len()) {
                return Err(bad(format!(
                    "Batch Count {n} does not match the {} batch items",
                    batch_items.len()
                )));
            }
        }
        Ok(None) if version < V3_0 => return Err(bad("Batch Count missing".into())),
        Ok(None) => {}
        Err(e) => return Err((Some(version), e)),
    }
    let items = batch_items.into_iter().map(parse_batch_item).collect();
    Ok(Header {
        version,
        max_response_size,
        continuation,
        correlation,
        async_mode,
        items,
    })
}

fn highest_of(v: Version) -> Version {
    SUPPORTED_VERSIONS
        .iter()
        .copied()
        .find(|s| *s <= v)
        .unwrap_or(V1_0)
}

fn parse_batch_item(bi: &Item) -> BatchItemIn<'_> {
    let f = Fields::new(bi);
    let mut out = BatchItemIn {
        operation: None,
        batch_id: None,
        payload: None,
        error: None,
    };
    if bi.item_type() != ItemType::Structure {
        out.error = Some(KmipError::invalid_message("Batch Item must be a Structure"));
        return out;
    }
    match f.enumeration(t::OPERATION) {
        Ok(Some(op)) => out.operation = Some(op),
        Ok(None) => out.error = Some(KmipError::invalid_message("Operation missing")),
        Err(e) => out.error = Some(KmipError::invalid_message(e.message)),
    }
    match f.bytes(t::UNIQUE_BATCH_ITEM_ID) {
        Ok(b) => out.batch_id = b.map(<[u8]>::to_vec),
        Err(e) => {
            out.error = out
                .error
                .take()
                .or(Some(KmipError::invalid_message(e.message)))
        }
    }
    match f.get(t::REQUEST_PAYLOAD) {
        Some(p) if p.item_type() == ItemType::Structure => out.payload = Some(p),
        Some(_) => {
            out.error = out.error.take().or(Some(KmipError::invalid_message(
                "Request Payload must be a Structure",
            )))
        }
        None => {
            out.error = out
                .error
                .take()
                .or(Some(KmipError::invalid_message("Request Payload missing")))
        }
    }
    out
}

fn run_item(session: &mut Session<'_>, bi: &BatchItemIn<'_>) -> Result<Item, KmipError> {
    if let Some(e) = &bi.error {
        return Err(e.clone());
    }
    let (Some(op), Some(payload)) = (bi.operation, bi.payload) else {
        return Err(KmipError::invalid_message("incomplete batch item"));
    };
    check_enumerations(payload, 0)?;
    let out = ops::dispatch(op, payload, session)?;
    session.note_result(op, &out);
    Ok(out)
}

/// Defer one batch item (see [`crate::asynchronous`]): the checks every
/// item gets first (a malformed item, an operation the version does not
/// define, an invalid enumeration fail synchronously), then the record.
fn defer_item(session: &mut Session<'_>, op: u32, bi: &BatchItemIn<'_>) -> Result<Item, KmipError> {
    let Some(payload) = bi.payload else {
        return Err(KmipError::invalid_message("incomplete batch item"));
    };
    match ops::OPERATIONS.iter().find(|d| d.code == op) {
        Some(def) if def.since <= session.version => {}
        // let the dispatcher word the refusal
        _ => return run_item(session, bi),
    }
    check_enumerations(payload, 0)?;
    let id = crate::asynchronous::defer(session, op, payload)?;
    session.pending = Some(id);
    Ok(ops::payload(Vec::new()))
}

/// Deepest nesting [`check_enumerations`] walks (the decoder bounds depth
/// already; this only keeps the walk itself bounded).
const MAX_ENUM_CHECK_DEPTH: usize = 64;

/// Reject an Enumeration whose value is not defined for its tag (KMIP 1.4
/// §9.1.3.2.x / 2.1 §11: "Invalid Field — the request contains a field
/// value that is not valid"): codes in the extension range (`0x8xxxxxxx`)
/// and tags without a known enumeration are accepted as they are.
fn check_enumerations(item: &Item, depth: usize) -> Result<(), KmipError> {
    match &item.value {
        Value::Enumeration(code) if *code < 0x8000_0000 => {
            if let Some(def) = kmip_ttlv::dict::enum_for_tag(item.tag.0) {
                if def.name_of(*code).is_none() {
                    return Err(KmipError::invalid_field(format!(
                        "{code:#010x} is not a valid {} value",
                        crate::tree::tag_label(item.tag)
                    )));
                }
            }
            Ok(())
        }
        Value::Structure(children) if depth < MAX_ENUM_CHECK_DEPTH => children
            .iter()
            .try_for_each(|c| check_enumerations(c, depth + 1)),
        _ => Ok(()),
    }
}

struct ItemResult {
    operation: Option<u32>,
    batch_id: Option<Vec<u8>>,
    outcome: Result<Item, KmipError>,
    /// Operation Pending: the Asynchronous Correlation Value (the outcome
    /// is then an empty payload that is not sent).
    pending: Option<Vec<u8>>,
}

fn response_header(version: Version, now: i64, count: usize) -> Item {
    let mut h = vec![
        st(
            t::PROTOCOL_VERSION,
            vec![
                int(t::PROTOCOL_VERSION_MAJOR, i32::from(version.major)),
                int(t::PROTOCOL_VERSION_MINOR, i32::from(version.minor)),
            ],
        ),
        datetime(t::TIME_STAMP, now),
    ];
    if version < V3_0 {
        h.push(int(
            t::BATCH_COUNT,
            i32::try_from(count).unwrap_or(i32::MAX),
        ));
    }
    st(t::RESPONSE_HEADER, h)
}

/// The Response Message. The payloads of successful items move into it;
/// `results` keeps every item's status (its Ok payloads become empty), which
/// is all a rebuild after a late failure needs.
fn build_response(version: Version, now: i64, results: &mut [ItemResult], undone: bool) -> Item {
    let mut children = vec![response_header(version, now, results.len())];
    for r in results {
        let mut bi = Vec::new();
        if let Some(op) = r.operation {
            bi.push(enumeration(t::OPERATION, op));
        }
        if let Some(id) = &r.batch_id {
            bi.push(bytes(t::UNIQUE_BATCH_ITEM_ID, id.clone()));
        }
        match &mut r.outcome {
            // 2.1 §8 Response Batch Item: Asynchronous Correlation Value
            // "Required if Result Status is Pending"; Poll of a pending
            // request: "no payload and a Result Status of Pending" (§6.1.38).
            Ok(_) if r.pending.is_some() && !undone => {
                bi.push(enumeration(t::RESULT_STATUS, crate::asynchronous::PENDING));
                if let Some(id) = &r.pending {
                    bi.push(bytes(t::ASYNCHRONOUS_CORRELATION_VALUE, id.clone()));
                }
            }
            Ok(_) if r.pending.is_some() => {
                bi.push(enumeration(
                    t::RESULT_STATUS,
                    result_status::OPERATION_UNDONE,
                ));
            }
            Ok(payload) => {
                let status = if undone {
                    result_status::OPERATION_UNDONE
                } else {
                    result_status::SUCCESS
                };
                bi.push(enumeration(t::RESULT_STATUS, status));
                bi.push(std::mem::replace(
                    payload,
                    Item::structure(t::RESPONSE_PAYLOAD, Vec::new()),
                ));
            }
            Err(e) => {
                bi.push(enumeration(t::RESULT_STATUS, e.status));
                // Only a reason this version's Result Reason table defines
                // (crate::reasons).
                bi.push(enumeration(
                    t::RESULT_REASON,
                    crate::reasons::fit(version, e.reason),
                ));
                if !e.message.is_empty() {
                    bi.push(text(t::RESULT_MESSAGE, e.message.clone()));
                }
            }
        }
        children.push(st(t::BATCH_ITEM, bi));
    }
    st(t::RESPONSE_MESSAGE, children)
}

/// A response with one failed batch item and no Operation (a message-level
/// failure).
pub fn error_response(version: Version, now: i64, e: &KmipError) -> Item {
    build_response(
        version,
        now,
        &mut [ItemResult {
            operation: None,
            batch_id: None,
            outcome: Err(e.clone()),
            pending: None,
        }],
        false,
    )
}

/// Pending changes of one request message over the store (copy-on-write),
/// and what it read (checked when it commits).
pub struct Txn<'s> {
    store: &'s dyn Store,
    overlay: BTreeMap<String, Option<Arc<ManagedObject>>>,
    /// Staged asynchronous-request records (key → encoded record). Not
    /// rolled back with a failed item: a deferred operation that failed at
    /// its Poll stays failed.
    async_overlay: BTreeMap<String, Arc<Vec<u8>>>,
    reads: RefCell<ReadSet>,
}

/// A saved overlay state (to roll back one failed batch item).
pub struct Checkpoint(BTreeMap<String, Option<Arc<ManagedObject>>>);

impl<'s> Txn<'s> {
    fn new(store: &'s dyn Store) -> Txn<'s> {
        Txn {
            store,
            overlay: BTreeMap::new(),
            async_overlay: BTreeMap::new(),
            reads: RefCell::new(ReadSet::default()),
        }
    }

    /// An object as this message currently sees it: the shared snapshot,
    /// not a copy.
    pub fn get_shared(&self, uid: &str) -> Result<Option<Arc<ManagedObject>>, KmipError> {
        if let Some(o) = self.overlay.get(uid) {
            return Ok(o.clone());
        }
        let found = self.store.get(uid)?;
        self.reads
            .borrow_mut()
            .points
            .entry(uid.to_string())
            .or_insert(found.as_ref().map(|v| v.version));
        Ok(found.map(|v| v.object))
    }

    /// An object as this message currently sees it, as a private copy to
    /// change and [`Txn::put`] back.
    pub fn get(&self, uid: &str) -> Result<Option<ManagedObject>, KmipError> {
        Ok(self.get_shared(uid)?.map(Arc::unwrap_or_clone))
    }

    /// Every object as this message currently sees it, in UID order
    /// (shared snapshots).
    pub fn list(&self) -> Result<Vec<Arc<ManagedObject>>, KmipError> {
        let (seq, all) = self.scan()?;
        let mut reads = self.reads.borrow_mut();
        reads.scan = Some(reads.scan.map_or(seq, |s| s.min(seq)));
        Ok(all)
    }

    /// Every object, like [`Txn::list`], for a check that depends only on
    /// the objects' Names and destroyed state (Name uniqueness): commits
    /// that change neither do not conflict with it.
    pub fn list_for_names(&self) -> Result<Vec<Arc<ManagedObject>>, KmipError> {
        let (seq, all) = self.scan()?;
        let mut reads = self.reads.borrow_mut();
        reads.names_scan = Some(reads.names_scan.map_or(seq, |s| s.min(seq)));
        Ok(all)
    }

    /// The store's objects with this message's changes over them, and the
    /// store sequence they were read at.
    fn scan(&self) -> Result<(u64, Vec<Arc<ManagedObject>>), KmipError> {
        let snapshot = self.store.scan()?;
        if self.overlay.is_empty() {
            return Ok((snapshot.seq, snapshot.objects));
        }
        let mut map: BTreeMap<&str, &Arc<ManagedObject>> = snapshot
            .objects
            .iter()
            .map(|o| (o.uid.as_str(), o))
            .collect();
        for (uid, o) in &self.overlay {
            match o {
                Some(o) => {
                    map.insert(uid.as_str(), o);
                }
                None => {
                    map.remove(uid.as_str());
                }
            }
        }
        Ok((snapshot.seq, map.into_values().cloned().collect()))
    }

    /// One asynchronous-request record as this message sees it.
    pub fn get_async(
        &self,
        key: &str,
    ) -> Result<Option<crate::asynchronous::AsyncRecord>, KmipError> {
        use crate::asynchronous::AsyncRecord;
        if let Some(b) = self.async_overlay.get(key) {
            return Ok(Some(AsyncRecord::from_bytes(key, b)?));
        }
        let found = self.store.get_async(key)?;
        self.reads
            .borrow_mut()
            .asyncs
            .entry(key.to_string())
            .or_insert(found.as_ref().map(|v| v.0));
        found
            .map(|(_, b)| AsyncRecord::from_bytes(key, &b).map_err(KmipError::from))
            .transpose()
    }

    /// Every asynchronous-request record as this message sees it.
    pub fn list_async(&self) -> Result<Vec<crate::asynchronous::AsyncRecord>, KmipError> {
        use crate::asynchronous::AsyncRecord;
        let mut all: BTreeMap<String, Arc<Vec<u8>>> =
            self.store.list_async()?.into_iter().collect();
        for (k, v) in &self.async_overlay {
            all.insert(k.clone(), v.clone());
        }
        all.iter()
            .map(|(k, b)| AsyncRecord::from_bytes(k, b).map_err(KmipError::from))
            .collect()
    }

    /// Insert or replace an asynchronous-request record.
    pub fn put_async(
        &mut self,
        record: &crate::asynchronous::AsyncRecord,
    ) -> Result<(), KmipError> {
        let b = record.to_bytes()?;
        self.async_overlay
            .insert(crate::asynchronous::key(&record.id), Arc::new(b));
        Ok(())
    }

    /// Insert or replace an object.
    pub fn put(&mut self, obj: ManagedObject) {
        self.overlay.insert(obj.uid.clone(), Some(Arc::new(obj)));
    }

    /// Remove an object entirely.
    pub fn remove(&mut self, uid: &str) {
        self.overlay.insert(uid.to_string(), None);
    }

    /// Save the staged object changes (not the asynchronous records).
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.overlay.clone())
    }

    /// Return to a [`Txn::checkpoint`].
    pub fn restore(&mut self, c: Checkpoint) {
        self.overlay = c.0;
    }

    fn discard(&mut self) {
        self.overlay.clear();
        self.async_overlay.clear();
    }

    /// What was read, and the changes to commit.
    fn finish(self) -> (ReadSet, Vec<Change>) {
        let changes = self
            .overlay
            .into_iter()
            .map(|(uid, o)| match o {
                Some(o) => Change::Put(o),
                None => Change::Remove(uid),
            })
            .chain(
                self.async_overlay
                    .into_iter()
                    .map(|(k, b)| Change::PutAsync(k, b)),
            )
            .collect();
        (self.reads.into_inner(), changes)
    }
}

/// Per-message state the operations work with.
pub struct Session<'a> {
    /// Protocol version of the exchange.
    pub version: Version,
    /// The message's time (every date the message sets uses it).
    pub now: i64,
    /// Pending changes.
    pub txn: Txn<'a>,
    /// The ID Placeholder.
    pub id_placeholder: Option<String>,
    /// Unique Identifiers returned so far, by Unique Identifier Enumeration
    /// (2.x enumerated references: Create, Register, …).
    pub last_ids: Vec<(u32, String)>,
    /// Server self-description.
    pub info: &'a ServerInfo,
    /// The server's administration settings and PKCS#11 sessions.
    pub admin: &'a crate::ops::admin::AdminState,
    /// Changes to them, applied when the message commits.
    pub admin_changes: Vec<crate::ops::admin::AdminChange>,
    /// The message's time in milliseconds (asynchronous timers).
    pub now_ms: i64,
    /// Which operations are deferred.
    pub async_policy: &'a AsyncPolicy,
    /// Set by an item that answers Operation Pending (its Asynchronous
    /// Correlation Value); the message layer takes it after the item.
    pub pending: Option<Vec<u8>>,
    /// The requester's identity (authenticated user or TLS client
    /// certificate); owner of the objects it creates.
    pub client: Option<String>,
    /// Authentication and access-control policy.
    pub access: &'a crate::access::AccessPolicy,
    /// Rights of a delegated ticket the request authenticated with
    /// (`None`: unrestricted).
    pub rights: Option<std::sync::Arc<crate::access::Rights>>,
    /// The operation running (set by [`crate::ops::dispatch`]).
    pub op: u32,
    /// Issued tickets (Login / Logout / Delegated Login, `ops::session`).
    pub tickets: &'a crate::access::Tickets,
    /// Ticket changes staged by this message, applied after its commit.
    pub ticket_changes: Vec<crate::access::TicketChange>,
}

impl Session<'_> {
    fn note_result(&mut self, op: u32, payload: &Item) {
        use crate::spec::enums::{operation as o, uid_enum as u};
        let f = Fields::new(payload);
        let uid = f
            .text(t::UNIQUE_IDENTIFIER)
            .ok()
            .flatten()
            .or_else(|| f.text(t::PRIVATE_KEY_UNIQUE_IDENTIFIER).ok().flatten())
            .map(str::to_string);
        let sets_placeholder = matches!(
            op,
            o::CREATE
                | o::CREATE_KEY_PAIR
                | o::REGISTER
                | o::DERIVE_KEY
                | o::RE_KEY
                | o::RE_KEY_KEY_PAIR
                | o::CERTIFY
                | o::RE_CERTIFY
                | o::LOCATE
                | o::RECOVER
                | o::CREATE_SPLIT_KEY
                | o::JOIN_SPLIT_KEY
                | o::IMPORT
                | o::EXPORT
                | o::CREATE_USER
                | o::CREATE_GROUP
                | o::CREATE_CREDENTIAL
        );
        if let Some(uid) = uid {
            if sets_placeholder {
                self.id_placeholder = Some(uid.clone());
            }
            let e = match op {
                o::CREATE => Some(u::CREATE),
                o::REGISTER => Some(u::REGISTER),
                o::LOCATE => Some(u::LOCATE),
                o::RE_KEY => Some(u::RE_KEY),
                o::CERTIFY => Some(u::CERTIFY),
                o::RE_CERTIFY => Some(u::RE_CERTIFY),
                o::DERIVE_KEY => Some(u::DERIVE_KEY),
                o::IMPORT => Some(u::IMPORT),
                o::CREATE_SPLIT_KEY => Some(u::CREATE_SPLIT_KEY),
                o::JOIN_SPLIT_KEY => Some(u::JOIN_SPLIT_KEY),
                o::CREATE_USER => Some(u::CREATE_USER),
                o::CREATE_GROUP => Some(u::CREATE_GROUP),
                o::CREATE_CREDENTIAL => Some(u::CREATE_CREDENTIAL),
                _ => None,
            };
            if let Some(e) = e {
                self.last_ids.push((e, uid));
            }
        }
        if op == o::CREATE_KEY_PAIR || op == o::RE_KEY_KEY_PAIR {
            let (all, prv, publ) = if op == o::CREATE_KEY_PAIR {
                (
                    u::CREATE_KEY_PAIR,
                    u::CREATE_KEY_PAIR_PRIVATE_KEY,
                    u::CREATE_KEY_PAIR_PUBLIC_KEY,
                )
            } else {
                (
                    u::RE_KEY_KEY_PAIR,
                    u::RE_KEY_KEY_PAIR_PRIVATE_KEY,
                    u::RE_KEY_KEY_PAIR_PUBLIC_KEY,
                )
            };
            if let Ok(Some(p)) = f.text(t::PRIVATE_KEY_UNIQUE_IDENTIFIER) {
                self.last_ids.push((all, p.to_string()));
                self.last_ids.push((prv, p.to_string()));
            }
            if let Ok(Some(p)) = f.text(t::PUBLIC_KEY_UNIQUE_IDENTIFIER) {
                self.last_ids.push((publ, p.to_string()));
            }
        }
    }

    /// Resolve the Unique Identifier of a request payload: the explicit
    /// value, an enumerated reference (2.x), or the ID Placeholder.
    pub fn resolve_uid(&self, payload: &Item) -> Result<String, KmipError> {
        match payload.child(t::UNIQUE_IDENTIFIER) {
            Some(item) => self.resolve_uid_item(item),
            None => self.id_placeholder.clone().ok_or_else(|| {
                KmipError::missing_data("Unique Identifier omitted and no ID Placeholder is set")
            }),
        }
    }

    /// Resolve one Unique Identifier item.
    pub fn resolve_uid_item(&self, item: &Item) -> Result<String, KmipError> {
        use crate::spec::enums::uid_enum as u;
        match &item.value {
            v if v.as_text().is_some() => Ok(v.as_text().unwrap_or_default().to_string()),
            Value::Enumeration(u::ID_PLACEHOLDER) => self
                .id_placeholder
                .clone()
                .ok_or_else(|| KmipError::missing_data("ID Placeholder is not set")),
            Value::Enumeration(e) => self
                .last_ids
                .iter()
                .rev()
                .find(|(k, _)| k == e)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| {
                    KmipError::missing_data(format!(
                        "no earlier batch item produced the Unique Identifier {e:#x}"
                    ))
                }),
            Value::Integer(i) => {
                // 2.x: an Integer Unique Identifier indexes earlier results.
                let idx = usize::try_from(*i)
                    .map_err(|_| KmipError::invalid_field("negative Unique Identifier index"))?;
                self.last_ids
                    .get(idx)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| KmipError::invalid_field("Unique Identifier index out of range"))
            }
            _ => Err(KmipError::invalid_field(
                "Unique Identifier must be a Text String, Enumeration or Integer",
            )),
        }
    }

    /// A Unique Identifier item in this version's type (Identifier in 3.0).
    pub fn uid_item(&self, tag: kmip_ttlv::Tag, uid: &str) -> Item {
        if self.version >= V3_0 {
            Item::new(tag, Value::Identifier(uid.to_string()))
        } else {
            text(tag, uid)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_negotiation() {
        assert_eq!(negotiate(Version::new(2, 1)), Some(Version::new(2, 1)));
        assert_eq!(negotiate(Version::new(1, 7)), Some(Version::new(1, 4)));
        assert_eq!(negotiate(Version::new(2, 9)), Some(Version::new(2, 1)));
        assert_eq!(negotiate(Version::new(4, 0)), None);
        assert_eq!(negotiate(Version::new(0, 9)), None);
    }
}
