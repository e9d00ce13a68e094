//! Targets: where the runner sends requests.
//!
//! A [`Connector`] opens one fresh connection per test case. Two are built
//! in: [`TlsConnector`] (a remote `HOST[:PORT]`, TLS via rustls, optional
//! mutual TLS and SNI override) and, with the `reference` feature,
//! `ReferenceTarget` (the bundled reference server started in-process on
//! `127.0.0.1:0` with generated certificates). Tests and wrappers (fault injection, mutation proxies)
//! implement [`Connector`] themselves.

use crate::tls::{self, TlsError, TlsMaterial};
use crate::transport::{BoxStream, TransportError, CONNECT_WHAT};
use rustls::pki_types::ServerName;
use std::future::Future;
#[cfg(feature = "reference")]
use std::net::SocketAddr;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Default KMIP port (KMIP Profiles §5.2 / IANA).
pub const DEFAULT_PORT: u16 = 5696;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Opens connections to a target.
pub trait Connector: Send + Sync {
    /// A new connection, ready for the first request.
    fn connect(&self) -> BoxFuture<'_, Result<BoxStream, TransportError>>;
    /// Human-readable target description (`"127.0.0.1:5696"`, `"reference"`).
    fn describe(&self) -> String;
}

/// What `--target` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetSpec {
    /// The bundled reference server, in-process.
    Reference,
    /// A remote server.
    Remote {
        /// Host name or IP address (IPv6 without brackets).
        host: String,
        /// TCP port.
        port: u16,
    },
}

/// `--target` could not be parsed.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid target {0:?}: expected `reference`, HOST, HOST:PORT or [IPv6]:PORT")]
pub struct BadTarget(pub String);

impl FromStr for TargetSpec {
    type Err = BadTarget;

    fn from_str(s: &str) -> Result<TargetSpec, BadTarget> {
        let bad = || BadTarget(s.to_string());
        let s2 = s.trim();
        if s2.eq_ignore_ascii_case("reference") {
            return Ok(TargetSpec::Reference);
        }
        if s2.is_empty() || s2.contains('/') || s2.chars().any(char::is_whitespace) {
            return Err(bad());
        }
        let port_of = |p: &str| p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(bad);
        if let Some(rest) = s2.strip_prefix('[') {
            let (host, after) = rest.split_once(']').ok_or_else(bad)?;
            if host.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(bad());
            }
            let port = match after {
                "" => DEFAULT_PORT,
                p => port_of(p.strip_prefix(':').ok_or_else(bad)?)?,
            };
            return Ok(TargetSpec::Remote {
                host: host.to_string(),
                port,
            });
        }
        if s2.parse::<std::net::Ipv6Addr>().is_ok() {
            return Ok(TargetSpec::Remote {
                host: s2.to_string(),
                port: DEFAULT_PORT,
            });
        }
        match s2.rsplit_once(':') {
            Some((h, p)) if !h.is_empty() && !h.contains(':') => Ok(TargetSpec::Remote {
                host: h.to_string(),
                port: port_of(p)?,
            }),
            Some(_) => Err(bad()),
            None => Ok(TargetSpec::Remote {
                host: s2.to_string(),
                port: DEFAULT_PORT,
            }),
        }
    }
}

impl std::fmt::Display for TargetSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetSpec::Reference => f.write_str("reference"),
            TargetSpec::Remote { host, port } if host.contains(':') => write!(f, "[{host}]:{port}"),
            TargetSpec::Remote { host, port } => write!(f, "{host}:{port}"),
        }
    }
}

/// Why a connector could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// Bad TLS material.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The SNI / host is not a valid TLS server name.
    #[error("invalid TLS server name {0:?}")]
    ServerName(String),
    /// The reference server did not start.
    #[error("reference server did not start: {0}")]
    Reference(String),
    /// The TLS backend asked for is not compiled in.
    #[error("{0}")]
    Unsupported(String),
}

/// With `--target reference` the bundled server is started with generated
/// certificates the runner trusts itself, so the TLS options of a remote
/// target (`--ca`, `--cert`, `--key`, `--sni`, `--tls-backend openssl`)
/// cannot take effect: the first one `given` (flag name, was it given) is
/// an error that says so.
pub fn reference_tls_flags(given: &[(&str, bool)]) -> Result<(), String> {
    match given.iter().find(|(_, g)| *g) {
        Some((flag, _)) => Err(format!(
            "{flag} has no effect with the reference target: it is started with generated certificates that the harness trusts itself (the TLS options are for a HOST:PORT target)"
        )),
        None => Ok(()),
    }
}

/// Which TLS implementation talks to a remote target.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum TlsBackend {
    /// rustls (default): TLS 1.2 / 1.3, ECDHE + AEAD suites only.
    #[default]
    Rustls,
    /// The system OpenSSL (cargo feature `openssl`): also the CBC suites of
    /// the KMIP Basic Authentication Suite.
    Openssl,
}

/// A connector to a remote `host:port` with the chosen TLS backend.
pub fn remote_connector(
    backend: TlsBackend,
    host: &str,
    port: u16,
    sni: Option<&str>,
    material: &TlsMaterial,
    connect_timeout: Duration,
) -> Result<Arc<dyn Connector>, TargetError> {
    match backend {
        TlsBackend::Rustls => Ok(Arc::new(TlsConnector::new(
            host,
            port,
            sni,
            material,
            connect_timeout,
        )?)),
        #[cfg(feature = "openssl")]
        TlsBackend::Openssl => Ok(Arc::new(crate::openssl_backend::OpensslConnector::new(
            host,
            port,
            sni,
            material,
            connect_timeout,
        )?)),
        #[cfg(not(feature = "openssl"))]
        TlsBackend::Openssl => Err(TargetError::Unsupported(
            "this build has no OpenSSL TLS backend: rebuild with `--features openssl`".into(),
        )),
    }
}

/// Connects over TCP + TLS to a remote target.
#[derive(Clone)]
pub struct TlsConnector {
    addr: String,
    server_name: ServerName<'static>,
    config: Arc<rustls::ClientConfig>,
    connect_timeout: Duration,
}

impl TlsConnector {
    /// A connector to `host:port`, verifying the server certificate against
    /// `material.ca_pem` under `sni` (default: the host).
    pub fn new(
        host: &str,
        port: u16,
        sni: Option<&str>,
        material: &TlsMaterial,
        connect_timeout: Duration,
    ) -> Result<TlsConnector, TargetError> {
        let name = sni.unwrap_or(host).to_string();
        let server_name =
            ServerName::try_from(name.clone()).map_err(|_| TargetError::ServerName(name))?;
        let addr = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        Ok(TlsConnector {
            addr,
            server_name,
            config: tls::client_config(material)?,
            connect_timeout,
        })
    }

    async fn connect_inner(&self) -> Result<BoxStream, TransportError> {
        let tcp = tokio::net::TcpStream::connect(&self.addr)
            .await
            .map_err(|source| TransportError::Connect {
                addr: self.addr.clone(),
                source,
            })?;
        let _ = tcp.set_nodelay(true);
        let tls = tokio_rustls::TlsConnector::from(self.config.clone())
            .connect(self.server_name.clone(), tcp)
            .await
            .map_err(|source| TransportError::Handshake {
                addr: self.addr.clone(),
                source,
            })?;
        Ok(Box::new(tls))
    }
}

impl Connector for TlsConnector {
    fn connect(&self) -> BoxFuture<'_, Result<BoxStream, TransportError>> {
        Box::pin(async move {
            match tokio::time::timeout(self.connect_timeout, self.connect_inner()).await {
                Ok(r) => r,
                Err(_) => Err(TransportError::Timeout {
                    what: CONNECT_WHAT,
                    after: self.connect_timeout,
                }),
            }
        })
    }

    fn describe(&self) -> String {
        self.addr.clone()
    }
}

/// The bundled reference server, running in-process on 127.0.0.1 with an
/// ephemeral port and generated certificates, plus a connector to it
/// (feature `reference`).
#[cfg(feature = "reference")]
pub struct ReferenceTarget {
    server: kmip_reference_server::RunningServer,
    connector: TlsConnector,
}

#[cfg(feature = "reference")]
impl ReferenceTarget {
    /// Start the server (mutual TLS when the server hands out a client
    /// certificate) and build a connector trusting its CA.
    pub async fn start(connect_timeout: Duration) -> Result<ReferenceTarget, TargetError> {
        let config = kmip_reference_server::ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: kmip_reference_server::TlsConfig::default(),
            // Requests that allow asynchronous responses get Operation
            // Pending for the creation operations (reproducible async
            // paths for test cases; nothing else changes).
            async_policy: kmip_reference_server::asynchronous::AsyncPolicy::reference_default(),
            // Object ownership and credential checks on, with the users the
            // OASIS v3.0 cases and testcases/server/access authenticate as
            // (every other case runs under the one client certificate, so
            // ownership changes nothing for them).
            access: kmip_reference_server::access::AccessPolicy::reference_default(),
            ..Default::default()
        };
        let server = kmip_reference_server::spawn(config)
            .await
            .map_err(|e| TargetError::Reference(e.to_string()))?;
        let client = match (&server.client_cert_pem, &server.client_key_pem) {
            (Some(c), Some(k)) => Some((c.clone().into_bytes(), k.clone().into_bytes())),
            _ => None,
        };
        let material = TlsMaterial {
            ca_pem: server.ca_cert_pem.clone().into_bytes(),
            client,
        };
        let addr = server.addr;
        let connector = TlsConnector::new(
            &addr.ip().to_string(),
            addr.port(),
            Some("localhost"),
            &material,
            connect_timeout,
        );
        match connector {
            Ok(connector) => Ok(ReferenceTarget { server, connector }),
            Err(e) => {
                server.shutdown().await;
                Err(e)
            }
        }
    }

    /// Address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr
    }

    /// A connector to the server (cheap to clone).
    pub fn connector(&self) -> TlsConnector {
        self.connector.clone()
    }

    /// Stop the server.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

/// Without feature `reference` this build has no bundled server:
/// [`ReferenceTarget::start`] fails with [`TargetError::Unsupported`], so
/// `--target reference` is an error that says so (the type exists so the
/// run API compiles the same with and without the feature).
#[cfg(not(feature = "reference"))]
pub struct ReferenceTarget {
    connector: TlsConnector,
}

#[cfg(not(feature = "reference"))]
impl ReferenceTarget {
    /// Always an error: this build has no reference server.
    pub async fn start(_connect_timeout: Duration) -> Result<ReferenceTarget, TargetError> {
        Err(TargetError::Unsupported(
            "this build has no bundled reference server (build kmip-runner with feature `reference`); use --target HOST:PORT".into(),
        ))
    }

    /// A connector to the server (never reached: `start` fails).
    pub fn connector(&self) -> TlsConnector {
        self.connector.clone()
    }

    /// Stop the server (never reached: `start` fails).
    pub async fn shutdown(self) {}
}

#[cfg(feature = "reference")]
impl Connector for ReferenceTarget {
    fn connect(&self) -> BoxFuture<'_, Result<BoxStream, TransportError>> {
        self.connector.connect()
    }

    fn describe(&self) -> String {
        "reference".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(h: &str, p: u16) -> TargetSpec {
        TargetSpec::Remote {
            host: h.into(),
            port: p,
        }
    }

    #[test]
    fn reference_target_refuses_remote_tls_flags() {
        assert!(reference_tls_flags(&[("--ca", false), ("--sni", false)]).is_ok());
        let e = reference_tls_flags(&[("--ca", false), ("--sni", true)]).expect_err("sni");
        assert!(e.starts_with("--sni has no effect"), "{e}");
    }

    #[test]
    fn target_forms() {
        assert_eq!("reference".parse(), Ok(TargetSpec::Reference));
        assert_eq!("kms.example".parse(), Ok(remote("kms.example", 5696)));
        assert_eq!("127.0.0.1:15696".parse(), Ok(remote("127.0.0.1", 15696)));
        assert_eq!("[::1]:9".parse(), Ok(remote("::1", 9)));
        assert_eq!("[::1]".parse(), Ok(remote("::1", 5696)));
        assert_eq!("::1".parse(), Ok(remote("::1", 5696)));
        for bad in [
            "",
            "host:",
            "host:0",
            "host:99999",
            "[::1",
            "[nothost]:1",
            "a b",
            "http://x",
        ] {
            assert!(bad.parse::<TargetSpec>().is_err(), "{bad}");
        }
        assert_eq!(remote("::1", 9).to_string(), "[::1]:9");
        assert_eq!(remote("h", 9).to_string(), "h:9");
    }

    #[tokio::test]
    async fn refused_connection_is_unreachable() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = l.local_addr().expect("addr").port();
        drop(l);
        let ca = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
        let m = TlsMaterial {
            ca_pem: ca.cert.pem().into_bytes(),
            client: None,
        };
        let c = TlsConnector::new("127.0.0.1", port, None, &m, Duration::from_secs(5))
            .expect("connector");
        let err = c.connect().await.err().expect("refused");
        assert!(err.is_unreachable(), "{err}");
        assert_eq!(c.describe(), format!("127.0.0.1:{port}"));
    }
}
