//! Reporters for `kmip-harness interop` ([`InteropResults`]): the client ×
//! server matrix in every format. A cell reads `passed/total`, then the
//! fail / error / cannot-express counts, and for a failing pair which side
//! broke the conversation (client: a request deviates from the case;
//! server: a response deviates; transport; driver) with the first evidence.
//!
//! - [`render_interop_table`]: terminal table (tabled) + one line per
//!   failing cell;
//! - [`render_interop_json`]: `interop.json` (the model as is);
//! - [`render_interop_junit`]: one `<testsuite>` per cell, one
//!   `<testcase>` per case (cannot-express / skip as skipped);
//! - [`render_interop_markdown`]: the matrix, then the failures per cell;
//! - [`render_interop_html`]: a self-contained page: the matrix of pass
//!   counts, each cell linking to its conversations (per case the recorded
//!   exchanges with request / response verdicts and diffs).
//!
//! Pure functions of the results; [`write_interop_all`] writes the files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use kmip_testcase::interop::{InteropCase, InteropCell, InteropResults, SideVerdict};
use kmip_testcase::results::Status;
use kmip_ttlv::xml::{escape, EscapeMode};
use tabled::builder::Builder;
use tabled::settings::Style;

use crate::ReportError;

/// File names [`write_interop_all`] writes, in order.
pub const INTEROP_FILES: [&str; 5] = [
    "interop.json",
    "interop-junit.xml",
    "interop.md",
    "interop.html",
    "interop.txt",
];

/// The text of a cell: `3/6 (fail 1, cannot-express 2) broken by server`.
pub fn cell_text(c: &InteropCell) -> String {
    let n = &c.counts;
    let mut s = format!("{}/{}", n.passed, n.total);
    let mut extra = Vec::new();
    if n.failed > 0 {
        extra.push(format!("fail {}", n.failed));
    }
    if n.errors > 0 {
        extra.push(format!("error {}", n.errors));
    }
    if n.cannot_express > 0 {
        extra.push(format!("cannot-express {}", n.cannot_express));
    }
    if n.skipped > 0 {
        extra.push(format!("skip {}", n.skipped));
    }
    if !extra.is_empty() {
        let _ = write!(s, " ({})", extra.join(", "));
    }
    if !c.broken.is_empty() {
        let sides: Vec<String> = c
            .broken
            .iter()
            .map(|(side, k)| format!("{} {k}", side.as_str()))
            .collect();
        let _ = write!(s, " broken by {}", sides.join(", "));
    }
    s
}

/// Terminal table: rows = clients, columns = servers; then the first
/// break of every failing cell.
pub fn render_interop_table(r: &InteropResults) -> String {
    let mut b = Builder::default();
    let mut head = vec!["client \\ server".to_string()];
    head.extend(r.servers.iter().cloned());
    b.push_record(head);
    for client in &r.clients {
        let mut row = vec![client.clone()];
        for server in &r.servers {
            row.push(r.cell(client, server).map_or("-".to_string(), cell_text));
        }
        b.push_record(row);
    }
    let mut out = b.build().with(Style::sharp()).to_string();
    out.push('\n');
    for c in &r.cells {
        if !c.first_break.is_empty() {
            let _ = writeln!(
                out,
                "{} x {}: first break: {}",
                c.client,
                c.server,
                one_line(&c.first_break)
            );
        }
    }
    let (p, t) = r.cells.iter().fold((0, 0), |(p, t), c| {
        (p + c.counts.passed, t + c.counts.total)
    });
    let _ = writeln!(
        out,
        "{} client(s) x {} server(s): {p}/{t} conversations passed in {:.1} s",
        r.clients.len(),
        r.servers.len(),
        r.duration_s
    );
    out
}

fn one_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or("");
    if l.chars().count() > 240 {
        format!("{}…", l.chars().take(240).collect::<String>())
    } else {
        l.to_string()
    }
}

/// `interop.json`: pretty JSON with a final newline.
pub fn render_interop_json(r: &InteropResults) -> Result<String, ReportError> {
    let mut s = serde_json::to_string_pretty(r)?;
    s.push('\n');
    Ok(s)
}

fn first_diff(c: &InteropCase) -> Option<(&str, &SideVerdict)> {
    c.exchanges.iter().find_map(|e| {
        if let Some(v) = e.request.as_ref().filter(|v| !v.ok) {
            return Some(("request", v));
        }
        e.response
            .as_ref()
            .filter(|v| !v.ok)
            .map(|v| ("response", v))
    })
}

/// JUnit XML: one suite per cell (`client x server`), one test case per
/// case; a fail is a `<failure>` naming the side, an error an `<error>`,
/// cannot-express and skip are `<skipped>`.
pub fn render_interop_junit(r: &InteropResults) -> String {
    let t = |s: &str| escape(s, EscapeMode::Text);
    let a = |s: &str| escape(s, EscapeMode::Attribute);
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let (tests, fails, errs, skips) = r.cells.iter().fold((0, 0, 0, 0), |acc, c| {
        (
            acc.0 + c.counts.total,
            acc.1 + c.counts.failed,
            acc.2 + c.counts.errors,
            acc.3 + c.counts.cannot_express + c.counts.skipped,
        )
    });
    let _ = writeln!(
        o,
        "<testsuites name=\"kmip-harness interop\" tests=\"{tests}\" failures=\"{fails}\" errors=\"{errs}\" skipped=\"{skips}\">"
    );
    for c in &r.cells {
        let n = &c.counts;
        let _ = writeln!(
            o,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            a(&format!("{} x {}", c.client, c.server)),
            n.total,
            n.failed,
            n.errors,
            n.cannot_express + n.skipped
        );
        for k in &c.cases {
            let _ = write!(
                o,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                a(&k.id),
                a(&format!("interop.{}.{}", c.client, c.server)),
                k.duration_ms as f64 / 1000.0
            );
            let side = k.broken_by.map_or("", |s| s.as_str());
            match k.status {
                Status::Pass => o.push_str("/>\n"),
                Status::Fail => {
                    let body = first_diff(k).map_or(k.evidence.clone(), |(_, v)| v.diff.clone());
                    let _ = write!(
                        o,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                        a(&format!("broken by {side}: {}", k.reason)),
                        a(side),
                        t(&body)
                    );
                }
                Status::Error => {
                    let _ = write!(
                        o,
                        ">\n      <error message=\"{}\">{}</error>\n    </testcase>\n",
                        a(&k.reason),
                        t(&k.evidence)
                    );
                }
                Status::Skip | Status::CannotExpress => {
                    let _ = write!(
                        o,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                        a(&format!("{}: {}", k.status.as_str(), k.reason))
                    );
                }
            }
        }
        o.push_str("  </testsuite>\n");
    }
    o.push_str("</testsuites>\n");
    o
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown: the matrix, then per cell the cases that did not pass with
/// the side that broke them, the evidence and the first diff.
pub fn render_interop_markdown(r: &InteropResults) -> String {
    let mut o = String::from("# kmip-harness interop\n\n");
    let _ = writeln!(
        o,
        "Started {}, {:.1} s. Cell = passed/total (fail, error, cannot-express) and which side broke the failing conversations.\n",
        r.started, r.duration_s
    );
    o.push_str("| client \\ server |");
    for s in &r.servers {
        let _ = write!(o, " {} |", md_cell(s));
    }
    o.push_str("\n|---|");
    for _ in &r.servers {
        o.push_str("---|");
    }
    o.push('\n');
    for client in &r.clients {
        let _ = write!(o, "| {} |", md_cell(client));
        for server in &r.servers {
            let _ = write!(
                o,
                " {} |",
                r.cell(client, server)
                    .map_or("-".to_string(), |c| md_cell(&cell_text(c)))
            );
        }
        o.push('\n');
    }
    for c in &r.cells {
        let _ = writeln!(o, "\n## {} x {}\n", c.client, c.server);
        o.push_str("| case | status | broken by | reason | recording |\n|---|---|---|---|---|\n");
        for k in &c.cases {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                md_cell(&k.id),
                k.status.as_str(),
                k.broken_by.map_or("", |s| s.as_str()),
                md_cell(&one_line(&k.reason)),
                k.recording.as_deref().map_or(String::new(), md_cell)
            );
        }
        for k in c.cases.iter().filter(|k| k.status == Status::Fail) {
            if let Some((side, v)) = first_diff(k) {
                let _ = writeln!(
                    o,
                    "\n{} — first {side} diff:\n\n```diff\n{}\n```",
                    k.id,
                    v.diff.trim_end()
                );
            }
        }
    }
    o
}

const CSS: &str = r#"
:root{--pass:#1a7f37;--fail:#cf222e;--err:#9a6700;--skip:#6e7781;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--soft:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);margin:0 auto;padding:24px;max-width:1280px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
.meta,.muted{color:var(--muted)}
table{border-collapse:collapse;margin:8px 0}
th,td{border:1px solid var(--line);padding:6px 10px;text-align:left;vertical-align:top}
th{background:var(--soft)}
table.matrix td{min-width:180px}
table.matrix td a{display:block;text-decoration:none;color:inherit}
.count{font-size:22px;font-weight:600}
.c-all{background:#dafbe1}.c-some{background:#fff8c5}.c-none{background:#ffebe9}
.side{font-size:12px;color:var(--fail);font-weight:600}
.ev{font:12px ui-monospace,Menlo,Consolas,monospace;color:var(--muted);max-width:380px;overflow-wrap:anywhere}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.b-pass{background:var(--pass)}.b-fail{background:var(--fail)}.b-error{background:var(--err)}.b-skip,.b-cannot-express{background:var(--skip)}
details{border:1px solid var(--line);border-radius:6px;margin:6px 0}
details>summary{cursor:pointer;padding:5px 10px;background:var(--soft)}
details .body{padding:6px 12px}
pre{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;margin:4px 0;padding:6px 8px;background:#fbfcfd;border:1px solid var(--line);border-radius:6px;overflow-x:auto;max-height:360px}
pre.diff span{display:block;white-space:pre}
pre.diff .add{background:#dafbe1}pre.diff .del{background:#ffebe9}pre.diff .hunk{color:#0550ae}
.ok{color:var(--pass);font-weight:600}.ko{color:var(--fail);font-weight:600}
"#;

fn h(s: &str) -> String {
    escape(s, EscapeMode::Attribute)
}

fn cell_anchor(i: usize) -> String {
    format!("cell-{i}")
}

fn diff_html(diff: &str) -> String {
    let mut o = String::from("<pre class=\"diff\">");
    for l in diff.lines() {
        let class = if l.starts_with("@@") || l.starts_with("+++") || l.starts_with("---") {
            "hunk"
        } else if l.starts_with('+') {
            "add"
        } else if l.starts_with('-') {
            "del"
        } else {
            "ctx"
        };
        let _ = write!(o, "<span class=\"{class}\">{}</span>", h(l));
    }
    o.push_str("</pre>");
    o
}

fn side_html(name: &str, v: Option<&SideVerdict>) -> String {
    match v {
        None => format!("{name}: <span class=\"muted\">not judged</span>"),
        Some(v) if v.ok => {
            let masked = if v.masked.is_empty() {
                String::new()
            } else {
                format!(
                    " <span class=\"muted\">({} masked: {})</span>",
                    v.masked.len(),
                    h(&v.masked.join(", "))
                )
            };
            format!("{name}: <span class=\"ok\">matches the case</span>{masked}")
        }
        Some(v) => {
            let mut o = format!("{name}: <span class=\"ko\">deviates</span><ul>");
            for d in &v.differences {
                let _ = write!(o, "<li><code>{}</code></li>", h(d));
            }
            o.push_str("</ul>");
            o.push_str(&diff_html(&v.diff));
            o
        }
    }
}

fn case_html(o: &mut String, k: &InteropCase, open: bool) {
    let status = k.status.as_str();
    let _ = write!(
        o,
        "<details{}><summary><span class=\"badge b-{status}\">{status}</span> <b>{}</b>{} <span class=\"muted\">{}</span></summary><div class=\"body\">",
        if open { " open" } else { "" },
        h(&k.id),
        k.broken_by
            .map_or(String::new(), |s| format!(" <span class=\"side\">broken by {}</span>", s.as_str())),
        h(&one_line(&k.reason))
    );
    if !k.evidence.is_empty() {
        let _ = write!(o, "<p>Evidence: <code>{}</code></p>", h(&k.evidence));
    }
    let _ = write!(
        o,
        "<p class=\"muted\">file {} · client: {} · {} ms",
        h(&k.file),
        h(&k.client_end),
        k.duration_ms
    );
    if let Some(rec) = &k.recording {
        let _ = write!(o, " · recording <a href=\"{}\">{}</a>", h(rec), h(rec));
    }
    o.push_str("</p>");
    for t in &k.transport {
        let _ = write!(o, "<p>Transport: <code>{}</code></p>", h(t));
    }
    if k.exchanges.is_empty() {
        o.push_str("<p class=\"muted\">No exchange recorded.</p>");
    }
    for e in &k.exchanges {
        // The deviating exchange is open, so its diff shows at once.
        let deviates = [&e.request, &e.response]
            .iter()
            .any(|v| v.as_ref().is_some_and(|v| !v.ok));
        let _ = write!(
            o,
            "<details{}><summary>exchange {} (connection {}) — {}: {} · {}</summary><div class=\"body\">",
            if deviates { " open" } else { "" },
            e.index,
            e.connection,
            h(&e.step),
            verdict_word("request", e.request.as_ref()),
            verdict_word("response", e.response.as_ref()),
        );
        let _ = write!(
            o,
            "<p>{}</p><p>{}</p>",
            side_html("Request (client rules)", e.request.as_ref()),
            side_html("Response (server rules)", e.response.as_ref())
        );
        let _ = write!(
            o,
            "<details><summary>request as sent</summary><pre>{}</pre></details><details><summary>response as received</summary><pre>{}</pre></details></div></details>",
            h(&e.request_xml),
            h(&e.response_xml)
        );
    }
    o.push_str("</div></details>\n");
}

fn verdict_word(name: &str, v: Option<&SideVerdict>) -> String {
    match v {
        None => format!("{name} not judged"),
        Some(v) if v.ok => format!("{name} ok"),
        Some(_) => format!("{name} DEVIATES"),
    }
}

/// The HTML page (self-contained: inline CSS, no script, no external
/// assets). Every text from the results is escaped.
pub fn render_interop_html(r: &InteropResults) -> String {
    let mut o = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>kmip-harness interop</title><style>");
    o.push_str(CSS);
    o.push_str("</style></head><body>\n<h1>kmip-harness interop</h1>\n");
    let (p, t) = r.cells.iter().fold((0, 0), |(p, t), c| {
        (p + c.counts.passed, t + c.counts.total)
    });
    let _ = writeln!(
        o,
        "<p class=\"meta\">Started {} · {:.1} s · {} client(s) × {} server(s) · {p}/{t} conversations passed. Each conversation went through the recording proxy; every request was judged with the client rules, every response with the server rules. Click a cell for its conversations.</p>",
        h(&r.started),
        r.duration_s,
        r.clients.len(),
        r.servers.len()
    );
    o.push_str("<table class=\"matrix\"><thead><tr><th>client \\ server</th>");
    for s in &r.servers {
        let _ = write!(o, "<th>{}</th>", h(s));
    }
    o.push_str("</tr></thead><tbody>\n");
    for client in &r.clients {
        let _ = write!(o, "<tr><th>{}</th>", h(client));
        for server in &r.servers {
            let Some((i, c)) = r
                .cells
                .iter()
                .enumerate()
                .find(|(_, c)| &c.client == client && &c.server == server)
            else {
                o.push_str("<td>-</td>");
                continue;
            };
            let n = &c.counts;
            let class = if n.total > 0 && n.passed == n.total {
                "c-all"
            } else if n.passed > 0 {
                "c-some"
            } else {
                "c-none"
            };
            let mut detail = Vec::new();
            if n.failed > 0 {
                detail.push(format!("fail {}", n.failed));
            }
            if n.errors > 0 {
                detail.push(format!("error {}", n.errors));
            }
            if n.cannot_express > 0 {
                detail.push(format!("cannot-express {}", n.cannot_express));
            }
            if n.skipped > 0 {
                detail.push(format!("skip {}", n.skipped));
            }
            let _ = write!(
                o,
                "<td class=\"{class}\"><a href=\"#{}\"><span class=\"count\">{}/{}</span> passed<br><span class=\"muted\">{}</span>",
                cell_anchor(i),
                n.passed,
                n.total,
                h(&detail.join(" · "))
            );
            if !c.broken.is_empty() {
                let sides: Vec<String> = c
                    .broken
                    .iter()
                    .map(|(s, k)| format!("{} {k}", s.as_str()))
                    .collect();
                let _ = write!(
                    o,
                    "<br><span class=\"side\">broken by {}</span><div class=\"ev\">{}</div>",
                    h(&sides.join(", ")),
                    h(&one_line(&c.first_break))
                );
            }
            o.push_str("</a></td>");
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table>\n");
    for (i, c) in r.cells.iter().enumerate() {
        let _ = writeln!(
            o,
            "<h2 id=\"{}\">{} × {} — {}</h2>",
            cell_anchor(i),
            h(&c.client),
            h(&c.server),
            h(&cell_text(c))
        );
        let mut first_fail = true;
        for k in &c.cases {
            let open = first_fail && k.status == Status::Fail;
            if open {
                first_fail = false;
            }
            case_html(&mut o, k, open);
        }
    }
    o.push_str("</body></html>\n");
    o
}

/// Write the five files of [`INTEROP_FILES`] into `dir`.
pub fn write_interop_all(r: &InteropResults, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let contents = [
        render_interop_json(r)?,
        render_interop_junit(r),
        render_interop_markdown(r),
        render_interop_html(r),
        render_interop_table(r),
    ];
    let mut out = Vec::new();
    for (name, text) in INTEROP_FILES.iter().zip(contents) {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|source| ReportError::Io {
            path: path.clone(),
            source,
        })?;
        out.push(path);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kmip_testcase::interop::{BrokenSide, InteropExchange, INTEROP_FORMAT};

    fn case(id: &str, status: Status, side: Option<BrokenSide>) -> InteropCase {
        let bad = status == Status::Fail;
        InteropCase {
            id: id.into(),
            file: format!("{id}.xml"),
            status,
            broken_by: side,
            reason: "step 2: response deviates".into(),
            evidence: "BatchItem[0]/ResultStatus: expected Success, got OperationFailed".into(),
            exchanges: vec![InteropExchange {
                index: 1,
                connection: 0,
                step: "step 1".into(),
                request_xml: "<RequestMessage/>".into(),
                response_xml: "<ResponseMessage><x a=\"<b>\"/></ResponseMessage>".into(),
                request: Some(SideVerdict {
                    ok: true,
                    ..Default::default()
                }),
                response: Some(SideVerdict {
                    ok: !bad,
                    differences: if bad {
                        vec!["BatchItem[0]/ResultStatus: expected Success, got X".into()]
                    } else {
                        vec![]
                    },
                    diff: if bad {
                        "--- expected\n+++ actual\n-<A/>\n+<B/>".into()
                    } else {
                        String::new()
                    },
                    masked: vec![],
                }),
            }],
            recording: Some(format!("recordings/c/s/{id}.xml")),
            client_end: "exit 1".into(),
            transport: vec![],
            duration_ms: 12,
        }
    }

    fn results() -> InteropResults {
        InteropResults {
            format: INTEROP_FORMAT,
            started: "2026-12-05T23:00:00Z".into(),
            duration_s: 1.5,
            clients: vec!["py<kmip>".into()],
            servers: vec!["reference".into(), "pykmip".into()],
            cells: vec![
                InteropCell::new(
                    "py<kmip>",
                    "reference",
                    vec![
                        case("A-1-14", Status::Pass, None),
                        case("B-1-14", Status::CannotExpress, None),
                    ],
                ),
                InteropCell::new(
                    "py<kmip>",
                    "pykmip",
                    vec![
                        case("A-1-14", Status::Pass, None),
                        case("C-1-14", Status::Fail, Some(BrokenSide::Server)),
                    ],
                ),
            ],
        }
    }

    #[test]
    fn every_reporter_shows_the_matrix_and_the_broken_side() {
        let r = results();
        let table = render_interop_table(&r);
        assert!(table.contains("1/2 (cannot-express 1)"), "{table}");
        assert!(table.contains("1/2 (fail 1) broken by server 1"), "{table}");
        assert!(
            table.contains("first break: server: C-1-14: BatchItem[0]/ResultStatus"),
            "{table}"
        );
        let md = render_interop_markdown(&r);
        assert!(
            md.contains("| py<kmip> | 1/2 (cannot-express 1) | 1/2 (fail 1) broken by server 1 |"),
            "{md}"
        );
        assert!(md.contains("```diff\n--- expected"), "{md}");
        let junit = render_interop_junit(&r);
        assert!(
            junit.contains("tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\""),
            "{junit}"
        );
        assert!(junit.contains("type=\"server\""), "{junit}");
        quick_xml_free_check(&junit);
        let html = render_interop_html(&r);
        assert!(
            html.contains("<a href=\"#cell-1\"><span class=\"count\">1/2</span>"),
            "{html}"
        );
        assert!(html.contains("<h2 id=\"cell-1\">"), "{html}");
        assert!(html.contains("broken by server 1"), "{html}");
        assert!(
            html.contains("py&lt;kmip&gt;") && !html.contains("py<kmip>"),
            "escaped"
        );
        assert!(
            html.contains("href=\"recordings/c/s/C-1-14.xml\""),
            "{html}"
        );
        let json = render_interop_json(&r).expect("json");
        let back: InteropResults = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, r);
    }

    /// JUnit must be well-formed: every opened testsuite / testcase closes.
    fn quick_xml_free_check(x: &str) {
        assert_eq!(
            x.matches("<testsuite ").count(),
            x.matches("</testsuite>").count()
        );
        let mut reader = quick_xml::Reader::from_str(x);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("JUnit is not well-formed: {e}\n{x}"),
            }
        }
    }
}
