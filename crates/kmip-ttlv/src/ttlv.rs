//! Binary TTLV (KMIP 1.0–3.0 §9.1): bounded decoder and encoder.
//!
//! Every item is a 3-byte tag, a 1-byte type, a 4-byte big-endian length and
//! the value padded with zeros to a multiple of 8 bytes. The decoder trusts
//! nothing: every length is checked against the bytes that remain, against
//! the fixed size of its type, and against [`Limits`]; nesting depth is
//! bounded; the only allocations are the values themselves, so memory use is
//! bounded by the input length. Every error carries the byte offset and the
//! path of tags leading to it.

use crate::model::{Item, ItemType, Placeholder, Tag, Value};
use std::fmt;

/// Decoder limits. The defaults suit a KMIP message on the wire.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest accepted encoded message, header included.
    pub max_message_len: usize,
    /// Deepest accepted nesting (the outermost item is depth 1).
    pub max_depth: usize,
    /// Reject non-zero padding bytes (the spec requires zeros).
    pub strict_padding: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_message_len: 64 * 1024 * 1024,
            max_depth: 64,
            strict_padding: true,
        }
    }
}

/// What went wrong while decoding.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// Fewer bytes than an item header or its declared length needs.
    #[error("truncated: need {needed} bytes, {available} available")]
    Truncated {
        /// Bytes needed.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// The type byte is not a TTLV item type.
    #[error("unknown item type 0x{0:02X}")]
    UnknownType(u8),
    /// A fixed-size type with the wrong length field.
    #[error("{item_type} must have length {expected}, found {found}")]
    WrongLength {
        /// The item's type.
        item_type: ItemType,
        /// Length the type requires.
        expected: u32,
        /// Length in the header.
        found: u32,
    },
    /// A Big Integer whose length is not a positive multiple of 8.
    #[error("Big Integer length {0} is not a positive multiple of 8")]
    BadBigIntegerLength(u32),
    /// A Boolean that is neither 0 nor 1.
    #[error("Boolean value {0:#x} is neither 0 nor 1")]
    BadBoolean(u64),
    /// Text that is not UTF-8.
    #[error("text is not valid UTF-8")]
    InvalidUtf8,
    /// Non-zero padding.
    #[error("non-zero padding bytes")]
    NonZeroPadding,
    /// The message is larger than [`Limits::max_message_len`].
    #[error("message length {len} exceeds the limit of {limit} bytes")]
    TooLarge {
        /// Declared or actual length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Nesting deeper than [`Limits::max_depth`].
    #[error("nesting deeper than {0} levels")]
    TooDeep(usize),
    /// Bytes left over after the top-level item.
    #[error("{0} trailing bytes after the message")]
    TrailingBytes(usize),
    /// A structure's children do not fill its declared length exactly.
    #[error("structure contents overrun its declared length")]
    StructureOverrun,
}

/// A decode error with its location.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct DecodeError {
    /// What went wrong.
    pub kind: DecodeErrorKind,
    /// Byte offset of the item header where it went wrong.
    pub offset: usize,
    /// Tags from the outermost item down to the failing one.
    pub path: Vec<Tag>,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind, self.offset)?;
        if !self.path.is_empty() {
            f.write_str(" in ")?;
            for (i, t) in self.path.iter().enumerate() {
                if i > 0 {
                    f.write_str("/")?;
                }
                write!(f, "{t}")?;
            }
        }
        Ok(())
    }
}

/// Why a tree cannot be encoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A `$NAME` placeholder was not bound before encoding.
    #[error("unbound placeholder ${name} at {path}")]
    UnboundPlaceholder {
        /// Placeholder name.
        name: String,
        /// Slash-separated tag path.
        path: String,
    },
    /// A tag value larger than three bytes.
    #[error("tag 0x{0:X} does not fit in three bytes")]
    TagTooLarge(u32),
    /// A value longer than a 32-bit length field.
    #[error("value at {0} is longer than 4 GiB")]
    TooLong(String),
    /// A Big Integer whose byte length is not a multiple of 8.
    #[error("Big Integer at {0} must be a multiple of 8 bytes long")]
    BadBigIntegerLength(String),
}

/// Length of the fixed-size value of a type, `None` for variable-size types.
fn fixed_len(t: ItemType) -> Option<u32> {
    match t {
        ItemType::Integer | ItemType::Enumeration | ItemType::Interval => Some(4),
        ItemType::LongInteger
        | ItemType::Boolean
        | ItemType::DateTime
        | ItemType::DateTimeExtended => Some(8),
        _ => None,
    }
}

/// Padded length of a value of `len` bytes.
fn padded(len: usize) -> usize {
    len.div_ceil(8) * 8
}

/// Given the first 8 bytes of a message (its header), the total length of
/// the message on the wire (header + value). Checks that the outer item is a
/// Structure and that the length is within `limits`: call it before reading
/// the rest from a stream, so a hostile length never causes an allocation.
pub fn frame_length(header: &[u8; 8], limits: &Limits) -> Result<usize, DecodeError> {
    let err = |kind| DecodeError {
        kind,
        offset: 0,
        path: Vec::new(),
    };
    let ty = header[3];
    if ty != ItemType::Structure.code() {
        return Err(err(match ItemType::from_code(ty) {
            Some(t) => DecodeErrorKind::WrongLength {
                item_type: t,
                expected: 0,
                found: 0,
            },
            None => DecodeErrorKind::UnknownType(ty),
        }));
    }
    let len = u32::from_be_bytes([header[4], header[5], header[6], header[7]]) as usize;
    let total = 8usize.saturating_add(len);
    if total > limits.max_message_len {
        return Err(err(DecodeErrorKind::TooLarge {
            len: total,
            limit: limits.max_message_len,
        }));
    }
    Ok(total)
}

/// Decode exactly one item that fills `bytes`.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Item, DecodeError> {
    if bytes.len() > limits.max_message_len {
        return Err(DecodeError {
            kind: DecodeErrorKind::TooLarge {
                len: bytes.len(),
                limit: limits.max_message_len,
            },
            offset: 0,
            path: Vec::new(),
        });
    }
    let mut d = Decoder { buf: bytes, limits };
    let (item, end) = d.item(0, 1).map_err(|mut e| {
        // The path was collected innermost first while unwinding.
        e.path.reverse();
        e
    })?;
    if end != bytes.len() {
        return Err(DecodeError {
            kind: DecodeErrorKind::TrailingBytes(bytes.len() - end),
            offset: end,
            path: Vec::new(),
        });
    }
    Ok(item)
}

/// The tag path of an error is not tracked while decoding: each level adds
/// its tag to the error as it propagates out (innermost first), and
/// [`decode`] reverses it, so the success path never touches it.
struct Decoder<'a> {
    buf: &'a [u8],
    limits: &'a Limits,
}

impl Decoder<'_> {
    fn fail(&self, kind: DecodeErrorKind, offset: usize) -> DecodeError {
        DecodeError {
            kind,
            offset,
            path: Vec::new(),
        }
    }

    fn bytes(&self, at: usize, n: usize, header_at: usize) -> Result<&[u8], DecodeError> {
        let available = self.buf.len().saturating_sub(at);
        if n > available {
            return Err(self.fail(
                DecodeErrorKind::Truncated {
                    needed: n,
                    available,
                },
                header_at,
            ));
        }
        Ok(&self.buf[at..at + n])
    }

    /// Decode the item at `at`; returns it and the offset just past it.
    fn item(&mut self, at: usize, depth: usize) -> Result<(Item, usize), DecodeError> {
        if depth > self.limits.max_depth {
            return Err(self.fail(DecodeErrorKind::TooDeep(self.limits.max_depth), at));
        }
        let h = self.bytes(at, 8, at)?;
        let tag = Tag(u32::from_be_bytes([0, h[0], h[1], h[2]]));
        let code = h[3];
        let len = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
        self.value(at, depth, code, len)
            .map(|(value, end)| (Item { tag, value }, end))
            .map_err(|mut e| {
                e.path.push(tag);
                e
            })
    }

    /// Decode the value of the item whose header is at `at`; returns it and
    /// the offset just past it.
    fn value(
        &mut self,
        at: usize,
        depth: usize,
        code: u8,
        len: u32,
    ) -> Result<(Value, usize), DecodeError> {
        let item_type = match ItemType::from_code(code) {
            Some(t) => t,
            None => return Err(self.fail(DecodeErrorKind::UnknownType(code), at)),
        };
        if let Some(expected) = fixed_len(item_type) {
            if len != expected {
                return Err(self.fail(
                    DecodeErrorKind::WrongLength {
                        item_type,
                        expected,
                        found: len,
                    },
                    at,
                ));
            }
        }
        let vstart = at + 8;
        let len = len as usize;
        let plen = padded(len);
        // Check the declared (padded) extent before touching anything.
        let raw = self.bytes(vstart, plen, at)?;
        let (v, pad) = raw.split_at(len);
        if self.limits.strict_padding
            && item_type != ItemType::Structure
            && pad.iter().any(|b| *b != 0)
        {
            return Err(self.fail(DecodeErrorKind::NonZeroPadding, at));
        }
        let value = match item_type {
            ItemType::Structure => {
                let end = vstart + len;
                let mut children = Vec::new();
                let mut pos = vstart;
                while pos < end {
                    // A child must fit inside the parent's declared length.
                    let saved = self.buf;
                    self.buf = &saved[..end];
                    let r = self.item(pos, depth + 1);
                    self.buf = saved;
                    let (child, next) = r.map_err(|mut e| {
                        if let DecodeErrorKind::Truncated { .. } = e.kind {
                            if end < saved.len() {
                                e.kind = DecodeErrorKind::StructureOverrun;
                            }
                        }
                        e
                    })?;
                    children.push(child);
                    pos = next;
                }
                Value::Structure(children)
            }
            ItemType::Integer => Value::Integer(i32::from_be_bytes([v[0], v[1], v[2], v[3]])),
            ItemType::Enumeration => {
                Value::Enumeration(u32::from_be_bytes([v[0], v[1], v[2], v[3]]))
            }
            ItemType::Interval => Value::Interval(u32::from_be_bytes([v[0], v[1], v[2], v[3]])),
            ItemType::LongInteger => Value::LongInteger(be_i64(v)),
            ItemType::DateTime => Value::DateTime(be_i64(v)),
            ItemType::DateTimeExtended => Value::DateTimeExtended(be_i64(v)),
            ItemType::Boolean => match be_i64(v) as u64 {
                0 => Value::Boolean(false),
                1 => Value::Boolean(true),
                other => return Err(self.fail(DecodeErrorKind::BadBoolean(other), at)),
            },
            ItemType::BigInteger => {
                if len == 0 || len % 8 != 0 {
                    return Err(self.fail(DecodeErrorKind::BadBigIntegerLength(len as u32), at));
                }
                Value::BigInteger(v.to_vec())
            }
            ItemType::ByteString => Value::ByteString(v.to_vec()),
            ItemType::TextString
            | ItemType::Identifier
            | ItemType::Reference
            | ItemType::NameReference => {
                let s = match std::str::from_utf8(v) {
                    Ok(s) => s.to_owned(),
                    Err(_) => return Err(self.fail(DecodeErrorKind::InvalidUtf8, at)),
                };
                match item_type {
                    ItemType::Identifier => Value::Identifier(s),
                    ItemType::Reference => Value::Reference(s),
                    ItemType::NameReference => Value::NameReference(s),
                    _ => Value::TextString(s),
                }
            }
        };
        Ok((value, vstart + plen))
    }
}

fn be_i64(v: &[u8]) -> i64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&v[..8]);
    i64::from_be_bytes(b)
}

/// Encode a tree to binary TTLV: one pass to size the output, then one
/// write into a buffer of exactly that capacity (it never reallocates).
pub fn encode(item: &Item) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    encode_into(item, &mut out)?;
    Ok(out)
}

/// Encode a tree to binary TTLV, appending to `out` (which grows once, by
/// the exact encoded size). On error `out` is left as it was.
pub fn encode_into(item: &Item, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let start = out.len();
    out.reserve_exact(encoded_len(item));
    match enc(item, out) {
        Ok(()) => Ok(()),
        Err(f) => {
            out.truncate(start);
            Err(f.into_error())
        }
    }
}

/// Bytes the encoding of `item` takes (header, value and padding of every
/// item). A placeholder counts as an empty value (it cannot be encoded).
pub fn encoded_len(item: &Item) -> usize {
    8 + value_len(&item.value)
}

/// Padded value length of one item (its children's encodings for a
/// structure). Sizes of values held in memory cannot overflow `usize`.
fn value_len(v: &Value) -> usize {
    match v {
        Value::Structure(children) => children.iter().map(|c| 8 + value_len(&c.value)).sum(),
        Value::Integer(_) | Value::Enumeration(_) | Value::Interval(_) => 8,
        Value::LongInteger(_)
        | Value::DateTime(_)
        | Value::DateTimeExtended(_)
        | Value::Boolean(_) => 8,
        Value::BigInteger(b) | Value::ByteString(b) => padded(b.len()),
        Value::TextString(s)
        | Value::Identifier(s)
        | Value::Reference(s)
        | Value::NameReference(s) => padded(s.len()),
        Value::Placeholder(_) => 0,
    }
}

fn path_string(path: &[Tag]) -> String {
    path.iter()
        .map(|t| t.display_name())
        .collect::<Vec<_>>()
        .join("/")
}

/// An encode failure on its way up: the tags are collected while
/// unwinding (innermost first), so the success path keeps no path.
struct EncodeFail {
    kind: EncodeFailKind,
    path: Vec<Tag>,
}

enum EncodeFailKind {
    Placeholder(String),
    TagTooLarge(u32),
    TooLong,
    BigInteger,
}

impl EncodeFail {
    fn new(kind: EncodeFailKind, tag: Tag) -> EncodeFail {
        EncodeFail {
            kind,
            path: vec![tag],
        }
    }

    fn into_error(mut self) -> EncodeError {
        self.path.reverse();
        let path = path_string(&self.path);
        match self.kind {
            EncodeFailKind::Placeholder(name) => EncodeError::UnboundPlaceholder { name, path },
            EncodeFailKind::TagTooLarge(t) => EncodeError::TagTooLarge(t),
            EncodeFailKind::TooLong => EncodeError::TooLong(path),
            EncodeFailKind::BigInteger => EncodeError::BadBigIntegerLength(path),
        }
    }
}

/// Append the encoding of `item` to `out`.
fn enc(item: &Item, out: &mut Vec<u8>) -> Result<(), EncodeFail> {
    let tag = item.tag;
    if tag.0 > Tag::MAX {
        return Err(EncodeFail::new(EncodeFailKind::TagTooLarge(tag.0), tag));
    }
    // Fixed-size values: header and value word in one write.
    let word = |out: &mut Vec<u8>, ty: ItemType, len: u32, v: [u8; 8]| {
        let h = header(tag, ty, len);
        out.extend_from_slice(&[
            h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], v[0], v[1], v[2], v[3], v[4], v[5],
            v[6], v[7],
        ]);
        Ok(())
    };
    let four = |v: [u8; 4]| [v[0], v[1], v[2], v[3], 0, 0, 0, 0];
    match &item.value {
        Value::Structure(children) => {
            let at = out.len();
            out.extend_from_slice(&header(tag, ItemType::Structure, 0));
            for c in children {
                enc(c, out).map_err(|mut f| {
                    f.path.push(tag);
                    f
                })?;
            }
            let len = u32::try_from(out.len() - at - 8)
                .map_err(|_| EncodeFail::new(EncodeFailKind::TooLong, tag))?;
            if let Some(dst) = out.get_mut(at + 4..at + 8) {
                dst.copy_from_slice(&len.to_be_bytes());
            }
            Ok(())
        }
        Value::Integer(v) => word(out, ItemType::Integer, 4, four(v.to_be_bytes())),
        Value::Enumeration(v) => word(out, ItemType::Enumeration, 4, four(v.to_be_bytes())),
        Value::Interval(v) => word(out, ItemType::Interval, 4, four(v.to_be_bytes())),
        Value::LongInteger(v) => word(out, ItemType::LongInteger, 8, v.to_be_bytes()),
        Value::DateTime(v) => word(out, ItemType::DateTime, 8, v.to_be_bytes()),
        Value::DateTimeExtended(v) => word(out, ItemType::DateTimeExtended, 8, v.to_be_bytes()),
        Value::Boolean(b) => word(out, ItemType::Boolean, 8, u64::from(*b).to_be_bytes()),
        Value::BigInteger(b) if b.is_empty() || b.len() % 8 != 0 => {
            Err(EncodeFail::new(EncodeFailKind::BigInteger, tag))
        }
        Value::BigInteger(b) => bytes_value(out, tag, ItemType::BigInteger, b),
        Value::ByteString(b) => bytes_value(out, tag, ItemType::ByteString, b),
        Value::TextString(s) => bytes_value(out, tag, ItemType::TextString, s.as_bytes()),
        Value::Identifier(s) => bytes_value(out, tag, ItemType::Identifier, s.as_bytes()),
        Value::Reference(s) => bytes_value(out, tag, ItemType::Reference, s.as_bytes()),
        Value::NameReference(s) => bytes_value(out, tag, ItemType::NameReference, s.as_bytes()),
        Value::Placeholder(Placeholder { name, .. }) => Err(EncodeFail::new(
            EncodeFailKind::Placeholder(name.clone()),
            tag,
        )),
    }
}

/// The 8-byte header of an item.
#[inline]
fn header(tag: Tag, ty: ItemType, len: u32) -> [u8; 8] {
    let t = tag.0.to_be_bytes();
    let l = len.to_be_bytes();
    [t[1], t[2], t[3], ty.code(), l[0], l[1], l[2], l[3]]
}

/// Header, bytes and zero padding of a variable-length value: the whole
/// 8-byte words in one copy, the last partial word (zero-padded) in one
/// fixed-size write.
#[inline]
fn bytes_value(out: &mut Vec<u8>, tag: Tag, ty: ItemType, v: &[u8]) -> Result<(), EncodeFail> {
    let Ok(len) = u32::try_from(v.len()) else {
        return Err(EncodeFail::new(EncodeFailKind::TooLong, tag));
    };
    out.extend_from_slice(&header(tag, ty, len));
    let whole = v.len() & !7;
    out.extend_from_slice(&v[..whole]);
    let rest = &v[whole..];
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        out.extend_from_slice(&last);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: u32) -> Tag {
        Tag(v)
    }

    fn sample() -> Item {
        Item::structure(
            t(0x420078),
            vec![
                Item::new(t(0x420094), Value::TextString("abc".into())),
                Item::new(t(0x420057), Value::Enumeration(2)),
                Item::new(t(0x42000D), Value::Integer(-7)),
                Item::new(t(0x420008), Value::Boolean(true)),
                Item::new(t(0x420040), Value::BigInteger(vec![0, 0, 0, 0, 0, 1, 0, 1])),
                Item::new(t(0x420092), Value::DateTime(1_335_514_344)),
                Item::new(t(0x42004A), Value::Interval(3600)),
                Item::new(
                    t(0x420043),
                    Value::ByteString(vec![1, 2, 3, 4, 5, 6, 7, 8, 9]),
                ),
                Item::new(t(0x420001), Value::LongInteger(-1)),
                Item::new(t(0x420002), Value::DateTimeExtended(1)),
                Item::new(t(0x420003), Value::Identifier("id".into())),
                Item::structure(t(0x420004), vec![]),
            ],
        )
    }

    #[test]
    fn round_trip() {
        let item = sample();
        let bytes = encode(&item).expect("encode");
        assert_eq!(bytes.len() % 8, 0);
        let back = decode(&bytes, &Limits::default()).expect("decode");
        assert_eq!(back, item);
    }

    #[test]
    fn spec_example_integer() {
        // KMIP spec §9.1.2 example: Integer 8 → 42 00 20 | 02 | 00 00 00 04 | 00 00 00 08 00 00 00 00
        let item = Item::new(t(0x420020), Value::Integer(8));
        let bytes = encode(&item).expect("encode");
        assert_eq!(hex::encode(&bytes), "42002002000000040000000800000000");
    }

    #[test]
    fn truncated_is_error() {
        let bytes = encode(&sample()).expect("encode");
        for cut in [0, 3, 7, 8, 15, bytes.len() - 1] {
            let e = decode(&bytes[..cut], &Limits::default()).expect_err("must fail");
            assert!(
                matches!(
                    e.kind,
                    DecodeErrorKind::Truncated { .. } | DecodeErrorKind::StructureOverrun
                ),
                "cut {cut}: {e}"
            );
        }
    }

    #[test]
    fn oversized_length_is_error_without_allocation() {
        let mut bytes = encode(&sample()).expect("encode");
        bytes[4..8].copy_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
        let e = decode(&bytes, &Limits::default()).expect_err("must fail");
        assert!(matches!(e.kind, DecodeErrorKind::Truncated { .. }), "{e}");
        let header: [u8; 8] = bytes[..8].try_into().expect("8 bytes");
        let e = frame_length(&header, &Limits::default()).expect_err("must fail");
        assert!(matches!(e.kind, DecodeErrorKind::TooLarge { .. }), "{e}");
    }

    #[test]
    fn wrong_type_and_length_are_errors() {
        let mut bytes = encode(&Item::new(t(0x420020), Value::Integer(8))).expect("encode");
        bytes[3] = 0x0F;
        let e = decode(&bytes, &Limits::default()).expect_err("must fail");
        assert_eq!(e.kind, DecodeErrorKind::UnknownType(0x0F));
        bytes[3] = 0x02;
        bytes[7] = 0x08;
        let e = decode(&bytes, &Limits::default()).expect_err("must fail");
        assert!(matches!(e.kind, DecodeErrorKind::WrongLength { .. }), "{e}");
    }

    #[test]
    fn deep_nesting_is_error_not_stack_overflow() {
        let mut item = Item::new(t(0x420020), Value::Integer(1));
        for _ in 0..1000 {
            item = Item::structure(t(0x420078), vec![item]);
        }
        // Encoding is recursive too, so encode a moderate tree and build the
        // deep input by hand.
        let depth = 1000usize;
        let mut bytes = Vec::new();
        for i in 0..depth {
            let remaining = (depth - i - 1) * 8 + 16;
            bytes.extend_from_slice(&[0x42, 0x00, 0x78, 0x01]);
            bytes.extend_from_slice(&(remaining as u32).to_be_bytes());
        }
        bytes.extend_from_slice(&hex::decode("42002002000000040000000100000000").expect("hex"));
        let e = decode(&bytes, &Limits::default()).expect_err("must fail");
        assert_eq!(e.kind, DecodeErrorKind::TooDeep(64));
        assert_eq!(e.path.len(), 64);
        drop(item);
    }

    #[test]
    fn child_overrunning_parent_is_error() {
        // Structure of length 16 holding an Integer whose padded size is 16,
        // followed by one more Integer outside the structure: valid. Shrink
        // the structure length to 8: the child now overruns it.
        let inner = hex::decode("42002002000000040000000100000000").expect("hex");
        let mut bytes = vec![0x42, 0x00, 0x78, 0x01, 0, 0, 0, 8];
        bytes.extend_from_slice(&inner);
        let e = decode(&bytes, &Limits::default()).expect_err("must fail");
        assert!(
            matches!(
                e.kind,
                DecodeErrorKind::StructureOverrun | DecodeErrorKind::Truncated { .. }
            ),
            "{e}"
        );
    }

    #[test]
    fn bad_boolean_padding_utf8() {
        let mut b = encode(&Item::new(t(0x420008), Value::Boolean(true))).expect("encode");
        b[15] = 2;
        assert!(matches!(
            decode(&b, &Limits::default()).expect_err("bool").kind,
            DecodeErrorKind::BadBoolean(2)
        ));
        let mut s = encode(&Item::new(t(0x420094), Value::TextString("a".into()))).expect("enc");
        s[9] = 1;
        assert_eq!(
            decode(&s, &Limits::default()).expect_err("pad").kind,
            DecodeErrorKind::NonZeroPadding
        );
        s[9] = 0;
        s[8] = 0xFF;
        assert_eq!(
            decode(&s, &Limits::default()).expect_err("utf8").kind,
            DecodeErrorKind::InvalidUtf8
        );
    }

    #[test]
    fn unbound_placeholder_cannot_encode() {
        let item = Item::new(
            t(0x420094),
            Value::Placeholder(Placeholder {
                item_type: ItemType::TextString,
                name: "UNIQUE_IDENTIFIER_0".into(),
            }),
        );
        assert!(matches!(
            encode(&item),
            Err(EncodeError::UnboundPlaceholder { .. })
        ));
    }

    #[test]
    fn trailing_bytes() {
        let mut b = encode(&sample()).expect("encode");
        b.extend_from_slice(&[0; 8]);
        assert_eq!(
            decode(&b, &Limits::default()).expect_err("trailing").kind,
            DecodeErrorKind::TrailingBytes(8)
        );
    }
}
