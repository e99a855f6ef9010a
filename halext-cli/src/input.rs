//! Reading a token from a file or stdin (never from argv).

use std::io::Read;
use std::path::Path;

use halext_core::Code;

use crate::exit::Exit;
use crate::output::Failure;

/// Largest input read, in bytes (the inspector's own cap is the same, 64 KiB).
pub const MAX_INPUT_BYTES: usize = halext_core::token::INSPECT_MAX_BYTES;

/// Reads the token from `source` (`None` or `-` = stdin, otherwise a file path): surrounding
/// whitespace and an optional `Bearer ` prefix (RFC 6750 §2.1) are removed.
///
/// # Errors
/// A usage failure when the file cannot be read (the message says the token is never taken from
/// the command line when the argument looks like one), the input is larger than
/// [`MAX_INPUT_BYTES`], or it is empty.
pub fn read_token(source: Option<&Path>) -> Result<String, Failure> {
    let mut raw = Vec::new();
    let limit = (MAX_INPUT_BYTES + 1) as u64;
    let result = match source {
        None => std::io::stdin().lock().take(limit).read_to_end(&mut raw).map(|_| ()),
        Some(p) if p.as_os_str() == "-" => {
            std::io::stdin().lock().take(limit).read_to_end(&mut raw).map(|_| ())
        }
        Some(p) => std::fs::File::open(p).and_then(|f| f.take(limit).read_to_end(&mut raw)).map(|_| ()),
    };
    if let Err(e) = result {
        let shown = source.map(|p| p.display().to_string()).unwrap_or_else(|| "stdin".into());
        let looks_like_token = source
            .and_then(|p| p.to_str())
            .is_some_and(|s| s.matches('.').count() == 2 && !s.contains('/') && s.len() > 20);
        return Err(if looks_like_token {
            Failure::new(
                Exit::Usage,
                Code::InvalidArgument,
                "the argument is not a readable file: the token is read from a file or stdin, never from \
                 the command line (use: halext token ... - < token.txt)",
            )
        } else {
            Failure::new(Exit::Usage, Code::Io, format!("cannot read the token from {shown}: {e}"))
        });
    }
    if raw.len() > MAX_INPUT_BYTES {
        return Err(Failure::new(
            Exit::Usage,
            Code::InvalidArgument,
            format!("the input is larger than {MAX_INPUT_BYTES} bytes: not a token"),
        ));
    }
    let text = String::from_utf8_lossy(&raw);
    let trimmed = text.trim();
    let token = halext_core::token::bearer_token(trimmed).unwrap_or(trimmed);
    if token.is_empty() {
        return Err(Failure::new(Exit::Usage, Code::InvalidArgument, "no token in the input"));
    }
    Ok(token.to_owned())
}
