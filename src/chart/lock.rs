//! `Chart.lock` (`requirements.lock` for apiVersion v1 charts) checked against Chart.yaml and
//! against what is vendored in `charts/`.
//!
//! The lock's `digest` is Helm's `resolver.HashReq`: sha256 of the JSON of
//! `[Chart.yaml dependencies, lock dependencies]`, each a Go `chart.Dependency` (fields in
//! struct order, `omitempty` ones left out when empty, `encoding/json` escaping). `helm
//! dependency build` refuses a lock whose digest differs; for v1 charts it also accepts Helm 2's
//! `HashV2Req` (`{"dependencies": [...]}` of requirements.yaml alone).

use sha2::{Digest, Sha256};

use super::{LOCK_OUT_OF_SYNC, LOCK_VERSION_MISMATCH};
use crate::diag::Diagnostic;
use crate::yaml::{Node, Value};

/// What the lock check needs of one chart.
pub struct LockCheck<'a> {
    /// `Chart.lock` or `requirements.lock`, as shown.
    pub lock_name: &'a str,
    /// The lock's root (a map), as parsed.
    pub lock: &'a Node,
    /// Chart.yaml's (or requirements.yaml's) `dependencies` list, when there is one.
    pub dependencies: Option<&'a Node>,
    pub is_v1: bool,
    /// Name and version of each chart found in `charts/`, and where it was found.
    pub vendored: Vec<(String, String, String)>,
}

pub fn check(c: &LockCheck) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let req: Vec<&Node> = c
        .dependencies
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .collect();
    let locked: Vec<&Node> = c
        .lock
        .get("dependencies")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .collect();
    // `@name`/`alias:name` repositories are resolved through the user's repositories.yaml
    // before hashing: kforge, offline, cannot compute that digest.
    let resolvable = !req.iter().any(|d| {
        d.get("repository")
            .and_then(Node::as_str)
            .is_some_and(|r| r.starts_with('@') || r.starts_with("alias:"))
    });
    if resolvable {
        let recorded = c.lock.get("digest");
        let expected = hash_req(&req, &locked);
        let recorded_text = recorded.and_then(Node::as_str).unwrap_or("");
        let v2_ok = c.is_v1 && recorded_text == hash_v2_req(&req);
        if recorded_text != expected && !v2_ok {
            let span = recorded.map_or(c.lock.span, |n| n.span);
            let source = if c.is_v1 {
                "requirements.yaml"
            } else {
                "Chart.yaml"
            };
            diags.push(
                Diagnostic::new(
                    &LOCK_OUT_OF_SYNC,
                    format!(
                        "{} is out of sync with the dependencies in {source}: its digest is {}, the dependencies hash to {expected}",
                        c.lock_name,
                        if recorded_text.is_empty() { "missing" } else { recorded_text }
                    ),
                )
                .at(span, "recorded digest")
                .with_help(format!(
                    "`helm dependency build` refuses this lock; run `helm dependency update` to re-resolve the dependencies and rewrite {}",
                    c.lock_name
                )),
            );
        }
    }
    for dep in &locked {
        let (Some(name), Some(version)) = (text(dep, "name"), text(dep, "version")) else {
            continue;
        };
        let same_name: Vec<&(String, String, String)> =
            c.vendored.iter().filter(|(n, _, _)| *n == name).collect();
        if same_name.is_empty() || same_name.iter().any(|(_, v, _)| *v == version) {
            // Not vendored at all is chart/missing-dependency's finding.
            continue;
        }
        let span = dep.get("version").map_or(dep.span, |n| n.span);
        let found: Vec<String> = same_name
            .iter()
            .map(|(n, v, at)| format!("{n} {v} ({at})"))
            .collect();
        diags.push(
            Diagnostic::new(
                &LOCK_VERSION_MISMATCH,
                format!(
                    "{} pins {name} {version}, but charts/ has {}",
                    c.lock_name,
                    found.join(", ")
                ),
            )
            .at(span, "locked version")
            .with_help(format!(
                "kforge renders what charts/ holds, as Helm does; run `helm dependency build` to vendor the locked {name} {version}, or `helm dependency update` if charts/ is what you want"
            )),
        );
    }
    diags
}

fn text(node: &Node, key: &str) -> Option<String> {
    node.get(key).and_then(Node::scalar_text)
}

/// Helm's `resolver.HashReq(req, lock)`.
pub fn hash_req(req: &[&Node], lock: &[&Node]) -> String {
    let json = format!("[{},{}]", dependency_list(req), dependency_list(lock));
    sha256(&json)
}

/// Helm 2's digest of requirements.yaml (`resolver.HashV2Req`).
pub fn hash_v2_req(req: &[&Node]) -> String {
    sha256(&format!("{{\"dependencies\":{}}}", dependency_list(req)))
}

fn sha256(json: &str) -> String {
    let digest = Sha256::digest(json.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A Go `[]*chart.Dependency` as `encoding/json` writes it (`null` when empty, as a nil slice).
fn dependency_list(deps: &[&Node]) -> String {
    if deps.is_empty() {
        return "null".into();
    }
    let items: Vec<String> = deps.iter().map(|d| dependency(d)).collect();
    format!("[{}]", items.join(","))
}

/// One `chart.Dependency`: name, version, repository, condition, tags, enabled, import-values,
/// alias, in that order; all but name and repository are `omitempty`.
fn dependency(d: &Node) -> String {
    if d.is_null() {
        return "null".into();
    }
    let mut fields = vec![format!(
        "\"name\":{}",
        go_string(&text(d, "name").unwrap_or_default())
    )];
    if let Some(v) = text(d, "version").filter(|v| !v.is_empty()) {
        fields.push(format!("\"version\":{}", go_string(&v)));
    }
    fields.push(format!(
        "\"repository\":{}",
        go_string(&text(d, "repository").unwrap_or_default())
    ));
    if let Some(v) = text(d, "condition").filter(|v| !v.is_empty()) {
        fields.push(format!("\"condition\":{}", go_string(&v)));
    }
    let tags: Vec<String> = d
        .get("tags")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(|t| go_string(&t.scalar_text().unwrap_or_default()))
        .collect();
    if !tags.is_empty() {
        fields.push(format!("\"tags\":[{}]", tags.join(",")));
    }
    if d.get("enabled").and_then(Node::as_bool) == Some(true) {
        fields.push("\"enabled\":true".into());
    }
    if let Some(items) = d
        .get("import-values")
        .and_then(Node::as_seq)
        .filter(|s| !s.is_empty())
    {
        let items: Vec<String> = items.iter().map(go_json).collect();
        fields.push(format!("\"import-values\":[{}]", items.join(",")));
    }
    if let Some(v) = text(d, "alias").filter(|v| !v.is_empty()) {
        fields.push(format!("\"alias\":{}", go_string(&v)));
    }
    format!("{{{}}}", fields.join(","))
}

/// Any value as `encoding/json` writes the `any` that sigs.k8s.io/yaml made of it: map keys
/// sorted, numbers as float64.
fn go_json(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 => {
            format!("{f:.0}")
        }
        Value::Float(f) => f.to_string(),
        Value::Str(s) => go_string(s),
        Value::Seq(items) => {
            let items: Vec<String> = items.iter().map(go_json).collect();
            format!("[{}]", items.join(","))
        }
        Value::Map(entries) => {
            let mut pairs: Vec<(String, String)> = entries
                .iter()
                .filter_map(|(k, v)| Some((k.scalar_text()?, go_json(v))))
                .collect();
            pairs.sort();
            pairs.dedup_by(|a, b| a.0 == b.0);
            let pairs: Vec<String> = pairs
                .into_iter()
                .map(|(k, v)| format!("{}:{v}", go_string(&k)))
                .collect();
            format!("{{{}}}", pairs.join(","))
        }
    }
}

/// A string as `encoding/json` escapes it (HTML-safe: `<`, `>`, `&` as `\u003c`…).
fn go_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceKind, SourceMap};

    fn parse(text: &str) -> Node {
        let mut sources = SourceMap::new();
        let file = sources.add("x.yaml", text, SourceKind::ChartFile);
        crate::yaml::parse_single(&sources, file, &crate::yaml::Limits::default())
            .0
            .unwrap()
    }

    fn seq(node: &Node) -> Vec<&Node> {
        node.as_seq().unwrap().iter().collect()
    }

    /// bitnami/redis at the corpus commit: its Chart.lock digest, made by `helm dependency
    /// update`, from its Chart.yaml dependencies and the lock's.
    #[test]
    fn digest_is_helms_hash_req() {
        let req = parse(
            "- name: common\n  repository: oci://registry-1.docker.io/bitnamicharts\n  tags:\n  - bitnami-common\n  version: 2.x.x\n",
        );
        let lock = parse(
            "- name: common\n  repository: oci://registry-1.docker.io/bitnamicharts\n  version: 2.31.4\n",
        );
        assert_eq!(
            hash_req(&seq(&req), &seq(&lock)),
            "sha256:fc442e77200e1914dd46fe26490dcf62f44caa51db673c2f8e67d5319cd4c163"
        );
    }

    #[test]
    fn go_json_escapes_html_and_sorts_keys() {
        let node = parse(
            "- name: a\n  version: \">=1.0 <2\"\n  repository: \"\"\n  enabled: true\n  import-values: [x, {parent: p, child: c}]\n  alias: b\n",
        );
        assert_eq!(
            dependency(seq(&node)[0]),
            r#"{"name":"a","version":"\u003e=1.0 \u003c2","repository":"","enabled":true,"import-values":["x",{"child":"c","parent":"p"}],"alias":"b"}"#
        );
    }
}
