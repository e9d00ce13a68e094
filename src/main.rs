//! kmip-harness command line.
fn main() {}
