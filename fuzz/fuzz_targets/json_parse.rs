//! KMIP JSON reader on arbitrary text: never panics, and every item it
//! accepts comes back unchanged from JSON and (placeholders bound to
//! stand-ins) from binary TTLV. (Not XML: JSON text may hold U+0000, which
//! XML 1.0 cannot.)
#![no_main]

use kmip_ttlv::json;
use kmip_ttlv::ttlv::{decode, encode, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(item) = json::from_json_str(text) {
        let again = json::from_json_str(&json::to_json_string(&item)).expect("re-parse");
        assert_eq!(again, item, "JSON round trip changed the tree");
        let mut bound = item.clone();
        bound.substitute_placeholders(&mut |p| Some(p.stand_in()));
        let bytes = encode(&bound).expect("encode");
        assert_eq!(decode(&bytes, &Limits::default()).expect("decode"), bound);
    }
});
