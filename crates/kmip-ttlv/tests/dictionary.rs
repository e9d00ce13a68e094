//! Dictionary tests: known values, lookups, table invariants, generator drift
//! (the checked-in `src/dict/generated.rs` must be what
//! `tools/gen-dictionary.py` produces), and coverage of every tag name,
//! enumeration value and mask flag used by the OASIS test cases (and of their
//! declared item types, where the dictionary gives a tag a single one).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use kmip_ttlv::dict::{self, Version};
use kmip_ttlv::ItemType;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

#[path = "../../../test-support/corpus.rs"]
mod corpus_support;

const TAG_UNIQUE_IDENTIFIER: u32 = 0x42_0094;
const TAG_ATTRIBUTE_REFERENCE: u32 = 0x42_013B;
const TAG_OBJECT_TYPE: u32 = 0x42_0057;
const TAG_CRYPTOGRAPHIC_USAGE_MASK: u32 = 0x42_002C;
const TAG_OBJECT_CLASS: u32 = 0x42_019E;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn enum_value(enum_name: &str, value_name: &str) -> Option<u32> {
    dict::enum_def(enum_name)
        .unwrap_or_else(|| panic!("enumeration {enum_name} missing"))
        .value_of(value_name)
}

fn mask(name: &str) -> &'static dict::MaskDef {
    dict::masks()
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("mask {name} missing"))
}

// ---------------------------------------------------------------- known values

#[test]
fn known_enumeration_values() {
    assert_eq!(enum_value("ObjectType", "SymmetricKey"), Some(2));
    assert_eq!(enum_value("CryptographicAlgorithm", "AES"), Some(3));
    assert_eq!(enum_value("Operation", "Create"), Some(1));
    assert_eq!(enum_value("ResultReason", "ItemNotFound"), Some(1));
    assert_eq!(enum_value("HashingAlgorithm", "SHA_256"), Some(6));
    assert_eq!(enum_value("KeyFormatType", "PKCS_1"), Some(3));
    assert_eq!(enum_value("KeyFormatType", "X_509"), Some(5));
    assert_eq!(enum_value("CertificateType", "X_509"), Some(1));
    assert_eq!(enum_value("NameType", "UninterpretedTextString"), Some(1));
    assert_eq!(enum_value("CryptographicAlgorithm", "DES3"), Some(2));
    assert_eq!(enum_value("Operation", "ReKeyKeyPair"), Some(0x1D));
    assert_eq!(enum_value("State", "PreActive"), Some(1));
    assert_eq!(enum_value("UniqueIdentifier", "IDPlaceholder"), Some(1));
    // loose matching (case, `_`, spaces) as documented on `value_of`
    assert_eq!(enum_value("HashingAlgorithm", "sha-256"), Some(6));
    assert_eq!(enum_value("ObjectType", "NoSuchThing"), None);
    let object_type = dict::enum_def("ObjectType").expect("ObjectType");
    assert_eq!(object_type.name_of(2), Some("SymmetricKey"));
    assert_eq!(object_type.name_of(0x7FFF_FFFF), None);
}

#[test]
fn known_tags() {
    assert_eq!(
        dict::tag_by_name("UniqueIdentifier"),
        Some(TAG_UNIQUE_IDENTIFIER)
    );
    assert_eq!(
        dict::tag_name(TAG_UNIQUE_IDENTIFIER),
        Some("UniqueIdentifier")
    );
    assert_eq!(
        dict::tag_by_name("CryptographicUsageMask"),
        Some(TAG_CRYPTOGRAPHIC_USAGE_MASK)
    );
    assert_eq!(
        dict::tag_by_name("X_509CertificateIdentifier"),
        Some(0x42_00B5)
    );
    assert_eq!(dict::tag_by_name("IVCounterNonce"), Some(0x42_003D));
    assert_eq!(dict::tag_by_name("PKCS_11Function"), Some(0x42_015A));
    assert_eq!(
        dict::tag_by_name("CommonTemplateAttribute"),
        Some(0x42_001F)
    );
    assert_eq!(dict::tag_by_name("Name"), Some(0x42_0053));
    assert_eq!(dict::tag_by_name("NoSuchTag"), None);
    // KMIP 1.x attribute names, including the v1.0 extraction artefact
    assert_eq!(
        dict::attribute_tag("Cryptographic   Usage Mask"),
        Some(TAG_CRYPTOGRAPHIC_USAGE_MASK)
    );
    assert_eq!(dict::attribute_tag("Object Type"), Some(TAG_OBJECT_TYPE));
    assert_eq!(dict::attribute_tag("x-attribute1"), None);

    let def = dict::tag_def(TAG_CRYPTOGRAPHIC_USAGE_MASK).expect("CryptographicUsageMask");
    assert_eq!(def.item_type, Some(ItemType::Integer));
    assert_eq!(def.since, Version::new(1, 0));
    assert_eq!(def.removed_in, None);
}

#[test]
fn kmip_3_0_additions() {
    let def = dict::tag_def(TAG_OBJECT_CLASS).expect("ObjectClass tag");
    assert_eq!(def.name, "ObjectClass");
    assert_eq!(def.since, Version::new(3, 0));
    assert_eq!(def.item_type, Some(ItemType::Enumeration));
    assert_eq!(
        dict::enum_for_tag(TAG_OBJECT_CLASS).map(|e| e.name),
        Some("ObjectClass")
    );
    assert_eq!(enum_value("ObjectClass", "User"), Some(1));
    let mask_tag = dict::tag_by_name("ObjectClassMask").expect("ObjectClassMask tag");
    assert_eq!(mask_tag, 0x42_019F);
    assert_eq!(
        dict::mask_for_tag(mask_tag).map(|m| m.name),
        Some("ObjectClassMask")
    );
    assert_eq!(enum_value("Operation", "Obliterate"), Some(0x3D));
    assert_eq!(
        enum_value("ObjectType", "HashedPasswordCredential"),
        Some(0x10)
    );
    assert_eq!(enum_value("ItemType", "NameReference"), Some(0x0E));
    assert_eq!(dict::tag_by_name("GroupLink"), Some(0x42_01B3));
    assert_eq!(
        dict::tag_def(0x42_01B3).and_then(|d| d.item_type),
        Some(ItemType::NameReference)
    );
}

#[test]
fn versions_and_renames() {
    let template = dict::enum_def("ObjectType")
        .expect("ObjectType")
        .values
        .iter()
        .find(|v| v.name == "Template")
        .expect("Template");
    assert_eq!(
        (template.since, template.removed_in),
        (Version::new(1, 0), Some(Version::new(2, 0)))
    );
    let index = dict::tag_def(0x42_0009).expect("AttributeIndex");
    assert_eq!(index.name, "AttributeIndex");
    assert_eq!(index.removed_in, Some(Version::new(2, 0)));
    // renamed values: the newest name is canonical, the old one an alias
    let dsa = dict::enum_def("DigitalSignatureAlgorithm").expect("DigitalSignatureAlgorithm");
    assert_eq!(dsa.value_of("SHA_256WithRSAEncryptionPKCS_1V1_5"), Some(5));
    assert_eq!(dsa.name_of(5), Some("SHA_256WithRSAEncryption"));
    let hashing = dict::enum_def("HashingAlgorithm").expect("HashingAlgorithm");
    assert_eq!(hashing.value_of("SHA_3_256"), Some(0x0F));
    assert_eq!(hashing.name_of(0x0F), Some("SHA3_256"));
    // 2.x misprints MGF1 as MFG1: both accepted, MGF1 canonical
    let mgf = dict::enum_def("MaskGenerator").expect("MaskGenerator");
    assert_eq!(mgf.name_of(1), Some("MGF1"));
    assert_eq!(mgf.value_of("MFG1"), Some(1));
}

#[test]
fn special_enumeration_tags() {
    let tag_enum = dict::enum_for_tag(TAG_ATTRIBUTE_REFERENCE).expect("AttributeReference");
    assert_eq!(tag_enum.name, "Tag");
    assert_eq!(tag_enum.value_of("State"), Some(0x42_008D));
    assert_eq!(
        tag_enum.name_of(TAG_UNIQUE_IDENTIFIER),
        Some("UniqueIdentifier")
    );
    let uid = dict::enum_for_tag(TAG_UNIQUE_IDENTIFIER).expect("UniqueIdentifier");
    assert_eq!(uid.name, "UniqueIdentifier");
    for name in [
        "PrivateKeyUniqueIdentifier",
        "PublicKeyUniqueIdentifier",
        "LinkedObjectIdentifier",
    ] {
        let tag = dict::tag_by_name(name).expect(name);
        assert_eq!(
            dict::enum_for_tag(tag).map(|e| e.name),
            Some("UniqueIdentifier"),
            "{name}"
        );
    }
    let hashing = dict::tag_by_name("MaskGeneratorHashingAlgorithm").expect("tag");
    assert_eq!(
        dict::enum_for_tag(hashing).map(|e| e.name),
        Some("HashingAlgorithm")
    );
    assert_eq!(
        dict::enum_for_tag(TAG_OBJECT_TYPE).map(|e| e.name),
        Some("ObjectType")
    );
    assert!(dict::enum_for_tag(TAG_CRYPTOGRAPHIC_USAGE_MASK).is_none());
}

#[test]
fn masks_parse_and_render() {
    let usage = dict::mask_for_tag(TAG_CRYPTOGRAPHIC_USAGE_MASK).expect("usage mask");
    assert_eq!(usage.name, "CryptographicUsageMask");
    assert_eq!(usage.parse("Encrypt"), Some(0x4));
    assert_eq!(usage.parse("Decrypt"), Some(0x8));
    assert_eq!(usage.parse("Encrypt   Decrypt"), Some(0xC));
    assert_eq!(usage.parse("Decrypt Encrypt"), Some(0xC));
    assert_eq!(usage.parse("Encrypt|Decrypt"), Some(0xC));
    assert_eq!(
        usage.parse("Encrypt Decrypt MACGenerate MACVerify"),
        Some(0x18C)
    );
    assert_eq!(usage.parse("0x00000004 Decrypt"), Some(0xC));
    assert_eq!(usage.parse("Encrypt Bogus"), None);
    assert_eq!(usage.parse("   "), None);
    // render: bit order, unknown bits as one hex word, zero as hex
    assert_eq!(usage.render(0xC), "Encrypt Decrypt");
    assert_eq!(usage.render(0x8 | 0x1), "Sign Decrypt");
    assert_eq!(usage.render(0x8000_0004), "Encrypt 0x80000000");
    assert_eq!(usage.render(0), "0x00000000");
    // an alias (annotation dropped) parses to the same bit, renders once
    assert_eq!(usage.parse("ContentCommitment"), Some(0x400));
    assert_eq!(usage.parse("ContentCommitmentNonRepudiation"), Some(0x400));
    assert_eq!(usage.render(0x401), "Sign ContentCommitmentNonRepudiation");
    for value in [0x1_u32, 0xC, 0x18C, 0x400, 0x00F0_0000] {
        assert_eq!(usage.parse(&usage.render(value)), Some(value));
    }
    assert_eq!(
        mask("ProtectionStorageMask").parse("Software Hardware"),
        Some(0x3)
    );
    assert_eq!(
        mask("StorageStatusMask").parse("OnLineStorage ArchivalStorage"),
        Some(0x3)
    );
}

// ------------------------------------------------------------------ invariants

#[test]
fn table_invariants() {
    let tags = dict::tags();
    assert!(tags.len() > 400, "only {} tags", tags.len());
    for pair in tags.windows(2) {
        assert!(
            pair[0].value < pair[1].value,
            "TAGS not sorted at {}",
            pair[1].name
        );
    }
    let mut names = BTreeSet::new();
    for t in tags {
        assert!(names.insert(t.name), "duplicate tag name {}", t.name);
        assert_eq!(dict::tag_by_name(t.name), Some(t.value), "{}", t.name);
        assert_eq!(dict::tag_name(t.value), Some(t.name));
        assert!(t.value >> 16 == 0x42, "{} = 0x{:06X}", t.name, t.value);
        if let Some(removed) = t.removed_in {
            assert!(t.since < removed, "{}", t.name);
        }
        // every tag typed Enumeration carries a known enumeration,
        // every Integer tag named *Mask carries a mask
        if t.item_type == Some(ItemType::Enumeration) {
            assert!(
                dict::enum_for_tag(t.value).is_some(),
                "Enumeration tag {} has no enumeration",
                t.name
            );
        }
        if t.item_type == Some(ItemType::Integer) && t.name.ends_with("Mask") {
            assert!(
                dict::mask_for_tag(t.value).is_some(),
                "mask tag {} has no mask",
                t.name
            );
        }
    }
    let enums = dict::enums();
    for pair in enums.windows(2) {
        assert!(
            pair[0].name < pair[1].name,
            "ENUMS not sorted at {}",
            pair[1].name
        );
    }
    for e in enums {
        assert_eq!(dict::enum_def(e.name).map(|d| d.name), Some(e.name));
        for pair in e.values.windows(2) {
            assert!(
                pair[0].value <= pair[1].value,
                "{} values not sorted at {}",
                e.name,
                pair[1].name
            );
            assert!(
                pair[0].value != pair[1].value || pair[0].name != pair[1].name,
                "{}: {} twice",
                e.name,
                pair[1].name
            );
        }
        for v in e.values {
            assert_eq!(e.value_of(v.name), Some(v.value), "{}::{}", e.name, v.name);
        }
    }
    for m in dict::masks() {
        for pair in m.flags.windows(2) {
            assert!(
                pair[0].bit <= pair[1].bit,
                "{} flags not sorted at {}",
                m.name,
                pair[1].name
            );
        }
        for f in m.flags {
            assert_eq!(f.bit.count_ones(), 1, "{}::{}", m.name, f.name);
            assert_eq!(m.parse(f.name), Some(f.bit), "{}::{}", m.name, f.name);
        }
    }
}

// ------------------------------------------------------------- generator drift

#[test]
fn generated_table_matches_generator() {
    let crate_dir = manifest_dir();
    let spec_dir = std::env::var_os("KMIP_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir.join("../../../shared/spec"));
    if !spec_dir.join("kmip-spec-v2.1-os.html").exists() {
        eprintln!(
            "skipping: KMIP spec HTML not found at {}",
            spec_dir.display()
        );
        return;
    }
    let python_ok = Command::new("python3")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !python_ok {
        eprintln!("skipping: python3 not found");
        return;
    }
    let tmp = std::env::temp_dir();
    let out = tmp.join(format!("kmip-ttlv-generated-{}.rs", std::process::id()));
    let consts_out = tmp.join(format!("kmip-ttlv-consts-{}.rs", std::process::id()));
    let run = Command::new("python3")
        .arg(crate_dir.join("tools/gen-dictionary.py"))
        .arg("--spec-dir")
        .arg(&spec_dir)
        .arg("--out")
        .arg(&out)
        .arg("--consts-out")
        .arg(&consts_out)
        .arg("--quiet")
        .output()
        .expect("run tools/gen-dictionary.py");
    assert!(
        run.status.success(),
        "gen-dictionary.py failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for (fresh_path, checked_in_path) in [
        (&out, "src/dict/generated.rs"),
        (&consts_out, "src/consts.rs"),
    ] {
        let fresh = std::fs::read_to_string(fresh_path).expect("read generator output");
        let _ = std::fs::remove_file(fresh_path);
        let checked_in = std::fs::read_to_string(crate_dir.join(checked_in_path))
            .expect("read the checked-in generated file");
        if fresh != checked_in {
            let line = fresh
                .lines()
                .zip(checked_in.lines())
                .position(|(a, b)| a != b)
                .map_or_else(
                    || fresh.lines().count().min(checked_in.lines().count()) + 1,
                    |i| i + 1,
                );
            panic!(
                "{checked_in_path} is stale (first difference at line {line}); \
                 run `python3 tools/gen-dictionary.py` in crates/kmip-ttlv"
            );
        }
    }
}

/// The typed constants (`src/consts.rs`) name the same values as the
/// dictionary: every `tags::X` is the dictionary tag whose name is `X` once
/// case and `_` are ignored, every `enums::e::X` / `masks::m::X` the value or
/// flag of that name, and every dictionary tag has a constant and a spec name.
#[test]
fn generated_constants_equal_the_dictionary() {
    fn loose(s: &str) -> String {
        s.chars()
            .filter(|c| *c != '_')
            .flat_map(char::to_lowercase)
            .collect()
    }
    let text =
        std::fs::read_to_string(manifest_dir().join("src/consts.rs")).expect("read consts.rs");
    let (mut section, mut module) = (String::new(), String::new());
    let (mut tags_seen, mut values_seen) = (BTreeSet::new(), 0usize);
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("pub mod ") {
            let name = rest.trim_end_matches(" {").to_string();
            if matches!(name.as_str(), "tags" | "enums" | "masks") {
                section = name;
            } else {
                module = name;
            }
            continue;
        }
        let Some(rest) = line.strip_prefix("pub const ") else {
            continue;
        };
        let (name, rest) = rest.split_once(':').expect("const name");
        let hex = rest
            .rsplit("0x")
            .next()
            .expect("hex value")
            .trim_end_matches(|c: char| !c.is_ascii_hexdigit());
        let value = u32::from_str_radix(hex, 16).expect("hex value");
        match section.as_str() {
            "tags" => {
                assert_eq!(
                    dict::tag_by_name(name),
                    Some(value),
                    "tags::{name} = 0x{value:06X} does not match the dictionary"
                );
                tags_seen.insert(value);
            }
            "enums" => {
                let def = dict::enums()
                    .iter()
                    .find(|e| loose(e.name) == loose(&module))
                    .unwrap_or_else(|| panic!("enums::{module}: no such enumeration"));
                assert!(
                    def.values
                        .iter()
                        .any(|v| v.value == value && loose(v.name) == loose(name)),
                    "enums::{module}::{name} = 0x{value:08X} is not a value of {}",
                    def.name
                );
                values_seen += 1;
            }
            "masks" => {
                let def = dict::masks()
                    .iter()
                    .find(|m| loose(m.name) == loose(&module))
                    .unwrap_or_else(|| panic!("masks::{module}: no such mask"));
                assert!(
                    def.flags
                        .iter()
                        .any(|f| f.bit == value && loose(f.name) == loose(name)),
                    "masks::{module}::{name} = 0x{value:08X} is not a flag of {}",
                    def.name
                );
                values_seen += 1;
            }
            other => panic!("constant {name} outside tags/enums/masks ({other:?})"),
        }
    }
    for t in dict::tags() {
        assert!(
            tags_seen.contains(&t.value),
            "no constant for tag {}",
            t.name
        );
    }
    assert_eq!(kmip_ttlv::tags::SPEC_NAMES.len(), dict::tags().len());
    // spec text names and XML names agree once punctuation is dropped
    let squash = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    for (value, spec_name) in kmip_ttlv::tags::SPEC_NAMES {
        let xml = dict::tag_name(*value).expect("spec name of a known tag");
        assert_eq!(squash(xml), squash(spec_name), "tag 0x{value:06X}");
    }
    assert_eq!(kmip_ttlv::tags::ACTIVATION_DATE, kmip_ttlv::Tag(0x420001));
    assert_eq!(kmip_ttlv::enums::operation::LOCATE, 0x0000_0008);
    assert!(
        values_seen > 1000,
        "only {values_seen} enumeration/mask constants"
    );
}

// -------------------------------------------------------------- corpus coverage

/// One element being read: its name and, for `<Attribute>`-like parents, the
/// `AttributeName` seen among its children so far.
struct Frame {
    attribute_name: Option<String>,
}

struct Coverage {
    misses: Vec<String>,
    /// Names that resolve, but only through an alias or loose matching.
    non_canonical: Vec<String>,
    elements: usize,
    enums: usize,
    masks: usize,
}

fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

impl Coverage {
    fn check_element(&mut self, file: &str, e: &BytesStart<'_>, parent: Option<&mut Frame>) {
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        if name == "KMIP" || name == "KmipTestCase" {
            return;
        }
        self.elements += 1;
        let Some(tag) = dict::tag_by_name(&name) else {
            self.misses
                .push(format!("{file}: element <{name}>: unknown tag"));
            return;
        };
        if dict::tag_name(tag) != Some(name.as_str()) {
            self.non_canonical.push(format!(
                "{file}: element <{name}>: resolves to {:?}, not its canonical name",
                dict::tag_name(tag)
            ));
        }
        let item_type = attr(e, b"type");
        let value = attr(e, b"value");
        if name == "AttributeName" {
            if let (Some(parent), Some(v)) = (parent, value.as_ref()) {
                parent.attribute_name = Some(v.clone());
            }
            return;
        }
        // a declared type must agree with the dictionary's single item type
        if let (Some(declared), Some(expected)) = (
            item_type.as_deref(),
            dict::tag_def(tag).and_then(|d| d.item_type),
        ) {
            if declared != format!("{expected:?}") {
                self.misses.push(format!(
                    "{file}: element <{name}>: type {declared:?}, dictionary item type {expected:?}"
                ));
            }
        }
        let (Some(item_type), Some(value)) = (item_type, value) else {
            return;
        };
        let value = value.trim();
        // KMIP 1.x <AttributeValue>: typed by the sibling AttributeName
        let (carrier, what) = if name == "AttributeValue" {
            let attribute_name = parent
                .and_then(|p| p.attribute_name.clone())
                .unwrap_or_default();
            (
                dict::attribute_tag(&attribute_name),
                format!("<AttributeValue> of AttributeName {attribute_name:?}"),
            )
        } else {
            (Some(tag), format!("<{name}>"))
        };
        match item_type.as_str() {
            "Enumeration" => {
                if value.starts_with("0x") || value.starts_with('$') {
                    return;
                }
                self.enums += 1;
                if name == "AttributeReference" {
                    match dict::tag_by_name(value) {
                        Some(t) if dict::tag_name(t) == Some(value) => {}
                        Some(_) => self.non_canonical.push(format!(
                            "{file}: {what} = {value:?}: not the canonical tag name"
                        )),
                        None => self
                            .misses
                            .push(format!("{file}: {what} = {value:?}: unknown tag name")),
                    }
                    return;
                }
                let Some(e) = carrier.and_then(dict::enum_for_tag) else {
                    self.misses.push(format!(
                        "{file}: {what} = {value:?}: no enumeration for this tag"
                    ));
                    return;
                };
                match e.value_of(value) {
                    Some(code) if e.name_of(code) == Some(value) => {}
                    Some(code) => self.non_canonical.push(format!(
                        "{file}: {what} = {value:?}: the canonical name of {}::0x{code:08X} is {}",
                        e.name,
                        e.name_of(code).unwrap_or("?")
                    )),
                    None => self.misses.push(format!(
                        "{file}: {what} = {value:?}: not in enumeration {}",
                        e.name
                    )),
                }
            }
            "Integer" => {
                if value.parse::<i64>().is_ok() || value.starts_with('$') {
                    return;
                }
                self.masks += 1;
                let Some(m) = carrier.and_then(dict::mask_for_tag) else {
                    self.misses
                        .push(format!("{file}: {what} = {value:?}: no mask for this tag"));
                    return;
                };
                if m.parse(value).is_none() {
                    self.misses.push(format!(
                        "{file}: {what} = {value:?}: not flags of mask {}",
                        m.name
                    ));
                }
            }
            _ => {}
        }
    }
}

#[test]
fn oasis_corpus_coverage() {
    let Some(root) =
        corpus_support::corpus_dir(env!("CARGO_MANIFEST_DIR"), "oasis_corpus_coverage")
    else {
        return;
    };
    let mut files = Vec::new();
    corpus_support::xml_files(&root, &mut files);
    if files.is_empty() {
        eprintln!(
            "skipping: corpus not found at {} (no .xml files)",
            root.display()
        );
        return;
    }
    let mut cov = Coverage {
        misses: Vec::new(),
        non_canonical: Vec::new(),
        elements: 0,
        enums: 0,
        masks: 0,
    };
    for path in &files {
        let shown = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(err) => {
                cov.misses.push(format!("{shown}: cannot read: {err}"));
                continue;
            }
        };
        let mut reader = Reader::from_str(&text);
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    cov.check_element(&shown, &e, stack.last_mut());
                    stack.push(Frame {
                        attribute_name: None,
                    });
                }
                Ok(Event::Empty(e)) => cov.check_element(&shown, &e, stack.last_mut()),
                Ok(Event::End(_)) => {
                    stack.pop();
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(err) => {
                    cov.misses.push(format!(
                        "{shown}: XML error at byte {}: {err}",
                        reader.error_position()
                    ));
                    break;
                }
            }
        }
    }
    eprintln!(
        "corpus: {} files, {} elements, {} enumeration values, {} mask values checked",
        files.len(),
        cov.elements,
        cov.enums,
        cov.masks
    );
    // Aliases (older or misprinted names) are legitimate in version-specific
    // test cases; list them so a renderer/test-case mismatch is visible.
    for n in &cov.non_canonical {
        eprintln!("note: {n}");
    }
    assert!(
        cov.misses.is_empty(),
        "{} dictionary misses in the OASIS corpus:\n{}",
        cov.misses.len(),
        cov.misses.join("\n")
    );
}
