//! Every message of the OASIS test-case corpus must round-trip through binary
//! TTLV, canonical XML, compact XML and JSON (what `kmip-harness codec check`
//! does). The corpus is read from `$KMIP_CORPUS`, else `../shared/oasis`
//! beside the repository; the test is skipped, saying so, when it is absent.

use kmip_ttlv::xml;
use std::path::PathBuf;

#[path = "../../../test-support/corpus.rs"]
mod corpus_support;

fn corpus_dir() -> Option<PathBuf> {
    corpus_support::corpus_dir(
        env!("CARGO_MANIFEST_DIR"),
        "every_corpus_message_round_trips",
    )
}

#[test]
fn every_corpus_message_round_trips() {
    let Some(dir) = corpus_dir() else {
        return;
    };
    let mut files = Vec::new();
    corpus_support::xml_files(&dir, &mut files);
    assert!(!files.is_empty(), "no *.xml under {}", dir.display());
    let mut failures = Vec::new();
    let mut messages = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read corpus file");
        let doc = match xml::parse_document(&text) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{}: {e}", f.display()));
                continue;
            }
        };
        assert!(!doc.items.is_empty(), "{}: no messages", f.display());
        for (i, m) in doc.items.iter().enumerate() {
            messages += 1;
            if let Err(e) = xml::check_round_trip(&m.item) {
                failures.push(format!(
                    "{}:{}: message {}: {e}",
                    f.display(),
                    m.line,
                    i + 1
                ));
            }
        }
    }
    eprintln!(
        "{} files, {messages} messages, {} failures",
        files.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
