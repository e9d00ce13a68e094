//! Test support (feature `test-support`): the TLS test server that tests
//! across the workspace need — fake targets that misbehave, client service
//! endpoints, oracles — in one place instead of one copy per test file.
//!
//! [`serve_tls`] binds `127.0.0.1:0`, accepts connections for as long as
//! the runtime lives, completes the TLS handshake and hands each stream to
//! the test's handler. [`TestPki`] is generated material (CA, server and
//! client certificate) with ready-made server and client configurations.
//! Meant for tests only: set-up failures panic with a message.

use crate::tls::{self, ClientMaterial, ServerMaterial};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};

/// The server end of an accepted TLS connection.
pub type ServerStream = tokio_rustls::server::TlsStream<TcpStream>;
/// The client end of a TLS connection.
pub type ClientStream = tokio_rustls::client::TlsStream<TcpStream>;

/// Generated TLS material for a test: a CA, a server certificate for
/// `localhost` / `127.0.0.1` and a client certificate, all signed by the CA.
#[derive(Clone, Debug)]
pub struct TestPki {
    /// The PEM texts.
    pub material: ServerMaterial,
}

impl TestPki {
    /// Generate fresh material.
    pub fn generate() -> TestPki {
        TestPki {
            material: tls::generate().expect("generating test certificates"),
        }
    }

    /// PEM of the CA.
    pub fn ca_pem(&self) -> &str {
        &self.material.ca_cert_pem
    }

    /// Server configuration; with `require_client_cert`, clients must show
    /// a certificate signed by the CA (optional otherwise).
    pub fn server_config(&self, require_client_cert: bool) -> Arc<rustls::ServerConfig> {
        tls::server_config(&self.material, require_client_cert).expect("test server config")
    }

    /// Client-side material trusting the CA, with the client certificate
    /// when `with_client_cert`.
    pub fn client_material(&self, with_client_cert: bool) -> ClientMaterial {
        let client = match (
            with_client_cert,
            &self.material.client_cert_pem,
            &self.material.client_key_pem,
        ) {
            (true, Some(c), Some(k)) => Some((c.clone().into_bytes(), k.clone().into_bytes())),
            _ => None,
        };
        ClientMaterial {
            ca_pem: self.material.ca_cert_pem.clone().into_bytes(),
            client,
        }
    }
}

/// A client configuration that trusts `ca_pem` (no client certificate).
pub fn client_config(ca_pem: &str) -> Arc<rustls::ClientConfig> {
    tls::client_config(&ClientMaterial {
        ca_pem: ca_pem.as_bytes().to_vec(),
        client: None,
    })
    .expect("test client config")
}

/// Connect to `addr` over TLS, verifying the server as `localhost`.
pub async fn connect(addr: SocketAddr, config: &Arc<rustls::ClientConfig>) -> ClientStream {
    let tcp = TcpStream::connect(addr).await.expect("test connect");
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("server name");
    tokio_rustls::TlsConnector::from(config.clone())
        .connect(name, tcp)
        .await
        .expect("test TLS handshake")
}

/// Serve TLS on `127.0.0.1:0` until the runtime ends: every accepted
/// connection that completes the handshake is passed to `handler` in its
/// own task (connections are served concurrently). Returns the bound
/// address.
pub async fn serve_tls<F, Fut>(config: Arc<rustls::ServerConfig>, handler: F) -> SocketAddr
where
    F: Fn(ServerStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("test server bind");
    let addr = listener.local_addr().expect("test server address");
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let (acceptor, handler) = (acceptor.clone(), handler.clone());
            tokio::spawn(async move {
                if let Ok(stream) = acceptor.accept(tcp).await {
                    handler(stream).await;
                }
            });
        }
    });
    addr
}

/// [`serve_tls`] on a thread of its own (with its own runtime), for tests
/// that are not async or whose runtime ends before the server should.
/// Returns the bound address once listening.
pub fn serve_tls_in_thread<F, Fut>(config: Arc<rustls::ServerConfig>, handler: F) -> SocketAddr
where
    F: Fn(ServerStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test server runtime");
        rt.block_on(async move {
            let addr = serve_tls(config, handler).await;
            let _ = tx.send(addr);
            std::future::pending::<()>().await;
        });
    });
    rx.recv_timeout(std::time::Duration::from_secs(30))
        .expect("test server address")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn echo_over_generated_tls() {
        let pki = TestPki::generate();
        let addr = serve_tls(pki.server_config(false), |mut s| async move {
            let mut b = [0u8; 4];
            if s.read_exact(&mut b).await.is_ok() {
                let _ = s.write_all(&b).await;
                let _ = s.flush().await;
            }
        })
        .await;
        let mut c = connect(addr, &client_config(pki.ca_pem())).await;
        c.write_all(b"ping").await.expect("write");
        let mut b = [0u8; 4];
        c.read_exact(&mut b).await.expect("read");
        assert_eq!(&b, b"ping");
    }
}
