//! kmip-compare (in progress)
