//! TLS material: certificates from PEM files, or generated with rcgen (a CA,
//! a server certificate for `localhost` / `127.0.0.1` / `::1`, and a client
//! certificate, all signed by the CA), optionally written to a directory and
//! reused on the next start; and the rustls server configuration (TLS 1.2
//! and 1.3, optional or required client certificates).

use crate::error::ServerError;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the server's certificates come from.
#[derive(Clone, Debug)]
pub enum TlsConfig {
    /// Generate a CA, server and client certificate; with `cert_dir`, write
    /// them there (`ca.pem`, `server.pem`, `server-key.pem`, `client.pem`,
    /// `client-key.pem`) and reuse them on the next start.
    Generate {
        /// Directory to keep the generated files in (in memory only if `None`).
        cert_dir: Option<PathBuf>,
    },
    /// PEM files.
    Files {
        /// Server certificate chain (leaf first).
        cert_chain: PathBuf,
        /// Server private key (PKCS#8, PKCS#1 or SEC1).
        key: PathBuf,
        /// CA that client certificates must chain to (required for mutual TLS).
        client_ca: Option<PathBuf>,
    },
}

impl Default for TlsConfig {
    fn default() -> TlsConfig {
        TlsConfig::Generate { cert_dir: None }
    }
}

/// PEM texts of the server's TLS material.
#[derive(Clone, Debug)]
pub struct TlsMaterial {
    /// Server certificate chain.
    pub server_chain_pem: String,
    /// Server private key.
    pub server_key_pem: String,
    /// CA that signed the server certificate (empty if unknown).
    pub ca_cert_pem: String,
    /// CA accepted for client certificates.
    pub client_ca_pem: Option<String>,
    /// Generated client certificate.
    pub client_cert_pem: Option<String>,
    /// Generated client key.
    pub client_key_pem: Option<String>,
    /// Files the material was read from or written to.
    pub files: Vec<PathBuf>,
}

const CA: &str = "ca.pem";
const SERVER: &str = "server.pem";
const SERVER_KEY: &str = "server-key.pem";
const CLIENT: &str = "client.pem";
const CLIENT_KEY: &str = "client-key.pem";

fn tls_err(context: &str, e: impl std::fmt::Display) -> ServerError {
    ServerError::Tls(format!("{context}: {e}"))
}

fn read(path: &Path) -> Result<String, ServerError> {
    std::fs::read_to_string(path)
        .map_err(|e| ServerError::io(format!("reading {}", path.display()), e))
}

/// Generate a CA, server and client certificate.
pub fn generate() -> Result<TlsMaterial, ServerError> {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
        IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    let g = |e: rcgen::Error| tls_err("certificate generation", e);
    let ca_key = KeyPair::generate().map_err(g)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(g)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "kmip-harness reference server CA");
    ca_params.distinguished_name = dn;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(g)?;
    let issuer = Issuer::from_params(&ca_params, &ca_key);

    let server_key = KeyPair::generate().map_err(g)?;
    let mut sp = CertificateParams::new(vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ])
    .map_err(g)?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "kmip-reference-server");
    sp.distinguished_name = dn;
    sp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = sp.signed_by(&server_key, &issuer).map_err(g)?;

    let client_key = KeyPair::generate().map_err(g)?;
    let mut cp = CertificateParams::new(Vec::<String>::new()).map_err(g)?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "kmip-harness client");
    cp.distinguished_name = dn;
    cp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_cert = cp.signed_by(&client_key, &issuer).map_err(g)?;

    Ok(TlsMaterial {
        server_chain_pem: server_cert.pem(),
        server_key_pem: server_key.serialize_pem(),
        ca_cert_pem: ca_cert.pem(),
        client_ca_pem: Some(ca_cert.pem()),
        client_cert_pem: Some(client_cert.pem()),
        client_key_pem: Some(client_key.serialize_pem()),
        files: Vec::new(),
    })
}

/// Generate, or reuse what an earlier start wrote to `dir`.
pub fn generate_in(dir: &Path) -> Result<TlsMaterial, ServerError> {
    let names = [CA, SERVER, SERVER_KEY, CLIENT, CLIENT_KEY];
    let paths: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    if paths.iter().all(|p| p.exists()) {
        let mut texts = Vec::new();
        for p in &paths {
            texts.push(read(p)?);
        }
        let [ca, server, server_key, client, client_key]: [String; 5] = texts
            .try_into()
            .map_err(|_| ServerError::Tls("certificate files".into()))?;
        return Ok(TlsMaterial {
            server_chain_pem: server,
            server_key_pem: server_key,
            ca_cert_pem: ca.clone(),
            client_ca_pem: Some(ca),
            client_cert_pem: Some(client),
            client_key_pem: Some(client_key),
            files: paths,
        });
    }
    let m = generate()?;
    std::fs::create_dir_all(dir)
        .map_err(|e| ServerError::io(format!("creating {}", dir.display()), e))?;
    let texts = [
        m.ca_cert_pem.as_str(),
        m.server_chain_pem.as_str(),
        m.server_key_pem.as_str(),
        m.client_cert_pem.as_deref().unwrap_or(""),
        m.client_key_pem.as_deref().unwrap_or(""),
    ];
    for (p, text) in paths.iter().zip(texts) {
        write_private(p, text)?;
    }
    Ok(TlsMaterial { files: paths, ..m })
}

fn write_private(path: &Path, text: &str) -> Result<(), ServerError> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)
        .map_err(|e| ServerError::io(format!("writing {}", tmp.display()), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600));
    }
    std::fs::rename(&tmp, path)
        .map_err(|e| ServerError::io(format!("writing {}", path.display()), e))
}

/// Load PEM files.
pub fn load_files(
    cert_chain: &Path,
    key: &Path,
    client_ca: Option<&Path>,
) -> Result<TlsMaterial, ServerError> {
    let mut files = vec![cert_chain.to_path_buf(), key.to_path_buf()];
    let client_ca_pem = match client_ca {
        Some(p) => {
            files.push(p.to_path_buf());
            Some(read(p)?)
        }
        None => None,
    };
    Ok(TlsMaterial {
        server_chain_pem: read(cert_chain)?,
        server_key_pem: read(key)?,
        ca_cert_pem: client_ca_pem.clone().unwrap_or_default(),
        client_ca_pem,
        client_cert_pem: None,
        client_key_pem: None,
        files,
    })
}

fn certs(pem: &str, what: &str) -> Result<Vec<CertificateDer<'static>>, ServerError> {
    let certs: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| tls_err(what, e))?;
    if certs.is_empty() {
        return Err(ServerError::Tls(format!("{what}: no certificate found")));
    }
    Ok(certs)
}

fn key(pem: &str) -> Result<PrivateKeyDer<'static>, ServerError> {
    rustls_pemfile::private_key(&mut pem.as_bytes())
        .map_err(|e| tls_err("server key", e))?
        .ok_or_else(|| ServerError::Tls("server key: no private key found".into()))
}

/// The rustls server configuration (TLS 1.2 and 1.3; client certificates
/// verified against the client CA when one is known, and required when
/// `require_client_cert`).
pub fn server_config(
    m: &TlsMaterial,
    require_client_cert: bool,
) -> Result<Arc<rustls::ServerConfig>, ServerError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| tls_err("protocol versions", e))?;
    let builder = match &m.client_ca_pem {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in certs(ca, "client CA")? {
                roots.add(c).map_err(|e| tls_err("client CA", e))?;
            }
            let vb = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            );
            let vb = if require_client_cert {
                vb
            } else {
                vb.allow_unauthenticated()
            };
            builder
                .with_client_cert_verifier(vb.build().map_err(|e| tls_err("client verifier", e))?)
        }
        None if require_client_cert => {
            return Err(ServerError::Tls(
                "--require-client-cert needs a client CA (--client-ca)".into(),
            ))
        }
        None => builder.with_no_client_auth(),
    };
    let cfg = builder
        .with_single_cert(
            certs(&m.server_chain_pem, "server certificate")?,
            key(&m.server_key_pem)?,
        )
        .map_err(|e| tls_err("server certificate", e))?;
    Ok(Arc::new(cfg))
}

/// Resolve a [`TlsConfig`] to PEM material.
pub fn material(cfg: &TlsConfig) -> Result<TlsMaterial, ServerError> {
    match cfg {
        TlsConfig::Generate { cert_dir: None } => generate(),
        TlsConfig::Generate { cert_dir: Some(d) } => generate_in(d),
        TlsConfig::Files {
            cert_chain,
            key,
            client_ca,
        } => load_files(cert_chain, key, client_ca.as_deref()),
    }
}
