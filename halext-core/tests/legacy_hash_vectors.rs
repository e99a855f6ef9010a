//! The hash-vector table (`tests/data/hash-vectors.json`, legacy-users.md §6) through the
//! verifier, the way each app that uses a scheme logs people in.
//!
//! For every vector and every app listed in its `apps`:
//! * the test types `password` (UTF-8) after the transforms the app applied only when the
//!   password was *set* (`php_trim`, `php_strip_tags`); it does **not** apply `php_addslashes`
//!   or the windows-1252 encoding: finding those forms is the verifier's job;
//! * the expected result is the vector's `valid`, unless the vector needs an input form the
//!   app never tried (ZEN3MP never escaped input, WordPress never re-encoded to windows-1252);
//! * on a match, the reported scheme is the vector's `scheme` and the reported input form is
//!   the one its `transforms`/`password_encoding` describe.
//!
//! Empty passwords go through the scheme-level `verify` (vector 4 and 33 verify there) and
//! are checked to be refused by the site-level `verify_login`.
//! A separate low-level test feeds `input_hex` to the scheme level with no input variants.

use halext_core::Secret;
use halext_core::legacy::UnusableReason;
use halext_core::legacy::error::LegacyError;
use halext_core::legacy::password::{
    self, HashFormat, InputVariant, Md5Construction, Md5Salts, PasswordRules,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Vector {
    scheme: String,
    password: String,
    hash: String,
    valid: bool,
    input_hex: String,
    password_encoding: String,
    transforms: Vec<String>,
    #[serde(default)]
    params: serde_json::Map<String, serde_json::Value>,
    apps: Vec<String>,
}

fn vectors() -> Vec<Vector> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/hash-vectors.json");
    let text = std::fs::read_to_string(path).expect("read tests/data/hash-vectors.json");
    let v: Vec<Vector> = serde_json::from_str(&text).expect("parse hash vectors");
    assert_eq!(v.len(), 35, "the reference table has 35 vectors");
    v
}

fn param(v: &Vector, key: &str) -> Option<Secret> {
    v.params.get(key).and_then(|p| p.as_str()).map(Secret::from)
}

fn salts(v: &Vector) -> Md5Salts {
    Md5Salts {
        pwdsalt: Some(param(v, "pwdsalt").unwrap_or_else(|| Secret::from("Please change me!"))),
        pwdsalt2: Some(
            param(v, "pwdsalt2").unwrap_or_else(|| Secret::from("Addtional Salt. Please Change me!")),
        ),
    }
}

/// The rules of the app named in a vector's `apps`.
fn rules_for(app: &str, v: &Vector) -> PasswordRules {
    let with_md5 = |mut r: PasswordRules, c: Md5Construction| {
        r.md5 = vec![c];
        r
    };
    match app {
        "acmlmboard-1.x" => PasswordRules::acmlmboard1(),
        "acmlmboard-2 (2011-08..2011-12)" => {
            with_md5(PasswordRules::acmlmboard2(true, salts(v)), Md5Construction::Plain)
        }
        "acmlmboard-2 (2011-12..2014-02)" => {
            with_md5(PasswordRules::acmlmboard2(true, salts(v)), Md5Construction::PassSalt)
        }
        "acmlmboard-2 (2014-02..2019-01, and legacylogin fallback after)" => {
            PasswordRules::acmlmboard2(true, salts(v))
        }
        "rasmusolle/Acmlmboard" => PasswordRules::acmlmboard2_md5(salts(v)),
        "acmlmboard-2 (>=2019-01)" => PasswordRules::acmlmboard2(false, Md5Salts::default()),
        "zen3mp" => PasswordRules::zen3mp(),
        "wordpress (legacy md5)" | "wordpress 2.5..6.7 (still accepted by 6.8+)" | "wordpress >= 6.8" => {
            PasswordRules::wordpress()
        }
        "halext" => PasswordRules::halext(),
        other => panic!("no rules for app {other:?}: map it in rules_for"),
    }
}

const PHP_TRIM: &[char] = &[' ', '\t', '\n', '\r', '\0', '\x0b'];

/// What the user types: the password after the transforms applied only at set time.
fn typed(v: &Vector) -> String {
    let mut pw = v.password.clone();
    for t in &v.transforms {
        match t.as_str() {
            "php_trim" => pw = pw.trim_matches(PHP_TRIM).to_owned(),
            "php_strip_tags" => {
                // Enough of PHP's strip_tags for the vector (`a<b>cdef`): drop `<...>` runs.
                let mut out = String::new();
                let mut in_tag = false;
                for c in pw.chars() {
                    match c {
                        '<' => in_tag = true,
                        '>' if in_tag => in_tag = false,
                        c if !in_tag => out.push(c),
                        _ => {}
                    }
                }
                pw = out;
            }
            "php_addslashes" => {} // the verifier's job
            other => panic!("unknown transform {other}"),
        }
    }
    pw
}

fn expected_variant(v: &Vector) -> InputVariant {
    let slashes = v.transforms.iter().any(|t| t == "php_addslashes");
    match (v.password_encoding.as_str(), slashes) {
        ("windows-1252", true) => InputVariant::Windows1252AddSlashes,
        ("windows-1252", false) => InputVariant::Windows1252,
        (_, true) => InputVariant::AddSlashes,
        (_, false) => InputVariant::Raw,
    }
}

/// Runs every vector of `scheme` through every app it lists; returns how many checks ran.
fn run_scheme(scheme: &str) -> usize {
    let mut checks = 0;
    for (i, v) in vectors().iter().enumerate().filter(|(_, v)| v.scheme == scheme) {
        let pw = typed(v);
        let want_variant = expected_variant(v);
        for app in &v.apps {
            let rules = rules_for(app, v);
            let form_tried = match want_variant {
                InputVariant::Raw => true,
                InputVariant::AddSlashes => rules.addslashes,
                InputVariant::Windows1252 => rules.windows1252_md5,
                InputVariant::Windows1252AddSlashes => rules.addslashes && rules.windows1252_md5,
            };
            let expected = v.valid && form_tried;
            let got = if pw.is_empty() {
                // Scheme level: md5("") / pbkdf2("") verify the empty password...
                let got = password::verify(&v.hash, pw.as_bytes(), &rules)
                    .unwrap_or_else(|e| panic!("#{i} {app}: {e}"));
                // ...site level: never a login.
                match password::verify_login(Some(&v.hash), b"", &rules) {
                    Ok(None) => {}
                    Err(LegacyError::UnusableHash { reason: UnusableReason::EmptyPasswordSentinel }) => {}
                    other => panic!("#{i} {app}: empty password must be refused, got {other:?}"),
                }
                got
            } else {
                password::verify_login(Some(&v.hash), pw.as_bytes(), &rules)
                    .unwrap_or_else(|e| panic!("#{i} {app}: {e}"))
            };
            assert_eq!(got.is_some(), expected, "#{i} {scheme} via {app}: password {:?}", v.password);
            if let Some(m) = got {
                assert_eq!(m.scheme.as_str(), v.scheme, "#{i} {app}: matched scheme");
                assert_eq!(m.variant, want_variant, "#{i} {app}: matched input form");
            }
            checks += 1;
        }
    }
    checks
}

#[test]
fn md5_hex_vectors() {
    assert_eq!(run_scheme("md5_hex"), 15);
}

#[test]
fn acmlmboard_salted_md5_vectors() {
    assert_eq!(run_scheme("acmlm2_md5_pass_salt"), 2);
    assert_eq!(run_scheme("acmlm2_md5_salt2_pass_salt"), 8);
}

#[test]
fn php_bcrypt_vectors() {
    assert_eq!(run_scheme("php_bcrypt"), 18);
}

#[test]
fn wordpress_phpass_vectors() {
    assert_eq!(run_scheme("wp_phpass"), 3);
}

#[test]
fn wordpress_bcrypt_sha384_vectors() {
    assert_eq!(run_scheme("wp_bcrypt_sha384"), 8);
}

#[test]
fn halext_pbkdf2_vectors() {
    assert_eq!(run_scheme("halext_pbkdf2_sha256"), 4);
}

/// Low level: the exact bytes each scheme consumed (`input_hex`), no input variants, every
/// format accepted; the result must be the vector's `valid`.
#[test]
fn input_hex_at_the_scheme_level() {
    for (i, v) in vectors().iter().enumerate() {
        let input = hex::decode(&v.input_hex).expect("input_hex");
        let mut rules = PasswordRules::zen3mp();
        rules.accept = vec![
            HashFormat::Md5Hex,
            HashFormat::Phpass,
            HashFormat::Bcrypt,
            HashFormat::WpBcrypt,
            HashFormat::Pbkdf2Sha256,
        ];
        rules.salts = salts(v);
        rules.md5 = match v.scheme.as_str() {
            "acmlm2_md5_pass_salt" => vec![Md5Construction::PassSalt],
            "acmlm2_md5_salt2_pass_salt" => vec![Md5Construction::Salt2PassSalt],
            _ => vec![Md5Construction::Plain],
        };
        let got = password::verify(&v.hash, &input, &rules).unwrap_or_else(|e| panic!("#{i}: {e}"));
        assert_eq!(got.is_some(), v.valid, "#{i} {}", v.scheme);
        if let Some(m) = got {
            assert_eq!((m.scheme.as_str(), m.variant), (v.scheme.as_str(), InputVariant::Raw), "#{i}");
        }
    }
}

/// The reference's external golden values (legacy-users.md §2.3): phpass's own test value.
#[test]
fn phpass_reference_value() {
    let m = password::verify_login(
        Some("$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"),
        b"test12345",
        &PasswordRules::wordpress(),
    )
    .expect("verify");
    assert!(m.is_some());
}
