//! OpenSSL TLS backend (cargo feature `openssl`).
//!
//! rustls implements only AEAD cipher suites with ECDHE key exchange. The
//! KMIP Basic Authentication Suite (KMIP Profiles v2.1 §3.1) requires
//! TLS_RSA_WITH_AES_256_CBC_SHA256 / TLS_RSA_WITH_AES_128_CBC_SHA256, and
//! servers such as PyKMIP offer only CBC suites with an RSA certificate:
//! this connector speaks them through the system OpenSSL. Verification is
//! the same as with rustls: the server chain against the given CA, the host
//! name (or IP address) against the certificate, optional client
//! certificate.

use crate::target::{BoxFuture, Connector, TargetError};
use crate::tls::{TlsError, TlsMaterial};
use crate::transport::{BoxStream, TransportError, CONNECT_WHAT};
use openssl::pkey::PKey;
use openssl::ssl::{SslConnector, SslMethod, SslVersion};
use openssl::x509::X509;
use std::pin::Pin;
use std::time::Duration;

/// Connects over TCP + TLS (OpenSSL) to a remote target.
#[derive(Clone)]
pub struct OpensslConnector {
    addr: String,
    name: String,
    connector: SslConnector,
    connect_timeout: Duration,
}

fn ssl_err(e: impl std::fmt::Display) -> TargetError {
    TargetError::Tls(TlsError::Pem(format!("OpenSSL: {e}")))
}

impl OpensslConnector {
    /// A connector to `host:port` verifying the server against
    /// `material.ca_pem` under `sni` (default: the host). TLS 1.2 and later;
    /// OpenSSL's default cipher list, which includes the KMIP CBC suites.
    pub fn new(
        host: &str,
        port: u16,
        sni: Option<&str>,
        material: &TlsMaterial,
        connect_timeout: Duration,
    ) -> Result<OpensslConnector, TargetError> {
        let mut b = SslConnector::builder(SslMethod::tls_client()).map_err(ssl_err)?;
        b.set_min_proto_version(Some(SslVersion::TLS1_2))
            .map_err(ssl_err)?;
        let store = b.cert_store_mut();
        let cas = X509::stack_from_pem(&material.ca_pem).map_err(ssl_err)?;
        if cas.is_empty() {
            return Err(TargetError::Tls(TlsError::Pem(
                "CA file: no certificate found".into(),
            )));
        }
        for ca in cas {
            store.add_cert(ca).map_err(ssl_err)?;
        }
        if let Some((cert, key)) = &material.client {
            let mut chain = X509::stack_from_pem(cert).map_err(ssl_err)?.into_iter();
            let leaf = chain.next().ok_or_else(|| {
                TargetError::Tls(TlsError::Pem("client certificate: none found".into()))
            })?;
            b.set_certificate(&leaf).map_err(ssl_err)?;
            for c in chain {
                b.add_extra_chain_cert(c).map_err(ssl_err)?;
            }
            let key = PKey::private_key_from_pem(key).map_err(ssl_err)?;
            b.set_private_key(&key).map_err(ssl_err)?;
            b.check_private_key().map_err(ssl_err)?;
        }
        let addr = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        Ok(OpensslConnector {
            addr,
            name: sni.unwrap_or(host).to_string(),
            connector: b.build(),
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
        let handshake = |e: String| TransportError::Handshake {
            addr: self.addr.clone(),
            source: std::io::Error::other(e),
        };
        let ssl = self
            .connector
            .configure()
            .and_then(|c| c.into_ssl(&self.name))
            .map_err(|e| handshake(e.to_string()))?;
        let mut stream =
            tokio_openssl::SslStream::new(ssl, tcp).map_err(|e| handshake(e.to_string()))?;
        Pin::new(&mut stream)
            .connect()
            .await
            .map_err(|e| handshake(e.to_string()))?;
        Ok(Box::new(stream))
    }
}

impl Connector for OpensslConnector {
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
