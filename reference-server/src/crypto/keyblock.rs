//! KMIP Key Block ↔ engine key: reads the Key Value of a Key Block (byte
//! string formats and the Transparent structures) into an [`EncodedKey`] and
//! writes one back, converting TTLV Big Integers (two's complement, padded
//! to 8 bytes) to and from unsigned big-endian bytes.

use super::codes::tags;
use super::error::ResultReason;
use super::keys::EncodedKey;
use super::params::{big_value, bytes_value, enum_value, int_value};
use super::payload::OpError;
use super::types::{Curve, KeyFormat};
use kmip_ttlv::{Item, Value};

/// The Key Block of a managed object: `item` itself if it is a Key Block,
/// else its Key Block child (a Symmetric Key / Private Key / … structure).
pub fn find_key_block(item: &Item) -> Option<&Item> {
    if item.tag == tags::KEY_BLOCK {
        Some(item)
    } else {
        item.child(tags::KEY_BLOCK)
    }
}

/// A TTLV Big Integer as unsigned big-endian bytes without leading zeros.
/// Negative values are rejected (key components are never negative).
pub fn big_to_unsigned(v: &[u8]) -> Result<Vec<u8>, OpError> {
    if v.first().is_some_and(|b| b & 0x80 != 0) {
        return Err(OpError::invalid_field(
            "negative Big Integer in key material",
        ));
    }
    let i = v.iter().position(|&b| b != 0).unwrap_or(v.len());
    Ok(v[i..].to_vec())
}

/// Unsigned big-endian bytes as a TTLV Big Integer: a sign byte when the top
/// bit is set, left-padded with zeros to a multiple of 8 bytes.
pub fn unsigned_to_big(v: &[u8]) -> Vec<u8> {
    let i = v.iter().position(|&b| b != 0).unwrap_or(v.len());
    let v = &v[i..];
    let need = if v.first().is_some_and(|b| b & 0x80 != 0) {
        v.len() + 1
    } else {
        v.len()
    };
    let padded = need.div_ceil(8).max(1) * 8;
    let mut out = vec![0u8; padded - v.len()];
    out.extend_from_slice(v);
    out
}

/// The Key Format Type of a Key Block.
pub fn key_format(key_block: &Item) -> Result<KeyFormat, OpError> {
    let f = key_block
        .child(tags::KEY_FORMAT_TYPE)
        .ok_or_else(|| OpError::invalid_field("Key Block without Key Format Type"))?;
    Ok(KeyFormat::from_code(enum_value(f)?))
}

/// The Cryptographic Algorithm code of a Key Block, if present.
pub fn key_block_algorithm(key_block: &Item) -> Result<Option<u32>, OpError> {
    key_block
        .child(tags::CRYPTOGRAPHIC_ALGORITHM)
        .map(enum_value)
        .transpose()
}

/// The Cryptographic Length of a Key Block, if present.
pub fn key_block_length(key_block: &Item) -> Result<Option<i32>, OpError> {
    key_block
        .child(tags::CRYPTOGRAPHIC_LENGTH)
        .map(int_value)
        .transpose()
}

/// True when the Key Block holds wrapped key material.
pub fn is_wrapped(key_block: &Item) -> bool {
    key_block.child(tags::KEY_WRAPPING_DATA).is_some()
        || key_block
            .child(tags::KEY_VALUE)
            .is_some_and(|v| matches!(v.value, Value::ByteString(_)))
}

/// Read the key of a (not wrapped) Key Block.
pub fn encoded_key_from_key_block(key_block: &Item) -> Result<EncodedKey, OpError> {
    if is_wrapped(key_block) {
        return Err(OpError::new(
            ResultReason::KeyValueNotPresent,
            "the key material is wrapped; unwrap it first",
        ));
    }
    let format = key_format(key_block)?;
    let value = key_block.child(tags::KEY_VALUE).ok_or_else(|| {
        OpError::new(
            ResultReason::KeyValueNotPresent,
            "Key Block without Key Value",
        )
    })?;
    let material = value.child(tags::KEY_MATERIAL).ok_or_else(|| {
        OpError::new(
            ResultReason::KeyValueNotPresent,
            "Key Value without Key Material",
        )
    })?;
    if let Value::ByteString(b) = &material.value {
        return match format {
            KeyFormat::Raw
            | KeyFormat::Opaque
            | KeyFormat::Pkcs1
            | KeyFormat::Pkcs8
            | KeyFormat::X509
            | KeyFormat::EcPrivateKey => Ok(EncodedKey::Bytes {
                format,
                bytes: b.clone(),
            }),
            other => Err(OpError::new(
                ResultReason::KeyFormatTypeNotSupported,
                format!("Key Material is a Byte String but the format is {other}"),
            )),
        };
    }
    let field = |tag, name: &str| -> Result<Vec<u8>, OpError> {
        let it = material
            .child(tag)
            .ok_or_else(|| OpError::invalid_field(format!("{format} without {name}")))?;
        big_to_unsigned(big_value(it)?)
    };
    let opt = |tag| -> Result<Option<Vec<u8>>, OpError> {
        material
            .child(tag)
            .map(|it| big_value(it).and_then(big_to_unsigned))
            .transpose()
    };
    let curve = || -> Result<Curve, OpError> {
        let it = material
            .child(tags::RECOMMENDED_CURVE)
            .ok_or_else(|| OpError::invalid_field(format!("{format} without Recommended Curve")))?;
        Ok(Curve::from_code(enum_value(it)?))
    };
    Ok(match format {
        KeyFormat::TransparentSymmetricKey => {
            let k = material
                .child(tags::KEY)
                .ok_or_else(|| OpError::invalid_field("TransparentSymmetricKey without Key"))?;
            EncodedKey::TransparentSymmetric {
                key: bytes_value(k)?.to_vec(),
            }
        }
        KeyFormat::TransparentRsaPublicKey => EncodedKey::TransparentRsaPublic {
            modulus: field(tags::MODULUS, "Modulus")?,
            public_exponent: field(tags::PUBLIC_EXPONENT, "Public Exponent")?,
        },
        KeyFormat::TransparentRsaPrivateKey => EncodedKey::TransparentRsaPrivate {
            modulus: field(tags::MODULUS, "Modulus")?,
            private_exponent: opt(tags::PRIVATE_EXPONENT)?,
            public_exponent: opt(tags::PUBLIC_EXPONENT)?,
            p: opt(tags::P)?,
            q: opt(tags::Q)?,
            prime_exponent_p: opt(tags::PRIME_EXPONENT_P)?,
            prime_exponent_q: opt(tags::PRIME_EXPONENT_Q)?,
            crt_coefficient: opt(tags::CRT_COEFFICIENT)?,
        },
        KeyFormat::TransparentDsaPublicKey => EncodedKey::TransparentDsaPublic {
            p: field(tags::P, "P")?,
            q: field(tags::Q, "Q")?,
            g: field(tags::G, "G")?,
            y: field(tags::Y, "Y")?,
        },
        KeyFormat::TransparentDsaPrivateKey => EncodedKey::TransparentDsaPrivate {
            p: field(tags::P, "P")?,
            q: field(tags::Q, "Q")?,
            g: field(tags::G, "G")?,
            x: field(tags::X, "X")?,
        },
        KeyFormat::TransparentEcPublicKey | KeyFormat::TransparentEcdsaPublicKey => {
            let q = material
                .child(tags::Q_STRING)
                .ok_or_else(|| OpError::invalid_field(format!("{format} without Q String")))?;
            EncodedKey::TransparentEcPublic {
                curve: curve()?,
                q: bytes_value(q)?.to_vec(),
            }
        }
        KeyFormat::TransparentEcPrivateKey | KeyFormat::TransparentEcdsaPrivateKey => {
            EncodedKey::TransparentEcPrivate {
                curve: curve()?,
                d: field(tags::D, "D")?,
            }
        }
        other => {
            return Err(OpError::new(
                ResultReason::KeyFormatTypeNotSupported,
                format!("key format {other}"),
            ))
        }
    })
}

/// The Key Material item of an encoded key.
pub fn key_material_item(enc: &EncodedKey) -> Item {
    let big = |tag, v: &[u8]| Item::new(tag, Value::BigInteger(unsigned_to_big(v)));
    let s = |children: Vec<Item>| Item::structure(tags::KEY_MATERIAL, children);
    match enc {
        EncodedKey::Bytes { bytes, .. } => {
            Item::new(tags::KEY_MATERIAL, Value::ByteString(bytes.clone()))
        }
        EncodedKey::TransparentSymmetric { key } => {
            s(vec![Item::new(tags::KEY, Value::ByteString(key.clone()))])
        }
        EncodedKey::TransparentRsaPublic {
            modulus,
            public_exponent,
        } => s(vec![
            big(tags::MODULUS, modulus),
            big(tags::PUBLIC_EXPONENT, public_exponent),
        ]),
        EncodedKey::TransparentRsaPrivate {
            modulus,
            private_exponent,
            public_exponent,
            p,
            q,
            prime_exponent_p,
            prime_exponent_q,
            crt_coefficient,
        } => {
            let mut c = vec![big(tags::MODULUS, modulus)];
            for (tag, v) in [
                (tags::PRIVATE_EXPONENT, private_exponent),
                (tags::PUBLIC_EXPONENT, public_exponent),
                (tags::P, p),
                (tags::Q, q),
                (tags::PRIME_EXPONENT_P, prime_exponent_p),
                (tags::PRIME_EXPONENT_Q, prime_exponent_q),
                (tags::CRT_COEFFICIENT, crt_coefficient),
            ] {
                if let Some(v) = v {
                    c.push(big(tag, v));
                }
            }
            s(c)
        }
        EncodedKey::TransparentDsaPublic { p, q, g, y } => s(vec![
            big(tags::P, p),
            big(tags::Q, q),
            big(tags::G, g),
            big(tags::Y, y),
        ]),
        EncodedKey::TransparentDsaPrivate { p, q, g, x } => s(vec![
            big(tags::P, p),
            big(tags::Q, q),
            big(tags::G, g),
            big(tags::X, x),
        ]),
        EncodedKey::TransparentEcPublic { curve, q } => s(vec![
            Item::new(tags::RECOMMENDED_CURVE, Value::Enumeration(curve.code())),
            Item::new(tags::Q_STRING, Value::ByteString(q.clone())),
        ]),
        EncodedKey::TransparentEcPrivate { curve, d } => s(vec![
            Item::new(tags::RECOMMENDED_CURVE, Value::Enumeration(curve.code())),
            big(tags::D, d),
        ]),
    }
}

/// A plaintext Key Block: Key Format Type, Key Value { Key Material },
/// Cryptographic Algorithm and Length (when given).
pub fn key_block_item(enc: &EncodedKey, algorithm: Option<u32>, length: Option<i32>) -> Item {
    let mut c = vec![
        Item::new(
            tags::KEY_FORMAT_TYPE,
            Value::Enumeration(enc.format().code()),
        ),
        Item::structure(tags::KEY_VALUE, vec![key_material_item(enc)]),
    ];
    if let Some(a) = algorithm {
        c.push(Item::new(
            tags::CRYPTOGRAPHIC_ALGORITHM,
            Value::Enumeration(a),
        ));
    }
    if let Some(l) = length {
        c.push(Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(l)));
    }
    Item::structure(tags::KEY_BLOCK, c)
}
