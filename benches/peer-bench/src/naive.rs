//! The reference floor for an owned tree: a plain recursive TTLV decoder and
//! encoder for the same [`Item`] tree, written the obvious way (a `Vec` that
//! grows as children are pushed, a `String`/`Vec<u8>` per text/bytes value,
//! an output `Vec` that grows as items are appended).
//!
//! It checks every header and value extent, children against their parent,
//! type codes, fixed lengths, UTF-8 and that the item fills the input. It
//! does NOT check padding bytes, Boolean values, Big Integer lengths or the
//! nesting depth, and reports no error detail: it does less than
//! `kmip_ttlv::ttlv::decode`, which is what makes it a floor.

use kmip_ttlv::{Item, Tag, Value};

/// Decode one item that fills `b`; `None` on any malformation.
pub fn decode(b: &[u8]) -> Option<Item> {
    let (item, end) = item(b, 0)?;
    (end == b.len()).then_some(item)
}

fn item(b: &[u8], at: usize) -> Option<(Item, usize)> {
    let h = b.get(at..at.checked_add(8)?)?;
    let tag = Tag(u32::from_be_bytes([0, h[0], h[1], h[2]]));
    let len = u32::from_be_bytes([h[4], h[5], h[6], h[7]]) as usize;
    let start = at + 8;
    let end = start.checked_add(len)?;
    let next = start.checked_add(len.div_ceil(8) * 8)?;
    if next > b.len() {
        return None;
    }
    let v = &b[start..end];
    let n4 = || v.try_into().ok().filter(|_| len == 4);
    let n8 = || v.try_into().ok().filter(|_| len == 8);
    let value = match h[3] {
        0x01 => {
            let mut children = Vec::new();
            let mut pos = start;
            while pos < end {
                let (c, n) = item(&b[..end], pos)?;
                children.push(c);
                pos = n;
            }
            Value::Structure(children)
        }
        0x02 => Value::Integer(i32::from_be_bytes(n4()?)),
        0x03 => Value::LongInteger(i64::from_be_bytes(n8()?)),
        0x04 => Value::BigInteger(v.to_vec()),
        0x05 => Value::Enumeration(u32::from_be_bytes(n4()?)),
        0x06 => Value::Boolean(u64::from_be_bytes(n8()?) != 0),
        0x07 => Value::TextString(std::str::from_utf8(v).ok()?.to_owned()),
        0x08 => Value::ByteString(v.to_vec()),
        0x09 => Value::DateTime(i64::from_be_bytes(n8()?)),
        0x0A => Value::Interval(u32::from_be_bytes(n4()?)),
        0x0B => Value::DateTimeExtended(i64::from_be_bytes(n8()?)),
        0x0C => Value::Identifier(std::str::from_utf8(v).ok()?.to_owned()),
        0x0D => Value::Reference(std::str::from_utf8(v).ok()?.to_owned()),
        0x0E => Value::NameReference(std::str::from_utf8(v).ok()?.to_owned()),
        _ => return None,
    };
    Some((Item { tag, value }, next))
}

/// Encode a tree (`None` for a placeholder, which has no binary form).
pub fn encode(item: &Item) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    enc(item, &mut out)?;
    Some(out)
}

fn enc(item: &Item, out: &mut Vec<u8>) -> Option<()> {
    let t = item.tag.0.to_be_bytes();
    out.extend_from_slice(&[t[1], t[2], t[3], item.item_type().code(), 0, 0, 0, 0]);
    let start = out.len();
    match &item.value {
        Value::Structure(children) => {
            for c in children {
                enc(c, out)?;
            }
        }
        Value::Integer(v) => out.extend_from_slice(&v.to_be_bytes()),
        Value::Enumeration(v) | Value::Interval(v) => out.extend_from_slice(&v.to_be_bytes()),
        Value::LongInteger(v) | Value::DateTime(v) | Value::DateTimeExtended(v) => {
            out.extend_from_slice(&v.to_be_bytes())
        }
        Value::Boolean(b) => out.extend_from_slice(&u64::from(*b).to_be_bytes()),
        Value::BigInteger(b) | Value::ByteString(b) => out.extend_from_slice(b),
        Value::TextString(s)
        | Value::Identifier(s)
        | Value::Reference(s)
        | Value::NameReference(s) => out.extend_from_slice(s.as_bytes()),
        Value::Placeholder(_) => return None,
    }
    let len = out.len() - start;
    out[start - 4..start].copy_from_slice(&u32::try_from(len).ok()?.to_be_bytes());
    out.resize(start + len.div_ceil(8) * 8, 0);
    Some(())
}
