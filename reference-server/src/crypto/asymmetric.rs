//! Asymmetric operations: RSA encryption (PKCS#1 v1.5, OAEP with any
//! SHA-1/2/3 hash, separate MGF1 hash and a P Source label), RSA signatures
//! (PKCS#1 v1.5, PSS), ECDSA (P-256/384/521) and DSA.
//!
//! PSS verification is implemented here (RFC 8017 §9.1.2) over the raw RSA
//! public operation so that it can recover the salt length (a KMIP client
//! need not send Salt Length; the OASIS signatures use the hash length) and
//! use an MGF1 hash different from the message hash.

use super::error::CryptoError;
use super::hash::{dyn_digest, hash, mgf1_xor, output_len, with_digest};
use super::keys::{EcPrivate, EcPublic, KeyMaterial};
use super::types::{Algorithm, CipherParams, Curve, HashAlg, MaskGenerator, Padding};
use rand::rngs::OsRng;
use rsa::traits::PublicKeyParts;

/// The message to sign or verify, or its digest (KMIP Digested Data).
#[derive(Copy, Clone, Debug)]
pub enum SignInput<'a> {
    /// The data; the engine hashes it.
    Message(&'a [u8]),
    /// An already computed digest of the data.
    Digest(&'a [u8]),
}

/// The signature scheme resolved from the parameters and the key.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Scheme {
    padding: Padding,
    hash: HashAlg,
    mgf_hash: HashAlg,
    salt_len: Option<usize>,
}

fn rsa_scheme(p: &CipherParams) -> Result<Scheme, CryptoError> {
    let implied = p.signature_algorithm.and_then(|s| s.implies());
    if let Some((alg, _, _)) = implied {
        if alg != Algorithm::Rsa {
            return Err(CryptoError::InvalidKey(format!(
                "signature algorithm {} with an RSA key",
                p.signature_algorithm.map(|s| s.label()).unwrap_or_default()
            )));
        }
    }
    let padding = p
        .padding
        .or(implied.and_then(|i| i.1))
        .unwrap_or(Padding::Pkcs1v15);
    let hash = p
        .hash
        .or(implied.and_then(|i| i.2))
        .unwrap_or(HashAlg::Sha256);
    if let Some(m) = p.mask_generator {
        if m != MaskGenerator::Mgf1 {
            return Err(CryptoError::Unsupported(format!("mask generator {m}")));
        }
    }
    if let Some(t) = p.trailer_field {
        if t != 1 {
            return Err(CryptoError::Unsupported(format!("PSS trailer field {t}")));
        }
    }
    let salt_len = match p.salt_length {
        None => None,
        Some(s) => Some(
            usize::try_from(s)
                .map_err(|_| CryptoError::InvalidParameter(format!("salt length {s}")))?,
        ),
    };
    Ok(Scheme {
        padding,
        hash,
        // PSS signatures use the message hash for MGF1 unless told otherwise.
        mgf_hash: p.mgf_hash.unwrap_or(hash),
        salt_len,
    })
}

fn digest_of(input: SignInput<'_>, h: HashAlg) -> Result<Vec<u8>, CryptoError> {
    match input {
        SignInput::Message(m) => hash(h, m),
        SignInput::Digest(d) => {
            let n = output_len(h)?;
            if d.len() != n {
                return Err(CryptoError::InvalidParameter(format!(
                    "digested data of {} bytes for {h} ({n} bytes)",
                    d.len()
                )));
            }
            Ok(d.to_vec())
        }
    }
}

fn ecdsa_hash(p: &CipherParams, curve: Curve) -> Result<HashAlg, CryptoError> {
    let implied = p.signature_algorithm.and_then(|s| s.implies());
    if let Some((alg, _, _)) = implied {
        if !alg.is_ec() {
            return Err(CryptoError::InvalidKey(format!(
                "signature algorithm {} with an EC key",
                p.signature_algorithm.map(|s| s.label()).unwrap_or_default()
            )));
        }
    }
    Ok(p.hash.or(implied.and_then(|i| i.2)).unwrap_or(match curve {
        Curve::P384 => HashAlg::Sha384,
        Curve::P521 => HashAlg::Sha512,
        _ => HashAlg::Sha256,
    }))
}

/// A digest shorter than the curve's field, left-padded with zeros to the
/// field length: the same integer (FIPS 186-5 bits2int), in the form the
/// `ecdsa` crate accepts for any digest length.
fn ec_prehash(digest: Vec<u8>, curve: Curve) -> Vec<u8> {
    let field = match curve {
        Curve::P384 => 48,
        Curve::P521 => 66,
        _ => 32,
    };
    if digest.len() >= field {
        return digest;
    }
    let mut out = vec![0u8; field - digest.len()];
    out.extend_from_slice(&digest);
    out
}

/// The message an Ed25519 signature covers: PureEdDSA (RFC 8032 §5.1)
/// signs the message itself, so Digested Data and a Digital Signature
/// Algorithm or Hashing Algorithm that implies another scheme are refused.
fn ed25519_message<'a>(p: &CipherParams, input: SignInput<'a>) -> Result<&'a [u8], CryptoError> {
    if let Some(sa) = p.signature_algorithm {
        return Err(CryptoError::InvalidKey(format!(
            "Digital Signature Algorithm {} with an Ed25519 key",
            sa.label()
        )));
    }
    if let Some(a) = p.algorithm {
        if a != Algorithm::Ed25519 {
            return Err(CryptoError::InvalidKey(format!(
                "Cryptographic Algorithm {a} with an Ed25519 key"
            )));
        }
    }
    match input {
        SignInput::Message(m) => Ok(m),
        SignInput::Digest(_) => Err(CryptoError::InvalidParameter(
            "Ed25519 (PureEdDSA) signs the message: Digested Data is not accepted".into(),
        )),
    }
}

fn dsa_hash(p: &CipherParams) -> Result<HashAlg, CryptoError> {
    let implied = p.signature_algorithm.and_then(|s| s.implies());
    if let Some((alg, _, _)) = implied {
        if alg != Algorithm::Dsa {
            return Err(CryptoError::InvalidKey(
                "non-DSA signature algorithm with a DSA key".into(),
            ));
        }
    }
    Ok(p.hash
        .or(implied.and_then(|i| i.2))
        .unwrap_or(HashAlg::Sha256))
}

/// Sign with a private key (RSA, EC, DSA). ECDSA and DSA signatures are
/// DER `SEQUENCE { r, s }`.
pub fn sign(
    key: &KeyMaterial,
    p: &CipherParams,
    input: SignInput<'_>,
) -> Result<Vec<u8>, CryptoError> {
    use signature::hazmat::PrehashSigner;
    match key {
        KeyMaterial::RsaPrivate(k) => {
            let s = rsa_scheme(p)?;
            let digest = digest_of(input, s.hash)?;
            match s.padding {
                Padding::Pkcs1v15 => {
                    let scheme = with_digest!(s.hash, D => rsa::Pkcs1v15Sign::new::<D>(),
                        return Err(CryptoError::Unsupported(format!("hash {} for RSA", s.hash))));
                    k.sign_with_rng(&mut OsRng, scheme, &digest)
                        .map_err(|e| CryptoError::Failure(format!("RSA sign: {e}")))
                }
                Padding::Pss => {
                    if s.mgf_hash != s.hash {
                        return Err(CryptoError::Unsupported(
                            "PSS signing with an MGF1 hash different from the message hash".into(),
                        ));
                    }
                    let salt_len = s.salt_len.unwrap_or(digest.len());
                    let scheme = rsa::Pss {
                        blinded: true,
                        digest: dyn_digest(s.hash)?,
                        salt_len,
                    };
                    k.sign_with_rng(&mut OsRng, scheme, &digest)
                        .map_err(|e| CryptoError::Failure(format!("RSA-PSS sign: {e}")))
                }
                other => Err(CryptoError::Unsupported(format!(
                    "RSA signature padding {other}"
                ))),
            }
        }
        KeyMaterial::EcPrivate(EcPrivate::Ed25519(k)) => {
            use ed25519_dalek::Signer;
            let msg = ed25519_message(p, input)?;
            Ok(k.sign(msg).to_bytes().to_vec())
        }
        KeyMaterial::EcPrivate(k) => {
            let h = ecdsa_hash(p, k.curve())?;
            let digest = ec_prehash(digest_of(input, h)?, k.curve());
            let fail = |e: signature::Error| CryptoError::Failure(format!("ECDSA sign: {e}"));
            Ok(match k {
                EcPrivate::P256(s) => {
                    let sk = p256::ecdsa::SigningKey::from(s);
                    let sig: p256::ecdsa::Signature = sk.sign_prehash(&digest).map_err(fail)?;
                    sig.to_der().as_bytes().to_vec()
                }
                EcPrivate::P384(s) => {
                    let sk = p384::ecdsa::SigningKey::from(s);
                    let sig: p384::ecdsa::Signature = sk.sign_prehash(&digest).map_err(fail)?;
                    sig.to_der().as_bytes().to_vec()
                }
                EcPrivate::P521(s) => {
                    let sk = p521::ecdsa::SigningKey::from_bytes(&s.to_bytes()).map_err(fail)?;
                    let sig: p521::ecdsa::Signature = sk.sign_prehash(&digest).map_err(fail)?;
                    sig.to_der().as_bytes().to_vec()
                }
                EcPrivate::K256(s) => {
                    let sk = k256::ecdsa::SigningKey::from(s);
                    let sig: k256::ecdsa::Signature = sk.sign_prehash(&digest).map_err(fail)?;
                    sig.to_der().as_bytes().to_vec()
                }
                EcPrivate::Ed25519(_) => {
                    return Err(CryptoError::Failure("Ed25519 is not ECDSA".into()))
                }
            })
        }
        KeyMaterial::DsaPrivate(k) => {
            use signature::SignatureEncoding;
            let h = dsa_hash(p)?;
            let digest = digest_of(input, h)?;
            let sig: dsa::Signature = k
                .sign_prehash(&digest)
                .map_err(|e| CryptoError::Failure(format!("DSA sign: {e}")))?;
            Ok(sig.to_vec())
        }
        other => Err(CryptoError::InvalidKey(format!(
            "signing needs a private key, not a {:?} {} key",
            other.class(),
            other.algorithm()
        ))),
    }
}

/// Verify a signature with a public key (a private key's public half is
/// used if a private key is given). `Ok(false)` is an invalid signature;
/// errors are for unusable keys or parameters.
pub fn verify(
    key: &KeyMaterial,
    p: &CipherParams,
    input: SignInput<'_>,
    signature: &[u8],
) -> Result<bool, CryptoError> {
    use signature::hazmat::PrehashVerifier;
    let public = key.public_key()?;
    match &public {
        KeyMaterial::RsaPublic(k) => {
            let s = rsa_scheme(p)?;
            let digest = digest_of(input, s.hash)?;
            match s.padding {
                Padding::Pkcs1v15 => {
                    let scheme = with_digest!(s.hash, D => rsa::Pkcs1v15Sign::new::<D>(),
                        return Err(CryptoError::Unsupported(format!("hash {} for RSA", s.hash))));
                    Ok(k.verify(scheme, &digest, signature).is_ok())
                }
                Padding::Pss => pss_verify(k, &digest, signature, &s),
                other => Err(CryptoError::Unsupported(format!(
                    "RSA signature padding {other}"
                ))),
            }
        }
        KeyMaterial::EcPublic(EcPublic::Ed25519(k)) => {
            let msg = ed25519_message(p, input)?;
            Ok(match ed25519_dalek::Signature::from_slice(signature) {
                Ok(sig) => k.verify_strict(msg, &sig).is_ok(),
                Err(_) => false,
            })
        }
        KeyMaterial::EcPublic(k) => {
            let h = ecdsa_hash(p, k.curve())?;
            let digest = ec_prehash(digest_of(input, h)?, k.curve());
            macro_rules! ec_verify {
                ($crate_:ident, $pk:expr) => {{
                    let vk = $crate_::ecdsa::VerifyingKey::from($pk);
                    let sig = $crate_::ecdsa::Signature::from_der(signature)
                        .or_else(|_| $crate_::ecdsa::Signature::from_slice(signature));
                    match sig {
                        Ok(sig) => vk.verify_prehash(&digest, &sig).is_ok(),
                        Err(_) => false,
                    }
                }};
            }
            Ok(match k {
                EcPublic::P256(pk) => ec_verify!(p256, pk),
                EcPublic::P384(pk) => ec_verify!(p384, pk),
                EcPublic::K256(pk) => ec_verify!(k256, pk),
                EcPublic::Ed25519(_) => false,
                EcPublic::P521(pk) => {
                    use elliptic_curve::sec1::ToEncodedPoint;
                    let vk = match p521::ecdsa::VerifyingKey::from_sec1_bytes(
                        pk.to_encoded_point(false).as_bytes(),
                    ) {
                        Ok(vk) => vk,
                        Err(e) => return Err(CryptoError::InvalidKey(format!("P-521 key: {e}"))),
                    };
                    let sig = p521::ecdsa::Signature::from_der(signature)
                        .or_else(|_| p521::ecdsa::Signature::from_slice(signature));
                    match sig {
                        Ok(sig) => vk.verify_prehash(&digest, &sig).is_ok(),
                        Err(_) => false,
                    }
                }
            })
        }
        KeyMaterial::DsaPublic(k) => {
            let h = dsa_hash(p)?;
            let digest = digest_of(input, h)?;
            match dsa::Signature::try_from(signature) {
                Ok(sig) => Ok(k.verify_prehash(&digest, &sig).is_ok()),
                Err(_) => Ok(false),
            }
        }
        other => Err(CryptoError::InvalidKey(format!(
            "signature verification needs a public key, not a {:?} {} key",
            other.class(),
            other.algorithm()
        ))),
    }
}

/// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) after the RSA public operation. With
/// no salt length given, the salt length is whatever the encoding holds.
fn pss_verify(
    k: &rsa::RsaPublicKey,
    m_hash: &[u8],
    sig: &[u8],
    s: &Scheme,
) -> Result<bool, CryptoError> {
    let k_len = k.size();
    if sig.len() != k_len {
        return Ok(false);
    }
    let sig_int = rsa::BigUint::from_bytes_be(sig);
    if &sig_int >= k.n() {
        return Ok(false);
    }
    let m = sig_int.modpow(k.e(), k.n()).to_bytes_be();
    let mod_bits = k.n().bits();
    let em_bits = mod_bits - 1;
    let em_len = em_bits.div_ceil(8);
    if m.len() > em_len {
        return Ok(false);
    }
    let mut em = vec![0u8; em_len];
    em[em_len - m.len()..].copy_from_slice(&m);
    let h_len = m_hash.len();
    if em_len < h_len + 2 || em[em_len - 1] != 0xBC {
        return Ok(false);
    }
    let (masked_db, rest) = em.split_at_mut(em_len - h_len - 1);
    let h = rest[..h_len].to_vec();
    let top_bits = 8 * em_len - em_bits;
    if top_bits > 0 && masked_db[0] & (0xFFu8 << (8 - top_bits)) != 0 {
        return Ok(false);
    }
    mgf1_xor(s.mgf_hash, &h, masked_db)?;
    if top_bits > 0 {
        masked_db[0] &= 0xFF >> top_bits;
    }
    let db = masked_db;
    // DB = PS (zeros) || 0x01 || salt
    let Some(one) = db.iter().position(|&b| b != 0) else {
        return Ok(false);
    };
    if db[one] != 0x01 {
        return Ok(false);
    }
    let salt = &db[one + 1..];
    if let Some(expected) = s.salt_len {
        if salt.len() != expected {
            return Ok(false);
        }
    }
    let mut d = dyn_digest(s.hash)?;
    d.update(&[0u8; 8]);
    d.update(m_hash);
    d.update(salt);
    let h2 = d.finalize_reset();
    use subtle::ConstantTimeEq;
    Ok(bool::from(h2.as_ref().ct_eq(&h)))
}

fn oaep(p: &CipherParams) -> Result<rsa::Oaep, CryptoError> {
    if let Some(m) = p.mask_generator {
        if m != MaskGenerator::Mgf1 {
            return Err(CryptoError::Unsupported(format!("mask generator {m}")));
        }
    }
    // KMIP defaults: SHA-1 for the hash and for MGF1 (KMIP 2.1 §4.17).
    let h = p.hash.unwrap_or(HashAlg::Sha1);
    let mgf = p.mgf_hash.unwrap_or(HashAlg::Sha1);
    let label = match &p.p_source {
        None => None,
        Some(l) if l.is_empty() => None,
        Some(l) => Some(String::from_utf8(l.clone()).map_err(|_| {
            CryptoError::Unsupported("an OAEP label (P Source) that is not UTF-8".into())
        })?),
    };
    Ok(rsa::Oaep {
        digest: dyn_digest(h)?,
        mgf_digest: dyn_digest(mgf)?,
        label,
    })
}

fn rsa_padding(p: &CipherParams) -> Padding {
    p.padding.unwrap_or(Padding::Oaep)
}

/// RSA encryption with the public key (or a private key's public half).
/// Padding: OAEP (default) or PKCS#1 v1.5.
pub fn rsa_encrypt(
    key: &KeyMaterial,
    p: &CipherParams,
    data: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let KeyMaterial::RsaPublic(k) = key.public_key()? else {
        return Err(CryptoError::InvalidKey(
            "RSA encryption needs an RSA key".into(),
        ));
    };
    let fail = |e: rsa::Error| CryptoError::Failure(format!("RSA encrypt: {e}"));
    match rsa_padding(p) {
        Padding::Oaep => k.encrypt(&mut OsRng, oaep(p)?, data).map_err(fail),
        Padding::Pkcs1v15 => k
            .encrypt(&mut OsRng, rsa::Pkcs1v15Encrypt, data)
            .map_err(fail),
        other => Err(CryptoError::Unsupported(format!(
            "RSA encryption padding {other}"
        ))),
    }
}

/// RSA decryption with the private key (blinded).
pub fn rsa_decrypt(
    key: &KeyMaterial,
    p: &CipherParams,
    data: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let KeyMaterial::RsaPrivate(k) = key else {
        return Err(CryptoError::InvalidKey(
            "RSA decryption needs an RSA private key".into(),
        ));
    };
    let fail = |e: rsa::Error| CryptoError::Failure(format!("RSA decrypt: {e}"));
    match rsa_padding(p) {
        Padding::Oaep => k.decrypt_blinded(&mut OsRng, oaep(p)?, data).map_err(fail),
        Padding::Pkcs1v15 => k
            .decrypt_blinded(&mut OsRng, rsa::Pkcs1v15Encrypt, data)
            .map_err(fail),
        other => Err(CryptoError::Unsupported(format!(
            "RSA encryption padding {other}"
        ))),
    }
}
