//! Client-mode corpus self-test: for every OASIS test case (from
//! `$KMIP_CORPUS`, else `../shared/oasis`), a "perfect client" that sends
//! exactly the transcript's requests (placeholders filled with what the
//! harness answered) must match every step with `check_request`, and every
//! recorded response must bind with `bind_response` (no unknown or
//! unbindable placeholder). A one-leaf mutation of the first request
//! (the Operation) must be found.
//!
//! Skips, with a message, when the corpus is absent.

mod common;

use common::{corpus_dir, NOW};
use kmip_compare::{CompareOptions, Session};
use kmip_ttlv::{ItemType, Placeholder, Tag, Value};

const OPERATION: Tag = Tag(0x42005C);
const BATCH_ITEM: Tag = Tag(0x42000F);

fn mint(p: &Placeholder) -> Value {
    match p.item_type {
        ItemType::TextString => Value::TextString(format!("h-{}", p.name)),
        ItemType::ByteString => Value::ByteString(p.name.clone().into_bytes()),
        _ => p.stand_in(),
    }
}

#[test]
fn a_client_sending_the_transcript_passes_every_case() {
    let Some(dir) = corpus_dir() else {
        eprintln!("SKIP: no corpus (set KMIP_CORPUS or provide ../shared/oasis)");
        return;
    };
    let files = kmip_testcase::case::discover(&[dir]).expect("discover corpus");
    let mut failures = Vec::new();
    let (mut cases, mut steps) = (0usize, 0usize);
    for file in &files {
        let Ok(tc) = kmip_testcase::case::load_file(file) else {
            continue; // load errors are the loader's tests' business
        };
        cases += 1;
        let mut s = Session::new(CompareOptions::default());
        for step in &tc.steps {
            steps += 1;
            let sent = match s.bind_request(&step.request, NOW) {
                Ok(r) => r,
                Err(e) => {
                    failures.push(format!("{} step {}: client side: {e}", tc.id, step.index));
                    break;
                }
            };
            if step.index == 0 {
                let mut wrong = sent.clone();
                if let Some(op) = wrong
                    .child_mut(BATCH_ITEM)
                    .and_then(|b| b.child_mut(OPERATION))
                {
                    op.value = Value::Enumeration(0x8000_4B48);
                    let c = s.clone().check_request(&step.request, &wrong, NOW);
                    if c.is_match() {
                        failures.push(format!("{}: mutated Operation not found", tc.id));
                    }
                }
            }
            let c = s.check_request(&step.request, &sent, NOW);
            if !c.is_match() {
                failures.push(format!(
                    "{} step {}: {:?}",
                    tc.id, step.index, c.differences
                ));
                break;
            }
            if let Err(e) = s.bind_response(&step.response, &sent, NOW, &mut mint) {
                failures.push(format!("{} step {}: response: {e}", tc.id, step.index));
                break;
            }
        }
    }
    eprintln!("{cases} cases, {steps} steps");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}
