//! The encoding clauses of a server: the HTTPS transport conditions
//! ([`crate::https`]) and the XML / JSON mapping of every tag and
//! enumeration the server returns ([`crate::mapping`]), behind one async
//! entry point, [`assess_encodings`].
//!
//! The mapping exercise builds its requests from the dictionary, in the
//! attribute form of the negotiated version (1.x Template-Attribute /
//! Attribute Name + Value; 2.x+ Attributes), so that the server returns as
//! many tags and enumerations as it can:
//!
//! 1. Discover Versions + Query of every Query Function the version
//!    defines;
//! 2. Create a symmetric key with attributes (algorithm, length, usage mask,
//!    name, object group), Activate, Get Attributes of everything, Get;
//! 3. Create Key Pair (EC P-256), Get of the private key (Big Integers);
//! 4. requests that fail on purpose (Get of a missing object, Destroy of an
//!    active key) for result statuses and reasons;
//! 5. clean-up (Revoke, Destroy of what was created).
//!
//! Every response's raw text is checked element by element; the coverage
//! (tags and enumeration values seen of the version's totals) goes into
//! the clause evidence. What the responses never contained is not assessed,
//! and the clause says so.

use crate::assess::{ClauseResult, Evidence, Verdict};
use crate::https::{self, Connector, HttpsConfig};
use crate::mapping::{self, Coverage, Finding, Notation};
use crate::probe::{mutual_config, ClientMaterial};
use crate::suites::MutualCase;
use kmip_ttlv::dict::{self, Version};
use kmip_ttlv::ttlv::Limits;
use kmip_ttlv::{enums, masks, tags, Item, Tag, Value};
use kmip_wire::exchange::{read_response, send_request};
use kmip_wire::{Encoding, Transport, WireFormat};
use std::time::{Duration, Instant};

/// Suite string of the XML mapping clause (prefixes the XML profiles'
/// not-assessed lines).
pub const XML_SUITE: &str = "Mapping of every TTLV tag and enumeration to and from XML";
/// Suite string of the JSON mapping clause.
pub const JSON_SUITE: &str = "Mapping of every TTLV tag and enumeration to and from JSON";

/// Most findings kept per clause (the count is always given).
pub const MAX_FINDINGS: usize = 50;

/// What to assess.
#[derive(Clone, Debug)]
pub struct EncodingConfig {
    /// Host name or IP address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// TLS server name (default: the host).
    pub sni: Option<String>,
    /// Certificates (CA of the server; client certificate for mutual TLS).
    pub material: ClientMaterial,
    /// Assess the HTTPS transport conditions.
    pub https: bool,
    /// HTTP request target.
    pub https_path: String,
    /// Encodings whose mapping is checked (XML and/or JSON).
    pub encodings: Vec<Encoding>,
    /// Transport of the mapping exchanges (raw on TLS, or HTTPS POSTs).
    pub encodings_over: Transport,
    /// Time limit of each exchange.
    pub exchange_timeout: Duration,
    /// Protocol versions to exercise (empty: the highest the server lists
    /// in Discover Versions).
    pub versions: Vec<Version>,
}

impl EncodingConfig {
    /// Defaults: HTTPS on `/kmip`, XML and JSON raw on TLS, 10 s per
    /// exchange, the server's highest version.
    pub fn new(host: &str, port: u16) -> EncodingConfig {
        EncodingConfig {
            host: host.to_string(),
            port,
            sni: None,
            material: ClientMaterial::default(),
            https: true,
            https_path: "/kmip".into(),
            encodings: vec![Encoding::Xml, Encoding::Json],
            encodings_over: Transport::Tls,
            exchange_timeout: Duration::from_secs(10),
            versions: Vec::new(),
        }
    }
}

// ------------------------------------------------------------ requests

fn int(tag: Tag, v: i32) -> Item {
    Item::new(tag, Value::Integer(v))
}
fn en(tag: Tag, v: u32) -> Item {
    Item::new(tag, Value::Enumeration(v))
}
fn text(tag: Tag, v: &str) -> Item {
    Item::new(tag, Value::TextString(v.to_string()))
}
fn st(tag: Tag, c: Vec<Item>) -> Item {
    Item::structure(tag, c)
}

/// A request message of `version` with one batch item per `(operation,
/// payload)`; errors do not stop the batch.
pub fn request(version: Version, items: Vec<(u32, Vec<Item>)>) -> Item {
    let n = items.len();
    let mut header = vec![
        st(
            tags::PROTOCOL_VERSION,
            vec![
                int(tags::PROTOCOL_VERSION_MAJOR, i32::from(version.major)),
                int(tags::PROTOCOL_VERSION_MINOR, i32::from(version.minor)),
            ],
        ),
        int(tags::BATCH_COUNT, i32::try_from(n).unwrap_or(i32::MAX)),
    ];
    if n > 1 {
        header.insert(
            1,
            en(
                tags::BATCH_ERROR_CONTINUATION_OPTION,
                enums::batch_error_continuation_option::CONTINUE,
            ),
        );
    }
    let mut children = vec![st(tags::REQUEST_HEADER, header)];
    for (op, payload) in items {
        children.push(st(
            tags::BATCH_ITEM,
            vec![en(tags::OPERATION, op), st(tags::REQUEST_PAYLOAD, payload)],
        ));
    }
    st(tags::REQUEST_MESSAGE, children)
}

/// One attribute in the form of `version`: a 1.x `Attribute` (name +
/// value) or the 2.x+ attribute item itself.
fn attr(version: Version, value: Item) -> Item {
    if version.major >= 2 {
        return value;
    }
    // 1.x attribute names are the spec names with spaces.
    let name = dict::tag_name(value.tag.0).map(spaced).unwrap_or_default();
    let v = Item {
        tag: tags::ATTRIBUTE_VALUE,
        value: value.value,
    };
    st(tags::ATTRIBUTE, vec![text(tags::ATTRIBUTE_NAME, &name), v])
}

/// `CryptographicUsageMask` → `Cryptographic Usage Mask`.
fn spaced(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if i > 0 && ch.is_ascii_uppercase() {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// The attribute container of `version` (`TemplateAttribute`-family tag
/// for 1.x, the 2.x tag otherwise).
fn attrs(version: Version, v1: Tag, v2: Tag, items: Vec<Item>) -> Item {
    let a: Vec<Item> = items.into_iter().map(|i| attr(version, i)).collect();
    st(if version.major >= 2 { v2 } else { v1 }, a)
}

/// Discover Versions + Query of every Query Function `version` defines.
pub fn discovery_request(version: Version) -> Item {
    let mut q = Vec::new();
    if let Some(e) = dict::enum_def("QueryFunction") {
        let mut seen = std::collections::BTreeSet::new();
        for v in e.values {
            if mapping::in_version(v.since, v.removed_in, version) && seen.insert(v.value) {
                q.push(en(tags::QUERY_FUNCTION, v.value));
            }
        }
    }
    let mut items = Vec::new();
    if version >= Version::new(1, 1) {
        items.push((enums::operation::DISCOVER_VERSIONS, vec![]));
    }
    items.push((enums::operation::QUERY, q));
    request(version, items)
}

/// Create (AES-256 with attributes), Activate, Get Attributes, Get.
pub fn symmetric_request(version: Version) -> Item {
    use masks::cryptographic_usage_mask as m;
    let usage = (m::ENCRYPT | m::DECRYPT | m::WRAP_KEY | m::UNWRAP_KEY) as i32;
    let a = attrs(
        version,
        tags::TEMPLATE_ATTRIBUTE,
        tags::ATTRIBUTES,
        vec![
            en(
                tags::CRYPTOGRAPHIC_ALGORITHM,
                enums::cryptographic_algorithm::AES,
            ),
            int(tags::CRYPTOGRAPHIC_LENGTH, 256),
            int(tags::CRYPTOGRAPHIC_USAGE_MASK, usage),
            st(
                tags::NAME,
                vec![
                    text(tags::NAME_VALUE, "kmip-harness mapping exercise"),
                    en(tags::NAME_TYPE, enums::name_type::UNINTERPRETED_TEXT_STRING),
                ],
            ),
            text(tags::OBJECT_GROUP, "kmip-harness"),
        ],
    );
    request(
        version,
        vec![
            (
                enums::operation::CREATE,
                vec![en(tags::OBJECT_TYPE, enums::object_type::SYMMETRIC_KEY), a],
            ),
            (enums::operation::ACTIVATE, vec![]),
            (enums::operation::GET_ATTRIBUTES, vec![]),
            (enums::operation::GET, vec![]),
        ],
    )
}

/// Create Key Pair (EC P-256) and Get of the private key.
pub fn key_pair_request(version: Version) -> Item {
    use masks::cryptographic_usage_mask as m;
    let common = attrs(
        version,
        tags::COMMON_TEMPLATE_ATTRIBUTE,
        tags::COMMON_ATTRIBUTES,
        vec![
            en(
                tags::CRYPTOGRAPHIC_ALGORITHM,
                enums::cryptographic_algorithm::EC,
            ),
            int(tags::CRYPTOGRAPHIC_LENGTH, 256),
            st(
                tags::CRYPTOGRAPHIC_DOMAIN_PARAMETERS,
                vec![en(tags::RECOMMENDED_CURVE, enums::recommended_curve::P_256)],
            ),
        ],
    );
    let private = attrs(
        version,
        tags::PRIVATE_KEY_TEMPLATE_ATTRIBUTE,
        tags::PRIVATE_KEY_ATTRIBUTES,
        vec![int(tags::CRYPTOGRAPHIC_USAGE_MASK, m::SIGN as i32)],
    );
    let public = attrs(
        version,
        tags::PUBLIC_KEY_TEMPLATE_ATTRIBUTE,
        tags::PUBLIC_KEY_ATTRIBUTES,
        vec![int(tags::CRYPTOGRAPHIC_USAGE_MASK, m::VERIFY as i32)],
    );
    request(
        version,
        vec![
            (
                enums::operation::CREATE_KEY_PAIR,
                vec![common, private, public],
            ),
            (enums::operation::GET, vec![]),
            (enums::operation::GET_ATTRIBUTES, vec![]),
        ],
    )
}

/// Requests that fail on purpose: Get of a missing object; Destroy of an
/// active key (`uid`).
pub fn failing_requests(version: Version, uid: Option<&str>) -> Vec<Item> {
    let mut out = vec![request(
        version,
        vec![(
            enums::operation::GET,
            vec![text(tags::UNIQUE_IDENTIFIER, "kmip-harness-no-such-object")],
        )],
    )];
    if let Some(u) = uid {
        out.push(request(
            version,
            vec![(
                enums::operation::DESTROY,
                vec![text(tags::UNIQUE_IDENTIFIER, u)],
            )],
        ));
    }
    out
}

/// Revoke + Destroy of the active key, Destroy of the others.
pub fn cleanup_request(version: Version, active: Option<&str>, others: &[String]) -> Option<Item> {
    let mut items = Vec::new();
    if let Some(u) = active {
        items.push((
            enums::operation::REVOKE,
            vec![
                text(tags::UNIQUE_IDENTIFIER, u),
                st(
                    tags::REVOCATION_REASON,
                    vec![en(
                        tags::REVOCATION_REASON_CODE,
                        enums::revocation_reason_code::CESSATION_OF_OPERATION,
                    )],
                ),
            ],
        ));
        items.push((
            enums::operation::DESTROY,
            vec![text(tags::UNIQUE_IDENTIFIER, u)],
        ));
    }
    for u in others {
        items.push((
            enums::operation::DESTROY,
            vec![text(tags::UNIQUE_IDENTIFIER, u)],
        ));
    }
    (!items.is_empty()).then(|| request(version, items))
}

/// Unique identifiers in the response payloads of `resp` (`Create` /
/// `Create Key Pair` results), in order.
pub fn unique_ids(resp: &Item) -> Vec<String> {
    let mut out = Vec::new();
    for b in resp.children_with(tags::BATCH_ITEM) {
        let Some(p) = b.child(tags::RESPONSE_PAYLOAD) else {
            continue;
        };
        for t in [
            tags::UNIQUE_IDENTIFIER,
            tags::PRIVATE_KEY_UNIQUE_IDENTIFIER,
            tags::PUBLIC_KEY_UNIQUE_IDENTIFIER,
        ] {
            if let Some(s) = p.child(t).and_then(|i| i.value.as_text()) {
                if !out.iter().any(|o| o == s) {
                    out.push(s.to_string());
                }
            }
        }
    }
    out
}

/// The protocol versions a Discover Versions response lists.
pub fn listed_versions(resp: &Item) -> Vec<Version> {
    let mut out = Vec::new();
    for b in resp.children_with(tags::BATCH_ITEM) {
        let Some(p) = b.child(tags::RESPONSE_PAYLOAD) else {
            continue;
        };
        for v in p.children_with(tags::PROTOCOL_VERSION) {
            let num = |t| match v.child(t).map(|i| &i.value) {
                Some(Value::Integer(n)) => u8::try_from(*n).ok(),
                _ => None,
            };
            if let (Some(a), Some(b)) = (
                num(tags::PROTOCOL_VERSION_MAJOR),
                num(tags::PROTOCOL_VERSION_MINOR),
            ) {
                out.push(Version::new(a, b));
            }
        }
    }
    out
}

// ------------------------------------------------------------ exchanges

fn connector(cfg: &EncodingConfig) -> Result<Connector, String> {
    let name = cfg.sni.clone().unwrap_or_else(|| cfg.host.clone());
    let server_name = rustls::pki_types::ServerName::try_from(name.clone())
        .map_err(|_| format!("{name:?} is not a valid TLS server name"))?;
    // With the user's client certificate when given, else without one.
    let case = if cfg.material.cert_key_pem.is_some() {
        MutualCase::Valid
    } else {
        MutualCase::NoCert
    };
    let config = mutual_config(case, &cfg.material)
        .map_err(|e| e.to_string())?
        .ok_or("no TLS client configuration could be built")?;
    let addr = if cfg.host.contains(':') {
        format!("[{}]:{}", cfg.host, cfg.port)
    } else {
        format!("{}:{}", cfg.host, cfg.port)
    };
    Ok(Connector {
        addr,
        server_name,
        config,
    })
}

/// One open session in a wire format.
struct Session {
    stream: tokio_rustls::client::TlsStream<tokio::net::TcpStream>,
    wire: WireFormat,
    timeout: Duration,
}

impl Session {
    async fn open(c: &Connector, wire: WireFormat, timeout: Duration) -> Result<Session, String> {
        let stream = https::connect(c, timeout)
            .await
            .map_err(|e| e.to_string())?;
        Ok(Session {
            stream,
            wire,
            timeout,
        })
    }

    /// Send one request; the raw response body text back.
    async fn call(&mut self, req: &Item) -> Result<String, String> {
        let body = self.wire.encode(req).map_err(|e| e.to_string())?;
        send_request(&mut self.stream, &body, &self.wire, self.timeout)
            .await
            .map_err(|e| e.to_string())?;
        let bytes = read_response(
            &mut self.stream,
            &self.wire,
            &Limits::default(),
            self.timeout,
        )
        .await
        .map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|_| "the response is not UTF-8 text".to_string())
    }
}

/// The outcome of exercising one encoding.
#[derive(Debug, Default)]
struct Exercise {
    /// Requests sent (description).
    sent: Vec<String>,
    /// Versions exercised.
    versions: Vec<Version>,
    /// Per version: coverage.
    coverage: Vec<(Version, Coverage)>,
    /// Findings, with the request they answered.
    findings: Vec<(String, Finding)>,
    /// Exchange errors.
    errors: Vec<String>,
    /// Responses checked.
    responses: usize,
}

async fn exercise(cfg: &EncodingConfig, c: &Connector, encoding: Encoding) -> Exercise {
    let notation = if encoding == Encoding::Xml {
        Notation::Xml
    } else {
        Notation::Json
    };
    let wire = WireFormat {
        encoding,
        transport: cfg.encodings_over,
        https_path: cfg.https_path.clone(),
        host: cfg.sni.clone().unwrap_or_else(|| cfg.host.clone()),
    };
    let mut x = Exercise::default();
    let mut s = match Session::open(c, wire.clone(), cfg.exchange_timeout).await {
        Ok(s) => s,
        Err(e) => {
            x.errors.push(e);
            return x;
        }
    };

    // Which versions: given, or the highest the server lists.
    let mut versions = cfg.versions.clone();
    let mut discover_cov;
    let probe_version = versions.first().copied().unwrap_or(Version::new(1, 4));
    let discover = request(
        probe_version,
        vec![(enums::operation::DISCOVER_VERSIONS, vec![])],
    );
    x.sent.push(format!("Discover Versions ({probe_version})"));
    match s.call(&discover).await {
        Ok(t) => {
            let check = mapping::check_text(&t, notation, probe_version);
            x.responses += 1;
            for f in check.findings {
                x.findings.push(("Discover Versions".into(), f));
            }
            discover_cov = check.coverage;
            if versions.is_empty() {
                let listed = encoding
                    .decode(t.as_bytes(), &Limits::default())
                    .map(|i| listed_versions(&i))
                    .unwrap_or_default();
                let known = |v: &Version| {
                    dict::tags().iter().any(|d| d.since == *v)
                        || matches!((v.major, v.minor), (1, 0..=4) | (2, 0..=1) | (3, 0))
                };
                match listed.into_iter().filter(known).max() {
                    Some(v) => versions.push(v),
                    None => {
                        x.errors.push(
                            "the Discover Versions response lists no version this harness knows"
                                .into(),
                        );
                        return x;
                    }
                }
            }
        }
        Err(e) => {
            x.errors.push(format!("Discover Versions: {e}"));
            return x;
        }
    }

    for v in versions {
        x.versions.push(v);
        // The first version's counts include the Discover Versions probe.
        let mut cov = std::mem::take(&mut discover_cov);
        // A fresh session per version: a failed exchange does not poison
        // the next one.
        let mut s = match Session::open(c, wire.clone(), cfg.exchange_timeout).await {
            Ok(s) => s,
            Err(e) => {
                x.errors.push(format!("{v}: {e}"));
                continue;
            }
        };
        let mut created: Vec<String> = Vec::new();
        let mut active: Option<String> = None;
        let mut steps: Vec<(String, Item)> = vec![
            ("Discover Versions + Query".into(), discovery_request(v)),
            (
                "Create + Activate + Get Attributes + Get (symmetric key)".into(),
                symmetric_request(v),
            ),
            (
                "Create Key Pair + Get + Get Attributes (EC P-256)".into(),
                key_pair_request(v),
            ),
        ];
        let mut i = 0;
        while i < steps.len() {
            let (what, req) = (steps[i].0.clone(), steps[i].1.clone());
            i += 1;
            x.sent.push(format!("{v}: {what}"));
            let t = match s.call(&req).await {
                Ok(t) => t,
                Err(e) => {
                    x.errors.push(format!("{v}: {what}: {e}"));
                    match Session::open(c, wire.clone(), cfg.exchange_timeout).await {
                        Ok(n) => s = n,
                        Err(_) => break,
                    }
                    continue;
                }
            };
            let check = mapping::check_text(&t, notation, v);
            x.responses += 1;
            cov.merge(&check.coverage);
            for f in check.findings {
                x.findings.push((format!("{v}: {what}"), f));
            }
            // Identifiers for the failing and clean-up steps.
            if let Ok(resp) = encoding.decode(t.as_bytes(), &Limits::default()) {
                let ids = unique_ids(&resp);
                if what.contains("symmetric") {
                    active = ids.first().cloned();
                } else {
                    created.extend(ids);
                }
            }
            if i == 3 {
                for (k, r) in failing_requests(v, active.as_deref())
                    .into_iter()
                    .enumerate()
                {
                    let name = if k == 0 {
                        "Get of a missing object (fails on purpose)"
                    } else {
                        "Destroy of an active key (fails on purpose)"
                    };
                    steps.push((name.into(), r));
                }
                if let Some(r) = cleanup_request(v, active.as_deref(), &created) {
                    steps.push(("Revoke + Destroy (clean-up)".into(), r));
                }
            }
        }
        x.coverage.push((v, cov));
    }
    x
}

fn ratio(a: usize, b: usize) -> String {
    if b == 0 {
        format!("{a} of 0")
    } else {
        format!("{a} of {b} ({:.1}%)", 100.0 * a as f64 / b as f64)
    }
}

fn mapping_clause(cfg: &EncodingConfig, encoding: Encoding, x: &Exercise) -> ClauseResult {
    let (suite, sec) = if encoding == Encoding::Xml {
        (
            XML_SUITE,
            "§5.4 XML Encoding; KMIP Additional Message Encodings v1.0 §6",
        )
    } else {
        (
            JSON_SUITE,
            "§5.5 JSON Encoding; KMIP Additional Message Encodings v1.0 §4",
        )
    };
    let upper = encoding.name().to_ascii_uppercase();
    let mut c = ClauseResult {
        id: format!("MSGENC-{upper}-MAPPING"),
        suite: suite.to_string(),
        text: format!(
            "Every tag, type and enumeration in the server's {upper} responses is written as the \
             KMIP {upper} mapping defines (names, hex forms, masks, Big Integer padding, \
             byte strings, date-times, booleans)"
        ),
        source: format!(
            "KMIP Profiles v2.1 {sec}; server clause \"SHALL support mapping to/from {upper} of \
             all TTLV tags and enumerations\" (§6.7 / §6.9)"
        ),
        verdict: Verdict::NotAssessed,
        reason: None,
        evidence: Evidence::default(),
    };
    c.evidence.offered = x
        .sent
        .iter()
        .map(|s| {
            format!(
                "{s} ({} over {})",
                encoding,
                transport_name(cfg.encodings_over)
            )
        })
        .collect();
    for (v, cov) in &x.coverage {
        let (ts, tt) = cov.tag_ratio(*v);
        let (es, et) = cov.enum_ratio(*v);
        c.evidence.accepted.push(format!(
            "KMIP {v}: {} elements checked; tags {} of {v}'s; enumeration values {}; \
             mask flags {}; item types {} ({}){}",
            cov.elements,
            ratio(ts, tt),
            ratio(es, et),
            cov.mask_flags.len(),
            cov.types.len(),
            cov.types.iter().copied().collect::<Vec<_>>().join(", "),
            if cov.outside_version.is_empty() {
                String::new()
            } else {
                format!(
                    "; tags outside {v}: {}",
                    cov.outside_version
                        .iter()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ));
    }
    for (what, f) in x.findings.iter().take(MAX_FINDINGS) {
        c.evidence.refused.push(format!("{f} (response to {what})"));
    }
    if x.findings.len() > MAX_FINDINGS {
        c.evidence.refused.push(format!(
            "… {} more findings",
            x.findings.len() - MAX_FINDINGS
        ));
    }
    c.evidence.inconclusive = x.errors.clone();
    c.verdict = if !x.findings.is_empty() {
        c.reason = Some(format!(
            "{} element(s) break the {upper} mapping (first: {})",
            x.findings.len(),
            x.findings
                .first()
                .map(|(_, f)| f.to_string())
                .unwrap_or_default()
        ));
        Verdict::Fail
    } else if x.responses == 0 {
        let connect = x.errors.iter().any(|e| e.contains("connection failed"));
        c.reason = Some(if connect {
            "no connection could be made".to_string()
        } else {
            format!(
                "the target gave no {upper} response ({}): it does not serve KMIP {upper} here; \
                 the clause applies only to a server claiming the {upper} profile, for which \
                 this is a failure",
                x.errors.first().cloned().unwrap_or_default()
            )
        });
        if connect {
            Verdict::NotAssessed
        } else {
            Verdict::NotApplicable
        }
    } else {
        c.reason = Some(format!(
            "every element of {} response(s) follows the mapping; tags and enumeration values \
             the server never returned (see the counts) are not assessed{}",
            x.responses,
            if x.errors.is_empty() {
                String::new()
            } else {
                "; some exchanges failed (see inconclusive)".to_string()
            }
        ));
        Verdict::Pass
    };
    c
}

fn transport_name(t: Transport) -> &'static str {
    match t {
        Transport::Tls => "tls",
        Transport::Https => "https",
    }
}

/// Assess the HTTPS transport conditions (when `cfg.https`) and the
/// XML / JSON mapping clauses (for `cfg.encodings`). Every exchange is
/// bounded by `cfg.exchange_timeout`; the run makes a handful of
/// connections per encoding.
pub async fn assess_encodings(cfg: &EncodingConfig) -> Vec<ClauseResult> {
    let started = Instant::now();
    let mut out = Vec::new();
    let c = match connector(cfg) {
        Ok(c) => c,
        Err(e) => {
            let mut r = ClauseResult {
                id: "MSGENC-SETUP".into(),
                suite: https::SUITE.into(),
                text: "The encoding clauses could be run".into(),
                source: "kmip-harness".into(),
                verdict: Verdict::NotAssessed,
                reason: Some(e),
                evidence: Evidence::default(),
            };
            r.evidence
                .offered
                .push(format!("{}:{}", cfg.host, cfg.port));
            return vec![r];
        }
    };
    // HTTPS and the two mappings run at the same time: a target that
    // never answers costs one exchange timeout, not six.
    let https_part = async {
        if !cfg.https {
            return Vec::new();
        }
        let mut encs = vec![Encoding::Ttlv];
        for e in &cfg.encodings {
            if !encs.contains(e) {
                encs.push(*e);
            }
        }
        let version = cfg.versions.first().copied().unwrap_or(Version::new(1, 4));
        let hc = HttpsConfig {
            connector: c.clone(),
            path: cfg.https_path.clone(),
            host: cfg.sni.clone().unwrap_or_else(|| cfg.host.clone()),
            encodings: encs,
            timeout: cfg.exchange_timeout,
        };
        let body = move |e: Encoding| {
            e.encode(&request(
                version,
                vec![(enums::operation::DISCOVER_VERSIONS, vec![])],
            ))
            .ok()
        };
        https::assess_https(&hc, &body).await
    };
    let mapping_part = |e: Encoding| {
        let c = &c;
        async move {
            if cfg.encodings.contains(&e) {
                Some(mapping_clause(cfg, e, &exercise(cfg, c, e).await))
            } else {
                None
            }
        }
    };
    let (h, x, j) = tokio::join!(
        https_part,
        mapping_part(Encoding::Xml),
        mapping_part(Encoding::Json)
    );
    out.extend(h);
    out.extend(x);
    out.extend(j);
    let ms = started.elapsed().as_millis();
    for r in &mut out {
        if r.id.starts_with("MSGENC-") && r.id.ends_with("-MAPPING") {
            r.evidence
                .offered
                .push(format!("(encoding assessment took {ms} ms in all)"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_take_the_attribute_form_of_their_version() {
        let v1 = symmetric_request(Version::new(1, 4));
        let xml1 = kmip_ttlv::xml::to_xml(&v1);
        assert!(
            xml1.contains(
                "<AttributeName type=\"TextString\" value=\"Cryptographic Usage Mask\"/>"
            ),
            "{xml1}"
        );
        assert!(xml1.contains("TemplateAttribute"));
        let v2 = symmetric_request(Version::new(2, 1));
        let xml2 = kmip_ttlv::xml::to_xml(&v2);
        assert!(xml2.contains("<Attributes>"), "{xml2}");
        assert!(!xml2.contains("AttributeName"));
        // Every Query Function of 1.4 (and no later one) is asked.
        let q = discovery_request(Version::new(1, 4));
        let n = kmip_ttlv::xml::to_xml(&q).matches("<QueryFunction").count();
        assert!(n >= 8, "{n}");
        let q3 = discovery_request(Version::new(3, 0));
        assert!(
            kmip_ttlv::xml::to_xml(&q3)
                .matches("<QueryFunction")
                .count()
                >= n
        );
    }
}
