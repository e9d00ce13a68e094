//! Error types: [`KmipError`] is a protocol-level failure that becomes a
//! batch item with Result Status / Result Reason / Result Message;
//! [`StoreError`] is a storage failure; [`ServerError`] is a start-up or
//! transport failure of the network server.

use crate::spec::enums::{result_reason as rr, result_status};

/// A KMIP operation failure: what goes into the response batch item.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} ({}): {message}", reason_name(*reason), status_name(*status))]
pub struct KmipError {
    /// Result Status (normally Operation Failed).
    pub status: u32,
    /// Result Reason code.
    pub reason: u32,
    /// Free-text Result Message.
    pub message: String,
}

fn reason_name(code: u32) -> &'static str {
    crate::spec::enum_name(rr::NAMES, code).unwrap_or("unknown reason")
}

fn status_name(code: u32) -> &'static str {
    crate::spec::enum_name(result_status::NAMES, code).unwrap_or("unknown status")
}

impl KmipError {
    /// Operation Failed with this reason and message.
    pub fn new(reason: u32, message: impl Into<String>) -> KmipError {
        KmipError {
            status: result_status::OPERATION_FAILED,
            reason,
            message: message.into(),
        }
    }

    /// Item Not Found.
    pub fn item_not_found(message: impl Into<String>) -> KmipError {
        KmipError::new(rr::ITEM_NOT_FOUND, message)
    }

    /// Invalid Message.
    pub fn invalid_message(message: impl Into<String>) -> KmipError {
        KmipError::new(rr::INVALID_MESSAGE, message)
    }

    /// Invalid Field.
    pub fn invalid_field(message: impl Into<String>) -> KmipError {
        KmipError::new(rr::INVALID_FIELD, message)
    }

    /// Missing Data.
    pub fn missing_data(message: impl Into<String>) -> KmipError {
        KmipError::new(rr::MISSING_DATA, message)
    }

    /// Operation Not Supported.
    pub fn not_supported(message: impl Into<String>) -> KmipError {
        KmipError::new(rr::OPERATION_NOT_SUPPORTED, message)
    }

    /// Feature Not Supported.
    pub fn feature_not_supported(message: impl Into<String>) -> KmipError {
        KmipError::new(rr::FEATURE_NOT_SUPPORTED, message)
    }

    /// Permission Denied.
    pub fn permission_denied(message: impl Into<String>) -> KmipError {
        KmipError::new(rr::PERMISSION_DENIED, message)
    }

    /// General Failure.
    pub fn general(message: impl Into<String>) -> KmipError {
        KmipError::new(rr::GENERAL_FAILURE, message)
    }
}

impl From<StoreError> for KmipError {
    fn from(e: StoreError) -> KmipError {
        KmipError::general(format!("storage failure: {e}"))
    }
}

/// A failure of the object store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The embedded database failed.
    #[error("database: {0}")]
    Database(String),
    /// A stored record could not be decoded.
    #[error("corrupt record {uid}: {reason}")]
    Corrupt {
        /// The object's identifier.
        uid: String,
        /// What was wrong.
        reason: String,
    },
    /// Filesystem error.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// A failure to start or run the network server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Binding or accepting failed.
    #[error("I/O error {context}: {source}")]
    Io {
        /// What the server was doing.
        context: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Certificates or keys could not be loaded or generated.
    #[error("TLS setup: {0}")]
    Tls(String),
    /// The object store could not be opened.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// Options that cannot take effect together.
    #[error("{0}")]
    Config(String),
}

impl From<kmip_wire::tls::TlsError> for ServerError {
    fn from(e: kmip_wire::tls::TlsError) -> ServerError {
        ServerError::Tls(e.to_string())
    }
}

impl ServerError {
    /// An I/O error with context.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> ServerError {
        ServerError::Io {
            context: context.into(),
            source,
        }
    }
}
