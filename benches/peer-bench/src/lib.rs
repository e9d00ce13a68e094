//! Empty: this package only holds `benches/peers.rs`, the side-by-side
//! binary TTLV decode benchmark (see `reports/bench.md`).
