//! Binary TTLV decode throughput against a peer implementation (criterion,
//! `Throughput::Bytes` of the encoded message), for the side-by-side table in
//! `reports/bench.md`.
//!
//! Messages: (a) a 312-byte Get response for a 256-bit AES key, (b) a
//! Register request for Secret Data carrying 1 MiB. For each:
//!
//! - `header_walk`: the ceiling: loop over the item headers, entering
//!   structures and skipping values, checking only that the lengths land
//!   exactly on the end of the input. Builds and validates nothing else.
//! - `ours/view_parse`: `view::parse`, fully validating, zero-copy index.
//! - `ours/view_extract`: `view::parse` then navigate to the fields the peer
//!   deserializes (operation, status, object type, identifier, key format,
//!   key material, algorithm, length), borrowing them from the input.
//! - `ours/decode`: `ttlv::decode`, the owned `Item` tree.
//! - `ours/encode`: `ttlv::encode` of the same tree.
//! - `nlnet/serde_structs`: NLnetLabs `kmip-ttlv` 0.3.5 (crates.io; renamed
//!   `nlnet-kmip-ttlv` in Cargo.toml because it shares our crate's name).
//!   That crate has no generic tree: it deserializes with serde into
//!   caller-defined structs, so the structs below mirror each message field
//!   by field (enumerations as Rust enums, text as `String`, key material as
//!   `Vec<u8>`), the way its own KMIP fixtures and `kmip-protocol` do. It
//!   checks less than we do (no padding check, no trailing-bytes check, no
//!   depth limit, allocates a byte string's declared length before reading
//!   it).
//!
//! Run (from the repository root):
//! `cargo bench --manifest-path benches/peer-bench/Cargo.toml`
//! (quick look: `-- --measurement-time 2 --warm-up-time 1`).

// criterion_group! generates public functions without doc comments.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::view::{self, NodeRef};
use kmip_ttlv::{Item, Tag, Value};
use std::hint::black_box;
use std::time::Duration;

fn t(name: &str) -> Tag {
    Tag::by_name(name).unwrap_or_else(|| panic!("dictionary has no tag {name}"))
}

fn leaf(name: &str, v: Value) -> Item {
    Item::new(t(name), v)
}

fn node(name: &str, children: Vec<Item>) -> Item {
    Item::structure(t(name), children)
}

fn protocol_version() -> Item {
    node(
        "ProtocolVersion",
        vec![
            leaf("ProtocolVersionMajor", Value::Integer(2)),
            leaf("ProtocolVersionMinor", Value::Integer(1)),
        ],
    )
}

const UID: &str = "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f";

/// Get response for a 256-bit AES key: exactly 312 bytes of TTLV.
fn get_response() -> Item {
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
fn register_1mib() -> Item {
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

/// The ceiling: walk every header, enter structures, skip values; check
/// only that the walk ends exactly at the end of the input.
fn header_walk(b: &[u8]) -> Option<usize> {
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

/// What the peer's structs hold, borrowed from the input instead of owned.
#[allow(dead_code)] // read through black_box only
struct KeyFields<'a> {
    operation: u32,
    status: Option<u32>,
    object_type: u32,
    unique_identifier: Option<&'a str>,
    key_format_type: u32,
    key_material: &'a [u8],
    algorithm: Option<u32>,
    length: Option<i32>,
}

struct Tags {
    batch_item: Tag,
    operation: Tag,
    result_status: Tag,
    payload: Tag,
    object_type: Tag,
    unique_identifier: Tag,
    key_block: Tag,
    key_format_type: Tag,
    key_value: Tag,
    key_material: Tag,
    algorithm: Tag,
    length: Tag,
    objects: [Tag; 2],
}

impl Tags {
    fn new(payload: &str) -> Tags {
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

fn view_extract<'a>(bytes: &'a [u8], limits: &Limits, tg: &Tags) -> Option<KeyFields<'a>> {
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
mod nlnet {
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
        #[serde(rename = "0x00000003")]
        Register,
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
}

/// Check once, before timing, that every contender really decodes the
/// message (and the peer's structs hold the right values).
fn sanity(name: &str, bytes: &[u8], item: &Item, limits: &Limits, tg: &Tags) {
    assert!(header_walk(bytes).is_some(), "{name}: header walk");
    assert_eq!(&ttlv::decode(bytes, limits).expect("decode"), item);
    assert_eq!(&view::parse(bytes, limits).expect("view").to_item(), item);
    let f = view_extract(bytes, limits, tg).expect("view extract");
    match name {
        "get_response" => {
            // pykmip_decode.py times PyKMIP on the bytes in this file.
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(
                hex,
                include_str!("../get_response.hex").trim(),
                "get_response.hex is out of date"
            );
            let m: nlnet::ResponseMessage =
                nlnet_kmip_ttlv::from_slice(bytes).expect("nlnet decode");
            let bi = &m.batch_items[0];
            assert_eq!(bi.operation, nlnet::Operation::Get);
            assert_eq!(bi.result_status, nlnet::ResultStatus::Success);
            assert_eq!(bi.payload.object_type, nlnet::ObjectType::SymmetricKey);
            assert_eq!(bi.payload.unique_identifier, UID);
            let kb = &bi.payload.symmetric_key.key_block;
            assert_eq!(kb.key_format_type, nlnet::KeyFormatType::Raw);
            assert_eq!(kb.key_value.key_material.0, f.key_material);
            assert_eq!(
                kb.cryptographic_algorithm,
                Some(nlnet::CryptographicAlgorithm::Aes)
            );
            assert_eq!(kb.cryptographic_length, Some(256));
            assert_eq!(m.header.batch_count, 1);
            assert_eq!(m.header.protocol_version.major, 2);
            assert_eq!(m.header.protocol_version.minor, 1);
            assert_eq!(m.header.time_stamp, 1_700_000_000);
            assert_eq!(f.unique_identifier, Some(UID));
        }
        _ => {
            let m: nlnet::RequestMessage =
                nlnet_kmip_ttlv::from_slice(bytes).expect("nlnet decode");
            let bi = &m.batch_items[0];
            assert_eq!(bi.operation, nlnet::Operation::Register);
            assert_eq!(bi.payload.object_type, nlnet::ObjectType::SecretData);
            let sd = &bi.payload.secret_data;
            assert_eq!(sd.secret_data_type, nlnet::SecretDataType::Password);
            assert_eq!(sd.key_block.key_format_type, nlnet::KeyFormatType::Opaque);
            assert_eq!(sd.key_block.key_value.key_material.0, f.key_material);
            assert_eq!(f.key_material.len(), 1 << 20);
            assert_eq!(m.header.batch_count, 1);
            assert_eq!(m.header.protocol_version.major, 2);
        }
    }
}

fn peers(c: &mut Criterion) {
    let limits = Limits::default();
    let cases = [
        ("get_response", get_response(), Tags::new("ResponsePayload")),
        (
            "register_1mib",
            register_1mib(),
            Tags::new("RequestPayload"),
        ),
    ];
    for (name, item, tg) in &cases {
        let bytes = ttlv::encode(item).expect("encode");
        eprintln!(
            "peers/{name}: {} bytes, {} items",
            bytes.len(),
            header_walk(&bytes).unwrap_or(0)
        );
        sanity(name, &bytes, item, &limits, tg);
        let mut g = c.benchmark_group(format!("peers/{name}"));
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function("header_walk", |b| {
            b.iter(|| header_walk(black_box(&bytes)).expect("walk"))
        });
        g.bench_function("ours/view_parse", |b| {
            b.iter(|| view::parse(black_box(&bytes), &limits).expect("view"))
        });
        g.bench_function("ours/view_extract", |b| {
            b.iter(|| view_extract(black_box(&bytes), &limits, tg).expect("extract"))
        });
        g.bench_function("ours/decode", |b| {
            b.iter(|| ttlv::decode(black_box(&bytes), &limits).expect("decode"))
        });
        g.bench_function("ours/encode", |b| {
            b.iter(|| ttlv::encode(black_box(item)).expect("encode"))
        });
        if *name == "get_response" {
            g.bench_function("nlnet/serde_structs", |b| {
                b.iter(|| {
                    nlnet_kmip_ttlv::from_slice::<nlnet::ResponseMessage>(black_box(&bytes))
                        .expect("nlnet")
                })
            });
        } else {
            g.bench_function("nlnet/serde_structs", |b| {
                b.iter(|| {
                    nlnet_kmip_ttlv::from_slice::<nlnet::RequestMessage>(black_box(&bytes))
                        .expect("nlnet")
                })
            });
        }
        g.finish();
    }
}

fn config() -> Criterion {
    // The machine is shared: short, repeated runs compare better than one
    // long one. Override on the command line as usual.
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = peers
}
criterion_main!(benches);
