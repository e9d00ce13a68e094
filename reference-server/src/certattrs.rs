//! Server-set attributes derived from a registered X.509 certificate:
//! X.509 Certificate Identifier / Subject / Issuer (KMIP 1.1+, DER names
//! and serial number), Certificate Identifier / Subject / Issuer (KMIP 1.0
//! text forms, removed in 2.0) and the KMIP 2.x per-field attributes
//! Certificate Subject CN / O / OU / Email / C / ST / L / UID / Serial
//! Number / Title / DC / DN Qualifier and their Certificate Issuer twins
//! (KMIP 2.1 §4 "Certificate Attributes").
//!
//! Also Digital Signature Algorithm (KMIP 1.1+, 2.1 §4.13, from the
//! certificate's signature algorithm OID) and the Cryptographic Algorithm /
//! Length of the certified public key (RSA modulus bits, EC curve size).
//!
//! Pure: [`x509_attributes`] parses the DER certificate and returns the
//! attribute values; a certificate that does not parse yields no derived
//! attributes (Certificate Length and Type are still set by Register /
//! Certify). Which of them a client sees is the attribute table's business
//! (`attributes.rs`: Certificate Identifier / Subject / Issuer end at 2.0,
//! the X.509 ones and Digital Signature Algorithm start at 1.1).

use crate::spec::enums::crypto_alg as alg;
use crate::spec::tags as t;
use crate::tree::{bytes, enumeration, int, st, text};
use kmip_ttlv::enums::digital_signature_algorithm as dsa;
use kmip_ttlv::{Item, Tag};
use x509_cert::der::{Decode, Encode};

/// One RDN attribute type → (Subject tag, Issuer tag).
const FIELDS: &[(&str, Tag, Tag)] = &[
    (
        "2.5.4.3",
        t::CERTIFICATE_SUBJECT_CN,
        t::CERTIFICATE_ISSUER_CN,
    ),
    (
        "2.5.4.10",
        t::CERTIFICATE_SUBJECT_O,
        t::CERTIFICATE_ISSUER_O,
    ),
    (
        "2.5.4.11",
        t::CERTIFICATE_SUBJECT_OU,
        t::CERTIFICATE_ISSUER_OU,
    ),
    (
        "1.2.840.113549.1.9.1",
        t::CERTIFICATE_SUBJECT_EMAIL,
        t::CERTIFICATE_ISSUER_EMAIL,
    ),
    ("2.5.4.6", t::CERTIFICATE_SUBJECT_C, t::CERTIFICATE_ISSUER_C),
    (
        "2.5.4.8",
        t::CERTIFICATE_SUBJECT_ST,
        t::CERTIFICATE_ISSUER_ST,
    ),
    ("2.5.4.7", t::CERTIFICATE_SUBJECT_L, t::CERTIFICATE_ISSUER_L),
    (
        "0.9.2342.19200300.100.1.1",
        t::CERTIFICATE_SUBJECT_UID,
        t::CERTIFICATE_ISSUER_UID,
    ),
    (
        "2.5.4.5",
        t::CERTIFICATE_SUBJECT_SERIAL_NUMBER,
        t::CERTIFICATE_ISSUER_SERIAL_NUMBER,
    ),
    (
        "2.5.4.12",
        t::CERTIFICATE_SUBJECT_TITLE,
        t::CERTIFICATE_ISSUER_TITLE,
    ),
    (
        "0.9.2342.19200300.100.1.25",
        t::CERTIFICATE_SUBJECT_DC,
        t::CERTIFICATE_ISSUER_DC,
    ),
    (
        "2.5.4.46",
        t::CERTIFICATE_SUBJECT_DN_QUALIFIER,
        t::CERTIFICATE_ISSUER_DN_QUALIFIER,
    ),
];

/// Signature algorithm OID → Digital Signature Algorithm (KMIP 1.4
/// §9.1.3.2.7 / 2.1 §11.13; OIDs of RFC 3279, 4055, 5758).
const SIGNATURE_ALGORITHMS: &[(&str, u32)] = &[
    ("1.2.840.113549.1.1.2", dsa::MD2_WITH_RSA_ENCRYPTION),
    ("1.2.840.113549.1.1.4", dsa::MD5_WITH_RSA_ENCRYPTION),
    ("1.2.840.113549.1.1.5", dsa::SHA_1_WITH_RSA_ENCRYPTION),
    ("1.2.840.113549.1.1.14", dsa::SHA_224_WITH_RSA_ENCRYPTION),
    ("1.2.840.113549.1.1.11", dsa::SHA_256_WITH_RSA_ENCRYPTION),
    ("1.2.840.113549.1.1.12", dsa::SHA_384_WITH_RSA_ENCRYPTION),
    ("1.2.840.113549.1.1.13", dsa::SHA_512_WITH_RSA_ENCRYPTION),
    ("1.2.840.113549.1.1.10", dsa::RSASSA_PSS),
    ("1.2.840.10040.4.3", dsa::DSA_WITH_SHA_1),
    ("2.16.840.1.101.3.4.3.1", dsa::DSA_WITH_SHA224),
    ("2.16.840.1.101.3.4.3.2", dsa::DSA_WITH_SHA256),
    ("1.2.840.10045.4.1", dsa::ECDSA_WITH_SHA_1),
    ("1.2.840.10045.4.3.1", dsa::ECDSA_WITH_SHA224),
    ("1.2.840.10045.4.3.2", dsa::ECDSA_WITH_SHA256),
    ("1.2.840.10045.4.3.3", dsa::ECDSA_WITH_SHA384),
    ("1.2.840.10045.4.3.4", dsa::ECDSA_WITH_SHA512),
    ("2.16.840.1.101.3.4.3.14", dsa::SHA3_256_WITH_RSA_ENCRYPTION),
    ("2.16.840.1.101.3.4.3.15", dsa::SHA3_384_WITH_RSA_ENCRYPTION),
    ("2.16.840.1.101.3.4.3.16", dsa::SHA3_512_WITH_RSA_ENCRYPTION),
];

/// Named EC curve OID → key size in bits.
const CURVE_BITS: &[(&str, i32)] = &[
    ("1.2.840.10045.3.1.7", 256),
    ("1.3.132.0.34", 384),
    ("1.3.132.0.35", 521),
    ("1.3.132.0.10", 256),
    ("1.2.840.10045.3.1.1", 192),
    ("1.3.132.0.33", 224),
];

/// The Digital Signature Algorithm code of a signature algorithm OID.
pub fn signature_algorithm(oid: &str) -> Option<u32> {
    SIGNATURE_ALGORITHMS
        .iter()
        .find(|(o, _)| *o == oid)
        .map(|(_, c)| *c)
}

/// Cryptographic Algorithm and Length of a SubjectPublicKeyInfo: RSA
/// (modulus bits), EC on a named curve (curve bits: id-ecPublicKey names an
/// elliptic-curve key, not one scheme, and EC is what Create Key Pair gives
/// such a key), DSA (prime bits unknown here: length omitted), Ed25519
/// (256).
fn key_algorithm(spki: &x509_cert::spki::SubjectPublicKeyInfoOwned) -> Option<(u32, Option<i32>)> {
    match spki.algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => {
            let key = pkcs1::RsaPublicKey::from_der(spki.subject_public_key.raw_bytes()).ok()?;
            let m = key.modulus.as_bytes();
            let first = m.iter().position(|b| *b != 0)?;
            let bits = (m.len() - first) * 8 - m[first].leading_zeros() as usize;
            Some((alg::RSA, i32::try_from(bits).ok()))
        }
        "1.2.840.10045.2.1" => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<x509_cert::der::asn1::ObjectIdentifier>().ok())?
                .to_string();
            let bits = CURVE_BITS
                .iter()
                .find(|(o, _)| *o == curve)
                .map(|(_, b)| *b);
            Some((alg::EC, bits))
        }
        "1.2.840.10040.4.1" => Some((alg::DSA, None)),
        "1.3.101.112" => Some((alg::ED25519, Some(256))),
        _ => None,
    }
}

/// The per-field attribute tags (Subject and Issuer) this module sets.
pub fn field_tags() -> impl Iterator<Item = Tag> {
    FIELDS.iter().flat_map(|(_, s, i)| [*s, *i])
}

/// The attributes derived from a DER X.509 certificate (empty when it does
/// not parse). Each item is tagged with the attribute's tag.
pub fn x509_attributes(der: &[u8]) -> Vec<Item> {
    let Ok(cert) = x509_cert::Certificate::from_der(der) else {
        return Vec::new();
    };
    let tbs = &cert.tbs_certificate;
    let mut out = Vec::new();
    let (Ok(subject_der), Ok(issuer_der)) = (tbs.subject.to_der(), tbs.issuer.to_der()) else {
        return out;
    };
    if let Some(code) = signature_algorithm(&cert.signature_algorithm.oid.to_string()) {
        out.push(enumeration(t::DIGITAL_SIGNATURE_ALGORITHM, code));
    }
    if let Some((a, len)) = key_algorithm(&tbs.subject_public_key_info) {
        out.push(enumeration(t::CRYPTOGRAPHIC_ALGORITHM, a));
        if let Some(l) = len {
            out.push(int(t::CRYPTOGRAPHIC_LENGTH, l));
        }
    }
    let serial = tbs.serial_number.as_bytes().to_vec();
    let subject_text = tbs.subject.to_string();
    let issuer_text = tbs.issuer.to_string();
    out.push(st(
        t::X_509_CERTIFICATE_IDENTIFIER,
        vec![
            bytes(t::ISSUER_DISTINGUISHED_NAME, issuer_der.clone()),
            bytes(t::CERTIFICATE_SERIAL_NUMBER, serial.clone()),
        ],
    ));
    out.push(st(
        t::X_509_CERTIFICATE_SUBJECT,
        vec![bytes(t::SUBJECT_DISTINGUISHED_NAME, subject_der)],
    ));
    out.push(st(
        t::X_509_CERTIFICATE_ISSUER,
        vec![bytes(t::ISSUER_DISTINGUISHED_NAME, issuer_der)],
    ));
    out.push(st(
        t::CERTIFICATE_IDENTIFIER,
        vec![
            text(t::ISSUER, issuer_text.clone()),
            text(t::SERIAL_NUMBER, hex::encode(&serial)),
        ],
    ));
    out.push(st(
        t::CERTIFICATE_SUBJECT,
        vec![text(
            t::CERTIFICATE_SUBJECT_DISTINGUISHED_NAME,
            subject_text,
        )],
    ));
    out.push(st(
        t::CERTIFICATE_ISSUER,
        vec![text(t::CERTIFICATE_ISSUER_DISTINGUISHED_NAME, issuer_text)],
    ));
    for (name, pick) in [(&tbs.subject, 0usize), (&tbs.issuer, 1usize)] {
        for rdn in name.0.iter() {
            for atv in rdn.0.iter() {
                let oid = atv.oid.to_string();
                let Some(&(_, subj, iss)) = FIELDS.iter().find(|(o, _, _)| *o == oid) else {
                    continue;
                };
                let tag = if pick == 0 { subj } else { iss };
                // Directory strings (UTF8 / Printable / IA5 / Teletex) carry
                // their characters as the value bytes.
                let value = String::from_utf8_lossy(atv.value.value()).into_owned();
                if !out.iter().any(|i| i.tag == tag) {
                    out.push(text(tag, value));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kmip_ttlv::Value;

    #[test]
    fn garbage_yields_nothing() {
        assert!(x509_attributes(b"not a certificate").is_empty());
        assert!(x509_attributes(&[]).is_empty());
    }

    #[test]
    fn generated_certificate_fields() {
        let mut params =
            rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "CN-Test");
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Org");
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("cert");
        let attrs = x509_attributes(cert.der());
        let get = |tag: Tag| attrs.iter().find(|i| i.tag == tag).map(|i| i.value.clone());
        assert_eq!(
            get(t::CERTIFICATE_SUBJECT_CN).and_then(|v| v.as_text().map(str::to_string)),
            Some("CN-Test".to_string())
        );
        assert_eq!(
            get(t::CERTIFICATE_ISSUER_O).and_then(|v| v.as_text().map(str::to_string)),
            Some("Org".to_string())
        );
        assert!(get(t::X_509_CERTIFICATE_IDENTIFIER).is_some());
        // rcgen's default key: ECDSA P-256 signed with SHA-256
        assert_eq!(
            get(t::DIGITAL_SIGNATURE_ALGORITHM),
            Some(Value::Enumeration(dsa::ECDSA_WITH_SHA256))
        );
        assert_eq!(
            get(t::CRYPTOGRAPHIC_ALGORITHM),
            Some(Value::Enumeration(alg::EC))
        );
        assert_eq!(get(t::CRYPTOGRAPHIC_LENGTH), Some(Value::Integer(256)));
    }

    #[test]
    fn rsa_and_unknown_key_algorithms() {
        use pkcs8::EncodePublicKey;
        let mut rng = rand::thread_rng();
        let key = rsa::RsaPrivateKey::new(&mut rng, 1024).expect("rsa key");
        let der = key
            .to_public_key()
            .to_public_key_der()
            .expect("spki")
            .into_vec();
        let spki = x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(&der).expect("parse");
        assert_eq!(key_algorithm(&spki), Some((alg::RSA, Some(1024))));
        assert_eq!(
            signature_algorithm("1.2.840.113549.1.1.11"),
            Some(dsa::SHA_256_WITH_RSA_ENCRYPTION)
        );
        assert_eq!(signature_algorithm("1.2.3.4"), None);
    }
}
