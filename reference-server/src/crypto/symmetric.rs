//! Symmetric ciphers without authentication: AES / Triple DES in ECB, CBC
//! and CTR (one-shot and multi-part), AES-XTS (one-shot), ChaCha20.
//!
//! ECB / CBC / CTR are implemented here over the block primitives of the
//! `aes` and `des` crates so one code path serves both single requests and
//! KMIP streaming (Init / Correlation / Final Indicator); they are checked
//! against the NIST SP 800-38A vectors and the OASIS CS-BC cases.

use super::error::CryptoError;
use super::types::{Algorithm, BlockMode, Padding};
use cipher::generic_array::GenericArray;
use cipher::{BlockDecrypt, BlockEncrypt, KeyInit, KeyIvInit, StreamCipher, StreamCipherSeek};
use zeroize::Zeroizing;

/// A keyed block cipher.
#[derive(Clone)]
pub(crate) enum BlockKey {
    Aes128(aes::Aes128),
    Aes192(aes::Aes192),
    Aes256(aes::Aes256),
    TdesEde2(des::TdesEde2),
    TdesEde3(des::TdesEde3),
}

impl BlockKey {
    /// The block cipher for `alg` keyed with `key`.
    pub(crate) fn new(alg: Algorithm, key: &[u8]) -> Result<BlockKey, CryptoError> {
        let bad =
            |what: &str| CryptoError::InvalidKey(format!("{what} key of {} bytes", key.len()));
        Ok(match alg {
            Algorithm::Aes => match key.len() {
                16 => BlockKey::Aes128(aes::Aes128::new_from_slice(key).map_err(|_| bad("AES"))?),
                24 => BlockKey::Aes192(aes::Aes192::new_from_slice(key).map_err(|_| bad("AES"))?),
                32 => BlockKey::Aes256(aes::Aes256::new_from_slice(key).map_err(|_| bad("AES"))?),
                _ => return Err(bad("AES")),
            },
            Algorithm::TripleDes => match key.len() {
                16 => {
                    BlockKey::TdesEde2(des::TdesEde2::new_from_slice(key).map_err(|_| bad("DES3"))?)
                }
                24 => {
                    BlockKey::TdesEde3(des::TdesEde3::new_from_slice(key).map_err(|_| bad("DES3"))?)
                }
                _ => return Err(bad("DES3")),
            },
            other => {
                return Err(CryptoError::Unsupported(format!(
                    "block cipher for algorithm {other}"
                )))
            }
        })
    }

    /// Block size in bytes.
    pub(crate) fn block_size(&self) -> usize {
        match self {
            BlockKey::Aes128(_) | BlockKey::Aes192(_) | BlockKey::Aes256(_) => 16,
            BlockKey::TdesEde2(_) | BlockKey::TdesEde3(_) => 8,
        }
    }

    /// Encrypt one block in place (`block.len()` must be the block size).
    pub(crate) fn encrypt_block(&self, block: &mut [u8]) {
        match self {
            BlockKey::Aes128(c) => c.encrypt_block(GenericArray::from_mut_slice(block)),
            BlockKey::Aes192(c) => c.encrypt_block(GenericArray::from_mut_slice(block)),
            BlockKey::Aes256(c) => c.encrypt_block(GenericArray::from_mut_slice(block)),
            BlockKey::TdesEde2(c) => c.encrypt_block(GenericArray::from_mut_slice(block)),
            BlockKey::TdesEde3(c) => c.encrypt_block(GenericArray::from_mut_slice(block)),
        }
    }

    /// Decrypt one block in place.
    pub(crate) fn decrypt_block(&self, block: &mut [u8]) {
        match self {
            BlockKey::Aes128(c) => c.decrypt_block(GenericArray::from_mut_slice(block)),
            BlockKey::Aes192(c) => c.decrypt_block(GenericArray::from_mut_slice(block)),
            BlockKey::Aes256(c) => c.decrypt_block(GenericArray::from_mut_slice(block)),
            BlockKey::TdesEde2(c) => c.decrypt_block(GenericArray::from_mut_slice(block)),
            BlockKey::TdesEde3(c) => c.decrypt_block(GenericArray::from_mut_slice(block)),
        }
    }
}

/// Which of ECB / CBC / CTR, with its running state.
#[derive(Clone)]
enum Chain {
    Ecb,
    /// The previous ciphertext block (the IV at the start).
    Cbc(Vec<u8>),
    /// Counter block and the unused tail of the current keystream block.
    Ctr {
        counter: [u8; 16],
        keystream: [u8; 16],
        used: usize,
    },
}

/// ECB / CBC / CTR over AES or Triple DES, in one or several parts.
#[derive(Clone)]
pub(crate) struct BlockModeCipher {
    key: BlockKey,
    chain: Chain,
    pkcs5: bool,
    encrypt: bool,
    pending: Zeroizing<Vec<u8>>,
}

impl BlockModeCipher {
    /// A cipher for `mode` with `padding` (None / PKCS5; CTR takes none).
    pub(crate) fn new(
        key: BlockKey,
        mode: BlockMode,
        padding: Padding,
        iv: Option<&[u8]>,
        encrypt: bool,
    ) -> Result<BlockModeCipher, CryptoError> {
        let bs = key.block_size();
        let pkcs5 = match padding {
            Padding::None => false,
            Padding::Pkcs5 => true,
            other => {
                return Err(CryptoError::Unsupported(format!(
                    "padding method {other} with a block cipher"
                )))
            }
        };
        let check_iv = |iv: Option<&[u8]>| -> Result<Vec<u8>, CryptoError> {
            let iv = iv.ok_or(CryptoError::MissingIv)?;
            if iv.len() != bs {
                return Err(CryptoError::InvalidParameter(format!(
                    "IV of {} bytes for a {bs}-byte block cipher",
                    iv.len()
                )));
            }
            Ok(iv.to_vec())
        };
        let chain = match mode {
            BlockMode::Ecb => Chain::Ecb,
            BlockMode::Cbc => Chain::Cbc(check_iv(iv)?),
            BlockMode::Ctr => {
                if pkcs5 {
                    return Err(CryptoError::Unsupported("PKCS5 padding with CTR".into()));
                }
                if bs != 16 {
                    return Err(CryptoError::Unsupported(
                        "CTR mode with a 64-bit block cipher".into(),
                    ));
                }
                let mut counter = [0u8; 16];
                counter.copy_from_slice(&check_iv(iv)?);
                Chain::Ctr {
                    counter,
                    keystream: [0u8; 16],
                    used: 16,
                }
            }
            other => {
                return Err(CryptoError::Unsupported(format!(
                    "block cipher mode {other} here"
                )))
            }
        };
        Ok(BlockModeCipher {
            key,
            chain,
            pkcs5,
            encrypt,
            pending: Zeroizing::new(Vec::new()),
        })
    }

    /// Process a part; returns what can be output so far.
    pub(crate) fn update(&mut self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if let Chain::Ctr { .. } = self.chain {
            let mut out = data.to_vec();
            self.ctr_apply(&mut out);
            return Ok(out);
        }
        self.pending.extend_from_slice(data);
        let bs = self.key.block_size();
        let mut full = self.pending.len() / bs * bs;
        // Decrypting with padding: keep the last block until the final part.
        if !self.encrypt && self.pkcs5 && full == self.pending.len() && full > 0 {
            full -= bs;
        }
        let mut out: Vec<u8> = self.pending.drain(..full).collect();
        self.process_blocks(&mut out);
        Ok(out)
    }

    /// Process the last part and finish (padding, length checks).
    pub(crate) fn finish(mut self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut out = self.update(data)?;
        if let Chain::Ctr { .. } = self.chain {
            return Ok(out);
        }
        let bs = self.key.block_size();
        let mut last = std::mem::take(&mut *self.pending);
        if self.encrypt {
            if self.pkcs5 {
                let n = bs - last.len() % bs;
                last.extend(std::iter::repeat_n(n as u8, n));
            } else if !last.is_empty() {
                return Err(CryptoError::InvalidParameter(format!(
                    "data length is not a multiple of the {bs}-byte block size and no padding was requested"
                )));
            }
            self.process_blocks(&mut last);
            out.extend_from_slice(&last);
        } else {
            if last.len() % bs != 0 {
                return Err(CryptoError::InvalidParameter(format!(
                    "ciphertext length is not a multiple of the {bs}-byte block size"
                )));
            }
            self.process_blocks(&mut last);
            out.extend_from_slice(&last);
            if self.pkcs5 {
                let n = usize::from(*out.last().ok_or_else(|| {
                    CryptoError::Failure("empty ciphertext with PKCS5 padding".into())
                })?);
                let ok = n >= 1
                    && n <= bs
                    && n <= out.len()
                    && out[out.len() - n..].iter().all(|&b| usize::from(b) == n);
                if !ok {
                    return Err(CryptoError::Failure("bad PKCS5 padding".into()));
                }
                out.truncate(out.len() - n);
            }
        }
        Ok(out)
    }

    fn process_blocks(&mut self, buf: &mut [u8]) {
        let bs = self.key.block_size();
        for block in buf.chunks_exact_mut(bs) {
            match &mut self.chain {
                Chain::Ecb => {
                    if self.encrypt {
                        self.key.encrypt_block(block)
                    } else {
                        self.key.decrypt_block(block)
                    }
                }
                Chain::Cbc(prev) => {
                    if self.encrypt {
                        block.iter_mut().zip(prev.iter()).for_each(|(b, p)| *b ^= p);
                        self.key.encrypt_block(block);
                        prev.copy_from_slice(block);
                    } else {
                        let c = block.to_vec();
                        self.key.decrypt_block(block);
                        block.iter_mut().zip(prev.iter()).for_each(|(b, p)| *b ^= p);
                        *prev = c;
                    }
                }
                Chain::Ctr { .. } => {}
            }
        }
    }

    fn ctr_apply(&mut self, buf: &mut [u8]) {
        let key = &self.key;
        if let Chain::Ctr {
            counter,
            keystream,
            used,
        } = &mut self.chain
        {
            for b in buf.iter_mut() {
                if *used == 16 {
                    keystream.copy_from_slice(counter);
                    key.encrypt_block(keystream);
                    increment_be(counter);
                    *used = 0;
                }
                *b ^= keystream[*used];
                *used += 1;
            }
        }
    }
}

/// Big-endian increment of a whole counter block (wraps at 2^128).
fn increment_be(counter: &mut [u8]) {
    for b in counter.iter_mut().rev() {
        let (v, carry) = b.overflowing_add(1);
        *b = v;
        if !carry {
            break;
        }
    }
}

/// AES-XTS (IEEE 1619) of one data unit: `key` is the two AES keys
/// concatenated (32 or 64 bytes), `tweak` the 16-byte IV.
pub(crate) fn xts(
    key: &[u8],
    tweak: &[u8],
    data: &[u8],
    encrypt: bool,
) -> Result<Vec<u8>, CryptoError> {
    let tweak: [u8; 16] = tweak.try_into().map_err(|_| {
        CryptoError::InvalidParameter(format!(
            "XTS tweak (IV) of {} bytes, 16 expected",
            tweak.len()
        ))
    })?;
    if data.len() < 16 {
        return Err(CryptoError::InvalidParameter(
            "XTS needs at least 16 bytes of data".into(),
        ));
    }
    let mut buf = data.to_vec();
    fn run<C>(k: &[u8], buf: &mut [u8], tweak: [u8; 16], encrypt: bool) -> Result<(), CryptoError>
    where
        C: BlockEncrypt
            + BlockDecrypt
            + cipher::BlockCipher
            + KeyInit
            + cipher::BlockSizeUser<BlockSize = cipher::consts::U16>,
    {
        let (k1, k2) = k.split_at(k.len() / 2);
        let bad = |_| CryptoError::InvalidKey("XTS key".into());
        let x = xts_mode::Xts128::new(
            C::new_from_slice(k1).map_err(bad)?,
            C::new_from_slice(k2).map_err(bad)?,
        );
        if encrypt {
            x.encrypt_sector(buf, tweak)
        } else {
            x.decrypt_sector(buf, tweak)
        }
        Ok(())
    }
    match key.len() {
        32 => run::<aes::Aes128>(key, &mut buf, tweak, encrypt)?,
        64 => run::<aes::Aes256>(key, &mut buf, tweak, encrypt)?,
        n => {
            return Err(CryptoError::InvalidKey(format!(
                "AES-XTS key of {n} bytes (32 or 64 expected: two AES keys)"
            )))
        }
    }
    Ok(buf)
}

/// ChaCha20 keyed with a 32-byte key and positioned by the IV:
/// - 8 bytes: the original (DJB) 64-bit nonce, block counter from
///   `initial_counter` (default 0);
/// - 12 bytes: the RFC 8439 nonce, block counter from `initial_counter`
///   (default 0);
/// - 16 bytes: the raw state words 12–15 (little-endian 32-bit block counter
///   then 96-bit nonce, as OpenSSL takes it).
///
/// The counter is 32 bits (256 GiB per nonce); the DJB layout's upper counter
/// word is always zero here.
pub(crate) fn chacha20(
    key: &[u8],
    iv: &[u8],
    initial_counter: Option<i64>,
) -> Result<chacha20::ChaCha20, CryptoError> {
    if key.len() != 32 {
        return Err(CryptoError::InvalidKey(format!(
            "ChaCha20 key of {} bytes, 32 expected",
            key.len()
        )));
    }
    let mut nonce = [0u8; 12];
    let counter: u64 = match iv.len() {
        8 => {
            nonce[4..].copy_from_slice(iv);
            0
        }
        12 => {
            nonce.copy_from_slice(iv);
            0
        }
        16 => {
            nonce.copy_from_slice(&iv[4..]);
            u64::from(u32::from_le_bytes([iv[0], iv[1], iv[2], iv[3]]))
        }
        n => {
            return Err(CryptoError::InvalidParameter(format!(
                "ChaCha20 nonce of {n} bytes (8, 12 or 16 expected)"
            )))
        }
    };
    let counter = match initial_counter {
        Some(c) if iv.len() != 16 => u64::try_from(c)
            .ok()
            .filter(|c| *c <= u64::from(u32::MAX))
            .ok_or_else(|| {
                CryptoError::InvalidParameter(format!("ChaCha20 initial counter {c}"))
            })?,
        _ => counter,
    };
    let mut c = chacha20::ChaCha20::new(key.into(), &nonce.into());
    c.try_seek(counter * 64)
        .map_err(|_| CryptoError::InvalidParameter("ChaCha20 counter out of range".into()))?;
    Ok(c)
}

/// Apply a ChaCha20 keystream, failing (not panicking) past its end.
pub(crate) fn chacha20_apply(
    c: &mut chacha20::ChaCha20,
    buf: &mut [u8],
) -> Result<(), CryptoError> {
    c.try_apply_keystream(buf).map_err(|_| {
        CryptoError::InvalidParameter("ChaCha20 keystream exhausted (32-bit block counter)".into())
    })
}
