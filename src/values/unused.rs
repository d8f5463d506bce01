//! Values a user set that the render did not use: `values/unknown-key` (a key the chart neither
//! defines nor reads: a typo, or a setting of another chart) and `values/no-effect` (a key the
//! chart defines but this configuration did not read: its feature or subchart is switched off).
//!
//! Entry point: [`check`], a function of one configuration (the chart, the user's values with
//! their origins, the merged values and what the render read), so a run over several values
//! files calls it once per file set.
//!
//! A key set to its default value changes nothing and is not reported (users often start from a
//! copy of values.yaml); under an unread map, each key that differs from its default is
//! reported. A key under a map whose default is `{}` (or whose schema allows more properties)
//! is free-form: never unknown, only without effect.

use crate::chart::Chart;
use crate::config::Config;
use crate::diag::{Diagnostic, Severity, did_you_mean};
use crate::source::{SourceMap, Span};
use crate::yaml::{Node, Value};

use super::reads::Reads;
use super::tree::{coalesce_tables, empty_map, is_map};
use super::{NO_EFFECT, UNKNOWN_KEY};
use super::{coalesce, subchart_enabled};

/// How the findings are reported.
#[derive(Clone, Copy, Debug, Default)]
pub struct Judging<'a> {
    /// `--strict`: a key without effect is an error too.
    pub strict: bool,
    /// Some template failed: what it would have read after the failure is unknown, so only
    /// keys the chart does not define at all are reported.
    pub render_failed: bool,
    /// `.kforge.yaml` `ignore-values`: key patterns never reported.
    pub config: Option<&'a Config>,
}

/// The findings for the keys in `user` (what `-f` and `--set` gave) after a render of `chart`
/// (as loaded: every subchart, enabled or not) with `merged` values read as `reads` says.
pub fn check(
    chart: &Chart,
    user: &Node,
    merged: &Node,
    reads: &Reads,
    judging: Judging<'_>,
    sources: &SourceMap,
) -> Vec<Diagnostic> {
    let mut scratch = Vec::new();
    let defaults = coalesce(chart, empty_map(Span::default()), sources, &mut scratch);
    let globals = all_globals(&defaults, chart);
    let schema = schema_of(chart, sources);
    let mut walker = Walker {
        reads,
        defaults: &defaults,
        globals: &globals,
        judging,
        out: Vec::new(),
    };
    let level = Level {
        chart,
        chart_name: chart.metadata.name.clone(),
        in_chart: Vec::new(),
        defaults: Some(&defaults),
        merged: Some(merged),
        schema: schema.as_ref(),
        disabled: None,
        is_global: false,
    };
    let mut path = Vec::new();
    walker.walk(user, &level, &mut path, &mut Vec::new());
    walker.out
}

/// Where the walk is: the chart that owns this level of the values and what is known there.
#[derive(Clone)]
struct Level<'a> {
    chart: &'a Chart,
    /// The chart's name as findings show it (`web`, or the subchart's name).
    chart_name: String,
    /// The path from the chart's own root (empty: at its root).
    in_chart: Vec<String>,
    defaults: Option<&'a Node>,
    merged: Option<&'a Node>,
    schema: Option<&'a serde_json::Value>,
    /// Why a disabled subchart reads nothing: its name and the switch.
    disabled: Option<String>,
    is_global: bool,
}

struct Walker<'a> {
    reads: &'a Reads,
    defaults: &'a Node,
    globals: &'a Node,
    judging: Judging<'a>,
    out: Vec<Diagnostic>,
}

impl<'a> Walker<'a> {
    /// `ancestors`: the merged maps from the root down to this level's parent (for the reason
    /// a key was not read: an `enabled: false` beside it or above it).
    fn walk(
        &mut self,
        user: &Node,
        level: &Level<'a>,
        path: &mut Vec<String>,
        ancestors: &mut Vec<(Vec<String>, &'a Node)>,
    ) {
        let Value::Map(entries) = &user.value else {
            return;
        };
        if path.len() > 64 {
            return;
        }
        if let Some(m) = level.merged {
            ancestors.push((path.clone(), m));
        }
        for (k, v) in entries {
            if v.is_null() {
                // A null deletes a default: its effect is the deletion.
                continue;
            }
            let Some(key) = crate::helm::values::key_text(k) else {
                continue;
            };
            let child = self.child_level(level, &key);
            // A subchart's section and `global` are handed over whole (no template looks them
            // up by name): their keys are judged one by one.
            let section = child.in_chart.is_empty() || (child.is_global && !level.is_global);
            if self.reads.is_read(path, &key) || (section && is_map(v)) {
                path.push(key);
                if is_map(v) && !self.reads.whole(path) {
                    self.walk(v, &child, path, ancestors);
                }
                path.pop();
                continue;
            }
            let known = child.defaults.is_some() || schema_property(level.schema, &key).is_some();
            let open = level
                .defaults
                .is_some_and(|d| d.as_map().is_some_and(|e| e.is_empty()))
                && !level.in_chart.is_empty()
                || schema_open(level.schema);
            let finding = if known || open {
                if self.judging.render_failed {
                    continue;
                }
                if let Some(default) = child.defaults {
                    // Restating a default changes nothing (users often start from a copy of
                    // values.yaml); inside a map, only what differs from it is reported.
                    if v.to_json() == default.to_json() {
                        continue;
                    }
                    if is_map(v) && default.as_map().is_some_and(|e| !e.is_empty()) {
                        path.push(key);
                        self.walk(v, &child, path, ancestors);
                        path.pop();
                        continue;
                    }
                }
                self.no_effect(k, &key, path, &child, ancestors)
            } else {
                self.unknown(k, &key, path, level)
            };
            self.out.push(self.judged(finding, path, &key));
        }
        if level.merged.is_some() {
            ancestors.pop();
        }
    }

    /// The level below `level` at `key`: a subchart's own root, `global`, or a deeper map.
    fn child_level(&self, level: &Level<'a>, key: &str) -> Level<'a> {
        let at_root = level.in_chart.is_empty() && !level.is_global;
        if at_root && key == "global" {
            return Level {
                in_chart: vec![key.to_string()],
                defaults: Some(self.globals),
                merged: level.merged.and_then(|m| m.get(key)),
                schema: schema_property(level.schema, key),
                is_global: true,
                ..level.clone()
            };
        }
        if at_root
            && let Some(sub) = level
                .chart
                .subcharts
                .iter()
                .find(|s| s.metadata.name == key)
        {
            let disabled = level.disabled.clone().or_else(|| {
                let merged = level.merged?;
                (!subchart_enabled(level.chart, sub, merged))
                    .then(|| disabled_reason(level.chart, key))
            });
            return Level {
                chart: sub,
                chart_name: key.to_string(),
                in_chart: Vec::new(),
                defaults: level.defaults.and_then(|d| d.get(key)),
                merged: level.merged.and_then(|m| m.get(key)),
                schema: None,
                disabled,
                is_global: false,
            };
        }
        let mut in_chart = level.in_chart.clone();
        in_chart.push(key.to_string());
        Level {
            in_chart,
            defaults: level.defaults.and_then(|d| d.get(key)),
            merged: level.merged.and_then(|m| m.get(key)),
            schema: schema_property(level.schema, key),
            ..level.clone()
        }
    }

    fn unknown(&self, k: &Node, key: &str, path: &[String], level: &Level<'_>) -> Diagnostic {
        let full = dotted(path, key);
        let mut candidates: Vec<&str> = level
            .defaults
            .and_then(Node::as_map)
            .map(|e| e.iter().filter_map(|(k, _)| k.as_str()).collect())
            .unwrap_or_default();
        candidates.extend(self.reads.keys(path));
        if let Some(props) = level
            .schema
            .and_then(|s| s.get("properties"))
            .and_then(serde_json::Value::as_object)
        {
            candidates.extend(props.keys().map(String::as_str));
        }
        let parent = path.join(".");
        let label = if parent.is_empty() {
            format!("not a value of chart \"{}\"", level.chart_name)
        } else {
            format!("`{parent}` has no key `{key}`")
        };
        let whose = if level.is_global {
            format!("no chart of \"{}\" defines or reads it", level.chart_name)
        } else {
            format!(
                "chart \"{}\" neither defines nor reads it",
                level.chart_name
            )
        };
        let mut d = Diagnostic::new(
            &UNKNOWN_KEY,
            format!("unknown values key `{full}`: {whose}"),
        )
        .at(k.span, label);
        let near = did_you_mean(key, candidates.iter().copied())
            .or_else(|| candidates.iter().copied().find(|c| transposed(key, c)));
        if let Some(near) = near {
            d = d.with_help(format!("did you mean `{}`?", dotted(path, near)));
        } else {
            let mut known: Vec<&str> = candidates.clone();
            known.sort_unstable();
            known.dedup();
            let shown = listing(&known);
            d = d.with_help(if parent.is_empty() {
                format!("the chart's top-level values are: {shown}")
            } else if level.defaults.is_some() {
                format!("the keys of `{parent}` are: {shown}")
            } else {
                match nearest_known(path, self.defaults) {
                    Some(nearest) => format!(
                        "`{parent}` is not in the chart's defaults either; the nearest value that is: `{nearest}`"
                    ),
                    None => format!("`{parent}` is not in the chart's defaults either"),
                }
            });
        }
        d
    }

    fn no_effect(
        &self,
        k: &Node,
        key: &str,
        path: &[String],
        child: &Level<'_>,
        ancestors: &[(Vec<String>, &Node)],
    ) -> Diagnostic {
        let full = dotted(path, key);
        let mut d = Diagnostic::new(
            &NO_EFFECT,
            format!(
                "values key `{full}` has no effect: no template of chart \"{}\" read it in this render",
                child.chart_name
            ),
        );
        if let Some(reason) = &child.disabled {
            d = d
                .at(k.span, "set here, never read")
                .with_note(reason.clone())
                .with_help("enable the subchart, or remove this key");
            return d;
        }
        // The nearest switch that is off: `enabled: false` in the map holding the key or above.
        let switch = ancestors.iter().rev().find_map(|(p, m)| {
            let e = m.get("enabled")?;
            (e.as_bool() == Some(false)).then(|| dotted(p, "enabled"))
        });
        match switch {
            Some(switch) => d
                .at(k.span, "set here, never read")
                .with_note(format!(
                    "`{switch}` is false: the templates that read this key do not run"
                ))
                .with_help(format!(
                    "set `{switch}: true` to use it, or remove this key"
                )),
            None => d.at(k.span, "set here, never read").with_help(
                "remove the key, or check which setting switches on the templates that read it",
            ),
        }
    }

    /// Applies `--strict` and the config's `ignore-values` patterns.
    fn judged(&self, mut d: Diagnostic, path: &[String], key: &str) -> Diagnostic {
        if self.judging.strict && d.severity == Severity::Warning {
            d.severity = Severity::Error;
        }
        if let Some(config) = self.judging.config {
            let full: Vec<&str> = path
                .iter()
                .map(String::as_str)
                .chain(std::iter::once(key))
                .collect();
            if config
                .ignore_values
                .iter()
                .any(|p| pattern_matches(p, &full))
            {
                d.suppressed = true;
            }
        }
        d
    }
}

/// A key pattern of `ignore-values`: dot-separated segments, `*` one segment, `**` any number;
/// a pattern that matches a key's parent matches the key too.
pub fn pattern_matches(pattern: &str, path: &[&str]) -> bool {
    let pat: Vec<&str> = pattern.split('.').collect();
    (1..=path.len()).any(|n| path.get(..n).is_some_and(|p| segments_match(&pat, p)))
}

fn segments_match(pat: &[&str], path: &[&str]) -> bool {
    match (pat.split_first(), path.split_first()) {
        (None, None) => true,
        (Some((&"**", rest)), _) => {
            segments_match(rest, path)
                || path
                    .split_first()
                    .is_some_and(|(_, tail)| segments_match(pat, tail))
        }
        (Some((p, prest)), Some((k, krest))) => {
            (*p == "*" || p == k) && segments_match(prest, krest)
        }
        _ => false,
    }
}

/// `tga` for `tag`: two neighbouring characters swapped (edit distance 2, one slip of the hand).
fn transposed(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a.get(i) != b.get(i)).collect();
    matches!(diff.as_slice(), [i, j] if *j == i + 1
        && a.get(*i) == b.get(*j)
        && a.get(*j) == b.get(*i))
}

fn dotted(path: &[String], key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{}.{key}", path.join("."))
    }
}

fn listing(keys: &[&str]) -> String {
    const SHOWN: usize = 12;
    let mut s = keys
        .iter()
        .take(SHOWN)
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if keys.len() > SHOWN {
        s.push_str(&format!(" and {} more", keys.len() - SHOWN));
    }
    if s.is_empty() {
        s.push_str("none");
    }
    s
}

/// The deepest prefix of `path` that the chart's defaults have.
fn nearest_known(path: &[String], defaults: &Node) -> Option<String> {
    let mut at = defaults;
    let mut known = Vec::new();
    for key in path {
        let Some(next) = at.get(key) else { break };
        known.push(key.clone());
        at = next;
    }
    (!known.is_empty()).then(|| known.join("."))
}

/// Why a disabled subchart reads nothing: its dependency's condition or tags.
fn disabled_reason(parent: &Chart, key: &str) -> String {
    let dep = parent
        .metadata
        .dependencies()
        .into_iter()
        .find(|d| d.key() == key);
    match dep {
        Some(d) if !d.condition.trim().is_empty() => format!(
            "subchart \"{key}\" is disabled (condition `{}`), so none of its values are read",
            d.condition.trim()
        ),
        Some(d) if !d.tags.is_empty() => format!(
            "subchart \"{key}\" is disabled by its tags ({}), so none of its values are read",
            d.tags.join(", ")
        ),
        _ => format!("subchart \"{key}\" is disabled, so none of its values are read"),
    }
}

/// Every chart's `global` defaults in one map: a global is known when any chart defines it.
fn all_globals(defaults: &Node, chart: &Chart) -> Node {
    let mut out = defaults
        .get("global")
        .filter(|g| is_map(g))
        .cloned()
        .unwrap_or_else(|| empty_map(Span::default()));
    fn collect(section: &Node, chart: &Chart, out: &mut Node, depth: usize) {
        if depth > 16 {
            return;
        }
        for sub in &chart.subcharts {
            if let Some(s) = section.get(&sub.metadata.name) {
                if let Some(g) = s.get("global").filter(|g| is_map(g)) {
                    coalesce_tables(out, g, false);
                }
                collect(s, sub, out, depth + 1);
            }
        }
    }
    collect(defaults, chart, &mut out, 0);
    out
}

fn schema_of(chart: &Chart, sources: &SourceMap) -> Option<serde_json::Value> {
    let file = chart.schema_file?;
    serde_json::from_str(sources.text(file)).ok()
}

fn schema_property<'s>(
    schema: Option<&'s serde_json::Value>,
    key: &str,
) -> Option<&'s serde_json::Value> {
    schema?.get("properties")?.get(key)
}

/// A schema level that allows keys it does not list.
fn schema_open(schema: Option<&serde_json::Value>) -> bool {
    schema.is_some_and(|s| {
        s.get("patternProperties").is_some()
            || matches!(
                s.get("additionalProperties"),
                Some(serde_json::Value::Object(_) | serde_json::Value::Bool(true))
            )
    })
}

#[cfg(test)]
mod tests {
    use super::pattern_matches;

    #[test]
    fn ignore_patterns_match_keys_and_their_children() {
        assert!(pattern_matches("extra", &["extra", "a"]));
        assert!(pattern_matches(
            "podAnnotations.*",
            &["podAnnotations", "x"]
        ));
        assert!(!pattern_matches("podAnnotations.*", &["podLabels", "x"]));
        assert!(pattern_matches(
            "**.interval",
            &["metrics", "serviceMonitor", "interval"]
        ));
        assert!(!pattern_matches("image.tag", &["image", "tga"]));
        assert!(pattern_matches("image.tag", &["image", "tag"]));
        assert!(!pattern_matches("image.tag", &["image"]));
        assert!(pattern_matches("*", &["x"]));
        assert!(pattern_matches("**", &["a", "b"]));
    }

    #[test]
    fn swapped_neighbours_are_a_typo() {
        assert!(super::transposed("tga", "tag"));
        assert!(!super::transposed("tag", "tag"));
        assert!(!super::transposed("gat", "tag"));
    }

    /// Twelve keys are listed in full; the thirteenth becomes "and 1 more"; none is "none".
    #[test]
    fn listings_show_at_most_twelve_keys() {
        let keys: Vec<String> = (1..=13).map(|i| format!("k{i}")).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let twelve = "`k1`, `k2`, `k3`, `k4`, `k5`, `k6`, `k7`, `k8`, `k9`, `k10`, `k11`, `k12`";
        assert_eq!(super::listing(&keys[..12]), twelve);
        assert_eq!(super::listing(&keys), format!("{twelve} and 1 more"));
        assert_eq!(super::listing(&keys[..1]), "`k1`");
        assert_eq!(super::listing(&[]), "none");
    }
}

/// The walk over a chart with a subchart, through a whole lint run.
#[cfg(test)]
mod judged {
    use crate::chart::Input;
    use crate::{Options, run};
    use std::fs;
    use std::path::Path;

    fn write(root: &Path, files: &[(&str, &str)]) {
        for (path, text) in files {
            let path = root.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
    }

    /// (rule, message) of the values findings when chart "web" (subchart "db") is linted with
    /// `user` as a `-f` file.
    fn findings(user: &str) -> Vec<(String, String)> {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(
            root,
            &[
                (
                    "web/Chart.yaml",
                    "apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: db\n    version: 1.0.0\n    condition: db.enabled\n",
                ),
                (
                    "web/values.yaml",
                    "image:\n  tag: \"1.0\"\nextra: {}\ndb:\n  enabled: true\n",
                ),
                (
                    "web/templates/cm.yaml",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  tag: {{ .Values.image.tag | quote }}\n  a: {{ .Values.extra.a | default \"x\" | quote }}\n",
                ),
                (
                    "web/charts/db/Chart.yaml",
                    "apiVersion: v2\nname: db\nversion: 1.0.0\n",
                ),
                (
                    "web/charts/db/values.yaml",
                    "port: 5432\nglobal:\n  storageClass: standard\n  region: eu\n",
                ),
                (
                    "web/charts/db/templates/cm.yaml",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\ndata:\n  port: {{ .Values.port | quote }}\n  class: {{ .Values.global.storageClass | quote }}\n",
                ),
                ("user.yaml", user),
            ],
        );
        let mut options = Options::default();
        options.values.files = vec![root.join("user.yaml")];
        run(&[Input::Path(root.join("web"))], &options)
            .diagnostics
            .iter()
            .filter(|d| d.rule.id.starts_with("values/"))
            .map(|d| (d.rule.id.to_string(), d.message.clone()))
            .collect()
    }

    fn one(rule: &str, message: &str) -> Vec<(String, String)> {
        vec![(rule.to_string(), message.to_string())]
    }

    #[test]
    fn keys_of_the_chart_its_subchart_and_global() {
        let none = Vec::<(String, String)>::new();
        assert_eq!(
            findings("image: {tga: x}\n"),
            one(
                "values/unknown-key",
                "unknown values key `image.tga`: chart \"web\" neither defines nor reads it"
            )
        );
        assert_eq!(findings("image: {tag: \"1.0\"}\n"), none);
        // Under a map whose default is `{}`, any key is the chart's: without effect, not unknown.
        assert_eq!(
            findings("extra: {foo: 1}\n"),
            one(
                "values/no-effect",
                "values key `extra.foo` has no effect: no template of chart \"web\" read it in this render"
            )
        );
        // The subchart's section is judged by the subchart.
        assert_eq!(findings("db: {port: 5433}\n"), none);
        assert_eq!(
            findings("db: {prot: 5433}\n"),
            one(
                "values/unknown-key",
                "unknown values key `db.prot`: chart \"db\" neither defines nor reads it"
            )
        );
        assert_eq!(
            findings("db: {enabled: false, port: 1}\n"),
            one(
                "values/no-effect",
                "values key `db.port` has no effect: no template of chart \"db\" read it in this render"
            )
        );
        // A global is known when any chart defines it, read when any chart reads it.
        assert_eq!(findings("global: {storageClass: fast}\n"), none);
        assert_eq!(
            findings("global: {region: us}\n"),
            one(
                "values/no-effect",
                "values key `global.region` has no effect: no template of chart \"web\" read it in this render"
            )
        );
        assert_eq!(
            findings("global: {storgeClass: x}\n"),
            one(
                "values/unknown-key",
                "unknown values key `global.storgeClass`: no chart of \"web\" defines or reads it"
            )
        );
    }
}
