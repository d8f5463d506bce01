//! strconv's quoting: `Quote`, `QuoteToASCII`, `QuoteRune`, `CanBackquote`, with Go's escapes
//! (`\n`, `\x01`, `\u00a0`, `\U0001f600`) and invalid UTF-8 bytes as `\xff`.

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// Go's `strconv.Quote(s)` (what `%q` and Sprig's `quote` print).
pub fn quote(s: &str) -> String {
    quote_bytes(s.as_bytes(), b'"', false)
}

/// Go's `strconv.QuoteToASCII(s)` (`%+q`).
pub fn quote_to_ascii(s: &str) -> String {
    quote_bytes(s.as_bytes(), b'"', true)
}

/// Quotes bytes that may not be UTF-8; each invalid byte becomes `\xNN`.
pub(crate) fn quote_bytes(s: &[u8], quote: u8, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(char::from(quote));
    // Printable ASCII other than the quote and the backslash stands for itself: copied in runs
    // (`quote` runs on every value a chart quotes).
    let plain = |b: &u8| (0x20..0x7f).contains(b) && *b != quote && *b != b'\\';
    for chunk in s.utf8_chunks() {
        let mut rest = chunk.valid();
        loop {
            let n = rest.bytes().take_while(|b| plain(b)).count();
            out.push_str(rest.get(..n).unwrap_or_default());
            rest = rest.get(n..).unwrap_or_default();
            let Some(r) = rest.chars().next() else {
                break;
            };
            escaped_rune(&mut out, r, quote, ascii_only);
            rest = rest.get(r.len_utf8()..).unwrap_or_default();
        }
        for &b in chunk.invalid() {
            hex_byte(&mut out, b);
        }
    }
    out.push(char::from(quote));
    out
}

/// Go's `strconv.QuoteRune` / `QuoteRuneToASCII` (`%q` of an integer).
pub(crate) fn quote_rune(r: char, ascii_only: bool) -> String {
    let mut out = String::from("'");
    escaped_rune(&mut out, r, b'\'', ascii_only);
    out.push('\'');
    out
}

/// Go's `strconv.CanBackquote`: no control characters but tab, no backquote, no U+FEFF.
pub(crate) fn can_backquote(s: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(s) else {
        return false;
    };
    s.chars()
        .all(|c| (c >= ' ' || c == '\t') && c != '`' && c != '\u{7f}' && c != '\u{feff}')
}

fn hex_byte(out: &mut String, b: u8) {
    out.push_str("\\x");
    out.push(hex_digit(u32::from(b >> 4)));
    out.push(hex_digit(u32::from(b & 0xf)));
}

fn hex_digit(n: u32) -> char {
    LOWER_HEX
        .get(usize::try_from(n & 0xf).unwrap_or(0))
        .map_or('0', |&b| char::from(b))
}

fn escaped_rune(out: &mut String, r: char, quote: u8, ascii_only: bool) {
    if r == char::from(quote) || r == '\\' {
        out.push('\\');
        out.push(r);
        return;
    }
    if ascii_only {
        if r.is_ascii() && is_print(r) {
            out.push(r);
            return;
        }
    } else if is_print(r) {
        out.push(r);
        return;
    }
    match r {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        _ => {
            let n = u32::from(r);
            if r < ' ' || r == '\u{7f}' {
                hex_byte(out, u8::try_from(n).unwrap_or(0));
            } else if n < 0x10000 {
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(hex_digit(n >> shift));
                }
            } else {
                out.push_str("\\U");
                for shift in [28, 24, 20, 16, 12, 8, 4, 0] {
                    out.push(hex_digit(n >> shift));
                }
            }
        }
    }
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
pub(crate) fn is_print(r: char) -> bool {
    let n = u32::from(r);
    if n < 0x80 {
        return (0x20..0x7f).contains(&n);
    }
    let table = super::isprint::NOT_PRINT;
    // The last range starting at or below n decides.
    let i = table.partition_point(|&(lo, _)| lo <= n);
    match i.checked_sub(1).and_then(|i| table.get(i)) {
        Some(&(_, hi)) => n > hi,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs of plain ASCII copied at once quote as rune-by-rune escaping does.
    #[test]
    fn plain_runs_quote_as_single_runes() {
        let by_rune = |s: &[u8], q: u8, ascii: bool| {
            let mut out = String::from(char::from(q));
            for chunk in s.utf8_chunks() {
                for r in chunk.valid().chars() {
                    escaped_rune(&mut out, r, q, ascii);
                }
                for &b in chunk.invalid() {
                    hex_byte(&mut out, b);
                }
            }
            out.push(char::from(q));
            out
        };
        let samples: [&[u8]; 8] = [
            b"",
            b"plain text",
            b"a\"b\\c'd`e",
            b"tab\there\n\x7f~ \x1f",
            "h\u{e9}llo \u{263a} \u{1f600} \u{a0}x".as_bytes(),
            b"bad\xff\xfe bytes\xc3",
            b"\\\\\"\"",
            b"{{ .Values.x }}: 80/TCP",
        ];
        for s in samples {
            for (q, ascii) in [(b'"', false), (b'"', true), (b'\'', false)] {
                assert_eq!(quote_bytes(s, q, ascii), by_rune(s, q, ascii), "{s:?}");
            }
        }
    }

    #[test]
    fn quote_like_strconv() {
        assert_eq!(quote("abc"), r#""abc""#);
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            quote("tab\there\nnl\r\u{7}\u{8}\u{c}\u{b}"),
            r#""tab\there\nnl\r\a\b\f\v""#
        );
        assert_eq!(quote("\u{1}\u{7f}"), r#""\x01\x7f""#);
        assert_eq!(quote("héllo ☺ 😀"), "\"héllo ☺ 😀\"");
        assert_eq!(quote("\u{a0}\u{200b}\u{feff}"), r#""\u00a0\u200b\ufeff""#);
        assert_eq!(quote("\u{e0001}"), r#""\U000e0001""#);
        assert_eq!(quote_to_ascii("héllo 😀"), r#""h\u00e9llo \U0001f600""#);
        assert_eq!(quote_bytes(b"a\xffb", b'"', false), r#""a\xffb""#);
        assert_eq!(quote_rune('\'', false), r"'\''");
        assert_eq!(quote_rune('"', false), "'\"'");
        assert_eq!(
            quote("\u{d7ff}\u{378}\u{e000}\u{10ffff}\u{1f600}"),
            r#""\ud7ff\u0378\ue000\U0010ffff😀""#
        );
        assert!(can_backquote(b"a\tb"));
        assert!(!can_backquote(b"a`b"));
        assert!(!can_backquote(b"a\nb"));
    }
}
