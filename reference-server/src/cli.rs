//! Command-line arguments of the reference server, shared by the
//! `kmip-reference-server` binary and `kmip-harness serve` (both flatten
//! [`ServeArgs`]), and the run-until-Ctrl-C driver.

use crate::error::ServerError;
use crate::net::{spawn, ServerConfig};
use crate::tls::TlsConfig;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Options of the reference KMIP server.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:5696")]
    pub listen: SocketAddr,
    /// Directory for generated certificates (CA, server, client); reused
    /// when it already holds them. Default: DATA_DIR/certs with --data-dir,
    /// else a `kmip-reference-server/certs` folder in the temp directory.
    #[arg(long, conflicts_with_all = ["cert", "key"])]
    pub cert_dir: Option<PathBuf>,
    /// Server certificate chain (PEM) instead of generated certificates.
    #[arg(long, requires = "key")]
    pub cert: Option<PathBuf>,
    /// Server private key (PEM).
    #[arg(long, requires = "cert")]
    pub key: Option<PathBuf>,
    /// CA (PEM) that client certificates must chain to.
    #[arg(long, requires = "cert")]
    pub client_ca: Option<PathBuf>,
    /// Require a client certificate (mutual TLS).
    #[arg(long)]
    pub require_client_cert: bool,
    /// Keep objects in a durable store in this directory (default: in memory).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Largest accepted request, in bytes.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    pub max_message_size: usize,
    /// Seconds allowed to receive the rest of a started message.
    #[arg(long, default_value_t = 10)]
    pub read_timeout: u64,
    /// Seconds a connection may stay idle between messages.
    #[arg(long, default_value_t = 300)]
    pub idle_timeout: u64,
    /// Log filter (`error`, `warn`, `info`, `debug`, `trace`, or a tracing
    /// env-filter directive).
    #[arg(long, default_value = "info", env = "KMIP_SERVER_LOG")]
    pub log_level: String,
}

impl ServeArgs {
    /// The server configuration these options describe.
    pub fn to_config(&self) -> ServerConfig {
        let tls = match (&self.cert, &self.key) {
            (Some(cert), Some(key)) => TlsConfig::Files {
                cert_chain: cert.clone(),
                key: key.clone(),
                client_ca: self.client_ca.clone(),
            },
            _ => TlsConfig::Generate {
                cert_dir: Some(self.cert_dir.clone().unwrap_or_else(|| match &self.data_dir {
                    Some(d) => d.join("certs"),
                    None => std::env::temp_dir()
                        .join("kmip-reference-server")
                        .join("certs"),
                })),
            },
        };
        ServerConfig {
            listen: self.listen,
            tls,
            require_client_cert: self.require_client_cert,
            data_dir: self.data_dir.clone(),
            max_message_len: self.max_message_size,
            read_timeout: Duration::from_secs(self.read_timeout.max(1)),
            idle_timeout: Duration::from_secs(self.idle_timeout.max(1)),
            ..ServerConfig::default()
        }
    }

    /// Install a `tracing` subscriber writing to stderr with `--log-level`.
    pub fn init_logging(&self) {
        let filter = tracing_subscriber::EnvFilter::try_new(&self.log_level)
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .try_init();
    }
}

/// Start the server, print where it listens and its certificate files on
/// stdout, and serve until Ctrl-C (or SIGTERM on Unix).
pub async fn serve_until_signal(args: &ServeArgs) -> Result<(), ServerError> {
    let running = spawn(args.to_config()).await?;
    println!("listening on {}", running.addr);
    for f in &running.cert_files {
        println!("certificate file: {}", f.display());
    }
    if let Some(d) = &args.data_dir {
        println!("data directory: {}", d.display());
    }
    wait_for_signal().await;
    println!("shutting down");
    running.shutdown().await;
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
