//! Load generation (`kmip-harness load`): N clients, each on its own
//! persistent connection, loop over a cycle of operations (Create a
//! 256-bit AES key, Get it, Destroy it — or a subset) for a fixed duration,
//! optionally with K batch items per message. Reports operations per second
//! and per-operation latency percentiles.
//!
//! Bounded: the duration and client count are capped ([`MAX_DURATION`],
//! [`MAX_CLIENTS`]), every request waits at most the message timeout, and
//! latencies go into fixed-size log-linear histograms ([`Histogram`]), so
//! memory does not grow with the run length.
//!
//! No-loss check: every identifier a Create returns must be gettable (Get
//! succeeds and answers the same identifier) until it is destroyed, and
//! Destroy must succeed. Each violation is counted as a `lost` error and
//! the first few are kept as examples.
//!
//! Requests are KMIP 1.2 (understood by the reference server and by most
//! third-party servers, PyKMIP included). Message building and response
//! parsing are pure functions ([`build_request`], [`parse_response`]).

use crate::target::Connector;
use crate::transport::{self, BoxStream, TransportError};
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::{Item, Tag, Value};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest accepted `--duration`.
pub const MAX_DURATION: Duration = Duration::from_secs(3600);
/// Most accepted `--clients`.
pub const MAX_CLIENTS: usize = 4096;
/// Most accepted `--batch`.
pub const MAX_BATCH: usize = 1000;
/// Error examples kept (the rest are only counted).
const MAX_EXAMPLES: usize = 8;

/// One operation of the load cycle.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    /// Create a 256-bit AES symmetric key.
    Create,
    /// Get the key just created.
    Get,
    /// Destroy the key just created.
    Destroy,
}

impl Op {
    /// All operations, in cycle order.
    pub const ALL: [Op; 3] = [Op::Create, Op::Get, Op::Destroy];

    /// Lower-case name (`create`, `get`, `destroy`).
    pub fn name(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Get => "get",
            Op::Destroy => "destroy",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// KMIP Operation enumeration value.
    pub fn code(self) -> u32 {
        match self {
            Op::Create => 0x01,
            Op::Get => 0x0A,
            Op::Destroy => 0x14,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Bad load parameters.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadConfigError {
    /// `--ops` names an unknown operation, or is empty.
    #[error("invalid --ops {0:?}: expected a comma-separated subset of create,get,destroy")]
    BadOps(String),
    /// `destroy` without `create` would destroy nothing.
    #[error("--ops destroy needs create (the cycle destroys the key it created)")]
    DestroyWithoutCreate,
    /// A parameter is out of range.
    #[error("{0}")]
    OutOfRange(String),
}

/// The operation cycle: a set of [`Op`] run in the order create, get,
/// destroy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpSet(Vec<Op>);

impl OpSet {
    /// The operations, in cycle order.
    pub fn ops(&self) -> &[Op] {
        &self.0
    }

    /// Whether `op` is part of the cycle.
    pub fn contains(&self, op: Op) -> bool {
        self.0.contains(&op)
    }
}

impl FromStr for OpSet {
    type Err = LoadConfigError;

    fn from_str(s: &str) -> Result<OpSet, LoadConfigError> {
        let mut ops = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let op = match part.to_ascii_lowercase().as_str() {
                "create" => Op::Create,
                "get" => Op::Get,
                "destroy" => Op::Destroy,
                _ => return Err(LoadConfigError::BadOps(s.to_string())),
            };
            if !ops.contains(&op) {
                ops.push(op);
            }
        }
        if ops.is_empty() {
            return Err(LoadConfigError::BadOps(s.to_string()));
        }
        ops.sort();
        if ops.contains(&Op::Destroy) && !ops.contains(&Op::Create) {
            return Err(LoadConfigError::DestroyWithoutCreate);
        }
        Ok(OpSet(ops))
    }
}

/// Parameters of a load run.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Concurrent clients, one connection each (1..=[`MAX_CLIENTS`]).
    pub clients: usize,
    /// Measured duration (≤ [`MAX_DURATION`]).
    pub duration: Duration,
    /// The cycle.
    pub ops: OpSet,
    /// Batch items per message (1..=[`MAX_BATCH`]): K keys per cycle.
    pub batch: usize,
    /// Timeout for each response.
    pub message_timeout: Duration,
    /// Limits for responses.
    pub limits: Limits,
}

impl LoadOptions {
    /// Check the ranges.
    pub fn validate(&self) -> Result<(), LoadConfigError> {
        if self.clients == 0 || self.clients > MAX_CLIENTS {
            return Err(LoadConfigError::OutOfRange(format!(
                "--clients must be 1..={MAX_CLIENTS}"
            )));
        }
        if self.duration.is_zero() || self.duration > MAX_DURATION {
            return Err(LoadConfigError::OutOfRange(format!(
                "--duration must be > 0 and ≤ {} s",
                MAX_DURATION.as_secs()
            )));
        }
        if self.batch == 0 || self.batch > MAX_BATCH {
            return Err(LoadConfigError::OutOfRange(format!(
                "--batch must be 1..={MAX_BATCH}"
            )));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- messages

fn tag(name: &'static str) -> Tag {
    // The names below are all in the generated dictionary (unit-tested);
    // an unknown name would give tag 0 and a visible server error.
    Tag::by_name(name).unwrap_or(Tag(0))
}

fn leaf(name: &'static str, v: Value) -> Item {
    Item::new(tag(name), v)
}

fn node(name: &'static str, children: Vec<Item>) -> Item {
    Item::structure(tag(name), children)
}

fn attribute(name: &str, value: Value) -> Item {
    node(
        "Attribute",
        vec![
            leaf("AttributeName", Value::TextString(name.to_string())),
            leaf("AttributeValue", value),
        ],
    )
}

/// The request payload of one batch item.
fn payload(op: Op, uid: Option<&str>) -> Item {
    match op {
        Op::Create => node(
            "RequestPayload",
            vec![
                leaf("ObjectType", Value::Enumeration(2)),
                node(
                    "TemplateAttribute",
                    vec![
                        attribute("Cryptographic Algorithm", Value::Enumeration(3)),
                        attribute("Cryptographic Length", Value::Integer(256)),
                        attribute("Cryptographic Usage Mask", Value::Integer(0x0C)),
                    ],
                ),
            ],
        ),
        Op::Get | Op::Destroy => node(
            "RequestPayload",
            vec![leaf(
                "UniqueIdentifier",
                Value::TextString(uid.unwrap_or_default().to_string()),
            )],
        ),
    }
}

/// A KMIP 1.2 request message with one batch item per entry of `uids`
/// (`None` for Create), each with a distinct Unique Batch Item ID when
/// there is more than one.
pub fn build_request(op: Op, uids: &[Option<&str>]) -> Item {
    let mut items = vec![node(
        "RequestHeader",
        vec![
            node(
                "ProtocolVersion",
                vec![
                    leaf("ProtocolVersionMajor", Value::Integer(1)),
                    leaf("ProtocolVersionMinor", Value::Integer(2)),
                ],
            ),
            leaf(
                "BatchCount",
                Value::Integer(i32::try_from(uids.len()).unwrap_or(i32::MAX)),
            ),
        ],
    )];
    for (i, uid) in uids.iter().enumerate() {
        let mut bi = vec![leaf("Operation", Value::Enumeration(op.code()))];
        if uids.len() > 1 {
            bi.push(leaf(
                "UniqueBatchItemID",
                Value::ByteString((i as u32).to_be_bytes().to_vec()),
            ));
        }
        bi.push(payload(op, *uid));
        items.push(node("BatchItem", bi));
    }
    node("RequestMessage", items)
}

/// The outcome of one batch item of a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemOutcome {
    /// Result Status Success; the Unique Identifier of the payload if any.
    Success(Option<String>),
    /// Another result status, with reason and message as text.
    Failure(String),
}

/// Why a response could not be used.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    /// Not decodable TTLV.
    #[error("undecodable response: {0}")]
    Decode(String),
    /// Not a Response Message, or missing batch items.
    #[error("malformed response: {0}")]
    Malformed(String),
}

fn describe_failure(bi: &Item) -> String {
    let text = |name: &str| -> String {
        match bi.child_named(name).map(|i| &i.value) {
            Some(Value::Enumeration(e)) => format!("{name}={e:#x}"),
            Some(Value::TextString(s)) => format!("{name}={s:?}"),
            Some(v) => format!("{name}={v:?}"),
            None => String::new(),
        }
    };
    let parts: Vec<String> = ["ResultStatus", "ResultReason", "ResultMessage"]
        .iter()
        .map(|n| text(n))
        .filter(|s| !s.is_empty())
        .collect();
    parts.join(" ")
}

/// Parse a binary response: one [`ItemOutcome`] per batch item, in order.
pub fn parse_response(bytes: &[u8], limits: &Limits) -> Result<Vec<ItemOutcome>, ResponseError> {
    let msg = ttlv::decode(bytes, limits).map_err(|e| ResponseError::Decode(e.to_string()))?;
    if msg.tag != tag("ResponseMessage") {
        return Err(ResponseError::Malformed(format!(
            "outer tag is {}, not ResponseMessage",
            msg.tag.display_name()
        )));
    }
    let mut out = Vec::new();
    for bi in msg.children_with(tag("BatchItem")) {
        let ok = matches!(
            bi.child_named("ResultStatus").map(|i| &i.value),
            Some(Value::Enumeration(0))
        );
        if ok {
            let uid = bi
                .child_named("ResponsePayload")
                .and_then(|p| p.child_named("UniqueIdentifier"))
                .and_then(|u| u.value.as_text())
                .map(str::to_string);
            out.push(ItemOutcome::Success(uid));
        } else {
            out.push(ItemOutcome::Failure(describe_failure(bi)));
        }
    }
    if out.is_empty() {
        return Err(ResponseError::Malformed("no batch item".into()));
    }
    Ok(out)
}

// ---------------------------------------------------------------- histogram

/// Values below this are recorded exactly (µs).
const LINEAR: u64 = 1024;
/// Sub-buckets per power of two above [`LINEAR`] (≤ 0.2 % relative error).
const SUB: u64 = 512;
/// Powers of two covered above [`LINEAR`] (up to 2^(10+40) µs).
const OCTAVES: u64 = 40;

/// A fixed-size log-linear latency histogram in microseconds: exact below
/// 1024 µs, ≤ 0.2 % relative error above. Constant memory (≈ 170 KiB).
#[derive(Clone)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Histogram {
        Histogram {
            counts: vec![0; (LINEAR + SUB * OCTAVES) as usize],
            total: 0,
            max: 0,
        }
    }
}

impl fmt::Debug for Histogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Histogram")
            .field("total", &self.total)
            .field("max", &self.max)
            .finish()
    }
}

impl Histogram {
    fn bucket(v: u64) -> usize {
        if v < LINEAR {
            return v as usize;
        }
        // v in [2^e, 2^(e+1)), e ≥ 10.
        let e = 63 - u64::from(v.leading_zeros());
        let octave = (e - 10).min(OCTAVES - 1);
        let shift = e - 9; // keeps 10 significant bits: [512, 1024)
        let mantissa = ((v >> shift) - SUB).min(SUB - 1);
        (LINEAR + octave * SUB + mantissa) as usize
    }

    fn lower_bound(b: usize) -> u64 {
        let b = b as u64;
        if b < LINEAR {
            return b;
        }
        let octave = (b - LINEAR) / SUB;
        let mantissa = (b - LINEAR) % SUB + SUB;
        mantissa << (octave + 1)
    }

    /// Record one latency.
    pub fn record(&mut self, d: Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        let b = Self::bucket(us);
        if let Some(c) = self.counts.get_mut(b) {
            *c += 1;
        }
        self.total += 1;
        self.max = self.max.max(us);
    }

    /// Add another histogram's counts.
    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
    }

    /// Number of values recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// Largest value recorded.
    pub fn max(&self) -> Duration {
        Duration::from_micros(self.max)
    }

    /// The `q`-quantile (0.0..=1.0), to bucket precision; zero when empty.
    pub fn quantile(&self, q: f64) -> Duration {
        if self.total == 0 {
            return Duration::ZERO;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (b, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Duration::from_micros(Self::lower_bound(b).min(self.max));
            }
        }
        Duration::from_micros(self.max)
    }
}

// ---------------------------------------------------------------- engine

/// Per-operation statistics.
#[derive(Clone, Debug, Default)]
pub struct OpStats {
    /// Successful batch items.
    pub ok: u64,
    /// Failed batch items (error result status, bad response, transport).
    pub failed: u64,
    /// Round-trip latency per message (a message carries `batch` items).
    pub latency: Histogram,
}

/// What a load run measured.
#[derive(Clone, Debug, Default)]
pub struct LoadReport {
    /// Target description.
    pub target: String,
    /// Clients that ran.
    pub clients: usize,
    /// Batch items per message.
    pub batch: usize,
    /// Measured wall time.
    pub elapsed: Duration,
    /// Per operation, indexed by [`Op`] order (create, get, destroy).
    pub per_op: [OpStats; 3],
    /// Connections that could not be (re)established.
    pub connect_errors: u64,
    /// Transport errors (timeouts, closes, garbage) on open connections.
    pub transport_errors: u64,
    /// No-loss violations: a created id that Get could not fetch (or that
    /// came back as another id), or a failed Destroy of a created id.
    pub lost: u64,
    /// First few error messages, for the report.
    pub examples: Vec<String>,
}

impl LoadReport {
    /// Statistics of one operation.
    pub fn op(&self, op: Op) -> &OpStats {
        &self.per_op[op.index()]
    }

    /// Successful operations (batch items) of every kind.
    pub fn total_ok(&self) -> u64 {
        self.per_op.iter().map(|s| s.ok).sum()
    }

    /// Failed operations of every kind.
    pub fn total_failed(&self) -> u64 {
        self.per_op.iter().map(|s| s.failed).sum()
    }

    /// Successful operations per second.
    pub fn ops_per_sec(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.total_ok() as f64 / s
        } else {
            0.0
        }
    }

    /// True when nothing failed and nothing was lost.
    pub fn is_clean(&self) -> bool {
        self.total_failed() == 0
            && self.lost == 0
            && self.connect_errors == 0
            && self.transport_errors == 0
    }

    fn merge(&mut self, other: LoadReport) {
        for (a, b) in self.per_op.iter_mut().zip(other.per_op.iter()) {
            a.ok += b.ok;
            a.failed += b.failed;
            a.latency.merge(&b.latency);
        }
        self.connect_errors += other.connect_errors;
        self.transport_errors += other.transport_errors;
        self.lost += other.lost;
        for e in other.examples {
            if self.examples.len() < MAX_EXAMPLES {
                self.examples.push(e);
            }
        }
    }

    fn example(&mut self, e: String) {
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(e);
        }
    }
}

/// Why a round trip failed.
enum TripError {
    Transport(TransportError),
    Response(ResponseError),
}

impl fmt::Display for TripError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TripError::Transport(e) => fmt::Display::fmt(e, f),
            TripError::Response(e) => fmt::Display::fmt(e, f),
        }
    }
}

async fn round_trip(
    stream: &mut BoxStream,
    request: &[u8],
    opts: &LoadOptions,
) -> Result<Vec<ItemOutcome>, TripError> {
    transport::write_message(stream, request, opts.message_timeout)
        .await
        .map_err(TripError::Transport)?;
    let bytes = transport::read_message(stream, &opts.limits, opts.message_timeout)
        .await
        .map_err(TripError::Transport)?;
    parse_response(&bytes, &opts.limits).map_err(TripError::Response)
}

/// One client: connect, cycle until `deadline`, reconnect after transport
/// errors.
async fn client(
    connector: Arc<dyn Connector>,
    opts: Arc<LoadOptions>,
    deadline: Instant,
) -> LoadReport {
    let mut rep = LoadReport::default();
    let mut stream: Option<BoxStream> = None;
    // Without Create in the cycle, Get works on one key made at start.
    let mut fixed: Vec<String> = Vec::new();
    while Instant::now() < deadline {
        if stream.is_none() {
            match connector.connect().await {
                Ok(s) => stream = Some(s),
                Err(e) => {
                    rep.connect_errors += 1;
                    rep.example(format!("connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            }
        }
        let Some(s) = stream.as_mut() else {
            continue;
        };
        if !opts.ops.contains(Op::Create) && fixed.is_empty() {
            let req = encode(&build_request(Op::Create, &vec![None; opts.batch]));
            match round_trip(s, &req, &opts).await {
                Ok(out) => {
                    for o in out {
                        match o {
                            ItemOutcome::Success(Some(id)) => fixed.push(id),
                            other => rep.example(format!("setup create: {other:?}")),
                        }
                    }
                    if fixed.is_empty() {
                        // Nothing to Get: a visible error, not a spin.
                        rep.per_op[Op::Get.index()].failed += 1;
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
                Err(e) => {
                    rep.transport_errors += 1;
                    rep.example(format!("setup create: {e}"));
                    stream = None;
                }
            }
            continue;
        }
        if let Err(e) = cycle(s, &opts, &fixed, &mut rep).await {
            rep.transport_errors += 1;
            rep.example(e.to_string());
            stream = None;
        }
    }
    rep
}

fn encode(item: &Item) -> Vec<u8> {
    // The requests built here are always encodable (no placeholders).
    ttlv::encode(item).unwrap_or_default()
}

/// One create → get → destroy cycle over `opts.batch` keys.
async fn cycle(
    s: &mut BoxStream,
    opts: &LoadOptions,
    fixed: &[String],
    rep: &mut LoadReport,
) -> Result<(), TripError> {
    let mut ids: Vec<String> = fixed.to_vec();
    for &op in opts.ops.ops() {
        let req = match op {
            Op::Create => build_request(op, &vec![None; opts.batch]),
            Op::Get | Op::Destroy => {
                if ids.is_empty() {
                    continue;
                }
                let refs: Vec<Option<&str>> = ids.iter().map(|i| Some(i.as_str())).collect();
                build_request(op, &refs)
            }
        };
        let bytes = encode(&req);
        let sent = ids.len();
        let t0 = Instant::now();
        let outcome = round_trip(s, &bytes, opts).await;
        let stats = &mut rep.per_op[op.index()];
        stats.latency.record(t0.elapsed());
        let out = match outcome {
            Ok(o) => o,
            Err(e) => {
                stats.failed += if op == Op::Create {
                    opts.batch as u64
                } else {
                    sent as u64
                };
                return Err(e);
            }
        };
        match op {
            Op::Create => {
                ids.clear();
                for o in out {
                    match o {
                        ItemOutcome::Success(Some(id)) => {
                            rep.per_op[op.index()].ok += 1;
                            ids.push(id);
                        }
                        ItemOutcome::Success(None) => {
                            rep.per_op[op.index()].failed += 1;
                            rep.example("create: success without a Unique Identifier".into());
                        }
                        ItemOutcome::Failure(f) => {
                            rep.per_op[op.index()].failed += 1;
                            rep.example(format!("create: {f}"));
                        }
                    }
                }
            }
            Op::Get | Op::Destroy => {
                if out.len() != ids.len() {
                    rep.per_op[op.index()].failed += ids.len() as u64;
                    rep.lost += ids.len() as u64;
                    rep.example(format!(
                        "{op}: {} batch items answered for {} sent",
                        out.len(),
                        ids.len()
                    ));
                    continue;
                }
                for (o, id) in out.iter().zip(&ids) {
                    let good = match (op, o) {
                        (Op::Get, ItemOutcome::Success(Some(got))) => got == id,
                        (Op::Destroy, ItemOutcome::Success(_)) => true,
                        _ => false,
                    };
                    if good {
                        rep.per_op[op.index()].ok += 1;
                    } else {
                        rep.per_op[op.index()].failed += 1;
                        rep.lost += 1;
                        rep.example(format!("{op} {id}: {o:?}"));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Run the load: `opts.clients` clients against `connector` for
/// `opts.duration`. Never panics; errors are counted in the report.
pub async fn run_load(
    connector: Arc<dyn Connector>,
    opts: LoadOptions,
) -> Result<LoadReport, LoadConfigError> {
    opts.validate()?;
    let opts = Arc::new(opts);
    let start = Instant::now();
    let deadline = start + opts.duration;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..opts.clients {
        set.spawn(client(connector.clone(), opts.clone(), deadline));
    }
    let mut report = LoadReport {
        target: connector.describe(),
        clients: opts.clients,
        batch: opts.batch,
        ..Default::default()
    };
    // A client is stuck at most one message timeout past the deadline.
    let hard_stop = deadline + opts.message_timeout * 3 + Duration::from_secs(5);
    loop {
        let left = hard_stop.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, set.join_next()).await {
            Ok(Some(Ok(r))) => report.merge(r),
            Ok(Some(Err(e))) => {
                report.transport_errors += 1;
                report.example(format!("client task failed: {e}"));
            }
            Ok(None) => break,
            Err(_) => {
                report.example("clients still running at the hard stop: aborted".into());
                set.abort_all();
                break;
            }
        }
    }
    report.elapsed = start.elapsed();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_set_parses_and_orders() {
        let s: OpSet = "destroy, get,create".parse().expect("valid");
        assert_eq!(s.ops(), &[Op::Create, Op::Get, Op::Destroy]);
        let g: OpSet = "get".parse().expect("valid");
        assert_eq!(g.ops(), &[Op::Get]);
        assert_eq!(
            "destroy".parse::<OpSet>(),
            Err(LoadConfigError::DestroyWithoutCreate)
        );
        assert!(matches!(
            "create,locate".parse::<OpSet>(),
            Err(LoadConfigError::BadOps(_))
        ));
        assert!(matches!(
            "".parse::<OpSet>(),
            Err(LoadConfigError::BadOps(_))
        ));
    }

    #[test]
    fn tag_names_exist() {
        for n in [
            "RequestMessage",
            "RequestHeader",
            "ProtocolVersion",
            "ProtocolVersionMajor",
            "ProtocolVersionMinor",
            "BatchCount",
            "BatchItem",
            "Operation",
            "UniqueBatchItemID",
            "RequestPayload",
            "ObjectType",
            "TemplateAttribute",
            "Attribute",
            "AttributeName",
            "AttributeValue",
            "UniqueIdentifier",
            "ResponseMessage",
            "ResultStatus",
            "ResponsePayload",
        ] {
            assert!(Tag::by_name(n).is_some(), "{n}");
        }
    }

    #[test]
    fn requests_encode_and_round_trip() {
        let req = build_request(Op::Get, &[Some("a"), Some("b")]);
        let bytes = ttlv::encode(&req).expect("encodes");
        let back = ttlv::decode(&bytes, &Limits::default()).expect("decodes");
        assert_eq!(back, req);
        assert_eq!(back.children_with(tag("BatchItem")).count(), 2);
        let create = build_request(Op::Create, &[None]);
        assert!(create
            .path(&["BatchItem", "RequestPayload", "TemplateAttribute"])
            .is_some());
    }

    #[cfg(feature = "reference")]
    #[test]
    fn reference_server_answers_the_cycle() {
        let server = kmip_reference_server::Server::in_memory();
        let limits = Limits::default();
        let send = |op: Op, ids: &[Option<&str>]| {
            let bytes = ttlv::encode(&build_request(op, ids)).expect("encodes");
            parse_response(&server.handle_bytes(&bytes), &limits).expect("parses")
        };
        let created = send(Op::Create, &[None, None]);
        let ids: Vec<String> = created
            .iter()
            .map(|o| match o {
                ItemOutcome::Success(Some(id)) => id.clone(),
                other => panic!("create failed: {other:?}"),
            })
            .collect();
        let refs: Vec<Option<&str>> = ids.iter().map(|i| Some(i.as_str())).collect();
        let got = send(Op::Get, &refs);
        for (o, id) in got.iter().zip(&ids) {
            assert_eq!(o, &ItemOutcome::Success(Some(id.clone())));
        }
        let destroyed = send(Op::Destroy, &refs);
        assert!(destroyed
            .iter()
            .all(|o| matches!(o, ItemOutcome::Success(_))));
        let again = send(Op::Get, &refs[..1]);
        assert!(matches!(again[0], ItemOutcome::Failure(_)), "{again:?}");
    }

    #[test]
    fn parse_response_rejects_garbage() {
        let limits = Limits::default();
        assert!(matches!(
            parse_response(b"garbage", &limits),
            Err(ResponseError::Decode(_))
        ));
        let req = ttlv::encode(&build_request(Op::Get, &[Some("x")])).expect("encodes");
        assert!(matches!(
            parse_response(&req, &limits),
            Err(ResponseError::Malformed(_))
        ));
    }

    #[test]
    fn histogram_quantiles_are_close() {
        let mut h = Histogram::default();
        for us in 1..=100_000u64 {
            h.record(Duration::from_micros(us));
        }
        assert_eq!(h.count(), 100_000);
        let p50 = h.quantile(0.5).as_micros() as f64;
        let p99 = h.quantile(0.99).as_micros() as f64;
        assert!((p50 - 50_000.0).abs() / 50_000.0 < 0.01, "{p50}");
        assert!((p99 - 99_000.0).abs() / 99_000.0 < 0.01, "{p99}");
        assert_eq!(h.max(), Duration::from_micros(100_000));
        assert_eq!(h.quantile(0.0), Duration::from_micros(1));
        let mut small = Histogram::default();
        small.record(Duration::from_micros(7));
        assert_eq!(small.quantile(0.99), Duration::from_micros(7));
        // Enormous values land in the last bucket, no panic.
        small.record(Duration::from_secs(u64::MAX / 4));
        assert_eq!(small.count(), 2);
        for b in [0u64, 1023, 1024, 1535, 2047, 2048, 1 << 40] {
            let lb = Histogram::lower_bound(Histogram::bucket(b));
            assert!(
                lb <= b && (b - lb) as f64 <= b as f64 * 0.002 + 1.0,
                "{b} {lb}"
            );
        }
    }

    #[test]
    fn options_are_validated() {
        let ok = LoadOptions {
            clients: 1,
            duration: Duration::from_secs(1),
            ops: "create".parse().expect("valid"),
            batch: 1,
            message_timeout: Duration::from_secs(1),
            limits: Limits::default(),
        };
        assert!(ok.validate().is_ok());
        let mut bad = ok.clone();
        bad.clients = 0;
        assert!(bad.validate().is_err());
        let mut bad = ok.clone();
        bad.duration = Duration::from_secs(7200);
        assert!(bad.validate().is_err());
        let mut bad = ok;
        bad.batch = 0;
        assert!(bad.validate().is_err());
    }
}
