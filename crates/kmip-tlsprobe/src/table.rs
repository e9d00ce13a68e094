//! The terminal rendering of an [`Assessment`]: the protocol versions the
//! server took, then one row per clause with its verdict and evidence
//! (tabled, plain text like the other tables). Long evidence lists are
//! folded by reason; `--json` keeps every entry.

use crate::probe::Outcome;
use crate::{Assessment, ClauseResult};
use std::collections::BTreeMap;
use tabled::builder::Builder;
use tabled::settings::{Style, Width};

/// Lines of one evidence category: every entry when few, else counted by
/// reason (the text after the probe label).
fn fold(kind: &str, entries: &[String]) -> Vec<String> {
    if entries.is_empty() {
        return Vec::new();
    }
    if entries.len() <= 3 {
        return entries.iter().map(|e| format!("{kind}: {e}")).collect();
    }
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for e in entries {
        let reason = e.split_once(": ").map(|(_, r)| r).unwrap_or(e);
        *by.entry(reason).or_default() += 1;
    }
    let parts: Vec<String> = by.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
    vec![format!("{kind} {}: {}", entries.len(), parts.join("; "))]
}

fn evidence_cell(c: &ClauseResult) -> String {
    let e = &c.evidence;
    let mut lines = Vec::new();
    lines.extend(fold("accepted", &e.accepted));
    lines.extend(fold("refused", &e.refused));
    lines.extend(fold("no decision", &e.inconclusive));
    if let Some(r) = &c.reason {
        lines.push(format!("why: {r}"));
    }
    if lines.is_empty() {
        "-".into()
    } else {
        lines.join("\n")
    }
}

/// The versions line and the clause table (ends with a newline).
pub fn render_table(a: &Assessment) -> String {
    let mut out = format!(
        "TLS assessment of {} ({} connections, {} ms{})\n",
        a.target,
        a.connections,
        a.duration_ms,
        if a.skipped > 0 {
            format!(", {} probes not run: budget", a.skipped)
        } else {
            String::new()
        }
    );
    let versions: Vec<String> = a
        .versions
        .iter()
        .map(|(v, o)| {
            let s = match o {
                Outcome::Accepted(_) => "accepted",
                Outcome::Refused(_) => "refused",
                Outcome::Inconclusive(_) => "no decision",
            };
            format!("{v} {s}")
        })
        .collect();
    out.push_str(&format!(
        "Protocol versions offered alone: {}\n",
        versions.join(", ")
    ));
    let mut b = Builder::default();
    b.push_record(["Clause", "Suite", "Condition", "Verdict", "Evidence"]);
    for c in &a.clauses {
        b.push_record([
            c.id.clone(),
            c.suite.clone(),
            c.text.clone(),
            c.verdict.label().to_string(),
            evidence_cell(c),
        ]);
    }
    let mut t = b.build();
    t.with(Style::sharp());
    t.modify(
        tabled::settings::object::Columns::new(2..3),
        Width::wrap(40),
    );
    t.modify(
        tabled::settings::object::Columns::new(4..5),
        Width::wrap(70),
    );
    out.push_str(&t.to_string());
    out.push('\n');
    for n in &a.notes {
        out.push_str(&format!("Note: {n}\n"));
    }
    out
}
