//! `kmip-harness codec`: the built binary on a temporary folder holding a
//! valid and a broken test case (summary line, per-failure line, exit codes),
//! and `codec convert` between XML, hex, TTLV and JSON.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_kmip-harness");

const VALID: &str = r#"<KMIP>
  <RequestMessage>
    <RequestHeader>
      <ProtocolVersion>
        <ProtocolVersionMajor type="Integer" value="1"/>
        <ProtocolVersionMinor type="Integer" value="4"/>
      </ProtocolVersion>
      <BatchCount type="Integer" value="1"/>
    </RequestHeader>
    <BatchItem>
      <Operation type="Enumeration" value="Destroy"/>
      <RequestPayload>
        <UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/>
      </RequestPayload>
    </BatchItem>
  </RequestMessage>
  <ResponseMessage>
    <ResponseHeader>
      <ProtocolVersion>
        <ProtocolVersionMajor type="Integer" value="1"/>
        <ProtocolVersionMinor type="Integer" value="4"/>
      </ProtocolVersion>
      <TimeStamp type="DateTime" value="$NOW"/>
      <BatchCount type="Integer" value="1"/>
    </ResponseHeader>
    <BatchItem>
      <Operation type="Enumeration" value="Destroy"/>
      <ResultStatus type="Enumeration" value="Success"/>
    </BatchItem>
  </ResponseMessage>
</KMIP>
"#;

/// Line 4 holds an unknown tag.
const BROKEN: &str = "<KMIP>\n  <RequestMessage>\n    <RequestHeader>\n      <FooBar type=\"Integer\" value=\"1\"/>\n    </RequestHeader>\n  </RequestMessage>\n</KMIP>\n";

/// A temporary folder removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "kmip-cli-codec-{label}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create sub dir");
        }
        std::fs::write(&p, text).expect("write file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("run kmip-harness")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kmip-harness");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

#[test]
fn check_reports_failures_and_summary() {
    let dir = TempDir::new("check");
    dir.write("a/valid.xml", VALID);
    let broken = dir.write("b/broken.xml", BROKEN);
    dir.write("b/notes.txt", "not a test case");
    let out = run(&["codec", "check", path(&dir.0)]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(
        lines.last().copied(),
        Some("2 files, 3 messages: 2 ok, 1 failed"),
        "{text}"
    );
    let failure = format!("{}:4: ", broken.display());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&failure) && l.contains("unknown tag FooBar")),
        "{text}"
    );
}

#[test]
fn check_passes_on_valid_files_only() {
    let dir = TempDir::new("ok");
    let valid = dir.write("valid.xml", VALID);
    let out = run(&["codec", "check", path(&valid)]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out).trim_end(),
        "1 files, 2 messages: 2 ok, 0 failed"
    );
}

#[test]
fn check_on_missing_input_exits_2() {
    let dir = TempDir::new("missing");
    let out = run(&["codec", "check", path(&dir.0.join("nope"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn convert_xml_hex_json_and_back() {
    let dir = TempDir::new("convert");
    let single = dir.write(
        "msg.xml",
        "<ResponseMessage>\n  <BatchItem>\n    <Operation type=\"Enumeration\" value=\"Destroy\"/>\n    <ResultStatus type=\"Enumeration\" value=\"Success\"/>\n  </BatchItem>\n</ResponseMessage>\n",
    );
    let xml_text = std::fs::read_to_string(&single).expect("read");

    let hex = run(&["codec", "convert", path(&single), "--to", "hex"]);
    assert_eq!(
        hex.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&hex.stderr)
    );
    let hex_text = stdout(&hex);
    assert!(hex_text.starts_with("42007b01"), "{hex_text}");

    // A pasted capture: spaces, line breaks and 0x prefixes, read from stdin.
    let spaced: String = hex_text
        .trim()
        .as_bytes()
        .chunks(2)
        .map(|p| format!("0x{} ", String::from_utf8_lossy(p)))
        .collect();
    let back = run_stdin(&["codec", "convert", "-", "--to", "xml"], spaced.as_bytes());
    assert_eq!(
        back.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
    assert_eq!(stdout(&back), xml_text);

    let ttlv = run(&["codec", "convert", path(&single), "--to", "ttlv"]);
    assert_eq!(ttlv.stdout.len() * 2, hex_text.trim().len());
    let bin = dir.0.join("msg.ttlv");
    std::fs::write(&bin, &ttlv.stdout).expect("write ttlv");
    let json = run(&["codec", "convert", path(&bin), "--to", "json"]);
    let json_text = stdout(&json);
    assert!(json_text.contains("\"Destroy\""), "{json_text}");
    let json_file = dir.write("msg.json", &json_text);
    let again = run(&["codec", "convert", path(&json_file), "--to", "xml"]);
    assert_eq!(stdout(&again), xml_text);
}

#[test]
fn convert_test_case_needs_stand_ins_for_ttlv() {
    let dir = TempDir::new("standins");
    let tc = dir.write("tc.xml", VALID);
    let out = run(&["codec", "convert", path(&tc), "--to", "hex"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("UNIQUE_IDENTIFIER_0"));
    let out = run(&["codec", "convert", path(&tc), "--to", "hex", "--stand-ins"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).lines().count(), 2);
    let out = run(&["codec", "convert", path(&tc), "--to", "xml"]);
    let text = stdout(&out);
    assert!(text.starts_with("<KMIP>\n  <RequestMessage>\n"), "{text}");
    assert!(text.contains("value=\"$UNIQUE_IDENTIFIER_0\""), "{text}");
}

#[test]
fn convert_with_explicit_from_hex_and_ttlv() {
    let dir = TempDir::new("from");
    // Destroy response, as a developer would paste it from a capture.
    let single = dir.write(
        "msg.xml",
        "<ResponseMessage>\n  <BatchItem>\n    <Operation type=\"Enumeration\" value=\"Destroy\"/>\n    <ResultStatus type=\"Enumeration\" value=\"Success\"/>\n  </BatchItem>\n</ResponseMessage>\n",
    );
    let xml_text = std::fs::read_to_string(&single).expect("read");
    let hex = stdout(&run(&["codec", "convert", path(&single), "--to", "hex"]));

    // `--from hex` overrides the extension (.dat would otherwise sniff).
    let capture = dir.write("capture.dat", &hex.to_uppercase());
    let out = run(&[
        "codec",
        "convert",
        path(&capture),
        "--from",
        "hex",
        "--to",
        "xml",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout(&out), xml_text);

    // `--from ttlv` on raw bytes in a file without a telling extension.
    let bin = dir.0.join("raw.dat");
    let ttlv = run(&["codec", "convert", path(&single), "--to", "ttlv"]);
    std::fs::write(&bin, &ttlv.stdout).expect("write");
    let out = run(&[
        "codec",
        "convert",
        path(&bin),
        "--from",
        "ttlv",
        "--to",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("\"Destroy\""));

    // Hostile input: bad hex digits, and a truncated TTLV capture.
    let out = run_stdin(
        &["codec", "convert", "-", "--from", "hex", "--to", "xml"],
        b"42007bzz",
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cut = &hex.trim()[..hex.trim().len() - 8];
    let out = run_stdin(
        &["codec", "convert", "-", "--from", "hex", "--to", "xml"],
        cut.as_bytes(),
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}
