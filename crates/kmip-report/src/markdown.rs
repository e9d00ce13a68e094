//! The Markdown report (`report.md`): run header, per-profile summary table,
//! clauses not assessed, missing cases, failures with their diffs in
//! ```` ```diff ```` fences, skipped cases, the masked-position audit and the
//! list of all cases. Suitable for a CI job summary or a PR comment.

use std::fmt::Write as _;

use kmip_testcase::results::{RunResults, Status};

use crate::{
    case_word, clause_cell, clause_failure_reason, clause_groups, evidence_line, masked_by_rule,
    not_assessed_groups, optional_cell, passed_cell, rate_cell, run_meta, totals_line, Verdict,
};

/// Render the Markdown report.
pub fn render_markdown(results: &RunResults) -> String {
    let mut o = String::new();
    o.push_str("# KMIP conformance report\n\n");
    for (label, value) in run_meta(results) {
        let _ = writeln!(o, "- **{label}:** {}", inline(&value));
    }
    let _ = writeln!(o, "\n**Totals:** {}\n", totals_line(results));

    o.push_str("## Profiles\n\n");
    if results.profiles.is_empty() {
        o.push_str("No profile has a case in this run.\n\n");
    } else {
        o.push_str("| Profile | Version | Role | Passed | Rate | Optional | Verdict | Clauses |\n");
        o.push_str("|---|---|---|--:|--:|--:|---|---|\n");
        for p in &results.profiles {
            let verdict = match Verdict::of(p) {
                Verdict::Conformant => "**CONFORMANT**".to_string(),
                Verdict::NotConformant => match clause_failure_reason(p) {
                    Some(why) => format!("**NOT CONFORMANT** ({})", cell(&why)),
                    None => "**NOT CONFORMANT**".to_string(),
                },
                Verdict::Incomplete => "incomplete".to_string(),
            };
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(&p.id),
                cell(&p.version),
                cell(&p.role),
                passed_cell(p),
                rate_cell(p),
                optional_cell(p),
                verdict,
                clause_cell(p)
            );
        }
        o.push('\n');
        o.push_str(
            "Verdicts count mandatory cases only. *incomplete*: nothing failed but mandatory \
             cases were missing or skipped, or a required profile is incomplete.\n\n",
        );
    }

    let gaps: Vec<_> = results
        .profiles
        .iter()
        .filter(|p| !p.missing.is_empty() || !p.unmet_requires.is_empty())
        .collect();
    if !gaps.is_empty() {
        o.push_str("### Missing cases and unmet requirements\n\n");
        for p in gaps {
            let _ = write!(o, "- **{}**:", inline(&p.id));
            if !p.missing.is_empty() {
                let _ = write!(o, " missing {}", code_list(&p.missing));
                if !p.unmet_requires.is_empty() {
                    o.push(';');
                }
            }
            if !p.unmet_requires.is_empty() {
                let _ = write!(
                    o,
                    " requires {} (not conformant)",
                    code_list(&p.unmet_requires)
                );
            }
            o.push('\n');
        }
        o.push('\n');
    }

    let clauses = clause_groups(results);
    if !clauses.is_empty() {
        o.push_str("### Assessed clauses\n\n");
        o.push_str(
            "Conditions checked outside the test cases (TLS Authentication Suites, port, …). A \
             failed clause makes each listed profile NOT CONFORMANT; *not assessed* is never \
             counted as passed. Every offer is in `results.json`.\n\n",
        );
        o.push_str("| Clause | Suite | Condition | Verdict | Evidence | Source | Profiles |\n");
        o.push_str("|---|---|---|---|---|---|---|\n");
        for (c, ids) in clauses {
            let verdict = match c.verdict {
                kmip_testcase::results::ClauseVerdict::Fail => "**FAIL**".to_string(),
                v => v.label().to_string(),
            };
            let mut evidence = evidence_line(c);
            for (word, list) in [
                ("accepted", &c.evidence.accepted),
                ("refused", &c.evidence.refused),
            ] {
                if !list.is_empty() && list.len() <= 4 {
                    evidence.push_str(&format!("; {word}: {}", list.join(" · ")));
                }
            }
            let _ = writeln!(
                o,
                "| `{}` | {} | {} | {} | {} | {} | {} |",
                cell(&c.id),
                cell(&c.suite),
                cell(&c.text),
                verdict,
                cell(&evidence),
                cell(&c.source),
                cell(&profile_list(&ids))
            );
        }
        o.push('\n');
    }

    let groups = not_assessed_groups(results);
    if !groups.is_empty() {
        o.push_str("### Not assessed\n\n");
        o.push_str(
            "Clauses a test run cannot prove. They are never counted as passed; check them \
             separately.\n\n",
        );
        for (text, ids) in groups {
            let _ = writeln!(o, "- {} ({})", inline(text), profile_list(&ids));
        }
        o.push('\n');
    }

    let failures: Vec<_> = results
        .cases
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Error))
        .collect();
    o.push_str("## Failures\n\n");
    if failures.is_empty() {
        o.push_str("None.\n\n");
    }
    for c in failures {
        let _ = writeln!(o, "### `{}` {}\n", inline(&c.id), case_word(c));
        if !c.reason.is_empty() {
            let _ = writeln!(o, "{}\n", inline(&c.reason));
        }
        let _ = writeln!(o, "- File: `{}`", inline(&c.file));
        if let Some(x) = &c.expected_failure {
            let _ = writeln!(o, "- Expected failure: {}", inline(x));
        }
        if let Some(d) = &c.divergence {
            let _ = writeln!(o, "- First divergence: message {}", d.message);
            if !d.paths.is_empty() {
                let _ = writeln!(o, "- Paths: {}", code_list(&d.paths));
            }
            if !d.diff.is_empty() {
                let fence = fence_for(&d.diff);
                let _ = write!(o, "\n{fence}diff\n{}", d.diff);
                if !d.diff.ends_with('\n') {
                    o.push('\n');
                }
                let _ = writeln!(o, "{fence}");
            }
        }
        o.push('\n');
    }

    let skipped: Vec<_> = results
        .cases
        .iter()
        .filter(|c| c.status == Status::Skip)
        .collect();
    if !skipped.is_empty() {
        o.push_str("## Skipped\n\n| Case | Reason |\n|---|---|\n");
        for c in skipped {
            let _ = writeln!(o, "| `{}` | {} |", cell(&c.id), cell(&c.reason));
        }
        o.push('\n');
    }

    let cannot: Vec<_> = results
        .cases
        .iter()
        .filter(|c| c.status == Status::CannotExpress)
        .collect();
    if !cannot.is_empty() {
        o.push_str(
            "## Client cannot express

The client's API has no way to send these steps: not a pass, not a fail.

| Case | Step and why |
|---|---|
",
        );
        for c in cannot {
            let _ = writeln!(o, "| `{}` | {} |", cell(&c.id), cell(&c.reason));
        }
        o.push('\n');
    }

    let warned: Vec<_> = results
        .cases
        .iter()
        .filter(|c| !c.warnings.is_empty())
        .collect();
    if !warned.is_empty() {
        o.push_str("## Test-case warnings\n\nSkipped by the loader (text between messages, commented-out messages).\n\n| Case | Warning |\n|---|---|\n");
        for c in warned {
            for w in &c.warnings {
                let _ = writeln!(o, "| `{}` | {} |", cell(&c.id), cell(w));
            }
        }
        o.push('\n');
    }

    let went_async: Vec<_> = results
        .cases
        .iter()
        .filter(|c| !c.asynchronous.is_empty())
        .collect();
    if !went_async.is_empty() {
        o.push_str("## Asynchronous responses\n\nBatch items the target answered with Operation Pending; the runner polled them and compared the polled result.\n\n| Case | Batch item |\n|---|---|\n");
        for c in went_async {
            for a in &c.asynchronous {
                let _ = writeln!(o, "| `{}` | {} |", cell(&c.id), cell(a));
            }
        }
        o.push('\n');
    }

    o.push_str("## Masked positions (audit)\n\n");
    let by_rule = masked_by_rule(results);
    if by_rule.is_empty() {
        o.push_str("No difference was masked.\n\n");
    } else {
        let total: usize = by_rule.iter().map(|(_, n)| n).sum();
        let _ = writeln!(
            o,
            "{total} differences were allowed by masking rules (see `kmip-harness` masking rules for what each rule permits and why).\n"
        );
        o.push_str("| Rule | Count |\n|---|--:|\n");
        for (rule, n) in &by_rule {
            let _ = writeln!(o, "| `{}` | {n} |", cell(rule));
        }
        o.push_str("\n| Case | Masked |\n|---|--:|\n");
        for c in results.cases.iter().filter(|c| !c.masked.is_empty()) {
            let _ = writeln!(o, "| `{}` | {} |", cell(&c.id), c.masked.len());
        }
        o.push('\n');
    }

    o.push_str("## All cases\n\n");
    if results.cases.is_empty() {
        o.push_str("No case was run.\n");
    } else {
        o.push_str("| Case | Status | Messages | Time | Profiles | Reason |\n");
        o.push_str("|---|---|--:|--:|---|---|\n");
        for c in &results.cases {
            let _ = writeln!(
                o,
                "| `{}` | {} | {} | {} ms | {} | {} |",
                cell(&c.id),
                case_word(c),
                c.messages,
                c.duration_ms,
                cell(&c.profiles.join(", ")),
                cell(&c.reason)
            );
        }
    }
    o
}

/// Text for a table cell: no line breaks, `|` escaped.
fn cell(s: &str) -> String {
    inline(s).replace('|', "\\|")
}

/// Text on one line (line breaks become spaces).
fn inline(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// `` `a`, `b` ``.
fn code_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{}`", inline(i).replace('`', "'")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Profile ids, shortened after eight.
fn profile_list(ids: &[&str]) -> String {
    const MAX: usize = 8;
    let mut s = ids.iter().take(MAX).copied().collect::<Vec<_>>().join(", ");
    if ids.len() > MAX {
        let _ = write!(s, " and {} more", ids.len() - MAX);
    }
    s
}

/// A backtick fence longer than any backtick run inside `body`.
fn fence_for(body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for ch in body.chars() {
        if ch == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat(longest.max(2) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_content() {
        assert_eq!(fence_for("plain"), "```");
        assert_eq!(fence_for("a ```` b"), "`````");
    }

    #[test]
    fn cells_are_single_line_and_escaped() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }

    #[test]
    fn profile_list_is_bounded() {
        let ids: Vec<String> = (0..10).map(|i| format!("P{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        assert!(profile_list(&refs).ends_with("P7 and 2 more"));
    }
}
