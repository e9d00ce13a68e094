//! Crypto engine benchmarks: RSA-2048 key pair generation (Create Key Pair),
//! AES-256-GCM encryption of 1 KiB and 1 MiB (MB/s), RSA-2048 PKCS#1 v1.5
//! SHA-256 signing (ops/s). Run with `cargo bench -p kmip-reference-server
//! --bench crypto`.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kmip_reference_server::crypto::asymmetric::{sign, SignInput};
use kmip_reference_server::crypto::engine::encrypt;
use kmip_reference_server::crypto::keys::{generate_key_pair, KeyMaterial, PairSpec};
use kmip_reference_server::crypto::types::{Algorithm, BlockMode, CipherParams, HashAlg, Padding};
use std::hint::black_box;
use std::time::Duration;

fn rsa_generation(c: &mut Criterion) {
    let mut g = c.benchmark_group("create_key_pair");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(1));
    g.bench_function("rsa_2048", |b| {
        b.iter(|| generate_key_pair(black_box(PairSpec::Rsa(2048))).expect("generate"))
    });
    g.finish();
}

fn aes_gcm(c: &mut Criterion) {
    let key = KeyMaterial::symmetric(Algorithm::Aes, &[0x42u8; 32]);
    let p = CipherParams {
        mode: Some(BlockMode::Gcm),
        tag_length: Some(16),
        iv: Some(vec![7u8; 12]),
        aad: Some(vec![1u8; 16]),
        ..Default::default()
    };
    let mut g = c.benchmark_group("aes_256_gcm_encrypt");
    for size in [1024usize, 1024 * 1024] {
        let data = vec![0xA5u8; size];
        g.throughput(Throughput::Bytes(size as u64));
        g.bench_with_input(BenchmarkId::from_parameter(size), &data, |b, data| {
            b.iter(|| encrypt(&key, &p, black_box(data)).expect("encrypt"))
        });
    }
    g.finish();
}

fn rsa_sign(c: &mut Criterion) {
    let (private, _) = generate_key_pair(PairSpec::Rsa(2048)).expect("generate");
    let p = CipherParams {
        padding: Some(Padding::Pkcs1v15),
        hash: Some(HashAlg::Sha256),
        ..Default::default()
    };
    let mut g = c.benchmark_group("sign");
    g.throughput(Throughput::Elements(1));
    g.bench_function("rsa_2048_pkcs1v15_sha256", |b| {
        b.iter(|| {
            sign(
                &private,
                &p,
                SignInput::Message(black_box(b"benchmark message")),
            )
            .expect("sign")
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = rsa_generation, aes_gcm, rsa_sign
}
criterion_main!(benches);
