//! Codec throughput (criterion): binary TTLV decode and encode of a ~300-byte
//! symmetric-key Get response and of a Register request carrying a 1 MiB
//! secret, plus KMIP XML parse and render of the Get response. Reported in
//! bytes per second of the encoded form.
//!
//! Run: `cargo bench -p kmip-ttlv --bench codec`
//! (quick look: `-- --measurement-time 2 --warm-up-time 1`).

// criterion_group! generates public functions without doc comments.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::{json, xml, Item, Tag, Value};
use std::hint::black_box;

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

/// A Get response for a 256-bit AES key.
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
                            leaf(
                                "UniqueIdentifier",
                                Value::TextString("3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f".into()),
                            ),
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

/// A Register request for Secret Data holding 1 MiB.
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

fn ttlv_benches(c: &mut Criterion) {
    let limits = Limits::default();
    let mut g = c.benchmark_group("ttlv");
    for (name, item) in [
        ("get_response", get_response()),
        ("register_1mib", register_1mib()),
    ] {
        let bytes = ttlv::encode(&item).expect("encode");
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(format!("decode/{name}"), |b| {
            b.iter(|| ttlv::decode(black_box(&bytes), &limits).expect("decode"))
        });
        g.bench_function(format!("encode/{name}"), |b| {
            b.iter(|| ttlv::encode(black_box(&item)).expect("encode"))
        });
    }
    g.finish();
}

fn text_benches(c: &mut Criterion) {
    let item = get_response();
    let text = xml::to_xml(&item);
    let mut g = c.benchmark_group("xml");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse/get_response", |b| {
        b.iter(|| xml::parse_item(black_box(&text)).expect("parse"))
    });
    g.bench_function("render/get_response", |b| {
        b.iter(|| xml::to_xml(black_box(&item)))
    });
    g.finish();
    let text = json::to_json_string(&item);
    let mut g = c.benchmark_group("json");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse/get_response", |b| {
        b.iter(|| json::from_json_str(black_box(&text)).expect("parse"))
    });
    g.bench_function("render/get_response", |b| {
        b.iter(|| json::to_json_string(black_box(&item)))
    });
    g.finish();
}

criterion_group!(benches, ttlv_benches, text_benches);
criterion_main!(benches);
