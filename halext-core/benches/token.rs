//! Token validation benchmarks (criterion). Run: `cargo bench -p halext-core --bench token`.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use std::hint::black_box;

const SECRET: &[u8] = b"bench-secret-bench-secret-bench-secret!!";

fn tokens(n: usize) -> Vec<String> {
    let key = EncodingKey::from_secret(SECRET).unwrap();
    (0..n)
        .map(|i| {
            let claims = serde_json::json!({"sub": format!("user{i}"), "exp": 4_000_000_000u64 + i as u64});
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap()
        })
        .collect()
}

fn baseline(c: &mut Criterion) {
    let toks = tokens(10_000);
    let key = DecodingKey::from_secret(SECRET).unwrap();
    let mut v = Validation::new(Algorithm::HS256);
    v.leeway = 0;
    let mut g = c.benchmark_group("jsonwebtoken_baseline");
    let mut i = 0;
    g.bench_function("hs256_distinct", |b| {
        b.iter(|| {
            i = (i + 1) % toks.len();
            black_box(
                jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(&toks[i], &key, &v)
                    .unwrap(),
            )
        })
    });
    g.bench_function("hs256_same", |b| {
        b.iter(|| {
            black_box(
                jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(&toks[0], &key, &v)
                    .unwrap(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, baseline);
criterion_main!(benches);
