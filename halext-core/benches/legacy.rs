//! Criterion benches of the legacy module (written below).
fn main() {}
