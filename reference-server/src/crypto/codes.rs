//! The KMIP tag values and enumeration codes the crypto engine reads and
//! writes: re-exports of the constants `kmip_ttlv` generates from the spec
//! HTML (KMIP 1.0–2.1 tables plus the 3.0 delta), under the short module
//! names the engine uses. No value is written by hand here. Result Reasons
//! are typed: see [`super::error::ResultReason`].

pub use kmip_ttlv::enums::{
    encoding_option, object_type, state, usage_limits_unit, validity_indicator as validity,
    wrapping_method,
};
pub use kmip_ttlv::masks::cryptographic_usage_mask as usage;
pub use kmip_ttlv::tags;
