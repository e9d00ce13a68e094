//! The client side of the KMIP HTTPS transport: POST one encoded request
//! to the target's path, read one response (bounded head, body framed by
//! `Content-Length`), and check what the KMIP HTTPS profile requires of it
//! (status 200, the content type of the encoding in use).

use crate::encoding::WireFormat;
use crate::transport::TransportError;
use kmip_reference_server::transport::conn::{self, ReadError};
use kmip_reference_server::transport::http::{self, ResponseHead};
use kmip_reference_server::transport::Encoding;
use tokio::io::AsyncRead;
use tokio::time::Instant;

/// Largest accepted response head.
pub const MAX_HEAD: usize = 16 * 1024;

/// The full HTTP request carrying `body`.
pub fn request_bytes(wire: &WireFormat, body: &[u8]) -> Vec<u8> {
    http::format_request(&wire.https_path, &wire.host, wire.encoding, body)
}

/// Map a bounded-reader error to a transport error.
pub(crate) fn read_error(e: ReadError, timeout: std::time::Duration) -> TransportError {
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
pub async fn read_response<S: AsyncRead + Unpin + ?Sized>(
    stream: &mut S,
    wire: &WireFormat,
    max_body: usize,
    deadline: Instant,
    timeout: std::time::Duration,
) -> Result<Vec<u8>, TransportError> {
    let mut buf = Vec::new();
    let head = conn::read_head(stream, &mut buf, MAX_HEAD, deadline)
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

#[cfg(test)]
mod tests {
    use super::*;
    use kmip_reference_server::transport::Transport;
    use std::time::Duration;
    use tokio::io::AsyncWriteExt;

    async fn read(resp: &[u8]) -> Result<Vec<u8>, TransportError> {
        let (mut a, mut b) = tokio::io::duplex(64 * 1024);
        b.write_all(resp).await.expect("write");
        drop(b);
        let wire = WireFormat::new(Encoding::Json, Transport::Https);
        let t = Duration::from_secs(5);
        read_response(&mut a, &wire, 1 << 20, Instant::now() + t, t).await
    }

    #[tokio::test]
    async fn good_and_bad_responses() {
        let ok = http::format_response(200, "OK", "application/json", b"{}", false);
        assert_eq!(read(&ok).await.expect("ok"), b"{}");
        let wrong_type = http::format_response(200, "OK", "text/xml", b"<R/>", false);
        let e = read(&wrong_type).await.expect_err("content type");
        assert!(e.to_string().contains("Content-Type"), "{e}");
        let not_found = http::format_response(404, "Not Found", "text/plain", b"nope", true);
        let e = read(&not_found).await.expect_err("404");
        assert!(e.to_string().contains("HTTP 404 Not Found: nope"), "{e}");
        let e = read(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{}",
        )
        .await
        .expect_err("short");
        assert!(e.to_string().contains("closed"), "{e}");
        let e = read(b"garbage\r\n\r\n").await.expect_err("garbage");
        assert!(matches!(e, TransportError::Protocol(_)), "{e}");
    }

    #[test]
    fn requests_carry_the_profile_headers() {
        let wire = WireFormat::new(Encoding::Xml, Transport::Https);
        let r = String::from_utf8(request_bytes(&wire, b"<R/>")).expect("utf8");
        assert!(r.starts_with("POST /kmip HTTP/1.1\r\n"), "{r}");
        for h in [
            "Content-Type: text/xml",
            "Content-Length: 4",
            "Cache-Control: no-cache",
        ] {
            assert!(r.contains(h), "{h}: {r}");
        }
    }
}
