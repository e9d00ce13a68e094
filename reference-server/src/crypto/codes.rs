//! The KMIP tag values and enumeration codes the crypto engine reads and
//! writes, as constants (KMIP 1.4 §9.1.3, KMIP 2.1 §11, KMIP 3.0 delta).
//!
//! The values are fixed by the specs; `reference-server/tests/crypto_engine.rs`
//! checks every one of them against the `kmip_ttlv` dictionary by name, so a
//! typo here fails a test. Result Reasons are typed: see
//! [`super::error::ResultReason`].

use kmip_ttlv::Tag;

/// Tag values (`tags::DATA` = Data, 0x4200C2).
#[allow(missing_docs)]
pub mod tags {
    use super::Tag;

    pub const ACTIVATION_DATE: Tag = Tag(0x420001);
    pub const ATTRIBUTE: Tag = Tag(0x420008);
    pub const ATTRIBUTE_NAME: Tag = Tag(0x42000A);
    pub const ATTRIBUTE_VALUE: Tag = Tag(0x42000B);
    pub const ATTRIBUTES: Tag = Tag(0x420125);
    pub const AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA: Tag = Tag(0x4200FE);
    pub const AUTHENTICATED_ENCRYPTION_TAG: Tag = Tag(0x4200FF);
    pub const BLOCK_CIPHER_MODE: Tag = Tag(0x420011);
    pub const CORRELATION_VALUE: Tag = Tag(0x4200D6);
    pub const COUNTER_LENGTH: Tag = Tag(0x4200D0);
    pub const CRT_COEFFICIENT: Tag = Tag(0x420027);
    pub const CRYPTOGRAPHIC_ALGORITHM: Tag = Tag(0x420028);
    pub const CRYPTOGRAPHIC_LENGTH: Tag = Tag(0x42002A);
    pub const CRYPTOGRAPHIC_PARAMETERS: Tag = Tag(0x42002B);
    pub const CRYPTOGRAPHIC_USAGE_MASK: Tag = Tag(0x42002C);
    pub const D: Tag = Tag(0x42002E);
    pub const DATA: Tag = Tag(0x4200C2);
    pub const DATA_LENGTH: Tag = Tag(0x4200C4);
    pub const DEACTIVATION_DATE: Tag = Tag(0x42002F);
    pub const DIGESTED_DATA: Tag = Tag(0x420107);
    pub const DIGITAL_SIGNATURE_ALGORITHM: Tag = Tag(0x4200AE);
    pub const ENCODING_OPTION: Tag = Tag(0x4200A3);
    pub const ENCRYPTION_KEY_INFORMATION: Tag = Tag(0x420036);
    pub const FINAL_INDICATOR: Tag = Tag(0x4200D8);
    pub const FIXED_FIELD_LENGTH: Tag = Tag(0x4200CF);
    pub const G: Tag = Tag(0x420037);
    pub const HASHING_ALGORITHM: Tag = Tag(0x420038);
    pub const INIT_INDICATOR: Tag = Tag(0x4200D7);
    pub const INITIAL_COUNTER_VALUE: Tag = Tag(0x4200D1);
    pub const INVOCATION_FIELD_LENGTH: Tag = Tag(0x4200D2);
    pub const IV_COUNTER_NONCE: Tag = Tag(0x42003D);
    pub const IV_LENGTH: Tag = Tag(0x4200CD);
    pub const KEY: Tag = Tag(0x42003F);
    pub const KEY_BLOCK: Tag = Tag(0x420040);
    pub const KEY_COMPRESSION_TYPE: Tag = Tag(0x420041);
    pub const KEY_FORMAT_TYPE: Tag = Tag(0x420042);
    pub const KEY_MATERIAL: Tag = Tag(0x420043);
    pub const KEY_ROLE_TYPE: Tag = Tag(0x420083);
    pub const KEY_VALUE: Tag = Tag(0x420045);
    pub const KEY_WRAPPING_DATA: Tag = Tag(0x420046);
    pub const KEY_WRAPPING_SPECIFICATION: Tag = Tag(0x420047);
    pub const MAC_DATA: Tag = Tag(0x4200C6);
    pub const MAC_SIGNATURE_KEY_INFORMATION: Tag = Tag(0x42004E);
    pub const MASK_GENERATOR: Tag = Tag(0x420101);
    pub const MASK_GENERATOR_HASHING_ALGORITHM: Tag = Tag(0x420102);
    pub const MODULUS: Tag = Tag(0x420052);
    pub const OBJECT_TYPE: Tag = Tag(0x420057);
    pub const P: Tag = Tag(0x42005E);
    pub const PADDING_METHOD: Tag = Tag(0x42005F);
    pub const PRIME_EXPONENT_P: Tag = Tag(0x420060);
    pub const PRIME_EXPONENT_Q: Tag = Tag(0x420061);
    pub const PRIVATE_EXPONENT: Tag = Tag(0x420063);
    pub const PROCESS_START_DATE: Tag = Tag(0x420067);
    pub const PROTECT_STOP_DATE: Tag = Tag(0x420068);
    pub const PUBLIC_EXPONENT: Tag = Tag(0x42006C);
    pub const P_SOURCE: Tag = Tag(0x420103);
    pub const Q: Tag = Tag(0x420071);
    pub const Q_STRING: Tag = Tag(0x420072);
    pub const RANDOM_IV: Tag = Tag(0x4200C5);
    pub const REQUEST_PAYLOAD: Tag = Tag(0x420079);
    pub const RESPONSE_PAYLOAD: Tag = Tag(0x42007C);
    pub const RECOMMENDED_CURVE: Tag = Tag(0x420075);
    pub const SALT_LENGTH: Tag = Tag(0x420100);
    pub const SIGNATURE_DATA: Tag = Tag(0x4200C3);
    pub const STATE: Tag = Tag(0x42008D);
    pub const TAG_LENGTH: Tag = Tag(0x4200CE);
    pub const TEMPLATE_ATTRIBUTE: Tag = Tag(0x420091);
    pub const TRAILER_FIELD: Tag = Tag(0x420104);
    pub const UNIQUE_IDENTIFIER: Tag = Tag(0x420094);
    pub const USAGE_LIMITS: Tag = Tag(0x420095);
    pub const USAGE_LIMITS_COUNT: Tag = Tag(0x420096);
    pub const USAGE_LIMITS_TOTAL: Tag = Tag(0x420097);
    pub const USAGE_LIMITS_UNIT: Tag = Tag(0x420098);
    pub const VALIDITY_INDICATOR: Tag = Tag(0x42009B);
    pub const WRAPPING_METHOD: Tag = Tag(0x42009E);
    pub const X: Tag = Tag(0x42009F);
    pub const Y: Tag = Tag(0x4200A0);

    /// Every constant above with its dictionary name (for the cross-check test).
    pub const ALL: &[(&str, Tag)] = &[
        ("ActivationDate", ACTIVATION_DATE),
        ("Attribute", ATTRIBUTE),
        ("AttributeName", ATTRIBUTE_NAME),
        ("AttributeValue", ATTRIBUTE_VALUE),
        ("Attributes", ATTRIBUTES),
        (
            "AuthenticatedEncryptionAdditionalData",
            AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA,
        ),
        ("AuthenticatedEncryptionTag", AUTHENTICATED_ENCRYPTION_TAG),
        ("BlockCipherMode", BLOCK_CIPHER_MODE),
        ("CorrelationValue", CORRELATION_VALUE),
        ("CounterLength", COUNTER_LENGTH),
        ("CRTCoefficient", CRT_COEFFICIENT),
        ("CryptographicAlgorithm", CRYPTOGRAPHIC_ALGORITHM),
        ("CryptographicLength", CRYPTOGRAPHIC_LENGTH),
        ("CryptographicParameters", CRYPTOGRAPHIC_PARAMETERS),
        ("CryptographicUsageMask", CRYPTOGRAPHIC_USAGE_MASK),
        ("D", D),
        ("Data", DATA),
        ("DataLength", DATA_LENGTH),
        ("DeactivationDate", DEACTIVATION_DATE),
        ("DigestedData", DIGESTED_DATA),
        ("DigitalSignatureAlgorithm", DIGITAL_SIGNATURE_ALGORITHM),
        ("EncodingOption", ENCODING_OPTION),
        ("EncryptionKeyInformation", ENCRYPTION_KEY_INFORMATION),
        ("FinalIndicator", FINAL_INDICATOR),
        ("FixedFieldLength", FIXED_FIELD_LENGTH),
        ("G", G),
        ("HashingAlgorithm", HASHING_ALGORITHM),
        ("InitIndicator", INIT_INDICATOR),
        ("InitialCounterValue", INITIAL_COUNTER_VALUE),
        ("InvocationFieldLength", INVOCATION_FIELD_LENGTH),
        ("IVCounterNonce", IV_COUNTER_NONCE),
        ("IVLength", IV_LENGTH),
        ("Key", KEY),
        ("KeyBlock", KEY_BLOCK),
        ("KeyCompressionType", KEY_COMPRESSION_TYPE),
        ("KeyFormatType", KEY_FORMAT_TYPE),
        ("KeyMaterial", KEY_MATERIAL),
        ("KeyRoleType", KEY_ROLE_TYPE),
        ("KeyValue", KEY_VALUE),
        ("KeyWrappingData", KEY_WRAPPING_DATA),
        ("KeyWrappingSpecification", KEY_WRAPPING_SPECIFICATION),
        ("MACData", MAC_DATA),
        ("MACSignatureKeyInformation", MAC_SIGNATURE_KEY_INFORMATION),
        ("MaskGenerator", MASK_GENERATOR),
        (
            "MaskGeneratorHashingAlgorithm",
            MASK_GENERATOR_HASHING_ALGORITHM,
        ),
        ("Modulus", MODULUS),
        ("ObjectType", OBJECT_TYPE),
        ("P", P),
        ("PaddingMethod", PADDING_METHOD),
        ("PrimeExponentP", PRIME_EXPONENT_P),
        ("PrimeExponentQ", PRIME_EXPONENT_Q),
        ("PrivateExponent", PRIVATE_EXPONENT),
        ("ProcessStartDate", PROCESS_START_DATE),
        ("ProtectStopDate", PROTECT_STOP_DATE),
        ("PublicExponent", PUBLIC_EXPONENT),
        ("PSource", P_SOURCE),
        ("Q", Q),
        ("QString", Q_STRING),
        ("RandomIV", RANDOM_IV),
        ("RequestPayload", REQUEST_PAYLOAD),
        ("ResponsePayload", RESPONSE_PAYLOAD),
        ("RecommendedCurve", RECOMMENDED_CURVE),
        ("SaltLength", SALT_LENGTH),
        ("SignatureData", SIGNATURE_DATA),
        ("State", STATE),
        ("TagLength", TAG_LENGTH),
        ("TemplateAttribute", TEMPLATE_ATTRIBUTE),
        ("TrailerField", TRAILER_FIELD),
        ("UniqueIdentifier", UNIQUE_IDENTIFIER),
        ("UsageLimits", USAGE_LIMITS),
        ("UsageLimitsCount", USAGE_LIMITS_COUNT),
        ("UsageLimitsTotal", USAGE_LIMITS_TOTAL),
        ("UsageLimitsUnit", USAGE_LIMITS_UNIT),
        ("ValidityIndicator", VALIDITY_INDICATOR),
        ("WrappingMethod", WRAPPING_METHOD),
        ("X", X),
        ("Y", Y),
    ];
}

/// Object Type codes.
#[allow(missing_docs)]
pub mod object_type {
    pub const CERTIFICATE: u32 = 0x01;
    pub const SYMMETRIC_KEY: u32 = 0x02;
    pub const PUBLIC_KEY: u32 = 0x03;
    pub const PRIVATE_KEY: u32 = 0x04;
    pub const SECRET_DATA: u32 = 0x07;
}

/// State codes.
#[allow(missing_docs)]
pub mod state {
    pub const PRE_ACTIVE: u32 = 0x01;
    pub const ACTIVE: u32 = 0x02;
    pub const DEACTIVATED: u32 = 0x03;
    pub const COMPROMISED: u32 = 0x04;
    pub const DESTROYED: u32 = 0x05;
    pub const DESTROYED_COMPROMISED: u32 = 0x06;
}

/// Cryptographic Usage Mask bits.
#[allow(missing_docs)]
pub mod usage {
    pub const SIGN: u32 = 0x0000_0001;
    pub const VERIFY: u32 = 0x0000_0002;
    pub const ENCRYPT: u32 = 0x0000_0004;
    pub const DECRYPT: u32 = 0x0000_0008;
    pub const WRAP_KEY: u32 = 0x0000_0010;
    pub const UNWRAP_KEY: u32 = 0x0000_0020;
    pub const MAC_GENERATE: u32 = 0x0000_0080;
    pub const MAC_VERIFY: u32 = 0x0000_0100;
}

/// Validity Indicator codes.
#[allow(missing_docs)]
pub mod validity {
    pub const VALID: u32 = 0x01;
    pub const INVALID: u32 = 0x02;
}

/// Wrapping Method codes.
#[allow(missing_docs)]
pub mod wrapping_method {
    pub const ENCRYPT: u32 = 0x01;
}

/// Encoding Option codes.
#[allow(missing_docs)]
pub mod encoding_option {
    pub const NO_ENCODING: u32 = 0x01;
    pub const TTLV_ENCODING: u32 = 0x02;
}

/// Usage Limits Unit codes.
#[allow(missing_docs)]
pub mod usage_limits_unit {
    pub const BYTE: u32 = 0x01;
    pub const OBJECT: u32 = 0x02;
}
