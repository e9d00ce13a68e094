//! The KMIP tags and enumeration codes the comparator reasons about.
//!
//! The comparator must not depend on the completeness of the generated
//! dictionary in `kmip_ttlv::dict`: the values below are fixed by the KMIP
//! specifications (KMIP 1.4 §9.1.3.1 / KMIP 2.1 §11.x "Tag" tables, and the
//! Operation / Padding Method / Digital Signature Algorithm / Cryptographic
//! Algorithm enumerations). Each constant is the tag value; [`name`] gives the
//! KMIP XML name (dictionary first, then this table) so paths read the same
//! whether or not the dictionary knows a tag.

use kmip_ttlv::Tag;

macro_rules! tags {
    ($($konst:ident = $value:literal, $name:literal;)*) => {
        $(
            #[doc = concat!("`", $name, "` (", stringify!($value), ")")]
            pub const $konst: Tag = Tag($value);
        )*
        /// Every tag of this module with its XML name, for name lookups.
        pub(crate) static KNOWN: &[(Tag, &str)] = &[$((Tag($value), $name),)*];
    };
}

tags! {
    ACTIVATION_DATE = 0x420001, "ActivationDate";
    APPLICATION_NAMESPACE = 0x420003, "ApplicationNamespace";
    ARCHIVE_DATE = 0x420005, "ArchiveDate";
    ATTRIBUTE = 0x420008, "Attribute";
    ATTRIBUTE_INDEX = 0x420009, "AttributeIndex";
    ATTRIBUTE_NAME = 0x42000A, "AttributeName";
    ATTRIBUTE_VALUE = 0x42000B, "AttributeValue";
    BATCH_COUNT = 0x42000D, "BatchCount";
    BATCH_ITEM = 0x42000F, "BatchItem";
    BLOCK_CIPHER_MODE = 0x420011, "BlockCipherMode";
    CERTIFICATE_VALUE = 0x42001E, "CertificateValue";
    COMMON_TEMPLATE_ATTRIBUTE = 0x42001F, "CommonTemplateAttribute";
    COMPROMISE_DATE = 0x420020, "CompromiseDate";
    COMPROMISE_OCCURRENCE_DATE = 0x420021, "CompromiseOccurrenceDate";
    CRYPTOGRAPHIC_ALGORITHM = 0x420028, "CryptographicAlgorithm";
    CRYPTOGRAPHIC_LENGTH = 0x42002A, "CryptographicLength";
    CRYPTOGRAPHIC_PARAMETERS = 0x42002B, "CryptographicParameters";
    CRYPTOGRAPHIC_USAGE_MASK = 0x42002C, "CryptographicUsageMask";
    DEACTIVATION_DATE = 0x42002F, "DeactivationDate";
    DESTROY_DATE = 0x420033, "DestroyDate";
    DIGEST = 0x420034, "Digest";
    DIGEST_VALUE = 0x420035, "DigestValue";
    ENCRYPTION_KEY_INFORMATION = 0x420036, "EncryptionKeyInformation";
    HASHING_ALGORITHM = 0x420038, "HashingAlgorithm";
    INITIAL_DATE = 0x420039, "InitialDate";
    IV_COUNTER_NONCE = 0x42003D, "IVCounterNonce";
    KEY_BLOCK = 0x420040, "KeyBlock";
    KEY_FORMAT_TYPE = 0x420042, "KeyFormatType";
    KEY_MATERIAL = 0x420043, "KeyMaterial";
    KEY_VALUE = 0x420045, "KeyValue";
    KEY_WRAPPING_DATA = 0x420046, "KeyWrappingData";
    LAST_CHANGE_DATE = 0x420048, "LastChangeDate";
    LEASE_TIME = 0x420049, "LeaseTime";
    LINK = 0x42004A, "Link";
    LINKED_OBJECT_IDENTIFIER = 0x42004C, "LinkedObjectIdentifier";
    MAXIMUM_ITEMS = 0x42004F, "MaximumItems";
    MAC_SIGNATURE_KEY_INFORMATION = 0x42004E, "MACSignatureKeyInformation";
    NAME = 0x420053, "Name";
    NAME_TYPE = 0x420054, "NameType";
    NAME_VALUE = 0x420055, "NameValue";
    OBJECT_GROUP = 0x420056, "ObjectGroup";
    OBJECT_TYPE = 0x420057, "ObjectType";
    OPERATION = 0x42005C, "Operation";
    PADDING_METHOD = 0x42005F, "PaddingMethod";
    PRIVATE_KEY_TEMPLATE_ATTRIBUTE = 0x420065, "PrivateKeyTemplateAttribute";
    PRIVATE_KEY_UNIQUE_IDENTIFIER = 0x420066, "PrivateKeyUniqueIdentifier";
    PROCESS_START_DATE = 0x420067, "ProcessStartDate";
    PROTECT_STOP_DATE = 0x420068, "ProtectStopDate";
    PROTOCOL_VERSION = 0x420069, "ProtocolVersion";
    PROTOCOL_VERSION_MAJOR = 0x42006A, "ProtocolVersionMajor";
    PROTOCOL_VERSION_MINOR = 0x42006B, "ProtocolVersionMinor";
    PUBLIC_KEY_TEMPLATE_ATTRIBUTE = 0x42006E, "PublicKeyTemplateAttribute";
    PUBLIC_KEY_UNIQUE_IDENTIFIER = 0x42006F, "PublicKeyUniqueIdentifier";
    QUERY_FUNCTION = 0x420074, "QueryFunction";
    REQUEST_HEADER = 0x420077, "RequestHeader";
    REQUEST_MESSAGE = 0x420078, "RequestMessage";
    REQUEST_PAYLOAD = 0x420079, "RequestPayload";
    RESPONSE_HEADER = 0x42007A, "ResponseHeader";
    RESPONSE_MESSAGE = 0x42007B, "ResponseMessage";
    RESPONSE_PAYLOAD = 0x42007C, "ResponsePayload";
    RESULT_MESSAGE = 0x42007D, "ResultMessage";
    RESULT_REASON = 0x42007E, "ResultReason";
    RESULT_STATUS = 0x42007F, "ResultStatus";
    SERVER_INFORMATION = 0x420088, "ServerInformation";
    STATE = 0x42008D, "State";
    TEMPLATE_ATTRIBUTE = 0x420091, "TemplateAttribute";
    TIME_STAMP = 0x420092, "TimeStamp";
    UNIQUE_BATCH_ITEM_ID = 0x420093, "UniqueBatchItemID";
    UNIQUE_IDENTIFIER = 0x420094, "UniqueIdentifier";
    VENDOR_IDENTIFICATION = 0x42009D, "VendorIdentification";
    EXTENSION_INFORMATION = 0x4200A4, "ExtensionInformation";
    FRESH = 0x4200A8, "Fresh";
    DIGITAL_SIGNATURE_ALGORITHM = 0x4200AE, "DigitalSignatureAlgorithm";
    ORIGINAL_CREATION_DATE = 0x4200BC, "OriginalCreationDate";
    DATA = 0x4200C2, "Data";
    SIGNATURE_DATA = 0x4200C3, "SignatureData";
    DATA_LENGTH = 0x4200C4, "DataLength";
    MAC_DATA = 0x4200C6, "MACData";
    OFFSET_ITEMS = 0x4200D4, "OffsetItems";
    LOCATED_ITEMS = 0x4200D5, "LocatedItems";
    CORRELATION_VALUE = 0x4200D6, "CorrelationValue";
    RANDOM_NUMBER_GENERATOR = 0x4200DE, "RandomNumberGenerator";
    AUTHENTICATED_ENCRYPTION_TAG = 0x4200FF, "AuthenticatedEncryptionTag";
    CLIENT_CORRELATION_VALUE = 0x420105, "ClientCorrelationValue";
    SERVER_CORRELATION_VALUE = 0x420106, "ServerCorrelationValue";
    ATTRIBUTES = 0x420125, "Attributes";
    COMMON_ATTRIBUTES = 0x420126, "CommonAttributes";
    PRIVATE_KEY_ATTRIBUTES = 0x420127, "PrivateKeyAttributes";
    PUBLIC_KEY_ATTRIBUTES = 0x420128, "PublicKeyAttributes";
    SHORT_UNIQUE_IDENTIFIER = 0x420136, "ShortUniqueIdentifier";
    ATTRIBUTE_REFERENCE = 0x42013B, "AttributeReference";
    CURRENT_ATTRIBUTE = 0x42013C, "CurrentAttribute";
    NEW_ATTRIBUTE = 0x42013D, "NewAttribute";
    TICKET = 0x420149, "Ticket";
    PROTECTION_STORAGE_MASK = 0x42015E, "ProtectionStorageMask";
    PROTECTION_STORAGE_MASKS = 0x42015F, "ProtectionStorageMasks";
    // KMIP 2.x attribute tags that name DateTime attributes of §4.1.1 item 9
    // or are otherwise referred to by rules.
    VALIDITY_DATE = 0x42009A, "ValidityDate";
    // KMIP 3.0 (kmip-3.0-delta.md) DateTime attributes of PROF30 item 9 are
    // matched by name only (their tag values are not in the shared specs).
}

/// The XML name of a tag: the dictionary's, else this module's table, else
/// `0x42XXXX`.
pub fn name(tag: Tag) -> String {
    if let Some(n) = tag.name() {
        return n.to_string();
    }
    match KNOWN.iter().find(|(t, _)| *t == tag) {
        Some((_, n)) => (*n).to_string(),
        None => format!("0x{:06X}", tag.0),
    }
}

/// The tag for an XML name (this table, then the dictionary).
pub fn by_name(name: &str) -> Option<Tag> {
    KNOWN
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(t, _)| *t)
        .or_else(|| Tag::by_name(name))
}

/// Normalise a KMIP 1.x attribute name (`"Cryptographic   Usage Mask"`) to
/// the XML tag-name form (`"CryptographicUsageMask"`): whitespace removed.
/// Custom attributes (`x-…`, `y-…`) and unknown names are returned with only
/// whitespace runs collapsed.
pub fn attribute_key_name(attribute_name: &str) -> String {
    let collapsed: String = attribute_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let squeezed: String = collapsed.chars().filter(|c| !c.is_whitespace()).collect();
    if by_name(&squeezed).is_some() || kmip_ttlv::dict::attribute_tag(&collapsed).is_some() {
        squeezed
    } else {
        collapsed
    }
}

/// Operation enumeration codes (KMIP 2.1 §11.36, Table 470).
pub mod op {
    /// Create
    pub const CREATE: u32 = 0x01;
    /// Create Key Pair
    pub const CREATE_KEY_PAIR: u32 = 0x02;
    /// Register
    pub const REGISTER: u32 = 0x03;
    /// Re-key
    pub const REKEY: u32 = 0x04;
    /// Derive Key
    pub const DERIVE_KEY: u32 = 0x05;
    /// Certify
    pub const CERTIFY: u32 = 0x06;
    /// Re-certify
    pub const RECERTIFY: u32 = 0x07;
    /// Locate
    pub const LOCATE: u32 = 0x08;
    /// Get
    pub const GET: u32 = 0x0A;
    /// Get Attributes
    pub const GET_ATTRIBUTES: u32 = 0x0B;
    /// Get Attribute List
    pub const GET_ATTRIBUTE_LIST: u32 = 0x0C;
    /// Add Attribute
    pub const ADD_ATTRIBUTE: u32 = 0x0D;
    /// Modify Attribute
    pub const MODIFY_ATTRIBUTE: u32 = 0x0E;
    /// Revoke
    pub const REVOKE: u32 = 0x13;
    /// Query
    pub const QUERY: u32 = 0x18;
    /// Re-key Key Pair
    pub const REKEY_KEY_PAIR: u32 = 0x1D;
    /// Discover Versions
    pub const DISCOVER_VERSIONS: u32 = 0x1E;
    /// Encrypt
    pub const ENCRYPT: u32 = 0x1F;
    /// Decrypt
    pub const DECRYPT: u32 = 0x20;
    /// Sign
    pub const SIGN: u32 = 0x21;
    /// MAC
    pub const MAC: u32 = 0x23;
    /// RNG Retrieve
    pub const RNG_RETRIEVE: u32 = 0x25;
    /// Create Split Key
    pub const CREATE_SPLIT_KEY: u32 = 0x28;
    /// Import
    pub const IMPORT: u32 = 0x2A;
    /// Export
    pub const EXPORT: u32 = 0x2B;
    /// Set Attribute
    pub const SET_ATTRIBUTE: u32 = 0x31;

    /// Name of an operation code for rule descriptions and notes.
    pub fn name(code: u32) -> &'static str {
        match code {
            CREATE => "Create",
            CREATE_KEY_PAIR => "CreateKeyPair",
            REGISTER => "Register",
            REKEY => "ReKey",
            DERIVE_KEY => "DeriveKey",
            CERTIFY => "Certify",
            RECERTIFY => "ReCertify",
            LOCATE => "Locate",
            GET => "Get",
            GET_ATTRIBUTES => "GetAttributes",
            GET_ATTRIBUTE_LIST => "GetAttributeList",
            ADD_ATTRIBUTE => "AddAttribute",
            MODIFY_ATTRIBUTE => "ModifyAttribute",
            REVOKE => "Revoke",
            QUERY => "Query",
            REKEY_KEY_PAIR => "ReKeyKeyPair",
            DISCOVER_VERSIONS => "DiscoverVersions",
            ENCRYPT => "Encrypt",
            DECRYPT => "Decrypt",
            SIGN => "Sign",
            MAC => "MAC",
            RNG_RETRIEVE => "RNGRetrieve",
            CREATE_SPLIT_KEY => "CreateSplitKey",
            IMPORT => "Import",
            EXPORT => "Export",
            SET_ATTRIBUTE => "SetAttribute",
            _ => "other",
        }
    }
}

/// Padding Method codes (KMIP 2.1 §11.37, Table 471).
pub mod padding {
    /// OAEP
    pub const OAEP: u32 = 0x02;
    /// PKCS1 v1.5
    pub const PKCS1_V1_5: u32 = 0x08;
    /// PSS
    pub const PSS: u32 = 0x0A;
}

/// Cryptographic Algorithm codes (KMIP 2.1 §11.12, Table 443).
pub mod alg {
    /// RSA
    pub const RSA: u32 = 0x04;
    /// DSA
    pub const DSA: u32 = 0x05;
    /// ECDSA
    pub const ECDSA: u32 = 0x06;
    /// DH
    pub const DH: u32 = 0x0D;
    /// ECDH
    pub const ECDH: u32 = 0x0E;
    /// ECMQV
    pub const ECMQV: u32 = 0x0F;
    /// EC
    pub const EC: u32 = 0x1A;
}

/// Object Type codes (KMIP 2.1 §11.35).
pub mod object_type {
    /// Certificate
    pub const CERTIFICATE: u32 = 0x01;
    /// Symmetric Key
    pub const SYMMETRIC_KEY: u32 = 0x02;
    /// Public Key
    pub const PUBLIC_KEY: u32 = 0x03;
    /// Private Key
    pub const PRIVATE_KEY: u32 = 0x04;
    /// Split Key
    pub const SPLIT_KEY: u32 = 0x05;
    /// Secret Data
    pub const SECRET_DATA: u32 = 0x07;
    /// Opaque Object
    pub const OPAQUE_OBJECT: u32 = 0x08;
    /// PGP Key
    pub const PGP_KEY: u32 = 0x09;
}

/// Key Format Type codes (KMIP 2.1 §11.25, Table 460).
pub mod key_format {
    /// Raw
    pub const RAW: u32 = 0x01;
    /// Opaque
    pub const OPAQUE: u32 = 0x02;
    /// PKCS#1
    pub const PKCS1: u32 = 0x03;
    /// PKCS#8
    pub const PKCS8: u32 = 0x04;
    /// X.509
    pub const X509: u32 = 0x05;
    /// ECPrivateKey
    pub const EC_PRIVATE_KEY: u32 = 0x06;
    /// Transparent Symmetric Key
    pub const TRANSPARENT_SYMMETRIC: u32 = 0x07;
    /// Transparent DSA Private Key
    pub const TRANSPARENT_DSA_PRIVATE: u32 = 0x08;
    /// Transparent DSA Public Key
    pub const TRANSPARENT_DSA_PUBLIC: u32 = 0x09;
    /// Transparent RSA Private Key
    pub const TRANSPARENT_RSA_PRIVATE: u32 = 0x0A;
    /// Transparent RSA Public Key
    pub const TRANSPARENT_RSA_PUBLIC: u32 = 0x0B;
    /// Transparent DH Private Key
    pub const TRANSPARENT_DH_PRIVATE: u32 = 0x0C;
    /// Transparent DH Public Key
    pub const TRANSPARENT_DH_PUBLIC: u32 = 0x0D;
    /// Transparent ECDSA Private Key (KMIP 1.x)
    pub const TRANSPARENT_ECDSA_PRIVATE: u32 = 0x0E;
    /// Transparent ECDSA Public Key (KMIP 1.x)
    pub const TRANSPARENT_ECDSA_PUBLIC: u32 = 0x0F;
    /// Transparent ECDH Private Key (KMIP 1.x)
    pub const TRANSPARENT_ECDH_PRIVATE: u32 = 0x10;
    /// Transparent ECDH Public Key (KMIP 1.x)
    pub const TRANSPARENT_ECDH_PUBLIC: u32 = 0x11;
    /// Transparent ECMQV Private Key (KMIP 1.x)
    pub const TRANSPARENT_ECMQV_PRIVATE: u32 = 0x12;
    /// Transparent ECMQV Public Key (KMIP 1.x)
    pub const TRANSPARENT_ECMQV_PUBLIC: u32 = 0x13;
    /// Transparent EC Private Key
    pub const TRANSPARENT_EC_PRIVATE: u32 = 0x14;
    /// Transparent EC Public Key
    pub const TRANSPARENT_EC_PUBLIC: u32 = 0x15;
}

/// Hashing Algorithm codes (KMIP 2.1 §11.21).
pub mod hash {
    /// MD5
    pub const MD5: u32 = 0x03;
    /// SHA-1
    pub const SHA_1: u32 = 0x04;
    /// SHA-224
    pub const SHA_224: u32 = 0x05;
    /// SHA-256
    pub const SHA_256: u32 = 0x06;
    /// SHA-384
    pub const SHA_384: u32 = 0x07;
    /// SHA-512
    pub const SHA_512: u32 = 0x08;
}

/// Name Type codes (KMIP 2.1 §11.34).
pub mod name_type {
    /// Uninterpreted Text String
    pub const UNINTERPRETED_TEXT_STRING: u32 = 0x01;
    /// URI
    pub const URI: u32 = 0x02;
}

/// Result Reason codes (KMIP 2.1 §11.47) the run-level checks read.
pub mod reason {
    /// Operation Not Supported
    pub const OPERATION_NOT_SUPPORTED: u32 = 0x05;
}

/// Digital Signature Algorithm codes (KMIP 2.1 §11.16, Table 447) whose
/// output is randomized: RSASSA-PSS (0x08), DSA with SHA-1/224/256
/// (0x09–0x0B), ECDSA with SHA-1/224/256/384/512 (0x0C–0x10).
pub fn randomized_signature_algorithm(code: u32) -> bool {
    (0x08..=0x10).contains(&code)
}

/// Result Status codes (KMIP 2.1 §11.48).
pub mod status {
    /// Success
    pub const SUCCESS: u32 = 0x00;
    /// Operation Failed
    pub const OPERATION_FAILED: u32 = 0x01;
}
