//! KMIP enumeration and mask values the server uses (KMIP 2.1 tables, the
//! KMIP 1.4 values 2.x reserved, and the KMIP 3.0 additions). Generated once
//! from the spec HTML; one module per enumeration.
#![allow(missing_docs)]

/// Batch Error Continuation.
pub mod batch_error_continuation {
    pub const CONTINUE: u32 = 0x00000001;
    pub const STOP: u32 = 0x00000002;
    pub const UNDO: u32 = 0x00000003;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Continue"),
        (0x00000002, "Stop"),
        (0x00000003, "Undo"),
    ];
}

/// Interop Function.
pub mod interop_function {
    pub const BEGIN: u32 = 0x00000001;
    pub const END: u32 = 0x00000002;
    pub const RESET: u32 = 0x00000003;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Begin"),
        (0x00000002, "End"),
        (0x00000003, "Reset"),
    ];
}

/// Link Type.
pub mod link_type {
    pub const CERTIFICATE_LINK: u32 = 0x00000101;
    pub const PUBLIC_KEY_LINK: u32 = 0x00000102;
    pub const PRIVATE_KEY_LINK: u32 = 0x00000103;
    pub const DERIVATION_BASE_OBJECT_LINK: u32 = 0x00000104;
    pub const DERIVED_KEY_LINK: u32 = 0x00000105;
    pub const REPLACEMENT_OBJECT_LINK: u32 = 0x00000106;
    pub const REPLACED_OBJECT_LINK: u32 = 0x00000107;
    pub const PARENT_LINK: u32 = 0x00000108;
    pub const CHILD_LINK: u32 = 0x00000109;
    pub const PREVIOUS_LINK: u32 = 0x0000010A;
    pub const NEXT_LINK: u32 = 0x0000010B;
    pub const PKCS_12_CERTIFICATE_LINK: u32 = 0x0000010C;
    pub const PKCS_12_PASSWORD_LINK: u32 = 0x0000010D;
    pub const WRAPPING_KEY_LINK: u32 = 0x0000010E;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000101, "Certificate Link"),
        (0x00000102, "Public Key Link"),
        (0x00000103, "Private Key Link"),
        (0x00000104, "Derivation Base Object Link"),
        (0x00000105, "Derived Key Link"),
        (0x00000106, "Replacement Object Link"),
        (0x00000107, "Replaced Object Link"),
        (0x00000108, "Parent Link"),
        (0x00000109, "Child Link"),
        (0x0000010A, "Previous Link"),
        (0x0000010B, "Next Link"),
        (0x0000010C, "PKCS#12 Certificate Link"),
        (0x0000010D, "PKCS#12 Password Link"),
        (0x0000010E, "Wrapping Key Link"),
    ];
}

/// Object Group Member Option.
pub mod object_group_member {
    pub const GROUP_MEMBER_FRESH: u32 = 0x00000001;
    pub const GROUP_MEMBER_DEFAULT: u32 = 0x00000002;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Group Member Fresh"),
        (0x00000002, "Group Member Default"),
    ];
}

/// Object Type.
pub mod object_type {
    pub const CERTIFICATE: u32 = 0x00000001;
    pub const SYMMETRIC_KEY: u32 = 0x00000002;
    pub const PUBLIC_KEY: u32 = 0x00000003;
    pub const PRIVATE_KEY: u32 = 0x00000004;
    pub const SPLIT_KEY: u32 = 0x00000005;
    pub const SECRET_DATA: u32 = 0x00000007;
    pub const OPAQUE_OBJECT: u32 = 0x00000008;
    pub const PGP_KEY: u32 = 0x00000009;
    pub const CERTIFICATE_REQUEST: u32 = 0x0000000A;
    pub const TEMPLATE: u32 = 0x00000006;
    pub const USER: u32 = 0x0000000B;
    pub const GROUP: u32 = 0x0000000C;
    pub const PASSWORD_CREDENTIAL: u32 = 0x0000000D;
    pub const DEVICE_CREDENTIAL: u32 = 0x0000000E;
    pub const ONE_TIME_PASSWORD_CREDENTIAL: u32 = 0x0000000F;
    pub const HASHED_PASSWORD_CREDENTIAL: u32 = 0x00000010;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Certificate"),
        (0x00000002, "Symmetric Key"),
        (0x00000003, "Public Key"),
        (0x00000004, "Private Key"),
        (0x00000005, "Split Key"),
        (0x00000007, "Secret Data"),
        (0x00000008, "Opaque Object"),
        (0x00000009, "PGP Key"),
        (0x0000000A, "Certificate Request"),
        (0x00000006, "Template"),
        (0x0000000B, "User"),
        (0x0000000C, "Group"),
        (0x0000000D, "Password Credential"),
        (0x0000000E, "Device Credential"),
        (0x0000000F, "One Time Password Credential"),
        (0x00000010, "Hashed Password Credential"),
    ];
}

/// Operation.
pub mod operation {
    pub const CREATE: u32 = 0x00000001;
    pub const CREATE_KEY_PAIR: u32 = 0x00000002;
    pub const REGISTER: u32 = 0x00000003;
    pub const RE_KEY: u32 = 0x00000004;
    pub const DERIVE_KEY: u32 = 0x00000005;
    pub const CERTIFY: u32 = 0x00000006;
    pub const RE_CERTIFY: u32 = 0x00000007;
    pub const LOCATE: u32 = 0x00000008;
    pub const CHECK: u32 = 0x00000009;
    pub const GET: u32 = 0x0000000A;
    pub const GET_ATTRIBUTES: u32 = 0x0000000B;
    pub const GET_ATTRIBUTE_LIST: u32 = 0x0000000C;
    pub const ADD_ATTRIBUTE: u32 = 0x0000000D;
    pub const MODIFY_ATTRIBUTE: u32 = 0x0000000E;
    pub const DELETE_ATTRIBUTE: u32 = 0x0000000F;
    pub const OBTAIN_LEASE: u32 = 0x00000010;
    pub const GET_USAGE_ALLOCATION: u32 = 0x00000011;
    pub const ACTIVATE: u32 = 0x00000012;
    pub const REVOKE: u32 = 0x00000013;
    pub const DESTROY: u32 = 0x00000014;
    pub const ARCHIVE: u32 = 0x00000015;
    pub const RECOVER: u32 = 0x00000016;
    pub const VALIDATE: u32 = 0x00000017;
    pub const QUERY: u32 = 0x00000018;
    pub const CANCEL: u32 = 0x00000019;
    pub const POLL: u32 = 0x0000001A;
    pub const NOTIFY: u32 = 0x0000001B;
    pub const PUT: u32 = 0x0000001C;
    pub const RE_KEY_KEY_PAIR: u32 = 0x0000001D;
    pub const DISCOVER_VERSIONS: u32 = 0x0000001E;
    pub const ENCRYPT: u32 = 0x0000001F;
    pub const DECRYPT: u32 = 0x00000020;
    pub const SIGN: u32 = 0x00000021;
    pub const SIGNATURE_VERIFY: u32 = 0x00000022;
    pub const MAC: u32 = 0x00000023;
    pub const MAC_VERIFY: u32 = 0x00000024;
    pub const RNG_RETRIEVE: u32 = 0x00000025;
    pub const RNG_SEED: u32 = 0x00000026;
    pub const HASH: u32 = 0x00000027;
    pub const CREATE_SPLIT_KEY: u32 = 0x00000028;
    pub const JOIN_SPLIT_KEY: u32 = 0x00000029;
    pub const IMPORT: u32 = 0x0000002A;
    pub const EXPORT: u32 = 0x0000002B;
    pub const LOG: u32 = 0x0000002C;
    pub const LOGIN: u32 = 0x0000002D;
    pub const LOGOUT: u32 = 0x0000002E;
    pub const DELEGATED_LOGIN: u32 = 0x0000002F;
    pub const ADJUST_ATTRIBUTE: u32 = 0x00000030;
    pub const SET_ATTRIBUTE: u32 = 0x00000031;
    pub const SET_ENDPOINT_ROLE: u32 = 0x00000032;
    pub const PKCS_11: u32 = 0x00000033;
    pub const INTEROP: u32 = 0x00000034;
    pub const RE_PROVISION: u32 = 0x00000035;
    pub const SET_DEFAULTS: u32 = 0x00000036;
    pub const SET_CONSTRAINTS: u32 = 0x00000037;
    pub const GET_CONSTRAINTS: u32 = 0x00000038;
    pub const QUERY_ASYNCHRONOUS_REQUESTS: u32 = 0x00000039;
    pub const PROCESS: u32 = 0x0000003A;
    pub const PING: u32 = 0x0000003B;
    pub const CREATE_GROUP: u32 = 0x0000003C;
    pub const OBLITERATE: u32 = 0x0000003D;
    pub const CREATE_USER: u32 = 0x0000003E;
    pub const CREATE_CREDENTIAL: u32 = 0x0000003F;
    pub const DEACTIVATE: u32 = 0x00000040;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Create"),
        (0x00000002, "Create Key Pair"),
        (0x00000003, "Register"),
        (0x00000004, "Re-key"),
        (0x00000005, "Derive Key"),
        (0x00000006, "Certify"),
        (0x00000007, "Re-certify"),
        (0x00000008, "Locate"),
        (0x00000009, "Check"),
        (0x0000000A, "Get"),
        (0x0000000B, "Get Attributes"),
        (0x0000000C, "Get Attribute List"),
        (0x0000000D, "Add Attribute"),
        (0x0000000E, "Modify Attribute"),
        (0x0000000F, "Delete Attribute"),
        (0x00000010, "Obtain Lease"),
        (0x00000011, "Get Usage Allocation"),
        (0x00000012, "Activate"),
        (0x00000013, "Revoke"),
        (0x00000014, "Destroy"),
        (0x00000015, "Archive"),
        (0x00000016, "Recover"),
        (0x00000017, "Validate"),
        (0x00000018, "Query"),
        (0x00000019, "Cancel"),
        (0x0000001A, "Poll"),
        (0x0000001B, "Notify"),
        (0x0000001C, "Put"),
        (0x0000001D, "Re-key Key Pair"),
        (0x0000001E, "Discover Versions"),
        (0x0000001F, "Encrypt"),
        (0x00000020, "Decrypt"),
        (0x00000021, "Sign"),
        (0x00000022, "Signature Verify"),
        (0x00000023, "MAC"),
        (0x00000024, "MAC Verify"),
        (0x00000025, "RNG Retrieve"),
        (0x00000026, "RNG Seed"),
        (0x00000027, "Hash"),
        (0x00000028, "Create Split Key"),
        (0x00000029, "Join Split Key"),
        (0x0000002A, "Import"),
        (0x0000002B, "Export"),
        (0x0000002C, "Log"),
        (0x0000002D, "Login"),
        (0x0000002E, "Logout"),
        (0x0000002F, "Delegated Login"),
        (0x00000030, "Adjust Attribute"),
        (0x00000031, "Set Attribute"),
        (0x00000032, "Set Endpoint Role"),
        (0x00000033, "PKCS#11"),
        (0x00000034, "Interop"),
        (0x00000035, "Re-Provision"),
        (0x00000036, "Set Defaults"),
        (0x00000037, "Set Constraints"),
        (0x00000038, "Get Constraints"),
        (0x00000039, "Query Asynchronous Requests"),
        (0x0000003A, "Process"),
        (0x0000003B, "Ping"),
        (0x0000003C, "Create Group"),
        (0x0000003D, "Obliterate"),
        (0x0000003E, "Create User"),
        (0x0000003F, "Create Credential"),
        (0x00000040, "Deactivate"),
    ];
}

/// Query Function.
pub mod query_function {
    pub const QUERY_OPERATIONS: u32 = 0x00000001;
    pub const QUERY_OBJECTS: u32 = 0x00000002;
    pub const QUERY_SERVER_INFORMATION: u32 = 0x00000003;
    pub const QUERY_APPLICATION_NAMESPACES: u32 = 0x00000004;
    pub const QUERY_EXTENSION_LIST: u32 = 0x00000005;
    pub const QUERY_EXTENSION_MAP: u32 = 0x00000006;
    pub const QUERY_ATTESTATION_TYPES: u32 = 0x00000007;
    pub const QUERY_RNGS: u32 = 0x00000008;
    pub const QUERY_VALIDATIONS: u32 = 0x00000009;
    pub const QUERY_PROFILES: u32 = 0x0000000A;
    pub const QUERY_CAPABILITIES: u32 = 0x0000000B;
    pub const QUERY_CLIENT_REGISTRATION_METHODS: u32 = 0x0000000C;
    pub const QUERY_DEFAULTS_INFORMATION: u32 = 0x0000000D;
    pub const QUERY_STORAGE_PROTECTION_MASKS: u32 = 0x0000000E;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Query Operations"),
        (0x00000002, "Query Objects"),
        (0x00000003, "Query Server Information"),
        (0x00000004, "Query Application Namespaces"),
        (0x00000005, "Query Extension List"),
        (0x00000006, "Query Extension Map"),
        (0x00000007, "Query Attestation Types"),
        (0x00000008, "Query RNGs"),
        (0x00000009, "Query Validations"),
        (0x0000000A, "Query Profiles"),
        (0x0000000B, "Query Capabilities"),
        (0x0000000C, "Query Client Registration Methods"),
        (0x0000000D, "Query Defaults Information"),
        (0x0000000E, "Query Storage Protection Masks"),
    ];
}

/// Result Reason.
pub mod result_reason {
    pub const ITEM_NOT_FOUND: u32 = 0x00000001;
    pub const RESPONSE_TOO_LARGE: u32 = 0x00000002;
    pub const AUTHENTICATION_NOT_SUCCESSFUL: u32 = 0x00000003;
    pub const INVALID_MESSAGE: u32 = 0x00000004;
    pub const OPERATION_NOT_SUPPORTED: u32 = 0x00000005;
    pub const MISSING_DATA: u32 = 0x00000006;
    pub const INVALID_FIELD: u32 = 0x00000007;
    pub const FEATURE_NOT_SUPPORTED: u32 = 0x00000008;
    pub const OPERATION_CANCELED_BY_REQUESTER: u32 = 0x00000009;
    pub const CRYPTOGRAPHIC_FAILURE: u32 = 0x0000000A;
    pub const PERMISSION_DENIED: u32 = 0x0000000C;
    pub const OBJECT_ARCHIVED: u32 = 0x0000000D;
    pub const APPLICATION_NAMESPACE_NOT_SUPPORTED: u32 = 0x0000000F;
    pub const KEY_FORMAT_TYPE_NOT_SUPPORTED: u32 = 0x00000010;
    pub const KEY_COMPRESSION_TYPE_NOT_SUPPORTED: u32 = 0x00000011;
    pub const ENCODING_OPTION_ERROR: u32 = 0x00000012;
    pub const KEY_VALUE_NOT_PRESENT: u32 = 0x00000013;
    pub const ATTESTATION_REQUIRED: u32 = 0x00000014;
    pub const ATTESTATION_FAILED: u32 = 0x00000015;
    pub const SENSITIVE: u32 = 0x00000016;
    pub const NOT_EXTRACTABLE: u32 = 0x00000017;
    pub const OBJECT_ALREADY_EXISTS: u32 = 0x00000018;
    pub const INVALID_TICKET: u32 = 0x00000019;
    pub const USAGE_LIMIT_EXCEEDED: u32 = 0x0000001A;
    pub const NUMERIC_RANGE: u32 = 0x0000001B;
    pub const INVALID_DATA_TYPE: u32 = 0x0000001C;
    pub const READ_ONLY_ATTRIBUTE: u32 = 0x0000001D;
    pub const MULTI_VALUED_ATTRIBUTE: u32 = 0x0000001E;
    pub const UNSUPPORTED_ATTRIBUTE: u32 = 0x0000001F;
    pub const ATTRIBUTE_INSTANCE_NOT_FOUND: u32 = 0x00000020;
    pub const ATTRIBUTE_NOT_FOUND: u32 = 0x00000021;
    pub const ATTRIBUTE_READ_ONLY: u32 = 0x00000022;
    pub const ATTRIBUTE_SINGLE_VALUED: u32 = 0x00000023;
    pub const BAD_CRYPTOGRAPHIC_PARAMETERS: u32 = 0x00000024;
    pub const BAD_PASSWORD: u32 = 0x00000025;
    pub const CODEC_ERROR: u32 = 0x00000026;
    pub const ILLEGAL_OBJECT_TYPE: u32 = 0x00000028;
    pub const INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK: u32 = 0x00000029;
    pub const INTERNAL_SERVER_ERROR: u32 = 0x0000002A;
    pub const INVALID_ASYNCHRONOUS_CORRELATION_VALUE: u32 = 0x0000002B;
    pub const INVALID_ATTRIBUTE: u32 = 0x0000002C;
    pub const INVALID_ATTRIBUTE_VALUE: u32 = 0x0000002D;
    pub const INVALID_CORRELATION_VALUE: u32 = 0x0000002E;
    pub const INVALID_CSR: u32 = 0x0000002F;
    pub const INVALID_OBJECT_TYPE: u32 = 0x00000030;
    pub const KEY_WRAP_TYPE_NOT_SUPPORTED: u32 = 0x00000032;
    pub const MISSING_INITIALIZATION_VECTOR: u32 = 0x00000034;
    pub const NON_UNIQUE_NAME_ATTRIBUTE: u32 = 0x00000035;
    pub const OBJECT_DESTROYED: u32 = 0x00000036;
    pub const OBJECT_NOT_FOUND: u32 = 0x00000037;
    pub const NOT_AUTHORISED: u32 = 0x00000039;
    pub const SERVER_LIMIT_EXCEEDED: u32 = 0x0000003A;
    pub const UNKNOWN_ENUMERATION: u32 = 0x0000003B;
    pub const UNKNOWN_MESSAGE_EXTENSION: u32 = 0x0000003C;
    pub const UNKNOWN_TAG: u32 = 0x0000003D;
    pub const UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS: u32 = 0x0000003E;
    pub const UNSUPPORTED_PROTOCOL_VERSION: u32 = 0x0000003F;
    pub const WRAPPING_OBJECT_ARCHIVED: u32 = 0x00000040;
    pub const WRAPPING_OBJECT_DESTROYED: u32 = 0x00000041;
    pub const WRAPPING_OBJECT_NOT_FOUND: u32 = 0x00000042;
    pub const WRONG_KEY_LIFECYCLE_STATE: u32 = 0x00000043;
    pub const PROTECTION_STORAGE_UNAVAILABLE: u32 = 0x00000044;
    pub const PKCS_11_CODEC_ERROR: u32 = 0x00000045;
    pub const PKCS_11_INVALID_FUNCTION: u32 = 0x00000046;
    pub const PKCS_11_INVALID_INTERFACE: u32 = 0x00000047;
    pub const PRIVATE_PROTECTION_STORAGE_UNAVAILABLE: u32 = 0x00000048;
    pub const PUBLIC_PROTECTION_STORAGE_UNAVAILABLE: u32 = 0x00000049;
    pub const UNKNOWN_OBJECT_GROUP: u32 = 0x0000004A;
    pub const CONSTRAINT_VIOLATION: u32 = 0x0000004B;
    pub const DUPLICATE_PROCESS_REQUEST: u32 = 0x0000004C;
    pub const GENERAL_FAILURE: u32 = 0x00000100;
    pub const ILLEGAL_OPERATION: u32 = 0x0000000B;
    pub const INDEX_OUT_OF_BOUNDS: u32 = 0x0000000E;
    pub const CIRCULAR_LINK_ERROR: u32 = 0x0000004D;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Item Not Found"),
        (0x00000002, "Response Too Large"),
        (0x00000003, "Authentication Not Successful"),
        (0x00000004, "Invalid Message"),
        (0x00000005, "Operation Not Supported"),
        (0x00000006, "Missing Data"),
        (0x00000007, "Invalid Field"),
        (0x00000008, "Feature Not Supported"),
        (0x00000009, "Operation Canceled By Requester"),
        (0x0000000A, "Cryptographic Failure"),
        (0x0000000C, "Permission Denied"),
        (0x0000000D, "Object Archived"),
        (0x0000000F, "Application Namespace Not Supported"),
        (0x00000010, "Key Format Type Not Supported"),
        (0x00000011, "Key Compression Type Not Supported"),
        (0x00000012, "Encoding Option Error"),
        (0x00000013, "Key Value Not Present"),
        (0x00000014, "Attestation Required"),
        (0x00000015, "Attestation Failed"),
        (0x00000016, "Sensitive"),
        (0x00000017, "Not Extractable"),
        (0x00000018, "Object Already Exists"),
        (0x00000019, "Invalid Ticket"),
        (0x0000001A, "Usage Limit Exceeded"),
        (0x0000001B, "Numeric Range"),
        (0x0000001C, "Invalid Data Type"),
        (0x0000001D, "Read Only Attribute"),
        (0x0000001E, "Multi Valued Attribute"),
        (0x0000001F, "Unsupported Attribute"),
        (0x00000020, "Attribute Instance Not Found"),
        (0x00000021, "Attribute Not Found"),
        (0x00000022, "Attribute Read Only"),
        (0x00000023, "Attribute Single Valued"),
        (0x00000024, "Bad Cryptographic Parameters"),
        (0x00000025, "Bad Password"),
        (0x00000026, "Codec Error"),
        (0x00000028, "Illegal Object Type"),
        (0x00000029, "Incompatible Cryptographic Usage Mask"),
        (0x0000002A, "Internal Server Error"),
        (0x0000002B, "Invalid Asynchronous Correlation Value"),
        (0x0000002C, "Invalid Attribute"),
        (0x0000002D, "Invalid Attribute Value"),
        (0x0000002E, "Invalid Correlation Value"),
        (0x0000002F, "Invalid CSR"),
        (0x00000030, "Invalid Object Type"),
        (0x00000032, "Key Wrap Type Not Supported"),
        (0x00000034, "Missing Initialization Vector"),
        (0x00000035, "Non Unique Name Attribute"),
        (0x00000036, "Object Destroyed"),
        (0x00000037, "Object Not Found"),
        (0x00000039, "Not Authorised"),
        (0x0000003A, "Server Limit Exceeded"),
        (0x0000003B, "Unknown Enumeration"),
        (0x0000003C, "Unknown Message Extension"),
        (0x0000003D, "Unknown Tag"),
        (0x0000003E, "Unsupported Cryptographic Parameters"),
        (0x0000003F, "Unsupported Protocol Version"),
        (0x00000040, "Wrapping Object Archived"),
        (0x00000041, "Wrapping Object Destroyed"),
        (0x00000042, "Wrapping Object Not Found"),
        (0x00000043, "Wrong Key Lifecycle State"),
        (0x00000044, "Protection Storage Unavailable"),
        (0x00000045, "PKCS#11 Codec Error"),
        (0x00000046, "PKCS#11 Invalid Function"),
        (0x00000047, "PKCS#11 Invalid Interface"),
        (0x00000048, "Private Protection Storage Unavailable"),
        (0x00000049, "Public Protection Storage Unavailable"),
        (0x0000004A, "Unknown Object Group"),
        (0x0000004B, "Constraint Violation"),
        (0x0000004C, "Duplicate Process Request"),
        (0x00000100, "General Failure"),
        (0x0000000B, "Illegal Operation"),
        (0x0000000E, "Index Out Of Bounds"),
        (0x0000004D, "Circular Link Error"),
    ];
}

/// Revocation Reason Code.
pub mod revocation_reason {
    pub const UNSPECIFIED: u32 = 0x00000001;
    pub const KEY_COMPROMISE: u32 = 0x00000002;
    pub const CA_COMPROMISE: u32 = 0x00000003;
    pub const AFFILIATION_CHANGED: u32 = 0x00000004;
    pub const SUPERSEDED: u32 = 0x00000005;
    pub const CESSATION_OF_OPERATION: u32 = 0x00000006;
    pub const PRIVILEGE_WITHDRAWN: u32 = 0x00000007;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Unspecified"),
        (0x00000002, "Key Compromise"),
        (0x00000003, "CA Compromise"),
        (0x00000004, "Affiliation Changed"),
        (0x00000005, "Superseded"),
        (0x00000006, "Cessation of Operation"),
        (0x00000007, "Privilege Withdrawn"),
    ];
}

/// State.
pub mod state {
    pub const PRE_ACTIVE: u32 = 0x00000001;
    pub const ACTIVE: u32 = 0x00000002;
    pub const DEACTIVATED: u32 = 0x00000003;
    pub const COMPROMISED: u32 = 0x00000004;
    pub const DESTROYED: u32 = 0x00000005;
    pub const DESTROYED_COMPROMISED: u32 = 0x00000006;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Pre-Active"),
        (0x00000002, "Active"),
        (0x00000003, "Deactivated"),
        (0x00000004, "Compromised"),
        (0x00000005, "Destroyed"),
        (0x00000006, "Destroyed Compromised"),
    ];
}

/// Unique Identifier Enumerations.
pub mod uid_enum {
    pub const ID_PLACEHOLDER: u32 = 0x00000001;
    pub const CERTIFY: u32 = 0x00000002;
    pub const CREATE: u32 = 0x00000003;
    pub const CREATE_KEY_PAIR: u32 = 0x00000004;
    pub const CREATE_KEY_PAIR_PRIVATE_KEY: u32 = 0x00000005;
    pub const CREATE_KEY_PAIR_PUBLIC_KEY: u32 = 0x00000006;
    pub const CREATE_SPLIT_KEY: u32 = 0x00000007;
    pub const DERIVE_KEY: u32 = 0x00000008;
    pub const IMPORT: u32 = 0x00000009;
    pub const JOIN_SPLIT_KEY: u32 = 0x0000000A;
    pub const LOCATE: u32 = 0x0000000B;
    pub const REGISTER: u32 = 0x0000000C;
    pub const RE_KEY: u32 = 0x0000000D;
    pub const RE_CERTIFY: u32 = 0x0000000E;
    pub const RE_KEY_KEY_PAIR: u32 = 0x0000000F;
    pub const RE_KEY_KEY_PAIR_PRIVATE_KEY: u32 = 0x00000010;
    pub const RE_KEY_KEY_PAIR_PUBLIC_KEY: u32 = 0x00000011;
    pub const CREATE_USER: u32 = 0x00000013;
    pub const CREATE_GROUP: u32 = 0x00000014;
    pub const CREATE_CREDENTIAL: u32 = 0x00000015;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "ID Placeholder"),
        (0x00000002, "Certify"),
        (0x00000003, "Create"),
        (0x00000004, "Create Key Pair"),
        (0x00000005, "Create Key Pair Private Key"),
        (0x00000006, "Create Key Pair Public Key"),
        (0x00000007, "Create Split Key"),
        (0x00000008, "Derive Key"),
        (0x00000009, "Import"),
        (0x0000000A, "Join Split Key"),
        (0x0000000B, "Locate"),
        (0x0000000C, "Register"),
        (0x0000000D, "Re-key"),
        (0x0000000E, "Re-certify"),
        (0x0000000F, "Re-key Key Pair"),
        (0x00000010, "Re-key Key Pair Private Key"),
        (0x00000011, "Re-key Key Pair Public Key"),
        (0x00000013, "Create User"),
        (0x00000014, "Create Group"),
        (0x00000015, "Create Credential"),
    ];
}

/// Storage Status Mask.
pub mod storage_status {
    pub const ON_LINE_STORAGE: u32 = 0x00000001;
    pub const ARCHIVAL_STORAGE: u32 = 0x00000002;
    pub const DESTROYED_STORAGE: u32 = 0x00000004;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "On-line storage"),
        (0x00000002, "Archival storage"),
        (0x00000004, "Destroyed storage"),
    ];
}

/// Cryptographic Usage Mask.
pub mod usage_mask {
    pub const SIGN: u32 = 0x00000001;
    pub const VERIFY: u32 = 0x00000002;
    pub const ENCRYPT: u32 = 0x00000004;
    pub const DECRYPT: u32 = 0x00000008;
    pub const WRAP_KEY: u32 = 0x00000010;
    pub const UNWRAP_KEY: u32 = 0x00000020;
    pub const MAC_GENERATE: u32 = 0x00000080;
    pub const MAC_VERIFY: u32 = 0x00000100;
    pub const DERIVE_KEY: u32 = 0x00000200;
    pub const KEY_AGREEMENT: u32 = 0x00000800;
    pub const CERTIFICATE_SIGN: u32 = 0x00001000;
    pub const CRL_SIGN: u32 = 0x00002000;
    pub const AUTHENTICATE: u32 = 0x00100000;
    pub const UNRESTRICTED: u32 = 0x00200000;
    pub const FPE_ENCRYPT: u32 = 0x00400000;
    pub const FPE_DECRYPT: u32 = 0x00800000;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Sign"),
        (0x00000002, "Verify"),
        (0x00000004, "Encrypt"),
        (0x00000008, "Decrypt"),
        (0x00000010, "Wrap Key"),
        (0x00000020, "Unwrap Key"),
        (0x00000080, "MAC Generate"),
        (0x00000100, "MAC Verify"),
        (0x00000200, "Derive Key"),
        (0x00000800, "Key Agreement"),
        (0x00001000, "Certificate Sign"),
        (0x00002000, "CRL Sign"),
        (0x00100000, "Authenticate"),
        (0x00200000, "Unrestricted"),
        (0x00400000, "FPE Encrypt"),
        (0x00800000, "FPE Decrypt"),
    ];
}

/// Name Type.
pub mod name_type {
    pub const UNINTERPRETED_TEXT_STRING: u32 = 0x00000001;
    pub const URI: u32 = 0x00000002;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Uninterpreted Text String"),
        (0x00000002, "URI"),
    ];
}

/// Key Format Type.
pub mod key_format {
    pub const RAW: u32 = 0x00000001;
    pub const OPAQUE: u32 = 0x00000002;
    pub const PKCS_1: u32 = 0x00000003;
    pub const PKCS_8: u32 = 0x00000004;
    pub const X_509: u32 = 0x00000005;
    pub const ECPRIVATEKEY: u32 = 0x00000006;
    pub const TRANSPARENT_SYMMETRIC_KEY: u32 = 0x00000007;
    pub const TRANSPARENT_DSA_PRIVATE_KEY: u32 = 0x00000008;
    pub const TRANSPARENT_DSA_PUBLIC_KEY: u32 = 0x00000009;
    pub const TRANSPARENT_RSA_PRIVATE_KEY: u32 = 0x0000000A;
    pub const TRANSPARENT_RSA_PUBLIC_KEY: u32 = 0x0000000B;
    pub const TRANSPARENT_DH_PRIVATE_KEY: u32 = 0x0000000C;
    pub const TRANSPARENT_DH_PUBLIC_KEY: u32 = 0x0000000D;
    pub const TRANSPARENT_EC_PRIVATE_KEY: u32 = 0x00000014;
    pub const TRANSPARENT_EC_PUBLIC_KEY: u32 = 0x00000015;
    pub const PKCS_12: u32 = 0x00000016;
    pub const PKCS_10: u32 = 0x00000017;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Raw"),
        (0x00000002, "Opaque"),
        (0x00000003, "PKCS#1"),
        (0x00000004, "PKCS#8"),
        (0x00000005, "X.509"),
        (0x00000006, "ECPrivateKey"),
        (0x00000007, "Transparent Symmetric Key"),
        (0x00000008, "Transparent DSA Private Key"),
        (0x00000009, "Transparent DSA Public Key"),
        (0x0000000A, "Transparent RSA Private Key"),
        (0x0000000B, "Transparent RSA Public Key"),
        (0x0000000C, "Transparent DH Private Key"),
        (0x0000000D, "Transparent DH Public Key"),
        (0x00000014, "Transparent EC Private Key"),
        (0x00000015, "Transparent EC Public Key"),
        (0x00000016, "PKCS#12"),
        (0x00000017, "PKCS#10"),
    ];
}

/// Cryptographic Algorithm.
pub mod crypto_alg {
    pub const DES: u32 = 0x00000001;
    pub const DES3: u32 = 0x00000002;
    pub const AES: u32 = 0x00000003;
    pub const RSA: u32 = 0x00000004;
    pub const DSA: u32 = 0x00000005;
    pub const ECDSA: u32 = 0x00000006;
    pub const HMAC_SHA1: u32 = 0x00000007;
    pub const HMAC_SHA224: u32 = 0x00000008;
    pub const HMAC_SHA256: u32 = 0x00000009;
    pub const HMAC_SHA384: u32 = 0x0000000A;
    pub const HMAC_SHA512: u32 = 0x0000000B;
    pub const HMAC_MD5: u32 = 0x0000000C;
    pub const DH: u32 = 0x0000000D;
    pub const ECDH: u32 = 0x0000000E;
    pub const ECMQV: u32 = 0x0000000F;
    pub const BLOWFISH: u32 = 0x00000010;
    pub const CAMELLIA: u32 = 0x00000011;
    pub const CAST5: u32 = 0x00000012;
    pub const IDEA: u32 = 0x00000013;
    pub const MARS: u32 = 0x00000014;
    pub const RC2: u32 = 0x00000015;
    pub const RC4: u32 = 0x00000016;
    pub const RC5: u32 = 0x00000017;
    pub const SKIPJACK: u32 = 0x00000018;
    pub const TWOFISH: u32 = 0x00000019;
    pub const EC: u32 = 0x0000001A;
    pub const ONE_TIME_PAD: u32 = 0x0000001B;
    pub const CHACHA20: u32 = 0x0000001C;
    pub const POLY1305: u32 = 0x0000001D;
    pub const CHACHA20POLY1305: u32 = 0x0000001E;
    pub const SHA3_224: u32 = 0x0000001F;
    pub const SHA3_256: u32 = 0x00000020;
    pub const SHA3_384: u32 = 0x00000021;
    pub const SHA3_512: u32 = 0x00000022;
    pub const HMAC_SHA3_224: u32 = 0x00000023;
    pub const HMAC_SHA3_256: u32 = 0x00000024;
    pub const HMAC_SHA3_384: u32 = 0x00000025;
    pub const HMAC_SHA3_512: u32 = 0x00000026;
    pub const SHAKE_128: u32 = 0x00000027;
    pub const SHAKE_256: u32 = 0x00000028;
    pub const ARIA: u32 = 0x00000029;
    pub const SEED: u32 = 0x0000002A;
    pub const SM2: u32 = 0x0000002B;
    pub const SM3: u32 = 0x0000002C;
    pub const SM4: u32 = 0x0000002D;
    pub const GOST_R_34_10_2012: u32 = 0x0000002E;
    pub const GOST_R_34_11_2012: u32 = 0x0000002F;
    pub const GOST_R_34_13_2015: u32 = 0x00000030;
    pub const GOST_28147_89: u32 = 0x00000031;
    pub const XMSS: u32 = 0x00000032;
    pub const SPHINCS_256: u32 = 0x00000033;
    pub const MCELIECE: u32 = 0x00000034;
    pub const MCELIECE_6960119: u32 = 0x00000035;
    pub const MCELIECE_8192128: u32 = 0x00000036;
    pub const ED25519: u32 = 0x00000037;
    pub const ED448: u32 = 0x00000038;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "DES"),
        (0x00000002, "3DES"),
        (0x00000003, "AES"),
        (0x00000004, "RSA"),
        (0x00000005, "DSA"),
        (0x00000006, "ECDSA"),
        (0x00000007, "HMAC-SHA1"),
        (0x00000008, "HMAC-SHA224"),
        (0x00000009, "HMAC-SHA256"),
        (0x0000000A, "HMAC-SHA384"),
        (0x0000000B, "HMAC-SHA512"),
        (0x0000000C, "HMAC-MD5"),
        (0x0000000D, "DH"),
        (0x0000000E, "ECDH"),
        (0x0000000F, "ECMQV"),
        (0x00000010, "Blowfish"),
        (0x00000011, "Camellia"),
        (0x00000012, "CAST5"),
        (0x00000013, "IDEA"),
        (0x00000014, "MARS"),
        (0x00000015, "RC2"),
        (0x00000016, "RC4"),
        (0x00000017, "RC5"),
        (0x00000018, "SKIPJACK"),
        (0x00000019, "Twofish"),
        (0x0000001A, "EC"),
        (0x0000001B, "One Time Pad"),
        (0x0000001C, "ChaCha20"),
        (0x0000001D, "Poly1305"),
        (0x0000001E, "ChaCha20Poly1305"),
        (0x0000001F, "SHA3-224"),
        (0x00000020, "SHA3-256"),
        (0x00000021, "SHA3-384"),
        (0x00000022, "SHA3-512"),
        (0x00000023, "HMAC-SHA3-224"),
        (0x00000024, "HMAC-SHA3-256"),
        (0x00000025, "HMAC-SHA3-384"),
        (0x00000026, "HMAC-SHA3-512"),
        (0x00000027, "SHAKE-128"),
        (0x00000028, "SHAKE-256"),
        (0x00000029, "ARIA"),
        (0x0000002A, "SEED"),
        (0x0000002B, "SM2"),
        (0x0000002C, "SM3"),
        (0x0000002D, "SM4"),
        (0x0000002E, "GOST R 34.10-2012"),
        (0x0000002F, "GOST R 34.11-2012"),
        (0x00000030, "GOST R 34.13-2015"),
        (0x00000031, "GOST 28147-89"),
        (0x00000032, "XMSS"),
        (0x00000033, "SPHINCS-256"),
        (0x00000034, "McEliece"),
        (0x00000035, "McEliece-6960119"),
        (0x00000036, "McEliece-8192128"),
        (0x00000037, "Ed25519"),
        (0x00000038, "Ed448"),
    ];
}

/// Hashing Algorithm.
pub mod hashing_alg {
    pub const MD2: u32 = 0x00000001;
    pub const MD4: u32 = 0x00000002;
    pub const MD5: u32 = 0x00000003;
    pub const SHA_1: u32 = 0x00000004;
    pub const SHA_224: u32 = 0x00000005;
    pub const SHA_256: u32 = 0x00000006;
    pub const SHA_384: u32 = 0x00000007;
    pub const SHA_512: u32 = 0x00000008;
    pub const RIPEMD_160: u32 = 0x00000009;
    pub const TIGER: u32 = 0x0000000A;
    pub const WHIRLPOOL: u32 = 0x0000000B;
    pub const SHA_512_224: u32 = 0x0000000C;
    pub const SHA_512_256: u32 = 0x0000000D;
    pub const SHA3_224: u32 = 0x0000000E;
    pub const SHA3_256: u32 = 0x0000000F;
    pub const SHA3_384: u32 = 0x00000010;
    pub const SHA3_512: u32 = 0x00000011;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "MD2"),
        (0x00000002, "MD4"),
        (0x00000003, "MD5"),
        (0x00000004, "SHA-1"),
        (0x00000005, "SHA-224"),
        (0x00000006, "SHA-256"),
        (0x00000007, "SHA-384"),
        (0x00000008, "SHA-512"),
        (0x00000009, "RIPEMD-160"),
        (0x0000000A, "Tiger"),
        (0x0000000B, "Whirlpool"),
        (0x0000000C, "SHA-512/224"),
        (0x0000000D, "SHA-512/256"),
        (0x0000000E, "SHA3-224"),
        (0x0000000F, "SHA3-256"),
        (0x00000010, "SHA3-384"),
        (0x00000011, "SHA3-512"),
    ];
}

/// Result Status.
pub mod result_status {
    pub const SUCCESS: u32 = 0x00000000;
    pub const OPERATION_FAILED: u32 = 0x00000001;
    pub const OPERATION_PENDING: u32 = 0x00000002;
    pub const OPERATION_UNDONE: u32 = 0x00000003;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000000, "Success"),
        (0x00000001, "Operation Failed"),
        (0x00000002, "Operation Pending"),
        (0x00000003, "Operation Undone"),
    ];
}

/// Secret Data Type.
pub mod secret_data_type {
    pub const PASSWORD: u32 = 0x00000001;
    pub const SEED: u32 = 0x00000002;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[(0x00000001, "Password"), (0x00000002, "Seed")];
}

/// Certificate Type.
pub mod certificate_type {
    pub const X_509: u32 = 0x00000001;
    pub const PGP: u32 = 0x00000002;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[(0x00000001, "X.509"), (0x00000002, "PGP")];
}

/// Key Compression Type.
pub mod key_compression {
    pub const EC_PUBLIC_KEY_TYPE_UNCOMPRESSED: u32 = 0x00000001;
    pub const EC_PUBLIC_KEY_TYPE_X9_62_COMPRESSED_PRIME: u32 = 0x00000002;
    pub const EC_PUBLIC_KEY_TYPE_X9_62_COMPRESSED_CHAR2: u32 = 0x00000003;
    pub const EC_PUBLIC_KEY_TYPE_X9_62_HYBRID: u32 = 0x00000004;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "EC Public Key Type Uncompressed"),
        (0x00000002, "EC Public Key Type X9.62 Compressed Prime"),
        (0x00000003, "EC Public Key Type X9.62 Compressed Char2"),
        (0x00000004, "EC Public Key Type X9.62 Hybrid"),
    ];
}

/// Protection Storage Mask.
pub mod protection_storage {
    pub const SOFTWARE: u32 = 0x00000001;
    pub const HARDWARE: u32 = 0x00000002;
    pub const ON_PROCESSOR: u32 = 0x00000004;
    pub const ON_SYSTEM: u32 = 0x00000008;
    pub const OFF_SYSTEM: u32 = 0x00000010;
    pub const HYPERVISOR: u32 = 0x00000020;
    pub const OPERATING_SYSTEM: u32 = 0x00000040;
    pub const CONTAINER: u32 = 0x00000080;
    pub const ON_PREMISES: u32 = 0x00000100;
    pub const OFF_PREMISES: u32 = 0x00000200;
    pub const SELF_MANAGED: u32 = 0x00000400;
    pub const OUTSOURCED: u32 = 0x00000800;
    pub const VALIDATED: u32 = 0x00001000;
    pub const SAME_JURISDICTION: u32 = 0x00002000;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Software"),
        (0x00000002, "Hardware"),
        (0x00000004, "On Processor"),
        (0x00000008, "On System"),
        (0x00000010, "Off System"),
        (0x00000020, "Hypervisor"),
        (0x00000040, "Operating System"),
        (0x00000080, "Container"),
        (0x00000100, "On Premises"),
        (0x00000200, "Off Premises"),
        (0x00000400, "Self Managed"),
        (0x00000800, "Outsourced"),
        (0x00001000, "Validated"),
        (0x00002000, "Same Jurisdiction"),
    ];
}

/// RNG Algorithm.
pub mod rng_alg {
    pub const UNSPECIFIED: u32 = 0x00000001;
    pub const FIPS_186_2: u32 = 0x00000002;
    pub const DRBG: u32 = 0x00000003;
    pub const NRBG: u32 = 0x00000004;
    pub const ANSI_X9_31: u32 = 0x00000005;
    pub const ANSI_X9_62: u32 = 0x00000006;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Unspecified"),
        (0x00000002, "FIPS 186-2"),
        (0x00000003, "DRBG"),
        (0x00000004, "NRBG"),
        (0x00000005, "ANSI X9.31"),
        (0x00000006, "ANSI X9.62"),
    ];
}

/// Alternative Name Type.
pub mod alternative_name_type {
    pub const UNINTERPRETED_TEXT_STRING: u32 = 0x00000001;
    pub const URI: u32 = 0x00000002;
    pub const OBJECT_SERIAL_NUMBER: u32 = 0x00000003;
    pub const EMAIL_ADDRESS: u32 = 0x00000004;
    pub const DNS_NAME: u32 = 0x00000005;
    pub const X_500_DISTINGUISHED_NAME: u32 = 0x00000006;
    pub const IP_ADDRESS: u32 = 0x00000007;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Uninterpreted Text String"),
        (0x00000002, "URI"),
        (0x00000003, "Object Serial Number"),
        (0x00000004, "Email Address"),
        (0x00000005, "DNS Name"),
        (0x00000006, "X.500 Distinguished Name"),
        (0x00000007, "IP Address"),
    ];
}

/// Credential Type.
pub mod credential_type {
    pub const USERNAME_AND_PASSWORD: u32 = 0x00000001;
    pub const DEVICE: u32 = 0x00000002;
    pub const ATTESTATION: u32 = 0x00000003;
    pub const ONE_TIME_PASSWORD: u32 = 0x00000004;
    pub const HASHED_PASSWORD: u32 = 0x00000005;
    pub const TICKET: u32 = 0x00000006;
    pub const PASSWORD: u32 = 0x00000007;
    pub const CERTIFICATE: u32 = 0x00000008;
    /// (code, spec name).
    pub static NAMES: &[(u32, &str)] = &[
        (0x00000001, "Username and Password"),
        (0x00000002, "Device"),
        (0x00000003, "Attestation"),
        (0x00000004, "One Time Password"),
        (0x00000005, "Hashed Password"),
        (0x00000006, "Ticket"),
        (0x00000007, "Password"),
        (0x00000008, "Certificate"),
    ];
}
