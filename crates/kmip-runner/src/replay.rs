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
        } = x;
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
    let actual = decoded.map_err(|e| Failure::Decode(e.to_string()))?;
    if let Some(l) = &opts.ledger {
        l.record(&case.id, &request, &actual);
    }
    Ok(Exchanged {
        request,
        actual,
        sent_at,
        received_at,
    })
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
