//! The enumeration and mask modules the server uses, under the server's
//! short names: re-exports of the generated constants in
//! [`kmip_ttlv::enums`] / [`kmip_ttlv::masks`] (no hand-written values).

pub use kmip_ttlv::enums::{
    adjustment_type, alternative_name_type, asynchronous_indicator,
    batch_error_continuation_option as batch_error_continuation, cancellation_result,
    certificate_type, credential_type, cryptographic_algorithm as crypto_alg,
    hashing_algorithm as hashing_alg, interop_function, key_compression_type as key_compression,
    key_format_type as key_format, key_wrap_type, link_type, name_type, object_group_member,
    object_type, operation, processing_stage, query_function, result_reason, result_status,
    revocation_reason_code as revocation_reason, rng_algorithm as rng_alg, secret_data_type,
    split_key_method, state, ticket_type, unique_identifier as uid_enum,
};
pub use kmip_ttlv::masks::{
    cryptographic_usage_mask as usage_mask, protection_storage_mask as protection_storage,
    storage_status_mask as storage_status,
};
