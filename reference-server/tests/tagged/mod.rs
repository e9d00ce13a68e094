//! TTLV items by tag constant (`t::…`), shared by the reference server's
//! message-level tests (`mod tagged;`). Each test file uses a subset.
#![allow(dead_code)]

use kmip_ttlv::{Item, Tag, Value};

pub fn st(tag: Tag, c: Vec<Item>) -> Item {
    Item::structure(tag, c)
}

pub fn en(tag: Tag, v: u32) -> Item {
    Item::new(tag, Value::Enumeration(v))
}

pub fn int(tag: Tag, v: i32) -> Item {
    Item::new(tag, Value::Integer(v))
}

pub fn long(tag: Tag, v: i64) -> Item {
    Item::new(tag, Value::LongInteger(v))
}

pub fn txt(tag: Tag, v: &str) -> Item {
    Item::new(tag, Value::TextString(v.to_string()))
}
