//! Shared pieces of the codec benchmarks (criterion `benches/peers.rs` and
//! the callgrind instruction counter `src/bin/instr.rs`): the messages, the
//! reference decoders every figure is compared with, and the NLnetLabs
//! `kmip-ttlv` serde structs.
//!
//! - Messages: [`get_response`] (312 bytes), [`register_1mib`],
//!   [`create_request`] (KMIP 2.1 Create of an AES-256 key),
//!   [`locate_response`] (a Locate response with N identifiers).
//! - [`header_walk`]: the ceiling, a strict header-only walk
//!   ([`header_walk_lax`]: the looser walk measured before).
//! - [`naive`]: the floor for an owned tree, a plain recursive decoder and
//!   encoder of the same [`Item`] tree written the obvious way.
//! - [`view_traverse`]: the zero-copy view with full traversal (every item
//!   visited, every leaf value read).
//! - [`nlnet`]: serde structs mirroring each message for NLnetLabs
//!   `kmip-ttlv` 0.3.5.

#![allow(missing_docs)]

use kmip_ttlv::ttlv::Limits;
use kmip_ttlv::view::{self, NodeRef, ValueRef};
use kmip_ttlv::{Item, Tag, Value};

pub mod naive;
pub fn t(name: &str) -> Tag {
    Tag::by_name(name).unwrap_or_else(|| panic!("dictionary has no tag {name}"))
}

pub fn leaf(name: &str, v: Value) -> Item {
    Item::new(t(name), v)
}

pub fn node(name: &str, children: Vec<Item>) -> Item {
    Item::structure(t(name), children)
}

pub fn protocol_version() -> Item {
    node(
        "ProtocolVersion",
        vec![
            leaf("ProtocolVersionMajor", Value::Integer(2)),
            leaf("ProtocolVersionMinor", Value::Integer(1)),
        ],
    )
}

pub const UID: &str = "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f";

/// Get response for a 256-bit AES key: exactly 312 bytes of TTLV.
pub fn get_response() -> Item {
    node(
        "ResponseMessage",
        vec![
            node(
                "ResponseHeader",
                vec![
                    protocol_version(),
                    leaf("TimeStamp", Value::DateTime(1_700_000_000)),
                    leaf("BatchCount", Value::Integer(1)),
                ],
            ),
            node(
                "BatchItem",
                vec![
                    leaf("Operation", Value::Enumeration(0x0A)),
                    leaf("ResultStatus", Value::Enumeration(0)),
                    node(
                        "ResponsePayload",
                        vec![
                            leaf("ObjectType", Value::Enumeration(2)),
                            leaf("UniqueIdentifier", Value::TextString(UID.into())),
                            node(
                                "SymmetricKey",
                                vec![node(
                                    "KeyBlock",
                                    vec![
                                        leaf("KeyFormatType", Value::Enumeration(1)),
                                        node(
                                            "KeyValue",
                                            vec![leaf(
                                                "KeyMaterial",
                                                Value::ByteString((0u8..32).collect()),
                                            )],
                                        ),
                                        leaf("CryptographicAlgorithm", Value::Enumeration(3)),
                                        leaf("CryptographicLength", Value::Integer(256)),
                                    ],
                                )],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    )
}

/// Register request for Secret Data holding 1 MiB.
pub fn register_1mib() -> Item {
    node(
        "RequestMessage",
        vec![
            node(
                "RequestHeader",
                vec![protocol_version(), leaf("BatchCount", Value::Integer(1))],
            ),
            node(
                "BatchItem",
                vec![
                    leaf("Operation", Value::Enumeration(0x03)),
                    node(
                        "RequestPayload",
                        vec![
                            leaf("ObjectType", Value::Enumeration(7)),
                            node(
                                "SecretData",
                                vec![
                                    leaf("SecretDataType", Value::Enumeration(1)),
                                    node(
                                        "KeyBlock",
                                        vec![
                                            leaf("KeyFormatType", Value::Enumeration(2)),
                                            node(
                                                "KeyValue",
                                                vec![leaf(
                                                    "KeyMaterial",
                                                    Value::ByteString(
                                                        (0..1 << 20).map(|i| i as u8).collect(),
                                                    ),
                                                )],
                                            ),
                                        ],
                                    ),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    )
}

/// The lax header walk (the ceiling as first measured): walk every header,
/// enter structures, skip values; check only that each header is inside the
/// input and that the walk ends exactly at its end. Structure lengths are
/// never compared with their children, so it validates almost nothing.
pub fn header_walk_lax(b: &[u8]) -> Option<usize> {
    let mut pos = 0usize;
    let mut items = 0usize;
    while pos < b.len() {
        let h = b.get(pos..pos + 8)?;
        items += 1;
        if h[3] == 1 {
            pos += 8;
        } else {
            let len = u32::from_be_bytes([h[4], h[5], h[6], h[7]]) as usize;
            pos += 8 + len.div_ceil(8) * 8;
        }
    }
    (pos == b.len()).then_some(items)
}

/// Deepest nesting the strict walk accepts (the decoders' default limit).
const WALK_MAX_DEPTH: usize = 64;

/// The ceiling: a strict header-only walk. Checks every header and nothing
/// inside a value: each header and each value extent inside its enclosing
/// structure, a known type code, the fixed length of fixed-size types,
/// children ending exactly at their structure's end, nesting at most 64
/// deep, and one top-level item filling the input. Builds nothing, reads no
/// value (no padding, Boolean or UTF-8 check). Returns the item count.
pub fn header_walk(b: &[u8]) -> Option<usize> {
    let mut ends = [0usize; WALK_MAX_DEPTH];
    let mut depth = 0usize;
    let mut limit = b.len();
    let mut pos = 0usize;
    let mut items = 0usize;
    loop {
        let vstart = pos + 8;
        if vstart > limit {
            return None;
        }
        let h = b.get(pos..vstart)?;
        let len = u32::from_be_bytes([h[4], h[5], h[6], h[7]]) as usize;
        items += 1;
        match h[3] {
            0x01 => {
                let end = vstart + len;
                if end > limit || depth == WALK_MAX_DEPTH {
                    return None;
                }
                ends[depth] = limit;
                depth += 1;
                limit = end;
                pos = vstart;
            }
            0x02 | 0x05 | 0x0A if len == 4 => pos = vstart + 8,
            0x03 | 0x06 | 0x09 | 0x0B if len == 8 => pos = vstart + 8,
            0x04 | 0x07 | 0x08 | 0x0C..=0x0E => pos = vstart + len.div_ceil(8) * 8,
            _ => return None,
        }
        if pos > limit {
            return None;
        }
        while pos == limit && depth > 0 {
            depth -= 1;
            limit = ends[depth];
        }
        if depth == 0 {
            return (pos == b.len()).then_some(items);
        }
    }
}

/// What the peer's structs hold, borrowed from the input instead of owned.
#[allow(dead_code)] // read through black_box only
pub struct KeyFields<'a> {
    pub operation: u32,
    pub status: Option<u32>,
    pub object_type: u32,
    pub unique_identifier: Option<&'a str>,
    pub key_format_type: u32,
    pub key_material: &'a [u8],
    pub algorithm: Option<u32>,
    pub length: Option<i32>,
}

pub struct Tags {
    pub batch_item: Tag,
    pub operation: Tag,
    pub result_status: Tag,
    pub payload: Tag,
    pub object_type: Tag,
    pub unique_identifier: Tag,
    pub key_block: Tag,
    pub key_format_type: Tag,
    pub key_value: Tag,
    pub key_material: Tag,
    pub algorithm: Tag,
    pub length: Tag,
    pub objects: [Tag; 2],
}

impl Tags {
    pub fn new(payload: &str) -> Tags {
        Tags {
            batch_item: t("BatchItem"),
            operation: t("Operation"),
            result_status: t("ResultStatus"),
            payload: t(payload),
            object_type: t("ObjectType"),
            unique_identifier: t("UniqueIdentifier"),
            key_block: t("KeyBlock"),
            key_format_type: t("KeyFormatType"),
            key_value: t("KeyValue"),
            key_material: t("KeyMaterial"),
            algorithm: t("CryptographicAlgorithm"),
            length: t("CryptographicLength"),
            objects: [t("SymmetricKey"), t("SecretData")],
        }
    }
}

pub fn view_extract<'a>(bytes: &'a [u8], limits: &Limits, tg: &Tags) -> Option<KeyFields<'a>> {
    let v = view::parse(bytes, limits).ok()?;
    let bi = v.root().child(tg.batch_item)?;
    let payload = bi.child(tg.payload)?;
    let object: NodeRef = payload.children().find(|c| tg.objects.contains(&c.tag()))?;
    let kb = object.child(tg.key_block)?;
    let u32_of = |n: NodeRef, tag| n.child(tag).and_then(|c| c.as_u32().ok());
    Some(KeyFields {
        operation: u32_of(bi, tg.operation)?,
        status: u32_of(bi, tg.result_status),
        object_type: u32_of(payload, tg.object_type)?,
        unique_identifier: payload
            .child(tg.unique_identifier)
            .and_then(|c| c.as_str().ok()),
        key_format_type: u32_of(kb, tg.key_format_type)?,
        key_material: kb.child(tg.key_value)?.child(tg.key_material)?.as_bytes(),
        algorithm: u32_of(kb, tg.algorithm),
        length: kb.child(tg.length).and_then(|c| c.as_i32().ok()),
    })
}

/// Serde structs for NLnetLabs `kmip-ttlv`, field for field.
pub mod nlnet {
    use serde::de::{Deserializer, Visitor};
    use serde::Deserialize;

    /// A Byte String (the crate reads it with `deserialize_byte_buf`).
    pub struct Bytes(pub Vec<u8>);

    impl<'de> Deserialize<'de> for Bytes {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = Bytes;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a TTLV Byte String")
                }
                fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Bytes, E> {
                    Ok(Bytes(v))
                }
                fn visit_bytes<E>(self, v: &[u8]) -> Result<Bytes, E> {
                    Ok(Bytes(v.to_vec()))
                }
            }
            d.deserialize_byte_buf(V)
        }
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x420069")]
    pub struct ProtocolVersion {
        #[serde(rename = "0x42006A")]
        pub major: i32,
        #[serde(rename = "0x42006B")]
        pub minor: i32,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename = "0x42005C")]
    pub enum Operation {
        #[serde(rename = "0x00000001")]
        Create,
        #[serde(rename = "0x00000003")]
        Register,
        #[serde(rename = "0x00000008")]
        Locate,
        #[serde(rename = "0x0000000A")]
        Get,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename = "0x42007F")]
    pub enum ResultStatus {
        #[serde(rename = "0x00000000")]
        Success,
        #[serde(rename = "0x00000001")]
        OperationFailed,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename = "0x420057")]
    pub enum ObjectType {
        #[serde(rename = "0x00000002")]
        SymmetricKey,
        #[serde(rename = "0x00000007")]
        SecretData,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename = "0x420042")]
    pub enum KeyFormatType {
        #[serde(rename = "0x00000001")]
        Raw,
        #[serde(rename = "0x00000002")]
        Opaque,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename = "0x420028")]
    pub enum CryptographicAlgorithm {
        #[serde(rename = "0x00000003")]
        Aes,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename = "0x420086")]
    pub enum SecretDataType {
        #[serde(rename = "0x00000001")]
        Password,
        #[serde(rename = "0x00000002")]
        Seed,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x420045")]
    pub struct KeyValue {
        #[serde(rename = "0x420043")]
        pub key_material: Bytes,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x420040")]
    pub struct KeyBlock {
        #[serde(rename = "0x420042")]
        pub key_format_type: KeyFormatType,
        #[serde(rename = "0x420045")]
        pub key_value: KeyValue,
        #[serde(rename = "0x420028")]
        pub cryptographic_algorithm: Option<CryptographicAlgorithm>,
        #[serde(rename = "0x42002A")]
        pub cryptographic_length: Option<i32>,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x42008F")]
    pub struct SymmetricKey {
        #[serde(rename = "0x420040")]
        pub key_block: KeyBlock,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x420085")]
    pub struct SecretData {
        #[serde(rename = "0x420086")]
        pub secret_data_type: SecretDataType,
        #[serde(rename = "0x420040")]
        pub key_block: KeyBlock,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x42007A")]
    pub struct ResponseHeader {
        #[serde(rename = "0x420069")]
        pub protocol_version: ProtocolVersion,
        #[serde(rename = "0x420092")]
        pub time_stamp: i64,
        #[serde(rename = "0x42000D")]
        pub batch_count: i32,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x42007C")]
    pub struct GetResponsePayload {
        #[serde(rename = "0x420057")]
        pub object_type: ObjectType,
        #[serde(rename = "0x420094")]
        pub unique_identifier: String,
        #[serde(rename = "0x42008F")]
        pub symmetric_key: SymmetricKey,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x42000F")]
    pub struct ResponseBatchItem {
        #[serde(rename = "0x42005C")]
        pub operation: Operation,
        #[serde(rename = "0x42007F")]
        pub result_status: ResultStatus,
        #[serde(rename = "0x42007C")]
        pub payload: GetResponsePayload,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x42007B")]
    pub struct ResponseMessage {
        #[serde(rename = "0x42007A")]
        pub header: ResponseHeader,
        #[serde(rename = "0x42000F")]
        pub batch_items: Vec<ResponseBatchItem>,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x420077")]
    pub struct RequestHeader {
        #[serde(rename = "0x420069")]
        pub protocol_version: ProtocolVersion,
        #[serde(rename = "0x42000D")]
        pub batch_count: i32,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x420079")]
    pub struct RegisterRequestPayload {
        #[serde(rename = "0x420057")]
        pub object_type: ObjectType,
        #[serde(rename = "0x420085")]
        pub secret_data: SecretData,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x42000F")]
    pub struct RequestBatchItem {
        #[serde(rename = "0x42005C")]
        pub operation: Operation,
        #[serde(rename = "0x420079")]
        pub payload: RegisterRequestPayload,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x420078")]
    pub struct RequestMessage {
        #[serde(rename = "0x420077")]
        pub header: RequestHeader,
        #[serde(rename = "0x42000F")]
        pub batch_items: Vec<RequestBatchItem>,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x420125")]
    pub struct Attributes {
        #[serde(rename = "0x420028")]
        pub cryptographic_algorithm: CryptographicAlgorithm,
        #[serde(rename = "0x42002A")]
        pub cryptographic_length: i32,
        #[serde(rename = "0x42002C")]
        pub cryptographic_usage_mask: i32,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x420079")]
    pub struct CreateRequestPayload {
        #[serde(rename = "0x420057")]
        pub object_type: ObjectType,
        #[serde(rename = "0x420125")]
        pub attributes: Attributes,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x42000F")]
    pub struct CreateBatchItem {
        #[serde(rename = "0x42005C")]
        pub operation: Operation,
        #[serde(rename = "0x420079")]
        pub payload: CreateRequestPayload,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x420078")]
    pub struct CreateRequestMessage {
        #[serde(rename = "0x420077")]
        pub header: RequestHeader,
        #[serde(rename = "0x42000F")]
        pub batch_items: Vec<CreateBatchItem>,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x42007C")]
    pub struct LocateResponsePayload {
        #[serde(rename = "0x4200D5")]
        pub located_items: i32,
        #[serde(rename = "0x420094")]
        pub unique_identifiers: Vec<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x42000F")]
    pub struct LocateBatchItem {
        #[serde(rename = "0x42005C")]
        pub operation: Operation,
        #[serde(rename = "0x42007F")]
        pub result_status: ResultStatus,
        #[serde(rename = "0x42007C")]
        pub payload: LocateResponsePayload,
    }

    #[derive(Deserialize)]
    #[serde(rename = "0x42007B")]
    pub struct LocateResponseMessage {
        #[serde(rename = "0x42007A")]
        pub header: ResponseHeader,
        #[serde(rename = "0x42000F")]
        pub batch_items: Vec<LocateBatchItem>,
    }
}

/// KMIP 2.1 Create request for a 256-bit AES key (Attributes structure).
pub fn create_request() -> Item {
    node(
        "RequestMessage",
        vec![
            node(
                "RequestHeader",
                vec![protocol_version(), leaf("BatchCount", Value::Integer(1))],
            ),
            node(
                "BatchItem",
                vec![
                    leaf("Operation", Value::Enumeration(0x01)),
                    node(
                        "RequestPayload",
                        vec![
                            leaf("ObjectType", Value::Enumeration(2)),
                            node(
                                "Attributes",
                                vec![
                                    leaf("CryptographicAlgorithm", Value::Enumeration(3)),
                                    leaf("CryptographicLength", Value::Integer(256)),
                                    leaf("CryptographicUsageMask", Value::Integer(0x0C)),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    )
}

/// Identifiers in [`locate_response`] as measured.
pub const LOCATE_IDS: usize = 64;

/// Locate response listing `n` UUID-shaped identifiers.
pub fn locate_response(n: usize) -> Item {
    let mut payload = vec![leaf(
        "LocatedItems",
        Value::Integer(i32::try_from(n).unwrap_or(i32::MAX)),
    )];
    payload.extend((0..n).map(|i| {
        leaf(
            "UniqueIdentifier",
            Value::TextString(format!("3f2b8c1e-4d5a-4b6c-9e7f-{i:012x}")),
        )
    }));
    node(
        "ResponseMessage",
        vec![
            node(
                "ResponseHeader",
                vec![
                    protocol_version(),
                    leaf("TimeStamp", Value::DateTime(1_700_000_000)),
                    leaf("BatchCount", Value::Integer(1)),
                ],
            ),
            node(
                "BatchItem",
                vec![
                    leaf("Operation", Value::Enumeration(0x08)),
                    leaf("ResultStatus", Value::Enumeration(0)),
                    node("ResponsePayload", payload),
                ],
            ),
        ],
    )
}

/// The view with full traversal: parse (validating), then visit every item
/// in wire order and read every leaf as its typed value (numbers decoded,
/// text as `&str`, bytes as a borrowed slice). Returns a checksum so nothing
/// can be optimised away.
pub fn view_traverse(bytes: &[u8], limits: &Limits) -> Option<u64> {
    let v = view::parse(bytes, limits).ok()?;
    let mut acc = 0u64;
    for n in v.iter() {
        let x = match n.value() {
            ValueRef::Structure => 0,
            ValueRef::Integer(i) => i as u64,
            ValueRef::Enumeration(u) | ValueRef::Interval(u) => u64::from(u),
            ValueRef::LongInteger(i) | ValueRef::DateTime(i) | ValueRef::DateTimeExtended(i) => {
                i as u64
            }
            ValueRef::Boolean(b) => u64::from(b),
            ValueRef::TextString(s)
            | ValueRef::Identifier(s)
            | ValueRef::Reference(s)
            | ValueRef::NameReference(s) => s.len() as u64,
            ValueRef::ByteString(b) | ValueRef::BigInteger(b) => b.len() as u64,
        };
        acc = acc.wrapping_add(u64::from(n.tag().0) ^ x);
    }
    Some(acc)
}
