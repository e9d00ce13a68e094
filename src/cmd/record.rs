//! `kmip-harness record`: a recording TLS proxy. Clients connect to
//! `--listen` and speak TTLV, KMIP XML or KMIP JSON, raw or over HTTPS;
//! every message is forwarded to `--upstream` (or the bundled reference
//! server with `--upstream reference`) in the client's format (unchanged)
//! or the one `--upstream-encoding` / `--upstream-transport` name, and the
//! answer goes back in the client's format; when the
//! proxy stops (Ctrl-C, or `--idle-timeout` / `--max-exchanges`), the
//! conversation is written to `--out` as a test case in the OASIS XML
//! notation with generated identifiers and times as `$` variables, ready to
//! `run` against another server.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use kmip_runner::client::record::{self, ProxyOptions, Recording, UpstreamWire};
use kmip_runner::target::{self, Connector, TargetSpec, TlsBackend};
use kmip_runner::tls::TlsMaterial;

use super::EXIT_USAGE;

/// Arguments of `record`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address clients connect to (TLS; binary TTLV, KMIP XML or KMIP
    /// JSON, raw or as HTTPS POSTs to --https-path, told apart per message).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:5696")]
    pub listen: String,

    /// HTTP request target clients post to over HTTPS (others get 404).
    #[arg(long, value_name = "PATH", default_value = "/kmip")]
    pub https_path: String,

    /// The real server: HOST[:PORT] (TLS, default port 5696), or
    /// `reference` for the bundled reference server started in-process.
    #[arg(long, value_name = "HOST:PORT|reference")]
    pub upstream: String,

    /// Encoding of the messages sent to the upstream: `same` (each request
    /// as the client sent it, bytes unchanged), or ttlv / xml / json
    /// (re-encoded; the response is re-encoded back for the client).
    #[arg(long, value_enum, value_name = "ENCODING", default_value_t = UpstreamEncoding::Same)]
    pub upstream_encoding: UpstreamEncoding,

    /// Transport to the upstream: `same` as the client's, tls (raw on the
    /// TLS stream) or https (HTTP/1.1 POSTs to --upstream-https-path).
    #[arg(long, value_enum, value_name = "TRANSPORT", default_value_t = UpstreamTransport::Same)]
    pub upstream_transport: UpstreamTransport,

    /// HTTP request target of the upstream's HTTPS transport.
    #[arg(long, value_name = "PATH", default_value = "/kmip")]
    pub upstream_https_path: String,

    /// Test-case file to write.
    #[arg(long, value_name = "FILE.xml")]
    pub out: PathBuf,

    /// Case id written in the file's comment. Default: the file stem.
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// CA of the upstream server's certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,

    /// Client certificate presented to the upstream server (PEM).
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,

    /// Key of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,

    /// TLS server name of the upstream. Default: its host.
    #[arg(long, value_name = "NAME")]
    pub sni: Option<String>,

    /// Folder where the proxy's own TLS material (the side clients see) is
    /// generated or reused: ca.pem for the client to trust, client.pem /
    /// client-key.pem it may present.
    #[arg(long, value_name = "DIR", default_value = "reports/record-certs")]
    pub cert_dir: PathBuf,

    /// Stop after this many seconds without a new exchange (once at least
    /// one was recorded). Default: run until Ctrl-C.
    #[arg(long, value_name = "SECONDS")]
    pub idle_timeout: Option<f64>,

    /// Write the listening address (HOST:PORT) to this file once ready.
    #[arg(long, value_name = "FILE")]
    pub ready_file: Option<PathBuf>,
}

/// `--upstream-encoding`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpstreamEncoding {
    /// The client's encoding.
    Same,
    /// Binary TTLV.
    Ttlv,
    /// KMIP XML.
    Xml,
    /// KMIP JSON.
    Json,
}

/// `--upstream-transport`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpstreamTransport {
    /// The client's transport.
    Same,
    /// Raw messages on the TLS stream.
    Tls,
    /// HTTPS POSTs.
    Https,
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
    let spec: TargetSpec = match args.upstream.parse() {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    if spec == TargetSpec::Reference {
        if let Err(e) = target::reference_tls_flags(&[
            ("--ca", args.ca.is_some()),
            ("--cert", args.cert.is_some()),
            ("--key", args.key.is_some()),
            ("--sni", args.sni.is_some()),
        ]) {
            return usage(e);
        }
    }
    let timeout = Duration::from_secs(10);
    let mut reference = None;
    let upstream: Arc<dyn Connector> = match &spec {
        TargetSpec::Reference => {
            let r = target::ReferenceTarget::start(timeout)
                .await
                .map_err(|e| anyhow::anyhow!("starting the reference server: {e}"))?;
            let c: Arc<dyn Connector> = Arc::new(r.connector());
            reference = Some(r);
            c
        }
        TargetSpec::Remote { host, port } => {
            let Some(ca) = &args.ca else {
                return usage("--ca is required for a HOST:PORT upstream");
            };
            let material = TlsMaterial::from_files(ca, args.cert.as_deref(), args.key.as_deref())
                .map_err(|e| anyhow::anyhow!("upstream TLS material: {e}"))?;
            target::remote_connector(
                TlsBackend::Rustls,
                host,
                *port,
                args.sni.as_deref(),
                &material,
                timeout,
            )
            .map_err(|e| anyhow::anyhow!("upstream: {e}"))?
        }
    };
    std::fs::create_dir_all(&args.cert_dir)
        .with_context(|| format!("creating {}", args.cert_dir.display()))?;
    let material = kmip_wire::tls::material(&kmip_wire::tls::CertSource::Generate {
        cert_dir: Some(args.cert_dir.clone()),
        client_ca: None,
    })
    .map_err(|e| anyhow::anyhow!("TLS material: {e}"))?;
    let server_cfg = kmip_wire::tls::server_config(&material, false)
        .map_err(|e| anyhow::anyhow!("TLS configuration: {e}"))?;
    let listener = match tokio::net::TcpListener::bind(&args.listen).await {
        Ok(l) => l,
        Err(e) => return usage(format!("cannot listen on {}: {e}", args.listen)),
    };
    let addr = listener.local_addr().context("listening address")?;
    eprintln!(
        "record: listening on {addr}, forwarding to {}; clients trust {}",
        upstream.describe(),
        args.cert_dir.join("ca.pem").display()
    );
    if let Some(f) = &args.ready_file {
        std::fs::write(f, addr.to_string()).with_context(|| format!("writing {}", f.display()))?;
    }
    let recording = Recording::new();
    let watch = recording.clone();
    let idle = args
        .idle_timeout
        .map(|s| Duration::from_secs_f64(s.max(0.1)));
    let stop = async move {
        let idle_stop = async {
            let Some(idle) = idle else {
                std::future::pending::<()>().await;
                return;
            };
            let mut seen = 0usize;
            let mut since = Instant::now();
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                let n = watch.exchanges().len();
                if n != seen {
                    seen = n;
                    since = Instant::now();
                } else if n > 0 && since.elapsed() >= idle {
                    return;
                }
            }
        };
        tokio::select! {
            r = tokio::signal::ctrl_c() => {
                if r.is_err() {
                    std::future::pending::<()>().await;
                }
            }
            () = idle_stop => {}
        }
    };
    let log: Arc<dyn Fn(String) + Send + Sync> = Arc::new(|m| eprintln!("record: {m}"));
    let opts = ProxyOptions {
        listen: kmip_wire::WireMode {
            encoding: None,
            transport: None,
            https_path: args.https_path.clone(),
        },
        upstream: UpstreamWire {
            encoding: match args.upstream_encoding {
                UpstreamEncoding::Same => None,
                UpstreamEncoding::Ttlv => Some(kmip_wire::Encoding::Ttlv),
                UpstreamEncoding::Xml => Some(kmip_wire::Encoding::Xml),
                UpstreamEncoding::Json => Some(kmip_wire::Encoding::Json),
            },
            transport: match args.upstream_transport {
                UpstreamTransport::Same => None,
                UpstreamTransport::Tls => Some(kmip_wire::Transport::Tls),
                UpstreamTransport::Https => Some(kmip_wire::Transport::Https),
            },
            https_path: args.upstream_https_path.clone(),
            host: match &spec {
                TargetSpec::Remote { host, .. } => host.clone(),
                TargetSpec::Reference => "localhost".to_string(),
            },
        },
        ..ProxyOptions::default()
    };
    record::proxy(
        listener,
        server_cfg,
        upstream.clone(),
        recording.clone(),
        opts,
        log,
        stop,
    )
    .await;
    if let Some(r) = reference {
        r.shutdown().await;
    }
    let exchanges = recording.exchanges();
    let id = args.id.clone().unwrap_or_else(|| {
        args.out.file_stem().map_or_else(
            || "RECORDED".to_string(),
            |s| s.to_string_lossy().into_owned(),
        )
    });
    let text = record::to_test_case(&exchanges, &id, &upstream.describe());
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(&args.out, text).with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "record: {} exchange(s) written to {}",
        exchanges.len(),
        args.out.display()
    );
    if exchanges.is_empty() {
        return Ok(ExitCode::from(super::EXIT_FAILED));
    }
    Ok(ExitCode::SUCCESS)
}
