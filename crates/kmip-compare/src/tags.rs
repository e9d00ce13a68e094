//! The KMIP tags and enumeration codes the comparator reasons about: the
//! constants `kmip_ttlv` generates from the spec tables (every tag, under
//! its XML name in upper snake case; the enumerations under the short module
//! names the rules use), plus name helpers. No value is written by hand.

use kmip_ttlv::Tag;

pub use kmip_ttlv::tags::*;

/// The XML name of a tag (the dictionary's), else `0x42XXXX`.
pub fn name(tag: Tag) -> String {
    tag.display_name()
}

/// The tag for an XML name (the dictionary).
pub fn by_name(name: &str) -> Option<Tag> {
    Tag::by_name(name)
}

/// Normalise a KMIP 1.x attribute name (`"Cryptographic   Usage Mask"`) to
/// the XML tag-name form (`"CryptographicUsageMask"`): whitespace removed.
/// Custom attributes (`x-…`, `y-…`) and unknown names are returned with only
/// whitespace runs collapsed.
pub fn attribute_key_name(attribute_name: &str) -> String {
    let collapsed: String = attribute_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let squeezed: String = collapsed.chars().filter(|c| !c.is_whitespace()).collect();
    if by_name(&squeezed).is_some() || kmip_ttlv::dict::attribute_tag(&collapsed).is_some() {
        squeezed
    } else {
        collapsed
    }
}

/// Operation enumeration codes (generated: [`kmip_ttlv::enums::operation`]).
pub mod op {
    pub use kmip_ttlv::enums::operation::*;

    /// XML name of an operation code for rule descriptions and notes
    /// (`"other"` when the dictionary does not know it).
    pub fn name(code: u32) -> &'static str {
        kmip_ttlv::dict::enum_def("Operation")
            .and_then(|e| e.name_of(code))
            .unwrap_or("other")
    }
}

/// Cryptographic Algorithm codes (generated).
pub use kmip_ttlv::enums::cryptographic_algorithm as alg;
/// Hashing Algorithm codes (generated).
pub use kmip_ttlv::enums::hashing_algorithm as hash;
/// Key Format Type codes (generated).
pub use kmip_ttlv::enums::key_format_type as key_format;
/// Name Type codes (generated).
pub use kmip_ttlv::enums::name_type;
/// Object Type codes (generated).
pub use kmip_ttlv::enums::object_type;
/// Padding Method codes (generated).
pub use kmip_ttlv::enums::padding_method as padding;
/// Result Reason codes (generated).
pub use kmip_ttlv::enums::result_reason as reason;
/// Result Status codes (generated).
pub use kmip_ttlv::enums::result_status as status;

/// Digital Signature Algorithm codes (KMIP 2.1 §11.16, Table 447) whose
/// output is randomized: RSASSA-PSS (0x08), DSA with SHA-1/224/256
/// (0x09–0x0B), ECDSA with SHA-1/224/256/384/512 (0x0C–0x10).
pub fn randomized_signature_algorithm(code: u32) -> bool {
    (0x08..=0x10).contains(&code)
}
