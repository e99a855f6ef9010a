//! The halext PHP extension.
