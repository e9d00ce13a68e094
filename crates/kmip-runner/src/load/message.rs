//! Load requests (KMIP 1.2 Create / Get / Get Attributes / Locate /
//! Encrypt / Destroy, optionally batched) and response parsing: pure
//! functions.

use super::Op;
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::{Item, Tag, Value};

pub(crate) fn tag(name: &'static str) -> Tag {
    // The names below are all in the generated dictionary (unit-tested);
    // an unknown name would give tag 0 and a visible server error.
    Tag::by_name(name).unwrap_or(Tag(0))
}

fn leaf(name: &'static str, v: Value) -> Item {
    Item::new(tag(name), v)
}

fn node(name: &'static str, children: Vec<Item>) -> Item {
    Item::structure(tag(name), children)
}

fn attribute(name: &str, value: Value) -> Item {
    node(
        "Attribute",
        vec![
            leaf("AttributeName", Value::TextString(name.to_string())),
            leaf("AttributeValue", value),
        ],
    )
}

/// The Name attribute value (a structure) used to tag and locate a key.
fn name_value(name: &str) -> Value {
    Value::Structure(vec![
        leaf("NameValue", Value::TextString(name.to_string())),
        // Uninterpreted Text String.
        leaf("NameType", Value::Enumeration(1)),
    ])
}

/// Plaintext of the Encrypt operation (four AES blocks).
const ENCRYPT_DATA: [u8; 64] = [0x5A; 64];
/// IV of the Encrypt operation (a load test, not a secret).
const ENCRYPT_IV: [u8; 16] = [0x01; 16];

/// The request payload of one batch item; `arg` is the Name to give the
/// new key (Create, optional), the Name to look for (Locate) or the Unique
/// Identifier the operation acts on (the others).
fn payload(op: Op, arg: Option<&str>, activate: bool) -> Item {
    let uid = || {
        leaf(
            "UniqueIdentifier",
            Value::TextString(arg.unwrap_or_default().to_string()),
        )
    };
    match op {
        Op::Create => {
            let mut attrs = vec![
                attribute("Cryptographic Algorithm", Value::Enumeration(3)),
                attribute("Cryptographic Length", Value::Integer(256)),
                attribute("Cryptographic Usage Mask", Value::Integer(0x0C)),
            ];
            if let Some(name) = arg {
                attrs.push(attribute("Name", name_value(name)));
            }
            if activate {
                // Active from the epoch on, so Encrypt may use it at once.
                attrs.push(attribute("Activation Date", Value::DateTime(0)));
            }
            node(
                "RequestPayload",
                vec![
                    leaf("ObjectType", Value::Enumeration(2)),
                    node("TemplateAttribute", attrs),
                ],
            )
        }
        Op::Locate => node(
            "RequestPayload",
            vec![attribute("Name", name_value(arg.unwrap_or_default()))],
        ),
        Op::Encrypt => node(
            "RequestPayload",
            vec![
                uid(),
                node(
                    "CryptographicParameters",
                    vec![
                        // CBC, PKCS#5.
                        leaf("BlockCipherMode", Value::Enumeration(1)),
                        leaf("PaddingMethod", Value::Enumeration(3)),
                    ],
                ),
                leaf("Data", Value::ByteString(ENCRYPT_DATA.to_vec())),
                leaf("IVCounterNonce", Value::ByteString(ENCRYPT_IV.to_vec())),
            ],
        ),
        Op::Revoke => node(
            "RequestPayload",
            vec![
                uid(),
                node(
                    "RevocationReason",
                    // Cessation of Operation.
                    vec![leaf("RevocationReasonCode", Value::Enumeration(5))],
                ),
            ],
        ),
        Op::Get | Op::GetAttributes | Op::Destroy => node("RequestPayload", vec![uid()]),
    }
}

/// A KMIP 1.2 request message with one batch item per entry of `args`
/// (see `payload`: the Name of a new key or `None` for Create, the Name to
/// find for Locate, the Unique Identifier for the others), each with a
/// distinct Unique Batch Item ID when there is more than one.
pub fn build_request(op: Op, args: &[Option<&str>]) -> Item {
    build_request_with(op, args, false)
}

/// [`build_request`]; with `activate`, a Create also sets the Activation
/// Date (to the epoch), so the keys are Active and usable for Encrypt.
pub fn build_request_with(op: Op, args: &[Option<&str>], activate: bool) -> Item {
    let uids = args;
    let mut items = vec![node(
        "RequestHeader",
        vec![
            node(
                "ProtocolVersion",
                vec![
                    leaf("ProtocolVersionMajor", Value::Integer(1)),
                    leaf("ProtocolVersionMinor", Value::Integer(2)),
                ],
            ),
            leaf(
                "BatchCount",
                Value::Integer(i32::try_from(uids.len()).unwrap_or(i32::MAX)),
            ),
        ],
    )];
    for (i, uid) in uids.iter().enumerate() {
        let mut bi = vec![leaf("Operation", Value::Enumeration(op.code()))];
        if uids.len() > 1 {
            bi.push(leaf(
                "UniqueBatchItemID",
                Value::ByteString((i as u32).to_be_bytes().to_vec()),
            ));
        }
        bi.push(payload(op, *uid, activate));
        items.push(node("BatchItem", bi));
    }
    node("RequestMessage", items)
}

/// The outcome of one batch item of a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemOutcome {
    /// Result Status Success; the Unique Identifier of the payload if any.
    Success(Option<String>),
    /// Another result status, with reason and message as text.
    Failure(String),
}

/// Why a response could not be used.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    /// Not decodable TTLV.
    #[error("undecodable response: {0}")]
    Decode(String),
    /// Not a Response Message, or missing batch items.
    #[error("malformed response: {0}")]
    Malformed(String),
}

fn describe_failure(bi: &Item) -> String {
    let text = |name: &str| -> String {
        match bi.child_named(name).map(|i| &i.value) {
            Some(Value::Enumeration(e)) => format!("{name}={e:#x}"),
            Some(Value::TextString(s)) => format!("{name}={s:?}"),
            Some(v) => format!("{name}={v:?}"),
            None => String::new(),
        }
    };
    let parts: Vec<String> = ["ResultStatus", "ResultReason", "ResultMessage"]
        .iter()
        .map(|n| text(n))
        .filter(|s| !s.is_empty())
        .collect();
    parts.join(" ")
}

/// Parse a binary response: one [`ItemOutcome`] per batch item, in order.
pub fn parse_response(bytes: &[u8], limits: &Limits) -> Result<Vec<ItemOutcome>, ResponseError> {
    let msg = ttlv::decode(bytes, limits).map_err(|e| ResponseError::Decode(e.to_string()))?;
    if msg.tag != tag("ResponseMessage") {
        return Err(ResponseError::Malformed(format!(
            "outer tag is {}, not ResponseMessage",
            msg.tag.display_name()
        )));
    }
    let mut out = Vec::new();
    for bi in msg.children_with(tag("BatchItem")) {
        let ok = matches!(
            bi.child_named("ResultStatus").map(|i| &i.value),
            Some(Value::Enumeration(0))
        );
        if ok {
            let uid = bi
                .child_named("ResponsePayload")
                .and_then(|p| p.child_named("UniqueIdentifier"))
                .and_then(|u| u.value.as_text())
                .map(str::to_string);
            out.push(ItemOutcome::Success(uid));
        } else {
            out.push(ItemOutcome::Failure(describe_failure(bi)));
        }
    }
    if out.is_empty() {
        return Err(ResponseError::Malformed("no batch item".into()));
    }
    Ok(out)
}
