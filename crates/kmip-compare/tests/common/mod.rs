//! Helpers shared by the integration tests: messages written in KMIP XML.
#![allow(dead_code)]

use std::path::PathBuf;

use kmip_compare::placeholder::{classify, Kind};
use kmip_compare::{CompareOptions, Comparison, Session};
use kmip_ttlv::{Item, ItemType, Value};

/// The time the tests pretend it is.
pub const NOW: i64 = 1_700_000_000;

/// Parse one KMIP XML element.
pub fn x(s: &str) -> Item {
    kmip_ttlv::xml::parse_item(s).expect("test XML parses")
}

fn version(v: (u8, u8)) -> String {
    format!(
        "<ProtocolVersion><ProtocolVersionMajor type=\"Integer\" value=\"{}\"/><ProtocolVersionMinor type=\"Integer\" value=\"{}\"/></ProtocolVersion>",
        v.0, v.1
    )
}

/// A request message with the given batch items (XML of `<BatchItem>`s).
pub fn request(v: (u8, u8), batch_items: &str) -> Item {
    let n = batch_items.matches("<BatchItem>").count();
    x(&format!(
        "<RequestMessage><RequestHeader>{}<BatchCount type=\"Integer\" value=\"{n}\"/></RequestHeader>{batch_items}</RequestMessage>",
        version(v)
    ))
}

/// A response message; `header_extra` goes after the TimeStamp.
pub fn response(v: (u8, u8), timestamp: &str, header_extra: &str, batch_items: &str) -> Item {
    let n = batch_items.matches("<BatchItem>").count();
    x(&format!(
        "<ResponseMessage><ResponseHeader>{}<TimeStamp type=\"DateTime\" value=\"{timestamp}\"/>{header_extra}<BatchCount type=\"Integer\" value=\"{n}\"/></ResponseHeader>{batch_items}</ResponseMessage>",
        version(v)
    ))
}

/// A request batch item.
pub fn req_item(op: &str, payload: &str) -> String {
    format!("<BatchItem><Operation type=\"Enumeration\" value=\"{op}\"/><RequestPayload>{payload}</RequestPayload></BatchItem>")
}

/// A successful response batch item.
pub fn ok_item(op: &str, payload: &str) -> String {
    format!(
        "<BatchItem><Operation type=\"Enumeration\" value=\"{op}\"/><ResultStatus type=\"Enumeration\" value=\"Success\"/><ResponsePayload>{payload}</ResponsePayload></BatchItem>"
    )
}

/// `<UniqueIdentifier type="TextString" value="…"/>`.
pub fn uid(v: &str) -> String {
    format!("<UniqueIdentifier type=\"TextString\" value=\"{v}\"/>")
}

/// One exchange of a test: bind the request template, compare the
/// expected response with the actual one (sent at NOW, received at NOW+1).
pub struct Exchange {
    pub session: Session,
    pub v: (u8, u8),
}

impl Exchange {
    pub fn new(v: (u8, u8)) -> Exchange {
        Exchange {
            session: Session::new(CompareOptions::default()),
            v,
        }
    }

    pub fn strict(v: (u8, u8)) -> Exchange {
        Exchange {
            session: Session::new(CompareOptions {
                strict: true,
                ..CompareOptions::default()
            }),
            v,
        }
    }

    /// Bind `req` (batch items XML), compare `expected` with `actual`
    /// (batch items XML, both with a `$NOW` / NOW time stamp).
    pub fn step(&mut self, req: &str, expected: &str, actual: &str) -> Comparison {
        let tpl = request(self.v, req);
        let sent = self.session.bind_request(&tpl, NOW).expect("request binds");
        let e = response(self.v, "$NOW", "", expected);
        let a = response(self.v, "2023-11-14T22:13:20+00:00", "", actual);
        self.session.check_response(&e, &a, &sent, NOW, NOW + 1)
    }

    /// Create an AES key; the server answers with UID `uid`.
    pub fn create(&mut self, uid_value: &str) {
        let c = self.step(
            &req_item(
                "Create",
                "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/><Attributes><CryptographicAlgorithm type=\"Enumeration\" value=\"AES\"/><CryptographicLength type=\"Integer\" value=\"128\"/><CryptographicUsageMask type=\"Integer\" value=\"Encrypt Decrypt\"/></Attributes>",
            ),
            &ok_item("Create", &format!("<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>{}", uid("$UNIQUE_IDENTIFIER_0"))),
            &ok_item("Create", &format!("<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>{}", uid(uid_value))),
        );
        assert!(c.is_match(), "{:?}", c.differences);
    }

    /// Register an AES key (extra attributes XML inside `Attributes`),
    /// binding `$UNIQUE_IDENTIFIER_0`.
    pub fn register(&mut self, uid_value: &str, attributes: &str) {
        self.register_as("$UNIQUE_IDENTIFIER_0", uid_value, attributes);
    }

    /// Register an AES key, binding `placeholder`.
    pub fn register_as(&mut self, placeholder: &str, uid_value: &str, attributes: &str) {
        let c = self.step(
            &req_item(
                "Register",
                &format!("<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/><Attributes><CryptographicUsageMask type=\"Integer\" value=\"Encrypt Decrypt\"/>{attributes}</Attributes><SymmetricKey><KeyBlock><KeyFormatType type=\"Enumeration\" value=\"Raw\"/><KeyValue><KeyMaterial type=\"ByteString\" value=\"0123456789abcdef0123456789abcdef\"/></KeyValue><CryptographicAlgorithm type=\"Enumeration\" value=\"AES\"/><CryptographicLength type=\"Integer\" value=\"128\"/></KeyBlock></SymmetricKey>"),
            ),
            &ok_item("Register", &uid(placeholder)),
            &ok_item("Register", &uid(uid_value)),
        );
        assert!(c.is_match(), "{:?}", c.differences);
    }
}

/// Rule ids of the masked positions.
pub fn masked_rules(c: &Comparison) -> Vec<&'static str> {
    c.masked.iter().map(|m| m.rule).collect()
}

/// Paths of the differences.
pub fn diff_paths(c: &Comparison) -> Vec<String> {
    c.differences.iter().map(|d| d.path.clone()).collect()
}

#[path = "../../../../test-support/corpus.rs"]
mod corpus_support;

/// The OASIS corpus: `$KMIP_CORPUS`, else `../shared/oasis` beside the
/// repository; `None` when absent (tests then skip with a message), a
/// panic when absent and `KMIP_REQUIRE_CORPUS` is set (the workspace's one
/// helper, `test-support/corpus.rs`).
pub fn corpus_dir() -> Option<PathBuf> {
    corpus_support::corpus_dir(env!("CARGO_MANIFEST_DIR"), "kmip-compare corpus test")
}

/// A value of the declared type for an unbound placeholder, as a server
/// would fill it; bound placeholders take their binding.
pub fn stand_in(expected: &Item, session: &Session) -> Item {
    let mut a = expected.clone();
    a.substitute_placeholders(&mut |p| {
        if let Some(v) = session.binding(&p.name) {
            return convert(v, p.item_type);
        }
        let text = |s: String| match p.item_type {
            ItemType::TextString => Some(Value::TextString(s)),
            ItemType::Identifier => Some(Value::Identifier(s)),
            ItemType::Reference => Some(Value::Reference(s)),
            ItemType::NameReference => Some(Value::NameReference(s)),
            ItemType::ByteString => Some(Value::ByteString(s.into_bytes())),
            _ => None,
        };
        // A digest as long as SHA-256's (the Hashing Algorithm of every
        // `$DIGEST_VALUE` in the corpus).
        if p.name.starts_with("DIGEST_VALUE") && p.item_type == ItemType::ByteString {
            return Some(Value::ByteString(vec![0xd1; 32]));
        }
        match classify(&p.name)? {
            Kind::Now(n) => match p.item_type {
                ItemType::DateTime => Some(Value::DateTime(NOW + n)),
                ItemType::DateTimeExtended => Some(Value::DateTimeExtended((NOW + n) * 1_000_000)),
                _ => None,
            },
            Kind::UniqueIdentifier
            | Kind::ShortUniqueIdentifier
            | Kind::Captured
            | Kind::AnyValue => text(format!("stand-in-{}", p.name)),
        }
    });
    a
}

pub fn convert(v: &Value, t: ItemType) -> Option<Value> {
    if v.item_type() == t {
        return Some(v.clone());
    }
    let s = v.as_text()?.to_string();
    match t {
        ItemType::TextString => Some(Value::TextString(s)),
        ItemType::Identifier => Some(Value::Identifier(s)),
        ItemType::Reference => Some(Value::Reference(s)),
        ItemType::NameReference => Some(Value::NameReference(s)),
        _ => None,
    }
}
