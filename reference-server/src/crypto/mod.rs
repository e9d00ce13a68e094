//! The reference server's cryptographic engine: everything the CS-BC,
//! CS-AC, CS-RNG, AX (key wrapping) and key-format parts of the OASIS test
//! cases need, in pure Rust (RustCrypto crates; no OpenSSL, no ring).
//!
//! # Layers
//!
//! 1. **The pure engine** over bytes and typed parameters (no KMIP trees):
//!    - [`types`]: [`CipherParams`] (the Cryptographic Parameters fields plus
//!      the per-call IV, additional data and tag) and the typed enums
//!      ([`Algorithm`], [`BlockMode`], [`Padding`], [`HashAlg`], [`Curve`],
//!      [`KeyFormat`], …) with their KMIP codes;
//!    - [`keys`]: [`KeyMaterial`] (a usable key), [`EncodedKey`] (a key as a
//!      Key Block carries it), [`keys::decode_key`], [`keys::encode_key`],
//!      [`keys::convert_key_format`], [`keys::generate_symmetric`],
//!      [`keys::generate_key_pair`];
//!    - [`engine`]: [`engine::encrypt`], [`engine::decrypt`],
//!      [`engine::CipherStream`] (multi-part), [`engine::mac`],
//!      [`engine::mac_verify`], [`engine::wrap_key`], [`engine::unwrap_key`];
//!    - [`asymmetric`]: [`asymmetric::sign`], [`asymmetric::verify`], RSA
//!      encryption; [`hash`]: [`hash::hash`], HMAC, CMAC; [`rng`]:
//!      [`ServerRng`]; [`derive`]: [`derive::derive`] (Derive Key methods);
//!    - [`pkcs12`]: PKCS#12 containers (RFC 7292) of a PKCS#8 key and its
//!      certificate chain (`p12-keystore`);
//!    - [`error`]: [`CryptoError`], whose [`CryptoError::result_reason`] is
//!      the KMIP Result Reason as a type ([`ResultReason`]), and whose
//!      Result Message is this server's own text.
//! 2. **The KMIP payload layer**:
//!    - [`params`]: Cryptographic Parameters (request field, 2.x attribute,
//!      1.x `Attribute`) → [`CipherParams`];
//!    - [`keyblock`]: Key Block ↔ [`EncodedKey`] (Transparent structures,
//!      Big Integer conversion);
//!    - [`payload`]: one function per operation, request payload → response
//!      payload, over the server's objects through [`KeyLookup`]; the
//!      multi-part streams ([`StreamTable`]); Derive Key's key material
//!      ([`payload::derive_key_material`]); and the Key Block helpers for the
//!      object operations (generate, convert, wrap).
//!
//! # Integrating with the server
//!
//! `crate::ops::crypto` is that glue for the bundled server, and the only
//! module outside `crypto` that calls it: it registers the nine operations
//! in `crate::ops::OPERATIONS` (and gives Derive Key its key material), implements [`KeyLookup`] over the session's
//! transaction (Usage Limits are staged with the batch), keeps the
//! process-wide [`StreamTable`] and [`ServerRng`], and gives Create, Create
//! Key Pair, Re-key, Re-key Key Pair and Get their key material (generation,
//! Key Format Type conversion, key wrapping) from this engine.
//!
//! The server keeps one [`StreamTable`] and one [`ServerRng`] for its
//! lifetime, implements [`KeyLookup`] over its store, and calls the `ops`
//! functions from its dispatcher with the batch item's Request Payload and
//! the negotiated protocol version. The answer is the Response Payload, or an
//! [`OpError`] whose `reason` is the Result Reason code and `message` the
//! Result Message:
//!
//! ```
//! use kmip_reference_server::crypto::{payload, KeyInfo, KeyLookup, OpError, ServerRng, StreamTable};
//! use kmip_ttlv::{dict::Version, Item, Tag, Value};
//!
//! /// The server's store, seen by the crypto engine.
//! struct Store; // holds the managed objects
//!
//! impl KeyLookup for Store {
//!     fn key(&self, uid: &str) -> Result<KeyInfo, OpError> {
//!         // Look the object up; hand over its Key Block (or the Symmetric
//!         // Key / Private Key / … structure) and its attributes, in 2.x
//!         // form (items whose tag is the attribute) or 1.x `Attribute`s.
//!         let key_block = payload::generate_symmetric_key_block(3 /* AES */, 128)?;
//!         let state = Item::new(kmip_ttlv::tags::STATE, Value::Enumeration(2 /* Active */));
//!         KeyInfo::from_object(uid, 2 /* SymmetricKey */, &key_block, &[state])
//!     }
//!     // Optional: `allocate_usage` (Usage Limits), `default_identifier`
//!     // (ID Placeholder), `now`.
//! }
//!
//! let streams = StreamTable::new();
//! let rng = ServerRng::new().expect("OS entropy");
//! # let tag = |n: &str| Tag::by_name(n).expect("tag");
//! let request_payload = Item::structure(tag("RequestPayload"), vec![
//!     Item::new(tag("UniqueIdentifier"), Value::TextString("1".into())),
//!     Item::structure(tag("CryptographicParameters"), vec![
//!         Item::new(tag("BlockCipherMode"), Value::Enumeration(2 /* ECB */)),
//!     ]),
//!     Item::new(tag("Data"), Value::ByteString(vec![0u8; 16])),
//! ]);
//! // In the dispatcher, per batch item:
//! match payload::encrypt(&request_payload, &Store, &streams, Version::new(2, 1)) {
//!     Ok(response_payload) => assert_eq!(response_payload.children().len(), 2),
//!     Err(e) => panic!("Result Reason {:#x}: {}", e.reason, e.message),
//! }
//! # let _ = (payload::rng_retrieve, &rng);
//! ```
//!
//! The other entry points have the same shape: [`payload::decrypt`] (with
//! the stream table), [`payload::sign`], [`payload::signature_verify`],
//! [`payload::mac`], [`payload::mac_verify`] (keys, stream table, version),
//! [`payload::hash`] (stream table, version), [`payload::rng_retrieve`],
//! [`payload::rng_seed`] (the [`ServerRng`]). For Create / Create Key Pair /
//! Re-key / Get the server uses [`payload::generate_symmetric_key_block`],
//! [`payload::generate_key_pair_blocks`], [`payload::convert_key_block`]
//! (Get with Key Format Type), [`payload::key_block_bits`] and
//! [`payload::wrap_key_block`] (Get with Key Wrapping Specification) and
//! [`payload::unwrap_key_block`] (Import with Key Wrap Type Not Wrapped). A
//! Register of wrapped key material stores it as given.
//!
//! # What is implemented
//!
//! - Encrypt / Decrypt: AES-128/192/256 and 3DES in ECB, CBC (None or PKCS5
//!   padding) and CTR; AES-GCM (any IV length, tags of 12–16 bytes); AES-XTS;
//!   AES key wrap (NISTKeyWrap, AESKeyWrapPadding); ChaCha20 (8-byte DJB
//!   nonce, 12-byte RFC 8439 nonce, or 16-byte counter‖nonce);
//!   ChaCha20-Poly1305 (tags of 12–16 bytes); RSA OAEP (SHA-1/2/3, separate
//!   MGF1 hash, P Source label) and PKCS#1 v1.5. Random IV; multi-part with
//!   Init Indicator / Correlation Value / Final Indicator for everything but
//!   XTS, key wrap and RSA.
//! - Sign / Signature Verify: RSA PKCS#1 v1.5 and PSS (salt length
//!   recovered on verify), ECDSA P-256/384/521 and secp256k1, Ed25519
//!   (PureEdDSA), DSA; Data or Digested Data; Digital Signature Algorithm or
//!   Padding Method + Hashing Algorithm.
//! - MAC / MAC Verify: HMAC-SHA1/224/256/384/512 and SHA3 (over any
//!   symmetric key), AES-CMAC. Hash: SHA-1, SHA-2, SHA-3. RNG Retrieve /
//!   RNG Seed. Sign, Signature Verify, MAC, MAC Verify and Hash are also
//!   multi-part (Init Indicator / Correlation Value / Final Indicator): the
//!   parts' data is collected, at most 64 MiB per stream, and the result
//!   computed at the Final part.
//! - PKCS#12: write a container of a private key and its chain (PBES2
//!   AES-256-CBC, HMAC-SHA256 MAC) and read one (also legacy PBES1).
//! - Derive Key: PBKDF2, HASH, HMAC, ENCRYPT, NIST800-108-C (counter mode,
//!   HMAC or AES-CMAC PRF) and HKDF (KMIP 2.x).
//! - Keys: generation (AES, 3DES, ChaCha20, HMAC, other symmetric; RSA
//!   512–8192, EC P-256/384/521/secp256k1, Ed25519, DSA 2048/3072) and
//!   conversion between Raw, Transparent Symmetric, PKCS#1, PKCS#8, X.509
//!   (SPKI or certificate), SEC 1 ECPrivateKey and the Transparent RSA / DSA
//!   / EC structures.
//! - Not implemented: Derive Key by NIST800-108-F / -DPI, Asymmetric Key
//!   and AWS Signature Version 4; PSS with an MGF1 hash different from the
//!   message hash (signing), OAEP labels that are not UTF-8, curves other
//!   than P-256/384/521, secp256k1 and Curve25519 (Ed25519), DES / Blowfish
//!   / Camellia / … as ciphers (their keys can still be generated).

pub mod aead;
pub mod asymmetric;
pub mod codes;
pub mod derive;
pub mod engine;
pub mod error;
pub mod hash;
pub mod keyblock;
pub mod keys;
pub mod params;
pub mod payload;
pub mod pkcs12;
pub mod rng;
pub mod split;
pub mod symmetric;
pub mod types;

pub use engine::{CipherStream, EncryptOutput};
pub use error::{CryptoError, ResultReason};
pub use keys::{EncodedKey, KeyMaterial};
pub use payload::{
    DeriveRequest, KeyInfo, KeyLookup, OpError, PairRequest, StreamTable, UsageLimits,
};
pub use rng::ServerRng;
pub use types::{
    Algorithm, BlockMode, CipherParams, Curve, HashAlg, KeyFormat, Padding, SignatureAlg,
};
