//! `halext hash verify|identify` as the built binary, on vectors of
//! `tests/data/hash-vectors.json`: the password always on stdin or in a file (never argv), the
//! hash from argv, a file or the environment, exit codes 0 match / 1 no match / 2 unusable.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use serde_json::Value;
use support::{code, halext, text};

fn vectors() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/hash-vectors.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

const SALT: &str = "Please change me!";
const SALT2: &str = "Addtional Salt. Please Change me!";

/// Runs `hash verify --app APP --hash H` with `password` + newline on stdin and the sample
/// Acmlmboard salts in the environment.
fn verify(app: &str, hash: &str, password: &str) -> std::process::Output {
    halext(
        &["hash", "verify", "--app", app, "--hash", hash, "--pwdsalt-env", "SALT", "--pwdsalt2-env", "SALT2"],
        &[("SALT", SALT), ("SALT2", SALT2)],
        &format!("{password}\n"),
    )
}

#[test]
fn vectors_verify_with_the_scheme_and_input_form_they_name() {
    let v = vectors();
    // (vector index, app, password typed, expected stdout)
    let cases: &[(usize, &str, &str, &str)] = &[
        (0, "generic", "correct horse", "match (md5_hex, raw)"),
        (2, "acmlmboard", "p@ss w0rd ü", "match (md5_hex, windows1252)"),
        (3, "acmlmboard", "o'brien \"q\"", "match (md5_hex, addslashes)"),
        (5, "acmlmboard", "correct horse", "match (acmlm2_md5_pass_salt, raw)"),
        (7, "acmlmboard", "correct horse", "match (acmlm2_md5_salt2_pass_salt, raw)"),
        (11, "zen3mp", "correct horse", "match (php_bcrypt, raw)"),
        (20, "wordpress", "correct horse", "match (wp_phpass, raw)"),
        (22, "wordpress", "o'brien \"q\"", "match (wp_phpass, addslashes)"),
        (23, "wordpress", "correct horse", "match (wp_bcrypt_sha384, raw)"),
        (31, "halext", "correct horse", "match (halext_pbkdf2_sha256, raw)"),
    ];
    for &(i, app, password, want) in cases {
        let hash = v[i]["hash"].as_str().unwrap();
        let o = verify(app, hash, password);
        assert_eq!((code(&o), text(&o.stdout).trim()), (0, want), "vector {i}: {}", text(&o.stderr));
    }
    // Vectors that must not verify as typed: exit 1, "no match".
    for (i, app, password) in [(18, "zen3mp", "a<b>cdef"), (29, "wordpress", "  padded pw  ")] {
        assert_eq!(v[i]["valid"], false);
        let o = verify(app, v[i]["hash"].as_str().unwrap(), password);
        assert_eq!((code(&o), text(&o.stdout).trim()), (1, "no match"), "vector {i}");
    }
    // ZEN3MP never escaped input: the addslashes form is not tried for it.
    let o = verify("zen3mp", v[16]["hash"].as_str().unwrap(), "o'brien \"q\"");
    assert_eq!(code(&o), 1);
}

#[test]
fn unusable_hashes_exit_2_with_the_reason_never_the_hash() {
    // md5 of the empty string: "no usable password".
    let o = verify("generic", "d41d8cd98f00b204e9800998ecf8427e", "anything");
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("legacy.unusable_hash") && text(&o.stderr).contains("empty string"));
    // A bcrypt cut by AB2's varchar(32).
    let o = verify("acmlmboard", "$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ", "correct horse");
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("truncated"), "{}", text(&o.stderr));
    // Salted md5 without salts: not "no match" but the reason.
    let bob = vectors()[7]["hash"].as_str().unwrap().to_owned();
    let o = halext(&["hash", "verify", "--app", "acmlmboard", "--hash", &bob], &[], "correct horse\n");
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("pwdsalt"), "{}", text(&o.stderr));
    // md5 on ZEN3MP: never accepted by its login.
    let o = verify("zen3mp", "3cb4e732631f47e6eb961f34554b7cde", "correct horse");
    assert_eq!(code(&o), 2);
    // Unknown formats name the shape only.
    let o = verify("generic", "$generic$abcdefsecretpart", "x");
    assert_eq!(code(&o), 2);
    let err = text(&o.stderr);
    assert!(err.contains("legacy.unknown_hash_format") && !err.contains("secretpart"), "{err}");
}

#[test]
fn the_hash_comes_from_argv_a_file_or_the_environment_and_the_password_from_stdin_or_a_file() {
    let v = vectors();
    let hash = v[11]["hash"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let hash_file = dir.path().join("hash");
    std::fs::write(&hash_file, format!("{hash}\n")).unwrap();
    let o = halext(&["hash", "verify", "--hash-file", hash_file.to_str().unwrap()], &[], "correct horse\r\n");
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let o = halext(&["hash", "verify", "--hash-env", "H"], &[("H", hash)], "correct horse");
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    // Only the first line of stdin is the password.
    let o = halext(&["hash", "verify", "--hash", hash], &[], "correct horse\nsecond line\n");
    assert_eq!(code(&o), 0);
    // A password file is read whole (one trailing newline removed): vector 14 is 86 bytes
    // and bcrypt uses the first 72, like PHP.
    let long = v[14]["password"].as_str().unwrap();
    assert_eq!(long.len(), 86);
    let pw_file = dir.path().join("pw");
    std::fs::write(&pw_file, format!("{long}\n")).unwrap();
    let o = halext(
        &[
            "hash",
            "verify",
            "--hash",
            v[14]["hash"].as_str().unwrap(),
            "--password-file",
            pw_file.to_str().unwrap(),
        ],
        &[],
        "",
    );
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    // No hash source, an unknown app, JSON output.
    let o = halext(&["hash", "verify"], &[], "x\n");
    assert_eq!(code(&o), 2);
    let o = halext(&["hash", "verify", "--hash", hash, "--app", "phpbb"], &[], "x\n");
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("known: generic, acmlmboard, wordpress, zen3mp, halext"));
    let o = halext(&["--format", "json", "hash", "verify", "--hash", hash], &[], "correct horse\n");
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((j["match"].as_bool(), j["scheme"].as_str()), (Some(true), Some("php_bcrypt")));
}

#[test]
fn a_configured_site_checks_as_its_login_would() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("halext.toml");
    std::fs::write(
        &cfg,
        "[[site]]\nname = \"forum\"\nprofile = \"acmlmboard\"\ndsn = \"mysql://u:p@127.0.0.1:1/db\"\n\
         [site.acmlmboard]\nlegacylogin = true\npwdsalt_env = \"SALT\"\npwdsalt2_env = \"SALT2\"\n",
    )
    .unwrap();
    let bob = vectors()[7]["hash"].as_str().unwrap().to_owned();
    let args =
        ["hash", "verify", "--site", "forum", "--config", cfg.to_str().unwrap(), "--hash", bob.as_str()];
    let o = halext(&args, &[("SALT", SALT), ("SALT2", SALT2)], "correct horse\n");
    assert_eq!((code(&o), text(&o.stdout).trim()), (0, "match (acmlm2_md5_salt2_pass_salt, raw)"));
    let o = halext(&args, &[("SALT", SALT), ("SALT2", SALT2)], "wrong\n");
    assert_eq!(code(&o), 1);
}

#[test]
fn identify_names_formats_and_parameters() {
    let v = vectors();
    for (i, want) in [
        (0, "md5_hex"),
        (11, "bcrypt (cost 10)"),
        (20, "phpass (2^13 rounds)"),
        (23, "wp_bcrypt (cost 10)"),
        (31, "pbkdf2_sha256 (29000 rounds)"),
    ] {
        let o = halext(&["hash", "identify", v[i]["hash"].as_str().unwrap()], &[], "");
        assert_eq!(code(&o), 0);
        assert!(text(&o.stdout).starts_with(want), "vector {i}: {}", text(&o.stdout));
    }
    let o = halext(&["hash", "identify", "d41d8cd98f00b204e9800998ecf8427e"], &[], "");
    assert_eq!(code(&o), 1);
    assert!(text(&o.stdout).contains("no usable password"));
    let o = halext(&["hash", "identify", "nonsense"], &[], "");
    assert_eq!(code(&o), 1);
}
