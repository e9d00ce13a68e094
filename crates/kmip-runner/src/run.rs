//! Running a plan: exclusive groups first, one at a time; then the other
//! groups in parallel (at most `jobs` cases at a time); cases of a group in
//! order, each case on its own connection and under a
//! whole-case timeout; then assembling [`RunResults`] with profile
//! verdicts. One bad case never stops the run: every planned case gets a
//! verdict.

use crate::events::{Event, EventSink};
use crate::plan::{Group, PlannedCase};
use crate::replay::{self, CaseOptions};
use crate::target::Connector;
use crate::transport::TransportError;
use crate::world::{self, World};
use kmip_testcase::profile::{self, Profile, Role};
use kmip_testcase::results::{CaseResult, RunResults, Status, Totals, FORMAT_VERSION};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Options for a whole run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Cases in flight at once (≥ 1).
    pub jobs: usize,
    /// Time allowed for one whole case (connect included).
    pub case_timeout: Duration,
    /// Per-case replay options.
    pub case: CaseOptions,
    /// How exclusive (state-sensitive) groups get a clean world.
    pub world: World,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
            case_timeout: Duration::from_secs(120),
            case: CaseOptions::default(),
            world: World::Shared,
        }
    }
}

fn base_result(p: &PlannedCase) -> CaseResult {
    CaseResult {
        id: p.id.clone(),
        file: p.path.display().to_string(),
        profiles: Vec::new(),
        status: Status::Error,
        reason: String::new(),
        messages: 0,
        duration_ms: 0,
        divergence: None,
        masked: Vec::new(),
        expected_failure: None,
        // What the loader skipped (text between messages, commented-out
        // messages) travels with the verdict.
        warnings: p
            .case
            .as_ref()
            .map(|c| c.warnings.iter().map(ToString::to_string).collect())
            .unwrap_or_default(),
        encoding: String::new(),
        transport: String::new(),
        asynchronous: Vec::new(),
    }
}

/// The result of a case that is not run (skip, bad test case), if it is not.
fn not_run(p: &PlannedCase) -> Option<CaseResult> {
    let mut r = base_result(p);
    if let Some(s) = &p.skip {
        r.status = Status::Skip;
        r.reason = s.clone();
        return Some(r);
    }
    if let Err(e) = &p.case {
        r.status = Status::Error;
        r.reason = format!("bad test case: {e}");
        return Some(r);
    }
    None
}

/// Run one case: connect, replay, all under the case timeout.
pub async fn run_case(
    connector: &dyn Connector,
    planned: &PlannedCase,
    opts: &RunOptions,
    events: &EventSink,
) -> CaseResult {
    run_case_chained(connector, planned, opts, events, None).await
}

/// [`run_case`] for a case of a chained family: `memory` carries the
/// comparison session's object memory from the previous case of the chain
/// (see [`replay::replay_verdict_with`]) and is replaced by this case's.
pub async fn run_case_chained(
    connector: &dyn Connector,
    planned: &PlannedCase,
    opts: &RunOptions,
    events: &EventSink,
    memory: Option<&mut Option<kmip_compare::Session>>,
) -> CaseResult {
    if let Some(r) = not_run(planned) {
        events.emit(Event::CaseFinished(Box::new(r.clone())));
        return r;
    }
    let mut result = base_result(planned);
    let Ok(case) = &planned.case else {
        return result; // unreachable: not_run handles load errors
    };
    // A case an encoding / transport profile needs is replayed in that
    // format (see [`crate::plan::assign_wire`]).
    let case_opts = match &planned.wire {
        Some(o) => {
            let mut c = opts.case.clone();
            c.wire_format = o.format.clone();
            std::borrow::Cow::Owned(c)
        }
        None => std::borrow::Cow::Borrowed(&opts.case),
    };
    let case_opts: &CaseOptions = &case_opts;
    result.encoding = case_opts.wire_format.encoding.to_string();
    result.transport = case_opts.wire_format.transport.to_string();
    events.emit(Event::CaseStarted {
        id: planned.id.clone(),
        file: planned.path.clone(),
    });
    let started = Instant::now();
    let progress = AtomicUsize::new(0);
    let mut session = kmip_compare::Session::new(case_opts.compare_options());
    if let Some(previous) = memory.as_deref().and_then(Option::as_ref) {
        session.inherit_objects(previous);
    }
    let work = async {
        let mut stream = connector.connect().await.map_err(|e| e.to_string())?;
        let (outcome, pending) = replay::replay_verdict_with(
            &mut *stream,
            case,
            case_opts,
            events,
            &progress,
            &mut session,
        )
        .await;
        Ok::<_, String>((outcome, pending, stream))
    };
    match tokio::time::timeout(opts.case_timeout, work).await {
        Ok(Ok((o, pending, mut stream))) => {
            result.status = o.status;
            result.reason = o.reason;
            result.messages = o.messages;
            result.divergence = o.divergence;
            result.masked = o.masked;
            result.asynchronous = o.asynchronous;
            // The verdict is known: clean-up (after a fail) and a polite
            // close are best effort, under their own time budgets.
            if let Some(p) = pending {
                let _ = tokio::time::timeout(
                    case_opts.cleanup_timeout,
                    replay::cleanup(&mut *stream, case, case_opts, events, p),
                )
                .await;
            }
            let _ = tokio::time::timeout(
                Duration::from_secs(1),
                tokio::io::AsyncWriteExt::shutdown(&mut stream),
            )
            .await;
        }
        Ok(Err(connect)) => {
            result.status = Status::Error;
            result.reason = connect;
        }
        Err(_) => {
            result.status = Status::Error;
            result.reason = format!(
                "case timed out after {:.1} s (during message {})",
                opts.case_timeout.as_secs_f64(),
                progress.load(Ordering::Relaxed)
            );
        }
    }
    if let Some(checks) = &opts.case.run_checks {
        checks.absorb(&planned.id, &session);
    }
    if let Some(m) = memory {
        *m = Some(session);
    }
    // A target that does not speak the format an encoding / transport
    // profile needs fails that profile, with the reason.
    if let Some(o) = &planned.wire {
        if result.status == Status::Error && !result.reason.starts_with("bad test case") {
            result.status = Status::Fail;
            result.reason = format!(
                "replayed in {} for {}: the target did not answer in it: {}",
                o.format.describe(),
                o.profiles.join(", "),
                result.reason
            );
        }
    }
    result.duration_ms = started.elapsed().as_millis() as u64;
    events.emit(Event::CaseFinished(Box::new(result.clone())));
    result
}

/// Open (and drop) one connection: tells an unreachable target apart
/// before any case runs.
pub async fn probe(connector: &dyn Connector) -> Result<(), TransportError> {
    connector.connect().await.map(drop)
}

/// Error verdicts for every case of `groups` (skips stay skips), used when
/// the target is unreachable.
pub fn unreachable_results(groups: &[Group], reason: &str, events: &EventSink) -> Vec<CaseResult> {
    let mut out = Vec::new();
    for p in groups.iter().flat_map(|g| &g.cases) {
        let r = not_run(p).unwrap_or_else(|| {
            let mut r = base_result(p);
            r.reason = format!("target unreachable: {reason}");
            r
        });
        events.emit(Event::CaseFinished(Box::new(r.clone())));
        out.push(r);
    }
    out
}

/// Run every group; returns one result per planned case, sorted by file
/// path (then id). Exclusive groups ([`Group::exclusive`]) run first, one
/// at a time with nothing else in flight; then the other groups run in
/// parallel, at most `jobs` cases at a time (see [`crate::plan`]).
pub async fn run_groups(
    connector: Arc<dyn Connector>,
    groups: Vec<Group>,
    opts: Arc<RunOptions>,
    events: EventSink,
) -> Vec<CaseResult> {
    let started = Instant::now();
    let total: usize = groups.iter().map(|g| g.cases.len()).sum();
    events.emit(Event::RunStarted { cases: total });
    let (exclusive, parallel): (Vec<Group>, Vec<Group>) =
        groups.into_iter().partition(|g| g.exclusive.is_some());
    let mut results: Vec<CaseResult> = Vec::with_capacity(total);
    // Exclusive phase: one group at a time, its cases in order.
    for g in exclusive {
        results
            .extend(run_phase(connector.clone(), vec![g], opts.clone(), events.clone(), 1).await);
    }
    // Parallel phase.
    let jobs = opts.jobs.max(1);
    results.extend(
        run_phase(
            connector.clone(),
            parallel,
            opts.clone(),
            events.clone(),
            jobs,
        )
        .await,
    );
    sort_results(&mut results);
    if let Some(checks) = &opts.case.run_checks {
        checks.finish(&*connector, &opts.case, &mut results).await;
    }
    let totals = Totals::of(&results);
    events.emit(Event::RunFinished {
        totals,
        duration_s: started.elapsed().as_secs_f64(),
    });
    results
}

/// Run `groups` concurrently with at most `jobs` cases in flight; each
/// group's cases in order. A panicking case task gives error verdicts to
/// the cases of its group.
async fn run_phase(
    connector: Arc<dyn Connector>,
    groups: Vec<Group>,
    opts: Arc<RunOptions>,
    events: EventSink,
    jobs: usize,
) -> Vec<CaseResult> {
    let permits = Arc::new(Semaphore::new(jobs.max(1)));
    let mut set = JoinSet::new();
    let mut task_group = HashMap::new();
    let groups = Arc::new(groups);
    for gi in 0..groups.len() {
        let (connector, opts, events, permits, groups) = (
            connector.clone(),
            opts.clone(),
            events.clone(),
            permits.clone(),
            groups.clone(),
        );
        let handle = set.spawn(async move {
            let mut out = Vec::new();
            let group = &groups[gi];
            let chained = group
                .cases
                .first()
                .is_some_and(|c| crate::plan::chain_family(&c.id).is_some());
            let format = &opts.case.wire_format;
            let timeout = opts.case.message_timeout;
            let exclusive = group.exclusive.is_some();
            let lease = match world::enter(&opts.world, connector, exclusive, format, timeout).await
            {
                Ok(l) => l,
                Err(why) => {
                    for p in &group.cases {
                        let r = not_run(p).unwrap_or_else(|| {
                            let mut r = base_result(p);
                            r.reason = why.clone();
                            r
                        });
                        events.emit(Event::CaseFinished(Box::new(r.clone())));
                        out.push(r);
                    }
                    return out;
                }
            };
            let mut memory: Option<kmip_compare::Session> = None;
            for p in &group.cases {
                let permit = permits.acquire().await;
                let m = chained.then_some(&mut memory);
                out.push(run_case_chained(&*lease.connector, p, &opts, &events, m).await);
                drop(permit);
            }
            let ids: Vec<String> = group.cases.iter().map(|c| c.id.clone()).collect();
            world::leave(&opts.world, lease, exclusive, &ids, format, timeout).await;
            out
        });
        task_group.insert(handle.id(), gi);
    }
    let mut results = Vec::new();
    while let Some(joined) = set.join_next_with_id().await {
        match joined {
            Ok((_, rs)) => results.extend(rs),
            Err(e) => {
                // A panic in a case task: every case of that group that has
                // no verdict gets an error naming the panic.
                let Some(&gi) = task_group.get(&e.id()) else {
                    continue;
                };
                for p in &groups[gi].cases {
                    let mut r = base_result(p);
                    r.reason = format!("internal error while running the case: {e}");
                    events.emit(Event::CaseFinished(Box::new(r.clone())));
                    results.push(r);
                }
            }
        }
    }
    results
}

/// Stable result order: by file path, then id.
pub fn sort_results(results: &mut [CaseResult]) {
    results.sort_by(|a, b| a.file.cmp(&b.file).then_with(|| a.id.cmp(&b.id)));
}

/// Everything [`assemble`] needs besides the case results.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// Target description.
    pub target: String,
    /// Message encoding (`"ttlv"`).
    pub encoding: String,
    /// Start time, RFC 3339 UTC.
    pub started: String,
    /// Wall time, seconds.
    pub duration_s: f64,
}

/// Build [`RunResults`]: profile ids per case, totals (annotate the cases
/// with the expectations first: [`Totals::add_case`]), and profile
/// verdicts from [`kmip_testcase::profile::evaluate`] (target role: server).
pub fn assemble(info: RunInfo, mut cases: Vec<CaseResult>, profiles: &[Profile]) -> RunResults {
    sort_results(&mut cases);
    for c in &mut cases {
        c.profiles = profile::profiles_for_case(profiles, &c.id)
            .into_iter()
            .map(|p| p.id.clone())
            .collect();
    }
    let totals = Totals::of(&cases);
    let profile_results = profile::evaluate(profiles, &cases, Role::Server);
    RunResults {
        format_version: FORMAT_VERSION,
        harness_version: env!("CARGO_PKG_VERSION").to_string(),
        target: info.target,
        role: "server".to_string(),
        encoding: info.encoding,
        started: info.started,
        duration_s: info.duration_s,
        totals,
        profiles: profile_results,
        cases,
    }
}

/// Now as RFC 3339 UTC (seconds precision).
pub fn rfc3339_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}

/// Now as a compact UTC stamp for folder names (`20240131T120000Z`).
pub fn utc_stamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    now.format(&fmt)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let s = utc_stamp();
        assert_eq!(s.len(), 16, "{s}");
        assert!(s.ends_with('Z') && s.as_bytes()[8] == b'T');
        let r = rfc3339_now();
        assert!(r.ends_with('Z') && r.contains('T'), "{r}");
    }
}
