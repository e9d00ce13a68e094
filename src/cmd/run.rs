//! `kmip-harness run`: replay test cases against a KMIP server (a remote
//! one over TLS, or the bundled reference server in-process), write the
//! reports, print the per-profile table, and turn the outcome into an exit
//! code (see [`crate::cmd`]).
//!
//! Exit code precedence: 3 (target unreachable) > 5 (`--baseline`
//! regression) > 4 (`--gate` failed) > 1 (failures). When `--gate` or
//! `--baseline` is given, those checks decide the verdict and plain case
//! failures do not by themselves exit 1; otherwise any `fail` / `error`
//! case exits 1 — except cases listed in `--expectations` (XFAIL), while a
//! listed case that now passes exits 1 ("remove it from the expectations
//! file").

use super::{EXIT_FAILED, EXIT_GATE, EXIT_REGRESSION, EXIT_UNREACHABLE, EXIT_USAGE};
use anyhow::{bail, Context};
use kmip_runner::config::TargetConfig;
use kmip_runner::encoding::WireFormat;
use kmip_runner::events::{Event, EventSink, MessageDump};
use kmip_runner::expectations::{Expectations, Judgement};
use kmip_runner::gate::{self, Gate};
use kmip_runner::plan::{self, Selection};
use kmip_runner::replay::CaseOptions;
use kmip_runner::run::{self, RunInfo, RunOptions};
use kmip_runner::target::{remote_connector, Connector, ReferenceTarget, TargetSpec, TlsBackend};
use kmip_runner::tls::TlsMaterial;
use kmip_testcase::results::{RunResults, Status};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Message encoding on the wire.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Binary TTLV (KMIP §9.1).
    Ttlv,
    /// KMIP XML (Content-Type text/xml over HTTPS).
    Xml,
    /// KMIP JSON (Content-Type application/json over HTTPS).
    Json,
}

impl Encoding {
    /// The runner's encoding.
    pub fn wire(self) -> kmip_runner::encoding::Encoding {
        match self {
            Encoding::Ttlv => kmip_runner::encoding::Encoding::Ttlv,
            Encoding::Xml => kmip_runner::encoding::Encoding::Xml,
            Encoding::Json => kmip_runner::encoding::Encoding::Json,
        }
    }
}

/// How messages travel (see `--transport`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportKind {
    /// Messages directly on the TLS stream (port 5696).
    Tls,
    /// Each message is the body of an HTTPS POST to --https-path.
    Https,
}

/// TLS implementation (see `--tls-backend`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// rustls.
    Rustls,
    /// The system OpenSSL.
    Openssl,
}

/// Extra `run --help` text: scheduling, clean-up, outputs, exit codes.
const AFTER_HELP: &str = "\
Scheduling: cases that Locate (they see every object on the server) or that share a fixed \
Name with another case run first, one at a time, with nothing else in flight; the other \
cases then run --jobs at a time. Chained families (TL-M-*, SASED-M-*) run in order.

Clean-up: after a case fails, its remaining requests (its own Revoke/Destroy clean-up) are \
still sent, best effort and uncompared; the verdict stays the first divergence \
(--no-cleanup turns this off).

Outputs: the per-profile table and a totals line on stdout; a progress bar (only on a \
terminal, not with --quiet/--verbose) and one line per failing case on stderr; \
results.json, junit.xml, report.md, report.html and summary.txt in --report-dir.

Exit codes: 0 all passed (or every gate met); 1 a case failed or errored (or an \
--expectations mismatch); 2 usage or input error; 3 target unreachable; 4 a --gate was \
not met; 5 a --baseline regression. Precedence: 3 > 5 > 4 > 1.";

/// Arguments of `run` (boxed: they are large next to the other
/// subcommands').
#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// The flags.
    #[command(flatten)]
    pub flags: Box<RunArgs>,
}

/// The flags of `run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Target: `reference` (the bundled reference server, started
    /// in-process on 127.0.0.1 with generated certificates) or HOST[:PORT]
    /// of a KMIP server speaking TTLV over TLS (default port 5696). May come
    /// from --target-config instead.
    #[arg(long, short = 't', value_name = "reference|HOST[:PORT]")]
    pub target: Option<String>,

    /// Test-case files or folders (searched recursively for *.xml).
    /// Repeatable. Default: testcases/
    #[arg(long = "testcases", value_name = "PATH", num_args = 1..)]
    pub testcases: Vec<PathBuf>,

    /// Run only the cases of this profile (id as in profiles/*.yaml, e.g.
    /// SKLC-server-2.1).
    #[arg(long, value_name = "ID")]
    pub profile: Option<String>,

    /// Run only cases whose id contains this text (case-insensitive).
    #[arg(long, value_name = "SUBSTR")]
    pub filter: Option<String>,

    /// Cases run in parallel, each on its own connection (after the
    /// exclusive phase, see below). Default: number of CPUs.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// TCP + TLS connect timeout, seconds. Default 10.
    #[arg(long, value_name = "SECONDS")]
    pub connect_timeout: Option<f64>,

    /// Timeout for each response, seconds. Default 30.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,

    /// Timeout for one whole test case (connect included), seconds.
    /// Default 120.
    #[arg(long, value_name = "SECONDS")]
    pub case_timeout: Option<f64>,

    /// PEM file of the CA that signed the server certificate (required for
    /// a HOST:PORT target unless given in --target-config).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,

    /// PEM client certificate (chain) for mutual TLS; needs --key.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,

    /// PEM private key of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,

    /// TLS server name to send (SNI) and verify the certificate against.
    /// Default: the target host.
    #[arg(long, value_name = "NAME")]
    pub sni: Option<String>,

    /// TLS implementation for a HOST:PORT target: `rustls` (default; ECDHE
    /// with AEAD suites) or `openssl` (system OpenSSL, also the CBC suites of
    /// the KMIP Basic Authentication Suite, e.g. for PyKMIP; needs a build
    /// with `--features openssl`).
    #[arg(long, value_enum, default_value_t = Backend::Rustls)]
    pub tls_backend: Backend,

    /// YAML target configuration: target, TLS files, timeouts, credentials
    /// (username/password sent as KMIP Authentication), declared
    /// capabilities and quirks (unsupported operations / algorithms,
    /// max_protocol_version, skip: {CASE-ID: reason}). Flags override it.
    #[arg(long, value_name = "FILE.yaml")]
    pub target_config: Option<PathBuf>,

    /// Folder for results.json, junit.xml, report.md, report.html and
    /// summary.txt. Default: reports/<UTC timestamp>/
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,

    /// Folder of profile definitions (*.yaml). Default: profiles/
    #[arg(long, value_name = "DIR")]
    pub profiles: Option<PathBuf>,

    /// Message encoding: binary `ttlv`, KMIP `xml` or KMIP `json`.
    #[arg(long, value_enum, default_value_t = Encoding::Ttlv)]
    pub encoding: Encoding,

    /// Transport: `tls` (messages directly on the TLS stream) or `https`
    /// (one HTTP/1.1 POST per message, Content-Type per encoding).
    #[arg(long, value_enum, default_value_t = TransportKind::Tls)]
    pub transport: TransportKind,

    /// HTTP request target for --transport https.
    #[arg(long, value_name = "PATH", default_value = "/kmip")]
    pub https_path: String,

    /// Known-failure list (YAML `expected_failures: {CASE-ID: reason}`):
    /// listed cases that fail do not fail the run (XFAIL); listed cases
    /// that pass do ("remove it from the expectations file").
    #[arg(long, value_name = "FILE")]
    pub expectations: Option<PathBuf>,

    /// CI gate PROFILE_ID=RATE: fail (exit 4) unless the profile's pass
    /// rate reaches RATE (0..1, or a percentage such as 90%). Repeatable.
    #[arg(long = "gate", value_name = "PROFILE_ID=RATE")]
    pub gates: Vec<Gate>,

    /// A previous results.json: fail (exit 5) on any case that passed
    /// there and fails or errors now.
    #[arg(long, value_name = "OLD/results.json")]
    pub baseline: Option<PathBuf>,

    /// Strict wire diff mode: extra fields and ordering differences are
    /// reported as warnings in the diffs.
    #[arg(long)]
    pub strict: bool,

    /// Dump every exchanged message (hex + canonical XML) to stderr, or to
    /// --verbose-file.
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// Write the --verbose dump to this file instead of stderr (implies
    /// --verbose).
    #[arg(long, value_name = "FILE")]
    pub verbose_file: Option<PathBuf>,

    /// No progress bar and no per-case lines on stderr (the table is still
    /// printed on stdout).
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// After a failing message, stop the case there instead of sending
    /// its remaining requests (its clean-up) best effort.
    #[arg(long)]
    pub no_cleanup: bool,

    /// After the cases, assess the target's TLS against the KMIP
    /// Authentication Suites (as `tls-probe`, default limits: 5 s, 96
    /// connections): prints the clause table and writes
    /// tls-assessment.json to the report folder. HOST:PORT targets only;
    /// does not change the run's exit code.
    #[arg(long)]
    pub assess_tls: bool,
}

/// A usage error: printed, exit 2.
fn usage(msg: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("error: {msg}");
    Ok(ExitCode::from(EXIT_USAGE))
}

fn seconds(name: &str, v: Option<f64>, default: f64) -> anyhow::Result<Duration> {
    let v = v.unwrap_or(default);
    if !(v.is_finite() && v > 0.0 && v < 1e7) {
        bail!("--{name} must be a positive number of seconds");
    }
    Ok(Duration::from_secs_f64(v))
}

/// Run the subcommand.
pub fn execute(args: Args) -> anyhow::Result<ExitCode> {
    let args = *args.flags;
    let config = match &args.target_config {
        Some(p) => TargetConfig::load(p)?,
        None => TargetConfig::default(),
    };
    let Some(target) = args.target.clone().or_else(|| config.target.clone()) else {
        return usage(
            "--target is required (reference or HOST[:PORT]), or set `target` in --target-config",
        );
    };
    let spec: TargetSpec = match target.parse() {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let connect_timeout = seconds(
        "connect-timeout",
        args.connect_timeout.or(config.connect_timeout_s),
        10.0,
    )?;
    let message_timeout = seconds("timeout", args.timeout.or(config.timeout_s), 30.0)?;
    let case_timeout = seconds(
        "case-timeout",
        args.case_timeout.or(config.case_timeout_s),
        120.0,
    )?;
    let jobs = match args.jobs {
        Some(0) => return usage("--jobs must be at least 1"),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(2, |n| n.get()),
    };

    // Profiles.
    let profiles_dir = args
        .profiles
        .clone()
        .unwrap_or_else(|| PathBuf::from("profiles"));
    let profiles = if profiles_dir.is_dir() {
        kmip_testcase::profile::load_profiles(&profiles_dir)
            .with_context(|| format!("loading profiles from {}", profiles_dir.display()))?
    } else if args.profiles.is_some() {
        return usage(format!(
            "profiles folder {} not found",
            profiles_dir.display()
        ));
    } else {
        if !args.quiet {
            eprintln!(
                "note: no profiles/ folder here; per-profile verdicts will be empty (use --profiles DIR)"
            );
        }
        Vec::new()
    };

    // Selection.
    let mut selection = Selection {
        substring: args.filter.clone(),
        ids: None,
    };
    if let Some(pid) = &args.profile {
        let matching: Vec<_> = profiles
            .iter()
            .filter(|p| &p.id == pid || format!("{}-{}", p.id, p.version) == *pid)
            .collect();
        if matching.is_empty() {
            let known: Vec<&str> = profiles.iter().map(|p| p.id.as_str()).collect();
            return usage(format!(
                "unknown profile {pid:?} (known: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ));
        }
        selection.ids = Some(
            matching
                .iter()
                .flat_map(|p| p.mandatory.iter().chain(&p.optional).cloned())
                .collect(),
        );
    }

    // Test cases.
    let paths = if args.testcases.is_empty() {
        vec![PathBuf::from("testcases")]
    } else {
        args.testcases.clone()
    };
    for p in &paths {
        if !p.exists() {
            return usage(format!("test cases not found: {}", p.display()));
        }
    }
    let mut cases = plan::load_all(&paths)?;
    cases.retain(|c| selection.matches(&c.id));
    if cases.is_empty() {
        return usage("no test case selected (check --testcases, --filter, --profile)");
    }
    for c in &mut cases {
        if let Ok(tc) = &c.case {
            c.skip = config.capabilities.skip_reason(tc);
        }
    }
    let groups = plan::group(cases);
    let exclusive: usize = groups
        .iter()
        .filter(|g| g.exclusive.is_some())
        .map(|g| g.cases.len())
        .sum();

    let expectations = match &args.expectations {
        Some(p) => Some(Expectations::load(p)?),
        None => None,
    };
    let baseline: Option<RunResults> = match &args.baseline {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("reading baseline {}", p.display()))?;
            Some(
                serde_json::from_str(&text)
                    .with_context(|| format!("parsing baseline {}", p.display()))?,
            )
        }
        None => None,
    };

    let opts = Arc::new(RunOptions {
        jobs,
        case_timeout,
        case: CaseOptions {
            message_timeout,
            strict: args.strict,
            credentials: config.credentials.clone(),
            dump_messages: args.verbose || args.verbose_file.is_some(),
            cleanup: !args.no_cleanup,
            wire_format: WireFormat {
                encoding: args.encoding.wire(),
                transport: match args.transport {
                    TransportKind::Tls => kmip_runner::encoding::Transport::Tls,
                    TransportKind::Https => kmip_runner::encoding::Transport::Https,
                },
                https_path: args.https_path.clone(),
                host: match &spec {
                    TargetSpec::Reference => "localhost".to_string(),
                    TargetSpec::Remote { host, .. } => host.clone(),
                },
            },
            ..CaseOptions::default()
        },
    });
    let report_dir = args
        .report_dir
        .clone()
        .unwrap_or_else(|| Path::new("reports").join(run::utc_stamp()));

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;

    // Target.
    let remote_tls = match &spec {
        TargetSpec::Reference => None,
        TargetSpec::Remote { .. } => {
            let Some(ca) = args.ca.clone().or_else(|| config.ca.clone()) else {
                return usage("--ca FILE is required for a HOST:PORT target (the CA of the server certificate)");
            };
            let cert = args.cert.clone().or_else(|| config.cert.clone());
            let key = args.key.clone().or_else(|| config.key.clone());
            Some(TlsMaterial::from_files(
                &ca,
                cert.as_deref(),
                key.as_deref(),
            )?)
        }
    };

    let dump: Option<Box<dyn Write + Send>> = match &args.verbose_file {
        Some(p) => Some(Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        ))),
        None if args.verbose => Some(Box::new(std::io::stderr())),
        None => None,
    };
    let dump_to_stderr = args.verbose && args.verbose_file.is_none();

    let started = run::rfc3339_now();
    let t0 = Instant::now();
    let (results_cases, unreachable) = rt.block_on(async {
        let (sink, rx) = EventSink::channel();
        let show_bar = !args.quiet && !dump_to_stderr && std::io::stderr().is_terminal();
        let known = expectations.clone();
        let consumer = tokio::spawn(consume_events(rx, show_bar, args.quiet, dump, known));
        let (connector, reference): (Arc<dyn Connector>, Option<ReferenceTarget>) = match &spec {
            TargetSpec::Reference => {
                let r = ReferenceTarget::start(connect_timeout).await?;
                (Arc::new(r.connector()), Some(r))
            }
            TargetSpec::Remote { host, port } => {
                let material = remote_tls.as_ref().context("TLS material")?;
                let sni = args.sni.clone().or_else(|| config.sni.clone());
                let backend = match args.tls_backend {
                    Backend::Rustls => TlsBackend::Rustls,
                    Backend::Openssl => TlsBackend::Openssl,
                };
                let c = remote_connector(
                    backend,
                    host,
                    *port,
                    sni.as_deref(),
                    material,
                    connect_timeout,
                )?;
                (c, None)
            }
        };
        let mut unreachable = None;
        let results = match run::probe(&*connector).await {
            Err(e) if e.is_unreachable() => {
                let reason = e.to_string();
                let r = run::unreachable_results(&groups, &reason, &sink);
                unreachable = Some(reason);
                r
            }
            _ => run::run_groups(connector, groups, opts, sink.clone()).await,
        };
        drop(sink);
        if let Some(r) = reference {
            r.shutdown().await;
        }
        let _ = consumer.await;
        anyhow::Ok((results, unreachable))
    })?;
    let duration_s = t0.elapsed().as_secs_f64();

    let mut results_cases = results_cases;
    if let Some(e) = &expectations {
        e.annotate(&mut results_cases);
    }
    let results = run::assemble(
        RunInfo {
            target: spec.to_string(),
            encoding: args.encoding.wire().to_string(),
            started,
            duration_s,
        },
        results_cases,
        &profiles,
    );
    let written = kmip_report::write_all(&results, &report_dir)
        .with_context(|| format!("writing reports to {}", report_dir.display()))?;
    print!("{}", kmip_report::render_table(&results));
    if args.assess_tls {
        if let TargetSpec::Remote { host, port } = &spec {
            let ca = args.ca.clone().or_else(|| config.ca.clone());
            let cert = args.cert.clone().or_else(|| config.cert.clone());
            let key = args.key.clone().or_else(|| config.key.clone());
            let sni = args.sni.clone().or_else(|| config.sni.clone());
            super::tls_probe::assess_for_run(&rt, host, *port, sni, [ca, cert, key], &report_dir)?;
        } else if !args.quiet {
            eprintln!("--assess-tls: skipped for the in-process reference target");
        }
    }
    let _ = std::io::stdout().flush();
    if !args.quiet {
        eprintln!(
            "{} in {:.1} s against {} (jobs {jobs}, {exclusive} run alone); reports: {} ({} files)",
            if results.cases.len() == 1 {
                "1 case".to_string()
            } else {
                format!("{} cases", results.cases.len())
            },
            duration_s,
            results.target,
            report_dir.display(),
            written.len()
        );
    }

    // Verdict.
    if let Some(reason) = unreachable {
        eprintln!("error: target unreachable: {reason}");
        if reason.contains("TLS handshake") && args.tls_backend == Backend::Rustls {
            eprintln!(
                "hint: rustls implements no CBC cipher suite; if the server offers only the KMIP \
                 Basic Authentication Suite (TLS_RSA_WITH_AES_*_CBC_SHA256), try --tls-backend openssl"
            );
        }
        return Ok(ExitCode::from(EXIT_UNREACHABLE));
    }
    let mut code = None;
    if let Some(base) = &baseline {
        let regs = gate::regressions(base, &results);
        for r in &regs {
            eprintln!(
                "regression: {} passed in the baseline, {} now: {}",
                r.id,
                r.now.as_str(),
                r.reason
            );
        }
        if !regs.is_empty() {
            code = Some(EXIT_REGRESSION);
        }
    }
    if !args.gates.is_empty() {
        for o in gate::check_gates(&results, &args.gates) {
            if o.ok {
                if !args.quiet {
                    eprintln!("{o}");
                }
            } else {
                eprintln!("FAILED {o}");
                code = code.or(Some(EXIT_GATE));
            }
        }
    }
    if let Some(c) = code {
        return Ok(ExitCode::from(c));
    }
    if baseline.is_some() || !args.gates.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let bad: Vec<String> = results
        .cases
        .iter()
        .filter_map(|c| {
            let j = match &expectations {
                Some(e) => e.judge(c),
                None if matches!(c.status, Status::Fail | Status::Error) => {
                    Judgement::UnexpectedFailure
                }
                None => Judgement::Ok,
            };
            match j {
                Judgement::UnexpectedPass(_) => Some(format!(
                    "{} now passes: remove it from the expectations file",
                    c.id
                )),
                Judgement::UnexpectedFailure => Some(format!("{} {}", c.id, c.status.as_str())),
                _ => None,
            }
        })
        .collect();
    if bad.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        if !args.quiet && expectations.is_some() {
            for b in &bad {
                eprintln!("unexpected: {b}");
            }
        }
        Ok(ExitCode::from(EXIT_FAILED))
    }
}

/// Progress bar, per-case failure lines and the message dump, from the
/// runner's events. Everything goes to stderr (or the dump file), never to
/// stdout.
async fn consume_events(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<Event>,
    show_bar: bool,
    quiet: bool,
    mut dump: Option<Box<dyn Write + Send>>,
    expectations: Option<Expectations>,
) {
    let bar = if show_bar {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b.enable_steady_tick(Duration::from_millis(200));
        Some(b)
    } else {
        None
    };
    let say = |line: String| match &bar {
        Some(b) => b.println(line),
        None => eprintln!("{line}"),
    };
    while let Some(e) = rx.recv().await {
        match e {
            Event::RunStarted { cases } => {
                if let Some(b) = &bar {
                    b.set_length(cases as u64);
                }
            }
            Event::CaseStarted { id, .. } => {
                if let Some(b) = &bar {
                    b.set_message(id);
                }
            }
            Event::MessageExchanged {
                case,
                index,
                dump: Some(d),
                ..
            } => {
                if let Some(w) = dump.as_mut() {
                    let text = render_dump(&case, index, &d);
                    match &bar {
                        Some(b) => b.suspend(|| {
                            let _ = w.write_all(text.as_bytes());
                        }),
                        None => {
                            let _ = w.write_all(text.as_bytes());
                        }
                    }
                }
            }
            Event::MessageExchanged { .. } => {}
            Event::CaseFinished(r) => {
                if let Some(b) = &bar {
                    b.inc(1);
                }
                if !quiet && matches!(r.status, Status::Fail | Status::Error) {
                    // A listed known failure is shown as XFAIL with its
                    // listed reason before the actual one.
                    let listed = expectations.as_ref().and_then(|e| e.reason(&r.id));
                    say(match listed {
                        Some(why) => format!(
                            "XFAIL {} ({}): {}: {}",
                            r.id,
                            r.status.as_str(),
                            why,
                            r.reason
                        ),
                        None => format!(
                            "{} {}: {}",
                            r.status.as_str().to_uppercase(),
                            r.id,
                            r.reason
                        ),
                    });
                }
            }
            Event::RunFinished { .. } => {}
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(mut w) = dump {
        let _ = w.flush();
    }
}

/// Hex (32 bytes a line) + canonical XML of one exchange.
fn render_dump(case: &str, index: usize, d: &MessageDump) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "=== {case} message {index}: request ({} bytes)\n",
        d.request_bytes.len()
    ));
    push_hex(&mut s, &d.request_bytes);
    s.push_str(&kmip_ttlv::xml::to_xml(&d.request));
    s.push('\n');
    s.push_str(&format!(
        "=== {case} message {index}: response ({} bytes)\n",
        d.response_bytes.len()
    ));
    push_hex(&mut s, &d.response_bytes);
    match &d.response {
        Some(r) => s.push_str(&kmip_ttlv::xml::to_xml(r)),
        None => s.push_str("(response did not decode)\n"),
    }
    s.push('\n');
    s
}

fn push_hex(s: &mut String, bytes: &[u8]) {
    for chunk in bytes.chunks(32) {
        s.push_str(&hex::encode(chunk));
        s.push('\n');
    }
}
