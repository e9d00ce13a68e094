//! The client-test API: a [`ClientTestSpec`] in, [`RunResults`] (role
//! client) out — what `kmip-harness client-test` does between parsing its
//! flags (and building the listener's TLS configuration) and printing.
//!
//! [`select`] loads and filters the client cases (Notify / Put cases belong
//! to `notify` and are left out); [`execute`] serves the scenario on a bound
//! listener until the client is done, idle or `stop` fires, and assembles
//! the results with the client-profile verdicts; [`execute_with_driver`]
//! does the same once per case, starting a client driver for each
//! (`--driver`, see [`super::driver`]), and re-runs passing cases under
//! the robustness probes ([`super::robust`]); [`judge`] is the exit policy.

use super::driver::{self, run_driver, DriverEnd, DriverOutcome, DriverSpec};
use super::listen::{self, ClientEvent, ServeOptions};
use super::robust::{self, ProbeRun, Variation, VariedSteps};
use super::scenario::Scenario;
use crate::gate::{self, Gate};
use crate::plan;
use crate::run::{self, RunInfo};
use crate::runner::{Note, Outcome, RunError, Source};
use kmip_testcase::case::TestCase;
use kmip_testcase::profile::{self, Profile, Role};
use kmip_testcase::results::{CaseResult, RunResults, Status};
use kmip_wire::WireMode;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedSender;

/// What to serve.
#[derive(Clone, Debug)]
pub struct ClientTestSpec {
    /// The cases (see [`select`]).
    pub cases: Vec<Arc<TestCase>>,
    /// Profiles for the verdicts (empty: none).
    pub profiles: Vec<Profile>,
    /// The case the client runs, when its requests do not say.
    pub forced_case: Option<String>,
    /// `$NOW` tolerance for request dates, seconds.
    pub now_tolerance_s: i64,
    /// Stop when idle this long.
    pub idle_timeout: Duration,
    /// Keep each connection's ClientHello and handshake outcome here (for
    /// the client-role TLS clauses); `None`: not kept.
    pub tls_log: Option<listen::TlsLog>,
    /// The encoding / transport the client must use (`None` fields: any,
    /// recorded per case) and the HTTPS request target.
    pub wire: WireMode,
    /// Robustness probes (with a driver only): after a case passes, it is
    /// re-run once per variation that applies to it ([`super::robust`]).
    pub probes: Vec<Variation>,
}

/// Load the client cases from `source`, keep those of `profile` (an id in
/// `profiles`) and those whose id contains `filter`; Notify / Put cases
/// are left to `notify`. Files that do not load are returned as warnings.
pub fn select(
    source: &Source,
    profiles: &[Profile],
    profile: Option<&str>,
    filter: Option<&str>,
    forced_case: Option<&str>,
) -> Result<(Vec<Arc<TestCase>>, Vec<String>), RunError> {
    let planned = match source {
        Source::Paths(paths) => plan::load_all(paths)?,
        Source::Files(files) => plan::load_texts(files),
    };
    let wanted: Option<Vec<String>> = match profile {
        Some(id) => match profiles.iter().find(|p| p.id == id) {
            Some(p) => Some(p.mandatory.iter().chain(&p.optional).cloned().collect()),
            None => return Err(RunError::Usage(format!("unknown profile {id}"))),
        },
        None => None,
    };
    let filter = filter.map(str::to_lowercase);
    let mut cases = Vec::new();
    let mut warnings = Vec::new();
    for p in planned {
        if wanted.as_ref().is_some_and(|w| !w.contains(&p.id)) {
            continue;
        }
        if filter
            .as_ref()
            .is_some_and(|f| !p.id.to_lowercase().contains(f.as_str()))
        {
            continue;
        }
        match p.case {
            // Notify / Put cases are for `notify` (the client's service port).
            Ok(c) if super::notify::client_service_case(&c).is_ok() => {}
            Ok(c) => cases.push(c),
            Err(e) => warnings.push(format!("skipping {}: {e}", p.path.display())),
        }
    }
    if cases.is_empty() {
        return Err(RunError::Usage("no test cases selected".into()));
    }
    if let Some(id) = forced_case {
        if !cases.iter().any(|c| c.id == id || c.id.ends_with(id)) {
            return Err(RunError::Usage(format!(
                "--case {id}: no such case among the selected ones"
            )));
        }
    }
    Ok((cases, warnings))
}

/// Serve the scenario on `listener` with `tls` until done, idle or `stop`;
/// events go to `events`. Returns the results (role client) with the
/// client-profile verdicts.
pub async fn execute(
    spec: ClientTestSpec,
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    events: Option<UnboundedSender<ClientEvent>>,
    stop: impl Future<Output = ()>,
) -> RunResults {
    let started = run::rfc3339_now();
    let t0 = Instant::now();
    let target = match listener.local_addr() {
        Ok(a) => format!("client via {a}"),
        Err(_) => "client".to_string(),
    };
    let prefix = format!("kh-{:x}", std::process::id() ^ t0.elapsed().subsec_nanos());
    let scenario = Scenario::new(
        spec.cases,
        spec.forced_case,
        kmip_compare::CompareOptions {
            now_tolerance_s: spec.now_tolerance_s,
            strict: false,
            ..Default::default()
        },
        &prefix,
    );
    let opts = ServeOptions {
        idle_timeout: spec.idle_timeout,
        tls_log: spec.tls_log.clone(),
        wire: spec.wire.clone(),
        ..Default::default()
    };
    let cases = listen::serve(listener, tls, scenario, opts, events, stop).await;
    let encoding = run_encoding(&spec.wire, &cases);
    let mut results = run::assemble(
        RunInfo {
            target,
            encoding,
            started,
            duration_s: t0.elapsed().as_secs_f64(),
        },
        cases,
        &spec.profiles,
    );
    results.role = Role::Client.as_str().to_string();
    results.profiles = profile::evaluate(&spec.profiles, &results.cases, Role::Client);
    results
}

/// Like [`execute`], but one case at a time: for each case a fresh
/// scenario (that case only) is served on `listener` while the driver
/// `driver` runs the client for it (told the case's format: `driver`'s,
/// or under an open `spec.wire` the one its XML / JSON / HTTPS client
/// profile names); the case ends when the driver exits
/// (or `stop` fires, or the listener is idle), and the driver's exit code
/// is folded into the verdict ([`super::driver::apply`]). `on_case` is
/// called with each finished case. With `spec.probes`, a case that passes
/// is re-run once per applicable variation (`on_case` sees these runs
/// with the id `CASE (robustness: NAME)`; they are not case results) and
/// the `robustness: NAME` clauses are attached to the client profiles
/// ([`robust::attach`]).
pub async fn execute_with_driver(
    spec: ClientTestSpec,
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    driver: DriverSpec,
    events: Option<UnboundedSender<ClientEvent>>,
    stop: impl Future<Output = ()>,
    mut on_case: impl FnMut(&CaseResult, &DriverOutcome),
) -> Result<RunResults, RunError> {
    let started = run::rfc3339_now();
    let t0 = Instant::now();
    let addr = listener
        .local_addr()
        .map_err(|e| RunError::Usage(format!("listening address: {e}")))?;
    let std_listener = listener
        .into_std()
        .map_err(|e| RunError::Usage(format!("listener: {e}")))?;
    tokio::pin!(stop);
    let mut cases = Vec::new();
    let mut probes = Vec::new();
    let mut stopped = false;
    for case in &spec.cases {
        if stopped {
            break;
        }
        let driver = driver_for(&spec.profiles, &case.id, &spec.wire, &driver);
        if let Some(why) = wire_mismatch(&spec.profiles, &case.id, &driver) {
            // Not served: the listener speaks another wire format.
            let mut r = Scenario::new(vec![case.clone()], None, Default::default(), "").finish();
            for c in &mut r {
                c.reason.clone_from(&why);
            }
            cases.extend(r);
            continue;
        }
        let (mut results, outcome, user_stop) = serve_one(
            &spec,
            &std_listener,
            &tls,
            &driver,
            case,
            None,
            events.clone(),
            &mut stop,
            t0,
        )
        .await?;
        stopped = user_stop;
        let mut passed = false;
        for r in &mut results {
            if r.id == case.id {
                on_case(r, &outcome);
                passed = r.status == Status::Pass;
            }
        }
        cases.extend(results);
        if !passed || stopped {
            continue;
        }
        let first_probe = probes.len();
        for &v in &spec.probes {
            if !robust::applies_to(v, case) {
                continue;
            }
            let log = VariedSteps::default();
            let (results, outcome, user_stop) = serve_one(
                &spec,
                &std_listener,
                &tls,
                &driver,
                case,
                Some((v, log.clone())),
                events.clone(),
                &mut stop,
                t0,
            )
            .await?;
            stopped = user_stop;
            let steps = log.lock().map(|l| l.clone()).unwrap_or_default();
            for mut r in results.into_iter().filter(|r| r.id == case.id) {
                r.id = format!("{} (robustness: {})", case.id, v.name());
                on_case(&r, &outcome);
                probes.push(ProbeRun {
                    case: case.id.clone(),
                    variation: v,
                    status: r.status,
                    reason: r.reason.clone(),
                    steps: steps.clone(),
                });
            }
            if stopped {
                break;
            }
        }
        let mine: Vec<&ProbeRun> = probes.get(first_probe..).unwrap_or(&[]).iter().collect();
        if !mine.is_empty() {
            if let Some(r) = cases.iter_mut().rev().find(|r| r.id == case.id) {
                let line = robust::summary(&mine);
                r.reason = if r.reason.is_empty() {
                    line
                } else {
                    format!("{}; {line}", r.reason)
                };
            }
        }
    }
    let encoding = run_encoding(&spec.wire, &cases);
    let mut results = run::assemble(
        RunInfo {
            target: format!("client driver `{}` via {addr}", driver.command),
            encoding,
            started,
            duration_s: t0.elapsed().as_secs_f64(),
        },
        cases,
        &spec.profiles,
    );
    results.role = Role::Client.as_str().to_string();
    results.profiles = profile::evaluate(&spec.profiles, &results.cases, Role::Client);
    robust::attach(&mut results, &probes);
    Ok(results)
}

/// The run's encoding for the results: the required one, else the ones
/// the cases used (`"ttlv+json"`), else `"any"`.
fn run_encoding(wire: &WireMode, cases: &[CaseResult]) -> String {
    if let Some(e) = wire.encoding {
        return e.to_string();
    }
    let mut used: Vec<&str> = Vec::new();
    for c in cases {
        for e in c.encoding.split('+').filter(|e| !e.is_empty()) {
            if !used.contains(&e) {
                used.push(e);
            }
        }
    }
    if used.is_empty() {
        "any".to_string()
    } else {
        used.join("+")
    }
}

/// The driver settings for `case`: where the listener leaves the encoding
/// or transport open (`auto`), a client profile listing the case that names
/// one (the XML, JSON and HTTPS clauses) sets what the driver is told.
fn driver_for(
    profiles: &[Profile],
    case: &str,
    wire: &WireMode,
    driver: &DriverSpec,
) -> DriverSpec {
    let mut d = driver.clone();
    for p in profiles
        .iter()
        .filter(|p| p.role == Role::Client)
        .filter(|p| p.mandatory.iter().chain(&p.optional).any(|id| id == case))
    {
        if let (None, Some(e)) = (wire.encoding, &p.encoding) {
            d.encoding.clone_from(e);
        }
        if let (None, Some(t)) = (wire.transport, &p.transport) {
            d.transport.clone_from(t);
        }
    }
    d
}

/// Serve `case` (optionally varied) on a clone of `listener` while the
/// driver runs it, until the driver exits or `stop` fires; the case
/// results, the driver's outcome (already folded in) and whether `stop`
/// fired.
#[allow(clippy::too_many_arguments)]
async fn serve_one(
    spec: &ClientTestSpec,
    listener: &std::net::TcpListener,
    tls: &Arc<rustls::ServerConfig>,
    driver: &DriverSpec,
    case: &Arc<TestCase>,
    variation: Option<(Variation, VariedSteps)>,
    events: Option<UnboundedSender<ClientEvent>>,
    stop: &mut (impl Future<Output = ()> + Unpin),
    t0: Instant,
) -> Result<(Vec<CaseResult>, DriverOutcome, bool), RunError> {
    let l = listener
        .try_clone()
        .and_then(TcpListener::from_std)
        .map_err(|e| RunError::Usage(format!("listener: {e}")))?;
    let port = l
        .local_addr()
        .map_err(|e| RunError::Usage(format!("listening address: {e}")))?
        .port();
    let prefix = format!("kh-{:x}", std::process::id() ^ t0.elapsed().subsec_nanos());
    let mut scenario = Scenario::new(
        vec![case.clone()],
        Some(case.id.clone()),
        kmip_compare::CompareOptions {
            now_tolerance_s: spec.now_tolerance_s,
            strict: false,
            ..Default::default()
        },
        &prefix,
    );
    if let Some((v, log)) = variation {
        scenario = scenario.with_variation(v, log);
    }
    let opts = ServeOptions {
        idle_timeout: spec.idle_timeout.max(driver.timeout),
        tls_log: spec.tls_log.clone(),
        wire: spec.wire.clone(),
        ..Default::default()
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (d, c) = (driver.clone(), case.clone());
    let job = tokio::task::spawn_blocking(move || {
        let out = run_driver(&d, &c, port);
        let _ = tx.send(());
        out
    });
    let mut user_stop = false;
    let case_stop = async {
        tokio::select! {
            _ = rx => {}
            () = stop => user_stop = true,
        }
    };
    let mut results = listen::serve(l, tls.clone(), scenario, opts, events, case_stop).await;
    let outcome = job.await.unwrap_or_else(|e| DriverOutcome {
        end: DriverEnd::NotStarted(format!("driver thread: {e}")),
        stdout: String::new(),
        stderr: String::new(),
        duration: Duration::ZERO,
    });
    for r in &mut results {
        if r.id == case.id {
            driver::apply(r, &outcome);
            // What the listener saw; else what the driver was told.
            if r.encoding.is_empty() {
                r.encoding.clone_from(&driver.encoding);
                r.transport.clone_from(&driver.transport);
            }
        }
    }
    Ok((results, outcome, user_stop))
}

/// Why `case` cannot be served in the driver's wire format: a profile
/// listing it names another encoding or transport (the XML, JSON and HTTPS
/// clauses). `None`: it can.
fn wire_mismatch(profiles: &[Profile], case: &str, driver: &DriverSpec) -> Option<String> {
    profiles
        .iter()
        .filter(|p| p.mandatory.iter().chain(&p.optional).any(|id| id == case))
        .find_map(|p| {
            let enc = p.encoding.as_deref().unwrap_or(&driver.encoding);
            let tr = p.transport.as_deref().unwrap_or(&driver.transport);
            (enc != driver.encoding || tr != driver.transport).then(|| {
                format!(
                    "not assessed: profile {} needs {enc} over {tr}; this client-test listener serves {} over {}",
                    p.id, driver.encoding, driver.transport
                )
            })
        })
}

/// Exit policy of a client test: with gates, the gates decide; otherwise
/// any failing case, no passing case at all, or a failed `robustness:`
/// clause (`--probe robustness`) fails the run.
pub fn judge(results: &RunResults, gates: &[Gate]) -> (Outcome, Vec<Note>) {
    let mut notes = Vec::new();
    if !gates.is_empty() {
        let mut failed = false;
        for o in gate::check_gates(results, gates) {
            notes.push(Note {
                problem: !o.ok,
                text: if o.ok {
                    o.to_string()
                } else {
                    format!("FAILED {o}")
                },
            });
            failed |= !o.ok;
        }
        let outcome = if failed {
            Outcome::GateFailed
        } else {
            Outcome::Passed
        };
        return (outcome, notes);
    }
    let bad = results
        .cases
        .iter()
        .any(|c| matches!(c.status, Status::Fail | Status::Error));
    let none_passed = !results.cases.iter().any(|c| c.status == Status::Pass);
    // A robustness probe the client broke on (asked for with --probe).
    let mut broke: Vec<&str> = results
        .profiles
        .iter()
        .flat_map(|p| p.failed_clauses())
        .filter(|c| c.suite == robust::SUITE)
        .map(|c| c.id.as_str())
        .collect();
    broke.sort_unstable();
    broke.dedup();
    if !broke.is_empty() {
        notes.push(Note {
            problem: true,
            text: format!("the client broke on {}", broke.join(", ")),
        });
    }
    let outcome = if bad || none_passed || !broke.is_empty() {
        Outcome::Failed
    } else {
        Outcome::Passed
    };
    (outcome, notes)
}
