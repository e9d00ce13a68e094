//! Hand-built TLS ClientHellos and a bounded decoder of what a server sends
//! back (ServerHello, HelloRetryRequest or alert): the testssl.sh / sslyze
//! technique. Nothing here does I/O and nothing here implements a cipher:
//! a probe only needs the server's first answer to a ClientHello that
//! offers one cipher suite, one protocol version or one key-exchange group.
//!
//! Wire formats: RFC 5246 §6.2 (records), §7.4.1 (hellos); RFC 8446 §4.1.2–
//! §4.1.4 (TLS 1.3 hellos, HelloRetryRequest), §4.2.1 (supported_versions),
//! §4.2.7 (supported_groups), §4.2.8 (key_share), §6 (alerts); RFC 6066 §3
//! (server_name); draft-ietf-tls-ecdhe-mlkem (hybrid ML-KEM groups).

use rand::RngCore;

/// A TLS protocol version as it appears on the wire.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Version(pub u16);

impl Version {
    /// SSL 3.0 (RFC 6101; prohibited by RFC 7568).
    pub const SSL3: Version = Version(0x0300);
    /// TLS 1.0 (RFC 2246).
    pub const TLS10: Version = Version(0x0301);
    /// TLS 1.1 (RFC 4346).
    pub const TLS11: Version = Version(0x0302);
    /// TLS 1.2 (RFC 5246).
    pub const TLS12: Version = Version(0x0303);
    /// TLS 1.3 (RFC 8446).
    pub const TLS13: Version = Version(0x0304);

    /// Human name (`TLS 1.2`).
    pub fn name(self) -> String {
        match self.0 {
            0x0300 => "SSL 3.0".into(),
            0x0301 => "TLS 1.0".into(),
            0x0302 => "TLS 1.1".into(),
            0x0303 => "TLS 1.2".into(),
            0x0304 => "TLS 1.3".into(),
            v => format!("0x{v:04x}"),
        }
    }
}

/// A cipher suite: IANA code point and name.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Suite {
    /// IANA TLS Cipher Suite code point.
    pub id: u16,
    /// IANA name.
    pub name: &'static str,
}

macro_rules! suites {
    ($($c:ident = $v:expr;)*) => {
        /// Cipher suites the probes offer (IANA "TLS Cipher Suites" registry).
        pub mod cs {
            use super::Suite;
            $(
                #[doc = concat!("`", stringify!($c), "`")]
                pub const $c: Suite = Suite { id: $v, name: stringify!($c) };
            )*
            /// Every suite above (for naming a code point a server chose).
            pub const ALL: &[Suite] = &[$($c),*];
        }
    };
}

suites! {
    TLS_NULL_WITH_NULL_NULL = 0x0000;
    TLS_RSA_WITH_NULL_SHA = 0x0002;
    TLS_RSA_EXPORT_WITH_RC4_40_MD5 = 0x0003;
    TLS_RSA_WITH_RC4_128_MD5 = 0x0004;
    TLS_RSA_WITH_RC4_128_SHA = 0x0005;
    TLS_RSA_EXPORT_WITH_DES40_CBC_SHA = 0x0008;
    TLS_RSA_WITH_DES_CBC_SHA = 0x0009;
    TLS_RSA_WITH_3DES_EDE_CBC_SHA = 0x000A;
    TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA = 0x000D;
    TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA = 0x0010;
    TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA = 0x0013;
    TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA = 0x0016;
    TLS_DH_ANON_WITH_RC4_128_MD5 = 0x0018;
    TLS_RSA_WITH_AES_128_CBC_SHA = 0x002F;
    TLS_DH_DSS_WITH_AES_128_CBC_SHA = 0x0030;
    TLS_DH_RSA_WITH_AES_128_CBC_SHA = 0x0031;
    TLS_DHE_DSS_WITH_AES_128_CBC_SHA = 0x0032;
    TLS_DHE_RSA_WITH_AES_128_CBC_SHA = 0x0033;
    TLS_DH_ANON_WITH_AES_128_CBC_SHA = 0x0034;
    TLS_RSA_WITH_AES_256_CBC_SHA = 0x0035;
    TLS_DH_DSS_WITH_AES_256_CBC_SHA = 0x0036;
    TLS_DH_RSA_WITH_AES_256_CBC_SHA = 0x0037;
    TLS_DHE_DSS_WITH_AES_256_CBC_SHA = 0x0038;
    TLS_DHE_RSA_WITH_AES_256_CBC_SHA = 0x0039;
    TLS_RSA_WITH_NULL_SHA256 = 0x003B;
    TLS_RSA_WITH_AES_128_CBC_SHA256 = 0x003C;
    TLS_RSA_WITH_AES_256_CBC_SHA256 = 0x003D;
    TLS_DH_DSS_WITH_AES_128_CBC_SHA256 = 0x003E;
    TLS_DH_RSA_WITH_AES_128_CBC_SHA256 = 0x003F;
    TLS_DHE_DSS_WITH_AES_128_CBC_SHA256 = 0x0040;
    TLS_DHE_RSA_WITH_AES_128_CBC_SHA256 = 0x0067;
    TLS_DH_DSS_WITH_AES_256_CBC_SHA256 = 0x0068;
    TLS_DH_RSA_WITH_AES_256_CBC_SHA256 = 0x0069;
    TLS_DHE_DSS_WITH_AES_256_CBC_SHA256 = 0x006A;
    TLS_DHE_RSA_WITH_AES_256_CBC_SHA256 = 0x006B;
    TLS_DH_ANON_WITH_AES_256_CBC_SHA256 = 0x006D;
    TLS_RSA_WITH_AES_128_GCM_SHA256 = 0x009C;
    TLS_RSA_WITH_AES_256_GCM_SHA384 = 0x009D;
    TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 = 0x009E;
    TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 = 0x009F;
    TLS_AES_128_GCM_SHA256 = 0x1301;
    TLS_AES_256_GCM_SHA384 = 0x1302;
    TLS_CHACHA20_POLY1305_SHA256 = 0x1303;
    TLS_ECDHE_ECDSA_WITH_NULL_SHA = 0xC006;
    TLS_ECDHE_ECDSA_WITH_RC4_128_SHA = 0xC007;
    TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA = 0xC009;
    TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA = 0xC00A;
    TLS_ECDHE_RSA_WITH_NULL_SHA = 0xC010;
    TLS_ECDHE_RSA_WITH_RC4_128_SHA = 0xC011;
    TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA = 0xC013;
    TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA = 0xC014;
    TLS_ECDH_ANON_WITH_AES_128_CBC_SHA = 0xC018;
    TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 = 0xC023;
    TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 = 0xC024;
    TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256 = 0xC025;
    TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384 = 0xC026;
    TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 = 0xC027;
    TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 = 0xC028;
    TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256 = 0xC029;
    TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384 = 0xC02A;
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xC02B;
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xC02C;
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xC02F;
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xC030;
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xCCA8;
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xCCA9;
}

/// Name of a cipher-suite code point (`0x1234` when not in [`cs::ALL`]).
pub fn suite_name(id: u16) -> String {
    cs::ALL
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.name.to_string())
        .unwrap_or_else(|| format!("0x{id:04x}"))
}

/// A key-exchange group (IANA "TLS Supported Groups").
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Group {
    /// Code point.
    pub id: u16,
    /// IANA name.
    pub name: &'static str,
}

/// Groups the probes offer.
pub mod groups {
    use super::Group;
    /// secp256r1 (NIST P-256).
    pub const SECP256R1: Group = Group {
        id: 0x0017,
        name: "secp256r1",
    };
    /// secp384r1 (NIST P-384).
    pub const SECP384R1: Group = Group {
        id: 0x0018,
        name: "secp384r1",
    };
    /// secp521r1 (NIST P-521).
    pub const SECP521R1: Group = Group {
        id: 0x0019,
        name: "secp521r1",
    };
    /// X25519 (RFC 7748).
    pub const X25519: Group = Group {
        id: 0x001D,
        name: "x25519",
    };
    /// ffdhe2048 (RFC 7919).
    pub const FFDHE2048: Group = Group {
        id: 0x0100,
        name: "ffdhe2048",
    };
    /// SecP256r1MLKEM768 (draft-ietf-tls-ecdhe-mlkem).
    pub const SECP256R1_MLKEM768: Group = Group {
        id: 0x11EB,
        name: "SecP256r1MLKEM768",
    };
    /// X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem).
    pub const X25519_MLKEM768: Group = Group {
        id: 0x11EC,
        name: "X25519MLKEM768",
    };
    /// SecP384r1MLKEM1024 (draft-ietf-tls-ecdhe-mlkem).
    pub const SECP384R1_MLKEM1024: Group = Group {
        id: 0x11ED,
        name: "SecP384r1MLKEM1024",
    };
    /// Every group above.
    pub const ALL: &[Group] = &[
        SECP256R1,
        SECP384R1,
        SECP521R1,
        X25519,
        FFDHE2048,
        SECP256R1_MLKEM768,
        X25519_MLKEM768,
        SECP384R1_MLKEM1024,
    ];
}

/// Name of a group code point.
pub fn group_name(id: u16) -> String {
    groups::ALL
        .iter()
        .find(|g| g.id == id)
        .map(|g| g.name.to_string())
        .unwrap_or_else(|| format!("0x{id:04x}"))
}

/// What one ClientHello offers.
#[derive(Clone, Debug)]
pub struct HelloSpec {
    /// `legacy_version` / `client_version` (TLS 1.3 hellos send TLS 1.2 here).
    pub version: Version,
    /// Offer TLS 1.3 through `supported_versions` (only 0x0304).
    pub tls13: bool,
    /// Cipher suites, in order.
    pub suites: Vec<u16>,
    /// `supported_groups` (empty: extension omitted).
    pub groups: Vec<u16>,
    /// `key_share` entries (TLS 1.3 only): group and public value.
    pub key_shares: Vec<(u16, Vec<u8>)>,
    /// `server_name` (a DNS name; never an IP literal, RFC 6066 §3).
    pub sni: Option<String>,
    /// Send extensions at all (an SSL 3.0 hello sends none).
    pub extensions: bool,
}

/// `signature_algorithms` offered (RFC 8446 §4.2.3 code points): ECDSA,
/// RSA-PSS, RSA PKCS#1 with SHA-2, Ed25519, and the SHA-1 forms so old
/// servers are not refused for the wrong reason.
const SIG_ALGS: &[u16] = &[
    0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0807, 0x0201, 0x0203,
    0x0202,
];

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Append `body` with a big-endian length prefix of `width` bytes (1, 2 or 3).
fn put_vec(out: &mut Vec<u8>, width: usize, body: &[u8]) {
    let len = body.len();
    match width {
        1 => out.push(len.min(0xFF) as u8),
        2 => put_u16(out, len.min(0xFFFF) as u16),
        _ => {
            let l = len.min(0xFF_FFFF) as u32;
            out.extend_from_slice(&l.to_be_bytes()[1..]);
        }
    }
    out.extend_from_slice(body);
}

fn ext(out: &mut Vec<u8>, ty: u16, body: &[u8]) {
    put_u16(out, ty);
    put_vec(out, 2, body);
}

/// The ClientHello as one TLS plaintext record (bytes to write to the socket).
pub fn client_hello(spec: &HelloSpec) -> Vec<u8> {
    let mut rng = rand::thread_rng();
    let mut body = Vec::with_capacity(512);
    put_u16(&mut body, spec.version.0);
    let mut random = [0u8; 32];
    rng.fill_bytes(&mut random);
    body.extend_from_slice(&random);
    if spec.tls13 {
        // Middlebox-compatibility session id (RFC 8446 §D.4).
        let mut sid = [0u8; 32];
        rng.fill_bytes(&mut sid);
        put_vec(&mut body, 1, &sid);
    } else {
        put_vec(&mut body, 1, &[]);
    }
    let mut suites = Vec::with_capacity(spec.suites.len() * 2);
    for s in &spec.suites {
        put_u16(&mut suites, *s);
    }
    put_vec(&mut body, 2, &suites);
    put_vec(&mut body, 1, &[0]); // compression: null only
    if spec.extensions {
        let mut exts = Vec::with_capacity(256);
        if let Some(name) = &spec.sni {
            let mut entry = vec![0u8]; // host_name
            put_vec(&mut entry, 2, name.as_bytes());
            let mut list = Vec::new();
            put_vec(&mut list, 2, &entry);
            ext(&mut exts, 0x0000, &list);
        }
        if !spec.groups.is_empty() {
            let mut g = Vec::new();
            for id in &spec.groups {
                put_u16(&mut g, *id);
            }
            let mut list = Vec::new();
            put_vec(&mut list, 2, &g);
            ext(&mut exts, 0x000A, &list);
            // ec_point_formats: uncompressed (RFC 8422 §5.1.2).
            ext(&mut exts, 0x000B, &[1, 0]);
        }
        let mut sa = Vec::new();
        for id in SIG_ALGS {
            put_u16(&mut sa, *id);
        }
        let mut list = Vec::new();
        put_vec(&mut list, 2, &sa);
        ext(&mut exts, 0x000D, &list);
        // extended_master_secret (RFC 7627) and renegotiation_info (RFC 5746).
        ext(&mut exts, 0x0017, &[]);
        ext(&mut exts, 0xFF01, &[0]);
        if spec.tls13 {
            ext(&mut exts, 0x002B, &[2, 0x03, 0x04]);
            // psk_key_exchange_modes: psk_dhe_ke (harmless; some stacks want it).
            ext(&mut exts, 0x002D, &[1, 1]);
            let mut shares = Vec::new();
            for (g, key) in &spec.key_shares {
                put_u16(&mut shares, *g);
                put_vec(&mut shares, 2, key);
            }
            let mut list = Vec::new();
            put_vec(&mut list, 2, &shares);
            ext(&mut exts, 0x0033, &list);
        }
        put_vec(&mut body, 2, &exts);
    }
    let mut hs = Vec::with_capacity(body.len() + 4);
    hs.push(1); // client_hello
    put_vec(&mut hs, 3, &body);
    let mut rec = Vec::with_capacity(hs.len() + 5);
    rec.push(22);
    // Record-layer version: TLS 1.0 for everything newer (what real
    // clients send for compatibility), SSL 3.0 for the SSL 3.0 probe.
    put_u16(&mut rec, spec.version.0.min(0x0301));
    put_vec(&mut rec, 2, &hs);
    rec
}

/// A public key share of the right size for `group`: a real ephemeral key
/// for the classical groups (servers check points) and, for the hybrid
/// ML-KEM groups, a classical share followed by an ML-KEM encapsulation key
/// made of random coefficients below q = 3329 (FIPS 203 §7.2 input check)
/// and a random seed. The private halves are thrown away: the probe never
/// finishes a handshake. `None` for a group without a share form here.
pub fn key_share(group: u16) -> Option<Vec<u8>> {
    use ring::agreement;
    let rng = ring::rand::SystemRandom::new();
    let classical = |alg: &'static agreement::Algorithm| -> Option<Vec<u8>> {
        let k = agreement::EphemeralPrivateKey::generate(alg, &rng).ok()?;
        Some(k.compute_public_key().ok()?.as_ref().to_vec())
    };
    match group {
        0x0017 => classical(&agreement::ECDH_P256),
        0x0018 => classical(&agreement::ECDH_P384),
        0x001D => classical(&agreement::X25519),
        // X25519MLKEM768: ML-KEM-768 ek (1184) then X25519 (32).
        0x11EC => {
            let mut v = mlkem_ek(3);
            v.extend(classical(&agreement::X25519)?);
            Some(v)
        }
        // SecP256r1MLKEM768: P-256 point (65) then ML-KEM-768 ek (1184).
        0x11EB => {
            let mut v = classical(&agreement::ECDH_P256)?;
            v.extend(mlkem_ek(3));
            Some(v)
        }
        // SecP384r1MLKEM1024: P-384 point (97) then ML-KEM-1024 ek (1568).
        0x11ED => {
            let mut v = classical(&agreement::ECDH_P384)?;
            v.extend(mlkem_ek(4));
            Some(v)
        }
        _ => None,
    }
}

/// An ML-KEM encapsulation key shape for module rank `k`: 256·k 12-bit
/// coefficients below 3329 (ByteEncode12) and a 32-byte seed.
fn mlkem_ek(k: usize) -> Vec<u8> {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    let mut out = Vec::with_capacity(384 * k + 32);
    for _ in 0..(128 * k) {
        let a: u16 = rng.gen_range(0..3329);
        let b: u16 = rng.gen_range(0..3329);
        out.push((a & 0xFF) as u8);
        out.push(((a >> 8) as u8) | (((b & 0x0F) as u8) << 4));
        out.push((b >> 4) as u8);
    }
    let mut seed = [0u8; 32];
    rng.fill_bytes(&mut seed);
    out.extend_from_slice(&seed);
    out
}

/// The special ServerHello.random of a HelloRetryRequest (RFC 8446 §4.1.3).
pub const HRR_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// A decoded ServerHello or HelloRetryRequest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHello {
    /// Negotiated version: `supported_versions` when present, else
    /// `legacy_version`.
    pub version: Version,
    /// Chosen cipher suite.
    pub suite: u16,
    /// Group of the `key_share` extension (selected group in an HRR).
    pub group: Option<u16>,
    /// This is a HelloRetryRequest.
    pub retry: bool,
}

/// What the server's first bytes say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A ServerHello or HelloRetryRequest.
    Hello(ServerHello),
    /// An alert record (level, description).
    Alert(u8, u8),
    /// Bytes that are not a TLS handshake answer (reason).
    NotTls(String),
}

/// Largest record payload accepted (RFC 5246 §6.2.3: 2^14 + 2048).
pub const MAX_RECORD: usize = 16384 + 2048;
/// Largest first handshake message accepted (a ServerHello is far smaller).
pub const MAX_HANDSHAKE: usize = 64 * 1024;

/// Decoder state over the bytes received so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decoded {
    /// Not enough bytes to decide yet.
    NeedMore,
    /// A decision.
    Done(Answer),
}

/// Decode the server's first flight from the bytes read so far. Bounded:
/// every length is checked against the bytes present and the limits above;
/// never panics on any input.
pub fn decode_server_flight(buf: &[u8]) -> Decoded {
    let mut pos = 0usize;
    let mut hs: Vec<u8> = Vec::new();
    loop {
        let Some(hdr) = buf.get(pos..pos + 5) else {
            return Decoded::NeedMore;
        };
        let (ty, len) = (hdr[0], usize::from(u16::from_be_bytes([hdr[3], hdr[4]])));
        if hdr[1] != 0x03 || !(20..=23).contains(&ty) {
            return Decoded::Done(Answer::NotTls(format!(
                "record header {:02x?} is not TLS",
                hdr
            )));
        }
        if len > MAX_RECORD {
            return Decoded::Done(Answer::NotTls(format!("record length {len} too large")));
        }
        let Some(payload) = buf.get(pos + 5..pos + 5 + len) else {
            return Decoded::NeedMore;
        };
        pos += 5 + len;
        match ty {
            21 => {
                return match payload {
                    [level, desc, ..] => Decoded::Done(Answer::Alert(*level, *desc)),
                    _ => Decoded::Done(Answer::NotTls("short alert record".into())),
                }
            }
            22 => {
                hs.extend_from_slice(payload);
                if hs.len() >= 4 {
                    let mlen =
                        (usize::from(hs[1]) << 16) | (usize::from(hs[2]) << 8) | usize::from(hs[3]);
                    if mlen > MAX_HANDSHAKE {
                        return Decoded::Done(Answer::NotTls(format!(
                            "handshake message length {mlen} too large"
                        )));
                    }
                    if hs[0] != 2 {
                        return Decoded::Done(Answer::NotTls(format!(
                            "first handshake message has type {}, not ServerHello",
                            hs[0]
                        )));
                    }
                    if let Some(body) = hs.get(4..4 + mlen) {
                        return Decoded::Done(match parse_server_hello(body) {
                            Ok(h) => Answer::Hello(h),
                            Err(e) => Answer::NotTls(e),
                        });
                    }
                }
                if hs.len() > MAX_HANDSHAKE {
                    return Decoded::Done(Answer::NotTls("handshake too large".into()));
                }
            }
            t => {
                return Decoded::Done(Answer::NotTls(format!(
                    "record content type {t} before ServerHello"
                )))
            }
        }
    }
}

/// Decoder state of the server's leaf certificate (TLS 1.2 sends its
/// Certificate message in the clear right after the ServerHello).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertDecoded {
    /// Not enough bytes yet.
    NeedMore,
    /// The leaf certificate (DER), or why there is none.
    Done(Result<Vec<u8>, String>),
}

/// Find the first certificate of the TLS 1.2 Certificate message in the
/// server's flight. Bounded like [`decode_server_flight`]; never panics.
pub fn decode_leaf_certificate(buf: &[u8]) -> CertDecoded {
    let mut pos = 0usize;
    let mut hs: Vec<u8> = Vec::new();
    let mut at = 0usize; // start of the next handshake message in `hs`
    loop {
        // Walk every complete handshake message collected so far.
        while let Some(h) = hs.get(at..at + 4) {
            let (ty, mlen) = (
                h[0],
                (usize::from(h[1]) << 16) | (usize::from(h[2]) << 8) | usize::from(h[3]),
            );
            if mlen > MAX_HANDSHAKE {
                return CertDecoded::Done(Err(format!(
                    "handshake message length {mlen} too large"
                )));
            }
            let Some(body) = hs.get(at + 4..at + 4 + mlen) else {
                break;
            };
            match ty {
                2 => at += 4 + mlen,
                11 => {
                    let mut r = Reader { b: body };
                    let first = (|| {
                        let list = r.take(3)?;
                        let list_len = (usize::from(list[0]) << 16)
                            | (usize::from(list[1]) << 8)
                            | usize::from(list[2]);
                        let mut l = Reader {
                            b: r.take(list_len)?,
                        };
                        let e = l.take(3)?;
                        let n = (usize::from(e[0]) << 16)
                            | (usize::from(e[1]) << 8)
                            | usize::from(e[2]);
                        Ok::<_, String>(l.take(n)?.to_vec())
                    })();
                    return CertDecoded::Done(first.and_then(|c| {
                        if c.is_empty() {
                            Err("empty certificate list".to_string())
                        } else {
                            Ok(c)
                        }
                    }));
                }
                t => {
                    return CertDecoded::Done(Err(format!(
                        "handshake message {t} before any Certificate"
                    )))
                }
            }
        }
        let Some(hdr) = buf.get(pos..pos + 5) else {
            return CertDecoded::NeedMore;
        };
        let (ty, len) = (hdr[0], usize::from(u16::from_be_bytes([hdr[3], hdr[4]])));
        if len > MAX_RECORD || hdr[1] != 0x03 {
            return CertDecoded::Done(Err("not a TLS record".into()));
        }
        let Some(payload) = buf.get(pos + 5..pos + 5 + len) else {
            return CertDecoded::NeedMore;
        };
        pos += 5 + len;
        match ty {
            22 => hs.extend_from_slice(payload),
            21 => return CertDecoded::Done(Err("alert before the Certificate".into())),
            t => return CertDecoded::Done(Err(format!("record type {t} before the Certificate"))),
        }
        if hs.len() > 4 * MAX_HANDSHAKE {
            return CertDecoded::Done(Err("handshake too large".into()));
        }
    }
}

/// The named curve of an EC public key in a DER certificate, as a TLS group
/// code point (secp256r1 / secp384r1 / secp521r1): the OID that follows
/// id-ecPublicKey (RFC 5480 §2.1.1). `Err` for any other key.
pub fn ec_curve_of(cert_der: &[u8]) -> Result<u16, String> {
    const EC_PUBLIC_KEY: &[u8] = &[0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
    const CURVES: [(&[u8], u16); 3] = [
        (
            &[0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07],
            0x0017,
        ),
        (&[0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22], 0x0018),
        (&[0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23], 0x0019),
    ];
    let at = cert_der
        .windows(EC_PUBLIC_KEY.len())
        .position(|w| w == EC_PUBLIC_KEY)
        .ok_or_else(|| "the certificate key is not an EC key".to_string())?;
    let rest = &cert_der[at + EC_PUBLIC_KEY.len()..];
    CURVES
        .iter()
        .find(|(oid, _)| rest.starts_with(oid))
        .map(|(_, g)| *g)
        .ok_or_else(|| {
            "the certificate EC key is on a curve other than P-256/P-384/P-521".to_string()
        })
}

/// A bounded big-endian reader.
struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.b.len() < n {
            return Err(format!(
                "ServerHello truncated (need {n}, have {})",
                self.b.len()
            ));
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Ok(h)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
}

/// Parse a ServerHello body (after the 4-byte handshake header).
pub fn parse_server_hello(body: &[u8]) -> Result<ServerHello, String> {
    let mut r = Reader { b: body };
    let legacy = Version(r.u16()?);
    let random = r.take(32)?;
    let retry = random == HRR_RANDOM;
    let sid_len = usize::from(r.u8()?);
    if sid_len > 32 {
        return Err(format!("session id length {sid_len} > 32"));
    }
    r.take(sid_len)?;
    let suite = r.u16()?;
    let _compression = r.u8()?;
    let mut version = legacy;
    let mut group = None;
    if !r.b.is_empty() {
        let elen = usize::from(r.u16()?);
        let mut e = Reader { b: r.take(elen)? };
        while !e.b.is_empty() {
            let ty = e.u16()?;
            let len = usize::from(e.u16()?);
            let mut data = Reader { b: e.take(len)? };
            match ty {
                0x002B => version = Version(data.u16()?),
                0x0033 => group = Some(data.u16()?),
                _ => {}
            }
        }
    }
    Ok(ServerHello {
        version,
        suite,
        group,
        retry,
    })
}

/// Alert description name (RFC 8446 §6, RFC 5246 §7.2).
pub fn alert_name(desc: u8) -> String {
    let n = match desc {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        22 => "record_overflow",
        40 => "handshake_failure",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        109 => "missing_extension",
        110 => "unsupported_extension",
        112 => "unrecognized_name",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => return format!("alert {desc}"),
    };
    n.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server_hello_record(
        version: u16,
        suite: u16,
        exts: &[(u16, Vec<u8>)],
        random: [u8; 32],
    ) -> Vec<u8> {
        let mut body = Vec::new();
        put_u16(&mut body, version);
        body.extend_from_slice(&random);
        put_vec(&mut body, 1, &[7u8; 32]);
        put_u16(&mut body, suite);
        body.push(0);
        let mut e = Vec::new();
        for (t, d) in exts {
            ext(&mut e, *t, d);
        }
        put_vec(&mut body, 2, &e);
        let mut hs = vec![2u8];
        put_vec(&mut hs, 3, &body);
        let mut rec = vec![22u8, 3, 3];
        put_vec(&mut rec, 2, &hs);
        rec
    }

    #[test]
    fn decodes_tls12_and_tls13_server_hellos() {
        let r = server_hello_record(0x0303, 0x003C, &[], [1; 32]);
        assert_eq!(
            decode_server_flight(&r),
            Decoded::Done(Answer::Hello(ServerHello {
                version: Version::TLS12,
                suite: 0x003C,
                group: None,
                retry: false
            }))
        );
        let mut ks = vec![0x00, 0x1D, 0x00, 0x20];
        ks.extend_from_slice(&[9; 32]);
        let r = server_hello_record(
            0x0303,
            0x1301,
            &[(0x002B, vec![3, 4]), (0x0033, ks)],
            [2; 32],
        );
        match decode_server_flight(&r) {
            Decoded::Done(Answer::Hello(h)) => {
                assert_eq!(h.version, Version::TLS13);
                assert_eq!(h.group, Some(0x001D));
                assert!(!h.retry);
            }
            other => panic!("{other:?}"),
        }
        let r = server_hello_record(
            0x0303,
            0x1301,
            &[(0x002B, vec![3, 4]), (0x0033, vec![0x00, 0x17])],
            HRR_RANDOM,
        );
        match decode_server_flight(&r) {
            Decoded::Done(Answer::Hello(h)) => assert!(h.retry && h.group == Some(0x0017)),
            other => panic!("{other:?}"),
        }
        // Every strict prefix needs more bytes.
        for n in 0..r.len() {
            assert_eq!(
                decode_server_flight(&r[..n]),
                Decoded::NeedMore,
                "prefix {n}"
            );
        }
    }

    #[test]
    fn decodes_alerts_and_rejects_non_tls() {
        assert_eq!(
            decode_server_flight(&[21, 3, 3, 0, 2, 2, 40]),
            Decoded::Done(Answer::Alert(2, 40))
        );
        assert!(matches!(
            decode_server_flight(b"HTTP/1.1 400 Bad Request\r\n"),
            Decoded::Done(Answer::NotTls(_))
        ));
        assert!(matches!(
            decode_server_flight(&[22, 3, 3, 0xFF, 0xFF]),
            Decoded::Done(Answer::NotTls(_))
        ));
        // A handshake message split over two records.
        let r = server_hello_record(0x0303, 0x002F, &[], [3; 32]);
        let hs = &r[5..];
        let (a, b) = hs.split_at(10);
        let mut two = vec![22, 3, 3];
        put_vec(&mut two, 2, a);
        two.extend_from_slice(&[22, 3, 3]);
        put_vec(&mut two, 2, b);
        assert!(
            matches!(decode_server_flight(&two), Decoded::Done(Answer::Hello(h)) if h.suite == 0x002F)
        );
    }

    #[test]
    fn finds_the_leaf_certificate_and_its_curve() {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).expect("key");
        let cert = rcgen::CertificateParams::new(vec!["x".to_string()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        let der = cert.der().to_vec();
        assert_eq!(ec_curve_of(&der), Ok(0x0018));
        let sh = server_hello_record(0x0303, 0xC02C, &[], [5; 32]);
        let mut body = Vec::new();
        let mut entry = Vec::new();
        put_vec(&mut entry, 3, &der);
        put_vec(&mut body, 3, &entry);
        let mut msg = vec![11u8];
        put_vec(&mut msg, 3, &body);
        let mut flight = sh.clone();
        flight.extend_from_slice(&[22, 3, 3]);
        put_vec(&mut flight, 2, &msg);
        assert_eq!(decode_leaf_certificate(&flight), CertDecoded::Done(Ok(der)));
        assert_eq!(decode_leaf_certificate(&sh), CertDecoded::NeedMore);
        for n in 0..flight.len() {
            assert_eq!(decode_leaf_certificate(&flight[..n]), CertDecoded::NeedMore);
        }
    }

    #[test]
    fn client_hello_is_well_formed() {
        for tls13 in [false, true] {
            let spec = HelloSpec {
                version: Version::TLS12,
                tls13,
                suites: vec![0x1301, 0x003C],
                groups: vec![0x001D],
                key_shares: vec![(0x001D, key_share(0x001D).expect("x25519"))],
                sni: Some("kms.example".into()),
                extensions: true,
            };
            let rec = client_hello(&spec);
            assert_eq!(rec[0], 22);
            let len = usize::from(u16::from_be_bytes([rec[3], rec[4]]));
            assert_eq!(len, rec.len() - 5);
            assert_eq!(rec[5], 1);
            let hlen =
                (usize::from(rec[6]) << 16) | (usize::from(rec[7]) << 8) | usize::from(rec[8]);
            assert_eq!(hlen, rec.len() - 9);
            let text = rec.windows(11).any(|w| w == b"kms.example");
            assert!(text);
        }
    }

    #[test]
    fn key_share_sizes() {
        assert_eq!(key_share(0x001D).map(|k| k.len()), Some(32));
        assert_eq!(key_share(0x0017).map(|k| k.len()), Some(65));
        assert_eq!(key_share(0x0018).map(|k| k.len()), Some(97));
        assert_eq!(key_share(0x11EC).map(|k| k.len()), Some(1184 + 32));
        assert_eq!(key_share(0x11EB).map(|k| k.len()), Some(65 + 1184));
        assert_eq!(key_share(0x11ED).map(|k| k.len()), Some(97 + 1568));
        // Every 12-bit coefficient is below q.
        let ek = mlkem_ek(3);
        for c in ek[..1152].chunks(3) {
            let a = u16::from(c[0]) | (u16::from(c[1] & 0x0F) << 8);
            let b = u16::from(c[1] >> 4) | (u16::from(c[2]) << 4);
            assert!(a < 3329 && b < 3329);
        }
    }

    /// Fuzz: the decoder never panics, never reads past its input, and a
    /// decision on a prefix is the same decision on the whole (bytes after
    /// the deciding record are never needed).
    #[test]
    fn fuzz_server_flight_decoder() {
        arbtest::arbtest(|u| {
            let bytes: Vec<u8> = u.arbitrary()?;
            let _ = decode_leaf_certificate(&bytes);
            let _ = ec_curve_of(&bytes);
            let d = decode_server_flight(&bytes);
            if let Decoded::Done(a) = &d {
                let mut longer = bytes.clone();
                longer.extend_from_slice(&[0xAB; 7]);
                assert_eq!(decode_server_flight(&longer), Decoded::Done(a.clone()));
            }
            Ok(())
        })
        .budget_ms(500);
        // Structured: real ServerHellos with arbitrary fields and mutations.
        arbtest::arbtest(|u| {
            let version: u16 = u.arbitrary()?;
            let suite: u16 = u.arbitrary()?;
            let random: [u8; 32] = u.arbitrary()?;
            let n: usize = u.int_in_range(0..=3)?;
            let mut exts = Vec::new();
            for _ in 0..n {
                let t: u16 = *u.choose(&[0x002B, 0x0033, 0x0000, 0xFF01])?;
                let d: Vec<u8> = u.arbitrary()?;
                exts.push((t, d));
            }
            let mut rec = server_hello_record(version, suite, &exts, random);
            if u.arbitrary()? {
                let i = u.choose_index(rec.len())?;
                rec[i] ^= u.arbitrary::<u8>()?;
            }
            let cut = u.int_in_range(0..=rec.len())?;
            let _ = decode_server_flight(&rec[..cut]);
            let _ = parse_server_hello(&rec[9.min(rec.len())..]);
            let _ = decode_leaf_certificate(&rec[..cut]);
            let _ = ec_curve_of(&rec[..cut]);
            Ok(())
        })
        .budget_ms(500);
    }
}
