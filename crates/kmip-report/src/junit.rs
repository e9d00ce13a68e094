//! JUnit XML (`junit.xml`) for CI systems.
//!
//! Layout: one `<testsuite name="kmip-X.Y">` per protocol version (taken from
//! the case id's `-VV` suffix; `kmip-other` for ids without one) holding one
//! `<testcase>` per test case, so each case is counted once; then one
//! `<testsuite name="profiles">` with one `<testcase>` per profile verdict:
//! NOT CONFORMANT is a `<failure>`, incomplete is `<skipped>`, and the
//! clauses not assessed are listed in `<system-out>`; then, when profiles
//! carry assessed clauses, one `<testsuite name="clauses">` with one
//! `<testcase>` per (profile, clause): a failed clause is a `<failure>`,
//! not assessed / not applicable are `<skipped>` with the reason.
//!
//! Case failures carry the one-line reason as `message` and the reason,
//! paths and diff as text; errors are `<error>`, skips `<skipped message>`.
//! All text is escaped, and characters XML 1.0 cannot carry are replaced
//! with U+FFFD, so the document is always well-formed.

use std::fmt::Write as _;

use kmip_testcase::results::{CaseResult, ClauseVerdict, RunResults, Status, Totals};
use kmip_ttlv::xml::{escape, EscapeMode};

use crate::{case_version, clause_failure_reason, evidence_line, passed_cell, Verdict};

/// Render the JUnit document.
pub fn render_junit(results: &RunResults) -> String {
    let mut versions: Vec<String> = Vec::new();
    for c in &results.cases {
        let v = case_version(c);
        if !versions.contains(&v) {
            versions.push(v);
        }
    }
    let t = &results.totals;
    let profile_failures = results
        .profiles
        .iter()
        .filter(|p| Verdict::of(p) == Verdict::NotConformant)
        .count();
    let profile_skips = results
        .profiles
        .iter()
        .filter(|p| Verdict::of(p) == Verdict::Incomplete)
        .count();
    let clause_count = |f: &dyn Fn(ClauseVerdict) -> bool| {
        results
            .profiles
            .iter()
            .flat_map(|p| &p.clauses)
            .filter(|c| f(c.verdict))
            .count()
    };
    let clause_total = clause_count(&|_| true);
    let clause_failures = clause_count(&|v| v == ClauseVerdict::Fail);
    let clause_skips =
        clause_count(&|v| matches!(v, ClauseVerdict::NotAssessed | ClauseVerdict::NotApplicable));

    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        o,
        "<testsuites name=\"kmip-harness\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\" timestamp=\"{}\">",
        t.total() + results.profiles.len() + clause_total,
        t.failed + t.xpass + profile_failures + clause_failures,
        t.errors,
        t.skipped + t.xfail + t.cannot_express + profile_skips + clause_skips,
        finite(results.duration_s),
        attr(&results.started)
    );

    for v in &versions {
        let cases: Vec<&CaseResult> = results
            .cases
            .iter()
            .filter(|c| &case_version(c) == v)
            .collect();
        let owned: Vec<CaseResult> = cases.iter().map(|c| (*c).clone()).collect();
        let st = Totals::of(&owned);
        let time: u64 = cases.iter().map(|c| c.duration_ms).sum();
        // XFAIL is reported as skipped (an expected failure), XPASS as a
        // failure (the expectations entry is stale); both also counted in
        // the suite's properties.
        let _ = writeln!(
            o,
            "  <testsuite name=\"kmip-{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
            attr(v),
            cases.len(),
            st.failed + st.xpass,
            st.errors,
            st.skipped + st.xfail + st.cannot_express,
            time as f64 / 1000.0
        );
        let _ = writeln!(
            o,
            "    <properties>\n      <property name=\"target\" value=\"{}\"/>\n      <property name=\"role\" value=\"{}\"/>\n      <property name=\"encoding\" value=\"{}\"/>\n      <property name=\"xfail\" value=\"{}\"/>\n      <property name=\"xpass\" value=\"{}\"/>\n    </properties>",
            attr(&results.target),
            attr(&results.role),
            attr(&results.encoding),
            st.xfail,
            st.xpass
        );
        for c in cases {
            case_element(&mut o, c, v);
        }
        o.push_str("  </testsuite>\n");
    }

    let _ = writeln!(
        o,
        "  <testsuite name=\"profiles\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"0.000\">",
        results.profiles.len(),
        profile_failures,
        profile_skips
    );
    for p in &results.profiles {
        let _ = write!(
            o,
            "    <testcase name=\"{}\" classname=\"profiles.{}\" time=\"0.000\"",
            attr(&p.id),
            attr(&p.version)
        );
        let mut detail = format!(
            "{} ({}): mandatory passed {}, failed {}, skipped {}",
            p.name,
            p.clause,
            passed_cell(p),
            p.failed,
            p.skipped
        );
        if !p.missing.is_empty() {
            let _ = write!(detail, "; missing: {}", p.missing.join(", "));
        }
        if !p.unmet_requires.is_empty() {
            let _ = write!(
                detail,
                "; required profiles not conformant: {}",
                p.unmet_requires.join(", ")
            );
        }
        if let Some(why) = clause_failure_reason(p) {
            let _ = write!(detail, "; {why}");
        }
        let verdict = Verdict::of(p);
        if verdict == Verdict::Conformant && p.not_assessed.is_empty() {
            o.push_str("/>\n");
            continue;
        }
        o.push_str(">\n");
        match verdict {
            Verdict::Conformant => {}
            Verdict::NotConformant => {
                let _ = writeln!(
                    o,
                    "      <failure message=\"NOT CONFORMANT\" type=\"profile\">{}</failure>",
                    text(&detail)
                );
            }
            Verdict::Incomplete => {
                let _ = writeln!(
                    o,
                    "      <skipped message=\"incomplete: {}\"/>",
                    attr(&detail)
                );
            }
        }
        if !p.not_assessed.is_empty() {
            let mut out = String::from("Not assessed (never counted as passed):\n");
            for n in &p.not_assessed {
                let _ = writeln!(out, "- {n}");
            }
            let _ = writeln!(o, "      <system-out>{}</system-out>", text(&out));
        }
        o.push_str("    </testcase>\n");
    }
    o.push_str("  </testsuite>\n");
    if clause_total > 0 {
        clauses_suite(&mut o, results, clause_total, clause_failures, clause_skips);
    }
    o.push_str("</testsuites>\n");
    o
}

/// The `clauses` suite: one `<testcase>` per (profile, clause).
fn clauses_suite(o: &mut String, results: &RunResults, total: usize, fails: usize, skips: usize) {
    let _ = writeln!(
        o,
        "  <testsuite name=\"clauses\" tests=\"{total}\" failures=\"{fails}\" errors=\"0\" skipped=\"{skips}\" time=\"0.000\">"
    );
    for p in &results.profiles {
        for c in &p.clauses {
            let _ = writeln!(
                o,
                "    <testcase name=\"{}\" classname=\"clauses.{}\" time=\"0.000\">",
                attr(&c.id),
                attr(&p.id)
            );
            let detail = format!(
                "{}: {} ({})\nevidence: {}\noffered: {}\naccepted: {}\nrefused: {}\nno decision: {}",
                c.suite,
                c.text,
                c.source,
                evidence_line(c),
                c.evidence.offered.join("; "),
                c.evidence.accepted.join("; "),
                c.evidence.refused.join("; "),
                c.evidence.inconclusive.join("; ")
            );
            match c.verdict {
                ClauseVerdict::Pass => {}
                ClauseVerdict::Fail => {
                    let _ = writeln!(
                        o,
                        "      <failure message=\"FAIL: {}\" type=\"clause\">{}</failure>",
                        attr(&c.text),
                        text(&detail)
                    );
                }
                ClauseVerdict::NotAssessed | ClauseVerdict::NotApplicable => {
                    let _ = writeln!(
                        o,
                        "      <skipped message=\"{}: {}\"/>",
                        c.verdict.as_str(),
                        attr(&c.reason)
                    );
                }
            }
            let _ = writeln!(o, "      <system-out>{}</system-out>", text(&detail));
            o.push_str("    </testcase>\n");
        }
    }
    o.push_str("  </testsuite>\n");
}

fn case_element(o: &mut String, c: &CaseResult, version: &str) {
    let family = kmip_testcase::case::CaseId::parse(&c.id)
        .map_or_else(|| "other".to_string(), |id| id.prefix);
    let _ = write!(
        o,
        "    <testcase name=\"{}\" classname=\"kmip-{}.{}\" file=\"{}\" time=\"{:.3}\"",
        attr(&c.id),
        attr(version),
        attr(&family),
        attr(&c.file),
        c.duration_ms as f64 / 1000.0
    );
    match (c.status, &c.expected_failure) {
        (Status::Pass, Some(x)) => {
            let _ = writeln!(
                o,
                ">\n      <failure message=\"XPASS: listed as a known failure but passed: remove it from the expectations file\" type=\"xpass\">{}</failure>",
                text(x)
            );
        }
        (Status::Fail | Status::Error, Some(x)) => {
            let _ = writeln!(
                o,
                ">\n      <skipped message=\"XFAIL ({}): {}: {}\"/>",
                c.status.as_str(),
                attr(x),
                attr(&c.reason)
            );
        }
        (Status::Pass, None) if c.warnings.is_empty() => {
            o.push_str("/>\n");
            return;
        }
        (Status::Pass, None) => o.push_str(">\n"),
        (Status::Skip, _) => {
            let _ = writeln!(o, ">\n      <skipped message=\"{}\"/>", attr(&c.reason));
        }
        (Status::CannotExpress, _) => {
            let _ = writeln!(
                o,
                ">\n      <skipped message=\"cannot express: {}\"/>",
                attr(&c.reason)
            );
        }
        (Status::Fail | Status::Error, None) => {
            let (element, kind) = if c.status == Status::Fail {
                ("failure", "mismatch")
            } else {
                ("error", "error")
            };
            let mut body = c.reason.clone();
            if let Some(d) = &c.divergence {
                let _ = write!(body, "\nfirst divergence: message {}", d.message);
                for p in &d.paths {
                    let _ = write!(body, "\n  {p}");
                }
                if !d.diff.is_empty() {
                    body.push_str("\n\n");
                    body.push_str(&d.diff);
                }
            }
            let _ = writeln!(
                o,
                ">\n      <{element} message=\"{}\" type=\"{kind}\">{}</{element}>",
                attr(&c.reason),
                text(&body)
            );
        }
    }
    if !c.warnings.is_empty() {
        let _ = writeln!(
            o,
            "      <system-err>{}</system-err>",
            text(&format!("test-case warnings:\n{}", c.warnings.join("\n")))
        );
    }
    o.push_str("    </testcase>\n");
}

fn finite(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

/// Escape for element content (the workspace's one XML escaper).
fn text(s: &str) -> String {
    escape(s, EscapeMode::Text)
}

/// Escape for an attribute value (line breaks kept as character references).
fn attr(s: &str) -> String {
    escape(s, EscapeMode::Attribute)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(text("a<b>&c\u{1}"), "a&lt;b&gt;&amp;c\u{FFFD}");
        assert_eq!(attr("\"x\"\ny"), "&quot;x&quot;&#10;y");
        assert_eq!(text("keep \"quotes\"\n"), "keep \"quotes\"\n");
        assert_eq!(text("\u{FFFE}\u{10000}"), "\u{FFFD}\u{10000}");
    }
}
