//! Client mode: the harness plays the server. A [`Session`] checks each
//! request a client under test sends against the expected request of the
//! test case (request-side rows of the masking table: `req-*`), and turns
//! the recorded response into the one to send back (bound placeholders and
//! client-chosen literals substituted, identifiers minted, current time).
//!
//! What is bound rather than compared on the request side:
//! - `$UNIQUE_IDENTIFIER_n` and other placeholders: must equal what the
//!   harness issued in an earlier response (row `req-placeholder`);
//!   `$NOW±n`: any time within the tolerance window;
//! - client-chosen literals (rows `req-client-name`, `req-client-dates`,
//!   `req-client-iv`): the first occurrence binds the client's value, later
//!   occurrences must equal it, responses carry it;
//! - free header fields (`req-header-*`), batch item ids
//!   (`req-batch-item-id`), template attribute order
//!   (`req-attributes-order`), Attribute Index 0 (`req-attribute-index-zero`)
//!   and the revocation message (`req-revocation-message`).
//!
//! Everything else (operation, algorithm, lengths, usage masks, key
//! material, plaintext) is compared exactly.

use kmip_ttlv::{Item, Placeholder, Value};

use super::{message_version, Session, Unbound};
use crate::rules::Side;
use crate::session::BindError;
use crate::{tags, Comparison};

impl Session {
    /// Client mode: compare the request a client sent (`actual`) with the
    /// expected request of the current step. Placeholders the harness
    /// issued must be used as issued; client-chosen values are bound (see
    /// the module docs). `received_at` = unix seconds when it arrived (the
    /// `$NOW±n` window is centred on it).
    pub fn check_request(
        &mut self,
        expected: &Item,
        actual: &Item,
        received_at: i64,
    ) -> Comparison {
        if let Some(v) = message_version(actual).or_else(|| message_version(expected)) {
            self.version = Some(v);
        }
        let exp_items: Vec<&Item> = expected.children_with(tags::BATCH_ITEM).collect();
        let act_items: Vec<&Item> = actual.children_with(tags::BATCH_ITEM).collect();
        let mut facts = Vec::with_capacity(exp_items.len());
        let mut sent = Vec::with_capacity(exp_items.len());
        for (i, e) in exp_items.iter().enumerate() {
            let a = act_items.get(i).copied();
            facts.push(self.facts(e, a, a));
            sent.push(a);
        }
        let window = (received_at, received_at, received_at);
        let out = self.judge(Side::Request, window, &facts, &sent, expected, actual);
        Comparison::from_findings(out.findings)
    }

    /// Client mode: the response to send for `request` (the client's actual
    /// request) from the recorded response `template`:
    /// - `$NOW±n` → `now ± n`; bound placeholders → their value;
    /// - an unbound placeholder → `mint(placeholder)` (a fresh identifier,
    ///   plausible bytes), then bound for the following steps;
    /// - a literal the client replaced by its own value (a client-chosen
    ///   name, date, IV) → the client's value;
    /// - `ResponseHeader/TimeStamp` → `now`;
    /// - each batch item echoes the Unique Batch Item ID of the matching
    ///   request batch item (added after the Operation if the template lacks
    ///   it, removed if the client sent none).
    ///
    /// The response and the request are then remembered (object
    /// provenance, implicit bindings) as in server mode.
    pub fn bind_response(
        &mut self,
        template: &Item,
        request: &Item,
        now: i64,
        mint: &mut dyn FnMut(&Placeholder) -> Value,
    ) -> Result<Item, BindError> {
        let mut out = template.clone();
        let mut segs = Vec::new();
        self.bind_walk(&mut out, &mut segs, now, &mut Unbound::Mint(mint))?;
        if let Some(ts) = out
            .child_mut(tags::RESPONSE_HEADER)
            .and_then(|h| h.child_mut(tags::TIME_STAMP))
        {
            if matches!(ts.value, Value::DateTime(_)) {
                ts.value = Value::DateTime(now);
            }
        }
        echo_batch_ids(&mut out, request);
        self.record_objects(request, &out);
        self.learn_from(&out);
        Ok(out)
    }
}

/// Make each response batch item carry the Unique Batch Item ID of the
/// request batch item at the same position.
fn echo_batch_ids(response: &mut Item, request: &Item) {
    let ids: Vec<Option<Item>> = request
        .children_with(tags::BATCH_ITEM)
        .map(|b| b.child(tags::UNIQUE_BATCH_ITEM_ID).cloned())
        .collect();
    let Some(children) = response.children_mut() else {
        return;
    };
    for (i, item) in children
        .iter_mut()
        .filter(|c| c.tag == tags::BATCH_ITEM)
        .enumerate()
    {
        let id = ids.get(i).cloned().flatten();
        let Some(fields) = item.children_mut() else {
            continue;
        };
        let pos = fields
            .iter()
            .position(|f| f.tag == tags::UNIQUE_BATCH_ITEM_ID);
        match (pos, id) {
            (Some(p), Some(id)) => fields[p] = id,
            (Some(p), None) => {
                fields.remove(p);
            }
            (None, Some(id)) => {
                let at = fields
                    .iter()
                    .position(|f| f.tag == tags::OPERATION)
                    .map_or(0, |o| o + 1);
                fields.insert(at, id);
            }
            (None, None) => {}
        }
    }
}
