//! The KMIP Authentication Suites as data: one [`ClauseDef`] per checkable
//! condition, each with the text it checks, where that text comes from, the
//! KMIP Profiles versions it belongs to, and the probes that decide it.
//!
//! Sources, and how sure each list is:
//! - **Basic Authentication Suite, KMIP Profiles v2.0 / v2.1 / v3.0 §3.1**
//!   (§3.1.1 protocols, §3.1.2 cipher suites, §3.1.3 client
//!   authentication, §3.1.4 port). `/work/shared/reference/rules.md` §3.2
//!   gives the section and the port sentence ("SHALL use TCP port number
//!   5696"); `profiles.md` gives "TLS, mutual authentication, port 5696,
//!   listed cipher suites". The protocol (TLS 1.2) and the two SHALL-support
//!   suites `TLS_RSA_WITH_AES_256_CBC_SHA256` and
//!   `TLS_RSA_WITH_AES_128_CBC_SHA256` are taken from our knowledge of
//!   Profiles v2.1 §3.1.1–3.1.2 (the Profiles HTML is not in
//!   /work/shared/spec); they agree with the suites this project already
//!   names for the Basic suite (`run --tls-backend openssl`) and with
//!   PyKMIP's `TLS12AuthenticationSuite` default list.
//! - **Basic Authentication Suite, KMIP Profiles v1.0–v1.4 §3.1**: TLS 1.0
//!   and `TLS_RSA_WITH_AES_128_CBC_SHA`, from our knowledge of the v1.x
//!   Profiles §3.1.1–3.1.2 (PyKMIP's `BasicAuthenticationSuite` pins TLS 1.0
//!   and lists that suite first). Not verified against the v1.x text.
//! - **TLS 1.2 Authentication Suite, KMIP Profiles v1.x §3.2**: TLS 1.2 and
//!   the same two SHA-256 CBC suites as the v2.x Basic suite (our knowledge
//!   of the v1.x Profiles; the suite was folded into Basic in v2.0).
//! - **SHALL NOT list**: the Profiles' own prohibited list could not be
//!   checked here, so the harness applies the IETF prohibitions that every
//!   KMIP TLS profile inherits and says so in the clause: SSL 3.0 (RFC 7568
//!   §3), RC4 (RFC 7465 §2), NULL / anonymous / export / single-DES suites
//!   (RFC 5246 §A.5 and §1.2, RFC 7525 §4.1).
//! - **Suite B, RFC 6460 §3.1–3.3** (KMIP Suite B Profile, SUITEB_128 /
//!   SUITEB_192 in Profiles v1.3/v1.4, per `profiles.md`): TLS 1.2; minLOS_128
//!   servers accept `TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256` or
//!   `TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384` with P-256/P-384; minLOS_192
//!   servers accept `TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384` with P-384;
//!   the server certificate's ECDSA key is on those curves (RFC 6460 §3.3
//!   and §4, from knowledge of the RFC).
//! - **Quantum Safe suite, KMIP Profiles v3.0 §3.3** (`rules.md` §3.3): TLS
//!   1.3 with the hybrid groups X25519MLKEM768, SecP256r1MLKEM768 and
//!   SecP384r1MLKEM1024. Whether the Profiles require all three or one is
//!   not in the shared material, so each group is its own clause.

use crate::hello::{cs, groups, Group, Suite, Version};

/// Which KMIP Profiles editions a clause belongs to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Edition {
    /// KMIP Profiles v1.0–v1.4.
    V1,
    /// KMIP Profiles v2.0 and v2.1.
    V2,
    /// KMIP Profiles v3.0.
    V3,
}

impl Edition {
    /// The edition of a KMIP version string (`1.4`, `2.1`, `3.0`).
    pub fn of(version: &str) -> Option<Edition> {
        match version.trim() {
            "1.0" | "1.1" | "1.2" | "1.3" | "1.4" => Some(Edition::V1),
            "2.0" | "2.1" => Some(Edition::V2),
            "3.0" => Some(Edition::V3),
            _ => None,
        }
    }
}

/// One ClientHello probe.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Probe {
    /// Offer exactly this protocol version, with every suite of that era.
    Version(Version),
    /// Offer one cipher suite at one protocol version, with these groups.
    Suite {
        /// Protocol version offered (TLS 1.3 through supported_versions).
        version: Version,
        /// The one suite.
        suite: Suite,
        /// supported_groups (and, at TLS 1.3, key shares).
        groups: &'static [Group],
    },
    /// TLS 1.3 offering only this key-exchange group (with a key share).
    Group(Group),
    /// A Suite B offer at TLS 1.2: one suite, these groups, and accepted
    /// only when the server certificate's EC key is on one of `cert_curves`
    /// (read from the Certificate message, which TLS 1.2 sends in clear).
    SuiteB {
        /// The one suite.
        suite: Suite,
        /// supported_groups.
        groups: &'static [Group],
        /// Curves allowed for the server certificate key.
        cert_curves: &'static [Group],
    },
    /// TLS 1.2 offering only the suites rustls implements: tells whether a
    /// rustls handshake (the mutual-authentication cases) can work at all.
    RustlsCompatible,
}

impl Probe {
    /// Short label for evidence (`TLS 1.2 TLS_RSA_WITH_AES_128_CBC_SHA256`).
    pub fn label(&self) -> String {
        match self {
            Probe::Version(v) => v.name(),
            Probe::Suite {
                version,
                suite,
                groups,
            } if groups == &CLASSIC_GROUPS => format!("{} {}", version.name(), suite.name),
            Probe::Suite {
                version,
                suite,
                groups,
            } => {
                let g: Vec<&str> = groups.iter().map(|g| g.name).collect();
                format!("{} {} [{}]", version.name(), suite.name, g.join(","))
            }
            Probe::Group(g) => format!("TLS 1.3 group {}", g.name),
            Probe::SuiteB {
                suite,
                groups,
                cert_curves,
            } => {
                let g: Vec<&str> = groups.iter().map(|g| g.name).collect();
                let c: Vec<&str> = cert_curves.iter().map(|g| g.name).collect();
                format!(
                    "TLS 1.2 {} [{}], certificate on {}",
                    suite.name,
                    g.join(","),
                    c.join("/")
                )
            }
            Probe::RustlsCompatible => "TLS 1.2 ECDHE AEAD suites (rustls)".to_string(),
        }
    }
}

/// A mutual-authentication handshake (§3.1.3).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MutualCase {
    /// No client certificate.
    NoCert,
    /// A certificate from a CA the server does not know (generated).
    UntrustedCa,
    /// An expired certificate signed by the client CA the user supplied.
    Expired,
    /// The user's own valid client certificate (positive control).
    Valid,
}

impl MutualCase {
    /// Evidence label.
    pub fn label(self) -> &'static str {
        match self {
            MutualCase::NoCert => "handshake without a client certificate",
            MutualCase::UntrustedCa => "client certificate from an unknown CA",
            MutualCase::Expired => "expired client certificate from the client CA",
            MutualCase::Valid => "the given valid client certificate (control)",
        }
    }
}

/// How a clause is decided.
#[derive(Clone, Debug)]
pub enum Rule {
    /// Every probe must be accepted.
    AllAccepted(Vec<Probe>),
    /// At least one probe must be accepted.
    AnyAccepted(Vec<Probe>),
    /// Every probe must be refused.
    AllRefused(Vec<Probe>),
    /// The server must refuse this client (no KMIP answer).
    MutualRefused(MutualCase),
    /// The target must be on TCP port 5696.
    Port5696,
}

/// A checkable condition of an Authentication Suite.
#[derive(Clone, Debug)]
pub struct ClauseDef {
    /// Stable id (`basic-3.1.2-shall`).
    pub id: &'static str,
    /// Suite name (`Basic Authentication Suite`).
    pub suite: &'static str,
    /// What is checked.
    pub text: &'static str,
    /// Where the condition comes from.
    pub source: &'static str,
    /// Profiles editions it belongs to.
    pub editions: &'static [Edition],
    /// How it is decided.
    pub rule: Rule,
}

/// Groups offered with TLS 1.2 suites (ECDHE needs one; DHE / RSA ignore them).
pub const CLASSIC_GROUPS: [Group; 5] = [
    groups::X25519,
    groups::SECP256R1,
    groups::SECP384R1,
    groups::SECP521R1,
    groups::FFDHE2048,
];

const P256_P384: [Group; 2] = [groups::SECP256R1, groups::SECP384R1];
const P384: [Group; 1] = [groups::SECP384R1];

fn at(version: Version, suite: Suite) -> Probe {
    Probe::Suite {
        version,
        suite,
        groups: &CLASSIC_GROUPS,
    }
}

/// Suites the SHALL NOT clause offers, one at a time, at TLS 1.2.
pub const PROHIBITED: &[Suite] = &[
    cs::TLS_NULL_WITH_NULL_NULL,
    cs::TLS_RSA_WITH_NULL_SHA,
    cs::TLS_RSA_WITH_NULL_SHA256,
    cs::TLS_ECDHE_RSA_WITH_NULL_SHA,
    cs::TLS_ECDHE_ECDSA_WITH_NULL_SHA,
    cs::TLS_RSA_EXPORT_WITH_RC4_40_MD5,
    cs::TLS_RSA_EXPORT_WITH_DES40_CBC_SHA,
    cs::TLS_RSA_WITH_RC4_128_MD5,
    cs::TLS_RSA_WITH_RC4_128_SHA,
    cs::TLS_ECDHE_RSA_WITH_RC4_128_SHA,
    cs::TLS_ECDHE_ECDSA_WITH_RC4_128_SHA,
    cs::TLS_RSA_WITH_DES_CBC_SHA,
    cs::TLS_DH_ANON_WITH_RC4_128_MD5,
    cs::TLS_DH_ANON_WITH_AES_128_CBC_SHA,
    cs::TLS_DH_ANON_WITH_AES_256_CBC_SHA256,
    cs::TLS_ECDH_ANON_WITH_AES_128_CBC_SHA,
];

/// Every clause, in report order.
pub fn clauses() -> Vec<ClauseDef> {
    use Edition::*;
    const BASIC: &str = "Basic Authentication Suite";
    const ALL: &[Edition] = &[V1, V2, V3];
    vec![
        ClauseDef {
            id: "basic-3.1.1-tls12",
            suite: BASIC,
            text: "SHALL support TLS 1.2",
            source: "KMIP Profiles v2.0/v2.1/v3.0 §3.1.1 (from knowledge of the Profiles text; not in /work/shared)",
            editions: &[V2, V3],
            rule: Rule::AllAccepted(vec![Probe::Version(Version::TLS12)]),
        },
        ClauseDef {
            id: "basic-3.1.2-shall",
            suite: BASIC,
            text: "SHALL support the TLS 1.2 cipher suites TLS_RSA_WITH_AES_256_CBC_SHA256 and TLS_RSA_WITH_AES_128_CBC_SHA256",
            source: "KMIP Profiles v2.0/v2.1/v3.0 §3.1.2 (from knowledge of the Profiles text; same suites as PyKMIP's TLS12AuthenticationSuite and `run --tls-backend openssl`)",
            editions: &[V2, V3],
            rule: Rule::AllAccepted(vec![
                at(Version::TLS12, cs::TLS_RSA_WITH_AES_256_CBC_SHA256),
                at(Version::TLS12, cs::TLS_RSA_WITH_AES_128_CBC_SHA256),
            ]),
        },
        ClauseDef {
            id: "basic-v1-3.1.1-tls10",
            suite: BASIC,
            text: "SHALL support TLS 1.0",
            source: "KMIP Profiles v1.0-v1.4 §3.1.1 (from knowledge; PyKMIP's BasicAuthenticationSuite pins TLS 1.0); not verified against the v1.x text",
            editions: &[V1],
            rule: Rule::AllAccepted(vec![Probe::Version(Version::TLS10)]),
        },
        ClauseDef {
            id: "basic-v1-3.1.2-shall",
            suite: BASIC,
            text: "SHALL support TLS_RSA_WITH_AES_128_CBC_SHA",
            source: "KMIP Profiles v1.0-v1.4 §3.1.2 (from knowledge; first suite of PyKMIP's BasicAuthenticationSuite); not verified against the v1.x text",
            editions: &[V1],
            rule: Rule::AllAccepted(vec![at(Version::TLS10, cs::TLS_RSA_WITH_AES_128_CBC_SHA)]),
        },
        ClauseDef {
            id: "tls-no-ssl3",
            suite: BASIC,
            text: "SHALL NOT negotiate SSL 3.0",
            source: "RFC 7568 §3 (SSLv3 MUST NOT be used), applied by the harness: the Profiles' own SHALL NOT list was not available to check",
            editions: ALL,
            rule: Rule::AllRefused(vec![Probe::Version(Version::SSL3)]),
        },
        ClauseDef {
            id: "tls-shall-not-suites",
            suite: BASIC,
            text: "SHALL NOT negotiate NULL, anonymous, export, RC4 or single-DES cipher suites",
            source: "RFC 7465 §2 (RC4), RFC 5246 §1.2/§A.5 and RFC 7525 §4.1 (NULL, anon, export, DES), applied by the harness: the Profiles' own SHALL NOT list was not available to check",
            editions: ALL,
            rule: Rule::AllRefused(PROHIBITED.iter().map(|s| at(Version::TLS12, *s)).collect()),
        },
        ClauseDef {
            id: "basic-3.1.3-no-cert",
            suite: BASIC,
            text: "SHALL require a client certificate (refuse a client without one)",
            source: "KMIP Profiles §3.1.3 (channel mutual authentication required of clients)",
            editions: ALL,
            rule: Rule::MutualRefused(MutualCase::NoCert),
        },
        ClauseDef {
            id: "basic-3.1.3-untrusted-ca",
            suite: BASIC,
            text: "SHALL refuse a client certificate its client CA did not sign",
            source: "KMIP Profiles §3.1.3 (channel mutual authentication required of clients)",
            editions: ALL,
            rule: Rule::MutualRefused(MutualCase::UntrustedCa),
        },
        ClauseDef {
            id: "basic-3.1.3-expired",
            suite: BASIC,
            text: "SHALL refuse an expired client certificate",
            source: "KMIP Profiles §3.1.3 with RFC 5280 §6.1.3 (validity period)",
            editions: ALL,
            rule: Rule::MutualRefused(MutualCase::Expired),
        },
        ClauseDef {
            id: "basic-3.1.4-port",
            suite: BASIC,
            text: "SHALL use TCP port number 5696",
            source: "KMIP Profiles §3.1.4 (rules.md §3.2: \"SHALL use TCP port number 5696\")",
            editions: ALL,
            rule: Rule::Port5696,
        },
        ClauseDef {
            id: "tls12-suite-protocol",
            suite: "TLS 1.2 Authentication Suite",
            text: "SHALL support TLS 1.2",
            source: "KMIP Profiles v1.x §3.2.1 (from knowledge; folded into Basic in v2.0)",
            editions: &[V1],
            rule: Rule::AllAccepted(vec![Probe::Version(Version::TLS12)]),
        },
        ClauseDef {
            id: "tls12-suite-ciphers",
            suite: "TLS 1.2 Authentication Suite",
            text: "SHALL support TLS_RSA_WITH_AES_256_CBC_SHA256 and TLS_RSA_WITH_AES_128_CBC_SHA256",
            source: "KMIP Profiles v1.x §3.2.2 (from knowledge; PyKMIP's TLS12AuthenticationSuite)",
            editions: &[V1],
            rule: Rule::AllAccepted(vec![
                at(Version::TLS12, cs::TLS_RSA_WITH_AES_256_CBC_SHA256),
                at(Version::TLS12, cs::TLS_RSA_WITH_AES_128_CBC_SHA256),
            ]),
        },
        ClauseDef {
            id: "suiteb-128",
            suite: "Suite B",
            text: "minLOS_128: TLS 1.2 server SHALL accept TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 or TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 with ECDHE over P-256/P-384 and a P-256 or P-384 ECDSA server certificate",
            source: "RFC 6460 §3.1-3.3 via the KMIP Suite B Profile (SUITEB_128 in Profiles v1.3/v1.4); applies only to servers claiming SUITEB_128",
            editions: &[V1],
            rule: Rule::AnyAccepted(vec![
                Probe::SuiteB {
                    suite: cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                    groups: &P256_P384,
                    cert_curves: &P256_P384,
                },
                Probe::SuiteB {
                    suite: cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                    groups: &P256_P384,
                    cert_curves: &P256_P384,
                },
            ]),
        },
        ClauseDef {
            id: "suiteb-192",
            suite: "Suite B",
            text: "minLOS_192: TLS 1.2 server SHALL accept TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 with ECDHE over P-384 and a P-384 ECDSA server certificate",
            source: "RFC 6460 §3.1-3.3 via the KMIP Suite B Profile (SUITEB_192 in Profiles v1.3/v1.4); applies only to servers claiming SUITEB_192",
            editions: &[V1],
            rule: Rule::AllAccepted(vec![Probe::SuiteB {
                suite: cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                groups: &P384,
                cert_curves: &P384,
            }]),
        },
        ClauseDef {
            id: "qs-tls13",
            suite: "Quantum Safe Authentication Suite",
            text: "SHALL support TLS 1.3",
            source: "KMIP Profiles v3.0 §3.3 (rules.md §3.3: TLS 1.3 key-exchange groups)",
            editions: &[V3],
            rule: Rule::AllAccepted(vec![Probe::Version(Version::TLS13)]),
        },
        ClauseDef {
            id: "qs-x25519mlkem768",
            suite: "Quantum Safe Authentication Suite",
            text: "TLS 1.3 key exchange with X25519MLKEM768",
            source: "KMIP Profiles v3.0 §3.3 (rules.md §3.3); draft-ietf-tls-ecdhe-mlkem code point 0x11EC",
            editions: &[V3],
            rule: Rule::AllAccepted(vec![Probe::Group(groups::X25519_MLKEM768)]),
        },
        ClauseDef {
            id: "qs-secp256r1mlkem768",
            suite: "Quantum Safe Authentication Suite",
            text: "TLS 1.3 key exchange with SecP256r1MLKEM768",
            source: "KMIP Profiles v3.0 §3.3 (rules.md §3.3); draft-ietf-tls-ecdhe-mlkem code point 0x11EB",
            editions: &[V3],
            rule: Rule::AllAccepted(vec![Probe::Group(groups::SECP256R1_MLKEM768)]),
        },
        ClauseDef {
            id: "qs-secp384r1mlkem1024",
            suite: "Quantum Safe Authentication Suite",
            text: "TLS 1.3 key exchange with SecP384r1MLKEM1024",
            source: "KMIP Profiles v3.0 §3.3 (rules.md §3.3); draft-ietf-tls-ecdhe-mlkem code point 0x11ED",
            editions: &[V3],
            rule: Rule::AllAccepted(vec![Probe::Group(groups::SECP384R1_MLKEM1024)]),
        },
    ]
}

/// The protocol versions always probed (reported as observations).
pub const OBSERVED_VERSIONS: [Version; 5] = [
    Version::SSL3,
    Version::TLS10,
    Version::TLS11,
    Version::TLS12,
    Version::TLS13,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_ids_are_unique_and_cited() {
        let cl = clauses();
        let mut ids: Vec<&str> = cl.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), cl.len());
        for c in &cl {
            assert!(!c.source.is_empty() && !c.editions.is_empty(), "{}", c.id);
        }
    }

    #[test]
    fn editions_parse() {
        assert_eq!(Edition::of("1.4"), Some(Edition::V1));
        assert_eq!(Edition::of("2.1"), Some(Edition::V2));
        assert_eq!(Edition::of("3.0"), Some(Edition::V3));
        assert_eq!(Edition::of("4.0"), None);
    }
}
