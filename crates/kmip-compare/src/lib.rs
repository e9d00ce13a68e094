//! Comparison of KMIP messages against OASIS test-case expectations:
//! placeholder binding, the masking rules of KMIP Profiles §4.1, and diffs.
//!
//! Pure: no I/O, no async. One [`Session`] per test case:
//!
//! 1. [`Session::bind_request`] turns the request template of a step into
//!    the message to send (`$NOW±n`, bound `$VAR`s, implicit request-first
//!    bindings, carried-over outputs);
//! 2. [`Session::check_response`] compares the expected response with the
//!    actual one, learns new bindings and object provenance, and returns a
//!    [`Comparison`]: unmasked [`Difference`]s (the verdict), every
//!    [`Masked`] position with the id of the rule that allowed it, strict-mode
//!    warnings, and a unified diff of the canonical XML.
//!
//! Modules:
//! - [`mod@rules`]: the closed masking table (data), also rendered as
//!   `docs/masking.md`;
//! - [`placeholder`]: the documented `$NAME` list;
//! - [`query`]: the run-level Query consistency check (reason class
//!   `query-inconsistent`): what a target's Query answers claim against
//!   what the rest of the run saw it do;
//! - [`tags`]: tag and enumeration constants the rules refer to;
//! - `session` / `engine` / `render`: binding; the tree walk, which judges
//!   into findings; the diff rendered from the findings.
//!
//! Depends on `kmip-ttlv` only (plus RustCrypto hashes for digest checks).
//! Pure logic: no I/O, and never the reference server or the runner.

pub mod placeholder;
pub mod query;
pub mod rules;
pub mod tags;

mod engine;
mod render;
mod session;

pub use rules::{rules, Rule};
pub use session::{BindError, ObjectInfo, Provenance, Session};

/// Deepest nesting the comparator walks (messages from the bounded
/// decoders are far shallower; deeper trees are reported, not walked).
pub const MAX_DEPTH: usize = 64;

/// Comparison settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareOptions {
    /// Clock skew allowed, in seconds: slack around the exchange for
    /// literal response time stamps, and around the run for `$NOW±n`
    /// (`[run start - skew + n, received + skew + n]`). Default 300.
    pub now_tolerance_s: i64,
    /// Unix time the run started (the low end of every `$NOW` window).
    /// `None`: when the session's first request was sent.
    pub run_started_at: Option<i64>,
    /// Strict wire-diff mode: order differences, fields added or omitted
    /// under a rule, and fields not defined in the protocol version are
    /// also reported as [`Comparison::warnings`].
    pub strict: bool,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            now_tolerance_s: 300,
            run_started_at: None,
            strict: false,
        }
    }
}

/// One unmasked difference: part of the verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Tag path from the message root (`BatchItem[0]/ResponsePayload/UniqueIdentifier`).
    pub path: String,
    /// Expected value as rendered in KMIP XML (`(absent)` when the field
    /// is missing; an empty value reads `(empty TextString)`, `(empty
    /// ByteString)`, …, never `(absent)`).
    pub expected: String,
    /// Actual value (same conventions).
    pub actual: String,
    /// What differs (`"value differs"`, `"missing"`, `"type TextString expected, Integer found"`, …).
    pub note: String,
}

/// A position where the messages differ but a rule allows it (audit trail).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Masked {
    /// Tag path from the message root.
    pub path: String,
    /// Id of the rule (see [`rules()`]).
    pub rule: &'static str,
    /// Expected value as written in the test case (`(absent)` when the
    /// actual message added the field).
    pub expected: String,
    /// Actual value (`(absent)` when the field was omitted).
    pub actual: String,
}

/// The result of comparing one expected response with the actual one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Unmasked differences: the response does not conform if non-empty.
    pub differences: Vec<Difference>,
    /// Differences a masking rule allowed, one per position.
    pub masked: Vec<Masked>,
    /// Strict-mode findings (never part of the verdict).
    pub warnings: Vec<Difference>,
    /// Unified diff of the canonical XML of the expected message (bindings
    /// substituted, unbound placeholders as `$NAME`) and the actual one;
    /// masked lines are identical on both sides and end with a
    /// `<!-- masked: rule-id … -->` comment. Empty when the messages match.
    pub diff: String,
}

impl Comparison {
    /// The comparison a walk's findings make: the judgements first, then
    /// the diff rendered from the positions as shown.
    pub(crate) fn from_findings(findings: Vec<render::Finding>) -> Comparison {
        let diff = render::unified(&render::render(&findings));
        let (differences, masked, warnings) = render::judgements(findings);
        Comparison {
            differences,
            masked,
            warnings,
            diff,
        }
    }

    /// True if there is no unmasked difference.
    pub fn is_match(&self) -> bool {
        self.differences.is_empty()
    }
}
