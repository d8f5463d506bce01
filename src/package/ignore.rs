//! `.kforgeignore`: gitignore semantics on globset.
//!
//! - blank lines and lines starting with `#` are skipped (`\#` is a literal `#`);
//! - `!pattern` re-includes what an earlier pattern excluded (`\!` is a literal `!`);
//! - a trailing `/` matches directories only;
//! - a pattern with a `/` at the start or in the middle is anchored at the chart root; one without
//!   matches at any depth (`*.bak` ignores `a/b/c.bak`);
//! - `*` and `?` never match `/`, `**` matches across folders, `[...]` is a class;
//! - the last matching pattern wins. An excluded directory is not walked, so (as in git) nothing
//!   under it can be re-included.
//!
//! These are gitignore's rules, what people already know, rather than `.helmignore`'s (Go
//! `filepath.Match`, no `**`); a `.helmignore`, read when a chart has no `.kforgeignore`, means
//! the same under them.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// What a compiled glob means once it matches.
#[derive(Clone, Debug)]
struct Pattern {
    negated: bool,
    dir_only: bool,
}

/// A pattern that could not be compiled: 1-based line number, the line, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    pub line: usize,
    pub text: String,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub struct IgnoreMatcher {
    set: GlobSet,
    patterns: Vec<Pattern>,
}

impl Default for IgnoreMatcher {
    fn default() -> IgnoreMatcher {
        IgnoreMatcher {
            set: GlobSet::empty(),
            patterns: Vec::new(),
        }
    }
}

impl IgnoreMatcher {
    /// Compiles an ignore file. Invalid lines are reported and skipped; the rest still apply.
    pub fn parse(text: &str) -> (IgnoreMatcher, Vec<PatternError>) {
        let mut builder = GlobSetBuilder::new();
        let mut patterns = Vec::new();
        let mut errors = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let Some((glob, pattern)) = parse_line(raw) else {
                continue;
            };
            let compiled = GlobBuilder::new(&glob)
                .literal_separator(true)
                .backslash_escape(true)
                .empty_alternates(true)
                .build();
            match compiled {
                Ok(g) => {
                    builder.add(g);
                    patterns.push(pattern);
                }
                Err(e) => errors.push(PatternError {
                    line: index + 1,
                    text: raw.to_string(),
                    reason: e.kind().to_string(),
                }),
            }
        }
        match builder.build() {
            Ok(set) => (IgnoreMatcher { set, patterns }, errors),
            Err(e) => {
                errors.push(PatternError {
                    line: 0,
                    text: String::new(),
                    reason: e.to_string(),
                });
                (IgnoreMatcher::default(), errors)
            }
        }
    }

    /// Whether `path` (relative to the root, `/`-separated, no leading `/`) is ignored.
    pub fn is_ignored(&self, path: &str, is_dir: bool) -> bool {
        self.decide(path, is_dir).unwrap_or(false)
    }

    /// What the last matching pattern says about `path`: `Some(true)` ignored, `Some(false)`
    /// re-included by a `!` pattern, `None` when no pattern matches (nested `.gitignore` files
    /// need the difference: a deeper file overrides a shallower one only where it matches).
    pub fn decide(&self, path: &str, is_dir: bool) -> Option<bool> {
        let matches = self.set.matches(path);
        let last = matches
            .iter()
            .rev()
            .filter_map(|&i| self.patterns.get(i))
            .find(|p| is_dir || !p.dir_only);
        last.map(|p| !p.negated)
    }
}

/// Turns one line into a glob rooted at the walk root, or `None` for blanks and comments.
fn parse_line(raw: &str) -> Option<(String, Pattern)> {
    let line = trim_unescaped_trailing_spaces(raw);
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let (negated, line) = match line.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    // `\#` and `\!` only protect the first character; globset sees `#`/`!` as literals anyway.
    let line = match line
        .strip_prefix("\\#")
        .or_else(|| line.strip_prefix("\\!"))
    {
        Some(rest) => format!("{}{rest}", line.get(1..2).unwrap_or("")),
        None => line.to_string(),
    };
    let (dir_only, body) = match line.strip_suffix('/') {
        Some(rest) => (true, rest.to_string()),
        None => (false, line),
    };
    if body.is_empty() {
        return None;
    }
    let anchored = body.contains('/');
    let body = body.trim_start_matches('/');
    if body.is_empty() {
        return None;
    }
    let glob = if anchored || body.starts_with("**/") {
        body.to_string()
    } else {
        format!("**/{body}")
    };
    Some((glob, Pattern { negated, dir_only }))
}

fn trim_unescaped_trailing_spaces(raw: &str) -> &str {
    let trimmed = raw.trim_end_matches(['\r', '\n']);
    let mut end = trimmed.len();
    while end > 0 && trimmed.as_bytes().get(end - 1) == Some(&b' ') {
        if end >= 2 && trimmed.as_bytes().get(end - 2) == Some(&b'\\') {
            break;
        }
        end -= 1;
    }
    trimmed.get(..end).unwrap_or(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (ignore file, path, is_dir, ignored?)
    const TABLE: &[(&str, &str, bool, bool)] = &[
        // no-slash patterns match at any depth
        ("*.bak", "a.bak", false, true),
        ("*.bak", "templates/deep/a.bak", false, true),
        ("*.bak", "a.bak.yaml", false, false),
        ("secret.txt", "files/secret.txt", false, true),
        // `*` does not cross folders, `**` does
        ("files/*.txt", "files/a.txt", false, true),
        ("files/*.txt", "files/sub/a.txt", false, false),
        ("files/**/*.txt", "files/sub/deeper/a.txt", false, true),
        ("files/**/*.txt", "files/a.txt", false, true),
        ("**/tmp", "a/b/tmp", true, true),
        ("docs/**", "docs/x/y.md", false, true),
        // `?` and classes
        ("file?.yaml", "file1.yaml", false, true),
        ("file?.yaml", "file10.yaml", false, false),
        ("file[0-9].yaml", "file7.yaml", false, true),
        ("file[!0-9].yaml", "file7.yaml", false, false),
        ("file[!0-9].yaml", "filex.yaml", false, true),
        // leading `/` anchors at the root
        ("/build", "build", true, true),
        ("/build", "sub/build", true, false),
        ("build", "sub/build", true, true),
        // a slash in the middle anchors too
        ("templates/tests", "templates/tests", true, true),
        ("templates/tests", "charts/sub/templates/tests", true, false),
        // trailing `/`: directories only
        ("logs/", "logs", true, true),
        ("logs/", "logs", false, false),
        ("logs/", "a/logs", true, true),
        // negation, last match wins
        ("*.yaml\n!keep.yaml", "keep.yaml", false, false),
        ("*.yaml\n!keep.yaml", "drop.yaml", false, true),
        ("!keep.yaml\n*.yaml", "keep.yaml", false, true),
        ("*.md\n!README.md\nREADME.md", "README.md", false, true),
        // a dir-only negation does not re-include a file
        ("x*\n!xdir/", "xfile", false, true),
        ("x*\n!xdir/", "xdir", true, false),
        // comments, blanks, escapes
        ("# comment\n\n  \n", "# comment", false, false),
        ("\\#hash", "#hash", false, true),
        ("\\!bang", "!bang", false, true),
        ("trailing   ", "trailing", false, true),
        ("crlf\r", "crlf", false, true),
        // nothing matches without patterns
        ("", "Chart.yaml", false, false),
    ];

    #[test]
    fn gitignore_semantics_table() {
        for &(file, path, is_dir, want) in TABLE {
            let (m, errors) = IgnoreMatcher::parse(file);
            assert!(errors.is_empty(), "{file:?}: {errors:?}");
            assert_eq!(
                m.is_ignored(path, is_dir),
                want,
                "pattern {file:?} on {path:?} (dir: {is_dir})"
            );
        }
    }

    #[test]
    fn invalid_pattern_is_reported_and_others_still_apply() {
        let (m, errors) = IgnoreMatcher::parse("*.bak\nsecrets/[abc\n*.tmp\n");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors.first().map(|e| e.line), Some(2));
        assert!(m.is_ignored("x.bak", false));
        assert!(m.is_ignored("x.tmp", false));
    }

    /// Trailing spaces go unless the last one is escaped (`\ `), which keeps that one.
    #[test]
    fn trailing_spaces_are_trimmed_unless_escaped() {
        for (raw, kept) in [
            ("abc  ", "abc"),
            ("abc \r\n", "abc"),
            ("abc\\ ", "abc\\ "),
            ("abc\\  ", "abc\\ "),
            ("abcdef\\ ", "abcdef\\ "),
            ("\\ ", "\\ "),
            ("a b ", "a b"),
            ("   ", ""),
            ("", ""),
        ] {
            assert_eq!(super::trim_unescaped_trailing_spaces(raw), kept, "{raw:?}");
        }
    }
}
