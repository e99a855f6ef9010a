//! [`ValidatorOptions::fingerprint`]: the SHA-256 that identifies a validator configuration
//! (the key of [`super::ValidatorRegistry`]) without holding any secret.

use aws_lc_rs::digest;

use super::options::ValidatorOptions;
use super::remote::JwksUrlOptions;

impl ValidatorOptions {
    /// A SHA-256 fingerprint of the normalised options: equal for options that build the same
    /// validator (lists that are sets are sorted and deduplicated, an unset value counts as its
    /// default), different otherwise. The secret, PEM keys and
    /// JWKS document enter only as their own SHA-256, so the fingerprint can key a map of
    /// validators without the map holding any secret (see [`super::ValidatorRegistry`]).
    pub fn fingerprint(&self) -> [u8; 32] {
        fn sha(bytes: &[u8]) -> [u8; 32] {
            let mut out = [0u8; 32];
            out.copy_from_slice(digest::digest(&digest::SHA256, bytes).as_ref());
            out
        }
        // The canonical bytes are built in one compact buffer and hashed once (SHA-256 costs per
        // 64-byte block): each field is a one-byte tag, a 4-byte length and its bytes, so no two
        // different option sets share an encoding.
        fn field(buf: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
            buf.push(tag);
            buf.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_le_bytes());
            buf.extend_from_slice(bytes);
        }
        fn set(buf: &mut Vec<u8>, tag: u8, items: impl Iterator<Item = Vec<u8>>) {
            let mut v: Vec<Vec<u8>> = items.collect();
            v.sort();
            v.dedup();
            buf.push(tag);
            buf.extend_from_slice(&u32::try_from(v.len()).unwrap_or(u32::MAX).to_le_bytes());
            for i in &v {
                field(buf, b'.', i);
            }
        }
        fn num(buf: &mut Vec<u8>, tag: u8, v: u64) {
            field(buf, tag, &v.to_le_bytes());
        }
        let url_defaults = JwksUrlOptions::default();
        let mut buf = Vec::with_capacity(192);
        field(&mut buf, b'V', b"halext-validator-options/1");
        field(&mut buf, b'P', self.profile.as_str().as_bytes());
        match &self.secret {
            None => field(&mut buf, b'S', b""),
            Some(s) => field(&mut buf, b'S', &sha(s.expose())),
        }
        set(&mut buf, b'K', self.public_key_pem.iter().map(|p| sha(p).to_vec()));
        match &self.jwks {
            None => field(&mut buf, b'J', b""),
            Some(d) => field(&mut buf, b'J', &sha(d)),
        }
        field(&mut buf, b'U', self.jwks_url.as_deref().unwrap_or("").as_bytes());
        num(&mut buf, b'T', self.jwks_ttl_secs.unwrap_or(url_defaults.ttl.as_secs()));
        num(
            &mut buf,
            b'R',
            self.jwks_min_refresh_interval_secs.unwrap_or(url_defaults.min_refresh_interval.as_secs()),
        );
        let timeout_ms = u64::try_from(url_defaults.timeout.as_millis()).unwrap_or(u64::MAX);
        num(&mut buf, b'O', self.jwks_timeout_ms.unwrap_or(timeout_ms));
        set(&mut buf, b'A', self.algorithms.iter().map(|a| super::alg_name(*a).as_bytes().to_vec()));
        set(&mut buf, b'I', self.issuers.iter().map(|s| s.as_bytes().to_vec()));
        set(&mut buf, b'D', self.audiences.iter().map(|s| s.as_bytes().to_vec()));
        num(&mut buf, b'L', self.leeway_secs.unwrap_or(0));
        set(&mut buf, b'C', self.required_claims.iter().map(|s| s.as_bytes().to_vec()));
        let max = self.max_token_bytes.unwrap_or(super::DEFAULT_MAX_TOKEN_BYTES);
        num(&mut buf, b'M', max as u64);
        let flags = [self.allow_http_jwks, self.allow_short_secret, self.allow_missing_exp].map(u8::from);
        field(&mut buf, b'F', &flags);
        sha(&buf)
    }
}
