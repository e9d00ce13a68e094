//! Known-answer and round-trip tests of the pure crypto engine
//! (`kmip_reference_server::crypto`), with the published vectors of each
//! algorithm (NIST SP 800-38A/B/D, RFC 3394/5649/4231/4493/8439, IEEE 1619,
//! FIPS 180) written in code, plus cross-checks against the `aes-gcm` and
//! `chacha20poly1305` crates. Corpus-derived vectors live in crypto_corpus.rs.

use kmip_reference_server::crypto::aead::TAG_LENGTHS;
use kmip_reference_server::crypto::asymmetric::{sign, verify, SignInput};
use kmip_reference_server::crypto::engine::{
    decrypt, encrypt, mac, mac_verify, unwrap_key, wrap_key, CipherStream,
};
use kmip_reference_server::crypto::error::{CryptoError, ResultReason};
use kmip_reference_server::crypto::hash::hash;
use kmip_reference_server::crypto::keys::{
    convert_key_format, decode_key, encode_key, generate_key_pair, generate_symmetric, EncodedKey,
    KeyClass, KeyMaterial, PairSpec,
};
use kmip_reference_server::crypto::rng::ServerRng;
use kmip_reference_server::crypto::types::{
    Algorithm, BlockMode, CipherParams, Curve, HashAlg, KeyFormat, Padding, SignatureAlg,
};
use std::sync::OnceLock;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n'], "")).expect("test hex")
}

fn aes(key: &str) -> KeyMaterial {
    KeyMaterial::symmetric(Algorithm::Aes, &h(key))
}

fn params(mode: BlockMode, padding: Option<Padding>, iv: Option<&str>) -> CipherParams {
    CipherParams {
        mode: Some(mode),
        padding,
        iv: iv.map(h),
        ..Default::default()
    }
}

const NIST_KEY: &str = "2b7e151628aed2a6abf7158809cf4f3c";
const NIST_PT: &str = "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
                       30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";

#[test]
fn aes_ecb_sp800_38a_f11() {
    let ct = "3ad77bb40d7a3660a89ecaf32466ef97 f5d3d58503b9699de785895a96fdbaaf
              43b1cd7f598ece23881b00e3ed030688 7b0c785e27e8ad3f8223207104725dd4";
    let p = params(BlockMode::Ecb, None, None);
    let out = encrypt(&aes(NIST_KEY), &p, &h(NIST_PT)).expect("encrypt");
    assert_eq!(out.data, h(ct));
    assert_eq!(out.iv, None);
    assert_eq!(
        decrypt(&aes(NIST_KEY), &p, &h(ct)).expect("decrypt"),
        h(NIST_PT)
    );
}

#[test]
fn aes_cbc_sp800_38a_f21() {
    let ct = "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2
              73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7";
    let p = params(
        BlockMode::Cbc,
        None,
        Some("000102030405060708090a0b0c0d0e0f"),
    );
    assert_eq!(
        encrypt(&aes(NIST_KEY), &p, &h(NIST_PT))
            .expect("encrypt")
            .data,
        h(ct)
    );
    assert_eq!(
        decrypt(&aes(NIST_KEY), &p, &h(ct)).expect("decrypt"),
        h(NIST_PT)
    );
}

#[test]
fn aes_ctr_sp800_38a_f51() {
    let ct = "874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff
              5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee";
    let p = params(
        BlockMode::Ctr,
        None,
        Some("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"),
    );
    assert_eq!(
        encrypt(&aes(NIST_KEY), &p, &h(NIST_PT))
            .expect("encrypt")
            .data,
        h(ct)
    );
    // An odd length works (stream mode).
    let short = &h(NIST_PT)[..21];
    assert_eq!(
        encrypt(&aes(NIST_KEY), &p, short).expect("encrypt").data,
        h(ct)[..21].to_vec()
    );
}

#[test]
fn aes_cbc_pkcs5_pads_and_unpads() {
    let p = params(
        BlockMode::Cbc,
        Some(Padding::Pkcs5),
        Some("000102030405060708090a0b0c0d0e0f"),
    );
    for len in [0usize, 1, 15, 16, 17, 33] {
        let pt: Vec<u8> = (0..len as u8).collect();
        let ct = encrypt(&aes(NIST_KEY), &p, &pt).expect("encrypt").data;
        assert_eq!(ct.len(), (len / 16 + 1) * 16, "length {len}");
        assert_eq!(decrypt(&aes(NIST_KEY), &p, &ct).expect("decrypt"), pt);
    }
    // Without padding a partial block is an error, not a silent pad.
    let nopad = params(
        BlockMode::Cbc,
        None,
        Some("000102030405060708090a0b0c0d0e0f"),
    );
    let e = encrypt(&aes(NIST_KEY), &nopad, &[1, 2, 3]).expect_err("partial block");
    assert!(matches!(e, CryptoError::InvalidParameter(_)), "{e:?}");
    // A corrupted last block fails the padding check.
    let mut ct = encrypt(&aes(NIST_KEY), &p, b"hello").expect("encrypt").data;
    ct[15] ^= 0x55;
    let e = decrypt(&aes(NIST_KEY), &p, &ct).expect_err("bad padding");
    assert_eq!(e.result_reason(), ResultReason::CryptographicFailure);
}

#[test]
fn cbc_without_iv_is_missing_iv_invalid_message() {
    let p = params(BlockMode::Cbc, Some(Padding::Pkcs5), None);
    let e = decrypt(&aes(NIST_KEY), &p, &[0u8; 16]).expect_err("no IV");
    assert_eq!(e, CryptoError::MissingIv);
    assert_eq!(e.result_reason(), ResultReason::InvalidMessage);
    assert_eq!(e.result_reason().code(), 0x04);
    // The server's own words, not another vendor's message string.
    assert!(e.result_message().contains("IV"), "{}", e.result_message());
}

#[test]
fn random_iv_is_generated_and_returned() {
    let p = CipherParams {
        mode: Some(BlockMode::Cbc),
        padding: Some(Padding::Pkcs5),
        random_iv: Some(true),
        ..Default::default()
    };
    let out = encrypt(&aes(NIST_KEY), &p, b"secret message").expect("encrypt");
    let iv = out.iv.clone().expect("generated IV");
    assert_eq!(iv.len(), 16);
    let back = CipherParams {
        iv: Some(iv),
        random_iv: None,
        ..p
    };
    assert_eq!(
        decrypt(&aes(NIST_KEY), &back, &out.data).expect("decrypt"),
        b"secret message"
    );
}

#[test]
fn streaming_cbc_pkcs5_matches_one_shot_at_any_split() {
    let pt: Vec<u8> = (0..77u8).collect();
    let p = params(
        BlockMode::Cbc,
        Some(Padding::Pkcs5),
        Some("000102030405060708090a0b0c0d0e0f"),
    );
    let key = aes(NIST_KEY);
    let whole = encrypt(&key, &p, &pt).expect("encrypt").data;
    for split in [0usize, 1, 15, 16, 17, 32, 50, 77] {
        let (mut s, iv) = CipherStream::start(&key, &p, true).expect("start");
        assert!(iv.is_none());
        let mut out = s.update(&pt[..split]).expect("update");
        out.extend(s.finish(&pt[split..], None).expect("finish").data);
        assert_eq!(out, whole, "encrypt split {split}");

        let (mut d, _) = CipherStream::start(&key, &p, false).expect("start");
        let mut back = d.update(&whole[..split]).expect("update");
        back.extend(d.finish(&whole[split..], None).expect("finish").data);
        assert_eq!(back, pt, "decrypt split {split}");
    }
}

#[test]
fn triple_des_with_three_equal_keys_is_single_des() {
    // FIPS 46 worked example: DES(133457799BBCDFF1, 0123456789ABCDEF) = 85E813540F0AB405.
    let key = KeyMaterial::symmetric(
        Algorithm::TripleDes,
        &h("133457799BBCDFF1".repeat(3).as_str()),
    );
    let p = params(BlockMode::Ecb, None, None);
    let out = encrypt(&key, &p, &h("0123456789ABCDEF")).expect("encrypt");
    assert_eq!(out.data, h("85E813540F0AB405"));
    let cbc = params(
        BlockMode::Cbc,
        Some(Padding::Pkcs5),
        Some("0001020304050607"),
    );
    let ct = encrypt(&key, &cbc, b"triple des text")
        .expect("encrypt")
        .data;
    assert_eq!(
        decrypt(&key, &cbc, &ct).expect("decrypt"),
        b"triple des text"
    );
}

#[test]
fn aes_xts_ieee1619_vector_1() {
    let key = aes(&"00".repeat(32));
    let p = params(BlockMode::Xts, None, Some(&"00".repeat(16)));
    let ct = "917cf69ebd68b2ec9b9fe9a3eadda692cd43d2f59598ed858c02c2652fbf922e";
    assert_eq!(encrypt(&key, &p, &[0u8; 32]).expect("encrypt").data, h(ct));
    assert_eq!(decrypt(&key, &p, &h(ct)).expect("decrypt"), vec![0u8; 32]);
    let e = encrypt(&key, &p, &[0u8; 15]).expect_err("short data unit");
    assert!(matches!(e, CryptoError::InvalidParameter(_)));
}

fn gcm(tag_len: Option<i64>, iv: &str, aad: &str) -> CipherParams {
    CipherParams {
        mode: Some(BlockMode::Gcm),
        tag_length: tag_len,
        iv: Some(h(iv)),
        aad: Some(h(aad)),
        ..Default::default()
    }
}

#[test]
fn aes_gcm_test_case_2_and_truncated_tags() {
    let key = aes(&"00".repeat(16));
    let p = gcm(Some(16), &"00".repeat(12), "");
    let out = encrypt(&key, &p, &[0u8; 16]).expect("encrypt");
    assert_eq!(out.data, h("0388dace60b6a392f328c2b971b2fe78"));
    assert_eq!(out.tag, Some(h("ab6e47d42cec13bdf53a67b21257bddf")));
    for n in TAG_LENGTHS {
        let pn = gcm(Some(n as i64), &"00".repeat(12), "");
        let out_n = encrypt(&key, &pn, &[0u8; 16]).expect("encrypt");
        assert_eq!(
            out_n.tag.as_deref(),
            Some(&h("ab6e47d42cec13bdf53a67b21257bddf")[..n])
        );
        let dp = CipherParams {
            tag: out_n.tag.clone(),
            ..pn
        };
        assert_eq!(
            decrypt(&key, &dp, &out_n.data).expect("decrypt"),
            vec![0u8; 16]
        );
    }
}

#[test]
fn aes_gcm_bad_tag_length_is_general_failure() {
    let key = aes(&"00".repeat(16));
    for n in [1i64, 4, 8, 11, 17, 32] {
        let e =
            encrypt(&key, &gcm(Some(n), &"00".repeat(12), ""), &[0u8; 16]).expect_err("tag length");
        assert_eq!(e, CryptoError::InvalidTagLength(n));
        assert_eq!(e.result_reason(), ResultReason::GeneralFailure);
        assert_eq!(e.result_reason().code(), 0x100);
        assert!(
            e.result_message().contains(&format!("{n} bytes")),
            "{}",
            e.result_message()
        );
    }
}

#[test]
fn aes_gcm_tampering_is_cryptographic_failure() {
    let key = aes(&"00".repeat(16));
    let good_tag = "ab6e47d42cec13bdf53a67b21257bddf";
    let ct = "0388dace60b6a392f328c2b971b2fe78";
    let cases = [
        (ct, &"00".repeat(12), "006e47d42cec13bdf53a67b21257bddf"),
        (ct, &format!("ff{}", "00".repeat(11)), good_tag),
        (
            "ff88dace60b6a392f328c2b971b2fe78",
            &"00".repeat(12),
            good_tag,
        ),
    ];
    for (c, iv, tag) in cases {
        let p = CipherParams {
            tag: Some(h(tag)),
            ..gcm(Some(16), iv, "")
        };
        let e = decrypt(&key, &p, &h(c)).expect_err("tampered");
        assert_eq!(e, CryptoError::AuthenticationFailed);
        assert_eq!(e.result_reason().code(), 0x0A);
    }
}

const GCM5_KEY: &str = "feffe9928665731c6d6a8f9467308308";
const GCM5_PT: &str = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
                       1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
const GCM5_CT: &str = "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423
                       73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598";
const GCM5_AAD: &str = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
const GCM5_TAG: &str = "3612d2e79e3b0785561be14aaca2fccb";

#[test]
fn aes_gcm_test_case_5_eight_byte_iv_one_shot_and_streaming() {
    let key = aes(GCM5_KEY);
    let p = gcm(Some(16), "cafebabefacedbad", GCM5_AAD);
    let out = encrypt(&key, &p, &h(GCM5_PT)).expect("encrypt");
    assert_eq!(out.data, h(GCM5_CT));
    assert_eq!(out.tag, Some(h(GCM5_TAG)));

    // The split CS-BC-M-GCM-3 uses: 32 bytes, then 28 bytes with the tag.
    let pt = h(GCM5_PT);
    let (mut s, _) = CipherStream::start(&key, &p, true).expect("start");
    let first = s.update(&pt[..32]).expect("update");
    assert_eq!(first, h(GCM5_CT)[..32].to_vec());
    let last = s.finish(&pt[32..], None).expect("finish");
    assert_eq!(last.data, h(GCM5_CT)[32..].to_vec());
    assert_eq!(last.tag, Some(h(GCM5_TAG)));

    // Streaming decryption, odd split, tag checked at the end.
    let ct = h(GCM5_CT);
    let (mut d, _) = CipherStream::start(&key, &p, false).expect("start");
    let mut back = d.update(&ct[..7]).expect("update");
    back.extend(d.finish(&ct[7..], Some(&h(GCM5_TAG))).expect("finish").data);
    assert_eq!(back, pt);
    let (d, _) = CipherStream::start(&key, &p, false).expect("start");
    let e = d
        .finish(&ct, Some(&h("3612d2e79e3b0785561be14aaca2fccc")))
        .expect_err("bad tag");
    assert_eq!(e, CryptoError::AuthenticationFailed);
}

#[test]
fn aes_gcm_matches_the_aes_gcm_crate() {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    for key_len in [16usize, 24, 32] {
        for pt_len in [0usize, 1, 16, 31, 64, 100] {
            let k: Vec<u8> = (0..key_len as u8).map(|i| i.wrapping_mul(7)).collect();
            let iv: Vec<u8> = (0..12u8).map(|i| i ^ 0x5a).collect();
            let aad: Vec<u8> = (0..(pt_len % 23) as u8).collect();
            let pt: Vec<u8> = (0..pt_len).map(|i| (i * 3) as u8).collect();
            let payload = Payload {
                msg: &pt,
                aad: &aad,
            };
            let expected = match key_len {
                16 => aes_gcm::Aes128Gcm::new_from_slice(&k)
                    .expect("key")
                    .encrypt(iv.as_slice().into(), payload),
                24 => {
                    aes_gcm::AesGcm::<aes::Aes192, aes_gcm::aead::consts::U12>::new_from_slice(&k)
                        .expect("key")
                        .encrypt(iv.as_slice().into(), payload)
                }
                _ => aes_gcm::Aes256Gcm::new_from_slice(&k)
                    .expect("key")
                    .encrypt(iv.as_slice().into(), payload),
            }
            .expect("aes-gcm");
            let p = CipherParams {
                mode: Some(BlockMode::Gcm),
                iv: Some(iv.clone()),
                aad: Some(aad.clone()),
                ..Default::default()
            };
            let out =
                encrypt(&KeyMaterial::symmetric(Algorithm::Aes, &k), &p, &pt).expect("encrypt");
            let mut ours = out.data.clone();
            ours.extend(out.tag.expect("tag"));
            assert_eq!(ours, expected, "AES-{} pt {pt_len}", key_len * 8);
        }
    }
}

#[test]
fn chacha20_djb_layout_eight_byte_nonce() {
    // draft-agl-tls-chacha20poly1305 / RFC 7539 A.1 keystream vectors.
    let cases = [
        (&"00".repeat(32), "0000000000000000",
         "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"),
        (&format!("{}01", "00".repeat(31)), "0000000000000000",
         "4540f05a9f1fb296d7736e7b208e3c96eb4fe1834688d2604f450952ed432d41bbe2a0b6ea7566d2a5d1e7e20d42af2c53d792b1c43fea817e9ad275ae546963"),
        (&"00".repeat(32), "0000000000000001",
         "de9cba7bf3d69ef5e786dc63973f653a0b49e015adbff7134fcb7df137821031e85a050278a7084527214f73efc7fa5b5277062eb7a0433e445f41e3"),
        (&"00".repeat(32), "0100000000000000",
         "ef3fdfd6c61578fbf5cf35bd3dd33b8009631634d21e42ac33960bd138e50d32111e4caf237ee53ca8ad6426194a88545ddc497a0b466e7d6bbdb0041b2f586b"),
    ];
    for (key, nonce, stream) in cases {
        let k = KeyMaterial::symmetric(Algorithm::ChaCha20, &h(key));
        let p = CipherParams {
            iv: Some(h(nonce)),
            ..Default::default()
        };
        let ks = h(stream);
        let out = encrypt(&k, &p, &vec![0u8; ks.len()]).expect("encrypt");
        assert_eq!(out.data, ks, "nonce {nonce}");
        assert_eq!(decrypt(&k, &p, &ks).expect("decrypt"), vec![0u8; ks.len()]);
    }
}

#[test]
fn chacha20_streaming_continues_the_keystream() {
    let k = KeyMaterial::symmetric(Algorithm::ChaCha20, &[7u8; 32]);
    let p = CipherParams {
        iv: Some(vec![1u8; 8]),
        ..Default::default()
    };
    let pt = vec![0xAAu8; 200];
    let whole = encrypt(&k, &p, &pt).expect("encrypt").data;
    let (mut s, _) = CipherStream::start(&k, &p, true).expect("start");
    let mut out = s.update(&pt[..65]).expect("update");
    out.extend(s.update(&pt[65..130]).expect("update"));
    out.extend(s.finish(&pt[130..], None).expect("finish").data);
    assert_eq!(out, whole);
}

const SUNSCREEN: &str = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
const RFC8439_CT: &str = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116";
const RFC8439_TAG: &str = "1ae10b594f09e26a7e902ecbd0600691";

fn chacha_poly(tag_len: Option<i64>, tag: Option<&str>) -> CipherParams {
    CipherParams {
        mode: Some(BlockMode::Aead),
        tag_length: tag_len,
        iv: Some(h("070000004041424344454647")),
        aad: Some(h("50515253c0c1c2c3c4c5c6c7")),
        tag: tag.map(h),
        ..Default::default()
    }
}

#[test]
fn chacha20_poly1305_rfc8439_2_8_2_and_truncated_tag() {
    let key = KeyMaterial::symmetric(
        Algorithm::ChaCha20Poly1305,
        &(0x80..0xA0).collect::<Vec<u8>>(),
    );
    let out = encrypt(&key, &chacha_poly(Some(16), None), SUNSCREEN.as_bytes()).expect("encrypt");
    assert_eq!(out.data, h(RFC8439_CT));
    assert_eq!(out.tag, Some(h(RFC8439_TAG)));
    // 16-byte and 12-byte (truncated) tags decrypt.
    for (n, tag) in [(16, RFC8439_TAG), (12, &RFC8439_TAG[..24])] {
        let back =
            decrypt(&key, &chacha_poly(Some(n), Some(tag)), &h(RFC8439_CT)).expect("decrypt");
        assert_eq!(back, SUNSCREEN.as_bytes());
    }
    let e = decrypt(
        &key,
        &chacha_poly(Some(16), Some("ffe10b594f09e26a7e902ecbd0600691")),
        &h(RFC8439_CT),
    )
    .expect_err("tampered tag");
    assert_eq!(e.result_reason(), ResultReason::CryptographicFailure);
    for n in [1, 32] {
        let e = encrypt(&key, &chacha_poly(Some(n), None), SUNSCREEN.as_bytes())
            .expect_err("tag length");
        assert_eq!(e.result_reason(), ResultReason::GeneralFailure);
    }
}

#[test]
fn chacha20_poly1305_matches_the_crate() {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    for len in [0usize, 1, 15, 16, 17, 64, 129] {
        let k = [0x42u8; 32];
        let nonce = [9u8; 12];
        let aad: Vec<u8> = (0..(len % 19) as u8).collect();
        let pt: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let expected = chacha20poly1305::ChaCha20Poly1305::new_from_slice(&k)
            .expect("key")
            .encrypt(
                (&nonce).into(),
                Payload {
                    msg: &pt,
                    aad: &aad,
                },
            )
            .expect("encrypt");
        let p = CipherParams {
            iv: Some(nonce.to_vec()),
            aad: Some(aad.clone()),
            ..Default::default()
        };
        let out = encrypt(
            &KeyMaterial::symmetric(Algorithm::ChaCha20Poly1305, &k),
            &p,
            &pt,
        )
        .expect("encrypt");
        let mut ours = out.data;
        ours.extend(out.tag.expect("tag"));
        assert_eq!(ours, expected, "length {len}");
    }
}

#[test]
fn sha2_fips180_abc() {
    assert_eq!(
        hash(HashAlg::Sha256, b"abc").expect("sha256"),
        h("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    assert_eq!(
        hash(HashAlg::Sha512, b"abc").expect("sha512"),
        h("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
    );
    assert_eq!(
        hash(HashAlg::Sha1, b"abc").expect("sha1"),
        h("a9993e364706816aba3e25717850c26c9cd0d89d")
    );
    assert_eq!(
        hash(HashAlg::Sha3_256, b"abc").expect("sha3"),
        h("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532")
    );
    assert!(matches!(
        hash(HashAlg::Other(3), b"abc"),
        Err(CryptoError::Unsupported(_))
    ));
}

#[test]
fn hmac_sha256_rfc4231_case_2_over_any_symmetric_key() {
    let expected = h("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // An AES-typed key with HMAC_SHA256 in the parameters (as CS-AC-M-4 does).
    let key = KeyMaterial::symmetric(Algorithm::Aes, b"Jefe");
    let p = CipherParams {
        algorithm: Some(Algorithm::HmacSha256),
        ..Default::default()
    };
    let data = b"what do ya want for nothing?";
    assert_eq!(mac(&key, &p, data).expect("mac"), expected);
    // An HMAC key needs no parameters.
    let hk = KeyMaterial::symmetric(Algorithm::HmacSha256, b"Jefe");
    assert_eq!(
        mac(&hk, &CipherParams::default(), data).expect("mac"),
        expected
    );
    assert!(mac_verify(&hk, &CipherParams::default(), data, &expected).expect("verify"));
    assert!(mac_verify(&hk, &CipherParams::default(), data, &expected[..16]).expect("truncated"));
    assert!(!mac_verify(&hk, &CipherParams::default(), data, &expected[..8]).expect("too short"));
    let mut bad = expected.clone();
    bad[0] ^= 1;
    assert!(!mac_verify(&hk, &CipherParams::default(), data, &bad).expect("verify"));
    // An AES key without an HMAC algorithm or CMAC mode cannot MAC.
    assert!(matches!(
        mac(&key, &CipherParams::default(), data),
        Err(CryptoError::Unsupported(_))
    ));
}

#[test]
fn aes_cmac_rfc4493() {
    let key = aes(NIST_KEY);
    let p = CipherParams {
        mode: Some(BlockMode::Cmac),
        ..Default::default()
    };
    assert_eq!(
        mac(&key, &p, b"").expect("cmac"),
        h("bb1d6929e95937287fa37d129b756746")
    );
    assert_eq!(
        mac(&key, &p, &h("6bc1bee22e409f96e93d7e117393172a")).expect("cmac"),
        h("070a16b46b4d4144f79bdd9dd04a287c")
    );
}

#[test]
fn aes_key_wrap_rfc3394_4_1_and_rfc5649() {
    let kek = aes("000102030405060708090A0B0C0D0E0F");
    let p = CipherParams {
        mode: Some(BlockMode::NistKeyWrap),
        ..Default::default()
    };
    let wrapped = wrap_key(&kek, &p, &h("00112233445566778899AABBCCDDEEFF")).expect("wrap");
    assert_eq!(
        wrapped,
        h("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5")
    );
    assert_eq!(
        unwrap_key(&kek, &p, &wrapped).expect("unwrap"),
        h("00112233445566778899AABBCCDDEEFF")
    );
    let mut bad = wrapped.clone();
    bad[3] ^= 1;
    assert_eq!(
        unwrap_key(&kek, &p, &bad),
        Err(CryptoError::AuthenticationFailed)
    );

    let kek = aes("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
    let pp = CipherParams {
        mode: Some(BlockMode::AesKeyWrapPadding),
        ..Default::default()
    };
    let wrapped = wrap_key(&kek, &pp, &h("466f7250617369")).expect("wrap");
    assert_eq!(wrapped, h("afbeb0f07dfbf5419200f2ccb50bb24f"));
    assert_eq!(
        unwrap_key(&kek, &pp, &wrapped).expect("unwrap"),
        h("466f7250617369")
    );
}

fn rsa2048() -> &'static (KeyMaterial, KeyMaterial) {
    static K: OnceLock<(KeyMaterial, KeyMaterial)> = OnceLock::new();
    K.get_or_init(|| generate_key_pair(PairSpec::Rsa(2048)).expect("RSA-2048 generation"))
}

#[test]
fn rsa_key_pair_generation() {
    let (private, public) = rsa2048();
    assert_eq!(private.bits(), 2048);
    assert_eq!(public.bits(), 2048);
    assert_eq!(private.class(), KeyClass::Private);
    assert_eq!(public.class(), KeyClass::Public);
    // 512..=8192 bits, whole bytes.
    for bad in [504, 1001, 8200] {
        assert!(
            generate_key_pair(PairSpec::Rsa(bad)).is_err(),
            "RSA-{bad} must be refused"
        );
    }
}

#[test]
fn rsa_oaep_with_label_round_trip() {
    let (private, public) = rsa2048();
    let p = CipherParams {
        padding: Some(Padding::Oaep),
        hash: Some(HashAlg::Sha384),
        mgf_hash: Some(HashAlg::Sha256),
        p_source: Some(b"Kilroy was here".to_vec()),
        ..Default::default()
    };
    let msg = h("6628194e12073db03ba94cda9ef9532397d50dba79b987004afefe34");
    let ct = encrypt(public, &p, &msg).expect("encrypt").data;
    assert_eq!(ct.len(), 256);
    assert_ne!(
        encrypt(public, &p, &msg).expect("encrypt").data,
        ct,
        "OAEP is randomized"
    );
    assert_eq!(decrypt(private, &p, &ct).expect("decrypt"), msg);
    // A different label, hash or MGF hash fails.
    for wrong in [
        CipherParams {
            p_source: Some(b"Kilroy".to_vec()),
            ..p.clone()
        },
        CipherParams {
            hash: Some(HashAlg::Sha256),
            ..p.clone()
        },
        CipherParams {
            mgf_hash: Some(HashAlg::Sha1),
            ..p.clone()
        },
    ] {
        let e = decrypt(private, &wrong, &ct).expect_err("wrong OAEP parameters");
        assert_eq!(e.result_reason(), ResultReason::CryptographicFailure);
    }
    // PKCS#1 v1.5 too.
    let v15 = CipherParams {
        padding: Some(Padding::Pkcs1v15),
        ..Default::default()
    };
    let ct = encrypt(public, &v15, b"v1.5").expect("encrypt").data;
    assert_eq!(decrypt(private, &v15, &ct).expect("decrypt"), b"v1.5");
}

#[test]
fn rsa_pss_sign_verify_round_trip() {
    let (private, public) = rsa2048();
    let p = CipherParams {
        padding: Some(Padding::Pss),
        hash: Some(HashAlg::Sha256),
        ..Default::default()
    };
    let data = h("01020304050607080910111213141516");
    let sig = sign(private, &p, SignInput::Message(&data)).expect("sign");
    assert_eq!(sig.len(), 256);
    assert!(verify(public, &p, SignInput::Message(&data), &sig).expect("verify"));
    // The same check via the digest (Digested Data).
    let digest = hash(HashAlg::Sha256, &data).expect("hash");
    assert!(verify(public, &p, SignInput::Digest(&digest), &sig).expect("verify"));
    // SHA-1 parameters: Invalid, not an error (CS-AC-M-3).
    let sha1 = CipherParams {
        hash: Some(HashAlg::Sha1),
        ..p.clone()
    };
    assert!(!verify(public, &sha1, SignInput::Message(&data), &sig).expect("verify"));
    // Tampered data or signature: Invalid.
    assert!(!verify(public, &p, SignInput::Message(b"other"), &sig).expect("verify"));
    let mut bad = sig.clone();
    bad[10] ^= 1;
    assert!(!verify(public, &p, SignInput::Message(&data), &bad).expect("verify"));
    assert!(!verify(public, &p, SignInput::Message(&data), &sig[..100]).expect("verify"));
    // The salt length is recovered when not given, enforced when given.
    let salt0 = CipherParams {
        salt_length: Some(0),
        ..p.clone()
    };
    let sig0 = sign(private, &salt0, SignInput::Message(&data)).expect("sign");
    assert!(verify(public, &p, SignInput::Message(&data), &sig0).expect("verify"));
    assert!(verify(public, &salt0, SignInput::Message(&data), &sig0).expect("verify"));
    assert!(!verify(public, &salt0, SignInput::Message(&data), &sig).expect("verify"));
}

#[test]
fn rsa_pkcs1v15_signatures_are_deterministic() {
    let (private, public) = rsa2048();
    let p = CipherParams {
        signature_algorithm: Some(SignatureAlg::Sha256WithRsa),
        ..Default::default()
    };
    let a = sign(private, &p, SignInput::Message(b"hello")).expect("sign");
    let b = sign(private, &p, SignInput::Message(b"hello")).expect("sign");
    assert_eq!(a, b);
    assert!(verify(public, &p, SignInput::Message(b"hello"), &a).expect("verify"));
    let sha1 = CipherParams {
        signature_algorithm: Some(SignatureAlg::Sha1WithRsa),
        ..Default::default()
    };
    assert!(!verify(public, &sha1, SignInput::Message(b"hello"), &a).expect("verify"));
    // Signing with a public key is an error.
    assert!(matches!(
        sign(public, &p, SignInput::Message(b"x")),
        Err(CryptoError::InvalidKey(_))
    ));
}

#[test]
fn ecdsa_on_the_nist_curves() {
    for curve in [Curve::P256, Curve::P384, Curve::P521] {
        let (private, public) = generate_key_pair(PairSpec::Ec(curve)).expect("EC generation");
        assert_eq!(public.bits(), curve.bits().expect("bits"));
        let p = CipherParams::default();
        let sig = sign(&private, &p, SignInput::Message(b"message"))
            .unwrap_or_else(|e| panic!("sign {curve}: {e:?}"));
        assert!(
            verify(&public, &p, SignInput::Message(b"message"), &sig).expect("verify"),
            "{curve}"
        );
        assert!(!verify(&public, &p, SignInput::Message(b"massage"), &sig).expect("verify"));
        assert!(!verify(&public, &p, SignInput::Message(b"message"), b"junk").expect("verify"));
        let p256 = CipherParams {
            signature_algorithm: Some(SignatureAlg::EcdsaWithSha256),
            ..Default::default()
        };
        let sig = sign(&private, &p256, SignInput::Message(b"m")).expect("sign");
        assert!(verify(&public, &p256, SignInput::Message(b"m"), &sig).expect("verify"));
    }
}

#[test]
fn rsa_key_format_round_trips() {
    let (private, public) = rsa2048();
    let pkcs1 = encode_key(private, KeyFormat::Pkcs1).expect("PKCS#1");
    let pkcs8 = convert_key_format(&pkcs1, Algorithm::Rsa, KeyClass::Private, KeyFormat::Pkcs8)
        .expect("to PKCS#8");
    let transparent = convert_key_format(
        &pkcs8,
        Algorithm::Rsa,
        KeyClass::Private,
        KeyFormat::TransparentRsaPrivateKey,
    )
    .expect("to Transparent");
    assert!(matches!(
        transparent,
        EncodedKey::TransparentRsaPrivate {
            p: Some(_),
            crt_coefficient: Some(_),
            ..
        }
    ));
    let back = convert_key_format(
        &transparent,
        Algorithm::Rsa,
        KeyClass::Private,
        KeyFormat::Pkcs1,
    )
    .expect("to PKCS#1");
    assert_eq!(back, pkcs1);
    // A Transparent key with only n, e, d still decodes (primes recovered).
    if let EncodedKey::TransparentRsaPrivate {
        modulus,
        private_exponent,
        public_exponent,
        ..
    } = &transparent
    {
        let minimal = EncodedKey::TransparentRsaPrivate {
            modulus: modulus.clone(),
            private_exponent: private_exponent.clone(),
            public_exponent: public_exponent.clone(),
            p: None,
            q: None,
            prime_exponent_p: None,
            prime_exponent_q: None,
            crt_coefficient: None,
        };
        let k = decode_key(&minimal, Algorithm::Rsa, KeyClass::Private).expect("n, e, d");
        assert_eq!(k.bits(), 2048);
    }

    let pub1 = encode_key(public, KeyFormat::Pkcs1).expect("PKCS#1 public");
    let x509 = convert_key_format(&pub1, Algorithm::Rsa, KeyClass::Public, KeyFormat::X509)
        .expect("to X.509");
    let tpub = convert_key_format(
        &x509,
        Algorithm::Rsa,
        KeyClass::Public,
        KeyFormat::TransparentRsaPublicKey,
    )
    .expect("to T");
    assert_eq!(
        convert_key_format(&tpub, Algorithm::Rsa, KeyClass::Public, KeyFormat::Pkcs1)
            .expect("back"),
        pub1
    );
    // The private key cannot be exported as a public format.
    let e = convert_key_format(&pkcs1, Algorithm::Rsa, KeyClass::Private, KeyFormat::X509)
        .expect_err("nonsense");
    assert_eq!(e.result_reason(), ResultReason::KeyFormatTypeNotSupported);
}

#[test]
fn ec_and_symmetric_key_format_round_trips() {
    let (private, public) = generate_key_pair(PairSpec::Ec(Curve::P256)).expect("EC");
    let pkcs8 = encode_key(&private, KeyFormat::Pkcs8).expect("PKCS#8");
    let sec1 = convert_key_format(
        &pkcs8,
        Algorithm::Ec,
        KeyClass::Private,
        KeyFormat::EcPrivateKey,
    )
    .expect("SEC1");
    let t = convert_key_format(
        &sec1,
        Algorithm::Ec,
        KeyClass::Private,
        KeyFormat::TransparentEcPrivateKey,
    )
    .expect("T");
    assert!(
        matches!(&t, EncodedKey::TransparentEcPrivate { curve: Curve::P256, d } if d.len() == 32)
    );
    assert_eq!(
        convert_key_format(&t, Algorithm::Ec, KeyClass::Private, KeyFormat::Pkcs8).expect("back"),
        pkcs8
    );
    let x509 = encode_key(&public, KeyFormat::X509).expect("X.509");
    let tp = convert_key_format(
        &x509,
        Algorithm::Ec,
        KeyClass::Public,
        KeyFormat::TransparentEcPublicKey,
    )
    .expect("T");
    assert!(matches!(&tp, EncodedKey::TransparentEcPublic { q, .. } if q.len() == 65 && q[0] == 4));
    assert_eq!(
        convert_key_format(&tp, Algorithm::Ec, KeyClass::Public, KeyFormat::X509).expect("back"),
        x509
    );

    let raw = EncodedKey::Bytes {
        format: KeyFormat::Raw,
        bytes: h(NIST_KEY),
    };
    let ts = convert_key_format(
        &raw,
        Algorithm::Aes,
        KeyClass::Symmetric,
        KeyFormat::TransparentSymmetricKey,
    )
    .expect("T");
    assert_eq!(ts, EncodedKey::TransparentSymmetric { key: h(NIST_KEY) });
    assert_eq!(
        convert_key_format(&ts, Algorithm::Aes, KeyClass::Symmetric, KeyFormat::Raw).expect("Raw"),
        raw
    );
}

#[test]
fn hostile_key_material_is_an_error_not_a_panic() {
    for format in [KeyFormat::Pkcs1, KeyFormat::Pkcs8, KeyFormat::EcPrivateKey] {
        for bytes in [
            vec![],
            vec![0x30],
            vec![0x30, 0x82, 0xff, 0xff],
            vec![0xff; 300],
        ] {
            let enc = EncodedKey::Bytes { format, bytes };
            assert!(decode_key(&enc, Algorithm::Rsa, KeyClass::Private).is_err());
        }
    }
    let enc = EncodedKey::Bytes {
        format: KeyFormat::X509,
        bytes: vec![0x30, 0x03, 0x02, 0x01, 0x00],
    };
    assert!(decode_key(&enc, Algorithm::Rsa, KeyClass::Public).is_err());
    let t = EncodedKey::TransparentRsaPublic {
        modulus: vec![],
        public_exponent: vec![1],
    };
    assert!(decode_key(&t, Algorithm::Rsa, KeyClass::Public).is_err());
    let ec = EncodedKey::TransparentEcPublic {
        curve: Curve::P256,
        q: vec![4; 65],
    };
    assert!(decode_key(&ec, Algorithm::Ec, KeyClass::Public).is_err());
    // Wrong key lengths for the cipher.
    let bad = KeyMaterial::symmetric(Algorithm::Aes, &[0u8; 15]);
    assert!(matches!(
        encrypt(&bad, &params(BlockMode::Ecb, None, None), &[0u8; 16]),
        Err(CryptoError::InvalidKey(_))
    ));
}

#[test]
fn symmetric_key_generation() {
    for (alg, bits, len) in [
        (Algorithm::Aes, 128, 16),
        (Algorithm::Aes, 256, 32),
        (Algorithm::TripleDes, 168, 24),
        (Algorithm::ChaCha20, 256, 32),
        (Algorithm::HmacSha256, 256, 32),
        (Algorithm::Skipjack, 80, 10),
    ] {
        let k = generate_symmetric(alg, bits).expect("generate");
        let KeyMaterial::Symmetric { bytes, .. } = &k else {
            panic!("symmetric")
        };
        assert_eq!(bytes.len(), len, "{alg}-{bits}");
        if alg == Algorithm::TripleDes {
            assert!(bytes.iter().all(|b| b.count_ones() % 2 == 1), "odd parity");
            assert_eq!(k.bits(), 168);
        }
    }
    let bytes = |k: KeyMaterial| match k {
        KeyMaterial::Symmetric { bytes, .. } => bytes.to_vec(),
        _ => panic!("symmetric"),
    };
    let a = bytes(generate_symmetric(Algorithm::Aes, 128).expect("a"));
    let b = bytes(generate_symmetric(Algorithm::Aes, 128).expect("b"));
    assert_ne!(a, b);
    assert!(generate_symmetric(Algorithm::Aes, 100).is_err());
    assert!(generate_symmetric(Algorithm::Rsa, 2048).is_err());
}

#[test]
fn rng_retrieve_and_seed() {
    let rng = ServerRng::new().expect("rng");
    let a = rng.retrieve(32).expect("retrieve");
    let b = rng.retrieve(32).expect("retrieve");
    assert_eq!(a.len(), 32);
    assert_ne!(a, b);
    assert_eq!(rng.seed(&[1u8; 32]).expect("seed"), 32);
    assert_eq!(rng.retrieve(0).expect("empty").len(), 0);
    assert!(rng.retrieve(10 << 20).is_err());
}

#[test]
fn constants_match_the_dictionary() {
    let mut checked = 0;
    let mut missing = Vec::new();
    for reason in ResultReason::ALL {
        let name = reason.name();
        match kmip_ttlv::dict::enum_def("ResultReason").and_then(|e| e.value_of(name)) {
            Some(v) => {
                assert_eq!(v, reason.code(), "ResultReason {name}");
                checked += 1;
            }
            None => missing.push(name),
        }
    }
    // Enumerations the engine converts by code.
    let enums: &[(&str, &[(&str, u32)])] = &[
        (
            "CryptographicAlgorithm",
            &[
                ("AES", Algorithm::Aes.code()),
                ("ChaCha20Poly1305", Algorithm::ChaCha20Poly1305.code()),
                ("HMAC_SHA256", Algorithm::HmacSha256.code()),
            ],
        ),
        (
            "BlockCipherMode",
            &[
                ("GCM", BlockMode::Gcm.code()),
                ("NISTKeyWrap", BlockMode::NistKeyWrap.code()),
                ("AEAD", BlockMode::Aead.code()),
            ],
        ),
        (
            "PaddingMethod",
            &[
                ("PKCS5", Padding::Pkcs5.code()),
                ("PSS", Padding::Pss.code()),
                ("OAEP", Padding::Oaep.code()),
            ],
        ),
        (
            "HashingAlgorithm",
            &[
                ("SHA_256", HashAlg::Sha256.code()),
                ("SHA_512", HashAlg::Sha512.code()),
                ("SHA3_256", HashAlg::Sha3_256.code()),
            ],
        ),
        (
            "KeyFormatType",
            &[
                ("PKCS_8", KeyFormat::Pkcs8.code()),
                (
                    "TransparentRSAPrivateKey",
                    KeyFormat::TransparentRsaPrivateKey.code(),
                ),
                (
                    "TransparentECPublicKey",
                    KeyFormat::TransparentEcPublicKey.code(),
                ),
            ],
        ),
        (
            "RecommendedCurve",
            &[("P_256", Curve::P256.code()), ("P_521", Curve::P521.code())],
        ),
    ];
    for (e, values) in enums {
        for (name, code) in *values {
            match kmip_ttlv::dict::enum_def(e).and_then(|d| d.value_of(name)) {
                Some(v) => {
                    assert_eq!(v, *code, "{e}.{name}");
                    checked += 1;
                }
                None => missing.push(name),
            }
        }
    }
    if !missing.is_empty() {
        eprintln!(
            "constants_match_the_dictionary: {checked} checked; the dictionary does not (yet) define {} names: {missing:?}",
            missing.len()
        );
    }
    assert!(
        checked > 0 || kmip_ttlv::dict::tags().len() < 10,
        "nothing could be checked"
    );
}
