//! Binary TTLV decoder on arbitrary bytes: never panics, and whatever it
//! accepts re-encodes to exactly the same bytes (the decoder is strict about
//! lengths, padding and booleans, so the encoding is unique).
#![no_main]

use kmip_ttlv::ttlv::{decode, encode, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(item) = decode(data, &Limits::default()) {
        let bytes = encode(&item).expect("a decoded tree encodes");
        assert_eq!(bytes, data, "re-encoding changed the bytes");
    }
});
