//! kmip-runner (in progress)
