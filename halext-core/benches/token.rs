//! Token validation benchmarks (criterion). Run: `cargo bench -p halext-core --bench token`.
//!
//! * `jsonwebtoken_baseline/*`: `jsonwebtoken::decode` alone, the reference we had to beat.
//! * `halext_hs256/*`: `Validator::halext_access_token` over 10,000 distinct tokens (cache on:
//!   every lookup misses; cache off) and one token repeated (cache on: the PHP-FPM case; off);
//!   `sha256_of_token` is the cache key's cost, paid by every validation with the cache on.
//! * `asymmetric/*`: RS256 and ES256 validation for reference (cache off).
//! * `registry/*`: what a binding pays to get a validator from options each request (PHP builds
//!   `new Halext\TokenValidator($options)` per request): the options fingerprint, a registry hit,
//!   and building the validator afresh (what a hit saves).
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use halext_core::Secret;
use halext_core::token::{
    Algorithm, Key, Profile, Validator, ValidatorBuilder, ValidatorOptions, ValidatorRegistry, halext_format,
};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};

const SECRET: &[u8] = b"bench-secret-bench-secret-bench-secret!!";
const EXP: i64 = 4_000_000_000;
const N: usize = 10_000;

fn halext_tokens(n: usize) -> Vec<String> {
    let secret = Secret::new(SECRET);
    (0..n).map(|i| halext_format::sign_access_token(&secret, &format!("user{i}"), EXP + i as i64)).collect()
}

fn baseline(c: &mut Criterion) {
    let toks = halext_tokens(N);
    let key = DecodingKey::from_secret(SECRET).unwrap();
    let mut v = Validation::new(Algorithm::HS256);
    v.leeway = 0;
    type Map = serde_json::Map<String, serde_json::Value>;
    let mut g = c.benchmark_group("jsonwebtoken_baseline");
    let mut i = 0;
    g.bench_function("hs256_distinct", |b| {
        b.iter(|| {
            i = (i + 1) % toks.len();
            black_box(jsonwebtoken::decode::<Map>(&toks[i], &key, &v).unwrap())
        })
    });
    g.bench_function("hs256_same", |b| {
        b.iter(|| black_box(jsonwebtoken::decode::<Map>(&toks[0], &key, &v).unwrap()))
    });
    g.finish();
}

fn halext(c: &mut Criterion) {
    let toks = halext_tokens(N);
    let cached = Validator::halext_access_token(Secret::new(SECRET)).unwrap();
    let uncached =
        ValidatorBuilder::halext_access_token(Secret::new(SECRET)).cache_capacity(0).build().unwrap();
    let mut g = c.benchmark_group("halext_hs256");
    for (name, v) in [("distinct_cache_on", &cached), ("distinct_cache_off", &uncached)] {
        let mut i = 0;
        g.bench_function(name, |b| {
            b.iter(|| {
                i = (i + 1) % toks.len();
                black_box(v.validate(&toks[i]).unwrap())
            })
        });
    }
    g.bench_function("same_cache_on", |b| b.iter(|| black_box(cached.validate(&toks[0]).unwrap())));
    g.bench_function("same_cache_off", |b| b.iter(|| black_box(uncached.validate(&toks[0]).unwrap())));
    g.bench_function("sha256_of_token", |b| {
        b.iter(|| black_box(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, toks[0].as_bytes())))
    });
    g.bench_function("same_cache_on_to_json", |b| {
        b.iter(|| black_box(cached.validate(&toks[0]).unwrap().to_json()))
    });
    g.finish();
}

fn asymmetric(c: &mut Criterion) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/token_data/");
    let read = |f: &str| std::fs::read(format!("{dir}{f}")).unwrap();
    let claims = serde_json::json!({"sub": "alice", "exp": EXP});
    let mut g = c.benchmark_group("asymmetric");
    for (name, alg, private, public) in [
        (
            "rs256",
            Algorithm::RS256,
            EncodingKey::from_rsa_pem(&read("rsa_private.pem")).unwrap(),
            "rsa_public.pem",
        ),
        (
            "es256",
            Algorithm::ES256,
            EncodingKey::from_ec_pem(&read("ec256_private.pem")).unwrap(),
            "ec256_public.pem",
        ),
    ] {
        let token = jsonwebtoken::encode(&Header::new(alg), &claims, &private).unwrap();
        let v = Validator::builder()
            .algorithms(&[alg])
            .key(Key::from_pem(&read(public)).unwrap())
            .cache_capacity(0)
            .build()
            .unwrap();
        g.bench_function(name, |b| b.iter(|| black_box(v.validate(&token).unwrap())));
    }
    g.finish();
}

fn registry(c: &mut Criterion) {
    let options = ValidatorOptions::profile(Profile::Halext).with_secret(Secret::new(SECRET)).unwrap();
    let registry = ValidatorRegistry::default();
    registry.get_or_build(&options).unwrap();
    let mut g = c.benchmark_group("registry");
    g.bench_function("fingerprint", |b| b.iter(|| black_box(options.fingerprint())));
    g.bench_function("hit", |b| b.iter(|| black_box(registry.get_or_build(&options).unwrap())));
    g.bench_function("build_without_registry", |b| b.iter(|| black_box(options.build().unwrap())));
    g.finish();
}

criterion_group!(benches, baseline, halext, asymmetric, registry);
criterion_main!(benches);
