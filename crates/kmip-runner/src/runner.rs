//! The run API: a [`RunSpec`] in, [`RunResults`] out — everything
//! `kmip-harness run` does between parsing its flags and printing, usable
//! from tests and other programs.
//!
//! 1. [`RunSettings`] is what a user asked for (flags, with `None` for "not
//!    given") plus the `--target-config` file; [`RunSpec::resolve`] merges
//!    them (flags win), applies the defaults, checks them and reads the
//!    files they name (profiles, test cases, expectations, TLS material).
//! 2. [`execute`] plans the run (selection, capabilities → skips,
//!    encoding/transport profiles → per-case formats, groups), starts the
//!    target (the in-process reference server or a TLS connector), probes
//!    it, runs every group in a clean world where the group needs one
//!    ([`crate::world`]), marks known failures and assembles
//!    [`RunResults`] with the profile verdicts. Progress goes to an
//!    [`EventSink`].
//! 3. [`judge`] turns the results, gates and baseline into the run's
//!    outcome ([`Outcome`], one exit code each) and the lines to show.
//!
//! Profiles and test cases come from folders or from memory ([`Source`]):
//! the `kmip-harness` binary embeds the project's own at build time, so a
//! run from any directory has them.

use crate::config::{Capabilities, ConfigError, TargetConfig};
use crate::encoding::{Encoding, Transport, WireFormat};
use crate::events::EventSink;
use crate::expectations::{Expectations, ExpectationsError, Judgement};
use crate::gate::{self, Gate};
use crate::plan::{self, Selection};
use crate::replay::CaseOptions;
use crate::run::{self, RunInfo, RunOptions};
use crate::target::{
    remote_connector, Connector, ReferenceTarget, TargetError, TargetSpec, TlsBackend,
};
use crate::tls::{TlsError, TlsMaterial};
use crate::world::{Ledger, World};
use kmip_testcase::profile::{self, Profile, ProfileError};
use kmip_testcase::results::{RunResults, Status};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where profiles or test cases come from.
#[derive(Clone, Debug)]
pub enum Source {
    /// Files or folders on disk (folders searched recursively).
    Paths(Vec<PathBuf>),
    /// Files in memory: `(path, text)`; the path names the file in reports.
    Files(Vec<(PathBuf, String)>),
}

impl Source {
    /// In-memory files from `(path, text)` pairs of static strings (what a
    /// build script embeds).
    pub fn embedded(files: &[(&str, &str)]) -> Source {
        Source::Files(
            files
                .iter()
                .map(|(p, t)| (PathBuf::from(p), t.to_string()))
                .collect(),
        )
    }

    /// `"profiles/ (embedded, 209 files)"` or the paths.
    pub fn describe(&self) -> String {
        match self {
            Source::Paths(p) => p
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            Source::Files(f) => format!("{} embedded files", f.len()),
        }
    }
}

/// Why a run could not be prepared or started (exit 2 in the CLI). An
/// unreachable target is not an error: it is [`RunReport::unreachable`].
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A missing or contradictory setting.
    #[error("{0}")]
    Usage(String),
    /// The target configuration file.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The profile definitions.
    #[error("loading profiles: {0}")]
    Profiles(#[from] ProfileError),
    /// The test cases could not be listed.
    #[error("loading test cases: {0}")]
    TestCases(#[from] kmip_testcase::case::LoadError),
    /// The expectations file.
    #[error(transparent)]
    Expectations(#[from] ExpectationsError),
    /// TLS material.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The target could not be set up.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// The baseline results file.
    #[error("baseline {path}: {message}")]
    Baseline {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// What a user asked for: each `None` means "not given" (then the target
/// configuration, then the default applies).
#[derive(Clone, Debug)]
pub struct RunSettings {
    /// `reference` or `HOST[:PORT]`.
    pub target: Option<String>,
    /// The `--target-config` file, already loaded.
    pub config: TargetConfig,
    /// Test-case files or folders; `None`: `default_testcases`.
    pub testcases: Option<Vec<PathBuf>>,
    /// The test cases used when none are given.
    pub default_testcases: Option<Source>,
    /// Profile folder; `None`: `default_profiles`.
    pub profiles: Option<PathBuf>,
    /// The profiles used when no folder is given (none: no verdicts).
    pub default_profiles: Option<Source>,
    /// Only this profile's cases.
    pub profile: Option<String>,
    /// Only ids containing this text.
    pub filter: Option<String>,
    /// Cases in flight (default: CPUs).
    pub jobs: Option<usize>,
    /// Seconds.
    pub connect_timeout: Option<f64>,
    /// Seconds per response.
    pub timeout: Option<f64>,
    /// Seconds per case.
    pub case_timeout: Option<f64>,
    /// CA of the server certificate.
    pub ca: Option<PathBuf>,
    /// Client certificate.
    pub cert: Option<PathBuf>,
    /// Client key.
    pub key: Option<PathBuf>,
    /// TLS server name.
    pub sni: Option<String>,
    /// TLS implementation.
    pub tls_backend: TlsBackend,
    /// Message encoding.
    pub encoding: Encoding,
    /// Transport.
    pub transport: Transport,
    /// HTTP request target for HTTPS.
    pub https_path: String,
    /// Known-failure file.
    pub expectations: Option<PathBuf>,
    /// Strict diff mode.
    pub strict: bool,
    /// Attach full messages to events.
    pub dump_messages: bool,
    /// Send the remaining requests after a failure.
    pub cleanup: bool,
    /// Give state-sensitive groups a clean world (see [`crate::world`]).
    pub clean_world: bool,
    /// Clock skew allowed between the harness and the target, seconds
    /// (`$NOW` windows, literal time stamps; `--clock-skew`).
    pub clock_skew_s: u32,
    /// Probe the operations a Query answer lists that no case exercised
    /// (`--probe-query`; see [`crate::query_check`]).
    pub probe_query: bool,
}

impl Default for RunSettings {
    fn default() -> RunSettings {
        let wire = WireFormat::default();
        RunSettings {
            target: None,
            config: TargetConfig::default(),
            testcases: None,
            default_testcases: None,
            profiles: None,
            default_profiles: None,
            profile: None,
            filter: None,
            jobs: None,
            connect_timeout: None,
            timeout: None,
            case_timeout: None,
            ca: None,
            cert: None,
            key: None,
            sni: None,
            tls_backend: TlsBackend::default(),
            encoding: wire.encoding,
            transport: wire.transport,
            https_path: wire.https_path,
            expectations: None,
            strict: false,
            dump_messages: false,
            cleanup: true,
            clean_world: true,
            clock_skew_s: 300,
            probe_query: false,
        }
    }
}

/// A resolved, checked run: everything [`execute`] needs.
#[derive(Clone, Debug)]
pub struct RunSpec {
    /// The target.
    pub target: TargetSpec,
    /// TLS material for a remote target.
    pub tls: Option<TlsMaterial>,
    /// TLS server name for a remote target.
    pub sni: Option<String>,
    /// TLS implementation for a remote target.
    pub tls_backend: TlsBackend,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Cases in flight, whole-case timeout, per-case options.
    pub options: RunOptions,
    /// Test cases.
    pub testcases: Source,
    /// Profiles (empty: no verdicts).
    pub profiles: Vec<Profile>,
    /// Which cases run.
    pub selection: Selection,
    /// Declared capabilities (→ skips).
    pub capabilities: Capabilities,
    /// Known failures.
    pub expectations: Option<Expectations>,
    /// Give state-sensitive groups a clean world.
    pub clean_world: bool,
    /// Probe listed but unexercised operations after the run.
    pub probe_query: bool,
}

fn seconds(name: &str, v: Option<f64>, default: f64) -> Result<Duration, RunError> {
    let v = v.unwrap_or(default);
    if !(v.is_finite() && v > 0.0 && v < 1e7) {
        return Err(RunError::Usage(format!(
            "--{name} must be a positive number of seconds"
        )));
    }
    Ok(Duration::from_secs_f64(v))
}

/// Load profiles from a source.
pub fn load_profiles(source: &Source) -> Result<Vec<Profile>, RunError> {
    Ok(match source {
        Source::Paths(dirs) => {
            let mut all = Vec::new();
            for d in dirs {
                if !d.is_dir() {
                    return Err(RunError::Usage(format!(
                        "profiles folder {} not found",
                        d.display()
                    )));
                }
                all.extend(profile::load_profiles(d)?);
            }
            all
        }
        Source::Files(files) => profile::load_profile_texts(files)?,
    })
}

impl RunSpec {
    /// Merge settings and configuration (settings win), apply defaults,
    /// check, and read the profiles, expectations and TLS files.
    pub fn resolve(s: RunSettings) -> Result<RunSpec, RunError> {
        let config = &s.config;
        let target = s.target.clone().or_else(|| config.target.clone()).ok_or_else(|| {
            RunError::Usage(
                "--target is required (reference or HOST[:PORT]), or set `target` in --target-config"
                    .into(),
            )
        })?;
        let target: TargetSpec = target
            .parse()
            .map_err(|e: crate::target::BadTarget| RunError::Usage(e.to_string()))?;
        let connect_timeout = seconds(
            "connect-timeout",
            s.connect_timeout.or(config.connect_timeout_s),
            10.0,
        )?;
        let message_timeout = seconds("timeout", s.timeout.or(config.timeout_s), 30.0)?;
        let case_timeout = seconds(
            "case-timeout",
            s.case_timeout.or(config.case_timeout_s),
            120.0,
        )?;
        let jobs = match s.jobs {
            Some(0) => return Err(RunError::Usage("--jobs must be at least 1".into())),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(2, |n| n.get()),
        };
        let profiles = match (&s.profiles, &s.default_profiles) {
            (Some(dir), _) => load_profiles(&Source::Paths(vec![dir.clone()]))?,
            (None, Some(src)) => load_profiles(src)?,
            (None, None) => Vec::new(),
        };
        let mut selection = Selection {
            substring: s.filter.clone(),
            ids: None,
        };
        if let Some(pid) = &s.profile {
            let matching: Vec<_> = profiles
                .iter()
                .filter(|p| &p.id == pid || format!("{}-{}", p.id, p.version) == *pid)
                .collect();
            if matching.is_empty() {
                let known: Vec<&str> = profiles.iter().map(|p| p.id.as_str()).collect();
                return Err(RunError::Usage(format!(
                    "unknown profile {pid:?} (known: {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            }
            selection.ids = Some(
                matching
                    .iter()
                    .flat_map(|p| p.mandatory.iter().chain(&p.optional).cloned())
                    .collect(),
            );
        }
        let testcases = match (&s.testcases, &s.default_testcases) {
            (Some(paths), _) if !paths.is_empty() => {
                if let Some(p) = paths.iter().find(|p| !p.exists()) {
                    return Err(RunError::Usage(format!(
                        "test cases not found: {}",
                        p.display()
                    )));
                }
                Source::Paths(paths.clone())
            }
            (_, Some(src)) => src.clone(),
            _ => {
                return Err(RunError::Usage(
                    "no test cases: give --testcases PATH".into(),
                ))
            }
        };
        let expectations = s
            .expectations
            .as_deref()
            .map(Expectations::load)
            .transpose()?;
        let tls = match &target {
            TargetSpec::Reference => {
                crate::target::reference_tls_flags(&[
                    ("--ca", s.ca.is_some()),
                    ("--cert", s.cert.is_some()),
                    ("--key", s.key.is_some()),
                    ("--sni", s.sni.is_some()),
                    (
                        "--tls-backend openssl",
                        s.tls_backend == TlsBackend::Openssl,
                    ),
                ])
                .map_err(RunError::Usage)?;
                None
            }
            TargetSpec::Remote { .. } => {
                let ca = s.ca.clone().or_else(|| config.ca.clone()).ok_or_else(|| {
                    RunError::Usage(
                        "--ca FILE is required for a HOST:PORT target (the CA of the server certificate)"
                            .into(),
                    )
                })?;
                let cert = s.cert.clone().or_else(|| config.cert.clone());
                let key = s.key.clone().or_else(|| config.key.clone());
                Some(TlsMaterial::from_files(
                    &ca,
                    cert.as_deref(),
                    key.as_deref(),
                )?)
            }
        };
        let host = match &target {
            TargetSpec::Reference => "localhost".to_string(),
            TargetSpec::Remote { host, .. } => host.clone(),
        };
        Ok(RunSpec {
            sni: s.sni.clone().or_else(|| config.sni.clone()),
            tls_backend: s.tls_backend,
            tls,
            connect_timeout,
            options: RunOptions {
                jobs,
                case_timeout,
                case: CaseOptions {
                    message_timeout,
                    strict: s.strict,
                    credentials: config.credentials.clone(),
                    dump_messages: s.dump_messages,
                    cleanup: s.cleanup,
                    now_tolerance_s: i64::from(s.clock_skew_s),
                    wire_format: WireFormat {
                        encoding: s.encoding,
                        transport: s.transport,
                        https_path: s.https_path.clone(),
                        host,
                    },
                    ..CaseOptions::default()
                },
                world: World::Shared,
            },
            testcases,
            profiles,
            selection,
            capabilities: config.capabilities.clone(),
            expectations,
            clean_world: s.clean_world,
            probe_query: s.probe_query,
            target,
        })
    }
}

/// What a run produced.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// The results (what every reporter reads).
    pub results: RunResults,
    /// Set when the target could not be reached (every case is then an
    /// error naming it).
    pub unreachable: Option<String>,
    /// Cases run in the exclusive phase.
    pub exclusive: usize,
    /// Cases replayed in another encoding / transport for their profile.
    pub rewired: usize,
    /// Cases in flight at once.
    pub jobs: usize,
}

/// Plan, start the target, run, assemble. See the module doc.
pub async fn execute(spec: &RunSpec, events: EventSink) -> Result<RunReport, RunError> {
    // Plan.
    let mut cases = match &spec.testcases {
        Source::Paths(paths) => plan::load_all(paths)?,
        Source::Files(files) => plan::load_texts(files),
    };
    cases.retain(|c| spec.selection.matches(&c.id));
    if cases.is_empty() {
        return Err(RunError::Usage(
            "no test case selected (check --testcases, --filter, --profile)".into(),
        ));
    }
    for c in &mut cases {
        if let Ok(tc) = &c.case {
            c.skip = spec.capabilities.skip_reason(tc);
        }
    }
    plan::assign_wire(&mut cases, &spec.profiles, &spec.options.case.wire_format);
    let rewired = cases.iter().filter(|c| c.wire.is_some()).count();
    let groups = plan::group(cases);
    let exclusive: usize = groups
        .iter()
        .filter(|g| g.exclusive.is_some())
        .map(|g| g.cases.len())
        .sum();

    // Target and world; the run-level checks ($NOW window from the run
    // start, the Query consistency ledger) are new for every execution.
    let mut options = spec.options.clone();
    options.case.run_checks = Some(Arc::new(crate::query_check::RunChecks::new(
        crate::replay::unix_now(),
        spec.probe_query,
    )));
    let (connector, reference): (Arc<dyn Connector>, Option<ReferenceTarget>) = match &spec.target {
        TargetSpec::Reference => {
            let r = ReferenceTarget::start(spec.connect_timeout).await?;
            if spec.clean_world {
                options.world = World::FreshReference {
                    connect_timeout: spec.connect_timeout,
                };
            }
            (Arc::new(r.connector()), Some(r))
        }
        TargetSpec::Remote { host, port } => {
            let material = spec.tls.as_ref().ok_or_else(|| {
                RunError::Usage("TLS material missing for a remote target".into())
            })?;
            if spec.clean_world {
                let ledger = Arc::new(Ledger::new());
                options.case.ledger = Some(ledger.clone());
                options.world = World::CleanRemote { ledger };
            }
            let c = remote_connector(
                spec.tls_backend,
                host,
                *port,
                spec.sni.as_deref(),
                material,
                spec.connect_timeout,
            )?;
            (c, None)
        }
    };

    let started = run::rfc3339_now();
    let t0 = Instant::now();
    let mut unreachable = None;
    let mut cases = match run::probe(&*connector).await {
        Err(e) if e.is_unreachable() => {
            let reason = e.to_string();
            let r = run::unreachable_results(&groups, &reason, &events);
            unreachable = Some(reason);
            r
        }
        _ => run::run_groups(connector, groups, Arc::new(options), events).await,
    };
    if let Some(r) = reference {
        r.shutdown().await;
    }
    let duration_s = t0.elapsed().as_secs_f64();
    if let Some(e) = &spec.expectations {
        e.annotate(&mut cases);
    }
    let results = run::assemble(
        RunInfo {
            target: spec.target.to_string(),
            encoding: spec.options.case.wire_format.encoding.to_string(),
            started,
            duration_s,
        },
        cases,
        &spec.profiles,
    );
    Ok(RunReport {
        results,
        unreachable,
        exclusive,
        rewired,
        jobs: spec.options.jobs,
    })
}

/// Read a baseline `results.json`.
pub fn load_baseline(path: &std::path::Path) -> Result<RunResults, RunError> {
    let bad = |message: String| RunError::Baseline {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| bad(e.to_string()))
}

/// The outcome of a run, in precedence order (each is one exit code).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything passed (or every gate met, no regression).
    Passed,
    /// A case failed or errored (not a listed known failure), or a listed
    /// case passed.
    Failed,
    /// A `--gate` was not met.
    GateFailed,
    /// A case that passed in the baseline fails now.
    Regression,
    /// The target could not be reached.
    Unreachable,
}

/// A line for the user: problems are always shown, notes not with `--quiet`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// Show even with `--quiet`.
    pub problem: bool,
    /// The text.
    pub text: String,
}

/// The run's verdict and what to say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judged {
    /// The outcome.
    pub outcome: Outcome,
    /// Lines to show, in order.
    pub notes: Vec<Note>,
}

/// The exit policy. Precedence: unreachable, then baseline regression,
/// then gate, then failures. When gates or a baseline are given they decide the verdict
/// and plain case failures do not by themselves fail the run; otherwise any
/// `fail` / `error` case fails it, except cases listed in the expectations
/// (XFAIL), while a listed case that now passes (XPASS) fails it ("remove it
/// from the expectations file").
pub fn judge(
    report: &RunReport,
    expectations: Option<&Expectations>,
    gates: &[Gate],
    baseline: Option<&RunResults>,
    tls_backend: TlsBackend,
) -> Judged {
    let mut notes = Vec::new();
    let problem = |text: String| Note {
        problem: true,
        text,
    };
    if let Some(reason) = &report.unreachable {
        notes.push(problem(format!("error: target unreachable: {reason}")));
        if reason.contains("TLS handshake") && tls_backend == TlsBackend::Rustls {
            notes.push(problem(
                "hint: rustls implements no CBC cipher suite; if the server offers only the KMIP \
                 Basic Authentication Suite (TLS_RSA_WITH_AES_*_CBC_SHA256), try --tls-backend openssl"
                    .into(),
            ));
        }
        return Judged {
            outcome: Outcome::Unreachable,
            notes,
        };
    }
    let results = &report.results;
    let mut outcome = None;
    if let Some(base) = baseline {
        let regs = gate::regressions(base, results);
        for r in &regs {
            notes.push(problem(format!(
                "regression: {} passed in the baseline, {} now: {}",
                r.id,
                r.now.as_str(),
                r.reason
            )));
        }
        if !regs.is_empty() {
            outcome = Some(Outcome::Regression);
        }
    }
    for o in gate::check_gates(results, gates) {
        if o.ok {
            notes.push(Note {
                problem: false,
                text: o.to_string(),
            });
        } else {
            notes.push(problem(format!("FAILED {o}")));
            outcome = outcome.or(Some(Outcome::GateFailed));
        }
    }
    if let Some(o) = outcome {
        return Judged { outcome: o, notes };
    }
    if baseline.is_some() || !gates.is_empty() {
        return Judged {
            outcome: Outcome::Passed,
            notes,
        };
    }
    let mut bad = false;
    for c in &results.cases {
        let j = match expectations {
            Some(e) => e.judge(c),
            None if matches!(c.status, Status::Fail | Status::Error) => {
                Judgement::UnexpectedFailure
            }
            None => Judgement::Ok,
        };
        let line = match j {
            Judgement::UnexpectedPass(_) => format!(
                "unexpected: {} now passes (XPASS): remove it from the expectations file",
                c.id
            ),
            Judgement::UnexpectedFailure => {
                format!("unexpected: {} {}", c.id, c.status.as_str())
            }
            _ => continue,
        };
        bad = true;
        if expectations.is_some() {
            notes.push(Note {
                problem: false,
                text: line,
            });
        }
    }
    Judged {
        outcome: if bad {
            Outcome::Failed
        } else {
            Outcome::Passed
        },
        notes,
    }
}
