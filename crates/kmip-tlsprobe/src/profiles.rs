//! Attaching assessed clauses to a run's profile verdicts.
//!
//! [`attach`] is generic: it takes any [`ClauseResult`]s (the TLS suites
//! of this crate, HTTPS conditions, XML/JSON mapping checks, …) and gives
//! each profile of the given role the clauses whose `suite` string is a
//! prefix of one of its `not_assessed` lines; those lines are then removed
//! (the clauses speak for them) and a failed clause makes the profile not
//! conformant ([`kmip_testcase::results::ProfileResult::attach_clauses`]).
//!
//! Two narrowings keep a clause off profiles it does not belong to:
//! - a clause from this crate's table ([`crate::suites::clauses`]) goes only
//!   to profiles of a KMIP version of one of its Profiles editions (a v1.4
//!   profile gets the TLS 1.0 Basic clauses, a v2.1 profile the TLS 1.2
//!   ones);
//! - the Suite B clauses `suiteb-128` / `suiteb-192` go only to the
//!   `SUITEB_128` / `SUITEB_192` profiles.
//!
//! Clauses that are not in the table (another module's) carry no edition
//! and go to every profile whose line they match.

use kmip_testcase::results::{
    ClauseEvidence, ClauseVerdict, ProfileClause, ProfileResult, RunResults,
};

use crate::suites::{clauses as table, Edition};
use crate::{ClauseResult, Verdict};

/// The results-model form of a clause.
pub fn to_profile_clause(c: &ClauseResult) -> ProfileClause {
    ProfileClause {
        id: c.id.clone(),
        text: c.text.clone(),
        verdict: match c.verdict {
            Verdict::Pass => ClauseVerdict::Pass,
            Verdict::Fail => ClauseVerdict::Fail,
            Verdict::NotAssessed => ClauseVerdict::NotAssessed,
            Verdict::NotApplicable => ClauseVerdict::NotApplicable,
        },
        suite: c.suite.clone(),
        source: c.source.clone(),
        reason: c.reason.clone().unwrap_or_default(),
        evidence: ClauseEvidence {
            offered: c.evidence.offered.clone(),
            accepted: c.evidence.accepted.clone(),
            refused: c.evidence.refused.clone(),
            inconclusive: c.evidence.inconclusive.clone(),
        },
    }
}

/// Whether clause `c` may go to profile `p` (edition and Suite B level).
fn fits(c: &ClauseResult, p: &ProfileResult) -> bool {
    let defs = table();
    if let Some(d) = defs.iter().find(|d| d.id == c.id && d.suite == c.suite) {
        match Edition::of(&p.version) {
            Some(e) if !d.editions.contains(&e) => return false,
            _ => {}
        }
    }
    let level = |tag: &str| p.id.to_ascii_uppercase().starts_with(tag);
    match c.id.as_str() {
        "suiteb-128" => level("SUITEB_128"),
        "suiteb-192" => level("SUITEB_192"),
        _ => true,
    }
}

/// Attach `clauses` to every profile of `role` (`"server"` or `"client"`)
/// in `run` whose `not_assessed` lines they answer (see the module docs).
/// Returns the number of (profile, clause) attachments.
pub fn attach(run: &mut RunResults, role: &str, clauses: &[ClauseResult]) -> usize {
    attach_where(run, role, clauses, |_| true)
}

/// [`attach`] restricted to the profiles `only` accepts (e.g. one KMIP
/// version, when the clauses were assessed in that version).
pub fn attach_where(
    run: &mut RunResults,
    role: &str,
    clauses: &[ClauseResult],
    only: impl Fn(&ProfileResult) -> bool,
) -> usize {
    let mut n = 0;
    for p in run
        .profiles
        .iter_mut()
        .filter(|p| p.role.eq_ignore_ascii_case(role) && only(p))
    {
        let mine: Vec<ProfileClause> = clauses
            .iter()
            .filter(|c| fits(c, p))
            .map(to_profile_clause)
            .collect();
        n += p.attach_clauses(&mine);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Evidence;

    fn profile(id: &str, version: &str, role: &str, lines: &[&str]) -> ProfileResult {
        serde_json::from_value(serde_json::json!({
            "id": id, "version": version, "role": role, "total": 1, "passed": 1,
            "pass_rate": 1.0, "conformant": true, "not_assessed": lines,
        }))
        .expect("profile")
    }

    fn clause(id: &str, suite: &str, verdict: Verdict) -> ClauseResult {
        ClauseResult {
            id: id.into(),
            suite: suite.into(),
            text: id.into(),
            source: "test".into(),
            verdict,
            reason: None,
            evidence: Evidence::default(),
        }
    }

    #[test]
    fn attaches_by_suite_prefix_edition_and_level() {
        const BASIC: &str = "Basic Authentication Suite: service on TCP port 5696 (§3.1.4)";
        const SB: &str = "Suite B TLS cipher suites and key sizes (RFC 6460 minLOS)";
        let mut run: RunResults = serde_json::from_value(serde_json::json!({
            "format_version": 3, "target": "t", "started": "s", "duration_s": 0.0,
            "totals": {"passed": 0, "failed": 0, "errors": 0, "skipped": 0},
            "profiles": [], "cases": [],
        }))
        .expect("run");
        run.profiles = vec![
            profile("SKLC-server-2.1", "2.1", "server", &[BASIC, "other"]),
            profile("SUITEB_192-server-1.4", "1.4", "server", &[BASIC, SB]),
            profile("SKLC-client-2.1", "2.1", "client", &[BASIC]),
        ];
        let clauses = [
            clause(
                "basic-3.1.1-tls12",
                "Basic Authentication Suite",
                Verdict::Fail,
            ),
            clause(
                "basic-v1-3.1.1-tls10",
                "Basic Authentication Suite",
                Verdict::Pass,
            ),
            clause("suiteb-128", "Suite B", Verdict::Pass),
            clause("suiteb-192", "Suite B", Verdict::NotAssessed),
            clause("https-x", "HTTPS Authentication Suite", Verdict::Fail),
        ];
        assert_eq!(attach(&mut run, "server", &clauses), 3);
        let ids = |p: &ProfileResult| p.clauses.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        // v2.1 gets the TLS 1.2 clause only, fails on it, keeps "other".
        assert_eq!(ids(&run.profiles[0]), ["basic-3.1.1-tls12"]);
        assert!(!run.profiles[0].conformant);
        assert_eq!(run.profiles[0].not_assessed, ["other"]);
        // v1.4 Suite B 192 gets the v1 Basic clause and suiteb-192 only.
        assert_eq!(
            ids(&run.profiles[1]),
            ["basic-v1-3.1.1-tls10", "suiteb-192"]
        );
        assert!(
            run.profiles[1].conformant,
            "not assessed never fails a profile"
        );
        assert!(run.profiles[1].not_assessed.is_empty());
        // The client profile is untouched.
        assert!(run.profiles[2].clauses.is_empty());
        assert_eq!(run.profiles[2].not_assessed.len(), 1);
    }
}
