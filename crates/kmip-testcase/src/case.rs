//! The OASIS test-case loader.
//!
//! An OASIS KMIP test case is an XML file (`SKLC-M-1-21.xml`) whose root
//! (`<KMIP>` from v1.3 on, `<KmipTestCase>` in the v1.0-era files) holds an
//! ordered transcript of `RequestMessage` / `ResponseMessage` pairs. This
//! module turns such a file into a [`TestCase`]: its id (the file stem), the
//! family / mandatory / number / protocol-version fields encoded in that id
//! ([`CaseId`]), and the request/response [`Step`]s with their source lines.
//!
//! Parsing of the KMIP XML notation itself is done by
//! [`kmip_ttlv::xml::parse_test_case`]; this module only pairs the messages,
//! checks the transcript shape and normalises the v1.0 extraction artefacts
//! (runs of spaces inside `AttributeName` text, e.g.
//! `"Cryptographic   Usage Mask"`).
//!
//! **Text between messages.** A well-formed file may carry text between its
//! messages (the `#` lines of the OASIS v2.0 test-case notes). It is skipped
//! and each block becomes a [`LoadWarning`] on the [`TestCase`] (the runner
//! copies them into the case result); a message whose start tag follows a
//! `#` on its line is commented out: it is skipped whole, not replayed, and
//! its warning says so. Inside a message the loader stays strict: any text
//! there is an error. The only I/O is reading the file
//! ([`load_file`]) and listing folders ([`discover`]); [`load_str`] is pure.

use std::collections::BTreeSet;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use kmip_ttlv::dict::Version;
use kmip_ttlv::{Item, Tag, Value};

/// Largest test-case file [`load_file`] accepts (the biggest OASIS file is
/// well under 1 MiB; anything this large is not a test case).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Deepest folder nesting [`discover`] descends into.
pub const MAX_DISCOVER_DEPTH: usize = 32;

/// `RequestMessage` (KMIP 1.0 §9.1.3.1, tag 0x420078).
const TAG_REQUEST_MESSAGE: Tag = kmip_ttlv::tags::REQUEST_MESSAGE;
/// `ResponseMessage` (tag 0x42007B).
const TAG_RESPONSE_MESSAGE: Tag = kmip_ttlv::tags::RESPONSE_MESSAGE;
/// `RequestHeader` (tag 0x420077).
const TAG_REQUEST_HEADER: Tag = kmip_ttlv::tags::REQUEST_HEADER;
/// `ProtocolVersion` (tag 0x420069).
const TAG_PROTOCOL_VERSION: Tag = kmip_ttlv::tags::PROTOCOL_VERSION;
/// `ProtocolVersionMajor` (tag 0x42006A).
const TAG_PROTOCOL_VERSION_MAJOR: Tag = kmip_ttlv::tags::PROTOCOL_VERSION_MAJOR;
/// `ProtocolVersionMinor` (tag 0x42006B).
const TAG_PROTOCOL_VERSION_MINOR: Tag = kmip_ttlv::tags::PROTOCOL_VERSION_MINOR;
/// `AttributeName` (tag 0x42000A).
const TAG_ATTRIBUTE_NAME: Tag = kmip_ttlv::tags::ATTRIBUTE_NAME;

/// The fields encoded in a test-case file name: an OASIS one,
/// `PREFIX-M|O-NUMBER-VV` (`CS-BC-M-GCM-2-14`, `SKLC-O-1-21`), or a
/// project one under `testcases/`, `KH-AREA-N-VV` (`KH-NEG-7-21`; see
/// `testcases/README.md`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CaseId {
    /// Family prefix: `"CS-BC"`, `"SKLC"`, `"SUITEB_128"`, `"MSGENC-HTTPS"`.
    pub prefix: String,
    /// `-M-` (mandatory) rather than `-O-` (optional).
    pub mandatory: bool,
    /// Number within the family: `"1"`, `"GCM-2"`, `"OAEP-10"`,
    /// `"4-12-3DES"` (the v1.3 oddity `CS-BC-M-4-12-3DES-13`).
    pub number: String,
    /// Protocol version from the `-VV` suffix (`10` → 1.0 … `30` → 3.0);
    /// `None` when the name does not end in a known suffix.
    pub version: Option<Version>,
    /// A project case (`KH-AREA-N-VV`): `prefix` is `"KH-AREA"`, `number`
    /// is `N`, and there is no `-M-`/`-O-` part (`mandatory` is `true`:
    /// project profiles list their cases as mandatory).
    pub project: bool,
}

impl CaseId {
    /// Parse a file stem (`"SKLC-M-1-21"`, `"KH-NEG-7-21"`). `None` when
    /// the stem follows neither the `PREFIX-M|O-NUMBER[-VV]` pattern nor the
    /// project pattern `KH-AREA-N-VV` (e.g. the `TC-*` files of the Test
    /// Cases committee notes).
    pub fn parse(file_stem: &str) -> Option<CaseId> {
        if let Some(id) = CaseId::parse_project(file_stem) {
            return Some(id);
        }
        // The first `-M-` / `-O-` separates the family from the rest; family
        // prefixes never contain one.
        let m = file_stem.find("-M-");
        let o = file_stem.find("-O-");
        let (pos, mandatory) = match (m, o) {
            (Some(m), Some(o)) if o < m => (o, false),
            (Some(m), _) => (m, true),
            (None, Some(o)) => (o, false),
            (None, None) => return None,
        };
        let prefix = &file_stem[..pos];
        let rest = &file_stem[pos + 3..];
        if prefix.is_empty() || rest.is_empty() || !prefix.chars().all(is_id_char) {
            return None;
        }
        let (number, version) = match rest.rsplit_once('-') {
            Some((number, suffix)) if !number.is_empty() => match version_from_suffix(suffix) {
                Some(v) => (number, Some(v)),
                None => (rest, None),
            },
            _ => (rest, None),
        };
        Some(CaseId {
            prefix: prefix.to_string(),
            mandatory,
            number: number.to_string(),
            version,
            project: false,
        })
    }

    /// A project case id `KH-AREA-N-VV`: `AREA` upper-case letters and
    /// digits, `N` decimal, `VV` a known version suffix.
    fn parse_project(file_stem: &str) -> Option<CaseId> {
        let rest = file_stem.strip_prefix("KH-")?;
        let mut parts = rest.split('-');
        let (area, number, suffix) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some()
            || area.is_empty()
            || !area
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            || number.is_empty()
            || !number.chars().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        Some(CaseId {
            prefix: format!("KH-{area}"),
            mandatory: true,
            number: number.to_string(),
            version: Some(version_from_suffix(suffix)?),
            project: true,
        })
    }

    /// The `VV` suffix for this case's version (`"21"`), if it has one.
    pub fn version_suffix(&self) -> Option<String> {
        self.version.map(|v| format!("{}{}", v.major, v.minor))
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.project {
            write!(f, "{}-{}", self.prefix, self.number)?;
        } else {
            let mo = if self.mandatory { "M" } else { "O" };
            write!(f, "{}-{}-{}", self.prefix, mo, self.number)?;
        }
        if let Some(s) = self.version_suffix() {
            write!(f, "-{s}")?;
        }
        Ok(())
    }
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// The protocol version of a file-name suffix: `"10"`, `"11"`, `"12"`,
/// `"13"`, `"14"`, `"20"`, `"21"`, `"30"`.
pub fn version_from_suffix(suffix: &str) -> Option<Version> {
    match suffix {
        "10" => Some(Version::new(1, 0)),
        "11" => Some(Version::new(1, 1)),
        "12" => Some(Version::new(1, 2)),
        "13" => Some(Version::new(1, 3)),
        "14" => Some(Version::new(1, 4)),
        "20" => Some(Version::new(2, 0)),
        "21" => Some(Version::new(2, 1)),
        "30" => Some(Version::new(3, 0)),
        _ => None,
    }
}

/// One request/response exchange of a test case.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// 0-based position in the transcript.
    pub index: usize,
    /// The `RequestMessage` as written (placeholders unbound).
    pub request: Item,
    /// The expected `ResponseMessage` as written.
    pub response: Item,
    /// 1-based line of the request's start tag.
    pub request_line: usize,
    /// 1-based line of the response's start tag.
    pub response_line: usize,
}

/// A loaded test case.
#[derive(Clone, Debug, PartialEq)]
pub struct TestCase {
    /// The file stem (`"SKLC-M-1-21"`).
    pub id: String,
    /// The file it came from.
    pub path: PathBuf,
    /// The id's fields, when the stem follows the OASIS naming pattern.
    pub case_id: Option<CaseId>,
    /// Name of the root element (`"KMIP"`, `"KmipTestCase"`).
    pub root: String,
    /// The exchanges, in order (never empty).
    pub steps: Vec<Step>,
    /// What the loader skipped between the messages (text, commented-out
    /// messages), in file order; empty for a clean file.
    pub warnings: Vec<LoadWarning>,
}

/// Something the loader skipped in a test case that still loaded: text
/// between messages, or a commented-out message (never replayed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadWarning {
    /// 1-based line where the skipped part starts.
    pub line: usize,
    /// What was skipped, with its line(s):
    /// `"line 7: text between messages skipped: \"# TIME 0\""`.
    pub message: String,
    /// True when a whole message (or other element) was commented out.
    pub commented_out: bool,
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl TestCase {
    /// The protocol version of the first request's `RequestHeader /
    /// ProtocolVersion`, if present and well-formed.
    pub fn protocol_version(&self) -> Option<Version> {
        let header = self.steps.first()?.request.child(TAG_REQUEST_HEADER)?;
        let pv = header.child(TAG_PROTOCOL_VERSION)?;
        let major = small_int(pv.child(TAG_PROTOCOL_VERSION_MAJOR)?)?;
        let minor = small_int(pv.child(TAG_PROTOCOL_VERSION_MINOR)?)?;
        Some(Version::new(major, minor))
    }

    /// Whether the case is mandatory (`-M-`); `None` when the id does not
    /// follow the naming pattern.
    pub fn is_mandatory(&self) -> Option<bool> {
        self.case_id.as_ref().map(|c| c.mandatory)
    }
}

fn small_int(item: &Item) -> Option<u8> {
    match item.value {
        Value::Integer(i) => u8::try_from(i).ok(),
        _ => None,
    }
}

/// Why a test case (or a folder of them) could not be loaded. Every variant
/// names the file; [`LoadError::line`] gives the 1-based line when known.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file or folder could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// File or folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error("{}: file is larger than {limit} bytes, not a test case", path.display())]
    TooLarge {
        /// File.
        path: PathBuf,
        /// The limit.
        limit: u64,
    },
    /// The file is not valid UTF-8.
    #[error("{}: not UTF-8 text", path.display())]
    NotUtf8 {
        /// File.
        path: PathBuf,
    },
    /// The KMIP XML could not be parsed.
    #[error("{}:{line}: {message}", path.display())]
    Xml {
        /// File.
        path: PathBuf,
        /// 1-based line (0 when the parser did not say).
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// The XML parsed but is not a test-case transcript (unpaired or
    /// unexpected messages, no messages at all).
    #[error("{}:{line}: {message}", path.display())]
    Structure {
        /// File.
        path: PathBuf,
        /// 1-based line of the offending element (0: whole file).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Folder recursion went deeper than [`MAX_DISCOVER_DEPTH`].
    #[error("{}: folders nested deeper than {limit} levels", path.display())]
    TooDeep {
        /// The folder at which discovery stopped.
        path: PathBuf,
        /// The limit.
        limit: usize,
    },
}

impl LoadError {
    /// The file or folder the error is about.
    pub fn path(&self) -> &Path {
        match self {
            LoadError::Io { path, .. }
            | LoadError::TooLarge { path, .. }
            | LoadError::NotUtf8 { path }
            | LoadError::Xml { path, .. }
            | LoadError::Structure { path, .. }
            | LoadError::TooDeep { path, .. } => path,
        }
    }

    /// The 1-based line, when the error is tied to one.
    pub fn line(&self) -> Option<usize> {
        match self {
            LoadError::Xml { line, .. } | LoadError::Structure { line, .. } if *line > 0 => {
                Some(*line)
            }
            _ => None,
        }
    }
}

/// Read and parse one test-case file.
pub fn load_file(path: &Path) -> Result<TestCase, LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_FILE_BYTES,
        });
    }
    let text = String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8 {
        path: path.to_path_buf(),
    })?;
    load_str(&text, path)
}

/// Parse a test case from its text; `path` names it (id = file stem) and is
/// used in errors. No I/O.
pub fn load_str(text: &str, path: &Path) -> Result<TestCase, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = kmip_ttlv::xml::parse_test_case(text).map_err(|e| LoadError::Xml {
        path: path.to_path_buf(),
        line: e.line,
        message: format!("column {}: {}", e.column, e.kind),
    })?;
    let warnings: Vec<LoadWarning> = doc
        .skipped
        .iter()
        .map(|s| LoadWarning {
            line: s.line,
            message: s.to_string(),
            commented_out: s.element.is_some(),
        })
        .collect();
    let items = doc.items.into_iter().map(|l| (l.item, l.line)).collect();
    let mut case = assemble(doc.root, items, path)?;
    case.warnings = warnings;
    Ok(case)
}

/// Build a [`TestCase`] from the top-level items of a parsed document
/// (each with its 1-based start line): pairs requests with responses in
/// order and normalises v1.0 artefacts.
pub fn assemble(
    root: String,
    items: Vec<(Item, usize)>,
    path: &Path,
) -> Result<TestCase, LoadError> {
    let structure = |line: usize, message: String| LoadError::Structure {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut steps = Vec::new();
    let mut pending: Option<(Item, usize)> = None;
    for (mut item, line) in items {
        if item.tag == TAG_REQUEST_MESSAGE {
            if let Some((_, prev)) = pending {
                return Err(structure(
                    line,
                    format!("RequestMessage follows the RequestMessage at line {prev} without a ResponseMessage between them"),
                ));
            }
            normalise(&mut item);
            pending = Some((item, line));
        } else if item.tag == TAG_RESPONSE_MESSAGE {
            let Some((request, request_line)) = pending.take() else {
                return Err(structure(
                    line,
                    "ResponseMessage without a preceding RequestMessage".to_string(),
                ));
            };
            normalise(&mut item);
            steps.push(Step {
                index: steps.len(),
                request,
                response: item,
                request_line,
                response_line: line,
            });
        } else {
            return Err(structure(
                line,
                format!(
                    "unexpected top-level element {}: expected RequestMessage or ResponseMessage",
                    item.tag.display_name()
                ),
            ));
        }
    }
    if let Some((_, line)) = pending {
        return Err(structure(
            line,
            "RequestMessage at the end of the file has no ResponseMessage".to_string(),
        ));
    }
    if steps.is_empty() {
        return Err(structure(
            0,
            format!("root element <{root}> holds no RequestMessage/ResponseMessage pair"),
        ));
    }
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(TestCase {
        case_id: CaseId::parse(&id),
        id,
        path: path.to_path_buf(),
        root,
        steps,
        warnings: Vec::new(),
    })
}

/// Undo text-extraction artefacts of the v1.0-era files: `AttributeName`
/// values with runs of spaces (`"Cryptographic   Usage Mask"`) or stray
/// leading / trailing whitespace get single spaces.
fn normalise(item: &mut Item) {
    match &mut item.value {
        Value::TextString(s) if item.tag == TAG_ATTRIBUTE_NAME && !is_normal(s) => {
            *s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        Value::Structure(children) => children.iter_mut().for_each(normalise),
        _ => {}
    }
}

/// True when `s` has no leading / trailing whitespace, no whitespace other
/// than single spaces.
fn is_normal(s: &str) -> bool {
    !s.contains("  ") && s.trim() == s && !s.contains(['\t', '\n', '\r'])
}

/// The test-case files under `paths`: files are taken as given, folders are
/// searched recursively for `*.xml` (case-insensitive extension). The result
/// is sorted and free of duplicates. Symbolic-link loops are not followed
/// twice; nesting is bounded by [`MAX_DISCOVER_DEPTH`].
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut found = BTreeSet::new();
    let mut seen_dirs = BTreeSet::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|source| LoadError::Io {
            path: p.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk(p, 0, &mut found, &mut seen_dirs)?;
        } else {
            found.insert(p.clone());
        }
    }
    Ok(found.into_iter().collect())
}

fn walk(
    dir: &Path,
    depth: usize,
    found: &mut BTreeSet<PathBuf>,
    seen_dirs: &mut BTreeSet<PathBuf>,
) -> Result<(), LoadError> {
    if depth > MAX_DISCOVER_DEPTH {
        return Err(LoadError::TooDeep {
            path: dir.to_path_buf(),
            limit: MAX_DISCOVER_DEPTH,
        });
    }
    let io = |source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let canonical = std::fs::canonicalize(dir).map_err(io)?;
    if !seen_dirs.insert(canonical) {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        // `metadata` follows symbolic links, so linked folders are searched.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue; // dangling link
        };
        if meta.is_dir() {
            walk(&path, depth + 1, found, seen_dirs)?;
        } else if meta.is_file() && is_xml(&path) {
            found.insert(path);
        }
    }
    Ok(())
}

fn is_xml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(tag: u32, v: i32) -> Item {
        Item::new(Tag(tag), Value::Integer(v))
    }

    fn request(major: i32, minor: i32) -> Item {
        let pv = Item::structure(
            TAG_PROTOCOL_VERSION,
            vec![
                int(TAG_PROTOCOL_VERSION_MAJOR.0, major),
                int(TAG_PROTOCOL_VERSION_MINOR.0, minor),
            ],
        );
        let header = Item::structure(TAG_REQUEST_HEADER, vec![pv, int(0x42_000D, 1)]);
        Item::structure(TAG_REQUEST_MESSAGE, vec![header])
    }

    fn response() -> Item {
        Item::structure(TAG_RESPONSE_MESSAGE, vec![])
    }

    fn v(major: u8, minor: u8) -> Option<Version> {
        Some(Version::new(major, minor))
    }

    #[test]
    fn case_id_simple() {
        let id = CaseId::parse("SKLC-M-1-21").expect("parses");
        assert_eq!(id.prefix, "SKLC");
        assert!(id.mandatory);
        assert_eq!(id.number, "1");
        assert_eq!(id.version, v(2, 1));
        assert_eq!(id.to_string(), "SKLC-M-1-21");
    }

    #[test]
    fn case_id_compound_prefix_and_number() {
        let id = CaseId::parse("CS-BC-M-GCM-2-14").expect("parses");
        assert_eq!(
            (id.prefix.as_str(), id.number.as_str(), id.version),
            ("CS-BC", "GCM-2", v(1, 4))
        );
        let id = CaseId::parse("CS-AC-M-OAEP-10-30").expect("parses");
        assert_eq!(
            (id.prefix.as_str(), id.number.as_str(), id.version),
            ("CS-AC", "OAEP-10", v(3, 0))
        );
        let id = CaseId::parse("MSGENC-HTTPS-M-1-21").expect("parses");
        assert_eq!(id.prefix, "MSGENC-HTTPS");
        let id = CaseId::parse("SUITEB_128-M-1-14").expect("parses");
        assert_eq!(id.prefix, "SUITEB_128");
        let id = CaseId::parse("CS-BC-M-CHACHA20POLY1305-1-21").expect("parses");
        assert_eq!(id.number, "CHACHA20POLY1305-1");
    }

    #[test]
    fn case_id_optional_and_v1_suffixes() {
        let id = CaseId::parse("SKFF-O-6-12").expect("parses");
        assert!(!id.mandatory);
        assert_eq!((id.number.as_str(), id.version), ("6", v(1, 2)));
        assert_eq!(
            CaseId::parse("AKLC-M-3-10").expect("parses").version,
            v(1, 0)
        );
        assert_eq!(
            CaseId::parse("AKLC-M-3-11").expect("parses").version,
            v(1, 1)
        );
        assert_eq!(
            CaseId::parse("BL-M-13-20").expect("parses").version,
            v(2, 0)
        );
    }

    #[test]
    fn case_id_v13_quirks() {
        let id = CaseId::parse("CS-BC-M-4-12-3DES-13").expect("parses");
        assert_eq!(
            (id.prefix.as_str(), id.number.as_str(), id.version),
            ("CS-BC", "4-12-3DES", v(1, 3))
        );
        let id = CaseId::parse("CS-AC-M-3-ECC-13").expect("parses");
        assert_eq!((id.number.as_str(), id.version), ("3-ECC", v(1, 3)));
        assert_eq!(id.to_string(), "CS-AC-M-3-ECC-13");
    }

    #[test]
    fn case_id_rejects_other_names() {
        assert_eq!(CaseId::parse("TC-CREG-1-14"), None);
        assert_eq!(CaseId::parse("README"), None);
        assert_eq!(CaseId::parse("-M-1-21"), None);
        assert_eq!(CaseId::parse("SKLC-M-"), None);
        assert_eq!(CaseId::parse("SK LC-M-1-21"), None);
    }

    #[test]
    fn case_id_project_cases() {
        let id = CaseId::parse("KH-NEG-7-21").expect("parses");
        assert_eq!(
            (id.prefix.as_str(), id.number.as_str(), id.version),
            ("KH-NEG", "7", v(2, 1))
        );
        assert!(id.project && id.mandatory);
        assert_eq!(id.to_string(), "KH-NEG-7-21");
        let id = CaseId::parse("KH-LOCATE-10-14").expect("parses");
        assert_eq!((id.number.as_str(), id.version), ("10", v(1, 4)));
        // Not project ids: bad area, number, suffix or shape.
        for bad in [
            "KH-NEG-7",
            "KH-neg-7-21",
            "KH-NEG-x-21",
            "KH-NEG-7-99",
            "KH-NEG-7-21-1",
            "KH--7-21",
        ] {
            assert_eq!(CaseId::parse(bad), None, "{bad}");
        }
        // An OASIS-shaped id is never a project one.
        assert!(!CaseId::parse("SKLC-M-1-21").expect("parses").project);
    }

    #[test]
    fn case_id_unknown_suffix_keeps_number() {
        let id = CaseId::parse("CS-BC-M-GCM-2-14_okms_test0").expect("parses");
        assert_eq!(id.number, "GCM-2-14_okms_test0");
        assert_eq!(id.version, None);
        let id = CaseId::parse("SKLC-M-1").expect("parses");
        assert_eq!((id.number.as_str(), id.version), ("1", None));
    }

    #[test]
    fn assemble_pairs_in_order() {
        let items = vec![
            (request(2, 1), 3),
            (response(), 20),
            (request(2, 1), 40),
            (response(), 60),
        ];
        let tc =
            assemble("KMIP".into(), items, Path::new("/x/SKLC-M-1-21.xml")).expect("assembles");
        assert_eq!(tc.id, "SKLC-M-1-21");
        assert_eq!(tc.root, "KMIP");
        assert_eq!(tc.steps.len(), 2);
        assert_eq!(tc.steps[1].index, 1);
        assert_eq!(
            (tc.steps[1].request_line, tc.steps[1].response_line),
            (40, 60)
        );
        assert_eq!(tc.protocol_version(), v(2, 1));
        assert_eq!(tc.is_mandatory(), Some(true));
        assert_eq!(tc.case_id.as_ref().map(|c| c.prefix.as_str()), Some("SKLC"));
    }

    fn structure_err(items: Vec<(Item, usize)>) -> (usize, String) {
        match assemble("KMIP".into(), items, Path::new("t/BAD-M-1-21.xml")) {
            Err(e @ LoadError::Structure { .. }) => {
                assert_eq!(e.path(), Path::new("t/BAD-M-1-21.xml"));
                let msg = e.to_string();
                assert!(msg.starts_with("t/BAD-M-1-21.xml:"), "{msg}");
                (e.line().unwrap_or(0), msg)
            }
            other => panic!("expected a structure error, got {other:?}"),
        }
    }

    #[test]
    fn assemble_rejects_unpaired() {
        let (line, msg) = structure_err(vec![(request(2, 1), 3), (request(2, 1), 9)]);
        assert_eq!(line, 9);
        assert!(msg.contains("line 3"), "{msg}");
        let (line, _) = structure_err(vec![(response(), 5)]);
        assert_eq!(line, 5);
        let (line, msg) = structure_err(vec![
            (request(2, 1), 3),
            (response(), 9),
            (request(2, 1), 12),
        ]);
        assert_eq!(line, 12);
        assert!(msg.contains("no ResponseMessage"), "{msg}");
    }

    #[test]
    fn assemble_rejects_empty_and_foreign() {
        let (line, msg) = structure_err(vec![]);
        assert_eq!(line, 0);
        assert!(msg.contains("no RequestMessage"), "{msg}");
        let (line, msg) = structure_err(vec![(int(0x42_000D, 1), 4)]);
        assert_eq!(line, 4);
        assert!(msg.contains("unexpected top-level element"), "{msg}");
    }

    #[test]
    fn assemble_collapses_attribute_name_spaces() {
        let attr = Item::structure(
            kmip_ttlv::tags::ATTRIBUTE,
            vec![
                Item::new(
                    TAG_ATTRIBUTE_NAME,
                    Value::TextString("Cryptographic   Usage Mask".into()),
                ),
                Item::new(
                    kmip_ttlv::tags::ATTRIBUTE_VALUE,
                    Value::TextString("keep   inner   spaces".into()),
                ),
            ],
        );
        let mut req = request(1, 0);
        if let Some(c) = req.children_mut() {
            c.push(attr);
        }
        let tc = assemble(
            "KmipTestCase".into(),
            vec![(req, 2), (response(), 30)],
            Path::new("AKLC-M-1-10.xml"),
        )
        .expect("assembles");
        let attr = tc.steps[0]
            .request
            .child(kmip_ttlv::tags::ATTRIBUTE)
            .expect("attribute");
        assert_eq!(
            attr.child(TAG_ATTRIBUTE_NAME)
                .and_then(|i| i.value.as_text()),
            Some("Cryptographic Usage Mask")
        );
        assert_eq!(
            attr.child(kmip_ttlv::tags::ATTRIBUTE_VALUE)
                .and_then(|i| i.value.as_text()),
            Some("keep   inner   spaces")
        );
        assert_eq!(tc.protocol_version(), v(1, 0));
    }

    #[test]
    fn protocol_version_absent_or_malformed() {
        let req = Item::structure(TAG_REQUEST_MESSAGE, vec![]);
        let tc = assemble(
            "KMIP".into(),
            vec![(req, 1), (response(), 2)],
            Path::new("X.xml"),
        )
        .expect("assembles");
        assert_eq!(tc.protocol_version(), None);
        assert_eq!(tc.case_id, None);
        assert_eq!(tc.is_mandatory(), None);
        let tc = assemble(
            "KMIP".into(),
            vec![(request(-1, 0), 1), (response(), 2)],
            Path::new("X.xml"),
        )
        .expect("assembles");
        assert_eq!(tc.protocol_version(), None);
    }

    const REQ: &str = "<RequestMessage><RequestHeader><ProtocolVersion><ProtocolVersionMajor type=\"Integer\" value=\"2\"/><ProtocolVersionMinor type=\"Integer\" value=\"1\"/></ProtocolVersion><BatchCount type=\"Integer\" value=\"1\"/></RequestHeader></RequestMessage>";
    const RESP: &str = "<ResponseMessage><ResponseHeader><BatchCount type=\"Integer\" value=\"1\"/></ResponseHeader></ResponseMessage>";

    #[test]
    fn text_between_messages_is_skipped_with_a_warning() {
        let text = format!(
            "<KMIP>\n# TIME 0\n# second line\n{REQ}\n{RESP}\n# TIME 1\n{REQ}\n{RESP}\ntrailing note\n</KMIP>\n"
        );
        let tc = load_str(&text, Path::new("KH-X-1-21.xml")).expect("loads");
        assert_eq!(tc.steps.len(), 2);
        assert_eq!((tc.steps[0].request_line, tc.steps[1].request_line), (4, 7));
        let w: Vec<String> = tc.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            w,
            vec![
                "lines 2-3: text between messages skipped: \"# TIME 0\"".to_string(),
                "line 6: text between messages skipped: \"# TIME 1\"".to_string(),
                "line 9: text between messages skipped: \"trailing note\"".to_string(),
            ]
        );
        assert!(tc.warnings.iter().all(|w| !w.commented_out));
        assert_eq!(tc.warnings[0].line, 2);
    }

    #[test]
    fn commented_out_message_is_not_replayed() {
        // A commented-out pair, each line behind a '#', inner lines too.
        let text = format!(
            "<KMIP>\n{REQ}\n{RESP}\n# <RequestMessage>\n#   <RequestHeader>\n#   </RequestHeader>\n# </RequestMessage>\n  # {RESP}\n{REQ}\n{RESP}\n</KMIP>\n"
        );
        let tc = load_str(&text, Path::new("KH-X-1-21.xml")).expect("loads");
        assert_eq!(tc.steps.len(), 2, "the commented-out pair is not a step");
        assert_eq!(tc.steps[1].request_line, 9);
        assert_eq!(tc.warnings.len(), 2, "{:?}", tc.warnings);
        assert!(tc.warnings.iter().all(|w| w.commented_out));
        assert_eq!(
            tc.warnings[0].to_string(),
            "lines 4-7: commented-out RequestMessage (start tag after '#') skipped: not replayed"
        );
        assert_eq!(tc.warnings[1].line, 8);
        assert!(tc.warnings[1].to_string().contains("ResponseMessage"));
        // A commented-out request alone leaves its response unpaired: an error.
        let text = format!("<KMIP>\n# {REQ}\n{RESP}\n</KMIP>\n");
        let e = load_str(&text, Path::new("KH-X-1-21.xml")).expect_err("unpaired");
        assert!(matches!(e, LoadError::Structure { line: 3, .. }), "{e}");
    }

    #[test]
    fn text_inside_a_message_is_an_error() {
        let text =
            "<KMIP>\n<RequestMessage>\n# a note\n<RequestHeader/>\n</RequestMessage>\n</KMIP>\n";
        let e = load_str(text, Path::new("KH-X-1-21.xml")).expect_err("strict inside");
        assert!(matches!(e, LoadError::Xml { line: 3, .. }), "{e}");
        assert!(e.to_string().contains("unexpected text"), "{e}");
        // A '#' before a field inside a message: still an error.
        let text = "<KMIP>\n<RequestMessage>\n  # <RequestHeader/>\n</RequestMessage>\n</KMIP>\n";
        let e = load_str(text, Path::new("KH-X-1-21.xml")).expect_err("strict inside");
        assert_eq!(e.line(), Some(3), "{e}");
        // A clean file has no warnings.
        let text = format!("<KMIP>\n<!-- note -->\n{REQ}\n{RESP}\n</KMIP>\n");
        let tc = load_str(&text, Path::new("KH-X-1-21.xml")).expect("loads");
        assert!(tc.warnings.is_empty());
    }

    #[test]
    fn discover_sorts_dedups_and_filters() {
        let base = std::env::temp_dir().join(format!("kmip-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let sub = base.join("v2.1").join("mandatory");
        std::fs::create_dir_all(&sub).expect("mkdir");
        for name in ["B-M-1-21.xml", "A-M-1-21.XML", "notes.txt"] {
            std::fs::write(sub.join(name), "x").expect("write");
        }
        std::fs::write(base.join("Z-O-1-21.xml"), "x").expect("write");
        let got = discover(&[base.clone(), sub.join("B-M-1-21.xml"), base.join("v2.1")])
            .expect("discovers");
        let names: Vec<_> = got
            .iter()
            .map(|p| p.strip_prefix(&base).expect("under base").to_path_buf())
            .collect();
        assert_eq!(
            names,
            vec![
                PathBuf::from("Z-O-1-21.xml"),
                PathBuf::from("v2.1/mandatory/A-M-1-21.XML"),
                PathBuf::from("v2.1/mandatory/B-M-1-21.xml"),
            ]
        );
        let missing = discover(&[base.join("nope")]).expect_err("missing path");
        assert!(matches!(missing, LoadError::Io { .. }));
        assert_eq!(missing.path(), base.join("nope"));
        std::fs::remove_dir_all(&base).expect("cleanup");
    }
}
