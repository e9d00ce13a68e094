//! Command-line arguments of the reference server, shared by the
//! `kmip-reference-server` binary and `kmip-harness serve` (both flatten
//! [`ServeArgs`]), and the run-until-Ctrl-C driver.

use crate::error::ServerError;
use crate::net::{spawn, ServerConfig};
use kmip_wire::tls::{CertSource as TlsConfig, ServerTlsOptions};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Options of the reference KMIP server.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on (TTLV, XML and JSON messages, raw on the TLS
    /// stream or as HTTPS POSTs to --https-path).
    #[arg(long, default_value = "127.0.0.1:5696")]
    pub listen: SocketAddr,
    /// Also listen on this address for HTTPS only.
    #[arg(long)]
    pub https_listen: Option<SocketAddr>,
    /// HTTP request target of the KMIP HTTPS transport.
    #[arg(long, default_value = "/kmip")]
    pub https_path: String,
    /// Directory for generated certificates (CA, server, client); reused
    /// when it already holds them. Clients trust its `ca.pem`. Default:
    /// DATA_DIR/certs with --data-dir, else a `kmip-reference-server/certs`
    /// folder in the temp directory.
    #[arg(long)]
    pub cert_dir: Option<PathBuf>,
    /// Server certificate chain (PEM) instead of generated certificates.
    #[arg(long, requires = "key")]
    pub cert: Option<PathBuf>,
    /// Server private key (PEM).
    #[arg(long, requires = "cert")]
    pub key: Option<PathBuf>,
    /// CA (PEM) that client certificates must chain to. Works with
    /// --cert/--key and with generated certificates (it then replaces the
    /// generated CA for client certificates).
    #[arg(long)]
    pub client_ca: Option<PathBuf>,
    /// Require a client certificate (mutual TLS): signed by --client-ca, or
    /// by the generated CA when certificates are generated.
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
    /// Push Notify / Put to this client service endpoint (KMIP client
    /// service, usually port 5697) after every object change; repeatable.
    #[arg(
        long = "notify-client",
        value_name = "HOST:PORT",
        requires = "notify_ca"
    )]
    pub notify_clients: Vec<SocketAddr>,
    /// CA (PEM) that the client service endpoints' certificates chain to.
    #[arg(long)]
    pub notify_ca: Option<PathBuf>,
    /// Protocol version of pushed Notify / Put messages (MAJOR.MINOR).
    /// Default 1.4.
    #[arg(long, value_parser = parse_version)]
    pub notify_version: Option<(i32, i32)>,
    /// Operations to process asynchronously when a request's Asynchronous
    /// Indicator allows it (True in 1.x, Optional in 2.x; Mandatory defers
    /// every operation anyway): comma-separated spec names in kebab case,
    /// e.g. `create,create-key-pair,derive-key`. Such a request gets
    /// Operation Pending and an Asynchronous Correlation Value; Poll
    /// returns the result, Cancel cancels it. Default: none.
    #[arg(long, value_name = "OPS", value_parser = parse_async_ops)]
    pub async_ops: Option<std::collections::BTreeSet<u32>>,
    /// Milliseconds a deferred operation stays pending at least: a Poll
    /// before then answers Pending again. Needs --async-ops (or a
    /// Mandatory request).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub async_delay_ms: u64,
    /// Enforce object ownership: every object created gets the requester's
    /// identity as owner (the user or device authenticated by a credential
    /// or Login ticket, else the TLS client certificate's subject); another
    /// identity gets Permission Denied on it and Locate does not return it;
    /// the same holds for Poll / Cancel / Process of an asynchronous
    /// request. KMIP 3.0: an object with a Group Link is also usable by the
    /// users whose User object links to the same group. Objects without an
    /// owner stay visible to all. Off by default.
    #[arg(long)]
    pub access_control: bool,
    /// Check Username and Password credentials against this file (one
    /// `username:password` a line, `#` comments): a wrong one fails the
    /// message with Authentication Not Successful (unless it matches a KMIP
    /// 3.0 User object: a User named USERNAME with a Credential Link to a
    /// Password Credential holding the password). Requests without such a
    /// credential are served under their TLS identity. Off by default.
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,
    /// Check Device credentials against this file (one device a line:
    /// `NAME:field=value;…` with fields serial, password, device-id,
    /// network-id, machine-id, media-id; every field given must be sent
    /// with that value): a Device credential that matches no device fails
    /// the message with Authentication Not Successful; a matching one makes
    /// the requester `device:NAME`. Off by default.
    #[arg(long, value_name = "FILE")]
    pub devices: Option<PathBuf>,
    /// Log filter (`error`, `warn`, `info`, `debug`, `trace`, or a tracing
    /// env-filter directive).
    #[arg(long, default_value = "info", env = "KMIP_SERVER_LOG")]
    pub log_level: String,
}

impl ServeArgs {
    /// Refuse option combinations where an option could not take effect,
    /// saying why (instead of silently ignoring it).
    pub fn validate(&self) -> Result<(), ServerError> {
        let bad = |m: &str| Err(ServerError::Config(m.to_string()));
        self.tls_options()
            .source(None)
            .map_err(|e| ServerError::Config(e.to_string()))?;
        if self.notify_clients.is_empty() {
            if self.notify_ca.is_some() {
                return bad("--notify-ca has no effect without --notify-client: it is the CA of the client service endpoints pushed to");
            }
            if self.notify_version.is_some() {
                return bad(
                    "--notify-version has no effect without --notify-client: nothing is pushed",
                );
            }
        } else if self.notify_ca.is_none() {
            return bad("--notify-client needs --notify-ca: the CA that the client service endpoint's certificate chains to");
        }
        if self.https_listen.is_some_and(|a| a == self.listen) {
            return bad(
                "--https-listen must differ from --listen: the main address already accepts HTTPS",
            );
        }
        Ok(())
    }

    fn tls_options(&self) -> ServerTlsOptions {
        ServerTlsOptions {
            cert: self.cert.clone(),
            key: self.key.clone(),
            client_ca: self.client_ca.clone(),
            cert_dir: self.cert_dir.clone(),
            require_client_cert: self.require_client_cert,
        }
    }

    /// Where generated certificates are kept (`None` with --cert/--key).
    pub fn generated_cert_dir(&self) -> Option<PathBuf> {
        if self.cert.is_some() {
            return None;
        }
        Some(self.cert_dir.clone().unwrap_or_else(|| {
            match &self.data_dir {
                Some(d) => d.join("certs"),
                None => std::env::temp_dir()
                    .join("kmip-reference-server")
                    .join("certs"),
            }
        }))
    }

    /// The server configuration these options describe (see
    /// [`ServeArgs::validate`] for the combinations refused).
    ///
    /// Fails when the --users file cannot be read.
    pub fn to_config(&self) -> Result<ServerConfig, ServerError> {
        let tls = match (&self.cert, &self.key) {
            (Some(cert), Some(key)) => TlsConfig::Files {
                cert_chain: cert.clone(),
                key: key.clone(),
                client_ca: self.client_ca.clone(),
            },
            _ => TlsConfig::Generate {
                cert_dir: self.generated_cert_dir(),
                client_ca: self.client_ca.clone(),
            },
        };
        let users = self
            .users
            .as_deref()
            .map(crate::access::AccessPolicy::load_users)
            .transpose()?;
        let devices = self
            .devices
            .as_deref()
            .map(crate::access::AccessPolicy::load_devices)
            .transpose()?;
        Ok(ServerConfig {
            listen: self.listen,
            tls,
            require_client_cert: self.require_client_cert,
            data_dir: self.data_dir.clone(),
            max_message_len: self.max_message_size,
            read_timeout: Duration::from_secs(self.read_timeout.max(1)),
            idle_timeout: Duration::from_secs(self.idle_timeout.max(1)),
            https_path: self.https_path.clone(),
            https_listen: self.https_listen,
            notify_clients: self.notify_clients.clone(),
            notify_ca: self.notify_ca.clone(),
            notify_version: self.notify_version.unwrap_or((1, 4)),
            async_policy: crate::asynchronous::AsyncPolicy {
                ops: self.async_ops.clone().unwrap_or_default(),
                delay: Duration::from_millis(self.async_delay_ms),
            },
            access: crate::access::AccessPolicy {
                access_control: self.access_control,
                users,
                devices,
            },
            ..ServerConfig::default()
        })
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
    args.validate()?;
    let running = spawn(args.to_config()?).await?;
    println!("listening on {}", running.addr);
    if let Some(a) = running.https_addr {
        println!("listening for HTTPS on {a}");
    }
    for f in &running.cert_files {
        println!("certificate file: {}", f.display());
    }
    if let Some(d) = args.generated_cert_dir() {
        println!(
            "server CA (clients trust it): {}",
            d.join("ca.pem").display()
        );
    }
    if let Some(ca) = &args.client_ca {
        println!("client certificates verified against: {}", ca.display());
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

/// Parse `--async-ops`.
fn parse_async_ops(s: &str) -> Result<std::collections::BTreeSet<u32>, String> {
    crate::asynchronous::AsyncPolicy::parse_ops(s).map_err(|e| e.to_string())
}

/// Parse `MAJOR.MINOR` (e.g. `1.4`, `2.1`).
fn parse_version(s: &str) -> Result<(i32, i32), String> {
    let (a, b) = s
        .split_once('.')
        .ok_or_else(|| format!("expected MAJOR.MINOR, got {s:?}"))?;
    let major: i32 = a
        .parse()
        .map_err(|_| format!("bad major version in {s:?}"))?;
    let minor: i32 = b
        .parse()
        .map_err(|_| format!("bad minor version in {s:?}"))?;
    if !(1..=3).contains(&major) {
        return Err(format!("unsupported protocol version {s}"));
    }
    Ok((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        serve: ServeArgs,
    }

    fn args(a: &[&str]) -> ServeArgs {
        let mut v = vec!["serve"];
        v.extend_from_slice(a);
        Cli::try_parse_from(v).expect("parses").serve
    }

    #[test]
    fn client_ca_takes_effect_with_generated_certificates() {
        let a = args(&["--client-ca", "/x/ca.pem", "--cert-dir", "/tmp/c"]);
        a.validate().expect("valid");
        match a.to_config().expect("config").tls {
            TlsConfig::Generate {
                cert_dir,
                client_ca,
            } => {
                assert_eq!(cert_dir, Some(PathBuf::from("/tmp/c")));
                assert_eq!(client_ca, Some(PathBuf::from("/x/ca.pem")));
            }
            other => panic!("generated certificates expected, got {other:?}"),
        }
    }

    #[test]
    fn async_flags_make_the_policy() {
        use crate::spec::enums::operation as o;
        let a = args(&[
            "--async-ops",
            "create,create-key-pair",
            "--async-delay-ms",
            "250",
        ]);
        let p = a.to_config().expect("config").async_policy;
        assert_eq!(p.ops, [o::CREATE, o::CREATE_KEY_PAIR].into_iter().collect());
        assert_eq!(p.delay, Duration::from_millis(250));
        assert_eq!(
            args(&[]).to_config().expect("config").async_policy,
            Default::default()
        );
        let mut v = vec!["serve", "--async-ops", "create,no-such-op"];
        assert!(Cli::try_parse_from(v.clone()).is_err(), "unknown operation");
        v[2] = "poll";
        assert!(
            Cli::try_parse_from(v).is_err(),
            "Poll is never asynchronous"
        );
    }

    #[test]
    fn combinations_that_cannot_take_effect_are_errors() {
        for (a, why) in [
            (
                &["--cert", "c", "--key", "k", "--cert-dir", "d"][..],
                "--cert-dir has no effect",
            ),
            (
                &["--cert", "c", "--key", "k", "--require-client-cert"][..],
                "needs --client-ca",
            ),
            (&["--notify-ca", "ca.pem"][..], "--notify-ca has no effect"),
            (
                &["--notify-version", "2.1"][..],
                "--notify-version has no effect",
            ),
            (
                &["--listen", "127.0.0.1:9", "--https-listen", "127.0.0.1:9"][..],
                "must differ",
            ),
        ] {
            let e = args(a).validate().expect_err(why).to_string();
            assert!(e.contains(why), "{a:?}: {e}");
        }
        args(&[
            "--cert",
            "c",
            "--key",
            "k",
            "--client-ca",
            "ca",
            "--require-client-cert",
        ])
        .validate()
        .expect("files with a client CA");
        args(&["--require-client-cert"])
            .validate()
            .expect("generated CA verifies client certificates");
    }
}
