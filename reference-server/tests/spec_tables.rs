//! The server keeps its own tag table (reference-server/src/spec) so its
//! protocol logic reads like the spec; this checks that transcription
//! against the harness dictionary (crates/kmip-ttlv, generated from the spec
//! HTML), so the two can never drift apart silently.

/// Spec name → dictionary name: drop spaces, hyphens and other punctuation.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

#[test]
fn every_server_tag_matches_the_dictionary() {
    let table = kmip_reference_server::spec::tags::SPEC_NAMES;
    assert!(
        table.len() > 300,
        "only {} tags in the server table",
        table.len()
    );
    let mut mismatches = Vec::new();
    for (value, name) in table {
        match kmip_ttlv::dict::tag_name(*value) {
            Some(d) if squash(d) == squash(name) => {}
            other => mismatches.push(format!("0x{value:06X} {name:?} vs dictionary {other:?}")),
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} server tag(s) disagree with the dictionary:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
