//! Arguments of `Halext\Client` methods: strings taken as raw bytes (so a bad one gets a halext
//! error naming the parameter, not a bare `TypeError`), the `array $options = []` parameter, an
//! option bag that rejects unknown keys, and the array return type.

use crate::convert;
use ext_php_rs::convert::{FromZval, IntoZval, StubLiteral};
use ext_php_rs::flags::DataType;
use ext_php_rs::types::{ZendHashTable, Zval};
use halext_core::{AnyError, Code, Secret};
use serde_json::{Map, Value};

/// A PHP `string` argument as raw bytes.
pub struct Text<'a>(pub &'a [u8]);

impl<'a> FromZval<'a> for Text<'a> {
    const TYPE: DataType = DataType::String;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        zval.zend_str().map(|s| Text(s.as_bytes()))
    }
}

impl<'a> Text<'a> {
    /// The string as UTF-8.
    ///
    /// # Errors
    /// `INVALID_ARGUMENT` naming `$name` (never the value).
    pub fn utf8(&self, name: &str) -> Result<&'a str, AnyError> {
        std::str::from_utf8(self.0)
            .map_err(|_| AnyError::new(Code::InvalidArgument, format!("${name} is not valid UTF-8")))
    }

    /// The bytes as a secret (a password: any bytes; the core says if they are unusable).
    pub fn secret(&self) -> Secret {
        Secret::new(self.0)
    }
}

/// The `array $options = []` parameter: `[]` when omitted (an `Option<&ZendHashTable>` would
/// declare `?array $options = null`).
pub struct OptionsArg<'a>(pub Option<&'a ZendHashTable>);

impl OptionsArg<'_> {
    /// The default: no options.
    pub const EMPTY: OptionsArg<'static> = OptionsArg(None);
}

impl<'a> FromZval<'a> for OptionsArg<'a> {
    const TYPE: DataType = DataType::Array;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        zval.array().map(|a| OptionsArg(Some(a)))
    }
}

impl StubLiteral for OptionsArg<'_> {
    fn stub_literal(&self) -> String {
        "[]".to_owned()
    }
}

/// A PHP array return value (declared `: array`; a `Zval` would declare `mixed`).
pub struct PhpArray(pub Zval);

impl IntoZval for PhpArray {
    const TYPE: DataType = DataType::Array;
    const NULLABLE: bool = false;

    fn set_zval(self, zv: &mut Zval, _persistent: bool) -> ext_php_rs::error::Result<()> {
        *zv = self.0;
        Ok(())
    }
}

fn invalid(message: String) -> AnyError {
    AnyError::new(Code::InvalidArgument, message)
}

/// The key of an array entry (an int or a string zval) as text.
fn key_text(key: &Zval) -> String {
    match (key.long(), key.zend_str()) {
        (Some(i), _) => i.to_string(),
        (None, Some(s)) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        (None, None) => String::new(),
    }
}

/// An options or input array as named values: secret entries are taken out as bytes (they
/// never become JSON text), the rest converted with [`convert::to_json`]. Unknown keys are an
/// error when [`Bag::finish`] is called.
pub struct Bag {
    /// What the array is, for messages (`$options`, `$user`).
    what: &'static str,
    map: Map<String, Value>,
    secrets: Vec<(String, Secret)>,
}

impl Bag {
    /// Reads `array` (`None`: empty); the values of `secret_keys` are kept as raw bytes (they
    /// must be strings or null).
    ///
    /// # Errors
    /// `INVALID_ARGUMENT`: a value that cannot be converted (object, resource, NAN, ...), a
    /// secret that is not a string.
    pub fn read(
        what: &'static str,
        array: Option<&ZendHashTable>,
        secret_keys: &[&str],
    ) -> Result<Bag, AnyError> {
        Bag::read_except(what, array, secret_keys, &[])
    }

    /// Like [`Bag::read`], leaving out the entries of `skip` (the caller reads them from the
    /// array itself, e.g. to keep their order).
    ///
    /// # Errors
    /// As [`Bag::read`].
    pub fn read_except(
        what: &'static str,
        array: Option<&ZendHashTable>,
        secret_keys: &[&str],
        skip: &[&str],
    ) -> Result<Bag, AnyError> {
        let mut bag = Bag { what, map: Map::new(), secrets: Vec::new() };
        let Some(array) = array else { return Ok(bag) };
        let mut iter = array.iter();
        while let Some((key, value)) = iter.next_zval() {
            let name = key_text(&key);
            let value = value.dereference();
            if value.is_null() || skip.contains(&name.as_str()) {
                continue;
            }
            if secret_keys.contains(&name.as_str()) {
                let bytes = value
                    .zend_str()
                    .ok_or_else(|| invalid(format!("{what}['{name}'] must be a string")))?
                    .as_bytes();
                bag.secrets.push((name, Secret::new(bytes)));
                continue;
            }
            let json = convert::to_json(value)
                .map_err(|e| invalid(format!("{what}['{name}']: {}", strip_root(&e.to_string()))))?;
            bag.map.insert(name, json);
        }
        Ok(bag)
    }

    /// Takes a secret entry.
    pub fn secret(&mut self, key: &str) -> Option<Secret> {
        let i = self.secrets.iter().position(|(k, _)| k == key)?;
        Some(self.secrets.swap_remove(i).1)
    }

    /// Takes an entry as it is.
    pub fn value(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key)
    }

    /// Takes a string entry.
    ///
    /// # Errors
    /// `INVALID_ARGUMENT` when it is not a string.
    pub fn string(&mut self, key: &str) -> Result<Option<String>, AnyError> {
        match self.map.remove(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(invalid(format!("{}['{key}'] must be a string", self.what))),
        }
    }

    /// Takes a non-negative integer entry (an int, or a decimal string).
    ///
    /// # Errors
    /// `INVALID_ARGUMENT` otherwise.
    pub fn whole(&mut self, key: &str) -> Result<Option<u64>, AnyError> {
        match self.map.remove(key) {
            None => Ok(None),
            Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
            Some(Value::String(s)) if s.trim().parse::<u64>().is_ok() => Ok(s.trim().parse().ok()),
            Some(_) => Err(invalid(format!("{}['{key}'] must be a whole number, 0 or more", self.what))),
        }
    }

    /// The remaining entries as a JSON object (for a typed input deserialised by the core).
    pub fn into_map(self) -> Map<String, Value> {
        self.map
    }

    /// Fails on any entry left (an unknown key: probably a typo), naming it and the known ones.
    ///
    /// # Errors
    /// `INVALID_ARGUMENT`.
    pub fn finish(self, known: &[&str]) -> Result<(), AnyError> {
        let left = self.map.keys().chain(self.secrets.iter().map(|(k, _)| k)).next();
        match left {
            None => Ok(()),
            Some(k) => {
                let shown: String = k.chars().take(40).collect();
                Err(invalid(format!("{}: unknown key '{shown}' (known: {})", self.what, known.join(", "))))
            }
        }
    }
}

/// A conversion message without its leading `$` root (the caller prefixes its own path).
fn strip_root(message: &str) -> &str {
    message.strip_prefix('$').unwrap_or(message)
}

/// Deserialises a core input type from an array's entries (the core's wording of errors:
/// `INVALID_ARGUMENT` naming the array and key, never a value).
///
/// # Errors
/// See [`halext_core::api::from_json_input`].
pub fn typed<T: serde::de::DeserializeOwned>(what: &str, map: Map<String, Value>) -> Result<T, AnyError> {
    halext_core::api::from_json_input(what, Value::Object(map))
}
