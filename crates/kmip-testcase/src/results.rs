//! The result of a run: the one data format every reporter reads.
//!
//! `results.json` is this structure serialised with serde_json. It is
//! versioned by [`RunResults::format_version`]; bump it when a field changes
//! meaning or disappears (adding optional fields does not need a bump).

use serde::{Deserialize, Serialize};

/// Current value of [`RunResults::format_version`].
///
/// 2: [`Totals::failed`] / [`Totals::errors`] no longer count cases listed
/// in the expectations file ([`Totals::xfail`], [`Totals::xpass`]); case
/// results carry the encoding and transport they were replayed in.
pub const FORMAT_VERSION: u32 = 2;

/// Verdict of one test case.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every message matched (modulo the masking rules).
    Pass,
    /// A response (or, in client mode, a request) differed.
    Fail,
    /// The case could not be judged: connection, timeout, decode, bad test case.
    Error,
    /// Not run: unsupported by the target's declared capabilities, filtered, …
    Skip,
    /// Client mode: the client under test (through its driver) cannot
    /// express a step of the case with its API; the reason names the step
    /// (`"step N: why"`). Never counted as a pass (nor as a fail).
    #[serde(rename = "cannot-express")]
    CannotExpress,
}

impl Status {
    /// Lower-case name (`"pass"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Skip => "skip",
            Status::CannotExpress => "cannot-express",
        }
    }
}

/// Counts per status. The seven counts are disjoint and add up to
/// [`Totals::total`]: a case listed in the expectations file
/// ([`CaseResult::expected_failure`]) counts as XFAIL when it failed or
/// errored and as XPASS when it passed, never as passed / failed / error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Cases that passed (not listed as known failures).
    pub passed: usize,
    /// Cases that failed (not listed as known failures).
    pub failed: usize,
    /// Cases that ended in an error (not listed as known failures).
    pub errors: usize,
    /// Cases skipped.
    pub skipped: usize,
    /// Listed known failures that failed or errored (expected failures).
    #[serde(default)]
    pub xfail: usize,
    /// Listed known failures that passed (unexpected passes: the
    /// expectations entry is stale).
    #[serde(default)]
    pub xpass: usize,
    /// Client mode: cases the client cannot express
    /// ([`Status::CannotExpress`]).
    #[serde(default)]
    pub cannot_express: usize,
}

impl Totals {
    /// Count one status (of a case not listed as a known failure).
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Pass => self.passed += 1,
            Status::Fail => self.failed += 1,
            Status::Error => self.errors += 1,
            Status::Skip => self.skipped += 1,
            Status::CannotExpress => self.cannot_express += 1,
        }
    }

    /// Count one case result, honouring its `expected_failure` mark.
    pub fn add_case(&mut self, c: &CaseResult) {
        match (c.expected_failure.is_some(), c.status) {
            (true, Status::Fail | Status::Error) => self.xfail += 1,
            (true, Status::Pass) => self.xpass += 1,
            _ => self.add(c.status),
        }
    }

    /// Totals of a list of case results.
    pub fn of(cases: &[CaseResult]) -> Totals {
        let mut t = Totals::default();
        for c in cases {
            t.add_case(c);
        }
        t
    }

    /// All cases counted.
    pub fn total(&self) -> usize {
        self.passed
            + self.failed
            + self.errors
            + self.skipped
            + self.xfail
            + self.xpass
            + self.cannot_express
    }
}

/// Verdict for one profile (at one protocol version) over the cases run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileResult {
    /// Profile id (`"SKLC-server"`, see `profiles/`).
    pub id: String,
    /// Human-readable name.
    #[serde(default)]
    pub name: String,
    /// Protocol version (`"2.1"`).
    pub version: String,
    /// Role the target played (`"server"` or `"client"`).
    #[serde(default)]
    pub role: String,
    /// Mandatory cases of the profile that were run.
    pub total: usize,
    /// Of those, how many passed.
    pub passed: usize,
    /// `passed / total` (0 when total is 0).
    pub pass_rate: f64,
    /// True when the profile's pass criterion holds (all mandatory cases for a
    /// server profile, one or more for a client profile) and every required
    /// case was present in the run.
    pub conformant: bool,
    /// Mandatory cases the profile lists that were not found in the run.
    #[serde(default)]
    pub missing: Vec<String>,
    /// Optional cases run / passed (reported apart, never required).
    #[serde(default)]
    pub optional_total: usize,
    /// Optional cases passed.
    #[serde(default)]
    pub optional_passed: usize,
    /// Clauses a test run cannot prove (TLS suites, port 5696, …): reported
    /// as not assessed, never as passed.
    #[serde(default)]
    pub not_assessed: Vec<String>,
    /// Conformance clause the profile implements (`"KMIP Profiles v2.1 §6.11"`).
    #[serde(default)]
    pub clause: String,
    /// Pass criterion: `"all-mandatory"` or `"at-least-one-mandatory"`.
    #[serde(default)]
    pub criterion: String,
    /// Mandatory cases run that failed or ended in an error.
    #[serde(default)]
    pub failed: usize,
    /// Mandatory cases present in the run but skipped.
    #[serde(default)]
    pub skipped: usize,
    /// Required profiles (`requires`) that are not conformant in this run.
    #[serde(default)]
    pub unmet_requires: Vec<String>,
    /// Set when the profile is not conformant only for lack of evidence
    /// (mandatory cases missing or skipped, or a required profile
    /// incomplete) while nothing it depends on failed: the verdict is
    /// "incomplete" rather than "not conformant".
    #[serde(default)]
    pub incomplete: bool,
    /// The message encoding / transport the profile's clauses need
    /// (`"xml"`, `"https"`, `"json"`), empty when any will do. Only case
    /// results replayed that way count for the profile.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub wire: String,
}

/// A masked position: a difference the masking rules allowed, for audit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaskedDiff {
    /// Message index (0-based) within the case.
    pub message: usize,
    /// Slash-separated tag path with indices (`BatchItem[0]/ResponsePayload/UniqueIdentifier`).
    pub path: String,
    /// Id of the rule that masked it (see the masking module).
    pub rule: String,
    /// Expected value as written in the test case.
    #[serde(default)]
    pub expected: String,
    /// Value the target sent.
    #[serde(default)]
    pub actual: String,
}

/// The first diverging message of a failed case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Divergence {
    /// Message index (0-based).
    pub message: usize,
    /// Paths of the unmasked differences.
    pub paths: Vec<String>,
    /// Unified diff of the canonical XML (expected vs actual), masked
    /// positions marked.
    pub diff: String,
}

/// Result of one test case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    /// Test case id (`"SKLC-M-1-21"`).
    pub id: String,
    /// Path of the test-case file.
    pub file: String,
    /// Profile ids this case counts for.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// Verdict.
    pub status: Status,
    /// One-line reason for fail / error / skip (empty on pass).
    #[serde(default)]
    pub reason: String,
    /// Messages (request/response pairs) exchanged.
    pub messages: usize,
    /// Wall time.
    pub duration_ms: u64,
    /// First diverging message, for failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub divergence: Option<Divergence>,
    /// Differences hidden by masking rules (audit trail).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masked: Vec<MaskedDiff>,
    /// Known-failure expectation from the expectations file, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_failure: Option<String>,
    /// What the loader skipped in the test-case file (text between
    /// messages, commented-out messages), one line each
    /// (`kmip_testcase::case::LoadWarning`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Message encoding the case was replayed in (`"ttlv"`, `"xml"`,
    /// `"json"`); empty when unknown (older results, client mode).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub encoding: String,
    /// Transport the case was replayed over (`"tls"`, `"https"`); empty
    /// when unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub transport: String,
}

impl CaseResult {
    /// Whether this result was obtained in `encoding` / `transport`
    /// (`None`: any).
    pub fn replayed_in(&self, encoding: Option<&str>, transport: Option<&str>) -> bool {
        encoding.is_none_or(|e| self.encoding.eq_ignore_ascii_case(e))
            && transport.is_none_or(|t| self.transport.eq_ignore_ascii_case(t))
    }
}

/// The whole run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResults {
    /// Schema version of this file.
    pub format_version: u32,
    /// Harness version that wrote it.
    #[serde(default)]
    pub harness_version: String,
    /// Target description (`"reference"`, `"127.0.0.1:5696"`).
    pub target: String,
    /// Role of the target (`"server"` or `"client"`).
    #[serde(default)]
    pub role: String,
    /// Message encoding used (`"ttlv"`, `"xml"`, `"json"`).
    #[serde(default)]
    pub encoding: String,
    /// Start time, RFC 3339 UTC.
    pub started: String,
    /// Wall time of the run in seconds.
    pub duration_s: f64,
    /// Counts per status.
    pub totals: Totals,
    /// Per-profile verdicts.
    pub profiles: Vec<ProfileResult>,
    /// Per-case results, in a stable order (by file path).
    pub cases: Vec<CaseResult>,
}
