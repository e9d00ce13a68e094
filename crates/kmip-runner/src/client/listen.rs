//! Client mode, I/O: a TLS listener that feeds every request of every
//! connection to one shared [`Scenario`] and writes back its answers.
//!
//! Requests are read through kmip-wire's [`ServerConn`]: binary TTLV, KMIP
//! XML or KMIP JSON, raw on the TLS stream or as HTTPS POSTs to
//! [`WireMode::https_path`], each answered in the encoding and transport it
//! came in. [`ServeOptions::wire`] names the format clients must use
//! (`None` = any): every request is still read and identified, but one in
//! another format gets an error response (in its own format) and fails its
//! case with a reason naming what arrived and what was required. Each case
//! result records the encodings / transports its requests used.
//!
//! Before rustls sees a connection, its first TLS records (the
//! ClientHello) are read into a buffer and replayed to rustls
//! ([`Replay`]); with [`ServeOptions::tls_log`] set, those bytes and whether
//! the client presented a certificate are kept per connection
//! ([`TlsObservation`]) for the client-role TLS clauses.
//!
//! The run ends when the scenario has a verdict for every case it must run
//! and no connection is open, when no connection is open and nothing
//! happened for `idle_timeout`, or when `stop` resolves (Ctrl-C).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kmip_testcase::results::CaseResult;
use kmip_ttlv::ttlv::Limits;
use kmip_ttlv::Item;
use std::collections::BTreeMap;
use std::pin::Pin;
use std::task::{Context, Poll};

use kmip_testcase::results::Status;
use kmip_wire::{Encoding, ExchangeError, ExchangeLimits, ServerConn, Transport, WireMode};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;

use super::scenario::{error_response, Handled, Scenario};

/// What the listener reports while it runs.
#[derive(Clone, Debug)]
pub enum ClientEvent {
    /// A client connected.
    Connected(SocketAddr),
    /// A connection ended (`None`: closed cleanly between messages).
    Disconnected(SocketAddr, Option<String>),
    /// A request was handled.
    Request {
        /// Peer.
        peer: SocketAddr,
        /// The decoded request.
        request: Box<Item>,
        /// The response sent.
        response: Box<Item>,
        /// What the scenario made of it.
        handled: Handled,
        /// The wire format the request came in (`"json over https"`).
        wire: String,
        /// Why that format was refused (`--encoding` / `--transport`): the
        /// response sent is then an error, whatever `handled` says.
        wire_refused: Option<String>,
    },
}

/// Listener settings.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Stop when no connection is open and nothing happened for this long.
    pub idle_timeout: Duration,
    /// Limit for one TLS handshake, and for a request once its first byte
    /// arrived.
    pub io_timeout: Duration,
    /// Decoder limits for requests.
    pub limits: Limits,
    /// Where to keep each connection's ClientHello bytes and handshake
    /// outcome (`None`: not kept).
    pub tls_log: Option<TlsLog>,
    /// The encoding / transport clients must use (`None` fields: any) and
    /// the HTTPS request target.
    pub wire: WireMode,
}

/// Per-connection TLS observations of one run, shared with the caller.
pub type TlsLog = Arc<Mutex<Vec<TlsObservation>>>;

/// Most bytes kept of a connection's first TLS records.
pub const MAX_HELLO_CAPTURE: usize = 64 * 1024 + 5 * 8;

/// What the listener saw of one connection's TLS handshake.
#[derive(Clone, Debug)]
pub struct TlsObservation {
    /// Peer.
    pub peer: SocketAddr,
    /// The first handshake records as received (the ClientHello; possibly
    /// incomplete when the client sent less, or not TLS at all).
    pub hello: Vec<u8>,
    /// Whether the client presented a certificate: `Some(true)` handshake
    /// completed with one; `Some(false)` completed without one, or refused
    /// because it sent none (rustls `NoCertificatesPresented`, with
    /// `--require-client-cert`); `None`: unknown (the handshake failed
    /// otherwise).
    pub certificate: Option<bool>,
    /// Why the handshake failed, if it did.
    pub error: Option<String>,
}

/// A stream that first yields `head` (bytes already read from `inner`),
/// then reads from `inner`; writes go to `inner`.
pub struct Replay<S> {
    head: Vec<u8>,
    pos: usize,
    inner: S,
}

impl<S> Replay<S> {
    /// Replay `head` before `inner`.
    pub fn new(head: Vec<u8>, inner: S) -> Replay<S> {
        Replay {
            head,
            pos: 0,
            inner,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Replay<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        if this.pos < this.head.len() {
            let n = buf.remaining().min(this.head.len() - this.pos);
            buf.put_slice(&this.head[this.pos..this.pos + n]);
            this.pos += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Replay<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Read from `tcp` until `buf` holds `upto` bytes; `false` when the peer
/// closed or failed first (what arrived stays in `buf`).
async fn fill<S: AsyncRead + Unpin>(tcp: &mut S, buf: &mut Vec<u8>, upto: usize) -> bool {
    let mut chunk = [0u8; 4096];
    while buf.len() < upto {
        let want = (upto - buf.len()).min(chunk.len());
        match tcp.read(&mut chunk[..want]).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    true
}

/// Read whole TLS records from `tcp` until the first handshake message is
/// complete, a record is not a handshake record, the peer stops sending, or
/// [`MAX_HELLO_CAPTURE`] bytes were read. Returns what was read (to be
/// replayed); never fails: whatever arrived is handed on to rustls, which
/// reports the error.
async fn capture_hello<S: AsyncRead + Unpin>(tcp: &mut S) -> Vec<u8> {
    let mut buf = Vec::with_capacity(1024);
    let mut hs_len = 0usize; // handshake bytes gathered
    let mut want: Option<usize> = None; // handshake message size incl. header
    let mut hs_head = [0u8; 4];
    while buf.len() < MAX_HELLO_CAPTURE {
        let start = buf.len();
        if !fill(tcp, &mut buf, start + 5).await {
            break;
        }
        let (ty, len) = (
            buf[start],
            u16::from_be_bytes([buf[start + 3], buf[start + 4]]) as usize,
        );
        if ty != 22 || len == 0 || start + 5 + len > MAX_HELLO_CAPTURE {
            break;
        }
        if !fill(tcp, &mut buf, start + 5 + len).await {
            break;
        }
        for b in &buf[start + 5..] {
            if hs_len < 4 {
                hs_head[hs_len] = *b;
            }
            hs_len += 1;
        }
        if want.is_none() && hs_len >= 4 {
            want = Some(4 + u32::from_be_bytes([0, hs_head[1], hs_head[2], hs_head[3]]) as usize);
        }
        if want.is_some_and(|w| hs_len >= w) {
            break;
        }
    }
    buf
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            idle_timeout: Duration::from_secs(60),
            io_timeout: Duration::from_secs(30),
            limits: Limits::default(),
            tls_log: None,
            wire: WireMode::default(),
        }
    }
}

struct Shared {
    scenario: Mutex<Scenario>,
    last_activity: Mutex<Instant>,
    wire: Mutex<WireSeen>,
}

impl Shared {
    fn touch(&self) {
        if let Ok(mut t) = self.last_activity.lock() {
            *t = Instant::now();
        }
    }
    fn idle_for(&self) -> Duration {
        self.last_activity
            .lock()
            .map(|t| t.elapsed())
            .unwrap_or_default()
    }
    fn all_done(&self) -> bool {
        self.scenario.lock().map(|s| s.all_done()).unwrap_or(true)
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Serve `scenario` on `listener` until the run ends (see the module
/// docs); returns the per-case results.
pub async fn serve(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    scenario: Scenario,
    opts: ServeOptions,
    events: Option<mpsc::UnboundedSender<ClientEvent>>,
    stop: impl Future<Output = ()>,
) -> Vec<CaseResult> {
    let shared = Arc::new(Shared {
        scenario: Mutex::new(scenario),
        last_activity: Mutex::new(Instant::now()),
        wire: Mutex::new(WireSeen::default()),
    });
    let acceptor = TlsAcceptor::from(tls);
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<()>();
    let mut open = 0usize;
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((tcp, peer)) = accepted else { continue };
                shared.touch();
                open += 1;
                let (acceptor, shared, events, done, opts) =
                    (acceptor.clone(), shared.clone(), events.clone(), done_tx.clone(), opts.clone());
                tokio::spawn(async move {
                    if let Some(ev) = &events {
                        let _ = ev.send(ClientEvent::Connected(peer));
                    }
                    let end = connection(acceptor, tcp, peer, &shared, &opts, events.as_ref()).await;
                    shared.touch();
                    if let Some(ev) = &events {
                        let _ = ev.send(ClientEvent::Disconnected(peer, end.err()));
                    }
                    let _ = done.send(());
                });
            }
            Some(()) = done_rx.recv() => {
                open = open.saturating_sub(1);
                if open == 0 && shared.all_done() {
                    break;
                }
            }
            () = tokio::time::sleep(Duration::from_millis(200)) => {
                if open == 0 && shared.idle_for() >= opts.idle_timeout {
                    break;
                }
            }
            () = &mut stop => break,
        }
    }
    let seen = shared
        .wire
        .lock()
        .map(|mut w| std::mem::take(&mut *w))
        .unwrap_or_default();
    let scenario = match Arc::try_unwrap(shared) {
        Ok(s) => s.scenario.into_inner().ok(),
        Err(shared) => shared.scenario.lock().ok().map(|mut s| {
            std::mem::replace(
                &mut *s,
                Scenario::new(Vec::new(), None, Default::default(), ""),
            )
        }),
    };
    let mut results = scenario.map(Scenario::finish).unwrap_or_default();
    apply_wire(&mut results, &seen);
    results
}

/// One connection: handshake, then request → response until the client
/// closes. `Err` = why it ended abnormally.
async fn connection(
    acceptor: TlsAcceptor,
    tcp: tokio::net::TcpStream,
    peer: SocketAddr,
    shared: &Shared,
    opts: &ServeOptions,
    events: Option<&mpsc::UnboundedSender<ClientEvent>>,
) -> Result<(), String> {
    let mut tcp = tcp;
    // The hello and the handshake each get `io_timeout`; the hello bytes
    // are kept even when the handshake then stalls.
    let hello = tokio::time::timeout(opts.io_timeout, capture_hello(&mut tcp))
        .await
        .unwrap_or_default();
    let kept = opts.tls_log.as_ref().map(|_| hello.clone());
    let handshake = acceptor.accept(Replay::new(hello, tcp));
    let (accepted, no_cert) = match tokio::time::timeout(opts.io_timeout, handshake).await {
        Ok(Ok(s)) => (Ok(s), false),
        Ok(Err(e)) => {
            let no_cert = e
                .get_ref()
                .and_then(|i| i.downcast_ref::<rustls::Error>())
                .is_some_and(|r| matches!(r, rustls::Error::NoCertificatesPresented));
            (Err(format!("TLS handshake failed: {e}")), no_cert)
        }
        Err(_) => (Err("TLS handshake timed out".to_string()), false),
    };
    if let Some(log) = &opts.tls_log {
        let obs = TlsObservation {
            peer,
            hello: kept.unwrap_or_default(),
            certificate: match &accepted {
                Ok(s) => Some(
                    s.get_ref()
                        .1
                        .peer_certificates()
                        .is_some_and(|c| !c.is_empty()),
                ),
                Err(_) if no_cert => Some(false),
                Err(_) => None,
            },
            error: accepted.as_ref().err().cloned(),
        };
        if let Ok(mut l) = log.lock() {
            l.push(obs);
        }
    }
    let tls = accepted?;
    let limits = ExchangeLimits {
        ttlv: opts.limits.clone(),
        read_timeout: opts.io_timeout,
        // Wait for the next request as long as the client likes (it may
        // keep an idle connection); the idle timer runs only between
        // connections.
        idle_timeout: Duration::from_secs(24 * 3600),
        ..ExchangeLimits::default()
    };
    let mut conn = ServerConn::new(tls, limits);
    // Every format is read (so the request is still identified); the
    // required one is judged after.
    let any = WireMode {
        encoding: None,
        transport: None,
        https_path: opts.wire.https_path.clone(),
    };
    loop {
        let req = match conn.read_request(&any).await {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(()),
            Err(ExchangeError::Framing { reply_to, reason }) => {
                let why = format!("cannot frame a {} request: {reason}", reply_to.encoding);
                let empty = Item::structure(kmip_ttlv::tags::REQUEST_MESSAGE, Vec::new());
                let resp = error_response(&empty, unix_now(), &why);
                let _ = conn.write_response(reply_to, &resp).await;
                return Err(why);
            }
            Err(e) => return Err(format!("reading a request: {e}")),
        };
        shared.touch();
        let now = unix_now();
        let to = req.reply_to;
        let refusal = wire_refusal(&opts.wire, to.encoding, to.transport);
        let (request, response, handled) = match req.item {
            Ok(item) => {
                let (resp, handled) = match shared.scenario.lock() {
                    Ok(mut s) => s.handle(&item, now),
                    Err(_) => return Err("internal: scenario lock poisoned".to_string()),
                };
                (item, resp, handled)
            }
            Err(e) => {
                let why = format!("request does not decode: {e}");
                let empty = Item::structure(kmip_ttlv::tags::REQUEST_MESSAGE, Vec::new());
                let resp = error_response(&empty, now, &why);
                (empty, resp, Handled::Unidentified(why))
            }
        };
        shared.note_wire(&handled, to.encoding, to.transport, refusal.as_deref());
        // A request in a refused format gets an error response (in its own
        // format, so the client can read why), whatever the scenario said.
        let response = match &refusal {
            Some(why) => error_response(&request, now, why),
            None => response,
        };
        conn.write_response(to, &response)
            .await
            .map_err(|e| e.to_string())?;
        if let Some(ev) = events {
            let _ = ev.send(ClientEvent::Request {
                peer,
                request: Box::new(request),
                response: Box::new(response),
                handled,
                wire: describe_wire(to.encoding, to.transport),
                wire_refused: refusal,
            });
        }
        if to.close {
            let _ = tokio::io::AsyncWriteExt::shutdown(conn.get_mut()).await;
            return Ok(());
        }
    }
}

/// `"json over https"`.
pub fn describe_wire(encoding: Encoding, transport: Transport) -> String {
    format!("{encoding} over {transport}")
}

/// What `mode` requires, in words (`"json over https"`, `"any encoding
/// over tls"` …).
pub fn describe_mode(mode: &WireMode) -> String {
    match (mode.encoding, mode.transport) {
        (Some(e), Some(t)) => describe_wire(e, t),
        (Some(e), None) => format!("{e} over tls or https"),
        (None, Some(t)) => format!("any encoding over {t}"),
        (None, None) => "any encoding over tls or https".to_string(),
    }
}

/// Why a request in `encoding` over `transport` is refused under `mode`;
/// `None`: it is accepted.
pub fn wire_refusal(mode: &WireMode, encoding: Encoding, transport: Transport) -> Option<String> {
    let ok = mode.encoding.is_none_or(|e| e == encoding)
        && mode.transport.is_none_or(|t| t == transport);
    (!ok).then(|| {
        format!(
            "the client sent {} but this client-test listener requires {} (--encoding/--transport)",
            describe_wire(encoding, transport),
            describe_mode(mode)
        )
    })
}

/// The wire formats the listener saw, per case.
#[derive(Debug, Default)]
struct WireSeen {
    /// Per case: the formats its requests came in, in order of first use.
    used: BTreeMap<String, Vec<(Encoding, Transport)>>,
    /// Per case: why its first request in a refused format was refused.
    refused: BTreeMap<String, String>,
    /// Refused requests that no case could be attributed to.
    unattributed: Vec<String>,
}

impl Shared {
    fn note_wire(
        &self,
        handled: &Handled,
        encoding: Encoding,
        transport: Transport,
        refusal: Option<&str>,
    ) {
        let Ok(mut seen) = self.wire.lock() else {
            return;
        };
        let case = match handled {
            Handled::Matched { case, step, .. } | Handled::Mismatch { case, step, .. } => {
                Some((case.clone(), *step))
            }
            Handled::Unidentified(_) => None,
        };
        match case {
            Some((case, step)) => {
                let used = seen.used.entry(case.clone()).or_default();
                if !used.contains(&(encoding, transport)) {
                    used.push((encoding, transport));
                }
                if let Some(why) = refusal {
                    seen.refused
                        .entry(case)
                        .or_insert_with(|| format!("step {}: {why}", step + 1));
                }
            }
            None => {
                if let Some(why) = refusal {
                    seen.unattributed.push(why.to_string());
                }
            }
        }
    }
}

/// Write what the listener saw into the case results: the encodings and
/// transports each case used, a refused wire format as a failure, and
/// refused requests that named no case into the reason of cases never
/// run.
fn apply_wire(results: &mut [CaseResult], seen: &WireSeen) {
    fn join<'a>(names: impl Iterator<Item = &'a str>) -> String {
        let mut out: Vec<&str> = Vec::new();
        for n in names {
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out.join("+")
    }
    for r in results.iter_mut() {
        match seen.used.get(&r.id) {
            Some(used) => {
                r.encoding = join(used.iter().map(|(e, _)| e.name()));
                r.transport = join(used.iter().map(|(_, t)| match t {
                    Transport::Tls => "tls",
                    Transport::Https => "https",
                }));
            }
            // No request of the case was seen: no wire format to report.
            None => {
                r.encoding.clear();
                r.transport.clear();
            }
        }
        if let Some(why) = seen.refused.get(&r.id) {
            r.reason = if r.status == Status::Fail && !r.reason.is_empty() {
                format!("{why}; also {}", r.reason)
            } else {
                why.clone()
            };
            r.status = Status::Fail;
        } else if r.status == Status::Skip {
            if let Some(first) = seen.unattributed.first() {
                r.reason = format!(
                    "{}; the listener refused {} request(s) that named no case ({first})",
                    r.reason,
                    seen.unattributed.len()
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    fn record(body: &[u8]) -> Vec<u8> {
        let mut r = vec![22, 3, 1];
        r.extend_from_slice(&u16::try_from(body.len()).unwrap_or(0).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    #[tokio::test]
    async fn capture_stops_at_the_end_of_the_hello_and_replays_everything() {
        // A 10-byte handshake message split over two records, then data
        // that belongs to rustls.
        let hs = [1u8, 0, 0, 6, 1, 2, 3, 4, 5, 6];
        let mut wire = record(&hs[..3]);
        wire.extend(record(&hs[3..]));
        let captured_len = wire.len();
        wire.extend_from_slice(b"after");
        let (mut a, mut b) = tokio::io::duplex(4096);
        a.write_all(&wire).await.expect("write");
        drop(a);
        let head = capture_hello(&mut b).await;
        assert_eq!(head.len(), captured_len);
        let mut replay = Replay::new(head, b);
        let mut all = Vec::new();
        replay.read_to_end(&mut all).await.expect("read");
        assert_eq!(all, wire);
    }

    #[test]
    fn a_refused_format_fails_its_case_and_the_used_formats_are_recorded() {
        let json_https = WireMode {
            encoding: Some(Encoding::Json),
            transport: Some(Transport::Https),
            ..WireMode::default()
        };
        assert_eq!(
            wire_refusal(&json_https, Encoding::Json, Transport::Https),
            None
        );
        assert_eq!(
            wire_refusal(&WireMode::default(), Encoding::Ttlv, Transport::Tls),
            None
        );
        let why = wire_refusal(&json_https, Encoding::Ttlv, Transport::Tls).expect("refused");
        assert!(
            why.starts_with("the client sent ttlv over tls but this client-test listener requires json over https"),
            "{why}"
        );
        let seen = WireSeen {
            used: BTreeMap::from([
                ("A".to_string(), vec![(Encoding::Ttlv, Transport::Tls)]),
                (
                    "B".to_string(),
                    vec![
                        (Encoding::Json, Transport::Https),
                        (Encoding::Xml, Transport::Https),
                    ],
                ),
            ]),
            refused: BTreeMap::from([("A".to_string(), format!("step 1: {why}"))]),
            unattributed: vec!["x".to_string()],
        };
        let result = |id: &str, status| CaseResult {
            id: id.to_string(),
            file: String::new(),
            profiles: Vec::new(),
            status,
            reason: String::new(),
            messages: 1,
            duration_ms: 0,
            divergence: None,
            masked: Vec::new(),
            expected_failure: None,
            warnings: Vec::new(),
            encoding: "ttlv".to_string(),
            transport: "tls".to_string(),
            asynchronous: Vec::new(),
        };
        let mut r = vec![
            result("A", Status::Pass),
            result("B", Status::Pass),
            result("C", Status::Skip),
        ];
        apply_wire(&mut r, &seen);
        assert_eq!(r[0].status, Status::Fail);
        assert!(r[0].reason.starts_with("step 1: the client sent ttlv"));
        assert_eq!(
            (r[1].status, r[1].encoding.as_str()),
            (Status::Pass, "json+xml")
        );
        assert_eq!(r[1].transport, "https");
        assert_eq!(r[2].status, Status::Skip);
        assert!(
            r[2].reason.contains("refused 1 request(s)"),
            "{}",
            r[2].reason
        );
        assert_eq!(r[2].encoding, "");
    }

    #[tokio::test]
    async fn capture_gives_up_on_non_tls_and_short_input() {
        for wire in [b"GET / HTTP/1.1\r\n".to_vec(), vec![22, 3, 1, 0xFF]] {
            let (mut a, mut b) = tokio::io::duplex(4096);
            a.write_all(&wire).await.expect("write");
            drop(a);
            let head = capture_hello(&mut b).await;
            let mut replay = Replay::new(head, b);
            let mut all = Vec::new();
            replay.read_to_end(&mut all).await.expect("read");
            assert_eq!(all, wire);
        }
    }
}
