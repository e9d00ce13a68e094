//! What a load run measured ([`LoadReport`]) and its renderings: the text
//! summary ([`render_text`]) and the JSON document ([`to_json`]).

use super::{Histogram, Op, OpSet, MAX_EXAMPLES};
use std::time::Duration;

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
    /// Per operation, indexed by [`Op`] order (see [`Op::ALL`]).
    pub per_op: [OpStats; 7],
    /// Connections that could not be (re)established.
    pub connect_errors: u64,
    /// Transport errors (timeouts, closes, garbage) on open connections.
    pub transport_errors: u64,
    /// No-loss violations: a created id that Get could not fetch (or that
    /// came back as another id), or a failed Destroy of a created id.
    pub lost: u64,
    /// First few error messages, for the report.
    pub examples: Vec<String>,
    /// Client processes that ran (1 unless `--procs`).
    pub procs: usize,
    /// CPU time (user + system) of the client process(es) during the run,
    /// when measured.
    pub client_cpu: Option<Duration>,
    /// CPU time (user + system) of the server process during the run, when
    /// the server is local and its process known (`--server-pid`, or the
    /// server `load --target serve` started).
    pub server_cpu: Option<Duration>,
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

    /// Server CPU microseconds per successful operation, when measured.
    pub fn server_cpu_us_per_op(&self) -> Option<f64> {
        let ok = self.total_ok();
        self.server_cpu
            .filter(|_| ok > 0)
            .map(|c| c.as_secs_f64() * 1e6 / ok as f64)
    }

    /// Client CPU microseconds per successful operation, when measured.
    pub fn client_cpu_us_per_op(&self) -> Option<f64> {
        let ok = self.total_ok();
        self.client_cpu
            .filter(|_| ok > 0)
            .map(|c| c.as_secs_f64() * 1e6 / ok as f64)
    }

    /// Add another report's counts, histograms, errors and client CPU (the
    /// reports of client processes that ran at the same time).
    pub fn merge(&mut self, other: LoadReport) {
        self.client_cpu = match (self.client_cpu, other.client_cpu) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
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

    pub(crate) fn example(&mut self, e: String) {
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(e);
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The human-readable summary.
pub fn render_text(r: &LoadReport, ops: &OpSet) -> String {
    let mut s = format!(
        "target {}  clients {}  batch {}  elapsed {:.1} s\n\
         {:<14} {:>10} {:>8} {:>10} {:>9} {:>9} {:>9}\n",
        r.target,
        r.clients,
        r.batch,
        r.elapsed.as_secs_f64(),
        "op",
        "ok",
        "failed",
        "ops/s",
        "p50 ms",
        "p99 ms",
        "max ms"
    );
    let secs = r.elapsed.as_secs_f64().max(1e-9);
    for &op in ops.ops() {
        let st = r.op(op);
        s.push_str(&format!(
            "{:<14} {:>10} {:>8} {:>10.0} {:>9.2} {:>9.2} {:>9.2}\n",
            op.name(),
            st.ok,
            st.failed,
            st.ok as f64 / secs,
            ms(st.latency.quantile(0.5)),
            ms(st.latency.quantile(0.99)),
            ms(st.latency.max()),
        ));
    }
    s.push_str(&format!(
        "total          {:>10} {:>8} {:>10.0}   (latency per message of {} item(s))\n",
        r.total_ok(),
        r.total_failed(),
        r.ops_per_sec(),
        r.batch
    ));
    s.push_str(&format!(
        "no-loss check: {} lost; connect errors {}; transport errors {}\n",
        r.lost, r.connect_errors, r.transport_errors
    ));
    if let Some(us) = r.client_cpu_us_per_op() {
        s.push_str(&format!(
            "client CPU: {us:.1} µs/op over {} process(es)\n",
            r.procs.max(1)
        ));
    }
    if let Some(us) = r.server_cpu_us_per_op() {
        s.push_str(&format!(
            "server CPU: {us:.1} µs/op (server process, /proc/PID/stat)\n"
        ));
    }
    for e in &r.examples {
        s.push_str(&format!("  e.g. {e}\n"));
    }
    s
}

/// The JSON document (`--json`).
pub fn to_json(r: &LoadReport, ops: &OpSet) -> serde_json::Value {
    let per_op: serde_json::Map<String, serde_json::Value> = ops
        .ops()
        .iter()
        .map(|&op: &Op| {
            let st = r.op(op);
            (
                op.name().to_string(),
                serde_json::json!({
                    "ok": st.ok,
                    "failed": st.failed,
                    "ops_per_sec": st.ok as f64 / r.elapsed.as_secs_f64().max(1e-9),
                    "p50_ms": ms(st.latency.quantile(0.5)),
                    "p99_ms": ms(st.latency.quantile(0.99)),
                    "max_ms": ms(st.latency.max()),
                    "max_us": u64::try_from(st.latency.max().as_micros()).unwrap_or(u64::MAX),
                    "histogram_us": st.latency.to_sparse(),
                }),
            )
        })
        .collect();
    serde_json::json!({
        "target": r.target,
        "clients": r.clients,
        "batch": r.batch,
        "elapsed_s": r.elapsed.as_secs_f64(),
        "ops_per_sec": r.ops_per_sec(),
        "ok": r.total_ok(),
        "failed": r.total_failed(),
        "lost": r.lost,
        "connect_errors": r.connect_errors,
        "transport_errors": r.transport_errors,
        "per_op": per_op,
        "examples": r.examples,
        "procs": r.procs.max(1),
        "client_cpu_s": r.client_cpu.map(|d| d.as_secs_f64()),
        "client_cpu_us_per_op": r.client_cpu_us_per_op(),
        "server_cpu_s": r.server_cpu.map(|d| d.as_secs_f64()),
        "server_cpu_us_per_op": r.server_cpu_us_per_op(),
    })
}

/// Rebuild a report from its JSON document ([`to_json`]), as written by a
/// client process of `load --procs`. `None` when the document lacks a
/// required field.
pub fn from_json(v: &serde_json::Value) -> Option<LoadReport> {
    let u = |v: &serde_json::Value, k: &str| v.get(k).and_then(serde_json::Value::as_u64);
    let mut r = LoadReport {
        target: v.get("target")?.as_str()?.to_string(),
        clients: usize::try_from(u(v, "clients")?).ok()?,
        batch: usize::try_from(u(v, "batch")?).ok()?,
        elapsed: Duration::try_from_secs_f64(v.get("elapsed_s")?.as_f64()?).ok()?,
        connect_errors: u(v, "connect_errors")?,
        transport_errors: u(v, "transport_errors")?,
        lost: u(v, "lost")?,
        procs: 1,
        client_cpu: v
            .get("client_cpu_s")
            .and_then(serde_json::Value::as_f64)
            .and_then(|s| Duration::try_from_secs_f64(s).ok()),
        ..Default::default()
    };
    r.examples = v
        .get("examples")?
        .as_array()?
        .iter()
        .filter_map(|e| e.as_str().map(str::to_string))
        .take(MAX_EXAMPLES)
        .collect();
    let per_op = v.get("per_op")?.as_object()?;
    for (name, st) in per_op {
        let op = Op::from_name(name)?;
        let stats = &mut r.per_op[op.index()];
        stats.ok = u(st, "ok")?;
        stats.failed = u(st, "failed")?;
        for pair in st.get("histogram_us")?.as_array()? {
            let pair = pair.as_array()?;
            let (us, n) = (pair.first()?.as_u64()?, pair.get(1)?.as_u64()?);
            stats.latency.record_us_n(us, n);
        }
        stats.latency.raise_max_us(u(st, "max_us")?);
    }
    Some(r)
}
