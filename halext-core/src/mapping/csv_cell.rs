//! Text cells of the CSV outputs (`halext migrate plan --format csv`, `halext migrate export`),
//! which operators open in a spreadsheet and which carry legacy, user-chosen strings.

use std::borrow::Cow;

/// `text` made safe for a CSV cell that a spreadsheet or a terminal will show:
/// * control characters (C0, DEL, C1: `\0`, `\x1b`, …) become U+FFFD `�`, so a legacy login
///   cannot carry terminal escape sequences or invisible bytes into a review;
/// * a cell starting with `=`, `+`, `-` or `@` gets a leading `'`, so a spreadsheet shows it
///   as text instead of evaluating it as a formula (OWASP, "CSV Injection").
///
/// Quoting (commas, quotes, line breaks) is the CSV writer's job; this changes only what the
/// two rules above name, and returns `text` unchanged (borrowed) otherwise. The JSON outputs
/// keep exact values: use them when the bytes matter.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let formula = text.starts_with(['=', '+', '-', '@']);
    if !formula && !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 1);
    if formula {
        out.push('\'');
    }
    out.extend(text.chars().map(|c| if c.is_control() { char::REPLACEMENT_CHARACTER } else { c }));
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn controls_are_replaced_and_formulas_defused() {
        assert!(matches!(csv_cell("alice, \"the\" admin"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(csv_cell("two\nlines\r\tx"), "two\u{fffd}lines\u{fffd}\u{fffd}x");
        assert_eq!(csv_cell("Jürgen <j@example.org>"), "Jürgen <j@example.org>");
        assert_eq!(csv_cell("evil\x1b[31mred\x07"), "evil\u{fffd}[31mred\u{fffd}");
        assert_eq!(csv_cell("nul\0 del\x7f c1\u{85}"), "nul\u{fffd} del\u{fffd} c1\u{fffd}");
        assert_eq!(csv_cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        for f in ["+1", "-bob", "@SUM(A1)"] {
            assert_eq!(csv_cell(f), format!("'{f}"));
        }
        assert_eq!(csv_cell("a=b"), "a=b");
        assert_eq!(csv_cell(""), "");
    }
}
