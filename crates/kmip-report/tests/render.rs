//! Reporter tests over a small fixed run (`tests/fixtures/run.json`):
//! insta snapshots of the table, Markdown and JUnit; well-formedness of the
//! JUnit XML; HTML self-containment and escaping; `write_all`.

use kmip_report::{
    render_html, render_json, render_junit, render_markdown, render_table, write_all, Verdict,
    REPORT_FILES,
};
use kmip_testcase::results::{RunResults, Status};

fn fixture() -> RunResults {
    serde_json::from_str(include_str!("fixtures/run.json")).expect("fixture parses")
}

#[test]
fn table_snapshot() {
    insta::assert_snapshot!("table", render_table(&fixture()));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("markdown", render_markdown(&fixture()));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", render_junit(&fixture()));
}

#[test]
fn verdicts_of_fixture() {
    let r = fixture();
    let v: Vec<Verdict> = r.profiles.iter().map(Verdict::of).collect();
    assert_eq!(
        v,
        [
            Verdict::Conformant,
            Verdict::Incomplete,
            Verdict::NotConformant,
            Verdict::NotConformant
        ]
    );
}

/// Parse the JUnit with quick-xml and count elements; fails on any
/// well-formedness error.
fn junit_counts(xml: &str) -> (usize, usize, usize, usize, usize) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut suites, mut cases, mut failures, mut errors, mut skipped) = (0, 0, 0, 0, 0);
    loop {
        match reader.read_event().expect("well-formed JUnit XML") {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testsuite" => suites += 1,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testcase" => cases += 1,
                b"failure" => failures += 1,
                b"error" => errors += 1,
                b"skipped" => skipped += 1,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    (suites, cases, failures, errors, skipped)
}

#[test]
fn junit_is_well_formed_and_complete() {
    let r = fixture();
    let xml = render_junit(&r);
    // 2 version suites + the profiles suite; 8 cases + 4 profiles.
    let (suites, cases, failures, errors, skipped) = junit_counts(&xml);
    assert_eq!((suites, cases), (3, 12));
    // 1 failed case + 2 NOT CONFORMANT profiles; 1 error; 1 skip + 1 incomplete.
    assert_eq!((failures, errors, skipped), (3, 1, 2));
    assert!(xml.contains("tests=\"12\" failures=\"3\" errors=\"1\" skipped=\"2\""));
    // The diff travels in the failure text, escaped.
    assert!(xml.contains("-    &lt;ResultStatus type=\"Enumeration\" value=\"Success\"/&gt;"));
    assert!(xml.contains("&amp;lt;b1c2&amp;gt;"));
}

#[test]
fn junit_survives_hostile_text() {
    let mut r = fixture();
    r.cases[4].reason = "bad \u{0}\u{1b}[31m <x> & \"q\" ]]>".into();
    let xml = render_junit(&r);
    let _ = junit_counts(&xml);
    assert!(!xml.contains('\u{0}') && !xml.contains('\u{1b}'));
}

#[test]
fn html_is_self_contained_and_escaped() {
    let plain = render_html(&fixture());
    assert!(plain.starts_with("<!DOCTYPE html>"));
    assert!(plain.trim_end().ends_with("</html>"));
    for external in ["http://", "https://", "<link", " src=", "@import", "url("] {
        assert!(!plain.contains(external), "external reference {external:?}");
    }
    let mut r = fixture();
    r.cases[4].reason = "<script>alert(1)</script>".into();
    r.target = "\"><img src=x onerror=alert(1)>".into();
    let html = render_html(&r);
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<img"));
    // Exactly one <script> block: the inline filter.
    assert_eq!(html.matches("<script>").count(), 1);
    // The first failure with a diff is open, the others closed; diff lines
    // coloured.
    assert_eq!(html.matches("<details id=\"case-").count(), 2);
    assert!(html.contains("<details id=\"case-BL-M-1-21\">"));
    assert!(html.contains("<details id=\"case-SKLC-M-2-21\" open>"));
    assert!(html.contains("<span class=\"add\">+    &lt;ResultStatus"));
    assert!(html.contains("<span class=\"del\">-    &lt;ResultStatus"));
    assert!(html.contains("<span class=\"mask\">~"));
    // Every profile and case appears, with its verdict / status.
    for p in &r.profiles {
        assert!(html.contains(&format!("<b>{}</b>", p.id)), "{}", p.id);
    }
    assert!(html.contains(">NOT CONFORMANT<") && html.contains(">CONFORMANT<"));
    assert!(html.contains(">incomplete<"));
    for c in &r.cases {
        assert!(html.contains(&format!("<code>{}</code>", c.id)), "{}", c.id);
    }
    // Masked positions listed per case.
    assert!(html.contains("<code>SKLC-M-1-14</code> &mdash; 2 masked"));
}

#[test]
fn json_round_trips() {
    let r = fixture();
    let text = render_json(&r).expect("serialises");
    let back: RunResults = serde_json::from_str(&text).expect("parses");
    assert_eq!(back, r);
}

#[test]
fn empty_run_renders() {
    let mut r = fixture();
    r.profiles.clear();
    r.cases.clear();
    r.totals = Default::default();
    assert!(render_table(&r).contains("No profile has a case in this run."));
    assert!(render_markdown(&r).contains("No case was run."));
    assert!(render_html(&r).contains("No case was run."));
    let (suites, cases, ..) = junit_counts(&render_junit(&r));
    assert_eq!((suites, cases), (1, 0));
}

#[test]
fn markdown_lists_failures_with_diff_fence() {
    let md = render_markdown(&fixture());
    assert!(md.contains("### `SKLC-M-2-21` FAIL"));
    assert!(md.contains("```diff\n--- expected\n"));
    assert!(md.contains("### `BL-M-1-21` ERROR"));
    assert!(md.contains("| `unique-identifier` | 3 |"));
    assert!(md.contains("| `time-stamp` | 1 |"));
    assert!(!md.contains("Status::"));
    let statuses = fixture()
        .cases
        .iter()
        .filter(|c| c.status == Status::Skip)
        .count();
    assert_eq!(statuses, 1);
    assert!(md.contains("## Skipped"));
}

#[test]
fn write_all_writes_every_file() {
    let dir = std::env::temp_dir().join(format!("kmip-report-write-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let r = fixture();
    let written = write_all(&r, &dir.join("nested")).expect("writes");
    assert_eq!(written.len(), REPORT_FILES.len());
    for (path, name) in written.iter().zip(REPORT_FILES) {
        assert!(path.ends_with(name));
        let len = std::fs::metadata(path).expect("exists").len();
        assert!(len > 100, "{name} is {len} bytes");
    }
    let summary = std::fs::read_to_string(dir.join("nested/summary.txt")).expect("read");
    assert_eq!(summary, render_table(&r));
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// Loader warnings (text between messages, commented-out messages) reach
/// every reporter; a run without them renders as before (the snapshots).
#[test]
fn test_case_warnings_are_shown_by_every_reporter() {
    let mut r = fixture();
    let w = "line 6: commented-out RequestMessage (start tag after '#') skipped: not replayed";
    let case = r
        .cases
        .iter_mut()
        .find(|c| c.status == Status::Pass)
        .expect("a passing case");
    case.warnings.push(w.to_string());
    let id = case.id.clone();
    let table = render_table(&r);
    assert!(table.contains(&format!("Warning: {id}: {w}")), "{table}");
    let md = render_markdown(&r);
    assert!(md.contains("## Test-case warnings"), "{md}");
    assert!(md.contains("commented-out RequestMessage"), "{md}");
    let html = render_html(&r);
    assert!(html.contains("Test-case warnings"));
    assert!(html.contains("start tag after &#39;#&#39;"));
    let junit = render_junit(&r);
    assert!(junit.contains("<system-err>test-case warnings:"), "{junit}");
    let json = render_json(&r).expect("json");
    assert!(json.contains("\"warnings\""));
    let back: RunResults = serde_json::from_str(&json).expect("round trip");
    assert_eq!(back, r);
    // Without warnings nothing is printed and the field is not serialised.
    assert!(!render_json(&fixture())
        .expect("json")
        .contains("\"warnings\""));
}

/// The fixture with one failing case listed as a known failure (XFAIL) and
/// one passing case listed too (XPASS), totals recomputed as the runner
/// does.
fn with_expectations() -> RunResults {
    let mut r = fixture();
    let failing = r
        .cases
        .iter()
        .position(|c| c.status == Status::Fail)
        .expect("a failing case");
    let passing = r
        .cases
        .iter()
        .position(|c| c.status == Status::Pass)
        .expect("a passing case");
    r.cases[failing].expected_failure = Some("known: fixture".into());
    r.cases[passing].expected_failure = Some("stale: fixture".into());
    r.totals = kmip_testcase::results::Totals::of(&r.cases);
    r
}

#[test]
fn xfail_and_xpass_have_their_own_counts_in_every_reporter() {
    let r = with_expectations();
    assert_eq!((r.totals.xfail, r.totals.xpass), (1, 1));
    assert_eq!((r.totals.passed, r.totals.failed), (4, 0));
    assert_eq!(r.totals.total(), r.cases.len());
    // Table / totals line: the XFAIL is not counted as failed.
    let table = render_table(&r);
    assert!(
        table.contains("8 cases: 4 passed, 0 failed, 1 error, 1 skipped, 1 xfail, 1 xpass"),
        "{table}"
    );
    // results.json.
    let json: serde_json::Value =
        serde_json::from_str(&render_json(&r).expect("json")).expect("parses");
    assert_eq!(json["totals"]["xfail"], 1);
    assert_eq!(json["totals"]["xpass"], 1);
    assert_eq!(json["totals"]["failed"], 0);
    // JUnit: XFAIL is a skip with its reason, XPASS a failure.
    let xml = render_junit(&r);
    assert!(
        xml.contains("<skipped message=\"XFAIL (fail): known: fixture"),
        "{xml}"
    );
    assert!(xml.contains("type=\"xpass\""), "{xml}");
    assert!(
        xml.contains("<property name=\"xfail\" value=\"1\"/>"),
        "{xml}"
    );
    let (_, _, failures, errors, skipped) = junit_counts(&xml);
    // 1 XPASS + 2 NOT CONFORMANT profiles; 1 error; 1 skip + 1 XFAIL + 1 incomplete.
    assert_eq!((failures, errors, skipped), (3, 1, 3));
    // Markdown and HTML name both.
    let md = render_markdown(&r);
    assert!(md.contains("1 xfail, 1 xpass"), "{md}");
    assert!(md.contains("XFAIL (fail)") && md.contains("XPASS"), "{md}");
    let html = render_html(&r);
    assert!(html.contains("xfail (known failures)") && html.contains("XPASS"));
    assert!(html.contains("XFAIL (fail)"));
}

#[test]
fn old_results_without_xfail_counts_still_load() {
    // A format-1 results.json (no xfail / xpass keys) renders.
    let r = fixture();
    assert_eq!((r.totals.xfail, r.totals.xpass), (0, 0));
    assert!(render_table(&r).contains("0 xfail, 0 xpass"));
}

/// The fixture (a format-1 file: it still loads) with two clauses attached
/// to its conformant profile: one pass, one fail.
fn with_clauses() -> RunResults {
    use kmip_testcase::results::{ClauseEvidence, ClauseVerdict, ProfileClause};
    let mut r = fixture();
    let clause = |id: &str, verdict, refused: &[&str], accepted: &[&str]| ProfileClause {
        id: id.to_string(),
        text: format!("condition {id}"),
        verdict,
        suite: "Basic Authentication Suite".into(),
        source: "KMIP Profiles §3.1.3".into(),
        reason: String::new(),
        evidence: ClauseEvidence {
            offered: vec!["handshake without a client certificate".into()],
            accepted: accepted.iter().map(|s| s.to_string()).collect(),
            refused: refused.iter().map(|s| s.to_string()).collect(),
            inconclusive: vec![],
        },
    };
    let clauses = [
        clause(
            "basic-3.1.4-port",
            ClauseVerdict::Pass,
            &[],
            &["the server answers on 5696"],
        ),
        clause(
            "basic-3.1.3-no-cert",
            ClauseVerdict::Fail,
            &[],
            &["handshake without a client certificate: KMIP answer"],
        ),
    ];
    assert_eq!(Verdict::of(&r.profiles[0]), Verdict::Conformant);
    assert_eq!(r.profiles[0].attach_clauses(&clauses), 2);
    r
}

#[test]
fn clauses_in_every_reporter() {
    let r = with_clauses();
    let p = &r.profiles[0];
    assert_eq!(
        Verdict::of(p),
        Verdict::NotConformant,
        "a failed clause fails the profile"
    );
    assert!(
        p.not_assessed.is_empty(),
        "attached clauses replace the lines: {:?}",
        p.not_assessed
    );

    let table = render_table(&r);
    assert!(table.contains("1 pass, 1 FAIL"), "{table}");
    assert!(
        table.contains("Clause FAIL: basic-3.1.3-no-cert"),
        "{table}"
    );

    let md = render_markdown(&r);
    assert!(md.contains("### Assessed clauses"), "{md}");
    assert!(
        md.contains("NOT CONFORMANT** (clause basic-3.1.3-no-cert failed)"),
        "{md}"
    );
    assert!(md.contains("| `basic-3.1.3-no-cert` |"), "{md}");

    let junit = render_junit(&r);
    let (suites, ..) = junit_counts(&junit);
    assert_eq!(suites, junit_counts(&render_junit(&fixture())).0 + 1);
    assert!(
        junit.contains("<testsuite name=\"clauses\" tests=\"2\" failures=\"1\""),
        "{junit}"
    );
    assert!(
        junit.contains("classname=\"clauses.SKLC-server-1.4\""),
        "{junit}"
    );

    let html = render_html(&r);
    assert!(html.contains("<details class=\"clauses\"><summary>clauses: 1 pass, 1 FAIL"));
    assert!(html.contains("handshake without a client certificate: KMIP answer"));

    let json = render_json(&r).expect("json");
    let back: RunResults = serde_json::from_str(&json).expect("round trip");
    assert_eq!(back.profiles[0].clauses, r.profiles[0].clauses);
    assert!(json.contains("\"verdict\": \"fail\""));
}
