//! Client mode, pure logic: which test case a client is running, whether
//! each request matches the next expected request, what to answer, and the
//! per-case verdicts (pass, fail with a request diff, incomplete).
//!
//! No I/O: [`Scenario::handle`] takes a decoded request and the current
//! time and returns the response to send; the listener (`listen.rs`) does
//! the sockets.
//!
//! Test-case identification, for a request that arrives while no case is
//! running (or that names another case):
//! 1. `RequestHeader/ClientCorrelationValue` of the form `"<ID> step=<n>"`;
//! 2. an Interop Begin batch item whose `InteropIdentifier` is `<ID>`;
//! 3. a case forced with `--case ID`;
//! 4. the only case loaded.
//!
//! IDs match exactly, or by suffix / containment (Profiles v2.1 §4.1.2
//! item 18 allows vendor or application prefixes).
//!
//! Optional steps (Profiles v2.1 §4.1.2 items 7–9): an expected Interop
//! step the client does not send is skipped.
//!
//! Permitted client variations (Profiles v2.1 §4.1.2, "multiple batch
//! items or … multiple requests with a single batch item provided the
//! sequence of operations are logically equivalent"; trailing clean-up):
//! - split: a request with fewer batch items than the expected step is
//!   matched against the next items of that step (and answered with the
//!   matching items of the recorded response);
//! - merge: a request with more batch items than the expected step is
//!   matched against as many whole consecutive steps as it has items;
//! - a client that stops when only clean-up is left (Revoke, Destroy,
//!   Interop End) passes, with the steps left out named in the reason.
//!
//! Each regrouping is recorded and reported in the case's reason
//! (`request 2 = step 1 items 2-2`).
//!
//! Robustness probes ([`Scenario::with_variation`]): every bound response
//! goes through a permitted server variation (`super::robust`) before it
//! is sent; the steps it changed are logged for the clause evidence.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use super::robust::{Variation, VariedSteps};
use kmip_compare::{CompareOptions, Session};
use kmip_testcase::case::TestCase;
use kmip_testcase::results::{CaseResult, Divergence, MaskedDiff, Status};
use kmip_ttlv::{Item, ItemType, Placeholder, Tag, Value};

/// Operation code of Interop (KMIP 2.0+).
pub(crate) const OP_INTEROP: u32 = 0x34;
/// Result Status Operation Failed.
const STATUS_FAILED: u32 = 0x01;
/// Result Reason General Failure.
const REASON_GENERAL: u32 = 0x0100;
/// Operation codes of the clean-up a client may leave out at the end of a
/// case: Revoke, Destroy.
const OP_REVOKE: u32 = kmip_ttlv::enums::operation::REVOKE;
const OP_DESTROY: u32 = kmip_ttlv::enums::operation::DESTROY;

fn tag(name: &str) -> Tag {
    Tag(kmip_ttlv::dict::tag_by_name(name).unwrap_or(0))
}

/// Progress of one case.
#[derive(Clone, Debug)]
struct Progress {
    case: Arc<TestCase>,
    session: Session,
    next: usize,
    messages: usize,
    started: Instant,
    masked: Vec<MaskedDiff>,
    verdict: Option<(Status, String, Option<Divergence>)>,
    /// Batch items of step `next` already consumed by split requests.
    sub: usize,
    /// How requests were regrouped against steps (empty: one to one).
    mapping: Vec<String>,
}

impl Progress {
    fn new(case: Arc<TestCase>, opts: &CompareOptions) -> Progress {
        Progress {
            case,
            session: Session::new(opts.clone()),
            next: 0,
            messages: 0,
            started: Instant::now(),
            masked: Vec::new(),
            verdict: None,
            sub: 0,
            mapping: Vec::new(),
        }
    }
}

/// What happened to one request (for logs and events).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handled {
    /// The request matched step `step` of `case`; the recorded response was sent.
    Matched {
        /// Case id.
        case: String,
        /// 0-based step index.
        step: usize,
        /// True if this was the case's last step.
        last: bool,
    },
    /// The request did not match step `step`; an error response was sent
    /// and the case failed.
    Mismatch {
        /// Case id.
        case: String,
        /// 0-based step index.
        step: usize,
        /// One-line reason.
        reason: String,
    },
    /// No case could be identified for the request (error response sent).
    Unidentified(String),
}

/// Client-mode state over every connection of one `client-test` run.
#[derive(Debug)]
pub struct Scenario {
    cases: Vec<Arc<TestCase>>,
    forced: Option<String>,
    opts: CompareOptions,
    active: Option<String>,
    progress: BTreeMap<String, Progress>,
    minted: u64,
    prefix: String,
    variation: Option<(Variation, VariedSteps)>,
}

impl Scenario {
    /// A scenario over `cases`; `forced` = `--case ID`. `uid_prefix`
    /// starts every identifier the harness mints (e.g. a per-run random
    /// hex string, so identifiers differ between runs).
    pub fn new(
        cases: Vec<Arc<TestCase>>,
        forced: Option<String>,
        opts: CompareOptions,
        uid_prefix: &str,
    ) -> Scenario {
        Scenario {
            cases,
            forced,
            opts,
            active: None,
            progress: BTreeMap::new(),
            minted: 0,
            prefix: uid_prefix.to_string(),
            variation: None,
        }
    }

    /// Vary every response with `variation` (a robustness probe); the
    /// 1-based steps whose responses it changed are pushed to `log`.
    pub fn with_variation(mut self, variation: Variation, log: VariedSteps) -> Scenario {
        self.variation = Some((variation, log));
        self
    }

    /// True once every case that must run has a verdict: the forced case,
    /// or (without `--case`) every loaded case.
    pub fn all_done(&self) -> bool {
        let done = |id: &str| self.progress.get(id).is_some_and(|p| p.verdict.is_some());
        match &self.forced {
            Some(f) => self.find_case(f).is_some_and(|c| done(&c.id)),
            None => self.cases.iter().all(|c| done(&c.id)),
        }
    }

    fn find_case(&self, id: &str) -> Option<Arc<TestCase>> {
        let id = id.trim();
        if id.is_empty() {
            return None;
        }
        self.cases
            .iter()
            .find(|c| c.id == id)
            .or_else(|| {
                self.cases
                    .iter()
                    .find(|c| id.ends_with(&c.id) || c.id.ends_with(id))
            })
            .or_else(|| self.cases.iter().find(|c| id.contains(&c.id)))
            .cloned()
    }

    /// The case a request names (correlation value or Interop Begin).
    fn named_case(&self, request: &Item) -> Option<Arc<TestCase>> {
        let ccv = request
            .child(tag("RequestHeader"))
            .and_then(|h| h.child(tag("ClientCorrelationValue")))
            .and_then(|v| v.value.as_text())
            .map(|t| t.split(" step=").next().unwrap_or(t).to_string());
        if let Some(c) = ccv.and_then(|id| self.find_case(&id)) {
            return Some(c);
        }
        let interop = request
            .children_with(tag("BatchItem"))
            .filter_map(|b| b.child(tag("RequestPayload")))
            .filter_map(|p| p.child(tag("InteropIdentifier")))
            .find_map(|i| i.value.as_text().map(str::to_string));
        interop.and_then(|id| self.find_case(&id))
    }

    /// Handle one request: identify the case, check the request, return the
    /// response to send and what happened. `now` = unix seconds.
    pub fn handle(&mut self, request: &Item, now: i64) -> (Item, Handled) {
        let named = self.named_case(request);
        let switch = match (&named, &self.active) {
            (Some(n), Some(a)) => &n.id != a,
            (Some(_), None) => true,
            _ => false,
        };
        if switch {
            if let Some(n) = named {
                self.start(n);
            }
        }
        if self.active.is_none() {
            let fallback = match &self.forced {
                Some(f) => self.find_case(f),
                None if self.cases.len() == 1 => self.cases.first().cloned(),
                None => None,
            };
            match fallback {
                Some(c) if !self.progress.contains_key(&c.id) => self.start(c),
                Some(c) => {
                    let why = format!(
                        "test case {} already has a verdict; start another case (Client Correlation Value \"ID step=N\" or Interop Begin)",
                        c.id
                    );
                    return (
                        error_response(request, now, &why),
                        Handled::Unidentified(why),
                    );
                }
                None => {
                    let why = "cannot identify the test case: send a Client Correlation Value \"<ID> step=<n>\" or an Interop Begin, or run with --case ID".to_string();
                    return (
                        error_response(request, now, &why),
                        Handled::Unidentified(why),
                    );
                }
            }
        }
        let Some(id) = self.active.clone() else {
            let why = "no active test case".to_string();
            return (
                error_response(request, now, &why),
                Handled::Unidentified(why),
            );
        };
        self.step(&id, request, now)
    }

    fn start(&mut self, case: Arc<TestCase>) {
        self.finish_active_incomplete();
        let id = case.id.clone();
        self.progress
            .insert(id.clone(), Progress::new(case, &self.opts));
        self.active = Some(id);
    }

    /// The active case stops without a verdict: incomplete.
    fn finish_active_incomplete(&mut self) {
        if let Some(id) = self.active.take() {
            if let Some(p) = self.progress.get_mut(&id) {
                if p.verdict.is_none() {
                    p.verdict = Some(incomplete(p));
                }
            }
        }
    }

    fn step(&mut self, id: &str, request: &Item, now: i64) -> (Item, Handled) {
        let prefix = self.prefix.clone();
        let mut minted = self.minted;
        let Some(p) = self.progress.get_mut(id) else {
            let why = format!("internal: no progress for {id}");
            return (
                error_response(request, now, &why),
                Handled::Unidentified(why),
            );
        };
        // Optional Interop steps the client does not send.
        while p.next < p.case.steps.len()
            && first_op(&p.case.steps[p.next].request) == Some(OP_INTEROP)
            && first_op(request) != Some(OP_INTEROP)
        {
            p.next += 1;
        }
        if p.next >= p.case.steps.len() {
            let why = format!("test case {id} has no step left for this request");
            p.verdict = Some((
                Status::Fail,
                format!(
                    "extra request after the last step ({} steps)",
                    p.case.steps.len()
                ),
                None,
            ));
            self.active = None;
            return (
                error_response(request, now, &why),
                Handled::Unidentified(why),
            );
        }
        let index = p.next;
        p.messages += 1;
        let (expected, template, consumed) = regroup(p, request);
        let cmp = p.session.check_request(&expected, request, now);
        for m in &cmp.masked {
            p.masked.push(MaskedDiff {
                message: index,
                path: m.path.clone(),
                rule: m.rule.to_string(),
                expected: m.expected.clone(),
                actual: m.actual.clone(),
            });
        }
        if !cmp.is_match() {
            let first = &cmp.differences[0];
            let reason = format!(
                "step {}: request differs at {}: expected {}, got {} ({})",
                index + 1,
                first.path,
                first.expected,
                first.actual,
                first.note
            );
            let div = Divergence {
                message: index,
                paths: cmp.differences.iter().map(|d| d.path.clone()).collect(),
                diff: cmp.diff.clone(),
            };
            p.verdict = Some((Status::Fail, reason.clone(), Some(div)));
            self.active = None;
            let msg = format!("kmip-harness client-test: {reason}");
            return (
                error_response(request, now, &msg),
                Handled::Mismatch {
                    case: id.to_string(),
                    step: index,
                    reason,
                },
            );
        }
        let mut mint = |ph: &Placeholder| {
            minted += 1;
            mint_value(&prefix, minted, ph)
        };
        let response = match p.session.bind_response(&template, request, now, &mut mint) {
            Ok(r) => r,
            Err(e) => {
                let reason = format!(
                    "step {}: the recorded response cannot be bound: {e}",
                    index + 1
                );
                p.verdict = Some((Status::Error, reason.clone(), None));
                self.active = None;
                self.minted = minted;
                return (
                    error_response(request, now, &reason),
                    Handled::Mismatch {
                        case: id.to_string(),
                        step: index,
                        reason,
                    },
                );
            }
        };
        self.minted = minted;
        let response = match &self.variation {
            Some((v, log)) => match v.apply(request, &response, now) {
                Some(varied) => {
                    if let Ok(mut l) = log.lock() {
                        l.push(index + 1);
                    }
                    varied
                }
                None => response,
            },
            None => response,
        };
        match consumed {
            Consumed::Step => p.next += 1,
            Consumed::Items { from, count, total } => {
                p.mapping.push(format!(
                    "request {} = step {} items {}-{} of {total}",
                    p.messages,
                    index + 1,
                    from + 1,
                    from + count
                ));
                p.sub = from + count;
                if p.sub >= total {
                    p.sub = 0;
                    p.next += 1;
                }
            }
            Consumed::Steps(n) => {
                p.mapping.push(format!(
                    "request {} = steps {}-{}",
                    p.messages,
                    index + 1,
                    index + n
                ));
                p.next += n;
            }
        }
        let last = p.next >= p.case.steps.len();
        if last {
            p.verdict = Some((Status::Pass, mapping_note(&p.mapping), None));
            self.active = None;
        }
        (
            response,
            Handled::Matched {
                case: id.to_string(),
                step: index,
                last,
            },
        )
    }

    /// End of the run: the active case (if any) is incomplete; cases never
    /// started are reported as skipped ("the client did not run it").
    pub fn finish(mut self) -> Vec<CaseResult> {
        self.finish_active_incomplete();
        let mut out = Vec::new();
        for c in &self.cases {
            if let Some(f) = &self.forced {
                if self.find_case(f).is_some_and(|fc| fc.id != c.id)
                    && !self.progress.contains_key(&c.id)
                {
                    continue;
                }
            }
            let r = match self.progress.get(&c.id) {
                Some(p) => {
                    let (status, reason, divergence) =
                        p.verdict.clone().unwrap_or_else(|| incomplete(p));
                    CaseResult {
                        id: c.id.clone(),
                        file: c.path.display().to_string(),
                        profiles: Vec::new(),
                        status,
                        reason,
                        messages: p.messages,
                        duration_ms: u64::try_from(p.started.elapsed().as_millis())
                            .unwrap_or(u64::MAX),
                        divergence,
                        masked: p.masked.clone(),
                        expected_failure: None,
                        warnings: c.warnings.iter().map(ToString::to_string).collect(),
                        // Replaced by the listener with what the requests used.
                        encoding: "ttlv".to_string(),
                        transport: "tls".to_string(),
                        asynchronous: Vec::new(),
                    }
                }
                None => CaseResult {
                    id: c.id.clone(),
                    file: c.path.display().to_string(),
                    profiles: Vec::new(),
                    status: Status::Skip,
                    reason: "the client did not run this case".to_string(),
                    messages: 0,
                    duration_ms: 0,
                    divergence: None,
                    masked: Vec::new(),
                    expected_failure: None,
                    warnings: c.warnings.iter().map(ToString::to_string).collect(),
                    encoding: String::new(),
                    transport: String::new(),
                    asynchronous: Vec::new(),
                },
            };
            out.push(r);
        }
        out
    }
}

/// How much of the case one matched request consumed.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Consumed {
    /// Exactly the next step.
    Step,
    /// Part of the next step (split batch): `count` items from `from`, of
    /// `total`.
    Items {
        from: usize,
        count: usize,
        total: usize,
    },
    /// `n` whole consecutive steps (merged batch).
    Steps(usize),
}

fn batch_count(message: &Item) -> usize {
    message.children_with(tag("BatchItem")).count()
}

/// The expected request and the response template for `request`, with the
/// regrouping they imply (see the module docs). Without a permitted
/// regrouping: the next step as recorded.
fn regroup(p: &Progress, request: &Item) -> (Item, Item, Consumed) {
    regroup_at(&p.case, p.next, p.sub, request)
}

/// [`regroup`] for step `next` of `case` with `sub` of its batch items
/// already consumed (also used by `interop`, which judges recordings).
pub(crate) fn regroup_at(
    case: &TestCase,
    next: usize,
    sub: usize,
    request: &Item,
) -> (Item, Item, Consumed) {
    let step = &case.steps[next];
    let total = batch_count(&step.request);
    let sent = batch_count(request);
    if sub > 0 || (sent > 0 && sent < total) {
        // Split: the next `sent` items of this step (a request with more
        // items than are left is compared with what is left, and fails).
        let count = sent.clamp(1, total.saturating_sub(sub).max(1));
        return (
            slice_items(&step.request, sub, count),
            slice_items(&step.response, sub, count),
            Consumed::Items {
                from: sub,
                count,
                total,
            },
        );
    }
    if sent > total && total > 0 {
        // Merge: as many whole steps as the request has items.
        let mut n = 0;
        let mut items = 0;
        while items < sent && next + n < case.steps.len() {
            items += batch_count(&case.steps[next + n].request);
            n += 1;
        }
        if items == sent && n > 1 {
            let steps = &case.steps[next..next + n];
            let reqs: Vec<&Item> = steps.iter().map(|s| &s.request).collect();
            let resps: Vec<&Item> = steps.iter().map(|s| &s.response).collect();
            return (
                concat_items(&reqs),
                concat_items(&resps),
                Consumed::Steps(n),
            );
        }
    }
    (step.request.clone(), step.response.clone(), Consumed::Step)
}

/// Set the header's Batch Count (request or response header) to `n`.
fn set_batch_count(message: &mut Item, n: usize) {
    let Some(children) = message.children_mut() else {
        return;
    };
    for h in children
        .iter_mut()
        .filter(|c| c.tag == tag("RequestHeader") || c.tag == tag("ResponseHeader"))
    {
        if let Some(hc) = h.children_mut() {
            for b in hc.iter_mut().filter(|c| c.tag == tag("BatchCount")) {
                b.value = Value::Integer(i32::try_from(n).unwrap_or(i32::MAX));
            }
        }
    }
}

/// `message` with only its batch items `from .. from + count`.
fn slice_items(message: &Item, from: usize, count: usize) -> Item {
    let mut out = message.clone();
    if let Some(children) = out.children_mut() {
        let mut i = 0;
        children.retain(|c| {
            if c.tag != tag("BatchItem") {
                return true;
            }
            let keep = i >= from && i < from + count;
            i += 1;
            keep
        });
    }
    set_batch_count(&mut out, count);
    out
}

/// The first message with the batch items of all of `messages`.
fn concat_items(messages: &[&Item]) -> Item {
    let Some(first) = messages.first() else {
        return Item::structure(tag("RequestMessage"), Vec::new());
    };
    let mut out = (*first).clone();
    let items: Vec<Item> = messages
        .iter()
        .flat_map(|m| m.children_with(tag("BatchItem")).cloned())
        .collect();
    let n = items.len();
    if let Some(children) = out.children_mut() {
        children.retain(|c| c.tag != tag("BatchItem"));
        children.extend(items);
    }
    set_batch_count(&mut out, n);
    out
}

/// The reason text of a passing case that was regrouped.
pub(crate) fn mapping_note(mapping: &[String]) -> String {
    if mapping.is_empty() {
        String::new()
    } else {
        format!(
            "logically equivalent batching (Profiles §4.1.2): {}",
            mapping.join("; ")
        )
    }
}

/// True when every batch item of every step from `from` on is clean-up a
/// client may leave out (Revoke, Destroy, Interop).
pub(crate) fn only_cleanup_left(case: &TestCase, from: usize) -> bool {
    case.steps.get(from..).is_some_and(|rest| {
        rest.iter().all(|s| {
            s.request.children_with(tag("BatchItem")).all(|b| {
                matches!(
                    b.child(tag("Operation")).map(|o| &o.value),
                    Some(Value::Enumeration(OP_REVOKE | OP_DESTROY | OP_INTEROP))
                )
            })
        })
    })
}

pub(crate) fn op_names(case: &TestCase, from: usize) -> String {
    let mut names = Vec::new();
    for s in case.steps.iter().skip(from) {
        for b in s.request.children_with(tag("BatchItem")) {
            if let Some(Value::Enumeration(v)) = b.child(tag("Operation")).map(|o| &o.value) {
                names.push(match *v {
                    OP_REVOKE => "Revoke",
                    OP_DESTROY => "Destroy",
                    _ => "Interop",
                });
            }
        }
    }
    names.join(", ")
}

/// Verdict of a case the client stopped early: a pass when only trailing
/// clean-up is left (Profiles v2.1 §4.1.2), else incomplete.
fn incomplete(p: &Progress) -> (Status, String, Option<Divergence>) {
    if p.next > 0 && p.sub == 0 && only_cleanup_left(&p.case, p.next) {
        let mut reason = format!(
            "trailing clean-up left out (Profiles §4.1.2): steps {}-{} ({})",
            p.next + 1,
            p.case.steps.len(),
            op_names(&p.case, p.next)
        );
        let note = mapping_note(&p.mapping);
        if !note.is_empty() {
            reason = format!("{reason}; {note}");
        }
        return (Status::Pass, reason, None);
    }
    (
        Status::Fail,
        format!(
            "incomplete: the client stopped after {} of {} steps",
            p.next,
            p.case.steps.len()
        ),
        None,
    )
}

pub(crate) fn first_op(message: &Item) -> Option<u32> {
    message
        .child(tag("BatchItem"))
        .and_then(|b| b.child(tag("Operation")))
        .and_then(|o| match o.value {
            Value::Enumeration(v) => Some(v),
            _ => None,
        })
}

/// A value for a placeholder the recorded response introduces: a fresh
/// identifier, or plausible bytes / text of the declared type.
pub fn mint_value(prefix: &str, n: u64, p: &Placeholder) -> Value {
    let text = || format!("{prefix}-{n}");
    match p.item_type {
        ItemType::TextString => Value::TextString(text()),
        ItemType::Identifier => Value::Identifier(text()),
        ItemType::Reference => Value::Reference(text()),
        ItemType::NameReference => Value::NameReference(text()),
        ItemType::ByteString => {
            let len = if p.name.starts_with("IV_COUNTER_NONCE") {
                16
            } else {
                32
            };
            Value::ByteString(pseudo_bytes(prefix, n, len))
        }
        ItemType::Integer => Value::Integer(i32::try_from(n % 0x7fff_ffff).unwrap_or(1)),
        ItemType::LongInteger => Value::LongInteger(i64::try_from(n).unwrap_or(1)),
        _ => p.stand_in(),
    }
}

/// Deterministic, varied bytes (not secret: a stand-in for server output).
fn pseudo_bytes(prefix: &str, n: u64, len: usize) -> Vec<u8> {
    let mut x: u64 = 0xcbf2_9ce4_8422_2325;
    for b in prefix.bytes() {
        x = (x ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    x ^= n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A failure response mirroring the request: same protocol version, one
/// batch item per request batch item with Operation Failed / General
/// Failure and `message`.
pub fn error_response(request: &Item, now: i64, message: &str) -> Item {
    let version = request
        .child(tag("RequestHeader"))
        .and_then(|h| h.child(tag("ProtocolVersion")))
        .cloned()
        .unwrap_or_else(|| {
            Item::structure(
                tag("ProtocolVersion"),
                vec![
                    Item::new(tag("ProtocolVersionMajor"), Value::Integer(1)),
                    Item::new(tag("ProtocolVersionMinor"), Value::Integer(0)),
                ],
            )
        });
    let mut items = Vec::new();
    for b in request.children_with(tag("BatchItem")) {
        let mut fields = Vec::new();
        if let Some(op) = b.child(tag("Operation")) {
            fields.push(op.clone());
        }
        if let Some(id) = b.child(tag("UniqueBatchItemID")) {
            fields.push(id.clone());
        }
        fields.push(Item::new(
            tag("ResultStatus"),
            Value::Enumeration(STATUS_FAILED),
        ));
        fields.push(Item::new(
            tag("ResultReason"),
            Value::Enumeration(REASON_GENERAL),
        ));
        fields.push(Item::new(
            tag("ResultMessage"),
            Value::TextString(message.to_string()),
        ));
        items.push(Item::structure(tag("BatchItem"), fields));
    }
    if items.is_empty() {
        items.push(Item::structure(
            tag("BatchItem"),
            vec![
                Item::new(tag("ResultStatus"), Value::Enumeration(STATUS_FAILED)),
                Item::new(tag("ResultReason"), Value::Enumeration(REASON_GENERAL)),
                Item::new(tag("ResultMessage"), Value::TextString(message.to_string())),
            ],
        ));
    }
    let count = i32::try_from(items.len()).unwrap_or(i32::MAX);
    let header = Item::structure(
        tag("ResponseHeader"),
        vec![
            version,
            Item::new(tag("TimeStamp"), Value::DateTime(now)),
            Item::new(tag("BatchCount"), Value::Integer(count)),
        ],
    );
    let mut children = vec![header];
    children.extend(items);
    Item::structure(tag("ResponseMessage"), children)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kmip_testcase::case::load_str;
    use std::path::Path;

    fn case(id: &str, ccv: bool) -> Arc<TestCase> {
        let hdr = |step: usize| {
            let c = if ccv {
                format!(r#"<ClientCorrelationValue type="TextString" value="{id} step={step}"/>"#)
            } else {
                String::new()
            };
            format!(
                r#"<RequestHeader><ProtocolVersion><ProtocolVersionMajor type="Integer" value="2"/><ProtocolVersionMinor type="Integer" value="1"/></ProtocolVersion>{c}<BatchCount type="Integer" value="1"/></RequestHeader>"#
            )
        };
        let resp = |op: &str, payload: &str| {
            format!(
                r#"<ResponseMessage><ResponseHeader><ProtocolVersion><ProtocolVersionMajor type="Integer" value="2"/><ProtocolVersionMinor type="Integer" value="1"/></ProtocolVersion><TimeStamp type="DateTime" value="$NOW"/><BatchCount type="Integer" value="1"/></ResponseHeader><BatchItem><Operation type="Enumeration" value="{op}"/><ResultStatus type="Enumeration" value="Success"/><ResponsePayload>{payload}</ResponsePayload></BatchItem></ResponseMessage>"#
            )
        };
        let text = format!(
            r#"<KMIP>
<RequestMessage>{}<BatchItem><Operation type="Enumeration" value="Create"/><RequestPayload><ObjectType type="Enumeration" value="SymmetricKey"/><Attributes><CryptographicAlgorithm type="Enumeration" value="AES"/><CryptographicLength type="Integer" value="256"/></Attributes></RequestPayload></BatchItem></RequestMessage>
{}
<RequestMessage>{}<BatchItem><Operation type="Enumeration" value="Destroy"/><RequestPayload><UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/></RequestPayload></BatchItem></RequestMessage>
{}
</KMIP>"#,
            hdr(0),
            resp(
                "Create",
                r#"<ObjectType type="Enumeration" value="SymmetricKey"/><UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/>"#
            ),
            hdr(1),
            resp(
                "Destroy",
                r#"<UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/>"#
            ),
        );
        Arc::new(load_str(&text, Path::new(&format!("{id}.xml"))).expect("case loads"))
    }

    fn uid_of(response: &Item) -> String {
        response
            .path(&["BatchItem", "ResponsePayload", "UniqueIdentifier"])
            .and_then(|u| u.value.as_text())
            .expect("uid")
            .to_string()
    }

    fn destroy(c: &TestCase, uid: &str) -> Item {
        let mut r = c.steps[1].request.clone();
        r.substitute_placeholders(&mut |_| Some(Value::TextString(uid.to_string())));
        r
    }

    #[test]
    fn correlation_value_identifies_and_case_passes() {
        let a = case("KH-A-1", true);
        let b = case("KH-B-1", true);
        let mut s = Scenario::new(vec![a, b.clone()], None, CompareOptions::default(), "t");
        let (resp, h) = s.handle(&b.steps[0].request, 1_000);
        assert_eq!(
            h,
            Handled::Matched {
                case: "KH-B-1".into(),
                step: 0,
                last: false
            }
        );
        let uid = uid_of(&resp);
        assert!(uid.starts_with("t-"), "{uid}");
        let (_, h) = s.handle(&destroy(&b, &uid), 1_001);
        assert!(matches!(h, Handled::Matched { last: true, .. }), "{h:?}");
        assert!(!s.all_done(), "KH-A-1 has not run");
        let r = s.finish();
        let by = |id: &str| r.iter().find(|c| c.id == id).expect("reported").clone();
        assert_eq!(by("KH-B-1").status, Status::Pass);
        assert_eq!(by("KH-A-1").status, Status::Skip);
    }

    #[test]
    fn wrong_identifier_fails_with_diff() {
        let a = case("KH-A-1", false);
        let mut s = Scenario::new(vec![a.clone()], None, CompareOptions::default(), "t");
        let (_, h) = s.handle(&a.steps[0].request, 1_000);
        assert!(matches!(h, Handled::Matched { .. }));
        let (resp, h) = s.handle(&destroy(&a, "not-the-issued-id"), 1_001);
        assert!(matches!(h, Handled::Mismatch { step: 1, .. }), "{h:?}");
        let status = resp
            .path(&["BatchItem", "ResultStatus"])
            .map(|x| x.value.clone());
        assert_eq!(status, Some(Value::Enumeration(STATUS_FAILED)));
        let r = s.finish();
        assert_eq!(r[0].status, Status::Fail);
        let d = r[0].divergence.as_ref().expect("divergence");
        assert!(d.diff.contains("not-the-issued-id"), "{}", d.diff);
    }

    #[test]
    fn client_that_stops_before_the_destroy_passes_with_a_note() {
        // Step 2 is the trailing Destroy: a clean-up the client may leave
        // out (Profiles §4.1.2); stopping earlier is `incomplete` (see
        // tests/client_variations.rs).
        let a = case("KH-A-1", false);
        let mut s = Scenario::new(
            vec![a.clone()],
            Some("KH-A-1".into()),
            CompareOptions::default(),
            "t",
        );
        let _ = s.handle(&a.steps[0].request, 1_000);
        assert!(!s.all_done());
        let r = s.finish();
        assert_eq!(r[0].status, Status::Pass);
        assert!(
            r[0].reason
                .starts_with("trailing clean-up left out (Profiles §4.1.2): steps 2-2 (Destroy)"),
            "{}",
            r[0].reason
        );
    }

    #[test]
    fn unidentified_request_is_refused() {
        let a = case("KH-A-1", false);
        let b = case("KH-B-1", false);
        let mut s = Scenario::new(vec![a.clone(), b], None, CompareOptions::default(), "t");
        let (resp, h) = s.handle(&a.steps[0].request, 1_000);
        assert!(matches!(h, Handled::Unidentified(_)), "{h:?}");
        assert!(resp.path(&["BatchItem", "ResultMessage"]).is_some());
    }
}
