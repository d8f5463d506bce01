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
    /// The patterns as plain comparisons, when every one is a name, a name's ending or a
    /// path without wildcards (`.git/`, `*.swp`, `CHANGELOG.md`: every bitnami `.helmignore`):
    /// building a glob set for them was a few percent of loading a chart, and they mean the
    /// same (`set` is then empty).
    plain: Option<Vec<Plain>>,
}

/// A pattern without wildcards but a leading `*` in its last name, matched without globset.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Plain {
    /// `**/NAME`: the path's last name is NAME.
    Name(String),
    /// `**/*END`: the path's last name ends with END.
    NameEnd(String),
    /// An anchored path: the path is this one.
    Path(String),
}

impl Plain {
    /// The comparison a glob (as [`parse_line`] writes it) stands for, if it is one.
    fn of(glob: &str) -> Option<Plain> {
        let literal = |s: &str| !s.contains(['*', '?', '[', ']', '{', '}', '\\']);
        if let Some(name) = glob.strip_prefix("**/") {
            if name.contains('/') {
                return None;
            }
            return match name.strip_prefix('*') {
                Some(end) if literal(end) => Some(Plain::NameEnd(end.to_string())),
                None if literal(name) && !name.is_empty() => Some(Plain::Name(name.to_string())),
                _ => None,
            };
        }
        (literal(glob) && !glob.is_empty()).then(|| Plain::Path(glob.to_string()))
    }

    /// Whether `path`, whose last name is `name`, matches.
    fn matches(&self, path: &str, name: &str) -> bool {
        match self {
            Plain::Name(n) => name == n,
            Plain::NameEnd(end) => name.ends_with(end.as_str()),
            Plain::Path(p) => path == p,
        }
    }
}

impl Default for IgnoreMatcher {
    fn default() -> IgnoreMatcher {
        IgnoreMatcher {
            set: GlobSet::empty(),
            patterns: Vec::new(),
            plain: None,
        }
    }
}

impl IgnoreMatcher {
    /// Compiles an ignore file. Invalid lines are reported and skipped; the rest still apply.
    pub fn parse(text: &str) -> (IgnoreMatcher, Vec<PatternError>) {
        let lines: Vec<(String, Pattern)> = text.lines().filter_map(parse_line).collect();
        let plain: Option<Vec<Plain>> = lines.iter().map(|(glob, _)| Plain::of(glob)).collect();
        match plain {
            Some(plain) => {
                let patterns = lines.into_iter().map(|(_, p)| p).collect();
                let matcher = IgnoreMatcher {
                    set: GlobSet::empty(),
                    patterns,
                    plain: Some(plain),
                };
                (matcher, Vec::new())
            }
            None => IgnoreMatcher::parse_globs(text),
        }
    }

    /// [`IgnoreMatcher::parse`] with every pattern a glob of the set.
    fn parse_globs(text: &str) -> (IgnoreMatcher, Vec<PatternError>) {
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
            Ok(set) => {
                let matcher = IgnoreMatcher {
                    set,
                    patterns,
                    plain: None,
                };
                (matcher, errors)
            }
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
        if let Some(plain) = &self.plain {
            // Found once for all the patterns (every entry of every walk is matched: issue 14).
            let name = path.rsplit_once('/').map_or(path, |(_, name)| name);
            let last = plain
                .iter()
                .zip(&self.patterns)
                .rev()
                .find(|(m, p)| (is_dir || !p.dir_only) && m.matches(path, name));
            return last.map(|(_, p)| !p.negated);
        }
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

    /// The plain comparisons decide as the glob set does, on the table and on a bitnami
    /// `.helmignore`'s patterns.
    #[test]
    fn plain_patterns_decide_as_globs_do() {
        let helmignore = ".DS_Store\n.git/\n.gitignore\n*.swp\n*~\n.idea/\n*.tmproj\nimg/\nCHANGELOG.md\n!keep.swp\n/top.txt\nfiles/a.txt\n*\n";
        let paths = [
            ".DS_Store",
            "a/.DS_Store",
            ".git",
            "x/.git",
            ".gitignore",
            "a.swp",
            "a/b/.swp",
            "swp",
            "x~",
            "~",
            "a/~b",
            ".idea",
            "img",
            "a/img",
            "imgs",
            "CHANGELOG.md",
            "docs/CHANGELOG.md",
            "keep.swp",
            "a/keep.swp",
            "top.txt",
            "a/top.txt",
            "files/a.txt",
            "x/files/a.txt",
            "Chart.yaml",
        ];
        let mut cases: Vec<(&str, &str)> = TABLE.iter().map(|&(f, p, _, _)| (f, p)).collect();
        for line in helmignore.lines() {
            for path in paths {
                cases.push((line, path));
            }
        }
        for path in paths {
            cases.push((helmignore, path));
        }
        let mut plain = 0;
        for (file, path) in cases {
            let (fast, _) = IgnoreMatcher::parse(file);
            let (globs, _) = IgnoreMatcher::parse_globs(file);
            plain += usize::from(fast.plain.is_some());
            for is_dir in [false, true] {
                assert_eq!(
                    fast.decide(path, is_dir),
                    globs.decide(path, is_dir),
                    "{file:?} on {path:?} (dir: {is_dir})"
                );
            }
        }
        assert!(plain > 300, "{plain} cases took the plain comparisons");
        assert!(IgnoreMatcher::parse(helmignore).0.plain.is_some());
        assert!(IgnoreMatcher::parse("a/*.txt").0.plain.is_none());
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
