//! Finding where one XML or JSON message ends on a raw byte stream.
//!
//! Binary TTLV carries its length in its header; XML and JSON messages sent
//! directly on a TLS stream carry none, so the reader has to find the end of
//! the document. [`DocScanner`] is an incremental, constant-memory scanner
//! fed with bytes as they arrive:
//!
//! - JSON: counts `{`/`[` against `}`/`]` outside strings (escapes
//!   honoured); the message ends when the outermost object closes.
//! - XML: follows tags (quoted attribute values may hold `>`), comments,
//!   processing instructions and CDATA sections; the message ends when the
//!   first top-level element closes (or is an empty element). A DOCTYPE is
//!   refused (no entity declarations on the wire).
//!
//! The scanner only frames; the codecs in `kmip-ttlv` validate the content
//! (and their depth limits apply there). Size limits are the caller's: the
//! scanner is fed at most `max_message_len` bytes.

use super::encoding::Encoding;

/// The input cannot be one XML / JSON message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed {encoding} message framing at byte {offset}: {reason}")]
pub struct FrameError {
    /// Encoding being framed.
    pub encoding: Encoding,
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was wrong.
    pub reason: &'static str,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Xml {
    /// Between tags.
    Text,
    /// Just read `<`.
    Lt,
    /// In a start tag; `quote` is the open quote, `slash` whether the last
    /// significant byte was `/`.
    StartTag { quote: u8, slash: bool },
    /// In an end tag.
    EndTag,
    /// After `<!`; `n` bytes of `--` / `[CDATA[` matched so far.
    Bang { n: u8, cdata: bool },
    /// In a comment; `dashes` consecutive `-` seen.
    Comment { dashes: u8 },
    /// In a CDATA section; `brackets` consecutive `]` seen.
    CData { brackets: u8 },
    /// In a processing instruction; `q` whether the last byte was `?`.
    Pi { q: bool },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Json {
    Start,
    Value { in_string: bool, escape: bool },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum State {
    Xml(Xml),
    Json(Json),
}

/// Incremental end-of-document finder for one XML or JSON message.
#[derive(Clone, Debug)]
pub struct DocScanner {
    encoding: Encoding,
    state: State,
    depth: u64,
    started: bool,
    offset: usize,
}

impl DocScanner {
    /// A scanner for `encoding` (XML or JSON; TTLV is framed by its header,
    /// and a TTLV scanner reports an error on the first byte).
    pub fn new(encoding: Encoding) -> DocScanner {
        DocScanner {
            encoding,
            state: match encoding {
                Encoding::Json => State::Json(Json::Start),
                _ => State::Xml(Xml::Text),
            },
            depth: 0,
            started: false,
            offset: 0,
        }
    }

    /// Bytes consumed so far.
    pub fn consumed(&self) -> usize {
        self.offset
    }

    /// Feed more bytes. Returns `Ok(Some(n))` when the message ends after
    /// `n` bytes of `input` (the rest belongs to what follows), `Ok(None)`
    /// when more input is needed.
    pub fn feed(&mut self, input: &[u8]) -> Result<Option<usize>, FrameError> {
        if self.encoding == Encoding::Ttlv {
            return Err(self.err("TTLV is framed by its header"));
        }
        for (i, &b) in input.iter().enumerate() {
            let done = match self.state {
                State::Xml(s) => self.xml(s, b)?,
                State::Json(s) => self.json(s, b)?,
            };
            self.offset += 1;
            if done {
                return Ok(Some(i + 1));
            }
        }
        Ok(None)
    }

    fn err(&self, reason: &'static str) -> FrameError {
        FrameError {
            encoding: self.encoding,
            offset: self.offset,
            reason,
        }
    }

    fn json(&mut self, s: Json, b: u8) -> Result<bool, FrameError> {
        match s {
            Json::Start => match b {
                b' ' | b'\t' | b'\r' | b'\n' => Ok(false),
                b'{' => {
                    self.depth = 1;
                    self.state = State::Json(Json::Value {
                        in_string: false,
                        escape: false,
                    });
                    Ok(false)
                }
                _ => Err(self.err("a JSON message must be an object")),
            },
            Json::Value {
                in_string: true,
                escape,
            } => {
                let (in_string, escape) = match (escape, b) {
                    (true, _) => (true, false),
                    (false, b'\\') => (true, true),
                    (false, b'"') => (false, false),
                    _ => (true, false),
                };
                self.state = State::Json(Json::Value { in_string, escape });
                Ok(false)
            }
            Json::Value {
                in_string: false, ..
            } => match b {
                b'"' => {
                    self.state = State::Json(Json::Value {
                        in_string: true,
                        escape: false,
                    });
                    Ok(false)
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    Ok(false)
                }
                b'}' | b']' => {
                    self.depth -= 1;
                    Ok(self.depth == 0)
                }
                _ => Ok(false),
            },
        }
    }

    fn xml(&mut self, s: Xml, b: u8) -> Result<bool, FrameError> {
        let next = match s {
            Xml::Text => match b {
                b'<' => Xml::Lt,
                // a UTF-8 byte-order mark before the first element
                0xEF | 0xBB | 0xBF if !self.started && self.offset < 3 => Xml::Text,
                b' ' | b'\t' | b'\r' | b'\n' => Xml::Text,
                _ if self.depth == 0 => return Err(self.err("text outside the message element")),
                _ => Xml::Text,
            },
            Xml::Lt => match b {
                b'?' => Xml::Pi { q: false },
                b'!' => Xml::Bang { n: 0, cdata: false },
                b'/' if self.depth == 0 => return Err(self.err("end tag without a start tag")),
                b'/' => Xml::EndTag,
                b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'<' => return Err(self.err("malformed tag")),
                _ => {
                    self.started = true;
                    Xml::StartTag {
                        quote: 0,
                        slash: false,
                    }
                }
            },
            Xml::StartTag { quote, slash } => match (quote, b) {
                (0, b'"' | b'\'') => Xml::StartTag {
                    quote: b,
                    slash: false,
                },
                (0, b'>') => {
                    if slash {
                        // empty element
                        self.state = State::Xml(Xml::Text);
                        return Ok(self.depth == 0);
                    }
                    self.depth += 1;
                    Xml::Text
                }
                (0, b'/') => Xml::StartTag {
                    quote: 0,
                    slash: true,
                },
                (0, b'<') => return Err(self.err("`<` inside a tag")),
                (0, _) => Xml::StartTag {
                    quote: 0,
                    slash: false,
                },
                (q, c) if q == c => Xml::StartTag {
                    quote: 0,
                    slash: false,
                },
                (q, _) => Xml::StartTag { quote: q, slash },
            },
            Xml::EndTag => match b {
                b'>' => {
                    self.depth -= 1;
                    self.state = State::Xml(Xml::Text);
                    return Ok(self.depth == 0);
                }
                b'<' => return Err(self.err("`<` inside an end tag")),
                _ => Xml::EndTag,
            },
            Xml::Bang { n, cdata } => {
                const CDATA: &[u8] = b"[CDATA[";
                match (n, cdata, b) {
                    (0, _, b'-') => Xml::Bang { n: 1, cdata: false },
                    (1, false, b'-') => Xml::Comment { dashes: 0 },
                    (0, _, b'[') if self.depth > 0 => Xml::Bang { n: 1, cdata: true },
                    (k, true, c) if usize::from(k) < CDATA.len() && CDATA[usize::from(k)] == c => {
                        if usize::from(k) + 1 == CDATA.len() {
                            Xml::CData { brackets: 0 }
                        } else {
                            Xml::Bang {
                                n: k + 1,
                                cdata: true,
                            }
                        }
                    }
                    _ => {
                        return Err(self.err("DOCTYPE and other declarations are not accepted"));
                    }
                }
            }
            Xml::Comment { dashes } => match (dashes, b) {
                (d, b'-') => Xml::Comment {
                    dashes: d.saturating_add(1),
                },
                (d, b'>') if d >= 2 => Xml::Text,
                _ => Xml::Comment { dashes: 0 },
            },
            Xml::CData { brackets } => match (brackets, b) {
                (k, b']') => Xml::CData {
                    brackets: k.saturating_add(1),
                },
                (k, b'>') if k >= 2 => Xml::Text,
                _ => Xml::CData { brackets: 0 },
            },
            Xml::Pi { q } => match (q, b) {
                (true, b'>') => Xml::Text,
                (_, b'?') => Xml::Pi { q: true },
                _ => Xml::Pi { q: false },
            },
        };
        self.state = State::Xml(next);
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(e: Encoding, s: &str) -> Result<Option<usize>, FrameError> {
        DocScanner::new(e).feed(s.as_bytes())
    }

    #[test]
    fn json_objects_end_where_they_close() {
        let doc = r#"{"tag":"RequestMessage","value":[{"tag":"X","type":"TextString","value":"a}]\"{"}]}"#;
        assert_eq!(end(Encoding::Json, doc), Ok(Some(doc.len())));
        let two = format!("{doc}\n{doc}");
        assert_eq!(end(Encoding::Json, &two), Ok(Some(doc.len())));
        assert_eq!(end(Encoding::Json, &doc[..doc.len() - 1]), Ok(None));
        assert!(end(Encoding::Json, "[1]").is_err());
    }

    #[test]
    fn json_byte_at_a_time() {
        let doc = br#" {"a":"\\","b":[{}]} trailing"#;
        let mut s = DocScanner::new(Encoding::Json);
        let mut at = None;
        for (i, b) in doc.iter().enumerate() {
            if let Some(n) = s.feed(std::slice::from_ref(b)).expect("ok") {
                assert_eq!(n, 1);
                at = Some(i + 1);
                break;
            }
        }
        assert_eq!(at, Some(20));
    }

    #[test]
    fn xml_elements_end_where_they_close() {
        let doc = "<?xml version=\"1.0\"?><!-- a > b --><RequestMessage><A type=\"TextString\" value=\"x>/\"/><B><![CDATA[</B>]]></B></RequestMessage>";
        assert_eq!(end(Encoding::Xml, doc), Ok(Some(doc.len())));
        assert_eq!(
            end(Encoding::Xml, &format!("{doc}<R/>")),
            Ok(Some(doc.len()))
        );
        assert_eq!(end(Encoding::Xml, "<R/>"), Ok(Some(4)));
        assert_eq!(end(Encoding::Xml, "<R a='/'>"), Ok(None));
        assert_eq!(end(Encoding::Xml, "\u{feff}<R/>"), Ok(Some(7)));
    }

    /// xorshift64*: deterministic pseudo-random bytes without a dependency.
    fn rng(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed.max(1);
        move || {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
    }

    #[test]
    fn arbitrary_input_never_panics_and_chunking_does_not_matter() {
        const ALPHABET: &[u8] = b"<>/?!-[]{}\"'\\ aC\n\xEF\xBB\xBF";
        let mut next = rng(0x5eed);
        for round in 0..2000 {
            let len = (next() % 64) as usize;
            let input: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if r % 4 == 0 {
                        (r >> 8) as u8
                    } else {
                        ALPHABET[(r >> 8) as usize % ALPHABET.len()]
                    }
                })
                .collect();
            for e in [Encoding::Xml, Encoding::Json] {
                let whole = DocScanner::new(e).feed(&input);
                let mut s = DocScanner::new(e);
                let mut pieces = Ok(None);
                let mut at = 0;
                while at < input.len() {
                    let n = 1 + (next() % 7) as usize;
                    let end = (at + n).min(input.len());
                    match s.feed(&input[at..end]) {
                        Ok(Some(k)) => {
                            pieces = Ok(Some(at + k));
                            break;
                        }
                        Ok(None) => {}
                        Err(err) => {
                            pieces = Err(err);
                            break;
                        }
                    }
                    at = end;
                }
                assert_eq!(
                    whole.map_err(|e| e.offset),
                    pieces.map_err(|e| e.offset),
                    "round {round}, {e}: {input:?}"
                );
            }
        }
    }

    #[test]
    fn xml_garbage_is_refused() {
        assert!(end(Encoding::Xml, "hello").is_err());
        assert!(end(Encoding::Xml, "</R>").is_err());
        assert!(end(Encoding::Xml, "<!DOCTYPE x [<!ENTITY a 'b'>]><x/>").is_err());
        assert!(end(Encoding::Xml, "< R/>").is_err());
        assert!(end(Encoding::Ttlv, "x").is_err());
    }
}
