//! The server's use of cryptography for object management, kept behind one
//! small interface so it can later be switched to the crypto engine
//! (`crate::crypto`, written separately) without touching the operations:
//!
//! - [`random_bytes`], [`sha256`];
//! - [`generate_symmetric`]: key material for Create (length rules per
//!   algorithm);
//! - [`generate_rsa`]: RSA key pairs for Create Key Pair / Re-key Key Pair;
//! - [`convert_key_material`]: key format conversion for Get
//!   (Raw ↔ Transparent Symmetric Key; RSA PKCS#1 ↔ PKCS#8 / X.509
//!   SubjectPublicKeyInfo ↔ Transparent RSA keys).
//!
//! Hostile key material (from Register) yields a [`KmipError`], never a panic.

use crate::error::KmipError;
use crate::spec::enums::{
    crypto_alg as alg, key_format as kf, object_type as ot, result_reason as rr,
};
use crate::spec::tags as t;
use crate::tree::{bytes, st, Fields};
use kmip_ttlv::{Item, Value};
use rand::RngCore;

/// `n` random bytes from the OS-seeded CSPRNG.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut v);
    v
}

/// SHA-256.
pub fn sha256(data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(data).to_vec()
}

/// Largest RSA modulus the server generates.
pub const MAX_RSA_BITS: i32 = 8192;

/// Key bytes for a symmetric key of `algorithm` with `bits` bits.
pub fn generate_symmetric(algorithm: u32, bits: i32) -> Result<Vec<u8>, KmipError> {
    let bad = || {
        KmipError::invalid_field(format!(
            "Cryptographic Length {bits} is not valid for {}",
            crate::spec::enum_name(alg::NAMES, algorithm).unwrap_or("this algorithm")
        ))
    };
    let n = match algorithm {
        alg::AES => match bits {
            128 | 192 | 256 => bits / 8,
            _ => return Err(bad()),
        },
        alg::DES3 => match bits {
            112 | 128 => 16,
            168 | 192 => 24,
            _ => return Err(bad()),
        },
        alg::DES => match bits {
            56 | 64 => 8,
            _ => return Err(bad()),
        },
        alg::SKIPJACK => match bits {
            80 => 10,
            _ => return Err(bad()),
        },
        alg::CHACHA20 | alg::CHACHA20_POLY1305 => match bits {
            256 => 32,
            _ => return Err(bad()),
        },
        alg::HMAC_SHA1
        | alg::HMAC_SHA224
        | alg::HMAC_SHA256
        | alg::HMAC_SHA384
        | alg::HMAC_SHA512
        | alg::HMAC_MD5
        | alg::HMAC_SHA3_224
        | alg::HMAC_SHA3_256
        | alg::HMAC_SHA3_384
        | alg::HMAC_SHA3_512
        | alg::BLOWFISH
        | alg::CAMELLIA
        | alg::TWOFISH
        | alg::RC4
        | alg::POLY1305 => {
            if bits <= 0 || bits % 8 != 0 || bits > 4096 {
                return Err(bad());
            }
            bits / 8
        }
        _ => {
            return Err(KmipError::new(
                rr::INVALID_FIELD,
                format!(
                    "cannot generate a symmetric key for algorithm {}",
                    crate::spec::enum_name(alg::NAMES, algorithm).unwrap_or("(unknown)")
                ),
            ))
        }
    };
    Ok(random_bytes(usize::try_from(n).unwrap_or(0)))
}

/// A generated RSA key pair, both halves DER in PKCS#1.
pub struct RsaPair {
    /// RSAPrivateKey (PKCS#1) DER.
    pub private_pkcs1: Vec<u8>,
    /// RSAPublicKey (PKCS#1) DER.
    pub public_pkcs1: Vec<u8>,
}

/// Generate an RSA key pair (public exponent 65537).
pub fn generate_rsa(bits: i32) -> Result<RsaPair, KmipError> {
    use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
    if !(512..=MAX_RSA_BITS).contains(&bits) || bits % 8 != 0 {
        return Err(KmipError::invalid_field(format!(
            "RSA Cryptographic Length {bits} is not supported (512..={MAX_RSA_BITS}, multiple of 8)"
        )));
    }
    let bits = usize::try_from(bits).map_err(|_| KmipError::invalid_field("bad length"))?;
    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), bits)
        .map_err(|e| KmipError::new(rr::CRYPTOGRAPHIC_FAILURE, format!("RSA generation: {e}")))?;
    let private_pkcs1 = key
        .to_pkcs1_der()
        .map_err(|e| KmipError::general(format!("PKCS#1 encoding: {e}")))?
        .as_bytes()
        .to_vec();
    let public_pkcs1 = key
        .to_public_key()
        .to_pkcs1_der()
        .map_err(|e| KmipError::general(format!("PKCS#1 encoding: {e}")))?
        .as_bytes()
        .to_vec();
    Ok(RsaPair {
        private_pkcs1,
        public_pkcs1,
    })
}

/// KMIP Big Integer bytes (two's complement, padded to 8 bytes) of an
/// unsigned big-endian magnitude.
pub fn big_integer(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = {
        let first = magnitude
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(magnitude.len());
        &magnitude[first..]
    };
    let mut v = Vec::with_capacity(trimmed.len() + 9);
    if trimmed.first().is_some_and(|b| b & 0x80 != 0) {
        v.push(0);
    }
    v.extend_from_slice(trimmed);
    if v.is_empty() {
        v.push(0);
    }
    let pad = (8 - v.len() % 8) % 8;
    let mut out = vec![0u8; pad];
    out.extend_from_slice(&v);
    out
}

fn unsigned_of(item: &Item) -> Result<rsa::BigUint, KmipError> {
    match &item.value {
        Value::BigInteger(b) => {
            if b.first().is_some_and(|x| x & 0x80 != 0) {
                return Err(KmipError::invalid_field(
                    "negative Big Integer in key material",
                ));
            }
            Ok(rsa::BigUint::from_bytes_be(b))
        }
        _ => Err(KmipError::invalid_field(
            "key component must be a Big Integer",
        )),
    }
}

fn bi(tag: kmip_ttlv::Tag, n: &rsa::BigUint) -> Item {
    Item::new(tag, Value::BigInteger(big_integer(&n.to_bytes_be())))
}

fn bad_key(e: impl std::fmt::Display) -> KmipError {
    KmipError::invalid_field(format!("key material does not parse: {e}"))
}

fn rsa_private_from(format: u32, material: &Item) -> Result<rsa::RsaPrivateKey, KmipError> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    match format {
        kf::PKCS_1 => rsa::RsaPrivateKey::from_pkcs1_der(byte_material(material)?).map_err(bad_key),
        kf::PKCS_8 => rsa::RsaPrivateKey::from_pkcs8_der(byte_material(material)?).map_err(bad_key),
        kf::TRANSPARENT_RSA_PRIVATE_KEY => {
            let f = Fields::new(material);
            let n = unsigned_of(f.require(t::MODULUS)?)?;
            let e = unsigned_of(f.require(t::PUBLIC_EXPONENT)?)?;
            let d = unsigned_of(f.require(t::PRIVATE_EXPONENT)?)?;
            let mut primes = Vec::new();
            if let (Some(p), Some(q)) = (f.get(t::P), f.get(t::Q)) {
                primes.push(unsigned_of(p)?);
                primes.push(unsigned_of(q)?);
            }
            rsa::RsaPrivateKey::from_components(n, e, d, primes).map_err(bad_key)
        }
        _ => Err(not_convertible(format)),
    }
}

fn rsa_public_from(format: u32, material: &Item) -> Result<rsa::RsaPublicKey, KmipError> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::pkcs8::DecodePublicKey;
    match format {
        kf::PKCS_1 => rsa::RsaPublicKey::from_pkcs1_der(byte_material(material)?).map_err(bad_key),
        kf::X_509 => {
            rsa::RsaPublicKey::from_public_key_der(byte_material(material)?).map_err(bad_key)
        }
        kf::TRANSPARENT_RSA_PUBLIC_KEY => {
            let f = Fields::new(material);
            let n = unsigned_of(f.require(t::MODULUS)?)?;
            let e = unsigned_of(f.require(t::PUBLIC_EXPONENT)?)?;
            rsa::RsaPublicKey::new(n, e).map_err(bad_key)
        }
        _ => Err(not_convertible(format)),
    }
}

fn byte_material(material: &Item) -> Result<&[u8], KmipError> {
    match &material.value {
        Value::ByteString(b) => Ok(b),
        _ => Err(KmipError::invalid_field(
            "Key Material must be a Byte String",
        )),
    }
}

fn not_convertible(format: u32) -> KmipError {
    KmipError::new(
        rr::KEY_FORMAT_TYPE_NOT_SUPPORTED,
        format!(
            "conversion from {} is not supported",
            crate::spec::enum_name(kf::NAMES, format).unwrap_or("this key format")
        ),
    )
}

fn not_supported_target(to: u32) -> KmipError {
    KmipError::new(
        rr::KEY_FORMAT_TYPE_NOT_SUPPORTED,
        format!(
            "key format {} is not supported for this object",
            crate::spec::enum_name(kf::NAMES, to).unwrap_or("(unknown)")
        ),
    )
}

/// Convert the Key Material of a key from one Key Format Type to another.
/// Returns the new Key Material item.
pub fn convert_key_material(
    object_type: u32,
    algorithm: Option<u32>,
    from: u32,
    material: &Item,
    to: u32,
) -> Result<Item, KmipError> {
    if from == to {
        return Ok(material.clone());
    }
    match object_type {
        ot::SYMMETRIC_KEY | ot::SECRET_DATA => {
            let raw: Vec<u8> = match from {
                kf::RAW | kf::OPAQUE => byte_material(material)?.to_vec(),
                kf::TRANSPARENT_SYMMETRIC_KEY => Fields::new(material)
                    .bytes(t::KEY)?
                    .ok_or_else(|| {
                        KmipError::invalid_field("Transparent Symmetric Key without Key")
                    })?
                    .to_vec(),
                _ => return Err(not_convertible(from)),
            };
            match to {
                kf::RAW => Ok(bytes(t::KEY_MATERIAL, raw)),
                kf::TRANSPARENT_SYMMETRIC_KEY => Ok(st(t::KEY_MATERIAL, vec![bytes(t::KEY, raw)])),
                _ => Err(not_supported_target(to)),
            }
        }
        ot::PRIVATE_KEY if algorithm == Some(alg::RSA) => {
            use rsa::pkcs1::EncodeRsaPrivateKey;
            use rsa::pkcs8::EncodePrivateKey;
            use rsa::traits::{PrivateKeyParts, PublicKeyParts};
            let key = rsa_private_from(from, material)?;
            let enc = |e: rsa::pkcs1::Error| KmipError::general(format!("encoding: {e}"));
            match to {
                kf::PKCS_1 => Ok(bytes(
                    t::KEY_MATERIAL,
                    key.to_pkcs1_der().map_err(enc)?.as_bytes().to_vec(),
                )),
                kf::PKCS_8 => Ok(bytes(
                    t::KEY_MATERIAL,
                    key.to_pkcs8_der()
                        .map_err(|e| KmipError::general(format!("encoding: {e}")))?
                        .as_bytes()
                        .to_vec(),
                )),
                kf::TRANSPARENT_RSA_PRIVATE_KEY => {
                    let mut c = vec![
                        bi(t::MODULUS, key.n()),
                        bi(t::PRIVATE_EXPONENT, key.d()),
                        bi(t::PUBLIC_EXPONENT, key.e()),
                    ];
                    if let [p, q] = key.primes() {
                        c.push(bi(t::P, p));
                        c.push(bi(t::Q, q));
                        if let Some(dp) = key.dp() {
                            c.push(bi(t::PRIME_EXPONENT_P, dp));
                        }
                        if let Some(dq) = key.dq() {
                            c.push(bi(t::PRIME_EXPONENT_Q, dq));
                        }
                        if let Some(qinv) = key.crt_coefficient() {
                            c.push(bi(t::CRT_COEFFICIENT, &qinv));
                        }
                    }
                    Ok(st(t::KEY_MATERIAL, c))
                }
                _ => Err(not_supported_target(to)),
            }
        }
        ot::PUBLIC_KEY if algorithm == Some(alg::RSA) => {
            use rsa::pkcs1::EncodeRsaPublicKey;
            use rsa::pkcs8::EncodePublicKey;
            use rsa::traits::PublicKeyParts;
            let key = rsa_public_from(from, material)?;
            match to {
                kf::PKCS_1 => Ok(bytes(
                    t::KEY_MATERIAL,
                    key.to_pkcs1_der()
                        .map_err(|e| KmipError::general(format!("encoding: {e}")))?
                        .as_bytes()
                        .to_vec(),
                )),
                kf::X_509 => Ok(bytes(
                    t::KEY_MATERIAL,
                    key.to_public_key_der()
                        .map_err(|e| KmipError::general(format!("encoding: {e}")))?
                        .as_bytes()
                        .to_vec(),
                )),
                kf::TRANSPARENT_RSA_PUBLIC_KEY => Ok(st(
                    t::KEY_MATERIAL,
                    vec![bi(t::MODULUS, key.n()), bi(t::PUBLIC_EXPONENT, key.e())],
                )),
                _ => Err(not_supported_target(to)),
            }
        }
        _ => Err(not_convertible(from)),
    }
}

/// The modulus length in bits of RSA key material, if it parses.
pub fn rsa_modulus_bits(object_type: u32, format: u32, material: &Item) -> Option<i32> {
    use rsa::traits::PublicKeyParts;
    let n = match object_type {
        ot::PRIVATE_KEY => rsa_private_from(format, material).ok()?.n().bits(),
        ot::PUBLIC_KEY => rsa_public_from(format, material).ok()?.n().bits(),
        _ => return None,
    };
    i32::try_from(n).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_lengths() {
        assert_eq!(generate_symmetric(alg::AES, 256).expect("aes").len(), 32);
        assert_eq!(generate_symmetric(alg::DES3, 168).expect("3des").len(), 24);
        assert!(generate_symmetric(alg::AES, 100).is_err());
        assert!(generate_symmetric(alg::RSA, 2048).is_err());
    }

    #[test]
    fn big_integer_padding() {
        assert_eq!(
            big_integer(&[0x01, 0x00, 0x01]),
            vec![0, 0, 0, 0, 0, 1, 0, 1]
        );
        assert_eq!(big_integer(&[0x80]), vec![0, 0, 0, 0, 0, 0, 0, 0x80]);
        assert_eq!(big_integer(&[0u8; 9]).len(), 8);
    }

    #[test]
    fn rsa_conversions_round_trip() {
        let pair = generate_rsa(1024).expect("keygen");
        let m = bytes(t::KEY_MATERIAL, pair.private_pkcs1.clone());
        let p8 = convert_key_material(ot::PRIVATE_KEY, Some(alg::RSA), kf::PKCS_1, &m, kf::PKCS_8)
            .expect("to pkcs8");
        let tr = convert_key_material(
            ot::PRIVATE_KEY,
            Some(alg::RSA),
            kf::PKCS_8,
            &p8,
            kf::TRANSPARENT_RSA_PRIVATE_KEY,
        )
        .expect("to transparent");
        let back = convert_key_material(
            ot::PRIVATE_KEY,
            Some(alg::RSA),
            kf::TRANSPARENT_RSA_PRIVATE_KEY,
            &tr,
            kf::PKCS_1,
        )
        .expect("back");
        assert_eq!(back, m);

        let pm = bytes(t::KEY_MATERIAL, pair.public_pkcs1.clone());
        let x = convert_key_material(ot::PUBLIC_KEY, Some(alg::RSA), kf::PKCS_1, &pm, kf::X_509)
            .expect("spki");
        let back = convert_key_material(ot::PUBLIC_KEY, Some(alg::RSA), kf::X_509, &x, kf::PKCS_1)
            .expect("back");
        assert_eq!(back, pm);
        assert_eq!(
            rsa_modulus_bits(ot::PUBLIC_KEY, kf::PKCS_1, &pm),
            Some(1024)
        );
    }

    #[test]
    fn garbage_key_material_is_an_error() {
        let m = bytes(t::KEY_MATERIAL, vec![0x30, 0x82, 0xff, 0xff, 1, 2, 3]);
        let e = convert_key_material(ot::PRIVATE_KEY, Some(alg::RSA), kf::PKCS_1, &m, kf::PKCS_8)
            .expect_err("garbage");
        assert_eq!(e.reason, rr::INVALID_FIELD);
    }
}
