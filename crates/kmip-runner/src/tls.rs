//! rustls client configuration for a KMIP target: the CA(s) to trust for the
//! server certificate and, for mutual TLS, the client certificate and key.
//! PEM in, [`rustls::ClientConfig`] out. The `ring` provider is selected
//! explicitly, so no process-wide default provider is needed.

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why TLS material could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file could not be read.
    #[error("cannot read {what} {path}: {source}")]
    Io {
        /// What the file was for ("CA file").
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The PEM data held no certificate / key, or was malformed.
    #[error("{0}")]
    Pem(String),
    /// rustls refused the material.
    #[error("TLS configuration: {0}")]
    Rustls(#[from] rustls::Error),
}

/// PEM material for a client connection.
#[derive(Clone, Debug, Default)]
pub struct TlsMaterial {
    /// CA certificates (PEM) trusted for the server certificate.
    pub ca_pem: Vec<u8>,
    /// Client certificate chain and private key (PEM), for mutual TLS.
    pub client: Option<(Vec<u8>, Vec<u8>)>,
}

impl TlsMaterial {
    /// Read the CA file and, when both are given, the client cert + key.
    pub fn from_files(
        ca: &Path,
        cert: Option<&Path>,
        key: Option<&Path>,
    ) -> Result<TlsMaterial, TlsError> {
        let read = |what, p: &Path| {
            std::fs::read(p).map_err(|source| TlsError::Io {
                what,
                path: p.to_path_buf(),
                source,
            })
        };
        let ca_pem = read("CA file", ca)?;
        let client = match (cert, key) {
            (Some(c), Some(k)) => Some((read("client certificate", c)?, read("client key", k)?)),
            (None, None) => None,
            _ => {
                return Err(TlsError::Pem(
                    "a client certificate needs both --cert and --key".into(),
                ))
            }
        };
        Ok(TlsMaterial { ca_pem, client })
    }
}

/// Parse every certificate in a PEM blob.
pub fn parse_certs(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut &pem[..])
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError::Pem(format!("{what}: malformed PEM: {e}")))?;
    if certs.is_empty() {
        return Err(TlsError::Pem(format!("{what}: no certificate found")));
    }
    Ok(certs)
}

/// Parse the first private key (PKCS#8, PKCS#1 or SEC1) in a PEM blob.
pub fn parse_key(pem: &[u8], what: &str) -> Result<PrivateKeyDer<'static>, TlsError> {
    rustls_pemfile::private_key(&mut &pem[..])
        .map_err(|e| TlsError::Pem(format!("{what}: malformed PEM: {e}")))?
        .ok_or_else(|| TlsError::Pem(format!("{what}: no private key found")))
}

/// Build the client configuration (TLS 1.2 and 1.3, ring provider).
pub fn client_config(m: &TlsMaterial) -> Result<Arc<ClientConfig>, TlsError> {
    let mut roots = RootCertStore::empty();
    for c in parse_certs(&m.ca_pem, "CA file")? {
        roots.add(c)?;
    }
    let builder =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots);
    let config = match &m.client {
        Some((cert, key)) => builder.with_client_auth_cert(
            parse_certs(cert, "client certificate")?,
            parse_key(key, "client key")?,
        )?,
        None => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_empty_and_garbage_pem() {
        assert!(matches!(parse_certs(b"", "CA file"), Err(TlsError::Pem(_))));
        assert!(matches!(
            parse_key(b"not pem at all", "key"),
            Err(TlsError::Pem(_))
        ));
        let m = TlsMaterial {
            ca_pem: b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec(),
            client: None,
        };
        assert!(client_config(&m).is_err());
    }

    #[test]
    fn builds_from_generated_material() {
        let ca = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
        let m = TlsMaterial {
            ca_pem: ca.cert.pem().into_bytes(),
            client: Some((
                ca.cert.pem().into_bytes(),
                ca.signing_key.serialize_pem().into_bytes(),
            )),
        };
        client_config(&m).expect("config");
    }

    #[test]
    fn cert_without_key_is_an_error() {
        let dir = std::env::temp_dir();
        let err = TlsMaterial::from_files(&dir.join("nope-ca.pem"), None, None);
        assert!(matches!(err, Err(TlsError::Io { .. })));
    }
}
