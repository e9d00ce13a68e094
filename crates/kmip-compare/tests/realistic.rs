//! Real corpus cases against a simulated *different but correct* server:
//! the expected responses with the values such a server legitimately
//! changes (time stamps, generated key bytes and digests, random outputs,
//! correlation values, Query answers …) replaced. Each case must pass, with
//! the right rules reported; the same change where no rule allows it must
//! fail. Skips when the corpus is absent.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::{corpus_dir, stand_in, NOW};
use kmip_compare::{CompareOptions, Comparison, Session};
use kmip_ttlv::{Item, Value};

fn case(rel: &str) -> Option<kmip_testcase::case::TestCase> {
    let Some(dir) = corpus_dir() else {
        eprintln!("SKIP: no corpus (set KMIP_CORPUS or provide ../shared/oasis)");
        return None;
    };
    let path: PathBuf = dir.join(rel);
    Some(kmip_testcase::case::load_file(&path).expect("corpus case loads"))
}

/// Flip every byte of ByteStrings, suffix text, set Date-Times to now + 1,
/// for leaves whose tag name is in `names` (anywhere below `item`).
fn change(item: &mut Item, names: &[&str]) {
    if names.contains(&item.tag.display_name().as_str()) {
        match &mut item.value {
            Value::ByteString(b) => b.iter_mut().for_each(|x| *x ^= 0x5a),
            Value::TextString(s) => s.push_str("-other"),
            Value::DateTime(t) => *t = NOW + 1,
            Value::Integer(i) => *i += 8,
            _ => {}
        }
    }
    if let Some(children) = item.children_mut() {
        for c in children {
            change(c, names);
        }
    }
}

/// KMIP 1.x: set the Date-Time AttributeValue of the named attributes to now.
fn change_v1_dates(item: &mut Item, attribute_names: &[&str]) {
    if item.tag.display_name() == "Attribute" {
        let name = item
            .child_named("AttributeName")
            .and_then(|n| n.value.as_text())
            .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "));
        if name.is_some_and(|n| attribute_names.contains(&n.as_str())) {
            if let Some(children) = item.children_mut() {
                for c in children {
                    if let Value::DateTime(t) = &mut c.value {
                        *t = NOW;
                    }
                }
            }
        }
    }
    if let Some(children) = item.children_mut() {
        for c in children {
            change_v1_dates(c, attribute_names);
        }
    }
}

struct Run {
    comparisons: Vec<Comparison>,
    sent: Vec<Item>,
}

impl Run {
    fn all_match(&self) -> bool {
        self.comparisons.iter().all(Comparison::is_match)
    }

    fn rules(&self) -> BTreeSet<&'static str> {
        self.comparisons
            .iter()
            .flat_map(|c| c.masked.iter().map(|m| m.rule))
            .collect()
    }

    fn differences(&self) -> Vec<String> {
        self.comparisons
            .iter()
            .enumerate()
            .flat_map(|(i, c)| {
                c.differences
                    .iter()
                    .map(move |d| format!("step {i}: {} ({})", d.path, d.note))
            })
            .collect()
    }
}

/// Play a case; `server(step, actual)` turns the expected response (with
/// placeholders filled) into what the simulated server answers.
fn play(tc: &kmip_testcase::case::TestCase, server: impl Fn(usize, &mut Item)) -> Run {
    let mut s = Session::new(CompareOptions::default());
    let mut run = Run {
        comparisons: Vec::new(),
        sent: Vec::new(),
    };
    for step in &tc.steps {
        let sent = s.bind_request(&step.request, NOW).expect("binds");
        let mut actual = stand_in(&step.response, &s);
        server(step.index, &mut actual);
        run.comparisons
            .push(s.check_response(&step.response, &actual, &sent, NOW, NOW + 1));
        run.sent.push(sent);
    }
    run
}

#[test]
fn sklc_1_v1_0_with_another_servers_dates_and_digest() {
    let Some(tc) = case("v1.0/mandatory/SKLC-M-1-10.xml") else {
        return;
    };
    let run = play(&tc, |_, a| {
        change(a, &["TimeStamp", "DigestValue"]);
        change_v1_dates(a, &["Initial Date", "Last Change Date"]);
    });
    assert!(run.all_match(), "{:?}", run.differences());
    assert_eq!(
        run.rules(),
        BTreeSet::from([
            "header-timestamp",
            "server-key-digest",
            "datetime-attribute"
        ])
    );
    // The same change to a value no rule covers fails.
    let run = play(&tc, |i, a| {
        if i == 1 {
            change_v1_dates(a, &["Initial Date"]);
            if let Some(h) = find(a, "HashingAlgorithm") {
                h.value = Value::Enumeration(0x08); // SHA-256 (6) → SHA-512 (8)
            }
        }
    });
    assert_eq!(run.differences().len(), 1, "{:?}", run.differences());
}

fn find<'a>(item: &'a mut Item, name: &str) -> Option<&'a mut Item> {
    if item.tag.display_name() == name {
        return Some(item);
    }
    item.children_mut()?.iter_mut().find_map(|c| find(c, name))
}

#[test]
fn sklc_1_v2_1_generated_key_digest() {
    let Some(tc) = case("v2.1/mandatory/SKLC-M-1-21.xml") else {
        return;
    };
    let run = play(&tc, |_, a| change(a, &["DigestValue"]));
    assert!(run.all_match(), "{:?}", run.differences());
    assert_eq!(run.rules(), BTreeSet::from(["server-key-digest"]));
    let run = play(&tc, |_, a| change(a, &["CryptographicLength"]));
    assert!(!run.all_match());
}

#[test]
fn bl_1_v2_1_server_correlation_values_are_the_servers() {
    let Some(tc) = case("v2.1/mandatory/BL-M-1-21.xml") else {
        return;
    };
    let run = play(&tc, |_, a| change(a, &["ServerCorrelationValue"]));
    assert!(run.all_match(), "{:?}", run.differences());
    assert_eq!(run.rules(), BTreeSet::from(["header-server-correlation"]));
    // The registered key's material comes back exactly, or the case fails.
    let run = play(&tc, |_, a| change(a, &["KeyMaterial"]));
    assert_eq!(run.differences().len(), 1, "{:?}", run.differences());
}

#[test]
fn skff_5_v2_1_generated_key_material() {
    let Some(tc) = case("v2.1/mandatory/SKFF-M-5-21.xml") else {
        return;
    };
    let run = play(&tc, |_, a| change(a, &["KeyMaterial"]));
    assert!(run.all_match(), "{:?}", run.differences());
    assert_eq!(run.rules(), BTreeSet::from(["server-key-material"]));
}

#[test]
fn cs_bc_3_v2_1_round_trips_this_servers_ciphertext() {
    let Some(tc) = case("v2.1/mandatory/CS-BC-M-3-21.xml") else {
        return;
    };
    // Step 1 encrypts under the generated key; the server's ciphertext differs.
    let run = play(&tc, |i, a| {
        if i == 1 {
            change(a, &["Data"]);
        }
    });
    assert!(run.all_match(), "{:?}", run.differences());
    assert_eq!(run.rules(), BTreeSet::from(["server-key-output"]));
    // Step 2 sent the server's own ciphertext back.
    let enc = run.comparisons[1].masked[0].actual.clone();
    let dec = run.sent[2]
        .path(&["BatchItem", "RequestPayload", "Data"])
        .expect("decrypt data");
    assert_eq!(
        kmip_ttlv::names::render_value(dec.tag, &dec.value, None, kmip_ttlv::names::Style::Xml),
        enc
    );
    // A wrong plaintext is not masked: the input came from this server.
    let run = play(&tc, |i, a| {
        if i == 1 || i == 2 {
            change(a, &["Data"]);
        }
    });
    assert_eq!(
        run.differences(),
        ["step 2: BatchItem[0]/ResponsePayload/Data (value differs)"]
    );
}

#[test]
fn cs_bc_13_v1_4_request_first_placeholders_take_the_servers_iv() {
    let Some(tc) = case("v1.4/mandatory/CS-BC-M-13-14.xml") else {
        return;
    };
    let run = play(&tc, |i, a| {
        if i == 1 {
            change(a, &["Data", "IVCounterNonce"]);
        }
    });
    assert!(run.all_match(), "{:?}", run.differences());
    assert_eq!(run.rules(), BTreeSet::from(["server-chosen-iv"]));
    let iv_returned = run.comparisons[1]
        .masked
        .iter()
        .find(|m| m.path.ends_with("IVCounterNonce"))
        .expect("iv masked")
        .actual
        .clone();
    let later = run
        .sent
        .iter()
        .filter_map(|r| r.path(&["BatchItem", "RequestPayload", "IVCounterNonce"]))
        .next_back()
        .expect("a request sends the IV back");
    assert_eq!(
        kmip_ttlv::names::render_value(later.tag, &later.value, None, kmip_ttlv::names::Style::Xml),
        iv_returned
    );
}

#[test]
fn cs_rng_1_v2_1_random_output() {
    let Some(tc) = case("v2.1/mandatory/CS-RNG-M-1-21.xml") else {
        return;
    };
    let run = play(&tc, |_, a| change(a, &["Data"]));
    assert!(run.all_match(), "{:?}", run.differences());
    assert_eq!(run.rules(), BTreeSet::from(["rng-output"]));
}

#[test]
fn cs_ac_oaep_1_v2_1_randomized_encryption_round_trips() {
    let Some(tc) = case("v2.1/mandatory/CS-AC-M-OAEP-1-21.xml") else {
        return;
    };
    let encrypt_step = tc
        .steps
        .iter()
        .position(|s| {
            kmip_ttlv::xml::to_xml(&s.request)
                .contains("<Operation type=\"Enumeration\" value=\"Encrypt\"/>")
        })
        .expect("an Encrypt step");
    let run = play(&tc, |i, a| {
        if i == encrypt_step {
            change(a, &["Data"]);
        }
    });
    assert!(run.all_match(), "{:?}", run.differences());
    assert_eq!(run.rules(), BTreeSet::from(["randomized-encryption"]));
}

#[test]
fn tl_1_v2_1_query_answer_describes_the_server() {
    let Some(tc) = case("v2.1/mandatory/TL-M-1-21.xml") else {
        return;
    };
    let run = play(&tc, |_, a| {
        change(a, &["VendorIdentification"]);
        if let Some(p) = find(a, "ResponsePayload") {
            if let Some(children) = p.children_mut() {
                // This server supports fewer operations.
                let mut seen = 0;
                children.retain(|c| {
                    if c.tag.display_name() == "Operation" {
                        seen += 1;
                        seen <= 5
                    } else {
                        true
                    }
                });
            }
        }
    });
    assert!(run.all_match(), "{:?}", run.differences());
    assert_eq!(run.rules(), BTreeSet::from(["query-contents"]));
    // Without any Operation, the answer lacks a kind of item the case lists.
    let run = play(&tc, |_, a| {
        if let Some(p) = find(a, "ResponsePayload") {
            if let Some(children) = p.children_mut() {
                children.retain(|c| c.tag.display_name() != "Operation");
            }
        }
    });
    assert_eq!(
        run.differences(),
        ["step 0: BatchItem[0]/ResponsePayload/Operation (missing)"]
    );
}
