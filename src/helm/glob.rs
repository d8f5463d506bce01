//! `.Files.Glob` patterns as Helm compiles them (github.com/gobwas/glob with `/` as separator):
//! `*` any run of characters but `/`, `**` any run, `?` one character but `/`, `[abc]`, `[a-z]`,
//! `[!abc]`, `{a,b}` alternatives (which may hold patterns), `\` escapes. A pattern that does not
//! compile matches everything, as Helm falls back to `**`.
//!
//! Patterns are translated to a regular expression, so matching is linear whatever the pattern.

use regex::Regex;

/// Longest pattern kforge compiles; a longer one is treated like a broken one.
const MAX_PATTERN: usize = 4096;

#[derive(Debug)]
pub struct Glob {
    /// `None`: the pattern did not compile; everything matches.
    regex: Option<Regex>,
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        let regex = (pattern.len() <= MAX_PATTERN)
            .then(|| translate(pattern))
            .flatten()
            .and_then(|re| Regex::new(&format!("^(?s:{re})$")).ok());
        Glob { regex }
    }

    pub fn matches(&self, name: &str) -> bool {
        self.regex.as_ref().is_none_or(|r| r.is_match(name))
    }
}

/// The regex for a gobwas pattern; `None` when the pattern is malformed (unclosed `[` or `{`,
/// a trailing `\`).
fn translate(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    // Open `{` groups: inside one, `,` separates alternatives.
    let mut depth = 0usize;
    while let Some(&c) = chars.get(i) {
        match c {
            '*' => {
                if chars.get(i + 1) == Some(&'*') {
                    out.push_str(".*");
                    i += 1;
                } else {
                    out.push_str("[^/]*");
                }
            }
            '?' => out.push_str("[^/]"),
            '\\' => {
                i += 1;
                let escaped = chars.get(i)?;
                out.push_str(&regex::escape(&escaped.to_string()));
            }
            '[' => {
                let close = (i + 1..chars.len()).find(|&j| chars.get(j) == Some(&']'))?;
                let inner: Vec<char> = chars.get(i + 1..close)?.to_vec();
                let (negated, body) = match inner.split_first() {
                    Some(('!', rest)) => (true, rest),
                    _ => (false, inner.as_slice()),
                };
                if body.is_empty() {
                    return None;
                }
                out.push('[');
                if negated {
                    out.push('^');
                }
                for &ch in body {
                    if ch == '-' {
                        out.push('-');
                    } else {
                        out.push_str(&class_escape(ch));
                    }
                }
                out.push(']');
                i = close;
            }
            '{' => {
                depth += 1;
                out.push_str("(?:");
            }
            '}' if depth > 0 => {
                depth -= 1;
                out.push(')');
            }
            ',' if depth > 0 => out.push('|'),
            other => out.push_str(&regex::escape(&other.to_string())),
        }
        i += 1;
    }
    (depth == 0).then_some(out)
}

fn class_escape(c: char) -> String {
    match c {
        '\\' | '[' | ']' | '^' | '&' | '~' => format!("\\{c}"),
        _ => c.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    fn m(pattern: &str, name: &str) -> bool {
        Glob::new(pattern).matches(name)
    }

    #[test]
    fn stars_stop_at_slashes_double_stars_do_not() {
        assert!(m("files/*", "files/a.conf"));
        assert!(!m("files/*", "files/sub/a.conf"));
        assert!(m("files/**", "files/sub/a.conf"));
        assert!(m("**.conf", "files/sub/a.conf"));
        assert!(!m("*.conf", "files/a.conf"));
        assert!(m("files/?.sh", "files/a.sh"));
        assert!(!m("files/?.sh", "files/ab.sh"));
    }

    #[test]
    fn braces_classes_and_escapes() {
        let g = Glob::new("files/docker-entrypoint-initdb.d/*.{sh,sql,sql.gz}");
        assert!(g.matches("files/docker-entrypoint-initdb.d/init.sql.gz"));
        assert!(g.matches("files/docker-entrypoint-initdb.d/init.sh"));
        assert!(!g.matches("files/docker-entrypoint-initdb.d/init.txt"));
        assert!(m("f/{a*,b}", "f/abc"));
        assert!(m("[ab].txt", "a.txt"));
        assert!(!m("[!ab].txt", "a.txt"));
        assert!(m("[a-c].txt", "b.txt"));
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "axb"));
        assert!(m("a.b", "a.b"));
        assert!(!m("a.b", "axb"));
    }

    #[test]
    fn a_broken_pattern_matches_everything_as_in_helm() {
        assert!(m("files/[ab", "anything/at/all"));
        assert!(m("{a,b", "x"));
    }
}
