//! The terminal summary: one row per profile (tabled), then the totals line.
//! Plain text without colour so it can be written to `summary.txt` and
//! pasted into logs as is.

use kmip_testcase::results::RunResults;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};

use crate::{
    clause_cell, clause_groups, optional_cell, passed_cell, rate_cell, totals_line, Verdict,
};
use kmip_testcase::results::ClauseVerdict;

/// The per-profile table followed by a totals line (ends with a newline).
pub fn render_table(results: &RunResults) -> String {
    let mut out = String::new();
    if results.profiles.is_empty() {
        out.push_str("No profile has a case in this run.\n");
    } else {
        let mut b = Builder::default();
        b.push_record([
            "Profile",
            "Version",
            "Role",
            "Passed",
            "Rate",
            "Optional",
            "Verdict",
            "Clauses",
            "Not assessed",
        ]);
        for p in &results.profiles {
            let not_assessed = match p.not_assessed.len() {
                0 => "-".to_string(),
                1 => "1 clause".to_string(),
                n => format!("{n} clauses"),
            };
            b.push_record([
                p.id.clone(),
                p.version.clone(),
                p.role.clone(),
                passed_cell(p),
                rate_cell(p),
                optional_cell(p),
                Verdict::of(p).label().to_string(),
                clause_cell(p),
                not_assessed,
            ]);
        }
        let mut table = b.build();
        table
            .with(Style::sharp())
            .modify(Columns::new(3..6), Alignment::right());
        out.push_str(&table.to_string());
        out.push('\n');
    }
    // Failed and undecided clauses, one line each with the profiles they
    // count for: a profile's NOT CONFORMANT is never left unexplained.
    for (c, ids) in clause_groups(results) {
        if matches!(c.verdict, ClauseVerdict::Fail | ClauseVerdict::NotAssessed) {
            out.push_str(&format!(
                "Clause {}: {} ({}): {}{} [{} profile{}]\n",
                c.verdict.label(),
                c.id,
                c.suite,
                c.text,
                if c.reason.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", c.reason)
                },
                ids.len(),
                if ids.len() == 1 { "" } else { "s" }
            ));
        }
    }
    out.push_str("Totals: ");
    out.push_str(&totals_line(results));
    out.push('\n');
    // What the loader skipped in test-case files (text between messages,
    // commented-out messages): shown so a skipped message is never silent.
    for c in results.cases.iter().filter(|c| !c.warnings.is_empty()) {
        for w in &c.warnings {
            out.push_str(&format!("Warning: {}: {w}\n", c.id));
        }
    }
    // Batch items the target answered asynchronously (polled to a result).
    for c in results.cases.iter().filter(|c| !c.asynchronous.is_empty()) {
        for a in &c.asynchronous {
            out.push_str(&format!("Asynchronous: {}: {a}\n", c.id));
        }
    }
    out
}
