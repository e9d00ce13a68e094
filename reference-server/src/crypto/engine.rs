//! The pure engine entry points over bytes and typed parameters: Encrypt /
//! Decrypt (one-shot and [`CipherStream`] for multi-part), MAC / MAC
//! Verify, key wrap / unwrap. Sign / Verify are in `asymmetric`, Hash in
//! `hash`, key generation and format conversion in `keys`.

use super::aead::{tag_len, AeadCipher};
use super::asymmetric::{rsa_decrypt, rsa_encrypt};
use super::error::CryptoError;
use super::hash::{aes_cmac, ct_prefix_eq, hmac};
use super::keys::KeyMaterial;
use super::symmetric::{chacha20, chacha20_apply, xts, BlockKey, BlockModeCipher};
use super::types::{Algorithm, BlockMode, CipherParams, Padding};
use rand::rngs::OsRng;
use rand::RngCore;

/// The result of an encryption (or of a streaming part).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EncryptOutput {
    /// The ciphertext (or plaintext, for a decryption part).
    pub data: Vec<u8>,
    /// The IV / nonce the engine generated (Random IV), to return to the client.
    pub iv: Option<Vec<u8>>,
    /// The authentication tag (AEAD encryption, last part).
    pub tag: Option<Vec<u8>>,
}

fn symmetric_parts(key: &KeyMaterial) -> Result<(Algorithm, &[u8]), CryptoError> {
    match key {
        KeyMaterial::Symmetric { algorithm, bytes } => Ok((*algorithm, bytes.as_slice())),
        other => Err(CryptoError::InvalidKey(format!(
            "a {:?} {} key is not a symmetric key",
            other.class(),
            other.algorithm()
        ))),
    }
}

/// The mode a symmetric encryption runs in.
fn mode_of(alg: Algorithm, p: &CipherParams) -> Result<BlockMode, CryptoError> {
    match alg {
        Algorithm::ChaCha20 => match p.mode {
            None => Ok(BlockMode::Other(0)),
            Some(m) => Err(CryptoError::InvalidParameter(format!(
                "block cipher mode {m} with ChaCha20"
            ))),
        },
        Algorithm::ChaCha20Poly1305 => match p.mode {
            None | Some(BlockMode::Aead) => Ok(BlockMode::Aead),
            Some(m) => Err(CryptoError::InvalidParameter(format!(
                "block cipher mode {m} with ChaCha20-Poly1305"
            ))),
        },
        Algorithm::Aes | Algorithm::TripleDes => p.mode.ok_or_else(|| {
            CryptoError::InvalidParameter(format!("{alg} encryption needs a Block Cipher Mode"))
        }),
        other => Err(CryptoError::Unsupported(format!(
            "encryption with algorithm {other}"
        ))),
    }
}

/// Default IV length (bytes) for a generated IV.
fn default_iv_len(alg: Algorithm, mode: BlockMode) -> usize {
    match (alg, mode) {
        (_, BlockMode::Gcm) | (_, BlockMode::Aead) => 12,
        (Algorithm::ChaCha20, _) => 12,
        (Algorithm::TripleDes, _) => 8,
        _ => 16,
    }
}

/// The IV to use: the request's, or a generated one when Random IV is set.
/// Returns (iv, generated?).
fn resolve_iv(
    alg: Algorithm,
    mode: BlockMode,
    p: &CipherParams,
    encrypt: bool,
) -> Result<(Option<Vec<u8>>, bool), CryptoError> {
    if let Some(iv) = &p.iv {
        return Ok((Some(iv.clone()), false));
    }
    if mode == BlockMode::Ecb {
        return Ok((None, false));
    }
    if encrypt && p.random_iv == Some(true) {
        let len = match p.iv_length {
            Some(bits) if bits > 0 && bits % 8 == 0 && bits <= 8192 => (bits / 8) as usize,
            Some(bits) => {
                return Err(CryptoError::InvalidParameter(format!(
                    "IV length {bits} bits"
                )))
            }
            None => default_iv_len(alg, mode),
        };
        let mut iv = vec![0u8; len];
        OsRng
            .try_fill_bytes(&mut iv)
            .map_err(|e| CryptoError::Rng(e.to_string()))?;
        return Ok((Some(iv), true));
    }
    Ok((None, false))
}

enum StreamInner {
    Block(Box<BlockModeCipher>),
    ChaCha(Box<chacha20::ChaCha20>),
    Aead(Box<AeadCipher>),
}

/// A symmetric encryption or decryption that runs over several requests
/// (KMIP Init Indicator / Correlation Value / Final Indicator). Supports
/// AES / 3DES in ECB, CBC, CTR, AES-GCM, ChaCha20 and ChaCha20-Poly1305.
pub struct CipherStream {
    inner: StreamInner,
    encrypt: bool,
}

impl std::fmt::Debug for CipherStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.inner {
            StreamInner::Block(_) => "block",
            StreamInner::ChaCha(_) => "chacha20",
            StreamInner::Aead(_) => "aead",
        };
        f.debug_struct("CipherStream")
            .field("kind", &kind)
            .field("encrypt", &self.encrypt)
            .finish_non_exhaustive()
    }
}

impl CipherStream {
    /// Start an encryption (`encrypt`) or decryption with `key` and `p`
    /// (mode, padding, IV, AAD, tag length). Returns the stream and the IV
    /// it generated, if any (Random IV).
    pub fn start(
        key: &KeyMaterial,
        p: &CipherParams,
        encrypt: bool,
    ) -> Result<(CipherStream, Option<Vec<u8>>), CryptoError> {
        let (alg, bytes) = symmetric_parts(key)?;
        let mode = mode_of(alg, p)?;
        let (iv, generated) = resolve_iv(alg, mode, p, encrypt)?;
        let aad = p.aad.as_deref().unwrap_or(&[]);
        let inner = match (alg, mode) {
            (
                Algorithm::Aes | Algorithm::TripleDes,
                BlockMode::Ecb | BlockMode::Cbc | BlockMode::Ctr,
            ) => {
                let padding = p.padding.unwrap_or(Padding::None);
                StreamInner::Block(Box::new(BlockModeCipher::new(
                    BlockKey::new(alg, bytes)?,
                    mode,
                    padding,
                    iv.as_deref(),
                    encrypt,
                )?))
            }
            (Algorithm::Aes, BlockMode::Gcm) => {
                let iv = iv.as_deref().ok_or(CryptoError::MissingIv)?;
                let n = if encrypt {
                    tag_len(p.tag_length)?
                } else {
                    tag_len(p.tag_length.or(p.tag.as_ref().map(|t| t.len() as i64)))?
                };
                StreamInner::Aead(Box::new(AeadCipher::gcm(bytes, iv, aad, n, encrypt)?))
            }
            (Algorithm::ChaCha20Poly1305, BlockMode::Aead) => {
                let iv = iv.as_deref().ok_or(CryptoError::MissingIv)?;
                let n = if encrypt {
                    tag_len(p.tag_length)?
                } else {
                    tag_len(p.tag_length.or(p.tag.as_ref().map(|t| t.len() as i64)))?
                };
                StreamInner::Aead(Box::new(AeadCipher::chacha20_poly1305(
                    bytes, iv, aad, n, encrypt,
                )?))
            }
            (Algorithm::ChaCha20, _) => {
                let iv = iv.as_deref().ok_or(CryptoError::MissingIv)?;
                StreamInner::ChaCha(Box::new(chacha20(bytes, iv, p.initial_counter_value)?))
            }
            (alg, mode) => {
                return Err(CryptoError::Unsupported(format!(
                    "{alg} in mode {mode} (as a multi-part operation)"
                )))
            }
        };
        Ok((
            CipherStream { inner, encrypt },
            if generated { iv } else { None },
        ))
    }

    /// True for an encryption.
    pub fn is_encrypt(&self) -> bool {
        self.encrypt
    }

    /// Process a middle part.
    pub fn update(&mut self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        match &mut self.inner {
            StreamInner::Block(b) => b.update(data),
            StreamInner::ChaCha(c) => {
                let mut out = data.to_vec();
                chacha20_apply(c, &mut out)?;
                Ok(out)
            }
            StreamInner::Aead(a) => a.update(data),
        }
    }

    /// Process the last part. For an AEAD decryption `tag` is the
    /// Authenticated Encryption Tag (required); for an AEAD encryption the
    /// output carries the tag.
    pub fn finish(self, data: &[u8], tag: Option<&[u8]>) -> Result<EncryptOutput, CryptoError> {
        match self.inner {
            StreamInner::Block(b) => Ok(EncryptOutput {
                data: b.finish(data)?,
                ..Default::default()
            }),
            StreamInner::ChaCha(mut c) => {
                let mut out = data.to_vec();
                chacha20_apply(&mut c, &mut out)?;
                Ok(EncryptOutput {
                    data: out,
                    ..Default::default()
                })
            }
            StreamInner::Aead(a) => {
                if self.encrypt {
                    let (data, tag) = a.finish_encrypt(data)?;
                    Ok(EncryptOutput {
                        data,
                        iv: None,
                        tag: Some(tag),
                    })
                } else {
                    let tag = tag.ok_or_else(|| {
                        CryptoError::InvalidParameter(
                            "AEAD decryption needs the Authenticated Encryption Tag".into(),
                        )
                    })?;
                    Ok(EncryptOutput {
                        data: a.finish_decrypt(data, tag)?,
                        ..Default::default()
                    })
                }
            }
        }
    }
}

/// Encrypt `data` in one call. Symmetric keys: AES / 3DES (ECB, CBC, CTR
/// with None / PKCS5 padding), AES-GCM, AES-XTS, AES key wrap modes,
/// ChaCha20, ChaCha20-Poly1305. RSA keys: OAEP / PKCS#1 v1.5.
pub fn encrypt(
    key: &KeyMaterial,
    p: &CipherParams,
    data: &[u8],
) -> Result<EncryptOutput, CryptoError> {
    match key {
        KeyMaterial::RsaPublic(_) | KeyMaterial::RsaPrivate(_) => Ok(EncryptOutput {
            data: rsa_encrypt(key, p, data)?,
            ..Default::default()
        }),
        KeyMaterial::Symmetric { algorithm, bytes } => {
            let mode = mode_of(*algorithm, p)?;
            match mode {
                BlockMode::Xts => {
                    let (iv, generated) = resolve_iv(*algorithm, mode, p, true)?;
                    let iv = iv.ok_or(CryptoError::MissingIv)?;
                    Ok(EncryptOutput {
                        data: xts(bytes, &iv, data, true)?,
                        iv: generated.then_some(iv),
                        tag: None,
                    })
                }
                BlockMode::NistKeyWrap | BlockMode::AesKeyWrapPadding => Ok(EncryptOutput {
                    data: aes_key_wrap(bytes, data, mode == BlockMode::AesKeyWrapPadding)?,
                    ..Default::default()
                }),
                _ => {
                    let (stream, iv) = CipherStream::start(key, p, true)?;
                    let mut out = stream.finish(data, None)?;
                    out.iv = iv;
                    Ok(out)
                }
            }
        }
        other => Err(CryptoError::InvalidKey(format!(
            "encryption with a {:?} {} key",
            other.class(),
            other.algorithm()
        ))),
    }
}

/// Decrypt `data` in one call (the inverse of [`encrypt`]; AEAD modes need
/// `p.tag`).
pub fn decrypt(key: &KeyMaterial, p: &CipherParams, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    match key {
        KeyMaterial::RsaPrivate(_) => rsa_decrypt(key, p, data),
        KeyMaterial::Symmetric { algorithm, bytes } => {
            let mode = mode_of(*algorithm, p)?;
            match mode {
                BlockMode::Xts => {
                    let iv = p.iv.as_deref().ok_or(CryptoError::MissingIv)?;
                    xts(bytes, iv, data, false)
                }
                BlockMode::NistKeyWrap | BlockMode::AesKeyWrapPadding => {
                    aes_key_unwrap(bytes, data, mode == BlockMode::AesKeyWrapPadding)
                }
                _ => {
                    let (stream, _) = CipherStream::start(key, p, false)?;
                    Ok(stream.finish(data, p.tag.as_deref())?.data)
                }
            }
        }
        other => Err(CryptoError::InvalidKey(format!(
            "decryption with a {:?} {} key",
            other.class(),
            other.algorithm()
        ))),
    }
}

/// The MAC algorithm: HMAC when the parameters or the key name an HMAC
/// algorithm (HMAC over an AES-typed key is allowed, as CS-AC-M-4 does),
/// AES-CMAC for an AES key with Block Cipher Mode CMAC.
fn mac_raw(
    key: &KeyMaterial,
    p: &CipherParams,
    data: &[u8],
) -> Result<(Vec<u8>, usize), CryptoError> {
    let (alg, bytes) = symmetric_parts(key)?;
    if let Some(h) = p
        .algorithm
        .and_then(Algorithm::hmac_hash)
        .or(alg.hmac_hash())
    {
        let mac = hmac(h, bytes, data)?;
        let min = (mac.len() / 2).max(10);
        return Ok((mac, min));
    }
    if alg == Algorithm::Aes
        && (p.mode == Some(BlockMode::Cmac) || p.algorithm == Some(Algorithm::Aes))
    {
        return Ok((aes_cmac(bytes, data)?, 8));
    }
    Err(CryptoError::Unsupported(format!(
        "MAC with a {alg} key (name an HMAC algorithm, or Block Cipher Mode CMAC for AES)"
    )))
}

/// Compute a MAC.
pub fn mac(key: &KeyMaterial, p: &CipherParams, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    Ok(mac_raw(key, p, data)?.0)
}

/// Check a MAC (constant time). A truncated MAC is accepted down to half the
/// output length (at least 10 bytes) for HMAC, 8 bytes for CMAC.
pub fn mac_verify(
    key: &KeyMaterial,
    p: &CipherParams,
    data: &[u8],
    mac_data: &[u8],
) -> Result<bool, CryptoError> {
    let (expected, min) = mac_raw(key, p, data)?;
    Ok(ct_prefix_eq(&expected, mac_data, min))
}

fn aes_key_wrap(kek: &[u8], data: &[u8], padded: bool) -> Result<Vec<u8>, CryptoError> {
    macro_rules! kw {
        ($t:ty) => {{
            let k = <$t>::try_from(kek)
                .map_err(|e| CryptoError::InvalidKey(format!("AES key wrap: {e}")))?;
            if padded {
                k.wrap_with_padding_vec(data)
            } else {
                k.wrap_vec(data)
            }
            .map_err(|e| CryptoError::InvalidParameter(format!("AES key wrap: {e}")))
        }};
    }
    match kek.len() {
        16 => kw!(aes_kw::KekAes128),
        24 => kw!(aes_kw::KekAes192),
        32 => kw!(aes_kw::KekAes256),
        n => Err(CryptoError::InvalidKey(format!(
            "AES key wrap with a {n}-byte key"
        ))),
    }
}

fn aes_key_unwrap(kek: &[u8], data: &[u8], padded: bool) -> Result<Vec<u8>, CryptoError> {
    macro_rules! kw {
        ($t:ty) => {{
            let k = <$t>::try_from(kek)
                .map_err(|e| CryptoError::InvalidKey(format!("AES key wrap: {e}")))?;
            if padded {
                k.unwrap_with_padding_vec(data)
            } else {
                k.unwrap_vec(data)
            }
            .map_err(|e| match e {
                aes_kw::Error::IntegrityCheckFailed => CryptoError::AuthenticationFailed,
                other => CryptoError::InvalidParameter(format!("AES key unwrap: {other}")),
            })
        }};
    }
    match kek.len() {
        16 => kw!(aes_kw::KekAes128),
        24 => kw!(aes_kw::KekAes192),
        32 => kw!(aes_kw::KekAes256),
        n => Err(CryptoError::InvalidKey(format!(
            "AES key wrap with a {n}-byte key"
        ))),
    }
}

/// Wrap key bytes with a wrapping key: AES keys use NIST key wrap
/// (RFC 3394; Block Cipher Mode NISTKeyWrap, the default) or key wrap with
/// padding (RFC 5649; AESKeyWrapPadding); RSA keys use OAEP / PKCS#1 v1.5.
pub fn wrap_key(
    wrapping_key: &KeyMaterial,
    p: &CipherParams,
    key_bytes: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    match wrapping_key {
        KeyMaterial::Symmetric {
            algorithm: Algorithm::Aes,
            bytes,
        } => match p.mode {
            None | Some(BlockMode::NistKeyWrap) => aes_key_wrap(bytes, key_bytes, false),
            Some(BlockMode::AesKeyWrapPadding) => aes_key_wrap(bytes, key_bytes, true),
            Some(m) => Err(CryptoError::Unsupported(format!(
                "key wrapping with AES in mode {m}"
            ))),
        },
        KeyMaterial::RsaPublic(_) | KeyMaterial::RsaPrivate(_) => {
            rsa_encrypt(wrapping_key, p, key_bytes)
        }
        other => Err(CryptoError::Unsupported(format!(
            "key wrapping with a {:?} {} key",
            other.class(),
            other.algorithm()
        ))),
    }
}

/// Unwrap what [`wrap_key`] produced.
pub fn unwrap_key(
    wrapping_key: &KeyMaterial,
    p: &CipherParams,
    wrapped: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    match wrapping_key {
        KeyMaterial::Symmetric {
            algorithm: Algorithm::Aes,
            bytes,
        } => match p.mode {
            None | Some(BlockMode::NistKeyWrap) => aes_key_unwrap(bytes, wrapped, false),
            Some(BlockMode::AesKeyWrapPadding) => aes_key_unwrap(bytes, wrapped, true),
            Some(m) => Err(CryptoError::Unsupported(format!(
                "key unwrapping with AES in mode {m}"
            ))),
        },
        KeyMaterial::RsaPrivate(_) => rsa_decrypt(wrapping_key, p, wrapped),
        other => Err(CryptoError::Unsupported(format!(
            "key unwrapping with a {:?} {} key",
            other.class(),
            other.algorithm()
        ))),
    }
}
