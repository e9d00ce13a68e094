//! TEMPORARY bootstrap table; replaced by the output of tools/gen-dictionary.py.
#![allow(missing_docs)]
use super::{EnumDef, EnumValue, MaskDef, MaskFlag, TagDef, Version};
use crate::model::ItemType;

const V10: Version = Version::new(1, 0);

pub(super) static TAGS: &[TagDef] = &[
    TagDef { name: "BatchCount", value: 0x42000D, item_type: Some(ItemType::Integer), since: V10, removed_in: None },
    TagDef { name: "CryptographicUsageMask", value: 0x42002C, item_type: Some(ItemType::Integer), since: V10, removed_in: None },
    TagDef { name: "ObjectType", value: 0x420057, item_type: Some(ItemType::Enumeration), since: V10, removed_in: None },
    TagDef { name: "RequestMessage", value: 0x420078, item_type: Some(ItemType::Structure), since: V10, removed_in: None },
];
pub(super) static TAGS_BY_NAME: &[(&str, u16)] = &[("BatchCount", 0), ("CryptographicUsageMask", 1), ("ObjectType", 2), ("RequestMessage", 3)];
pub(super) static ENUMS: &[EnumDef] = &[EnumDef { name: "ObjectType", values: &[
    EnumValue { name: "Certificate", value: 1, since: V10, removed_in: None },
    EnumValue { name: "SymmetricKey", value: 2, since: V10, removed_in: None },
] }];
pub(super) static TAG_ENUMS: &[(u32, u16)] = &[(0x420057, 0)];
pub(super) static MASKS: &[MaskDef] = &[MaskDef { name: "CryptographicUsageMask", flags: &[
    MaskFlag { name: "Sign", bit: 1 }, MaskFlag { name: "Verify", bit: 2 }, MaskFlag { name: "Encrypt", bit: 4 }, MaskFlag { name: "Decrypt", bit: 8 },
] }];
pub(super) static TAG_MASKS: &[(u32, u16)] = &[(0x42002C, 0)];
