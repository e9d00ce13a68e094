//! [`CryptoError`]: what can go wrong in the pure engine, and the KMIP
//! Result Reason each failure maps to, as a type ([`ResultReason`]).
//!
//! The mapping follows the Result Reason descriptions (KMIP 1.4 §11,
//! KMIP 2.1 §11 Table 477) and what the OASIS test cases expect where they
//! say: a bad authentication tag (GCM, ChaCha20-Poly1305) or bad padding is
//! Cryptographic Failure (CS-BC-M-GCM-1); an unsupported tag length is
//! General Failure (CS-BC-M-GCM-1, CS-BC-M-CHACHA20POLY1305-1); a missing IV
//! is Invalid Message (CS-BC-M-11/12/13).
//!
//! The Result Message is this server's own text (the error's `Display`);
//! the Profiles let a server word it freely (Result Message is a permitted
//! variation), so no other vendor's message strings are reproduced.

use crate::spec::enums::result_reason as rr;

/// The KMIP Result Reasons the crypto engine and its payload layer produce.
///
/// [`ResultReason::code`] is the enumeration value (KMIP 1.4 §9.1.3.2.29,
/// KMIP 2.1 §11.45); [`ResultReason::name`] the dictionary name, checked
/// against the `kmip_ttlv` dictionary by `tests/crypto_engine.rs`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ResultReason {
    /// Item Not Found (0x01).
    ItemNotFound,
    /// Invalid Message (0x04).
    InvalidMessage,
    /// Missing Data (0x06).
    MissingData,
    /// Invalid Field (0x07).
    InvalidField,
    /// Feature Not Supported (0x08).
    FeatureNotSupported,
    /// Cryptographic Failure (0x0A).
    CryptographicFailure,
    /// Illegal Operation (0x0B; 1.x "invalid object type").
    IllegalOperation,
    /// Permission Denied (0x0C).
    PermissionDenied,
    /// Key Format Type Not Supported (0x10).
    KeyFormatTypeNotSupported,
    /// Encoding Option Error (0x12).
    EncodingOptionError,
    /// Key Value Not Present (0x13).
    KeyValueNotPresent,
    /// Incompatible Cryptographic Usage Mask (0x29, KMIP 2.x).
    IncompatibleCryptographicUsageMask,
    /// Invalid Correlation Value (0x2E, KMIP 2.x).
    InvalidCorrelationValue,
    /// Invalid Object Type (0x30, KMIP 2.x).
    InvalidObjectType,
    /// Wrong Key Lifecycle State (0x43, KMIP 2.x).
    WrongKeyLifecycleState,
    /// General Failure (0x100).
    GeneralFailure,
}

impl ResultReason {
    /// Every variant (for the dictionary cross-check).
    pub const ALL: &'static [ResultReason] = &[
        ResultReason::ItemNotFound,
        ResultReason::InvalidMessage,
        ResultReason::MissingData,
        ResultReason::InvalidField,
        ResultReason::FeatureNotSupported,
        ResultReason::CryptographicFailure,
        ResultReason::IllegalOperation,
        ResultReason::PermissionDenied,
        ResultReason::KeyFormatTypeNotSupported,
        ResultReason::EncodingOptionError,
        ResultReason::KeyValueNotPresent,
        ResultReason::IncompatibleCryptographicUsageMask,
        ResultReason::InvalidCorrelationValue,
        ResultReason::InvalidObjectType,
        ResultReason::WrongKeyLifecycleState,
        ResultReason::GeneralFailure,
    ];

    /// The Result Reason enumeration value.
    pub const fn code(self) -> u32 {
        match self {
            ResultReason::ItemNotFound => rr::ITEM_NOT_FOUND,
            ResultReason::InvalidMessage => rr::INVALID_MESSAGE,
            ResultReason::MissingData => rr::MISSING_DATA,
            ResultReason::InvalidField => rr::INVALID_FIELD,
            ResultReason::FeatureNotSupported => rr::FEATURE_NOT_SUPPORTED,
            ResultReason::CryptographicFailure => rr::CRYPTOGRAPHIC_FAILURE,
            ResultReason::IllegalOperation => rr::ILLEGAL_OPERATION,
            ResultReason::PermissionDenied => rr::PERMISSION_DENIED,
            ResultReason::KeyFormatTypeNotSupported => rr::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            ResultReason::EncodingOptionError => rr::ENCODING_OPTION_ERROR,
            ResultReason::KeyValueNotPresent => rr::KEY_VALUE_NOT_PRESENT,
            ResultReason::IncompatibleCryptographicUsageMask => {
                rr::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK
            }
            ResultReason::InvalidCorrelationValue => rr::INVALID_CORRELATION_VALUE,
            ResultReason::InvalidObjectType => rr::INVALID_OBJECT_TYPE,
            ResultReason::WrongKeyLifecycleState => rr::WRONG_KEY_LIFECYCLE_STATE,
            ResultReason::GeneralFailure => rr::GENERAL_FAILURE,
        }
    }

    /// The dictionary (XML) name of the Result Reason.
    pub const fn name(self) -> &'static str {
        match self {
            ResultReason::ItemNotFound => "ItemNotFound",
            ResultReason::InvalidMessage => "InvalidMessage",
            ResultReason::MissingData => "MissingData",
            ResultReason::InvalidField => "InvalidField",
            ResultReason::FeatureNotSupported => "FeatureNotSupported",
            ResultReason::CryptographicFailure => "CryptographicFailure",
            ResultReason::IllegalOperation => "IllegalOperation",
            ResultReason::PermissionDenied => "PermissionDenied",
            ResultReason::KeyFormatTypeNotSupported => "KeyFormatTypeNotSupported",
            ResultReason::EncodingOptionError => "EncodingOptionError",
            ResultReason::KeyValueNotPresent => "KeyValueNotPresent",
            ResultReason::IncompatibleCryptographicUsageMask => {
                "IncompatibleCryptographicUsageMask"
            }
            ResultReason::InvalidCorrelationValue => "InvalidCorrelationValue",
            ResultReason::InvalidObjectType => "InvalidObjectType",
            ResultReason::WrongKeyLifecycleState => "WrongKeyLifecycleState",
            ResultReason::GeneralFailure => "GeneralFailure",
        }
    }
}

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
    #[error("this block cipher mode needs an IV, counter or nonce and the request has none")]
    MissingIv,
    /// An AEAD tag length outside what the engine accepts (12–16 bytes).
    #[error("authentication tag length of {0} bytes is not supported (12 to 16 bytes)")]
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
    /// The KMIP Result Reason this failure maps to.
    pub fn result_reason(&self) -> ResultReason {
        match self {
            CryptoError::Unsupported(_) => ResultReason::FeatureNotSupported,
            CryptoError::InvalidParameter(_) => ResultReason::InvalidField,
            CryptoError::MissingIv => ResultReason::InvalidMessage,
            CryptoError::InvalidTagLength(_) => ResultReason::GeneralFailure,
            CryptoError::InvalidKey(_) => ResultReason::InvalidField,
            CryptoError::KeyDecode(_) => ResultReason::InvalidField,
            CryptoError::UnsupportedKeyFormat(_) => ResultReason::KeyFormatTypeNotSupported,
            CryptoError::AuthenticationFailed => ResultReason::CryptographicFailure,
            CryptoError::Failure(_) => ResultReason::CryptographicFailure,
            CryptoError::Rng(_) => ResultReason::GeneralFailure,
        }
    }

    /// The Result Message to send: this server's description of the failure.
    pub fn result_message(&self) -> String {
        self.to_string()
    }
}
