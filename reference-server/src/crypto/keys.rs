//! Keys: the typed, usable form ([`KeyMaterial`]), the encoded forms a KMIP
//! Key Block carries ([`EncodedKey`]: Raw, PKCS#1, PKCS#8, X.509 SPKI, SEC 1,
//! the Transparent structures), conversion between them, and key generation.
//!
//! Big integers in [`EncodedKey`] are unsigned big-endian without leading
//! zeros; the KMIP layer (`crypto::keyblock`) converts to and from the
//! two's-complement, 8-byte-padded BigInteger of TTLV.

use super::error::CryptoError;
use super::types::{Algorithm, Curve, KeyFormat};
use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::Zeroizing;

/// Which side of a key a format holds (KMIP Object Type of the key).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum KeyClass {
    /// Symmetric Key / Secret Data.
    Symmetric,
    /// Private Key.
    Private,
    /// Public Key (or the key in a Certificate).
    Public,
}

/// An elliptic-curve private key on a supported curve.
#[derive(Clone, Debug)]
pub enum EcPrivate {
    /// P-256.
    P256(p256::SecretKey),
    /// P-384.
    P384(p384::SecretKey),
    /// P-521.
    P521(p521::SecretKey),
    /// secp256k1 (SEC 2; KMIP Recommended Curve SECP256K1).
    K256(k256::SecretKey),
    /// Ed25519 (RFC 8032; KMIP 2.x Cryptographic Algorithm Ed25519, curve
    /// CURVE25519): an EdDSA key, kept with the EC keys for its encodings.
    Ed25519(ed25519_dalek::SigningKey),
}

/// An elliptic-curve public key on a supported curve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EcPublic {
    /// P-256.
    P256(p256::PublicKey),
    /// P-384.
    P384(p384::PublicKey),
    /// P-521.
    P521(p521::PublicKey),
    /// secp256k1.
    K256(k256::PublicKey),
    /// Ed25519.
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// A key in usable form.
#[derive(Clone, Debug)]
pub enum KeyMaterial {
    /// Symmetric key bytes and the algorithm they are for (AES, DES3,
    /// ChaCha20, HMAC_*, …).
    Symmetric {
        /// The key's Cryptographic Algorithm.
        algorithm: Algorithm,
        /// Key bytes.
        bytes: Zeroizing<Vec<u8>>,
    },
    /// RSA private key.
    RsaPrivate(Box<rsa::RsaPrivateKey>),
    /// RSA public key.
    RsaPublic(Box<rsa::RsaPublicKey>),
    /// EC private key.
    EcPrivate(EcPrivate),
    /// EC public key.
    EcPublic(EcPublic),
    /// DSA private key.
    DsaPrivate(Box<dsa::SigningKey>),
    /// DSA public key.
    DsaPublic(Box<dsa::VerifyingKey>),
}

impl KeyMaterial {
    /// A symmetric key.
    pub fn symmetric(algorithm: Algorithm, bytes: &[u8]) -> KeyMaterial {
        KeyMaterial::Symmetric {
            algorithm,
            bytes: Zeroizing::new(bytes.to_vec()),
        }
    }

    /// The key's class.
    pub fn class(&self) -> KeyClass {
        match self {
            KeyMaterial::Symmetric { .. } => KeyClass::Symmetric,
            KeyMaterial::RsaPrivate(_) | KeyMaterial::EcPrivate(_) | KeyMaterial::DsaPrivate(_) => {
                KeyClass::Private
            }
            KeyMaterial::RsaPublic(_) | KeyMaterial::EcPublic(_) | KeyMaterial::DsaPublic(_) => {
                KeyClass::Public
            }
        }
    }

    /// The KMIP Cryptographic Algorithm of the key.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            KeyMaterial::Symmetric { algorithm, .. } => *algorithm,
            KeyMaterial::RsaPrivate(_) | KeyMaterial::RsaPublic(_) => Algorithm::Rsa,
            KeyMaterial::EcPrivate(EcPrivate::Ed25519(_))
            | KeyMaterial::EcPublic(EcPublic::Ed25519(_)) => Algorithm::Ed25519,
            KeyMaterial::EcPrivate(_) | KeyMaterial::EcPublic(_) => Algorithm::Ec,
            KeyMaterial::DsaPrivate(_) | KeyMaterial::DsaPublic(_) => Algorithm::Dsa,
        }
    }

    /// The key length in bits as KMIP reports it (Cryptographic Length).
    pub fn bits(&self) -> u32 {
        use rsa::traits::PublicKeyParts;
        match self {
            KeyMaterial::Symmetric { algorithm, bytes } => {
                let bits = (bytes.len() * 8) as u32;
                // Triple DES lengths exclude the parity bits (168 / 112).
                if *algorithm == Algorithm::TripleDes && bytes.len() % 8 == 0 {
                    bits / 8 * 7
                } else {
                    bits
                }
            }
            KeyMaterial::RsaPrivate(k) => k.n().bits() as u32,
            KeyMaterial::RsaPublic(k) => k.n().bits() as u32,
            // Ed25519 keys are 32 octets (RFC 8032 §5.1.5): 256 bits.
            KeyMaterial::EcPrivate(EcPrivate::Ed25519(_))
            | KeyMaterial::EcPublic(EcPublic::Ed25519(_)) => 256,
            KeyMaterial::EcPrivate(k) => k.curve().bits().unwrap_or(0),
            KeyMaterial::EcPublic(k) => k.curve().bits().unwrap_or(0),
            KeyMaterial::DsaPrivate(k) => k.verifying_key().components().p().bits() as u32,
            KeyMaterial::DsaPublic(k) => k.components().p().bits() as u32,
        }
    }

    /// The public half of a private key (the key itself if it is public).
    pub fn public_key(&self) -> Result<KeyMaterial, CryptoError> {
        Ok(match self {
            KeyMaterial::RsaPrivate(k) => KeyMaterial::RsaPublic(Box::new(k.to_public_key())),
            KeyMaterial::EcPrivate(k) => KeyMaterial::EcPublic(k.public_key()),
            KeyMaterial::DsaPrivate(k) => {
                KeyMaterial::DsaPublic(Box::new(k.verifying_key().clone()))
            }
            KeyMaterial::Symmetric { .. } => {
                return Err(CryptoError::InvalidKey(
                    "a symmetric key has no public half".into(),
                ))
            }
            public => public.clone(),
        })
    }
}

impl EcPrivate {
    /// The curve.
    pub fn curve(&self) -> Curve {
        match self {
            EcPrivate::P256(_) => Curve::P256,
            EcPrivate::P384(_) => Curve::P384,
            EcPrivate::P521(_) => Curve::P521,
            EcPrivate::K256(_) => Curve::Secp256k1,
            EcPrivate::Ed25519(_) => Curve::Curve25519,
        }
    }

    /// The public key.
    pub fn public_key(&self) -> EcPublic {
        match self {
            EcPrivate::P256(k) => EcPublic::P256(k.public_key()),
            EcPrivate::P384(k) => EcPublic::P384(k.public_key()),
            EcPrivate::P521(k) => EcPublic::P521(k.public_key()),
            EcPrivate::K256(k) => EcPublic::K256(k.public_key()),
            EcPrivate::Ed25519(k) => EcPublic::Ed25519(k.verifying_key()),
        }
    }

    /// The private scalar, big-endian, field-size bytes.
    pub fn scalar_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(match self {
            EcPrivate::P256(k) => k.to_bytes().to_vec(),
            EcPrivate::P384(k) => k.to_bytes().to_vec(),
            EcPrivate::P521(k) => k.to_bytes().to_vec(),
            EcPrivate::K256(k) => k.to_bytes().to_vec(),
            EcPrivate::Ed25519(k) => k.to_bytes().to_vec(),
        })
    }

    /// The key from its scalar (shorter input is left-padded).
    pub fn from_scalar(curve: Curve, d: &[u8]) -> Result<EcPrivate, CryptoError> {
        let len = field_len(curve)?;
        let d = strip_zeros(d);
        if d.len() > len {
            return Err(CryptoError::KeyDecode(format!(
                "EC private scalar longer than the {curve} field"
            )));
        }
        let mut buf = Zeroizing::new(vec![0u8; len]);
        buf[len - d.len()..].copy_from_slice(d);
        let bad =
            |e: elliptic_curve::Error| CryptoError::KeyDecode(format!("EC private scalar: {e}"));
        Ok(match curve {
            Curve::P256 => EcPrivate::P256(p256::SecretKey::from_slice(&buf).map_err(bad)?),
            Curve::P384 => EcPrivate::P384(p384::SecretKey::from_slice(&buf).map_err(bad)?),
            Curve::P521 => EcPrivate::P521(p521::SecretKey::from_slice(&buf).map_err(bad)?),
            Curve::Secp256k1 => EcPrivate::K256(k256::SecretKey::from_slice(&buf).map_err(bad)?),
            Curve::Curve25519 => {
                let seed: [u8; 32] = buf[..]
                    .try_into()
                    .map_err(|_| CryptoError::KeyDecode("Ed25519 private key length".into()))?;
                EcPrivate::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
            }
            other => return Err(CryptoError::Unsupported(format!("curve {other}"))),
        })
    }
}

impl EcPublic {
    /// The curve.
    pub fn curve(&self) -> Curve {
        match self {
            EcPublic::P256(_) => Curve::P256,
            EcPublic::P384(_) => Curve::P384,
            EcPublic::P521(_) => Curve::P521,
            EcPublic::K256(_) => Curve::Secp256k1,
            EcPublic::Ed25519(_) => Curve::Curve25519,
        }
    }

    /// The uncompressed SEC 1 point (`04 || X || Y`): KMIP's Q String.
    pub fn sec1_bytes(&self) -> Vec<u8> {
        use elliptic_curve::sec1::ToEncodedPoint;
        match self {
            EcPublic::P256(k) => k.to_encoded_point(false).as_bytes().to_vec(),
            EcPublic::P384(k) => k.to_encoded_point(false).as_bytes().to_vec(),
            EcPublic::P521(k) => k.to_encoded_point(false).as_bytes().to_vec(),
            EcPublic::K256(k) => k.to_encoded_point(false).as_bytes().to_vec(),
            // RFC 8032 §5.1.2: the 32-octet encoding of the point.
            EcPublic::Ed25519(k) => k.to_bytes().to_vec(),
        }
    }

    /// The key from a SEC 1 point (compressed or not).
    pub fn from_sec1(curve: Curve, q: &[u8]) -> Result<EcPublic, CryptoError> {
        let bad = |e: elliptic_curve::Error| CryptoError::KeyDecode(format!("EC point: {e}"));
        Ok(match curve {
            Curve::P256 => EcPublic::P256(p256::PublicKey::from_sec1_bytes(q).map_err(bad)?),
            Curve::P384 => EcPublic::P384(p384::PublicKey::from_sec1_bytes(q).map_err(bad)?),
            Curve::P521 => EcPublic::P521(p521::PublicKey::from_sec1_bytes(q).map_err(bad)?),
            Curve::Secp256k1 => EcPublic::K256(k256::PublicKey::from_sec1_bytes(q).map_err(bad)?),
            Curve::Curve25519 => {
                let b: [u8; 32] = q
                    .try_into()
                    .map_err(|_| CryptoError::KeyDecode("Ed25519 public key length".into()))?;
                EcPublic::Ed25519(
                    ed25519_dalek::VerifyingKey::from_bytes(&b)
                        .map_err(|e| CryptoError::KeyDecode(format!("Ed25519 public key: {e}")))?,
                )
            }
            other => return Err(CryptoError::Unsupported(format!("curve {other}"))),
        })
    }
}

fn field_len(curve: Curve) -> Result<usize, CryptoError> {
    match curve {
        Curve::P256 => Ok(32),
        Curve::P384 => Ok(48),
        Curve::P521 => Ok(66),
        Curve::Secp256k1 | Curve::Curve25519 => Ok(32),
        other => Err(CryptoError::Unsupported(format!("curve {other}"))),
    }
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[i..]
}

/// A key as a KMIP Key Block carries it: bytes in a named format, or one of
/// the Transparent structures (integers unsigned big-endian).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodedKey {
    /// A byte-string format: Raw, Opaque, PKCS_1, PKCS_8, X_509, ECPrivateKey.
    Bytes {
        /// The format.
        format: KeyFormat,
        /// The bytes (DER for the ASN.1 formats).
        bytes: Vec<u8>,
    },
    /// Transparent Symmetric Key.
    TransparentSymmetric {
        /// Key bytes.
        key: Vec<u8>,
    },
    /// Transparent RSA Public Key.
    TransparentRsaPublic {
        /// Modulus.
        modulus: Vec<u8>,
        /// Public exponent.
        public_exponent: Vec<u8>,
    },
    /// Transparent RSA Private Key (all fields optional in KMIP but the
    /// modulus; the engine needs the modulus, the private exponent or the
    /// primes, and the public exponent).
    TransparentRsaPrivate {
        /// Modulus.
        modulus: Vec<u8>,
        /// Private exponent.
        private_exponent: Option<Vec<u8>>,
        /// Public exponent.
        public_exponent: Option<Vec<u8>>,
        /// First prime.
        p: Option<Vec<u8>>,
        /// Second prime.
        q: Option<Vec<u8>>,
        /// d mod (p − 1).
        prime_exponent_p: Option<Vec<u8>>,
        /// d mod (q − 1).
        prime_exponent_q: Option<Vec<u8>>,
        /// q⁻¹ mod p.
        crt_coefficient: Option<Vec<u8>>,
    },
    /// Transparent DSA Public Key.
    TransparentDsaPublic {
        /// Prime modulus.
        p: Vec<u8>,
        /// Prime divisor.
        q: Vec<u8>,
        /// Generator.
        g: Vec<u8>,
        /// Public value.
        y: Vec<u8>,
    },
    /// Transparent DSA Private Key.
    TransparentDsaPrivate {
        /// Prime modulus.
        p: Vec<u8>,
        /// Prime divisor.
        q: Vec<u8>,
        /// Generator.
        g: Vec<u8>,
        /// Private value.
        x: Vec<u8>,
    },
    /// Transparent EC (or 1.x ECDSA) Public Key.
    TransparentEcPublic {
        /// Recommended Curve.
        curve: Curve,
        /// Q String: the SEC 1 point.
        q: Vec<u8>,
    },
    /// Transparent EC (or 1.x ECDSA) Private Key.
    TransparentEcPrivate {
        /// Recommended Curve.
        curve: Curve,
        /// The private scalar.
        d: Vec<u8>,
    },
}

impl EncodedKey {
    /// The KMIP Key Format Type of this encoding.
    pub fn format(&self) -> KeyFormat {
        match self {
            EncodedKey::Bytes { format, .. } => *format,
            EncodedKey::TransparentSymmetric { .. } => KeyFormat::TransparentSymmetricKey,
            EncodedKey::TransparentRsaPublic { .. } => KeyFormat::TransparentRsaPublicKey,
            EncodedKey::TransparentRsaPrivate { .. } => KeyFormat::TransparentRsaPrivateKey,
            EncodedKey::TransparentDsaPublic { .. } => KeyFormat::TransparentDsaPublicKey,
            EncodedKey::TransparentDsaPrivate { .. } => KeyFormat::TransparentDsaPrivateKey,
            EncodedKey::TransparentEcPublic { .. } => KeyFormat::TransparentEcPublicKey,
            EncodedKey::TransparentEcPrivate { .. } => KeyFormat::TransparentEcPrivateKey,
        }
    }
}

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_DSA: &str = "1.2.840.10040.4.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";
const OID_P521: &str = "1.3.132.0.35";
const OID_SECP256K1: &str = "1.3.132.0.10";
/// id-Ed25519 (RFC 8410).
const OID_ED25519: &str = "1.3.101.112";

fn der_err(what: &str) -> impl Fn(String) -> CryptoError + '_ {
    move |e| CryptoError::KeyDecode(format!("{what}: {e}"))
}

fn curve_of_oid(oid: &str) -> Result<Curve, CryptoError> {
    match oid {
        OID_P256 => Ok(Curve::P256),
        OID_P384 => Ok(Curve::P384),
        OID_P521 => Ok(Curve::P521),
        OID_SECP256K1 => Ok(Curve::Secp256k1),
        other => Err(CryptoError::Unsupported(format!(
            "elliptic curve OID {other}"
        ))),
    }
}

fn biguint(b: &[u8]) -> rsa::BigUint {
    rsa::BigUint::from_bytes_be(b)
}

fn req<'a>(v: &'a Option<Vec<u8>>, what: &str) -> Result<&'a [u8], CryptoError> {
    v.as_deref().ok_or_else(|| {
        CryptoError::KeyDecode(format!("Transparent RSA Private Key without {what}"))
    })
}

/// Decode a key. `algorithm` is the object's Cryptographic Algorithm (it
/// names the symmetric algorithm; for the ASN.1 formats the DER's own
/// algorithm identifier decides), `class` its object type.
pub fn decode_key(
    enc: &EncodedKey,
    algorithm: Algorithm,
    class: KeyClass,
) -> Result<KeyMaterial, CryptoError> {
    use pkcs8::der::Decode;
    use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
    match (enc, class) {
        (
            EncodedKey::Bytes {
                format: KeyFormat::Raw | KeyFormat::Opaque,
                bytes,
            },
            KeyClass::Symmetric,
        ) => Ok(KeyMaterial::symmetric(algorithm, bytes)),
        (EncodedKey::TransparentSymmetric { key }, KeyClass::Symmetric) => {
            Ok(KeyMaterial::symmetric(algorithm, key))
        }
        (
            EncodedKey::Bytes {
                format: KeyFormat::Pkcs1,
                bytes,
            },
            KeyClass::Private,
        ) => {
            let k = rsa::RsaPrivateKey::from_pkcs1_der(bytes)
                .map_err(|e| der_err("PKCS#1 RSA private key")(e.to_string()))?;
            Ok(KeyMaterial::RsaPrivate(Box::new(k)))
        }
        (
            EncodedKey::Bytes {
                format: KeyFormat::Pkcs1,
                bytes,
            },
            KeyClass::Public,
        ) => {
            let k = rsa::RsaPublicKey::from_pkcs1_der(bytes)
                .map_err(|e| der_err("PKCS#1 RSA public key")(e.to_string()))?;
            Ok(KeyMaterial::RsaPublic(Box::new(k)))
        }
        (
            EncodedKey::Bytes {
                format: KeyFormat::Pkcs8,
                bytes,
            },
            KeyClass::Private,
        ) => {
            let info = pkcs8::PrivateKeyInfo::from_der(bytes)
                .map_err(|e| der_err("PKCS#8")(e.to_string()))?;
            decode_pkcs8(info)
        }
        (
            EncodedKey::Bytes {
                format: KeyFormat::X509,
                bytes,
            },
            KeyClass::Public,
        ) => decode_spki_or_certificate(bytes),
        (
            EncodedKey::Bytes {
                format: KeyFormat::EcPrivateKey,
                bytes,
            },
            KeyClass::Private,
        ) => {
            let sk = sec1::EcPrivateKey::from_der(bytes)
                .map_err(|e| der_err("SEC 1 ECPrivateKey")(e.to_string()))?;
            let curve = match sk.parameters.and_then(|p| p.named_curve()) {
                Some(oid) => curve_of_oid(&oid.to_string())?,
                None => match algorithm_curve_hint(sk.private_key.len()) {
                    Some(c) => c,
                    None => {
                        return Err(CryptoError::KeyDecode(
                            "ECPrivateKey without a named curve".into(),
                        ))
                    }
                },
            };
            Ok(KeyMaterial::EcPrivate(EcPrivate::from_scalar(
                curve,
                sk.private_key,
            )?))
        }
        (
            EncodedKey::TransparentRsaPublic {
                modulus,
                public_exponent,
            },
            KeyClass::Public,
        ) => {
            let k = rsa::RsaPublicKey::new(biguint(modulus), biguint(public_exponent))
                .map_err(|e| CryptoError::KeyDecode(format!("RSA public key: {e}")))?;
            Ok(KeyMaterial::RsaPublic(Box::new(k)))
        }
        (
            EncodedKey::TransparentRsaPrivate {
                modulus,
                private_exponent,
                public_exponent,
                p,
                q,
                ..
            },
            KeyClass::Private,
        ) => {
            let n = biguint(modulus);
            let e = biguint(req(public_exponent, "Public Exponent")?);
            let primes = match (p, q) {
                (Some(p), Some(q)) => vec![biguint(p), biguint(q)],
                _ => Vec::new(),
            };
            let d = match private_exponent {
                Some(d) => biguint(d),
                None => {
                    if primes.len() != 2 {
                        return Err(CryptoError::KeyDecode(
                            "Transparent RSA Private Key needs the Private Exponent or both primes"
                                .into(),
                        ));
                    }
                    let k = rsa::RsaPrivateKey::from_p_q(primes[0].clone(), primes[1].clone(), e)
                        .map_err(|e| CryptoError::KeyDecode(format!("RSA private key: {e}")))?;
                    return Ok(KeyMaterial::RsaPrivate(Box::new(k)));
                }
            };
            let k = rsa::RsaPrivateKey::from_components(n, e, d, primes)
                .map_err(|e| CryptoError::KeyDecode(format!("RSA private key: {e}")))?;
            Ok(KeyMaterial::RsaPrivate(Box::new(k)))
        }
        (EncodedKey::TransparentDsaPublic { p, q, g, y }, KeyClass::Public) => {
            let c = dsa_components(p, q, g)?;
            let k = dsa::VerifyingKey::from_components(c, biguint(y))
                .map_err(|_| CryptoError::KeyDecode("DSA public value out of range".into()))?;
            Ok(KeyMaterial::DsaPublic(Box::new(k)))
        }
        (EncodedKey::TransparentDsaPrivate { p, q, g, x }, KeyClass::Private) => {
            let c = dsa_components(p, q, g)?;
            let x = biguint(x);
            let y = c.g().modpow(&x, c.p());
            let vk = dsa::VerifyingKey::from_components(c, y)
                .map_err(|_| CryptoError::KeyDecode("DSA key: public value out of range".into()))?;
            let k = dsa::SigningKey::from_components(vk, x)
                .map_err(|_| CryptoError::KeyDecode("DSA private value out of range".into()))?;
            Ok(KeyMaterial::DsaPrivate(Box::new(k)))
        }
        (EncodedKey::TransparentEcPublic { curve, q }, KeyClass::Public) => {
            Ok(KeyMaterial::EcPublic(EcPublic::from_sec1(*curve, q)?))
        }
        (EncodedKey::TransparentEcPrivate { curve, d }, KeyClass::Private) => {
            Ok(KeyMaterial::EcPrivate(EcPrivate::from_scalar(*curve, d)?))
        }
        (enc, class) => Err(CryptoError::UnsupportedKeyFormat(format!(
            "{} for a {class:?} key of algorithm {algorithm}",
            enc.format()
        ))),
    }
}

fn algorithm_curve_hint(scalar_len: usize) -> Option<Curve> {
    match scalar_len {
        32 => Some(Curve::P256),
        48 => Some(Curve::P384),
        66 => Some(Curve::P521),
        _ => None,
    }
}

fn dsa_components(p: &[u8], q: &[u8], g: &[u8]) -> Result<dsa::Components, CryptoError> {
    dsa::Components::from_components(biguint(p), biguint(q), biguint(g))
        .map_err(|_| CryptoError::KeyDecode("DSA domain parameters out of range".into()))
}

fn decode_pkcs8(info: pkcs8::PrivateKeyInfo<'_>) -> Result<KeyMaterial, CryptoError> {
    use pkcs8::der::Encode;
    use pkcs8::DecodePrivateKey;
    let oid = info.algorithm.oid.to_string();
    let der = info
        .to_der()
        .map_err(|e| der_err("PKCS#8")(e.to_string()))?;
    match oid.as_str() {
        OID_RSA => Ok(KeyMaterial::RsaPrivate(Box::new(
            rsa::RsaPrivateKey::from_pkcs8_der(&der)
                .map_err(|e| der_err("PKCS#8 RSA key")(e.to_string()))?,
        ))),
        OID_EC => {
            let curve_oid = info
                .algorithm
                .parameters_oid()
                .map_err(|e| der_err("PKCS#8 EC curve")(e.to_string()))?;
            let bad = |e: pkcs8::Error| der_err("PKCS#8 EC key")(e.to_string());
            Ok(KeyMaterial::EcPrivate(
                match curve_of_oid(&curve_oid.to_string())? {
                    Curve::P256 => {
                        EcPrivate::P256(p256::SecretKey::from_pkcs8_der(&der).map_err(bad)?)
                    }
                    Curve::P384 => {
                        EcPrivate::P384(p384::SecretKey::from_pkcs8_der(&der).map_err(bad)?)
                    }
                    Curve::P521 => {
                        EcPrivate::P521(p521::SecretKey::from_pkcs8_der(&der).map_err(bad)?)
                    }
                    Curve::Secp256k1 => {
                        EcPrivate::K256(k256::SecretKey::from_pkcs8_der(&der).map_err(bad)?)
                    }
                    other => return Err(CryptoError::Unsupported(format!("curve {other}"))),
                },
            ))
        }
        OID_ED25519 => Ok(KeyMaterial::EcPrivate(EcPrivate::Ed25519(
            ed25519_dalek::SigningKey::from_pkcs8_der(&der)
                .map_err(|e| der_err("PKCS#8 Ed25519 key")(e.to_string()))?,
        ))),
        OID_DSA => Ok(KeyMaterial::DsaPrivate(Box::new(
            dsa::SigningKey::from_pkcs8_der(&der)
                .map_err(|e| der_err("PKCS#8 DSA key")(e.to_string()))?,
        ))),
        other => Err(CryptoError::Unsupported(format!(
            "PKCS#8 key algorithm OID {other}"
        ))),
    }
}

fn decode_spki_or_certificate(bytes: &[u8]) -> Result<KeyMaterial, CryptoError> {
    use pkcs8::der::{Decode, Encode};
    if let Ok(spki) = spki::SubjectPublicKeyInfoRef::from_der(bytes) {
        return decode_spki(spki, bytes);
    }
    let cert = x509_cert::Certificate::from_der(bytes)
        .map_err(|e| der_err("X.509 SubjectPublicKeyInfo or certificate")(e.to_string()))?;
    let der = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| der_err("certificate public key")(e.to_string()))?;
    let spki = spki::SubjectPublicKeyInfoRef::from_der(&der)
        .map_err(|e| der_err("certificate public key")(e.to_string()))?;
    decode_spki(spki, &der)
}

fn decode_spki(
    spki: spki::SubjectPublicKeyInfoRef<'_>,
    der: &[u8],
) -> Result<KeyMaterial, CryptoError> {
    use pkcs8::DecodePublicKey;
    let oid = spki.algorithm.oid.to_string();
    match oid.as_str() {
        OID_RSA => Ok(KeyMaterial::RsaPublic(Box::new(
            rsa::RsaPublicKey::from_public_key_der(der)
                .map_err(|e| der_err("X.509 RSA key")(e.to_string()))?,
        ))),
        OID_EC => {
            let curve_oid = spki
                .algorithm
                .parameters_oid()
                .map_err(|e| der_err("X.509 EC curve")(e.to_string()))?;
            let bad = |e: spki::Error| der_err("X.509 EC key")(e.to_string());
            Ok(KeyMaterial::EcPublic(
                match curve_of_oid(&curve_oid.to_string())? {
                    Curve::P256 => {
                        EcPublic::P256(p256::PublicKey::from_public_key_der(der).map_err(bad)?)
                    }
                    Curve::P384 => {
                        EcPublic::P384(p384::PublicKey::from_public_key_der(der).map_err(bad)?)
                    }
                    Curve::P521 => {
                        EcPublic::P521(p521::PublicKey::from_public_key_der(der).map_err(bad)?)
                    }
                    Curve::Secp256k1 => {
                        EcPublic::K256(k256::PublicKey::from_public_key_der(der).map_err(bad)?)
                    }
                    other => return Err(CryptoError::Unsupported(format!("curve {other}"))),
                },
            ))
        }
        OID_ED25519 => Ok(KeyMaterial::EcPublic(EcPublic::Ed25519(
            ed25519_dalek::VerifyingKey::from_public_key_der(der)
                .map_err(|e| der_err("X.509 Ed25519 key")(e.to_string()))?,
        ))),
        OID_DSA => Ok(KeyMaterial::DsaPublic(Box::new(
            dsa::VerifyingKey::from_public_key_der(der)
                .map_err(|e| der_err("X.509 DSA key")(e.to_string()))?,
        ))),
        other => Err(CryptoError::Unsupported(format!(
            "public key algorithm OID {other}"
        ))),
    }
}

/// Encode a key in `format`.
pub fn encode_key(key: &KeyMaterial, format: KeyFormat) -> Result<EncodedKey, CryptoError> {
    use pkcs8::{EncodePrivateKey, EncodePublicKey};
    use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};
    let enc_err = |e: String| CryptoError::Failure(format!("key encoding: {e}"));
    let bytes = |format, bytes: Vec<u8>| EncodedKey::Bytes { format, bytes };
    Ok(match (key, format) {
        (KeyMaterial::Symmetric { bytes: b, .. }, KeyFormat::Raw | KeyFormat::Opaque) => {
            bytes(format, b.to_vec())
        }
        (KeyMaterial::Symmetric { bytes: b, .. }, KeyFormat::TransparentSymmetricKey) => {
            EncodedKey::TransparentSymmetric { key: b.to_vec() }
        }
        (KeyMaterial::RsaPrivate(k), KeyFormat::Pkcs1) => bytes(
            format,
            k.to_pkcs1_der()
                .map_err(|e| enc_err(e.to_string()))?
                .as_bytes()
                .to_vec(),
        ),
        (KeyMaterial::RsaPrivate(k), KeyFormat::Pkcs8) => bytes(
            format,
            k.to_pkcs8_der()
                .map_err(|e| enc_err(e.to_string()))?
                .as_bytes()
                .to_vec(),
        ),
        (KeyMaterial::RsaPrivate(k), KeyFormat::TransparentRsaPrivateKey) => {
            let mut k = (**k).clone();
            k.precompute().map_err(|e| enc_err(e.to_string()))?;
            let primes = k.primes();
            EncodedKey::TransparentRsaPrivate {
                modulus: k.n().to_bytes_be(),
                private_exponent: Some(k.d().to_bytes_be()),
                public_exponent: Some(k.e().to_bytes_be()),
                p: primes.first().map(|p| p.to_bytes_be()),
                q: primes.get(1).map(|q| q.to_bytes_be()),
                prime_exponent_p: k.dp().map(|v| v.to_bytes_be()),
                prime_exponent_q: k.dq().map(|v| v.to_bytes_be()),
                crt_coefficient: k.crt_coefficient().map(|v| v.to_bytes_be()),
            }
        }
        (KeyMaterial::RsaPublic(k), KeyFormat::Pkcs1) => bytes(
            format,
            k.to_pkcs1_der()
                .map_err(|e| enc_err(e.to_string()))?
                .as_bytes()
                .to_vec(),
        ),
        (KeyMaterial::RsaPublic(k), KeyFormat::X509) => bytes(
            format,
            k.to_public_key_der()
                .map_err(|e| enc_err(e.to_string()))?
                .as_bytes()
                .to_vec(),
        ),
        (KeyMaterial::RsaPublic(k), KeyFormat::TransparentRsaPublicKey) => {
            EncodedKey::TransparentRsaPublic {
                modulus: k.n().to_bytes_be(),
                public_exponent: k.e().to_bytes_be(),
            }
        }
        (KeyMaterial::EcPrivate(k), KeyFormat::Pkcs8) => {
            let der = match k {
                EcPrivate::P256(s) => s.to_pkcs8_der(),
                EcPrivate::P384(s) => s.to_pkcs8_der(),
                EcPrivate::P521(s) => s.to_pkcs8_der(),
                EcPrivate::K256(s) => s.to_pkcs8_der(),
                EcPrivate::Ed25519(s) => s.to_pkcs8_der(),
            }
            .map_err(|e| enc_err(e.to_string()))?;
            bytes(format, der.as_bytes().to_vec())
        }
        (KeyMaterial::EcPrivate(k), KeyFormat::EcPrivateKey) => {
            let der = match k {
                EcPrivate::P256(s) => s.to_sec1_der(),
                EcPrivate::P384(s) => s.to_sec1_der(),
                EcPrivate::P521(s) => s.to_sec1_der(),
                EcPrivate::K256(s) => s.to_sec1_der(),
                EcPrivate::Ed25519(_) => {
                    return Err(CryptoError::UnsupportedKeyFormat(
                        "ECPrivateKey (SEC 1) for an Ed25519 key".into(),
                    ))
                }
            }
            .map_err(|e| enc_err(e.to_string()))?;
            bytes(format, der.to_vec())
        }
        (
            KeyMaterial::EcPrivate(k),
            KeyFormat::TransparentEcPrivateKey | KeyFormat::TransparentEcdsaPrivateKey,
        ) => EncodedKey::TransparentEcPrivate {
            curve: k.curve(),
            d: k.scalar_bytes().to_vec(),
        },
        (KeyMaterial::EcPublic(k), KeyFormat::X509) => {
            let der = match k {
                EcPublic::P256(p) => p.to_public_key_der(),
                EcPublic::P384(p) => p.to_public_key_der(),
                EcPublic::P521(p) => p.to_public_key_der(),
                EcPublic::K256(p) => p.to_public_key_der(),
                EcPublic::Ed25519(p) => p.to_public_key_der(),
            }
            .map_err(|e| enc_err(e.to_string()))?;
            bytes(format, der.as_bytes().to_vec())
        }
        (
            KeyMaterial::EcPublic(k),
            KeyFormat::TransparentEcPublicKey | KeyFormat::TransparentEcdsaPublicKey,
        ) => EncodedKey::TransparentEcPublic {
            curve: k.curve(),
            q: k.sec1_bytes(),
        },
        (KeyMaterial::DsaPrivate(k), KeyFormat::Pkcs8) => bytes(
            format,
            k.to_pkcs8_der()
                .map_err(|e| enc_err(e.to_string()))?
                .as_bytes()
                .to_vec(),
        ),
        (KeyMaterial::DsaPrivate(k), KeyFormat::TransparentDsaPrivateKey) => {
            let c = k.verifying_key().components();
            EncodedKey::TransparentDsaPrivate {
                p: c.p().to_bytes_be(),
                q: c.q().to_bytes_be(),
                g: c.g().to_bytes_be(),
                x: k.x().to_bytes_be(),
            }
        }
        (KeyMaterial::DsaPublic(k), KeyFormat::X509) => bytes(
            format,
            k.to_public_key_der()
                .map_err(|e| enc_err(e.to_string()))?
                .as_bytes()
                .to_vec(),
        ),
        (KeyMaterial::DsaPublic(k), KeyFormat::TransparentDsaPublicKey) => {
            let c = k.components();
            EncodedKey::TransparentDsaPublic {
                p: c.p().to_bytes_be(),
                q: c.q().to_bytes_be(),
                g: c.g().to_bytes_be(),
                y: k.y().to_bytes_be(),
            }
        }
        (key, format) => {
            return Err(CryptoError::UnsupportedKeyFormat(format!(
                "{format} for a {:?} {} key",
                key.class(),
                key.algorithm()
            )))
        }
    })
}

/// Re-encode a key in another format (decode, then encode).
pub fn convert_key_format(
    enc: &EncodedKey,
    algorithm: Algorithm,
    class: KeyClass,
    target: KeyFormat,
) -> Result<EncodedKey, CryptoError> {
    if enc.format() == target {
        return Ok(enc.clone());
    }
    encode_key(&decode_key(enc, algorithm, class)?, target)
}

/// The default format for a key pair's halves when the server generates it:
/// RSA → PKCS#1 both; EC → Transparent EC Private / Public Key (KMIP 1.4
/// §2.1.7.14–15, 2.1 §3.11–3.12); DSA → PKCS#8 / X.509.
pub fn default_formats(algorithm: Algorithm) -> (KeyFormat, KeyFormat) {
    match algorithm {
        Algorithm::Rsa => (KeyFormat::Pkcs1, KeyFormat::Pkcs1),
        // RFC 8410 PKCS#8 / SubjectPublicKeyInfo: the one encoding of Ed25519
        // keys every KMIP version that defines Ed25519 has.
        Algorithm::Ed25519 => (KeyFormat::Pkcs8, KeyFormat::X509),
        a if a.is_ec() => (
            KeyFormat::TransparentEcPrivateKey,
            KeyFormat::TransparentEcPublicKey,
        ),
        _ => (KeyFormat::Pkcs8, KeyFormat::X509),
    }
}

/// Generate a symmetric key of `bits` for `algorithm`:
/// AES 128/192/256; DES3 112/168 (16/24 bytes, odd parity) or 128/192;
/// ChaCha20 / ChaCha20-Poly1305 256; HMAC_* 8–4096 bits (multiple of 8);
/// other block ciphers (key generation only, e.g. SKIPJACK 80) any multiple
/// of 8 up to 4096.
pub fn generate_symmetric(algorithm: Algorithm, bits: i64) -> Result<KeyMaterial, CryptoError> {
    let bad = || CryptoError::InvalidParameter(format!("{algorithm} key length {bits}"));
    let bytes = match algorithm {
        Algorithm::Aes => match bits {
            128 | 192 | 256 => bits as usize / 8,
            _ => return Err(bad()),
        },
        Algorithm::TripleDes => match bits {
            112 | 128 => 16,
            168 | 192 => 24,
            _ => return Err(bad()),
        },
        Algorithm::Des => match bits {
            56 | 64 => 8,
            _ => return Err(bad()),
        },
        Algorithm::ChaCha20 | Algorithm::ChaCha20Poly1305 => match bits {
            256 => 32,
            _ => return Err(bad()),
        },
        Algorithm::Rsa
        | Algorithm::Dsa
        | Algorithm::Ec
        | Algorithm::Ecdsa
        | Algorithm::Ecdh
        | Algorithm::Ed25519 => {
            return Err(CryptoError::InvalidParameter(format!(
                "{algorithm} is an asymmetric algorithm (use a key pair)"
            )))
        }
        Algorithm::Skipjack => match bits {
            80 => 10,
            _ => return Err(bad()),
        },
        // DH, ECMQV, the SHA-3 / SHAKE hashes, SM2 / SM3 and the KMIP 3.0
        // post-quantum algorithms are not symmetric key algorithms.
        Algorithm::Other(0x0D | 0x0F | 0x1F..=0x22 | 0x27 | 0x28 | 0x2B | 0x2C | 0x37..) => {
            return Err(CryptoError::InvalidParameter(format!(
                "{algorithm} is not a symmetric key algorithm"
            )))
        }
        _ => {
            if bits <= 0 || bits % 8 != 0 || bits > 4096 {
                return Err(bad());
            }
            bits as usize / 8
        }
    };
    let mut key = Zeroizing::new(vec![0u8; bytes]);
    OsRng
        .try_fill_bytes(&mut key)
        .map_err(|e| CryptoError::Rng(e.to_string()))?;
    if matches!(algorithm, Algorithm::TripleDes | Algorithm::Des) {
        for b in key.iter_mut() {
            *b = (*b & 0xFE) | (((*b >> 1).count_ones() as u8 + 1) % 2);
        }
    }
    Ok(KeyMaterial::Symmetric {
        algorithm,
        bytes: key,
    })
}

/// What to generate a key pair for.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PairSpec {
    /// RSA with a modulus of this many bits (512–8192, multiple of 8), e = 65537.
    Rsa(u32),
    /// EC on a curve.
    Ec(Curve),
    /// DSA with (L, N) = (2048, 224), (2048, 256) or (3072, 256).
    Dsa(u32, u32),
}

/// Generate a key pair: (private, public).
pub fn generate_key_pair(spec: PairSpec) -> Result<(KeyMaterial, KeyMaterial), CryptoError> {
    let private = match spec {
        PairSpec::Rsa(bits) => {
            if !(512..=8192).contains(&bits) || bits % 8 != 0 {
                return Err(CryptoError::InvalidParameter(format!(
                    "RSA modulus of {bits} bits"
                )));
            }
            let k = rsa::RsaPrivateKey::new(&mut OsRng, bits as usize)
                .map_err(|e| CryptoError::Failure(format!("RSA key generation: {e}")))?;
            KeyMaterial::RsaPrivate(Box::new(k))
        }
        PairSpec::Ec(curve) => KeyMaterial::EcPrivate(match curve {
            Curve::P256 => EcPrivate::P256(p256::SecretKey::random(&mut OsRng)),
            Curve::P384 => EcPrivate::P384(p384::SecretKey::random(&mut OsRng)),
            Curve::P521 => EcPrivate::P521(p521::SecretKey::random(&mut OsRng)),
            Curve::Secp256k1 => EcPrivate::K256(k256::SecretKey::random(&mut OsRng)),
            Curve::Curve25519 => {
                EcPrivate::Ed25519(ed25519_dalek::SigningKey::generate(&mut OsRng))
            }
            other => return Err(CryptoError::Unsupported(format!("curve {other}"))),
        }),
        PairSpec::Dsa(l, n) => {
            let size = match (l, n) {
                (2048, 224) => dsa::KeySize::DSA_2048_224,
                (2048, 256) => dsa::KeySize::DSA_2048_256,
                (3072, 256) => dsa::KeySize::DSA_3072_256,
                _ => {
                    return Err(CryptoError::InvalidParameter(format!(
                        "DSA size ({l}, {n})"
                    )))
                }
            };
            let c = dsa::Components::generate(&mut OsRng, size);
            KeyMaterial::DsaPrivate(Box::new(dsa::SigningKey::generate(&mut OsRng, c)))
        }
    };
    let public = private.public_key()?;
    Ok((private, public))
}
