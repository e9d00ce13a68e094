//! KMIP tag values: re-exports of the generated constants in
//! [`kmip_ttlv::tags`] (one constant per tag, named after its XML name in
//! upper snake case, and `SPEC_NAMES`, the spec text names KMIP 1.x uses as
//! attribute names). No hand-written values.

pub use kmip_ttlv::tags::*;
