//! The network edge: a TLS listener (tokio + rustls) that reads KMIP
//! messages in any encoding — binary TTLV, KMIP XML or KMIP JSON, sent
//! directly on the TLS stream or as HTTPS POSTs to `https_path` — hands
//! them to the protocol core and answers in the encoding and transport each
//! request used (see [`kmip_wire::conn`]). One port serves all of them:
//! the first byte of each message tells them apart (TTLV starts with 0x42,
//! XML with `<`, JSON with `{`, HTTP with an upper-case method name).
//!
//! Per connection: any number of request/response exchanges. A TTLV
//! message is framed by its 8-byte header, so a declared length above
//! `max_message_len` is rejected before anything is allocated; XML / JSON
//! messages are framed by a bounded scanner and HTTP bodies by
//! `Content-Length`, under the same size limit. A message that cannot be
//! framed gets an Invalid Message response (HTTP errors get an HTTP status)
//! and the connection is closed, since the stream cannot be
//! resynchronised. Waiting for the first byte of a message is bounded by
//! `idle_timeout`; once a message has started, the rest must arrive within
//! `read_timeout` or the connection is dropped (a stalled half message
//! never pins a task). Light requests are handled on the connection's I/O
//! task; CPU-heavy ones (key-pair generation, private-key operations, large
//! batches, Locate) go to the bounded worker pool ([`crate::pool`]) and
//! ones that wait on a durable commit to the blocking pool, so neither
//! stalls the reactor (see [`crate::server::Cost`]). Shutdown (the
//! [`RunningServer::shutdown`] handle, or Ctrl-C in the binaries) stops
//! accepting, lets in-flight exchanges finish, and closes the connections.

use crate::error::ServerError;
use crate::server::{Cost, Server};
use crate::store::{MemoryStore, RedbStore, Store};
use kmip_wire::tls::{self, CertSource as TlsConfig};
use kmip_wire::{
    Encoding, ExchangeError, ExchangeLimits, ReplyTo, ServerConn, Transport, WireMode,
};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

/// Network server configuration.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Address to listen on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Certificates.
    pub tls: TlsConfig,
    /// Reject clients without a certificate signed by the client CA.
    pub require_client_cert: bool,
    /// Keep objects in a durable store in this directory (in memory if `None`).
    pub data_dir: Option<PathBuf>,
    /// Largest accepted request message, header included.
    pub max_message_len: usize,
    /// Time allowed for the rest of a message once its first byte arrived,
    /// and for the TLS handshake.
    pub read_timeout: Duration,
    /// Time a connection may sit idle between messages.
    pub idle_timeout: Duration,
    /// Most connections served at once (others wait in the accept queue).
    pub max_connections: usize,
    /// HTTP request target of the KMIP HTTPS transport (other targets get
    /// 404).
    pub https_path: String,
    /// A second address that accepts only HTTPS (the main one accepts
    /// every encoding and transport).
    pub https_listen: Option<SocketAddr>,
    /// Client service endpoints (KMIP client service, default port 5697)
    /// to push Notify / Put to after object changes; empty = off.
    pub notify_clients: Vec<SocketAddr>,
    /// CA (PEM) that the client service endpoints' certificates chain to;
    /// required with `notify_clients`.
    pub notify_ca: Option<PathBuf>,
    /// Protocol version of pushed messages.
    pub notify_version: (i32, i32),
    /// Operations deferred when a request allows asynchronous responses
    /// (empty: none; see [`crate::asynchronous`]).
    pub async_policy: crate::asynchronous::AsyncPolicy,
    /// Authentication and access control (off by default; see
    /// [`crate::access`]).
    pub access: crate::access::AccessPolicy,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 5696)),
            tls: TlsConfig::default(),
            require_client_cert: false,
            data_dir: None,
            max_message_len: 16 * 1024 * 1024,
            read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(300),
            max_connections: 1024,
            https_path: "/kmip".to_string(),
            https_listen: None,
            notify_clients: Vec::new(),
            notify_ca: None,
            notify_version: (1, 4),
            async_policy: crate::asynchronous::AsyncPolicy::default(),
            access: crate::access::AccessPolicy::default(),
        }
    }
}

/// The Notify / Put pusher for `config.notify_clients` (`None` when off).
fn notifier(config: &ServerConfig) -> Result<Option<crate::notify::Notifier>, ServerError> {
    if config.notify_clients.is_empty() {
        return Ok(None);
    }
    let ca = config.notify_ca.as_ref().ok_or_else(|| {
        ServerError::Tls("--notify-client needs --notify-ca (the client service's CA)".into())
    })?;
    let tls = tls::client_config(&tls::ClientMaterial::from_files(ca, None, None)?)?;
    let endpoints = config
        .notify_clients
        .iter()
        .map(|addr| crate::notify::Endpoint {
            addr: *addr,
            server_name: rustls::pki_types::ServerName::IpAddress(addr.ip().into()),
            tls: tls.clone(),
        })
        .collect();
    Ok(crate::notify::Notifier::spawn(
        endpoints,
        config.notify_version,
        Duration::from_secs(10),
    ))
}

/// A started server.
pub struct RunningServer {
    /// The bound address.
    pub addr: SocketAddr,
    /// The bound HTTPS-only address, with `https_listen`.
    pub https_addr: Option<SocketAddr>,
    /// PEM of the CA that signed the server certificate (what a client trusts).
    pub ca_cert_pem: String,
    /// Generated client certificate (PEM), when certificates were generated.
    pub client_cert_pem: Option<String>,
    /// Generated client key (PEM), when certificates were generated.
    pub client_key_pem: Option<String>,
    /// Certificate files read or written.
    pub cert_files: Vec<PathBuf>,
    /// The protocol core (also usable directly, e.g. in tests).
    pub server: Arc<Server>,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    https_task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningServer {
    /// Stop accepting, finish in-flight exchanges, close connections.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
        if let Some(t) = self.https_task {
            let _ = t.await;
        }
    }
}

/// Open the configured store.
pub fn open_store(config: &ServerConfig) -> Result<Box<dyn Store>, ServerError> {
    Ok(match &config.data_dir {
        Some(dir) => Box::new(RedbStore::open(dir)?),
        None => Box::new(MemoryStore::new()),
    })
}

/// Start the server: bind, set up TLS and the store, and return once it is
/// listening.
pub async fn spawn(config: ServerConfig) -> Result<RunningServer, ServerError> {
    let material = {
        let tls_cfg = config.tls.clone();
        tokio::task::spawn_blocking(move || tls::material(&tls_cfg))
            .await
            .map_err(|e| ServerError::Tls(format!("certificate task: {e}")))??
    };
    let tls_config = tls::server_config(&material, config.require_client_cert)?;
    let store = open_store(&config)?;
    let limits = kmip_ttlv::ttlv::Limits {
        max_message_len: config.max_message_len,
        ..kmip_ttlv::ttlv::Limits::default()
    };
    let mut server = Server::new(store)
        .with_limits(limits)
        .with_async_policy(config.async_policy.clone())
        .with_access(config.access.clone());
    if let Some(n) = notifier(&config)? {
        server = server.with_notifier(n);
    }
    let server = Arc::new(server);
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| ServerError::io(format!("binding {}", config.listen), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::io("reading the bound address", e))?;
    let https_listener = match config.https_listen {
        Some(a) => Some(
            TcpListener::bind(a)
                .await
                .map_err(|e| ServerError::io(format!("binding {a}"), e))?,
        ),
        None => None,
    };
    let https_addr = match &https_listener {
        Some(l) => Some(
            l.local_addr()
                .map_err(|e| ServerError::io("reading the bound address", e))?,
        ),
        None => None,
    };
    let (tx, rx) = watch::channel(false);
    let acceptor = tokio_rustls::TlsAcceptor::from(tls_config);
    let https_task = https_listener.map(|l| {
        tokio::spawn(accept_loop(
            l,
            acceptor.clone(),
            server.clone(),
            config.clone(),
            rx.clone(),
            true,
        ))
    });
    let task = tokio::spawn(accept_loop(
        listener,
        acceptor,
        server.clone(),
        config,
        rx,
        false,
    ));
    tracing::info!(%addr, "KMIP server listening");
    if let Some(a) = https_addr {
        tracing::info!(addr = %a, "KMIP HTTPS-only listener");
    }
    Ok(RunningServer {
        addr,
        ca_cert_pem: material.ca_cert_pem,
        client_cert_pem: material.client_cert_pem,
        client_key_pem: material.client_key_pem,
        cert_files: material.files,
        server,
        shutdown: tx,
        task,
        https_addr,
        https_task,
    })
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    server: Arc<Server>,
    config: ServerConfig,
    mut shutdown: watch::Receiver<bool>,
    https_only: bool,
) {
    let permits = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let config = Arc::new(config);
    let mut conns = JoinSet::new();
    loop {
        let permit = tokio::select! {
            _ = shutdown.changed() => break,
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            _ = shutdown.changed() => break,
            a = listener.accept() => a,
        };
        // reap finished connection tasks
        while conns.try_join_next().is_some() {}
        let (tcp, peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let acceptor = acceptor.clone();
        let server = server.clone();
        let config = config.clone();
        let shutdown = shutdown.clone();
        conns.spawn(async move {
            let _permit = permit;
            tracing::debug!(%peer, "connection accepted");
            match serve_connection(tcp, acceptor, server, &config, shutdown, https_only).await {
                Ok(n) => tracing::debug!(%peer, messages = n, "connection closed"),
                Err(e) => tracing::info!(%peer, reason = %e, "connection dropped"),
            }
        });
    }
    drop(listener);
    // Let in-flight exchanges finish; connections waiting for a next message
    // see the shutdown signal and close.
    let drain = async { while conns.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(10), drain)
        .await
        .is_err()
    {
        conns.abort_all();
    }
    tracing::info!("KMIP server stopped");
}

/// Why a connection ended early.
#[derive(Debug, thiserror::Error)]
enum ConnError {
    #[error("TLS handshake: {0}")]
    Handshake(std::io::Error),
    #[error("timed out {0}")]
    Timeout(&'static str),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("rejected message: {0}")]
    Rejected(String),
    #[error("request task failed")]
    Task,
}

async fn serve_connection(
    tcp: tokio::net::TcpStream,
    acceptor: tokio_rustls::TlsAcceptor,
    server: Arc<Server>,
    config: &ServerConfig,
    mut shutdown: watch::Receiver<bool>,
    https_only: bool,
) -> Result<usize, ConnError> {
    let _ = tcp.set_nodelay(true);
    let stream = tokio::time::timeout(config.read_timeout, acceptor.accept(tcp))
        .await
        .map_err(|_| ConnError::Timeout("in the TLS handshake"))?
        .map_err(ConnError::Handshake)?;
    // the client certificate's identity, owner of what this client creates
    // when access control is on (crate::access)
    let identity: Option<Arc<str>> = stream
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| Arc::from(crate::access::certificate_identity(c.as_ref())));
    let limits = ExchangeLimits {
        ttlv: kmip_ttlv::ttlv::Limits {
            max_message_len: config.max_message_len,
            ..kmip_ttlv::ttlv::Limits::default()
        },
        read_timeout: config.read_timeout,
        idle_timeout: config.idle_timeout,
        ..ExchangeLimits::default()
    };
    let mode = WireMode {
        https_path: config.https_path.clone(),
        transport: https_only.then_some(Transport::Https),
        ..WireMode::default()
    };
    let mut conn = ServerConn::new(stream, limits);
    let mut served = 0usize;
    loop {
        let read = tokio::select! {
            _ = shutdown.changed() => return Ok(served),
            r = conn.read_request(&mode) => r,
        };
        let request = match read {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(served),
            Err(ExchangeError::Idle(_)) => return Err(ConnError::Timeout("waiting for a request")),
            Err(ExchangeError::Framing { reply_to, reason }) => {
                // the stream cannot be resynchronised: answer Invalid
                // Message in the peer's encoding, then close
                let resp = invalid_message(&server, &format!("unframeable request: {reason}"));
                let _ = conn.write_response(reply_to, &resp).await;
                let _ = conn.get_mut().shutdown().await;
                return Err(ConnError::Rejected(reason));
            }
            Err(ExchangeError::Unrecognised(b)) => {
                // as before: the TTLV path answers anything unrecognisable
                let resp = invalid_message(&server, "not a KMIP message");
                let to = ReplyTo {
                    encoding: Encoding::Ttlv,
                    transport: Transport::Tls,
                    close: true,
                };
                let _ = conn.write_response(to, &resp).await;
                let _ = conn.get_mut().shutdown().await;
                return Err(ConnError::Rejected(format!(
                    "not a KMIP message (first byte 0x{b:02X})"
                )));
            }
            Err(e) => {
                let _ = conn.get_mut().shutdown().await;
                return Err(ConnError::Rejected(e.to_string()));
            }
        };
        let reply_to = request.reply_to;
        let resp = match request.item {
            Ok(item) => match server.cost(&item) {
                // microseconds of CPU: on this I/O task, no hand-off
                Cost::Light => server.handle_message_from(&item, identity.as_deref()),
                cost => {
                    let srv = server.clone();
                    let who = identity.clone();
                    let job = move || srv.handle_message_from(&item, who.as_deref());
                    match cost {
                        Cost::Cpu => crate::pool::run_cpu(job).await,
                        _ => crate::pool::run_blocking(job).await,
                    }
                    .map_err(|_| ConnError::Task)?
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "undecodable request");
                invalid_message(&server, &e.to_string())
            }
        };
        conn.write_response(reply_to, &resp)
            .await
            .map_err(|e| ConnError::Rejected(e.to_string()))?;
        served += 1;
        if reply_to.close {
            let _ = conn.get_mut().shutdown().await;
            return Ok(served);
        }
    }
}

/// The Invalid Message response to an undecodable request (KMIP 1.0
/// header, understood by every client version).
fn invalid_message(server: &Server, why: &str) -> kmip_ttlv::Item {
    crate::server::error_response(
        crate::spec::V1_0,
        server.now(),
        &crate::error::KmipError::invalid_message(why.to_string()),
    )
}
