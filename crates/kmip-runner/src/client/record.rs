//! Recording proxy: a TLS proxy between any KMIP client and any server.
//! Message by message (one request from the client, one response from the
//! server) it forwards what the client sends — binary TTLV, KMIP XML or
//! KMIP JSON, raw on TLS or as HTTPS POSTs, read through kmip-wire's
//! [`ServerConn`] — to the server in the same encoding and transport
//! (unchanged bytes), or in the one [`UpstreamWire`] names (re-encoded),
//! and answers the client in its own format. It keeps the decoded
//! conversation, which [`to_test_case`] writes as a test case in the OASIS
//! XML notation with generated values replaced by `$` variables:
//!
//! - every Unique Identifier that first appears in a response (the server
//!   generated it) → `$UNIQUE_IDENTIFIER_n` wherever it occurs afterwards,
//!   in requests and responses (n in order of first appearance);
//! - `ResponseHeader/TimeStamp` → `$NOW`;
//! - every other Date-Time → `$NOW` when within 300 s of the exchange's
//!   time, else `$NOW+n` / `$NOW-n` relative to it (the exchange's time is
//!   the response header's Time Stamp, else the request header's).
//!
//! Everything else (attributes, key material the client registered, result
//! codes) stays literal, so a replay against another server checks it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kmip_ttlv::ttlv::Limits;
use kmip_ttlv::{Item, ItemType, Placeholder, Tag, Value};
use kmip_wire::{Encoding, ExchangeLimits, ServerConn, Transport, WireFormat, WireMode};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::target::Connector;
use crate::transport::{read_response, send_request};

/// Log text of a client request that does not decode as TTLV.
pub const UNDECODABLE_REQUEST: &str = "the client's request does not decode";
/// Log text of a server response that does not decode as TTLV.
pub const UNDECODABLE_RESPONSE: &str = "the server's response does not decode";

/// Tolerance under which a recorded date becomes plain `$NOW`.
const NOW_SLACK_S: i64 = 300;

fn tag(name: &str) -> Tag {
    Tag(kmip_ttlv::dict::tag_by_name(name).unwrap_or(0))
}

/// One request / response pair as it went through the proxy.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// Connection number (0-based, in accept order).
    pub connection: usize,
    /// The client's request.
    pub request: Item,
    /// The server's response.
    pub response: Item,
    /// How it travelled: `"json over https"` from the client, and
    /// `" forwarded as xml over tls"` when forwarded in another format.
    pub wire: String,
    /// Unix seconds when the request was forwarded to the server.
    pub sent_at: i64,
    /// Unix seconds when the server's response arrived.
    pub received_at: i64,
}

/// The conversation so far (shared by every connection of the proxy).
#[derive(Clone, Debug, Default)]
pub struct Recording {
    inner: Arc<Mutex<Vec<Exchange>>>,
}

impl Recording {
    /// An empty recording.
    pub fn new() -> Recording {
        Recording::default()
    }

    fn push(&self, e: Exchange) {
        if let Ok(mut v) = self.inner.lock() {
            v.push(e);
        }
    }

    /// The exchanges recorded so far, in the order the responses arrived.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.inner.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

/// How the proxy talks to the server.
#[derive(Clone, Debug)]
pub struct UpstreamWire {
    /// Encoding (`None`: the one each client request came in).
    pub encoding: Option<Encoding>,
    /// Transport (`None`: the one each client request came in).
    pub transport: Option<Transport>,
    /// HTTP request target for HTTPS.
    pub https_path: String,
    /// `Host` header for HTTPS.
    pub host: String,
}

impl Default for UpstreamWire {
    fn default() -> UpstreamWire {
        let w = WireFormat::default();
        UpstreamWire {
            encoding: None,
            transport: None,
            https_path: w.https_path,
            host: w.host,
        }
    }
}

impl UpstreamWire {
    /// The format a request that came in `encoding` over `transport` is
    /// forwarded in.
    pub fn format_for(&self, encoding: Encoding, transport: Transport) -> WireFormat {
        WireFormat {
            encoding: self.encoding.unwrap_or(encoding),
            transport: self.transport.unwrap_or(transport),
            https_path: self.https_path.clone(),
            host: self.host.clone(),
        }
    }
}

/// Proxy settings.
#[derive(Clone, Debug)]
pub struct ProxyOptions {
    /// Limit for a TLS handshake and for a response from the server.
    pub io_timeout: Duration,
    /// Decoder limits.
    pub limits: Limits,
    /// What clients may send (default: any encoding and transport) and the
    /// HTTPS request target they post to.
    pub listen: WireMode,
    /// How requests are forwarded.
    pub upstream: UpstreamWire,
}

impl Default for ProxyOptions {
    fn default() -> ProxyOptions {
        ProxyOptions {
            io_timeout: Duration::from_secs(30),
            limits: Limits::default(),
            listen: WireMode::default(),
            upstream: UpstreamWire::default(),
        }
    }
}

/// Run the proxy on `listener` until `stop` resolves: each client
/// connection gets its own upstream connection from `upstream`. Messages
/// that do not decode are still forwarded (when no re-encoding is needed),
/// but not recorded (said on `log`); one that must be re-encoded and does
/// not decode ends the connection. Per-connection problems are sent to `log`.
pub async fn proxy(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    upstream: Arc<dyn Connector>,
    recording: Recording,
    opts: ProxyOptions,
    log: Arc<dyn Fn(String) + Send + Sync>,
    stop: impl std::future::Future<Output = ()>,
) {
    let acceptor = TlsAcceptor::from(tls);
    let mut n = 0usize;
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((tcp, peer)) = accepted else { continue };
                let conn = n;
                n += 1;
                let (acceptor, upstream, recording, opts, log) =
                    (acceptor.clone(), upstream.clone(), recording.clone(), opts.clone(), log.clone());
                tokio::spawn(async move {
                    if let Err(e) = relay(acceptor, tcp, peer, conn, &*upstream, &recording, &opts, &*log).await {
                        log(format!("connection {conn} from {peer}: {e}"));
                    }
                });
            }
            () = &mut stop => break,
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn relay(
    acceptor: TlsAcceptor,
    tcp: tokio::net::TcpStream,
    _peer: SocketAddr,
    conn: usize,
    upstream: &dyn Connector,
    recording: &Recording,
    opts: &ProxyOptions,
    log: &(dyn Fn(String) + Send + Sync),
) -> Result<(), String> {
    let tls = match tokio::time::timeout(opts.io_timeout, acceptor.accept(tcp)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(format!("TLS handshake failed: {e}")),
        Err(_) => return Err("TLS handshake timed out".to_string()),
    };
    let mut client = ServerConn::new(
        tls,
        ExchangeLimits {
            ttlv: opts.limits.clone(),
            read_timeout: opts.io_timeout,
            // A client may keep an idle connection as long as it likes.
            idle_timeout: Duration::from_secs(24 * 3600),
            ..ExchangeLimits::default()
        },
    );
    let mut server = upstream
        .connect()
        .await
        .map_err(|e| format!("upstream: {e}"))?;
    loop {
        let req = match client.read_request(&opts.listen).await {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(()),
            Err(e) => return Err(format!("reading a request: {e}")),
        };
        let to = req.reply_to;
        let wire = opts.upstream.format_for(to.encoding, to.transport);
        let same_encoding = wire.encoding == to.encoding;
        let out = if same_encoding {
            req.body
        } else {
            let item = req
                .item
                .as_ref()
                .map_err(|e| format!("cannot forward a request in {}: {e}", wire.encoding))?;
            wire.encode(item)
                .map_err(|e| format!("re-encoding a request: {e}"))?
        };
        let sent_at = unix_now();
        send_request(&mut server, &out, &wire, opts.io_timeout)
            .await
            .map_err(|e| format!("forwarding a request: {e}"))?;
        let resp = read_response(&mut server, &wire, &opts.limits, opts.io_timeout)
            .await
            .map_err(|e| format!("reading the server's response: {e}"))?;
        let received_at = unix_now();
        let response = wire.decode(&resp, &opts.limits);
        let mut how = super::listen::describe_wire(to.encoding, to.transport);
        if (wire.encoding, wire.transport) != (to.encoding, to.transport) {
            how = format!(
                "{how} forwarded as {}",
                super::listen::describe_wire(wire.encoding, wire.transport)
            );
        }
        // The body the client gets: the server's bytes, or re-encoded in
        // the client's format (needs a decoded response).
        let reencoded = if same_encoding {
            None
        } else {
            Some(match &response {
                Ok(item) => to
                    .encoding
                    .encode(item)
                    .map_err(|e| format!("forwarding a response: {e}")),
                Err(e) => Err(format!(
                    "cannot return a response the server sent as {}: {e}",
                    wire.encoding
                )),
            })
        };
        // Recorded before the client sees the response, so a client that
        // exits right after it never races the recording.
        match (req.item, response) {
            (Ok(request), Ok(response)) => recording.push(Exchange {
                connection: conn,
                request,
                response,
                wire: how,
                sent_at,
                received_at,
            }),
            (Err(e), _) => log(format!(
                "connection {conn}: {UNDECODABLE_REQUEST} (forwarded, not recorded): {e}"
            )),
            (_, Err(e)) => log(format!(
                "connection {conn}: {UNDECODABLE_RESPONSE} (forwarded, not recorded): {e}"
            )),
        }
        let body = match reencoded {
            None => resp,
            Some(r) => r?,
        };
        client
            .write_body(to, &body)
            .await
            .map_err(|e| format!("forwarding a response: {e}"))?;
        if to.close {
            let _ = tokio::io::AsyncWriteExt::shutdown(client.get_mut()).await;
            return Ok(());
        }
    }
}

/// Unix seconds now.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Replace generated values by `$` variables (see the module docs).
pub fn variablize(exchanges: &[Exchange]) -> Vec<(Item, Item)> {
    let uid_tag = tag("UniqueIdentifier");
    let mut uids: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    for ex in exchanges {
        let reference = header_time(&ex.response, "ResponseHeader")
            .or_else(|| header_time(&ex.request, "RequestHeader"));
        let mut req = ex.request.clone();
        rewrite(&mut req, uid_tag, &mut uids, false, reference, 0);
        let mut resp = ex.response.clone();
        rewrite(&mut resp, uid_tag, &mut uids, true, reference, 0);
        if let Some(ts) = resp
            .child_mut(tag("ResponseHeader"))
            .and_then(|h| h.child_mut(tag("TimeStamp")))
        {
            ts.value = Value::Placeholder(Placeholder {
                item_type: ItemType::DateTime,
                name: "NOW".to_string(),
            });
        }
        out.push((req, resp));
    }
    out
}

fn header_time(message: &Item, header: &str) -> Option<i64> {
    match message.child(tag(header))?.child(tag("TimeStamp"))?.value {
        Value::DateTime(t) => Some(t),
        _ => None,
    }
}

fn rewrite(
    item: &mut Item,
    uid_tag: Tag,
    uids: &mut HashMap<String, String>,
    in_response: bool,
    reference: Option<i64>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    match &mut item.value {
        Value::Structure(children) => {
            for c in children {
                rewrite(c, uid_tag, uids, in_response, reference, depth + 1);
            }
        }
        Value::TextString(s) if item.tag == uid_tag => {
            let next = uids.len();
            let name = match uids.get(s.as_str()) {
                Some(n) => Some(n.clone()),
                None if in_response => {
                    let n = format!("UNIQUE_IDENTIFIER_{next}");
                    uids.insert(s.clone(), n.clone());
                    Some(n)
                }
                None => None,
            };
            if let Some(name) = name {
                item.value = Value::Placeholder(Placeholder {
                    item_type: ItemType::TextString,
                    name,
                });
            }
        }
        Value::DateTime(t) => {
            if let Some(r) = reference {
                let n = *t - r;
                let name = if n.abs() <= NOW_SLACK_S {
                    "NOW".to_string()
                } else if n > 0 {
                    format!("NOW+{n}")
                } else {
                    format!("NOW{n}")
                };
                item.value = Value::Placeholder(Placeholder {
                    item_type: ItemType::DateTime,
                    name,
                });
            }
        }
        _ => {}
    }
}

/// The distinct wire formats of `exchanges`, in order (`"none"` if empty).
fn wires(exchanges: &[Exchange]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for e in exchanges {
        if !seen.contains(&e.wire.as_str()) {
            seen.push(&e.wire);
        }
    }
    if seen.is_empty() {
        "none".to_string()
    } else {
        seen.join("; ")
    }
}

/// The conversation as a test-case file (`<KMIP>` root, alternating
/// request / response, generated values as `$` variables), with a leading
/// comment naming the case and where it was recorded.
pub fn to_test_case(exchanges: &[Exchange], case_id: &str, upstream: &str) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "<!--\n     kmip-harness recorded test case {case_id}\n     Recorded by `kmip-harness record` between a client and {upstream}\n     ({} request/response pairs over {} connection(s); wire: {}).\n     Generated values are variables: server-assigned Unique Identifiers\n     ($UNIQUE_IDENTIFIER_n), TimeStamp and dates ($NOW, $NOW+n / $NOW-n).\n     Profile: none (recorded case)\n-->\n<KMIP>\n",
        exchanges.len(),
        exchanges.iter().map(|e| e.connection).max().map_or(0, |m| m + 1),
        wires(exchanges),
    ));
    for (req, resp) in variablize(exchanges) {
        s.push('\n');
        s.push_str(&kmip_ttlv::xml::to_xml(&req));
        if !s.ends_with('\n') {
            s.push('\n');
        }
        s.push('\n');
        s.push_str(&kmip_ttlv::xml::to_xml(&resp));
        if !s.ends_with('\n') {
            s.push('\n');
        }
    }
    s.push_str("\n</KMIP>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(root: &str, header_time: Option<i64>, op: u32, payload: Vec<Item>) -> Item {
        let header = if root == "RequestMessage" {
            "RequestHeader"
        } else {
            "ResponseHeader"
        };
        let mut h = vec![Item::new(tag("BatchCount"), Value::Integer(1))];
        if let Some(t) = header_time {
            h.insert(0, Item::new(tag("TimeStamp"), Value::DateTime(t)));
        }
        Item::structure(
            tag(root),
            vec![
                Item::structure(tag(header), h),
                Item::structure(
                    tag("BatchItem"),
                    vec![
                        Item::new(tag("Operation"), Value::Enumeration(op)),
                        Item::structure(
                            tag(if root == "RequestMessage" {
                                "RequestPayload"
                            } else {
                                "ResponsePayload"
                            }),
                            payload,
                        ),
                    ],
                ),
            ],
        )
    }

    fn uid(s: &str) -> Item {
        Item::new(tag("UniqueIdentifier"), Value::TextString(s.into()))
    }

    fn ph(item: &Item) -> Option<String> {
        match &item.value {
            Value::Placeholder(p) => Some(p.name.clone()),
            _ => None,
        }
    }

    #[test]
    fn server_identifiers_and_times_become_variables() {
        let t = 1_700_000_000;
        let ex = vec![
            Exchange {
                connection: 0,
                request: msg("RequestMessage", None, 1, vec![]),
                response: msg("ResponseMessage", Some(t), 1, vec![uid("abc-1")]),
                wire: "ttlv over tls".into(),
                sent_at: t,
                received_at: t,
            },
            Exchange {
                connection: 0,
                request: msg(
                    "RequestMessage",
                    None,
                    0x13,
                    vec![
                        uid("abc-1"),
                        Item::new(tag("CompromiseOccurrenceDate"), Value::DateTime(t - 7200)),
                    ],
                ),
                response: msg("ResponseMessage", Some(t + 1), 0x13, vec![uid("abc-1")]),
                wire: "json over https".into(),
                sent_at: t + 1,
                received_at: t + 1,
            },
            Exchange {
                connection: 1,
                request: msg("RequestMessage", None, 0x0A, vec![uid("client-literal")]),
                response: msg(
                    "ResponseMessage",
                    Some(t + 2),
                    0x0A,
                    vec![uid("client-literal")],
                ),
                wire: "ttlv over tls".into(),
                sent_at: t + 2,
                received_at: t + 2,
            },
        ];
        let v = variablize(&ex);
        let p = |m: &Item, path: &[&str]| ph(m.path(path).expect("path"));
        let resp_uid = ["BatchItem", "ResponsePayload", "UniqueIdentifier"];
        let req_uid = ["BatchItem", "RequestPayload", "UniqueIdentifier"];
        assert_eq!(
            p(&v[0].1, &resp_uid).as_deref(),
            Some("UNIQUE_IDENTIFIER_0")
        );
        assert_eq!(
            p(&v[0].1, &["ResponseHeader", "TimeStamp"]).as_deref(),
            Some("NOW")
        );
        assert_eq!(p(&v[1].0, &req_uid).as_deref(), Some("UNIQUE_IDENTIFIER_0"));
        assert_eq!(
            p(
                &v[1].0,
                &["BatchItem", "RequestPayload", "CompromiseOccurrenceDate"]
            )
            .as_deref(),
            Some("NOW-7201")
        );
        // An identifier the client sent first is not the server's: literal.
        assert_eq!(p(&v[2].0, &req_uid), None);
        let text = to_test_case(&ex, "KH-REC-T", "upstream:1");
        assert!(text.contains("value=\"$UNIQUE_IDENTIFIER_0\""), "{text}");
        assert!(
            text.contains("2 connection(s); wire: ttlv over tls; json over https)"),
            "{text}"
        );
        let back = kmip_ttlv::xml::parse_document(&text).expect("the file parses");
        assert_eq!(back.items.len(), 6);
    }
}
