//! The halext C ABI.
