//! CRD schemas that no object of the run can use, dropped as soon as their CRD is validated.
//!
//! A CRD's `openAPIV3Schema` trees are most of a CRD-heavy run's memory (the CRD-heavy corpus:
//! 400,000 of its 522,000 YAML nodes), and a run reads a schema only to validate the CRD
//! itself and the custom resources of the CRD's group. In a run of plain manifests every text is
//! at hand before anything is parsed, so the groups its objects can be of are known up front:
//! each `apiVersion` written in any of its files (a superset: nested `apiVersion`s, and the
//! words of comments and descriptions, count too). The CRD of any other group is validated
//! right after its file is parsed, and its schemas are dropped: the files parsed next reuse that
//! memory instead of fresh pages (issue 19: the kernel's time in a run is mostly zeroing fresh
//! pages).
//!
//! Within a group the run uses, a CRD whose kind no object is of goes the same way once every
//! file holding a CRD is parsed ([`Pruning::prune_kinds`]): the objects of those files are
//! known then, and the other files hold no CRD, so each `kind` written in them is a kind their
//! objects may be of (the CRD-heavy corpus: 7.3 of the 9.9 MB of CRDs in used groups).

use std::collections::HashSet;

use super::crd::Crds;
use super::objects::check_object;
use crate::check::CheckContext;
use crate::object::{Object, Parsed};
use crate::yaml::{Node, Value};

/// The API groups a run's objects may be of, and the kinds the objects of its files without
/// CRDs may be of.
pub struct Pruning {
    groups: HashSet<String>,
    /// `None`: a `kind` of those files could not be read.
    kinds: Option<HashSet<String>>,
}

impl Pruning {
    /// Every group named by an `apiVersion` in `texts`, and every kind written in
    /// `texts_without_crds` (the texts, among those, that hold no CRD). `None` when an
    /// `apiVersion` is written in a way whose value a scan cannot read (an alias, a tag, a
    /// block scalar, an escape): then no group can be ruled out.
    pub fn scan<'a>(
        texts: impl IntoIterator<Item = &'a str>,
        texts_without_crds: impl IntoIterator<Item = &'a str>,
    ) -> Option<Pruning> {
        let mut groups = HashSet::new();
        for text in texts {
            for value in values_of(API_VERSION, text) {
                if let Some((group, _)) = value?.split_once('/') {
                    groups.insert(group.to_string());
                }
            }
        }
        let kinds = texts_without_crds
            .into_iter()
            .flat_map(|text| values_of(KIND, text))
            .map(|value| value.map(str::to_string))
            .collect();
        Some(Pruning { groups, kinds })
    }

    /// Validates each CRD of `parsed` whose group no object of the run is of (when `ctx` is
    /// given: the schema stage runs), appends what that finds to `parsed`'s findings, and
    /// drops the CRD's schemas; the CRD is marked [`schema_checked`](crate::object::Object).
    pub fn prune(&self, ctx: Option<&CheckContext>, parsed: &mut Parsed) {
        let (objects, diagnostics) = parsed;
        for o in objects.iter_mut() {
            if !is_crd(o) {
                continue;
            }
            let group = o.root.path(&["spec", "group"]).and_then(Node::as_str);
            if group.is_none_or(|g| self.groups.contains(g)) {
                continue;
            }
            if let Some(ctx) = ctx {
                diagnostics.extend(check_object(ctx, &Crds::default(), o));
            }
            drop_schemas(&mut o.root);
            o.schema_checked = true;
        }
    }

    /// Once every file holding a CRD is parsed (`parsed`: their objects): prunes, as
    /// [`Pruning::prune`] does, each CRD whose kind no object of those files is of (in its
    /// group) and no file without CRDs names.
    pub fn prune_kinds<'a>(
        &self,
        ctx: Option<&CheckContext>,
        parsed: impl IntoIterator<Item = &'a mut Parsed>,
    ) {
        use rayon::prelude::*;
        let Some(kinds) = &self.kinds else {
            return;
        };
        let mut parsed: Vec<&mut Parsed> = parsed.into_iter().collect();
        let used: HashSet<(String, String)> = parsed
            .iter()
            .flat_map(|(objects, _)| objects)
            .map(|o| (o.group().to_string(), o.kind.clone()))
            .collect();
        let unused = |o: &Object| {
            let kind = o
                .root
                .path(&["spec", "names", "kind"])
                .and_then(Node::as_str);
            let group = o.root.path(&["spec", "group"]).and_then(Node::as_str);
            match (group, kind) {
                (Some(group), Some(kind)) => {
                    !kinds.contains(kind) && !used.contains(&(group.to_string(), kind.to_string()))
                }
                _ => false,
            }
        };
        parsed.par_iter_mut().for_each(|parsed| {
            let (objects, diagnostics) = &mut **parsed;
            for o in objects.iter_mut() {
                if is_crd(o) && !o.schema_checked && unused(o) {
                    if let Some(ctx) = ctx {
                        diagnostics.extend(check_object(ctx, &Crds::default(), o));
                    }
                    drop_schemas(&mut o.root);
                    o.schema_checked = true;
                }
            }
        });
    }
}

fn is_crd(o: &Object) -> bool {
    o.kind == "CustomResourceDefinition" && o.group() == "apiextensions.k8s.io"
}

const API_VERSION: &[u8] = b"apiVersion";
const KIND: &[u8] = b"kind";

/// The value of each `key:` in `text`, as a scan reads it ([`value_at`]); keys that only end
/// in `key` (`listKind`) are passed over.
fn values_of<'t>(key: &'t [u8], text: &'t str) -> impl Iterator<Item = Option<&'t str>> + 't {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, key).filter_map(move |at| {
        let before = at.checked_sub(1).and_then(|i| bytes.get(i));
        if before.is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return None;
        }
        match value_at(bytes.get(at + key.len()..).unwrap_or(&[])) {
            Some(None) => None,
            Some(Some(value)) => Some(Some(value)),
            None => Some(None),
        }
    })
}

/// The value of the key that ends where `rest` starts: `Some(None)` when this is no key
/// (words in a description), no value (null) or a map or a list; `None` when the value cannot
/// be read (see [`Pruning::scan`]).
fn value_at(rest: &[u8]) -> Option<Option<&str>> {
    let rest = rest
        .strip_prefix(b"\"")
        .or(rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let rest = rest.trim_ascii_start_spaces();
    let Some(rest) = rest.strip_prefix(b":") else {
        return Some(None);
    };
    let rest = rest.trim_ascii_start_spaces();
    let rest = match rest.first() {
        // The value is on a later line: a map or a list there (a CRD schema's `apiVersion`
        // property) names no group; anything else is read as the value.
        Some(b'\n' | b'\r' | b'#') | None => match next_content_line(rest) {
            Some(line) if !starts_collection(line) => line,
            _ => return Some(None),
        },
        _ => rest,
    };
    let (quote, rest) = match rest.first() {
        Some(q @ (b'"' | b'\'')) => (Some(*q), rest.get(1..).unwrap_or(&[])),
        _ => (None, rest),
    };
    let end = rest
        .iter()
        .position(|&b| match quote {
            Some(q) => b == q || b == b'\n',
            // Quotes too: no group or kind holds one, and the key may be words in a quoted
            // string (`note: 'kind: Widget'`).
            None => {
                b.is_ascii_whitespace() || matches!(b, b',' | b'}' | b']' | b'#' | b'"' | b'\'')
            }
        })
        .unwrap_or(rest.len());
    let value = std::str::from_utf8(rest.get(..end)?).ok()?;
    // What YAML would read as something other than these characters.
    let literal = |v: &str| !v.is_empty() && !v.contains('\\') && !v.starts_with(YAML_SIGNS);
    if !literal(value) {
        return None;
    }
    Some(Some(value))
}

/// The line after the one `rest` starts in that holds more than spaces or a comment, without
/// its indentation; `None` at the end of the text.
fn next_content_line(rest: &[u8]) -> Option<&[u8]> {
    let mut lines = rest.split(|&b| b == b'\n').skip(1);
    lines.find_map(|line| {
        let line = line.trim_ascii_start();
        (!line.is_empty() && !line.starts_with(b"#")).then_some(line)
    })
}

/// Whether a value's first line starts a list (`- `) or a map (`key: `).
fn starts_collection(line: &[u8]) -> bool {
    let token_end = line
        .iter()
        .position(u8::is_ascii_whitespace)
        .unwrap_or(line.len());
    let token = line.get(..token_end).unwrap_or(line);
    token == b"-" || token.ends_with(b":")
}

/// The first characters of a plain value that make it something other than its text: an
/// alias, an anchor, a tag, a block scalar, a flow collection, a directive.
const YAML_SIGNS: &[char] = &['*', '&', '!', '|', '>', '{', '[', '%', '@', '`'];

trait TrimSpaces {
    fn trim_ascii_start_spaces(&self) -> &Self;
}

impl TrimSpaces for [u8] {
    /// Spaces and tabs only: a value on a later line is not read.
    fn trim_ascii_start_spaces(&self) -> &[u8] {
        let skip = self
            .iter()
            .position(|&b| b != b' ' && b != b'\t')
            .unwrap_or(self.len());
        self.get(skip..).unwrap_or(&[])
    }
}

/// Replaces each version's `schema.openAPIV3Schema` (and v1beta1's shared
/// `validation.openAPIV3Schema`) with a null at the same place.
fn drop_schemas(root: &mut Node) {
    let Some(spec) = get_mut(root, "spec") else {
        return;
    };
    if let Some(shared) = get_mut(spec, "validation").and_then(|v| get_mut(v, "openAPIV3Schema")) {
        shared.value = Value::Null;
    }
    if let Some(Value::Seq(versions)) = get_mut(spec, "versions").map(|v| &mut v.value) {
        for version in versions.iter_mut() {
            if let Some(schema) =
                get_mut(version, "schema").and_then(|s| get_mut(s, "openAPIV3Schema"))
            {
                schema.value = Value::Null;
            }
        }
    }
}

/// [`Node::get`], mutable: the last entry of the key.
fn get_mut<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    match &mut node.value {
        Value::Map(entries) => entries
            .iter_mut()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(texts: &[&str]) -> Option<Vec<String>> {
        let pruning = Pruning::scan(texts.iter().copied(), [])?;
        let mut groups: Vec<String> = pruning.groups.into_iter().collect();
        groups.sort();
        Some(groups)
    }

    #[test]
    fn groups_are_read_from_every_way_of_writing_an_api_version() {
        let yaml = "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\n---\napiVersion: v1\n";
        let json = r#"{"apiVersion": "ray.io/v1", "kind": "RayCluster"}"#;
        let flow = "items: [{apiVersion: 'grafana.integreatly.org/v1beta1', kind: Grafana}]";
        let prose = "description: the apiVersion of the referent (apiVersion is a string)";
        let property =
            "properties:\n  apiVersion:\n    description: APIVersion\n    type: string\n";
        let later_line = "apiVersion: # the group\n\n  cert-manager.io/v1\nkind: Issuer\n";
        assert_eq!(
            groups(&[yaml, json, flow, prose, property, later_line]).unwrap(),
            [
                "cert-manager.io",
                "grafana.integreatly.org",
                "monitoring.coreos.com",
                "ray.io"
            ]
        );
    }

    #[test]
    fn kinds_are_read_from_the_texts_without_crds_and_an_unreadable_one_rules_none_out() {
        let kinds = |texts: &[&str]| {
            let pruning = Pruning::scan([], texts.iter().copied()).unwrap();
            let mut kinds: Vec<String> = pruning.kinds?.into_iter().collect();
            kinds.sort();
            Some(kinds)
        };
        let list = "kind: List\nitems:\n- apiVersion: ray.io/v1\n  kind: RayCluster\n";
        let json = r#"{"kind": "Grafana", "spec": {"listKind": "GrafanaList"}}"#;
        assert_eq!(
            kinds(&[list, json]).unwrap(),
            ["Grafana", "List", "RayCluster"]
        );
        assert_eq!(kinds(&["kind: !!str Widget\n"]), None);
    }

    #[test]
    fn a_value_a_scan_cannot_read_rules_nothing_out() {
        for text in [
            "apiVersion: *version\n",
            "apiVersion: !!str example.com/v1\n",
            "apiVersion: \"\"\n",
            "apiVersion: >-\n  example.com/v1\n",
            "\"apiVersion\": \"example.com\\/v1\"",
        ] {
            assert!(groups(&[text]).is_none(), "{text}");
        }
    }
}
