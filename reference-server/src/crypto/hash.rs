//! Hashes (SHA-1, SHA-2, SHA-3), HMAC and AES-CMAC.

use super::error::CryptoError;
use super::types::HashAlg;
use digest::{Digest, DynDigest, Mac};

/// Runs `$body` with `$d` bound to the RustCrypto digest type of `$hash`
/// (a `HashAlg`); evaluates `$other` for a hash the engine lacks.
macro_rules! with_digest {
    ($hash:expr, $d:ident => $body:expr, $other:expr) => {
        match $hash {
            $crate::crypto::types::HashAlg::Sha1 => {
                type $d = ::sha1::Sha1;
                $body
            }
            $crate::crypto::types::HashAlg::Sha224 => {
                type $d = ::sha2::Sha224;
                $body
            }
            $crate::crypto::types::HashAlg::Sha256 => {
                type $d = ::sha2::Sha256;
                $body
            }
            $crate::crypto::types::HashAlg::Sha384 => {
                type $d = ::sha2::Sha384;
                $body
            }
            $crate::crypto::types::HashAlg::Sha512 => {
                type $d = ::sha2::Sha512;
                $body
            }
            $crate::crypto::types::HashAlg::Sha512_224 => {
                type $d = ::sha2::Sha512_224;
                $body
            }
            $crate::crypto::types::HashAlg::Sha512_256 => {
                type $d = ::sha2::Sha512_256;
                $body
            }
            $crate::crypto::types::HashAlg::Sha3_224 => {
                type $d = ::sha3::Sha3_224;
                $body
            }
            $crate::crypto::types::HashAlg::Sha3_256 => {
                type $d = ::sha3::Sha3_256;
                $body
            }
            $crate::crypto::types::HashAlg::Sha3_384 => {
                type $d = ::sha3::Sha3_384;
                $body
            }
            $crate::crypto::types::HashAlg::Sha3_512 => {
                type $d = ::sha3::Sha3_512;
                $body
            }
            $crate::crypto::types::HashAlg::Other(_) => $other,
        }
    };
}
pub(crate) use with_digest;

fn unsupported_hash(h: HashAlg) -> CryptoError {
    CryptoError::Unsupported(format!("hashing algorithm {h}"))
}

/// SHA-256 of `data` (Digest attribute, Short Unique Identifier).
pub fn sha256(data: &[u8]) -> Vec<u8> {
    ::sha2::Sha256::digest(data).to_vec()
}

/// The digest of `data` with `alg`.
pub fn hash(alg: HashAlg, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    with_digest!(alg, D => Ok(D::digest(data).to_vec()), Err(unsupported_hash(alg)))
}

/// Output length of a hash, bytes.
pub fn output_len(alg: HashAlg) -> Result<usize, CryptoError> {
    with_digest!(alg, D => Ok(<D as Digest>::output_size()), Err(unsupported_hash(alg)))
}

/// A boxed dynamic hasher (for MGF1 and PSS).
pub(crate) fn dyn_digest(alg: HashAlg) -> Result<Box<dyn DynDigest + Send + Sync>, CryptoError> {
    with_digest!(alg, D => Ok(Box::new(D::new())), Err(unsupported_hash(alg)))
}

/// HMAC of `data` under `key` with `alg`'s hash.
pub fn hmac(alg: HashAlg, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    with_digest!(alg, D => {
        let mut m = <hmac::Hmac<D> as Mac>::new_from_slice(key)
            .map_err(|e| CryptoError::InvalidKey(format!("HMAC key: {e}")))?;
        Mac::update(&mut m, data);
        Ok(m.finalize().into_bytes().to_vec())
    }, Err(unsupported_hash(alg)))
}

/// AES-CMAC (NIST SP 800-38B) of `data` under a 16/24/32-byte key.
pub fn aes_cmac(key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    fn run<M: Mac + digest::KeyInit>(key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut m = <M as Mac>::new_from_slice(key)
            .map_err(|e| CryptoError::InvalidKey(format!("CMAC key: {e}")))?;
        Mac::update(&mut m, data);
        Ok(m.finalize().into_bytes().to_vec())
    }
    match key.len() {
        16 => run::<cmac::Cmac<aes::Aes128>>(key, data),
        24 => run::<cmac::Cmac<aes::Aes192>>(key, data),
        32 => run::<cmac::Cmac<aes::Aes256>>(key, data),
        n => Err(CryptoError::InvalidKey(format!(
            "AES-CMAC key of {n} bytes (16, 24 or 32 expected)"
        ))),
    }
}

/// Constant-time check of a MAC or tag. `received` may be a truncation of
/// `expected` no shorter than `min_len` bytes.
pub(crate) fn ct_prefix_eq(expected: &[u8], received: &[u8], min_len: usize) -> bool {
    use subtle::ConstantTimeEq;
    if received.len() > expected.len() || received.len() < min_len || received.is_empty() {
        return false;
    }
    bool::from(expected[..received.len()].ct_eq(received))
}

/// MGF1 (RFC 8017 §B.2.1): XOR `out` with the mask generated from `seed`.
pub(crate) fn mgf1_xor(alg: HashAlg, seed: &[u8], out: &mut [u8]) -> Result<(), CryptoError> {
    let mut d = dyn_digest(alg)?;
    let mut counter: u32 = 0;
    let mut pos = 0;
    while pos < out.len() {
        d.update(seed);
        d.update(&counter.to_be_bytes());
        let block = d.finalize_reset();
        for b in block.iter() {
            if pos >= out.len() {
                break;
            }
            out[pos] ^= b;
            pos += 1;
        }
        counter = counter
            .checked_add(1)
            .ok_or_else(|| CryptoError::Failure("MGF1 mask too long".into()))?;
    }
    Ok(())
}
