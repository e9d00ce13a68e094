//! The client loops of a load run: each client on its own persistent
//! connection cycles through the operations until the deadline.

use super::message::{
    build_request, build_request_with, parse_response, ItemOutcome, ResponseError,
};
use super::{LoadConfigError, LoadOptions, LoadReport, Op};
use crate::target::Connector;
use crate::transport::{self, BoxStream, TransportError};
use kmip_ttlv::ttlv;
use kmip_ttlv::Item;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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
            let req = encode(&build_request_with(
                Op::Create,
                &vec![None; opts.batch],
                opts.ops.contains(Op::Encrypt),
            ));
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

/// Names given to created keys when the cycle Locates them: unique per
/// process run (process id, start time) and per key (a counter).
fn fresh_names(n: usize) -> Vec<String> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    static NONCE: OnceLock<u64> = OnceLock::new();
    let nonce = *NONCE.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    let pid = std::process::id();
    (0..n)
        .map(|_| {
            let i = SEQ.fetch_add(1, Ordering::Relaxed);
            format!("kh-load-{pid:x}-{nonce:x}-{i}")
        })
        .collect()
}

/// One cycle (create, get, get-attributes, locate, encrypt, destroy, or
/// the configured subset) over `opts.batch` keys.
async fn cycle(
    s: &mut BoxStream,
    opts: &LoadOptions,
    fixed: &[String],
    rep: &mut LoadReport,
) -> Result<(), TripError> {
    // The keys the cycle works on: identifier and, when Locate is in the
    // cycle, the Name it was created with.
    let mut keys: Vec<(String, Option<String>)> =
        fixed.iter().map(|id| (id.clone(), None)).collect();
    for &op in opts.ops.ops() {
        let names = if op == Op::Create && opts.ops.contains(Op::Locate) {
            fresh_names(opts.batch)
        } else {
            Vec::new()
        };
        // The keys this message acts on (all of them, or those with a Name
        // for Locate), and the request.
        let acting: Vec<&(String, Option<String>)> = match op {
            Op::Create => Vec::new(),
            Op::Locate => keys.iter().filter(|k| k.1.is_some()).collect(),
            _ => keys.iter().collect(),
        };
        let req = match op {
            Op::Create => {
                let refs: Vec<Option<&str>> = if names.is_empty() {
                    vec![None; opts.batch]
                } else {
                    names.iter().map(|n| Some(n.as_str())).collect()
                };
                build_request_with(op, &refs, opts.ops.contains(Op::Encrypt))
            }
            _ if acting.is_empty() => continue,
            Op::Locate => {
                let refs: Vec<Option<&str>> = acting.iter().map(|k| k.1.as_deref()).collect();
                build_request(op, &refs)
            }
            _ => {
                let refs: Vec<Option<&str>> = acting.iter().map(|k| Some(k.0.as_str())).collect();
                build_request(op, &refs)
            }
        };
        let bytes = encode(&req);
        let sent = if op == Op::Create {
            opts.batch
        } else {
            acting.len()
        };
        let t0 = Instant::now();
        let outcome = round_trip(s, &bytes, opts).await;
        let stats = &mut rep.per_op[op.index()];
        stats.latency.record(t0.elapsed());
        let out = match outcome {
            Ok(o) => o,
            Err(e) => {
                stats.failed += sent as u64;
                return Err(e);
            }
        };
        if op == Op::Create {
            keys.clear();
            for (i, o) in out.into_iter().enumerate() {
                match o {
                    ItemOutcome::Success(Some(id)) => {
                        rep.per_op[op.index()].ok += 1;
                        keys.push((id, names.get(i).cloned()));
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
            continue;
        }
        if out.len() != acting.len() {
            rep.per_op[op.index()].failed += acting.len() as u64;
            rep.lost += acting.len() as u64;
            rep.example(format!(
                "{op}: {} batch items answered for {} sent",
                out.len(),
                acting.len()
            ));
            continue;
        }
        for (o, (id, _)) in out.iter().zip(&acting) {
            // Every operation but Destroy must answer with the key's own
            // identifier (Locate: the one key with that Name).
            let good = match (op, o) {
                (Op::Destroy, ItemOutcome::Success(_)) => true,
                (_, ItemOutcome::Success(Some(got))) => got == id,
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
