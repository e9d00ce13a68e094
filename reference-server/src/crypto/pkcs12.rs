//! PKCS#12 containers (RFC 7292) for Key Format Type PKCS#12 (KMIP 2.1
//! §6.1.19 Get, §4.39 PKCS#12 Friendly Name), over the pure-Rust
//! `p12-keystore` crate: a private key (PKCS#8) with its certificate chain
//! (leaf first), under one friendly name and one password.
//!
//! Written containers use PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) and an
//! HMAC-SHA256 MAC (the crate's defaults); read containers may also use the
//! legacy PBES1 SHA-1 / 3DES / RC2 schemes. Reading is bounded
//! ([`MAX_CONTAINER`]); a container must hold a private key together with
//! its certificate (the crate pairs them by Local Key ID: a key without a
//! certificate is not found).

use super::keys::{decode_key, EncodedKey, KeyClass};
use super::types::{Algorithm, KeyFormat};
use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKeyChain};
use zeroize::Zeroizing;

/// The largest container read (1 MiB).
pub const MAX_CONTAINER: usize = 1 << 20;

/// Why a container could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum Pkcs12Error {
    /// The password is not usable (not UTF-8) or does not open the container
    /// (MAC or decryption failure).
    #[error("PKCS#12 password: {0}")]
    Password(String),
    /// The container or a key / certificate in it is malformed or unsupported.
    #[error("PKCS#12 container: {0}")]
    Format(String),
}

/// What a container holds.
pub struct Pkcs12Contents {
    /// The private key, PKCS#8 DER.
    pub pkcs8: Zeroizing<Vec<u8>>,
    /// Its algorithm and size in bits, from the key itself.
    pub algorithm: Algorithm,
    /// Key size in bits.
    pub bits: u32,
    /// The certificate chain, leaf first (DER).
    pub certificates: Vec<Vec<u8>>,
    /// The friendly name (alias) of the private key.
    pub friendly_name: String,
}

fn password_text(password: &[u8]) -> Result<&str, Pkcs12Error> {
    std::str::from_utf8(password)
        .map_err(|_| Pkcs12Error::Password("the password is not UTF-8 text".into()))
}

/// A container with `pkcs8` and `chain` (leaf first) under `friendly_name`,
/// protected with `password`.
pub fn encode(
    pkcs8: &[u8],
    chain: &[Vec<u8>],
    friendly_name: &str,
    password: &[u8],
) -> Result<Vec<u8>, Pkcs12Error> {
    let password = password_text(password)?;
    let certs = chain
        .iter()
        .map(|der| Certificate::from_der(der).map_err(|e| Pkcs12Error::Format(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    // Local Key ID: SHA-256 of the key, the same for key and leaf bags.
    let id = super::hash::sha256(pkcs8);
    let mut store = KeyStore::new();
    store.add_entry(
        friendly_name,
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(pkcs8, id, certs)),
    );
    store
        .writer(password)
        .write()
        .map_err(|e| Pkcs12Error::Format(e.to_string()))
}

/// Open a container with `password`: its first private key with its chain.
pub fn decode(blob: &[u8], password: &[u8]) -> Result<Pkcs12Contents, Pkcs12Error> {
    if blob.len() > MAX_CONTAINER {
        return Err(Pkcs12Error::Format(format!(
            "{} bytes (at most {MAX_CONTAINER})",
            blob.len()
        )));
    }
    let password = password_text(password)?;
    let store = KeyStore::from_pkcs12(blob, password).map_err(|e| match e {
        p12_keystore::error::Error::MacError(_)
        | p12_keystore::error::Error::UnpadError
        | p12_keystore::error::Error::Pkcs5Error(_) => Pkcs12Error::Password(e.to_string()),
        other => Pkcs12Error::Format(other.to_string()),
    })?;
    let (alias, chain) = store.private_key_chain().ok_or_else(|| {
        Pkcs12Error::Format("no private key with its certificate in the container".into())
    })?;
    let pkcs8 = Zeroizing::new(chain.key().to_vec());
    let key = decode_key(
        &EncodedKey::Bytes {
            format: KeyFormat::Pkcs8,
            bytes: pkcs8.to_vec(),
        },
        Algorithm::Other(0),
        KeyClass::Private,
    )
    .map_err(|e| Pkcs12Error::Format(format!("the private key: {e}")))?;
    Ok(Pkcs12Contents {
        algorithm: key.algorithm(),
        bits: key.bits(),
        pkcs8,
        certificates: chain.chain().iter().map(|c| c.as_der().to_vec()).collect(),
        friendly_name: alias.to_string(),
    })
}
