//! `kmip-harness notify`: server-initiated operations. Connects to a KMIP
//! client's service port (default 5697), sends the Notify / Put requests of
//! the given test cases and checks the client's acknowledgements against
//! the recorded responses. Cases with any other operation are skipped.
//! Reports as for `run` (role: client).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use kmip_runner::client::notify::{self, CLIENT_SERVICE_PORT};
use kmip_runner::events::EventSink;
use kmip_runner::plan;
use kmip_runner::run::{self, RunInfo, RunOptions};
use kmip_runner::target::{self, TlsBackend};
use kmip_runner::tls::TlsMaterial;
use kmip_testcase::profile::{self, Role};
use kmip_testcase::results::Status;

use super::{EXIT_FAILED, EXIT_USAGE};

/// Arguments of `notify`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The client's service endpoint HOST[:PORT] (default port 5697).
    #[arg(long, value_name = "HOST:PORT")]
    pub client: String,

    /// Test-case files or folders whose requests are Notify / Put.
    #[arg(long = "testcases", value_name = "PATH", num_args = 1.., required = true)]
    pub testcases: Vec<PathBuf>,

    /// CA of the client endpoint's certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub ca: PathBuf,

    /// Certificate the harness presents (PEM).
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,

    /// Key of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,

    /// TLS server name. Default: the host.
    #[arg(long, value_name = "NAME")]
    pub sni: Option<String>,

    /// Timeout for each acknowledgement, seconds. Default 30.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,

    /// Report folder. Default: reports/<UTC timestamp>-notify/
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,

    /// Folder of profile definitions. Default: profiles/
    #[arg(long, value_name = "DIR")]
    pub profiles: Option<PathBuf>,
}

/// Run the subcommand.
pub fn execute(args: Args) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(execute_async(args))
}

fn split_host_port(s: &str) -> Option<(String, u16)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (h, p) = rest.split_once(']')?;
        let port = match p.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if p.is_empty() => CLIENT_SERVICE_PORT,
            None => return None,
        };
        return Some((h.to_string(), port));
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => Some((h.to_string(), p.parse().ok()?)),
        Some(_) => Some((s.to_string(), CLIENT_SERVICE_PORT)),
        None => Some((s.to_string(), CLIENT_SERVICE_PORT)),
    }
}

async fn execute_async(args: Args) -> anyhow::Result<ExitCode> {
    let started = run::rfc3339_now();
    let t0 = Instant::now();
    let Some((host, port)) = split_host_port(args.client.trim()) else {
        eprintln!(
            "error: invalid --client {:?}: expected HOST[:PORT]",
            args.client
        );
        return Ok(ExitCode::from(EXIT_USAGE));
    };
    let material = TlsMaterial::from_files(&args.ca, args.cert.as_deref(), args.key.as_deref())
        .map_err(|e| anyhow::anyhow!("TLS material: {e}"))?;
    let connector = target::remote_connector(
        TlsBackend::Rustls,
        &host,
        port,
        args.sni.as_deref(),
        &material,
        Duration::from_secs(10),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let planned = match plan::load_all(&args.testcases) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: loading test cases: {e}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    let mut opts = RunOptions::default();
    opts.case.message_timeout = Duration::from_secs_f64(args.timeout.max(0.1));
    opts.case.cleanup = false;
    let cases = notify::send_cases(&*connector, &planned, &opts, &EventSink::none()).await;
    let profiles_dir = args
        .profiles
        .clone()
        .unwrap_or_else(|| PathBuf::from("profiles"));
    let profiles = if profiles_dir.is_dir() {
        profile::load_profiles(&profiles_dir).unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut results = run::assemble(
        RunInfo {
            target: format!("client service {host}:{port}"),
            encoding: "ttlv".to_string(),
            started,
            duration_s: t0.elapsed().as_secs_f64(),
        },
        cases,
        &profiles,
    );
    results.role = "client".to_string();
    results.profiles = profile::evaluate(&profiles, &results.cases, Role::Client);
    let report_dir = args
        .report_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(format!("{}-notify", run::utc_stamp())));
    kmip_report::write_all(&results, &report_dir)
        .with_context(|| format!("writing reports to {}", report_dir.display()))?;
    print!("{}", kmip_report::render_table(&results));
    for c in &results.cases {
        if c.status != Status::Pass {
            eprintln!("{} {}: {}", c.id, c.status.as_str(), c.reason);
        }
    }
    let ok = results.cases.iter().any(|c| c.status == Status::Pass)
        && !results
            .cases
            .iter()
            .any(|c| matches!(c.status, Status::Fail | Status::Error));
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILED)
    })
}
