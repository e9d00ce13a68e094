//! KMIP tag values (KMIP 1.0–2.1 spec tables, plus the KMIP 3.0 additions the
//! v3.0 test cases use), as constants, with the spec names used as KMIP 1.x
//! attribute names. Generated once from the spec HTML in /work/shared/spec;
//! the server keeps its own copy so it does not depend on the dictionary.
#![allow(missing_docs)]

use kmip_ttlv::Tag;

pub const ACTIVATION_DATE: Tag = Tag(0x420001); // Activation Date
pub const APPLICATION_DATA: Tag = Tag(0x420002); // Application Data
pub const APPLICATION_NAMESPACE: Tag = Tag(0x420003); // Application Namespace
pub const APPLICATION_SPECIFIC_INFORMATION: Tag = Tag(0x420004); // Application Specific Information
pub const ARCHIVE_DATE: Tag = Tag(0x420005); // Archive Date
pub const ASYNCHRONOUS_CORRELATION_VALUE: Tag = Tag(0x420006); // Asynchronous Correlation Value
pub const ASYNCHRONOUS_INDICATOR: Tag = Tag(0x420007); // Asynchronous Indicator
pub const ATTRIBUTE: Tag = Tag(0x420008); // Attribute
pub const ATTRIBUTE_INDEX: Tag = Tag(0x420009); // Attribute Index
pub const ATTRIBUTE_NAME: Tag = Tag(0x42000A); // Attribute Name
pub const ATTRIBUTE_VALUE: Tag = Tag(0x42000B); // Attribute Value
pub const AUTHENTICATION: Tag = Tag(0x42000C); // Authentication
pub const BATCH_COUNT: Tag = Tag(0x42000D); // Batch Count
pub const BATCH_ERROR_CONTINUATION_OPTION: Tag = Tag(0x42000E); // Batch Error Continuation Option
pub const BATCH_ITEM: Tag = Tag(0x42000F); // Batch Item
pub const BATCH_ORDER_OPTION: Tag = Tag(0x420010); // Batch Order Option
pub const BLOCK_CIPHER_MODE: Tag = Tag(0x420011); // Block Cipher Mode
pub const CANCELLATION_RESULT: Tag = Tag(0x420012); // Cancellation Result
pub const CERTIFICATE: Tag = Tag(0x420013); // Certificate
pub const CERTIFICATE_IDENTIFIER: Tag = Tag(0x420014); // Certificate Identifier
pub const CERTIFICATE_ISSUER: Tag = Tag(0x420015); // Certificate Issuer
pub const CERTIFICATE_ISSUER_ALTERNATIVE_NAME: Tag = Tag(0x420016); // Certificate Issuer Alternative Name
pub const CERTIFICATE_ISSUER_DISTINGUISHED_NAME: Tag = Tag(0x420017); // Certificate Issuer Distinguished Name
pub const CERTIFICATE_REQUEST: Tag = Tag(0x420018); // Certificate Request
pub const CERTIFICATE_REQUEST_TYPE: Tag = Tag(0x420019); // Certificate Request Type
pub const CERTIFICATE_SUBJECT: Tag = Tag(0x42001A); // Certificate Subject
pub const CERTIFICATE_SUBJECT_ALTERNATIVE_NAME: Tag = Tag(0x42001B); // Certificate Subject Alternative Name
pub const CERTIFICATE_SUBJECT_DISTINGUISHED_NAME: Tag = Tag(0x42001C); // Certificate Subject Distinguished Name
pub const CERTIFICATE_TYPE: Tag = Tag(0x42001D); // Certificate Type
pub const CERTIFICATE_VALUE: Tag = Tag(0x42001E); // Certificate Value
pub const COMMON_TEMPLATE_ATTRIBUTE: Tag = Tag(0x42001F); // Common Template-Attribute
pub const COMPROMISE_DATE: Tag = Tag(0x420020); // Compromise Date
pub const COMPROMISE_OCCURRENCE_DATE: Tag = Tag(0x420021); // Compromise Occurrence Date
pub const CONTACT_INFORMATION: Tag = Tag(0x420022); // Contact Information
pub const CREDENTIAL: Tag = Tag(0x420023); // Credential
pub const CREDENTIAL_TYPE: Tag = Tag(0x420024); // Credential Type
pub const CREDENTIAL_VALUE: Tag = Tag(0x420025); // Credential Value
pub const CRITICALITY_INDICATOR: Tag = Tag(0x420026); // Criticality Indicator
pub const CRT_COEFFICIENT: Tag = Tag(0x420027); // CRT Coefficient
pub const CRYPTOGRAPHIC_ALGORITHM: Tag = Tag(0x420028); // Cryptographic Algorithm
pub const CRYPTOGRAPHIC_DOMAIN_PARAMETERS: Tag = Tag(0x420029); // Cryptographic Domain Parameters
pub const CRYPTOGRAPHIC_LENGTH: Tag = Tag(0x42002A); // Cryptographic Length
pub const CRYPTOGRAPHIC_PARAMETERS: Tag = Tag(0x42002B); // Cryptographic Parameters
pub const CRYPTOGRAPHIC_USAGE_MASK: Tag = Tag(0x42002C); // Cryptographic Usage Mask
pub const CUSTOM_ATTRIBUTE: Tag = Tag(0x42002D); // Custom Attribute
pub const D: Tag = Tag(0x42002E); // D
pub const DEACTIVATION_DATE: Tag = Tag(0x42002F); // Deactivation Date
pub const DERIVATION_DATA: Tag = Tag(0x420030); // Derivation Data
pub const DERIVATION_METHOD: Tag = Tag(0x420031); // Derivation Method
pub const DERIVATION_PARAMETERS: Tag = Tag(0x420032); // Derivation Parameters
pub const DESTROY_DATE: Tag = Tag(0x420033); // Destroy Date
pub const DIGEST: Tag = Tag(0x420034); // Digest
pub const DIGEST_VALUE: Tag = Tag(0x420035); // Digest Value
pub const ENCRYPTION_KEY_INFORMATION: Tag = Tag(0x420036); // Encryption Key Information
pub const G: Tag = Tag(0x420037); // G
pub const HASHING_ALGORITHM: Tag = Tag(0x420038); // Hashing Algorithm
pub const INITIAL_DATE: Tag = Tag(0x420039); // Initial Date
pub const INITIALIZATION_VECTOR: Tag = Tag(0x42003A); // Initialization Vector
pub const ISSUER: Tag = Tag(0x42003B); // Issuer
pub const ITERATION_COUNT: Tag = Tag(0x42003C); // Iteration Count
pub const IV_COUNTER_NONCE: Tag = Tag(0x42003D); // IV/Counter/Nonce
pub const J: Tag = Tag(0x42003E); // J
pub const KEY: Tag = Tag(0x42003F); // Key
pub const KEY_BLOCK: Tag = Tag(0x420040); // Key Block
pub const KEY_COMPRESSION_TYPE: Tag = Tag(0x420041); // Key Compression Type
pub const KEY_FORMAT_TYPE: Tag = Tag(0x420042); // Key Format Type
pub const KEY_MATERIAL: Tag = Tag(0x420043); // Key Material
pub const KEY_PART_IDENTIFIER: Tag = Tag(0x420044); // Key Part Identifier
pub const KEY_VALUE: Tag = Tag(0x420045); // Key Value
pub const KEY_WRAPPING_DATA: Tag = Tag(0x420046); // Key Wrapping Data
pub const KEY_WRAPPING_SPECIFICATION: Tag = Tag(0x420047); // Key Wrapping Specification
pub const LAST_CHANGE_DATE: Tag = Tag(0x420048); // Last Change Date
pub const LEASE_TIME: Tag = Tag(0x420049); // Lease Time
pub const LINK: Tag = Tag(0x42004A); // Link
pub const LINK_TYPE: Tag = Tag(0x42004B); // Link Type
pub const LINKED_OBJECT_IDENTIFIER: Tag = Tag(0x42004C); // Linked Object Identifier
pub const MAC_SIGNATURE: Tag = Tag(0x42004D); // MAC/Signature
pub const MAC_SIGNATURE_KEY_INFORMATION: Tag = Tag(0x42004E); // MAC/Signature Key Information
pub const MAXIMUM_ITEMS: Tag = Tag(0x42004F); // Maximum Items
pub const MAXIMUM_RESPONSE_SIZE: Tag = Tag(0x420050); // Maximum Response Size
pub const MESSAGE_EXTENSION: Tag = Tag(0x420051); // Message Extension
pub const MODULUS: Tag = Tag(0x420052); // Modulus
pub const NAME: Tag = Tag(0x420053); // Name
pub const NAME_TYPE: Tag = Tag(0x420054); // Name Type
pub const NAME_VALUE: Tag = Tag(0x420055); // Name Value
pub const OBJECT_GROUP: Tag = Tag(0x420056); // Object Group
pub const OBJECT_TYPE: Tag = Tag(0x420057); // Object Type
pub const OFFSET: Tag = Tag(0x420058); // Offset
pub const OPAQUE_DATA_TYPE: Tag = Tag(0x420059); // Opaque Data Type
pub const OPAQUE_DATA_VALUE: Tag = Tag(0x42005A); // Opaque Data Value
pub const OPAQUE_OBJECT: Tag = Tag(0x42005B); // Opaque Object
pub const OPERATION: Tag = Tag(0x42005C); // Operation
pub const OPERATION_POLICY_NAME: Tag = Tag(0x42005D); // Operation Policy Name
pub const P: Tag = Tag(0x42005E); // P
pub const PADDING_METHOD: Tag = Tag(0x42005F); // Padding Method
pub const PRIME_EXPONENT_P: Tag = Tag(0x420060); // Prime Exponent P
pub const PRIME_EXPONENT_Q: Tag = Tag(0x420061); // Prime Exponent Q
pub const PRIME_FIELD_SIZE: Tag = Tag(0x420062); // Prime Field Size
pub const PRIVATE_EXPONENT: Tag = Tag(0x420063); // Private Exponent
pub const PRIVATE_KEY: Tag = Tag(0x420064); // Private Key
pub const PRIVATE_KEY_TEMPLATE_ATTRIBUTE: Tag = Tag(0x420065); // Private Key Template-Attribute
pub const PRIVATE_KEY_UNIQUE_IDENTIFIER: Tag = Tag(0x420066); // Private Key Unique Identifier
pub const PROCESS_START_DATE: Tag = Tag(0x420067); // Process Start Date
pub const PROTECT_STOP_DATE: Tag = Tag(0x420068); // Protect Stop Date
pub const PROTOCOL_VERSION: Tag = Tag(0x420069); // Protocol Version
pub const PROTOCOL_VERSION_MAJOR: Tag = Tag(0x42006A); // Protocol Version Major
pub const PROTOCOL_VERSION_MINOR: Tag = Tag(0x42006B); // Protocol Version Minor
pub const PUBLIC_EXPONENT: Tag = Tag(0x42006C); // Public Exponent
pub const PUBLIC_KEY: Tag = Tag(0x42006D); // Public Key
pub const PUBLIC_KEY_TEMPLATE_ATTRIBUTE: Tag = Tag(0x42006E); // Public Key Template-Attribute
pub const PUBLIC_KEY_UNIQUE_IDENTIFIER: Tag = Tag(0x42006F); // Public Key Unique Identifier
pub const PUT_FUNCTION: Tag = Tag(0x420070); // Put Function
pub const Q: Tag = Tag(0x420071); // Q
pub const Q_STRING: Tag = Tag(0x420072); // Q String
pub const QLENGTH: Tag = Tag(0x420073); // Qlength
pub const QUERY_FUNCTION: Tag = Tag(0x420074); // Query Function
pub const RECOMMENDED_CURVE: Tag = Tag(0x420075); // Recommended Curve
pub const REPLACED_UNIQUE_IDENTIFIER: Tag = Tag(0x420076); // Replaced Unique Identifier
pub const REQUEST_HEADER: Tag = Tag(0x420077); // Request Header
pub const REQUEST_MESSAGE: Tag = Tag(0x420078); // Request Message
pub const REQUEST_PAYLOAD: Tag = Tag(0x420079); // Request Payload
pub const RESPONSE_HEADER: Tag = Tag(0x42007A); // Response Header
pub const RESPONSE_MESSAGE: Tag = Tag(0x42007B); // Response Message
pub const RESPONSE_PAYLOAD: Tag = Tag(0x42007C); // Response Payload
pub const RESULT_MESSAGE: Tag = Tag(0x42007D); // Result Message
pub const RESULT_REASON: Tag = Tag(0x42007E); // Result Reason
pub const RESULT_STATUS: Tag = Tag(0x42007F); // Result Status
pub const REVOCATION_MESSAGE: Tag = Tag(0x420080); // Revocation Message
pub const REVOCATION_REASON: Tag = Tag(0x420081); // Revocation Reason
pub const REVOCATION_REASON_CODE: Tag = Tag(0x420082); // Revocation Reason Code
pub const KEY_ROLE_TYPE: Tag = Tag(0x420083); // Key Role Type
pub const SALT: Tag = Tag(0x420084); // Salt
pub const SECRET_DATA: Tag = Tag(0x420085); // Secret Data
pub const SECRET_DATA_TYPE: Tag = Tag(0x420086); // Secret Data Type
pub const SERIAL_NUMBER: Tag = Tag(0x420087); // Serial Number
pub const SERVER_INFORMATION: Tag = Tag(0x420088); // Server Information
pub const SPLIT_KEY: Tag = Tag(0x420089); // Split Key
pub const SPLIT_KEY_METHOD: Tag = Tag(0x42008A); // Split Key Method
pub const SPLIT_KEY_PARTS: Tag = Tag(0x42008B); // Split Key Parts
pub const SPLIT_KEY_THRESHOLD: Tag = Tag(0x42008C); // Split Key Threshold
pub const STATE: Tag = Tag(0x42008D); // State
pub const STORAGE_STATUS_MASK: Tag = Tag(0x42008E); // Storage Status Mask
pub const SYMMETRIC_KEY: Tag = Tag(0x42008F); // Symmetric Key
pub const TEMPLATE: Tag = Tag(0x420090); // Template
pub const TEMPLATE_ATTRIBUTE: Tag = Tag(0x420091); // Template-Attribute
pub const TIME_STAMP: Tag = Tag(0x420092); // Time Stamp
pub const UNIQUE_BATCH_ITEM_ID: Tag = Tag(0x420093); // Unique Batch Item ID
pub const UNIQUE_IDENTIFIER: Tag = Tag(0x420094); // Unique Identifier
pub const USAGE_LIMITS: Tag = Tag(0x420095); // Usage Limits
pub const USAGE_LIMITS_COUNT: Tag = Tag(0x420096); // Usage Limits Count
pub const USAGE_LIMITS_TOTAL: Tag = Tag(0x420097); // Usage Limits Total
pub const USAGE_LIMITS_UNIT: Tag = Tag(0x420098); // Usage Limits Unit
pub const USERNAME: Tag = Tag(0x420099); // Username
pub const VALIDITY_DATE: Tag = Tag(0x42009A); // Validity Date
pub const VALIDITY_INDICATOR: Tag = Tag(0x42009B); // Validity Indicator
pub const VENDOR_EXTENSION: Tag = Tag(0x42009C); // Vendor Extension
pub const VENDOR_IDENTIFICATION: Tag = Tag(0x42009D); // Vendor Identification
pub const WRAPPING_METHOD: Tag = Tag(0x42009E); // Wrapping Method
pub const X: Tag = Tag(0x42009F); // X
pub const Y: Tag = Tag(0x4200A0); // Y
pub const PASSWORD: Tag = Tag(0x4200A1); // Password
pub const DEVICE_IDENTIFIER: Tag = Tag(0x4200A2); // Device Identifier
pub const ENCODING_OPTION: Tag = Tag(0x4200A3); // Encoding Option
pub const EXTENSION_INFORMATION: Tag = Tag(0x4200A4); // Extension Information
pub const EXTENSION_NAME: Tag = Tag(0x4200A5); // Extension Name
pub const EXTENSION_TAG: Tag = Tag(0x4200A6); // Extension Tag
pub const EXTENSION_TYPE: Tag = Tag(0x4200A7); // Extension Type
pub const FRESH: Tag = Tag(0x4200A8); // Fresh
pub const MACHINE_IDENTIFIER: Tag = Tag(0x4200A9); // Machine Identifier
pub const MEDIA_IDENTIFIER: Tag = Tag(0x4200AA); // Media Identifier
pub const NETWORK_IDENTIFIER: Tag = Tag(0x4200AB); // Network Identifier
pub const OBJECT_GROUP_MEMBER: Tag = Tag(0x4200AC); // Object Group Member
pub const CERTIFICATE_LENGTH: Tag = Tag(0x4200AD); // Certificate Length
pub const DIGITAL_SIGNATURE_ALGORITHM: Tag = Tag(0x4200AE); // Digital Signature Algorithm
pub const CERTIFICATE_SERIAL_NUMBER: Tag = Tag(0x4200AF); // Certificate Serial Number
pub const DEVICE_SERIAL_NUMBER: Tag = Tag(0x4200B0); // Device Serial Number
pub const ISSUER_ALTERNATIVE_NAME: Tag = Tag(0x4200B1); // Issuer Alternative Name
pub const ISSUER_DISTINGUISHED_NAME: Tag = Tag(0x4200B2); // Issuer Distinguished Name
pub const SUBJECT_ALTERNATIVE_NAME: Tag = Tag(0x4200B3); // Subject Alternative Name
pub const SUBJECT_DISTINGUISHED_NAME: Tag = Tag(0x4200B4); // Subject Distinguished Name
pub const X_509_CERTIFICATE_IDENTIFIER: Tag = Tag(0x4200B5); // X.509 Certificate Identifier
pub const X_509_CERTIFICATE_ISSUER: Tag = Tag(0x4200B6); // X.509 Certificate Issuer
pub const X_509_CERTIFICATE_SUBJECT: Tag = Tag(0x4200B7); // X.509 Certificate Subject
pub const KEY_VALUE_LOCATION: Tag = Tag(0x4200B8); // Key Value Location
pub const KEY_VALUE_LOCATION_VALUE: Tag = Tag(0x4200B9); // Key Value Location Value
pub const KEY_VALUE_LOCATION_TYPE: Tag = Tag(0x4200BA); // Key Value Location Type
pub const KEY_VALUE_PRESENT: Tag = Tag(0x4200BB); // Key Value Present
pub const ORIGINAL_CREATION_DATE: Tag = Tag(0x4200BC); // Original Creation Date
pub const PGP_KEY: Tag = Tag(0x4200BD); // PGP Key
pub const PGP_KEY_VERSION: Tag = Tag(0x4200BE); // PGP Key Version
pub const ALTERNATIVE_NAME: Tag = Tag(0x4200BF); // Alternative Name
pub const ALTERNATIVE_NAME_VALUE: Tag = Tag(0x4200C0); // Alternative Name Value
pub const ALTERNATIVE_NAME_TYPE: Tag = Tag(0x4200C1); // Alternative Name Type
pub const DATA: Tag = Tag(0x4200C2); // Data
pub const SIGNATURE_DATA: Tag = Tag(0x4200C3); // Signature Data
pub const DATA_LENGTH: Tag = Tag(0x4200C4); // Data Length
pub const RANDOM_IV: Tag = Tag(0x4200C5); // Random IV
pub const MAC_DATA: Tag = Tag(0x4200C6); // MAC Data
pub const ATTESTATION_TYPE: Tag = Tag(0x4200C7); // Attestation Type
pub const NONCE: Tag = Tag(0x4200C8); // Nonce
pub const NONCE_ID: Tag = Tag(0x4200C9); // Nonce ID
pub const NONCE_VALUE: Tag = Tag(0x4200CA); // Nonce Value
pub const ATTESTATION_MEASUREMENT: Tag = Tag(0x4200CB); // Attestation Measurement
pub const ATTESTATION_ASSERTION: Tag = Tag(0x4200CC); // Attestation Assertion
pub const IV_LENGTH: Tag = Tag(0x4200CD); // IV Length
pub const TAG_LENGTH: Tag = Tag(0x4200CE); // Tag Length
pub const FIXED_FIELD_LENGTH: Tag = Tag(0x4200CF); // Fixed Field Length
pub const COUNTER_LENGTH: Tag = Tag(0x4200D0); // Counter Length
pub const INITIAL_COUNTER_VALUE: Tag = Tag(0x4200D1); // Initial Counter Value
pub const INVOCATION_FIELD_LENGTH: Tag = Tag(0x4200D2); // Invocation Field Length
pub const ATTESTATION_CAPABLE_INDICATOR: Tag = Tag(0x4200D3); // Attestation Capable Indicator
pub const OFFSET_ITEMS: Tag = Tag(0x4200D4); // Offset Items
pub const LOCATED_ITEMS: Tag = Tag(0x4200D5); // Located Items
pub const CORRELATION_VALUE: Tag = Tag(0x4200D6); // Correlation Value
pub const INIT_INDICATOR: Tag = Tag(0x4200D7); // Init Indicator
pub const FINAL_INDICATOR: Tag = Tag(0x4200D8); // Final Indicator
pub const RNG_PARAMETERS: Tag = Tag(0x4200D9); // RNG Parameters
pub const RNG_ALGORITHM: Tag = Tag(0x4200DA); // RNG Algorithm
pub const DRBG_ALGORITHM: Tag = Tag(0x4200DB); // DRBG Algorithm
pub const FIPS186_VARIATION: Tag = Tag(0x4200DC); // FIPS186 Variation
pub const PREDICTION_RESISTANCE: Tag = Tag(0x4200DD); // Prediction Resistance
pub const RANDOM_NUMBER_GENERATOR: Tag = Tag(0x4200DE); // Random Number Generator
pub const VALIDATION_INFORMATION: Tag = Tag(0x4200DF); // Validation Information
pub const VALIDATION_AUTHORITY_TYPE: Tag = Tag(0x4200E0); // Validation Authority Type
pub const VALIDATION_AUTHORITY_COUNTRY: Tag = Tag(0x4200E1); // Validation Authority Country
pub const VALIDATION_AUTHORITY_URI: Tag = Tag(0x4200E2); // Validation Authority URI
pub const VALIDATION_VERSION_MAJOR: Tag = Tag(0x4200E3); // Validation Version Major
pub const VALIDATION_VERSION_MINOR: Tag = Tag(0x4200E4); // Validation Version Minor
pub const VALIDATION_TYPE: Tag = Tag(0x4200E5); // Validation Type
pub const VALIDATION_LEVEL: Tag = Tag(0x4200E6); // Validation Level
pub const VALIDATION_CERTIFICATE_IDENTIFIER: Tag = Tag(0x4200E7); // Validation Certificate Identifier
pub const VALIDATION_CERTIFICATE_URI: Tag = Tag(0x4200E8); // Validation Certificate URI
pub const VALIDATION_VENDOR_URI: Tag = Tag(0x4200E9); // Validation Vendor URI
pub const VALIDATION_PROFILE: Tag = Tag(0x4200EA); // Validation Profile
pub const PROFILE_INFORMATION: Tag = Tag(0x4200EB); // Profile Information
pub const PROFILE_NAME: Tag = Tag(0x4200EC); // Profile Name
pub const SERVER_URI: Tag = Tag(0x4200ED); // Server URI
pub const SERVER_PORT: Tag = Tag(0x4200EE); // Server Port
pub const STREAMING_CAPABILITY: Tag = Tag(0x4200EF); // Streaming Capability
pub const ASYNCHRONOUS_CAPABILITY: Tag = Tag(0x4200F0); // Asynchronous Capability
pub const ATTESTATION_CAPABILITY: Tag = Tag(0x4200F1); // Attestation Capability
pub const UNWRAP_MODE: Tag = Tag(0x4200F2); // Unwrap Mode
pub const DESTROY_ACTION: Tag = Tag(0x4200F3); // Destroy Action
pub const SHREDDING_ALGORITHM: Tag = Tag(0x4200F4); // Shredding Algorithm
pub const RNG_MODE: Tag = Tag(0x4200F5); // RNG Mode
pub const CLIENT_REGISTRATION_METHOD: Tag = Tag(0x4200F6); // Client Registration Method
pub const CAPABILITY_INFORMATION: Tag = Tag(0x4200F7); // Capability Information
pub const KEY_WRAP_TYPE: Tag = Tag(0x4200F8); // Key Wrap Type
pub const BATCH_UNDO_CAPABILITY: Tag = Tag(0x4200F9); // Batch Undo Capability
pub const BATCH_CONTINUE_CAPABILITY: Tag = Tag(0x4200FA); // Batch Continue Capability
pub const PKCS_12_FRIENDLY_NAME: Tag = Tag(0x4200FB); // PKCS#12 Friendly Name
pub const DESCRIPTION: Tag = Tag(0x4200FC); // Description
pub const COMMENT: Tag = Tag(0x4200FD); // Comment
pub const AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA: Tag = Tag(0x4200FE); // Authenticated Encryption Additional Data
pub const AUTHENTICATED_ENCRYPTION_TAG: Tag = Tag(0x4200FF); // Authenticated Encryption Tag
pub const SALT_LENGTH: Tag = Tag(0x420100); // Salt Length
pub const MASK_GENERATOR: Tag = Tag(0x420101); // Mask Generator
pub const MASK_GENERATOR_HASHING_ALGORITHM: Tag = Tag(0x420102); // Mask Generator Hashing Algorithm
pub const P_SOURCE: Tag = Tag(0x420103); // P Source
pub const TRAILER_FIELD: Tag = Tag(0x420104); // Trailer Field
pub const CLIENT_CORRELATION_VALUE: Tag = Tag(0x420105); // Client Correlation Value
pub const SERVER_CORRELATION_VALUE: Tag = Tag(0x420106); // Server Correlation Value
pub const DIGESTED_DATA: Tag = Tag(0x420107); // Digested Data
pub const CERTIFICATE_SUBJECT_CN: Tag = Tag(0x420108); // Certificate Subject CN
pub const CERTIFICATE_SUBJECT_O: Tag = Tag(0x420109); // Certificate Subject O
pub const CERTIFICATE_SUBJECT_OU: Tag = Tag(0x42010A); // Certificate Subject OU
pub const CERTIFICATE_SUBJECT_EMAIL: Tag = Tag(0x42010B); // Certificate Subject Email
pub const CERTIFICATE_SUBJECT_C: Tag = Tag(0x42010C); // Certificate Subject C
pub const CERTIFICATE_SUBJECT_ST: Tag = Tag(0x42010D); // Certificate Subject ST
pub const CERTIFICATE_SUBJECT_L: Tag = Tag(0x42010E); // Certificate Subject L
pub const CERTIFICATE_SUBJECT_UID: Tag = Tag(0x42010F); // Certificate Subject UID
pub const CERTIFICATE_SUBJECT_SERIAL_NUMBER: Tag = Tag(0x420110); // Certificate Subject Serial Number
pub const CERTIFICATE_SUBJECT_TITLE: Tag = Tag(0x420111); // Certificate Subject Title
pub const CERTIFICATE_SUBJECT_DC: Tag = Tag(0x420112); // Certificate Subject DC
pub const CERTIFICATE_SUBJECT_DN_QUALIFIER: Tag = Tag(0x420113); // Certificate Subject DN Qualifier
pub const CERTIFICATE_ISSUER_CN: Tag = Tag(0x420114); // Certificate Issuer CN
pub const CERTIFICATE_ISSUER_O: Tag = Tag(0x420115); // Certificate Issuer O
pub const CERTIFICATE_ISSUER_OU: Tag = Tag(0x420116); // Certificate Issuer OU
pub const CERTIFICATE_ISSUER_EMAIL: Tag = Tag(0x420117); // Certificate Issuer Email
pub const CERTIFICATE_ISSUER_C: Tag = Tag(0x420118); // Certificate Issuer C
pub const CERTIFICATE_ISSUER_ST: Tag = Tag(0x420119); // Certificate Issuer ST
pub const CERTIFICATE_ISSUER_L: Tag = Tag(0x42011A); // Certificate Issuer L
pub const CERTIFICATE_ISSUER_UID: Tag = Tag(0x42011B); // Certificate Issuer UID
pub const CERTIFICATE_ISSUER_SERIAL_NUMBER: Tag = Tag(0x42011C); // Certificate Issuer Serial Number
pub const CERTIFICATE_ISSUER_TITLE: Tag = Tag(0x42011D); // Certificate Issuer Title
pub const CERTIFICATE_ISSUER_DC: Tag = Tag(0x42011E); // Certificate Issuer DC
pub const CERTIFICATE_ISSUER_DN_QUALIFIER: Tag = Tag(0x42011F); // Certificate Issuer DN Qualifier
pub const SENSITIVE: Tag = Tag(0x420120); // Sensitive
pub const ALWAYS_SENSITIVE: Tag = Tag(0x420121); // Always Sensitive
pub const EXTRACTABLE: Tag = Tag(0x420122); // Extractable
pub const NEVER_EXTRACTABLE: Tag = Tag(0x420123); // Never Extractable
pub const REPLACE_EXISTING: Tag = Tag(0x420124); // Replace Existing
pub const ATTRIBUTES: Tag = Tag(0x420125); // Attributes
pub const COMMON_ATTRIBUTES: Tag = Tag(0x420126); // Common Attributes
pub const PRIVATE_KEY_ATTRIBUTES: Tag = Tag(0x420127); // Private Key Attributes
pub const PUBLIC_KEY_ATTRIBUTES: Tag = Tag(0x420128); // Public Key Attributes
pub const EXTENSION_ENUMERATION: Tag = Tag(0x420129); // Extension Enumeration
pub const EXTENSION_ATTRIBUTE: Tag = Tag(0x42012A); // Extension Attribute
pub const EXTENSION_PARENT_STRUCTURE_TAG: Tag = Tag(0x42012B); // Extension Parent Structure Tag
pub const EXTENSION_DESCRIPTION: Tag = Tag(0x42012C); // Extension Description
pub const SERVER_NAME: Tag = Tag(0x42012D); // Server Name
pub const SERVER_SERIAL_NUMBER: Tag = Tag(0x42012E); // Server Serial Number
pub const SERVER_VERSION: Tag = Tag(0x42012F); // Server Version
pub const SERVER_LOAD: Tag = Tag(0x420130); // Server Load
pub const PRODUCT_NAME: Tag = Tag(0x420131); // Product Name
pub const BUILD_LEVEL: Tag = Tag(0x420132); // Build Level
pub const BUILD_DATE: Tag = Tag(0x420133); // Build Date
pub const CLUSTER_INFO: Tag = Tag(0x420134); // Cluster Info
pub const ALTERNATE_FAILOVER_ENDPOINTS: Tag = Tag(0x420135); // Alternate Failover Endpoints
pub const SHORT_UNIQUE_IDENTIFIER: Tag = Tag(0x420136); // Short Unique Identifier
pub const TAG: Tag = Tag(0x420138); // Tag
pub const CERTIFICATE_REQUEST_UNIQUE_IDENTIFIER: Tag = Tag(0x420139); // Certificate Request Unique Identifier
pub const NIST_KEY_TYPE: Tag = Tag(0x42013A); // NIST Key Type
pub const ATTRIBUTE_REFERENCE: Tag = Tag(0x42013B); // Attribute Reference
pub const CURRENT_ATTRIBUTE: Tag = Tag(0x42013C); // Current Attribute
pub const NEW_ATTRIBUTE: Tag = Tag(0x42013D); // New Attribute
pub const CERTIFICATE_REQUEST_VALUE: Tag = Tag(0x420140); // Certificate Request Value
pub const LOG_MESSAGE: Tag = Tag(0x420141); // Log Message
pub const PROFILE_VERSION: Tag = Tag(0x420142); // Profile Version
pub const PROFILE_VERSION_MAJOR: Tag = Tag(0x420143); // Profile Version Major
pub const PROFILE_VERSION_MINOR: Tag = Tag(0x420144); // Profile Version Minor
pub const PROTECTION_LEVEL: Tag = Tag(0x420145); // Protection Level
pub const PROTECTION_PERIOD: Tag = Tag(0x420146); // Protection Period
pub const QUANTUM_SAFE: Tag = Tag(0x420147); // Quantum Safe
pub const QUANTUM_SAFE_CAPABILITY: Tag = Tag(0x420148); // Quantum Safe Capability
pub const TICKET: Tag = Tag(0x420149); // Ticket
pub const TICKET_TYPE: Tag = Tag(0x42014A); // Ticket Type
pub const TICKET_VALUE: Tag = Tag(0x42014B); // Ticket Value
pub const REQUEST_COUNT: Tag = Tag(0x42014C); // Request Count
pub const RIGHTS: Tag = Tag(0x42014D); // Rights
pub const OBJECTS: Tag = Tag(0x42014E); // Objects
pub const OPERATIONS: Tag = Tag(0x42014F); // Operations
pub const RIGHT: Tag = Tag(0x420150); // Right
pub const ENDPOINT_ROLE: Tag = Tag(0x420151); // Endpoint Role
pub const DEFAULTS_INFORMATION: Tag = Tag(0x420152); // Defaults Information
pub const OBJECT_DEFAULTS: Tag = Tag(0x420153); // Object Defaults
pub const EPHEMERAL: Tag = Tag(0x420154); // Ephemeral
pub const SERVER_HASHED_PASSWORD: Tag = Tag(0x420155); // Server Hashed Password
pub const ONE_TIME_PASSWORD: Tag = Tag(0x420156); // One Time Password
pub const HASHED_PASSWORD: Tag = Tag(0x420157); // Hashed Password
pub const ADJUSTMENT_TYPE: Tag = Tag(0x420158); // Adjustment Type
pub const PKCS_11_INTERFACE: Tag = Tag(0x420159); // PKCS#11 Interface
pub const PKCS_11_FUNCTION: Tag = Tag(0x42015A); // PKCS#11 Function
pub const PKCS_11_INPUT_PARAMETERS: Tag = Tag(0x42015B); // PKCS#11 Input Parameters
pub const PKCS_11_OUTPUT_PARAMETERS: Tag = Tag(0x42015C); // PKCS#11 Output Parameters
pub const PKCS_11_RETURN_CODE: Tag = Tag(0x42015D); // PKCS#11 Return Code
pub const PROTECTION_STORAGE_MASK: Tag = Tag(0x42015E); // Protection Storage Mask
pub const PROTECTION_STORAGE_MASKS: Tag = Tag(0x42015F); // Protection Storage Masks
pub const INTEROP_FUNCTION: Tag = Tag(0x420160); // Interop Function
pub const INTEROP_IDENTIFIER: Tag = Tag(0x420161); // Interop Identifier
pub const ADJUSTMENT_VALUE: Tag = Tag(0x420162); // Adjustment Value
pub const COMMON_PROTECTION_STORAGE_MASKS: Tag = Tag(0x420163); // Common Protection Storage Masks
pub const PRIVATE_PROTECTION_STORAGE_MASKS: Tag = Tag(0x420164); // Private Protection Storage Masks
pub const PUBLIC_PROTECTION_STORAGE_MASKS: Tag = Tag(0x420165); // Public Protection Storage Masks
pub const OBJECT_GROUPS: Tag = Tag(0x420166); // Object Groups
pub const OBJECT_TYPES: Tag = Tag(0x420167); // Object Types
pub const CONSTRAINTS: Tag = Tag(0x420168); // Constraints
pub const CONSTRAINT: Tag = Tag(0x420169); // Constraint
pub const ROTATE_INTERVAL: Tag = Tag(0x42016A); // Rotate Interval
pub const ROTATE_AUTOMATIC: Tag = Tag(0x42016B); // Rotate Automatic
pub const ROTATE_OFFSET: Tag = Tag(0x42016C); // Rotate Offset
pub const ROTATE_DATE: Tag = Tag(0x42016D); // Rotate Date
pub const ROTATE_GENERATION: Tag = Tag(0x42016E); // Rotate Generation
pub const ROTATE_NAME: Tag = Tag(0x42016F); // Rotate Name
pub const ROTATE_NAME_VALUE: Tag = Tag(0x420170); // Rotate Name Value
pub const ROTATE_NAME_TYPE: Tag = Tag(0x420171); // Rotate Name Type
pub const ROTATE_LATEST: Tag = Tag(0x420172); // Rotate Latest
pub const ASYNCHRONOUS_REQUEST: Tag = Tag(0x420173); // Asynchronous Request
pub const SUBMISSION_DATE: Tag = Tag(0x420174); // Submission Date
pub const PROCESSING_STAGE: Tag = Tag(0x420175); // Processing Stage
pub const ASYNCHRONOUS_CORRELATION_VALUES: Tag = Tag(0x420176); // Asynchronous Correlation Values
pub const CERTIFICATE_LINK: Tag = Tag(0x420190); // Certificate Link
pub const CHILD_LINK: Tag = Tag(0x420191); // Child Link
pub const DERIVATION_OBJECT_LINK: Tag = Tag(0x420192); // Derivation Object Link
pub const DERIVED_OBJECT_LINK: Tag = Tag(0x420193); // Derived Object Link
pub const NEXT_LINK: Tag = Tag(0x420194); // Next Link
pub const PARENT_LINK: Tag = Tag(0x420195); // Parent Link
pub const PKCS_12_CERTIFICATE_LINK: Tag = Tag(0x420196); // PKCS#12 Certificate Link
pub const PKCS_12_PASSWORD_LINK: Tag = Tag(0x420197); // PKCS#12 Password Link
pub const PREVIOUS_LINK: Tag = Tag(0x420198); // Previous Link
pub const PRIVATE_KEY_LINK: Tag = Tag(0x420199); // Private Key Link
pub const PUBLIC_KEY_LINK: Tag = Tag(0x42019A); // Public Key Link
pub const REPLACED_OBJECT_LINK: Tag = Tag(0x42019B); // Replaced Object Link
pub const REPLACEMENT_OBJECT_LINK: Tag = Tag(0x42019C); // Replacement Object Link
pub const WRAPPING_KEY_LINK: Tag = Tag(0x42019D); // Wrapping Key Link
pub const OBJECT_CLASS: Tag = Tag(0x42019E); // Object Class
pub const OBJECT_CLASS_MASK: Tag = Tag(0x42019F); // Object Class Mask
pub const CREDENTIAL_LINK: Tag = Tag(0x4201A0); // Credential Link
pub const PASSWORD_CREDENTIAL: Tag = Tag(0x4201A1); // Password Credential
pub const PASSWORD_SALT: Tag = Tag(0x4201A2); // Password Salt
pub const PASSWORD_SALT_ALGORITHM: Tag = Tag(0x4201A3); // Password Salt Algorithm
pub const SALTED_PASSWORD: Tag = Tag(0x4201A4); // Salted Password
pub const PASSWORD_LINK: Tag = Tag(0x4201A5); // Password Link
pub const DEVICE_CREDENTIAL: Tag = Tag(0x4201A6); // Device Credential
pub const OTP_CREDENTIAL: Tag = Tag(0x4201A7); // OTP Credential
pub const HASHED_PASSWORD_CREDENTIAL: Tag = Tag(0x4201AF); // Hashed Password Credential
pub const HASHED_USERNAME_PASSWORD: Tag = Tag(0x4201B0); // Hashed Username Password
pub const HASHED_PASSWORD_USERNAME: Tag = Tag(0x4201B1); // Hashed Password Username
pub const CREDENTIAL_INFORMATION: Tag = Tag(0x4201B2); // Credential Information
pub const GROUP_LINK: Tag = Tag(0x4201B3); // Group Link
pub const SPLIT_KEY_BASE_LINK: Tag = Tag(0x4201B4); // Split Key Base Link
pub const JOINED_SPLIT_KEY_PARTS_LINK: Tag = Tag(0x4201B5); // Joined Split Key Parts Link
pub const SPLIT_KEY_POLYNOMIAL: Tag = Tag(0x4201B6); // Split Key Polynomial
pub const DEACTIVATION_MESSAGE: Tag = Tag(0x4201B7); // Deactivation Message
pub const DEACTIVATION_REASON: Tag = Tag(0x4201B8); // Deactivation Reason
pub const DEACTIVATION_REASON_CODE: Tag = Tag(0x4201B9); // Deactivation Reason Code
pub const CERTIFICATE_SUBJECT_DN: Tag = Tag(0x4201BA); // Certificate Subject DN
pub const CERTIFICATE_ISSUER_DN: Tag = Tag(0x4201BB); // Certificate Issuer DN
pub const CERTIFICATE_REQUEST_LINK: Tag = Tag(0x4201BC); // Certificate Request Link
pub const CERTIFY_COUNTER: Tag = Tag(0x4201BD); // Certify Counter
pub const DECRYPT_COUNTER: Tag = Tag(0x4201BE); // Decrypt Counter
pub const ENCRYPT_COUNTER: Tag = Tag(0x4201BF); // Encrypt Counter
pub const SIGN_COUNTER: Tag = Tag(0x4201C0); // Sign Counter
pub const SIGNATURE_VERIFY_COUNTER: Tag = Tag(0x4201C1); // Signature Verify Counter
pub const NIST_SECURITY_CATEGORY: Tag = Tag(0x4201C2); // NIST Security Category

/// (tag value, spec name) for every tag, sorted by value.
pub static SPEC_NAMES: &[(u32, &str)] = &[
    (0x420001, "Activation Date"),
    (0x420002, "Application Data"),
    (0x420003, "Application Namespace"),
    (0x420004, "Application Specific Information"),
    (0x420005, "Archive Date"),
    (0x420006, "Asynchronous Correlation Value"),
    (0x420007, "Asynchronous Indicator"),
    (0x420008, "Attribute"),
    (0x420009, "Attribute Index"),
    (0x42000A, "Attribute Name"),
    (0x42000B, "Attribute Value"),
    (0x42000C, "Authentication"),
    (0x42000D, "Batch Count"),
    (0x42000E, "Batch Error Continuation Option"),
    (0x42000F, "Batch Item"),
    (0x420010, "Batch Order Option"),
    (0x420011, "Block Cipher Mode"),
    (0x420012, "Cancellation Result"),
    (0x420013, "Certificate"),
    (0x420014, "Certificate Identifier"),
    (0x420015, "Certificate Issuer"),
    (0x420016, "Certificate Issuer Alternative Name"),
    (0x420017, "Certificate Issuer Distinguished Name"),
    (0x420018, "Certificate Request"),
    (0x420019, "Certificate Request Type"),
    (0x42001A, "Certificate Subject"),
    (0x42001B, "Certificate Subject Alternative Name"),
    (0x42001C, "Certificate Subject Distinguished Name"),
    (0x42001D, "Certificate Type"),
    (0x42001E, "Certificate Value"),
    (0x42001F, "Common Template-Attribute"),
    (0x420020, "Compromise Date"),
    (0x420021, "Compromise Occurrence Date"),
    (0x420022, "Contact Information"),
    (0x420023, "Credential"),
    (0x420024, "Credential Type"),
    (0x420025, "Credential Value"),
    (0x420026, "Criticality Indicator"),
    (0x420027, "CRT Coefficient"),
    (0x420028, "Cryptographic Algorithm"),
    (0x420029, "Cryptographic Domain Parameters"),
    (0x42002A, "Cryptographic Length"),
    (0x42002B, "Cryptographic Parameters"),
    (0x42002C, "Cryptographic Usage Mask"),
    (0x42002D, "Custom Attribute"),
    (0x42002E, "D"),
    (0x42002F, "Deactivation Date"),
    (0x420030, "Derivation Data"),
    (0x420031, "Derivation Method"),
    (0x420032, "Derivation Parameters"),
    (0x420033, "Destroy Date"),
    (0x420034, "Digest"),
    (0x420035, "Digest Value"),
    (0x420036, "Encryption Key Information"),
    (0x420037, "G"),
    (0x420038, "Hashing Algorithm"),
    (0x420039, "Initial Date"),
    (0x42003A, "Initialization Vector"),
    (0x42003B, "Issuer"),
    (0x42003C, "Iteration Count"),
    (0x42003D, "IV/Counter/Nonce"),
    (0x42003E, "J"),
    (0x42003F, "Key"),
    (0x420040, "Key Block"),
    (0x420041, "Key Compression Type"),
    (0x420042, "Key Format Type"),
    (0x420043, "Key Material"),
    (0x420044, "Key Part Identifier"),
    (0x420045, "Key Value"),
    (0x420046, "Key Wrapping Data"),
    (0x420047, "Key Wrapping Specification"),
    (0x420048, "Last Change Date"),
    (0x420049, "Lease Time"),
    (0x42004A, "Link"),
    (0x42004B, "Link Type"),
    (0x42004C, "Linked Object Identifier"),
    (0x42004D, "MAC/Signature"),
    (0x42004E, "MAC/Signature Key Information"),
    (0x42004F, "Maximum Items"),
    (0x420050, "Maximum Response Size"),
    (0x420051, "Message Extension"),
    (0x420052, "Modulus"),
    (0x420053, "Name"),
    (0x420054, "Name Type"),
    (0x420055, "Name Value"),
    (0x420056, "Object Group"),
    (0x420057, "Object Type"),
    (0x420058, "Offset"),
    (0x420059, "Opaque Data Type"),
    (0x42005A, "Opaque Data Value"),
    (0x42005B, "Opaque Object"),
    (0x42005C, "Operation"),
    (0x42005D, "Operation Policy Name"),
    (0x42005E, "P"),
    (0x42005F, "Padding Method"),
    (0x420060, "Prime Exponent P"),
    (0x420061, "Prime Exponent Q"),
    (0x420062, "Prime Field Size"),
    (0x420063, "Private Exponent"),
    (0x420064, "Private Key"),
    (0x420065, "Private Key Template-Attribute"),
    (0x420066, "Private Key Unique Identifier"),
    (0x420067, "Process Start Date"),
    (0x420068, "Protect Stop Date"),
    (0x420069, "Protocol Version"),
    (0x42006A, "Protocol Version Major"),
    (0x42006B, "Protocol Version Minor"),
    (0x42006C, "Public Exponent"),
    (0x42006D, "Public Key"),
    (0x42006E, "Public Key Template-Attribute"),
    (0x42006F, "Public Key Unique Identifier"),
    (0x420070, "Put Function"),
    (0x420071, "Q"),
    (0x420072, "Q String"),
    (0x420073, "Qlength"),
    (0x420074, "Query Function"),
    (0x420075, "Recommended Curve"),
    (0x420076, "Replaced Unique Identifier"),
    (0x420077, "Request Header"),
    (0x420078, "Request Message"),
    (0x420079, "Request Payload"),
    (0x42007A, "Response Header"),
    (0x42007B, "Response Message"),
    (0x42007C, "Response Payload"),
    (0x42007D, "Result Message"),
    (0x42007E, "Result Reason"),
    (0x42007F, "Result Status"),
    (0x420080, "Revocation Message"),
    (0x420081, "Revocation Reason"),
    (0x420082, "Revocation Reason Code"),
    (0x420083, "Key Role Type"),
    (0x420084, "Salt"),
    (0x420085, "Secret Data"),
    (0x420086, "Secret Data Type"),
    (0x420087, "Serial Number"),
    (0x420088, "Server Information"),
    (0x420089, "Split Key"),
    (0x42008A, "Split Key Method"),
    (0x42008B, "Split Key Parts"),
    (0x42008C, "Split Key Threshold"),
    (0x42008D, "State"),
    (0x42008E, "Storage Status Mask"),
    (0x42008F, "Symmetric Key"),
    (0x420090, "Template"),
    (0x420091, "Template-Attribute"),
    (0x420092, "Time Stamp"),
    (0x420093, "Unique Batch Item ID"),
    (0x420094, "Unique Identifier"),
    (0x420095, "Usage Limits"),
    (0x420096, "Usage Limits Count"),
    (0x420097, "Usage Limits Total"),
    (0x420098, "Usage Limits Unit"),
    (0x420099, "Username"),
    (0x42009A, "Validity Date"),
    (0x42009B, "Validity Indicator"),
    (0x42009C, "Vendor Extension"),
    (0x42009D, "Vendor Identification"),
    (0x42009E, "Wrapping Method"),
    (0x42009F, "X"),
    (0x4200A0, "Y"),
    (0x4200A1, "Password"),
    (0x4200A2, "Device Identifier"),
    (0x4200A3, "Encoding Option"),
    (0x4200A4, "Extension Information"),
    (0x4200A5, "Extension Name"),
    (0x4200A6, "Extension Tag"),
    (0x4200A7, "Extension Type"),
    (0x4200A8, "Fresh"),
    (0x4200A9, "Machine Identifier"),
    (0x4200AA, "Media Identifier"),
    (0x4200AB, "Network Identifier"),
    (0x4200AC, "Object Group Member"),
    (0x4200AD, "Certificate Length"),
    (0x4200AE, "Digital Signature Algorithm"),
    (0x4200AF, "Certificate Serial Number"),
    (0x4200B0, "Device Serial Number"),
    (0x4200B1, "Issuer Alternative Name"),
    (0x4200B2, "Issuer Distinguished Name"),
    (0x4200B3, "Subject Alternative Name"),
    (0x4200B4, "Subject Distinguished Name"),
    (0x4200B5, "X.509 Certificate Identifier"),
    (0x4200B6, "X.509 Certificate Issuer"),
    (0x4200B7, "X.509 Certificate Subject"),
    (0x4200B8, "Key Value Location"),
    (0x4200B9, "Key Value Location Value"),
    (0x4200BA, "Key Value Location Type"),
    (0x4200BB, "Key Value Present"),
    (0x4200BC, "Original Creation Date"),
    (0x4200BD, "PGP Key"),
    (0x4200BE, "PGP Key Version"),
    (0x4200BF, "Alternative Name"),
    (0x4200C0, "Alternative Name Value"),
    (0x4200C1, "Alternative Name Type"),
    (0x4200C2, "Data"),
    (0x4200C3, "Signature Data"),
    (0x4200C4, "Data Length"),
    (0x4200C5, "Random IV"),
    (0x4200C6, "MAC Data"),
    (0x4200C7, "Attestation Type"),
    (0x4200C8, "Nonce"),
    (0x4200C9, "Nonce ID"),
    (0x4200CA, "Nonce Value"),
    (0x4200CB, "Attestation Measurement"),
    (0x4200CC, "Attestation Assertion"),
    (0x4200CD, "IV Length"),
    (0x4200CE, "Tag Length"),
    (0x4200CF, "Fixed Field Length"),
    (0x4200D0, "Counter Length"),
    (0x4200D1, "Initial Counter Value"),
    (0x4200D2, "Invocation Field Length"),
    (0x4200D3, "Attestation Capable Indicator"),
    (0x4200D4, "Offset Items"),
    (0x4200D5, "Located Items"),
    (0x4200D6, "Correlation Value"),
    (0x4200D7, "Init Indicator"),
    (0x4200D8, "Final Indicator"),
    (0x4200D9, "RNG Parameters"),
    (0x4200DA, "RNG Algorithm"),
    (0x4200DB, "DRBG Algorithm"),
    (0x4200DC, "FIPS186 Variation"),
    (0x4200DD, "Prediction Resistance"),
    (0x4200DE, "Random Number Generator"),
    (0x4200DF, "Validation Information"),
    (0x4200E0, "Validation Authority Type"),
    (0x4200E1, "Validation Authority Country"),
    (0x4200E2, "Validation Authority URI"),
    (0x4200E3, "Validation Version Major"),
    (0x4200E4, "Validation Version Minor"),
    (0x4200E5, "Validation Type"),
    (0x4200E6, "Validation Level"),
    (0x4200E7, "Validation Certificate Identifier"),
    (0x4200E8, "Validation Certificate URI"),
    (0x4200E9, "Validation Vendor URI"),
    (0x4200EA, "Validation Profile"),
    (0x4200EB, "Profile Information"),
    (0x4200EC, "Profile Name"),
    (0x4200ED, "Server URI"),
    (0x4200EE, "Server Port"),
    (0x4200EF, "Streaming Capability"),
    (0x4200F0, "Asynchronous Capability"),
    (0x4200F1, "Attestation Capability"),
    (0x4200F2, "Unwrap Mode"),
    (0x4200F3, "Destroy Action"),
    (0x4200F4, "Shredding Algorithm"),
    (0x4200F5, "RNG Mode"),
    (0x4200F6, "Client Registration Method"),
    (0x4200F7, "Capability Information"),
    (0x4200F8, "Key Wrap Type"),
    (0x4200F9, "Batch Undo Capability"),
    (0x4200FA, "Batch Continue Capability"),
    (0x4200FB, "PKCS#12 Friendly Name"),
    (0x4200FC, "Description"),
    (0x4200FD, "Comment"),
    (0x4200FE, "Authenticated Encryption Additional Data"),
    (0x4200FF, "Authenticated Encryption Tag"),
    (0x420100, "Salt Length"),
    (0x420101, "Mask Generator"),
    (0x420102, "Mask Generator Hashing Algorithm"),
    (0x420103, "P Source"),
    (0x420104, "Trailer Field"),
    (0x420105, "Client Correlation Value"),
    (0x420106, "Server Correlation Value"),
    (0x420107, "Digested Data"),
    (0x420108, "Certificate Subject CN"),
    (0x420109, "Certificate Subject O"),
    (0x42010A, "Certificate Subject OU"),
    (0x42010B, "Certificate Subject Email"),
    (0x42010C, "Certificate Subject C"),
    (0x42010D, "Certificate Subject ST"),
    (0x42010E, "Certificate Subject L"),
    (0x42010F, "Certificate Subject UID"),
    (0x420110, "Certificate Subject Serial Number"),
    (0x420111, "Certificate Subject Title"),
    (0x420112, "Certificate Subject DC"),
    (0x420113, "Certificate Subject DN Qualifier"),
    (0x420114, "Certificate Issuer CN"),
    (0x420115, "Certificate Issuer O"),
    (0x420116, "Certificate Issuer OU"),
    (0x420117, "Certificate Issuer Email"),
    (0x420118, "Certificate Issuer C"),
    (0x420119, "Certificate Issuer ST"),
    (0x42011A, "Certificate Issuer L"),
    (0x42011B, "Certificate Issuer UID"),
    (0x42011C, "Certificate Issuer Serial Number"),
    (0x42011D, "Certificate Issuer Title"),
    (0x42011E, "Certificate Issuer DC"),
    (0x42011F, "Certificate Issuer DN Qualifier"),
    (0x420120, "Sensitive"),
    (0x420121, "Always Sensitive"),
    (0x420122, "Extractable"),
    (0x420123, "Never Extractable"),
    (0x420124, "Replace Existing"),
    (0x420125, "Attributes"),
    (0x420126, "Common Attributes"),
    (0x420127, "Private Key Attributes"),
    (0x420128, "Public Key Attributes"),
    (0x420129, "Extension Enumeration"),
    (0x42012A, "Extension Attribute"),
    (0x42012B, "Extension Parent Structure Tag"),
    (0x42012C, "Extension Description"),
    (0x42012D, "Server Name"),
    (0x42012E, "Server Serial Number"),
    (0x42012F, "Server Version"),
    (0x420130, "Server Load"),
    (0x420131, "Product Name"),
    (0x420132, "Build Level"),
    (0x420133, "Build Date"),
    (0x420134, "Cluster Info"),
    (0x420135, "Alternate Failover Endpoints"),
    (0x420136, "Short Unique Identifier"),
    (0x420138, "Tag"),
    (0x420139, "Certificate Request Unique Identifier"),
    (0x42013A, "NIST Key Type"),
    (0x42013B, "Attribute Reference"),
    (0x42013C, "Current Attribute"),
    (0x42013D, "New Attribute"),
    (0x420140, "Certificate Request Value"),
    (0x420141, "Log Message"),
    (0x420142, "Profile Version"),
    (0x420143, "Profile Version Major"),
    (0x420144, "Profile Version Minor"),
    (0x420145, "Protection Level"),
    (0x420146, "Protection Period"),
    (0x420147, "Quantum Safe"),
    (0x420148, "Quantum Safe Capability"),
    (0x420149, "Ticket"),
    (0x42014A, "Ticket Type"),
    (0x42014B, "Ticket Value"),
    (0x42014C, "Request Count"),
    (0x42014D, "Rights"),
    (0x42014E, "Objects"),
    (0x42014F, "Operations"),
    (0x420150, "Right"),
    (0x420151, "Endpoint Role"),
    (0x420152, "Defaults Information"),
    (0x420153, "Object Defaults"),
    (0x420154, "Ephemeral"),
    (0x420155, "Server Hashed Password"),
    (0x420156, "One Time Password"),
    (0x420157, "Hashed Password"),
    (0x420158, "Adjustment Type"),
    (0x420159, "PKCS#11 Interface"),
    (0x42015A, "PKCS#11 Function"),
    (0x42015B, "PKCS#11 Input Parameters"),
    (0x42015C, "PKCS#11 Output Parameters"),
    (0x42015D, "PKCS#11 Return Code"),
    (0x42015E, "Protection Storage Mask"),
    (0x42015F, "Protection Storage Masks"),
    (0x420160, "Interop Function"),
    (0x420161, "Interop Identifier"),
    (0x420162, "Adjustment Value"),
    (0x420163, "Common Protection Storage Masks"),
    (0x420164, "Private Protection Storage Masks"),
    (0x420165, "Public Protection Storage Masks"),
    (0x420166, "Object Groups"),
    (0x420167, "Object Types"),
    (0x420168, "Constraints"),
    (0x420169, "Constraint"),
    (0x42016A, "Rotate Interval"),
    (0x42016B, "Rotate Automatic"),
    (0x42016C, "Rotate Offset"),
    (0x42016D, "Rotate Date"),
    (0x42016E, "Rotate Generation"),
    (0x42016F, "Rotate Name"),
    (0x420170, "Rotate Name Value"),
    (0x420171, "Rotate Name Type"),
    (0x420172, "Rotate Latest"),
    (0x420173, "Asynchronous Request"),
    (0x420174, "Submission Date"),
    (0x420175, "Processing Stage"),
    (0x420176, "Asynchronous Correlation Values"),
    (0x420190, "Certificate Link"),
    (0x420191, "Child Link"),
    (0x420192, "Derivation Object Link"),
    (0x420193, "Derived Object Link"),
    (0x420194, "Next Link"),
    (0x420195, "Parent Link"),
    (0x420196, "PKCS#12 Certificate Link"),
    (0x420197, "PKCS#12 Password Link"),
    (0x420198, "Previous Link"),
    (0x420199, "Private Key Link"),
    (0x42019A, "Public Key Link"),
    (0x42019B, "Replaced Object Link"),
    (0x42019C, "Replacement Object Link"),
    (0x42019D, "Wrapping Key Link"),
    (0x42019E, "Object Class"),
    (0x42019F, "Object Class Mask"),
    (0x4201A0, "Credential Link"),
    (0x4201A1, "Password Credential"),
    (0x4201A2, "Password Salt"),
    (0x4201A3, "Password Salt Algorithm"),
    (0x4201A4, "Salted Password"),
    (0x4201A5, "Password Link"),
    (0x4201A6, "Device Credential"),
    (0x4201A7, "OTP Credential"),
    (0x4201AF, "Hashed Password Credential"),
    (0x4201B0, "Hashed Username Password"),
    (0x4201B1, "Hashed Password Username"),
    (0x4201B2, "Credential Information"),
    (0x4201B3, "Group Link"),
    (0x4201B4, "Split Key Base Link"),
    (0x4201B5, "Joined Split Key Parts Link"),
    (0x4201B6, "Split Key Polynomial"),
    (0x4201B7, "Deactivation Message"),
    (0x4201B8, "Deactivation Reason"),
    (0x4201B9, "Deactivation Reason Code"),
    (0x4201BA, "Certificate Subject DN"),
    (0x4201BB, "Certificate Issuer DN"),
    (0x4201BC, "Certificate Request Link"),
    (0x4201BD, "Certify Counter"),
    (0x4201BE, "Decrypt Counter"),
    (0x4201BF, "Encrypt Counter"),
    (0x4201C0, "Sign Counter"),
    (0x4201C1, "Signature Verify Counter"),
    (0x4201C2, "NIST Security Category"),
];
