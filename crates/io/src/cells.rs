//! How a number or a name is written in every output file: numbers rounded to
//! [`SIGNIFICANT_DIGITS`] in their shortest form, CSV fields quoted when they need it.

/// Significant digits kept in outputs: enough for any statistic, without float noise
/// such as 0.30000000000000004.
pub const SIGNIFICANT_DIGITS: usize = 12;

/// Rounds to [`SIGNIFICANT_DIGITS`] significant digits (NaN and infinities unchanged).
pub fn round_sig(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{:.*e}", SIGNIFICANT_DIGITS - 1, x)
        .parse()
        .unwrap_or(x)
}

/// Formats a number for CSV: rounded to 12 significant digits, shortest form; empty for NaN.
pub fn num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{}", round_sig(x))
    }
}

/// Quotes a CSV field when it needs it: a comma, quote or line break inside, or a leading
/// `#` or surrounding whitespace, which readers that skip comments or trim would change.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with('#') || s.trim() != s {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One line of CSV: the fields quoted by [`csv_field`], separated by commas, ended by `\n`.
pub fn csv_row<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = String::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&csv_field(f.as_ref()));
    }
    line.push('\n');
    line
}

/// Writes a name as one cell of a Markdown table: `|` and `\\` escaped, a line break
/// made a space, so a policy or hypothesis name can never split or end the row.
pub fn markdown_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lose_float_noise_but_keep_their_digits() {
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(19.909999999999986), "19.91");
        assert_eq!(num(0.123456789012345), "0.123456789012");
        assert_eq!(num(1e-20), "0.00000000000000000001");
        assert_eq!(num(f64::NAN), "");
        assert_eq!(num(3.0), "3");
    }

    #[test]
    fn csv_fields_are_quoted_when_they_need_it() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("#x"), "\"#x\"");
        assert_eq!(csv_field(" x"), "\" x\"");
    }

    #[test]
    fn markdown_cells_cannot_split_a_row() {
        assert_eq!(markdown_cell("a|b"), "a\\|b");
        assert_eq!(markdown_cell("two\nlines\r"), "two lines ");
        assert_eq!(markdown_cell("back\\"), "back\\\\");
        assert_eq!(markdown_cell("政策 A"), "政策 A");
    }
}
