//! `kmip-harness load`: drive a KMIP server with N concurrent clients for a
//! fixed duration (Create / Get / Destroy cycles, optionally batched) and
//! print operations per second with p50 / p99 latency per operation; the
//! engine is [`kmip_runner::load`]. Exit 0 when every operation succeeded
//! and no created key was lost, 1 otherwise, 3 when no connection could be
//! made, 2 on bad flags.

use super::{EXIT_FAILED, EXIT_UNREACHABLE, EXIT_USAGE};
use anyhow::Context;
use kmip_runner::load::{self, LoadOptions, OpSet};
use kmip_runner::target::{remote_connector, Connector, ReferenceTarget, TargetSpec, TlsBackend};
use kmip_runner::tls::TlsMaterial;
use kmip_ttlv::ttlv::Limits;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// TLS implementation (see `--tls-backend`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// rustls.
    Rustls,
    /// The system OpenSSL (build with `--features openssl`).
    Openssl,
}

/// Arguments of `load`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `reference` (the bundled server, in-process) or HOST[:PORT].
    #[arg(long, default_value = "reference")]
    pub target: String,

    /// Concurrent clients, one persistent connection each.
    #[arg(long, default_value_t = 8)]
    pub clients: usize,

    /// Measured duration, seconds (at most 3600).
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub duration: f64,

    /// The cycle: a comma-separated subset of create,get,destroy (Get and
    /// Destroy act on the keys the cycle created).
    #[arg(long, default_value = "create,get,destroy")]
    pub ops: String,

    /// Batch items per message (K keys per cycle).
    #[arg(long, default_value_t = 1)]
    pub batch: usize,

    /// TCP + TLS connect timeout, seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub connect_timeout: f64,

    /// Timeout for each response, seconds.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    pub timeout: f64,

    /// PEM file of the CA that signed the server certificate (required for
    /// a HOST:PORT target).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,

    /// PEM client certificate (chain) for mutual TLS; needs --key.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,

    /// PEM private key of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,

    /// TLS server name to send (SNI) and verify. Default: the target host.
    #[arg(long, value_name = "NAME")]
    pub sni: Option<String>,

    /// TLS implementation for a HOST:PORT target.
    #[arg(long, value_enum, default_value_t = Backend::Rustls)]
    pub tls_backend: Backend,

    /// Also write the figures as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

fn usage(msg: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("error: {msg}");
    Ok(ExitCode::from(EXIT_USAGE))
}

fn secs(name: &str, v: f64) -> Result<Duration, String> {
    if v.is_finite() && v > 0.0 && v <= 1e6 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(format!("--{name} must be a positive number of seconds"))
    }
}

/// Run the subcommand.
pub fn execute(args: Args) -> anyhow::Result<ExitCode> {
    let spec: TargetSpec = match args.target.parse() {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let ops: OpSet = match args.ops.parse() {
        Ok(o) => o,
        Err(e) => return usage(e),
    };
    let (duration, connect_timeout, message_timeout) = match (
        secs("duration", args.duration),
        secs("connect-timeout", args.connect_timeout),
        secs("timeout", args.timeout),
    ) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return usage(e),
    };
    let opts = LoadOptions {
        clients: args.clients,
        duration,
        ops: ops.clone(),
        batch: args.batch,
        message_timeout,
        limits: Limits::default(),
    };
    if let Err(e) = opts.validate() {
        return usage(e);
    }
    let material = match &spec {
        TargetSpec::Reference => {
            if let Err(e) = kmip_runner::target::reference_tls_flags(&[
                ("--ca", args.ca.is_some()),
                ("--cert", args.cert.is_some()),
                ("--key", args.key.is_some()),
                ("--sni", args.sni.is_some()),
                (
                    "--tls-backend openssl",
                    args.tls_backend == Backend::Openssl,
                ),
            ]) {
                return usage(e);
            }
            None
        }
        TargetSpec::Remote { .. } => {
            let Some(ca) = &args.ca else {
                return usage("--ca FILE is required for a HOST:PORT target");
            };
            Some(TlsMaterial::from_files(
                ca,
                args.cert.as_deref(),
                args.key.as_deref(),
            )?)
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let report = rt.block_on(async {
        let (connector, reference): (Arc<dyn Connector>, Option<ReferenceTarget>) = match &spec {
            TargetSpec::Reference => {
                let r = ReferenceTarget::start(connect_timeout).await?;
                (Arc::new(r.connector()), Some(r))
            }
            TargetSpec::Remote { host, port } => {
                let backend = match args.tls_backend {
                    Backend::Rustls => TlsBackend::Rustls,
                    Backend::Openssl => TlsBackend::Openssl,
                };
                let material = material.as_ref().context("TLS material")?;
                let c = remote_connector(
                    backend,
                    host,
                    *port,
                    args.sni.as_deref(),
                    material,
                    connect_timeout,
                )?;
                (c, None)
            }
        };
        let mut report = load::run_load(connector, opts).await;
        if let Some(r) = reference {
            if let Ok(rep) = report.as_mut() {
                rep.target = format!("reference (in-process, {})", r.addr());
            }
            r.shutdown().await;
        }
        anyhow::Ok(report?)
    })?;
    print!("{}", load::report::render_text(&report, &ops));
    if let Some(p) = &args.json {
        let text = serde_json::to_string_pretty(&load::report::to_json(&report, &ops))?;
        std::fs::write(p, text + "\n").with_context(|| format!("writing {}", p.display()))?;
    }
    if report.total_ok() == 0 && report.connect_errors > 0 {
        return Ok(ExitCode::from(EXIT_UNREACHABLE));
    }
    if report.is_clean() {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(EXIT_FAILED))
    }
}
