//! KMIP constants the server needs: tag values ([`tags`]) and enumeration /
//! mask codes ([`enums`]), re-exported under the server's short module names
//! from the constants `kmip_ttlv` generates from the spec HTML (no values are
//! written by hand here), plus the protocol versions the server speaks and
//! spec-name lookups for KMIP 1.x attribute names.

pub mod enums;
pub mod tags;

use kmip_ttlv::dict::Version;

/// KMIP 1.0.
pub const V1_0: Version = Version::new(1, 0);
/// KMIP 1.1.
pub const V1_1: Version = Version::new(1, 1);
/// KMIP 1.2.
pub const V1_2: Version = Version::new(1, 2);
/// KMIP 1.3.
pub const V1_3: Version = Version::new(1, 3);
/// KMIP 1.4.
pub const V1_4: Version = Version::new(1, 4);
/// KMIP 2.0.
pub const V2_0: Version = Version::new(2, 0);
/// KMIP 2.1.
pub const V2_1: Version = Version::new(2, 1);
/// KMIP 3.0.
pub const V3_0: Version = Version::new(3, 0);

/// Every protocol version the server speaks, highest first (the order used
/// by Discover Versions).
pub const SUPPORTED_VERSIONS: [Version; 8] = [V3_0, V2_1, V2_0, V1_4, V1_3, V1_2, V1_1, V1_0];

/// The spec name of a tag (`"Cryptographic Usage Mask"`), used as the KMIP
/// 1.x attribute name.
pub fn spec_name(tag: u32) -> Option<&'static str> {
    let t = tags::SPEC_NAMES;
    let i = t.partition_point(|(v, _)| *v < tag);
    t.get(i).filter(|(v, _)| *v == tag).map(|(_, n)| *n)
}

/// The tag of a spec name, ignoring case and runs of whitespace
/// (`"Cryptographic   usage Mask"` → Cryptographic Usage Mask).
pub fn tag_of_spec_name(name: &str) -> Option<u32> {
    let key = normalise_name(name);
    tags::SPEC_NAMES
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(&key))
        .map(|(v, _)| *v)
}

/// Collapse whitespace runs to one space and trim.
pub fn normalise_name(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The spec name of an enumeration code in a `NAMES` table.
pub fn enum_name(names: &'static [(u32, &'static str)], code: u32) -> Option<&'static str> {
    names.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}
