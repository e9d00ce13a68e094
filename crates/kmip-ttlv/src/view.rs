//! Zero-copy binary TTLV: a fully validating decoder that builds a flat
//! index over the input instead of an owned tree.
//!
//! [`parse`] checks exactly what [`ttlv::decode`](crate::ttlv::decode)
//! checks — message size, nesting depth, header and value extents, fixed
//! lengths, padding, Boolean 0/1, UTF-8, Big Integer length, children that
//! overrun their structure, trailing bytes — and fails with the same
//! [`DecodeError`] (same kind, byte offset and tag path) on the same input.
//! On success it returns a [`View`]: one arena of nodes (tag, type, value
//! range, index just past the node's subtree) laid out in wire order over the
//! borrowed bytes. Nothing is copied; text and byte values are handed out as
//! slices of the input.
//!
//! The parser is iterative (no recursion, whatever the depth limit), makes
//! one allocation (the arena, sized from the input length and grown if a
//! message is denser than the estimate) and builds the tag path of an error
//! only when there is an error: the chain of open structures is threaded
//! through the arena itself while parsing.
//!
//! Navigate with [`View::root`] and [`NodeRef`]; convert to the owned tree
//! with [`View::to_item`] (equal to what `ttlv::decode` returns).

use crate::model::{Item, ItemType, Tag, Value};
use crate::ttlv::{DecodeError, DecodeErrorKind, Limits};
use std::fmt;
use std::ops::Range;

/// Marker for "no open structure" in the parse-time parent chain.
const NONE: u32 = u32::MAX;

/// Initial arena capacity cap: enough for every message of the OASIS corpus;
/// denser messages grow the arena.
const INITIAL_NODES_MAX: usize = 1024;

/// One item of the arena.
#[derive(Clone, Copy, Debug)]
struct Node {
    /// Offset of the first value byte (just past the 8-byte header).
    start: usize,
    /// Value length from the header (without padding).
    len: u32,
    /// The 3-byte tag.
    tag: u32,
    /// Index just past this node's subtree (its next sibling, if any).
    /// While parsing, an open structure holds its parent's index here.
    end: u32,
    /// The item type.
    ty: ItemType,
}

/// A validated TTLV message borrowed from its bytes: a flat index of its
/// items in wire order.
#[derive(Clone)]
pub struct View<'a> {
    bytes: &'a [u8],
    nodes: Vec<Node>,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("View")
            .field("len", &self.bytes.len())
            .field("nodes", &self.nodes.len())
            .finish()
    }
}

/// Why a typed accessor of a [`NodeRef`] could not return a value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccessError {
    /// The item has another type than the accessor reads.
    #[error("{tag} is of type {found}, not {expected}")]
    WrongType {
        /// The item's tag.
        tag: Tag,
        /// What the accessor reads (`"an Integer"`).
        expected: &'static str,
        /// The item's type.
        found: ItemType,
    },
    /// Text that is not UTF-8. [`parse`] rejects such input, so a view it
    /// built never yields this; the variant exists so no accessor can panic.
    #[error("{0} is not valid UTF-8")]
    InvalidUtf8(Tag),
}

#[inline]
fn be_u32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

#[inline]
fn be_u64(b: &[u8], at: usize) -> u64 {
    u64::from_be_bytes([
        b[at],
        b[at + 1],
        b[at + 2],
        b[at + 3],
        b[at + 4],
        b[at + 5],
        b[at + 6],
        b[at + 7],
    ])
}

/// Parse and validate one TTLV item that fills `bytes`, building a
/// [`View`] over it. Accepts and rejects exactly what
/// [`ttlv::decode`](crate::ttlv::decode) does, with the same error.
pub fn parse<'a>(bytes: &'a [u8], limits: &Limits) -> Result<View<'a>, DecodeError> {
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
    // Node indices are u32 and every item takes at least 8 bytes.
    let index_limit = (u32::MAX as usize - 1).saturating_mul(8);
    if bytes.len() > index_limit {
        return Err(DecodeError {
            kind: DecodeErrorKind::TooLarge {
                len: bytes.len(),
                limit: index_limit,
            },
            offset: 0,
            path: Vec::new(),
        });
    }
    let mut nodes = Vec::with_capacity((bytes.len() / 8).clamp(1, INITIAL_NODES_MAX));
    run(bytes, limits, &mut nodes)?;
    Ok(View { bytes, nodes })
}

/// Where in an item's checks an error arose: before its tag is part of the
/// path (depth, header) or after.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    BeforeTag,
    AfterTag(u32),
}

/// `TYPE_INFO[code]`: what the decoder needs to know about a type byte.
const INVALID: u8 = 0;
const STRUCTURE: u8 = 1;
const VARIABLE: u8 = 2;
// Fixed-size types carry their length (4 or 8).
const TYPE_INFO: [u8; 256] = {
    let mut t = [INVALID; 256];
    t[0x01] = STRUCTURE;
    t[0x02] = 4; // Integer
    t[0x03] = 8; // Long Integer
    t[0x04] = VARIABLE; // Big Integer
    t[0x05] = 4; // Enumeration
    t[0x06] = 8; // Boolean
    t[0x07] = VARIABLE; // Text String
    t[0x08] = VARIABLE; // Byte String
    t[0x09] = 8; // Date-Time
    t[0x0A] = 4; // Interval
    t[0x0B] = 8; // Date-Time Extended
    t[0x0C] = VARIABLE; // Identifier
    t[0x0D] = VARIABLE; // Reference
    t[0x0E] = VARIABLE; // Name Reference
    t
};

/// End (unpadded) of the structure at `open`, or of the input.
#[inline]
fn limit_of(bytes: &[u8], nodes: &[Node], open: u32) -> usize {
    match nodes.get(open as usize) {
        Some(n) => n.start + n.len as usize,
        None => bytes.len(),
    }
}

/// Build the error the owned decoder reports: path of open structures
/// (plus the failing item's tag once read); a truncation inside a
/// structure that ends before the input does becomes a structure overrun.
#[cold]
#[inline(never)]
fn fail(
    bytes: &[u8],
    nodes: &[Node],
    open: u32,
    mut kind: DecodeErrorKind,
    offset: usize,
    stage: Stage,
) -> DecodeError {
    let mut path = Vec::new();
    let mut i = open;
    while let Some(n) = nodes.get(i as usize) {
        path.push(Tag(n.tag));
        i = n.end;
    }
    path.reverse();
    if let Stage::AfterTag(t) = stage {
        path.push(Tag(t));
    }
    if matches!(kind, DecodeErrorKind::Truncated { .. })
        && open != NONE
        && limit_of(bytes, nodes, open) < bytes.len()
    {
        kind = DecodeErrorKind::StructureOverrun;
    }
    DecodeError { kind, offset, path }
}

/// The parse loop: iterative, one item per turn. Open structures form a
/// chain through their nodes' `end` fields (innermost in `open`); a
/// structure's `end` becomes its subtree end when its last child is done.
fn run(bytes: &[u8], limits: &Limits, nodes: &mut Vec<Node>) -> Result<(), DecodeError> {
    let strict = limits.strict_padding;
    let max_depth = limits.max_depth;
    let mut open = NONE;
    let mut pos = 0usize;
    let mut depth = 0usize; // open structures
    let mut limit = bytes.len();
    loop {
        // One item at `pos`, inside `limit`, at nesting depth + 1.
        let at = pos;
        if depth >= max_depth {
            let kind = DecodeErrorKind::TooDeep(max_depth);
            return Err(fail(bytes, nodes, open, kind, at, Stage::BeforeTag));
        }
        let available = limit - at;
        let Some(h) = bytes.get(at..at + 8).filter(|_| available >= 8) else {
            let kind = DecodeErrorKind::Truncated {
                needed: 8,
                available,
            };
            return Err(fail(bytes, nodes, open, kind, at, Stage::BeforeTag));
        };
        let h = u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
        let tag = (h >> 40) as u32;
        let code = (h >> 32) as u8;
        let len = h as u32;
        let stage = Stage::AfterTag(tag);
        let info = TYPE_INFO[usize::from(code)];
        let ty = match ItemType::from_code(code) {
            Some(ty) if info != INVALID => ty,
            _ => {
                let kind = DecodeErrorKind::UnknownType(code);
                return Err(fail(bytes, nodes, open, kind, at, stage));
            }
        };
        if info > VARIABLE && len != u32::from(info) {
            let kind = DecodeErrorKind::WrongLength {
                item_type: ty,
                expected: u32::from(info),
                found: len,
            };
            return Err(fail(bytes, nodes, open, kind, at, stage));
        }
        let vstart = at + 8;
        let ulen = len as usize;
        let plen = ulen.div_ceil(8) * 8;
        let available = limit - vstart;
        if plen > available {
            let kind = DecodeErrorKind::Truncated {
                needed: plen,
                available,
            };
            return Err(fail(bytes, nodes, open, kind, at, stage));
        }
        let idx = idx_after(nodes.len());
        if info == STRUCTURE {
            if ulen > 0 {
                // Open it: children follow; `end` links to the parent until
                // the structure is closed.
                nodes.push(Node {
                    start: vstart,
                    len,
                    tag,
                    end: open,
                    ty,
                });
                open = idx;
                depth += 1;
                limit = vstart + ulen;
                pos = vstart;
                continue;
            }
            pos = vstart;
        } else {
            let vend = vstart + ulen;
            pos = vstart + plen;
            if strict && plen > ulen {
                // The padding is the low bytes of the value's last word.
                let w = bytes.get(pos - 8..pos).map_or(0, |w| {
                    u64::from_be_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]])
                });
                if w & (u64::MAX >> (64 - 8 * (plen - ulen))) != 0 {
                    let kind = DecodeErrorKind::NonZeroPadding;
                    return Err(fail(bytes, nodes, open, kind, at, stage));
                }
            }
            let kind = match ty {
                ItemType::Boolean => match be_u64(bytes, vstart) {
                    0 | 1 => None,
                    v => Some(DecodeErrorKind::BadBoolean(v)),
                },
                ItemType::BigInteger if ulen == 0 || ulen % 8 != 0 => {
                    Some(DecodeErrorKind::BadBigIntegerLength(len))
                }
                ItemType::TextString
                | ItemType::Identifier
                | ItemType::Reference
                | ItemType::NameReference
                    if std::str::from_utf8(&bytes[vstart..vend]).is_err() =>
                {
                    Some(DecodeErrorKind::InvalidUtf8)
                }
                _ => None,
            };
            if let Some(kind) = kind {
                return Err(fail(bytes, nodes, open, kind, at, stage));
            }
        }
        nodes.push(Node {
            start: vstart,
            len,
            tag,
            end: idx + 1,
            ty,
        });
        // Close every structure this item completed.
        let after = idx + 1;
        while pos == limit {
            let Some(n) = nodes.get_mut(open as usize) else {
                // The top-level item is complete.
                break;
            };
            open = n.end;
            n.end = after;
            depth -= 1;
            limit = limit_of(bytes, nodes, open);
        }
        if open == NONE {
            if pos != bytes.len() {
                return Err(DecodeError {
                    kind: DecodeErrorKind::TrailingBytes(bytes.len() - pos),
                    offset: pos,
                    path: Vec::new(),
                });
            }
            return Ok(());
        }
    }
}

/// Arena length as a node index (bounded by the input-size check in [`parse`]).
#[inline]
fn idx_after(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(NONE)
}

impl<'a> View<'a> {
    /// The top-level item.
    pub fn root(&self) -> NodeRef<'_, 'a> {
        NodeRef { view: self, idx: 0 }
    }

    /// The bytes the view was parsed from.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Number of items in the message (structures included).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Every item in wire order (parents before their children).
    pub fn iter(&self) -> impl Iterator<Item = NodeRef<'_, 'a>> + '_ {
        (0..self.nodes.len()).map(move |idx| NodeRef { view: self, idx })
    }

    /// The owned tree, equal to what [`ttlv::decode`](crate::ttlv::decode)
    /// returns for the same bytes.
    pub fn to_item(&self) -> Item {
        self.root().to_item()
    }
}

/// One item of a [`View`]. Cheap to copy; borrows the view (`'v`) and hands
/// out slices of the input (`'a`).
#[derive(Clone, Copy)]
pub struct NodeRef<'v, 'a> {
    view: &'v View<'a>,
    idx: usize,
}

impl fmt::Debug for NodeRef<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeRef")
            .field("tag", &self.tag())
            .field("type", &self.item_type())
            .field("offset", &self.offset())
            .finish()
    }
}

impl<'v, 'a> NodeRef<'v, 'a> {
    #[inline]
    fn node(&self) -> &'v Node {
        // `idx` always comes from the view's own arena.
        &self.view.nodes[self.idx]
    }

    /// The tag.
    pub fn tag(&self) -> Tag {
        Tag(self.node().tag)
    }

    /// The item type.
    pub fn item_type(&self) -> ItemType {
        self.node().ty
    }

    /// Byte offset of the item's header in the input.
    pub fn offset(&self) -> usize {
        self.node().start - 8
    }

    /// Byte range of the value in the input, without padding.
    pub fn value_range(&self) -> Range<usize> {
        let n = self.node();
        n.start..n.start + n.len as usize
    }

    /// Children of a structure in wire order (none for other types).
    pub fn children(&self) -> Children<'v, 'a> {
        let n = self.node();
        Children {
            view: self.view,
            next: self.idx + 1,
            end: n.end as usize,
        }
    }

    /// First direct child with this tag.
    pub fn child(&self, tag: Tag) -> Option<NodeRef<'v, 'a>> {
        self.children().find(|c| c.tag() == tag)
    }

    /// All direct children with this tag.
    pub fn children_with(&self, tag: Tag) -> impl Iterator<Item = NodeRef<'v, 'a>> {
        self.children().filter(move |c| c.tag() == tag)
    }

    /// Follow a path of tags from this item (first match at each step).
    pub fn path(&self, tags: &[Tag]) -> Option<NodeRef<'v, 'a>> {
        let mut cur = *self;
        for t in tags {
            cur = cur.child(*t)?;
        }
        Some(cur)
    }

    /// The value bytes as on the wire, without padding: the encoded children
    /// of a structure, the big-endian number of a fixed-size type, the raw
    /// bytes of a Byte String or Big Integer, the UTF-8 of a text.
    pub fn as_bytes(&self) -> &'a [u8] {
        let bytes: &'a [u8] = self.view.bytes;
        &bytes[self.value_range()]
    }

    fn wrong(&self, expected: &'static str) -> AccessError {
        AccessError::WrongType {
            tag: self.tag(),
            expected,
            found: self.item_type(),
        }
    }

    /// An Integer.
    pub fn as_i32(&self) -> Result<i32, AccessError> {
        match self.item_type() {
            ItemType::Integer => Ok(be_u32(self.view.bytes, self.node().start) as i32),
            _ => Err(self.wrong("an Integer")),
        }
    }

    /// An Enumeration or Interval.
    pub fn as_u32(&self) -> Result<u32, AccessError> {
        match self.item_type() {
            ItemType::Enumeration | ItemType::Interval => {
                Ok(be_u32(self.view.bytes, self.node().start))
            }
            _ => Err(self.wrong("an Enumeration or Interval")),
        }
    }

    /// A Long Integer, Date-Time or Date-Time Extended.
    pub fn as_i64(&self) -> Result<i64, AccessError> {
        match self.item_type() {
            ItemType::LongInteger | ItemType::DateTime | ItemType::DateTimeExtended => {
                Ok(be_u64(self.view.bytes, self.node().start) as i64)
            }
            _ => Err(self.wrong("a Long Integer, Date-Time or Date-Time Extended")),
        }
    }

    /// A Boolean.
    pub fn as_bool(&self) -> Result<bool, AccessError> {
        match self.item_type() {
            ItemType::Boolean => Ok(be_u64(self.view.bytes, self.node().start) == 1),
            _ => Err(self.wrong("a Boolean")),
        }
    }

    /// A Text String, Identifier, Reference or Name Reference.
    pub fn as_str(&self) -> Result<&'a str, AccessError> {
        match self.item_type() {
            ItemType::TextString
            | ItemType::Identifier
            | ItemType::Reference
            | ItemType::NameReference => std::str::from_utf8(self.as_bytes())
                .map_err(|_| AccessError::InvalidUtf8(self.tag())),
            _ => Err(self.wrong("a text")),
        }
    }

    /// The owned [`Value`] of a leaf (a structure gives its owned children).
    fn leaf_value(&self) -> Value {
        let n = self.node();
        let v = self.as_bytes();
        let text = || String::from_utf8_lossy(v).into_owned();
        match n.ty {
            ItemType::Structure => Value::Structure(Vec::new()),
            ItemType::Integer => Value::Integer(be_u32(v, 0) as i32),
            ItemType::LongInteger => Value::LongInteger(be_u64(v, 0) as i64),
            ItemType::BigInteger => Value::BigInteger(v.to_vec()),
            ItemType::Enumeration => Value::Enumeration(be_u32(v, 0)),
            ItemType::Boolean => Value::Boolean(be_u64(v, 0) == 1),
            ItemType::TextString => Value::TextString(text()),
            ItemType::ByteString => Value::ByteString(v.to_vec()),
            ItemType::DateTime => Value::DateTime(be_u64(v, 0) as i64),
            ItemType::Interval => Value::Interval(be_u32(v, 0)),
            ItemType::DateTimeExtended => Value::DateTimeExtended(be_u64(v, 0) as i64),
            ItemType::Identifier => Value::Identifier(text()),
            ItemType::Reference => Value::Reference(text()),
            ItemType::NameReference => Value::NameReference(text()),
        }
    }

    /// The owned subtree rooted here. Iterative, so any depth the parser
    /// accepted converts without recursion.
    pub fn to_item(&self) -> Item {
        let nodes = &self.view.nodes;
        // Open structures: tag, children so far, index just past the subtree.
        let mut stack: Vec<(Tag, Vec<Item>, usize)> = Vec::new();
        let mut i = self.idx;
        loop {
            let here = NodeRef {
                view: self.view,
                idx: i,
            };
            let end = nodes[i].end as usize;
            if nodes[i].ty == ItemType::Structure && end > i + 1 {
                stack.push((here.tag(), Vec::new(), end));
                i += 1;
                continue;
            }
            let mut item = Item::new(here.tag(), here.leaf_value());
            i += 1;
            loop {
                let Some((tag, mut children, end)) = stack.pop() else {
                    return item;
                };
                children.push(item);
                if i < end {
                    stack.push((tag, children, end));
                    break;
                }
                item = Item::structure(tag, children);
            }
        }
    }
}

/// Iterator over the children of a structure, see [`NodeRef::children`].
#[derive(Clone)]
pub struct Children<'v, 'a> {
    view: &'v View<'a>,
    next: usize,
    end: usize,
}

impl<'v, 'a> Iterator for Children<'v, 'a> {
    type Item = NodeRef<'v, 'a>;

    #[inline]
    fn next(&mut self) -> Option<NodeRef<'v, 'a>> {
        if self.next >= self.end {
            return None;
        }
        let r = NodeRef {
            view: self.view,
            idx: self.next,
        };
        self.next = self.view.nodes[self.next].end as usize;
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ttlv;

    fn sample() -> Item {
        Item::structure(
            Tag(0x420078),
            vec![
                Item::new(Tag(0x420094), Value::TextString("abc".into())),
                Item::structure(Tag(0x420004), vec![]),
                Item::structure(
                    Tag(0x420005),
                    vec![
                        Item::new(Tag(0x420008), Value::Boolean(true)),
                        Item::new(Tag(0x42000D), Value::Integer(-7)),
                    ],
                ),
                Item::new(Tag(0x420043), Value::ByteString(vec![1, 2, 3])),
            ],
        )
    }

    #[test]
    fn navigates_and_converts() {
        let item = sample();
        let bytes = ttlv::encode(&item).expect("encode");
        let view = parse(&bytes, &Limits::default()).expect("parse");
        assert_eq!(view.node_count(), 7);
        let root = view.root();
        assert_eq!(root.tag(), Tag(0x420078));
        let tags: Vec<u32> = root.children().map(|c| c.tag().0).collect();
        assert_eq!(tags, [0x420094, 0x420004, 0x420005, 0x420043]);
        assert_eq!(root.child(Tag(0x420094)).expect("text").as_str(), Ok("abc"));
        assert_eq!(
            root.child(Tag(0x420004)).expect("empty").children().count(),
            0
        );
        let inner = root.child(Tag(0x420005)).expect("inner");
        assert_eq!(
            inner.child(Tag(0x420008)).expect("bool").as_bool(),
            Ok(true)
        );
        assert_eq!(inner.child(Tag(0x42000D)).expect("int").as_i32(), Ok(-7));
        assert!(inner.child(Tag(0x42000D)).expect("int").as_str().is_err());
        assert_eq!(
            root.child(Tag(0x420043)).expect("bytes").as_bytes(),
            &[1, 2, 3]
        );
        assert_eq!(view.to_item(), item);
        assert_eq!(inner.to_item(), item.children()[2]);
    }

    #[test]
    fn leaf_root() {
        let item = Item::new(Tag(0x420020), Value::Integer(8));
        let bytes = ttlv::encode(&item).expect("encode");
        let view = parse(&bytes, &Limits::default()).expect("parse");
        assert_eq!(view.root().as_i32(), Ok(8));
        assert_eq!(view.root().children().count(), 0);
        assert_eq!(view.to_item(), item);
    }
}
