//! Unit tests of detection, malformed values, rules and rehash decisions. The hash-vector
//! table runs in `halext-core/tests/legacy_hash_vectors.rs`.

use super::*;
use crate::Secret;

const BCRYPT_10: &str = "$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG";
const BCRYPT_12: &str = "$2y$12$YXKzIxQzV5hlBmivS5RyEOSUwQ0Kj3BJ288dBSJiLDtr9gJN6QJfS";
const WP_10: &str = "$wp$2y$10$rLBG8WQVbNQOruJTxBItC.gFrTuN0DD8BPIasglv.WMPRbxt6Papm";
const PHPASS: &str = "$P$B0B2brcWLT4G2wJQee6vZ0Vk2L3SZh.";
const PBKDF2: &str =
    "$pbkdf2-sha256$29000$u1eqtTbmfO/9PwegVKpVCg$C3qq.BwiYD6uhGOc0Mng1mNd/hVa6ahY1O/ydC3qCO4";
const MD5: &str = "3cb4e732631f47e6eb961f34554b7cde";

fn sample_salts() -> Md5Salts {
    Md5Salts {
        pwdsalt: Some(Secret::from("Please change me!")),
        pwdsalt2: Some(Secret::from("Addtional Salt. Please Change me!")),
    }
}

fn unusable(r: Result<impl std::fmt::Debug, LegacyError>) -> UnusableReason {
    match r {
        Err(LegacyError::UnusableHash { reason }) => reason,
        other => panic!("expected UnusableHash, got {other:?}"),
    }
}

#[test]
fn detects_every_format() {
    assert_eq!(detect(MD5).ok(), Some(HashFormat::Md5Hex));
    assert_eq!(detect(&MD5.to_uppercase()).ok(), Some(HashFormat::Md5Hex));
    assert_eq!(detect(PHPASS).ok(), Some(HashFormat::Phpass));
    assert_eq!(detect(&PHPASS.replace("$P$", "$H$")).ok(), Some(HashFormat::Phpass));
    assert_eq!(detect(BCRYPT_10).ok(), Some(HashFormat::Bcrypt));
    assert_eq!(detect(&BCRYPT_10.replace("$2y$", "$2a$")).ok(), Some(HashFormat::Bcrypt));
    assert_eq!(detect(&BCRYPT_10.replace("$2y$", "$2b$")).ok(), Some(HashFormat::Bcrypt));
    assert_eq!(detect(WP_10).ok(), Some(HashFormat::WpBcrypt));
    assert_eq!(detect(PBKDF2).ok(), Some(HashFormat::Pbkdf2Sha256));
}

#[test]
fn unknown_shapes_are_unknown_not_panics() {
    for v in [
        "x",
        "3cb4e732631f47e6eb961f34554b7cd",    // 31 hex
        "3cb4e732631f47e6eb961f34554b7cdeff", // 34 hex
        "3cb4e732631f47e6eb961f34554b7cdg",   // bad alphabet
        "$argon2id$v=19$m=65536,t=4,p=1$c29tZXNhbHQ$abc",
        "$generic$abcdef",
        "$1$saltsalt$abcdefghijklmnopqrstuv",
        "$2$",
        "$",
        "ü€",
        "*0",
    ] {
        match detect(v) {
            Err(LegacyError::UnknownHashFormat { .. }) => {}
            other => panic!("{v:?}: {other:?}"),
        }
    }
}

#[test]
fn malformed_known_prefixes_are_unusable_with_a_reason() {
    assert_eq!(unusable(detect("")), UnusableReason::NoPassword);
    assert_eq!(unusable(detect(&BCRYPT_10[..32])), UnusableReason::TruncatedBcrypt);
    assert_eq!(unusable(detect(&BCRYPT_10[..45])), UnusableReason::TruncatedBcrypt);
    assert_eq!(unusable(detect(&format!("$wp{}", &BCRYPT_10[..32]))), UnusableReason::TruncatedBcrypt);
    let cases = [
        (BCRYPT_10.replace("$10$", "$99$"), "bcrypt"),
        (BCRYPT_10.replace("$10$", "$1a$"), "bcrypt"),
        (format!("{}!", &BCRYPT_10[..59]), "bcrypt"),
        (WP_10.replace("$10$", "$00$"), "wp_bcrypt"),
        (PHPASS[..30].to_owned(), "phpass"),
        (PHPASS.replace("$P$B", "$P$z"), "phpass"),
        (PBKDF2.replace("$29000$", "$0$"), "pbkdf2_sha256"),
        (PBKDF2.replace("$29000$", "$4294967296$"), "pbkdf2_sha256"),
        (format!("{PBKDF2}AA"), "pbkdf2_sha256"),
    ];
    for (v, want) in &cases {
        match unusable(detect(v)) {
            UnusableReason::Malformed { format, .. } => assert_eq!(format, *want, "{v}"),
            other => panic!("{v}: {other:?}"),
        }
    }
}

#[test]
fn work_factor_caps_refuse_instead_of_hanging() {
    let rules = PasswordRules::halext();
    let huge = PBKDF2.replace("$29000$", "$4000000000$");
    assert_eq!(
        unusable(verify(&huge, b"pw", &rules)),
        UnusableReason::WorkFactorTooHigh { format: "pbkdf2_sha256", stored: 4_000_000_000, max: 1_000_000 }
    );
    let bcrypt31 = BCRYPT_10.replace("$10$", "$31$");
    assert!(matches!(
        unusable(verify(&bcrypt31, b"pw", &PasswordRules::zen3mp())),
        UnusableReason::WorkFactorTooHigh { format: "bcrypt", stored: 31, .. }
    ));
    let phpass30 = PHPASS.replace("$P$B", "$P$S"); // 'S' = 30
    assert!(matches!(
        unusable(verify(&phpass30, b"pw", &PasswordRules::wordpress())),
        UnusableReason::WorkFactorTooHigh { format: "phpass", stored: 30, .. }
    ));
    // Raising a cap is an explicit choice.
    let mut relaxed = PasswordRules::zen3mp();
    relaxed.limits.max_bcrypt_cost = 12;
    assert!(verify(BCRYPT_12, b"correct horse", &relaxed).expect("verify").is_some());
    relaxed.limits.max_bcrypt_cost = 11;
    assert!(verify(BCRYPT_12, b"correct horse", &relaxed).is_err());
}

#[test]
fn matches_report_scheme_and_variant() {
    let ab = PasswordRules::acmlmboard2(true, sample_salts());
    let m =
        verify("f155096f570622f4990b8efcc29f09b7", b"o'brien \"q\"", &ab).expect("verify").expect("match");
    assert_eq!((m.scheme, m.variant), (Scheme::Md5Salt2PassSalt, InputVariant::AddSlashes));
    let m = verify(BCRYPT_10, b"correct horse", &ab).expect("verify").expect("match");
    assert_eq!((m.scheme, m.variant), (Scheme::Bcrypt, InputVariant::Raw));
    let ab1 = PasswordRules::acmlmboard1();
    let m = verify("291272a69ff1bcb9ebd917acd36aba29", "p@ss w0rd ü".as_bytes(), &ab1).expect("verify");
    assert_eq!(m.map(|m| (m.scheme, m.variant)), Some((Scheme::Md5, InputVariant::Windows1252)));
    // WordPress never falls back to windows-1252 (the reference only says so for Acmlmboard).
    assert_eq!(
        verify("291272a69ff1bcb9ebd917acd36aba29", "p@ss w0rd ü".as_bytes(), &PasswordRules::wordpress())
            .ok(),
        Some(None)
    );
}

#[test]
fn the_variants_an_app_never_used_are_not_tried() {
    // ZEN3MP never escaped input: the addslashes-form bcrypt of vector 16 does not verify.
    let v16 = "$2y$10$qLhCAJKHh0Hz/LvnudVuSOKVTeaFf7dC0SFQ1AFuzKl5yLbwvr2l6";
    assert_eq!(verify(v16, b"o'brien \"q\"", &PasswordRules::zen3mp()).ok(), Some(None));
    assert!(
        verify(v16, b"o'brien \"q\"", &PasswordRules::acmlmboard2(false, Md5Salts::default()))
            .expect("ok")
            .is_some()
    );
    // Nobody trims or strips tags at login.
    let v17 = "$2y$10$Yh.5VaSi8j2i6/cBFgemge4ZkP35iVSVfHF6TZx0w3Ssa/t2r196q";
    assert_eq!(verify(v17, b"a<b>cdef", &PasswordRules::zen3mp()).ok(), Some(None));
    let v28 = "$wp$2y$10$hWZOZhNxGraBpLs4tGghRO5hYK8qkelyeNidRgoXTQnwZuk2v05k.";
    assert_eq!(verify(v28, b"  padded pw  ", &PasswordRules::wordpress()).ok(), Some(None));
}

#[test]
fn missing_salts_are_an_error_not_a_wrong_password() {
    let no_salts = PasswordRules::acmlmboard2(true, Md5Salts::default());
    assert_eq!(
        unusable(verify("9b70ca48433e0b776f24c75557817c1b", b"correct horse", &no_salts)),
        UnusableReason::MissingSalts
    );
    // With plain md5 also configured, a plain match still succeeds without salts.
    let mut both = no_salts.clone();
    both.md5 = vec![Md5Construction::Plain, Md5Construction::Salt2PassSalt];
    assert!(verify(MD5, b"correct horse", &both).expect("verify").is_some());
    assert_eq!(unusable(verify(MD5, b"wrong", &both)), UnusableReason::MissingSalts);
}

#[test]
fn login_rules_empty_password_sentinel_and_accepted_formats() {
    let wp = PasswordRules::wordpress();
    // Scheme level: md5("") verifies the empty password (vector 4)...
    assert!(verify("d41d8cd98f00b204e9800998ecf8427e", b"", &wp).expect("verify").is_some());
    // ...site level: the sentinel means "no usable password", in either case.
    assert_eq!(
        unusable(verify_login(Some("d41d8cd98f00b204e9800998ecf8427e"), b"", &wp)),
        UnusableReason::EmptyPasswordSentinel
    );
    assert_eq!(
        unusable(verify_login(Some("D41D8CD98F00B204E9800998ECF8427E"), b"x", &wp)),
        UnusableReason::EmptyPasswordSentinel
    );
    assert_eq!(unusable(verify_login(None, b"x", &wp)), UnusableReason::NoPassword);
    assert_eq!(unusable(verify_login(Some(""), b"x", &wp)), UnusableReason::NoPassword);
    // An empty typed password never logs in, even against a hash of "" (vector 33).
    let v33 = "$pbkdf2-sha256$29000$EaKUkrJ2LmXM.d/b2xuDUA$QdKCy5WaM0MkjVl4WKO/.S5U3JLBUEOSMMRg0cgdTDk";
    assert!(verify(v33, b"", &PasswordRules::halext()).expect("verify").is_some());
    assert_eq!(verify_login(Some(v33), b"", &PasswordRules::halext()).ok(), Some(None));
    // Formats the app never accepts.
    assert_eq!(
        unusable(verify_login(Some(MD5), b"correct horse", &PasswordRules::zen3mp())),
        UnusableReason::NotAcceptedBySite { format: "md5_hex" }
    );
    assert_eq!(
        unusable(verify_login(
            Some(MD5),
            b"correct horse",
            &PasswordRules::acmlmboard2(false, sample_salts())
        )),
        UnusableReason::NotAcceptedBySite { format: "md5_hex" }
    );
    assert_eq!(
        unusable(verify_login(Some(WP_10), b"correct horse", &PasswordRules::zen3mp())),
        UnusableReason::NotAcceptedBySite { format: "wp_bcrypt" }
    );
}

#[test]
fn wordpress_refuses_passwords_over_4096_bytes() {
    let wp = PasswordRules::wordpress();
    let long = vec![b'a'; 4097];
    let hash = hash_halext_pbkdf2_with_salt(&long, 1, b"salt");
    let mut rules = wp.clone();
    rules.accept.push(HashFormat::Pbkdf2Sha256);
    assert!(verify(&hash, &long, &rules).expect("scheme level").is_some());
    assert_eq!(verify_login(Some(&hash), &long, &rules).ok(), Some(None));
    let ok = vec![b'a'; 4096];
    let hash = hash_halext_pbkdf2_with_salt(&ok, 1, b"salt");
    assert!(verify_login(Some(&hash), &ok, &rules).expect("login").is_some());
}

#[test]
fn bcrypt_72_byte_policy() {
    // PHP semantics: only the first 72 bytes count for plain bcrypt (vectors 14/15)...
    let v14 = "$2y$10$ec1Srn3F03JyxvsUI8f28enOoZZKbc2eUwxHJp..uhqQdkIrL4hrC";
    let long = b"correct horse battery staple correct horse battery staple correct horse battery staple";
    let rules = PasswordRules::zen3mp();
    assert!(verify(v14, long, &rules).expect("ok").is_some());
    assert!(verify(v14, &long[..72], &rules).expect("ok").is_some());
    let mut other_tail = long[..72].to_vec();
    other_tail.extend_from_slice(b"anything else");
    assert!(verify(v14, &other_tail, &rules).expect("ok").is_some());
    assert!(verify(v14, &long[..71], &rules).expect("ok").is_none());
    // ...while $wp$ pre-hashes the whole password (vectors 26/27).
    let v26 = "$wp$2y$10$SFsOaxocmVb3bT4EvzJjmuRYIR7Rf5qALYWA93X.PpyQklwrg4qH.";
    let wp = PasswordRules::wordpress();
    assert!(verify(v26, long, &wp).expect("ok").is_some());
    assert!(verify(v26, &long[..72], &wp).expect("ok").is_none());
}

#[test]
fn digest_comparisons_are_constant_time() {
    // Every module that compares a digest does it with `subtle` (bcrypt: inside the bcrypt
    // crate, which uses `subtle::ConstantTimeEq`); none compares digests with `==`.
    let sources = [
        ("md5.rs", include_str!("md5.rs")),
        ("phpass.rs", include_str!("phpass.rs")),
        ("pbkdf2.rs", include_str!("pbkdf2.rs")),
    ];
    for (name, src) in sources {
        let code = src.split("#[cfg(test)]").next().unwrap_or(src);
        assert!(code.contains(".ct_eq("), "{name} must compare with subtle");
        for banned in
            ["== expected", "!= expected", "== hash.digest", "stored[12..] ==", "digest ==", "== encoded"]
        {
            assert!(!code.contains(banned), "{name} compares a digest with `{banned}`");
        }
    }
    let bcrypt_src = include_str!("bcrypt.rs");
    assert!(bcrypt_src.contains("bcrypt::verify("), "bcrypt checks go through the crate's ct_eq");
    // And a near-miss in any byte position is a mismatch.
    let rules = PasswordRules::acmlmboard1();
    let mut digest = *b"3cb4e732631f47e6eb961f34554b7cde";
    for i in [0, 15, 31] {
        let saved = digest[i];
        digest[i] = if saved == b'0' { b'1' } else { b'0' };
        let s = std::str::from_utf8(&digest).expect("ascii");
        assert_eq!(verify(s, b"correct horse", &rules).ok(), Some(None), "byte {i}");
        digest[i] = saved;
    }
}

#[test]
fn needs_rehash_per_policy() {
    use RehashPolicy as P;
    // WordPress 6.8: anything without $wp, or $wp at another cost.
    for h in [MD5, PHPASS, BCRYPT_10, BCRYPT_12, PBKDF2] {
        assert!(needs_rehash(h, P::WORDPRESS_6_8), "{h}");
    }
    assert!(!needs_rehash(WP_10, P::WORDPRESS_6_8));
    assert!(needs_rehash(WP_10, P::WordPress { cost: 12 }));
    // PHP bcrypt: cost below the target; md5/phpass always.
    assert!(!needs_rehash(BCRYPT_10, P::PHP_BCRYPT));
    assert!(!needs_rehash(BCRYPT_12, P::PHP_BCRYPT));
    assert!(needs_rehash(BCRYPT_10, P::PhpBcrypt { cost: 12 }));
    assert!(needs_rehash(MD5, P::PHP_BCRYPT));
    assert!(needs_rehash(PHPASS, P::PHP_BCRYPT));
    // Halext: pbkdf2 below 29000 rounds.
    assert!(!needs_rehash(PBKDF2, P::HALEXT));
    assert!(needs_rehash(&PBKDF2.replace("$29000$", "$28999$"), P::HALEXT));
    assert!(needs_rehash(BCRYPT_10, P::HALEXT));
    // Unusable values always need replacing.
    assert!(needs_rehash(&BCRYPT_10[..32], P::PHP_BCRYPT));
    assert!(needs_rehash("garbage", P::HALEXT));
}

#[test]
fn errors_never_contain_the_password_or_hash() {
    let secret_pw = b"hunter2-secret";
    let errs = [
        verify_login(Some(&BCRYPT_10[..32]), secret_pw, &PasswordRules::zen3mp()).err(),
        verify_login(
            Some("$2x$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG"),
            secret_pw,
            &PasswordRules::zen3mp(),
        )
        .err(),
        verify_login(
            Some("9b70ca48433e0b776f24c75557817c1b"),
            secret_pw,
            &PasswordRules::acmlmboard2(true, Md5Salts::default()),
        )
        .err(),
        verify_login(Some("not-a-hash-3cb4e7"), secret_pw, &PasswordRules::wordpress()).err(),
    ];
    for e in errs {
        let e = e.expect("an error");
        let msg = format!("{e} {e:?}");
        assert!(!msg.contains("hunter2"), "{msg}");
        assert!(!msg.contains("ubv0ZG") && !msg.contains("9b70ca") && !msg.contains("3cb4e7"), "{msg}");
    }
}

#[test]
fn garbage_and_mutated_hashes_never_panic() {
    use rand::{Rng, SeedableRng};
    // Cheap caps so that structurally valid mutations are refused before any real hashing.
    let mut rules = PasswordRules::wordpress();
    rules.accept.push(HashFormat::Pbkdf2Sha256);
    rules.md5 = vec![Md5Construction::Plain, Md5Construction::PassSalt, Md5Construction::Salt2PassSalt];
    rules.salts = sample_salts();
    rules.windows1252_md5 = true;
    rules.limits = Limits { max_bcrypt_cost: 3, max_phpass_log2: 7, max_pbkdf2_rounds: 1 };
    let seeds = [BCRYPT_10, WP_10, PHPASS, PBKDF2, MD5];
    let alphabet: Vec<char> = "$$$2ywbPH0123456789abcdefABCDEF./+=-_ pbkdf2-sha256é€\u{0}".chars().collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x4841_4c45_5854);
    let mut checked = 0;
    let mut try_one = |s: &str| {
        let _ = detect(s);
        let _ = verify(s, "o'ü".as_bytes(), &rules);
        let _ = verify_login(Some(s), b"x", &rules);
        let _ = needs_rehash(s, RehashPolicy::HALEXT);
        checked += 1;
    };
    for seed in seeds {
        for cut in 0..=seed.len() {
            try_one(&seed[..cut]);
        }
        for _ in 0..300 {
            let mut chars: Vec<char> = seed.chars().collect();
            for _ in 0..rng.random_range(1..4) {
                let i = rng.random_range(0..chars.len());
                chars[i] = alphabet[rng.random_range(0..alphabet.len())];
            }
            try_one(&chars.into_iter().collect::<String>());
        }
    }
    for _ in 0..2000 {
        let len = rng.random_range(0..80);
        let s: String = (0..len).map(|_| alphabet[rng.random_range(0..alphabet.len())]).collect();
        try_one(&s);
    }
    assert!(checked > 3500);
}
