//! The server's random number generator for RNG Retrieve / RNG Seed: a
//! ChaCha20 DRBG seeded from the operating system. RNG Seed mixes the
//! client's bytes in (SHA-256 of fresh OS entropy, the current generator
//! output and the seed) and reseeds; it never replaces OS entropy.

use super::error::CryptoError;
use rand::rngs::OsRng;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};
use std::sync::Mutex;

/// Largest RNG Retrieve answer, bytes.
pub const MAX_RETRIEVE: usize = 1 << 20;

/// Largest RNG Seed input the server accepts, bytes (more is accepted in part).
pub const MAX_SEED: usize = 1 << 16;

/// A thread-safe DRBG.
#[derive(Debug)]
pub struct ServerRng {
    inner: Mutex<ChaCha20Rng>,
}

impl ServerRng {
    /// A generator seeded from the OS.
    pub fn new() -> Result<ServerRng, CryptoError> {
        let mut seed = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut seed)
            .map_err(|e| CryptoError::Rng(e.to_string()))?;
        Ok(ServerRng {
            inner: Mutex::new(ChaCha20Rng::from_seed(seed)),
        })
    }

    /// `len` random bytes (at most [`MAX_RETRIEVE`]).
    pub fn retrieve(&self, len: usize) -> Result<Vec<u8>, CryptoError> {
        if len > MAX_RETRIEVE {
            return Err(CryptoError::InvalidParameter(format!(
                "{len} random bytes requested, at most {MAX_RETRIEVE} served"
            )));
        }
        let mut out = vec![0u8; len];
        let mut g = self
            .inner
            .lock()
            .map_err(|_| CryptoError::Rng("generator lock poisoned".into()))?;
        g.fill_bytes(&mut out);
        Ok(out)
    }

    /// Mix `seed` in; returns how many bytes were used (all of it up to
    /// [`MAX_SEED`]).
    pub fn seed(&self, seed: &[u8]) -> Result<usize, CryptoError> {
        let used = seed.len().min(MAX_SEED);
        let mut fresh = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut fresh)
            .map_err(|e| CryptoError::Rng(e.to_string()))?;
        let mut g = self
            .inner
            .lock()
            .map_err(|_| CryptoError::Rng("generator lock poisoned".into()))?;
        let mut current = [0u8; 32];
        g.fill_bytes(&mut current);
        let mut h = Sha256::new();
        h.update(fresh);
        h.update(current);
        h.update(&seed[..used]);
        *g = ChaCha20Rng::from_seed(h.finalize().into());
        Ok(used)
    }
}
