//! The HTML report (`report.html`): one self-contained page (inline CSS and
//! a few lines of inline JavaScript for the case filter; no external
//! assets, no network) with the run header, totals, the per-profile summary
//! (each profile's assessed clauses in an expandable `<details>` list with
//! their evidence), clauses not assessed, the per-case status table, failures with
//! expandable (`<details>`) diffs coloured per line — the first failure
//! with a diff is open — and the masked positions of each case. Every piece of text from
//! the results is HTML-escaped.

use std::fmt::Write as _;

use kmip_testcase::results::{CaseResult, ClauseVerdict, ProfileResult, RunResults, Status};

use crate::{
    case_word, clause_cell, clause_failure_reason, masked_by_rule, not_assessed_groups,
    optional_cell, passed_cell, rate_cell, run_meta, verdict_counts, Verdict,
};

const CSS: &str = r#"
:root{--pass:#1a7f37;--fail:#cf222e;--err:#9a6700;--skip:#6e7781;--bg:#fff;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--soft:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;padding:24px;max-width:1180px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
.meta{color:var(--muted);margin:0 0 16px}.meta b{color:var(--fg);font-weight:600}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{flex:1 1 0;border:1px solid var(--line);border-radius:8px;padding:8px 12px;min-width:96px;background:var(--soft)}
.card .n{font-size:22px;font-weight:600}.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;font-size:13px}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.b-pass,.b-conformant{background:var(--pass)}.b-fail,.b-not-conformant{background:var(--fail)}.b-error{background:var(--err)}.b-skip,.b-incomplete,.b-cannot-express{background:var(--skip)}
.bar{display:inline-block;width:70px;height:8px;background:#eaeef2;border-radius:4px;vertical-align:middle;margin-right:6px;overflow:hidden}
.bar span{display:block;height:100%;background:var(--pass)}
.pct{display:inline-block;min-width:3.4em}
#cases td:first-child{white-space:nowrap}
.muted{color:var(--muted)}
details{border:1px solid var(--line);border-radius:6px;margin:8px 0;background:var(--bg)}
details>summary{cursor:pointer;padding:6px 10px;background:var(--soft);border-radius:6px}
details[open]>summary{border-bottom:1px solid var(--line);border-radius:6px 6px 0 0}
details .body{padding:8px 12px}
pre.diff{margin:6px 0;padding:8px 0;background:#fbfcfd;border:1px solid var(--line);border-radius:6px;overflow-x:auto}
pre.diff span{display:block;padding:0 10px;white-space:pre}
pre.diff .add{background:#dafbe1;color:#116329}pre.diff .del{background:#ffebe9;color:#82071e}
pre.diff .hunk{color:#0550ae;background:#ddf4ff}pre.diff .mask{color:var(--muted);font-style:italic}
.filters{margin:8px 0}.filters button{font:inherit;font-size:12px;border:1px solid var(--line);background:var(--soft);border-radius:12px;padding:2px 10px;margin-right:4px;cursor:pointer}
.filters button.on{background:var(--fg);color:#fff}
ul.tight{margin:4px 0;padding-left:20px}
"#;

const JS: &str = r#"
function kmipFilter(s){document.querySelectorAll('#cases tbody tr').forEach(function(r){r.style.display=(s==='all'||r.dataset.status===s)?'':'none';});
document.querySelectorAll('.filters button').forEach(function(b){b.classList.toggle('on',b.dataset.s===s);});}
"#;

/// Render the HTML report.
pub fn render_html(results: &RunResults) -> String {
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        o,
        "<title>KMIP conformance report: {}</title>",
        esc(&results.target)
    );
    let _ = writeln!(o, "<style>{CSS}</style>\n</head>\n<body>");
    o.push_str("<h1>KMIP conformance report</h1>\n<p class=\"meta\">");
    let meta: Vec<String> = run_meta(results)
        .into_iter()
        .map(|(l, v)| format!("<b>{l}:</b> {}", esc(&v)))
        .collect();
    o.push_str(&meta.join(" &middot; "));
    o.push_str("</p>\n");

    let t = &results.totals;
    let (ok, bad, inc) = verdict_counts(results);
    o.push_str("<div class=\"cards\">\n");
    for (n, label, class) in [
        (t.total(), "cases", ""),
        (t.passed, "passed", "pass"),
        (t.failed, "failed", "fail"),
        (t.errors, "errors", "error"),
        (t.skipped, "skipped", "skip"),
        (t.xfail, "xfail (known failures)", "skip"),
        (t.xpass, "xpass (listed, passed)", "fail"),
        (t.cannot_express, "client cannot express", "skip"),
        (ok, "conformant profiles", "pass"),
        (bad, "not conformant", "fail"),
        (inc, "incomplete", "skip"),
    ] {
        let style = if class.is_empty() {
            String::new()
        } else {
            format!(" style=\"color:var(--{})\"", css_var(class))
        };
        let _ = writeln!(
            o,
            "<div class=\"card\"><div class=\"n\"{style}>{n}</div><div class=\"l\">{label}</div></div>"
        );
    }
    o.push_str("</div>\n");

    profiles_section(&mut o, results);
    cases_section(&mut o, results);
    failures_section(&mut o, results);
    warnings_section(&mut o, results);
    masked_section(&mut o, results);

    let _ = writeln!(o, "<script>{JS}</script>\n</body>\n</html>");
    o
}

fn profiles_section(o: &mut String, results: &RunResults) {
    o.push_str("<h2>Profiles</h2>\n");
    if results.profiles.is_empty() {
        o.push_str("<p class=\"muted\">No profile has a case in this run.</p>\n");
        return;
    }
    o.push_str("<table id=\"profiles\">\n<thead><tr><th>Profile</th><th>Version</th><th>Role</th><th>Passed</th><th>Rate</th><th>Optional</th><th>Verdict</th><th>Notes</th></tr></thead>\n<tbody>\n");
    for p in &results.profiles {
        let v = Verdict::of(p);
        let pct = (p.pass_rate.clamp(0.0, 1.0) * 100.0).round();
        let mut notes = Vec::new();
        if !p.missing.is_empty() {
            notes.push(format!(
                "<details><summary>{} missing</summary><div class=\"body\">{}</div></details>",
                p.missing.len(),
                code_join(&p.missing)
            ));
        }
        if !p.unmet_requires.is_empty() {
            notes.push(format!(
                "requires {} (not conformant)",
                code_join(&p.unmet_requires)
            ));
        }
        if let Some(why) = clause_failure_reason(p) {
            notes.push(format!("<b>{}</b>", esc(&why)));
        }
        if !p.clauses.is_empty() {
            notes.push(clause_details(p));
        }
        if !p.not_assessed.is_empty() {
            let items: String = p
                .not_assessed
                .iter()
                .map(|n| format!("<li>{}</li>", esc(n)))
                .collect();
            notes.push(format!(
                "<details><summary>{} not assessed</summary><div class=\"body\"><ul class=\"tight\">{items}</ul></div></details>",
                p.not_assessed.len()
            ));
        }
        let _ = writeln!(
            o,
            "<tr><td><b>{}</b><br><span class=\"muted\">{}</span></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\"><span class=\"bar\"><span style=\"width:{pct}%\"></span></span><span class=\"pct\">{}</span></td><td class=\"num\">{}</td><td><span class=\"badge b-{}\">{}</span></td><td>{}</td></tr>",
            esc(&p.id),
            esc(if p.clause.is_empty() { &p.name } else { &p.clause }),
            esc(&p.version),
            esc(&p.role),
            esc(&passed_cell(p)),
            esc(&rate_cell(p)),
            esc(&optional_cell(p)),
            verdict_class(v),
            v.label(),
            notes.join("")
        );
    }
    o.push_str("</tbody>\n</table>\n");
    o.push_str("<p class=\"muted\">Verdicts count mandatory cases only. <i>incomplete</i>: nothing failed but mandatory cases were missing or skipped, or a required profile is incomplete.</p>\n");
    let groups = not_assessed_groups(results);
    if !groups.is_empty() {
        o.push_str("<details><summary>Not assessed: clauses a test run cannot prove (never counted as passed)</summary><div class=\"body\"><ul class=\"tight\">\n");
        for (text, ids) in groups {
            let _ = writeln!(
                o,
                "<li>{} <span class=\"muted\">({} profiles)</span></li>",
                esc(text),
                ids.len()
            );
        }
        o.push_str("</ul></div></details>\n");
    }
}

/// The expandable clause list of one profile: a summary line with the
/// counts, then one row per clause with its verdict, source, reason and
/// evidence (every offer, accepted, refused, undecided).
fn clause_details(p: &ProfileResult) -> String {
    let mut rows = String::new();
    for c in &p.clauses {
        let class = match c.verdict {
            ClauseVerdict::Pass => "pass",
            ClauseVerdict::Fail => "fail",
            ClauseVerdict::NotAssessed | ClauseVerdict::NotApplicable => "skip",
        };
        let list = |word: &str, items: &[String]| {
            if items.is_empty() {
                String::new()
            } else {
                let li: String = items
                    .iter()
                    .map(|i| format!("<li>{}</li>", esc(i)))
                    .collect();
                format!("<div><i>{word}</i><ul class=\"tight\">{li}</ul></div>")
            }
        };
        let e = &c.evidence;
        let _ = write!(
            rows,
            "<tr><td><code>{}</code><br><span class=\"muted\">{}</span></td><td>{}<br><span class=\"muted\">{}</span></td><td><span class=\"badge b-{class}\">{}</span></td><td>{}{}{}{}{}</td></tr>",
            esc(&c.id),
            esc(&c.suite),
            esc(&c.text),
            esc(&c.source),
            c.verdict.label(),
            if c.reason.is_empty() {
                String::new()
            } else {
                format!("<div>{}</div>", esc(&c.reason))
            },
            list("offered", &e.offered),
            list("accepted", &e.accepted),
            list("refused", &e.refused),
            list("no decision", &e.inconclusive),
        );
    }
    format!(
        "<details class=\"clauses\"><summary>clauses: {}</summary><div class=\"body\"><table><thead><tr><th>Clause</th><th>Condition</th><th>Verdict</th><th>Evidence</th></tr></thead><tbody>{rows}</tbody></table></div></details>",
        esc(&clause_cell(p))
    )
}

fn cases_section(o: &mut String, results: &RunResults) {
    o.push_str("<h2>Cases</h2>\n");
    if results.cases.is_empty() {
        o.push_str("<p class=\"muted\">No case was run.</p>\n");
        return;
    }
    o.push_str("<div class=\"filters\">");
    for (s, label) in [
        ("all", "all"),
        ("pass", "pass"),
        ("fail", "fail"),
        ("error", "error"),
        ("skip", "skip"),
        ("cannot-express", "cannot express"),
    ] {
        let on = if s == "all" { " class=\"on\"" } else { "" };
        let _ = write!(
            o,
            "<button type=\"button\"{on} data-s=\"{s}\" onclick=\"kmipFilter('{s}')\">{label}</button>"
        );
    }
    o.push_str("</div>\n<table id=\"cases\">\n<thead><tr><th>Case</th><th>Status</th><th>Messages</th><th>Time</th><th>Profiles</th><th>Reason</th></tr></thead>\n<tbody>\n");
    for c in &results.cases {
        let id_cell = if matches!(c.status, Status::Fail | Status::Error) {
            format!(
                "<a href=\"#{}\"><code>{}</code></a>",
                anchor(&c.id),
                esc(&c.id)
            )
        } else {
            format!("<code>{}</code>", esc(&c.id))
        };
        let _ = writeln!(
            o,
            "<tr data-status=\"{}\"><td>{id_cell}</td><td><span class=\"badge b-{}\">{}</span></td><td class=\"num\">{}</td><td class=\"num\">{} ms</td><td>{}</td><td>{}</td></tr>",
            c.status.as_str(),
            c.status.as_str(),
            esc(&case_word(c)),
            c.messages,
            c.duration_ms,
            esc(&c.profiles.join(", ")),
            esc(&c.reason)
        );
    }
    o.push_str("</tbody>\n</table>\n");
}

fn failures_section(o: &mut String, results: &RunResults) {
    o.push_str("<h2>Failures</h2>\n");
    let failures: Vec<&CaseResult> = results
        .cases
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Error))
        .collect();
    if failures.is_empty() {
        o.push_str("<p class=\"muted\">None.</p>\n");
        return;
    }
    // Open the first failure that has a diff (else the first failure), so
    // the page shows one expanded diff without a click.
    let open_index = failures
        .iter()
        .position(|c| c.divergence.as_ref().is_some_and(|d| !d.diff.is_empty()))
        .unwrap_or(0);
    for (i, c) in failures.into_iter().enumerate() {
        let open = if i == open_index { " open" } else { "" };
        let _ = writeln!(
            o,
            "<details id=\"{}\"{open}><summary><span class=\"badge b-{}\">{}</span> <code>{}</code> &mdash; {}</summary><div class=\"body\">",
            anchor(&c.id),
            c.status.as_str(),
            esc(&case_word(c)),
            esc(&c.id),
            esc(&c.reason)
        );
        let _ = writeln!(
            o,
            "<p class=\"muted\">File: <code>{}</code></p>",
            esc(&c.file)
        );
        if let Some(x) = &c.expected_failure {
            let _ = writeln!(o, "<p>Expected failure: {}</p>", esc(x));
        }
        if let Some(d) = &c.divergence {
            let _ = writeln!(o, "<p>First divergence at message {}.</p>", d.message);
            if !d.paths.is_empty() {
                o.push_str("<ul class=\"tight\">");
                for p in &d.paths {
                    let _ = write!(o, "<li><code>{}</code></li>", esc(p));
                }
                o.push_str("</ul>\n");
            }
            if !d.diff.is_empty() {
                o.push_str("<pre class=\"diff\">");
                for line in d.diff.lines() {
                    let class = diff_class(line);
                    let _ = write!(o, "<span class=\"{class}\">{}</span>", esc_or_nbsp(line));
                }
                o.push_str("</pre>\n");
            }
        }
        if !c.masked.is_empty() {
            let _ = writeln!(
                o,
                "<p class=\"muted\">{} in this case (see below).</p>",
                crate::plural(c.masked.len(), "masked position", "masked positions")
            );
        }
        o.push_str("</div></details>\n");
    }
}

/// What the loader skipped in test-case files (text between messages,
/// commented-out messages); nothing when no case has a warning.
fn warnings_section(o: &mut String, results: &RunResults) {
    let warned: Vec<_> = results
        .cases
        .iter()
        .filter(|c| !c.warnings.is_empty())
        .collect();
    if warned.is_empty() {
        return;
    }
    o.push_str("<h2>Test-case warnings</h2>\n<p class=\"muted\">Skipped by the loader (text between messages, commented-out messages).</p>\n<ul class=\"tight\">");
    for c in warned {
        for w in &c.warnings {
            let _ = write!(o, "<li><code>{}</code>: {}</li>", esc(&c.id), esc(w));
        }
    }
    o.push_str("</ul>\n");
}

fn masked_section(o: &mut String, results: &RunResults) {
    o.push_str("<h2>Masked positions</h2>\n");
    let by_rule = masked_by_rule(results);
    if by_rule.is_empty() {
        o.push_str("<p class=\"muted\">No difference was masked.</p>\n");
        return;
    }
    o.push_str("<p>Differences the masking rules allowed, listed for audit.</p>\n<table><thead><tr><th>Rule</th><th>Count</th></tr></thead><tbody>\n");
    for (rule, n) in &by_rule {
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td class=\"num\">{n}</td></tr>",
            esc(rule)
        );
    }
    o.push_str("</tbody></table>\n");
    for c in results.cases.iter().filter(|c| !c.masked.is_empty()) {
        let _ = writeln!(
            o,
            "<details><summary><code>{}</code> &mdash; {} masked</summary><div class=\"body\"><table><thead><tr><th>Msg</th><th>Path</th><th>Rule</th><th>Expected</th><th>Actual</th></tr></thead><tbody>",
            esc(&c.id),
            c.masked.len()
        );
        for m in &c.masked {
            let _ = writeln!(
                o,
                "<tr><td class=\"num\">{}</td><td><code>{}</code></td><td><code>{}</code></td><td><code>{}</code></td><td><code>{}</code></td></tr>",
                m.message,
                esc(&m.path),
                esc(&m.rule),
                esc(&m.expected),
                esc(&m.actual)
            );
        }
        o.push_str("</tbody></table></div></details>\n");
    }
}

/// CSS class of one unified-diff line.
fn diff_class(line: &str) -> &'static str {
    if line.starts_with("@@") || line.starts_with("+++") || line.starts_with("---") {
        "hunk"
    } else if line.starts_with('+') {
        "add"
    } else if line.starts_with('-') {
        "del"
    } else if line.contains("masked") {
        "mask"
    } else {
        "ctx"
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Conformant => "conformant",
        Verdict::NotConformant => "not-conformant",
        Verdict::Incomplete => "incomplete",
    }
}

fn css_var(class: &str) -> &'static str {
    match class {
        "pass" => "pass",
        "fail" => "fail",
        "error" => "err",
        _ => "skip",
    }
}

fn code_join(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("<code>{}</code>", esc(i)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An id attribute value for a case: `case-` plus the id with anything but
/// ASCII letters, digits, `-` and `_` replaced by `_`.
fn anchor(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("case-{safe}")
}

fn esc_or_nbsp(s: &str) -> String {
    if s.is_empty() {
        "&nbsp;".to_string()
    } else {
        esc(s)
    }
}

/// HTML-escape text for element content and quoted attributes (the
/// workspace's one XML escaper, attribute mode: `& < > " '` and line breaks
/// as references, characters XML cannot carry replaced).
fn esc(s: &str) -> String {
    kmip_ttlv::xml::escape(s, kmip_ttlv::xml::EscapeMode::Attribute)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
        assert_eq!(anchor("A B\"<x>"), "case-A_B__x_");
    }

    #[test]
    fn diff_line_classes() {
        assert_eq!(diff_class("@@ -1,2 +1,2 @@"), "hunk");
        assert_eq!(diff_class("--- expected"), "hunk");
        assert_eq!(diff_class("+<x/>"), "add");
        assert_eq!(diff_class("-<x/>"), "del");
        assert_eq!(diff_class(" <x/>"), "ctx");
    }
}
