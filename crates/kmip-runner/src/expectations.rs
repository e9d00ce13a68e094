//! The known-failure list (`expectations.yaml` at the repository root):
//! cases a target — the bundled reference server, for the cargo test
//! target — is known not to pass yet, each with a one-line reason naming the
//! spec rule or the missing piece.
//!
//! ```yaml
//! expected_failures:
//!   CS-AC-M-OAEP-7-21: "RSA-OAEP with SHA-512 MGF1 not implemented"
//! ```
//!
//! Judging a result against it ([`Expectations::judge`]): a listed case that
//! fails or errors is an expected failure (XFAIL); a listed case that passes
//! is an unexpected pass (the list is stale and must shrink); an unlisted
//! case that fails or errors is an unexpected failure. Regressions and
//! silent improvements both show.

use kmip_testcase::results::{CaseResult, Status};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why the expectations file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ExpectationsError {
    /// Unreadable file.
    #[error("cannot read expectations {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Malformed YAML, unknown keys, or an empty reason.
    #[error("invalid expectations {path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// The parsed file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectations {
    /// Case id → one-line reason.
    #[serde(default)]
    pub expected_failures: BTreeMap<String, String>,
}

/// How a case result stands against the expectations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// Passed and not listed, or skipped.
    Ok,
    /// Listed, and it failed or errored (XFAIL).
    ExpectedFailure(String),
    /// Listed, but it passed: remove it from the file.
    UnexpectedPass(String),
    /// Not listed, and it failed or errored.
    UnexpectedFailure,
}

impl Judgement {
    /// True when this judgement should fail a test / a CI run.
    pub fn is_bad(&self) -> bool {
        matches!(
            self,
            Judgement::UnexpectedPass(_) | Judgement::UnexpectedFailure
        )
    }
}

impl Expectations {
    /// Read a file.
    pub fn load(path: &Path) -> Result<Expectations, ExpectationsError> {
        let text = std::fs::read_to_string(path).map_err(|source| ExpectationsError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Expectations::parse(&text).map_err(|message| ExpectationsError::Invalid {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parse YAML text; every reason must be non-empty.
    pub fn parse(text: &str) -> Result<Expectations, String> {
        let e: Option<Expectations> = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
        let e = e.unwrap_or_default();
        if let Some((id, _)) = e
            .expected_failures
            .iter()
            .find(|(_, r)| r.trim().is_empty())
        {
            return Err(format!("{id}: the reason must not be empty"));
        }
        Ok(e)
    }

    /// The reason a case is listed, if it is.
    pub fn reason(&self, case_id: &str) -> Option<&str> {
        self.expected_failures.get(case_id).map(String::as_str)
    }

    /// Judge one result.
    pub fn judge(&self, case: &CaseResult) -> Judgement {
        match (self.reason(&case.id), case.status) {
            (_, Status::Skip) => Judgement::Ok,
            (Some(r), Status::Pass) => Judgement::UnexpectedPass(r.to_string()),
            (Some(r), _) => Judgement::ExpectedFailure(r.to_string()),
            (None, Status::Pass) => Judgement::Ok,
            (None, _) => Judgement::UnexpectedFailure,
        }
    }

    /// Set `expected_failure` on every listed case.
    pub fn annotate(&self, cases: &mut [CaseResult]) {
        for c in cases {
            c.expected_failure = self.reason(&c.id).map(str::to_string);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(id: &str, status: Status) -> CaseResult {
        serde_json::from_value(serde_json::json!({
            "id": id, "file": "", "status": status, "messages": 0, "duration_ms": 0
        }))
        .expect("case result")
    }

    #[test]
    fn judgements() {
        let e = Expectations::parse("expected_failures:\n  A: \"missing OAEP\"\n").expect("parse");
        assert_eq!(
            e.judge(&case("A", Status::Fail)),
            Judgement::ExpectedFailure("missing OAEP".into())
        );
        assert_eq!(
            e.judge(&case("A", Status::Error)),
            Judgement::ExpectedFailure("missing OAEP".into())
        );
        assert!(e.judge(&case("A", Status::Pass)).is_bad());
        assert_eq!(
            e.judge(&case("B", Status::Fail)),
            Judgement::UnexpectedFailure
        );
        assert_eq!(e.judge(&case("B", Status::Pass)), Judgement::Ok);
        assert_eq!(e.judge(&case("B", Status::Skip)), Judgement::Ok);
        let mut cs = vec![case("A", Status::Fail), case("B", Status::Pass)];
        e.annotate(&mut cs);
        assert_eq!(cs[0].expected_failure.as_deref(), Some("missing OAEP"));
        assert_eq!(cs[1].expected_failure, None);
    }

    #[test]
    fn empty_and_invalid_files() {
        assert_eq!(
            Expectations::parse("").expect("empty"),
            Expectations::default()
        );
        assert_eq!(
            Expectations::parse("expected_failures: {}\n").expect("empty map"),
            Expectations::default()
        );
        assert!(Expectations::parse("expected_failures:\n  A: \"\"\n").is_err());
        assert!(Expectations::parse("xfail: {}\n").is_err());
    }
}
