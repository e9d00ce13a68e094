//! Loads every OASIS test case of the corpus (`$KMIP_CORPUS`, else
//! `../shared/oasis` next to the repository) and checks the transcripts:
//! every file loads, the request/response pair counts per folder match the
//! corpus analysis (v1.0 573, v1.4 471, v2.1 578, v3.0 617), ids parse and
//! carry the folder's version. Skips with a message when the corpus is absent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kmip_testcase::case::{discover, load_file, load_str, LoadError};

#[path = "../../../test-support/corpus.rs"]
mod corpus_support;

fn corpus(test: &str) -> Option<PathBuf> {
    corpus_support::corpus_dir(env!("CARGO_MANIFEST_DIR"), test)
}

/// (files, request/response pairs) of the known OASIS folders.
const KNOWN: [(&str, usize, usize); 4] = [
    ("v1.0", 84, 573),
    ("v1.4", 75, 471),
    ("v2.1", 93, 578),
    ("v3.0", 102, 617),
];

#[test]
fn every_corpus_file_loads() {
    let Some(root) = corpus("every_corpus_file_loads") else {
        return;
    };
    let files = discover(std::slice::from_ref(&root)).expect("discover corpus");
    assert!(!files.is_empty(), "no *.xml under {}", root.display());
    let mut failures = Vec::new();
    // folder (first component under the root) -> (files, pairs)
    let mut per_folder: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for f in &files {
        let folder = f
            .strip_prefix(&root)
            .ok()
            .and_then(|r| r.components().next())
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        match load_file(f) {
            Ok(tc) => {
                let e = per_folder.entry(folder.clone()).or_default();
                e.0 += 1;
                e.1 += tc.steps.len();
                assert!(!tc.steps.is_empty());
                for (i, s) in tc.steps.iter().enumerate() {
                    assert_eq!(s.index, i);
                    assert!(s.request_line < s.response_line, "{}: step {i}", tc.id);
                }
                if let Some(v) = KNOWN.iter().find(|k| k.0 == folder) {
                    let id = tc
                        .case_id
                        .as_ref()
                        .unwrap_or_else(|| panic!("{}: id does not parse", tc.id));
                    let version = id.version.expect("version suffix");
                    // v1.0 folder holds 1.0, 1.1 and 1.2 cases.
                    assert_eq!(
                        format!("v{}.", version.major),
                        v.0[..3].to_string(),
                        "{}",
                        tc.id
                    );
                    // The id's version is the protocol version the case speaks.
                    assert_eq!(tc.protocol_version(), Some(version), "{}", tc.id);
                    let in_mandatory_dir = f.components().any(|c| c.as_os_str() == "mandatory");
                    assert_eq!(id.mandatory, in_mandatory_dir, "{}", tc.id);
                }
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files failed to load:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    for (folder, files, pairs) in KNOWN {
        if let Some(&(f, p)) = per_folder.get(folder) {
            if f == files {
                assert_eq!(p, pairs, "request/response pairs in {folder}");
            } else {
                eprintln!(
                    "note: {folder} has {f} files (known corpus: {files}); pair count not checked"
                );
            }
        }
    }
    eprintln!("loaded {} files: {per_folder:?}", files.len());
}

#[test]
fn v10_attribute_names_are_normalised() {
    let Some(dir) = corpus_support::corpus_subdir(
        env!("CARGO_MANIFEST_DIR"),
        "v10_attribute_names_are_normalised",
        "v1.0/mandatory",
    ) else {
        return;
    };
    let mut names = 0;
    for f in discover(&[dir]).expect("discover") {
        let tc = load_file(&f).expect("loads");
        for s in &tc.steps {
            for msg in [&s.request, &s.response] {
                msg.walk(&mut |i| {
                    if i.tag == kmip_ttlv::Tag(0x42_000A) {
                        if let Some(t) = i.value.as_text() {
                            names += 1;
                            assert!(!t.contains("  ") && t.trim() == t, "{}: {t:?}", tc.id);
                        }
                    }
                });
            }
        }
    }
    assert!(names > 0, "v1.0 files carry AttributeName values");
}

#[test]
fn errors_carry_path_and_line() {
    let path = Path::new("cases/BAD-M-1-21.xml");
    let text = "<KMIP>\n<RequestMessage>\n</KMIP>\n";
    let e = load_str(text, path).expect_err("malformed");
    assert_eq!(e.path(), path);
    assert!(matches!(e, LoadError::Xml { .. }), "{e}");
    assert!(e.line().is_some(), "{e}");
    assert!(e.to_string().starts_with("cases/BAD-M-1-21.xml:"), "{e}");

    let unpaired = "<KMIP>\n  <ResponseMessage>\n  </ResponseMessage>\n</KMIP>\n";
    let e = load_str(unpaired, path).expect_err("unpaired");
    assert!(matches!(e, LoadError::Structure { .. }), "{e}");
    assert_eq!(e.line(), Some(2), "{e}");

    let missing = load_file(Path::new("/nonexistent/X-M-1-21.xml")).expect_err("missing");
    assert!(matches!(missing, LoadError::Io { .. }));
}
