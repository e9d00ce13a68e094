//! `kmip-harness interop --clients clients.yaml --servers servers.yaml`:
//! every client runs its cases against every server through the recording
//! proxy; each exchange is judged on both sides (request: client rules,
//! response: server rules) and the client × server matrix is written in
//! every format (`interop.txt`, `interop.json`, `interop-junit.xml`,
//! `interop.md`, `interop.html`) with the recordings as OASIS-XML test
//! cases under `--out`. YAML formats: docs/interop.md. The logic lives in
//! `kmip_runner::client::interop`; rendering in `kmip_report::interop`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use kmip_runner::client::interop::{self, InteropSpec};
use kmip_testcase::results::Status;

use super::{EXIT_FAILED, EXIT_USAGE};

/// Arguments of `interop`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The clients (rows): driver commands or `kmip-harness run`, each with
    /// its test cases (docs/interop.md).
    #[arg(long, value_name = "FILE.yaml")]
    pub clients: PathBuf,

    /// The servers (columns): `reference`, `pykmip`, or `remote` HOST:PORT
    /// with CA / certificate / key (docs/interop.md).
    #[arg(long, value_name = "FILE.yaml")]
    pub servers: PathBuf,

    /// Output folder: the reports, `recordings/CLIENT/SERVER/CASE.xml`, the
    /// proxy's TLS material (`certs/`) and per-case `run` reports.
    #[arg(long, value_name = "DIR", default_value = "reports/interop")]
    pub out: PathBuf,

    /// Clock skew allowed for `$NOW` (seconds).
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub clock_skew: u32,

    /// Only the matrix and the totals line (no per-case lines).
    #[arg(long)]
    pub quiet: bool,
}

/// Run the subcommand: exit 0 when no conversation failed or errored, 1
/// otherwise, 2 on a usage / input error.
pub fn execute(args: Args) -> anyhow::Result<ExitCode> {
    let clients = match interop::read_file(&args.clients, interop::parse_clients) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    let servers = match interop::read_file(&args.servers, interop::parse_servers) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    let harness = std::env::current_exe().context("locating the kmip-harness executable")?;
    let spec = InteropSpec {
        clients,
        servers,
        out_dir: args.out.clone(),
        harness,
        now_tolerance_s: i64::from(args.clock_skew),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let quiet = args.quiet;
    let results = rt.block_on(interop::execute(&spec, |client, server, c| {
        if !quiet {
            let side = c
                .broken_by
                .map_or(String::new(), |s| format!(" [broken by {}]", s.as_str()));
            eprintln!(
                "{client} x {server}: {} {}{side} {}",
                c.id,
                c.status.as_str(),
                c.reason.lines().next().unwrap_or("")
            );
        }
    }));
    let results = match results {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    print!("{}", kmip_report::interop::render_interop_table(&results));
    let written = kmip_report::interop::write_interop_all(&results, &args.out)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(html) = written.iter().find(|p| p.ends_with("interop.html")) {
        eprintln!(
            "interop: reports in {} ({})",
            args.out.display(),
            html.display()
        );
    }
    let bad = results.cells.iter().any(|c| {
        c.cases
            .iter()
            .any(|k| matches!(k.status, Status::Fail | Status::Error))
    });
    Ok(if bad {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}
