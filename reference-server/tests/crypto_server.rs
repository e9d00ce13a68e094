//! The crypto operations wired into the server: whole request messages go
//! through [`Server::handle_message`] (the dispatcher, the session's
//! Unique Identifier resolution, the store), and the answers are checked
//! against published known answers (FIPS-197, FIPS 180 "abc") and round
//! trips. Independent of the OASIS corpus.

mod named;

use kmip_reference_server::Server;
use kmip_ttlv::{Item, Value};
use named::*;

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).expect("hex literal")
}

/// Register of an AES key with this material, usable for Encrypt / Decrypt.
fn register_aes(key: &[u8]) -> Item {
    let bits = key.len() as i32 * 8;
    // Cryptographic Usage Mask Encrypt (0x4) | Decrypt (0x8).
    let usage: u32 = 0x4 | 0x8;
    payload(vec![
        en("ObjectType", "SymmetricKey"),
        st(
            "Attributes",
            vec![
                en("CryptographicAlgorithm", "AES"),
                int("CryptographicLength", bits),
                int("CryptographicUsageMask", usage as i32),
            ],
        ),
        st(
            "SymmetricKey",
            vec![st(
                "KeyBlock",
                vec![
                    en("KeyFormatType", "Raw"),
                    st("KeyValue", vec![bytes("KeyMaterial", key)]),
                    en("CryptographicAlgorithm", "AES"),
                    int("CryptographicLength", bits),
                ],
            )],
        ),
    ])
}

fn ecb() -> Item {
    st(
        "CryptographicParameters",
        vec![en("BlockCipherMode", "ECB"), en("PaddingMethod", "None")],
    )
}

/// FIPS-197 appendix C.1 (AES-128): through Register → Activate → Encrypt
/// → Decrypt in one batch, the later items naming the key by the ID
/// Placeholder (no Unique Identifier in the request).
#[test]
fn aes_ecb_known_answer_with_id_placeholder() {
    let server = Server::in_memory();
    let key = hex("000102030405060708090a0b0c0d0e0f");
    let plain = hex("00112233445566778899aabbccddeeff");
    let cipher = hex("69c4e0d86a7b0430d8cdb78070b4c55a");
    let resp = server.handle_message(&message(vec![
        ("Register", register_aes(&key)),
        ("Activate", payload(vec![])),
        ("Encrypt", payload(vec![ecb(), bytes("Data", &plain)])),
        ("Decrypt", payload(vec![ecb(), bytes("Data", &cipher)])),
    ]));
    let items = batch(&resp);
    assert_eq!(items.len(), 4);
    for i in &items {
        assert_success(i);
    }
    assert_eq!(out_bytes(items[2], "Data"), cipher);
    assert_eq!(out_bytes(items[3], "Data"), plain);
    assert_eq!(out_uid(items[2]), out_uid(items[0]));
}

/// A Pre-Active key refuses Encrypt with Wrong Key Lifecycle State (2.x).
#[test]
fn encrypt_with_pre_active_key_is_refused() {
    let server = Server::in_memory();
    let resp = server.handle_message(&message(vec![("Register", register_aes(&[7u8; 16]))]));
    let items = batch(&resp);
    assert_success(items[0]);
    let uid = out_uid(items[0]);
    let resp = server.handle_message(&message(vec![(
        "Encrypt",
        payload(vec![
            text("UniqueIdentifier", &uid),
            ecb(),
            bytes("Data", &[0u8; 16]),
        ]),
    )]));
    let items = batch(&resp);
    let wrong = enum_value(tag("ResultReason"), "WrongKeyLifecycleState").expect("reason");
    assert_eq!(
        items[0].child(tag("ResultReason")).map(|r| r.value.clone()),
        Some(Value::Enumeration(wrong)),
        "{}",
        status(items[0])
    );
}

/// Multi-part AES-CBC (Init Indicator, Correlation Value, Final Indicator)
/// across three messages equals the one-shot ciphertext, and decrypts back.
#[test]
fn multi_part_cbc_matches_one_shot() {
    let server = Server::in_memory();
    let resp = server.handle_message(&message(vec![
        ("Register", register_aes(&[0x2Bu8; 32])),
        ("Activate", payload(vec![])),
    ]));
    let items = batch(&resp);
    assert_success(items[1]);
    let uid = out_uid(items[0]);
    let params = || {
        st(
            "CryptographicParameters",
            vec![en("BlockCipherMode", "CBC"), en("PaddingMethod", "PKCS5")],
        )
    };
    let iv = [9u8; 16];
    let data: Vec<u8> = (0u8..100).collect();
    let one = server.handle_message(&message(vec![(
        "Encrypt",
        payload(vec![
            text("UniqueIdentifier", &uid),
            params(),
            bytes("Data", &data),
            bytes("IVCounterNonce", &iv),
        ]),
    )]));
    let one = batch(&one)[0];
    assert_success(one);
    let expected = out_bytes(one, "Data");
    assert_eq!(expected.len(), 112);

    let first = server.handle_message(&message(vec![(
        "Encrypt",
        payload(vec![
            text("UniqueIdentifier", &uid),
            params(),
            bytes("Data", &data[..37]),
            bytes("IVCounterNonce", &iv),
            boolean("InitIndicator", true),
        ]),
    )]));
    let first = batch(&first)[0];
    assert_success(first);
    let corr = out_bytes(first, "CorrelationValue");
    let mut got = out_bytes(first, "Data");
    let last = server.handle_message(&message(vec![(
        "Encrypt",
        payload(vec![
            text("UniqueIdentifier", &uid),
            bytes("Data", &data[37..]),
            bytes("CorrelationValue", &corr),
            boolean("FinalIndicator", true),
        ]),
    )]));
    let last = batch(&last)[0];
    assert_success(last);
    got.extend(out_bytes(last, "Data"));
    assert_eq!(got, expected);

    let back = server.handle_message(&message(vec![(
        "Decrypt",
        payload(vec![
            text("UniqueIdentifier", &uid),
            params(),
            bytes("Data", &expected),
            bytes("IVCounterNonce", &iv),
        ]),
    )]));
    let back = batch(&back)[0];
    assert_success(back);
    assert_eq!(out_bytes(back, "Data"), data);

    // The stream is closed: its Correlation Value is no longer accepted.
    let again = server.handle_message(&message(vec![(
        "Encrypt",
        payload(vec![
            text("UniqueIdentifier", &uid),
            bytes("Data", &data[..16]),
            bytes("CorrelationValue", &corr),
            boolean("FinalIndicator", true),
        ]),
    )]));
    let again = batch(&again)[0];
    let invalid_corr = enum_value(tag("ResultReason"), "InvalidCorrelationValue").expect("reason");
    assert_eq!(
        again.child(tag("ResultReason")).map(|r| r.value.clone()),
        Some(Value::Enumeration(invalid_corr)),
        "closed stream: {}",
        status(again)
    );
}

/// Hash SHA-256 of "abc" (FIPS 180-2 appendix B.1) and RNG Retrieve length.
#[test]
fn hash_and_rng_retrieve() {
    let server = Server::in_memory();
    let resp = server.handle_message(&message(vec![
        (
            "Hash",
            payload(vec![
                st(
                    "CryptographicParameters",
                    vec![en("HashingAlgorithm", "SHA_256")],
                ),
                bytes("Data", b"abc"),
            ]),
        ),
        ("RNGRetrieve", payload(vec![int("DataLength", 48)])),
    ]));
    let items = batch(&resp);
    assert_success(items[0]);
    assert_success(items[1]);
    assert_eq!(
        out_bytes(items[0], "Data"),
        hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    let r = out_bytes(items[1], "Data");
    assert_eq!(r.len(), 48);
    assert_ne!(r, vec![0u8; 48]);
}

/// Create Key Pair (RSA-2048) → Activate both → Sign (PSS, SHA-256) →
/// Signature Verify: Valid for the message, Invalid for a changed one.
#[test]
fn rsa_pss_sign_verify_round_trip() {
    let server = Server::in_memory();
    // Cryptographic Usage Mask bits: Sign 0x1, Verify 0x2.
    let mask = |names: &[&str]| {
        names
            .iter()
            .map(|n| if *n == "Sign" { 0x1 } else { 0x2 })
            .fold(0i32, |a, b| a | b)
    };
    let resp = server.handle_message(&message(vec![(
        "CreateKeyPair",
        payload(vec![
            st(
                "CommonAttributes",
                vec![
                    en("CryptographicAlgorithm", "RSA"),
                    int("CryptographicLength", 2048),
                ],
            ),
            st(
                "PrivateKeyAttributes",
                vec![int("CryptographicUsageMask", mask(&["Sign"]))],
            ),
            st(
                "PublicKeyAttributes",
                vec![int("CryptographicUsageMask", mask(&["Verify"]))],
            ),
        ]),
    )]));
    let item = batch(&resp)[0];
    assert_success(item);
    let p = item.child(tag("ResponsePayload")).expect("payload");
    let uid = |n: &str| {
        p.child(tag(n))
            .and_then(|u| u.value.as_text())
            .expect("key pair uid")
            .to_string()
    };
    let (private, public) = (
        uid("PrivateKeyUniqueIdentifier"),
        uid("PublicKeyUniqueIdentifier"),
    );
    let params = || {
        st(
            "CryptographicParameters",
            vec![
                en("PaddingMethod", "PSS"),
                en("HashingAlgorithm", "SHA_256"),
                en("CryptographicAlgorithm", "RSA"),
            ],
        )
    };
    let msg = b"the reference server signs this".to_vec();
    let resp = server.handle_message(&message(vec![
        (
            "Activate",
            payload(vec![text("UniqueIdentifier", &private)]),
        ),
        ("Activate", payload(vec![text("UniqueIdentifier", &public)])),
        (
            "Sign",
            payload(vec![
                text("UniqueIdentifier", &private),
                params(),
                bytes("Data", &msg),
            ]),
        ),
    ]));
    let items = batch(&resp);
    for i in &items {
        assert_success(i);
    }
    let sig = out_bytes(items[2], "SignatureData");
    assert_eq!(sig.len(), 256);
    let verify = |data: &[u8]| {
        let resp = server.handle_message(&message(vec![(
            "SignatureVerify",
            payload(vec![
                text("UniqueIdentifier", &public),
                params(),
                bytes("Data", data),
                bytes("SignatureData", &sig),
            ]),
        )]));
        let item = batch(&resp)[0].clone();
        assert_success(&item);
        item.child(tag("ResponsePayload"))
            .and_then(|p| p.child(tag("ValidityIndicator")))
            .map(|v| v.value.clone())
            .expect("ValidityIndicator")
    };
    let valid = enum_value(tag("ValidityIndicator"), "Valid").expect("Valid");
    let invalid = enum_value(tag("ValidityIndicator"), "Invalid").expect("Invalid");
    assert_eq!(verify(&msg), Value::Enumeration(valid));
    let mut changed = msg.clone();
    changed.push(b'!');
    assert_eq!(verify(&changed), Value::Enumeration(invalid));
}

/// Usage Limits (16 bytes) are taken per Encrypt and kept across messages:
/// the first 16-byte Encrypt succeeds, the second is Permission Denied.
#[test]
fn usage_limits_are_consumed_across_messages() {
    let server = Server::in_memory();
    let mut reg = register_aes(&[0x11u8; 16]);
    if let Value::Structure(children) = &mut reg.value {
        for c in children.iter_mut() {
            if c.tag == tag("Attributes") {
                if let Value::Structure(attrs) = &mut c.value {
                    attrs.push(st(
                        "UsageLimits",
                        vec![
                            Item::new(tag("UsageLimitsTotal"), Value::LongInteger(16)),
                            en("UsageLimitsUnit", "Byte"),
                        ],
                    ));
                }
            }
        }
    }
    let resp = server.handle_message(&message(vec![
        ("Register", reg),
        ("Activate", payload(vec![])),
    ]));
    let items = batch(&resp);
    assert_success(items[0]);
    assert_success(items[1]);
    let uid = out_uid(items[0]);
    let encrypt = || {
        let resp = server.handle_message(&message(vec![(
            "Encrypt",
            payload(vec![
                text("UniqueIdentifier", &uid),
                ecb(),
                bytes("Data", &[0u8; 16]),
            ]),
        )]));
        batch(&resp)[0].clone()
    };
    assert_success(&encrypt());
    let second = encrypt();
    let denied = enum_value(tag("ResultReason"), "PermissionDenied").expect("reason");
    assert_eq!(
        second.child(tag("ResultReason")).map(|r| r.value.clone()),
        Some(Value::Enumeration(denied)),
        "second Encrypt: {}",
        status(&second)
    );
}

/// The Key Format Type of the Key Block in a Get response.
fn got_format(item: &Item) -> u32 {
    let mut found = None;
    if let Some(p) = item.child(tag("ResponsePayload")) {
        p.walk(&mut |i| {
            if i.tag == tag("KeyFormatType") && found.is_none() {
                if let Value::Enumeration(v) = i.value {
                    found = Some(v);
                }
            }
        });
    }
    found.unwrap_or_else(|| panic!("no Key Format Type in {item:?}"))
}

/// Create Key Pair for EC on P-256 / P-384 / P-521 (KMIP 2.1 §6.1.9, the
/// curve in Cryptographic Domain Parameters §4.14), then: the halves are
/// Transparent EC Private / Public Keys (§3.11, §3.12) of the curve's
/// length; Get converts them to PKCS#8 / X.509 when asked; Sign with
/// ECDSA (§6.1.55) and Signature Verify (§6.1.56) give Valid for the
/// message and Invalid for a changed one.
#[test]
fn ec_key_pairs_sign_and_verify_with_ecdsa() {
    for (curve, bits, dsa) in [
        ("P_256", 256, "ECDSAWithSHA256"),
        ("P_384", 384, "ECDSAWithSHA384"),
        ("P_521", 521, "ECDSAWithSHA512"),
    ] {
        let server = Server::in_memory();
        let resp = server.handle_message(&message(vec![(
            "CreateKeyPair",
            payload(vec![
                st(
                    "CommonAttributes",
                    vec![
                        en("CryptographicAlgorithm", "EC"),
                        int("CryptographicLength", bits),
                        st(
                            "CryptographicDomainParameters",
                            vec![en("RecommendedCurve", curve)],
                        ),
                    ],
                ),
                st(
                    "PrivateKeyAttributes",
                    vec![int("CryptographicUsageMask", 0x1)],
                ),
                st(
                    "PublicKeyAttributes",
                    vec![int("CryptographicUsageMask", 0x2)],
                ),
            ]),
        )]));
        let item = batch(&resp)[0];
        assert_success(item);
        let p = item.child(tag("ResponsePayload")).expect("payload");
        let uid = |n: &str| {
            p.child(tag(n))
                .and_then(|u| u.value.as_text())
                .expect("key pair uid")
                .to_string()
        };
        let (private, public) = (
            uid("PrivateKeyUniqueIdentifier"),
            uid("PublicKeyUniqueIdentifier"),
        );
        let fmt = |n: &str| enum_value(tag("KeyFormatType"), n).expect("Key Format Type");
        let get = |u: &str, format: Option<&str>| {
            let mut c = vec![text("UniqueIdentifier", u)];
            if let Some(f) = format {
                c.push(en("KeyFormatType", f));
            }
            let resp = server.handle_message(&message(vec![("Get", payload(c))]));
            let item = batch(&resp)[0].clone();
            assert_success(&item);
            item
        };
        let got = get(&private, None);
        assert_eq!(got_format(&got), fmt("TransparentECPrivateKey"), "{curve}");
        let mut length = None;
        let mut rc = None;
        got.walk(&mut |i| {
            if i.tag == tag("CryptographicLength") {
                length = Some(i.value.clone());
            }
            if i.tag == tag("RecommendedCurve") {
                rc = Some(i.value.clone());
            }
        });
        assert_eq!(length, Some(Value::Integer(bits)), "{curve} length");
        assert_eq!(
            rc,
            enum_value(tag("RecommendedCurve"), curve).map(Value::Enumeration),
            "{curve} Recommended Curve"
        );
        assert_eq!(
            got_format(&get(&public, None)),
            fmt("TransparentECPublicKey"),
            "{curve}"
        );
        assert_eq!(
            got_format(&get(&private, Some("PKCS_8"))),
            fmt("PKCS_8"),
            "{curve}"
        );
        assert_eq!(
            got_format(&get(&public, Some("X_509"))),
            fmt("X_509"),
            "{curve}"
        );

        let params = || {
            st(
                "CryptographicParameters",
                vec![en("DigitalSignatureAlgorithm", dsa)],
            )
        };
        let msg = format!("signed on {curve}").into_bytes();
        let resp = server.handle_message(&message(vec![
            (
                "Activate",
                payload(vec![text("UniqueIdentifier", &private)]),
            ),
            ("Activate", payload(vec![text("UniqueIdentifier", &public)])),
            (
                "Sign",
                payload(vec![
                    text("UniqueIdentifier", &private),
                    params(),
                    bytes("Data", &msg),
                ]),
            ),
        ]));
        let items = batch(&resp);
        for i in &items {
            assert_success(i);
        }
        let sig = out_bytes(items[2], "SignatureData");
        let verify = |data: &[u8]| {
            let resp = server.handle_message(&message(vec![(
                "SignatureVerify",
                payload(vec![
                    text("UniqueIdentifier", &public),
                    params(),
                    bytes("Data", data),
                    bytes("SignatureData", &sig),
                ]),
            )]));
            let item = batch(&resp)[0].clone();
            assert_success(&item);
            item.child(tag("ResponsePayload"))
                .and_then(|p| p.child(tag("ValidityIndicator")))
                .map(|v| v.value.clone())
                .expect("ValidityIndicator")
        };
        let valid = enum_value(tag("ValidityIndicator"), "Valid").expect("Valid");
        let invalid = enum_value(tag("ValidityIndicator"), "Invalid").expect("Invalid");
        assert_eq!(verify(&msg), Value::Enumeration(valid), "{curve}");
        let mut changed = msg.clone();
        changed.push(b'!');
        assert_eq!(verify(&changed), Value::Enumeration(invalid), "{curve}");
    }
}

/// An EC key pair needs a curve the engine has: a Cryptographic Length
/// that names none (P-224 is not implemented) is Invalid Field, and a
/// length that disagrees with the Recommended Curve too.
#[test]
fn ec_key_pair_with_an_unsupported_or_inconsistent_curve_fails() {
    let server = Server::in_memory();
    let invalid_field = enum_value(tag("ResultReason"), "InvalidField").expect("InvalidField");
    for common in [
        vec![
            en("CryptographicAlgorithm", "EC"),
            int("CryptographicLength", 200),
        ],
        vec![
            en("CryptographicAlgorithm", "EC"),
            int("CryptographicLength", 384),
            st(
                "CryptographicDomainParameters",
                vec![en("RecommendedCurve", "P_256")],
            ),
        ],
    ] {
        let resp = server.handle_message(&message(vec![(
            "CreateKeyPair",
            payload(vec![st("CommonAttributes", common)]),
        )]));
        let item = batch(&resp)[0];
        assert_eq!(
            item.child(tag("ResultReason")).map(|r| r.value.clone()),
            Some(Value::Enumeration(invalid_field)),
            "{}",
            status(item)
        );
    }
}

/// A KMIP 1.x `Attribute` (name, value).
fn attribute(name: &str, value: Item) -> Item {
    st(
        "Attribute",
        vec![text("AttributeName", name), retag(value, "AttributeValue")],
    )
}

/// A KMIP 1.2 client asks for an ECDSA key pair: its spec has no
/// Transparent EC formats (those are KMIP 1.4 §2.1.7.14–15), so the halves
/// come as PKCS#8 / X.509 (KMIP 1.0 §9.1.3.2.3), which every version has.
#[test]
fn ec_key_pair_for_a_kmip_1_2_client_is_pkcs8_and_x509() {
    let server = Server::in_memory();
    let resp = server.handle_message(&message_v(
        1,
        2,
        vec![(
            "CreateKeyPair",
            payload(vec![st(
                "CommonTemplateAttribute",
                vec![
                    attribute(
                        "Cryptographic Algorithm",
                        en("CryptographicAlgorithm", "ECDSA"),
                    ),
                    attribute("Cryptographic Length", int("CryptographicLength", 256)),
                ],
            )]),
        )],
    ));
    let item = batch(&resp)[0];
    assert_success(item);
    let p = item.child(tag("ResponsePayload")).expect("payload");
    let uid = |n: &str| {
        p.child(tag(n))
            .and_then(|u| u.value.as_text())
            .expect("key pair uid")
            .to_string()
    };
    let fmt = |n: &str| enum_value(tag("KeyFormatType"), n).expect("Key Format Type");
    for (half, want) in [
        ("PrivateKeyUniqueIdentifier", "PKCS_8"),
        ("PublicKeyUniqueIdentifier", "X_509"),
    ] {
        let resp = server.handle_message(&message_v(
            1,
            2,
            vec![("Get", payload(vec![text("UniqueIdentifier", &uid(half))]))],
        ));
        let got = batch(&resp)[0];
        assert_success(got);
        assert_eq!(got_format(got), fmt(want), "{half}");
    }
}

/// Re-key Key Pair of an EC pair (KMIP 2.1 §6.1.47) makes a new pair on the
/// same curve: the Cryptographic Domain Parameters are inherited.
#[test]
fn re_key_key_pair_keeps_the_curve() {
    let server = Server::in_memory();
    let resp = server.handle_message(&message(vec![(
        "CreateKeyPair",
        payload(vec![st(
            "CommonAttributes",
            vec![
                en("CryptographicAlgorithm", "EC"),
                st(
                    "CryptographicDomainParameters",
                    vec![en("RecommendedCurve", "P_384")],
                ),
            ],
        )]),
    )]));
    let item = batch(&resp)[0];
    assert_success(item);
    let private = item
        .child(tag("ResponsePayload"))
        .and_then(|p| p.child(tag("PrivateKeyUniqueIdentifier")))
        .and_then(|u| u.value.as_text())
        .expect("private uid")
        .to_string();
    let resp = server.handle_message(&message(vec![(
        "ReKeyKeyPair",
        payload(vec![text("PrivateKeyUniqueIdentifier", &private)]),
    )]));
    let item = batch(&resp)[0];
    assert_success(item);
    let new_private = item
        .child(tag("ResponsePayload"))
        .and_then(|p| p.child(tag("PrivateKeyUniqueIdentifier")))
        .and_then(|u| u.value.as_text())
        .expect("new private uid")
        .to_string();
    assert_ne!(new_private, private);
    let resp = server.handle_message(&message(vec![(
        "Get",
        payload(vec![text("UniqueIdentifier", &new_private)]),
    )]));
    let got = batch(&resp)[0];
    assert_success(got);
    let mut length = None;
    let mut curve = None;
    got.walk(&mut |i| {
        if i.tag == tag("CryptographicLength") {
            length = Some(i.value.clone());
        }
        if i.tag == tag("RecommendedCurve") {
            curve = Some(i.value.clone());
        }
    });
    assert_eq!(length, Some(Value::Integer(384)));
    assert_eq!(
        curve,
        enum_value(tag("RecommendedCurve"), "P_384").map(Value::Enumeration)
    );
}
