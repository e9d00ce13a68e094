//! Server-set attributes derived from a registered X.509 certificate:
//! X.509 Certificate Identifier / Subject / Issuer (KMIP 1.1+, DER names
//! and serial number), Certificate Identifier / Subject / Issuer (KMIP 1.0
//! text forms, removed in 2.0) and the KMIP 2.x per-field attributes
//! Certificate Subject CN / O / OU / Email / C / ST / L / UID / Serial
//! Number / Title / DC / DN Qualifier and their Certificate Issuer twins
//! (KMIP 2.1 §4 "Certificate Attributes").
//!
//! Pure: [`x509_attributes`] parses the DER certificate and returns the
//! attribute values; a certificate that does not parse yields no derived
//! attributes (Certificate Length and Type are still set by Register).

use crate::spec::tags as t;
use crate::tree::{bytes, st, text};
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
    }
}
