//! KMIP TTLV: the tree model, the KMIP dictionary, and the three message
//! encodings (binary TTLV, KMIP XML, KMIP JSON). No I/O: bytes and text in,
//! trees out, and back.
//!
//! - [`model`]: [`Item`] / [`Value`] / [`Tag`] / [`ItemType`], placeholders.
//! - [`dict`]: tag, enumeration and mask tables derived from the KMIP specs.
//! - [`consts`]: the same tables as typed Rust constants ([`tags`], [`enums`],
//!   [`masks`]), generated with the dictionary: write `tags::BATCH_ITEM`,
//!   never a tag value by hand.
//! - [`ttlv`]: bounded binary decoder and encoder.
//! - [`view`]: zero-copy validating binary decoder (flat index over the bytes).
//! - [`xml`]: the KMIP XML notation used by the OASIS test cases and the XML
//!   message encoding; also the canonical pretty-printer used for diffs.
//! - [`json`]: the KMIP JSON message encoding.
//!
//! The root of the workspace: depends on no other workspace crate, and does
//! no I/O.

pub mod consts;
pub mod dict;
pub mod json;
pub mod model;
pub mod names;
pub mod ttlv;
pub mod view;
pub mod xml;

pub use consts::{enums, masks, tags};
pub use model::{Item, ItemType, Placeholder, Tag, Value};
