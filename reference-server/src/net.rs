//! The network edge: a TLS listener (tokio + rustls) that frames binary TTLV
//! messages and hands them to the protocol core.
//!
//! Per connection: any number of request/response exchanges. Each message
//! is framed with [`kmip_ttlv::ttlv::frame_length`] on its 8-byte header, so
//! a declared length above `max_message_len` is rejected before anything is
//! allocated (the client gets an Invalid Message response and the connection
//! is closed, since the stream cannot be resynchronised). Waiting for the
//! first byte of a message is bounded by `idle_timeout`; once a message has
//! started, the rest must arrive within `read_timeout` or the connection is
//! dropped (a stalled half message never pins a task). Requests run on the
//! blocking pool so key generation does not stall the reactor. Shutdown
//! (the [`RunningServer::shutdown`] handle, or Ctrl-C in the binaries) stops
//! accepting, lets in-flight exchanges finish, and closes the connections.

use crate::error::ServerError;
use crate::server::Server;
use crate::store::{MemoryStore, RedbStore, Store};
use crate::tls::{self, TlsConfig};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
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
        }
    }
}

/// A started server.
pub struct RunningServer {
    /// The bound address.
    pub addr: SocketAddr,
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
}

impl RunningServer {
    /// Stop accepting, finish in-flight exchanges, close connections.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
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
    let server = Arc::new(Server::new(store).with_limits(limits));
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| ServerError::io(format!("binding {}", config.listen), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::io("reading the bound address", e))?;
    let (tx, rx) = watch::channel(false);
    let task = tokio::spawn(accept_loop(
        listener,
        tokio_rustls::TlsAcceptor::from(tls_config),
        server.clone(),
        config,
        rx,
    ));
    tracing::info!(%addr, "KMIP server listening");
    Ok(RunningServer {
        addr,
        ca_cert_pem: material.ca_cert_pem,
        client_cert_pem: material.client_cert_pem,
        client_key_pem: material.client_key_pem,
        cert_files: material.files,
        server,
        shutdown: tx,
        task,
    })
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    server: Arc<Server>,
    config: ServerConfig,
    mut shutdown: watch::Receiver<bool>,
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
            match serve_connection(tcp, acceptor, server, &config, shutdown).await {
                Ok(n) => tracing::debug!(%peer, messages = n, "connection closed"),
                Err(e) => tracing::info!(%peer, reason = %e, "connection dropped"),
            }
        });
    }
    drop(listener);
    // Let in-flight exchanges finish; connections waiting for a next message
    // see the shutdown signal and close.
    let drain = async { while conns.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(10), drain).await.is_err() {
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
) -> Result<usize, ConnError> {
    let _ = tcp.set_nodelay(true);
    let mut stream = tokio::time::timeout(config.read_timeout, acceptor.accept(tcp))
        .await
        .map_err(|_| ConnError::Timeout("in the TLS handshake"))?
        .map_err(ConnError::Handshake)?;
    let limits = kmip_ttlv::ttlv::Limits {
        max_message_len: config.max_message_len,
        ..kmip_ttlv::ttlv::Limits::default()
    };
    let mut served = 0usize;
    loop {
        let mut header = [0u8; 8];
        // wait for the first byte of the next message (or shutdown / EOF)
        let first = tokio::select! {
            _ = shutdown.changed() => return Ok(served),
            r = tokio::time::timeout(config.idle_timeout, stream.read(&mut header[..1])) => r,
        };
        match first {
            Err(_) => return Err(ConnError::Timeout("waiting for a request")),
            Ok(Ok(0)) => return Ok(served),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(e.into()),
        }
        let deadline = tokio::time::Instant::now() + config.read_timeout;
        tokio::time::timeout_at(deadline, stream.read_exact(&mut header[1..]))
            .await
            .map_err(|_| ConnError::Timeout("reading a message header"))??;
        let total = match kmip_ttlv::ttlv::frame_length(&header, &limits) {
            Ok(n) => n,
            Err(e) => {
                let resp = server.handle_bytes(&header); // undecodable: Invalid Message
                let _ = stream.write_all(&resp).await;
                let _ = stream.shutdown().await;
                return Err(ConnError::Rejected(e.to_string()));
            }
        };
        let mut msg = vec![0u8; total];
        msg[..8].copy_from_slice(&header);
        tokio::time::timeout_at(deadline, stream.read_exact(&mut msg[8..]))
            .await
            .map_err(|_| ConnError::Timeout("reading a message body"))??;
        let srv = server.clone();
        let resp = tokio::task::spawn_blocking(move || srv.handle_bytes(&msg))
            .await
            .map_err(|_| ConnError::Task)?;
        stream.write_all(&resp).await?;
        stream.flush().await?;
        served += 1;
    }
}
