//! Bounded network probes: one TCP connection per ClientHello (read until
//! the server's first answer is decided, at most [`MAX_READ`] bytes, within
//! the per-connection timeout), and full rustls handshakes for the
//! mutual-authentication cases followed by one KMIP Discover Versions
//! request (a TLS 1.3 server refuses a client certificate only after the
//! client has finished, so the refusal shows on the first read).

use crate::hello::{
    alert_name, client_hello, cs, decode_leaf_certificate, decode_server_flight, ec_curve_of,
    group_name, groups, key_share, suite_name, Answer, CertDecoded, Decoded, HelloSpec, Version,
    MAX_RECORD,
};
use crate::suites::{MutualCase, Probe, PROHIBITED};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Most bytes read from a server while waiting for its ServerHello.
pub const MAX_READ: usize = 4 * MAX_RECORD;

/// What one probe showed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", content = "detail", rename_all = "snake_case")]
pub enum Outcome {
    /// The server took it (with what it answered).
    Accepted(String),
    /// The server refused it (alert, close, other choice).
    Refused(String),
    /// No decision (timeout, connect failure, budget, unreadable answer).
    Inconclusive(String),
}

/// Suites of the TLS 1.2 / 1.3 rustls ring provider (a hello offering
/// exactly these tells whether a rustls handshake can work at all).
pub const RUSTLS_TLS12_SUITES: [u16; 6] = [0xC02B, 0xC02C, 0xC02F, 0xC030, 0xCCA8, 0xCCA9];

/// The ClientHello of a probe.
pub fn hello_spec(probe: &Probe, sni: Option<&str>) -> HelloSpec {
    let sni = sni.map(str::to_string);
    let legacy: Vec<u16> = cs::ALL
        .iter()
        .filter(|s| !(0x1301..=0x1303).contains(&s.id))
        .map(|s| s.id)
        .collect();
    let classic: Vec<u16> = crate::suites::CLASSIC_GROUPS.iter().map(|g| g.id).collect();
    let tls13_suites = vec![0x1301, 0x1302, 0x1303];
    let x25519_share = || {
        key_share(groups::X25519.id)
            .map(|k| vec![(groups::X25519.id, k)])
            .unwrap_or_default()
    };
    match probe {
        Probe::Version(v) if *v == Version::SSL3 => HelloSpec {
            version: Version::SSL3,
            tls13: false,
            suites: legacy
                .into_iter()
                .filter(|id| *id < 0x003B && !PROHIBITED.iter().any(|p| p.id == *id))
                .collect(),
            groups: Vec::new(),
            key_shares: Vec::new(),
            sni: None,
            extensions: false,
        },
        Probe::Version(v) if *v == Version::TLS13 => HelloSpec {
            version: Version::TLS12,
            tls13: true,
            suites: tls13_suites,
            groups: vec![
                groups::X25519.id,
                groups::SECP256R1.id,
                groups::SECP384R1.id,
            ],
            key_shares: x25519_share(),
            sni,
            extensions: true,
        },
        Probe::Version(v) => HelloSpec {
            version: *v,
            tls13: false,
            suites: legacy,
            groups: classic,
            key_shares: Vec::new(),
            sni,
            extensions: true,
        },
        Probe::Suite {
            version,
            suite,
            groups: gs,
        } => {
            let tls13 = (0x1301..=0x1303).contains(&suite.id);
            let gids: Vec<u16> = gs.iter().map(|g| g.id).collect();
            let key_shares = if tls13 {
                gids.iter()
                    .find_map(|g| key_share(*g).map(|k| vec![(*g, k)]))
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            HelloSpec {
                version: if tls13 { Version::TLS12 } else { *version },
                tls13,
                suites: vec![suite.id],
                groups: gids,
                key_shares,
                sni,
                extensions: true,
            }
        }
        Probe::Group(g) => HelloSpec {
            version: Version::TLS12,
            tls13: true,
            suites: tls13_suites,
            groups: vec![g.id],
            key_shares: key_share(g.id).map(|k| vec![(g.id, k)]).unwrap_or_default(),
            sni,
            extensions: true,
        },
        Probe::SuiteB {
            suite, groups: gs, ..
        } => HelloSpec {
            version: Version::TLS12,
            tls13: false,
            suites: vec![suite.id],
            groups: gs.iter().map(|g| g.id).collect(),
            key_shares: Vec::new(),
            sni,
            extensions: true,
        },
        Probe::RustlsCompatible => HelloSpec {
            version: Version::TLS12,
            tls13: false,
            suites: RUSTLS_TLS12_SUITES.to_vec(),
            groups: classic,
            key_shares: Vec::new(),
            sni,
            extensions: true,
        },
    }
}

/// What came back on the socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Raw {
    /// A decided answer.
    Answer(Answer),
    /// A TLS 1.2 ServerHello and the curve of the certificate that followed
    /// (a TLS group code point), or why it could not be read.
    Certified(crate::hello::ServerHello, Result<u16, String>),
    /// The server closed the connection after `n` bytes without a decision.
    Closed(usize),
    /// Nothing decisive within the timeout.
    Timeout,
    /// The TCP connection failed.
    Connect(String),
    /// Another socket error.
    Io(String),
}

/// Send one ClientHello and read the server's first answer, bounded in time
/// (`timeout` for connect + write + read) and size ([`MAX_READ`]).
/// With `want_cert`, a TLS 1.2 ServerHello is followed up to the server's
/// Certificate message and the curve of its key is returned too.
pub async fn send_hello(addr: &str, spec: &HelloSpec, timeout: Duration, want_cert: bool) -> Raw {
    let bytes = client_hello(spec);
    let work = async {
        let mut tcp = match TcpStream::connect(addr).await {
            Ok(t) => t,
            Err(e) => return Raw::Connect(e.to_string()),
        };
        let _ = tcp.set_nodelay(true);
        if let Err(e) = tcp.write_all(&bytes).await {
            return Raw::Io(format!("write: {e}"));
        }
        let mut buf = Vec::with_capacity(4096);
        let mut chunk = [0u8; 4096];
        loop {
            match tcp.read(&mut chunk).await {
                Ok(0) => return Raw::Closed(buf.len()),
                Ok(n) => {
                    buf.extend_from_slice(&chunk[..n]);
                    if let Decoded::Done(a) = decode_server_flight(&buf) {
                        match a {
                            Answer::Hello(h)
                                if want_cert && h.version == Version::TLS12 && !h.retry =>
                            {
                                match decode_leaf_certificate(&buf) {
                                    CertDecoded::Done(c) => {
                                        return Raw::Certified(h, c.and_then(|d| ec_curve_of(&d)))
                                    }
                                    CertDecoded::NeedMore if buf.len() < MAX_READ => continue,
                                    CertDecoded::NeedMore => {
                                        return Raw::Certified(
                                            h,
                                            Err("no Certificate within the read limit".into()),
                                        )
                                    }
                                }
                            }
                            a => return Raw::Answer(a),
                        }
                    }
                    if buf.len() >= MAX_READ {
                        return Raw::Answer(Answer::NotTls(format!(
                            "no ServerHello in the first {} bytes",
                            buf.len()
                        )));
                    }
                }
                // A reset after the hello is how some stacks refuse.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                    return Raw::Closed(buf.len())
                }
                Err(e) => return Raw::Io(format!("read: {e}")),
            }
        }
    };
    tokio::time::timeout(timeout, work)
        .await
        .unwrap_or(Raw::Timeout)
}

/// Decide what a probe's raw answer means.
pub fn classify(probe: &Probe, raw: &Raw) -> Outcome {
    let (h, cert) = match raw {
        Raw::Answer(Answer::Hello(h)) => (h, None),
        Raw::Certified(h, c) => (h, Some(c)),
        Raw::Answer(Answer::Alert(_, d)) => {
            return Outcome::Refused(format!("alert {}", alert_name(*d)))
        }
        Raw::Answer(Answer::NotTls(why)) => {
            return Outcome::Inconclusive(format!("unreadable answer: {why}"))
        }
        Raw::Closed(n) => {
            return Outcome::Refused(format!("connection closed after {n} bytes, no ServerHello"))
        }
        Raw::Timeout => return Outcome::Inconclusive("no answer within the timeout".into()),
        Raw::Connect(e) => return Outcome::Inconclusive(format!("connect failed: {e}")),
        Raw::Io(e) => return Outcome::Inconclusive(e.clone()),
    };
    let what = format!(
        "{}{} {}{}",
        if h.retry {
            "HelloRetryRequest "
        } else {
            "ServerHello "
        },
        h.version.name(),
        suite_name(h.suite),
        h.group
            .map(|g| format!(" group {}", group_name(g)))
            .unwrap_or_default()
    );
    let ok = match probe {
        Probe::Version(v) if *v == Version::TLS13 => h.version == Version::TLS13,
        Probe::Version(v) => h.version == *v && !h.retry,
        Probe::Suite { version, suite, .. } => {
            let want = if (0x1301..=0x1303).contains(&suite.id) {
                Version::TLS13
            } else {
                *version
            };
            h.version == want && h.suite == suite.id
        }
        Probe::Group(g) => h.version == Version::TLS13 && h.group == Some(g.id),
        Probe::RustlsCompatible => {
            h.version == Version::TLS12 && RUSTLS_TLS12_SUITES.contains(&h.suite)
        }
        Probe::SuiteB {
            suite, cert_curves, ..
        } => {
            if h.version != Version::TLS12 || h.suite != suite.id {
                false
            } else {
                return match cert {
                    Some(Ok(c)) if cert_curves.iter().any(|g| g.id == *c) => {
                        Outcome::Accepted(format!("{what}, certificate on {}", group_name(*c)))
                    }
                    Some(Ok(c)) => Outcome::Refused(format!(
                        "{what}, but the certificate key is on {}",
                        group_name(*c)
                    )),
                    Some(Err(e)) => Outcome::Refused(format!("{what}, but {e}")),
                    None => Outcome::Inconclusive(format!("{what}; the certificate was not read")),
                };
            }
        }
    };
    if ok {
        Outcome::Accepted(what)
    } else {
        Outcome::Refused(format!("answered with {what} instead"))
    }
}

/// TLS material for the mutual-authentication handshakes (PEM texts).
#[derive(Clone, Debug, Default)]
pub struct ClientMaterial {
    /// CA the server certificate must chain to (`None`: not verified).
    pub ca_pem: Option<Vec<u8>>,
    /// A valid client certificate chain and key (positive control).
    pub cert_key_pem: Option<(Vec<u8>, Vec<u8>)>,
    /// The CA that signs client certificates, and its key (to issue an
    /// expired certificate).
    pub client_ca_pem: Option<(Vec<u8>, Vec<u8>)>,
}

/// Why a handshake configuration could not be built.
#[derive(Debug, thiserror::Error)]
pub enum MaterialError {
    /// PEM or certificate problem.
    #[error("{0}")]
    Pem(String),
    /// Certificate generation failed.
    #[error("certificate generation: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls refused the configuration.
    #[error("TLS configuration: {0}")]
    Tls(#[from] rustls::Error),
}

fn pem_certs(
    pem: &[u8],
    what: &str,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, MaterialError> {
    let certs: Vec<_> = rustls_pemfile::certs(&mut &pem[..])
        .collect::<Result<_, _>>()
        .map_err(|e| MaterialError::Pem(format!("{what}: {e}")))?;
    if certs.is_empty() {
        return Err(MaterialError::Pem(format!("{what}: no certificate")));
    }
    Ok(certs)
}

fn pem_key(
    pem: &[u8],
    what: &str,
) -> Result<rustls::pki_types::PrivateKeyDer<'static>, MaterialError> {
    rustls_pemfile::private_key(&mut &pem[..])
        .map_err(|e| MaterialError::Pem(format!("{what}: {e}")))?
        .ok_or_else(|| MaterialError::Pem(format!("{what}: no private key")))
}

/// Accepts any server certificate: the probe sends only a Discover
/// Versions request and has no secret to protect; used when no `--ca`.
#[derive(Debug)]
struct AnyServer(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A generated client certificate and key (DER), signed by `issuer` or
/// by a fresh unknown CA.
fn generated_client(
    expired: bool,
    issuer: Option<(&[u8], &[u8])>,
) -> Result<
    (
        Vec<rustls::pki_types::CertificateDer<'static>>,
        rustls::pki_types::PrivateKeyDer<'static>,
    ),
    MaterialError,
> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    };
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params
        .distinguished_name
        .push(DnType::CommonName, "kmip-harness tls-probe client");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    if expired {
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::days(30);
        params.not_after = now - time::Duration::days(1);
    }
    let cert = match issuer {
        Some((ca_pem, ca_key_pem)) => {
            let ca_text = std::str::from_utf8(ca_pem)
                .map_err(|_| MaterialError::Pem("client CA: not UTF-8 PEM".into()))?;
            let key_text = std::str::from_utf8(ca_key_pem)
                .map_err(|_| MaterialError::Pem("client CA key: not UTF-8 PEM".into()))?;
            let ca_key = KeyPair::from_pem(key_text)?;
            let issuer = Issuer::from_ca_cert_pem(ca_text, ca_key)?;
            params.signed_by(&key, &issuer)?
        }
        None => {
            let ca_key = KeyPair::generate()?;
            let mut ca = CertificateParams::new(Vec::<String>::new())?;
            ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            ca.distinguished_name
                .push(DnType::CommonName, "kmip-harness tls-probe unknown CA");
            let issuer = Issuer::new(ca, ca_key);
            params.signed_by(&key, &issuer)?
        }
    };
    let key_der = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    Ok((vec![cert.der().clone()], key_der))
}

/// The rustls client configuration of one mutual-authentication case
/// (`Ok(None)`: the material for that case was not given).
pub fn mutual_config(
    case: MutualCase,
    m: &ClientMaterial,
) -> Result<Option<Arc<rustls::ClientConfig>>, MaterialError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?;
    let builder = match &m.ca_pem {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in pem_certs(ca, "server CA")? {
                roots
                    .add(c)
                    .map_err(|e| MaterialError::Pem(format!("server CA: {e}")))?;
            }
            builder.with_root_certificates(roots)
        }
        None => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyServer(provider))),
    };
    let cfg = match case {
        MutualCase::NoCert => builder.with_no_client_auth(),
        MutualCase::UntrustedCa => {
            let (chain, key) = generated_client(false, None)?;
            builder.with_client_auth_cert(chain, key)?
        }
        MutualCase::Expired => {
            let Some((ca, ca_key)) = &m.client_ca_pem else {
                return Ok(None);
            };
            let (chain, key) = generated_client(true, Some((ca, ca_key)))?;
            builder.with_client_auth_cert(chain, key)?
        }
        MutualCase::Valid => {
            let Some((cert, key)) = &m.cert_key_pem else {
                return Ok(None);
            };
            builder.with_client_auth_cert(
                pem_certs(cert, "client certificate")?,
                pem_key(key, "client key")?,
            )?
        }
    };
    Ok(Some(Arc::new(cfg)))
}

/// A KMIP 1.1 Discover Versions request (empty payload): every KMIP server
/// from 1.1 on answers it, with a result or an error response.
pub fn discover_versions_request() -> Vec<u8> {
    use kmip_ttlv::{enums, tags, Item, Value};
    let msg = Item::structure(
        tags::REQUEST_MESSAGE,
        vec![
            Item::structure(
                tags::REQUEST_HEADER,
                vec![
                    Item::structure(
                        tags::PROTOCOL_VERSION,
                        vec![
                            Item::new(tags::PROTOCOL_VERSION_MAJOR, Value::Integer(1)),
                            Item::new(tags::PROTOCOL_VERSION_MINOR, Value::Integer(1)),
                        ],
                    ),
                    Item::new(tags::BATCH_COUNT, Value::Integer(1)),
                ],
            ),
            Item::structure(
                tags::BATCH_ITEM,
                vec![
                    Item::new(
                        tags::OPERATION,
                        Value::Enumeration(enums::operation::DISCOVER_VERSIONS),
                    ),
                    Item::structure(tags::REQUEST_PAYLOAD, vec![]),
                ],
            ),
        ],
    );
    kmip_ttlv::ttlv::encode(&msg).unwrap_or_default()
}

/// Largest KMIP response read back.
const MAX_RESPONSE: usize = 1 << 20;

/// One mutual-authentication attempt: handshake, Discover Versions, and
/// whether a KMIP response came back, all within `timeout`.
pub async fn mutual_attempt(
    addr: &str,
    server_name: rustls::pki_types::ServerName<'static>,
    config: Arc<rustls::ClientConfig>,
    timeout: Duration,
) -> Outcome {
    let work = async {
        let tcp = match TcpStream::connect(addr).await {
            Ok(t) => t,
            Err(e) => return Outcome::Inconclusive(format!("connect failed: {e}")),
        };
        let _ = tcp.set_nodelay(true);
        let mut tls = match tokio_rustls::TlsConnector::from(config)
            .connect(server_name, tcp)
            .await
        {
            Ok(t) => t,
            Err(e) => {
                // Our own side giving up is no refusal by the server.
                let local = e
                    .get_ref()
                    .and_then(|i| i.downcast_ref::<rustls::Error>())
                    .is_some_and(|re| {
                        matches!(
                            re,
                            rustls::Error::InvalidCertificate(_)
                                | rustls::Error::PeerIncompatible(_)
                        )
                    });
                return if local {
                    Outcome::Inconclusive(format!("handshake failed on our side: {e}"))
                } else {
                    Outcome::Refused(format!("handshake refused: {e}"))
                };
            }
        };
        let (version, suite) = {
            let (_, c) = tls.get_ref();
            (
                c.protocol_version()
                    .map(|v| format!("{v:?}"))
                    .unwrap_or_default(),
                c.negotiated_cipher_suite()
                    .map(|s| format!("{:?}", s.suite()))
                    .unwrap_or_default(),
            )
        };
        let req = discover_versions_request();
        if let Err(e) = tls.write_all(&req).await {
            return Outcome::Refused(format!(
                "after the handshake ({version}): write failed: {e}"
            ));
        }
        let _ = tls.flush().await;
        let mut head = [0u8; 8];
        if let Err(e) = tls.read_exact(&mut head).await {
            return Outcome::Refused(format!(
                "after the handshake ({version} {suite}): no KMIP response: {e}"
            ));
        }
        let len = u32::from_be_bytes([head[4], head[5], head[6], head[7]]) as usize;
        if head[..4] != [0x42, 0x00, 0x7B, 0x01] || len > MAX_RESPONSE {
            return Outcome::Accepted(format!(
                "{version} {suite}; the server answered with bytes that are not a KMIP response ({:02x?})",
                head
            ));
        }
        let mut body = vec![0u8; len];
        match tls.read_exact(&mut body).await {
            Ok(_) => Outcome::Accepted(format!(
                "{version} {suite}; KMIP response of {} bytes to Discover Versions",
                len + 8
            )),
            Err(e) => Outcome::Accepted(format!(
                "{version} {suite}; a KMIP response header arrived, then {e}"
            )),
        }
    };
    tokio::time::timeout(timeout, work)
        .await
        .unwrap_or_else(|_| Outcome::Inconclusive("no decision within the timeout".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hello::{Answer, ServerHello};

    #[test]
    fn discover_versions_request_is_ttlv() {
        let r = discover_versions_request();
        assert_eq!(&r[..4], &[0x42, 0x00, 0x78, 0x01]);
        let item =
            kmip_ttlv::ttlv::decode(&r, &kmip_ttlv::ttlv::Limits::default()).expect("decodes");
        assert!(item.child(kmip_ttlv::tags::BATCH_ITEM).is_some());
    }

    #[test]
    fn classify_decides_by_what_was_offered() {
        let p = Probe::Suite {
            version: Version::TLS12,
            suite: cs::TLS_RSA_WITH_AES_128_CBC_SHA256,
            groups: &crate::suites::CLASSIC_GROUPS,
        };
        let hello = |v: Version, s: u16| {
            Raw::Answer(Answer::Hello(ServerHello {
                version: v,
                suite: s,
                group: None,
                retry: false,
            }))
        };
        assert!(matches!(
            classify(&p, &hello(Version::TLS12, 0x003C)),
            Outcome::Accepted(_)
        ));
        assert!(matches!(
            classify(&p, &hello(Version::TLS10, 0x003C)),
            Outcome::Refused(_)
        ));
        assert!(matches!(
            classify(&p, &hello(Version::TLS12, 0x002F)),
            Outcome::Refused(_)
        ));
        assert!(matches!(
            classify(&p, &Raw::Answer(Answer::Alert(2, 40))),
            Outcome::Refused(r) if r == "alert handshake_failure"
        ));
        assert!(matches!(classify(&p, &Raw::Closed(0)), Outcome::Refused(_)));
        assert!(matches!(
            classify(&p, &Raw::Timeout),
            Outcome::Inconclusive(_)
        ));
        let g = Probe::Group(groups::X25519_MLKEM768);
        let hrr = Raw::Answer(Answer::Hello(ServerHello {
            version: Version::TLS13,
            suite: 0x1301,
            group: Some(0x001D),
            retry: true,
        }));
        assert!(matches!(classify(&g, &hrr), Outcome::Refused(_)));
    }
}
