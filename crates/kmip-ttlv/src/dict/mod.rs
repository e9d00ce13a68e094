//! The KMIP dictionary: tag names ↔ values, enumerations, bit masks, per
//! protocol version.
//!
//! The tables in `generated.rs` are produced by `tools/gen-dictionary.py`
//! from the KMIP specification HTML (1.0, 1.4, 2.0, 2.1) plus the KMIP 3.0
//! additions in `data/kmip-3.0-additions.tsv`; never edit them by hand, run
//! the generator (see `tools/README.md`). Names are the KMIP XML / JSON forms
//! (spec names with spaces removed, `-`, `.`, `#`, `/` mapped to `_` as the
//! KMIP XML profile does: `SHA-256` → `SHA_256`, `X.509` → `X_509`).
//!
//! Lookups are binary searches over sorted static arrays: no allocation, no
//! start-up cost.

mod generated;

use crate::model::ItemType;

/// A KMIP protocol version (`major.minor`).
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Version {
    /// Major version.
    pub major: u8,
    /// Minor version.
    pub minor: u8,
}

impl Version {
    /// A version.
    pub const fn new(major: u8, minor: u8) -> Version {
        Version { major, minor }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// One tag of the dictionary.
#[derive(Debug)]
pub struct TagDef {
    /// XML / JSON name (`"CryptographicUsageMask"`).
    pub name: &'static str,
    /// Tag value (`0x42002C`).
    pub value: u32,
    /// The item type the spec gives the tag, when it has exactly one.
    pub item_type: Option<ItemType>,
    /// First protocol version that defines the tag.
    pub since: Version,
    /// First protocol version that no longer defines it (`None`: still defined).
    pub removed_in: Option<Version>,
}

/// One named enumeration value.
#[derive(Debug)]
pub struct EnumValue {
    /// XML / JSON name (`"SymmetricKey"`).
    pub name: &'static str,
    /// Code.
    pub value: u32,
    /// First protocol version that defines the value.
    pub since: Version,
    /// First protocol version that no longer defines it.
    pub removed_in: Option<Version>,
}

/// An enumeration type (`ObjectType`, `CryptographicAlgorithm`, …).
#[derive(Debug)]
pub struct EnumDef {
    /// Name of the enumeration (usually the tag name that carries it).
    pub name: &'static str,
    /// Values sorted by code; a code may appear more than once (renamed
    /// between versions); the first of a code is the canonical (newest) name.
    pub values: &'static [EnumValue],
}

impl EnumDef {
    /// Code for a name (exact match first, then ignoring case and `_`).
    pub fn value_of(&self, name: &str) -> Option<u32> {
        if let Some(v) = self.values.iter().find(|v| v.name == name) {
            return Some(v.value);
        }
        let key = loose(name);
        self.values
            .iter()
            .find(|v| loose(v.name) == key)
            .map(|v| v.value)
    }

    /// Canonical name for a code.
    pub fn name_of(&self, value: u32) -> Option<&'static str> {
        let i = self.values.partition_point(|v| v.value < value);
        self.values
            .get(i)
            .filter(|v| v.value == value)
            .map(|v| v.name)
    }
}

/// One flag of a bit mask.
#[derive(Debug)]
pub struct MaskFlag {
    /// XML / JSON name (`"Encrypt"`).
    pub name: &'static str,
    /// The bit value (`0x00000004`).
    pub bit: u32,
}

/// A bit-mask type (`CryptographicUsageMask`, `ProtectionStorageMask`, …).
#[derive(Debug)]
pub struct MaskDef {
    /// Name of the mask type.
    pub name: &'static str,
    /// Flags sorted by bit; a bit may be listed twice (alias names), the
    /// first of a bit is the canonical name.
    pub flags: &'static [MaskFlag],
}

impl MaskDef {
    /// Parse flag names separated by spaces or `|` (`"Encrypt Decrypt"`);
    /// a `0x…` hex word is accepted too. `None` if a word is unknown.
    pub fn parse(&self, text: &str) -> Option<u32> {
        let mut acc = 0u32;
        let mut any = false;
        for word in text.split(|c: char| c.is_whitespace() || c == '|') {
            if word.is_empty() {
                continue;
            }
            any = true;
            if let Some(hex) = word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
                acc |= u32::from_str_radix(hex, 16).ok()?;
                continue;
            }
            let key = loose(word);
            let flag = self
                .flags
                .iter()
                .find(|f| f.name == word)
                .or_else(|| self.flags.iter().find(|f| loose(f.name) == key))?;
            acc |= flag.bit;
        }
        any.then_some(acc)
    }

    /// Render as flag names in bit order, joined by a space; bits without a
    /// name are appended as one `0x…` word. Zero renders as `0x00000000`.
    pub fn render(&self, value: u32) -> String {
        let mut out = String::new();
        let mut rest = value;
        for f in self.flags {
            // `rest`, not `value`: a bit with an alias name renders once.
            if f.bit != 0 && rest & f.bit == f.bit {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(f.name);
                rest &= !f.bit;
            }
        }
        if rest != 0 || out.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("0x{rest:08X}"));
        }
        out
    }
}

/// Lower-case, without `_`, `-`, spaces: the loose key for name matching.
fn loose(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every tag, sorted by value.
pub fn tags() -> &'static [TagDef] {
    generated::TAGS
}

/// Every enumeration type, sorted by name.
pub fn enums() -> &'static [EnumDef] {
    generated::ENUMS
}

/// Every mask type, sorted by name.
pub fn masks() -> &'static [MaskDef] {
    generated::MASKS
}

/// The dictionary entry for a tag value.
pub fn tag_def(value: u32) -> Option<&'static TagDef> {
    let t = generated::TAGS;
    let i = t.partition_point(|d| d.value < value);
    t.get(i).filter(|d| d.value == value)
}

/// The name of a tag value.
pub fn tag_name(value: u32) -> Option<&'static str> {
    tag_def(value).map(|d| d.name)
}

/// The tag value for a name (exact XML name; then the same name ignoring
/// case, spaces and `_`, so 1.x attribute names such as
/// `"Cryptographic Usage Mask"` resolve too).
pub fn tag_by_name(name: &str) -> Option<u32> {
    let by_name = generated::TAGS_BY_NAME;
    let i = by_name.partition_point(|(n, _)| *n < name);
    if let Some((n, idx)) = by_name.get(i) {
        if *n == name {
            return generated::TAGS.get(usize::from(*idx)).map(|d| d.value);
        }
    }
    let key = loose(name);
    generated::TAGS
        .iter()
        .find(|d| loose(d.name) == key)
        .map(|d| d.value)
}

/// The enumeration type carried by an Enumeration-typed tag.
pub fn enum_for_tag(tag: u32) -> Option<&'static EnumDef> {
    let m = generated::TAG_ENUMS;
    let i = m.partition_point(|(t, _)| *t < tag);
    m.get(i)
        .filter(|(t, _)| *t == tag)
        .and_then(|(_, e)| generated::ENUMS.get(usize::from(*e)))
}

/// The mask type carried by an Integer-typed mask tag.
pub fn mask_for_tag(tag: u32) -> Option<&'static MaskDef> {
    let m = generated::TAG_MASKS;
    let i = m.partition_point(|(t, _)| *t < tag);
    m.get(i)
        .filter(|(t, _)| *t == tag)
        .and_then(|(_, e)| generated::MASKS.get(usize::from(*e)))
}

/// An enumeration type by name.
pub fn enum_def(name: &str) -> Option<&'static EnumDef> {
    let e = generated::ENUMS;
    let i = e.partition_point(|d| d.name < name);
    e.get(i).filter(|d| d.name == name)
}

/// The tag of a KMIP 1.x attribute name (`"Cryptographic Usage Mask"` →
/// `CryptographicUsageMask`); whitespace runs are collapsed first.
pub fn attribute_tag(attribute_name: &str) -> Option<u32> {
    let collapsed: String = attribute_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    tag_by_name(&collapsed)
}
