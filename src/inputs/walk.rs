//! Walking a folder of plain manifests (a folder without Chart.yaml).
//!
//! A repository's folders hold more YAML than Kubernetes objects: CI workflows, compose files,
//! `.pre-commit-config.yaml`, Helm values, kustomizations. A walk therefore:
//! - reads only `*.yaml`, `*.yml` and `*.json` files;
//! - honours `.gitignore` files (gitignore rules): those inside the folder, and those of the
//!   folders above it up to the repository root (the folder holding `.git`); git's global and
//!   `.git/info/exclude` files are not read;
//! - leaves out what the `exclude:` patterns of `.kforge.yaml` match (gitignore rules, relative
//!   to the folder of `.kforge.yaml`);
//! - skips, and counts in the summary, a YAML file in which no document has both an
//!   `apiVersion` and a `kind` key at its top level, and every `kustomization.yaml`, which gets
//!   a note saying to pipe `kustomize build` into kforge instead.
//!
//! A file named on the command line is always checked, whatever it holds or what ignores it.
//! `.kforge.yaml` is never walked: it is read as the configuration.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::package::IgnoreMatcher;

/// `exclude:` patterns of a `.kforge.yaml`, relative to the folder it is in.
#[derive(Clone, Debug)]
pub struct Exclude {
    /// The folder of the configuration file, canonical.
    pub base: PathBuf,
    pub matcher: IgnoreMatcher,
}

impl Exclude {
    /// The `exclude:` of a configuration, if it has patterns. Without the configuration's
    /// folder (a configuration built in code), patterns are relative to the folder walked.
    pub fn of_config(config: &crate::config::Config) -> Option<Exclude> {
        if config.exclude.is_empty() {
            return None;
        }
        let (matcher, _) = IgnoreMatcher::parse(&config.exclude.join("\n"));
        Some(Exclude {
            base: config.exclude_base.clone().unwrap_or_default(),
            matcher,
        })
    }
}

/// What a manifest-folder walk leaves out beyond `.gitignore`.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    pub exclude: Option<Arc<Exclude>>,
}

/// The file names kustomize reads as a kustomization.
const KUSTOMIZATION_NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Whether a walked file (a `/`-separated path) is a kustomization.
pub fn is_kustomization(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    KUSTOMIZATION_NAMES.contains(&name)
}

fn is_manifest_name(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")
}

/// Whether some document of `text` has both `apiVersion` and `kind` at its top level, as every
/// Kubernetes object has. Block-style YAML keys are looked for at the start of a line (plain or
/// quoted); a JSON or flow-style document only needs both quoted keys somewhere. A cheap text
/// test on purpose: the file is parsed for real only if it passes, and a broken object still
/// passes (its syntax errors are then reported).
pub fn holds_objects(text: &str) -> bool {
    let (mut api, mut kind, mut flow_document) = (false, false, false);
    let mut flow = false;
    for line in text.trim_start_matches('\u{feff}').lines() {
        if line.starts_with("---")
            && line
                .get(3..)
                .is_none_or(|r| r.trim().is_empty() || r.starts_with([' ', '\t']))
        {
            (api, kind) = (false, false);
            flow_document |= flow;
            flow = false;
            continue;
        }
        api |= is_key(line, "apiVersion");
        kind |= is_key(line, "kind");
        if api && kind {
            return true;
        }
        let trimmed = line.trim_start();
        flow |= trimmed.starts_with('{') || trimmed.starts_with('[');
    }
    (flow_document || flow) && text.contains("\"apiVersion\"") && text.contains("\"kind\"")
}

/// Whether `line` starts with the key `name`, plain or quoted, followed by `:`. No allocation:
/// this runs on every line of every file a walk finds.
fn is_key(line: &str, name: &str) -> bool {
    let quoted = |q: char| {
        line.strip_prefix(q)
            .and_then(|r| r.strip_prefix(name))
            .and_then(|r| r.strip_prefix(q))
    };
    line.strip_prefix(name)
        .or_else(|| quoted('"'))
        .or_else(|| quoted('\''))
        .is_some_and(|rest| rest.trim_start().starts_with(':'))
}

/// Decides, entry by entry in walk order (a folder before what it holds), what a manifest walk
/// of `root` reads. Loads each folder's `.gitignore` as the walk enters it.
pub struct Filter {
    /// `.gitignore` matchers of the folders above the root, outermost first, each with the path
    /// from its folder down to the root (`deploy/`).
    above: Vec<(String, IgnoreMatcher)>,
    /// `.gitignore` matchers inside the walk: the folder (relative to the root, `""` for the
    /// root itself) and its matcher.
    inside: Vec<(String, IgnoreMatcher)>,
    /// `exclude:` with the path from the configuration's folder down to the root.
    exclude: Option<(String, Arc<Exclude>)>,
    root: PathBuf,
}

impl Filter {
    pub fn new(root: &Path, options: &WalkOptions) -> Filter {
        let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut filter = Filter {
            above: above_root(&canonical),
            inside: Vec::new(),
            exclude: None,
            root: root.to_path_buf(),
        };
        if let Some(exclude) = &options.exclude {
            let prefix = Some(&exclude.base)
                .filter(|b| !b.as_os_str().is_empty())
                .and_then(|b| canonical.strip_prefix(b).ok())
                .map(prefix_of)
                .unwrap_or_default();
            filter.exclude = Some((prefix, exclude.clone()));
        }
        if let Some(m) = read_gitignore(root) {
            filter.inside.push((String::new(), m));
        }
        filter
    }

    /// Whether the walk reads the file (or enters the folder) at `rel`.
    pub fn keep(&mut self, rel: &str, is_dir: bool) -> bool {
        // `.kforge.yaml` is read as the configuration, not walked as YAML.
        if !is_dir
            && (!is_manifest_name(rel)
                || rel.rsplit('/').next() == Some(crate::config::CONFIG_FILE))
        {
            return false;
        }
        let mut ignored = false;
        for (prefix, m) in &self.above {
            if let Some(d) = m.decide(&format!("{prefix}{rel}"), is_dir) {
                ignored = d;
            }
        }
        for (folder, m) in &self.inside {
            let below = if folder.is_empty() {
                Some(rel)
            } else {
                rel.strip_prefix(folder.as_str())
                    .and_then(|r| r.strip_prefix('/'))
            };
            if let Some(below) = below
                && let Some(d) = m.decide(below, is_dir)
            {
                ignored = d;
            }
        }
        if ignored {
            return false;
        }
        if let Some((prefix, exclude)) = &self.exclude
            && exclude
                .matcher
                .is_ignored(&format!("{prefix}{rel}"), is_dir)
        {
            return false;
        }
        if is_dir && let Some(m) = read_gitignore(&self.root.join(rel)) {
            self.inside.push((rel.to_string(), m));
        }
        true
    }
}

/// `a/b` → `a/b/`; the empty path stays empty.
fn prefix_of(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    if s.is_empty() { s } else { format!("{s}/") }
}

/// The `.gitignore` files of the folders above `root` (canonical), up to the repository root;
/// none when `root` is not inside a repository.
fn above_root(root: &Path) -> Vec<(String, IgnoreMatcher)> {
    let mut found = Vec::new();
    if root.join(".git").exists() {
        return found;
    }
    let mut dir = root.parent();
    while let Some(d) = dir {
        if let Some(m) = read_gitignore(d) {
            let prefix = root.strip_prefix(d).map(prefix_of).unwrap_or_default();
            found.push((prefix, m));
        }
        if d.join(".git").exists() {
            found.reverse();
            return found;
        }
        dir = d.parent();
    }
    Vec::new()
}

/// A folder's `.gitignore`, when it has a readable one. Its invalid lines are skipped, as git
/// skips them.
fn read_gitignore(dir: &Path) -> Option<IgnoreMatcher> {
    const MAX_BYTES: u64 = 1 << 20;
    let bytes = crate::source::read_regular_limited(&dir.join(".gitignore"), MAX_BYTES)
        .ok()
        .flatten()?;
    Some(IgnoreMatcher::parse(&String::from_utf8_lossy(&bytes)).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_told_from_other_yaml() {
        for (text, expected) in [
            ("apiVersion: v1\nkind: ConfigMap\n", true),
            ("\"apiVersion\": v1\n'kind' : List\n", true),
            ("{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}\n", true),
            (
                "{\n  \"kind\": \"Pod\",\n  \"apiVersion\": \"v1\"\n}\n",
                true,
            ),
            (
                "name: ci\non: [push]\njobs:\n  build:\n    kind: x\n",
                false,
            ),
            ("services:\n  web:\n    image: nginx\n", false),
            // Both keys, but in different documents: no document is an object.
            ("apiVersion: v1\n---\nkind: Pod\n", false),
            ("a: 1\n--- \napiVersion: v1\nkind: Pod\n", true),
            // Nested keys (a values file) are not an object.
            ("image:\n  apiVersion: v1\n  kind: Pod\n", false),
            ("apiVersion: v2\nname: chart\n", false),
            ("\u{feff}apiVersion: v1\r\nkind: Pod\r\n", true),
            ("", false),
        ] {
            assert_eq!(holds_objects(text), expected, "{text:?}");
        }
        assert!(is_kustomization("overlays/prod/kustomization.yaml"));
        assert!(is_kustomization("Kustomization"));
        assert!(!is_kustomization("my-kustomization.yaml"));
    }

    #[test]
    fn gitignore_files_inside_and_above_and_exclude() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path();
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("deploy/sub/gen")).unwrap();
        std::fs::write(
            repo.join(".gitignore"),
            "deploy/rendered.yaml\n*.tmp.yaml\n",
        )
        .unwrap();
        std::fs::write(repo.join("deploy/sub/.gitignore"), "gen/\n!keep.tmp.yaml\n").unwrap();
        let base = std::fs::canonicalize(repo).unwrap();
        let (matcher, errors) = IgnoreMatcher::parse("deploy/sub/secret-*.yaml\n");
        assert!(errors.is_empty());
        let options = WalkOptions {
            exclude: Some(Arc::new(Exclude { base, matcher })),
        };
        let mut f = Filter::new(&repo.join("deploy"), &options);
        assert!(f.keep("a.yaml", false));
        assert!(!f.keep("README.md", false));
        assert!(!f.keep("rendered.yaml", false));
        assert!(!f.keep("x.tmp.yaml", false));
        assert!(f.keep("sub", true));
        assert!(!f.keep("sub/gen", true));
        assert!(f.keep("sub/keep.tmp.yaml", false));
        assert!(!f.keep("sub/other.tmp.yaml", false));
        assert!(!f.keep("sub/secret-db.yaml", false));
        assert!(f.keep("sub/db.yaml", false));
    }
}
