//! The KMIP XML notation: the OASIS test cases and the KMIP XML message
//! encoding, and the canonical pretty form the runner diffs line by line.
//!
//! - Element name = tag name from the dictionary. A tag without a name (an
//!   extension `0x54XXXX` tag, or one the dictionary lacks) is written as
//!   the KMIP XML profile does, `<TTLV tag="0x540001" type="Integer" value="1"/>`;
//!   both forms are read. An unknown element name is an error naming the
//!   element and its line, never dropped.
//! - `type` = item type name; absent means Structure. `value` = the value as
//!   text, read and written by [`crate::names`] (enumerations and masks by
//!   name, with the `AttributeName` / `AttributeReference` context rules).
//! - Comments, processing instructions, the XML declaration and whitespace
//!   (CRLF, tabs) between elements are ignored; other text is an error.
//!   [`parse_test_case`] relaxes this between the messages of a test case
//!   only (text there is skipped and reported, see [`Skipped`]); inside a
//!   message it is as strict.
//! - Test-case files have a `<KMIP>` or `<KmipTestCase>` root whose children
//!   are messages; a document may also be a single message.
//!
//! The parser is iterative: nesting is bounded by [`MAX_DEPTH`] and never
//! recurses, so hostile input gets an error, not a stack overflow.
//!
//! Limitation: XML 1.0 cannot carry U+0000, so a TextString holding a NUL
//! character renders as `&#0;`, which no conforming parser (this one
//! included) reads back.

mod check;

pub use check::{check_round_trip, RoundTripError};

use crate::model::{Item, ItemType, Tag, Value};
use crate::names::{self, Style, ValueError};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::fmt::Write as _;

/// Deepest accepted nesting of items (the outermost message is depth 1; a
/// `<KMIP>` / `<KmipTestCase>` wrapper does not count). Same as the TTLV
/// decoder's default.
pub const MAX_DEPTH: usize = 64;

/// A parsed XML document: a test case or a single message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// `"KMIP"`, `"KmipTestCase"`, or the message tag if the document is a single message.
    pub root: String,
    /// The messages, in document order.
    pub items: Vec<LocatedItem>,
    /// What [`parse_test_case`] skipped between the messages (always empty
    /// from [`parse_document`], which refuses such text).
    pub skipped: Vec<Skipped>,
}

/// Something [`parse_test_case`] skipped between the messages of a test
/// case: a block of text (`# TIME 0` lines of the OASIS v2.0 test-case
/// notes), or a whole element whose start tag follows a `#` on its line (a
/// commented-out message, `# <RequestMessage>` … `# </RequestMessage>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// 1-based line where the skipped text or element starts.
    pub line: usize,
    /// Number of lines it spans.
    pub lines: usize,
    /// The commented-out element's name (`"RequestMessage"`); `None` for
    /// plain text.
    pub element: Option<String>,
    /// The first non-blank line of the skipped text, trimmed and cut to 60
    /// characters.
    pub excerpt: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.lines > 1 {
            format!("lines {}-{}", self.line, self.line + self.lines - 1)
        } else {
            format!("line {}", self.line)
        };
        match &self.element {
            Some(name) => write!(
                f,
                "{at}: commented-out {name} (start tag after '#') skipped: not replayed"
            ),
            None => write!(f, "{at}: text between messages skipped: {:?}", self.excerpt),
        }
    }
}

/// A top-level item of a document with where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocatedItem {
    /// The item.
    pub item: Item,
    /// 1-based line of the element's start tag.
    pub line: usize,
}

/// An XML error with its position.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
#[error("line {line}, column {column}: {kind}")]
pub struct XmlError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// What went wrong.
    pub kind: XmlErrorKind,
}

/// What went wrong while reading KMIP XML.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum XmlErrorKind {
    /// Not well-formed XML.
    #[error("malformed XML: {0}")]
    Syntax(String),
    /// An element name that is not a tag name.
    #[error("unknown tag {0}")]
    UnknownTag(String),
    /// A `type` attribute that is not an item type.
    #[error("unknown type {item_type:?} on {element}")]
    UnknownType {
        /// Element name.
        element: String,
        /// The attribute value.
        item_type: String,
    },
    /// A `TTLV` element whose `tag` attribute is missing or not `0x` + up to 6 hex digits.
    #[error("TTLV element needs tag=\"0x…\" with up to 6 hex digits, found {0:?}")]
    BadTag(String),
    /// An attribute other than `type`, `value` (and `tag` on `TTLV`).
    #[error("unexpected attribute {attribute} on {element}")]
    UnexpectedAttribute {
        /// Element name.
        element: String,
        /// Attribute name.
        attribute: String,
    },
    /// A non-Structure element without a `value` attribute.
    #[error("{element} of type {item_type} has no value attribute")]
    MissingValue {
        /// Element name.
        element: String,
        /// Declared type.
        item_type: ItemType,
    },
    /// An element inside a non-Structure element.
    #[error("{element} of type {item_type} cannot contain elements")]
    ChildInPrimitive {
        /// Element name.
        element: String,
        /// Declared type.
        item_type: ItemType,
    },
    /// Text content where only elements are allowed.
    #[error("unexpected text {0:?}")]
    UnexpectedText(String),
    /// Nesting deeper than [`MAX_DEPTH`].
    #[error("nesting deeper than {0} levels")]
    TooDeep(usize),
    /// No element at all.
    #[error("no element found")]
    NoElement,
    /// The input ended inside an element.
    #[error("unexpected end of input inside {0}")]
    UnexpectedEof(String),
    /// A second top-level element where one was expected.
    #[error("more than one top-level element")]
    TrailingElement,
    /// A value that does not fit its type or tag.
    #[error(transparent)]
    Value(#[from] ValueError),
}

/// Parse a test-case file (`<KMIP>` / `<KmipTestCase>` root with message
/// children) or a document holding a single message.
pub fn parse_document(text: &str) -> Result<Document, XmlError> {
    parse_document_with(text, false)
}

/// [`parse_document`] for a test-case file whose root is `<KMIP>` /
/// `<KmipTestCase>`: between its messages, non-blank text is skipped and
/// listed in [`Document::skipped`], and an element whose start tag follows a
/// `#` on the same line is skipped whole (text inside it included) and
/// listed too: it is commented out. Everything else is as strict as
/// [`parse_document`]: text inside a message, malformed XML or an unknown tag
/// is an error. A document that is a single message gets no leniency.
pub fn parse_test_case(text: &str) -> Result<Document, XmlError> {
    parse_document_with(text, true)
}

fn parse_document_with(text: &str, lenient: bool) -> Result<Document, XmlError> {
    let mut p = Parser::new(text);
    let text = p.text;
    let (offset, first) = p.first_element()?;
    let name = element_name(&first, &p, offset)?;
    if name == "KMIP" || name == "KmipTestCase" {
        let mut items = Vec::new();
        let mut skipped = Vec::new();
        if let Event::Start(_) = first {
            loop {
                let (off, ev) = p.next()?;
                match ev {
                    Event::Start(_) | Event::Empty(_) if lenient && p.after_hash(off) => {
                        let s = p.skip_element(off, ev)?;
                        // The `#` before the start tag was reported as text
                        // ending on this line: it belongs to the element.
                        if let Some(last) = skipped.last_mut().filter(|l: &&mut Skipped| {
                            l.element.is_none() && l.line + l.lines - 1 == s.line
                        }) {
                            if last.lines == 1 {
                                skipped.pop();
                            } else {
                                last.lines -= 1;
                            }
                        }
                        skipped.push(s);
                    }
                    Event::Start(_) | Event::Empty(_) => {
                        let item = p.element(off, ev)?;
                        items.push(LocatedItem {
                            item,
                            line: p.lines.locate(text, off).0,
                        });
                    }
                    Event::End(_) => break,
                    Event::Eof => return Err(p.err(off, XmlErrorKind::UnexpectedEof(name))),
                    other => match p.misc(off, &other) {
                        Ok(()) => {}
                        Err(e) if lenient && matches!(e.kind, XmlErrorKind::UnexpectedText(_)) => {
                            let end = p.position();
                            if let Some(s) = p.skipped_text(off, end, None) {
                                skipped.push(s);
                            }
                        }
                        Err(e) => return Err(e),
                    },
                }
            }
        }
        p.trailing()?;
        Ok(Document {
            root: name,
            items,
            skipped,
        })
    } else {
        let item = p.element(offset, first)?;
        p.trailing()?;
        Ok(Document {
            root: name,
            items: vec![LocatedItem {
                item,
                line: p.lines.locate(text, offset).0,
            }],
            skipped: Vec::new(),
        })
    }
}

/// Parse exactly one element (the XML message encoding).
pub fn parse_item(text: &str) -> Result<Item, XmlError> {
    let mut p = Parser::new(text);
    let (offset, first) = p.first_element()?;
    let item = p.element(offset, first)?;
    p.trailing()?;
    Ok(item)
}

/// The canonical pretty form: 2-space indent, one element per line (each
/// line ends with `\n`), `<Tag type="T" value="V"/>`, structures
/// `<Tag>`…`</Tag>` without a type attribute (`<Tag/>` when empty),
/// enumerations and masks by name. Deterministic.
pub fn to_xml(item: &Item) -> String {
    let mut out = String::new();
    render(item, None, Some(0), &mut out);
    out
}

/// The same without indentation or line breaks (the XML message encoding on
/// the wire).
pub fn to_xml_compact(item: &Item) -> String {
    let mut out = String::new();
    render(item, None, None, &mut out);
    out
}

fn render(item: &Item, attribute_name: Option<&str>, indent: Option<usize>, out: &mut String) {
    if let Some(n) = indent {
        for _ in 0..n {
            out.push_str("  ");
        }
    }
    let name = item.tag.name();
    out.push('<');
    match name {
        Some(n) => out.push_str(n),
        None => {
            let _ = write!(out, "TTLV tag=\"0x{:06X}\"", item.tag.0);
        }
    }
    match &item.value {
        Value::Structure(children) if children.is_empty() => out.push_str("/>"),
        Value::Structure(children) => {
            out.push('>');
            if indent.is_some() {
                out.push('\n');
            }
            let an = names::sibling_attribute_name(children);
            for c in children {
                render(c, an, indent.map(|n| n + 1), out);
            }
            if let Some(n) = indent {
                for _ in 0..n {
                    out.push_str("  ");
                }
            }
            out.push_str("</");
            out.push_str(name.unwrap_or("TTLV"));
            out.push('>');
        }
        v => {
            out.push_str(" type=\"");
            out.push_str(v.item_type().name());
            out.push_str("\" value=\"");
            escape_into(
                &names::render_value(item.tag, v, attribute_name, Style::Xml),
                EscapeMode::KmipValue,
                out,
            );
            out.push_str("\"/>");
        }
    }
    if indent.is_some() {
        out.push('\n');
    }
}

/// How [`escape`] writes text into XML (or HTML).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EscapeMode {
    /// A KMIP XML `value` attribute, as [`to_xml`] writes it: `& < > "`
    /// escaped and every control character (U+0000–U+001F, U+007F) as a
    /// character reference, so line breaks and tabs survive
    /// attribute-value normalisation and the value reads back exactly.
    KmipValue,
    /// XML 1.0 element content: `& < >` escaped; a character XML 1.0
    /// cannot carry becomes U+FFFD.
    Text,
    /// A quoted XML 1.0 or HTML attribute (also safe as element content):
    /// as [`EscapeMode::Text`], plus `"` and `'`, and tab / line breaks as
    /// character references.
    Attribute,
}

/// `s` escaped for XML per `mode`: the one XML escaper of the workspace
/// (KMIP XML writer, diff renderer, JUnit and HTML reports).
pub fn escape(s: &str, mode: EscapeMode) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(s, mode, &mut out);
    out
}

/// [`escape`], appending to `out`.
pub fn escape_into(s: &str, mode: EscapeMode, out: &mut String) {
    let attribute = mode != EscapeMode::Text;
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if mode == EscapeMode::Attribute => out.push_str("&#39;"),
            c if mode == EscapeMode::KmipValue && ((c as u32) < 0x20 || c == '\u{7F}') => {
                let _ = write!(out, "&#x{:X};", c as u32);
            }
            // Exactly what the KMIP value held (U+FFFE / U+FFFF included):
            // no substitution, the writer is not lossy.
            c if mode == EscapeMode::KmipValue => out.push(c),
            '\t' | '\n' | '\r' if attribute => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c if xml_char_ok(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

/// Characters XML 1.0 can carry.
fn xml_char_ok(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Byte offsets of line starts, for 1-based line / column of an offset.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { starts }
    }

    fn locate(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|s| *s <= offset);
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let column = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        (line.max(1), column + 1)
    }
}

/// One open element while parsing.
enum Frame {
    Structure {
        tag: Tag,
        name: String,
        children: Vec<Item>,
        /// AttributeValue children whose value waits for the AttributeName sibling.
        deferred: Vec<Deferred>,
    },
    Leaf {
        head: Head,
        offset: usize,
    },
}

struct Deferred {
    index: usize,
    item_type: ItemType,
    text: String,
    offset: usize,
}

/// The parsed start tag of an element.
struct Head {
    name: String,
    tag: Tag,
    item_type: ItemType,
    value: Option<String>,
}

struct Parser<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    lines: Lines,
}

fn element_name(ev: &Event<'_>, p: &Parser<'_>, offset: usize) -> Result<String, XmlError> {
    match ev {
        Event::Start(e) | Event::Empty(e) => std::str::from_utf8(e.name().as_ref())
            .map(str::to_string)
            .map_err(|e| p.err(offset, XmlErrorKind::Syntax(e.to_string()))),
        _ => Err(p.err(offset, XmlErrorKind::NoElement)),
    }
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        Parser {
            text,
            reader: Reader::from_str(text),
            lines: Lines::new(text),
        }
    }

    fn err(&self, offset: usize, kind: XmlErrorKind) -> XmlError {
        let (line, column) = self.lines.locate(self.text, offset);
        XmlError { line, column, kind }
    }

    /// Byte offset of the reader (just past the last event read).
    fn position(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    /// Whether the element starting at `offset` follows a `#` on its line
    /// (only blanks before the `#`): a commented-out element.
    fn after_hash(&self, offset: usize) -> bool {
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.rsplit('\n').next().unwrap_or(before);
        line.trim_start().starts_with('#')
    }

    /// A [`Skipped`] for the text `offset..end`, `None` when it is blank.
    fn skipped_text(&self, offset: usize, end: usize, element: Option<String>) -> Option<Skipped> {
        let raw = self.text.get(offset..end.min(self.text.len()))?;
        let lines: Vec<&str> = raw.split('\n').collect();
        let first = lines.iter().position(|l| !l.trim().is_empty())?;
        let last = lines.iter().rposition(|l| !l.trim().is_empty())?;
        let excerpt: String = lines[first].trim().chars().take(60).collect();
        let start_line = self.lines.locate(self.text, offset).0;
        Some(Skipped {
            line: start_line + first,
            lines: last - first + 1,
            element,
            excerpt,
        })
    }

    /// Skip a commented-out element (`first` started at `offset`) up to its
    /// end tag, text inside it included; nesting is tracked with a counter
    /// (bounded by [`MAX_DEPTH`]), nothing is parsed as KMIP.
    fn skip_element(&mut self, offset: usize, first: Event<'a>) -> Result<Skipped, XmlError> {
        let name = element_name(&first, self, offset)?;
        if let Event::Start(_) = first {
            let mut depth = 1usize;
            while depth > 0 {
                let (off, ev) = self.next()?;
                match ev {
                    Event::Start(_) => {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            return Err(self.err(off, XmlErrorKind::TooDeep(MAX_DEPTH)));
                        }
                    }
                    Event::End(_) => depth -= 1,
                    Event::Eof => {
                        return Err(self.err(off, XmlErrorKind::UnexpectedEof(name)));
                    }
                    _ => {}
                }
            }
        }
        let end = self.position();
        // The line starts at the `#`, so the excerpt shows it.
        let line_start = self
            .text
            .get(..offset)
            .and_then(|b| b.rfind('\n'))
            .map_or(0, |i| i + 1);
        Ok(self
            .skipped_text(line_start, end, Some(name.clone()))
            .unwrap_or(Skipped {
                line: self.lines.locate(self.text, offset).0,
                lines: 1,
                element: Some(name),
                excerpt: String::new(),
            }))
    }

    /// The next event and the byte offset where it starts.
    fn next(&mut self) -> Result<(usize, Event<'a>), XmlError> {
        let offset = usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX);
        match self.reader.read_event() {
            Ok(ev) => Ok((offset, ev)),
            Err(e) => {
                let at = usize::try_from(self.reader.error_position()).unwrap_or(offset);
                Err(self.err(at, XmlErrorKind::Syntax(e.to_string())))
            }
        }
    }

    /// Accept what may appear between elements; reject other text.
    fn misc(&self, offset: usize, ev: &Event<'_>) -> Result<(), XmlError> {
        let text_err = |raw: &[u8]| {
            let s = String::from_utf8_lossy(raw);
            let s: String = s.trim().chars().take(40).collect();
            self.err(offset, XmlErrorKind::UnexpectedText(s))
        };
        match ev {
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => Ok(()),
            Event::Text(t) => {
                let raw: &[u8] = t.as_ref();
                if raw
                    .iter()
                    .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                {
                    Ok(())
                } else {
                    let skip = raw
                        .iter()
                        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                        .count();
                    Err(self.err(
                        offset + skip,
                        XmlErrorKind::UnexpectedText(
                            String::from_utf8_lossy(&raw[skip..])
                                .trim()
                                .chars()
                                .take(40)
                                .collect(),
                        ),
                    ))
                }
            }
            Event::CData(t) => {
                let raw: &[u8] = t.as_ref();
                if raw.iter().all(|b| b.is_ascii_whitespace()) {
                    Ok(())
                } else {
                    Err(text_err(raw))
                }
            }
            Event::GeneralRef(r) => Err(text_err(r.as_ref())),
            Event::Start(_) | Event::Empty(_) | Event::End(_) | Event::Eof => {
                Err(self.err(offset, XmlErrorKind::TrailingElement))
            }
        }
    }

    /// Skip to the first element.
    fn first_element(&mut self) -> Result<(usize, Event<'a>), XmlError> {
        loop {
            let (off, ev) = self.next()?;
            match ev {
                Event::Start(_) | Event::Empty(_) => return Ok((off, ev)),
                Event::Eof => return Err(self.err(off, XmlErrorKind::NoElement)),
                other => self.misc(off, &other)?,
            }
        }
    }

    /// Only comments and whitespace may follow the top-level element.
    fn trailing(&mut self) -> Result<(), XmlError> {
        loop {
            let (off, ev) = self.next()?;
            match ev {
                Event::Eof => return Ok(()),
                Event::Start(_) | Event::Empty(_) | Event::End(_) => {
                    return Err(self.err(off, XmlErrorKind::TrailingElement))
                }
                other => self.misc(off, &other)?,
            }
        }
    }

    fn head(&self, e: &BytesStart<'_>, offset: usize) -> Result<Head, XmlError> {
        let name = std::str::from_utf8(e.name().as_ref())
            .map_err(|err| self.err(offset, XmlErrorKind::Syntax(err.to_string())))?
            .to_string();
        let is_ttlv = name == "TTLV";
        let mut tag_attr = None;
        let mut item_type = ItemType::Structure;
        let mut value = None;
        for attr in e.attributes() {
            let attr =
                attr.map_err(|err| self.err(offset, XmlErrorKind::Syntax(err.to_string())))?;
            let text = attr
                .unescape_value()
                .map_err(|err| self.err(offset, XmlErrorKind::Syntax(err.to_string())))?;
            if text.contains('\0') {
                return Err(self.err(
                    offset,
                    XmlErrorKind::Syntax("U+0000 is not allowed in XML".into()),
                ));
            }
            match attr.key.as_ref() {
                b"type" => {
                    item_type = ItemType::from_name(&text).ok_or_else(|| {
                        self.err(
                            offset,
                            XmlErrorKind::UnknownType {
                                element: name.clone(),
                                item_type: text.to_string(),
                            },
                        )
                    })?;
                }
                b"value" => value = Some(text.into_owned()),
                b"tag" if is_ttlv => tag_attr = Some(text.into_owned()),
                other => {
                    return Err(self.err(
                        offset,
                        XmlErrorKind::UnexpectedAttribute {
                            element: name.clone(),
                            attribute: String::from_utf8_lossy(other).into_owned(),
                        },
                    ))
                }
            }
        }
        let tag = if is_ttlv {
            let t = tag_attr.unwrap_or_default();
            match names::parse_hex_word(&t, 6) {
                Some(v) => Tag(v as u32),
                None => return Err(self.err(offset, XmlErrorKind::BadTag(t))),
            }
        } else {
            match Tag::by_name(&name) {
                Some(t) => t,
                None => return Err(self.err(offset, XmlErrorKind::UnknownTag(name))),
            }
        };
        Ok(Head {
            name,
            tag,
            item_type,
            value,
        })
    }

    /// The value of a non-Structure element.
    fn leaf(
        &self,
        head: Head,
        offset: usize,
        attribute_name: Option<&str>,
    ) -> Result<Item, XmlError> {
        let Some(text) = head.value else {
            return Err(self.err(
                offset,
                XmlErrorKind::MissingValue {
                    element: head.name,
                    item_type: head.item_type,
                },
            ));
        };
        let value = names::parse_value(head.tag, head.item_type, &text, attribute_name)
            .map_err(|e| self.err(offset, e.into()))?;
        Ok(Item::new(head.tag, value))
    }

    /// Parse one element starting with `first` (a Start or Empty event at
    /// `offset`), iteratively.
    fn element(&mut self, offset: usize, first: Event<'a>) -> Result<Item, XmlError> {
        let mut stack: Vec<Frame> = Vec::new();
        let mut pending = Some((offset, first));
        loop {
            let (off, ev) = match pending.take() {
                Some(p) => p,
                None => self.next()?,
            };
            let done: (Item, Option<Deferred>) = match ev {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let is_empty = matches!(ev, Event::Empty(_));
                    let head = self.head(e, off)?;
                    if let Some(Frame::Leaf { head: parent, .. }) = stack.last() {
                        return Err(self.err(
                            off,
                            XmlErrorKind::ChildInPrimitive {
                                element: parent.name.clone(),
                                item_type: parent.item_type,
                            },
                        ));
                    }
                    if stack.len() >= MAX_DEPTH {
                        return Err(self.err(off, XmlErrorKind::TooDeep(MAX_DEPTH)));
                    }
                    if head.item_type == ItemType::Structure {
                        if head.value.is_some() {
                            return Err(self.err(
                                off,
                                ValueError::StructureValue {
                                    tag: head.tag.display_name(),
                                }
                                .into(),
                            ));
                        }
                        if is_empty {
                            (Item::structure(head.tag, Vec::new()), None)
                        } else {
                            stack.push(Frame::Structure {
                                tag: head.tag,
                                name: head.name,
                                children: Vec::new(),
                                deferred: Vec::new(),
                            });
                            continue;
                        }
                    } else if is_empty {
                        self.finish_leaf(head, off, !stack.is_empty())?
                    } else {
                        stack.push(Frame::Leaf { head, offset: off });
                        continue;
                    }
                }
                Event::End(_) => match stack.pop() {
                    Some(Frame::Leaf { head, offset }) => {
                        self.finish_leaf(head, offset, !stack.is_empty())?
                    }
                    Some(Frame::Structure {
                        tag,
                        mut children,
                        deferred,
                        ..
                    }) => {
                        if !deferred.is_empty() {
                            let an = names::sibling_attribute_name(&children).map(str::to_string);
                            for d in deferred {
                                let v = names::parse_value(
                                    tag_of(&children, d.index),
                                    d.item_type,
                                    &d.text,
                                    an.as_deref(),
                                )
                                .map_err(|e| self.err(d.offset, e.into()))?;
                                if let Some(c) = children.get_mut(d.index) {
                                    c.value = v;
                                }
                            }
                        }
                        (Item::structure(tag, children), None)
                    }
                    None => {
                        return Err(self.err(off, XmlErrorKind::Syntax("unexpected end tag".into())))
                    }
                },
                Event::Eof => {
                    let open = match stack.last() {
                        Some(Frame::Structure { name, .. }) => name.clone(),
                        Some(Frame::Leaf { head, .. }) => head.name.clone(),
                        None => String::new(),
                    };
                    return Err(self.err(off, XmlErrorKind::UnexpectedEof(open)));
                }
                other => {
                    self.misc(off, &other)?;
                    continue;
                }
            };
            let (item, deferred) = done;
            match stack.last_mut() {
                None => return Ok(item),
                Some(Frame::Structure {
                    children,
                    deferred: parent_deferred,
                    ..
                }) => {
                    if let Some(mut d) = deferred {
                        d.index = children.len();
                        parent_deferred.push(d);
                    }
                    children.push(item);
                }
                Some(Frame::Leaf { head, .. }) => {
                    return Err(self.err(
                        off,
                        XmlErrorKind::ChildInPrimitive {
                            element: head.name.clone(),
                            item_type: head.item_type,
                        },
                    ))
                }
            }
        }
    }

    /// A finished non-Structure element. An `AttributeValue` Enumeration or
    /// Integer inside a structure waits for its `AttributeName` sibling, which
    /// may come after it: it is returned as a stand-in plus a [`Deferred`].
    fn finish_leaf(
        &self,
        head: Head,
        offset: usize,
        has_parent: bool,
    ) -> Result<(Item, Option<Deferred>), XmlError> {
        let needs_context = has_parent
            && Some(head.tag.0) == names::attribute_value_tag()
            && matches!(head.item_type, ItemType::Enumeration | ItemType::Integer)
            && head.value.as_deref().is_some_and(|v| !v.starts_with('$'));
        if needs_context {
            let text = head.value.unwrap_or_default();
            return Ok((
                Item::new(head.tag, Value::Integer(0)),
                Some(Deferred {
                    index: 0,
                    item_type: head.item_type,
                    text,
                    offset,
                }),
            ));
        }
        Ok((self.leaf(head, offset, None)?, None))
    }
}

fn tag_of(children: &[Item], index: usize) -> Tag {
    children.get(index).map(|c| c.tag).unwrap_or(Tag(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_modes() {
        let s = "a<b>&\"c'\n\t\r\u{1}\u{7F}\u{FFFE}";
        assert_eq!(
            escape(s, EscapeMode::KmipValue),
            "a&lt;b&gt;&amp;&quot;c'&#xA;&#x9;&#xD;&#x1;&#x7F;\u{FFFE}"
        );
        assert_eq!(
            escape(s, EscapeMode::Text),
            "a&lt;b&gt;&amp;\"c'\n\t\r\u{FFFD}\u{7F}\u{FFFD}"
        );
        assert_eq!(
            escape(s, EscapeMode::Attribute),
            "a&lt;b&gt;&amp;&quot;c&#39;&#10;&#9;&#13;\u{FFFD}\u{7F}\u{FFFD}"
        );
    }

    #[test]
    fn test_case_leniency_is_between_messages_only() {
        let doc =
            parse_test_case("<KMIP>\n# note\n<RequestMessage/>\n  # <ResponseMessage/>\n</KMIP>")
                .expect("lenient");
        assert_eq!(doc.items.len(), 1);
        assert_eq!(doc.skipped.len(), 2);
        assert_eq!(
            doc.skipped[0].to_string(),
            "line 2: text between messages skipped: \"# note\""
        );
        assert_eq!(doc.skipped[1].element.as_deref(), Some("ResponseMessage"));
        assert_eq!(doc.skipped[1].excerpt, "# <ResponseMessage/>");
        // parse_document stays strict.
        let e = parse_document("<KMIP>\n# note\n<RequestMessage/>\n</KMIP>").expect_err("strict");
        assert!(matches!(e.kind, XmlErrorKind::UnexpectedText(_)));
        // A single-message document gets no leniency.
        let e = parse_test_case("<RequestMessage>\n# x\n</RequestMessage>").expect_err("strict");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn lines_and_columns() {
        let text = "a\r\nbc\nd";
        let l = Lines::new(text);
        assert_eq!(l.locate(text, 0), (1, 1));
        assert_eq!(l.locate(text, 3), (2, 1));
        assert_eq!(l.locate(text, 4), (2, 2));
        assert_eq!(l.locate(text, 6), (3, 1));
    }

    #[test]
    fn stub_round_trip() {
        let text = "<RequestMessage>\n  <ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>\n  <CryptographicUsageMask type=\"Integer\" value=\"Decrypt  Encrypt\"/>\n</RequestMessage>\n";
        let item = parse_item(text).expect("parse");
        assert_eq!(item.children()[0].value, Value::Enumeration(2));
        assert_eq!(item.children()[1].value, Value::Integer(12));
        let out = to_xml(&item);
        assert_eq!(
            out,
            "<RequestMessage>\n  <ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>\n  <CryptographicUsageMask type=\"Integer\" value=\"Encrypt Decrypt\"/>\n</RequestMessage>\n"
        );
        assert_eq!(parse_item(&out).expect("again"), item);
        assert_eq!(parse_item(&to_xml_compact(&item)).expect("compact"), item);
    }
}
