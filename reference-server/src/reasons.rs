//! Version-exact Result Reasons: which Result Reason codes each KMIP
//! version defines, and the reason this server answers in a version that
//! does not define the one an operation chose.
//!
//! Sources (the Result Reason enumeration table of each version):
//! - KMIP 1.0 §9.1.3.2.28 Table 221: 0x01–0x11 and General Failure 0x100.
//! - KMIP 1.4 §9.1.3.2.29 Table 317: 1.0's codes plus Encoding Option
//!   Error 0x12, Key Value Not Present 0x13, Attestation Required 0x14,
//!   Attestation Failed 0x15, Sensitive 0x16, Not Extractable 0x17, Object
//!   Already Exists 0x18.
//! - KMIP 1.1–1.3 are not in the shared spec folder; the codes 1.4 added
//!   over 1.0 are placed in the version that introduced their feature:
//!   Encoding Option Error with Encoding Option (1.1), Key Value Not Present
//!   and the Attestation reasons with Key Value Present / attestation (1.2),
//!   Sensitive, Not Extractable and Object Already Exists in 1.4. This is
//!   the one part of the table not checked against a spec file here.
//! - KMIP 2.0 §11.45 Table 440: 0x01–0x49 with 0x0B (1.x Illegal
//!   Operation), 0x0E (1.x Index Out of Bounds), 0x27, 0x31, 0x33 and 0x38
//!   "(Reserved)". Wrong Key Lifecycle State (0x43), Object Not Found
//!   (0x37) and Item Not Found (0x01) are all defined in 2.0.
//! - KMIP 2.1 §11.46 Table 479: 2.0's codes plus Unknown Object Group
//!   0x4A, Constraint Violation 0x4B, Duplicate Process Request 0x4C.
//! - KMIP 3.0 (kmip-3.0-delta.md): adds Circular Link Error 0x4D. (The
//!   delta also lists 0x4B and 0x4C as 3.0 additions; 2.1 Table 479
//!   already defines them, so they count from 2.1.)
//! - Extensions (0x8XXXXXXX) are defined in every version.
//!
//! [`fit`] is applied to every failed batch item by the message layer, so
//! no response carries a reason its protocol version does not define.

use crate::spec::enums::result_reason as rr;
use crate::spec::{V1_1, V1_2, V1_4, V2_0, V2_1, V3_0};
use kmip_ttlv::dict::Version;

/// Operations whose 2.x error table names Item Not Found and not Object Not
/// Found for the object the request names: Certify (2.0 Table 166, 2.1
/// Table 181), Create Split Key (2.0 Table 180, 2.1 Table 195), Adjust
/// Attribute (2.0 Table 157, 2.1 Table 172). Every other 2.x table that has
/// a not-found reason names Object Not Found (e.g. Get, Table 222).
const ITEM_NOT_FOUND_OPS: &[u32] = &[
    crate::spec::enums::operation::CERTIFY,
    crate::spec::enums::operation::CREATE_SPLIT_KEY,
    crate::spec::enums::operation::ADJUST_ATTRIBUTE,
];

/// The reason operation `op` answers for `code` in `version`: the
/// operation's own 2.x error table decides between Item Not Found and
/// Object Not Found (Adjust Attribute, Create Split Key, Certify: Item Not
/// Found); anything else is `code`.
pub fn for_operation(version: Version, op: u32, code: u32) -> u32 {
    if version >= V2_0 && code == rr::OBJECT_NOT_FOUND && ITEM_NOT_FOUND_OPS.contains(&op) {
        rr::ITEM_NOT_FOUND
    } else {
        code
    }
}

/// Codes 2.0 and 2.1 mark "(Reserved)" (Table 440 / Table 479).
const RESERVED_2X: &[u32] = &[0x0B, 0x0E, 0x27, 0x31, 0x33, 0x38];

/// Whether `version`'s Result Reason enumeration defines `code`.
pub fn defined_in(version: Version, code: u32) -> bool {
    if code & 0xF000_0000 == 0x8000_0000 || code == rr::GENERAL_FAILURE {
        return true;
    }
    if version < V2_0 {
        let last = if version >= V1_4 {
            rr::OBJECT_ALREADY_EXISTS
        } else if version >= V1_2 {
            rr::ATTESTATION_FAILED
        } else if version >= V1_1 {
            rr::ENCODING_OPTION_ERROR
        } else {
            rr::KEY_COMPRESSION_TYPE_NOT_SUPPORTED
        };
        return (rr::ITEM_NOT_FOUND..=last).contains(&code);
    }
    let last = if version >= V3_0 {
        rr::CIRCULAR_LINK_ERROR
    } else if version >= V2_1 {
        rr::DUPLICATE_PROCESS_REQUEST
    } else {
        rr::PUBLIC_PROTECTION_STORAGE_UNAVAILABLE
    };
    (rr::ITEM_NOT_FOUND..=last).contains(&code) && !RESERVED_2X.contains(&code)
}

/// The reason to answer in `version` for `code`: `code` itself when the
/// version defines it, else the nearest reason that version defines (for
/// 1.x the 1.0 vocabulary: Item Not Found, Permission Denied, Illegal
/// Operation, Invalid Field, …).
pub fn fit(version: Version, code: u32) -> u32 {
    if defined_in(version, code) {
        return code;
    }
    let next = if version < V2_0 {
        fallback_1x(code)
    } else {
        fallback_2x(code)
    };
    if defined_in(version, next) {
        next
    } else {
        rr::GENERAL_FAILURE
    }
}

/// The reason to use: `preferred` when `version` defines it, else
/// `fallback`.
pub fn prefer(version: Version, preferred: u32, fallback: u32) -> u32 {
    if defined_in(version, preferred) {
        preferred
    } else {
        fallback
    }
}

fn fallback_1x(code: u32) -> u32 {
    match code {
        rr::OBJECT_NOT_FOUND
        | rr::OBJECT_DESTROYED
        | rr::ATTRIBUTE_NOT_FOUND
        | rr::ATTRIBUTE_INSTANCE_NOT_FOUND
        | rr::WRAPPING_OBJECT_NOT_FOUND
        | rr::WRAPPING_OBJECT_DESTROYED
        | rr::UNKNOWN_OBJECT_GROUP => rr::ITEM_NOT_FOUND,
        rr::WRAPPING_OBJECT_ARCHIVED => rr::OBJECT_ARCHIVED,
        rr::WRONG_KEY_LIFECYCLE_STATE
        | rr::NOT_AUTHORISED
        | rr::READ_ONLY_ATTRIBUTE
        | rr::ATTRIBUTE_READ_ONLY
        | rr::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK
        | rr::USAGE_LIMIT_EXCEEDED
        | rr::SENSITIVE
        | rr::NOT_EXTRACTABLE
        | rr::ATTESTATION_REQUIRED
        | rr::ATTESTATION_FAILED
        | rr::BAD_PASSWORD => rr::PERMISSION_DENIED,
        rr::INVALID_OBJECT_TYPE | rr::ILLEGAL_OBJECT_TYPE | rr::KEY_VALUE_NOT_PRESENT => {
            rr::ILLEGAL_OPERATION
        }
        rr::MISSING_INITIALIZATION_VECTOR => rr::MISSING_DATA,
        rr::UNSUPPORTED_ATTRIBUTE
        | rr::UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS
        | rr::KEY_WRAP_TYPE_NOT_SUPPORTED
        | rr::ENCODING_OPTION_ERROR
        | rr::PROTECTION_STORAGE_UNAVAILABLE
        | rr::PRIVATE_PROTECTION_STORAGE_UNAVAILABLE
        | rr::PUBLIC_PROTECTION_STORAGE_UNAVAILABLE => rr::FEATURE_NOT_SUPPORTED,
        rr::CODEC_ERROR | rr::UNKNOWN_MESSAGE_EXTENSION | rr::UNSUPPORTED_PROTOCOL_VERSION => {
            rr::INVALID_MESSAGE
        }
        rr::INTERNAL_SERVER_ERROR | rr::SERVER_LIMIT_EXCEEDED => rr::GENERAL_FAILURE,
        _ => rr::INVALID_FIELD,
    }
}

fn fallback_2x(code: u32) -> u32 {
    match code {
        rr::ILLEGAL_OPERATION => rr::INVALID_OBJECT_TYPE,
        rr::INDEX_OUT_OF_BOUNDS => rr::ATTRIBUTE_INSTANCE_NOT_FOUND,
        rr::UNKNOWN_OBJECT_GROUP => rr::OBJECT_NOT_FOUND,
        rr::CIRCULAR_LINK_ERROR => rr::INVALID_ATTRIBUTE_VALUE,
        _ => rr::INVALID_FIELD,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{V1_0, V1_3};

    #[test]
    fn tables_per_version() {
        // 1.0 Table 221 ends at Key Compression Type Not Supported.
        assert!(defined_in(V1_0, rr::KEY_COMPRESSION_TYPE_NOT_SUPPORTED));
        assert!(!defined_in(V1_0, rr::ENCODING_OPTION_ERROR));
        // 1.4 Table 317 ends at Object Already Exists.
        assert!(defined_in(V1_4, rr::NOT_EXTRACTABLE));
        assert!(!defined_in(V1_4, rr::INVALID_TICKET));
        assert!(!defined_in(V1_4, rr::WRONG_KEY_LIFECYCLE_STATE));
        assert!(!defined_in(V1_3, rr::SENSITIVE));
        // 2.0 Table 440: Wrong Key Lifecycle State and both not-found
        // reasons defined; Illegal Operation reserved; no 0x4A..
        assert!(defined_in(V2_0, rr::WRONG_KEY_LIFECYCLE_STATE));
        assert!(defined_in(V2_0, rr::OBJECT_NOT_FOUND));
        assert!(defined_in(V2_0, rr::ITEM_NOT_FOUND));
        assert!(!defined_in(V2_0, rr::ILLEGAL_OPERATION));
        assert!(!defined_in(V2_0, rr::CONSTRAINT_VIOLATION));
        // 2.1 Table 479 adds 0x4A–0x4C, 3.0 adds 0x4D.
        assert!(defined_in(V2_1, rr::CONSTRAINT_VIOLATION));
        assert!(!defined_in(V2_1, rr::CIRCULAR_LINK_ERROR));
        assert!(defined_in(V3_0, rr::CIRCULAR_LINK_ERROR));
        assert!(defined_in(V1_0, 0x8000_0001));
    }

    #[test]
    fn operation_tables_decide_the_not_found_reason() {
        use crate::spec::enums::operation as o;
        for v in [V2_0, V2_1, V3_0] {
            assert_eq!(
                for_operation(v, o::ADJUST_ATTRIBUTE, rr::OBJECT_NOT_FOUND),
                rr::ITEM_NOT_FOUND
            );
            assert_eq!(
                for_operation(v, o::GET, rr::OBJECT_NOT_FOUND),
                rr::OBJECT_NOT_FOUND
            );
        }
        assert_eq!(
            for_operation(V1_4, o::CREATE_SPLIT_KEY, rr::ITEM_NOT_FOUND),
            rr::ITEM_NOT_FOUND
        );
    }

    #[test]
    fn fit_answers_a_defined_reason() {
        assert_eq!(
            fit(V1_4, rr::WRONG_KEY_LIFECYCLE_STATE),
            rr::PERMISSION_DENIED
        );
        assert_eq!(fit(V1_0, rr::OBJECT_NOT_FOUND), rr::ITEM_NOT_FOUND);
        assert_eq!(fit(V1_0, rr::NOT_EXTRACTABLE), rr::PERMISSION_DENIED);
        assert_eq!(fit(V1_4, rr::NOT_EXTRACTABLE), rr::NOT_EXTRACTABLE);
        assert_eq!(fit(V2_0, rr::ILLEGAL_OPERATION), rr::INVALID_OBJECT_TYPE);
        assert_eq!(fit(V2_0, rr::CONSTRAINT_VIOLATION), rr::INVALID_FIELD);
        assert_eq!(
            fit(V2_1, rr::CIRCULAR_LINK_ERROR),
            rr::INVALID_ATTRIBUTE_VALUE
        );
        for v in [V1_0, V1_1, V1_2, V1_3, V1_4, V2_0, V2_1, V3_0] {
            for code in 1..=0x4D {
                assert!(defined_in(v, fit(v, code)), "{v} {code:#x}");
            }
        }
    }
}
