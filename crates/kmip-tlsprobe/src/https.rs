//! The HTTPS Authentication Suite's transport conditions (KMIP Profiles
//! v2.1 §3.2 and §5.3): one `POST` per encoding to the KMIP path, and the
//! server's response read raw — status line and every header kept — so
//! that status, `Content-Type`, `Content-Length` and `Cache-Control` can be
//! judged, plus what the server does with a request that is not a `POST`.
//!
//! Sources. §5.3.1 (HTTPS client conditions, quoted in the project's
//! `reference/rules.md`): requests are `POST`, to `/kmip` (SHOULD), with
//! `Content-Type` `application/octet-stream` (TTLV), `text/xml` (XML) or
//! `application/json` (JSON), a `Content-Length`, and `Cache-Control:
//! no-cache`. The text of the server-side conditions (§5.3.2) is not in the
//! material this crate was written from: the response checks apply the same
//! HTTP encoding to the response (status 200 for a KMIP answer, the
//! content type of the request's encoding, a correct `Content-Length`,
//! `Cache-Control: no-cache`), and the clause sources say so. What a server
//! answers to a `GET` is not given by the material either: that clause
//! shows the evidence and stays not assessed.
//!
//! Every exchange is bounded: connect + handshake + response within the
//! caller's timeout, heads of at most [`MAX_HEAD`] bytes, bodies of at most
//! [`MAX_BODY`] bytes.

use crate::assess::{ClauseResult, Evidence, Verdict};
use kmip_ttlv::ttlv::Limits;
use kmip_wire::conn::{self, ReadError};
use kmip_wire::http;
use kmip_wire::Encoding;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// Largest response head read.
pub const MAX_HEAD: usize = 16 * 1024;
/// Largest response body read.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// The suite string of every clause here.
pub const SUITE: &str = "HTTPS Authentication Suite";

const SRC_CLIENT: &str = "KMIP Profiles v2.1 §5.3.1 HTTPS client conditions (POST, /kmip, Content-Type per encoding, Content-Length, Cache-Control: no-cache)";
const SRC_SERVER: &str = "KMIP Profiles v2.1 §3.2 / §5.3 (HTTPS); the §5.3.2 server-condition text is not in the material: the §5.3.1 HTTP encoding is applied to the response";

/// Where and how to connect (TLS).
#[derive(Clone)]
pub struct Connector {
    /// `host:port`.
    pub addr: String,
    /// TLS server name.
    pub server_name: rustls::pki_types::ServerName<'static>,
    /// rustls client configuration.
    pub config: Arc<rustls::ClientConfig>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("addr", &self.addr)
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

/// Why an exchange gave no HTTP response.
#[derive(Debug, thiserror::Error)]
pub enum HttpsError {
    /// TCP or TLS could not be set up.
    #[error("connection failed: {0}")]
    Connect(String),
    /// Sending failed.
    #[error("sending failed: {0}")]
    Send(std::io::Error),
    /// No (complete) HTTP response.
    #[error("no HTTP response: {0}")]
    Read(String),
    /// The time limit passed.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
}

impl HttpsError {
    /// The peer answered, but not with HTTP (or closed): it does not speak
    /// HTTPS here.
    pub fn not_http(&self) -> bool {
        matches!(self, HttpsError::Read(_) | HttpsError::Timeout(_))
    }
}

/// One raw HTTP response.
#[derive(Clone, Debug)]
pub struct RawResponse {
    /// Status code.
    pub status: u16,
    /// The status line.
    pub status_line: String,
    /// Every header, in order, name as written.
    pub headers: Vec<(String, String)>,
    /// The body: `Content-Length` bytes, or (without one) up to close.
    pub body: Vec<u8>,
    /// Bytes that arrived after `Content-Length` bytes before the close.
    pub extra_after_body: usize,
}

impl RawResponse {
    /// Values of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Open a TLS connection within `timeout`.
pub async fn connect(
    c: &Connector,
    timeout: Duration,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, HttpsError> {
    let work = async {
        let tcp = TcpStream::connect(&c.addr)
            .await
            .map_err(|e| HttpsError::Connect(format!("{}: {e}", c.addr)))?;
        let _ = tcp.set_nodelay(true);
        tokio_rustls::TlsConnector::from(c.config.clone())
            .connect(c.server_name.clone(), tcp)
            .await
            .map_err(|e| HttpsError::Connect(format!("TLS handshake: {e}")))
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| HttpsError::Timeout(timeout))?
}

/// A KMIP HTTPS request (kmip-wire's, as the runner sends it) that also
/// asks the server to close the connection after answering, so that the
/// `Content-Length` can be compared with the bytes actually sent.
pub fn post_bytes(path: &str, host: &str, encoding: Encoding, body: &[u8]) -> Vec<u8> {
    let req = http::format_request(path, host, encoding, body);
    let end = http::head_end(&req).unwrap_or(req.len());
    let mut out = req[..end.saturating_sub(2)].to_vec();
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out.extend_from_slice(&req[end..]);
    out
}

/// Send `request` on a fresh connection and read one response to the
/// close, within `timeout` in all.
pub async fn exchange(
    c: &Connector,
    request: &[u8],
    timeout: Duration,
) -> Result<RawResponse, HttpsError> {
    let deadline = Instant::now() + timeout;
    let mut s = connect(c, timeout).await?;
    let left = deadline.saturating_duration_since(Instant::now());
    match tokio::time::timeout(left, s.write_all(request)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(HttpsError::Send(e)),
        Err(_) => return Err(HttpsError::Timeout(timeout)),
    }
    let _ = tokio::time::timeout(left, s.flush()).await;
    read_raw(&mut s, deadline, timeout).await
}

fn read_err(e: ReadError, timeout: Duration) -> HttpsError {
    match e {
        ReadError::Timeout(_) => HttpsError::Timeout(timeout),
        other => HttpsError::Read(other.to_string()),
    }
}

/// Read one HTTP response: head, then `Content-Length` bytes, then
/// whatever else arrives before the close (counted, bounded).
pub async fn read_raw<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    deadline: Instant,
    timeout: Duration,
) -> Result<RawResponse, HttpsError> {
    let mut buf = Vec::new();
    let head = conn::read_head(s, &mut buf, MAX_HEAD, deadline)
        .await
        .map_err(|e| read_err(e, timeout))?;
    let text = std::str::from_utf8(&head)
        .map_err(|_| HttpsError::Read("response head is not UTF-8".into()))?;
    let mut lines = text.trim_end_matches("\r\n").split("\r\n");
    let status_line = lines.next().unwrap_or_default().to_string();
    let mut parts = status_line.splitn(3, ' ');
    let (Some(version), Some(code)) = (parts.next(), parts.next()) else {
        return Err(HttpsError::Read(format!(
            "not an HTTP status line: {status_line:?}"
        )));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(HttpsError::Read(format!(
            "not an HTTP status line: {status_line:?}"
        )));
    }
    let status: u16 = code
        .parse()
        .map_err(|_| HttpsError::Read(format!("bad status code in {status_line:?}")))?;
    let mut headers = Vec::new();
    for l in lines {
        let Some((n, v)) = l.split_once(':') else {
            return Err(HttpsError::Read(format!("malformed header line {l:?}")));
        };
        headers.push((n.to_string(), v.trim().to_string()));
    }
    let cl: Option<usize> = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok());
    let mut extra = 0usize;
    let body = match cl {
        Some(n) if n > MAX_BODY => {
            return Err(HttpsError::Read(format!(
                "Content-Length {n} exceeds the limit of {MAX_BODY}"
            )))
        }
        Some(n) => {
            let body = conn::read_body(s, &mut buf, n, deadline)
                .await
                .map_err(|e| read_err(e, timeout))?;
            // Anything more before the close (we asked for one).
            loop {
                extra += buf.len();
                buf.clear();
                if extra > MAX_BODY {
                    break;
                }
                match conn::fill(s, &mut buf, deadline, "reading after the body").await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
            body
        }
        None => loop {
            if buf.len() > MAX_BODY {
                return Err(HttpsError::Read(format!(
                    "body without Content-Length exceeds {MAX_BODY} bytes"
                )));
            }
            match conn::fill(s, &mut buf, deadline, "reading an HTTP body").await {
                Ok(0) => break std::mem::take(&mut buf),
                Ok(_) => {}
                Err(e) => return Err(read_err(e, timeout)),
            }
        },
    };
    Ok(RawResponse {
        status,
        status_line,
        headers,
        body,
        extra_after_body: extra,
    })
}

/// What to assess over HTTPS.
#[derive(Clone, Debug)]
pub struct HttpsConfig {
    /// The connection.
    pub connector: Connector,
    /// Request target (`/kmip`).
    pub path: String,
    /// `Host` header value.
    pub host: String,
    /// Encodings to POST (TTLV is always useful: every KMIP server speaks it).
    pub encodings: Vec<Encoding>,
    /// Per-exchange time limit.
    pub timeout: Duration,
}

/// One POST and its outcome.
#[derive(Debug)]
struct Post {
    encoding: Encoding,
    request_head: String,
    result: Result<RawResponse, HttpsError>,
}

fn clause(id: &str, text: &str, source: &str) -> ClauseResult {
    ClauseResult {
        id: id.to_string(),
        suite: SUITE.to_string(),
        text: text.to_string(),
        source: source.to_string(),
        verdict: Verdict::NotAssessed,
        reason: None,
        evidence: Evidence::default(),
    }
}

/// Run the HTTPS exchanges (`body_of` builds a Discover Versions message
/// in an encoding) at the same time, and judge the clauses.
pub async fn assess_https(
    cfg: &HttpsConfig,
    body_of: &dyn Fn(Encoding) -> Option<Vec<u8>>,
) -> Vec<ClauseResult> {
    let mut set = tokio::task::JoinSet::new();
    let mut heads = Vec::new();
    for &e in &cfg.encodings {
        let Some(body) = body_of(e) else { continue };
        let req = post_bytes(&cfg.path, &cfg.host, e, &body);
        let end = http::head_end(&req).unwrap_or(req.len());
        heads.push((
            e,
            String::from_utf8_lossy(&req[..end])
                .trim_end()
                .replace("\r\n", " | "),
        ));
        let (c, t) = (cfg.connector.clone(), cfg.timeout);
        set.spawn(async move { (Some(e), exchange(&c, &req, t).await) });
    }
    let get = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        cfg.path, cfg.host
    );
    let (c, t) = (cfg.connector.clone(), cfg.timeout);
    set.spawn(async move { (None, exchange(&c, get.as_bytes(), t).await) });
    let mut results: Vec<(Option<Encoding>, Result<RawResponse, HttpsError>)> = Vec::new();
    while let Some(r) = set.join_next().await {
        match r {
            Ok(x) => results.push(x),
            Err(e) => results.push((None, Err(HttpsError::Read(format!("task failed: {e}"))))),
        }
    }
    let mut posts = Vec::new();
    for (e, request_head) in heads {
        let result = match results.iter().position(|(k, _)| *k == Some(e)) {
            Some(i) => results.swap_remove(i).1,
            None => Err(HttpsError::Read("the exchange did not finish".into())),
        };
        posts.push(Post {
            encoding: e,
            request_head,
            result,
        });
    }
    let get_result = match results.into_iter().find(|(k, _)| k.is_none()) {
        Some((_, r)) => r,
        None => Err(HttpsError::Read("the GET did not finish".into())),
    };
    judge(cfg, &posts, &get_result)
}

fn judge(
    cfg: &HttpsConfig,
    posts: &[Post],
    get: &Result<RawResponse, HttpsError>,
) -> Vec<ClauseResult> {
    let mut out = Vec::new();

    // Our own requests, as sent (parsed back with the server-side parser).
    let mut c = clause(
        "HTTPS-5.3.1-REQUEST",
        "The harness's requests are POSTs to the KMIP path with the Content-Type of the encoding, a correct Content-Length and Cache-Control: no-cache",
        SRC_CLIENT,
    );
    let mut bad = false;
    for p in posts {
        c.evidence
            .offered
            .push(format!("{}: {}", p.encoding, p.request_head));
        let head = p.request_head.replace(" | ", "\r\n") + "\r\n\r\n";
        match http::parse_request_head(head.as_bytes()) {
            Ok(h) => {
                let ok = h.method == "POST"
                    && h.path == cfg.path
                    && h.content_type
                        .as_deref()
                        .and_then(Encoding::from_content_type)
                        == Some(p.encoding)
                    && h.content_length.is_some()
                    && head
                        .to_ascii_lowercase()
                        .contains("cache-control: no-cache");
                if ok {
                    c.evidence
                        .accepted
                        .push(format!("{}: request head conforms", p.encoding));
                } else {
                    bad = true;
                    c.evidence
                        .refused
                        .push(format!("{}: request head does not conform", p.encoding));
                }
            }
            Err(e) => {
                bad = true;
                c.evidence.refused.push(format!("{}: {e}", p.encoding));
            }
        }
    }
    if cfg.path != "/kmip" {
        c.reason = Some(format!(
            "the path is {:?}; §5.3.1 says requests SHOULD go to /kmip (a SHOULD, not judged)",
            cfg.path
        ));
    }
    c.verdict = if posts.is_empty() {
        Verdict::NotAssessed
    } else if bad {
        Verdict::Fail
    } else {
        Verdict::Pass
    };
    out.push(c);

    // Did the server speak HTTP at all?
    let answered: Vec<(&Post, &RawResponse)> = posts
        .iter()
        .filter_map(|p| p.result.as_ref().ok().map(|r| (p, r)))
        .collect();
    let none_reason = || {
        let why: Vec<String> = posts
            .iter()
            .filter_map(|p| {
                p.result
                    .as_ref()
                    .err()
                    .map(|e| format!("{}: {e}", p.encoding))
            })
            .collect();
        let connect_failed = posts
            .iter()
            .all(|p| matches!(p.result, Err(HttpsError::Connect(_))));
        (why, connect_failed)
    };

    type Rule = fn(Encoding, &RawResponse) -> Result<String, String>;
    let rules: [(&str, &str, Rule); 4] = [
        (
            "HTTPS-5.3-STATUS",
            "The server answers a KMIP POST with HTTP status 200",
            |_, r| {
                if r.status == 200 {
                    Ok(r.status_line.clone())
                } else {
                    Err(r.status_line.clone())
                }
            },
        ),
        (
            "HTTPS-5.3-CONTENT-TYPE",
            "The response's Content-Type is the one of the request's encoding (application/octet-stream, text/xml, application/json)",
            |e, r| {
                let ct = r.header("content-type");
                match ct.as_slice() {
                    [one] if Encoding::from_content_type(one) == Some(e) => {
                        Ok(format!("Content-Type: {one}"))
                    }
                    [] => Err("no Content-Type".into()),
                    many => Err(format!("Content-Type: {}", many.join(", "))),
                }
            },
        ),
        (
            "HTTPS-5.3-CONTENT-LENGTH",
            "The response has one Content-Length, equal to the length of the KMIP message in its body",
            |e, r| {
                let cl = r.header("content-length");
                let [one] = cl.as_slice() else {
                    return Err(if cl.is_empty() {
                        format!("no Content-Length ({} body bytes before the close)", r.body.len())
                    } else {
                        format!("{} Content-Length headers", cl.len())
                    });
                };
                if r.extra_after_body > 0 {
                    return Err(format!(
                        "Content-Length: {one}, but {} more bytes followed before the close",
                        r.extra_after_body
                    ));
                }
                if r.status == 200 {
                    if let Err(err) = e.decode(&r.body, &Limits::default()) {
                        return Err(format!("Content-Length: {one}, body is not one {e} message: {err}"));
                    }
                }
                Ok(format!("Content-Length: {one}"))
            },
        ),
        (
            "HTTPS-5.3-CACHE-CONTROL",
            "The response carries Cache-Control: no-cache",
            |_, r| {
                let v = r.header("cache-control");
                if v.iter().any(|v| {
                    v.split(',')
                        .any(|d| d.trim().eq_ignore_ascii_case("no-cache"))
                }) {
                    Ok(format!("Cache-Control: {}", v.join(", ")))
                } else if v.is_empty() {
                    Err("no Cache-Control header".into())
                } else {
                    Err(format!("Cache-Control: {}", v.join(", ")))
                }
            },
        ),
    ];
    for (id, text, rule) in rules {
        let mut c = clause(id, text, SRC_SERVER);
        for p in posts {
            c.evidence
                .offered
                .push(format!("POST {} ({})", cfg.path, p.encoding));
        }
        if answered.is_empty() {
            let (why, connect_failed) = none_reason();
            c.evidence.inconclusive = why;
            if connect_failed || posts.is_empty() {
                c.reason = Some("no HTTPS exchange could be made".into());
            } else {
                c.verdict = Verdict::NotApplicable;
                c.reason = Some(
                    "the target gave no HTTP response on this port: it does not serve KMIP over \
                     HTTPS here; the clause applies only to a server claiming the HTTPS profile, \
                     for which this is a failure"
                        .into(),
                );
            }
            out.push(c);
            continue;
        }
        for (p, r) in &answered {
            match rule(p.encoding, r) {
                Ok(s) => c.evidence.accepted.push(format!("{}: {s}", p.encoding)),
                Err(s) => c.evidence.refused.push(format!("{}: {s}", p.encoding)),
            }
        }
        for p in posts {
            if let Err(e) = &p.result {
                c.evidence.inconclusive.push(format!("{}: {e}", p.encoding));
            }
        }
        c.verdict = if !c.evidence.refused.is_empty() {
            Verdict::Fail
        } else if c.evidence.inconclusive.is_empty() {
            Verdict::Pass
        } else {
            c.reason = Some("some encodings got no HTTP response (see inconclusive)".into());
            Verdict::NotAssessed
        };
        out.push(c);
    }

    let mut c = clause(
        "HTTPS-5.3-OTHER-METHOD",
        "What the server answers to a request that is not a POST (GET)",
        "KMIP Profiles v2.1 §5.3.1 requires POST of clients; no server rule for other methods is in the material",
    );
    c.evidence.offered.push(format!("GET {}", cfg.path));
    match get {
        Ok(r) => {
            let allow = r.header("allow");
            let line = format!(
                "{}{}",
                r.status_line,
                if allow.is_empty() {
                    ", no Allow header".to_string()
                } else {
                    format!(", Allow: {}", allow.join(", "))
                }
            );
            if (400..500).contains(&r.status) {
                c.evidence.refused.push(line);
            } else {
                c.evidence.accepted.push(line);
            }
            c.reason = Some(
                "the profile text in the material gives no rule for a GET; the answer is shown \
                 as evidence only"
                    .into(),
            );
        }
        Err(e) => {
            c.evidence.inconclusive.push(e.to_string());
            c.reason = Some("no HTTP answer to the GET".into());
        }
    }
    out.push(c);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_bytes_add_connection_close_and_keep_the_body() {
        let b = post_bytes("/kmip", "h", Encoding::Json, b"{}");
        let end = http::head_end(&b).expect("head");
        let h = http::parse_request_head(&b[..end]).expect("parse");
        assert!(h.close);
        assert_eq!(h.content_length, Some(2));
        assert_eq!(&b[end..], b"{}");
    }
}
