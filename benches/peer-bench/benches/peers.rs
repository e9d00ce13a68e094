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
//! - `ours/view_full`: `view::parse` then visit every item and read every
//!   leaf as its typed value (full traversal).
//! - `ours/decode`: `ttlv::decode`, the owned `Item` tree.
//! - `ours/encode`: `ttlv::encode` of the same tree.
//! - `naive/decode`, `naive/encode`: the reference floor for an owned tree
//!   (`src/naive.rs`).
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
use kmip_peer_bench::{
    get_response, header_walk, naive, nlnet, register_1mib, view_extract, view_traverse, Tags,
    UID,
};
use kmip_ttlv::view;
use kmip_ttlv::Item;
use std::hint::black_box;
use std::time::Duration;

/// Check once, before timing, that every contender really decodes the
/// message (and the peer's structs hold the right values).
fn sanity(name: &str, bytes: &[u8], item: &Item, limits: &Limits, tg: &Tags) {
    assert!(header_walk(bytes).is_some(), "{name}: header walk");
    assert_eq!(&ttlv::decode(bytes, limits).expect("decode"), item);
    assert_eq!(&view::parse(bytes, limits).expect("view").to_item(), item);
    let f = view_extract(bytes, limits, tg).expect("view extract");
    assert_eq!(naive::decode(bytes).as_ref(), Some(item));
    assert_eq!(naive::encode(item).as_deref(), Some(bytes));
    assert!(view_traverse(bytes, limits).is_some());
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
        g.bench_function("ours/view_full", |b| {
            b.iter(|| view_traverse(black_box(&bytes), &limits).expect("traverse"))
        });
        g.bench_function("naive/decode", |b| {
            b.iter(|| naive::decode(black_box(&bytes)).expect("naive decode"))
        });
        g.bench_function("naive/encode", |b| {
            b.iter(|| naive::encode(black_box(item)).expect("naive encode"))
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
