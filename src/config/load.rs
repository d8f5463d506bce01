//! Finding and reading `.kforge.yaml`.

use super::{AssumedObject, Config};
use crate::catalog::config::INVALID;
use crate::diag::{Diagnostic, Severity, did_you_mean, registry};
use crate::source::{FileId, SourceKind, SourceMap, Span};
use crate::yaml::{self, Node};
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = ".kforge.yaml";

const TOP_KEYS: &[&str] = &[
    "rules",
    "assume-exists",
    "assume-namespaces",
    "node-port-range",
    "strict",
    "ignore-values",
];
const RULES_KEYS: &[&str] = &["enable", "disable", "severity"];
const ASSUMED_KEYS: &[&str] = &["kind", "name", "namespace"];

/// The nearest `.kforge.yaml` from `start_dir` upwards, stopping after a directory that holds
/// `.git` (the repository root) or at the file system root.
pub fn discover(start_dir: &Path) -> Option<PathBuf> {
    let mut dir = Some(start_dir);
    while let Some(d) = dir {
        let candidate = d.join(CONFIG_FILE);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// Reads and validates a configuration file. Any problem is fatal: the run must not go on with
/// a configuration the user did not mean.
pub fn load(path: &Path, sources: &mut SourceMap) -> Result<Config, Vec<Diagnostic>> {
    let text = match crate::source::read_text_limited(path, crate::source::MAX_INPUT_BYTES) {
        Ok(t) => t,
        Err(e) => {
            return Err(vec![Diagnostic::new(
                &INVALID,
                format!("cannot read {}: {e}", path.display()),
            )]);
        }
    };
    let file = sources.add(path.display().to_string(), text, SourceKind::ChartFile);
    parse(sources, file)
}

/// Validates an already added configuration text (used by [`load`] and tests).
pub fn parse(sources: &SourceMap, file: FileId) -> Result<Config, Vec<Diagnostic>> {
    let (docs, yaml_diags) = yaml::parse_stream(sources, file, &yaml::Limits::default());
    let mut errors: Vec<Diagnostic> = yaml_diags
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| d.with_severity(Severity::Fatal))
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut config = Config::default();
    let Some(root) = docs.into_iter().find_map(|d| d.root) else {
        return Ok(config);
    };
    if root.is_null() {
        return Ok(config);
    }
    let mut p = Parser {
        errors: &mut errors,
    };
    for (key, key_node, value) in p.map(&root, "the configuration", TOP_KEYS) {
        match key {
            "rules" => p.rules(value, &mut config),
            "assume-exists" => {
                for item in p.seq(value, "assume-exists") {
                    if let Some(a) = p.assumed(item) {
                        config.assume_exists.push(a);
                    }
                }
            }
            "assume-namespaces" => {
                for item in p.seq(value, "assume-namespaces") {
                    if let Some(ns) = p.string(item, "a namespace name") {
                        config.assume_namespaces.push(ns.to_string());
                    }
                }
            }
            "node-port-range" => {
                if let Some(range) = p.node_port_range(value) {
                    config.node_port_range = range;
                }
            }
            "ignore-values" => {
                for item in p.seq(value, "ignore-values") {
                    if let Some(pattern) = p.string(item, "a values key pattern") {
                        config.ignore_values.push(pattern.to_string());
                    }
                }
            }
            "strict" => match value.as_bool() {
                Some(b) => config.strict = b,
                None => p.error(
                    value.site(),
                    "strict must be true or false",
                    "expected a boolean",
                ),
            },
            _ => p.error(
                key_node.site(),
                format!("unknown key \"{key}\""),
                "unknown key",
            ),
        }
    }
    if errors.is_empty() {
        return Ok(config);
    }
    errors.sort_by_key(|d| d.primary.as_ref().map(|l| l.span));
    Err(errors)
}

struct Parser<'e> {
    errors: &'e mut Vec<Diagnostic>,
}

impl Parser<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>, label: impl Into<String>) {
        self.errors
            .push(Diagnostic::new(&INVALID, message).at(span, label));
    }

    /// The entries of a map, reporting (and skipping) keys not in `known`.
    fn map<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: &[&str],
    ) -> Vec<(&'n str, &'n Node, &'n Node)> {
        if node.as_map().is_none() {
            self.error(
                node.site(),
                format!("{what} must be a map"),
                format!("expected a map, found {}", node.type_name()),
            );
            return Vec::new();
        }
        let mut out = Vec::new();
        for (key, key_node, value) in node.entries() {
            if known.contains(&key) {
                out.push((key, key_node, value));
                continue;
            }
            let mut d = Diagnostic::new(&INVALID, format!("unknown key \"{key}\" in {what}"))
                .at(key_node.site(), "unknown key");
            d = match did_you_mean(key, known.iter().copied()) {
                Some(k) => d.with_help(format!("did you mean \"{k}\"?")),
                None => d.with_help(format!("known keys: {}", known.join(", "))),
            };
            self.errors.push(d);
        }
        out
    }

    fn seq<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        match node.as_seq() {
            Some(items) => items,
            None => {
                if !node.is_null() {
                    self.error(
                        node.site(),
                        format!("{what} must be a list"),
                        format!("expected a list, found {}", node.type_name()),
                    );
                }
                &[]
            }
        }
    }

    fn string<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        let s = node.as_str();
        if s.is_none() {
            self.error(
                node.site(),
                format!("expected {what}"),
                format!("expected a string, found {}", node.type_name()),
            );
        }
        s
    }

    fn rule_id(&mut self, node: &Node) -> Option<String> {
        let id = self.string(node, "a rule id")?;
        let all = registry::all();
        if all.iter().any(|r| r.id == id) {
            return Some(id.to_string());
        }
        let mut d = Diagnostic::new(&INVALID, format!("unknown rule \"{id}\""))
            .at(node.site(), "no rule has this id");
        d = match did_you_mean(id, all.iter().map(|r| r.id)) {
            Some(r) => d.with_help(format!("did you mean \"{r}\"?")),
            None => d.with_help("`kforge rules` lists every rule id"),
        };
        self.errors.push(d);
        None
    }

    fn rules(&mut self, node: &Node, config: &mut Config) {
        for (key, _, value) in self.map(node, "rules", RULES_KEYS) {
            match key {
                "enable" | "disable" => {
                    for item in self.seq(value, key) {
                        if let Some(id) = self.rule_id(item) {
                            if key == "enable" {
                                config.enable.push(id)
                            } else {
                                config.disable.push(id)
                            }
                        }
                    }
                }
                _ => {
                    if value.as_map().is_none() {
                        self.error(
                            value.site(),
                            "rules.severity must be a map of rule id to severity",
                            "expected a map",
                        );
                        continue;
                    }
                    for (_, key_node, sev) in value.entries() {
                        let Some(id) = self.rule_id(key_node) else {
                            continue;
                        };
                        match sev
                            .as_str()
                            .and_then(Severity::parse)
                            .filter(|s| *s != Severity::Fatal)
                        {
                            Some(s) => {
                                config.severity.insert(id, s);
                            }
                            None => self.errors.push(
                                Diagnostic::new(&INVALID, format!("unknown severity for \"{id}\""))
                                    .at(sev.site(), "expected error, warning or info")
                                    .with_help("severity is one of: error, warning, info"),
                            ),
                        }
                    }
                }
            }
        }
    }

    fn assumed(&mut self, node: &Node) -> Option<AssumedObject> {
        let entries = self.map(node, "an assume-exists entry", ASSUMED_KEYS);
        let mut kind = None;
        let mut name = None;
        let mut namespace = None;
        for (key, _, value) in entries {
            let v = self.string(value, key)?.to_string();
            match key {
                "kind" => kind = Some(v),
                "name" => name = Some(v),
                _ => namespace = Some(v),
            }
        }
        match (kind, name) {
            (Some(kind), Some(name)) => Some(AssumedObject {
                kind,
                namespace,
                name,
            }),
            _ => {
                self.error(
                    node.site(),
                    "an assume-exists entry needs kind and name",
                    "kind and name are required",
                );
                None
            }
        }
    }

    fn node_port_range(&mut self, node: &Node) -> Option<(u16, u16)> {
        let text = node.scalar_text().unwrap_or_default();
        let parsed = text
            .split_once('-')
            .and_then(|(a, b)| Some((a.trim().parse::<u16>().ok()?, b.trim().parse::<u16>().ok()?)))
            .filter(|(a, b)| a <= b && *a > 0);
        if parsed.is_none() {
            self.error(
                node.site(),
                format!("invalid node-port-range \"{text}\""),
                "expected \"LOW-HIGH\", e.g. \"30000-32767\"",
            );
        }
        parsed
    }
}
