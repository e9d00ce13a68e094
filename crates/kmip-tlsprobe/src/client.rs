//! Client-role TLS assessment: a bounded, pure parser of the ClientHello a
//! client under test sends to `client-test`, and the client clauses of the
//! Basic Authentication Suite decided from what it offered.
//!
//! `client-test` keeps the first TLS records of each connection before
//! rustls sees them (`kmip_runner::client::listen::TlsObservation`); this
//! module turns those bytes into a [`ClientHelloInfo`] (offered protocol
//! versions, cipher suites, groups, SNI) and [`client_clauses`] into
//! [`ClauseResult`]s that `profiles::attach(run, "client", …)` hangs on the
//! client profiles. Nothing here does I/O.
//!
//! Wire formats: RFC 5246 §6.2.1 (records, fragmentation), §7.4.1.2
//! (ClientHello); RFC 8446 §4.1.2, §4.2.1 (supported_versions), §4.2.7
//! (supported_groups); RFC 6066 §3 (server_name).

use crate::hello::{group_name, suite_name, Version};
use crate::suites::{Edition, PROHIBITED};
use crate::{ClauseResult, Evidence, Verdict};

/// Most bytes of handshake data the parser accepts (a ClientHello is at
/// most 2^16 + a few bytes in practice; hybrid post-quantum key shares
/// bring it to ~2 KB).
pub const MAX_HELLO_BYTES: usize = 64 * 1024;

/// Why a buffer is not a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelloError {
    /// The bytes end before the ClientHello does.
    #[error("truncated: {0}")]
    Truncated(&'static str),
    /// The first record is not a TLS handshake record (SSLv2 hello, plain
    /// text, TTLV without TLS, …).
    #[error("not a TLS handshake record (first byte 0x{0:02x})")]
    NotHandshake(u8),
    /// The handshake message is not a ClientHello.
    #[error("first handshake message is type {0}, not client_hello (1)")]
    NotClientHello(u8),
    /// A length field points outside its container.
    #[error("malformed: {0}")]
    Malformed(&'static str),
    /// The handshake message is larger than [`MAX_HELLO_BYTES`].
    #[error("ClientHello of {0} bytes exceeds the {MAX_HELLO_BYTES}-byte limit")]
    TooLarge(usize),
}

/// What one ClientHello offered.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ClientHelloInfo {
    /// `legacy_version` (`client_version`).
    pub legacy_version: u16,
    /// `supported_versions` entries (empty when the extension is absent;
    /// GREASE values removed).
    pub supported_versions: Vec<u16>,
    /// Cipher suites, in the client's order (GREASE and SCSV removed).
    pub cipher_suites: Vec<u16>,
    /// `supported_groups` entries (GREASE removed).
    pub groups: Vec<u16>,
    /// `server_name` host name, if sent.
    pub sni: Option<String>,
}

/// GREASE code points (RFC 8701 §2): 0x?A?A with equal bytes.
fn is_grease(v: u16) -> bool {
    (v & 0x0F0F) == 0x0A0A && (v >> 8) == (v & 0xFF)
}

/// Signalling suites that are not cipher suites
/// (TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV).
fn is_scsv(v: u16) -> bool {
    v == 0x00FF || v == 0x5600
}

impl ClientHelloInfo {
    /// Every protocol version the hello offers: the `supported_versions`
    /// list when present (RFC 8446 §4.2.1: it then replaces
    /// `legacy_version`), otherwise every version from TLS 1.0 (SSL 3.0 when
    /// `legacy_version` is SSL 3.0) up to `legacy_version`.
    pub fn offered_versions(&self) -> Vec<Version> {
        if !self.supported_versions.is_empty() {
            return self
                .supported_versions
                .iter()
                .map(|v| Version(*v))
                .collect();
        }
        let lowest = if self.legacy_version <= 0x0300 {
            0x0300
        } else {
            0x0301
        };
        (lowest..=self.legacy_version.min(0x0304))
            .rev()
            .map(Version)
            .collect()
    }

    /// Whether `v` is among [`offered_versions`](Self::offered_versions).
    pub fn offers_version(&self, v: Version) -> bool {
        self.offered_versions().contains(&v)
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], HelloError> {
        let end = self.pos.checked_add(n).ok_or(HelloError::Malformed(what))?;
        let s = self
            .buf
            .get(self.pos..end)
            .ok_or(HelloError::Malformed(what))?;
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self, what: &'static str) -> Result<u8, HelloError> {
        Ok(self.take(1, what)?[0])
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, HelloError> {
        let b = self.take(2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn vec8(&mut self, what: &'static str) -> Result<&'a [u8], HelloError> {
        let n = self.u8(what)? as usize;
        self.take(n, what)
    }
    fn vec16(&mut self, what: &'static str) -> Result<&'a [u8], HelloError> {
        let n = self.u16(what)? as usize;
        self.take(n, what)
    }
    fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }
}

fn u16_list(b: &[u8], what: &'static str) -> Result<Vec<u16>, HelloError> {
    if b.len() % 2 != 0 {
        return Err(HelloError::Malformed(what));
    }
    Ok(b.chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .filter(|v| !is_grease(*v))
        .collect())
}

/// Join the handshake fragments of the leading handshake records of `buf`
/// until the first handshake message is complete; returns its body (after
/// the 4-byte handshake header).
///
/// Also usable on a growing buffer: [`HelloError::Truncated`] means "read
/// more", every other error is final.
pub fn first_handshake_message(buf: &[u8]) -> Result<Vec<u8>, HelloError> {
    let mut hs: Vec<u8> = Vec::new();
    let mut pos = 0usize;
    loop {
        let Some(header) = buf.get(pos..pos + 5) else {
            return Err(HelloError::Truncated("record header"));
        };
        if header[0] != 22 {
            return Err(HelloError::NotHandshake(header[0]));
        }
        let len = u16::from_be_bytes([header[3], header[4]]) as usize;
        if len == 0 || len > 16384 + 2048 {
            return Err(HelloError::Malformed("record length"));
        }
        let Some(frag) = buf.get(pos + 5..pos + 5 + len) else {
            return Err(HelloError::Truncated("record body"));
        };
        pos += 5 + len;
        hs.extend_from_slice(frag);
        if hs.len() >= 4 {
            if hs[0] != 1 {
                return Err(HelloError::NotClientHello(hs[0]));
            }
            let want = u32::from_be_bytes([0, hs[1], hs[2], hs[3]]) as usize;
            if want > MAX_HELLO_BYTES {
                return Err(HelloError::TooLarge(want));
            }
            if hs.len() >= 4 + want {
                hs.truncate(4 + want);
                return Ok(hs.split_off(4));
            }
        }
        if hs.len() > MAX_HELLO_BYTES + 4 {
            return Err(HelloError::TooLarge(hs.len()));
        }
    }
}

/// Parse the ClientHello at the start of `buf` (one or more TLS records as
/// read from the socket).
pub fn parse_client_hello(buf: &[u8]) -> Result<ClientHelloInfo, HelloError> {
    let body = first_handshake_message(buf)?;
    parse_client_hello_body(&body)
}

/// Parse a ClientHello handshake body (after the handshake header).
pub fn parse_client_hello_body(body: &[u8]) -> Result<ClientHelloInfo, HelloError> {
    let mut r = Reader::new(body);
    let legacy_version = r.u16("client_version")?;
    r.take(32, "random")?;
    let sid = r.vec8("session_id")?;
    if sid.len() > 32 {
        return Err(HelloError::Malformed("session_id longer than 32"));
    }
    let suites = r.vec16("cipher_suites")?;
    let cipher_suites = u16_list(suites, "cipher_suites")?
        .into_iter()
        .filter(|s| !is_scsv(*s))
        .collect();
    r.vec8("compression_methods")?;
    let mut info = ClientHelloInfo {
        legacy_version,
        cipher_suites,
        ..Default::default()
    };
    if r.done() {
        return Ok(info);
    }
    let exts = r.vec16("extensions")?;
    let mut e = Reader::new(exts);
    while !e.done() {
        let ty = e.u16("extension type")?;
        let data = e.vec16("extension data")?;
        match ty {
            0x0000 => {
                let mut list = Reader::new(Reader::new(data).vec16("server_name list")?);
                while !list.done() {
                    let kind = list.u8("server_name type")?;
                    let name = list.vec16("server_name")?;
                    if kind == 0 && info.sni.is_none() {
                        info.sni = Some(String::from_utf8_lossy(name).into_owned());
                    }
                }
            }
            0x000A => {
                info.groups = u16_list(Reader::new(data).vec16("supported_groups")?, "groups")?;
            }
            0x002B => {
                info.supported_versions =
                    u16_list(Reader::new(data).vec8("supported_versions")?, "versions")?;
            }
            _ => {}
        }
    }
    Ok(info)
}

/// What `client-test` saw of the client's TLS, merged over connections.
#[derive(Clone, Debug, Default)]
pub struct ClientTlsSeen {
    /// Parsed ClientHellos (one per connection that sent one).
    pub hellos: Vec<ClientHelloInfo>,
    /// Connections whose first bytes were not a parsable ClientHello, with
    /// why.
    pub unparsed: Vec<String>,
    /// Handshakes where it is known whether the client presented a
    /// certificate (completed, or refused for lacking one).
    pub handshakes: usize,
    /// Handshakes with a client certificate.
    pub with_certificate: usize,
    /// Failed handshakes, with why.
    pub failed: Vec<String>,
    /// Whether the listener asked for a client certificate
    /// (CertificateRequest sent).
    pub certificate_requested: bool,
}

impl ClientTlsSeen {
    /// Record one connection: the bytes it sent first (`hello`), whether
    /// it presented a client certificate (`None`: unknown, the handshake
    /// failed before that was decided) and why its handshake failed.
    pub fn add(
        &mut self,
        peer: &str,
        hello: &[u8],
        certificate: Option<bool>,
        error: Option<&str>,
    ) {
        match parse_client_hello(hello) {
            Ok(h) => self.hellos.push(h),
            Err(e) => self.unparsed.push(format!("{peer}: {e}")),
        }
        if let Some(cert) = certificate {
            self.handshakes += 1;
            if cert {
                self.with_certificate += 1;
            }
        }
        if let Some(e) = error {
            self.failed.push(format!("{peer}: {e}"));
        }
    }
}

/// The JSON document `client-test` writes as tls-client-assessment.json.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ClientAssessment {
    /// Every parsed ClientHello.
    pub hellos: Vec<ClientHelloInfo>,
    /// Connections whose first bytes were not a ClientHello, with why.
    pub unparsed: Vec<String>,
    /// Handshakes where certificate presence is known.
    pub handshakes: usize,
    /// Of those, handshakes with a client certificate.
    pub with_certificate: usize,
    /// Failed handshakes, with why.
    pub failed: Vec<String>,
    /// Whether the listener requested a client certificate.
    pub certificate_requested: bool,
    /// Clause verdicts per Profiles edition (`v1`, `v2`, `v3`).
    pub clauses: Vec<(Edition, Vec<ClauseResult>)>,
}

impl ClientAssessment {
    /// The clauses of every edition for `seen`.
    pub fn new(seen: &ClientTlsSeen) -> ClientAssessment {
        ClientAssessment {
            hellos: seen.hellos.clone(),
            unparsed: seen.unparsed.clone(),
            handshakes: seen.handshakes,
            with_certificate: seen.with_certificate,
            failed: seen.failed.clone(),
            certificate_requested: seen.certificate_requested,
            clauses: [Edition::V1, Edition::V2, Edition::V3]
                .into_iter()
                .map(|e| (e, client_clauses(seen, e)))
                .collect(),
        }
    }

    /// Attach each edition's clauses to the client profiles of `run` of a
    /// KMIP version of that edition (see [`crate::profiles::attach_where`]).
    /// Returns the number of attachments.
    pub fn attach(&self, run: &mut kmip_testcase::results::RunResults) -> usize {
        self.clauses
            .iter()
            .map(|(e, cl)| {
                crate::profiles::attach_where(run, "client", cl, |p| {
                    Edition::of(&p.version) == Some(*e)
                })
            })
            .sum()
    }
}

const BASIC: &str = "Basic Authentication Suite";

fn names(ids: &[u16], name: fn(u16) -> String) -> Vec<String> {
    ids.iter().map(|i| name(*i)).collect()
}

fn clause(
    id: &str,
    text: &str,
    source: &str,
    verdict: Verdict,
    reason: Option<String>,
    evidence: Evidence,
) -> ClauseResult {
    ClauseResult {
        id: id.to_string(),
        suite: BASIC.to_string(),
        text: text.to_string(),
        source: source.to_string(),
        verdict,
        reason,
        evidence,
    }
}

/// Evidence lines describing every hello (merged).
fn hello_offered(seen: &ClientTlsSeen) -> Vec<String> {
    seen.hellos
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let versions: Vec<String> = h.offered_versions().iter().map(|v| v.name()).collect();
            format!(
                "hello {}: versions [{}]; suites [{}]; groups [{}]; sni {}",
                i + 1,
                versions.join(", "),
                names(&h.cipher_suites, suite_name).join(", "),
                names(&h.groups, group_name).join(", "),
                h.sni.as_deref().unwrap_or("(none)")
            )
        })
        .collect()
}

/// The client clauses for `edition` (V1: TLS 1.0 and
/// TLS_RSA_WITH_AES_128_CBC_SHA; V2/V3: TLS 1.2 and the two
/// TLS_RSA_WITH_AES_*_CBC_SHA256 suites), decided from what the client
/// offered in every ClientHello `seen` holds. A requirement holds only when
/// every hello meets it (a client that sometimes omits a suite does not
/// reliably offer it).
pub fn client_clauses(seen: &ClientTlsSeen, edition: Edition) -> Vec<ClauseResult> {
    let offered = hello_offered(seen);
    let none = || {
        Some(if seen.unparsed.is_empty() {
            "no ClientHello was received".to_string()
        } else {
            format!("no parsable ClientHello: {}", seen.unparsed.join("; "))
        })
    };
    let mut out = Vec::new();
    let (ver, ver_id, ver_src, shall, shall_id, shall_src) = match edition {
        Edition::V1 => (
            Version::TLS10,
            "client-basic-v1-3.1.1-tls10",
            "KMIP Profiles v1.0-v1.4 §3.1.1 (from knowledge; PyKMIP's BasicAuthenticationSuite pins TLS 1.0); not verified against the v1.x text",
            &[0x002Fu16][..],
            "client-basic-v1-3.1.2-shall",
            "KMIP Profiles v1.0-v1.4 §3.1.2 (from knowledge; first suite of PyKMIP's BasicAuthenticationSuite); not verified against the v1.x text",
        ),
        _ => (
            Version::TLS12,
            "client-basic-3.1.1-tls12",
            "KMIP Profiles v2.0/v2.1/v3.0 §3.1.1 (from knowledge of the Profiles text; not in /work/shared)",
            &[0x003Du16, 0x003C][..],
            "client-basic-3.1.2-shall",
            "KMIP Profiles v2.0/v2.1/v3.0 §3.1.2 (from knowledge of the Profiles text; the suites of the server-side table in suites.rs)",
        ),
    };
    // Version.
    let text = format!("client offers {}", ver.name());
    if seen.hellos.is_empty() {
        out.push(clause(
            ver_id,
            &text,
            ver_src,
            Verdict::NotAssessed,
            none(),
            Evidence::default(),
        ));
    } else {
        let missing: Vec<String> = seen
            .hellos
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.offers_version(ver))
            .map(|(i, _)| format!("hello {}: {} not offered", i + 1, ver.name()))
            .collect();
        let verdict = if missing.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        out.push(clause(
            ver_id,
            &text,
            ver_src,
            verdict,
            None,
            Evidence {
                offered: offered.clone(),
                refused: missing,
                ..Default::default()
            },
        ));
    }
    // SHALL suites.
    let shall_names = names(shall, suite_name).join(" and ");
    let text = format!("client offers {shall_names}");
    if seen.hellos.is_empty() {
        out.push(clause(
            shall_id,
            &text,
            shall_src,
            Verdict::NotAssessed,
            none(),
            Evidence::default(),
        ));
    } else {
        let mut missing = Vec::new();
        for (i, h) in seen.hellos.iter().enumerate() {
            for s in shall {
                if !h.cipher_suites.contains(s) {
                    missing.push(format!("hello {}: {} not offered", i + 1, suite_name(*s)));
                }
            }
        }
        let verdict = if missing.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        out.push(clause(
            shall_id,
            &text,
            shall_src,
            verdict,
            None,
            Evidence {
                offered: offered.clone(),
                refused: missing,
                ..Default::default()
            },
        ));
    }
    // SHALL NOT suites and SSL 3.0.
    let text =
        "client offers no NULL, anonymous, export, RC4 or single-DES cipher suite and not SSL 3.0";
    let src = "RFC 7465 §2 (RC4), RFC 5246 §1.2/§A.5, RFC 7525 §4.1 (NULL, anon, export, DES), RFC 7568 §3 (SSL 3.0), applied by the harness: the Profiles' own SHALL NOT list was not available to check";
    if seen.hellos.is_empty() {
        out.push(clause(
            "client-tls-shall-not",
            text,
            src,
            Verdict::NotAssessed,
            none(),
            Evidence::default(),
        ));
    } else {
        let mut bad = Vec::new();
        for (i, h) in seen.hellos.iter().enumerate() {
            for s in &h.cipher_suites {
                if PROHIBITED.iter().any(|p| p.id == *s) {
                    bad.push(format!("hello {}: offers {}", i + 1, suite_name(*s)));
                }
            }
            if h.offers_version(Version::SSL3) {
                bad.push(format!("hello {}: offers SSL 3.0", i + 1));
            }
        }
        let verdict = if bad.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        out.push(clause(
            "client-tls-shall-not",
            text,
            src,
            verdict,
            Some(format!(
                "prohibited suites checked: {}",
                PROHIBITED
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Evidence {
                offered,
                accepted: bad,
                ..Default::default()
            },
        ));
    }
    // Client certificate.
    let text = "client presents a certificate when the server requests one (channel mutual authentication)";
    let src = "KMIP Profiles §3.1.3 (channel mutual authentication)";
    let id = "client-basic-3.1.3-cert";
    if !seen.certificate_requested {
        out.push(clause(
            id,
            text,
            src,
            Verdict::NotAssessed,
            Some("the listener did not request a client certificate".into()),
            Evidence::default(),
        ));
    } else if seen.handshakes == 0 {
        out.push(clause(
            id,
            text,
            src,
            Verdict::NotAssessed,
            Some("no handshake got as far as the client certificate".into()),
            Evidence::default(),
        ));
    } else {
        let without = seen.handshakes - seen.with_certificate.min(seen.handshakes);
        let verdict = if without == 0 {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        out.push(clause(
            id,
            text,
            src,
            verdict,
            None,
            Evidence {
                offered: vec![format!(
                    "CertificateRequest in {} handshake(s)",
                    seen.handshakes
                )],
                accepted: vec![format!(
                    "{} handshake(s) with a client certificate",
                    seen.with_certificate
                )],
                refused: if without > 0 {
                    vec![format!(
                        "{without} handshake(s) without a client certificate"
                    )]
                } else {
                    Vec::new()
                },
                inconclusive: seen.failed.clone(),
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hello::{client_hello, cs, groups, HelloSpec};

    fn spec(tls13: bool) -> HelloSpec {
        HelloSpec {
            version: Version::TLS12,
            tls13,
            suites: vec![
                0x1A1A, // GREASE
                cs::TLS_RSA_WITH_AES_256_CBC_SHA256.id,
                cs::TLS_RSA_WITH_AES_128_CBC_SHA256.id,
                0x00FF,
            ],
            groups: vec![groups::X25519.id, groups::SECP256R1.id],
            key_shares: Vec::new(),
            sni: Some("kmip.example".into()),
            extensions: true,
        }
    }

    #[test]
    fn parses_hand_built_hello() {
        let h = parse_client_hello(&client_hello(&spec(true))).expect("parses");
        assert_eq!(h.legacy_version, 0x0303);
        assert_eq!(h.supported_versions, vec![0x0304]);
        assert_eq!(h.cipher_suites, vec![0x003D, 0x003C]);
        assert_eq!(h.groups, vec![0x001D, 0x0017]);
        assert_eq!(h.sni.as_deref(), Some("kmip.example"));
        assert_eq!(h.offered_versions(), vec![Version::TLS13]);
        let h12 = parse_client_hello(&client_hello(&spec(false))).expect("parses");
        assert!(h12.supported_versions.is_empty());
        assert_eq!(
            h12.offered_versions(),
            vec![Version::TLS12, Version::TLS11, Version::TLS10]
        );
    }

    #[test]
    fn joins_fragmented_records() {
        let rec = client_hello(&spec(false));
        let hs = &rec[5..];
        let (a, b) = hs.split_at(7);
        let mut two = Vec::new();
        for part in [a, b] {
            two.extend_from_slice(&[22, 3, 1]);
            two.extend_from_slice(&(part.len() as u16).to_be_bytes());
            two.extend_from_slice(part);
        }
        assert_eq!(
            parse_client_hello(&two).expect("parses"),
            parse_client_hello(&rec).expect("parses")
        );
        assert_eq!(
            parse_client_hello(&two[..12 + 3]),
            Err(HelloError::Truncated("record header"))
        );
    }

    #[test]
    fn every_truncation_is_an_error() {
        let rec = client_hello(&spec(true));
        for n in 0..rec.len() {
            assert!(parse_client_hello(&rec[..n]).is_err(), "prefix {n} parsed");
        }
    }

    #[test]
    fn hostile_input_is_refused() {
        assert_eq!(
            parse_client_hello(b"\x80\x2e\x01\x03\x01"),
            Err(HelloError::NotHandshake(0x80))
        );
        assert_eq!(
            parse_client_hello(&[22, 3, 1, 0, 4, 2, 0, 0, 0]),
            Err(HelloError::NotClientHello(2))
        );
        assert_eq!(
            parse_client_hello(&[22, 3, 1, 0, 4, 1, 0xFF, 0xFF, 0xFF]),
            Err(HelloError::TooLarge(0xFF_FFFF))
        );
        // A cipher-suite length pointing past the body.
        let mut body = vec![3, 3];
        body.extend_from_slice(&[0; 32]);
        body.extend_from_slice(&[0, 0xFF, 0xFF]);
        assert!(parse_client_hello_body(&body).is_err());
        // Odd cipher-suite list length.
        let mut body = vec![3, 3];
        body.extend_from_slice(&[0; 32]);
        body.extend_from_slice(&[0, 0, 3, 0, 0x3C, 0, 1, 0]);
        assert_eq!(
            parse_client_hello_body(&body),
            Err(HelloError::Malformed("cipher_suites"))
        );
        // Arbitrary bytes never panic.
        let mut x: u32 = 0x1234_5678;
        for len in 0..400usize {
            let mut buf = vec![22u8, 3, 1, (len >> 8) as u8, len as u8, 1];
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                buf.push(x as u8);
            }
            let _ = parse_client_hello(&buf);
        }
    }

    #[test]
    fn clauses_follow_the_offers() {
        let good = parse_client_hello(&client_hello(&spec(false))).expect("parses");
        let mut bad = good.clone();
        bad.supported_versions = vec![0x0304];
        bad.cipher_suites = vec![0xC02F, cs::TLS_RSA_WITH_RC4_128_SHA.id];
        let seen = ClientTlsSeen {
            hellos: vec![good.clone()],
            handshakes: 1,
            with_certificate: 1,
            certificate_requested: true,
            ..Default::default()
        };
        let v: Vec<Verdict> = client_clauses(&seen, Edition::V2)
            .iter()
            .map(|c| c.verdict)
            .collect();
        assert_eq!(v, vec![Verdict::Pass; 4]);
        let seen = ClientTlsSeen {
            hellos: vec![good, bad],
            handshakes: 2,
            with_certificate: 1,
            certificate_requested: true,
            ..Default::default()
        };
        let cl = client_clauses(&seen, Edition::V2);
        assert!(cl.iter().all(|c| c.verdict == Verdict::Fail));
        assert!(cl[2].evidence.accepted[0].contains("TLS_RSA_WITH_RC4_128_SHA"));
        let empty = client_clauses(&ClientTlsSeen::default(), Edition::V1);
        assert!(empty.iter().all(|c| c.verdict == Verdict::NotAssessed));
        assert_eq!(empty[0].id, "client-basic-v1-3.1.1-tls10");
    }
}
