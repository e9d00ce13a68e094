//! Run-level checks that need the whole run: what the target's Query
//! answers claim against what the run saw it do (reason class
//! `query-inconsistent`, see [`kmip_compare::query`]), with `run
//! --probe-query` probing listed operations no case exercised; and the run
//! start that opens every `$NOW` window (`run --clock-skew`).
//!
//! Hooks (kept small on purpose): [`crate::replay::CaseOptions::run_checks`]
//! carries one [`RunChecks`] per run; [`crate::run::run_case_chained`]
//! hands each case's comparison session to [`RunChecks::absorb`];
//! [`crate::run::run_groups`] calls [`RunChecks::finish`] after the last
//! case, which turns findings into failures of the case whose Query answer
//! is contradicted (a passing case becomes `fail` with a reason starting
//! `query-inconsistent:`; a failing one gets the finding appended).

use std::sync::Mutex;

use kmip_compare::query::{probe_request, QueryLedger};
use kmip_compare::Session;
use kmip_testcase::results::{CaseResult, Status};

use crate::replay::CaseOptions;
use crate::target::Connector;
use crate::transport;

/// State shared by the cases of one run.
#[derive(Debug)]
pub struct RunChecks {
    /// Unix time the run started (low end of `$NOW` windows).
    pub run_started_at: i64,
    /// Probe listed operations the run did not exercise (`--probe-query`).
    pub probe_query: bool,
    ledger: Mutex<QueryLedger>,
}

impl RunChecks {
    /// Checks for a run that starts at `run_started_at` (unix seconds).
    pub fn new(run_started_at: i64, probe_query: bool) -> RunChecks {
        RunChecks {
            run_started_at,
            probe_query,
            ledger: Mutex::new(QueryLedger::default()),
        }
    }

    /// Merge what one case's session saw.
    pub fn absorb(&self, case: &str, session: &Session) {
        if let Ok(mut l) = self.ledger.lock() {
            l.absorb(case, session.query_ledger());
        }
    }

    /// After the last case: probe (with `--probe-query`), then mark the
    /// cases whose Query answers the run contradicts. Probes are best
    /// effort: a probe that cannot be sent or read is skipped.
    pub async fn finish(
        &self,
        connector: &dyn Connector,
        opts: &CaseOptions,
        results: &mut [CaseResult],
    ) {
        let mut ledger = match self.ledger.lock() {
            Ok(l) => l.clone(),
            Err(_) => return,
        };
        if self.probe_query {
            for (at, version, operation) in ledger.unexercised() {
                let v = version.unwrap_or(kmip_ttlv::dict::Version::new(1, 0));
                if let Some(response) = probe(connector, opts, v, operation).await {
                    ledger.record_probe(&at, version, operation, &response);
                }
            }
        }
        for f in ledger.findings() {
            let Some(r) = results.iter_mut().find(|r| r.id == f.at.case) else {
                continue;
            };
            match r.status {
                Status::Pass => {
                    r.status = Status::Fail;
                    r.reason = f.to_string();
                }
                Status::Fail | Status::Error => {
                    r.reason.push_str(&format!("; {f}"));
                }
                _ => {}
            }
        }
    }
}

/// One probe exchange on its own connection.
async fn probe(
    connector: &dyn Connector,
    opts: &CaseOptions,
    version: kmip_ttlv::dict::Version,
    operation: u32,
) -> Option<kmip_ttlv::Item> {
    let request = probe_request(version, operation);
    let bytes = opts.wire_format.encode(&request).ok()?;
    let mut stream = tokio::time::timeout(opts.message_timeout, connector.connect())
        .await
        .ok()?
        .ok()?;
    transport::send_request(
        &mut *stream,
        &bytes,
        &opts.wire_format,
        opts.message_timeout,
    )
    .await
    .ok()?;
    let response = transport::read_response(
        &mut *stream,
        &opts.wire_format,
        &opts.limits,
        opts.message_timeout,
    )
    .await
    .ok()?;
    opts.wire_format.decode(&response, &opts.limits).ok()
}
