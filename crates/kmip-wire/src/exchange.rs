//! The client side of one exchange: a request in a chosen encoding and
//! transport ([`WireFormat`]) goes out, one response comes back — bounded,
//! with timeouts. This is the API the harness's runner uses to talk to any
//! target.
//!
//! A binary TTLV message on the wire is one TTLV Structure: an 8-byte
//! header whose last 4 bytes give the value length. [`read_message`] reads
//! the header, checks it with [`kmip_ttlv::ttlv::frame_length`] (outer type
//! must be a Structure, total within [`Limits::max_message_len`]) and then
//! reads the rest, growing its buffer only as bytes actually arrive — a
//! peer that announces a huge message and sends nothing costs no memory.
//! Every read and write is bounded by a timeout.
//!
//! [`send_request`] / [`read_response`] do the same for any
//! [`WireFormat`]: TTLV, XML or JSON messages directly on the stream (XML /
//! JSON framed by a bounded end-of-document scanner, since they carry no
//! length), or as HTTPS POST bodies (KMIP Profiles v2.1 §5.3: status 200
//! and the content type of the encoding in use are required of the
//! response; heads are bounded, bodies framed by `Content-Length`).

use crate::conn::{self, ReadError, Transport};
use crate::encoding::{Encoding, EncodingError};
use crate::http::{self, ResponseHead};
use kmip_ttlv::ttlv::{frame_length, DecodeError, Limits};
use kmip_ttlv::Item;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

/// How requests are written and responses read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireFormat {
    /// Message encoding.
    pub encoding: Encoding,
    /// Raw messages on the TLS stream, or HTTPS POSTs.
    pub transport: Transport,
    /// HTTP request target for HTTPS (KMIP Profiles: SHOULD be `/kmip`).
    pub https_path: String,
    /// `Host` header for HTTPS.
    pub host: String,
}

impl Default for WireFormat {
    fn default() -> WireFormat {
        WireFormat {
            encoding: Encoding::Ttlv,
            transport: Transport::Tls,
            https_path: "/kmip".to_string(),
            host: "localhost".to_string(),
        }
    }
}

impl WireFormat {
    /// A format with the default path and host.
    pub fn new(encoding: Encoding, transport: Transport) -> WireFormat {
        WireFormat {
            encoding,
            transport,
            ..WireFormat::default()
        }
    }

    /// `"json over https (/kmip)"`, for reports and messages.
    pub fn describe(&self) -> String {
        match self.transport {
            Transport::Tls => format!("{} over tls", self.encoding),
            Transport::Https => format!("{} over https ({})", self.encoding, self.https_path),
        }
    }

    /// Encode a request message.
    pub fn encode(&self, item: &Item) -> Result<Vec<u8>, EncodingError> {
        self.encoding.encode(item)
    }

    /// Decode a response message body.
    pub fn decode(&self, bytes: &[u8], limits: &Limits) -> Result<Item, EncodingError> {
        self.encoding.decode(bytes, limits)
    }
}

/// A bidirectional byte stream (TLS, TCP, in-memory duplex …).
pub trait AsyncStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> AsyncStream for T {}

/// A boxed stream, as returned by connectors.
pub type BoxStream = Box<dyn AsyncStream>;

/// What went wrong on the connection.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// TCP connect failed (refused, unreachable, DNS).
    #[error("cannot connect to {addr}: {source}")]
    Connect {
        /// Address tried.
        addr: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The TLS handshake failed.
    #[error("TLS handshake with {addr} failed: {source}")]
    Handshake {
        /// Address tried.
        addr: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Nothing (or not enough) within the time limit.
    #[error("timed out after {:.1} s {what}", after.as_secs_f64())]
    Timeout {
        /// What was being waited for.
        what: &'static str,
        /// The limit.
        after: Duration,
    },
    /// The peer closed the connection before a whole message arrived.
    #[error(
        "connection closed by the target after {received} of {expected} bytes of the response"
    )]
    Closed {
        /// Bytes of the message received.
        received: usize,
        /// Bytes expected (8 while the header is incomplete).
        expected: usize,
    },
    /// The header announced something that is not a KMIP message.
    #[error("response is not a TTLV message: {0}")]
    Framing(DecodeError),
    /// Other I/O error.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// An XML / JSON / HTTP response that breaks its framing rules (HTTP
    /// error status, wrong content type, bytes after the message, close
    /// mid-message …).
    #[error("{0}")]
    Protocol(String),
}

impl TransportError {
    /// True when the target could not be reached at all (connect or
    /// handshake failure, or connect timeout).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            TransportError::Connect { .. }
                | TransportError::Handshake { .. }
                | TransportError::Timeout {
                    what: CONNECT_WHAT,
                    ..
                }
        )
    }
}

/// The `what` of a connect timeout.
pub const CONNECT_WHAT: &str = "connecting to the target";

/// Write one encoded message and flush it, within `timeout`.
pub async fn write_message<S: AsyncWrite + Unpin + ?Sized>(
    stream: &mut S,
    bytes: &[u8],
    timeout: Duration,
) -> Result<(), TransportError> {
    let fut = async {
        stream.write_all(bytes).await?;
        stream.flush().await
    };
    match tokio::time::timeout(timeout, fut).await {
        Ok(r) => r.map_err(TransportError::Io),
        Err(_) => Err(TransportError::Timeout {
            what: "sending the request",
            after: timeout,
        }),
    }
}

/// Read exactly one TTLV message (header included), within `timeout` for
/// the whole message.
pub async fn read_message<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    limits: &Limits,
    timeout: Duration,
) -> Result<Vec<u8>, TransportError> {
    match tokio::time::timeout(timeout, read_message_untimed(stream, limits)).await {
        Ok(r) => r,
        Err(_) => Err(TransportError::Timeout {
            what: "waiting for the response",
            after: timeout,
        }),
    }
}

async fn read_message_untimed<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    limits: &Limits,
) -> Result<Vec<u8>, TransportError> {
    let mut header = [0u8; 8];
    let mut got = 0;
    while got < header.len() {
        let n = read_some(stream, &mut header[got..]).await?;
        if n == 0 {
            return Err(TransportError::Closed {
                received: got,
                expected: 8,
            });
        }
        got += n;
    }
    let total = frame_length(&header, limits).map_err(TransportError::Framing)?;
    let mut out = Vec::with_capacity(total.min(64 * 1024));
    out.extend_from_slice(&header);
    let mut chunk = [0u8; 16 * 1024];
    while out.len() < total {
        let want = (total - out.len()).min(chunk.len());
        let n = read_some(stream, &mut chunk[..want]).await?;
        if n == 0 {
            return Err(TransportError::Closed {
                received: out.len(),
                expected: total,
            });
        }
        out.extend_from_slice(&chunk[..n]);
    }
    Ok(out)
}

/// Send one encoded request body in `wire`'s transport (for HTTPS, as a
/// POST to `wire.https_path`), within `timeout`.
pub async fn send_request<S: AsyncWrite + Unpin + ?Sized>(
    stream: &mut S,
    body: &[u8],
    wire: &WireFormat,
    timeout: Duration,
) -> Result<(), TransportError> {
    match wire.transport {
        Transport::Tls => write_message(stream, body, timeout).await,
        Transport::Https => write_message(stream, &https_request_bytes(wire, body), timeout).await,
    }
}

/// Read one response in `wire`'s encoding and transport and return the
/// message bytes (the HTTP body for HTTPS), within `timeout` for the
/// whole response. For raw XML / JSON, bytes after the end of the message
/// are an error (a target sends exactly one response per request).
pub async fn read_response<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    wire: &WireFormat,
    limits: &Limits,
    timeout: Duration,
) -> Result<Vec<u8>, TransportError> {
    let deadline = tokio::time::Instant::now() + timeout;
    match (wire.transport, wire.encoding) {
        (Transport::Tls, Encoding::Ttlv) => read_message(stream, limits, timeout).await,
        (Transport::Tls, encoding) => {
            let mut buf = Vec::new();
            let msg = conn::read_frame(stream, &mut buf, encoding, limits, deadline)
                .await
                .map_err(|e| read_error(e, timeout))?;
            if !buf.is_empty() {
                return Err(TransportError::Protocol(format!(
                    "{} unexpected bytes after the {encoding} response",
                    buf.len()
                )));
            }
            Ok(msg)
        }
        (Transport::Https, _) => {
            read_https_response(stream, wire, limits.max_message_len, deadline, timeout).await
        }
    }
}

/// Largest accepted HTTP response head.
pub const MAX_HTTP_HEAD: usize = 16 * 1024;

/// The full HTTP request carrying `body`.
pub fn https_request_bytes(wire: &WireFormat, body: &[u8]) -> Vec<u8> {
    http::format_request(&wire.https_path, &wire.host, wire.encoding, body)
}

/// Map a bounded-reader error to a transport error.
fn read_error(e: ReadError, timeout: Duration) -> TransportError {
    match e {
        ReadError::Timeout(_) => TransportError::Timeout {
            what: "waiting for the response",
            after: timeout,
        },
        ReadError::Io(e) => TransportError::Io(e),
        other => TransportError::Protocol(other.to_string()),
    }
}

/// Read one HTTP response and return its body, within `deadline`. A
/// non-200 status, a missing or wrong content type, chunked coding or a
/// body over `max_body` bytes are errors.
pub async fn read_https_response<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    wire: &WireFormat,
    max_body: usize,
    deadline: Instant,
    timeout: Duration,
) -> Result<Vec<u8>, TransportError> {
    let mut buf = Vec::new();
    let head = conn::read_head(stream, &mut buf, MAX_HTTP_HEAD, deadline)
        .await
        .map_err(|e| read_error(e, timeout))?;
    let head: ResponseHead = http::parse_response_head(&head)
        .map_err(|e| TransportError::Protocol(format!("bad HTTP response: {e}")))?;
    if head.chunked {
        return Err(TransportError::Protocol(
            "HTTP response uses Transfer-Encoding, which KMIP HTTPS does not use (Content-Length expected)"
                .into(),
        ));
    }
    let body = match head.content_length {
        Some(n) if n > max_body => {
            return Err(TransportError::Protocol(format!(
                "HTTP response body of {n} bytes exceeds the limit of {max_body}"
            )))
        }
        Some(n) => conn::read_body(stream, &mut buf, n, deadline)
            .await
            .map_err(|e| read_error(e, timeout))?,
        None if head.close || head.status != 200 => {
            // body runs to the end of the connection
            loop {
                if buf.len() > max_body {
                    return Err(TransportError::Protocol(format!(
                        "HTTP response body exceeds the limit of {max_body}"
                    )));
                }
                let n = conn::fill(stream, &mut buf, deadline, "reading an HTTP body")
                    .await
                    .map_err(|e| read_error(e, timeout))?;
                if n == 0 {
                    break std::mem::take(&mut buf);
                }
            }
        }
        None => {
            return Err(TransportError::Protocol(
                "HTTP response without Content-Length".into(),
            ))
        }
    };
    if head.status != 200 {
        let text = String::from_utf8_lossy(&body[..body.len().min(200)])
            .trim()
            .to_string();
        return Err(TransportError::Protocol(format!(
            "HTTP {} {}{}",
            head.status,
            head.reason,
            if text.is_empty() {
                String::new()
            } else {
                format!(": {text}")
            }
        )));
    }
    let ct = head.content_type.as_deref().unwrap_or("");
    if Encoding::from_content_type(ct) != Some(wire.encoding) {
        return Err(TransportError::Protocol(format!(
            "HTTP response Content-Type {ct:?}, expected {}",
            wire.encoding.content_type()
        )));
    }
    Ok(body)
}

/// One read; a TLS peer that drops the connection without close_notify is
/// reported as a close, not as an I/O error.
async fn read_some<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    buf: &mut [u8],
) -> Result<usize, TransportError> {
    match stream.read(buf).await {
        Ok(n) => Ok(n),
        Err(e) if conn::is_disconnect(&e) => Ok(0),
        Err(e) => Err(TransportError::Io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(len: usize) -> Vec<u8> {
        let mut v = vec![0x42, 0x00, 0x7B, 0x01];
        v.extend_from_slice(&(len as u32).to_be_bytes());
        v.extend(std::iter::repeat_n(0u8, len));
        v
    }

    #[tokio::test]
    async fn reads_one_message_in_fragments() {
        let (mut a, mut b) = tokio::io::duplex(4);
        let m = msg(40);
        let m2 = m.clone();
        let w = tokio::spawn(async move {
            for c in m2.chunks(3) {
                b.write_all(c).await.expect("write");
            }
            b
        });
        let got = read_message(&mut a, &Limits::default(), Duration::from_secs(5))
            .await
            .expect("message");
        assert_eq!(got, m);
        drop(w.await);
    }

    #[tokio::test]
    async fn close_mid_message_is_reported() {
        let (mut a, mut b) = tokio::io::duplex(1024);
        let m = msg(40);
        b.write_all(&m[..20]).await.expect("write");
        drop(b);
        let err = read_message(&mut a, &Limits::default(), Duration::from_secs(5))
            .await
            .expect_err("closed");
        assert!(matches!(
            err,
            TransportError::Closed {
                received: 20,
                expected: 48
            }
        ));
    }

    #[tokio::test]
    async fn close_before_response_is_reported() {
        let (mut a, b) = tokio::io::duplex(1024);
        drop(b);
        let err = read_message(&mut a, &Limits::default(), Duration::from_secs(5))
            .await
            .expect_err("closed");
        assert!(matches!(
            err,
            TransportError::Closed {
                received: 0,
                expected: 8
            }
        ));
    }

    #[tokio::test]
    async fn garbage_header_is_a_framing_error() {
        let (mut a, mut b) = tokio::io::duplex(1024);
        b.write_all(b"HTTP/1.1 400 Bad").await.expect("write");
        let err = read_message(&mut a, &Limits::default(), Duration::from_secs(5))
            .await
            .expect_err("garbage");
        assert!(matches!(err, TransportError::Framing(_)), "{err}");
    }

    #[tokio::test]
    async fn oversized_announcement_is_refused_before_reading() {
        let (mut a, mut b) = tokio::io::duplex(1024);
        b.write_all(&[0x42, 0, 0x7B, 1, 0xFF, 0xFF, 0xFF, 0xF0])
            .await
            .expect("write");
        let limits = Limits {
            max_message_len: 1024,
            ..Limits::default()
        };
        let err = read_message(&mut a, &limits, Duration::from_secs(5))
            .await
            .expect_err("too large");
        assert!(matches!(err, TransportError::Framing(_)), "{err}");
    }

    #[tokio::test(start_paused = true)]
    async fn silent_peer_times_out() {
        let (mut a, _b) = tokio::io::duplex(1024);
        let err = read_message(&mut a, &Limits::default(), Duration::from_secs(2))
            .await
            .expect_err("timeout");
        assert!(matches!(err, TransportError::Timeout { .. }));
        assert!(!err.is_unreachable());
    }

    async fn read_http(resp: &[u8]) -> Result<Vec<u8>, TransportError> {
        let (mut a, mut b) = tokio::io::duplex(64 * 1024);
        b.write_all(resp).await.expect("write");
        drop(b);
        let wire = WireFormat::new(Encoding::Json, Transport::Https);
        let t = Duration::from_secs(5);
        read_https_response(&mut a, &wire, 1 << 20, Instant::now() + t, t).await
    }

    #[tokio::test]
    async fn good_and_bad_responses() {
        let ok = http::format_response(200, "OK", "application/json", b"{}", false);
        assert_eq!(read_http(&ok).await.expect("ok"), b"{}");
        let wrong_type = http::format_response(200, "OK", "text/xml", b"<R/>", false);
        let e = read_http(&wrong_type).await.expect_err("content type");
        assert!(e.to_string().contains("Content-Type"), "{e}");
        let not_found = http::format_response(404, "Not Found", "text/plain", b"nope", true);
        let e = read_http(&not_found).await.expect_err("404");
        assert!(e.to_string().contains("HTTP 404 Not Found: nope"), "{e}");
        let e = read_http(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{}",
        )
        .await
        .expect_err("short");
        assert!(e.to_string().contains("closed"), "{e}");
        let e = read_http(b"garbage\r\n\r\n").await.expect_err("garbage");
        assert!(matches!(e, TransportError::Protocol(_)), "{e}");
    }

    #[test]
    fn requests_carry_the_profile_headers() {
        let wire = WireFormat::new(Encoding::Xml, Transport::Https);
        let r = String::from_utf8(https_request_bytes(&wire, b"<R/>")).expect("utf8");
        assert!(r.starts_with("POST /kmip HTTP/1.1\r\n"), "{r}");
        for h in [
            "Content-Type: text/xml",
            "Content-Length: 4",
            "Cache-Control: no-cache",
        ] {
            assert!(r.contains(h), "{h}: {r}");
        }
    }

    #[test]
    fn defaults_and_descriptions() {
        let w = WireFormat::default();
        assert_eq!((w.encoding, w.transport), (Encoding::Ttlv, Transport::Tls));
        assert_eq!(w.describe(), "ttlv over tls");
        assert_eq!(
            WireFormat::new(Encoding::Json, Transport::Https).describe(),
            "json over https (/kmip)"
        );
        assert_eq!("XML".parse::<Encoding>(), Ok(Encoding::Xml));
        assert!("cbor".parse::<Encoding>().is_err());
    }
}
