//! The TTLV tree shared by every encoding (binary TTLV, KMIP XML, KMIP JSON).
//!
//! An [`Item`] is one Tag-Type-Length-Value node. Structures hold their
//! children in wire order. Values are kept in their wire meaning (an
//! enumeration is its 32-bit code, a mask is its integer), so two trees that
//! mean the same thing compare equal whatever notation they were read from.
//! Names for tags, enumerations and mask flags come from [`crate::dict`] when
//! a tree is rendered.
//!
//! Test cases carry symbolic values such as `$UNIQUE_IDENTIFIER_0` or
//! `$NOW-3600`; they are kept as [`Value::Placeholder`] with the item type the
//! file declared, so the runner can bind them. A tree that still holds a
//! placeholder cannot be encoded to binary TTLV until it is bound (see
//! [`Item::substitute_placeholders`]).

use std::fmt;

/// A KMIP tag: the 3-byte value (0x42XXXX for standard tags, 0x54XXXX for
/// extensions) kept in a `u32`.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub u32);

impl Tag {
    /// Largest value a tag can take (three bytes).
    pub const MAX: u32 = 0x00FF_FFFF;

    /// The tag's name from the dictionary, if it has one.
    pub fn name(self) -> Option<&'static str> {
        crate::dict::tag_name(self.0)
    }

    /// The tag for a dictionary name (`"UniqueIdentifier"`).
    pub fn by_name(name: &str) -> Option<Tag> {
        crate::dict::tag_by_name(name).map(Tag)
    }

    /// The name if known, else `0x42XXXX`.
    pub fn display_name(self) -> String {
        match self.name() {
            Some(n) => n.to_string(),
            None => format!("0x{:06X}", self.0),
        }
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n}"),
            None => write!(f, "Tag(0x{:06X})", self.0),
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_name())
    }
}

/// TTLV item types (KMIP 1.0–2.1 §9.1.1.2; 0x0C–0x0E are KMIP 3.0).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[repr(u8)]
pub enum ItemType {
    /// 0x01
    Structure = 0x01,
    /// 0x02, signed 32-bit
    Integer = 0x02,
    /// 0x03, signed 64-bit
    LongInteger = 0x03,
    /// 0x04, two's-complement big-endian, padded to a multiple of 8 bytes
    BigInteger = 0x04,
    /// 0x05, unsigned 32-bit code
    Enumeration = 0x05,
    /// 0x06, 64-bit 0 or 1
    Boolean = 0x06,
    /// 0x07, UTF-8
    TextString = 0x07,
    /// 0x08
    ByteString = 0x08,
    /// 0x09, seconds since the Unix epoch, signed 64-bit
    DateTime = 0x09,
    /// 0x0A, unsigned 32-bit seconds
    Interval = 0x0A,
    /// 0x0B, microseconds since the Unix epoch, signed 64-bit
    DateTimeExtended = 0x0B,
    /// 0x0C (KMIP 3.0), UTF-8
    Identifier = 0x0C,
    /// 0x0D (KMIP 3.0), UTF-8
    Reference = 0x0D,
    /// 0x0E (KMIP 3.0), UTF-8
    NameReference = 0x0E,
}

impl ItemType {
    /// Every item type, in code order.
    pub const ALL: [ItemType; 14] = [
        ItemType::Structure,
        ItemType::Integer,
        ItemType::LongInteger,
        ItemType::BigInteger,
        ItemType::Enumeration,
        ItemType::Boolean,
        ItemType::TextString,
        ItemType::ByteString,
        ItemType::DateTime,
        ItemType::Interval,
        ItemType::DateTimeExtended,
        ItemType::Identifier,
        ItemType::Reference,
        ItemType::NameReference,
    ];

    /// The wire code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The type for a wire code.
    pub fn from_code(code: u8) -> Option<ItemType> {
        ItemType::ALL
            .get(usize::from(code).wrapping_sub(1))
            .copied()
    }

    /// The name used in KMIP XML / JSON (`"TextString"`).
    pub fn name(self) -> &'static str {
        match self {
            ItemType::Structure => "Structure",
            ItemType::Integer => "Integer",
            ItemType::LongInteger => "LongInteger",
            ItemType::BigInteger => "BigInteger",
            ItemType::Enumeration => "Enumeration",
            ItemType::Boolean => "Boolean",
            ItemType::TextString => "TextString",
            ItemType::ByteString => "ByteString",
            ItemType::DateTime => "DateTime",
            ItemType::Interval => "Interval",
            ItemType::DateTimeExtended => "DateTimeExtended",
            ItemType::Identifier => "Identifier",
            ItemType::Reference => "Reference",
            ItemType::NameReference => "NameReference",
        }
    }

    /// The type for its XML / JSON name.
    pub fn from_name(name: &str) -> Option<ItemType> {
        ItemType::ALL.iter().copied().find(|t| t.name() == name)
    }
}

impl fmt::Display for ItemType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A symbolic value from a test case (`$UNIQUE_IDENTIFIER_0`, `$NOW-3600`).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Placeholder {
    /// The item type the test case declared for this position.
    pub item_type: ItemType,
    /// The name without the leading `$` (`"NOW-3600"`).
    pub name: String,
}

impl Placeholder {
    /// A fixed value of the declared type to put in place of the placeholder
    /// when only the shape of a message matters (codec checks): zero for
    /// numbers and enumerations, `false`, empty bytes, eight zero bytes for a
    /// Big Integer, the `$NAME` text for text types; for `NOW±N` date-times
    /// the offset `±N` itself (seconds after the epoch).
    pub fn stand_in(&self) -> Value {
        let text = || format!("${}", self.name);
        let offset = || {
            self.name
                .find(['+', '-'])
                .and_then(|i| self.name[i..].parse::<i64>().ok())
                .unwrap_or(0)
        };
        match self.item_type {
            ItemType::Structure => Value::Structure(Vec::new()),
            ItemType::Integer => Value::Integer(0),
            ItemType::LongInteger => Value::LongInteger(0),
            ItemType::BigInteger => Value::BigInteger(vec![0; 8]),
            ItemType::Enumeration => Value::Enumeration(0),
            ItemType::Boolean => Value::Boolean(false),
            ItemType::TextString => Value::TextString(text()),
            ItemType::ByteString => Value::ByteString(Vec::new()),
            ItemType::DateTime => Value::DateTime(offset()),
            ItemType::Interval => Value::Interval(0),
            ItemType::DateTimeExtended => {
                Value::DateTimeExtended(offset().saturating_mul(1_000_000))
            }
            ItemType::Identifier => Value::Identifier(text()),
            ItemType::Reference => Value::Reference(text()),
            ItemType::NameReference => Value::NameReference(text()),
        }
    }
}

/// The value of one item.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Value {
    /// Children in wire order.
    Structure(Vec<Item>),
    /// Signed 32-bit integer (also bit masks).
    Integer(i32),
    /// Signed 64-bit integer.
    LongInteger(i64),
    /// Two's-complement big-endian bytes as on the wire (length a multiple of 8).
    BigInteger(Vec<u8>),
    /// Enumeration code.
    Enumeration(u32),
    /// Boolean.
    Boolean(bool),
    /// UTF-8 text.
    TextString(String),
    /// Raw bytes.
    ByteString(Vec<u8>),
    /// Seconds since 1970-01-01T00:00:00Z.
    DateTime(i64),
    /// Seconds.
    Interval(u32),
    /// Microseconds since 1970-01-01T00:00:00Z.
    DateTimeExtended(i64),
    /// KMIP 3.0 Identifier (UTF-8).
    Identifier(String),
    /// KMIP 3.0 Reference (UTF-8).
    Reference(String),
    /// KMIP 3.0 Name Reference (UTF-8).
    NameReference(String),
    /// An unbound `$NAME` from a test case.
    Placeholder(Placeholder),
}

impl Value {
    /// The TTLV item type of this value (a placeholder reports its declared type).
    pub fn item_type(&self) -> ItemType {
        match self {
            Value::Structure(_) => ItemType::Structure,
            Value::Integer(_) => ItemType::Integer,
            Value::LongInteger(_) => ItemType::LongInteger,
            Value::BigInteger(_) => ItemType::BigInteger,
            Value::Enumeration(_) => ItemType::Enumeration,
            Value::Boolean(_) => ItemType::Boolean,
            Value::TextString(_) => ItemType::TextString,
            Value::ByteString(_) => ItemType::ByteString,
            Value::DateTime(_) => ItemType::DateTime,
            Value::Interval(_) => ItemType::Interval,
            Value::DateTimeExtended(_) => ItemType::DateTimeExtended,
            Value::Identifier(_) => ItemType::Identifier,
            Value::Reference(_) => ItemType::Reference,
            Value::NameReference(_) => ItemType::NameReference,
            Value::Placeholder(p) => p.item_type,
        }
    }

    /// Text of a TextString / Identifier / Reference / NameReference.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::TextString(s)
            | Value::Identifier(s)
            | Value::Reference(s)
            | Value::NameReference(s) => Some(s),
            _ => None,
        }
    }
}

/// One TTLV node: a tag and its value.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Item {
    /// The tag.
    pub tag: Tag,
    /// The value (which carries the item type).
    pub value: Value,
}

impl Item {
    /// A new item.
    pub fn new(tag: Tag, value: Value) -> Item {
        Item { tag, value }
    }

    /// A structure item.
    pub fn structure(tag: Tag, children: Vec<Item>) -> Item {
        Item::new(tag, Value::Structure(children))
    }

    /// The item type.
    pub fn item_type(&self) -> ItemType {
        self.value.item_type()
    }

    /// Children of a structure (empty for other types).
    pub fn children(&self) -> &[Item] {
        match &self.value {
            Value::Structure(c) => c,
            _ => &[],
        }
    }

    /// Mutable children of a structure, `None` for other types.
    pub fn children_mut(&mut self) -> Option<&mut Vec<Item>> {
        match &mut self.value {
            Value::Structure(c) => Some(c),
            _ => None,
        }
    }

    /// First direct child with this tag.
    pub fn child(&self, tag: Tag) -> Option<&Item> {
        self.children().iter().find(|c| c.tag == tag)
    }

    /// First direct child with this tag name (dictionary name).
    pub fn child_named(&self, name: &str) -> Option<&Item> {
        let tag = Tag::by_name(name)?;
        self.child(tag)
    }

    /// Mutable first direct child with this tag.
    pub fn child_mut(&mut self, tag: Tag) -> Option<&mut Item> {
        self.children_mut()?.iter_mut().find(|c| c.tag == tag)
    }

    /// All direct children with this tag.
    pub fn children_with(&self, tag: Tag) -> impl Iterator<Item = &Item> {
        self.children().iter().filter(move |c| c.tag == tag)
    }

    /// Follow a path of tag names from this item (`["BatchItem", "ResponsePayload"]`).
    pub fn path(&self, names: &[&str]) -> Option<&Item> {
        let mut cur = self;
        for n in names {
            cur = cur.child_named(n)?;
        }
        Some(cur)
    }

    /// Depth of the tree (a leaf is 1).
    pub fn depth(&self) -> usize {
        1 + self.children().iter().map(Item::depth).max().unwrap_or(0)
    }

    /// Visit every item, depth first, parents before children.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Item)) {
        f(self);
        for c in self.children() {
            c.walk(f);
        }
    }

    /// True if any placeholder remains in the tree.
    pub fn has_placeholders(&self) -> bool {
        let mut found = false;
        self.walk(&mut |i| found |= matches!(i.value, Value::Placeholder(_)));
        found
    }

    /// Where two trees first differ, as `Tag/Tag/…: what differs`, or `None`
    /// if they are equal. For reports: a short, human-readable pointer.
    pub fn first_difference(&self, other: &Item) -> Option<String> {
        let mut path = Vec::new();
        first_difference_at(self, other, &mut path)
    }

    /// Replace every placeholder with the value `f` returns for it; a
    /// placeholder for which `f` returns `None` is left in place.
    pub fn substitute_placeholders(&mut self, f: &mut dyn FnMut(&Placeholder) -> Option<Value>) {
        match &mut self.value {
            Value::Placeholder(p) => {
                if let Some(v) = f(p) {
                    self.value = v;
                }
            }
            Value::Structure(children) => {
                for c in children {
                    c.substitute_placeholders(f);
                }
            }
            _ => {}
        }
    }
}

fn first_difference_at(a: &Item, b: &Item, path: &mut Vec<String>) -> Option<String> {
    path.push(a.tag.display_name());
    let here = |path: &[String], what: String| format!("{}: {what}", path.join("/"));
    let result = if a.tag != b.tag {
        Some(here(path, format!("tag {} vs {}", a.tag, b.tag)))
    } else {
        match (&a.value, &b.value) {
            (Value::Structure(x), Value::Structure(y)) => {
                let mut found = None;
                for (cx, cy) in x.iter().zip(y) {
                    found = first_difference_at(cx, cy, path);
                    if found.is_some() {
                        break;
                    }
                }
                found.or_else(|| {
                    (x.len() != y.len())
                        .then(|| here(path, format!("{} children vs {}", x.len(), y.len())))
                })
            }
            (x, y) if x != y => Some(here(path, format!("{x:?} vs {y:?}"))),
            _ => None,
        }
    };
    path.pop();
    result
}
