//! The three KMIP message encodings (binary TTLV, KMIP XML, KMIP JSON):
//! converting a message tree to and from bytes, their HTTP content types,
//! and recognising which one a peer is speaking from its first byte.
//!
//! Content types follow KMIP Profiles v2.1 §5.3.1 (HTTPS client
//! conditions): `application/octet-stream` for TTLV, `text/xml` for XML and
//! `application/json` for JSON. When reading a `Content-Type` header the
//! parameters (`; charset=utf-8`) are ignored and `application/xml` is
//! accepted as XML too.

use kmip_ttlv::ttlv::Limits;
use kmip_ttlv::Item;

/// A message encoding.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Binary TTLV (KMIP §9.1).
    Ttlv,
    /// KMIP XML (KMIP Profiles "XML Encoding").
    Xml,
    /// KMIP JSON (KMIP Profiles "JSON Encoding").
    Json,
}

/// A message could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodingError {
    /// The tree cannot be written in this encoding.
    #[error("cannot encode the message as {encoding}: {reason}")]
    Encode {
        /// The encoding asked for.
        encoding: Encoding,
        /// Why.
        reason: String,
    },
    /// The bytes are not a message in this encoding.
    #[error("not a valid {encoding} message: {reason}")]
    Decode {
        /// The encoding tried.
        encoding: Encoding,
        /// Why.
        reason: String,
    },
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Encoding {
    type Err = String;

    fn from_str(s: &str) -> Result<Encoding, String> {
        match s.to_ascii_lowercase().as_str() {
            "ttlv" => Ok(Encoding::Ttlv),
            "xml" => Ok(Encoding::Xml),
            "json" => Ok(Encoding::Json),
            _ => Err(format!(
                "unknown encoding {s:?} (expected ttlv, xml or json)"
            )),
        }
    }
}

impl Encoding {
    /// All encodings.
    pub const ALL: [Encoding; 3] = [Encoding::Ttlv, Encoding::Xml, Encoding::Json];

    /// Lower-case name (`ttlv`, `xml`, `json`).
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Ttlv => "ttlv",
            Encoding::Xml => "xml",
            Encoding::Json => "json",
        }
    }

    /// The HTTP `Content-Type` of a message in this encoding.
    pub fn content_type(self) -> &'static str {
        match self {
            Encoding::Ttlv => "application/octet-stream",
            Encoding::Xml => "text/xml",
            Encoding::Json => "application/json",
        }
    }

    /// The encoding a `Content-Type` header value names, if any.
    pub fn from_content_type(value: &str) -> Option<Encoding> {
        let media = value.split(';').next().unwrap_or("").trim();
        if media.eq_ignore_ascii_case("application/octet-stream") {
            Some(Encoding::Ttlv)
        } else if media.eq_ignore_ascii_case("text/xml")
            || media.eq_ignore_ascii_case("application/xml")
        {
            Some(Encoding::Xml)
        } else if media.eq_ignore_ascii_case("application/json") {
            Some(Encoding::Json)
        } else {
            None
        }
    }

    /// Write a message tree.
    pub fn encode(self, item: &Item) -> Result<Vec<u8>, EncodingError> {
        match self {
            Encoding::Ttlv => kmip_ttlv::ttlv::encode(item).map_err(|e| EncodingError::Encode {
                encoding: self,
                reason: e.to_string(),
            }),
            Encoding::Xml => Ok(kmip_ttlv::xml::to_xml_compact(item).into_bytes()),
            Encoding::Json => Ok(kmip_ttlv::json::to_json_string(item).into_bytes()),
        }
    }

    /// Read a message tree. `limits.max_message_len` bounds the input size
    /// for every encoding; the depth limits are the codecs' own.
    pub fn decode(self, bytes: &[u8], limits: &Limits) -> Result<Item, EncodingError> {
        let err = |reason: String| EncodingError::Decode {
            encoding: self,
            reason,
        };
        if bytes.len() > limits.max_message_len {
            return Err(err(format!(
                "{} bytes exceeds the limit of {}",
                bytes.len(),
                limits.max_message_len
            )));
        }
        match self {
            Encoding::Ttlv => {
                kmip_ttlv::ttlv::decode(bytes, limits).map_err(|e| err(e.to_string()))
            }
            Encoding::Xml | Encoding::Json => {
                let text =
                    std::str::from_utf8(bytes).map_err(|e| err(format!("not UTF-8: {e}")))?;
                let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                if self == Encoding::Xml {
                    kmip_ttlv::xml::parse_item(text).map_err(|e| err(e.to_string()))
                } else {
                    kmip_ttlv::json::from_json_str(text).map_err(|e| err(e.to_string()))
                }
            }
        }
    }
}

/// What the first byte of a message on a raw stream says it is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Sniffed {
    /// A message in this encoding.
    Message(Encoding),
    /// An HTTP request (an upper-case method name; TTLV starts with 0x42,
    /// `B`, and no HTTP method does).
    Http,
    /// Whitespace between messages (skipped before XML / JSON).
    Whitespace,
    /// Nothing KMIP.
    Unknown,
}

/// Classify the first byte of a message: TTLV messages start with the tag
/// byte 0x42, XML with `<` (or a UTF-8 byte-order mark), JSON with `{`.
pub fn sniff(first: u8) -> Sniffed {
    match first {
        0x42 => Sniffed::Message(Encoding::Ttlv),
        b'<' | 0xEF => Sniffed::Message(Encoding::Xml),
        b'{' => Sniffed::Message(Encoding::Json),
        b' ' | b'\t' | b'\r' | b'\n' => Sniffed::Whitespace,
        b'A'..=b'Z' => Sniffed::Http,
        _ => Sniffed::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kmip_ttlv::Value;

    fn sample() -> Item {
        Item::structure(
            kmip_ttlv::tags::REQUEST_MESSAGE,
            vec![Item::structure(
                kmip_ttlv::tags::REQUEST_HEADER,
                vec![Item::new(kmip_ttlv::tags::BATCH_COUNT, Value::Integer(1))],
            )],
        )
    }

    #[test]
    fn every_encoding_round_trips() {
        for e in Encoding::ALL {
            let bytes = e.encode(&sample()).expect("encode");
            assert_eq!(sniff(bytes[0]), Sniffed::Message(e));
            let back = e.decode(&bytes, &Limits::default()).expect("decode");
            assert_eq!(back, sample(), "{e}");
        }
    }

    #[test]
    fn content_types() {
        for e in Encoding::ALL {
            assert_eq!(Encoding::from_content_type(e.content_type()), Some(e));
        }
        assert_eq!(
            Encoding::from_content_type("application/json; charset=UTF-8"),
            Some(Encoding::Json)
        );
        assert_eq!(
            Encoding::from_content_type("Application/XML"),
            Some(Encoding::Xml)
        );
        assert_eq!(Encoding::from_content_type("text/plain"), None);
    }

    #[test]
    fn oversized_and_garbage_inputs_are_errors() {
        let small = Limits {
            max_message_len: 4,
            ..Limits::default()
        };
        for e in Encoding::ALL {
            assert!(e.decode(b"<RequestMessage/>", &small).is_err());
            assert!(e.decode(b"\xff\xfe{[<", &Limits::default()).is_err());
        }
        assert_eq!(sniff(b'P'), Sniffed::Http);
        assert_eq!(sniff(0), Sniffed::Unknown);
    }
}
