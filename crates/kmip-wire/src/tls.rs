//! TLS material for both ends of a KMIP connection. The `ring` provider is
//! selected explicitly, so no process-wide default provider is needed.
//!
//! - Server side (a KMIP server, the harness playing the server in
//!   `client-test`, the recording proxy): certificates from PEM files, or
//!   generated with rcgen (a CA, a server certificate for `localhost` /
//!   `127.0.0.1` / `::1`, and a client certificate, all signed by the CA),
//!   optionally written to a directory and reused on the next start
//!   ([`CertSource`] → [`ServerMaterial`]); and the rustls server
//!   configuration (TLS 1.2 and 1.3, optional or required client
//!   certificates) ([`server_config`]).
//! - Client side: the CA(s) to trust for the server certificate and, for
//!   mutual TLS, the client certificate and key ([`ClientMaterial`] →
//!   [`client_config`]).

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why TLS material could not be made or used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file could not be read or written.
    #[error("cannot {action} {what} {path}: {source}")]
    Io {
        /// "read", "write", "create".
        action: &'static str,
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
    /// Certificate generation failed.
    #[error("certificate generation: {0}")]
    Generate(String),
    /// The options asked for cannot work together.
    #[error("{0}")]
    Config(String),
    /// rustls refused the material.
    #[error("TLS configuration: {0}")]
    Rustls(#[from] rustls::Error),
}

fn io_err(
    action: &'static str,
    what: &'static str,
    path: &Path,
) -> impl FnOnce(std::io::Error) -> TlsError {
    let path = path.to_path_buf();
    move |source| TlsError::Io {
        action,
        what,
        path,
        source,
    }
}

/// Where a server's certificates come from.
#[derive(Clone, Debug)]
pub enum CertSource {
    /// Generate a CA, server and client certificate; with `cert_dir`, write
    /// them there (`ca.pem`, `server.pem`, `server-key.pem`, `client.pem`,
    /// `client-key.pem`) and reuse them on the next start.
    Generate {
        /// Directory to keep the generated files in (in memory only if `None`).
        cert_dir: Option<PathBuf>,
        /// CA (PEM) that client certificates must chain to instead of the
        /// generated CA (e.g. the CA of a client under test).
        client_ca: Option<PathBuf>,
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

impl Default for CertSource {
    fn default() -> CertSource {
        CertSource::Generate {
            cert_dir: None,
            client_ca: None,
        }
    }
}

/// The TLS options of a program that plays a KMIP server (`serve`,
/// `client-test`), as given on its command line, before they are turned
/// into a [`CertSource`]. [`ServerTlsOptions::source`] refuses the
/// combinations where an option could not take effect, saying why.
#[derive(Clone, Debug, Default)]
pub struct ServerTlsOptions {
    /// `--cert`: the server certificate chain.
    pub cert: Option<PathBuf>,
    /// `--key`: its private key.
    pub key: Option<PathBuf>,
    /// `--client-ca`: the CA client certificates must chain to.
    pub client_ca: Option<PathBuf>,
    /// `--cert-dir`, when given explicitly: where generated certificates go.
    pub cert_dir: Option<PathBuf>,
    /// `--require-client-cert`.
    pub require_client_cert: bool,
}

impl ServerTlsOptions {
    /// Where the certificates come from; generated ones are kept in
    /// `cert_dir`, else in `default_cert_dir`.
    pub fn source(&self, default_cert_dir: Option<PathBuf>) -> Result<CertSource, TlsError> {
        let bad = |m: &str| Err(TlsError::Config(m.to_string()));
        match (&self.cert, &self.key) {
            (Some(cert), Some(key)) => {
                if self.cert_dir.is_some() {
                    return bad("--cert-dir has no effect with --cert/--key: it is where generated certificates are kept, and none are generated when the server's certificate is given");
                }
                if self.require_client_cert && self.client_ca.is_none() {
                    return bad("--require-client-cert with --cert/--key needs --client-ca: there is no CA to verify client certificates against");
                }
                Ok(CertSource::Files {
                    cert_chain: cert.clone(),
                    key: key.clone(),
                    client_ca: self.client_ca.clone(),
                })
            }
            (None, None) => Ok(CertSource::Generate {
                cert_dir: self.cert_dir.clone().or(default_cert_dir),
                client_ca: self.client_ca.clone(),
            }),
            _ => bad("--cert and --key go together: the server needs both its certificate chain and its private key"),
        }
    }
}

/// PEM texts of a server's TLS material.
#[derive(Clone, Debug)]
pub struct ServerMaterial {
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

fn pem_err(context: &str, e: impl std::fmt::Display) -> TlsError {
    TlsError::Pem(format!("{context}: {e}"))
}

fn read(path: &Path, what: &'static str) -> Result<String, TlsError> {
    std::fs::read_to_string(path).map_err(io_err("read", what, path))
}

/// Generate a CA, server and client certificate.
pub fn generate() -> Result<ServerMaterial, TlsError> {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
        IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    let g = |e: rcgen::Error| TlsError::Generate(e.to_string());
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

    Ok(ServerMaterial {
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
pub fn generate_in(dir: &Path) -> Result<ServerMaterial, TlsError> {
    let names = [CA, SERVER, SERVER_KEY, CLIENT, CLIENT_KEY];
    let paths: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    if paths.iter().all(|p| p.exists()) {
        let mut texts = Vec::new();
        for p in &paths {
            texts.push(read(p, "certificate file")?);
        }
        let [ca, server, server_key, client, client_key]: [String; 5] = texts
            .try_into()
            .map_err(|_| TlsError::Pem("certificate files".into()))?;
        return Ok(ServerMaterial {
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
    std::fs::create_dir_all(dir).map_err(io_err("create", "certificate folder", dir))?;
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
    Ok(ServerMaterial { files: paths, ..m })
}

fn write_private(path: &Path, text: &str) -> Result<(), TlsError> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(io_err("write", "certificate file", &tmp))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600));
    }
    std::fs::rename(&tmp, path).map_err(io_err("write", "certificate file", path))
}

/// Load PEM files.
pub fn load_files(
    cert_chain: &Path,
    key: &Path,
    client_ca: Option<&Path>,
) -> Result<ServerMaterial, TlsError> {
    let mut files = vec![cert_chain.to_path_buf(), key.to_path_buf()];
    let client_ca_pem = match client_ca {
        Some(p) => {
            files.push(p.to_path_buf());
            Some(read(p, "client CA file")?)
        }
        None => None,
    };
    Ok(ServerMaterial {
        server_chain_pem: read(cert_chain, "server certificate")?,
        server_key_pem: read(key, "server key")?,
        ca_cert_pem: client_ca_pem.clone().unwrap_or_default(),
        client_ca_pem,
        client_cert_pem: None,
        client_key_pem: None,
        files,
    })
}

/// The rustls server configuration (TLS 1.2 and 1.3; client certificates
/// verified against the client CA when one is known, and required when
/// `require_client_cert`).
pub fn server_config(
    m: &ServerMaterial,
    require_client_cert: bool,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?;
    let builder = match &m.client_ca_pem {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in parse_certs(ca.as_bytes(), "client CA")? {
                roots.add(c).map_err(|e| pem_err("client CA", e))?;
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
            builder.with_client_cert_verifier(
                vb.build()
                    .map_err(|e| TlsError::Config(format!("client verifier: {e}")))?,
            )
        }
        None if require_client_cert => {
            return Err(TlsError::Config(
                "requiring client certificates needs a CA to verify them against (--client-ca)"
                    .into(),
            ))
        }
        None => builder.with_no_client_auth(),
    };
    let cfg = builder.with_single_cert(
        parse_certs(m.server_chain_pem.as_bytes(), "server certificate")?,
        parse_key(m.server_key_pem.as_bytes(), "server key")?,
    )?;
    Ok(Arc::new(cfg))
}

/// Resolve a [`CertSource`] to PEM material. With generated certificates
/// and a given `client_ca`, client certificates are verified against that
/// CA instead of the generated one (the generated client certificate is
/// then not offered, since the server would refuse it).
pub fn material(cfg: &CertSource) -> Result<ServerMaterial, TlsError> {
    match cfg {
        CertSource::Generate {
            cert_dir,
            client_ca,
        } => {
            let m = match cert_dir {
                None => generate()?,
                Some(d) => generate_in(d)?,
            };
            match client_ca {
                None => Ok(m),
                Some(p) => {
                    let pem = read(p, "client CA file")?;
                    parse_certs(pem.as_bytes(), "client CA file")?;
                    // the generated client certificate stays on disk but
                    // is not listed: the server would refuse it
                    let mut files: Vec<PathBuf> = m
                        .files
                        .into_iter()
                        .filter(|f| !f.ends_with(CLIENT) && !f.ends_with(CLIENT_KEY))
                        .collect();
                    files.push(p.clone());
                    Ok(ServerMaterial {
                        client_ca_pem: Some(pem),
                        client_cert_pem: None,
                        client_key_pem: None,
                        files,
                        ..m
                    })
                }
            }
        }
        CertSource::Files {
            cert_chain,
            key,
            client_ca,
        } => load_files(cert_chain, key, client_ca.as_deref()),
    }
}

// ---- client side ----

/// PEM material for a client connection.
#[derive(Clone, Debug, Default)]
pub struct ClientMaterial {
    /// CA certificates (PEM) trusted for the server certificate.
    pub ca_pem: Vec<u8>,
    /// Client certificate chain and private key (PEM), for mutual TLS.
    pub client: Option<(Vec<u8>, Vec<u8>)>,
}

impl ClientMaterial {
    /// Read the CA file and, when both are given, the client cert + key.
    pub fn from_files(
        ca: &Path,
        cert: Option<&Path>,
        key: Option<&Path>,
    ) -> Result<ClientMaterial, TlsError> {
        let read = |what, p: &Path| std::fs::read(p).map_err(io_err("read", what, p));
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
        Ok(ClientMaterial { ca_pem, client })
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

/// Build a client configuration (TLS 1.2 and 1.3, ring provider).
pub fn client_config(m: &ClientMaterial) -> Result<Arc<ClientConfig>, TlsError> {
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
    fn a_given_client_ca_replaces_the_generated_one() {
        let dir = std::env::temp_dir().join(format!("kmip-wire-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let other = generate().expect("other CA");
        let ca_file = dir.join("client-ca.pem");
        std::fs::write(&ca_file, &other.ca_cert_pem).expect("write");
        let m = material(&CertSource::Generate {
            cert_dir: None,
            client_ca: Some(ca_file.clone()),
        })
        .expect("material");
        assert_eq!(m.client_ca_pem.as_deref(), Some(other.ca_cert_pem.as_str()));
        assert_ne!(
            m.ca_cert_pem, other.ca_cert_pem,
            "server CA stays generated"
        );
        assert!(
            m.client_cert_pem.is_none(),
            "generated client cert not offered"
        );
        server_config(&m, true).expect("mutual TLS config");
        std::fs::write(&ca_file, "garbage").expect("write");
        let e = material(&CertSource::Generate {
            cert_dir: None,
            client_ca: Some(ca_file),
        })
        .expect_err("not a CA");
        assert!(e.to_string().contains("client CA file"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn server_options_that_cannot_take_effect_are_refused() {
        let p = |s: &str| Some(PathBuf::from(s));
        let files = ServerTlsOptions {
            cert: p("c.pem"),
            key: p("k.pem"),
            ..ServerTlsOptions::default()
        };
        assert!(matches!(
            files.source(p("default")),
            Ok(CertSource::Files { .. })
        ));
        for (o, why) in [
            (
                ServerTlsOptions {
                    cert_dir: p("d"),
                    ..files.clone()
                },
                "--cert-dir has no effect",
            ),
            (
                ServerTlsOptions {
                    require_client_cert: true,
                    ..files.clone()
                },
                "needs --client-ca",
            ),
            (
                ServerTlsOptions {
                    key: None,
                    ..files.clone()
                },
                "--cert and --key go together",
            ),
        ] {
            let e = o.source(None).expect_err(why).to_string();
            assert!(e.contains(why), "{e}");
        }
        let generated = ServerTlsOptions {
            client_ca: p("ca.pem"),
            require_client_cert: true,
            ..ServerTlsOptions::default()
        };
        match generated.source(p("default")) {
            Ok(CertSource::Generate {
                cert_dir,
                client_ca,
            }) => {
                assert_eq!(cert_dir, p("default"));
                assert_eq!(client_ca, p("ca.pem"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rejects_empty_and_garbage_pem() {
        assert!(matches!(parse_certs(b"", "CA file"), Err(TlsError::Pem(_))));
        assert!(matches!(
            parse_key(b"not pem at all", "key"),
            Err(TlsError::Pem(_))
        ));
        let m = ClientMaterial {
            ca_pem: b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec(),
            client: None,
        };
        assert!(client_config(&m).is_err());
    }

    #[test]
    fn builds_from_generated_material() {
        let ca = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
        let m = ClientMaterial {
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
        let err = ClientMaterial::from_files(&dir.join("nope-ca.pem"), None, None);
        assert!(matches!(err, Err(TlsError::Io { .. })));
    }
}
