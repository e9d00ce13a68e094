//! Replaying one test case over one connection.
//!
//! For each step: bind the request template ([`kmip_compare::Session::bind_request`]),
//! add credentials when configured, encode to TTLV, send, read the response
//! (bounded, with a timeout), decode, and compare it with the expected
//! response ([`kmip_compare::Session::check_response`]). The first diverging
//! response fails the case and decides its verdict; a transport or decode
//! problem is an `error`; a request that cannot be bound or encoded is an
//! `error` too (a bad test case, not a target failure).
//!
//! **Clean-up after a failure.** Test cases end with their own clean-up
//! (Revoke / Destroy of what they created). Stopping at the first divergence
//! would leak those objects into later cases (Locate-based cases then see
//! extra objects; fixed Names collide). So after a `fail` verdict the
//! remaining requests of the case are still sent, best effort, by
//! [`cleanup`]: responses are read and used only to bind placeholders (a
//! `$UNIQUE_IDENTIFIER_n` created after the divergence can still be
//! destroyed), never compared; a request whose placeholders cannot be bound
//! (the object was never created) is skipped; the first transport or decode
//! problem ends the clean-up. The verdict, reason, divergence and masked
//! differences are those of the verdict phase and never change; the
//! clean-up runs under its own time budget
//! ([`CaseOptions::cleanup_timeout`]), outside the case timeout. After an
//! `error` verdict the connection is in an unknown state and nothing more is
//! sent.
//!
//! **Asynchronous responses.** A target may answer a batch item with
//! Result Status Operation Pending and an Asynchronous Correlation Value
//! (KMIP 1.4 §6.8, 2.1 §9.1; it may do so when the request's Asynchronous
//! Indicator allows it). When the test case expects the final result for
//! that item (its expected Result Status is not Pending), the runner polls:
//! a Poll request (1.4 §4.28, 2.1 §6.1.38) in the request's protocol
//! version and with its authentication, after 50 ms, then doubling the wait
//! up to 2 s, until the result is no longer Pending or the message timeout
//! is spent (all inside the case timeout). The polled result replaces the
//! item's status, reason, message and payload (Operation and Unique Batch
//! Item ID stay the original's), and that is what is compared; each such
//! item is recorded in [`ReplayOutcome::asynchronous`] (and so in the case
//! result). An item still pending at the end is compared as it is (a fail
//! that says so). A case that expects Operation Pending itself is compared
//! as sent, with no Poll.

use crate::encoding::WireFormat;
use crate::events::{Event, EventSink, MessageDump};
use crate::transport::{self, AsyncStream};
use crate::wire::{self, Credentials};
use crate::world::Ledger;
use kmip_compare::{CompareOptions, Session};
use kmip_testcase::case::Step;
use kmip_testcase::case::TestCase;
use kmip_testcase::results::{Divergence, MaskedDiff, Status};
use kmip_ttlv::ttlv::Limits;
use kmip_ttlv::{Item, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Options for replaying one case.
#[derive(Clone, Debug)]
pub struct CaseOptions {
    /// Time allowed for one response (and for sending one request).
    pub message_timeout: Duration,
    /// Decoder limits for responses.
    pub limits: Limits,
    /// Clock skew in seconds for the comparison (`--clock-skew`): slack of
    /// the `$NOW` and time-stamp windows.
    pub now_tolerance_s: i64,
    /// Strict wire diff mode (extra fields / order reported as warnings).
    pub strict: bool,
    /// Credentials to put in every request header.
    pub credentials: Option<Credentials>,
    /// Attach full messages to [`Event::MessageExchanged`] (for `--verbose`).
    pub dump_messages: bool,
    /// Send the remaining requests after a `fail` verdict (see the module
    /// doc, "Clean-up after a failure").
    pub cleanup: bool,
    /// Time budget for the whole clean-up phase of one case.
    pub cleanup_timeout: Duration,
    /// Message encoding and transport (`--encoding`, `--transport`).
    pub wire_format: WireFormat,
    /// Run-level checks shared by the cases of a run (the run start of
    /// `$NOW` windows, the Query consistency check); `None` outside a run.
    pub run_checks: Option<std::sync::Arc<crate::query_check::RunChecks>>,
    /// The run's record of the objects it created, fed by every exchange
    /// (see [`crate::world`]), when the run keeps one.
    pub ledger: Option<Arc<Ledger>>,
}

impl Default for CaseOptions {
    fn default() -> CaseOptions {
        CaseOptions {
            message_timeout: Duration::from_secs(30),
            limits: Limits::default(),
            now_tolerance_s: 300,
            strict: false,
            credentials: None,
            dump_messages: false,
            cleanup: true,
            cleanup_timeout: Duration::from_secs(20),
            wire_format: WireFormat::default(),
            run_checks: None,
            ledger: None,
        }
    }
}

impl CaseOptions {
    /// The comparison options these case options imply.
    pub fn compare_options(&self) -> CompareOptions {
        CompareOptions {
            now_tolerance_s: self.now_tolerance_s,
            run_started_at: self.run_checks.as_ref().map(|c| c.run_started_at),
            strict: self.strict,
        }
    }
}

/// The outcome of replaying a case (the parts of a
/// [`kmip_testcase::results::CaseResult`] replay decides).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayOutcome {
    /// Verdict.
    pub status: Status,
    /// One-line reason (empty on pass).
    pub reason: String,
    /// Messages exchanged (a request sent and its response read).
    pub messages: usize,
    /// First diverging message, for failures.
    pub divergence: Option<Divergence>,
    /// Differences the masking rules hid.
    pub masked: Vec<MaskedDiff>,
    /// Batch items that went asynchronous and were polled (see the module
    /// doc, "Asynchronous responses"), one line each.
    pub asynchronous: Vec<String>,
}

/// Unix time in seconds.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What the clean-up phase needs from the verdict phase: the session (its
/// placeholder bindings) and the first step not yet sent.
pub struct PendingCleanup {
    session: Session,
    next_step: usize,
}

impl std::fmt::Debug for PendingCleanup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingCleanup")
            .field("next_step", &self.next_step)
            .finish_non_exhaustive()
    }
}

impl PendingCleanup {
    /// Index of the first step the clean-up sends.
    pub fn next_step(&self) -> usize {
        self.next_step
    }
}

/// What [`cleanup`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CleanupReport {
    /// Requests sent (and responses read).
    pub sent: usize,
    /// Requests skipped because their placeholders were never bound.
    pub skipped: usize,
    /// Why the clean-up stopped early, if it did.
    pub stopped: Option<String>,
}

/// Replay `case` on `stream`, then (after a `fail`, when
/// [`CaseOptions::cleanup`] is set) send its remaining requests for clean-up
/// within [`CaseOptions::cleanup_timeout`]. `progress` is set to the index of
/// the step in flight, so a caller that times the whole case out can say
/// where it was. Callers that time the verdict phase separately use
/// [`replay_verdict`] and [`cleanup`].
pub async fn replay<S: AsyncStream + ?Sized>(
    stream: &mut S,
    case: &TestCase,
    opts: &CaseOptions,
    events: &EventSink,
    progress: &AtomicUsize,
) -> ReplayOutcome {
    let (outcome, pending) = replay_verdict(stream, case, opts, events, progress).await;
    if let Some(p) = pending {
        let _ = tokio::time::timeout(opts.cleanup_timeout, cleanup(stream, case, opts, events, p))
            .await;
    }
    outcome
}

/// The verdict phase of [`replay`]: returns the outcome and, after a `fail`
/// with steps left and [`CaseOptions::cleanup`] set, what [`cleanup`] needs.
pub async fn replay_verdict<S: AsyncStream + ?Sized>(
    stream: &mut S,
    case: &TestCase,
    opts: &CaseOptions,
    events: &EventSink,
    progress: &AtomicUsize,
) -> (ReplayOutcome, Option<PendingCleanup>) {
    let mut session = Session::new(opts.compare_options());
    replay_verdict_with(stream, case, opts, events, progress, &mut session).await
}

/// [`replay_verdict`] on a caller-provided comparison session: a chained
/// case (TL-M-3 after TL-M-2, SASED-M-3 after SASED-M-2) starts from a
/// session that adopted the previous case's object memory
/// ([`Session::inherit_objects`]: which objects the server generated, so the
/// provenance rules apply to them); on return `session` holds this case's
/// memory for the next case of the chain.
pub async fn replay_verdict_with<S: AsyncStream + ?Sized>(
    stream: &mut S,
    case: &TestCase,
    opts: &CaseOptions,
    events: &EventSink,
    progress: &AtomicUsize,
    session: &mut Session,
) -> (ReplayOutcome, Option<PendingCleanup>) {
    let mut out = ReplayOutcome {
        status: Status::Pass,
        reason: String::new(),
        messages: 0,
        divergence: None,
        masked: Vec::new(),
        asynchronous: Vec::new(),
    };
    let error = |mut out: ReplayOutcome, reason: String| {
        out.status = Status::Error;
        out.reason = reason;
        (out, None)
    };
    for step in &case.steps {
        let i = step.index;
        progress.store(i, Ordering::Relaxed);
        let x = match exchange(stream, case, step, session, opts, events).await {
            Ok(x) => x,
            Err(f) => {
                if f.responded() {
                    out.messages = i + 1;
                }
                return error(out, f.verdict_reason(i, step.request_line));
            }
        };
        out.messages = i + 1;
        let Exchanged {
            request,
            actual,
            sent_at,
            received_at,
            asynchronous,
        } = x;
        out.asynchronous.extend(asynchronous);
        let cmp = session.check_response(&step.response, &actual, &request, sent_at, received_at);
        out.masked.extend(cmp.masked.iter().map(|m| MaskedDiff {
            message: i,
            path: m.path.clone(),
            rule: m.rule.to_string(),
            expected: m.expected.clone(),
            actual: m.actual.clone(),
        }));
        if !cmp.is_match() {
            // Headline: a ResultStatus difference says most (the target
            // refused the operation), else the first difference.
            let headline = cmp
                .differences
                .iter()
                .find(|d| d.path.ends_with("/ResultStatus"))
                .or(cmp.differences.first());
            let mut reason = match headline {
                Some(d) => {
                    let mut r = format!(
                        "message {i}: {}: expected {}, got {}",
                        d.path,
                        short(&d.expected),
                        short(&d.actual)
                    );
                    if !d.note.is_empty() {
                        r.push_str(&format!(" ({})", d.note));
                    }
                    r
                }
                None => format!("message {i}: response differs"),
            };
            if cmp.differences.len() > 1 {
                reason.push_str(&format!(" [+{} more]", cmp.differences.len() - 1));
            }
            if let Some(d) = headline {
                if let Some(why) = server_result(&actual, &d.path) {
                    reason.push_str(&format!("; target said: {why}"));
                }
            }
            out.status = Status::Fail;
            out.reason = reason;
            out.divergence = Some(Divergence {
                message: i,
                paths: cmp.differences.iter().map(|d| d.path.clone()).collect(),
                diff: cmp.diff.clone(),
            });
            let next_step = i + 1;
            let pending = (opts.cleanup && next_step < case.steps.len()).then(|| PendingCleanup {
                session: session.clone(),
                next_step,
            });
            return (out, pending);
        }
    }
    (out, None)
}

/// The clean-up phase: send the steps from `pending.next_step` on, best
/// effort, comparing nothing (see the module doc). Bounded by the message
/// timeout per exchange; callers bound the whole phase.
pub async fn cleanup<S: AsyncStream + ?Sized>(
    stream: &mut S,
    case: &TestCase,
    opts: &CaseOptions,
    events: &EventSink,
    pending: PendingCleanup,
) -> CleanupReport {
    let PendingCleanup {
        mut session,
        next_step,
    } = pending;
    let mut report = CleanupReport::default();
    for step in case.steps.iter().skip(next_step) {
        match exchange(stream, case, step, &mut session, opts, events).await {
            // Compared only to learn bindings; the result is ignored.
            Ok(x) => {
                report.sent += 1;
                let _ = session.check_response(
                    &step.response,
                    &x.actual,
                    &x.request,
                    x.sent_at,
                    x.received_at,
                );
            }
            // The object was never created, or the request cannot be sent.
            Err(Failure::Bind(_) | Failure::Encode(_)) => report.skipped += 1,
            Err(f) => {
                if f.responded() {
                    report.sent += 1;
                }
                report.stopped = Some(f.verdict_reason(step.index, step.request_line));
                break;
            }
        }
    }
    report
}

/// One request/response exchange of a step, shared by the verdict phase
/// and the clean-up phase: bind, add credentials, encode, send, read,
/// decode, report the exchange as an event and feed the run's ledger.
async fn exchange<S: AsyncStream + ?Sized>(
    stream: &mut S,
    case: &TestCase,
    step: &Step,
    session: &mut Session,
    opts: &CaseOptions,
    events: &EventSink,
) -> Result<Exchanged, Failure> {
    let i = step.index;
    let mut request = session
        .bind_request(&step.request, unix_now())
        .map_err(|e| Failure::Bind(e.to_string()))?;
    if let Some(c) = &opts.credentials {
        wire::add_credentials(&mut request, c);
    }
    let bytes = opts
        .wire_format
        .encode(&request)
        .map_err(|e| Failure::Encode(e.to_string()))?;
    let started = Instant::now();
    let sent_at = unix_now();
    transport::send_request(stream, &bytes, &opts.wire_format, opts.message_timeout)
        .await
        .map_err(|e| Failure::Send(e.to_string()))?;
    let read = transport::read_response(
        stream,
        &opts.wire_format,
        &opts.limits,
        opts.message_timeout,
    )
    .await;
    let received_at = unix_now();
    let elapsed_ms = started.elapsed().as_millis() as u64;
    // One event per exchange, with what arrived (nothing when the read
    // failed).
    let (response_bytes, read_error) = match read {
        Ok(b) => (b, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let decoded = match &read_error {
        None => Some(opts.wire_format.decode(&response_bytes, &opts.limits)),
        Some(_) => None,
    };
    emit_exchange(
        events,
        opts,
        &case.id,
        i,
        &bytes,
        &request,
        &response_bytes,
        decoded.as_ref().and_then(|d| d.as_ref().ok()),
        elapsed_ms,
    );
    let decoded = match (decoded, read_error) {
        (Some(d), _) => d,
        (None, e) => return Err(Failure::Read(e.unwrap_or_default())),
    };
    let mut actual = decoded.map_err(|e| Failure::Decode(e.to_string()))?;
    let asynchronous =
        resolve_pending(stream, case, step, &request, &mut actual, opts, events).await?;
    if let Some(l) = &opts.ledger {
        l.record(&case.id, &request, &actual);
    }
    Ok(Exchanged {
        request,
        actual,
        sent_at,
        received_at,
        asynchronous,
    })
}

/// First wait before a Poll, and the longest wait between two.
const FIRST_POLL: Duration = Duration::from_millis(50);
const MAX_POLL_WAIT: Duration = Duration::from_secs(2);

/// The Result Status of a batch item, when it has one.
fn result_status_of(bi: &Item) -> Option<u32> {
    match bi.child(wire::RESULT_STATUS).map(|i| &i.value) {
        Some(Value::Enumeration(v)) => Some(*v),
        _ => None,
    }
}

/// Poll every batch item of `actual` that is Operation Pending where the
/// case expects the final result, and splice the polled result in (see the
/// module doc, "Asynchronous responses"). Returns one line per such item.
#[allow(clippy::too_many_arguments)]
async fn resolve_pending<S: AsyncStream + ?Sized>(
    stream: &mut S,
    case: &TestCase,
    step: &Step,
    request: &Item,
    actual: &mut Item,
    opts: &CaseOptions,
    events: &EventSink,
) -> Result<Vec<String>, Failure> {
    let pending = wire::result_status::OPERATION_PENDING;
    let expected: Vec<&Item> = step.response.children_with(wire::BATCH_ITEM).collect();
    let todo: Vec<(usize, Vec<u8>)> = actual
        .children_with(wire::BATCH_ITEM)
        .enumerate()
        .filter(|(k, bi)| {
            result_status_of(bi) == Some(pending)
                && expected
                    .get(*k)
                    .is_none_or(|e| result_status_of(e) != Some(pending))
        })
        .filter_map(
            |(k, bi)| match bi.child(wire::ASYNCHRONOUS_CORRELATION_VALUE) {
                Some(Item {
                    value: Value::ByteString(id),
                    ..
                }) => Some((k, id.clone())),
                _ => None,
            },
        )
        .collect();
    let mut notes = Vec::new();
    for (k, id) in todo {
        let started = Instant::now();
        let deadline = started + opts.message_timeout;
        let mut wait = FIRST_POLL;
        let mut polls = 0usize;
        let mut last: Option<Item> = None;
        loop {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            tokio::time::sleep(wait.min(deadline - now)).await;
            let poll = poll_request(request, &id, opts);
            let bytes = opts
                .wire_format
                .encode(&poll)
                .map_err(|e| Failure::Encode(e.to_string()))?;
            let t0 = Instant::now();
            transport::send_request(stream, &bytes, &opts.wire_format, opts.message_timeout)
                .await
                .map_err(|e| Failure::Send(e.to_string()))?;
            let resp = transport::read_response(
                stream,
                &opts.wire_format,
                &opts.limits,
                opts.message_timeout,
            )
            .await
            .map_err(|e| Failure::Read(format!("Poll: {e}")))?;
            let decoded = opts
                .wire_format
                .decode(&resp, &opts.limits)
                .map_err(|e| Failure::Decode(format!("Poll response: {e}")));
            emit_exchange(
                events,
                opts,
                &case.id,
                step.index,
                &bytes,
                &poll,
                &resp,
                decoded.as_ref().ok(),
                t0.elapsed().as_millis() as u64,
            );
            let decoded = decoded?;
            polls += 1;
            let bi = decoded.children_with(wire::BATCH_ITEM).next().cloned();
            let still = bi
                .as_ref()
                .is_some_and(|b| result_status_of(b) == Some(pending));
            last = bi;
            if !still {
                break;
            }
            wait = (wait * 2).min(MAX_POLL_WAIT);
        }
        let waited = started.elapsed().as_millis();
        let outcome = match last
            .as_ref()
            .filter(|b| result_status_of(b) != Some(pending))
        {
            Some(polled) => {
                let status = wire::enum_values_named(&[polled], wire::RESULT_STATUS)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| "no Result Status".into());
                splice(actual, k, polled);
                format!("then {status}")
            }
            None => "still Operation Pending at the end of the message timeout".to_string(),
        };
        notes.push(format!(
            "message {} batch item {k}: Operation Pending, {polls} Poll(s) in {waited} ms, {outcome}",
            step.index
        ));
    }
    Ok(notes)
}

/// The Poll request for correlation value `id`, in the original request's
/// protocol version, with its Authentication (and the run's credentials).
fn poll_request(original: &Item, id: &[u8], opts: &CaseOptions) -> Item {
    let mut header = Vec::new();
    if let Some(h) = original.child(wire::REQUEST_HEADER) {
        for tag in [wire::PROTOCOL_VERSION, wire::AUTHENTICATION] {
            if let Some(i) = h.child(tag) {
                header.push(i.clone());
            }
        }
        if h.child(wire::BATCH_COUNT).is_some() {
            header.push(Item::new(wire::BATCH_COUNT, Value::Integer(1)));
        }
    }
    let mut poll = Item::structure(
        wire::REQUEST_MESSAGE,
        vec![
            Item::structure(wire::REQUEST_HEADER, header),
            Item::structure(
                wire::BATCH_ITEM,
                vec![
                    Item::new(wire::OPERATION, Value::Enumeration(wire::operation::POLL)),
                    Item::structure(
                        wire::REQUEST_PAYLOAD,
                        vec![Item::new(
                            wire::ASYNCHRONOUS_CORRELATION_VALUE,
                            Value::ByteString(id.to_vec()),
                        )],
                    ),
                ],
            ),
        ],
    );
    if let Some(c) = &opts.credentials {
        wire::add_credentials(&mut poll, c);
    }
    poll
}

/// Replace batch item `k` of `actual` with the original's Operation and
/// Unique Batch Item ID followed by the polled item's result fields.
fn splice(actual: &mut Item, k: usize, polled: &Item) {
    let Value::Structure(children) = &mut actual.value else {
        return;
    };
    let Some(bi) = children
        .iter_mut()
        .filter(|c| c.tag == wire::BATCH_ITEM)
        .nth(k)
    else {
        return;
    };
    let keep = [wire::OPERATION, wire::UNIQUE_BATCH_ITEM_ID];
    let mut fields: Vec<Item> = bi
        .children()
        .iter()
        .filter(|c| keep.contains(&c.tag))
        .cloned()
        .collect();
    fields.extend(
        polled
            .children()
            .iter()
            .filter(|c| !keep.contains(&c.tag))
            .cloned(),
    );
    bi.value = Value::Structure(fields);
}

/// A completed exchange.
struct Exchanged {
    /// The request as sent (placeholders bound).
    request: Item,
    /// The decoded response.
    actual: Item,
    /// Unix time the request was sent.
    sent_at: i64,
    /// Unix time the response arrived.
    received_at: i64,
    /// Batch items that went asynchronous and were polled.
    asynchronous: Vec<String>,
}

/// Why an exchange did not complete.
enum Failure {
    /// The request's placeholders cannot be bound.
    Bind(String),
    /// The bound request cannot be encoded.
    Encode(String),
    /// Sending failed.
    Send(String),
    /// No (complete) response.
    Read(String),
    /// The response does not decode.
    Decode(String),
}

impl Failure {
    /// A response arrived (it did not decode).
    fn responded(&self) -> bool {
        matches!(self, Failure::Decode(_))
    }

    /// The one-line reason for step `i` (test-case line `line`).
    fn verdict_reason(&self, i: usize, line: usize) -> String {
        match self {
            Failure::Bind(e) => format!("bad test case: message {i} (line {line}): {e}"),
            Failure::Encode(e) => {
                format!("bad test case: message {i} (line {line}) cannot be encoded: {e}")
            }
            Failure::Send(e) => format!("message {i}: sending the request: {e}"),
            Failure::Read(e) => format!("message {i}: {e}"),
            Failure::Decode(e) => format!("message {i}: response does not decode: {e}"),
        }
    }
}

/// When a difference is at `BatchItem[i]/ResultStatus`, the target's own
/// explanation from that batch item: `ResultReason` and `ResultMessage`.
fn server_result(actual: &Item, path: &str) -> Option<String> {
    let rest = path.strip_prefix("BatchItem")?;
    let (index, tail) = match rest.strip_prefix('[') {
        Some(r) => {
            let (n, t) = r.split_once(']')?;
            (n.parse::<usize>().ok()?, t)
        }
        None => (0, rest),
    };
    if tail != "/ResultStatus" {
        return None;
    }
    let item = actual.children_with(wire::BATCH_ITEM).nth(index)?;
    let mut parts = Vec::new();
    if let Some(Value::Enumeration(code)) = item.child(wire::RESULT_REASON).map(|i| &i.value) {
        parts.push(
            kmip_ttlv::dict::enum_for_tag(wire::RESULT_REASON.0)
                .and_then(|e| e.name_of(*code))
                .map(str::to_string)
                .unwrap_or_else(|| format!("0x{code:08X}")),
        );
    }
    if let Some(m) = item
        .child(wire::RESULT_MESSAGE)
        .and_then(|i| i.value.as_text())
    {
        parts.push(format!("{:?}", short(m)));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A value for a one-line reason: at most 60 characters.
fn short(s: &str) -> String {
    if s.is_empty() {
        return "(absent)".to_string();
    }
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(60).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[allow(clippy::too_many_arguments)]
fn emit_exchange(
    events: &EventSink,
    opts: &CaseOptions,
    case: &str,
    index: usize,
    request_bytes: &[u8],
    request: &Item,
    response_bytes: &[u8],
    response: Option<&Item>,
    elapsed_ms: u64,
) {
    if !events.is_connected() {
        return;
    }
    let dump = opts.dump_messages.then(|| {
        Box::new(MessageDump {
            request_bytes: request_bytes.to_vec(),
            request: request.clone(),
            response_bytes: response_bytes.to_vec(),
            response: response.cloned(),
        })
    });
    events.emit(Event::MessageExchanged {
        case: case.to_string(),
        index,
        request_len: request_bytes.len(),
        response_len: response_bytes.len(),
        elapsed_ms,
        dump,
    });
}

#[cfg(test)]
mod tests {
    use super::{server_result, short};
    use crate::wire;
    use kmip_ttlv::{Item, Value};

    #[test]
    fn short_values() {
        assert_eq!(short(""), "(absent)");
        assert_eq!(short("abc"), "abc");
        let long = "x".repeat(100);
        assert_eq!(short(&long).chars().count(), 61);
    }

    #[test]
    fn result_status_differences_quote_the_target() {
        let bi = |reason: u32, msg: &str| {
            Item::structure(
                wire::BATCH_ITEM,
                vec![
                    Item::new(wire::RESULT_STATUS, Value::Enumeration(1)),
                    Item::new(wire::RESULT_REASON, Value::Enumeration(reason)),
                    Item::new(wire::RESULT_MESSAGE, Value::TextString(msg.into())),
                ],
            )
        };
        let resp = Item::structure(
            kmip_ttlv::tags::RESPONSE_MESSAGE,
            vec![bi(1, "first"), bi(0x8000_0001, "second")],
        );
        let second = server_result(&resp, "BatchItem[1]/ResultStatus").expect("found");
        assert!(
            second.contains("0x80000001") && second.contains("\"second\""),
            "{second}"
        );
        assert!(server_result(&resp, "BatchItem/ResultStatus").is_some_and(|s| s.contains("first")));
        assert_eq!(server_result(&resp, "BatchItem[0]/Operation"), None);
        assert_eq!(server_result(&resp, "BatchItem[5]/ResultStatus"), None);
    }
}
