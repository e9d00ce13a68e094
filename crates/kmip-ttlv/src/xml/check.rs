//! The round-trip check `kmip-harness codec check` and the corpus test run on
//! every message: one message must survive binary TTLV, the canonical XML
//! form, the compact XML form and JSON without changing.

use super::{parse_item, to_xml, to_xml_compact};
use crate::json;
use crate::model::Item;
use crate::ttlv::{self, Limits};

/// The first stage at which a message did not survive, with what differs.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
#[error("{stage}: {detail}")]
pub struct RoundTripError {
    /// `"TTLV encode"`, `"TTLV decode"`, `"TTLV round trip"`, `"XML re-parse"`,
    /// `"XML round trip"`, `"compact XML re-parse"`, `"compact XML round trip"`,
    /// `"JSON re-parse"` or `"JSON round trip"`.
    pub stage: &'static str,
    /// The error, or the first difference (`Tag/Tag: a vs b`).
    pub detail: String,
}

fn fail(stage: &'static str, detail: impl ToString) -> RoundTripError {
    RoundTripError {
        stage,
        detail: detail.to_string(),
    }
}

fn same(stage: &'static str, expected: &Item, got: &Item) -> Result<(), RoundTripError> {
    match expected.first_difference(got) {
        None => Ok(()),
        Some(d) => Err(fail(stage, d)),
    }
}

/// Check that `item` round-trips through every encoding:
///
/// 1. placeholders replaced by type-correct stand-ins
///    ([`crate::Placeholder::stand_in`]), encoded to binary TTLV, decoded,
///    compared;
/// 2. rendered with [`to_xml`], parsed again, compared (placeholders kept);
/// 3. the same with [`to_xml_compact`];
/// 4. the same with [`json::to_json_string`] / [`json::from_json_str`].
pub fn check_round_trip(item: &Item) -> Result<(), RoundTripError> {
    let mut bound = item.clone();
    bound.substitute_placeholders(&mut |p| Some(p.stand_in()));
    let bytes = ttlv::encode(&bound).map_err(|e| fail("TTLV encode", e))?;
    let back = ttlv::decode(&bytes, &Limits::default()).map_err(|e| fail("TTLV decode", e))?;
    same("TTLV round trip", &bound, &back)?;

    let text = to_xml(item);
    let back = parse_item(&text).map_err(|e| fail("XML re-parse", e))?;
    same("XML round trip", item, &back)?;

    let text = to_xml_compact(item);
    let back = parse_item(&text).map_err(|e| fail("compact XML re-parse", e))?;
    same("compact XML round trip", item, &back)?;

    let text = json::to_json_string(item);
    let back = json::from_json_str(&text).map_err(|e| fail("JSON re-parse", e))?;
    same("JSON round trip", item, &back)
}
