//! Where the OASIS test-case corpus is, for the workspace's corpus tests:
//! one copy, included by every test that reads the corpus with
//! `#[path = "<relative>/test-support/corpus.rs"] mod corpus_support;`
//! (a plain file rather than a crate: the codec crate's own tests use it
//! too, and no library grows a test-only API).
//!
//! The corpus is `$KMIP_CORPUS`, else `../shared/oasis` beside the
//! workspace (the folder holding `Cargo.lock`). When it is missing a test
//! calls [`corpus_dir`], which prints `SKIP <test>: …` and returns `None`,
//! so the suite stays green on a machine without the corpus; with
//! `KMIP_REQUIRE_CORPUS=1` (CI, `.ci/run`) a missing corpus panics instead,
//! so CI can never pass by skipping.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Name of the variable that turns a missing corpus into a failure.
pub const REQUIRE_VAR: &str = "KMIP_REQUIRE_CORPUS";

/// Whether a missing corpus must fail (`KMIP_REQUIRE_CORPUS` set to
/// anything but empty or `0`).
pub fn corpus_required() -> bool {
    std::env::var(REQUIRE_VAR).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The workspace root: the nearest ancestor of `manifest_dir` holding
/// `Cargo.lock`, else `manifest_dir`.
pub fn workspace_root(manifest_dir: &Path) -> PathBuf {
    manifest_dir
        .ancestors()
        .find(|a| a.join("Cargo.lock").is_file())
        .unwrap_or(manifest_dir)
        .to_path_buf()
}

/// Where the corpus should be: `$KMIP_CORPUS`, else `../shared/oasis`
/// beside the workspace of `manifest_dir`. It may not exist.
pub fn corpus_location(manifest_dir: &Path) -> PathBuf {
    match std::env::var_os("KMIP_CORPUS") {
        Some(p) => PathBuf::from(p),
        None => workspace_root(manifest_dir).join("../shared/oasis"),
    }
}

/// What to do without a corpus: `Err(message)` when the corpus is required
/// (the caller fails with it), else prints `SKIP <test>: …` and `Ok(())`.
pub fn missing(test: &str, what: &str) -> Result<(), String> {
    let message = format!(
        "{test}: {what} (set KMIP_CORPUS to the folder holding v1.4/ v2.1/ v3.0/, or put it at ../shared/oasis beside the workspace)"
    );
    if corpus_required() {
        Err(format!(
            "{message}; {REQUIRE_VAR} is set, so this is a failure"
        ))
    } else {
        eprintln!("SKIP {message}");
        Ok(())
    }
}

/// The corpus folder for test `test` of the crate at `manifest_dir`
/// (pass `env!("CARGO_MANIFEST_DIR")`): `Some` when it is a folder; `None`
/// after printing SKIP when it is not; panics when it is not and
/// `KMIP_REQUIRE_CORPUS` is set.
pub fn corpus_dir(manifest_dir: &str, test: &str) -> Option<PathBuf> {
    let dir = corpus_location(Path::new(manifest_dir));
    if dir.is_dir() {
        return Some(dir);
    }
    let what = format!("OASIS corpus not found at {}", dir.display());
    if let Err(e) = missing(test, &what) {
        panic!("{e}");
    }
    None
}

/// A sub-folder of the corpus (`v1.0`, `v3.0/mandatory`) for test `test`:
/// like [`corpus_dir`], and the same SKIP / failure when the corpus is
/// there but the sub-folder is not.
pub fn corpus_subdir(manifest_dir: &str, test: &str, sub: &str) -> Option<PathBuf> {
    let dir = corpus_dir(manifest_dir, test)?.join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    let what = format!("corpus folder {} not found", dir.display());
    if let Err(e) = missing(test, &what) {
        panic!("{e}");
    }
    None
}

/// Append the `*.xml` files under `dir` (recursively, each folder's
/// entries sorted) to `out`; unreadable folders are passed over.
pub fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            xml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "xml") {
            out.push(p);
        }
    }
}
