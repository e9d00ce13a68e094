//! CI checks over a finished run (pure functions over
//! [`RunResults`]): `--gate PROFILE_ID=RATE` (a profile's pass rate must
//! reach RATE) and `--baseline OLD/results.json` (no case that passed in the
//! old run may fail or error now).

use kmip_testcase::results::{RunResults, Status};
use std::str::FromStr;

/// `PROFILE_ID=RATE`: the profile's mandatory pass rate must be ≥ RATE.
#[derive(Clone, Debug, PartialEq)]
pub struct Gate {
    /// Profile id as in the results (`"SKLC-server-2.1"`).
    pub profile: String,
    /// Minimum pass rate, 0..=1.
    pub min_rate: f64,
}

/// `--gate` could not be parsed.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid gate {0:?}: expected PROFILE_ID=RATE with RATE in 0..1 (0.9) or a percentage (90%)"
)]
pub struct BadGate(pub String);

impl FromStr for Gate {
    type Err = BadGate;

    /// `ID=0.9`, `ID=90%` and `ID=90` (a number above 1 is a percentage).
    fn from_str(s: &str) -> Result<Gate, BadGate> {
        let bad = || BadGate(s.to_string());
        let (id, rate) = s.rsplit_once('=').ok_or_else(bad)?;
        let id = id.trim();
        if id.is_empty() {
            return Err(bad());
        }
        let rate = rate.trim();
        let (num, percent) = match rate.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (rate, false),
        };
        let v: f64 = num.parse().map_err(|_| bad())?;
        if !v.is_finite() || v < 0.0 {
            return Err(bad());
        }
        let v = if percent || v > 1.0 { v / 100.0 } else { v };
        if v > 1.0 {
            return Err(bad());
        }
        Ok(Gate {
            profile: id.to_string(),
            min_rate: v,
        })
    }
}

/// The outcome of one gate.
#[derive(Clone, Debug, PartialEq)]
pub struct GateOutcome {
    /// The gate.
    pub gate: Gate,
    /// Pass rate found (lowest over the profile's versions); `None` when the
    /// profile was not in the run — which fails the gate.
    pub actual: Option<f64>,
    /// Whether the gate holds.
    pub ok: bool,
}

impl std::fmt::Display for GateOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let want = self.gate.min_rate * 100.0;
        match self.actual {
            Some(a) => write!(
                f,
                "gate {}: pass rate {:.1}% {} required {:.1}%",
                self.gate.profile,
                a * 100.0,
                if self.ok { "meets" } else { "is below" },
                want
            ),
            None => write!(
                f,
                "gate {}: profile not in this run (required {:.1}%)",
                self.gate.profile, want
            ),
        }
    }
}

/// Evaluate every gate. A profile id matches a result whose `id` equals it,
/// or whose `id-version` equals it (`SKLC-server` + `2.1`).
pub fn check_gates(results: &RunResults, gates: &[Gate]) -> Vec<GateOutcome> {
    gates
        .iter()
        .map(|g| {
            let actual = results
                .profiles
                .iter()
                .filter(|p| p.id == g.profile || format!("{}-{}", p.id, p.version) == g.profile)
                .map(|p| p.pass_rate)
                .fold(None, |acc: Option<f64>, r| {
                    Some(acc.map_or(r, |a| a.min(r)))
                });
            GateOutcome {
                gate: g.clone(),
                actual,
                ok: actual.is_some_and(|a| a + 1e-9 >= g.min_rate),
            }
        })
        .collect()
}

/// A case that passed in the baseline and fails or errors now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regression {
    /// Case id.
    pub id: String,
    /// Its status now.
    pub now: Status,
    /// Its reason now.
    pub reason: String,
}

/// Cases that passed in `baseline` and are `fail` or `error` in `current`
/// (matched by case id; cases absent from either run are not regressions).
pub fn regressions(baseline: &RunResults, current: &RunResults) -> Vec<Regression> {
    let passed: std::collections::HashSet<&str> = baseline
        .cases
        .iter()
        .filter(|c| c.status == Status::Pass)
        .map(|c| c.id.as_str())
        .collect();
    current
        .cases
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Error))
        .filter(|c| passed.contains(c.id.as_str()))
        .map(|c| Regression {
            id: c.id.clone(),
            now: c.status,
            reason: c.reason.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kmip_testcase::results::{CaseResult, ProfileResult, Totals, FORMAT_VERSION};

    fn profile(id: &str, version: &str, rate: f64) -> ProfileResult {
        serde_json::from_value(serde_json::json!({
            "id": id, "version": version, "total": 10,
            "passed": (rate * 10.0) as usize, "pass_rate": rate, "conformant": rate >= 1.0
        }))
        .expect("profile result")
    }

    fn case(id: &str, status: Status) -> CaseResult {
        serde_json::from_value(serde_json::json!({
            "id": id, "file": format!("{id}.xml"), "status": status,
            "reason": if status == Status::Pass { "" } else { "why" },
            "messages": 1, "duration_ms": 1
        }))
        .expect("case result")
    }

    fn run(profiles: Vec<ProfileResult>, cases: Vec<CaseResult>) -> RunResults {
        serde_json::from_value(serde_json::json!({
            "format_version": FORMAT_VERSION, "target": "t", "started": "2024-01-01T00:00:00Z",
            "duration_s": 0.0, "totals": Totals::default(), "profiles": profiles, "cases": cases
        }))
        .expect("run results")
    }

    #[test]
    fn gate_syntax() {
        let g = |s: &str| s.parse::<Gate>();
        assert_eq!(g("SKLC-server-2.1=0.9").map(|g| g.min_rate), Ok(0.9));
        assert_eq!(g("X=90%").map(|g| g.min_rate), Ok(0.9));
        assert_eq!(g("X=90").map(|g| g.min_rate), Ok(0.9));
        assert_eq!(g("X=1").map(|g| g.min_rate), Ok(1.0));
        assert_eq!(g("X=0").map(|g| g.min_rate), Ok(0.0));
        assert_eq!(g("a=b=0.5").map(|g| g.profile), Ok("a=b".to_string()));
        for bad in [
            "X", "=0.5", "X=", "X=-1", "X=101", "X=abc", "X=NaN", "X=150%",
        ] {
            assert!(g(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn gates_pass_fail_and_missing() {
        let r = run(
            vec![
                profile("SKLC-server", "2.1", 1.0),
                profile("BL-server", "2.1", 0.5),
                profile("BL-server", "1.4", 0.8),
            ],
            vec![],
        );
        let gates: Vec<Gate> = [
            "SKLC-server=1.0",
            "BL-server=0.6",
            "BL-server-1.4=0.8",
            "QS-server=0.1",
        ]
        .iter()
        .map(|s| s.parse().expect("gate"))
        .collect();
        let out = check_gates(&r, &gates);
        assert_eq!(
            out.iter().map(|o| o.ok).collect::<Vec<_>>(),
            vec![true, false, true, false]
        );
        assert_eq!(out[1].actual, Some(0.5), "lowest version counts");
        assert_eq!(out[3].actual, None);
        assert!(out[1].to_string().contains("is below"));
        assert!(out[3].to_string().contains("not in this run"));
    }

    #[test]
    fn regressions_are_pass_then_fail_or_error_only() {
        let old = run(
            vec![],
            vec![
                case("A", Status::Pass),
                case("B", Status::Pass),
                case("C", Status::Fail),
                case("D", Status::Pass),
                case("E", Status::Pass),
            ],
        );
        let new = run(
            vec![],
            vec![
                case("A", Status::Pass),
                case("B", Status::Fail),
                case("C", Status::Fail),
                case("D", Status::Error),
                case("E", Status::Skip),
                case("F", Status::Fail),
            ],
        );
        let r = regressions(&old, &new);
        assert_eq!(
            r.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            vec!["B", "D"]
        );
        assert_eq!(r[1].now, Status::Error);
    }
}
