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
///
/// 3: profiles carry assessed clauses ([`ProfileResult::clauses`]: TLS
/// Authentication Suites, port, …); a failed clause makes the profile not
/// conformant, and a clause attached for a `not_assessed` line replaces
/// that line. Files of format 1 and 2 still load (no clauses).
pub const FORMAT_VERSION: u32 = 3;

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
    /// Clauses assessed outside the test cases (TLS Authentication Suites,
    /// port 5696, HTTPS conditions, …), attached with
    /// [`ProfileResult::attach_clauses`]. Empty in files before format 3.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clauses: Vec<ProfileClause>,
}

impl ProfileResult {
    /// Attach assessed clauses for the `not_assessed` lines they cover:
    /// every line that starts with a clause's `suite` is removed from
    /// [`ProfileResult::not_assessed`] (the clauses now speak for it), and
    /// the clauses whose suite covers at least one line are added. Clauses
    /// that cover no line of this profile are ignored. A failed clause
    /// makes the profile not conformant (and not "incomplete": something
    /// failed). Returns how many clauses were attached.
    pub fn attach_clauses(&mut self, clauses: &[ProfileClause]) -> usize {
        let covers =
            |c: &ProfileClause, line: &str| !c.suite.is_empty() && line.starts_with(&c.suite);
        let mut attached = 0;
        for c in clauses {
            if !self.not_assessed.iter().any(|l| covers(c, l))
                && !self.clauses.iter().any(|k| k.suite == c.suite)
            {
                continue;
            }
            if let Some(old) = self.clauses.iter_mut().find(|k| k.id == c.id) {
                *old = c.clone();
            } else {
                self.clauses.push(c.clone());
            }
            attached += 1;
        }
        let clauses = &self.clauses;
        self.not_assessed
            .retain(|l| !clauses.iter().any(|c| covers(c, l)));
        if self.failed_clauses().next().is_some() {
            self.conformant = false;
            self.incomplete = false;
        }
        attached
    }

    /// The attached clauses that failed.
    pub fn failed_clauses(&self) -> impl Iterator<Item = &ProfileClause> {
        self.clauses
            .iter()
            .filter(|c| c.verdict == ClauseVerdict::Fail)
    }
}

/// Verdict of one assessed clause.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClauseVerdict {
    /// The condition holds.
    Pass,
    /// The condition does not hold: the profile is not conformant.
    Fail,
    /// The harness could not decide (the reason says why); never counted
    /// as passed.
    NotAssessed,
    /// The condition does not apply to this target (the reason says why).
    NotApplicable,
}

impl ClauseVerdict {
    /// Upper-case label for tables (`"PASS"`, `"NOT ASSESSED"`, `"N/A"`).
    pub fn label(self) -> &'static str {
        match self {
            ClauseVerdict::Pass => "PASS",
            ClauseVerdict::Fail => "FAIL",
            ClauseVerdict::NotAssessed => "NOT ASSESSED",
            ClauseVerdict::NotApplicable => "N/A",
        }
    }

    /// Snake-case name as in `results.json` (`"not_assessed"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseVerdict::Pass => "pass",
            ClauseVerdict::Fail => "fail",
            ClauseVerdict::NotAssessed => "not_assessed",
            ClauseVerdict::NotApplicable => "not_applicable",
        }
    }
}

/// What was offered to the target and what it did with each offer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseEvidence {
    /// What the harness offered (protocol versions, suites, certificates).
    #[serde(default)]
    pub offered: Vec<String>,
    /// Offers the target accepted, with its answer.
    #[serde(default)]
    pub accepted: Vec<String>,
    /// Offers the target refused, with how.
    #[serde(default)]
    pub refused: Vec<String>,
    /// Offers without a decision, with why.
    #[serde(default)]
    pub inconclusive: Vec<String>,
}

/// One clause of a profile assessed outside the test cases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileClause {
    /// Stable clause id (`"basic-3.1.3-no-cert"`).
    pub id: String,
    /// The condition checked.
    pub text: String,
    /// Verdict.
    pub verdict: ClauseVerdict,
    /// Suite or area the clause belongs to (`"Basic Authentication
    /// Suite"`): a profile's `not_assessed` line starting with it is the
    /// line this clause answers.
    #[serde(default)]
    pub suite: String,
    /// Where the condition comes from (specification section).
    #[serde(default)]
    pub source: String,
    /// Why (for not assessed / not applicable, and remarks on a verdict).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// What was offered and what happened.
    #[serde(default)]
    pub evidence: ClauseEvidence,
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
    /// Batch items the target answered with Operation Pending (KMIP
    /// asynchronous processing) where the case expects the final result:
    /// the runner polled them (Poll) and compared the polled result, one
    /// line each (`message 1 batch item 0: Operation Pending, 2 Polls in
    /// 150 ms, then Success`). Empty: the case ran synchronously.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub asynchronous: Vec<String>,
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
