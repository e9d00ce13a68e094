//! `kmip-harness run`: parse the flags into a
//! [`kmip_runner::runner::RunSpec`], let the runner API replay the test
//! cases against a KMIP server (a remote one over TLS, or the bundled
//! reference server in-process), then write the reports, print the
//! per-profile table, and turn the outcome into an exit code (see
//! [`crate::cmd`]).
//!
//! Exit code precedence: 3 (target unreachable) > 5 (`--baseline`
//! regression) > 4 (`--gate` failed) > 1 (failures). When `--gate` or
//! `--baseline` is given, those checks decide the verdict and plain case
//! failures do not by themselves exit 1; otherwise any `fail` / `error`
//! case exits 1 — except cases listed in `--expectations` (XFAIL), while a
//! listed case that now passes exits 1 ("remove it from the expectations
//! file").

use super::{EXIT_FAILED, EXIT_GATE, EXIT_REGRESSION, EXIT_UNREACHABLE, EXIT_USAGE};
use crate::embedded;
use anyhow::Context;
use kmip_runner::config::TargetConfig;
use kmip_runner::events::{Event, EventSink, MessageDump};
use kmip_runner::expectations::Expectations;
use kmip_runner::gate::Gate;
use kmip_runner::run;
use kmip_runner::runner::{self, Outcome, RunError, RunSettings, RunSpec};
use kmip_runner::target::TlsBackend;
use kmip_testcase::results::Status;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

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

Clean world: state-sensitive groups (the exclusive ones above) get a clean world. With \
--target reference, each runs on a fresh reference-server instance of its own. Against a \
remote target, the harness records every object the run creates (Create, Create Key Pair, \
Register, Re-key, Derive Key, Certify, Import … replies) and strikes off what is destroyed; \
before each state-sensitive group it revokes and destroys every object this run created and \
left (pre-clean), and after it the objects that group created and left (post-clean). \
Objects the run did not create are never touched. --shared-world turns this off.

Encoding profiles: the cases of the XML, JSON and HTTPS server profiles are replayed in that \
encoding / transport in every run (on top of --encoding / --transport), and only those \
results count for those profiles; a target that does not answer in it fails them, with \
the reason.

Clean-up: after a case fails, its remaining requests (its own Revoke/Destroy clean-up) are \
still sent, best effort and uncompared; the verdict stays the first divergence \
(--no-cleanup turns this off).

Outputs: the per-profile table and a totals line (passed, failed, errors, skipped, XFAIL = \
listed in --expectations and failed, XPASS = listed and passed) on stdout; a progress bar (only on a \
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
    /// Repeatable. Default: the project's own server test cases
    /// (testcases/server), embedded in the binary at build time.
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

    /// Folder of profile definitions (*.yaml). Default: the project's
    /// profiles/ folder, embedded in the binary at build time.
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

    /// Clock skew allowed between the harness and the target, seconds: a
    /// `$NOW±n` in a response accepts [run start - skew + n, now + skew +
    /// n]; literal response time stamps the exchange ± skew.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub clock_skew: u32,

    /// After the run, send a minimal request for each operation a Query
    /// answer listed that no case exercised; Operation Not Supported fails
    /// the case of that Query answer (reason `query-inconsistent`).
    #[arg(long)]
    pub probe_query: bool,

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

    /// No clean world for state-sensitive cases: run them on the shared
    /// target as it is (see "Clean world" below).
    #[arg(long)]
    pub shared_world: bool,
    /// Assess the target's TLS against the KMIP Authentication Suites
    /// after the cases (on by default for HOST:PORT targets; kept for
    /// explicitness). Same probes as `tls-probe` (5 s, 96 connections at
    /// most): the clause verdicts are attached to the run's server
    /// profiles in every report (a failed clause makes the profile NOT
    /// CONFORMANT), the clause table is printed and tls-assessment.json is
    /// written to the report folder. Never changes a case verdict.
    #[arg(long, conflicts_with = "no_assess_tls")]
    pub assess_tls: bool,
    /// Do not assess the target's TLS: the profiles keep their
    /// Authentication Suite lines as "not assessed".
    #[arg(long)]
    pub no_assess_tls: bool,
    /// CA (PEM) that signs the target's client certificates, with
    /// --assess-client-ca-key: the TLS assessment issues an expired client
    /// certificate from it (§3.1.3). Without it that clause stays not
    /// assessed, with the reason.
    #[arg(long, value_name = "FILE", requires = "assess_client_ca_key")]
    pub assess_client_ca: Option<PathBuf>,
    /// Private key (PEM) of --assess-client-ca.
    #[arg(long, value_name = "FILE", requires = "assess_client_ca")]
    pub assess_client_ca_key: Option<PathBuf>,
}

/// A usage error: printed, exit 2.
fn usage(msg: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("error: {msg}");
    Ok(ExitCode::from(EXIT_USAGE))
}

/// The run settings the flags (and `--target-config`) ask for. Profiles
/// and test cases default to the copies embedded in the binary
/// ([`crate::embedded`]).
fn settings(args: &RunArgs, config: TargetConfig) -> RunSettings {
    RunSettings {
        target: args.target.clone(),
        config,
        testcases: (!args.testcases.is_empty()).then(|| args.testcases.clone()),
        default_testcases: Some(embedded::testcases()),
        profiles: args.profiles.clone(),
        default_profiles: Some(embedded::profiles()),
        profile: args.profile.clone(),
        filter: args.filter.clone(),
        jobs: args.jobs,
        connect_timeout: args.connect_timeout,
        timeout: args.timeout,
        case_timeout: args.case_timeout,
        ca: args.ca.clone(),
        cert: args.cert.clone(),
        key: args.key.clone(),
        sni: args.sni.clone(),
        tls_backend: match args.tls_backend {
            Backend::Rustls => TlsBackend::Rustls,
            Backend::Openssl => TlsBackend::Openssl,
        },
        encoding: args.encoding.wire(),
        transport: match args.transport {
            TransportKind::Tls => kmip_runner::encoding::Transport::Tls,
            TransportKind::Https => kmip_runner::encoding::Transport::Https,
        },
        https_path: args.https_path.clone(),
        expectations: args.expectations.clone(),
        strict: args.strict,
        dump_messages: args.verbose || args.verbose_file.is_some(),
        cleanup: !args.no_cleanup,
        clean_world: !args.shared_world,
        clock_skew_s: args.clock_skew,
        probe_query: args.probe_query,
    }
}

/// Run the subcommand: parse, hand a [`RunSpec`] to
/// [`kmip_runner::runner::execute`], write and print the reports, and map
/// [`kmip_runner::runner::judge`] to an exit code.
pub fn execute(args: Args) -> anyhow::Result<ExitCode> {
    let args = *args.flags;
    let config = match &args.target_config {
        Some(p) => TargetConfig::load(p)?,
        None => TargetConfig::default(),
    };
    // The TLS files a HOST:PORT target uses, for `--assess-tls`.
    let tls_paths = [
        args.ca.clone().or_else(|| config.ca.clone()),
        args.cert.clone().or_else(|| config.cert.clone()),
        args.key.clone().or_else(|| config.key.clone()),
    ];
    let spec = match RunSpec::resolve(settings(&args, config)) {
        Ok(s) => s,
        Err(RunError::Usage(m)) => return usage(m),
        Err(e) => return Err(e.into()),
    };
    let baseline = args
        .baseline
        .as_deref()
        .map(runner::load_baseline)
        .transpose()?;
    let report_dir = args
        .report_dir
        .clone()
        .unwrap_or_else(|| Path::new("reports").join(run::utc_stamp()));
    let dump: Option<Box<dyn Write + Send>> = match &args.verbose_file {
        Some(p) => Some(Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        ))),
        None if args.verbose => Some(Box::new(std::io::stderr())),
        None => None,
    };
    let dump_to_stderr = args.verbose && args.verbose_file.is_none();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let report = rt.block_on(async {
        let (sink, rx) = EventSink::channel();
        let show_bar = !args.quiet && !dump_to_stderr && std::io::stderr().is_terminal();
        let known = spec.expectations.clone();
        let consumer = tokio::spawn(consume_events(rx, show_bar, args.quiet, dump, known));
        let report = runner::execute(&spec, sink).await;
        let _ = consumer.await;
        report
    });
    let report = match report {
        Ok(r) => r,
        Err(RunError::Usage(m)) => return usage(m),
        Err(e) => return Err(e.into()),
    };
    let mut report = report;
    // TLS assessment before the reports are written: its clauses are part
    // of the profile verdicts. Cases are already judged, so a target that
    // drops the probe connections keeps every case verdict.
    let mut tls_table = None;
    if !args.no_assess_tls && report.unreachable.is_none() {
        if let kmip_runner::target::TargetSpec::Remote { host, port } = &spec.target {
            let [ca, cert, key] = tls_paths;
            let (table, added_ms) = super::tls_probe::assess_for_run(
                &rt,
                &mut report.results,
                super::tls_probe::RunProbe {
                    host,
                    port: *port,
                    sni: spec.sni.clone(),
                    files: [ca, cert, key],
                    client_ca: [
                        args.assess_client_ca.clone(),
                        args.assess_client_ca_key.clone(),
                    ],
                    report_dir: &report_dir,
                },
            )?;
            tls_table = Some(table);
            if !args.quiet {
                eprintln!("TLS assessment: {added_ms} ms added to the run");
            }
        } else if args.assess_tls && !args.quiet {
            eprintln!("--assess-tls: skipped for the in-process reference target");
        }
    }
    let results = &report.results;
    let written = kmip_report::write_all(results, &report_dir)
        .with_context(|| format!("writing reports to {}", report_dir.display()))?;
    if let Some(t) = tls_table {
        print!("{t}");
    }
    print!("{}", kmip_report::render_table(results));
    let _ = std::io::stdout().flush();
    if !args.quiet {
        eprintln!(
            "{} in {:.1} s against {} (jobs {}, {} run alone, {} in their profile's encoding); \
             test cases: {}; reports: {} ({} files)",
            if results.cases.len() == 1 {
                "1 case".to_string()
            } else {
                format!("{} cases", results.cases.len())
            },
            results.duration_s,
            results.target,
            report.jobs,
            report.exclusive,
            report.rewired,
            spec.testcases.describe(),
            report_dir.display(),
            written.len()
        );
    }
    let judged = runner::judge(
        &report,
        spec.expectations.as_ref(),
        &args.gates,
        baseline.as_ref(),
        spec.tls_backend,
    );
    for n in &judged.notes {
        if n.problem || !args.quiet {
            eprintln!("{}", n.text);
        }
    }
    Ok(ExitCode::from(match judged.outcome {
        Outcome::Passed => 0,
        Outcome::Failed => EXIT_FAILED,
        Outcome::GateFailed => EXIT_GATE,
        Outcome::Regression => EXIT_REGRESSION,
        Outcome::Unreachable => EXIT_UNREACHABLE,
    }))
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
                let listed = expectations.as_ref().and_then(|e| e.reason(&r.id));
                if !quiet && r.status == Status::Pass {
                    if let Some(why) = listed {
                        say(format!(
                            "XPASS {}: passes, but the expectations file lists it ({why})",
                            r.id
                        ));
                    }
                }
                if !quiet && matches!(r.status, Status::Fail | Status::Error) {
                    // A listed known failure is shown as XFAIL with its
                    // listed reason before the actual one.
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
