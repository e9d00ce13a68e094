//! KMIP XML reader on arbitrary text: never panics, and every message it
//! accepts survives TTLV, canonical XML, compact XML and JSON unchanged.
#![no_main]

use kmip_ttlv::xml;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(doc) = xml::parse_document(text) {
        for m in &doc.items {
            if let Err(e) = xml::check_round_trip(&m.item) {
                panic!("accepted message does not round-trip: {e}");
            }
        }
    }
});
