//! Typed parameters of the pure engine: algorithms, modes, paddings, hashes,
//! curves, key formats ([`CipherParams`] gathers them for one call).
//!
//! Every enum converts from and to its KMIP enumeration code
//! (`from_code` / `code`); a code the engine does not implement is kept as
//! `Other(code)` so an error can name it instead of silently mapping it.

/// Declares an enum over KMIP enumeration codes with an `Other(u32)` arm.
macro_rules! kmip_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $code:expr, $label:expr;)* }) => {
        $(#[$m])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vm])* $var,)*
            /// A code the engine does not implement.
            Other(u32),
        }

        impl $name {
            /// The variant for a KMIP enumeration code.
            pub fn from_code(code: u32) -> $name {
                match code {
                    $($code => $name::$var,)*
                    other => $name::Other(other),
                }
            }

            /// The KMIP enumeration code.
            pub fn code(self) -> u32 {
                match self {
                    $($name::$var => $code,)*
                    $name::Other(c) => c,
                }
            }

            /// The KMIP name (`Other(n)` renders as `0x…`).
            pub fn label(self) -> String {
                match self {
                    $($name::$var => $label.to_string(),)*
                    $name::Other(c) => format!("0x{c:08X}"),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.label())
            }
        }
    };
}

kmip_enum!(
    /// Cryptographic Algorithm (KMIP 2.1 §11.10).
    Algorithm {
        /// DES (single).
        Des = 0x01, "DES";
        /// Triple DES (EDE, two or three keys).
        TripleDes = 0x02, "DES3";
        /// AES.
        Aes = 0x03, "AES";
        /// RSA.
        Rsa = 0x04, "RSA";
        /// DSA.
        Dsa = 0x05, "DSA";
        /// ECDSA.
        Ecdsa = 0x06, "ECDSA";
        /// HMAC-SHA1.
        HmacSha1 = 0x07, "HMAC_SHA1";
        /// HMAC-SHA224.
        HmacSha224 = 0x08, "HMAC_SHA224";
        /// HMAC-SHA256.
        HmacSha256 = 0x09, "HMAC_SHA256";
        /// HMAC-SHA384.
        HmacSha384 = 0x0A, "HMAC_SHA384";
        /// HMAC-SHA512.
        HmacSha512 = 0x0B, "HMAC_SHA512";
        /// ECDH.
        Ecdh = 0x0E, "ECDH";
        /// SKIPJACK (key generation only).
        Skipjack = 0x18, "SKIPJACK";
        /// EC (generic elliptic-curve key).
        Ec = 0x1A, "EC";
        /// Ed25519 (EdDSA, RFC 8032; KMIP 2.0+).
        Ed25519 = 0x37, "Ed25519";
        /// ChaCha20 stream cipher.
        ChaCha20 = 0x1C, "ChaCha20";
        /// ChaCha20-Poly1305 AEAD.
        ChaCha20Poly1305 = 0x1E, "ChaCha20Poly1305";
        /// HMAC-SHA3-224.
        HmacSha3_224 = 0x23, "HMAC_SHA3_224";
        /// HMAC-SHA3-256.
        HmacSha3_256 = 0x24, "HMAC_SHA3_256";
        /// HMAC-SHA3-384.
        HmacSha3_384 = 0x25, "HMAC_SHA3_384";
        /// HMAC-SHA3-512.
        HmacSha3_512 = 0x26, "HMAC_SHA3_512";
    }
);

impl Algorithm {
    /// The hash of an HMAC algorithm.
    pub fn hmac_hash(self) -> Option<HashAlg> {
        Some(match self {
            Algorithm::HmacSha1 => HashAlg::Sha1,
            Algorithm::HmacSha224 => HashAlg::Sha224,
            Algorithm::HmacSha256 => HashAlg::Sha256,
            Algorithm::HmacSha384 => HashAlg::Sha384,
            Algorithm::HmacSha512 => HashAlg::Sha512,
            Algorithm::HmacSha3_224 => HashAlg::Sha3_224,
            Algorithm::HmacSha3_256 => HashAlg::Sha3_256,
            Algorithm::HmacSha3_384 => HashAlg::Sha3_384,
            Algorithm::HmacSha3_512 => HashAlg::Sha3_512,
            _ => return None,
        })
    }

    /// True for the elliptic-curve key algorithms (EC, ECDSA, ECDH).
    pub fn is_ec(self) -> bool {
        matches!(self, Algorithm::Ec | Algorithm::Ecdsa | Algorithm::Ecdh)
    }
}

kmip_enum!(
    /// Block Cipher Mode (KMIP 2.1 §11.5).
    BlockMode {
        /// CBC.
        Cbc = 0x01, "CBC";
        /// ECB.
        Ecb = 0x02, "ECB";
        /// CTR (128-bit big-endian counter block).
        Ctr = 0x06, "CTR";
        /// CMAC (for MAC).
        Cmac = 0x07, "CMAC";
        /// GCM.
        Gcm = 0x09, "GCM";
        /// XTS (IV = 16-byte tweak).
        Xts = 0x0B, "XTS";
        /// AES key wrap with padding (RFC 5649).
        AesKeyWrapPadding = 0x0C, "AESKeyWrapPadding";
        /// NIST key wrap (RFC 3394 / SP 800-38F KW).
        NistKeyWrap = 0x0D, "NISTKeyWrap";
        /// AEAD (ChaCha20-Poly1305).
        Aead = 0x12, "AEAD";
    }
);

kmip_enum!(
    /// Padding Method (KMIP 2.1 §11.36).
    Padding {
        /// No padding.
        None = 0x01, "None";
        /// RSA OAEP.
        Oaep = 0x02, "OAEP";
        /// PKCS#5 / PKCS#7 block padding.
        Pkcs5 = 0x03, "PKCS5";
        /// RSA PKCS#1 v1.5.
        Pkcs1v15 = 0x08, "PKCS1v1_5";
        /// RSA PSS.
        Pss = 0x0A, "PSS";
    }
);

kmip_enum!(
    /// Hashing Algorithm (KMIP 2.1 §11.27).
    HashAlg {
        /// SHA-1.
        Sha1 = 0x04, "SHA_1";
        /// SHA-224.
        Sha224 = 0x05, "SHA_224";
        /// SHA-256.
        Sha256 = 0x06, "SHA_256";
        /// SHA-384.
        Sha384 = 0x07, "SHA_384";
        /// SHA-512.
        Sha512 = 0x08, "SHA_512";
        /// SHA-512/224.
        Sha512_224 = 0x0C, "SHA_512_224";
        /// SHA-512/256.
        Sha512_256 = 0x0D, "SHA_512_256";
        /// SHA3-224.
        Sha3_224 = 0x0E, "SHA3_224";
        /// SHA3-256.
        Sha3_256 = 0x0F, "SHA3_256";
        /// SHA3-384.
        Sha3_384 = 0x10, "SHA3_384";
        /// SHA3-512.
        Sha3_512 = 0x11, "SHA3_512";
    }
);

kmip_enum!(
    /// Mask Generator (KMIP 2.1 §11.31).
    MaskGenerator {
        /// MGF1.
        Mgf1 = 0x01, "MGF1";
    }
);

kmip_enum!(
    /// Digital Signature Algorithm (KMIP 2.1 §11.17).
    SignatureAlg {
        /// SHA-1 with RSA (PKCS#1 v1.5).
        Sha1WithRsa = 0x03, "SHA_1WithRSAEncryption";
        /// SHA-224 with RSA.
        Sha224WithRsa = 0x04, "SHA_224WithRSAEncryption";
        /// SHA-256 with RSA.
        Sha256WithRsa = 0x05, "SHA_256WithRSAEncryption";
        /// SHA-384 with RSA.
        Sha384WithRsa = 0x06, "SHA_384WithRSAEncryption";
        /// SHA-512 with RSA.
        Sha512WithRsa = 0x07, "SHA_512WithRSAEncryption";
        /// RSASSA-PSS (hash from Hashing Algorithm).
        RsassaPss = 0x08, "RSASSA_PSS";
        /// DSA with SHA-1.
        DsaWithSha1 = 0x09, "DSAWithSHA_1";
        /// DSA with SHA-224.
        DsaWithSha224 = 0x0A, "DSAWithSHA224";
        /// DSA with SHA-256.
        DsaWithSha256 = 0x0B, "DSAWithSHA256";
        /// ECDSA with SHA-1.
        EcdsaWithSha1 = 0x0C, "ECDSAWithSHA_1";
        /// ECDSA with SHA-224.
        EcdsaWithSha224 = 0x0D, "ECDSAWithSHA224";
        /// ECDSA with SHA-256.
        EcdsaWithSha256 = 0x0E, "ECDSAWithSHA256";
        /// ECDSA with SHA-384.
        EcdsaWithSha384 = 0x0F, "ECDSAWithSHA384";
        /// ECDSA with SHA-512.
        EcdsaWithSha512 = 0x10, "ECDSAWithSHA512";
        /// SHA3-256 with RSA.
        Sha3_256WithRsa = 0x11, "SHA3_256WithRSAEncryption";
        /// SHA3-384 with RSA.
        Sha3_384WithRsa = 0x12, "SHA3_384WithRSAEncryption";
        /// SHA3-512 with RSA.
        Sha3_512WithRsa = 0x13, "SHA3_512WithRSAEncryption";
    }
);

impl SignatureAlg {
    /// What a Digital Signature Algorithm implies: (key algorithm, padding, hash).
    pub fn implies(self) -> Option<(Algorithm, Option<Padding>, Option<HashAlg>)> {
        use Algorithm as A;
        use HashAlg as H;
        let rsa = |h| (A::Rsa, Some(Padding::Pkcs1v15), Some(h));
        Some(match self {
            SignatureAlg::Sha1WithRsa => rsa(H::Sha1),
            SignatureAlg::Sha224WithRsa => rsa(H::Sha224),
            SignatureAlg::Sha256WithRsa => rsa(H::Sha256),
            SignatureAlg::Sha384WithRsa => rsa(H::Sha384),
            SignatureAlg::Sha512WithRsa => rsa(H::Sha512),
            SignatureAlg::Sha3_256WithRsa => rsa(H::Sha3_256),
            SignatureAlg::Sha3_384WithRsa => rsa(H::Sha3_384),
            SignatureAlg::Sha3_512WithRsa => rsa(H::Sha3_512),
            SignatureAlg::RsassaPss => (A::Rsa, Some(Padding::Pss), None),
            SignatureAlg::DsaWithSha1 => (A::Dsa, None, Some(H::Sha1)),
            SignatureAlg::DsaWithSha224 => (A::Dsa, None, Some(H::Sha224)),
            SignatureAlg::DsaWithSha256 => (A::Dsa, None, Some(H::Sha256)),
            SignatureAlg::EcdsaWithSha1 => (A::Ecdsa, None, Some(H::Sha1)),
            SignatureAlg::EcdsaWithSha224 => (A::Ecdsa, None, Some(H::Sha224)),
            SignatureAlg::EcdsaWithSha256 => (A::Ecdsa, None, Some(H::Sha256)),
            SignatureAlg::EcdsaWithSha384 => (A::Ecdsa, None, Some(H::Sha384)),
            SignatureAlg::EcdsaWithSha512 => (A::Ecdsa, None, Some(H::Sha512)),
            SignatureAlg::Other(_) => return None,
        })
    }
}

kmip_enum!(
    /// Recommended Curve (KMIP 2.1 §11.43); the engine implements the NIST
    /// prime curves P-256, P-384 and P-521.
    Curve {
        /// NIST P-192 (not implemented).
        P192 = 0x01, "P_192";
        /// NIST P-224 (not implemented).
        P224 = 0x04, "P_224";
        /// NIST P-256 (secp256r1).
        P256 = 0x07, "P_256";
        /// NIST P-384 (secp384r1).
        P384 = 0x0A, "P_384";
        /// NIST P-521 (secp521r1).
        P521 = 0x0D, "P_521";
        /// SEC 2 secp256k1.
        Secp256k1 = 0x19, "SECP256K1";
        /// Curve25519 (Ed25519 keys; KMIP 2.0+).
        Curve25519 = 0x45, "CURVE25519";
    }
);

impl Curve {
    /// The curve for a key length in bits (256, 384, 521).
    pub fn from_bits(bits: i64) -> Option<Curve> {
        match bits {
            256 => Some(Curve::P256),
            384 => Some(Curve::P384),
            521 => Some(Curve::P521),
            _ => None,
        }
    }

    /// The key length in bits.
    pub fn bits(self) -> Option<u32> {
        match self {
            Curve::P192 => Some(192),
            Curve::P224 => Some(224),
            Curve::P256 => Some(256),
            Curve::P384 => Some(384),
            Curve::P521 => Some(521),
            Curve::Secp256k1 => Some(256),
            // The field of Curve25519 is 2^255 - 19; an Ed25519 key's
            // Cryptographic Length is its 256-bit size (see KeyMaterial::bits).
            Curve::Curve25519 => Some(255),
            Curve::Other(_) => None,
        }
    }
}

kmip_enum!(
    /// Key Format Type (KMIP 2.1 §11.28).
    KeyFormat {
        /// Raw bytes.
        Raw = 0x01, "Raw";
        /// Opaque bytes.
        Opaque = 0x02, "Opaque";
        /// PKCS#1 RSAPrivateKey / RSAPublicKey DER.
        Pkcs1 = 0x03, "PKCS_1";
        /// PKCS#8 PrivateKeyInfo DER.
        Pkcs8 = 0x04, "PKCS_8";
        /// X.509 SubjectPublicKeyInfo DER.
        X509 = 0x05, "X_509";
        /// SEC 1 ECPrivateKey DER.
        EcPrivateKey = 0x06, "ECPrivateKey";
        /// Transparent symmetric key.
        TransparentSymmetricKey = 0x07, "TransparentSymmetricKey";
        /// Transparent DSA private key.
        TransparentDsaPrivateKey = 0x08, "TransparentDSAPrivateKey";
        /// Transparent DSA public key.
        TransparentDsaPublicKey = 0x09, "TransparentDSAPublicKey";
        /// Transparent RSA private key.
        TransparentRsaPrivateKey = 0x0A, "TransparentRSAPrivateKey";
        /// Transparent RSA public key.
        TransparentRsaPublicKey = 0x0B, "TransparentRSAPublicKey";
        /// Transparent ECDSA private key (KMIP 1.x).
        TransparentEcdsaPrivateKey = 0x0E, "TransparentECDSAPrivateKey";
        /// Transparent ECDSA public key (KMIP 1.x).
        TransparentEcdsaPublicKey = 0x0F, "TransparentECDSAPublicKey";
        /// Transparent EC private key.
        TransparentEcPrivateKey = 0x14, "TransparentECPrivateKey";
        /// Transparent EC public key.
        TransparentEcPublicKey = 0x15, "TransparentECPublicKey";
    }
);

/// Everything one Encrypt / Decrypt / Sign / Verify / MAC call needs besides
/// the key and the data: the KMIP Cryptographic Parameters fields plus the
/// per-call IV, additional data and tag. `None` means "not given": the
/// engine applies the KMIP default or reports what is missing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CipherParams {
    /// Cryptographic Algorithm named in the parameters (the key's own
    /// algorithm decides otherwise; for MAC this selects HMAC over any key).
    pub algorithm: Option<Algorithm>,
    /// Block Cipher Mode.
    pub mode: Option<BlockMode>,
    /// Padding Method.
    pub padding: Option<Padding>,
    /// Hashing Algorithm.
    pub hash: Option<HashAlg>,
    /// Digital Signature Algorithm.
    pub signature_algorithm: Option<SignatureAlg>,
    /// Mask Generator.
    pub mask_generator: Option<MaskGenerator>,
    /// Mask Generator Hashing Algorithm.
    pub mgf_hash: Option<HashAlg>,
    /// P Source: the OAEP label.
    pub p_source: Option<Vec<u8>>,
    /// Salt Length (PSS), bytes.
    pub salt_length: Option<i64>,
    /// Trailer Field (PSS); only the standard 0xBC trailer (1) is supported.
    pub trailer_field: Option<i64>,
    /// Tag Length (AEAD), bytes.
    pub tag_length: Option<i64>,
    /// Random IV: the server generates the IV / nonce.
    pub random_iv: Option<bool>,
    /// IV Length, bits (for a generated IV).
    pub iv_length: Option<i64>,
    /// Initial Counter Value (CTR / ChaCha20 block counter).
    pub initial_counter_value: Option<i64>,
    /// IV / Counter / Nonce from the request.
    pub iv: Option<Vec<u8>>,
    /// Authenticated Encryption Additional Data.
    pub aad: Option<Vec<u8>>,
    /// Authenticated Encryption Tag (for Decrypt).
    pub tag: Option<Vec<u8>>,
}

impl CipherParams {
    /// `self`'s fields, with each one that is `None` taken from `fallback`
    /// (request parameters over the parameters stored with the key).
    pub fn or(&self, fallback: &CipherParams) -> CipherParams {
        fn pick<T: Clone>(a: &Option<T>, b: &Option<T>) -> Option<T> {
            a.clone().or_else(|| b.clone())
        }
        CipherParams {
            algorithm: self.algorithm.or(fallback.algorithm),
            mode: self.mode.or(fallback.mode),
            padding: self.padding.or(fallback.padding),
            hash: self.hash.or(fallback.hash),
            signature_algorithm: self.signature_algorithm.or(fallback.signature_algorithm),
            mask_generator: self.mask_generator.or(fallback.mask_generator),
            mgf_hash: self.mgf_hash.or(fallback.mgf_hash),
            p_source: pick(&self.p_source, &fallback.p_source),
            salt_length: self.salt_length.or(fallback.salt_length),
            trailer_field: self.trailer_field.or(fallback.trailer_field),
            tag_length: self.tag_length.or(fallback.tag_length),
            random_iv: self.random_iv.or(fallback.random_iv),
            iv_length: self.iv_length.or(fallback.iv_length),
            initial_counter_value: self
                .initial_counter_value
                .or(fallback.initial_counter_value),
            iv: pick(&self.iv, &fallback.iv),
            aad: pick(&self.aad, &fallback.aad),
            tag: pick(&self.tag, &fallback.tag),
        }
    }
}
