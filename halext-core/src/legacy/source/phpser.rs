//! The two PHP-serialized usermeta values a WordPress reader needs (legacy-users.md §2.1):
//! `{prefix}capabilities` (`a:1:{s:13:"administrator";b:1;}`: role ⇒ true; `a:0:{}` = no
//! role) and `session_tokens` (each entry has a `login` Unix time).
//!
//! Tokenising is done by the `phpserz` crate (zero-copy, never panics on bad input); this
//! module only walks the token stream with an explicit stack (no recursion, depth capped).

use phpserz::{PhpParser, PhpToken};

/// Deepest nesting accepted (WordPress values are 1–2 levels deep).
const MAX_DEPTH: usize = 16;

/// An array key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key<'a> {
    Int(i64),
    Str(&'a [u8]),
}

/// Walks a serialized value, calling `visit(path, token)` for every scalar, where `path` is
/// the keys from the top-level array down to the scalar.
fn walk<'a>(data: &'a [u8], mut visit: impl FnMut(&[Key<'a>], &PhpToken<'a>)) -> Result<(), String> {
    let err = |e: phpserz::Error| format!("PHP serialize: {e}");
    let mut p = PhpParser::new(data);
    let mut path: Vec<Key<'a>> = Vec::new();
    // Remaining key/value pairs of each open array or object.
    let mut open: Vec<u32> = Vec::new();
    match p.read_token().map_err(err)? {
        PhpToken::Array { elements } => open.push(elements),
        PhpToken::Object { properties, .. } => open.push(properties),
        PhpToken::End => return Err("PHP serialize: unexpected `}`".into()),
        scalar => visit(&path, &scalar),
    }
    while let Some(remaining) = open.last_mut() {
        if *remaining == 0 {
            match p.read_token().map_err(err)? {
                PhpToken::End => {}
                _ => return Err("PHP serialize: more elements than declared".into()),
            }
            open.pop();
            if !open.is_empty() {
                path.pop();
            }
            continue;
        }
        *remaining -= 1;
        let key = match p.read_token().map_err(err)? {
            PhpToken::String(s) => Key::Str(s.as_bytes()),
            PhpToken::Integer(i) => Key::Int(i),
            _ => return Err("PHP serialize: array key is not a string or integer".into()),
        };
        match p.read_token().map_err(err)? {
            PhpToken::Array { elements: n } | PhpToken::Object { properties: n, .. } => {
                if open.len() >= MAX_DEPTH {
                    return Err("PHP serialize: nested too deeply".into());
                }
                path.push(key);
                open.push(n);
            }
            PhpToken::End => return Err("PHP serialize: fewer elements than declared".into()),
            scalar => {
                path.push(key);
                visit(&path, &scalar);
                path.pop();
            }
        }
    }
    if p.next_token().map_err(err)?.is_some() {
        return Err("PHP serialize: trailing data after the value".into());
    }
    Ok(())
}

/// The roles in a `{prefix}capabilities` value: the string keys of the top-level array, as
/// `WP_User::get_role_caps()` takes them (`array_keys($this->caps)`). `a:0:{}` → empty.
///
/// # Errors
/// A description when the value is not a well-formed serialized array.
pub(crate) fn capability_roles(data: &[u8]) -> Result<Vec<String>, String> {
    let mut roles = Vec::new();
    let mut top_is_array = true;
    walk(data, |path, _| match path {
        [Key::Str(role)] => roles.push(String::from_utf8_lossy(role).into_owned()),
        [] => top_is_array = false,
        _ => {}
    })?;
    if !top_is_array {
        return Err("capabilities are not a serialized array".into());
    }
    Ok(roles)
}

/// The latest `login` time (Unix seconds) in a `session_tokens` value, `None` when there is
/// none.
///
/// # Errors
/// A description when the value is not well-formed.
pub(crate) fn latest_session_login(data: &[u8]) -> Result<Option<i64>, String> {
    let mut latest: Option<i64> = None;
    walk(data, |path, token| {
        if let ([_, Key::Str(b"login")], PhpToken::Integer(t)) = (path, token) {
            if *t > 0 {
                latest = Some(latest.map_or(*t, |l| l.max(*t)));
            }
        }
    })?;
    Ok(latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_from_the_fixture_values() {
        assert_eq!(
            capability_roles(br#"a:1:{s:13:"administrator";b:1;}"#),
            Ok(vec!["administrator".to_owned()])
        );
        assert_eq!(capability_roles(b"a:0:{}"), Ok(vec![]));
        assert_eq!(
            capability_roles(br#"a:2:{s:6:"editor";b:1;s:10:"edit_posts";b:1;}"#),
            Ok(vec!["editor".to_owned(), "edit_posts".to_owned()])
        );
    }

    #[test]
    fn session_login_time() {
        let v = br#"a:1:{s:64:"f99137f885a6abdb2639569c626b06dcb2e06c11712efa5f7d5e1a7eac589127";a:4:{s:10:"expiration";i:1749981600;s:2:"ip";s:12:"203.0.113.10";s:2:"ua";s:21:"Mozilla/5.0 (fixture)";s:5:"login";i:1748772000;}}"#;
        assert_eq!(latest_session_login(v), Ok(Some(1_748_772_000)));
        let two = br#"a:2:{s:1:"a";a:1:{s:5:"login";i:100;}s:1:"b";a:1:{s:5:"login";i:300;}}"#;
        assert_eq!(latest_session_login(two), Ok(Some(300)));
        assert_eq!(latest_session_login(b"a:0:{}"), Ok(None));
    }

    #[test]
    fn malformed_values_are_errors_not_panics() {
        for bad in [
            &b""[..],
            b"a:1:{",
            b"a:2:{s:6:\"editor\";b:1;}",
            b"a:1:{s:6:\"editor\";b:1;s:1:\"x\";b:1;}",
            b"a:1:{s:99:\"editor\";b:1;}",
            b"a:1:{s:6:\"editor\";b:1;}trailing",
            b"a:1:{a:0:{};b:1;}",
            b"s:5:\"hello\";",
            b"b:1;",
            b"}",
            b"x:1;",
            b"a:4294967295:{}",
            b"a:-1:{}",
        ] {
            assert!(capability_roles(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        let deep = "a:1:{i:0;".repeat(40) + &"}".repeat(40);
        assert!(capability_roles(deep.as_bytes()).is_err());
    }
}
