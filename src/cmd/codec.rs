//! `kmip-harness codec`: check that test cases survive every encoding, and
//! convert messages between binary TTLV, hex, KMIP XML and KMIP JSON.
//!
//! All codec logic lives in `kmip-ttlv`; this module walks files, reads
//! standard input, prints, and picks the exit code.

use super::{EXIT_FAILED, EXIT_USAGE};
use anyhow::{anyhow, bail, Context};
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::{json, xml, Item};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Codec subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Check that every message of the given test cases round-trips.
    ///
    /// Each message is read from XML; placeholders get type-correct stand-ins
    /// and the message is encoded to TTLV and decoded back; it is rendered as
    /// canonical XML, compact XML and JSON and read back. Every result must
    /// equal the original tree. Prints `file:line: message N: what differs`
    /// for each failure (a file that does not parse counts as one failed
    /// message) and ends with `N files, M messages: X ok, Y failed`.
    /// Exit status: 0 all ok, 1 a failure, 2 unreadable input.
    Check {
        /// Test-case files or folders; folders are searched recursively for
        /// `*.xml`, in sorted order.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Convert messages from one encoding to another, printing to stdout.
    ///
    /// An XML test case with several messages converts to several outputs:
    /// a `<KMIP>` document, a JSON array, concatenated TTLV, or one hex line
    /// per message.
    Convert {
        /// Input file; `-` reads standard input.
        file: PathBuf,
        /// Output encoding (`ttlv` writes raw bytes).
        #[arg(long, value_enum)]
        to: Format,
        /// Input encoding. Default: from the file extension (.xml, .json,
        /// .hex/.txt, .ttlv/.bin), else sniffed from the content.
        #[arg(long, value_enum)]
        from: Option<Format>,
        /// Replace `$NAME` test-case placeholders with type-correct stand-ins
        /// (zero, empty, the `$NAME` text); needed to write test-case
        /// messages as TTLV or hex.
        #[arg(long)]
        stand_ins: bool,
    },
}

/// A message encoding.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// KMIP XML (test-case notation).
    Xml,
    /// KMIP JSON.
    Json,
    /// Binary TTLV bytes.
    Ttlv,
    /// Binary TTLV as hex text (whitespace and `0x` prefixes allowed on input).
    Hex,
}

/// Run the subcommand.
pub fn execute(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Check { paths } => Ok(check(&paths)),
        Command::Convert {
            file,
            to,
            from,
            stand_ins,
        } => convert(&file, to, from, stand_ins),
    }
}

/// Deepest folder nesting followed (guards against symlink loops).
const MAX_WALK_DEPTH: usize = 32;

fn collect(path: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    if depth > MAX_WALK_DEPTH {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for e in entries {
        if e.is_dir() {
            collect(&e, depth + 1, out)?;
        } else if e.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")) {
            out.push(e);
        }
    }
    Ok(())
}

fn check(paths: &[PathBuf]) -> ExitCode {
    let mut files = Vec::new();
    let mut unreadable = false;
    for p in paths {
        if let Err(e) = collect(p, 0, &mut files) {
            eprintln!("{}: cannot read: {e}", p.display());
            unreadable = true;
        }
    }
    let (mut n_files, mut messages, mut ok, mut failed) = (0usize, 0usize, 0usize, 0usize);
    for f in &files {
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{}: cannot read: {e}", f.display());
                unreadable = true;
                continue;
            }
        };
        n_files += 1;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                println!("{}: not UTF-8: {e}", f.display());
                messages += 1;
                failed += 1;
                continue;
            }
        };
        match xml::parse_document(&text) {
            Err(e) => {
                println!(
                    "{}:{}: parse error at column {}: {}",
                    f.display(),
                    e.line,
                    e.column,
                    e.kind
                );
                messages += 1;
                failed += 1;
            }
            Ok(doc) => {
                for (i, m) in doc.items.iter().enumerate() {
                    messages += 1;
                    match xml::check_round_trip(&m.item) {
                        Ok(()) => ok += 1,
                        Err(e) => {
                            println!("{}:{}: message {}: {e}", f.display(), m.line, i + 1);
                            failed += 1;
                        }
                    }
                }
            }
        }
    }
    println!("{n_files} files, {messages} messages: {ok} ok, {failed} failed");
    if unreadable {
        ExitCode::from(EXIT_USAGE)
    } else if failed > 0 {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

/// Guess the input encoding from the extension, else the first bytes.
fn sniff(path: &Path, bytes: &[u8]) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("xml") => return Format::Xml,
        Some("json") => return Format::Json,
        Some("hex" | "txt") => return Format::Hex,
        Some("ttlv" | "bin") => return Format::Ttlv,
        _ => {}
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    match first {
        Some(b'<') => Format::Xml,
        Some(b'{' | b'[') => Format::Json,
        _ if body.iter().all(|b| {
            b.is_ascii_hexdigit() || b.is_ascii_whitespace() || matches!(b, b'x' | b'X' | b',')
        }) =>
        {
            Format::Hex
        }
        _ => Format::Ttlv,
    }
}

/// Hex text → bytes: whitespace and commas separate, `0x` prefixes are dropped.
fn decode_hex(text: &str) -> anyhow::Result<Vec<u8>> {
    let mut digits = String::new();
    for word in text.split(|c: char| c.is_whitespace() || c == ',') {
        let w = word
            .strip_prefix("0x")
            .or_else(|| word.strip_prefix("0X"))
            .unwrap_or(word);
        digits.push_str(w);
    }
    if digits.len() % 2 != 0 {
        bail!("hex input has an odd number of digits ({})", digits.len());
    }
    let nibble = |c: u8| -> anyhow::Result<u8> {
        (c as char)
            .to_digit(16)
            .map(|d| d as u8)
            .ok_or_else(|| anyhow!("invalid hex character {:?}", c as char))
    };
    digits
        .as_bytes()
        .chunks(2)
        .map(|p| Ok(nibble(p[0])? << 4 | nibble(p[1])?))
        .collect()
}

fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Split concatenated TTLV messages and decode each.
fn decode_stream(bytes: &[u8]) -> anyhow::Result<Vec<Item>> {
    let limits = Limits::default();
    let mut items = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let header: [u8; 8] = rest
            .get(..8)
            .and_then(|h| h.try_into().ok())
            .ok_or_else(|| anyhow!("truncated TTLV header at byte {at}"))?;
        let len = ttlv::frame_length(&header, &limits)
            .map_err(|e| anyhow!("message at byte {at}: {e}"))?;
        let msg = rest.get(..len).ok_or_else(|| {
            anyhow!(
                "message at byte {at} declares {len} bytes, {} available",
                rest.len()
            )
        })?;
        let item = ttlv::decode(msg, &limits).map_err(|e| anyhow!("message at byte {at}: {e}"))?;
        items.push(item);
        at += len;
    }
    if items.is_empty() {
        bail!("no TTLV message in the input");
    }
    Ok(items)
}

fn read_input(file: &Path) -> anyhow::Result<Vec<u8>> {
    if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
        Ok(buf)
    } else {
        std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))
    }
}

fn as_text(bytes: Vec<u8>) -> anyhow::Result<String> {
    String::from_utf8(bytes).context("input is not UTF-8 text")
}

fn convert(
    file: &Path,
    to: Format,
    from: Option<Format>,
    stand_ins: bool,
) -> anyhow::Result<ExitCode> {
    let bytes = read_input(file)?;
    let from = from.unwrap_or_else(|| sniff(file, &bytes));
    let mut items = match from {
        Format::Xml => {
            let text = as_text(bytes)?;
            xml::parse_document(&text)
                .map_err(|e| anyhow!("{}: {e}", file.display()))?
                .items
                .into_iter()
                .map(|m| m.item)
                .collect::<Vec<_>>()
        }
        Format::Json => {
            let text = as_text(bytes)?;
            let v: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| anyhow!("{}: malformed JSON: {e}", file.display()))?;
            let list = match v {
                serde_json::Value::Array(a) => a,
                other => vec![other],
            };
            list.iter()
                .map(|j| json::from_json(j).map_err(|e| anyhow!("{}: {e}", file.display())))
                .collect::<anyhow::Result<Vec<_>>>()?
        }
        Format::Ttlv => decode_stream(&bytes)?,
        Format::Hex => decode_stream(&decode_hex(&as_text(bytes)?)?)?,
    };
    if stand_ins {
        for i in &mut items {
            i.substitute_placeholders(&mut |p| Some(p.stand_in()));
        }
    }
    let mut stdout = std::io::stdout().lock();
    match to {
        Format::Xml => {
            let out = if items.len() == 1 {
                items.iter().map(xml::to_xml).collect::<String>()
            } else {
                let mut s = String::from("<KMIP>\n");
                for i in &items {
                    for line in xml::to_xml(i).lines() {
                        s.push_str("  ");
                        s.push_str(line);
                        s.push('\n');
                    }
                }
                s.push_str("</KMIP>\n");
                s
            };
            stdout.write_all(out.as_bytes())?;
        }
        Format::Json => {
            let v = if items.len() == 1 {
                items.iter().map(json::to_json).next().unwrap_or_default()
            } else {
                serde_json::Value::Array(items.iter().map(json::to_json).collect())
            };
            writeln!(stdout, "{v:#}")?;
        }
        Format::Ttlv | Format::Hex => {
            for i in &items {
                let bytes = ttlv::encode(i).map_err(|e| {
                    anyhow!("cannot encode as TTLV: {e} (use --stand-ins to replace placeholders)")
                })?;
                if to == Format::Ttlv {
                    stdout.write_all(&bytes)?;
                } else {
                    writeln!(stdout, "{}", encode_hex(&bytes))?;
                }
            }
        }
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_input_forms() {
        assert_eq!(
            decode_hex("0x42 00 78\n01,0x00").expect("hex"),
            vec![0x42, 0x00, 0x78, 0x01, 0x00]
        );
        assert_eq!(decode_hex("0x420078").expect("hex"), vec![0x42, 0x00, 0x78]);
        assert!(decode_hex("abc").is_err());
        assert!(decode_hex("zz").is_err());
    }

    #[test]
    fn sniffing() {
        let p = Path::new("-");
        assert_eq!(sniff(p, b"  <KMIP/>"), Format::Xml);
        assert_eq!(sniff(p, b"{\"tag\":1}"), Format::Json);
        assert_eq!(sniff(p, b"42 00 78 01"), Format::Hex);
        assert_eq!(
            sniff(p, &[0x42, 0x00, 0x78, 0x01, 0, 0, 0, 0]),
            Format::Ttlv
        );
        assert_eq!(sniff(Path::new("a.json"), b"<"), Format::Json);
    }
}
