//! Reading and writing whole KMIP messages on a byte stream, in any
//! encoding, raw or inside HTTP, bounded and with deadlines.
//!
//! - [`read_frame`], [`read_head`], [`read_body`]: the bounded readers
//!   (used by both sides). They work on a caller-owned buffer holding bytes
//!   already received, so bytes read past the end of one message (a
//!   pipelined next message) are kept, and they never grow the buffer past
//!   the limit plus one read chunk.
//! - [`ServerConn`]: the server side of an exchange — read one request in
//!   the encoding / transport the peer uses (or the one required), then
//!   write the response in the same encoding and transport. This is the API
//!   the reference server's listener and the harness's `client-test` mode
//!   share.

use super::encoding::{sniff, Encoding, EncodingError, Sniffed};
use super::frame::DocScanner;
use super::http::{self, HttpError};
use kmip_ttlv::ttlv::{frame_length, Limits};
use kmip_ttlv::Item;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

/// How messages travel on the connection.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Transport {
    /// Messages directly on the (TLS) stream.
    Tls,
    /// Each message is the body of an HTTP/1.1 POST (HTTPS).
    Https,
}

impl std::fmt::Display for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Transport::Tls => "tls",
            Transport::Https => "https",
        })
    }
}

/// Why a message could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The peer closed the stream part-way through a message.
    #[error("connection closed after {received} bytes of {what}")]
    Closed {
        /// Bytes of the message received.
        received: usize,
        /// What was being read.
        what: &'static str,
    },
    /// The deadline passed.
    #[error("timed out {0}")]
    Timeout(&'static str),
    /// The message is larger than allowed.
    #[error("{what} larger than the limit of {max} bytes")]
    TooLarge {
        /// What was being read.
        what: &'static str,
        /// The limit.
        max: usize,
    },
    /// The bytes cannot be one message of the expected kind.
    #[error("{0}")]
    Framing(String),
    /// I/O error.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

const CHUNK: usize = 16 * 1024;

/// True for the I/O errors of a peer that went away (reset, abort, broken
/// pipe, or a TLS peer closing without close_notify): readers treat them as
/// end of stream.
pub fn is_disconnect(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::UnexpectedEof
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::BrokenPipe
    )
}

/// Read more bytes into `buf` before `deadline`; `Ok(0)` at end of stream.
/// A TLS peer dropping the connection without close_notify counts as end
/// of stream.
pub async fn fill<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    deadline: Instant,
    what: &'static str,
) -> Result<usize, ReadError> {
    let mut chunk = [0u8; CHUNK];
    match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
        Err(_) => Err(ReadError::Timeout(what)),
        Ok(Ok(n)) => {
            buf.extend_from_slice(&chunk[..n]);
            Ok(n)
        }
        Ok(Err(e)) if is_disconnect(&e) => Ok(0),
        Ok(Err(e)) => Err(ReadError::Io(e)),
    }
}

/// Read one message in `encoding` from the raw stream: a TTLV message by
/// its header ([`frame_length`] against `limits`), an XML / JSON document
/// by [`DocScanner`] within `limits.max_message_len`. Returns the message
/// bytes; what follows stays in `buf`.
pub async fn read_frame<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    encoding: Encoding,
    limits: &Limits,
    deadline: Instant,
) -> Result<Vec<u8>, ReadError> {
    const WHAT: &str = "a message";
    let closed = |buf: &Vec<u8>| ReadError::Closed {
        received: buf.len(),
        what: WHAT,
    };
    if encoding == Encoding::Ttlv {
        while buf.len() < 8 {
            if fill(stream, buf, deadline, "reading a message header").await? == 0 {
                return Err(closed(buf));
            }
        }
        let mut header = [0u8; 8];
        header.copy_from_slice(&buf[..8]);
        let total = frame_length(&header, limits).map_err(|e| ReadError::Framing(e.to_string()))?;
        while buf.len() < total {
            if fill(stream, buf, deadline, "reading a message body").await? == 0 {
                return Err(closed(buf));
            }
        }
        let rest = buf.split_off(total);
        return Ok(std::mem::replace(buf, rest));
    }
    let mut scanner = DocScanner::new(encoding);
    let max = limits.max_message_len;
    let mut scanned = 0;
    loop {
        let upto = buf.len().min(max);
        if let Some(n) = scanner
            .feed(&buf[scanned..upto])
            .map_err(|e| ReadError::Framing(e.to_string()))?
        {
            let end = scanned + n;
            let rest = buf.split_off(end);
            return Ok(std::mem::replace(buf, rest));
        }
        scanned = upto;
        if scanned >= max {
            return Err(ReadError::TooLarge { what: WHAT, max });
        }
        if fill(stream, buf, deadline, "reading a message").await? == 0 {
            return Err(closed(buf));
        }
    }
}

/// Read an HTTP head (up to and including the blank line), at most
/// `max_head` bytes.
pub async fn read_head<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    max_head: usize,
    deadline: Instant,
) -> Result<Vec<u8>, ReadError> {
    let mut searched: usize = 0;
    loop {
        let from = searched.saturating_sub(3);
        if let Some(end) = http::head_end(&buf[from..]) {
            let end = from + end;
            let rest = buf.split_off(end);
            return Ok(std::mem::replace(buf, rest));
        }
        searched = buf.len();
        if buf.len() >= max_head {
            return Err(ReadError::TooLarge {
                what: "HTTP head",
                max: max_head,
            });
        }
        if fill(stream, buf, deadline, "reading an HTTP head").await? == 0 {
            return Err(ReadError::Closed {
                received: buf.len(),
                what: "an HTTP head",
            });
        }
    }
}

/// Read an HTTP body of exactly `len` bytes (the caller checked `len`
/// against its limit).
pub async fn read_body<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    len: usize,
    deadline: Instant,
) -> Result<Vec<u8>, ReadError> {
    while buf.len() < len {
        if fill(stream, buf, deadline, "reading an HTTP body").await? == 0 {
            return Err(ReadError::Closed {
                received: buf.len(),
                what: "an HTTP body",
            });
        }
    }
    let rest = buf.split_off(len);
    Ok(std::mem::replace(buf, rest))
}

/// Bounds for the server side of an exchange.
#[derive(Clone, Debug)]
pub struct ExchangeLimits {
    /// TTLV decoder limits; `max_message_len` also bounds XML / JSON
    /// messages and HTTP bodies.
    pub ttlv: Limits,
    /// Largest HTTP request head.
    pub max_head_len: usize,
    /// Time allowed for the rest of a message once its first byte arrived.
    pub read_timeout: Duration,
    /// Time allowed for the first byte of the next message.
    pub idle_timeout: Duration,
}

impl Default for ExchangeLimits {
    fn default() -> ExchangeLimits {
        ExchangeLimits {
            ttlv: Limits {
                max_message_len: 16 * 1024 * 1024,
                ..Limits::default()
            },
            max_head_len: 16 * 1024,
            read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(300),
        }
    }
}

/// What the server accepts on a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireMode {
    /// Required encoding (`None`: any, detected per message).
    pub encoding: Option<Encoding>,
    /// Required transport (`None`: any, detected per message).
    pub transport: Option<Transport>,
    /// The HTTP request target KMIP messages are posted to (others get
    /// 404).
    pub https_path: String,
}

impl Default for WireMode {
    fn default() -> WireMode {
        WireMode {
            encoding: None,
            transport: None,
            https_path: "/kmip".to_string(),
        }
    }
}

/// How to send a response: the request's encoding and transport.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ReplyTo {
    /// Encoding of the response.
    pub encoding: Encoding,
    /// Transport of the response.
    pub transport: Transport,
    /// Close the connection after the response (HTTP `Connection: close`).
    pub close: bool,
}

/// One request read from the peer.
#[derive(Debug)]
pub struct Request {
    /// The message bytes (the HTTP body for HTTPS).
    pub body: Vec<u8>,
    /// The decoded message, or why it does not decode (answer with an
    /// Invalid Message response).
    pub item: Result<Item, EncodingError>,
    /// How to answer.
    pub reply_to: ReplyTo,
    /// The HTTP request target, for HTTPS.
    pub http_path: Option<String>,
}

/// Why no request could be read. After any of these the connection
/// should be closed (the stream cannot be resynchronised); for
/// [`ExchangeError::Framing`] the peer may first be sent an Invalid Message
/// response with [`ServerConn::write_response`] to `reply_to`. HTTP-level
/// refusals have already been answered with an HTTP error status.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// Nothing arrived within the idle timeout.
    #[error("idle: no request within {0:?}")]
    Idle(Duration),
    /// Reading failed (timeout, close mid-message, I/O).
    #[error(transparent)]
    Read(ReadError),
    /// The message could not be framed.
    #[error("cannot frame a {} request: {reason}", reply_to.encoding)]
    Framing {
        /// Where an error response would go.
        reply_to: ReplyTo,
        /// Why.
        reason: String,
    },
    /// The HTTP request was refused (already answered with `status`).
    #[error(transparent)]
    Http(HttpError),
    /// The first byte is not the start of any KMIP message.
    #[error("not a KMIP message (first byte 0x{0:02X})")]
    Unrecognised(u8),
    /// The message is in another encoding / transport than the required
    /// one.
    #[error("expected {expected} but the peer sent {got}")]
    Unexpected {
        /// What was required (`"json over https"` …).
        expected: String,
        /// What came.
        got: String,
    },
    /// Writing the response failed.
    #[error("writing the response: {0}")]
    Write(std::io::Error),
}

/// The server side of KMIP exchanges on one stream.
pub struct ServerConn<S> {
    stream: S,
    buf: Vec<u8>,
    limits: ExchangeLimits,
}

impl<S: AsyncRead + AsyncWrite + Unpin> ServerConn<S> {
    /// Wrap an established (TLS) stream.
    pub fn new(stream: S, limits: ExchangeLimits) -> ServerConn<S> {
        ServerConn {
            stream,
            buf: Vec::new(),
            limits,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &ExchangeLimits {
        &self.limits
    }

    /// The stream (e.g. for shutdown).
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.stream
    }

    /// Give the stream back.
    pub fn into_inner(self) -> S {
        self.stream
    }

    /// Read the next request. `Ok(None)`: the peer closed the connection
    /// cleanly between messages. Waiting for the first byte is bounded by
    /// `idle_timeout`, the rest of the message by `read_timeout`.
    pub async fn read_request(
        &mut self,
        mode: &WireMode,
    ) -> Result<Option<Request>, ExchangeError> {
        let idle = self.limits.idle_timeout;
        let mut deadline = Instant::now() + idle;
        let mut started = false;
        let first = loop {
            if let Some(&b) = self.buf.first() {
                if !started {
                    started = true;
                    deadline = Instant::now() + self.limits.read_timeout;
                }
                match sniff(b) {
                    Sniffed::Whitespace => {
                        let n = self
                            .buf
                            .iter()
                            .take_while(|&&c| sniff(c) == Sniffed::Whitespace)
                            .count();
                        self.buf.drain(..n);
                        continue;
                    }
                    Sniffed::Unknown => return Err(ExchangeError::Unrecognised(b)),
                    s => break s,
                }
            }
            let what = if started {
                "reading a request"
            } else {
                "waiting for a request"
            };
            match fill(&mut self.stream, &mut self.buf, deadline, what).await {
                Ok(0) if !started => return Ok(None),
                Ok(0) => {
                    return Err(ExchangeError::Read(ReadError::Closed {
                        received: 0,
                        what: "a request",
                    }))
                }
                Ok(_) => {}
                Err(ReadError::Timeout(_)) if !started => return Err(ExchangeError::Idle(idle)),
                Err(e) => return Err(ExchangeError::Read(e)),
            }
        };
        match first {
            Sniffed::Http => self.read_http(mode, deadline).await.map(Some),
            Sniffed::Message(encoding) => {
                if mode.transport == Some(Transport::Https) {
                    return Err(ExchangeError::Unexpected {
                        expected: "an HTTPS POST".into(),
                        got: format!("a raw {encoding} message"),
                    });
                }
                if let Some(want) = mode.encoding.filter(|w| *w != encoding) {
                    return Err(ExchangeError::Unexpected {
                        expected: format!("{want}"),
                        got: format!("{encoding}"),
                    });
                }
                let reply_to = ReplyTo {
                    encoding,
                    transport: Transport::Tls,
                    close: false,
                };
                let body = read_frame(
                    &mut self.stream,
                    &mut self.buf,
                    encoding,
                    &self.limits.ttlv,
                    deadline,
                )
                .await
                .map_err(|e| match e {
                    ReadError::Framing(reason) => ExchangeError::Framing { reply_to, reason },
                    ReadError::TooLarge { .. } => ExchangeError::Framing {
                        reply_to,
                        reason: e.to_string(),
                    },
                    e => ExchangeError::Read(e),
                })?;
                let item = encoding.decode(&body, &self.limits.ttlv);
                Ok(Some(Request {
                    body,
                    item,
                    reply_to,
                    http_path: None,
                }))
            }
            // sniff never yields these here
            Sniffed::Whitespace | Sniffed::Unknown => Err(ExchangeError::Unrecognised(0)),
        }
    }

    async fn refuse(&mut self, e: HttpError) -> ExchangeError {
        let _ = self.stream.write_all(&http::format_error(&e)).await;
        let _ = self.stream.flush().await;
        ExchangeError::Http(e)
    }

    async fn read_http(
        &mut self,
        mode: &WireMode,
        deadline: Instant,
    ) -> Result<Request, ExchangeError> {
        if mode.transport == Some(Transport::Tls) {
            return Err(ExchangeError::Unexpected {
                expected: "a raw message on the TLS stream".into(),
                got: "an HTTP request".into(),
            });
        }
        let head = match read_head(
            &mut self.stream,
            &mut self.buf,
            self.limits.max_head_len,
            deadline,
        )
        .await
        {
            Ok(h) => h,
            Err(ReadError::TooLarge { max, .. }) => {
                return Err(self
                    .refuse(HttpError {
                        status: 431,
                        reason: format!("request head larger than {max} bytes"),
                    })
                    .await)
            }
            Err(e) => return Err(ExchangeError::Read(e)),
        };
        let head = match http::parse_request_head(&head) {
            Ok(h) => h,
            Err(e) => return Err(self.refuse(e).await),
        };
        let fail = |status: u16, reason: String| HttpError { status, reason };
        let check = || -> Result<(usize, Encoding), HttpError> {
            if head.method != "POST" {
                return Err(fail(
                    405,
                    format!("method {} not allowed; POST KMIP messages", head.method),
                ));
            }
            if head.path != mode.https_path {
                return Err(fail(
                    404,
                    format!("no KMIP endpoint at {}; use {}", head.path, mode.https_path),
                ));
            }
            let len = head
                .content_length
                .ok_or_else(|| fail(411, "Content-Length required".into()))?;
            if len > self.limits.ttlv.max_message_len {
                return Err(fail(
                    413,
                    format!(
                        "body of {len} bytes exceeds the limit of {}",
                        self.limits.ttlv.max_message_len
                    ),
                ));
            }
            let ct = head.content_type.as_deref().unwrap_or("");
            let encoding = Encoding::from_content_type(ct).ok_or_else(|| {
                fail(
                    415,
                    format!("Content-Type {ct:?}: expected application/octet-stream, text/xml or application/json"),
                )
            })?;
            if let Some(want) = mode.encoding.filter(|w| *w != encoding) {
                return Err(fail(
                    415,
                    format!("this endpoint expects {}", want.content_type()),
                ));
            }
            Ok((len, encoding))
        };
        let (len, encoding) = match check() {
            Ok(x) => x,
            Err(e) => return Err(self.refuse(e).await),
        };
        if head.expect_continue && self.buf.len() < len {
            self.stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await
                .map_err(ExchangeError::Write)?;
            self.stream.flush().await.map_err(ExchangeError::Write)?;
        }
        let body = read_body(&mut self.stream, &mut self.buf, len, deadline)
            .await
            .map_err(ExchangeError::Read)?;
        let item = encoding.decode(&body, &self.limits.ttlv);
        Ok(Request {
            body,
            item,
            reply_to: ReplyTo {
                encoding,
                transport: Transport::Https,
                close: head.close,
            },
            http_path: Some(head.path),
        })
    }

    /// Write `response` in `to.encoding`, inside an HTTP 200 response for
    /// HTTPS, within `read_timeout`.
    pub async fn write_response(
        &mut self,
        to: ReplyTo,
        response: &Item,
    ) -> Result<(), ExchangeError> {
        let body = match to.encoding.encode(response) {
            Ok(b) => b,
            Err(e) => {
                return Err(ExchangeError::Write(std::io::Error::other(e.to_string())));
            }
        };
        self.write_body(to, &body).await
    }

    /// Write an already encoded response body (see [`Self::write_response`]).
    pub async fn write_body(&mut self, to: ReplyTo, body: &[u8]) -> Result<(), ExchangeError> {
        let bytes;
        let out: &[u8] = match to.transport {
            Transport::Tls => body,
            Transport::Https => {
                bytes =
                    http::format_response(200, "OK", to.encoding.content_type(), body, to.close);
                &bytes
            }
        };
        let fut = async {
            self.stream.write_all(out).await?;
            self.stream.flush().await
        };
        match tokio::time::timeout(self.limits.read_timeout, fut).await {
            Ok(r) => r.map_err(ExchangeError::Write),
            Err(_) => Err(ExchangeError::Write(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "peer not reading",
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kmip_ttlv::Value;

    fn msg() -> Item {
        Item::structure(
            kmip_ttlv::tags::REQUEST_MESSAGE,
            vec![Item::new(kmip_ttlv::tags::BATCH_COUNT, Value::Integer(7))],
        )
    }

    async fn serve_one(
        input: Vec<u8>,
        mode: WireMode,
    ) -> (Result<Option<Request>, ExchangeError>, Vec<u8>) {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        client.write_all(&input).await.expect("write");
        client.shutdown().await.expect("shutdown");
        let mut conn = ServerConn::new(server, ExchangeLimits::default());
        let r = conn.read_request(&mode).await;
        if let Ok(Some(req)) = &r {
            if let Ok(item) = &req.item {
                conn.write_response(req.reply_to, item)
                    .await
                    .expect("respond");
            }
        }
        drop(conn);
        let mut out = Vec::new();
        client.read_to_end(&mut out).await.expect("read");
        (r, out)
    }

    #[tokio::test]
    async fn each_encoding_is_detected_and_echoed() {
        for e in Encoding::ALL {
            let bytes = e.encode(&msg()).expect("encode");
            let (r, out) = serve_one(bytes.clone(), WireMode::default()).await;
            let req = r.expect("ok").expect("request");
            assert_eq!(req.reply_to.encoding, e);
            assert_eq!(req.reply_to.transport, Transport::Tls);
            assert_eq!(req.item.expect("decodes"), msg());
            assert_eq!(out, bytes);
        }
    }

    #[tokio::test]
    async fn https_posts_are_answered_over_http() {
        for e in Encoding::ALL {
            let body = e.encode(&msg()).expect("encode");
            let req = http::format_request("/kmip", "localhost", e, &body);
            let (r, out) = serve_one(req, WireMode::default()).await;
            let got = r.expect("ok").expect("request");
            assert_eq!(got.reply_to.transport, Transport::Https);
            assert_eq!(got.reply_to.encoding, e);
            let end = http::head_end(&out).expect("head");
            let head = http::parse_response_head(&out[..end]).expect("parse");
            assert_eq!(head.status, 200);
            assert_eq!(head.content_type.as_deref(), Some(e.content_type()));
            assert_eq!(&out[end..], &body[..]);
        }
    }

    #[tokio::test]
    async fn http_refusals_carry_a_status() {
        let body = Encoding::Json.encode(&msg()).expect("encode");
        let cases: Vec<(Vec<u8>, u16)> = vec![
            (http::format_request("/other", "h", Encoding::Json, &body), 404),
            (b"GET /kmip HTTP/1.1\r\n\r\n".to_vec(), 405),
            (b"POST /kmip HTTP/1.1\r\nContent-Type: text/xml\r\n\r\n".to_vec(), 411),
            (
                b"POST /kmip HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
                415,
            ),
            (
                b"POST /kmip HTTP/1.1\r\nContent-Type: text/xml\r\nContent-Length: 99999999999\r\n\r\n".to_vec(),
                413,
            ),
        ];
        for (input, status) in cases {
            let (r, out) = serve_one(input, WireMode::default()).await;
            assert!(
                matches!(r, Err(ExchangeError::Http(ref e)) if e.status == status),
                "{r:?}"
            );
            let end = http::head_end(&out).expect("head");
            assert_eq!(
                http::parse_response_head(&out[..end])
                    .expect("parse")
                    .status,
                status
            );
        }
    }

    #[tokio::test]
    async fn pipelined_messages_are_kept_apart() {
        let one = Encoding::Json.encode(&msg()).expect("encode");
        let mut input = one.clone();
        input.push(b'\n');
        input.extend_from_slice(&Encoding::Xml.encode(&msg()).expect("encode"));
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        client.write_all(&input).await.expect("write");
        client.shutdown().await.expect("shutdown");
        let mut conn = ServerConn::new(server, ExchangeLimits::default());
        let mode = WireMode::default();
        let a = conn.read_request(&mode).await.expect("ok").expect("first");
        let b = conn.read_request(&mode).await.expect("ok").expect("second");
        assert_eq!(
            (a.reply_to.encoding, b.reply_to.encoding),
            (Encoding::Json, Encoding::Xml)
        );
        assert!(conn.read_request(&mode).await.expect("ok").is_none());
    }

    #[tokio::test]
    async fn required_encoding_and_garbage_are_enforced() {
        let xml = Encoding::Xml.encode(&msg()).expect("encode");
        let mode = WireMode {
            encoding: Some(Encoding::Json),
            ..WireMode::default()
        };
        let (r, _) = serve_one(xml, mode).await;
        assert!(matches!(r, Err(ExchangeError::Unexpected { .. })), "{r:?}");
        let (r, _) = serve_one(vec![0u8; 10], WireMode::default()).await;
        assert!(matches!(r, Err(ExchangeError::Unrecognised(0))), "{r:?}");
        let (r, _) = serve_one(b"{\"tag\":".to_vec(), WireMode::default()).await;
        assert!(
            matches!(r, Err(ExchangeError::Read(ReadError::Closed { .. }))),
            "{r:?}"
        );
    }

    #[tokio::test]
    async fn oversized_documents_are_refused_without_buffering_them() {
        let (mut client, server) = tokio::io::duplex(1024);
        let limits = ExchangeLimits {
            ttlv: Limits {
                max_message_len: 1000,
                ..Limits::default()
            },
            ..ExchangeLimits::default()
        };
        let writer = tokio::spawn(async move {
            let _ = client.write_all(b"{\"tag\":\"").await;
            let _ = client.write_all(&vec![b'a'; 100_000]).await;
            client
        });
        let mut conn = ServerConn::new(server, limits);
        let r = conn.read_request(&WireMode::default()).await;
        assert!(matches!(r, Err(ExchangeError::Framing { .. })), "{r:?}");
        drop(conn);
        drop(writer.await);
    }

    #[tokio::test]
    async fn stalled_peers_time_out() {
        let (mut client, server) = tokio::io::duplex(1024);
        let limits = ExchangeLimits {
            idle_timeout: Duration::from_millis(100),
            read_timeout: Duration::from_millis(100),
            ..ExchangeLimits::default()
        };
        let mut conn = ServerConn::new(server, limits);
        let r = conn.read_request(&WireMode::default()).await;
        assert!(matches!(r, Err(ExchangeError::Idle(_))), "{r:?}");
        client.write_all(b"<RequestMessage>").await.expect("write");
        let r = conn.read_request(&WireMode::default()).await;
        assert!(
            matches!(r, Err(ExchangeError::Read(ReadError::Timeout(_)))),
            "{r:?}"
        );
    }
}
