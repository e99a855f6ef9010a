//! A Halext-compatible test server.
