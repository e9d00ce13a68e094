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
//! Text is validated once, while parsing, and the `&str` kept in the node,
//! so [`NodeRef::as_str`] and [`NodeRef::value`] never check it again.
//! Offsets are 32-bit: an input longer than 4 GiB - 8 is rejected as
//! too large (the owned decoder's default limit is 64 MiB).
//!
//! Navigate with [`View::root`] and [`NodeRef`]; read a value in one step
//! with [`NodeRef::value`] ([`ValueRef`]); convert to the owned tree with
//! [`View::to_item`] (equal to what `ttlv::decode` returns; each child
//! vector allocated once at its exact length).

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
struct Node<'a> {
    /// Offset of the first value byte (just past the 8-byte header).
    start: u32,
    /// Value length from the header (without padding).
    len: u32,
    /// The 3-byte tag in the low 24 bits, the type code in the high 8.
    tag_ty: u32,
    /// Index just past this node's subtree (its next sibling, if any).
    /// While parsing, an open structure holds its parent's index here.
    end: u32,
    /// The value of a text item, as validated by the parser (so reading it
    /// never validates the UTF-8 again); `None` for other types.
    text: Option<&'a str>,
}

impl Node<'_> {
    #[inline]
    fn start(&self) -> usize {
        self.start as usize
    }

    #[inline]
    fn tag(&self) -> u32 {
        self.tag_ty & 0x00FF_FFFF
    }

    #[inline]
    fn ty(&self) -> ItemType {
        // The parser stores only valid codes.
        ItemType::from_code((self.tag_ty >> 24) as u8).unwrap_or(ItemType::Structure)
    }
}

/// A validated TTLV message borrowed from its bytes: a flat index of its
/// items in wire order.
#[derive(Clone)]
pub struct View<'a> {
    bytes: &'a [u8],
    nodes: Vec<Node<'a>>,
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
    // Never 0 by default: callers read inside a validated value.
    b.get(at..at + 4)
        .and_then(|w| w.try_into().ok())
        .map_or(0, u32::from_be_bytes)
}

#[inline]
fn be_u64(b: &[u8], at: usize) -> u64 {
    // Never 0 by default: callers read inside a validated value.
    b.get(at..at + 8)
        .and_then(|w| w.try_into().ok())
        .map_or(0, u64::from_be_bytes)
}

/// The value of one item, read from the input without copying: numbers
/// decoded, text as the `&str` the parser validated, bytes as a slice (see
/// [`NodeRef::value`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueRef<'a> {
    /// A structure (navigate its children with [`NodeRef::children`]).
    Structure,
    /// Integer.
    Integer(i32),
    /// Long Integer.
    LongInteger(i64),
    /// Big Integer, two's-complement big-endian bytes.
    BigInteger(&'a [u8]),
    /// Enumeration code.
    Enumeration(u32),
    /// Boolean.
    Boolean(bool),
    /// Text String.
    TextString(&'a str),
    /// Byte String.
    ByteString(&'a [u8]),
    /// Date-Time, seconds since the epoch.
    DateTime(i64),
    /// Interval, seconds.
    Interval(u32),
    /// Date-Time Extended, microseconds since the epoch.
    DateTimeExtended(i64),
    /// Identifier (KMIP 3.0).
    Identifier(&'a str),
    /// Reference (KMIP 3.0).
    Reference(&'a str),
    /// Name Reference (KMIP 3.0).
    NameReference(&'a str),
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
    // Offsets and node indices are u32 (every item takes at least 8 bytes,
    // so indices never reach u32::MAX either).
    let index_limit = u32::MAX as usize - 8;
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
    // Typical messages take 12 to 50 bytes per item; denser ones grow it.
    let mut nodes = Vec::with_capacity((bytes.len() / 12 + 4).min(INITIAL_NODES_MAX));
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
fn limit_of(bytes: &[u8], nodes: &[Node<'_>], open: u32) -> usize {
    match nodes.get(open as usize) {
        Some(n) => n.start() + n.len as usize,
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
    nodes: &[Node<'_>],
    open: u32,
    mut kind: DecodeErrorKind,
    offset: usize,
    stage: Stage,
) -> DecodeError {
    let mut path = Vec::new();
    let mut i = open;
    while let Some(n) = nodes.get(i as usize) {
        path.push(Tag(n.tag()));
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
/// The nesting limit is checked when a non-empty structure opens (its
/// first child would be one level too deep), which fails on exactly the
/// inputs a per-item check would, with the same error.
fn run<'a>(bytes: &'a [u8], limits: &Limits, nodes: &mut Vec<Node<'a>>) -> Result<(), DecodeError> {
    let strict = limits.strict_padding;
    let max_depth = limits.max_depth;
    if max_depth == 0 {
        let kind = DecodeErrorKind::TooDeep(max_depth);
        return Err(fail(bytes, nodes, NONE, kind, 0, Stage::BeforeTag));
    }
    let mut open = NONE;
    let mut pos = 0usize;
    let mut depth = 0usize; // open structures
    let mut limit = bytes.len();
    loop {
        // One item at `pos`, inside `limit`, at nesting depth + 1.
        let at = pos;
        let vstart = at + 8;
        let h: [u8; 8] = match bytes.get(at..vstart).and_then(|h| h.try_into().ok()) {
            Some(h) if vstart <= limit => h,
            _ => {
                let kind = DecodeErrorKind::Truncated {
                    needed: 8,
                    available: limit - at,
                };
                return Err(fail(bytes, nodes, open, kind, at, Stage::BeforeTag));
            }
        };
        let h = u64::from_be_bytes(h);
        let tag = (h >> 40) as u32;
        let code = (h >> 32) as u8;
        let len = h as u32;
        let info = TYPE_INFO[usize::from(code)];
        if info == INVALID {
            let kind = DecodeErrorKind::UnknownType(code);
            return Err(fail(bytes, nodes, open, kind, at, Stage::AfterTag(tag)));
        }
        if info > VARIABLE && len != u32::from(info) {
            let kind = DecodeErrorKind::WrongLength {
                item_type: ItemType::from_code(code).unwrap_or(ItemType::Structure),
                expected: u32::from(info),
                found: len,
            };
            return Err(fail(bytes, nodes, open, kind, at, Stage::AfterTag(tag)));
        }
        let ulen = len as usize;
        let plen = (ulen + 7) & !7;
        if plen > limit - vstart {
            let kind = DecodeErrorKind::Truncated {
                needed: plen,
                available: limit - vstart,
            };
            return Err(fail(bytes, nodes, open, kind, at, Stage::AfterTag(tag)));
        }
        let idx = nodes.len() as u32; // < u32::MAX: see the size check in `parse`
        let mut text = None;
        if info == STRUCTURE {
            pos = vstart;
            if ulen > 0 {
                // Open it: children follow; `end` links to the parent until
                // the structure is closed.
                nodes.push(Node {
                    start: vstart as u32,
                    len,
                    tag_ty: tag | u32::from(code) << 24,
                    end: open,
                    text,
                });
                open = idx;
                depth += 1;
                if depth >= max_depth {
                    let kind = DecodeErrorKind::TooDeep(max_depth);
                    return Err(fail(bytes, nodes, open, kind, vstart, Stage::BeforeTag));
                }
                limit = vstart + ulen;
                continue;
            }
        } else {
            pos = vstart + plen;
            let v = &bytes[vstart..vstart + ulen];
            if strict && plen > ulen {
                // The padding is the low bytes of the value's last word.
                let w = be_u64(bytes, pos - 8);
                if w & (u64::MAX >> (64 - 8 * (plen - ulen))) != 0 {
                    let kind = DecodeErrorKind::NonZeroPadding;
                    return Err(fail(bytes, nodes, open, kind, at, Stage::AfterTag(tag)));
                }
            }
            let kind = if info == VARIABLE {
                match code {
                    0x08 => None, // Byte String: anything goes
                    0x04 if ulen == 0 || ulen % 8 != 0 => {
                        Some(DecodeErrorKind::BadBigIntegerLength(len))
                    }
                    0x04 => None,
                    // Text String, Identifier, Reference, Name Reference.
                    _ => match std::str::from_utf8(v) {
                        Ok(t) => {
                            text = Some(t);
                            None
                        }
                        Err(_) => Some(DecodeErrorKind::InvalidUtf8),
                    },
                }
            } else if code == 0x06 {
                match be_u64(v, 0) {
                    0 | 1 => None,
                    b => Some(DecodeErrorKind::BadBoolean(b)),
                }
            } else {
                None
            };
            if let Some(kind) = kind {
                return Err(fail(bytes, nodes, open, kind, at, Stage::AfterTag(tag)));
            }
        }
        let after = idx + 1;
        nodes.push(Node {
            start: vstart as u32,
            len,
            tag_ty: tag | u32::from(code) << 24,
            end: after,
            text,
        });
        // Close every structure this item completed.
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
    fn node(&self) -> &'v Node<'a> {
        // `idx` always comes from the view's own arena.
        &self.view.nodes[self.idx]
    }

    /// The tag.
    pub fn tag(&self) -> Tag {
        Tag(self.node().tag())
    }

    /// The item type.
    pub fn item_type(&self) -> ItemType {
        self.node().ty()
    }

    /// Byte offset of the item's header in the input.
    pub fn offset(&self) -> usize {
        self.node().start() - 8
    }

    /// Byte range of the value in the input, without padding.
    pub fn value_range(&self) -> Range<usize> {
        let n = self.node();
        n.start()..n.start() + n.len as usize
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
            ItemType::Integer => Ok(be_u32(self.view.bytes, self.node().start()) as i32),
            _ => Err(self.wrong("an Integer")),
        }
    }

    /// An Enumeration or Interval.
    pub fn as_u32(&self) -> Result<u32, AccessError> {
        match self.item_type() {
            ItemType::Enumeration | ItemType::Interval => {
                Ok(be_u32(self.view.bytes, self.node().start()))
            }
            _ => Err(self.wrong("an Enumeration or Interval")),
        }
    }

    /// A Long Integer, Date-Time or Date-Time Extended.
    pub fn as_i64(&self) -> Result<i64, AccessError> {
        match self.item_type() {
            ItemType::LongInteger | ItemType::DateTime | ItemType::DateTimeExtended => {
                Ok(be_u64(self.view.bytes, self.node().start()) as i64)
            }
            _ => Err(self.wrong("a Long Integer, Date-Time or Date-Time Extended")),
        }
    }

    /// A Boolean.
    pub fn as_bool(&self) -> Result<bool, AccessError> {
        match self.item_type() {
            ItemType::Boolean => Ok(be_u64(self.view.bytes, self.node().start()) == 1),
            _ => Err(self.wrong("a Boolean")),
        }
    }

    /// A Text String, Identifier, Reference or Name Reference.
    pub fn as_str(&self) -> Result<&'a str, AccessError> {
        match self.item_type() {
            ItemType::TextString
            | ItemType::Identifier
            | ItemType::Reference
            | ItemType::NameReference => {
                self.node().text.ok_or(AccessError::InvalidUtf8(self.tag()))
            }
            _ => Err(self.wrong("a text")),
        }
    }

    /// The item's value, read in one step (one type dispatch, no copy,
    /// no second UTF-8 check).
    #[inline]
    pub fn value(&self) -> ValueRef<'a> {
        let n = self.node();
        let b: &'a [u8] = self.view.bytes;
        let at = n.start();
        let raw = || b.get(at..at + n.len as usize).unwrap_or_default();
        let text = || n.text.unwrap_or_default();
        match (n.tag_ty >> 24) as u8 {
            0x02 => ValueRef::Integer(be_u32(b, at) as i32),
            0x03 => ValueRef::LongInteger(be_u64(b, at) as i64),
            0x04 => ValueRef::BigInteger(raw()),
            0x05 => ValueRef::Enumeration(be_u32(b, at)),
            0x06 => ValueRef::Boolean(be_u64(b, at) == 1),
            0x07 => ValueRef::TextString(text()),
            0x08 => ValueRef::ByteString(raw()),
            0x09 => ValueRef::DateTime(be_u64(b, at) as i64),
            0x0A => ValueRef::Interval(be_u32(b, at)),
            0x0B => ValueRef::DateTimeExtended(be_u64(b, at) as i64),
            0x0C => ValueRef::Identifier(text()),
            0x0D => ValueRef::Reference(text()),
            0x0E => ValueRef::NameReference(text()),
            _ => ValueRef::Structure,
        }
    }

    /// The owned [`Value`] of a leaf (a structure gives its owned children).
    fn leaf_value(&self) -> Value {
        let n = self.node();
        let v = self.as_bytes();
        let text = || n.text.unwrap_or_default().to_owned();
        match n.ty() {
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

    /// The owned subtree rooted here, each child vector allocated once
    /// with its exact length. Recursive for the first
    /// [`RECURSION_DEPTH`] levels, then iterative, so any depth the parser
    /// accepted converts without unbounded recursion.
    pub fn to_item(&self) -> Item {
        build(self.view, self.idx, 0)
    }

    /// The owned subtree, iteratively (an explicit stack of open
    /// structures).
    fn build_iterative(&self) -> Item {
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
            if nodes[i].ty() == ItemType::Structure && end > i + 1 {
                stack.push((here.tag(), Vec::with_capacity(child_count(nodes, i)), end));
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

/// Nesting levels [`NodeRef::to_item`] converts by recursion before it
/// switches to an explicit stack.
const RECURSION_DEPTH: usize = 64;

/// Direct children of the structure at `i` (hop from sibling to sibling).
#[inline]
fn child_count(nodes: &[Node<'_>], i: usize) -> usize {
    let end = nodes[i].end as usize;
    let mut n = 0;
    let mut j = i + 1;
    while j < end {
        n += 1;
        j = nodes[j].end as usize;
    }
    n
}

/// The owned item at `i`; `level` is the recursion depth so far.
fn build(view: &View<'_>, i: usize, level: usize) -> Item {
    let here = NodeRef { view, idx: i };
    let node = &view.nodes[i];
    if node.ty() != ItemType::Structure {
        return Item::new(Tag(node.tag()), here.leaf_value());
    }
    if level >= RECURSION_DEPTH {
        return here.build_iterative();
    }
    let end = node.end as usize;
    let mut children = Vec::with_capacity(child_count(&view.nodes, i));
    let mut j = i + 1;
    while j < end {
        children.push(build(view, j, level + 1));
        j = view.nodes[j].end as usize;
    }
    Item::structure(Tag(node.tag()), children)
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
    fn value_ref_matches_the_tree() {
        let item = sample();
        let bytes = ttlv::encode(&item).expect("encode");
        let view = parse(&bytes, &Limits::default()).expect("parse");
        let values: Vec<ValueRef> = view.iter().map(|n| n.value()).collect();
        assert_eq!(
            values,
            [
                ValueRef::Structure,
                ValueRef::TextString("abc"),
                ValueRef::Structure,
                ValueRef::Structure,
                ValueRef::Boolean(true),
                ValueRef::Integer(-7),
                ValueRef::ByteString(&[1, 2, 3]),
            ]
        );
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
