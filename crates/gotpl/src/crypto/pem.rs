//! PEM as Go's `encoding/pem` writes and reads it.

use crate::random::{base64_std, base64_std_decode};

/// `pem.EncodeToMemory`: base64 in lines of 64 characters.
pub fn encode(kind: &str, der: &[u8]) -> String {
    let b64 = base64_std(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    let mut rest = b64.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out
}

/// `pem.Decode`: the first block's type and bytes, or `None` when there is no well-formed block.
/// Header lines (`Proc-Type: …`) are skipped.
pub fn decode(text: &str) -> Option<(String, Vec<u8>)> {
    let mut rest = text;
    loop {
        let start = rest.find("-----BEGIN ")?;
        let after = rest.get(start + 11..)?;
        let line_end = after.find('\n').unwrap_or(after.len());
        let head = after.get(..line_end)?.trim_end_matches('\r');
        let Some(kind) = head.strip_suffix("-----") else {
            rest = after;
            continue;
        };
        let body_start = after.get(line_end..)?;
        let end_marker = format!("-----END {kind}-----");
        let Some(end) = body_start.find(&end_marker) else {
            rest = after;
            continue;
        };
        let body = body_start.get(..end)?;
        let b64 = base64_text(body);
        if let Ok(bytes) = base64_std_decode(&b64) {
            return Some((kind.to_string(), bytes));
        }
        rest = after;
    }
}

/// A block's base64: its lines but header lines (`Proc-Type: …`), without whitespace. Byte by
/// byte when the body is ASCII (always, for PEM that decodes): a `String` collected char by char
/// was a tenth of `genSignedCert` besides its signature.
fn base64_text(body: &str) -> String {
    if !body.is_ascii() {
        return body
            .lines()
            .filter(|l| !l.contains(':'))
            .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
            .collect();
    }
    let mut out = Vec::with_capacity(body.len());
    for line in body.lines().filter(|l| !l.contains(':')) {
        // `char::is_whitespace` on ASCII, vertical tab included, as the general case above.
        out.extend(line.bytes().filter(|&b| !char::from(b).is_whitespace()));
    }
    // ASCII in, ASCII out.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let data: Vec<u8> = (0..100u8).collect();
        let text = encode("TEST", &data);
        assert!(text.starts_with("-----BEGIN TEST-----\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v\n"));
        assert!(text.ends_with("\n-----END TEST-----\n"));
        assert_eq!(
            decode(&format!("junk\n{text}more")),
            Some(("TEST".into(), data.clone()))
        );
        assert_eq!(decode("-----BEGIN X-----\n!!\n-----END X-----\n"), None);
        assert_eq!(decode("nothing"), None);
        // Header lines are skipped, and any whitespace inside the base64 (vertical tab and,
        // in a body that is not ASCII, no-break space included).
        let spaced = text.replace("AAEC", "Proc-Type: 4,ENCRYPTED\n\nA A\x0bE\tC");
        assert_eq!(decode(&spaced), Some(("TEST".into(), data.clone())));
        let nbsp = text.replace("AAEC", "AA\u{a0}EC");
        assert_eq!(decode(&nbsp), Some(("TEST".into(), data)));
    }
}
