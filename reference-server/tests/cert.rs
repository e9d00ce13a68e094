//! Certify, Re-certify and Validate through whole request messages
//! (KMIP 2.1 §6.1.6, §6.1.45, §6.1.57): certificates issued by the
//! server's CA are parsed back with x509-parser and checked field by field;
//! links, Re-certify dates and the CA's persistence in a redb store;
//! Validate's Valid / Invalid / Unknown verdicts.

mod named;

use kmip_reference_server::Server;
use kmip_ttlv::{Item, Value};
use named::*;

fn ok(server: &Server, items: Vec<(&str, Item)>) -> Vec<Item> {
    let resp = server.handle_message(&message(items));
    let out: Vec<Item> = batch(&resp).into_iter().cloned().collect();
    for i in &out {
        assert_success(i);
    }
    out
}

fn uid(u: &str) -> Item {
    text("UniqueIdentifier", u)
}

/// Create Key Pair (ECDSA P-256); returns (private, public) uids.
fn key_pair(server: &Server) -> (String, String) {
    let r = ok(
        server,
        vec![(
            "CreateKeyPair",
            payload(vec![st(
                "CommonAttributes",
                vec![
                    en("CryptographicAlgorithm", "ECDSA"),
                    int("CryptographicLength", 256),
                    st(
                        "CryptographicDomainParameters",
                        vec![en("RecommendedCurve", "P_256")],
                    ),
                ],
            )]),
        )],
    );
    let p = r[0].child(tag("ResponsePayload")).expect("payload");
    let get = |n: &str| {
        p.child(tag(n))
            .and_then(|u| u.value.as_text())
            .expect("uid")
            .to_string()
    };
    (
        get("PrivateKeyUniqueIdentifier"),
        get("PublicKeyUniqueIdentifier"),
    )
}

fn get_cert(server: &Server, id: &str) -> Vec<u8> {
    let r = ok(server, vec![("Get", payload(vec![uid(id)]))]);
    let c = r[0]
        .child(tag("ResponsePayload"))
        .and_then(|p| p.child(tag("Certificate")))
        .and_then(|c| c.child(tag("CertificateValue")))
        .expect("CertificateValue");
    match &c.value {
        Value::ByteString(b) => b.clone(),
        other => panic!("{other:?}"),
    }
}

fn links(server: &Server, id: &str) -> Vec<(String, String)> {
    let r = ok(server, vec![("GetAttributes", payload(vec![uid(id)]))]);
    let attrs = r[0]
        .child(tag("ResponsePayload"))
        .and_then(|p| p.child(tag("Attributes")))
        .expect("Attributes");
    attrs
        .children()
        .iter()
        .filter(|a| a.tag == tag("Link"))
        .map(|l| {
            let lt = match l.child(tag("LinkType")).map(|v| &v.value) {
                Some(Value::Enumeration(v)) => kmip_ttlv::dict::enum_for_tag(tag("LinkType").0)
                    .and_then(|e| e.name_of(*v))
                    .unwrap_or("?")
                    .to_string(),
                _ => "?".into(),
            };
            let target = l
                .child(tag("LinkedObjectIdentifier"))
                .and_then(|v| v.value.as_text())
                .unwrap_or("")
                .to_string();
            (lt, target)
        })
        .collect()
}

fn certify_key(server: &Server, key: &str) -> String {
    let r = ok(
        server,
        vec![(
            "Certify",
            payload(vec![
                uid(key),
                st(
                    "Attributes",
                    vec![
                        en("CertificateType", "X_509"),
                        text("CertificateSubjectCN", "device-17"),
                        text("CertificateSubjectO", "Example Org"),
                    ],
                ),
            ]),
        )],
    );
    out_uid(&r[0])
}

fn validate(server: &Server, children: Vec<Item>) -> u32 {
    let r = ok(server, vec![("Validate", payload(children))]);
    out_enum(&r[0], "ValidityIndicator")
}

fn cn(name: &x509_parser::x509::X509Name<'_>) -> String {
    name.iter_common_name()
        .next()
        .and_then(|c| c.as_str().ok())
        .unwrap_or("")
        .to_string()
}

#[test]
fn certify_public_key_issues_signed_certificate_with_links() {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let server = Server::in_memory();
    let (_prv, public) = key_pair(&server);
    let cert_uid = certify_key(&server, &public);
    let der = get_cert(&server, &cert_uid);
    let (_, cert) = X509Certificate::from_der(&der).expect("issued certificate parses");
    assert_eq!(cn(cert.subject()), "device-17");
    assert_eq!(cn(cert.issuer()), "kmip-reference-server CA");
    // the certified key is the public key object's key
    let r = ok(
        &server,
        vec![(
            "Get",
            payload(vec![uid(&public), en("KeyFormatType", "X_509")]),
        )],
    );
    let spki = r[0]
        .child(tag("ResponsePayload"))
        .and_then(|p| p.child(tag("PublicKey")))
        .and_then(|k| k.child(tag("KeyBlock")))
        .and_then(|b| b.child(tag("KeyValue")))
        .and_then(|v| v.child(tag("KeyMaterial")))
        .map(|m| m.value.clone());
    assert_eq!(
        spki,
        Some(Value::ByteString(cert.public_key().raw.to_vec()))
    );
    // §6.1.6: Certificate link on the key, Public Key link on the certificate
    assert!(links(&server, &public).contains(&("CertificateLink".into(), cert_uid.clone())));
    assert!(links(&server, &cert_uid).contains(&("PublicKeyLink".into(), public.clone())));
    // signed by the CA: the chain validates
    assert_eq!(
        validate(&server, vec![uid(&cert_uid)]),
        code("ValidityIndicator", "Valid")
    );
    // derived attributes (2.x): Certificate Type, Length, Digital Signature Algorithm
    let r = ok(
        &server,
        vec![("GetAttributes", payload(vec![uid(&cert_uid)]))],
    );
    let attrs = r[0]
        .child(tag("ResponsePayload"))
        .and_then(|p| p.child(tag("Attributes")))
        .expect("Attributes");
    assert_eq!(
        attrs
            .child(tag("CertificateLength"))
            .map(|v| v.value.clone()),
        Some(Value::Integer(der.len() as i32))
    );
    assert_eq!(
        attrs
            .child(tag("DigitalSignatureAlgorithm"))
            .map(|v| v.value.clone()),
        Some(Value::Enumeration(code(
            "DigitalSignatureAlgorithm",
            "ECDSAWithSHA256"
        )))
    );
    assert_eq!(
        attrs
            .child(tag("CryptographicLength"))
            .map(|v| v.value.clone()),
        Some(Value::Integer(256))
    );
}

#[test]
fn certify_pkcs10_and_pem_requests() {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let server = Server::in_memory();
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(vec!["host.example".to_string()]).expect("p");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "csr-subject");
    let csr = params.serialize_request(&key).expect("csr");
    for (kind, value) in [
        ("PKCS_10", csr.der().to_vec()),
        ("PEM", csr.pem().expect("pem").into_bytes()),
    ] {
        let r = ok(
            &server,
            vec![(
                "Certify",
                payload(vec![
                    en("CertificateRequestType", kind),
                    bytes("CertificateRequestValue", &value),
                ]),
            )],
        );
        let der = get_cert(&server, &out_uid(&r[0]));
        let (_, cert) = X509Certificate::from_der(&der).expect("parses");
        assert_eq!(cn(cert.subject()), "csr-subject", "{kind}");
        assert_eq!(
            cert.public_key().raw,
            rcgen::PublicKeyData::subject_public_key_info(&key).as_slice()
        );
        assert_eq!(
            validate(&server, vec![uid(&out_uid(&r[0]))]),
            code("ValidityIndicator", "Valid")
        );
    }
    // a request whose signature does not verify: Invalid CSR
    let mut bad = csr.der().to_vec();
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    let resp = server.handle_message(&message(vec![(
        "Certify",
        payload(vec![
            en("CertificateRequestType", "PKCS_10"),
            bytes("CertificateRequestValue", &bad),
        ]),
    )]));
    assert_eq!(
        reason(batch(&resp)[0]),
        Some(code("ResultReason", "InvalidCSR"))
    );
}

#[test]
fn certify_unknown_key_and_wrong_type_fail() {
    let server = Server::in_memory();
    let resp = server.handle_message(&message(vec![(
        "Certify",
        payload(vec![
            uid("no-such-key"),
            st("Attributes", vec![en("CertificateType", "X_509")]),
        ]),
    )]));
    // 2.1 Table 181 (Certify Errors) lists Item Not Found, not Object Not Found.
    assert_eq!(
        reason(batch(&resp)[0]),
        Some(code("ResultReason", "ItemNotFound"))
    );
    let (private, _public) = key_pair(&server);
    let resp = server.handle_message(&message(vec![(
        "Certify",
        payload(vec![
            uid(&private),
            st("Attributes", vec![en("CertificateType", "X_509")]),
        ]),
    )]));
    assert_eq!(
        reason(batch(&resp)[0]),
        Some(code("ResultReason", "InvalidObjectType"))
    );
}

#[test]
fn re_certify_links_names_and_offset_dates() {
    let server = Server::in_memory();
    let (_prv, public) = key_pair(&server);
    let old = certify_key(&server, &public);
    ok(
        &server,
        vec![(
            "AddAttribute",
            payload(vec![
                uid(&old),
                st(
                    "NewAttribute",
                    vec![st(
                        "Name",
                        vec![
                            text("NameValue", "cert-re-1"),
                            en("NameType", "UninterpretedTextString"),
                        ],
                    )],
                ),
            ]),
        )],
    );
    let r = ok(
        &server,
        vec![(
            "ReCertify",
            payload(vec![
                uid(&old),
                Item::new(tag("Offset"), Value::Interval(3600)),
            ]),
        )],
    );
    let new = out_uid(&r[0]);
    assert_ne!(new, old);
    assert!(links(&server, &old).contains(&("ReplacementObjectLink".into(), new.clone())));
    assert!(links(&server, &new).contains(&("ReplacedObjectLink".into(), old.clone())));
    assert!(links(&server, &new).contains(&("PublicKeyLink".into(), public.clone())));
    let key_links = links(&server, &public);
    assert!(key_links.contains(&("CertificateLink".into(), new.clone())));
    assert!(!key_links.contains(&("CertificateLink".into(), old.clone())));
    // the Name moved to the new certificate
    let names = |id: &str| {
        let r = ok(&server, vec![("GetAttributes", payload(vec![uid(id)]))]);
        let a = r[0]
            .child(tag("ResponsePayload"))
            .and_then(|p| p.child(tag("Attributes")))
            .expect("Attributes")
            .clone();
        let act = match a.child(tag("ActivationDate")).map(|v| &v.value) {
            Some(Value::DateTime(d)) => Some(*d),
            _ => None,
        };
        (
            a.children().iter().filter(|c| c.tag == tag("Name")).count(),
            act,
        )
    };
    let (new_names, new_act) = names(&new);
    let (old_names, _) = names(&old);
    assert_eq!((new_names, old_names), (1, 0));
    // Offset: Activation Date = Initial Date + Offset
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let act = new_act.expect("Activation Date set from the Offset");
    assert!(
        (act - (now + 3600)).abs() < 120,
        "activation {act} vs now {now}"
    );
    // the new certificate is signed by the CA too
    assert_eq!(
        validate(&server, vec![uid(&new)]),
        code("ValidityIndicator", "Valid")
    );
}

fn x509(der: &[u8]) -> Item {
    st(
        "Certificate",
        vec![
            en("CertificateType", "X_509"),
            bytes("CertificateValue", der),
        ],
    )
}

#[test]
fn validate_verdicts() {
    let server = Server::in_memory();
    // a self-signed certificate the server does not hold: Unknown
    let key = rcgen::KeyPair::generate().expect("key");
    let mut p = rcgen::CertificateParams::new(vec![]).expect("p");
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    p.distinguished_name
        .push(rcgen::DnType::CommonName, "outside root");
    let root = p.self_signed(&key).expect("root");
    assert_eq!(
        validate(&server, vec![x509(root.der())]),
        code("ValidityIndicator", "Unknown")
    );
    // a leaf signed by that root, with the root: Unknown (untrusted anchor)
    let leaf_key = rcgen::KeyPair::generate().expect("key");
    let mut lp = rcgen::CertificateParams::new(vec!["leaf.example".into()]).expect("p");
    lp.distinguished_name
        .push(rcgen::DnType::CommonName, "leaf");
    lp.not_after = rcgen::date_time_ymd(2100, 1, 1);
    let issuer = rcgen::Issuer::new(p.clone(), &key);
    let leaf = lp.signed_by(&leaf_key, &issuer).expect("leaf");
    assert_eq!(
        validate(&server, vec![x509(leaf.der()), x509(root.der())]),
        code("ValidityIndicator", "Unknown")
    );
    // once the root is registered it is a trust anchor: Valid
    ok(
        &server,
        vec![(
            "Register",
            payload(vec![
                en("ObjectType", "Certificate"),
                st("Attributes", vec![]),
                x509(root.der()),
            ]),
        )],
    );
    assert_eq!(
        validate(&server, vec![x509(root.der()), x509(leaf.der())]),
        code("ValidityIndicator", "Valid")
    );
    // at a date after the leaf expires: Invalid
    assert_eq!(
        validate(
            &server,
            vec![
                x509(leaf.der()),
                Item::new(tag("ValidityDate"), Value::DateTime(4_133_980_800 + 86_400)),
            ]
        ),
        code("ValidityIndicator", "Invalid")
    );
    // a leaf whose signature was altered: Invalid
    let mut forged = leaf.der().to_vec();
    let last = forged.len() - 1;
    forged[last] ^= 0x01;
    assert_eq!(
        validate(&server, vec![x509(&forged), x509(root.der())]),
        code("ValidityIndicator", "Invalid")
    );
    // not a certificate at all: Invalid
    assert_eq!(
        validate(&server, vec![x509(b"not a certificate")]),
        code("ValidityIndicator", "Invalid")
    );
}

#[test]
fn ca_persists_in_the_data_dir() {
    use kmip_reference_server::store::RedbStore;
    use x509_parser::prelude::{FromDer, X509Certificate};
    let dir = std::env::temp_dir().join(format!("kh-cert-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let issuer_key = |server: &Server| {
        let (_p, public) = key_pair(server);
        let c = certify_key(server, &public);
        let der = get_cert(server, &c);
        (c, der)
    };
    let (first_uid, first) = {
        let s = Server::new(Box::new(RedbStore::open(&dir).expect("open")));
        issuer_key(&s)
    };
    let s = Server::new(Box::new(RedbStore::open(&dir).expect("reopen")));
    let (_, second) = issuer_key(&s);
    let (_, a) = X509Certificate::from_der(&first).expect("parse");
    let (_, b) = X509Certificate::from_der(&second).expect("parse");
    assert_eq!(a.issuer(), b.issuer());
    // the second certificate verifies with the key that signed the first
    // (the same CA, read back from the store), and the first still validates
    assert_eq!(
        validate(&s, vec![uid(&first_uid)]),
        code("ValidityIndicator", "Valid")
    );
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn certificate_request_object_is_certified_by_uid() {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let server = Server::in_memory();
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(vec![]).expect("p");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "stored-request");
    let csr = params.serialize_request(&key).expect("csr");
    let request = st(
        "CertificateRequest",
        vec![
            en("CertificateRequestType", "PKCS_10"),
            bytes("CertificateRequestValue", csr.der()),
        ],
    );
    let r = ok(
        &server,
        vec![(
            "Register",
            payload(vec![
                en("ObjectType", "CertificateRequest"),
                st("Attributes", vec![]),
                request.clone(),
            ]),
        )],
    );
    let req_uid = out_uid(&r[0]);
    let r = ok(&server, vec![("Certify", payload(vec![uid(&req_uid)]))]);
    let cert_uid = out_uid(&r[0]);
    let der = get_cert(&server, &cert_uid);
    let (_, cert) = X509Certificate::from_der(&der).expect("parses");
    assert_eq!(cn(cert.subject()), "stored-request");
    // Re-certify with the stored request named by Certificate Request Unique Identifier
    let r = ok(
        &server,
        vec![(
            "ReCertify",
            payload(vec![
                uid(&cert_uid),
                text("CertificateRequestUniqueIdentifier", &req_uid),
            ]),
        )],
    );
    let der = get_cert(&server, &out_uid(&r[0]));
    let (_, renewed) = X509Certificate::from_der(&der).expect("parses");
    assert_eq!(renewed.public_key().raw, cert.public_key().raw);
    assert_ne!(renewed.raw_serial(), cert.raw_serial());

    // KMIP 1.4 has no Certificate Request object type: Register refuses it
    let resp = server.handle_message(&message_v(
        1,
        4,
        vec![(
            "Register",
            payload(vec![
                Item::new(
                    tag("ObjectType"),
                    Value::Enumeration(code("ObjectType", "CertificateRequest")),
                ),
                request,
            ]),
        )],
    ));
    assert_eq!(
        reason(batch(&resp)[0]),
        Some(code("ResultReason", "IllegalOperation"))
    );
}

#[test]
fn pgp_key_needs_its_version() {
    let server = Server::in_memory();
    let block = st(
        "KeyBlock",
        vec![
            en("KeyFormatType", "Opaque"),
            st("KeyValue", vec![bytes("KeyMaterial", b"-----BEGIN PGP")]),
        ],
    );
    let resp = server.handle_message(&message(vec![(
        "Register",
        payload(vec![
            en("ObjectType", "PGPKey"),
            st("Attributes", vec![]),
            st("PGPKey", vec![block.clone()]),
        ]),
    )]));
    assert_eq!(
        reason(batch(&resp)[0]),
        Some(code("ResultReason", "MissingData"))
    );
    let r = ok(
        &server,
        vec![(
            "Register",
            payload(vec![
                en("ObjectType", "PGPKey"),
                st("Attributes", vec![]),
                st("PGPKey", vec![int("PGPKeyVersion", 4), block]),
            ]),
        )],
    );
    let r = ok(&server, vec![("Get", payload(vec![uid(&out_uid(&r[0]))]))]);
    let version = r[0]
        .child(tag("ResponsePayload"))
        .and_then(|p| p.child(tag("PGPKey")))
        .and_then(|k| k.child(tag("PGPKeyVersion")))
        .map(|v| v.value.clone());
    assert_eq!(version, Some(Value::Integer(4)));
}

/// The attribute names of a Get Attributes answer (1.x: Attribute Name
/// texts; 2.x: the tags inside Attributes, as dictionary names).
fn attribute_names(resp_item: &Item) -> Vec<String> {
    let p = resp_item.child(tag("ResponsePayload")).expect("payload");
    if let Some(attrs) = p.child(tag("Attributes")) {
        return attrs
            .children()
            .iter()
            .filter_map(|a| kmip_ttlv::dict::tag_name(a.tag.0).map(str::to_string))
            .collect();
    }
    p.children()
        .iter()
        .filter(|a| a.tag == tag("Attribute"))
        .filter_map(|a| a.child(tag("AttributeName")))
        .filter_map(|n| n.value.as_text().map(str::to_string))
        .collect()
}

/// Register of a certificate derives the attributes of the negotiated
/// version from the DER: 1.x (1.1+) both the 1.0 text forms and the X.509
/// ones; 2.x no 1.0 text forms (removed in 2.0).
#[test]
fn register_derives_certificate_attributes_per_version() {
    let server = Server::in_memory();
    let key = rcgen::KeyPair::generate().expect("key");
    let mut p = rcgen::CertificateParams::new(vec![]).expect("p");
    p.distinguished_name
        .push(rcgen::DnType::CommonName, "registered");
    let cert = p.self_signed(&key).expect("cert");
    let register = |major, minor| {
        let container = if major == 1 {
            st("TemplateAttribute", vec![])
        } else {
            st("Attributes", vec![])
        };
        let resp = server.handle_message(&message_v(
            major,
            minor,
            vec![(
                "Register",
                payload(vec![
                    en("ObjectType", "Certificate"),
                    container,
                    x509(cert.der()),
                ]),
            )],
        ));
        let items = batch(&resp);
        assert_success(items[0]);
        let id = out_uid(items[0]);
        let resp = server.handle_message(&message_v(
            major,
            minor,
            vec![("GetAttributes", payload(vec![uid(&id)]))],
        ));
        let items = batch(&resp);
        assert_success(items[0]);
        attribute_names(items[0])
    };
    let v14 = register(1, 4);
    for n in [
        "Certificate Type",
        "Certificate Length",
        "Certificate Identifier",
        "Certificate Subject",
        "Certificate Issuer",
        "X.509 Certificate Identifier",
        "X.509 Certificate Subject",
        "X.509 Certificate Issuer",
        "Digital Signature Algorithm",
        "Cryptographic Algorithm",
        "Cryptographic Length",
    ] {
        assert!(v14.iter().any(|a| a == n), "1.4 lacks {n}: {v14:?}");
    }
    let v21 = register(2, 1);
    for n in [
        "CertificateType",
        "CertificateLength",
        "X_509CertificateIdentifier",
        "X_509CertificateSubject",
        "X_509CertificateIssuer",
        "DigitalSignatureAlgorithm",
        "CryptographicAlgorithm",
        "CryptographicLength",
        "CertificateSubjectCN",
    ] {
        assert!(v21.iter().any(|a| a == n), "2.1 lacks {n}: {v21:?}");
    }
    for n in [
        "CertificateIdentifier",
        "CertificateSubject",
        "CertificateIssuer",
    ] {
        assert!(!v21.iter().any(|a| a == n), "2.1 has the 1.x {n}");
    }
}

/// A client cannot pass its own objects off as the CA, nor break Certify
/// by taking the CA's Names first; renewing the CA certificate does not
/// lose the CA.
#[test]
fn ca_is_marked_not_named() {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let server = Server::in_memory();
    // a client certificate that takes the CA certificate's Name first
    let key = rcgen::KeyPair::generate().expect("key");
    let mut p = rcgen::CertificateParams::new(vec![]).expect("p");
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let squatter = p.self_signed(&key).expect("cert");
    ok(
        &server,
        vec![(
            "Register",
            payload(vec![
                en("ObjectType", "Certificate"),
                st(
                    "Attributes",
                    vec![st(
                        "Name",
                        vec![
                            text("NameValue", "kmip-reference-server CA"),
                            en("NameType", "UninterpretedTextString"),
                        ],
                    )],
                ),
                x509(squatter.der()),
            ]),
        )],
    );
    let (_prv, public) = key_pair(&server);
    let first = certify_key(&server, &public);
    let der = get_cert(&server, &first);
    let (_, c1) = X509Certificate::from_der(&der).expect("parse");
    assert_eq!(cn(c1.issuer()), "kmip-reference-server CA");
    // Get Attributes of every object renders (the server attribute too)
    let r = ok(&server, vec![("Locate", payload(vec![]))]);
    let all: Vec<String> = r[0]
        .child(tag("ResponsePayload"))
        .map(|p| {
            p.children()
                .iter()
                .filter_map(|u| u.value.as_text().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    // squatter, key pair, CA key + certificate, first
    assert_eq!(all.len(), 6, "{all:?}");
    for id in &all {
        ok(&server, vec![("GetAttributes", payload(vec![uid(id)]))]);
        let resp = server.handle_message(&message_v(
            1,
            4,
            vec![("GetAttributes", payload(vec![uid(id)]))],
        ));
        assert_success(batch(&resp)[0]);
    }
    // renew every certificate, the CA's included: Certify still signs with
    // the same CA key (both certificates validate)
    let success = code("ResultStatus", "Success");
    let mut renewed = 0;
    for id in &all {
        let resp = server.handle_message(&message(vec![("ReCertify", payload(vec![uid(id)]))]));
        let item = batch(&resp)[0];
        if item.child(tag("ResultStatus")).map(|v| v.value.clone())
            == Some(Value::Enumeration(success))
        {
            renewed += 1;
        }
    }
    // the client's certificate, the CA certificate and `first`
    assert_eq!(renewed, 3);
    let second = certify_key(&server, &public);
    assert_eq!(
        validate(&server, vec![uid(&second)]),
        code("ValidityIndicator", "Valid")
    );
    assert_eq!(
        validate(&server, vec![uid(&first)]),
        code("ValidityIndicator", "Valid")
    );
}

/// The chain rules of `validate_chain` (pure): a non-CA issuer, an issuer
/// whose Key Usage forbids certificate signing and a certificate off the
/// chain make it Invalid; a held self-signed root anchors it.
#[test]
fn chain_rules() {
    use kmip_reference_server::ops::cert::{validate_chain, Validity};
    let now = 1_800_000_000; // 2027
    let make = |cn: &str, ca: bool, usages: Vec<rcgen::KeyUsagePurpose>| {
        let key = rcgen::KeyPair::generate().expect("key");
        let mut p = rcgen::CertificateParams::new(vec![]).expect("p");
        p.distinguished_name.push(rcgen::DnType::CommonName, cn);
        p.not_after = rcgen::date_time_ymd(2100, 1, 1);
        if ca {
            p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        }
        p.key_usages = usages;
        (p, key)
    };
    let (root_p, root_k) = make("root", true, vec![]);
    let root = root_p.self_signed(&root_k).expect("root");
    let root_issuer = rcgen::Issuer::new(root_p.clone(), &root_k);
    let (leaf_p, leaf_k) = make("leaf", false, vec![]);
    let leaf = leaf_p.signed_by(&leaf_k, &root_issuer).expect("leaf");
    let held = vec![root.der().to_vec()];
    let chain = |cs: &[&rcgen::Certificate]| -> Vec<Vec<u8>> {
        cs.iter().map(|c| c.der().to_vec()).collect()
    };
    assert_eq!(
        validate_chain(&chain(&[&leaf]), &held, now),
        Validity::Valid
    );
    assert_eq!(
        validate_chain(&chain(&[&leaf]), &[], now),
        Validity::Unknown
    );
    // a leaf signed by a non-CA certificate
    let (mid_p, mid_k) = make("not a ca", false, vec![]);
    let mid = mid_p.signed_by(&mid_k, &root_issuer).expect("mid");
    let mid_issuer = rcgen::Issuer::new(mid_p, &mid_k);
    let (l2_p, l2_k) = make("leaf 2", false, vec![]);
    let l2 = l2_p.signed_by(&l2_k, &mid_issuer).expect("l2");
    assert_eq!(
        validate_chain(&chain(&[&l2, &mid]), &held, now),
        Validity::Invalid
    );
    // a CA whose Key Usage does not include certificate signing
    let (ku_p, ku_k) = make(
        "ca without keyCertSign",
        true,
        vec![rcgen::KeyUsagePurpose::DigitalSignature],
    );
    let ku = ku_p.signed_by(&ku_k, &root_issuer).expect("ku");
    let ku_issuer = rcgen::Issuer::new(ku_p, &ku_k);
    let (l3_p, l3_k) = make("leaf 3", false, vec![]);
    let l3 = l3_p.signed_by(&l3_k, &ku_issuer).expect("l3");
    assert_eq!(
        validate_chain(&chain(&[&l3, &ku]), &held, now),
        Validity::Invalid
    );
    // a certificate that is not on the leaf's chain
    let (other_p, other_k) = make("unrelated", true, vec![]);
    let other = other_p.self_signed(&other_k).expect("other");
    assert_eq!(
        validate_chain(&chain(&[&leaf, &root, &other]), &held, now),
        Validity::Invalid
    );
    // nothing to validate
    assert_eq!(validate_chain(&[], &held, now), Validity::Invalid);
}

/// Certify with both a request and the Unique Identifier of the public key
/// it is for: the certificate is linked to the key; a request for another
/// key is refused (Invalid Field).
#[test]
fn certify_request_for_a_registered_public_key() {
    let server = Server::in_memory();
    let key = rcgen::KeyPair::generate().expect("key");
    let spki = rcgen::PublicKeyData::subject_public_key_info(&key);
    let r = ok(
        &server,
        vec![(
            "Register",
            payload(vec![
                en("ObjectType", "PublicKey"),
                st("Attributes", vec![]),
                st(
                    "PublicKey",
                    vec![st(
                        "KeyBlock",
                        vec![
                            en("KeyFormatType", "X_509"),
                            st("KeyValue", vec![bytes("KeyMaterial", &spki)]),
                            en("CryptographicAlgorithm", "EC"),
                            int("CryptographicLength", 256),
                        ],
                    )],
                ),
            ]),
        )],
    );
    let public = out_uid(&r[0]);
    let csr_for = |k: &rcgen::KeyPair| {
        let mut p = rcgen::CertificateParams::new(vec![]).expect("p");
        p.distinguished_name
            .push(rcgen::DnType::CommonName, "registered key");
        p.serialize_request(k).expect("csr").der().to_vec()
    };
    let r = ok(
        &server,
        vec![(
            "Certify",
            payload(vec![
                uid(&public),
                en("CertificateRequestType", "PKCS_10"),
                bytes("CertificateRequestValue", &csr_for(&key)),
            ]),
        )],
    );
    let cert = out_uid(&r[0]);
    assert!(links(&server, &public).contains(&("CertificateLink".into(), cert.clone())));
    assert!(links(&server, &cert).contains(&("PublicKeyLink".into(), public.clone())));
    let other = rcgen::KeyPair::generate().expect("key");
    let resp = server.handle_message(&message(vec![(
        "Certify",
        payload(vec![
            uid(&public),
            en("CertificateRequestType", "PKCS_10"),
            bytes("CertificateRequestValue", &csr_for(&other)),
        ]),
    )]));
    assert_eq!(
        reason(batch(&resp)[0]),
        Some(code("ResultReason", "InvalidField"))
    );
}

/// Request types and certificate types this server does not issue from:
/// Feature Not Supported; a request without its type: Invalid Field.
#[test]
fn unsupported_requests() {
    let server = Server::in_memory();
    for kind in ["CRMF", "PGP"] {
        let resp = server.handle_message(&message(vec![(
            "Certify",
            payload(vec![
                en("CertificateRequestType", kind),
                bytes("CertificateRequestValue", b"request"),
            ]),
        )]));
        assert_eq!(
            reason(batch(&resp)[0]),
            Some(code("ResultReason", "FeatureNotSupported")),
            "{kind}"
        );
    }
    let resp = server.handle_message(&message(vec![(
        "Certify",
        payload(vec![bytes("CertificateRequestValue", b"request")]),
    )]));
    assert_eq!(
        reason(batch(&resp)[0]),
        Some(code("ResultReason", "InvalidField"))
    );
    let (_prv, public) = key_pair(&server);
    let resp = server.handle_message(&message(vec![(
        "Certify",
        payload(vec![
            uid(&public),
            st("Attributes", vec![en("CertificateType", "PGP")]),
        ]),
    )]));
    assert_eq!(
        reason(batch(&resp)[0]),
        Some(code("ResultReason", "FeatureNotSupported"))
    );
    // no Certificate Type and no request: the spec says it SHALL be given
    let resp = server.handle_message(&message(vec![("Certify", payload(vec![uid(&public)]))]));
    assert_eq!(
        reason(batch(&resp)[0]),
        Some(code("ResultReason", "InvalidField"))
    );
}

/// Certify of an RSA public key (registered as an X.509
/// SubjectPublicKeyInfo): the certificate carries the key, and its
/// attributes say RSA with the modulus length.
#[test]
fn certify_rsa_public_key() {
    use rsa::pkcs8::EncodePublicKey;
    use x509_parser::prelude::{FromDer, X509Certificate};
    let server = Server::in_memory();
    let mut rng = rand::thread_rng();
    let key = rsa::RsaPrivateKey::new(&mut rng, 1024).expect("rsa");
    let spki = key
        .to_public_key()
        .to_public_key_der()
        .expect("spki")
        .into_vec();
    let r = ok(
        &server,
        vec![(
            "Register",
            payload(vec![
                en("ObjectType", "PublicKey"),
                st("Attributes", vec![]),
                st(
                    "PublicKey",
                    vec![st(
                        "KeyBlock",
                        vec![
                            en("KeyFormatType", "X_509"),
                            st("KeyValue", vec![bytes("KeyMaterial", &spki)]),
                            en("CryptographicAlgorithm", "RSA"),
                            int("CryptographicLength", 1024),
                        ],
                    )],
                ),
            ]),
        )],
    );
    let public = out_uid(&r[0]);
    let cert = certify_key(&server, &public);
    let der = get_cert(&server, &cert);
    let (_, x) = X509Certificate::from_der(&der).expect("parses");
    assert_eq!(x.public_key().raw, spki.as_slice());
    let r = ok(&server, vec![("GetAttributes", payload(vec![uid(&cert)]))]);
    let attrs = r[0]
        .child(tag("ResponsePayload"))
        .and_then(|p| p.child(tag("Attributes")))
        .expect("Attributes");
    assert_eq!(
        attrs
            .child(tag("CryptographicAlgorithm"))
            .map(|v| v.value.clone()),
        Some(Value::Enumeration(code("CryptographicAlgorithm", "RSA")))
    );
    assert_eq!(
        attrs
            .child(tag("CryptographicLength"))
            .map(|v| v.value.clone()),
        Some(Value::Integer(1024))
    );
    assert_eq!(
        validate(&server, vec![uid(&cert)]),
        code("ValidityIndicator", "Valid")
    );
}

/// KMIP 3.0 keeps Certify, Re-certify and Validate (the 3.0 delta removes
/// none of them): the same flow works there.
#[test]
fn certify_in_3_0() {
    let server = Server::in_memory();
    let run = |items: Vec<(&str, Item)>| {
        let resp = server.handle_message(&message_v(3, 0, items));
        let out: Vec<Item> = batch(&resp).into_iter().cloned().collect();
        for i in &out {
            assert_success(i);
        }
        out
    };
    let r = run(vec![(
        "CreateKeyPair",
        payload(vec![st(
            "CommonAttributes",
            vec![
                en("CryptographicAlgorithm", "EC"),
                int("CryptographicLength", 256),
                st(
                    "CryptographicDomainParameters",
                    vec![en("RecommendedCurve", "P_256")],
                ),
            ],
        )]),
    )]);
    let public = r[0]
        .child(tag("ResponsePayload"))
        .and_then(|p| p.child(tag("PublicKeyUniqueIdentifier")))
        .and_then(|u| u.value.as_text())
        .expect("public uid")
        .to_string();
    let r = run(vec![(
        "Certify",
        payload(vec![
            uid(&public),
            st("Attributes", vec![en("CertificateType", "X_509")]),
        ]),
    )]);
    let cert = out_uid(&r[0]);
    let r = run(vec![("ReCertify", payload(vec![uid(&cert)]))]);
    let renewed = out_uid(&r[0]);
    let r = run(vec![("Validate", payload(vec![uid(&renewed)]))]);
    assert_eq!(
        out_enum(&r[0], "ValidityIndicator"),
        code("ValidityIndicator", "Valid")
    );
    run(vec![("GetAttributes", payload(vec![uid(&renewed)]))]);
}
