//! Reporters: turn a run's [`RunResults`] into the artefacts people and CI
//! read.
//!
//! - [`render_table`]: per-profile terminal table (tabled) and a totals line.
//! - [`render_json`]: `results.json` (pretty serde_json of [`RunResults`]).
//! - [`render_junit`]: JUnit XML, one `<testsuite>` per protocol version with
//!   one `<testcase>` per test case, plus a `profiles` suite with one
//!   `<testcase>` per profile verdict.
//! - [`render_markdown`]: summary table, not-assessed clauses, failures with
//!   their diffs, masked-position audit, all cases.
//! - [`render_html`]: the same as a self-contained page (inline CSS / JS,
//!   no external assets), with expandable diffs.
//!
//! Assessed clauses ([`ProfileResult::clauses`]: TLS suites, port, …) are
//! shown by every reporter: a clause column and the failed clauses in the
//! table, a clause section in the Markdown, one JUnit `<testcase>` per
//! (profile, clause) with a failed clause as a `<failure>`, an expandable
//! per-profile clause list with evidence in the HTML, and the JSON as is. A
//! failed clause makes its profile NOT CONFORMANT, and the reporters say
//! which clause.
//!
//! Known failures (cases listed in the expectations file) are XFAIL when
//! they fail and XPASS when they pass: counted apart from passed / failed /
//! errors in every reporter ([`kmip_testcase::results::Totals`]); JUnit
//! reports an XFAIL as skipped and an XPASS as a failure.
//!
//! [`interop`]: the same five formats for the client × server matrix of
//! `kmip-harness interop` (`interop.json`, `interop.html`, …).
//!
//! Every renderer is a pure function of the results; [`write_all`] is the
//! only function here that touches the file system.
//!
//! Depends on `kmip-testcase` (the results model) and `kmip-ttlv` (the one
//! XML escaper); never on the runner, the comparator or the reference server.

mod html;
pub mod interop;
mod junit;
mod markdown;
mod table;

use std::path::{Path, PathBuf};

use kmip_testcase::case::CaseId;
use kmip_testcase::results::{
    CaseResult, ClauseVerdict, ProfileClause, ProfileResult, RunResults, Status,
};

pub use html::render_html;
pub use junit::render_junit;
pub use markdown::render_markdown;
pub use table::render_table;

/// A report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Creating the folder or writing a file failed.
    #[error("{}: cannot write: {source}", path.display())]
    Io {
        /// File or folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The results could not be serialised (non-finite number …).
    #[error("cannot serialise results: {0}")]
    Json(#[from] serde_json::Error),
}

/// `results.json`: the results as pretty-printed JSON (with a final newline).
pub fn render_json(results: &RunResults) -> Result<String, ReportError> {
    let mut s = serde_json::to_string_pretty(results)?;
    s.push('\n');
    Ok(s)
}

/// File names [`write_all`] writes, in order.
pub const REPORT_FILES: [&str; 5] = [
    "results.json",
    "junit.xml",
    "report.md",
    "report.html",
    "summary.txt",
];

/// Write `results.json`, `junit.xml`, `report.md`, `report.html` and
/// `summary.txt` (the terminal table) into `dir`, creating it if needed.
/// Returns the paths written, in that order.
pub fn write_all(results: &RunResults, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let contents = [
        render_json(results)?,
        render_junit(results),
        render_markdown(results),
        render_html(results),
        render_table(results),
    ];
    let mut written = Vec::with_capacity(REPORT_FILES.len());
    for (name, text) in REPORT_FILES.iter().zip(contents) {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|source| ReportError::Io {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

/// The three verdicts a profile can get.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The criterion holds and every required profile is conformant.
    Conformant,
    /// A mandatory case (or a required profile) failed.
    NotConformant,
    /// Not enough evidence: cases missing or skipped, nothing failed.
    Incomplete,
}

impl Verdict {
    /// Of a profile result.
    pub fn of(p: &ProfileResult) -> Verdict {
        if p.conformant {
            Verdict::Conformant
        } else if p.incomplete {
            Verdict::Incomplete
        } else {
            Verdict::NotConformant
        }
    }

    /// `"CONFORMANT"`, `"NOT CONFORMANT"`, `"incomplete"`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Conformant => "CONFORMANT",
            Verdict::NotConformant => "NOT CONFORMANT",
            Verdict::Incomplete => "incomplete",
        }
    }
}

/// `"2/3"` plus `" (1 missing)"` when mandatory cases were not run.
fn passed_cell(p: &ProfileResult) -> String {
    let mut s = format!("{}/{}", p.passed, p.total);
    if !p.missing.is_empty() {
        s.push_str(&format!(" ({} missing)", p.missing.len()));
    }
    s
}

/// Pass rate as a percentage with one decimal (`"66.7%"`), `"-"` when
/// nothing was run.
fn rate_cell(p: &ProfileResult) -> String {
    if p.total == 0 {
        "-".to_string()
    } else {
        format!("{:.1}%", p.pass_rate * 100.0)
    }
}

/// Optional cases `"passed/run"`, `"-"` when none ran.
fn optional_cell(p: &ProfileResult) -> String {
    if p.optional_total == 0 {
        "-".to_string()
    } else {
        format!("{}/{}", p.optional_passed, p.optional_total)
    }
}

/// Upper-case status word.
fn status_word(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::Error => "ERROR",
        Status::Skip => "SKIP",
        Status::CannotExpress => "CANNOT-EXPRESS",
    }
}

/// Upper-case word for a case, honouring the expectations file: `XFAIL`
/// (listed, failed or errored: the status in parentheses) and `XPASS`
/// (listed, passed), else [`status_word`].
fn case_word(c: &CaseResult) -> String {
    match (c.expected_failure.is_some(), c.status) {
        (true, Status::Fail | Status::Error) => {
            format!("XFAIL ({})", status_word(c.status).to_lowercase())
        }
        (true, Status::Pass) => "XPASS".to_string(),
        _ => status_word(c.status).to_string(),
    }
}

/// Protocol version of a case (`"2.1"`) from its id, `"other"` if unknown.
fn case_version(c: &CaseResult) -> String {
    CaseId::parse(&c.id)
        .and_then(|id| id.version)
        .map_or_else(|| "other".to_string(), |v| v.to_string())
}

/// Profile-verdict counts: (conformant, not conformant, incomplete).
fn verdict_counts(results: &RunResults) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for p in &results.profiles {
        match Verdict::of(p) {
            Verdict::Conformant => c.0 += 1,
            Verdict::NotConformant => c.1 += 1,
            Verdict::Incomplete => c.2 += 1,
        }
    }
    c
}

/// The one-line totals summary shared by the table and the Markdown. The
/// counts are disjoint: an XFAIL (listed in the expectations file, failed)
/// is not counted as failed, an XPASS (listed, passed) not as passed.
fn totals_line(results: &RunResults) -> String {
    let t = &results.totals;
    let (ok, bad, inc) = verdict_counts(results);
    // Client mode only: cases the client cannot express.
    let cannot = if t.cannot_express > 0 {
        format!(", {} cannot express", t.cannot_express)
    } else {
        String::new()
    };
    format!(
        "{}: {} passed, {} failed, {}, {} skipped, {} xfail, {} xpass{}; {}: {} conformant, {} not conformant, {} incomplete",
        plural(t.total(), "case", "cases"),
        t.passed,
        t.failed,
        plural(t.errors, "error", "errors"),
        t.skipped,
        t.xfail,
        t.xpass,
        cannot,
        plural(results.profiles.len(), "profile", "profiles"),
        ok,
        bad,
        inc
    )
}

/// `"1 case"`, `"2 cases"`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Not-assessed clauses grouped: each distinct text with the profiles it
/// applies to, in first-seen order.
fn not_assessed_groups(results: &RunResults) -> Vec<(&str, Vec<&str>)> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for p in &results.profiles {
        for item in &p.not_assessed {
            match groups.iter_mut().find(|(text, _)| text == item) {
                Some((_, ids)) => ids.push(&p.id),
                None => groups.push((item, vec![&p.id])),
            }
        }
    }
    groups
}

/// Masked positions counted per rule id, sorted by count (desc) then id.
fn masked_by_rule(results: &RunResults) -> Vec<(&str, usize)> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for c in &results.cases {
        for m in &c.masked {
            match counts.iter_mut().find(|(r, _)| *r == m.rule) {
                Some((_, n)) => *n += 1,
                None => counts.push((&m.rule, 1)),
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts
}

/// Run metadata shown in report headers: `(label, value)` pairs.
fn run_meta(results: &RunResults) -> Vec<(&'static str, String)> {
    let mut v = vec![("Target", results.target.clone())];
    if !results.role.is_empty() {
        v.push(("Role", results.role.clone()));
    }
    if !results.encoding.is_empty() {
        v.push(("Encoding", results.encoding.clone()));
    }
    v.push(("Started", results.started.clone()));
    v.push(("Duration", format!("{:.1} s", results.duration_s)));
    if !results.harness_version.is_empty() {
        v.push(("Harness", results.harness_version.clone()));
    }
    v
}

/// Clause counts of a profile: `"9 pass, 1 FAIL, 2 n/a, 1 not assessed"`,
/// `"-"` when none is attached.
fn clause_cell(p: &ProfileResult) -> String {
    if p.clauses.is_empty() {
        return "-".to_string();
    }
    let count = |v: ClauseVerdict| p.clauses.iter().filter(|c| c.verdict == v).count();
    let mut parts = Vec::new();
    for (v, word) in [
        (ClauseVerdict::Pass, "pass"),
        (ClauseVerdict::Fail, "FAIL"),
        (ClauseVerdict::NotApplicable, "n/a"),
        (ClauseVerdict::NotAssessed, "not assessed"),
    ] {
        let n = count(v);
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    parts.join(", ")
}

/// Why a profile is not conformant because of its clauses:
/// `"clause basic-3.1.3-no-cert failed"`, `None` when no clause failed.
fn clause_failure_reason(p: &ProfileResult) -> Option<String> {
    let ids: Vec<&str> = p.failed_clauses().map(|c| c.id.as_str()).collect();
    match ids.len() {
        0 => None,
        1 => Some(format!("clause {} failed", ids[0])),
        _ => Some(format!("clauses {} failed", ids.join(", "))),
    }
}

/// One-line evidence summary of a clause: counts of accepted / refused /
/// undecided offers, then the reason.
fn evidence_line(c: &ProfileClause) -> String {
    let e = &c.evidence;
    let mut parts = Vec::new();
    if !e.offered.is_empty() {
        parts.push(format!("offered {}", e.offered.len()));
    }
    for (n, word) in [
        (e.accepted.len(), "accepted"),
        (e.refused.len(), "refused"),
        (e.inconclusive.len(), "no decision"),
    ] {
        if n > 0 {
            parts.push(format!("{word} {n}"));
        }
    }
    let mut s = parts.join(", ");
    if !c.reason.is_empty() {
        if !s.is_empty() {
            s.push_str("; ");
        }
        s.push_str(&c.reason);
    }
    s
}

/// Attached clauses grouped across profiles: each distinct (id, verdict,
/// reason, evidence) with the profiles it was attached to, in first-seen
/// order.
fn clause_groups(results: &RunResults) -> Vec<(&ProfileClause, Vec<&str>)> {
    let mut groups: Vec<(&ProfileClause, Vec<&str>)> = Vec::new();
    for p in &results.profiles {
        for c in &p.clauses {
            match groups.iter_mut().find(|(k, _)| *k == c) {
                Some((_, ids)) => ids.push(&p.id),
                None => groups.push((c, vec![&p.id])),
            }
        }
    }
    groups
}
