//! Key wrapping on Get (KMIP 1.4 §2.1.5 / 2.1 §2.1.5 "Key Wrapping Data",
//! §2.1.6 "Key Wrapping Specification"): Wrapping Method Encrypt with a
//! symmetric AES wrapping key in NIST Key Wrap (RFC 3394) or AES Key Wrap
//! with Padding (RFC 5649) mode.
//!
//! The wrapped data is the Key Value: TTLV-encoded (Encoding Option TTLV
//! Encoding, the default) or, with Encoding Option No Encoding, the raw Key
//! Material bytes. The response Key Block carries the wrapped bytes as a
//! Byte String Key Value and a Key Wrapping Data structure describing the
//! wrapping. MAC/sign wrapping and asymmetric wrapping keys are answered
//! with Feature Not Supported / Invalid Field, never silently ignored.

use super::{load_live, reason_for, wrong_state};
use crate::error::KmipError;
use crate::server::Session;
use crate::spec::enums::{crypto_alg as alg, object_type as ot, result_reason as rr, state};
use crate::spec::tags as t;
use crate::tree::{bytes, enumeration, st, Fields};
use kmip_ttlv::{Item, Value};

/// Wrapping Method Encrypt.
const WRAPPING_METHOD_ENCRYPT: u32 = 0x01;
/// Encoding Option No Encoding.
const ENCODING_NONE: u32 = 0x01;
/// Encoding Option TTLV Encoding.
const ENCODING_TTLV: u32 = 0x02;
/// Block Cipher Mode AES Key Wrap Padding (RFC 5649).
const MODE_AES_KEY_WRAP_PADDING: u32 = 0x0C;
/// Block Cipher Mode NIST Key Wrap (RFC 3394).
const MODE_NIST_KEY_WRAP: u32 = 0x0D;
/// Cryptographic Usage Mask Wrap Key.
const USAGE_WRAP_KEY: i32 = 0x10;

/// Wrap the Key Block of `body` (an object structure such as Symmetric
/// Key) in place per the Key Wrapping Specification `spec`.
pub fn wrap_body(s: &Session<'_>, body: &mut Item, spec: &Item) -> Result<(), KmipError> {
    let f = Fields::new(spec);
    let method = f.require_enum(t::WRAPPING_METHOD)?;
    if method != WRAPPING_METHOD_ENCRYPT {
        return Err(KmipError::feature_not_supported(
            "only Wrapping Method Encrypt is supported",
        ));
    }
    if f.get(t::MAC_SIGNATURE_KEY_INFORMATION).is_some() {
        return Err(KmipError::feature_not_supported(
            "MAC/Signature Key Information is not supported",
        ));
    }
    let eki = f.require(t::ENCRYPTION_KEY_INFORMATION)?;
    let ef = Fields::new(eki);
    let wrap_uid = s.resolve_uid_item(ef.require(t::UNIQUE_IDENTIFIER)?)?;
    let params = ef.get(t::CRYPTOGRAPHIC_PARAMETERS);
    let key = load_live(s, &wrap_uid)?;
    let mode = match params {
        Some(p) => Fields::new(p).enumeration(t::BLOCK_CIPHER_MODE)?,
        None => None,
    }
    .or_else(|| {
        key.attributes
            .first(t::CRYPTOGRAPHIC_PARAMETERS)
            .and_then(|cp| {
                Fields::new(cp)
                    .enumeration(t::BLOCK_CIPHER_MODE)
                    .ok()
                    .flatten()
            })
    })
    .unwrap_or(MODE_NIST_KEY_WRAP);
    if key.object_type != ot::SYMMETRIC_KEY
        || key.attributes.enum_value(t::CRYPTOGRAPHIC_ALGORITHM) != Some(alg::AES)
    {
        return Err(KmipError::feature_not_supported(
            "the wrapping key must be an AES Symmetric Key",
        ));
    }
    if key.state() != state::ACTIVE {
        return Err(wrong_state(s.version, "the wrapping key is not Active"));
    }
    let usage = key
        .attributes
        .int_value(t::CRYPTOGRAPHIC_USAGE_MASK)
        .unwrap_or(0);
    if usage & USAGE_WRAP_KEY == 0 {
        return Err(KmipError::new(
            reason_for(
                s.version,
                rr::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK,
                rr::PERMISSION_DENIED,
            ),
            "the wrapping key does not have the Wrap Key usage",
        ));
    }
    let kek = key
        .key_block()
        .and_then(|kb| kb.child(t::KEY_VALUE))
        .and_then(|kv| kv.child(t::KEY_MATERIAL))
        .and_then(|m| match &m.value {
            Value::ByteString(b) => Some(b.clone()),
            Value::Structure(c) => {
                c.iter()
                    .find(|i| i.tag == t::KEY)
                    .and_then(|k| match &k.value {
                        Value::ByteString(b) => Some(b.clone()),
                        _ => None,
                    })
            }
            _ => None,
        })
        .ok_or_else(|| {
            KmipError::new(
                rr::KEY_VALUE_NOT_PRESENT,
                "the wrapping key has no key material",
            )
        })?;
    let encoding = f.enumeration(t::ENCODING_OPTION)?.unwrap_or(ENCODING_TTLV);
    let kb = body
        .child_mut(t::KEY_BLOCK)
        .ok_or_else(|| KmipError::invalid_field("only objects with a Key Block can be wrapped"))?;
    if kb.child(t::KEY_WRAPPING_DATA).is_some() {
        return Err(KmipError::invalid_field("the key is already wrapped"));
    }
    let kv = kb
        .child(t::KEY_VALUE)
        .ok_or_else(|| KmipError::new(rr::KEY_VALUE_NOT_PRESENT, "no Key Value"))?;
    let plain = match encoding {
        ENCODING_TTLV => kmip_ttlv::ttlv::encode(kv)
            .map_err(|e| KmipError::general(format!("cannot encode the Key Value: {e}")))?,
        ENCODING_NONE => match kv.child(t::KEY_MATERIAL).map(|m| &m.value) {
            Some(Value::ByteString(b)) => b.clone(),
            _ => {
                return Err(KmipError::invalid_field(
                    "Encoding Option No Encoding needs byte-string Key Material",
                ))
            }
        },
        other => {
            return Err(KmipError::new(
                rr::ENCODING_OPTION_ERROR,
                format!("unknown Encoding Option {other:#x}"),
            ))
        }
    };
    let wrapped = aes_wrap(&kek, &plain, mode)?;
    let mut wkd = vec![
        enumeration(t::WRAPPING_METHOD, method),
        st(
            t::ENCRYPTION_KEY_INFORMATION,
            params
                .map(|p| vec![s.uid_item(t::UNIQUE_IDENTIFIER, &wrap_uid), p.clone()])
                .unwrap_or_else(|| vec![s.uid_item(t::UNIQUE_IDENTIFIER, &wrap_uid)]),
        ),
    ];
    if let Some(e) = f.get(t::ENCODING_OPTION) {
        wkd.push(e.clone());
    }
    if let Some(children) = kb.children_mut() {
        for c in children.iter_mut() {
            if c.tag == t::KEY_VALUE {
                *c = bytes(t::KEY_VALUE, wrapped.clone());
            }
        }
        children.push(st(t::KEY_WRAPPING_DATA, wkd));
    }
    Ok(())
}

/// AES key wrap of `data` with `kek` in the given Block Cipher Mode.
pub fn aes_wrap(kek: &[u8], data: &[u8], mode: u32) -> Result<Vec<u8>, KmipError> {
    macro_rules! run {
        ($k:ty) => {{
            let k = <$k>::try_from(kek)
                .map_err(|e| KmipError::invalid_field(format!("wrapping key: {e}")))?;
            match mode {
                MODE_NIST_KEY_WRAP => k.wrap_vec(data),
                MODE_AES_KEY_WRAP_PADDING => k.wrap_with_padding_vec(data),
                _ => {
                    return Err(KmipError::feature_not_supported(
                        "only NIST Key Wrap and AES Key Wrap with Padding are supported",
                    ))
                }
            }
            .map_err(|e| KmipError::new(rr::CRYPTOGRAPHIC_FAILURE, format!("key wrap: {e}")))
        }};
    }
    match kek.len() {
        16 => run!(aes_kw::KekAes128),
        24 => run!(aes_kw::KekAes192),
        32 => run!(aes_kw::KekAes256),
        n => Err(KmipError::invalid_field(format!(
            "an AES wrapping key of {n} bytes is not valid"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3394_vector() {
        // RFC 3394 §4.6: 256-bit KEK, 256-bit key data.
        let kek = hex::decode("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")
            .expect("hex");
        let data = hex::decode("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F")
            .expect("hex");
        let out = aes_wrap(&kek, &data, MODE_NIST_KEY_WRAP).expect("wrap");
        assert_eq!(
            hex::encode_upper(out),
            "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21"
        );
    }

    #[test]
    fn bad_kek_length_is_invalid_field() {
        let e = aes_wrap(&[0u8; 5], &[0u8; 16], MODE_NIST_KEY_WRAP).expect_err("bad kek");
        assert_eq!(e.reason, rr::INVALID_FIELD);
    }
}
