//! Key derivation for Derive Key (KMIP 1.4 §4.6, 2.1 §6.1.14; Derivation
//! Parameters 1.4 §4.6 Tables 182–183, 2.1 §7.12; Derivation Method 2.1
//! §11.14): the pure engine over bytes. The KMIP layer
//! (`crate::ops::derive`) reads the request, checks the base objects and
//! registers the result.
//!
//! Methods and their inputs, as the spec defines them:
//! - **PBKDF2** ([PKCS#5], RFC 8018): the password is the base object's
//!   bytes, Salt and Iteration Count from the Derivation Parameters, the PRF
//!   HMAC with the Hashing Algorithm of the Cryptographic Parameters (HMAC-SHA1,
//!   the PKCS#5 default, when none is given).
//! - **HASH**: the hash (Cryptographic Parameters' Hashing Algorithm) of the
//!   derivation data, or of the derivation key when there is no data.
//! - **HMAC**: HMAC over the derivation data, keyed with the derivation key;
//!   the hash is the key's HMAC algorithm (HMAC-SHA256 key → SHA-256), else
//!   the Hashing Algorithm of the Cryptographic Parameters.
//! - **ENCRYPT**: the derivation data encrypted with the derivation key
//!   (Block Cipher Mode, Padding from the Cryptographic Parameters; the
//!   Initialization Vector of the Derivation Parameters, all zeros — "an empty
//!   IV" — when omitted).
//! - **NIST800-108-C**: SP 800-108 KDF in counter mode, PRF HMAC (as for
//!   HMAC) or AES-CMAC for an AES key, counter of 32 bits before the fixed
//!   data, fixed data = Derivation Data (Label‖0x00‖Context) ‖ [L]₃₂.
//! - **HKDF** (2.1 §7.12, RFC 5869): Input Key Material = the base object,
//!   Salt, info = Derivation Data, SHA-256 unless the Cryptographic Parameters
//!   name another hash.
//!
//! The output is the first `out_len` bytes; a length the method cannot
//! produce is a [`CryptoError::Failure`] (Cryptographic Failure, KMIP 1.4
//! §11.7 "the specified length exceeds the output of the derivation method").

use super::engine;
use super::error::CryptoError;
use super::hash::{self, with_digest};
use super::keys::KeyMaterial;
use super::types::{Algorithm, BlockMode, CipherParams, HashAlg};
use zeroize::Zeroizing;

/// Derivation Method codes (KMIP 2.1 §11.14 Table 446; 1.4 §9.1.3.2.21).
pub mod method {
    /// PBKDF2.
    pub const PBKDF2: u32 = 0x01;
    /// HASH.
    pub const HASH: u32 = 0x02;
    /// HMAC.
    pub const HMAC: u32 = 0x03;
    /// ENCRYPT.
    pub const ENCRYPT: u32 = 0x04;
    /// NIST800-108-C (counter mode).
    pub const NIST800_108_C: u32 = 0x05;
    /// NIST800-108-F (feedback mode).
    pub const NIST800_108_F: u32 = 0x06;
    /// NIST800-108-DPI (double-pipeline iteration mode).
    pub const NIST800_108_DPI: u32 = 0x07;
    /// Asymmetric Key (2.0+).
    pub const ASYMMETRIC_KEY: u32 = 0x08;
    /// AWS Signature Version 4 (2.0+).
    pub const AWS_SIGV4: u32 = 0x09;
    /// HKDF (2.0+).
    pub const HKDF: u32 = 0x0A;
}

/// The inputs of one derivation.
#[derive(Clone, Debug, Default)]
pub struct DeriveInput<'a> {
    /// The derivation key (Symmetric Key or Secret Data bytes), if any.
    pub key: Option<&'a KeyMaterial>,
    /// The derivation data (the Derivation Data field, or a Secret Data
    /// object's bytes), if any.
    pub data: Option<&'a [u8]>,
    /// The Cryptographic Parameters of the Derivation Parameters.
    pub params: CipherParams,
    /// Initialization Vector.
    pub iv: Option<&'a [u8]>,
    /// Salt (PBKDF2, HKDF).
    pub salt: Option<&'a [u8]>,
    /// Iteration Count (PBKDF2).
    pub iterations: Option<i64>,
}

fn key_bytes(k: &KeyMaterial) -> Result<&[u8], CryptoError> {
    match k {
        KeyMaterial::Symmetric { bytes, .. } => Ok(bytes),
        _ => Err(CryptoError::InvalidKey(
            "key derivation needs a symmetric key or secret data".into(),
        )),
    }
}

fn need<'a, T: ?Sized>(v: Option<&'a T>, what: &str) -> Result<&'a T, CryptoError> {
    v.ok_or_else(|| CryptoError::InvalidParameter(format!("the derivation method needs {what}")))
}

/// The PRF hash of HMAC-based methods: the key's HMAC algorithm, else the
/// requested Hashing Algorithm.
fn hmac_hash(key: &KeyMaterial, p: &CipherParams) -> Result<HashAlg, CryptoError> {
    key.algorithm()
        .hmac_hash()
        .or(p.hash)
        .or(p.algorithm.and_then(Algorithm::hmac_hash))
        .ok_or_else(|| {
            CryptoError::InvalidParameter(
                "HMAC derivation needs an HMAC key or a Hashing Algorithm".into(),
            )
        })
}

fn truncate(mut out: Vec<u8>, out_len: usize) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    if out.len() < out_len {
        return Err(CryptoError::Failure(format!(
            "the derivation method gives {} bytes, {out_len} requested",
            out.len()
        )));
    }
    out.truncate(out_len);
    Ok(Zeroizing::new(out))
}

/// Derive `out_len` bytes with the Derivation Method `method`.
pub fn derive(
    method: u32,
    input: &DeriveInput<'_>,
    out_len: usize,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    if out_len == 0 {
        return Err(CryptoError::InvalidParameter(
            "the Cryptographic Length of a derived object must be positive".into(),
        ));
    }
    let p = &input.params;
    match method {
        method::PBKDF2 => {
            let password = match (input.key, input.data) {
                (Some(k), _) => key_bytes(k)?,
                (None, Some(d)) => d,
                (None, None) => {
                    return Err(CryptoError::InvalidParameter(
                        "PBKDF2 without a password".into(),
                    ))
                }
            };
            let salt = need(input.salt, "a Salt")?;
            let rounds = need(input.iterations.as_ref(), "an Iteration Count")?;
            let rounds = u32::try_from(*rounds)
                .ok()
                .filter(|r| *r > 0)
                .ok_or_else(|| {
                    CryptoError::InvalidParameter(format!("Iteration Count {rounds}"))
                })?;
            let h = p.hash.unwrap_or(HashAlg::Sha1);
            let mut out = Zeroizing::new(vec![0u8; out_len]);
            with_digest!(h, D => {
                pbkdf2::pbkdf2::<hmac::Hmac<D>>(password, salt, rounds, &mut out)
                    .map_err(|e| CryptoError::Failure(format!("PBKDF2: {e}")))?
            }, return Err(CryptoError::Unsupported(format!("PBKDF2 with {h}"))));
            Ok(out)
        }
        method::HASH => {
            let h = p.hash.ok_or_else(|| {
                CryptoError::InvalidParameter("HASH derivation needs a Hashing Algorithm".into())
            })?;
            let data = match (input.data, input.key) {
                (Some(d), _) => d,
                (None, Some(k)) => key_bytes(k)?,
                (None, None) => {
                    return Err(CryptoError::InvalidParameter(
                        "HASH derivation needs a derivation key or derivation data".into(),
                    ))
                }
            };
            truncate(hash::hash(h, data)?, out_len)
        }
        method::HMAC => {
            let k = need(input.key, "a derivation key")?;
            let data = need(input.data, "Derivation Data")?;
            let h = hmac_hash(k, p)?;
            truncate(hash::hmac(h, key_bytes(k)?, data)?, out_len)
        }
        method::ENCRYPT => {
            let k = need(input.key, "a derivation key")?;
            let data = need(input.data, "Derivation Data")?;
            let mut ep = p.clone();
            ep.random_iv = Some(false);
            let needs_iv = !matches!(
                ep.mode,
                Some(BlockMode::Ecb | BlockMode::NistKeyWrap | BlockMode::AesKeyWrapPadding)
            );
            ep.iv = match input.iv {
                Some(iv) => Some(iv.to_vec()),
                None if needs_iv => Some(vec![0u8; iv_len(k, &ep)]),
                None => None,
            };
            truncate(engine::encrypt(k, &ep, data)?.data, out_len)
        }
        method::NIST800_108_C => {
            let k = need(input.key, "a derivation key")?;
            let fixed = need(input.data, "Derivation Data (Label||0x00||Context)")?;
            let kb = key_bytes(k)?;
            let bits = u32::try_from(out_len * 8)
                .map_err(|_| CryptoError::InvalidParameter("derived length too large".into()))?;
            let cmac = k.algorithm() == Algorithm::Aes && p.hash.is_none();
            let prf = |msg: &[u8]| -> Result<Vec<u8>, CryptoError> {
                if cmac {
                    hash::aes_cmac(kb, msg)
                } else {
                    hash::hmac(hmac_hash(k, p)?, kb, msg)
                }
            };
            let mut out = Vec::with_capacity(out_len);
            let mut i: u32 = 1;
            while out.len() < out_len {
                let mut msg = i.to_be_bytes().to_vec();
                msg.extend_from_slice(fixed);
                msg.extend_from_slice(&bits.to_be_bytes());
                out.extend_from_slice(&prf(&msg)?);
                i = i
                    .checked_add(1)
                    .ok_or_else(|| CryptoError::Failure("counter overflow".into()))?;
            }
            truncate(out, out_len)
        }
        method::HKDF => {
            let ikm = match (input.key, input.data) {
                (Some(k), _) => key_bytes(k)?,
                (None, Some(d)) => d,
                (None, None) => {
                    return Err(CryptoError::InvalidParameter(
                        "HKDF without input key material".into(),
                    ))
                }
            };
            let info = if input.key.is_some() {
                input.data.unwrap_or(&[])
            } else {
                &[]
            };
            let h = p.hash.unwrap_or(HashAlg::Sha256);
            let mut out = Zeroizing::new(vec![0u8; out_len]);
            with_digest!(h, D => {
                hkdf::Hkdf::<D>::new(input.salt, ikm)
                    .expand(info, &mut out)
                    .map_err(|_| CryptoError::Failure(format!(
                        "HKDF-{h} cannot give {out_len} bytes"
                    )))?
            }, return Err(CryptoError::Unsupported(format!("HKDF with {h}"))));
            Ok(out)
        }
        method::NIST800_108_F
        | method::NIST800_108_DPI
        | method::ASYMMETRIC_KEY
        | method::AWS_SIGV4 => Err(CryptoError::Unsupported(format!(
            "Derivation Method 0x{method:X}"
        ))),
        other => Err(CryptoError::InvalidParameter(format!(
            "unknown Derivation Method 0x{other:X}"
        ))),
    }
}

fn iv_len(k: &KeyMaterial, p: &CipherParams) -> usize {
    let block = match k.algorithm() {
        Algorithm::TripleDes => 8,
        _ => 16,
    };
    match p.mode {
        Some(BlockMode::Gcm) => 12,
        _ => block,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(alg: Algorithm, b: &[u8]) -> KeyMaterial {
        KeyMaterial::symmetric(alg, b)
    }

    #[test]
    fn pbkdf2_matches_rfc6070() {
        // RFC 6070 test vector 2: "password" / "salt", 2 iterations, SHA-1.
        let k = sym(Algorithm::Other(0), b"password");
        let out = derive(
            method::PBKDF2,
            &DeriveInput {
                key: Some(&k),
                salt: Some(b"salt"),
                iterations: Some(2),
                ..Default::default()
            },
            20,
        )
        .expect("pbkdf2");
        assert_eq!(
            hex::encode(&*out),
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"
        );
    }

    #[test]
    fn hmac_and_hash_follow_their_primitives_and_refuse_long_outputs() {
        let k = sym(Algorithm::HmacSha256, &[0x0b; 20]);
        let input = DeriveInput {
            key: Some(&k),
            data: Some(b"Hi There"),
            ..Default::default()
        };
        // RFC 4231 test case 1, HMAC-SHA-256.
        let out = derive(method::HMAC, &input, 32).expect("hmac");
        assert_eq!(
            hex::encode(&*out),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        let e = derive(method::HMAC, &input, 33).expect_err("too long");
        assert_eq!(
            e.result_reason(),
            super::super::error::ResultReason::CryptographicFailure
        );
        let mut hp = input.clone();
        hp.params.hash = Some(HashAlg::Sha256);
        let out = derive(method::HASH, &hp, 32).expect("hash");
        assert_eq!(*out, hash::sha256(b"Hi There"));
    }

    #[test]
    fn hkdf_matches_rfc5869() {
        // RFC 5869 test case 1.
        let ikm = [0x0b; 22];
        let salt: Vec<u8> = (0u8..=0x0c).collect();
        let info: Vec<u8> = (0xf0u8..=0xf9).collect();
        let k = sym(Algorithm::Other(0), &ikm);
        let out = derive(
            method::HKDF,
            &DeriveInput {
                key: Some(&k),
                data: Some(&info),
                salt: Some(&salt),
                ..Default::default()
            },
            42,
        )
        .expect("hkdf");
        assert_eq!(
            hex::encode(&*out),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        );
    }

    #[test]
    fn unimplemented_and_unknown_methods_are_told_apart() {
        let k = sym(Algorithm::Aes, &[0; 16]);
        let input = DeriveInput {
            key: Some(&k),
            data: Some(b"x"),
            ..Default::default()
        };
        assert!(matches!(
            derive(method::NIST800_108_F, &input, 16),
            Err(CryptoError::Unsupported(_))
        ));
        assert!(matches!(
            derive(0x77, &input, 16),
            Err(CryptoError::InvalidParameter(_))
        ));
    }
}
