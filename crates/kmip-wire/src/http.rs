//! A small, bounded HTTP/1.1 message layer for the KMIP HTTPS transport
//! (KMIP Profiles v2.1 §5.3): one KMIP message per `POST` body, framed by
//! `Content-Length`, content type per encoding, `Cache-Control: no-cache`.
//!
//! Pure functions over bytes (no I/O): parsing a request head (server
//! side) or a response head (client side), and writing both. Only what
//! KMIP needs is supported: no chunked transfer coding (a request using it
//! gets 501), heads of at most a caller-given size, one `Content-Length`.

use super::encoding::Encoding;

/// An HTTP-level refusal: the status to answer with and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("HTTP {status}: {reason}")]
pub struct HttpError {
    /// Status code to send (400, 404, 405, 411, 413, 415, 501 …).
    pub status: u16,
    /// Human-readable reason (also sent as the body).
    pub reason: String,
}

fn http_err(status: u16, reason: impl Into<String>) -> HttpError {
    HttpError {
        status,
        reason: reason.into(),
    }
}

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHead {
    /// Method (`POST`).
    pub method: String,
    /// Request target (`/kmip`).
    pub path: String,
    /// Body length from `Content-Length`.
    pub content_length: Option<usize>,
    /// The `Content-Type` value, verbatim.
    pub content_type: Option<String>,
    /// The client asked to close the connection after the response
    /// (`Connection: close`, or HTTP/1.0 without keep-alive).
    pub close: bool,
    /// `Expect: 100-continue` was sent.
    pub expect_continue: bool,
}

/// A parsed response head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    /// Status code.
    pub status: u16,
    /// Reason phrase.
    pub reason: String,
    /// Body length from `Content-Length` (`None`: absent).
    pub content_length: Option<usize>,
    /// The `Content-Type` value, verbatim.
    pub content_type: Option<String>,
    /// The server will close the connection.
    pub close: bool,
    /// `Transfer-Encoding` was present (not supported).
    pub chunked: bool,
}

/// Where the head ends: the index just past the blank line (`\r\n\r\n`),
/// if present.
pub fn head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

fn lines(head: &[u8]) -> Result<Vec<&str>, String> {
    let text = std::str::from_utf8(head).map_err(|_| "head is not UTF-8".to_string())?;
    Ok(text
        .trim_end_matches("\r\n")
        .split("\r\n")
        .collect::<Vec<_>>())
}

struct Headers {
    content_length: Option<usize>,
    content_type: Option<String>,
    connection_close: bool,
    connection_keep_alive: bool,
    transfer_encoding: bool,
    expect_continue: bool,
}

fn headers(lines: &[&str]) -> Result<Headers, String> {
    let mut h = Headers {
        content_length: None,
        content_type: None,
        connection_close: false,
        connection_keep_alive: false,
        transfer_encoding: false,
        expect_continue: false,
    };
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("malformed header line {line:?}"))?;
        if name.is_empty() || name.ends_with([' ', '\t']) {
            return Err(format!("malformed header name {name:?}"));
        }
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => {
                let n: usize = value
                    .parse()
                    .ok()
                    .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| format!("bad Content-Length {value:?}"))?;
                if h.content_length.is_some_and(|m| m != n) {
                    return Err("conflicting Content-Length headers".into());
                }
                h.content_length = Some(n);
            }
            "content-type" => h.content_type = Some(value.to_string()),
            "connection" => {
                for token in value.split(',') {
                    let t = token.trim();
                    if t.eq_ignore_ascii_case("close") {
                        h.connection_close = true;
                    } else if t.eq_ignore_ascii_case("keep-alive") {
                        h.connection_keep_alive = true;
                    }
                }
            }
            "transfer-encoding" => h.transfer_encoding = true,
            "expect" => h.expect_continue = value.eq_ignore_ascii_case("100-continue"),
            _ => {}
        }
    }
    Ok(h)
}

/// Parse a request head (everything up to and including the blank line).
pub fn parse_request_head(head: &[u8]) -> Result<RequestHead, HttpError> {
    let lines = lines(head).map_err(|e| http_err(400, e))?;
    let (first, rest) = lines
        .split_first()
        .ok_or_else(|| http_err(400, "empty request"))?;
    let mut parts = first.split(' ');
    let (Some(method), Some(path), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(http_err(400, format!("malformed request line {first:?}")));
    };
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return Err(http_err(505, format!("unsupported version {version:?}"))),
    };
    let h = headers(rest).map_err(|e| http_err(400, e))?;
    if h.transfer_encoding {
        return Err(http_err(
            501,
            "Transfer-Encoding is not supported; send Content-Length",
        ));
    }
    Ok(RequestHead {
        method: method.to_string(),
        path: path.to_string(),
        content_length: h.content_length,
        content_type: h.content_type,
        close: h.connection_close || (http10 && !h.connection_keep_alive),
        expect_continue: h.expect_continue,
    })
}

/// Parse a response head (everything up to and including the blank line).
pub fn parse_response_head(head: &[u8]) -> Result<ResponseHead, String> {
    let lines = lines(head)?;
    let (first, rest) = lines.split_first().ok_or("empty response")?;
    let mut parts = first.splitn(3, ' ');
    let (Some(version), Some(code)) = (parts.next(), parts.next()) else {
        return Err(format!("malformed status line {first:?}"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(format!("not an HTTP/1.x response: {first:?}"));
    }
    let status: u16 = code
        .parse()
        .ok()
        .filter(|c| (100..1000).contains(c))
        .ok_or_else(|| format!("malformed status line {first:?}"))?;
    let h = headers(rest)?;
    Ok(ResponseHead {
        status,
        reason: parts.next().unwrap_or("").to_string(),
        content_length: h.content_length,
        content_type: h.content_type,
        close: h.connection_close || (version == "HTTP/1.0" && !h.connection_keep_alive),
        chunked: h.transfer_encoding,
    })
}

/// A KMIP HTTPS request: `POST path` with the encoding's content type,
/// `Content-Length` and `Cache-Control: no-cache`.
pub fn format_request(path: &str, host: &str, encoding: Encoding, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {ct}\r\nAccept: {ct}\r\nContent-Length: {len}\r\nCache-Control: no-cache\r\n\r\n",
        ct = encoding.content_type(),
        len = body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// An HTTP response with a body of `content_type`.
pub fn format_response(
    status: u16,
    reason: &str,
    content_type: &str,
    body: &[u8],
    close: bool,
) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\nCache-Control: no-cache\r\n{conn}\r\n",
        len = body.len(),
        conn = if close { "Connection: close\r\n" } else { "" }
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// An error response (`text/plain` reason, connection closed).
pub fn format_error(e: &HttpError) -> Vec<u8> {
    let phrase = match e.status {
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    };
    format_response(
        e.status,
        phrase,
        "text/plain; charset=utf-8",
        format!("{}\n", e.reason).as_bytes(),
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_round_trip() {
        let req = format_request("/kmip", "localhost", Encoding::Json, b"{}");
        let end = head_end(&req).expect("head");
        assert_eq!(&req[end..], b"{}");
        let h = parse_request_head(&req[..end]).expect("parse");
        assert_eq!(h.method, "POST");
        assert_eq!(h.path, "/kmip");
        assert_eq!(h.content_length, Some(2));
        assert_eq!(h.content_type.as_deref(), Some("application/json"));
        assert!(!h.close);
    }

    #[test]
    fn response_round_trip() {
        let resp = format_response(200, "OK", "text/xml", b"<R/>", true);
        let end = head_end(&resp).expect("head");
        let h = parse_response_head(&resp[..end]).expect("parse");
        assert_eq!((h.status, h.content_length, h.close), (200, Some(4), true));
        assert_eq!(h.content_type.as_deref(), Some("text/xml"));
        let e = format_error(&HttpError {
            status: 404,
            reason: "no".into(),
        });
        let end = head_end(&e).expect("head");
        assert_eq!(parse_response_head(&e[..end]).expect("parse").status, 404);
    }

    #[test]
    fn arbitrary_heads_never_panic() {
        const PARTS: &[&str] = &[
            "POST",
            " ",
            "/kmip",
            "HTTP/1.1",
            "HTTP/1.0",
            "\r\n",
            ":",
            "Content-Length",
            "Content-Type",
            "application/json",
            "99999999999999999999999",
            "-1",
            "\u{e9}",
            "Connection",
            "close",
            "Transfer-Encoding",
            "200",
            "HTTP/1.1 ",
        ];
        let mut x: u64 = 0x1234_5678;
        for _ in 0..5000 {
            let mut head = String::new();
            for _ in 0..(x % 12) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                head.push_str(PARTS[(x % PARTS.len() as u64) as usize]);
            }
            head.push_str("\r\n\r\n");
            let _ = parse_request_head(head.as_bytes());
            let _ = parse_response_head(head.as_bytes());
            let _ = head_end(head.as_bytes());
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        }
    }

    #[test]
    fn bad_requests() {
        let p = |s: &str| parse_request_head(s.as_bytes()).map_err(|e| e.status);
        assert_eq!(p("POST /kmip\r\n\r\n"), Err(400));
        assert_eq!(p("POST /kmip HTTP/2\r\n\r\n"), Err(505));
        assert_eq!(
            p("POST /kmip HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Err(501)
        );
        assert_eq!(
            p("POST /kmip HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
            Err(400)
        );
        assert_eq!(
            p("POST /kmip HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            Err(400)
        );
        assert_eq!(p("POST /kmip HTTP/1.1\r\nno colon\r\n\r\n"), Err(400));
        let h = parse_request_head(b"POST /x HTTP/1.0\r\nContent-Length: 0\r\n\r\n").expect("ok");
        assert!(h.close);
        assert!(parse_response_head(b"SSH-2.0\r\n\r\n").is_err());
    }
}
