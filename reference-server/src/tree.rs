//! Small helpers to build and read TTLV trees: item constructors and typed
//! field accessors that turn a wrong or missing field into a [`KmipError`]
//! (Invalid Field / Missing Data) instead of panicking.

use crate::error::KmipError;
use kmip_ttlv::{Item, Tag, Value};

/// A structure.
pub fn st(tag: Tag, children: Vec<Item>) -> Item {
    Item::structure(tag, children)
}
/// A Text String.
pub fn text(tag: Tag, s: impl Into<String>) -> Item {
    Item::new(tag, Value::TextString(s.into()))
}
/// An Integer.
pub fn int(tag: Tag, v: i32) -> Item {
    Item::new(tag, Value::Integer(v))
}
/// A Long Integer.
pub fn long(tag: Tag, v: i64) -> Item {
    Item::new(tag, Value::LongInteger(v))
}
/// An Enumeration.
pub fn enumeration(tag: Tag, v: u32) -> Item {
    Item::new(tag, Value::Enumeration(v))
}
/// A Boolean.
pub fn boolean(tag: Tag, v: bool) -> Item {
    Item::new(tag, Value::Boolean(v))
}
/// A Byte String.
pub fn bytes(tag: Tag, v: Vec<u8>) -> Item {
    Item::new(tag, Value::ByteString(v))
}
/// A Date-Time.
pub fn datetime(tag: Tag, v: i64) -> Item {
    Item::new(tag, Value::DateTime(v))
}
/// An Interval.
pub fn interval(tag: Tag, v: u32) -> Item {
    Item::new(tag, Value::Interval(v))
}

/// Name of a tag for messages (dictionary name when known, else hex).
pub fn tag_label(tag: Tag) -> String {
    match crate::spec::spec_name(tag.0) {
        Some(n) => n.to_string(),
        None => tag.display_name(),
    }
}

fn wrong_type(item: &Item, expected: &str) -> KmipError {
    KmipError::invalid_field(format!(
        "{} must be {expected}, found {}",
        tag_label(item.tag),
        item.item_type()
    ))
}

/// Typed read access to the children of a request structure.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    item: &'a Item,
}

impl<'a> Fields<'a> {
    /// View a structure (any other item reads as empty).
    pub fn new(item: &'a Item) -> Fields<'a> {
        Fields { item }
    }

    /// The underlying item.
    pub fn item(&self) -> &'a Item {
        self.item
    }

    /// First child with this tag.
    pub fn get(&self, tag: Tag) -> Option<&'a Item> {
        self.item.child(tag)
    }

    /// All children with this tag.
    pub fn all(&self, tag: Tag) -> impl Iterator<Item = &'a Item> + 'a {
        self.item.children_with(tag)
    }

    /// A child that must be present.
    pub fn require(&self, tag: Tag) -> Result<&'a Item, KmipError> {
        self.get(tag)
            .ok_or_else(|| KmipError::missing_data(format!("{} is required", tag_label(tag))))
    }

    /// Optional text (Text String or one of the KMIP 3.0 text-like types).
    pub fn text(&self, tag: Tag) -> Result<Option<&'a str>, KmipError> {
        match self.get(tag) {
            None => Ok(None),
            Some(i) => i
                .value
                .as_text()
                .map(Some)
                .ok_or_else(|| wrong_type(i, "a Text String")),
        }
    }

    /// Optional Enumeration.
    pub fn enumeration(&self, tag: Tag) -> Result<Option<u32>, KmipError> {
        match self.get(tag) {
            None => Ok(None),
            Some(i) => as_enum(i).map(Some),
        }
    }

    /// Required Enumeration.
    pub fn require_enum(&self, tag: Tag) -> Result<u32, KmipError> {
        as_enum(self.require(tag)?)
    }

    /// Optional Integer.
    pub fn int(&self, tag: Tag) -> Result<Option<i32>, KmipError> {
        match self.get(tag) {
            None => Ok(None),
            Some(i) => as_int(i).map(Some),
        }
    }

    /// Optional Long Integer (an Integer is accepted too).
    pub fn long(&self, tag: Tag) -> Result<Option<i64>, KmipError> {
        match self.get(tag) {
            None => Ok(None),
            Some(Item {
                value: Value::LongInteger(v),
                ..
            }) => Ok(Some(*v)),
            Some(Item {
                value: Value::Integer(v),
                ..
            }) => Ok(Some(i64::from(*v))),
            Some(i) => Err(wrong_type(i, "a Long Integer")),
        }
    }

    /// Optional Boolean.
    pub fn boolean(&self, tag: Tag) -> Result<Option<bool>, KmipError> {
        match self.get(tag) {
            None => Ok(None),
            Some(Item {
                value: Value::Boolean(v),
                ..
            }) => Ok(Some(*v)),
            Some(i) => Err(wrong_type(i, "a Boolean")),
        }
    }

    /// Optional Date-Time (Date-Time Extended is accepted and truncated to seconds).
    pub fn datetime(&self, tag: Tag) -> Result<Option<i64>, KmipError> {
        match self.get(tag) {
            None => Ok(None),
            Some(i) => as_datetime(i).map(Some),
        }
    }

    /// Optional Interval.
    pub fn interval(&self, tag: Tag) -> Result<Option<u32>, KmipError> {
        match self.get(tag) {
            None => Ok(None),
            Some(Item {
                value: Value::Interval(v),
                ..
            }) => Ok(Some(*v)),
            Some(i) => Err(wrong_type(i, "an Interval")),
        }
    }

    /// Optional Byte String.
    pub fn bytes(&self, tag: Tag) -> Result<Option<&'a [u8]>, KmipError> {
        match self.get(tag) {
            None => Ok(None),
            Some(Item {
                value: Value::ByteString(v),
                ..
            }) => Ok(Some(v)),
            Some(i) => Err(wrong_type(i, "a Byte String")),
        }
    }
}

/// An Enumeration value.
pub fn as_enum(i: &Item) -> Result<u32, KmipError> {
    match &i.value {
        Value::Enumeration(v) => Ok(*v),
        _ => Err(wrong_type(i, "an Enumeration")),
    }
}

/// An Integer value.
pub fn as_int(i: &Item) -> Result<i32, KmipError> {
    match &i.value {
        Value::Integer(v) => Ok(*v),
        _ => Err(wrong_type(i, "an Integer")),
    }
}

/// A Date-Time value (seconds).
pub fn as_datetime(i: &Item) -> Result<i64, KmipError> {
    match &i.value {
        Value::DateTime(v) => Ok(*v),
        Value::DateTimeExtended(v) => Ok(v.div_euclid(1_000_000)),
        _ => Err(wrong_type(i, "a Date-Time")),
    }
}

/// Re-tag an item (keeping its value).
pub fn retag(item: &Item, tag: Tag) -> Item {
    Item::new(tag, item.value.clone())
}
