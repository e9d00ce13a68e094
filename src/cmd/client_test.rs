//! `kmip-harness client-test`: the harness plays the server. A client under
//! test connects (TTLV over TLS) and runs a scenario; each request is
//! checked against the expected request of the identified test case with
//! the request-side masking rules (`req-*` in docs/masking.md), answered
//! with the recorded response (bound variables substituted), and each case
//! is reported as pass, fail (with a request diff) or incomplete. With
//! `--driver CMD` the harness starts the client itself, once per case
//! (docs/client-drivers.md), and a case the client cannot express is
//! reported as "cannot express" with the step. The ClientHello of every
//! connection decides the client clauses of the Basic Authentication Suite
//! ([`kmip_tlsprobe::client`]), attached to the client profiles. Reports
//! and gates are those of `run`. The CLI parses, builds the listener's TLS
//! configuration and prints; [`kmip_runner::client::session`] does the
//! rest.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::embedded;
use anyhow::Context;
use kmip_runner::client::driver::{DriverOutcome, DriverSpec};
use kmip_runner::client::listen::{ClientEvent, TlsLog};
use kmip_runner::client::robust::Variation;
use kmip_runner::client::scenario::Handled;
use kmip_runner::client::session::{self, ClientTestSpec};
use kmip_runner::gate::Gate;
use kmip_runner::run;
use kmip_runner::runner::{self, Outcome, RunError, Source};
use kmip_testcase::results::{CaseResult, Status};
use kmip_tlsprobe::client::{ClientAssessment, ClientTlsSeen};
use kmip_wire::tls::{CertSource, ServerTlsOptions};

use super::{EXIT_FAILED, EXIT_GATE, EXIT_USAGE};

/// Arguments of `client-test`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address to listen on (TLS). Port 0 picks a free port (printed, and
    /// written to --ready-file).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:5696")]
    pub listen: String,

    /// Encoding the client must use. `auto`: any (binary TTLV, KMIP XML or
    /// KMIP JSON, told apart by the first byte), recorded per case. With
    /// ttlv / xml / json a request in another encoding is still identified
    /// but gets an error response and fails its case, the reason naming
    /// what arrived. Responses always go back in the request's encoding
    /// and transport. With --driver, `auto` tells the driver ttlv, or, for
    /// a case of the XML / JSON client profiles, that encoding.
    #[arg(long, value_enum, value_name = "ENCODING", default_value_t = EncodingChoice::Auto)]
    pub encoding: EncodingChoice,

    /// Transport the client must use: tls (messages directly on the TLS
    /// stream), https (each message the body of an HTTP/1.1 POST to
    /// --https-path), or auto (either, recorded per case). A request over
    /// the other one fails its case as for --encoding. With --driver,
    /// `auto` tells the driver tls, or https for a case of the HTTPS client
    /// profiles.
    #[arg(long, value_enum, value_name = "TRANSPORT", default_value_t = TransportChoice::Auto)]
    pub transport: TransportChoice,

    /// HTTP request target of the HTTPS transport (POSTs elsewhere get 404).
    #[arg(long, value_name = "PATH", default_value = "/kmip")]
    pub https_path: String,

    /// Test-case files or folders (searched recursively for *.xml).
    /// Default: testcases/client
    #[arg(long = "testcases", value_name = "PATH", num_args = 1..)]
    pub testcases: Vec<PathBuf>,

    /// Only the cases of this profile (id as in profiles/*.yaml).
    #[arg(long, value_name = "ID")]
    pub profile: Option<String>,

    /// Only cases whose id contains this text (case-insensitive).
    #[arg(long, value_name = "SUBSTR")]
    pub filter: Option<String>,

    /// The case the client runs, when its requests do not say (no Client
    /// Correlation Value "ID step=N", no Interop Begin). The run ends when
    /// it has a verdict.
    #[arg(long = "case", value_name = "ID")]
    pub case: Option<String>,

    /// Folder where the listener's TLS material is generated (or reused):
    /// ca.pem (give it to the client as its trust anchor), server.pem,
    /// server-key.pem, client.pem, client-key.pem (a client certificate the
    /// listener accepts unless --client-ca names another CA). Not with
    /// --cert/--key. Default: reports/client-certs
    #[arg(long, value_name = "DIR")]
    pub cert_dir: Option<PathBuf>,

    /// Server certificate chain (PEM) instead of generated material.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,

    /// Private key of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,

    /// CA that client certificates must chain to (with --cert/--key or
    /// generated material; default with generated material: its ca.pem).
    #[arg(long, value_name = "FILE")]
    pub client_ca: Option<PathBuf>,

    /// Refuse clients without a certificate (signed by --client-ca, or by
    /// the generated CA).
    #[arg(long)]
    pub require_client_cert: bool,

    /// Stop when no connection is open and nothing happened for this many
    /// seconds. Default 60.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub idle_timeout: f64,

    /// Write the listening address (HOST:PORT) to this file once ready.
    #[arg(long, value_name = "FILE")]
    pub ready_file: Option<PathBuf>,

    /// `$NOW` tolerance in seconds for request dates. Default 300.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub now_tolerance: i64,

    /// Folder for results.json, junit.xml, report.md, report.html,
    /// summary.txt and tls-client-assessment.json (the ClientHellos and the
    /// client Basic Authentication Suite clauses).
    /// Default: reports/<UTC timestamp>-client/
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,

    /// Folder of profile definitions (*.yaml). Default: the project's
    /// profiles/, embedded in the binary at build time.
    #[arg(long, value_name = "DIR")]
    pub profiles: Option<PathBuf>,

    /// CI gate PROFILE_ID=RATE (as for `run`): exit 4 unless met. Repeatable.
    #[arg(long = "gate", value_name = "PROFILE_ID=RATE")]
    pub gates: Vec<Gate>,

    /// Client driver: a shell command (`sh -c CMD`) started once per
    /// selected case, which makes the client under test run that case
    /// against this listener. It gets KH_CASE_ID, KH_CASE_FILE, KH_HOST,
    /// KH_PORT, KH_CA, KH_CERT, KH_KEY, KH_PROTOCOL_VERSION, KH_ENCODING and
    /// KH_TRANSPORT, and exits 0 (done), 1 (the client reported an error), 2
    /// (driver error) or 3 (the client cannot express the case; stdout line
    /// `cannot express: step N: why`). See docs/client-drivers.md.
    #[arg(long, value_name = "CMD")]
    pub driver: Option<String>,

    /// Kill a --driver run after this many seconds (the case is then an
    /// error). Default 120.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 120.0,
        requires = "driver"
    )]
    pub driver_timeout: f64,

    /// Robustness probes (with --driver): `robustness` re-runs every case
    /// the client passes once per permitted server variation that applies
    /// to it (extra / reordered / vendor attributes, Result Message
    /// present or absent, extra Discover Versions, Server Information,
    /// Vendor Identification, Message Extension) and attaches a clause
    /// `robustness: NAME` to the client profiles (fails if the client
    /// broke). See docs/client-drivers.md.
    #[arg(long, value_name = "KIND", value_parser = ["robustness"], requires = "driver")]
    pub probe: Option<String>,

    /// Only these robustness variations (repeatable; names as in
    /// docs/client-drivers.md). Default: all. Needs --probe robustness.
    #[arg(long = "variation", value_name = "NAME", requires = "probe")]
    pub variations: Vec<String>,

    /// Print every request and response (KMIP XML) to stderr.
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// Only the summary table and errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `--encoding` of the listening side (`client-test`, `record`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingChoice {
    /// Any encoding, detected per message.
    Auto,
    /// Binary TTLV (KMIP §9.1).
    Ttlv,
    /// KMIP XML.
    Xml,
    /// KMIP JSON.
    Json,
}

impl EncodingChoice {
    /// The required encoding (`None`: any).
    pub fn required(self) -> Option<kmip_wire::Encoding> {
        match self {
            EncodingChoice::Auto => None,
            EncodingChoice::Ttlv => Some(kmip_wire::Encoding::Ttlv),
            EncodingChoice::Xml => Some(kmip_wire::Encoding::Xml),
            EncodingChoice::Json => Some(kmip_wire::Encoding::Json),
        }
    }
}

/// `--transport` of the listening side (`client-test`, `record`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportChoice {
    /// Raw messages or HTTPS POSTs, detected per message.
    Auto,
    /// Messages directly on the TLS stream.
    Tls,
    /// Each message the body of an HTTPS POST.
    Https,
}

impl TransportChoice {
    /// The required transport (`None`: any).
    pub fn required(self) -> Option<kmip_wire::Transport> {
        match self {
            TransportChoice::Auto => None,
            TransportChoice::Tls => Some(kmip_wire::Transport::Tls),
            TransportChoice::Https => Some(kmip_wire::Transport::Https),
        }
    }
}

fn usage(msg: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("error: {msg}");
    Ok(ExitCode::from(EXIT_USAGE))
}

/// Run the subcommand.
pub fn execute(args: Args) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(execute_async(args))
}

async fn execute_async(args: Args) -> anyhow::Result<ExitCode> {
    let probes = match robustness_variations(&args) {
        Ok(p) => p,
        Err(m) => return usage(m),
    };
    let profiles = match &args.profiles {
        Some(dir) => match runner::load_profiles(&Source::Paths(vec![dir.clone()])) {
            Ok(p) => p,
            Err(RunError::Usage(m)) => return usage(m),
            Err(e) => return Err(e.into()),
        },
        None => runner::load_profiles(&embedded::profiles())?,
    };
    let source = Source::Paths(if args.testcases.is_empty() {
        vec![PathBuf::from("testcases/client")]
    } else {
        args.testcases.clone()
    });
    let (cases, warnings) = match session::select(
        &source,
        &profiles,
        args.profile.as_deref(),
        args.filter.as_deref(),
        args.case.as_deref(),
    ) {
        Ok(x) => x,
        Err(RunError::Usage(m)) => return usage(m),
        Err(e) => return usage(e),
    };
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    // TLS.
    let tls_opts = ServerTlsOptions {
        cert: args.cert.clone(),
        key: args.key.clone(),
        client_ca: args.client_ca.clone(),
        cert_dir: args.cert_dir.clone(),
        require_client_cert: args.require_client_cert,
    };
    let tls_cfg = match tls_opts.source(Some(PathBuf::from("reports/client-certs"))) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    if let CertSource::Generate {
        cert_dir: Some(dir),
        ..
    } = &tls_cfg
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let material =
        kmip_wire::tls::material(&tls_cfg).map_err(|e| anyhow::anyhow!("TLS material: {e}"))?;
    let server_cfg = kmip_wire::tls::server_config(&material, args.require_client_cert)
        .map_err(|e| anyhow::anyhow!("TLS configuration: {e}"))?;
    // Listen.
    let listener = match tokio::net::TcpListener::bind(&args.listen).await {
        Ok(l) => l,
        Err(e) => return usage(format!("cannot listen on {}: {e}", args.listen)),
    };
    let addr = listener.local_addr().context("listening address")?;
    let wire = kmip_wire::WireMode {
        encoding: args.encoding.required(),
        transport: args.transport.required(),
        https_path: args.https_path.clone(),
    };
    if !args.quiet {
        eprintln!(
            "client-test: listening on {addr} ({}; HTTPS path {}); {} case(s); CA for the client: {}",
            kmip_runner::client::listen::describe_mode(&wire),
            wire.https_path,
            cases.len(),
            material
                .files
                .iter()
                .find(|f| f.ends_with("ca.pem"))
                .map_or_else(|| "(given files)".to_string(), |p| p.display().to_string())
        );
    }
    if let Some(f) = &args.ready_file {
        std::fs::write(f, addr.to_string()).with_context(|| format!("writing {}", f.display()))?;
    }
    let tls_log: TlsLog = Default::default();
    let spec = ClientTestSpec {
        probes,
        tls_log: Some(tls_log.clone()),
        wire: wire.clone(),
        cases,
        profiles,
        forced_case: args.case.clone(),
        now_tolerance_s: args.now_tolerance,
        idle_timeout: Duration::from_secs_f64(args.idle_timeout.max(0.1)),
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let verbose = args.verbose;
    let quiet = args.quiet;
    let printer = tokio::spawn(async move {
        while let Some(ev) = rx.recv().await {
            print_event(&ev, verbose, quiet);
        }
    });
    let stop = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // No signal handling available: run until idle / done.
            std::future::pending::<()>().await;
        }
    };
    let mut results = match &args.driver {
        None => session::execute(spec, listener, server_cfg, Some(tx), stop).await,
        Some(cmd) => {
            let find = |suffix: &str| {
                material
                    .files
                    .iter()
                    .find(|f| f.to_string_lossy().ends_with(suffix))
                    .cloned()
            };
            let driver = DriverSpec {
                command: cmd.clone(),
                timeout: Duration::from_secs_f64(args.driver_timeout.max(1.0)),
                host: addr.ip().to_string(),
                ca: find("ca.pem").or_else(|| args.client_ca.clone()),
                cert: find("/client.pem"),
                key: find("/client-key.pem"),
                encoding: wire
                    .encoding
                    .unwrap_or(kmip_wire::Encoding::Ttlv)
                    .to_string(),
                transport: wire
                    .transport
                    .unwrap_or(kmip_wire::Transport::Tls)
                    .to_string(),
            };
            let on_case = |c: &CaseResult, o: &DriverOutcome| {
                if !quiet {
                    eprintln!(
                        "{}: {} (driver {:?}, {:.1} s){}",
                        c.id,
                        c.status.as_str(),
                        o.end,
                        o.duration.as_secs_f64(),
                        if c.reason.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", c.reason)
                        }
                    );
                }
                if verbose {
                    eprintln!(
                        "--- driver stdout\n{}--- driver stderr\n{}",
                        o.stdout, o.stderr
                    );
                }
            };
            match session::execute_with_driver(
                spec,
                listener,
                server_cfg,
                driver,
                Some(tx),
                stop,
                on_case,
            )
            .await
            {
                Ok(r) => r,
                Err(e) => return usage(e),
            }
        }
    };
    // Connections still open (Ctrl-C) keep a sender: do not wait for them.
    let _ = tokio::time::timeout(Duration::from_secs(1), printer).await;

    let report_dir = args
        .report_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(format!("{}-client", run::utc_stamp())));
    // Client-role TLS clauses (Basic Authentication Suite) from the
    // ClientHellos and handshakes the listener saw.
    let mut seen = ClientTlsSeen {
        certificate_requested: material.client_ca_pem.is_some(),
        ..Default::default()
    };
    if let Ok(log) = tls_log.lock() {
        for o in log.iter() {
            seen.add(
                &o.peer.to_string(),
                &o.hello,
                o.certificate,
                o.error.as_deref(),
            );
        }
    }
    let tls_assessment = ClientAssessment::new(&seen);
    tls_assessment.attach(&mut results);
    let written = kmip_report::write_all(&results, &report_dir)
        .with_context(|| format!("writing reports to {}", report_dir.display()))?;
    let tls_file = report_dir.join("tls-client-assessment.json");
    std::fs::write(&tls_file, serde_json::to_vec_pretty(&tls_assessment)?)
        .with_context(|| format!("writing {}", tls_file.display()))?;
    if !args.quiet {
        for h in &tls_assessment.hellos {
            eprintln!(
                "client TLS: offered versions {:?}, {} suite(s), groups {:?}",
                h.offered_versions()
                    .iter()
                    .map(|v| v.name())
                    .collect::<Vec<_>>(),
                h.cipher_suites.len(),
                h.groups
                    .iter()
                    .map(|g| kmip_tlsprobe::hello::group_name(*g))
                    .collect::<Vec<_>>()
            );
        }
    }
    print!("{}", kmip_report::render_table(&results));
    for c in &results.cases {
        if matches!(c.status, Status::Fail | Status::Error) {
            eprintln!("{} {}: {}", c.id, c.status.as_str(), c.reason);
            if let Some(d) = &c.divergence {
                eprintln!("{}", d.diff);
            }
        }
    }
    let _ = std::io::stdout().flush();
    if !args.quiet {
        eprintln!(
            "reports: {} ({} files)",
            report_dir.display(),
            written.len()
        );
    }
    let (outcome, notes) = session::judge(&results, &args.gates);
    for n in &notes {
        if n.problem || !args.quiet {
            eprintln!("{}", n.text);
        }
    }
    Ok(ExitCode::from(match outcome {
        Outcome::Passed => 0,
        Outcome::GateFailed => EXIT_GATE,
        _ => EXIT_FAILED,
    }))
}

/// The variations of `--probe robustness` (`--variation`, default all).
fn robustness_variations(args: &Args) -> Result<Vec<Variation>, String> {
    if args.probe.is_none() {
        return Ok(Vec::new());
    }
    if args.variations.is_empty() {
        return Ok(Variation::ALL.to_vec());
    }
    args.variations
        .iter()
        .map(|n| {
            Variation::parse(n).ok_or_else(|| {
                let all: Vec<&str> = Variation::ALL.iter().map(|v| v.name()).collect();
                format!("--variation {n}: unknown (one of {})", all.join(", "))
            })
        })
        .collect()
}

fn print_event(ev: &ClientEvent, verbose: bool, quiet: bool) {
    match ev {
        ClientEvent::Connected(p) if !quiet => eprintln!("client {p} connected"),
        ClientEvent::Disconnected(p, why) if !quiet => match why {
            Some(w) => eprintln!("client {p} disconnected: {w}"),
            None => eprintln!("client {p} disconnected"),
        },
        ClientEvent::Request {
            request,
            response,
            handled,
            wire,
            wire_refused,
            ..
        } => {
            if !quiet {
                match (handled, wire_refused) {
                    (
                        Handled::Matched { case, step, .. } | Handled::Mismatch { case, step, .. },
                        Some(why),
                    ) => eprintln!("{case} FAIL: step {}: {why}", step + 1),
                    (Handled::Unidentified(_), Some(why)) => eprintln!("request refused: {why}"),
                    (Handled::Matched { case, step, last }, None) => eprintln!(
                        "{case} step {}: request matches{}",
                        step + 1,
                        if *last { " (case complete)" } else { "" }
                    ),
                    (Handled::Mismatch { case, reason, .. }, None) => {
                        eprintln!("{case} FAIL: {reason}")
                    }
                    (Handled::Unidentified(why), None) => eprintln!("request refused: {why}"),
                }
            }
            if verbose {
                eprintln!(
                    "--- request ({wire})\n{}--- response\n{}",
                    kmip_ttlv::xml::to_xml(request),
                    kmip_ttlv::xml::to_xml(response)
                );
            }
        }
        _ => {}
    }
}
