//! TTLV message framing over a byte stream, bounded and with timeouts.
//!
//! A KMIP message on the wire is one TTLV Structure: an 8-byte header whose
//! last 4 bytes give the value length. [`read_message`] reads the header,
//! checks it with [`kmip_ttlv::ttlv::frame_length`] (outer type must be a
//! Structure, total within [`Limits::max_message_len`]) and then reads the
//! rest, growing its buffer only as bytes actually arrive — a peer that
//! announces a huge message and sends nothing costs no memory. Every read
//! and write is bounded by a timeout.
//!
//! [`send_request`] / [`read_response`] do the same for any
//! [`WireFormat`]: TTLV, XML or JSON messages directly on the stream (XML /
//! JSON framed by a bounded end-of-document scanner, since they carry no
//! length), or as HTTPS POST bodies ([`crate::http`]).

use crate::encoding::{Encoding, Transport, WireFormat};
use kmip_ttlv::ttlv::{frame_length, DecodeError, Limits};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

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
        Transport::Https => {
            write_message(stream, &crate::http::request_bytes(wire, body), timeout).await
        }
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
            let msg = kmip_reference_server::transport::conn::read_frame(
                stream, &mut buf, encoding, limits, deadline,
            )
            .await
            .map_err(|e| crate::http::read_error(e, timeout))?;
            if !buf.is_empty() {
                return Err(TransportError::Protocol(format!(
                    "{} unexpected bytes after the {encoding} response",
                    buf.len()
                )));
            }
            Ok(msg)
        }
        (Transport::Https, _) => {
            crate::http::read_response(stream, wire, limits.max_message_len, deadline, timeout)
                .await
        }
    }
}

/// One read; a TLS peer that drops the connection without close_notify is
/// reported as a close, not as an I/O error.
async fn read_some<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    buf: &mut [u8],
) -> Result<usize, TransportError> {
    match stream.read(buf).await {
        Ok(n) => Ok(n),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::UnexpectedEof
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
            ) =>
        {
            Ok(0)
        }
        Err(e) => Err(TransportError::Io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

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
}
