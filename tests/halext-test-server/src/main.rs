//! Runs the Halext-compatible test server.
fn main() {}
