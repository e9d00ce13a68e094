//! [`CryptoError`]: what can go wrong in the pure engine, and the KMIP
//! Result Reason each failure maps to.
//!
//! The mapping follows what the OASIS test cases expect, where they say:
//! a bad authentication tag (GCM, ChaCha20-Poly1305) or bad padding is
//! Cryptographic Failure (CS-BC-M-GCM-1); an unsupported tag length is
//! General Failure (`L_KMIPCRYPTO_random:invalid-tag-length`, CS-BC-M-GCM-1,
//! CS-BC-M-CHACHA20POLY1305-1); a missing IV is Invalid Message
//! (`missing-iv`, CS-BC-M-11/12/13).

use super::codes;

/// A failure of the cryptographic engine.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The algorithm, mode, padding, hash, curve or key format is not implemented.
    #[error("not supported: {0}")]
    Unsupported(String),
    /// A parameter value is out of range or inconsistent (IV length, data length…).
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),
    /// The mode needs an IV / counter / nonce and none was given.
    #[error("missing-iv")]
    MissingIv,
    /// An AEAD tag length outside what the engine accepts (12–16 bytes).
    #[error("invalid-tag-length: {0} bytes")]
    InvalidTagLength(i64),
    /// The key cannot be used this way (wrong type, wrong algorithm, wrong length).
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// Key material that does not decode in its declared format.
    #[error("key decoding failed: {0}")]
    KeyDecode(String),
    /// A key format conversion the engine does not implement.
    #[error("key format not supported: {0}")]
    UnsupportedKeyFormat(String),
    /// Authentication failed (AEAD tag mismatch, key unwrap integrity check).
    #[error("authentication failed")]
    AuthenticationFailed,
    /// A cryptographic operation failed (bad padding, bad ciphertext, RSA error).
    #[error("cryptographic failure: {0}")]
    Failure(String),
    /// The random number generator failed.
    #[error("random number generator failure: {0}")]
    Rng(String),
}

impl CryptoError {
    /// The name of the KMIP Result Reason this failure maps to.
    pub fn reason_name(&self) -> &'static str {
        match self {
            CryptoError::Unsupported(_) => "FeatureNotSupported",
            CryptoError::InvalidParameter(_) => "InvalidField",
            CryptoError::MissingIv => "InvalidMessage",
            CryptoError::InvalidTagLength(_) => "GeneralFailure",
            CryptoError::InvalidKey(_) => "InvalidField",
            CryptoError::KeyDecode(_) => "InvalidField",
            CryptoError::UnsupportedKeyFormat(_) => "KeyFormatTypeNotSupported",
            CryptoError::AuthenticationFailed => "CryptographicFailure",
            CryptoError::Failure(_) => "CryptographicFailure",
            CryptoError::Rng(_) => "GeneralFailure",
        }
    }

    /// The KMIP Result Reason code (looked up by name in the `kmip_ttlv`
    /// dictionary, see [`codes::result_reason`]).
    pub fn result_reason(&self) -> u32 {
        codes::result_reason(self.reason_name())
    }

    /// The Result Message to send: the error text, with the vendor strings
    /// the OASIS cases carry for a bad tag length and a missing IV.
    pub fn result_message(&self) -> String {
        match self {
            CryptoError::InvalidTagLength(_) => "L_KMIPCRYPTO_random:invalid-tag-length".into(),
            CryptoError::MissingIv => "missing-iv".into(),
            other => other.to_string(),
        }
    }
}
