//! kmip-report (in progress)
