//! AEAD: AES-GCM (NIST SP 800-38D) and ChaCha20-Poly1305 (RFC 8439), built
//! here from the AES block cipher + GHASH and ChaCha20 + Poly1305 so that
//! they can (a) run in several parts (KMIP streaming: CS-BC-M-GCM-3) and
//! (b) produce and check truncated tags (12–16 bytes: CS-BC-M-GCM-2,
//! CS-BC-M-CHACHA20POLY1305-1). Any IV length of GCM is accepted (the
//! 8-byte `cafebabefacedbad` of CS-BC-M-GCM-3 goes through GHASH as the
//! spec says). Both are checked against the `aes-gcm` / `chacha20poly1305`
//! crates and the published vectors in the tests.

use super::error::CryptoError;
use super::hash::ct_prefix_eq;
use super::symmetric::{chacha20, chacha20_apply, BlockKey};
use ghash::universal_hash::{KeyInit, UniversalHash};
use zeroize::Zeroizing;

/// Tag lengths the engine accepts, bytes.
pub const TAG_LENGTHS: std::ops::RangeInclusive<usize> = 12..=16;

/// Largest GCM plaintext: (2^32 − 2) blocks of 16 bytes.
const GCM_MAX_LEN: u64 = ((1u64 << 32) - 2) * 16;

/// Feeds a universal hash (GHASH / Poly1305) with arbitrary-length parts,
/// zero-padding each segment (AAD, then ciphertext) to 16 bytes.
#[derive(Clone)]
struct Padded<U: UniversalHash + Clone> {
    uh: U,
    buf: [u8; 16],
    n: usize,
}

impl<U: UniversalHash<BlockSize = cipher::consts::U16> + Clone> Padded<U> {
    fn new(uh: U) -> Self {
        Padded {
            uh,
            buf: [0u8; 16],
            n: 0,
        }
    }

    fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let take = (16 - self.n).min(data.len());
            self.buf[self.n..self.n + take].copy_from_slice(&data[..take]);
            self.n += take;
            data = &data[take..];
            if self.n == 16 {
                self.uh.update(&[self.buf.into()]);
                self.n = 0;
            }
        }
    }

    fn pad(&mut self) {
        if self.n > 0 {
            self.buf[self.n..].fill(0);
            self.uh.update(&[self.buf.into()]);
            self.n = 0;
        }
    }

    fn finish(mut self, len_block: [u8; 16]) -> [u8; 16] {
        self.pad();
        self.uh.update(&[len_block.into()]);
        self.uh.finalize().into()
    }
}

struct GcmState {
    key: BlockKey,
    counter: [u8; 16],
    keystream: [u8; 16],
    used: usize,
    tag_mask: [u8; 16],
    mac: Padded<ghash::GHash>,
}

enum Kind {
    Gcm(Box<GcmState>),
    ChaChaPoly(Box<(chacha20::ChaCha20, Padded<poly1305::Poly1305>)>),
}

/// An AEAD encryption or decryption in progress.
pub(crate) struct AeadCipher {
    kind: Kind,
    aad_len: u64,
    ct_len: u64,
    tag_len: usize,
    encrypt: bool,
}

/// Checks a requested tag length.
pub(crate) fn tag_len(requested: Option<i64>) -> Result<usize, CryptoError> {
    match requested {
        None => Ok(16),
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|n| TAG_LENGTHS.contains(n))
            .ok_or(CryptoError::InvalidTagLength(n)),
    }
}

impl AeadCipher {
    /// AES-GCM with `key` (16/24/32 bytes), any non-empty IV.
    pub(crate) fn gcm(
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        tag_len: usize,
        encrypt: bool,
    ) -> Result<AeadCipher, CryptoError> {
        let key = BlockKey::new(super::types::Algorithm::Aes, key)?;
        if iv.is_empty() || iv.len() > 1024 {
            return Err(CryptoError::InvalidParameter(format!(
                "GCM IV of {} bytes (1 to 1024 accepted, 12 recommended)",
                iv.len()
            )));
        }
        let mut h = [0u8; 16];
        key.encrypt_block(&mut h);
        let j0: [u8; 16] = if iv.len() == 12 {
            let mut j = [0u8; 16];
            j[..12].copy_from_slice(iv);
            j[15] = 1;
            j
        } else {
            let mut g = Padded::new(ghash::GHash::new(&h.into()));
            g.update(iv);
            let mut len_block = [0u8; 16];
            len_block[8..].copy_from_slice(&((iv.len() as u64) * 8).to_be_bytes());
            g.finish(len_block)
        };
        let mut tag_mask = j0;
        key.encrypt_block(&mut tag_mask);
        let mut counter = j0;
        inc32(&mut counter);
        let mut mac = Padded::new(ghash::GHash::new(&h.into()));
        mac.update(aad);
        mac.pad();
        Ok(AeadCipher {
            kind: Kind::Gcm(Box::new(GcmState {
                key,
                counter,
                keystream: [0u8; 16],
                used: 16,
                tag_mask,
                mac,
            })),
            aad_len: aad.len() as u64,
            ct_len: 0,
            tag_len,
            encrypt,
        })
    }

    /// ChaCha20-Poly1305 (RFC 8439) with a 32-byte key and 12-byte nonce.
    pub(crate) fn chacha20_poly1305(
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        tag_len: usize,
        encrypt: bool,
    ) -> Result<AeadCipher, CryptoError> {
        if nonce.len() != 12 {
            return Err(CryptoError::InvalidParameter(format!(
                "ChaCha20-Poly1305 nonce of {} bytes, 12 expected",
                nonce.len()
            )));
        }
        let mut cipher = chacha20(key, nonce, Some(0))?;
        let mut otk = Zeroizing::new([0u8; 64]);
        chacha20_apply(&mut cipher, &mut otk[..])?;
        let poly = poly1305::Poly1305::new(poly1305::Key::from_slice(&otk[..32]));
        let mut mac = Padded::new(poly);
        mac.update(aad);
        mac.pad();
        Ok(AeadCipher {
            kind: Kind::ChaChaPoly(Box::new((cipher, mac))),
            aad_len: aad.len() as u64,
            ct_len: 0,
            tag_len,
            encrypt,
        })
    }

    /// Process one part; returns its output.
    pub(crate) fn update(&mut self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let new_len = self.ct_len.saturating_add(data.len() as u64);
        if matches!(self.kind, Kind::Gcm(_)) && new_len > GCM_MAX_LEN {
            return Err(CryptoError::InvalidParameter("GCM message too long".into()));
        }
        self.ct_len = new_len;
        let mut out = data.to_vec();
        let encrypt = self.encrypt;
        match &mut self.kind {
            Kind::Gcm(g) => {
                let GcmState {
                    key,
                    counter,
                    keystream,
                    used,
                    mac,
                    ..
                } = &mut **g;
                if !encrypt {
                    mac.update(data);
                }
                for b in out.iter_mut() {
                    if *used == 16 {
                        keystream.copy_from_slice(counter);
                        key.encrypt_block(keystream);
                        inc32(counter);
                        *used = 0;
                    }
                    *b ^= keystream[*used];
                    *used += 1;
                }
                if encrypt {
                    mac.update(&out);
                }
            }
            Kind::ChaChaPoly(c) => {
                let (cipher, mac) = &mut **c;
                if !encrypt {
                    mac.update(data);
                }
                chacha20_apply(cipher, &mut out)?;
                if encrypt {
                    mac.update(&out);
                }
            }
        }
        Ok(out)
    }

    fn full_tag(self) -> [u8; 16] {
        match self.kind {
            Kind::Gcm(g) => {
                let GcmState { tag_mask, mac, .. } = *g;
                let mut len_block = [0u8; 16];
                len_block[..8].copy_from_slice(&(self.aad_len * 8).to_be_bytes());
                len_block[8..].copy_from_slice(&(self.ct_len * 8).to_be_bytes());
                let mut t = mac.finish(len_block);
                t.iter_mut().zip(tag_mask.iter()).for_each(|(a, b)| *a ^= b);
                t
            }
            Kind::ChaChaPoly(c) => {
                let (_, mac) = *c;
                let mut len_block = [0u8; 16];
                len_block[..8].copy_from_slice(&self.aad_len.to_le_bytes());
                len_block[8..].copy_from_slice(&self.ct_len.to_le_bytes());
                mac.finish(len_block)
            }
        }
    }

    /// Last part of an encryption: (output, tag).
    pub(crate) fn finish_encrypt(mut self, data: &[u8]) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
        let out = self.update(data)?;
        let n = self.tag_len;
        let tag = self.full_tag();
        Ok((out, tag[..n].to_vec()))
    }

    /// Last part of a decryption: the output once `tag` checks out
    /// (Cryptographic Failure otherwise). `tag` must be `tag_len` bytes.
    pub(crate) fn finish_decrypt(
        mut self,
        data: &[u8],
        tag: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        if tag.len() != self.tag_len {
            return Err(if TAG_LENGTHS.contains(&tag.len()) {
                CryptoError::AuthenticationFailed
            } else {
                CryptoError::InvalidTagLength(tag.len() as i64)
            });
        }
        let out = Zeroizing::new(self.update(data)?);
        let n = self.tag_len;
        let expected = self.full_tag();
        if ct_prefix_eq(&expected[..n], tag, n) {
            Ok(out.to_vec())
        } else {
            Err(CryptoError::AuthenticationFailed)
        }
    }
}

/// GCM's inc32: increment the last 32 bits of the counter block.
fn inc32(block: &mut [u8; 16]) {
    let c = u32::from_be_bytes([block[12], block[13], block[14], block[15]]).wrapping_add(1);
    block[12..].copy_from_slice(&c.to_be_bytes());
}
